//! `required`: the record-keeping duty itself — every listed field filled (placeholders count as
//! empty, an invalid ID number as absent), yes/no checks not answered 否, and an ID number in a
//! women's register not a man's. Optionally only for rows of a termination drug.

use auditor_ingest::Table;
use auditor_ingest::column::Column;
use auditor_model::ident::resident_id::Sex;

use super::direction::{self, Direction, TxnWords};
use super::{Context, Field, Hit, Hits, MAX_LISTED, absent_columns_of, missing_entries};
use crate::catalogue::Rule;
use crate::reference::DrugMemo;

pub struct Duties<'a> {
    pub required: &'a [String],
    pub true_flags: &'a [String],
    pub female: Option<&'a str>,
    pub drug: Option<&'a str>,
    /// Only rows whose field has one of these values are judged.
    pub only: Option<(&'a str, &'a [String])>,
    /// Only sales and purchases are judged, each with the fields of its side.
    pub directed: Option<Directed<'a>>,
}

/// A purchase-and-sales ledger's sides: a sale names its buyer, a purchase its supplier.
pub struct Directed<'a> {
    pub txn_type: &'a str,
    pub sale: &'a [String],
    pub purchase: &'a [String],
}

/// One required field of a sheet: its own column, or — when the sheet has not got it — the
/// columns the rule's `alternatives` parameter lets stand in for it (a 进销存 ledger writes
/// 数量 as 入库数量 and 出库数量), filled when any of them is.
struct Need<'t> {
    field: &'t str,
    columns: Vec<(&'t str, &'t Column)>,
}

impl Need<'_> {
    fn is_missing(&self, i: usize) -> bool {
        self.columns.iter().all(|(_, c)| c.is_missing(i))
    }

    /// Whether ingest may have left a written value out: anything but text is absent when it
    /// could not be read as its type.
    fn may_be_invalid(&self) -> bool {
        self.columns
            .iter()
            .any(|(_, c)| !matches!(c, Column::Text(_)))
    }
}

/// Fields a row must fill, looked up once per sheet; the sheet's lack of a column is told once,
/// counting the rows that needed it.
struct Duty<'t> {
    absent: Vec<&'t str>,
    needs: Vec<Need<'t>>,
    judged: usize,
}

impl<'t> Duty<'t> {
    fn of(table: &'t Table, fields: &'t [String], alternatives: Option<&'t toml::Table>) -> Self {
        let mut duty = Self {
            absent: Vec::new(),
            needs: Vec::new(),
            judged: 0,
        };
        for field in fields {
            let stand_ins = alternatives
                .and_then(|a| a.get(field.as_str()))
                .and_then(toml::Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let columns: Vec<(&str, &Column)> = match table.column(field) {
                Some(c) => vec![(field.as_str(), c)],
                None => stand_ins
                    .iter()
                    .filter_map(toml::Value::as_str)
                    .filter_map(|n| table.column(n).map(|c| (n, c)))
                    .collect(),
            };
            if columns.is_empty() {
                duty.absent.push(field);
            } else {
                duty.needs.push(Need { field, columns });
            }
        }
        duty
    }

    /// The needs row `i` leaves unmet.
    fn missing(&mut self, i: usize) -> Vec<&Need<'t>> {
        self.judged += 1;
        self.needs.iter().filter(|n| n.is_missing(i)).collect()
    }

    /// The sheet's missing columns, once every row is judged.
    fn absent(&self, table: &Table) -> Option<Hit> {
        absent_columns_of(table, &self.absent, self.judged)
    }
}

/// Which side of a purchase-and-sales ledger each row is on.
struct Sides<'t> {
    kinds: Field<'t>,
    words: TxnWords,
    sale: Duty<'t>,
    purchase: Duty<'t>,
}

impl Sides<'_> {
    /// Whether row `i` fills any of `duty`'s fields: names that side's party.
    fn names_party(duty: &Duty<'_>, i: usize) -> bool {
        duty.needs.iter().any(|n| !n.is_missing(i))
    }

    fn direction(&self, i: usize) -> Direction {
        self.words.direction(
            self.kinds.text(i),
            Self::names_party(&self.sale, i),
            Self::names_party(&self.purchase, i),
        )
    }
}

