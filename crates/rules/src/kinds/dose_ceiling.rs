//! `dose_ceiling` (单例用量): what one woman was dispensed of a termination drug, per case,
//! against the regimen's ceiling — mifepristone 150–200 mg for an early medical abortion,
//! misoprostol 600 µg, at most 1200 µg in a day. Drugs dispensed beyond one regimen are drugs
//! that may have left for someone else.
//!
//! A case is the rows of one woman (her hashed ID number; without one, her prescription
//! number; without that, the row alone) and one drug dispensed within `case_days` days of the
//! case's first row. Quantities are converted to a dose (`dose`): a mass written as such
//! (200mg), tablets (片, 粒) by the strength of one, boxes (盒) by the strength and the count
//! a box holds ("25mg×6片"). A row the conversion cannot read is never guessed at: it is
//! counted in the run's notes, not judged.

use std::collections::BTreeMap;

use auditor_ingest::Table;
use chrono::NaiveDate;

use super::dose::{Amount, Mass, Unconverted};
use super::stock_recon::param_number;
use super::{Context, Field, Hit, Hits, Link};
use crate::catalogue::Rule;

/// The drugs with a regimen ceiling: generic name (`rules/reference/drug_catalog.toml`), the
/// mass unit its ceilings are written in, the parameter of its ceiling per case and, where
/// there is one, per day.
const CEILINGS: [(&str, Mass, &str, Option<&str>); 2] = [
    ("米非司酮", Mass::Mg, "mifepristone_mg", None),
    (
        "米索前列醇",
        Mass::Ug,
        "misoprostol_ug",
        Some("misoprostol_day_ug"),
    ),
];

/// The D2 fields the check reads (canonical names of `rules/datasets/drug_dispense.toml`).
pub(crate) const FIELDS: [&str; 7] = [
    "dispense_date",
    "product",
    "strength",
    "qty",
    "unit",
    "patient_id",
    "rx_no",
];

/// The cells a finding shows.
const EVIDENCE: [&str; 6] = [
    "dispense_date",
    "rx_no",
    "product",
    "strength",
    "qty",
    "unit",
];

/// Whose case a row belongs to.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Patient {
    Id(String),
    Rx(String),
    Row(usize),
}

/// One convertible row of a case.
struct Dose {
    date: NaiveDate,
    record: usize,
    /// In micrograms.
    ug: f64,
    amount: Amount,
}

pub fn evaluate(rule: &Rule, ctx: &Context<'_>, table: &Table) -> Hits {
    let case_days = rule.param_int("case_days").unwrap_or(7).max(1);
    let (dates, products, strengths, rx) = (
        Field::of(table, "dispense_date"),
        Field::of(table, "product"),
        Field::of(table, "strength"),
        Field::of(table, "rx_no"),
    );
    let qty = table.column("qty");
    let units = Field::of(table, "unit");
    let person = table.column("patient_id");
    let mut cases: BTreeMap<(usize, Patient), Vec<Dose>> = BTreeMap::new();
    let mut unconverted: Vec<(usize, Unconverted)> = Vec::new();
    for i in 0..table.len() {
        let (Some(product), Some(date)) = (products.text(i), dates.date(i)) else {
            continue;
        };
        let Some(drug) = ctx.drugs.termination_drug(product) else {
            continue;
        };
        let Some(c) = CEILINGS.iter().position(|(g, ..)| *g == drug.generic) else {
            continue;
        };
        // A row without a quantity is the required-entries rule's, not a dose to convert.
        let Some(q) = qty.and_then(|c| c.number(i)) else {
            continue;
        };
        let unit = super::dose::written_unit(qty, units, i);
        match Amount::of(q, &unit, strengths.text(i), drug) {
            Ok(amount) => {
                let patient = person
                    .and_then(|c| c.person(i))
                    .map(|p| Patient::Id(p.id_hash_hex()))
                    .or_else(|| rx.text(i).map(|r| Patient::Rx(r.trim().to_owned())))
                    .unwrap_or(Patient::Row(i));
                cases.entry((c, patient)).or_default().push(Dose {
                    date,
                    record: i,
                    ug: amount.micrograms(),
                    amount,
                });
            }
            Err(why) => unconverted.push((i, why)),
        }
    }
    let table_index = ctx.tables.iter().position(|t| std::ptr::eq(t, table));
    let mut found = Vec::new();
    for ((c, patient), mut doses) in cases {
        let (generic, mass, case_param, day_param) = CEILINGS[c];
        let Some(case_cap) = param_number(rule, case_param) else {
            continue;
        };
        let day_cap = day_param.and_then(|p| param_number(rule, p));
        doses.sort_by_key(|d| (d.date, d.record));
        let ceilings = Ceilings {
            generic,
            mass,
            case: case_cap,
            day: day_cap,
        };
        for case in split_cases(&doses, case_days) {
            found.extend(judge_case(table, table_index, &ceilings, &patient, case));
        }
    }
    // Findings in the register's row order, not the order of the patients' hashes.
    found.sort_by_key(|h: &Hit| h.record);
    let mut hits = Hits::default();
    hits.extend(found);
    if let Some((first, why)) = unconverted.first() {
        let row = table.rows.get(*first).copied().unwrap_or_default();
        let (why_zh, why_en) = why.text();
        let n = unconverted.len();
        hits.unjudged = Some((
            format!(
                "{n} 条终止妊娠药品用药记录的数量无法换算为毫克或微克（如第{row}行：{why_zh}），未判断其单例用量；请在规格中写明每片含量（如 25mg）和每盒片数（如 25mg×6片）"
            ),
            format!(
                "{n} termination drug dispensing record(s) give a quantity that cannot be converted to milligrams or micrograms (e.g. row {row}: {why_en}), so their dose per case was not judged; write the strength of one tablet (25mg) and the tablets per box (25mg×6片) in the strength column"
            ),
        ));
    }
    hits
}

