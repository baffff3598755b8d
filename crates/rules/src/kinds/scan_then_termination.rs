//! `scan_then_termination`: a termination without a medical-need certificate within `days` after
//! an ultrasound of the same woman at `min_weeks` or more — the classic trail of a sex
//! determination followed by a sex-selective termination. Linked only through the ID hash.

use auditor_ingest::Table;
use auditor_ingest::column::days_from_date;
use auditor_model::ident::mask::mask_name;

use super::persons::{self, PersonIndex, US_EXAM, Visit};
use super::{Context, Field, Hit, Hits, days_en};
use crate::catalogue::Rule;

pub struct Fields<'a> {
    pub person: &'a str,
    pub date: &'a str,
    pub cert_type: &'a str,
    pub cert_no: &'a str,
    pub institution: &'a str,
    pub name: &'a str,
}

/// Scans listed one by one in a message; the evidence names them all.
const LISTED: usize = 3;

pub fn evaluate(rule: &Rule, ctx: &Context<'_>, table: &Table, f: &Fields<'_>) -> Hits {
    let min_weeks = rule.param_int("min_weeks").unwrap_or(12);
    let min_days = min_weeks * 7;
    let window = i32::try_from(rule.param_int("days").unwrap_or(30)).unwrap_or(30);
    let close = i32::try_from(rule.param_int("close_days").unwrap_or(7)).unwrap_or(7);
    let scans = ctx.cache.get_or_build("scans", || {
        PersonIndex::build(ctx, &US_EXAM, |v| {
            v.ga.is_some_and(|g| i64::from(g) >= min_days)
        })
    });
    let exam_inst: Vec<Field<'_>> = ctx
        .tables
        .iter()
        .map(|t| Field::of(t, US_EXAM.institution))
        .collect();
    let people = table.column(f.person);
    let (dates, names) = (Field::of(table, f.date), Field::of(table, f.name));
    let (types, numbers) = (Field::of(table, f.cert_type), Field::of(table, f.cert_no));
    let own_inst = Field::of(table, f.institution);
    let mut hits = Hits::default();
    for i in 0..table.len() {
        // Placeholders (无, /, —) are empty after ingest: either entry counts as a certificate
        // here; whether it is an acceptable one is TOP-14W-CERT's question.
        if types.text(i).is_some() || numbers.text(i).is_some() {
            continue;
        }
        let (Some(person), Some(date)) = (people.and_then(|c| c.person(i)), dates.date(i)) else {
            continue;
        };
        let day = days_from_date(date);
        let before = scans.between(&person.id_hash, day - window, day);
        let Some(last) = before.last() else {
            continue;
        };
        let here = persons::institution(table, own_inst, i);
        let elsewhere = before.iter().any(|v| {
            let there = ctx
                .tables
                .get(v.table)
                .and_then(|t| persons::institution(t, exam_inst[v.table], v.record));
            matches!((&here, there), (Some(h), Some(t)) if *h != t)
        });
        let gap = day - last.day;
        let mut zh_notes = Vec::new();
        let mut en_notes = Vec::new();
        if elsewhere {
            zh_notes.push("检查与手术不在同一机构".to_owned());
            en_notes.push("scanned at another institution than the termination".to_owned());
        }
        if gap < close {
            zh_notes.push(format!("手术距检查不足 {close} 天"));
            en_notes.push(format!(
                "terminated within {} of the scan",
                days_en(close.into())
            ));
        }
        let (scans_zh, scans_en) = describe(ctx, &exam_inst, before, day);
        let who = names.text(i).map(mask_name).unwrap_or_default();
        let more = before.len().saturating_sub(LISTED);
        let (more_zh, more_en) = if more > 0 {
            (
                format!("，共 {} 次", before.len()),
                format!(", {} scans in all", before.len()),
            )
        } else {
            (String::new(), String::new())
        };
        let strong = |notes: &[String], lead: &str, sep: &str| {
            if notes.is_empty() {
                String::new()
            } else {
                format!("{lead}{}", notes.join(sep))
            }
        };
        hits.push(Hit {
            record: Some(i),
            fields: vec![
                f.date.to_owned(),
                f.person.to_owned(),
                f.cert_type.to_owned(),
                f.cert_no.to_owned(),
            ],
            zh: format!(
                "受术者{who}于 {date} 终止妊娠，未登记医学需要证明，术前 {window} 天内做过孕 {min_weeks} 周以上超声检查：{scans_zh}{more_zh}{}",
                strong(&zh_notes, "；更可疑：", "，")
            ),
            en: format!(
                "terminated on {date} without a medical-need certificate, within {window} days after an ultrasound at {min_weeks} weeks or more: {scans_en}{more_en}{}",
                strong(&en_notes, "; stronger: ", ", ")
            ),
            related: before.iter().map(|v| persons::link(&US_EXAM, v)).collect(),
        });
    }
    hits
}

/// The latest scans, newest first: date, institution, gestation, days before, file and row.
fn describe(ctx: &Context<'_>, inst: &[Field<'_>], scans: &[Visit], day: i32) -> (String, String) {
    let mut zh = Vec::new();
    let mut en = Vec::new();
    for v in scans.iter().rev().take(LISTED) {
        let Some(t) = ctx.tables.get(v.table) else {
            continue;
        };
        let date = persons::date_text(v.day);
        let at = persons::institution(t, inst[v.table], v.record).unwrap_or_default();
        let (ga_zh, ga_en) = v.ga.map(persons::weeks).unwrap_or_default();
        let (row_zh, row_en) = persons::place(t, v.record);
        let before = day - v.day;
        zh.push(format!(
            "{date} {at} 孕{ga_zh}（{row_zh}，术前 {before} 天）"
        ));
        let days = if before == 1 { "day" } else { "days" };
        en.push(format!(
            "{date} {at} at {ga_en} ({row_en}, {before} {days} before)"
        ));
    }
    (zh.join("；"), en.join("; "))
}
