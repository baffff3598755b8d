//! `certified`: a termination at or beyond `min_weeks` needs a certificate checked and
//! registered before the operation — its type among those the province accepts, its number, and
//! an issuer with the authority to issue it; otherwise the operation counts as illegal. An
//! emergency may be operated first but must be reported within `report_days`.

use auditor_ingest::Table;

use super::registry::contains_any;
use super::{Field, Hit, Hits, missing_entries, quote};
use crate::catalogue::Rule;

pub struct Fields<'a> {
    pub gestation: &'a str,
    pub cert_type: &'a str,
    pub cert_no: &'a str,
    pub issuer: &'a str,
    pub date: &'a str,
    pub reason: &'a str,
    pub reported: &'a str,
}

pub fn evaluate(rule: &Rule, table: &Table, f: &Fields<'_>) -> Hits {
    let min_days = rule.param_int("min_weeks").unwrap_or(14) * 7;
    let accepted = rule.param_list("cert_types");
    let authorities = rule.param_list("issuer_words");
    let emergency_words = rule.param_list("emergency_words");
    let report_days = rule.param_int("report_days").unwrap_or(3);
    let ga = table.column(f.gestation);
    let (types, issuers) = (Field::of(table, f.cert_type), Field::of(table, f.issuer));
    let (dates, reasons, reported) = (
        Field::of(table, f.date),
        Field::of(table, f.reason),
        Field::of(table, f.reported),
    );
    let required: Vec<(String, Field<'_>)> = [f.cert_type, f.cert_no, f.issuer]
        .iter()
        .map(|s| ((*s).to_owned(), Field::of(table, s)))
        .collect();
    let mut hits = Hits::default();
    for i in 0..table.len() {
        // A record without a gestational age cannot be judged here; ingest reports the gap.
        let Some(days) = ga.and_then(|c| c.number(i)) else {
            continue;
        };
        if days < min_days as f64 {
            continue;
        }
        let weeks = (days / 7.0).floor();
        if contains_any(reasons.text(i), &emergency_words) {
            let late = match (dates.date(i), reported.date(i)) {
                (Some(on), Some(report)) => (report - on).num_days() > report_days,
                (_, None) => true,
                (None, Some(_)) => false,
            };
            if late {
                hits.push(Hit {
                    record: Some(i),
                    fields: vec![f.reported.to_owned()],
                    zh: format!("孕 {weeks} 周紧急终止妊娠，未在术后 {report_days} 日内报告"),
                    en: format!(
                        "an emergency termination at {weeks} weeks was not reported within {report_days} days"
                    ),
                    related: Vec::new(),
                });
            }
            continue;
        }
        let missing: Vec<&String> = required
            .iter()
            .filter(|(_, field)| field.text(i).is_none())
            .map(|(name, _)| name)
            .collect();
        let lead = (
            format!("孕 {weeks} 周终止妊娠，未查验登记证明"),
            format!("termination at {weeks} weeks without a registered certificate"),
        );
        if let Some(hit) = missing_entries(table, i, &missing, (&lead.0, &lead.1)) {
            hits.push(hit);
            continue;
        }
        if let Some(kind) = types.text(i)
            && !accepted.is_empty()
            && !contains_any(Some(kind), &accepted)
        {
            let kind = quote::excerpt(kind);
            hits.push(Hit {
                record: Some(i),
                fields: vec![f.cert_type.to_owned()],
                zh: format!("孕 {weeks} 周终止妊娠，证明“{kind}”不在本地认可的证明类型中"),
                en: format!(
                    "termination at {weeks} weeks on a certificate (\"{kind}\") of a type not accepted here"
                ),
                related: Vec::new(),
            });
        }
        if let Some(issuer) = issuers.text(i)
            && !authorities.is_empty()
            && !contains_any(Some(issuer), &authorities)
        {
            let issuer = quote::excerpt(issuer);
            hits.push(Hit {
                record: Some(i),
                fields: vec![f.issuer.to_owned()],
                zh: format!("孕 {weeks} 周终止妊娠，证明出具单位“{issuer}”无权出具，视为非法手术"),
                en: format!(
                    "termination at {weeks} weeks on a certificate issued by \"{issuer}\", which has no authority to issue it: deemed illegal"
                ),
                related: Vec::new(),
            });
        }
    }
    hits
}
