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

/// Fields a row must fill, looked up once per sheet; the sheet's lack of a column is told once,
/// counting the rows that needed it.
struct Duty<'t> {
    names: Vec<&'t str>,
    present: Vec<(&'t String, &'t Column)>,
    judged: usize,
}

impl<'t> Duty<'t> {
    fn of(table: &'t Table, fields: &'t [String]) -> Self {
        Self {
            names: fields.iter().map(String::as_str).collect(),
            present: fields
                .iter()
                .filter_map(|n| table.column(n).map(|c| (n, c)))
                .collect(),
            judged: 0,
        }
    }

    /// The fields row `i` leaves empty.
    fn missing(&mut self, i: usize) -> Vec<&'t String> {
        self.judged += 1;
        self.present
            .iter()
            .filter(|(_, c)| c.is_missing(i))
            .map(|(n, _)| *n)
            .collect()
    }

    /// The sheet's missing columns, once every row is judged.
    fn absent(&self, table: &Table) -> Option<Hit> {
        absent_columns_of(table, &self.names, self.judged)
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
        duty.present.iter().any(|(_, c)| !c.is_missing(i))
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
    let mut base = Duty::of(table, f.required);
    let mut sides = f.directed.as_ref().map(|d| Sides {
        kinds: Field::of(table, d.txn_type),
        words: TxnWords::of(rule),
        sale: Duty::of(table, d.sale),
        purchase: Duty::of(table, d.purchase),
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
        hits.extend(missing_or_invalid(table, i, &missing));
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
                .is_some_and(|p| p.sex == Sex::Male)
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

/// The hit for the fields row `i` lacks. Ingest keeps a value it cannot read as its type — an
/// ID number failing its check (DQ-ID-INVALID), a date such as "2026年12月" (DQ-DATE-INVALID)
/// — as absent, so a gap in any column but text may be a value written but invalid: it is said
/// to be empty or invalid, not empty. Only a text column's gap is surely empty.
fn missing_or_invalid(table: &Table, i: usize, missing: &[&String]) -> Option<Hit> {
    let (ids, blank): (Vec<&String>, Vec<&String>) = missing
        .iter()
        .partition(|n| !matches!(table.column(n), Some(Column::Text(_))));
    if ids.is_empty() {
        return missing_entries(
            table,
            i,
            &blank,
            ("必填项为空", "required entries are empty"),
        );
    }
    let lead = (
        "必填项为空或无效",
        "required entries are missing or invalid",
    );
    if blank.is_empty() {
        return missing_entries(table, i, &ids, lead);
    }
    let mut hit = missing_entries(
        table,
        i,
        &blank,
        ("必填项为空", "required entries are empty"),
    )?;
    let invalid = missing_entries(table, i, &ids, lead)?;
    hit.zh = format!("{}；{}", hit.zh, invalid.zh);
    hit.en = format!("{}; {}", hit.en, invalid.en);
    hit.fields.extend(invalid.fields);
    Some(hit)
}

/// Puts `first` before the hits already listed, keeping the list within [`MAX_LISTED`].
fn put_first(hits: &mut Hits, first: Vec<Hit>) {
    hits.listed.splice(0..0, first);
    while hits.listed.len() > MAX_LISTED {
        hits.listed.pop();
        hits.more += 1;
    }
}
