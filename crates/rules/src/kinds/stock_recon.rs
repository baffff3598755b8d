//! `stock_recon` (账物相符): per institution, drug, strength and batch — or drug and strength
//! alone, for a ledger keeping one balance across batches (see `stock_scope`) — the stock a ledger counts
//! at the end of each period equals the previous count plus what came in, less what was
//! dispensed, transferred and written off. A ledger with a running balance (结存) is also checked
//! row by row, and a monthly summary's 期初 against the previous 结存.
//!
//! Stock points are 盘点/期初 rows (`count_types`) and, in a ledger with a 结存 column, the last
//! balance of the period. A period's movements are those after the previous stock point up to
//! and including its closing point, in date and row order; dispensing (D2) rows of a day come
//! before a count of that day, as counts are taken at the end of the day. Without an earlier
//! stock point, a batch whose first entry is a receipt starts at zero; otherwise its first
//! period is not judged. A period closing on a book balance rather than a count is judged only
//! against a dispensing register: against the ledger's own issues it would only repeat the row
//! check.
//!
//! Dispensed: when a dispensing register (D2) of the institution is among the inputs, its rows
//! are what left the stock for patients, and the ledger's own 出库 rows without a buyer (issues
//! to the pharmacy or ward) are not counted as well — counting both would take the same boxes
//! out twice. Issues to a named buyer (sales, transfers) always count. Without D2, the ledger's
//! issues count. Quantities are compared as numbers in the ledger's units: D2 must count in
//! the same unit (boxes) as the ledger.

use std::collections::{HashMap, HashSet};

use auditor_ingest::Table;
use auditor_model::Dataset;
use chrono::NaiveDate;

use super::drug_ledger::{
    D1_EVIDENCE, Ledger, Movement, Period, Types, is_named, normal_strength, own_ledgers, owner,
    qty_text, row_ref,
};
use super::registry::ledger_owner;
use super::stock_scope::Scope;
use super::{Context, Field, Hit, Hits, Link};
use crate::catalogue::Rule;

const D2_EVIDENCE: [&str; 4] = ["dispense_date", "product", "batch_no", "qty"];

/// One row touching a batch's stock: a ledger row, or a dispensing of the D2 register.
struct Entry {
    date: NaiveDate,
    /// 0 for D2 (before the day's count), 1 for ledger rows.
    phase: u8,
    table: usize,
    record: usize,
    movement: Movement,
    /// The D2 quantity dispensed; `None` for ledger rows.
    dispensed: Option<f64>,
    /// A balance brought forward (上月结存): the close of the period before its date.
    opens: bool,
}

/// (generic name, normalised strength, batch).
type Batch = (String, String, String);

