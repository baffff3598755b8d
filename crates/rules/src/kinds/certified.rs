//! `certified`: a termination at or beyond `min_weeks` needs a certificate checked and
//! registered before the operation — its type among those the province accepts, its number, and
//! an issuer with the authority to issue it; otherwise the operation counts as illegal. An
//! emergency may be operated first but must be reported within `report_days`.
//!
//! A case without a gestational age whose method is one of `method_words` (中期引产, 钳刮: only
//! done from 14 weeks) is judged as at or beyond 14 weeks; other cases without one are counted in
//! the run's notes. A certificate number must be a number: a yes-mark (有, 是, √) is none.

use auditor_ingest::Table;
use auditor_ingest::value::parse_bool;

use super::registry::contains_any;
use super::{Field, Hit, Hits, absent_columns_of, missing_entries, quote};
use crate::catalogue::Rule;

pub struct Fields<'a> {
    pub gestation: &'a str,
    pub method: Option<&'a str>,
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
    let method_words = rule.param_list("method_words");
    let ga = table.column(f.gestation);
    let methods = f.method.map(|m| Field::of(table, m));
    let numbers = Field::of(table, f.cert_no);
    let (types, issuers) = (Field::of(table, f.cert_type), Field::of(table, f.issuer));
    let (dates, reasons, reported) = (
        Field::of(table, f.date),
        Field::of(table, f.reason),
        Field::of(table, f.reported),
    );
    // A certificate element whose column the sheet lacks is one finding for the sheet, not a
    // row's "no certificate": a row recording the type and number registered one.
    let (required, absent): (Vec<&str>, Vec<&str>) = [f.cert_type, f.cert_no, f.issuer]
        .into_iter()
        .partition(|s| table.column(s).is_some());
    let required: Vec<(String, Field<'_>)> = required
        .into_iter()
        .map(|s| (s.to_owned(), Field::of(table, s)))
        .collect();
    // Records that needed a registered certificate, for the sheet's finding.
    let mut needing = 0usize;
    let mut hits = Hits::default();
    let mut unjudged = 0usize;
    for i in 0..table.len() {
        let (weeks_zh, weeks_en) = match ga.and_then(|c| c.number(i)) {
            Some(days) if days < min_days as f64 => continue,
            Some(days) => {
                let weeks = (days / 7.0).floor();
                (format!("孕 {weeks} 周"), format!("at {weeks} weeks"))
            }
            None => match methods.and_then(|m| m.text(i)) {
                // Such a method says 14 weeks or more, which reaches a threshold up to 14.
                Some(method) if min_days <= 14 * 7 && contains_any(Some(method), &method_words) => {
                    let method = quote::excerpt(method);
                    (
                        format!("术式为{method}，按孕14周以上判定："),
                        format!("judged at 14 weeks or more by its method ({method})"),
                    )
                }
                // Neither an age nor a method that tells it: counted, not judged.
                _ => {
                    unjudged += 1;
                    continue;
                }
            },
        };
        let (weeks, at) = (weeks_zh.as_str(), weeks_en.as_str());
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
                    zh: format!("{weeks}紧急终止妊娠，未在术后 {report_days} 日内报告"),
                    en: format!(
                        "an emergency termination {at} was not reported within {report_days} days"
                    ),
                    related: Vec::new(),
                });
            }
            continue;
        }
        needing += 1;
        // A number that is no number (有, 是, 见病历) registers no certificate.
        let no_number = numbers.text(i).filter(|n| !is_certificate_number(n));
        let missing: Vec<&String> = required
            .iter()
            .filter(|(name, field)| {
                field.text(i).is_none() || (name == f.cert_no && no_number.is_some())
            })
            .map(|(name, _)| name)
            .collect();
        let lead = (
            format!("{weeks}终止妊娠，未查验登记证明"),
            format!("termination {at} without a registered certificate"),
        );
        if let Some(mut hit) = missing_entries(table, i, &missing, (&lead.0, &lead.1)) {
            if let Some(n) = no_number {
                let n = quote::excerpt(n);
                hit.zh = format!("{}（证明编号“{n}”不是编号）", hit.zh);
                hit.en = format!(
                    "{} (the certificate number \"{n}\" is not a number)",
                    hit.en
                );
            }
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
                zh: format!("{weeks}终止妊娠，证明“{kind}”不在本地认可的证明类型中"),
                en: format!(
                    "termination {at} on a certificate (\"{kind}\") of a type not accepted here"
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
                zh: format!("{weeks}终止妊娠，证明出具单位“{issuer}”无权出具，视为非法手术"),
                en: format!(
                    "termination {at} on a certificate issued by \"{issuer}\", which has no authority to issue it: deemed illegal"
                ),
                related: Vec::new(),
            });
        }
    }
    if let Some(mut hit) = absent_columns_of(table, &absent, needing) {
        hit.zh = format!("孕{}周以上终止妊娠的证明登记不全：{}", min_days / 7, hit.zh);
        hit.en = format!(
            "certificates of terminations at {} weeks or more are not fully registered: {}",
            min_days / 7,
            hit.en
        );
        hits.listed.insert(0, hit);
    }
    if unjudged > 0 {
        hits.unjudged = Some((
            format!("{unjudged} 例终止妊娠既无孕周、术式也不能说明孕周，未判定是否须查验证明"),
            format!(
                "{unjudged} terminations have no gestational age and a method that does not tell it: not judged for a certificate"
            ),
        ));
    }
    hits
}

/// Whether a certificate number is one: at least one digit or ASCII letter, and not a yes-mark.
fn is_certificate_number(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_alphanumeric()) && parse_bool(text) != Some(true)
}