pub fn evaluate(rule: &Rule, ctx: &Context<'_>, table: &Table, f: &Duties<'_>) -> Hits {
    let mut hits = Hits::default();
    // Columns the sheet lacks are one finding; rows are judged on the columns it has.
    let alternatives = rule
        .params
        .get("alternatives")
        .and_then(toml::Value::as_table);
    let mut base = Duty::of(table, f.required, alternatives);
    let mut sides = f.directed.as_ref().map(|d| Sides {
        kinds: Field::of(table, d.txn_type),
        words: TxnWords::of(rule),
        sale: Duty::of(table, d.sale, alternatives),
        purchase: Duty::of(table, d.purchase, alternatives),
    });
    let mut unknown = 0;
    let product = f.drug.and_then(|p| table.column(p));
    let mut memo = DrugMemo::default();
    let only = f.only.map(|(field, values)| (table.column(field), values));
    for i in 0..table.len() {
        if let Some((column, values)) = only {
            let value = column.and_then(|c| c.text(i));
            if !value.is_some_and(|v| values.iter().any(|x| x == v)) {
                continue;
            }
        }
        if f.drug.is_some() {
            let judged = product
                .and_then(|c| c.text(i))
                .is_some_and(|p| memo.is_termination_drug(ctx.drugs, p));
            if !judged {
                continue;
            }
        }
        let side = match sides.as_mut() {
            None => None,
            Some(sides) => match sides.direction(i) {
                Direction::Sale => Some(&mut sides.sale),
                Direction::Purchase => Some(&mut sides.purchase),
                Direction::Neither => continue,
                Direction::Unknown => {
                    unknown += 1;
                    continue;
                }
            },
        };
        let mut missing = base.missing(i);
        if let Some(side) = side {
            missing.extend(side.missing(i));
        }
        if !missing.is_empty() {
            hits.extend(missing_or_invalid(table, i, &missing));
        }
        for flag in f.true_flags {
            if let Some(Column::Flag(v)) = table.column(flag)
                && v.get(i) == Some(&0)
            {
                hits.push(Hit {
                    record: Some(i),
                    fields: vec![flag.clone()],
                    zh: format!("“{}”记为否", table.label(flag).0),
                    en: format!("\"{}\" is recorded as no", table.label(flag).1),
                    related: Vec::new(),
                });
            }
        }
        if let Some(id_field) = f.female
            && let Some(Column::Person(people)) = table.column(id_field)
            && people
                .get(i)
                .copied()
                .flatten()
                // A passport's number has no sex digit: such a row is not judged here.
                .is_some_and(|p| p.sex == Some(Sex::Male))
        {
            hits.push(Hit {
                record: Some(i),
                fields: vec![id_field.to_owned()],
                zh: "身份证号的性别位为男性，与女性登记对象不符（可能登记了他人证件）".to_owned(),
                en: "the ID number's sex digit is male, which cannot be this woman's (someone else's ID?)".to_owned(),
                related: Vec::new(),
            });
        }
    }
    // The sheet's missing columns, each counted over the rows that needed it, listed first:
    // they outweigh any row's gap.
    let mut absent: Vec<Hit> = base.absent(table).into_iter().collect();
    if let Some(sides) = &sides {
        absent.extend(sides.sale.absent(table));
        absent.extend(sides.purchase.absent(table));
    }
    put_first(&mut hits, absent);
    hits.unjudged = direction::unjudged_note(unknown);
    hits
}

/// The hit for the needs row `i` leaves unmet. Ingest keeps a value it cannot read as its type
/// — an ID number failing its check (DQ-ID-INVALID), a date such as "2026年12月"
/// (DQ-DATE-INVALID) — as absent, so a gap in any column but text may be a value written but
/// invalid: it is said to be empty or invalid, not empty. Only a text column's gap is surely
/// empty.
fn missing_or_invalid(table: &Table, i: usize, missing: &[&Need<'_>]) -> Option<Hit> {
    let (unread, blank): (Vec<&Need<'_>>, Vec<&Need<'_>>) =
        missing.iter().partition(|n| n.may_be_invalid());
    let clauses = [
        (blank, ("必填项为空", "required entries are empty")),
        (
            unread,
            (
                "必填项为空或无效",
                "required entries are missing or invalid",
            ),
        ),
    ];
    let mut hit: Option<Hit> = None;
    for (needs, lead) in clauses {
        let names: Vec<String> = needs.iter().map(|n| n.field.to_owned()).collect();
        let names: Vec<&String> = names.iter().collect();
        let Some(mut clause) = missing_entries(table, i, &names, lead) else {
            continue;
        };
        // The cells to show are the columns the sheet has, stand-ins included.
        clause.fields = needs
            .iter()
            .flat_map(|n| n.columns.iter().map(|(name, _)| (*name).to_owned()))
            .collect();
        hit = Some(match hit {
            None => clause,
            Some(mut first) => {
                first.zh = format!("{}；{}", first.zh, clause.zh);
                first.en = format!("{}; {}", first.en, clause.en);
                first.fields.extend(clause.fields);
                first
            }
        });
    }
    hit
}

/// Puts `first` before the hits already listed, keeping the list within [`MAX_LISTED`].
fn put_first(hits: &mut Hits, first: Vec<Hit>) {
    hits.listed.splice(0..0, first);
    while hits.listed.len() > MAX_LISTED {
        hits.listed.pop();
        hits.more += 1;
    }
}