pub fn evaluate(rule: &Rule, ctx: &Context<'_>, table: &Table) -> Hits {
    let types = Types::of(rule);
    let tolerance = param_number(rule, "tolerance").unwrap_or(0.0);
    let by_quarter = rule.param_str("period") == Some("quarter");
    let Some(judged) = ctx.tables.iter().position(|t| std::ptr::eq(t, table)) else {
        return Hits::default();
    };
    let inst = owner(table);
    let mut groups: HashMap<Batch, Vec<Entry>> = HashMap::new();
    let mut generics: HashMap<&str, Option<&str>> = HashMap::new();
    let mut strengths: HashMap<(String, String), Vec<String>> = HashMap::new();
    let mut per_product: HashSet<(String, String)> = HashSet::new();
    for (t, other) in own_ledgers(ctx, judged, &inst) {
        let ledger = Ledger::of(other);
        let scope = Scope::of(&ledger, &types, tolerance);
        for i in 0..other.len() {
            let (Some(product), Some(date)) = (scope.product(&ledger, i), scope.date(&ledger, i))
            else {
                continue;
            };
            let Some(generic) = *generics.entry(product).or_insert_with(|| {
                ctx.drugs
                    .termination_drug(product)
                    .map(|d| d.generic.as_str())
            }) else {
                continue;
            };
            let strength = scope.strength(&ledger, i);
            let batch = ledger.batch(i).to_owned();
            let known = strengths
                .entry((generic.to_owned(), batch.clone()))
                .or_default();
            if !known.contains(&strength) {
                known.push(strength.clone());
            }
            // A book kept per product reconciles the drug's stock as one, whatever the batch.
            let key = if scope.per_product {
                per_product.insert((generic.to_owned(), strength.clone()));
                (generic.to_owned(), strength, String::new())
            } else {
                (generic.to_owned(), strength, batch)
            };
            groups.entry(key).or_default().push(Entry {
                date,
                phase: 1,
                table: t,
                record: i,
                movement: ledger.movement(&types, i),
                dispensed: None,
                opens: ledger.type_text(i).is_some_and(|k| types.is_opening(k)),
            });
        }
    }
    let d2_files = add_dispensing(ctx, &inst, &mut groups, &strengths, &per_product);
    let mut found = Vec::new();
    for ((generic, strength, batch), mut entries) in groups {
        entries.sort_by_key(|e| (e.date, e.phase, e.table, e.record));
        let whole = per_product.contains(&(generic.clone(), strength.clone()));
        let batch = Group {
            ctx,
            judged,
            tolerance,
            label: (generic, strength, batch),
            per_product: whole,
            d2_files: &d2_files,
        };
        batch.running_balance(&entries, &mut found);
        batch.periods(&entries, by_quarter, &mut found);
    }
    found.sort_by_key(|h: &Hit| h.record);
    let mut hits = Hits::default();
    hits.extend(found);
    hits
}

/// Adds the institution's D2 dispensings to their batches; returns the D2 files that had any.
fn add_dispensing(
    ctx: &Context<'_>,
    inst: &str,
    groups: &mut HashMap<Batch, Vec<Entry>>,
    strengths: &HashMap<(String, String), Vec<String>>,
    per_product: &HashSet<(String, String)>,
) -> Vec<String> {
    let mut files = Vec::new();
    for (t, d2) in ctx.tables.iter().enumerate() {
        if d2.dataset != Dataset::DrugDispense {
            continue;
        }
        let (owners, products, dates) = (
            Field::of(d2, "inst_name"),
            Field::of(d2, "product"),
            Field::of(d2, "dispense_date"),
        );
        let (d2_strengths, batches, qty) = (
            Field::of(d2, "strength"),
            Field::of(d2, "batch_no"),
            d2.column("qty"),
        );
        let mut any = false;
        for i in 0..d2.len() {
            if !is_named(ledger_owner(d2, owners, i).unwrap_or(""), inst) {
                continue;
            }
            any = true;
            let (Some(product), Some(date), Some(q)) = (
                products.text(i),
                dates.date(i),
                qty.and_then(|c| c.number(i)),
            ) else {
                continue;
            };
            let Some(drug) = ctx.drugs.termination_drug(product) else {
                continue;
            };
            let batch = batches.text(i).map_or("", str::trim).to_owned();
            let mut strength = normal_strength(d2_strengths.text(i).unwrap_or(""));
            // Registers often leave 规格 out: a batch the ledger keeps in one strength is that.
            if let Some(known) = strengths.get(&(drug.generic.clone(), batch.clone()))
                && known.len() == 1
                && !known.contains(&strength)
            {
                strength.clone_from(&known[0]);
            }
            let batch = if per_product.contains(&(drug.generic.clone(), strength.clone())) {
                String::new()
            } else {
                batch
            };
            groups
                .entry((drug.generic.clone(), strength, batch))
                .or_default()
                .push(Entry {
                    date,
                    phase: 0,
                    table: t,
                    record: i,
                    movement: Movement::default(),
                    dispensed: Some(q),
                    opens: false,
                });
        }
        if any {
            files.push(d2.file.clone());
        }
    }
    files
}