/// A drug's ceilings, in its mass unit.
struct Ceilings {
    generic: &'static str,
    mass: Mass,
    case: f64,
    day: Option<f64>,
}

/// The cases among one woman's doses of one drug, sorted by date: each starts at the first
/// dose not within `case_days` days of the previous case's start.
fn split_cases(doses: &[Dose], case_days: i64) -> Vec<&[Dose]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=doses.len() {
        if i == doses.len() || (doses[i].date - doses[start].date).num_days() >= case_days {
            out.push(&doses[start..i]);
            start = i;
        }
    }
    out
}

/// One finding per case at most, on the row that took it over the ceiling per case or per
/// day, naming the case's earlier rows.
fn judge_case(
    table: &Table,
    table_index: Option<usize>,
    c: &Ceilings,
    patient: &Patient,
    case: &[Dose],
) -> Option<Hit> {
    let (case_cap, day_cap) = (c.mass.to_ug(c.case), c.day.map(|d| c.mass.to_ug(d)));
    let mut total = 0.0;
    let mut day: Option<(NaiveDate, f64)> = None;
    for (n, d) in case.iter().enumerate() {
        total += d.ug;
        let day_total = match day {
            Some((date, t)) if date == d.date => t + d.ug,
            _ => d.ug,
        };
        day = Some((d.date, day_total));
        let start = case.first().map_or(d.date, |f| f.date);
        let mut zh = Vec::new();
        let mut en = Vec::new();
        if total > case_cap + 1e-6 {
            let (tz, cz) = (c.mass.show(total), c.mass.show(case_cap));
            zh.push(format!(
                "自 {start} 起共领取{} {tz}，超过每例上限 {cz}",
                c.generic
            ));
            en.push(format!(
                "was dispensed {} {tz} from {start} on, above the ceiling of {cz} per case",
                c.generic
            ));
        }
        if let Some(cap) = day_cap
            && day_total > cap + 1e-6
        {
            let (tz, cz) = (c.mass.show(day_total), c.mass.show(cap));
            zh.push(format!(
                "{} 一天领取{} {tz}，超过每日上限 {cz}",
                d.date, c.generic
            ));
            en.push(format!(
                "was dispensed {} {tz} on {}, above the ceiling of {cz} a day",
                c.generic, d.date
            ));
        }
        if zh.is_empty() {
            continue;
        }
        let (who_zh, who_en) = match patient {
            Patient::Id(_) => ("同一患者（身份证号相同）", "one patient (same ID number)"),
            Patient::Rx(_) => ("同一处方", "one prescription"),
            Patient::Row(_) => (
                "本条记录（无身份证号和处方号）",
                "this record (no ID or prescription number)",
            ),
        };
        let (row_zh, row_en) = d.amount.text();
        let fields: Vec<String> = EVIDENCE
            .iter()
            .filter(|f| table.column(f).is_some())
            .map(|f| (*f).to_owned())
            .collect();
        return Some(Hit {
            record: Some(d.record),
            fields: fields.clone(),
            zh: format!("{who_zh}{}（本行 {row_zh}）", zh.join("；")),
            en: format!("{who_en} {} (this row: {row_en})", en.join("; ")),
            related: table_index.map_or_else(Vec::new, |t| {
                case[..n]
                    .iter()
                    .map(|e| Link {
                        table: t,
                        record: e.record,
                        fields: fields.clone(),
                    })
                    .collect()
            }),
        });
    }
    None
}
