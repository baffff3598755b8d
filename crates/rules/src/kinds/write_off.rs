//! `write_off` (报废记录): a termination drug written off (报废, 销毁, 过期报损…) leaves the
//! stock without a patient, so each write-off needs an approver and a witness, two different
//! people; and, per drug (generic name and strength) over the ledger, the units written off may
//! not exceed `max_share` percent of the units received. Drugs "written off" in bulk are drugs
//! that left the books without a trace.
//!
//! Placeholders (无, /, —) are empty after ingest, so they never count as a signature; a ditto
//! mark (同上, 〃) signs nothing either. Types are read as the stock reconciliation reads them
//! (`drug_ledger::Types`), so both rules agree on what a write-off is.

use std::collections::BTreeMap;

use auditor_ingest::Table;

use super::drug_ledger::{D1_EVIDENCE, Kind, Ledger, Types, normal_strength, qty_text};
use super::registry::{ditto_fault, is_ditto, names_in, normal_name};
use super::stock_recon::param_number;
use super::{Context, DrugRows, Field, Hit, Hits, Link, absent_columns_of};
use crate::catalogue::Rule;

/// The D1 fields the check reads (canonical names of `rules/datasets/drug_txn.toml`).
pub(crate) const FIELDS: [&str; 10] = [
    "txn_date",
    "txn_type",
    "generic_name",
    "strength",
    "qty",
    "qty_in",
    "qty_out",
    "unit",
    "approver",
    "witness",
];

/// The signers' fields of `rules/datasets/drug_txn.toml`.
const SIGNERS: [&str; 2] = ["approver", "witness"];

/// What one drug (generic name, normalised strength) took in and wrote off in the ledger.
#[derive(Default)]
struct Tally {
    name: String,
    received: f64,
    written_off: f64,
    unit: String,
    /// The write-off rows, in ledger order.
    rows: Vec<usize>,
}

pub fn evaluate(rule: &Rule, ctx: &Context<'_>, table: &Table) -> Hits {
    let types = Types::of(rule);
    let max_share = param_number(rule, "max_share").unwrap_or(5.0);
    let ledger = Ledger::of(table);
    let mut drugs = DrugRows::of(table, Some("generic_name"));
    let mut tallies: BTreeMap<(String, String), Tally> = BTreeMap::new();
    let mut write_offs = Vec::new();
    for i in 0..table.len() {
        if !drugs.admits(ctx.drugs, i) {
            continue;
        }
        let kind = ledger.kind(&types, i);
        if !matches!(kind, Some(Kind::Receipt | Kind::WriteOff)) {
            continue;
        }
        let Some(product) = ledger.products.text(i) else {
            continue;
        };
        let strength = ledger.strength_text(i);
        let tally = tallies
            .entry((normal_name(product), normal_strength(strength)))
            .or_default();
        if tally.name.is_empty() {
            format!("{product} {strength}")
                .trim()
                .clone_into(&mut tally.name);
        }
        if tally.unit.is_empty() {
            tally.unit = ledger.unit(i);
        }
        if kind == Some(Kind::Receipt) {
            tally.received += ledger.received(i).unwrap_or(0.0);
        } else {
            tally.written_off += ledger.issued(i).unwrap_or(0.0);
            tally.rows.push(i);
            write_offs.push(i);
        }
    }
    let mut hits = Hits::default();
    // A ledger with no column for a signer is one finding, not one per write-off.
    if let Some(hit) = absent_columns_of(table, &SIGNERS, write_offs.len()) {
        hits.push(hit);
    } else {
        let (approver, witness) = (Field::of(table, SIGNERS[0]), Field::of(table, SIGNERS[1]));
        for &i in &write_offs {
            if let Some((zh, en)) = signers_fault(approver.text(i), witness.text(i)) {
                hits.push(Hit {
                    record: Some(i),
                    fields: evidence(table, true),
                    zh,
                    en,
                    related: Vec::new(),
                });
            }
        }
    }
    let judged = ctx.tables.iter().position(|t| std::ptr::eq(t, table));
    let mut shares: Vec<Hit> = tallies
        .values()
        .filter_map(|tally| share_hit(table, judged, tally, max_share))
        .collect();
    // Findings in the ledger's row order, not the order of the drugs' names.
    let mut found = std::mem::take(&mut hits.listed);
    found.append(&mut shares);
    found.sort_by_key(|h| h.record);
    hits.extend(found);
    hits
}

