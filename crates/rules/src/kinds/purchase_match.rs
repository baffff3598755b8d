//! `purchase_match` (购销对账): every sale of a termination drug in a seller's ledger has, in the
//! buyer's own ledger, a receipt from that seller of the same drug and batch, of the same
//! quantity (within `qty_tolerance`), dated at most `days` days apart (either way: the two
//! sides date one delivery by different papers); and every receipt has its sale.
//!
//! A ledger is a party by its 填报单位. A row names its counterparty by credit code first: a
//! code is known for a ledger when some row of the run writes it beside that ledger's name;
//! else by normalised name. A sale is judged only when the buyer's ledger is among the
//! inputs, a receipt only when the seller's is; the rest is counted once as not judged.
//! Matching is one to one, sale by sale in date order, each taking the nearest free receipt.

use std::collections::HashMap;

use auditor_ingest::Table;
use auditor_model::Dataset;
use chrono::NaiveDate;

use super::drug_ledger::{D1_EVIDENCE, Ledger, Types, owner, qty_text, row_ref};
use super::registry::normal_name;
use super::stock_recon::param_number;
use super::{Context, Hit, Hits, Link};
use crate::catalogue::Rule;

/// How many of the nearest unmatched counterpart rows an unmatched row names.
const CANDIDATES: usize = 2;

/// The ledgers of the run as parties: one per 填报单位.
struct Parties {
    names: Vec<String>,
    files: Vec<Vec<String>>,
    of_table: Vec<Option<usize>>,
    by_name: HashMap<String, usize>,
    by_uscc: HashMap<String, usize>,
}

impl Parties {
    fn of(ledgers: &[Option<Ledger<'_>>]) -> Self {
        let mut out = Self {
            names: Vec::new(),
            files: Vec::new(),
            of_table: vec![None; ledgers.len()],
            by_name: HashMap::new(),
            by_uscc: HashMap::new(),
        };
        for (t, ledger) in ledgers.iter().enumerate() {
            let Some(ledger) = ledger else { continue };
            let name = owner(ledger.table);
            if name.is_empty() {
                continue;
            }
            let next = out.names.len();
            let p = *out.by_name.entry(name.clone()).or_insert(next);
            if p == next {
                out.names.push(ledger.table.institution.clone());
                out.files.push(Vec::new());
            }
            out.files[p].push(ledger.table.file.clone());
            out.of_table[t] = Some(p);
        }
        // A code is a party's when a row writes it beside the party's name.
        for ledger in ledgers.iter().flatten() {
            let pairs = [
                (ledger.supplier_name, ledger.supplier_uscc),
                (ledger.buyer_name, ledger.buyer_uscc),
            ];
            for i in 0..ledger.table.len() {
                for (name, code) in pairs {
                    if let (Some(name), Some(code)) = (name.text(i), code.text(i))
                        && !out.by_uscc.contains_key(code)
                        && let Some(&p) = out.by_name.get(&normal_name(name))
                    {
                        out.by_uscc.insert(code.to_owned(), p);
                    }
                }
            }
        }
        out
    }

    fn find(&self, uscc: Option<&str>, name: Option<&str>) -> Option<usize> {
        uscc.and_then(|c| self.by_uscc.get(c))
            .or_else(|| name.and_then(|n| self.by_name.get(&normal_name(n))))
            .copied()
    }
}

/// One sale or receipt of a termination drug between two parties of the run.
struct Trade<'t> {
    table: usize,
    record: usize,
    date: Option<NaiveDate>,
    qty: Option<f64>,
    batch: &'t str,
    product: &'t str,
    /// The counterparty as the row writes it.
    other: &'t str,
    matched: bool,
}

/// (seller, buyer, generic name).
type Channel<'t> = (usize, usize, &'t str);

/// Whether row `i` is a sale to a named buyer, or a receipt from a named supplier. A row without
/// a type in a ledger keeping its quantities as 购进数量/入库数量 and 销售数量/出库数量 (DRUG-SALE-FIELDS'
/// alternatives for 数量) moves the way its filled quantity says: a pharmacy's 购进验收记录 has
/// only 购进数量, and each of its rows is a receipt.
fn direction(ledger: &Ledger<'_>, types: &Types, i: usize) -> (bool, bool) {
    let sale = ledger.is_issue(types, i) && ledger.has_buyer(i);
    let receipt = !sale && ledger.is_receipt(types, i) && ledger.has_supplier(i);
    if sale || receipt || ledger.kinds.text(i).is_some_and(|k| !k.trim().is_empty()) {
        return (sale, receipt);
    }
    match (ledger.received(i), ledger.issued(i)) {
        (Some(_), None) => (false, ledger.has_supplier(i) && !ledger.has_buyer(i)),
        (None, Some(_)) => (ledger.has_buyer(i) && !ledger.has_supplier(i), false),
        _ => (false, false),
    }
}

