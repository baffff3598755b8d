//! `drug_vs_cases` (购量对病例): per institution and quarter, the termination drugs it received
//! against the drug-using terminations it registered. Receiving more than `k` times
//! `units_per_case` per case, drug by drug, points to drugs leaving the registered channel.
//!
//! Units are counted per generic drug, since one case takes one regimen of each (mifepristone
//! and misoprostol), and in the ledger's units (boxes). Cases are the termination register's
//! (D5) rows whose 术式 names a drug method, or, with `cases = "dispense"`, the distinct
//! patients of the dispensing register (D2), in the same institution and quarter.

use std::collections::{BTreeMap, HashMap, HashSet};

use auditor_ingest::Table;
use auditor_model::Dataset;
use chrono::NaiveDate;
use serde::Deserialize;

use super::drug_ledger::{
    D1_EVIDENCE, Ledger, Period, Types, is_named, own_ledgers, owner, qty_text,
};
use super::registry::{contains_any, ledger_owner};
use super::stock_recon::param_number;
use super::{Context, Field, Hit, Hits, Link};
use crate::catalogue::Rule;

/// Where the cases are counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cases {
    /// Terminations registered with a drug method (D5).
    #[default]
    Termination,
    /// Distinct patients dispensed a termination drug (D2).
    Dispense,
}

impl Cases {
    pub fn dataset(self) -> Dataset {
        match self {
            Self::Termination => Dataset::Termination,
            Self::Dispense => Dataset::DrugDispense,
        }
    }
}

/// A receipt row: where it is and when.
type Receipt = (NaiveDate, usize, usize);

#[derive(Default)]
struct Received {
    qty: f64,
    unit: String,
    rows: Vec<Receipt>,
}

pub fn evaluate(rule: &Rule, ctx: &Context<'_>, table: &Table, cases: Cases) -> Hits {
    let Some(judged) = ctx.tables.iter().position(|t| std::ptr::eq(t, table)) else {
        return Hits::default();
    };
    let types = Types::of(rule);
    let k = param_number(rule, "k").unwrap_or(1.3);
    let per_case = param_number(rule, "units_per_case").unwrap_or(1.0);
    let inst = owner(table);
    // (quarter, generic) -> what came in.
    let mut received: BTreeMap<(Period, &str), Received> = BTreeMap::new();
    for (t, other) in own_ledgers(ctx, judged, &inst) {
        let ledger = Ledger::of(other);
        for i in 0..other.len() {
            if !ledger.is_receipt(&types, i) {
                continue;
            }
            let (Some(product), Some(date), Some(q)) = (
                ledger.products.text(i),
                ledger.dates.date(i),
                ledger.received(i),
            ) else {
                continue;
            };
            let Some(drug) = ctx.drugs.termination_drug(product) else {
                continue;
            };
            let entry = received
                .entry((Period::quarter(date), drug.generic.as_str()))
                .or_default();
            entry.qty += q;
            if entry.unit.is_empty() {
                entry.unit = ledger.unit(i);
            }
            entry.rows.push((date, t, i));
        }
    }
    if received.is_empty() {
        return Hits::default();
    }
    let counted = match cases {
        Cases::Termination => drug_terminations(rule, ctx, &inst),
        Cases::Dispense => dispensed_patients(ctx, &inst),
    };
    let Some((per_quarter, files)) = counted else {
        let mut hits = Hits::default();
        let name = &table.institution;
        hits.unjudged = Some(match cases {
            Cases::Termination => (
                format!("输入中没有“{name}”的终止妊娠手术登记，无法比对购药量与病例数"),
                format!(
                    "no termination register of \"{name}\" is among the inputs, so drug receipts cannot be set against cases"
                ),
            ),
            Cases::Dispense => (
                format!("输入中没有“{name}”的用药登记，无法比对购药量与病例数"),
                format!(
                    "no dispensing register of \"{name}\" is among the inputs, so drug receipts cannot be set against cases"
                ),
            ),
        });
        return hits;
    };
    let mut quarters: BTreeMap<Period, Vec<(&str, &Received)>> = BTreeMap::new();
    for ((quarter, generic), r) in &received {
        let n = per_quarter.get(quarter).copied().unwrap_or(0);
        // Exactly k times the expected use is still within the bound.
        if r.qty > k * per_case * n as f64 + 1e-9 {
            quarters.entry(*quarter).or_default().push((*generic, r));
        }
    }
    let mut found = Vec::new();
    for (quarter, over) in quarters {
        // Every receipt of the quarter, of every termination drug, is the evidence.
        let mut rows: Vec<Receipt> = received
            .iter()
            .filter(|((q, _), _)| *q == quarter)
            .flat_map(|(_, r)| r.rows.iter().copied())
            .collect();
        rows.sort_unstable();
        let Some(&(_, t, last)) = rows.last() else {
            continue;
        };
        if t != judged {
            continue;
        }
        let n = per_quarter.get(&quarter).copied().unwrap_or(0);
        found.push(hit(&Finding {
            institution: &table.institution,
            quarter,
            over: &over,
            cases: n,
            cases_from: cases,
            files: &files,
            k,
            per_case,
            rows: &rows[..rows.len() - 1],
            last,
        }));
    }
    let mut hits = Hits::default();
    hits.extend(found);
    hits
}