struct Group<'a, 'c> {
    ctx: &'a Context<'c>,
    judged: usize,
    tolerance: f64,
    label: Batch,
    /// The ledger keeps one balance for the drug across its batches.
    per_product: bool,
    d2_files: &'a [String],
}

impl Group<'_, '_> {
    fn link(e: &Entry) -> Link {
        let fields: &[&str] = if e.dispensed.is_some() {
            &D2_EVIDENCE
        } else {
            &D1_EVIDENCE
        };
        Link {
            table: e.table,
            record: e.record,
            fields: fields.iter().map(|f| (*f).to_owned()).collect(),
        }
    }

    fn what(&self) -> (String, String) {
        let (generic, strength, batch) = &self.label;
        if self.per_product {
            return (
                format!("{generic} {strength}（按品种结存，各批号合计）"),
                format!("{generic} {strength} (one balance across batches)"),
            );
        }
        (
            format!("{generic} {strength} 批号“{batch}”"),
            format!("{generic} {strength} batch \"{batch}\""),
        )
    }

    /// Each 结存 equals the previous one (or the line's own 期初) plus the receipts less the
    /// issues and write-offs since; a line's 期初 equals the previous 结存. A count resets the
    /// book to what was found; the period identity judges the count.
    fn running_balance(&self, entries: &[Entry], found: &mut Vec<Hit>) {
        let mut previous: Option<(usize, f64)> = None;
        let mut since = 0.0;
        let mut first = true;
        for (pos, e) in entries.iter().enumerate() {
            if e.dispensed.is_some() {
                continue;
            }
            let m = &e.movement;
            let was_first = std::mem::replace(&mut first, false);
            if let Some((counted, _)) = m.counted {
                previous = Some((pos, m.balance.unwrap_or(counted)));
                since = 0.0;
                continue;
            }
            let mine = e.table == self.judged;
            let delta = m.received - m.issued - m.written_off;
            if let (Some(opening), Some((p, b))) = (m.opening, previous)
                && (opening - (b + since)).abs() > self.tolerance + 1e-9
                && mine
            {
                found.push(self.opening_hit(&entries[p], e, opening, b + since));
            }
            let Some(balance) = m.balance else {
                since += delta;
                continue;
            };
            let base = match (m.opening, previous) {
                (Some(o), _) => Some((None, o, delta)),
                (None, Some((p, b))) => Some((Some(p), b, since + delta)),
                // A new batch: its first receipt starts from nothing.
                (None, None) if was_first && m.received > 0.0 => Some((None, 0.0, delta)),
                (None, None) => None,
            };
            if let Some((from, start, moved)) = base
                && (balance - (start + moved)).abs() > self.tolerance + 1e-9
                && mine
            {
                let from = from.map(|p| &entries[p]);
                found.push(self.balance_hit(e, from, start, moved));
            }
            previous = Some((pos, balance));
            since = 0.0;
        }
    }

    fn opening_hit(&self, before: &Entry, e: &Entry, opening: f64, carried: f64) -> Hit {
        let (what_zh, what_en) = self.what();
        let (at_zh, at_en) = row_ref(&self.ctx.tables[before.table], before.record);
        Hit {
            record: Some(e.record),
            fields: vec!["opening".to_owned()],
            zh: format!(
                "{what_zh} 期初 {} 与上期结转 {}（{at_zh}）不符，相差 {}（容差 {}）",
                qty_text(opening),
                qty_text(carried),
                qty_text(opening - carried),
                qty_text(self.tolerance)
            ),
            en: format!(
                "{what_en}: the opening stock {} is not what was carried over, {} ({at_en}): off by {} (tolerance {})",
                qty_text(opening),
                qty_text(carried),
                qty_text(opening - carried),
                qty_text(self.tolerance)
            ),
            related: vec![Self::link(before)],
        }
    }