pub fn evaluate(rule: &Rule, ctx: &Context<'_>, table: &Table) -> Hits {
    let Some(judged) = ctx.tables.iter().position(|t| std::ptr::eq(t, table)) else {
        return Hits::default();
    };
    let types = Types::of(rule);
    let days = rule.param_int("days").unwrap_or(15);
    let tolerance = param_number(rule, "qty_tolerance").unwrap_or(0.0);
    let ledgers: Vec<Option<Ledger<'_>>> = ctx
        .tables
        .iter()
        .map(|t| (t.dataset == Dataset::DrugTxn).then(|| Ledger::of(t)))
        .collect();
    let parties = Parties::of(&ledgers);
    // Only the channels of the judged ledger's party are matched: the other ledgers are read
    // for the rows that name it.
    let judged_party = parties.of_table[judged];
    let mut resolved: HashMap<(Option<&str>, Option<&str>), Option<usize>> = HashMap::new();
    let mut channels: HashMap<Channel<'_>, (Vec<Trade<'_>>, Vec<Trade<'_>>)> = HashMap::new();
    let mut generics: HashMap<&str, Option<&str>> = HashMap::new();
    let (mut unjudged_sales, mut unjudged_receipts) = (0usize, 0usize);
    for (t, ledger) in ledgers.iter().enumerate() {
        let Some(ledger) = ledger else { continue };
        let me = parties.of_table[t];
        if t != judged && (judged_party.is_none() || me.is_none()) {
            continue;
        }
        for i in 0..ledger.table.len() {
            let (sale, receipt) = direction(ledger, &types, i);
            if !sale && !receipt {
                continue;
            }
            let Some(product) = ledger.products.text(i) else {
                continue;
            };
            let Some(generic) = *generics.entry(product).or_insert_with(|| {
                ctx.drugs
                    .termination_drug(product)
                    .map(|d| d.generic.as_str())
            }) else {
                continue;
            };
            let (uscc, name) = if sale {
                (ledger.buyer_uscc.text(i), ledger.buyer_name.text(i))
            } else {
                (ledger.supplier_uscc.text(i), ledger.supplier_name.text(i))
            };
            let other = *resolved
                .entry((uscc, name))
                .or_insert_with(|| parties.find(uscc, name));
            if me != judged_party && other != judged_party {
                continue;
            }
            let (Some(me), Some(other_party)) = (me, other) else {
                if t == judged {
                    if sale {
                        unjudged_sales += 1;
                    } else {
                        unjudged_receipts += 1;
                    }
                }
                continue;
            };
            // A ledger naming itself (an internal transfer) has no counterpart to match.
            if me == other_party {
                continue;
            }
            let trade = Trade {
                table: t,
                record: i,
                date: ledger.dates.date(i),
                qty: if sale {
                    ledger.issued(i)
                } else {
                    ledger.received(i)
                },
                batch: ledger.batch(i),
                product,
                other: name.or(uscc).unwrap_or_default(),
                matched: false,
            };
            if sale {
                channels
                    .entry((me, other_party, generic))
                    .or_default()
                    .0
                    .push(trade);
            } else {
                channels
                    .entry((other_party, me, generic))
                    .or_default()
                    .1
                    .push(trade);
            }
        }
    }
    let window = Window { days, tolerance };
    let mut found = Vec::new();
    for ((seller, buyer, _), (mut sales, mut receipts)) in channels {
        let order = |t: &Trade<'_>| (t.date, t.table, t.record);
        sales.sort_by_key(order);
        receipts.sort_by_key(order);
        window.pair(&mut sales, &mut receipts);
        let report = Report {
            ctx,
            window: &window,
            judged,
        };
        for s in sales.iter().filter(|s| !s.matched && s.table == judged) {
            found.push(report.hit(s, &receipts, true, &parties.files[buyer]));
        }
        for r in receipts.iter().filter(|r| !r.matched && r.table == judged) {
            found.push(report.hit(r, &sales, false, &parties.files[seller]));
        }
    }
    found.sort_by_key(|h: &Hit| h.record);
    let mut hits = Hits::default();
    hits.extend(found);
    if unjudged_sales + unjudged_receipts > 0 {
        hits.unjudged = Some((
            format!(
                "{unjudged_sales} 条销售、{unjudged_receipts} 条购进记录的对方单位台账不在本次输入中（或本台账未写明填报单位），未核对"
            ),
            format!(
                "sales: {unjudged_sales}, receipts: {unjudged_receipts} not reconciled: the counterparty's ledger is not among the inputs (or this ledger names no institution)"
            ),
        ));
    }
    hits
}

struct Window {
    days: i64,
    tolerance: f64,
}

impl Window {
    fn days_apart(a: &Trade<'_>, b: &Trade<'_>) -> Option<i64> {
        Some((a.date? - b.date?).num_days().abs())
    }

    fn qty_off(a: &Trade<'_>, b: &Trade<'_>) -> Option<f64> {
        Some((a.qty? - b.qty?).abs())
    }