/// Per quarter, the institution's terminations by a drug method; `None` when no termination
/// register of the institution is among the inputs.
fn drug_terminations(
    rule: &Rule,
    ctx: &Context<'_>,
    inst: &str,
) -> Option<(HashMap<Period, usize>, Vec<String>)> {
    let methods = rule.param_list("drug_methods");
    let mut per_quarter: HashMap<Period, usize> = HashMap::new();
    let mut files = Vec::new();
    for t in ctx
        .tables
        .iter()
        .filter(|t| t.dataset == Dataset::Termination)
    {
        let (owners, dates, method) = (
            Field::of(t, "inst_name"),
            Field::of(t, "proc_date"),
            Field::of(t, "method"),
        );
        let mut covered = false;
        for i in 0..t.len() {
            if !is_named(ledger_owner(t, owners, i).unwrap_or(""), inst) {
                continue;
            }
            covered = true;
            if let Some(date) = dates.date(i)
                && contains_any(method.text(i), &methods)
            {
                *per_quarter.entry(Period::quarter(date)).or_default() += 1;
            }
        }
        if covered {
            files.push(t.file.clone());
        }
    }
    (!files.is_empty()).then_some((per_quarter, files))
}

/// Per quarter, the distinct patients the institution dispensed a termination drug to: one
/// case takes several rows (mifepristone, then misoprostol).
fn dispensed_patients(
    ctx: &Context<'_>,
    inst: &str,
) -> Option<(HashMap<Period, usize>, Vec<String>)> {
    let mut seen: HashSet<(Period, String)> = HashSet::new();
    let mut files = Vec::new();
    for (n, t) in ctx.tables.iter().enumerate() {
        if t.dataset != Dataset::DrugDispense {
            continue;
        }
        let (owners, dates, products, rx) = (
            Field::of(t, "inst_name"),
            Field::of(t, "dispense_date"),
            Field::of(t, "product"),
            Field::of(t, "rx_no"),
        );
        let person = t.column("patient_id");
        let mut covered = false;
        for i in 0..t.len() {
            if !is_named(ledger_owner(t, owners, i).unwrap_or(""), inst) {
                continue;
            }
            covered = true;
            let (Some(date), Some(product)) = (dates.date(i), products.text(i)) else {
                continue;
            };
            if ctx.drugs.termination_drug(product).is_none() {
                continue;
            }
            // The hashed ID first, the prescription number else, the row itself at worst.
            let who = person
                .and_then(|c| c.person(i))
                .map(auditor_ingest::column::PersonKey::id_hash_hex)
                .or_else(|| rx.text(i).map(|r| format!("rx:{r}")))
                .unwrap_or_else(|| format!("row:{n}:{i}"));
            seen.insert((Period::quarter(date), who));
        }
        if covered {
            files.push(t.file.clone());
        }
    }
    let mut per_quarter: HashMap<Period, usize> = HashMap::new();
    for (quarter, _) in seen {
        *per_quarter.entry(quarter).or_default() += 1;
    }
    (!files.is_empty()).then_some((per_quarter, files))
}

struct Finding<'a> {
    institution: &'a str,
    quarter: Period,
    over: &'a [(&'a str, &'a Received)],
    cases: usize,
    cases_from: Cases,
    files: &'a [String],
    k: f64,
    per_case: f64,
    /// The quarter's other receipts.
    rows: &'a [Receipt],
    last: usize,
}

/// One finding per institution and quarter, on its last receipt; every other receipt of the
/// quarter is evidence.
fn hit(f: &Finding<'_>) -> Hit {
    let expected = f.per_case * f.cases as f64;
    let mut drugs_zh = Vec::new();
    let mut drugs_en = Vec::new();
    for (generic, r) in f.over {
        let qty = format!("{}{}", qty_text(r.qty), r.unit);
        if expected > 0.0 {
            let times = r.qty / expected;
            drugs_zh.push(format!("{generic} {qty}（为预期用量的 {times:.1} 倍）"));
            drugs_en.push(format!(
                "{generic} {qty} ({times:.1} times the expected use)"
            ));
        } else {
            drugs_zh.push(format!("{generic} {qty}"));
            drugs_en.push(format!("{generic} {qty}"));
        }
    }
    let unit = f.over.first().map_or("", |(_, r)| r.unit.as_str());
    let files = f.files.join("、");
    let (what_zh, what_en) = match f.cases_from {
        Cases::Termination => ("登记药物终止妊娠", "drug terminations registered"),
        Cases::Dispense => ("用药登记患者", "patients in the dispensing register"),
    };
    let related: Vec<Link> = f
        .rows
        .iter()
        .map(|&(_, t, i)| Link {
            table: t,
            record: i,
            fields: D1_EVIDENCE.iter().map(|s| (*s).to_owned()).collect(),
        })
        .collect();
    Hit {
        record: Some(f.last),
        fields: ["txn_date", "generic_name", "qty", "qty_in"]
            .into_iter()
            .map(str::to_owned)
            .collect(),
        zh: format!(
            "“{}”{}购进{}，同期{what_zh} {} 例（{files}），按每例 {}{unit} 计，超过 {} 倍",
            f.institution,
            f.quarter.zh(),
            drugs_zh.join("、"),
            f.cases,
            qty_text(f.per_case),
            qty_text(f.k)
        ),
        en: format!(
            "\"{}\" received in {} {}, against {} {what_en} in the same quarter ({files}); at {}{unit} per case that is more than {} times",
            f.institution,
            f.quarter.en(),
            drugs_en.join(", "),
            f.cases,
            qty_text(f.per_case),
            qty_text(f.k)
        ),
        related,
    }
}