    /// A 结存 that is not `start` + `moved`; `from` is the row `start` was read from, if not
    /// the row itself.
    fn balance_hit(&self, e: &Entry, from: Option<&Entry>, start: f64, moved: f64) -> Hit {
        let (what_zh, what_en) = self.what();
        let balance = e.movement.balance.unwrap_or_default();
        let expected = start + moved;
        let (from_zh, from_en, related) = match from {
            Some(p) => {
                let (zh, en) = row_ref(&self.ctx.tables[p.table], p.record);
                (
                    format!("上一结存 {}（{zh}）", qty_text(start)),
                    format!("the previous balance {} ({en})", qty_text(start)),
                    vec![Self::link(p)],
                )
            }
            None if e.movement.opening.is_some() => (
                format!("本行期初 {}", qty_text(start)),
                format!("the line's opening stock {}", qty_text(start)),
                vec![],
            ),
            None => (
                "新批号从 0".to_owned(),
                "a new batch from 0".to_owned(),
                vec![],
            ),
        };
        Hit {
            record: Some(e.record),
            fields: vec!["balance".to_owned()],
            zh: format!(
                "{what_zh} 结存 {} 与账面不符：{from_zh}加其后净变动 {} 应为 {}，相差 {}（容差 {}）",
                qty_text(balance),
                qty_text(moved),
                qty_text(expected),
                qty_text(balance - expected),
                qty_text(self.tolerance)
            ),
            en: format!(
                "{what_en}: the balance {} does not follow from {from_en} and the net movement since, {}: expected {}, off by {} (tolerance {})",
                qty_text(balance),
                qty_text(moved),
                qty_text(expected),
                qty_text(balance - expected),
                qty_text(self.tolerance)
            ),
            related,
        }
    }