    fn matches(&self, a: &Trade<'_>, b: &Trade<'_>) -> bool {
        a.batch == b.batch
            && Self::days_apart(a, b).is_some_and(|d| d <= self.days)
            && Self::qty_off(a, b).is_some_and(|q| q <= self.tolerance + 1e-9)
    }

    /// Sale by sale in date order, the nearest free receipt of its batch that matches.
    fn pair(&self, sales: &mut [Trade<'_>], receipts: &mut [Trade<'_>]) {
        let mut by_batch: HashMap<&str, Vec<usize>> = HashMap::new();
        for (k, r) in receipts.iter().enumerate() {
            by_batch.entry(r.batch).or_default().push(k);
        }
        for s in sales.iter_mut() {
            let Some(candidates) = by_batch.get(s.batch) else {
                continue;
            };
            let best = candidates
                .iter()
                .copied()
                .filter(|&k| !receipts[k].matched && self.matches(s, &receipts[k]))
                .min_by_key(|&k| (Self::days_apart(s, &receipts[k]), k));
            if let Some(k) = best {
                receipts[k].matched = true;
                s.matched = true;
            }
        }
    }
}

struct Report<'a, 'c> {
    ctx: &'a Context<'c>,
    window: &'a Window,
    judged: usize,
}

impl Report<'_, '_> {
    fn describe(t: &Trade<'_>) -> (String, String) {
        let date = t.date.map(|d| d.to_string()).unwrap_or_default();
        let qty = t.qty.map(qty_text).unwrap_or_default();
        (
            format!("{date}，批号“{}”，数量 {qty}", t.batch),
            format!("{date}, batch \"{}\", quantity {qty}", t.batch),
        )
    }

    /// An unmatched sale (`is_sale`) or receipt, with the nearest unmatched rows of the other
    /// side: same batch first, then the nearest date, then the nearest quantity.
    fn hit(&self, t: &Trade<'_>, others: &[Trade<'_>], is_sale: bool, files: &[String]) -> Hit {
        let mut near: Vec<&Trade<'_>> = others.iter().filter(|o| !o.matched).collect();
        near.sort_by(|a, b| {
            let key = |o: &Trade<'_>| {
                (
                    o.batch != t.batch,
                    Window::days_apart(t, o).unwrap_or(i64::MAX),
                )
            };
            key(a)
                .cmp(&key(b))
                .then_with(|| {
                    let q = |o: &Trade<'_>| Window::qty_off(t, o).unwrap_or(f64::MAX);
                    q(a).total_cmp(&q(b))
                })
                .then_with(|| (a.table, a.record).cmp(&(b.table, b.record)))
        });
        near.truncate(CANDIDATES);
        let mut near_zh = Vec::new();
        let mut near_en = Vec::new();
        for o in &near {
            let (at_zh, at_en) = row_ref(&self.ctx.tables[o.table], o.record);
            let (d_zh, d_en) = Self::describe(o);
            near_zh.push(format!("{at_zh}（{d_zh}）"));
            near_en.push(format!("{at_en} ({d_en})"));
        }
        let (nearest_zh, nearest_en) = if near.is_empty() {
            (String::new(), String::new())
        } else {
            (
                format!("；最接近的：{}", near_zh.join("；")),
                format!("; nearest: {}", near_en.join("; ")),
            )
        };
        let (what_zh, what_en) = Self::describe(t);
        let (days, files) = (self.window.days, files.join("、"));
        let (zh, en) = if is_sale {
            (
                format!(
                    "售给“{}”的{}（{what_zh}）在购货方台账 {files} 中没有 {days} 天内同批号、同数量的购进记录{nearest_zh}",
                    t.other, t.product
                ),
                format!(
                    "the sale of {} to \"{}\" ({what_en}) has no receipt of the same batch and quantity within {days} days in the buyer's ledger {files}{nearest_en}",
                    t.product, t.other
                ),
            )
        } else {
            (
                format!(
                    "从“{}”购进的{}（{what_zh}）在供货方台账 {files} 中没有 {days} 天内同批号、同数量的销售记录{nearest_zh}",
                    t.other, t.product
                ),
                format!(
                    "the receipt of {} from \"{}\" ({what_en}) has no sale of the same batch and quantity within {days} days in the seller's ledger {files}{nearest_en}",
                    t.product, t.other
                ),
            )
        };
        let party = if is_sale {
            "buyer_name"
        } else {
            "supplier_name"
        };
        let qty = if is_sale { "qty_out" } else { "qty_in" };
        debug_assert_eq!(t.table, self.judged);
        Hit {
            record: Some(t.record),
            fields: ["txn_date", party, "batch_no", "qty", qty]
                .into_iter()
                .map(str::to_owned)
                .collect(),
            zh,
            en,
            related: near
                .iter()
                .map(|o| Link {
                    table: o.table,
                    record: o.record,
                    fields: D1_EVIDENCE.iter().map(|f| (*f).to_owned()).collect(),
                })
                .collect(),
        }
    }
}