/// The cells a finding shows: the row's drug and quantity, with its signers for a signature
/// finding (so the two findings a row may have differ by their fields, as fingerprints need).
fn evidence(table: &Table, signers: bool) -> Vec<String> {
    let mut fields = vec![
        "txn_date",
        "txn_type",
        "generic_name",
        "strength",
        "qty",
        "qty_out",
    ];
    if signers {
        fields.extend(SIGNERS);
    }
    fields
        .into_iter()
        .filter(|f| table.column(f).is_some())
        .map(str::to_owned)
        .collect()
}

/// What is wrong with a write-off's signatures, unless an approver and a different witness
/// signed.
pub(crate) fn signers_fault(
    approver: Option<&str>,
    witness: Option<&str>,
) -> Option<(String, String)> {
    let mut dittos = Vec::new();
    let mut signed = |cell: Option<&str>| -> Vec<String> {
        names_in(cell)
            .into_iter()
            .filter(|n| {
                let ditto = is_ditto(n);
                if ditto {
                    dittos.push(ditto_fault(n));
                }
                !ditto
            })
            .collect()
    };
    let approvers = signed(approver);
    let witnesses = signed(witness);
    let fault = match (approvers.first(), witnesses.first()) {
        (None, None) => Some((
            "报废记录没有审批人，也没有监销人".to_owned(),
            "the write-off has neither an approver nor a witness".to_owned(),
        )),
        (None, Some(_)) => Some((
            "报废记录没有审批人".to_owned(),
            "the write-off has no approver".to_owned(),
        )),
        (Some(_), None) => Some((
            "报废记录没有监销人".to_owned(),
            "the write-off has no witness".to_owned(),
        )),
        (Some(a), Some(_)) => {
            let approved: Vec<String> = approvers.iter().map(|n| normal_name(n)).collect();
            // The witness must be someone other than whoever approved.
            let other = witnesses
                .iter()
                .any(|w| !approved.contains(&normal_name(w)));
            (!other).then(|| {
                (
                    format!("审批人与监销人是同一人“{a}”，须两人分别签字"),
                    format!(
                        "the approver and the witness are the same person, \"{a}\"; two people must sign"
                    ),
                )
            })
        }
    };
    let (zh, en) = fault?;
    Some(match dittos.first() {
        Some((dz, de)) => (format!("{dz}；{zh}"), format!("{de}; {en}")),
        None => (zh, en),
    })
}

/// The finding for a drug written off beyond `max_share` percent of what was received, on its
/// last write-off, naming the earlier ones.
fn share_hit(table: &Table, judged: Option<usize>, tally: &Tally, max_share: f64) -> Option<Hit> {
    let &last = tally.rows.last()?;
    if tally.written_off <= 0.0 || tally.written_off <= tally.received * max_share / 100.0 + 1e-9 {
        return None;
    }
    let (name, unit) = (&tally.name, &tally.unit);
    let off = qty_text(tally.written_off);
    let cap = qty_text(max_share);
    let (zh, en) = if tally.received > 0.0 {
        let share = tally.written_off / tally.received * 100.0;
        let got = qty_text(tally.received);
        (
            format!("{name} 共报废 {off}{unit}，占购进 {got}{unit} 的 {share:.1}%，超过 {cap}%"),
            format!(
                "{name}: {off}{unit} written off, {share:.1}% of the {got}{unit} received, more than {cap}%"
            ),
        )
    } else {
        (
            format!("{name} 共报废 {off}{unit}，台账中没有该药品的购进记录"),
            format!("{name}: {off}{unit} written off, and the ledger records no receipt of it"),
        )
    };
    let related = judged.map_or_else(Vec::new, |t| {
        tally.rows[..tally.rows.len() - 1]
            .iter()
            .map(|&record| Link {
                table: t,
                record,
                fields: D1_EVIDENCE.iter().map(|s| (*s).to_owned()).collect(),
            })
            .collect()
    });
    Some(Hit {
        record: Some(last),
        fields: evidence(table, false),
        zh,
        en,
        related,
    })
}