    /// opening + received − dispensed − transferred − written off = closing, per period.
    fn periods(&self, entries: &[Entry], by_quarter: bool, found: &mut Vec<Hit>) {
        let period = |d| {
            if by_quarter {
                Period::quarter(d)
            } else {
                Period::month(d)
            }
        };
        // Per period, the last count, else the last balance, is its closing stock point.
        let mut closing: Vec<(Period, usize, f64, &'static str, bool)> = Vec::new();
        for (pos, e) in entries.iter().enumerate() {
            if e.dispensed.is_some() {
                continue;
            }
            let point = match (e.movement.counted, e.movement.balance) {
                (Some((q, field)), _) => (q, field, true),
                (None, Some(b)) => (b, "balance", false),
                (None, None) => continue,
            };
            // 上月结存 dated the 1st is last month's closing stock.
            let p = if e.opens {
                period(e.date.pred_opt().unwrap_or(e.date))
            } else {
                period(e.date)
            };
            match closing.last_mut() {
                Some(last) if last.0 == p => {
                    // A balance after the period's count does not displace the count, nor
                    // does the next month's 上月结存 restating it.
                    if (point.2 && !e.opens) || !last.4 {
                        *last = (p, pos, point.0, point.1, point.2);
                    }
                }
                _ => closing.push((p, pos, point.0, point.1, point.2)),
            }
        }
        let starts_new = entries
            .iter()
            .find(|e| e.dispensed.is_none())
            .is_some_and(|e| e.movement.received > 0.0 && e.movement.counted.is_none());
        let mut opening: Option<(usize, f64)> = None;
        for &(p, pos, value, field, is_count) in &closing {
            // A book balance against the book's own issues only repeats the row check; the
            // identity speaks at a stock count, or against the dispensing register.
            if !is_count && self.d2_files.is_empty() {
                opening = Some((pos, value));
                continue;
            }
            let from = match opening {
                Some((o, _)) => o + 1,
                None if starts_new => 0,
                None => {
                    opening = Some((pos, value));
                    continue;
                }
            };
            let open_value = opening.map_or(0.0, |(_, v)| v);
            let mut sums = Sums::default();
            for e in &entries[from..=pos] {
                sums.add(e, !self.d2_files.is_empty());
            }
            let expected =
                open_value + sums.received - sums.dispensed - sums.transferred - sums.written_off;
            let e = &entries[pos];
            if (value - expected).abs() > self.tolerance + 1e-9 && e.table == self.judged {
                let mut related: Vec<Link> = opening
                    .iter()
                    .map(|(o, _)| Self::link(&entries[*o]))
                    .collect();
                related.extend(entries[from..pos].iter().map(Self::link));
                found.push(self.period_hit(
                    p, e, field, opening, entries, &sums, value, expected, related,
                ));
            }
            opening = Some((pos, value));
        }
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "one message from one period's figures"
    )]
    fn period_hit(
        &self,
        p: Period,
        e: &Entry,
        field: &str,
        opening: Option<(usize, f64)>,
        entries: &[Entry],
        sums: &Sums,
        value: f64,
        expected: f64,
        related: Vec<Link>,
    ) -> Hit {
        let (what_zh, what_en) = self.what();
        let (open_zh, open_en) = match opening {
            Some((o, v)) => {
                let (zh, en) = row_ref(&self.ctx.tables[entries[o].table], entries[o].record);
                (
                    format!("期初 {}（{zh}）", qty_text(v)),
                    format!("opening {} ({en})", qty_text(v)),
                )
            }
            None => (
                "期初 0（新批号）".to_owned(),
                "opening 0 (new batch)".to_owned(),
            ),
        };
        let dispensed = qty_text(sums.dispensed);
        let (out_zh, out_en) = if self.d2_files.is_empty() {
            (format!("出库 {dispensed}"), format!("issued {dispensed}"))
        } else {
            let files = self.d2_files.join("、");
            (
                format!("发药 {dispensed}（{files} 共 {} 条）", sums.d2_rows),
                format!("dispensed {dispensed} ({} rows of {files})", sums.d2_rows),
            )
        };
        let diff = value - expected;
        Hit {
            record: Some(e.record),
            fields: vec![field.to_owned()],
            zh: format!(
                "{what_zh} {}账物不符：{open_zh} + 收入 {} − {out_zh} − 调出/销售 {} − 报废 {} = 应存 {}，实存 {}，{} {}（容差 {}）",
                p.zh(),
                qty_text(sums.received),
                qty_text(sums.transferred),
                qty_text(sums.written_off),
                qty_text(expected),
                qty_text(value),
                if diff < 0.0 { "短少" } else { "多出" },
                qty_text(diff.abs()),
                qty_text(self.tolerance)
            ),
            en: format!(
                "{what_en}, {}: stock does not match the books: {open_en} + received {} − {out_en} − transferred/sold {} − written off {} = {} expected, {} on hand, {} {} (tolerance {})",
                p.en(),
                qty_text(sums.received),
                qty_text(sums.transferred),
                qty_text(sums.written_off),
                qty_text(expected),
                qty_text(value),
                if diff < 0.0 { "short by" } else { "over by" },
                qty_text(diff.abs()),
                qty_text(self.tolerance)
            ),
            related,
        }
    }
}

#[derive(Default)]
struct Sums {
    received: f64,
    dispensed: f64,
    transferred: f64,
    written_off: f64,
    d2_rows: usize,
}

impl Sums {
    fn add(&mut self, e: &Entry, d2_present: bool) {
        if let Some(q) = e.dispensed {
            self.dispensed += q;
            self.d2_rows += 1;
            return;
        }
        let m = &e.movement;
        self.received += m.received;
        self.written_off += m.written_off;
        if m.to_buyer {
            self.transferred += m.issued;
        } else if !d2_present {
            self.dispensed += m.issued;
        }
    }
}

/// A numeric parameter written as an integer or a decimal.
pub(crate) fn param_number(rule: &Rule, name: &str) -> Option<f64> {
    let v = rule.params.get(name)?;
    v.as_float().or_else(|| v.as_integer().map(|i| i as f64))
}
