//! `deadline`: an event (`end`) due within `days` days of another (`start`), inclusive — filed
//! on day 30 is on time, day 31 is late. A missing `end` is late only once the deadline has
//! passed at `as_of`, so a device bought last week is not yet a violation. An `end` before its
//! `start` (filed before bought) is a finding of its own: the dates contradict each other.

use auditor_ingest::Table;
use auditor_ingest::vague::VagueDate;
use chrono::Duration;

use super::{Context, Field, Hit, Hits, absent_columns, days_en, missing_entries};
use crate::catalogue::Rule;

pub fn evaluate(
    rule: &Rule,
    ctx: &Context<'_>,
    table: &Table,
    start: &str,
    end: &str,
    required: &[String],
) -> Hits {
    let days = rule.param_int("days").unwrap_or(30);
    let names: Vec<&str> = required.iter().map(String::as_str).collect();
    let mut hits = Hits::default();
    hits.extend(absent_columns(table, &names));
    let (starts, ends) = (Field::of(table, start), Field::of(table, end));
    for i in 0..table.len() {
        if let Some(from) = starts.date(i) {
            let due = from + Duration::days(days);
            match ends.date(i) {
                // Filed before it was bought: one date is wrong, or the filing is another
                // unit's; the deadline cannot be judged on either, so the dates are named.
                Some(done) if done < from => hits.push(Hit {
                    record: Some(i),
                    fields: vec![start.to_owned(), end.to_owned()],
                    zh: format!(
                        "备案日期 {done} 早于购置日期 {from}：至少有一个日期有误（或备案的是另一台设备），无法判断是否在 {days} 天内备案，请核对购置发票和备案回执"
                    ),
                    en: format!(
                        "filed {done}, before it was bought {from}: one of the dates is wrong (or the filing is another unit's), so whether it was filed within {days} days cannot be judged; check the purchase invoice and the filing receipt"
                    ),
                    related: Vec::new(),
                }),
                Some(done) if done > due => hits.push(Hit {
                    record: Some(i),
                    fields: vec![start.to_owned(), end.to_owned()],
                    zh: format!(
                        "{from} 购置，{done} 才备案，超过 {days} 天时限 {} 天",
                        (done - due).num_days()
                    ),
                    en: format!(
                        "bought {from}, filed {done}: {} past the {days}-day limit",
                        days_en((done - due).num_days())
                    ),
                    related: Vec::new(),
                }),
                None if ctx.as_of > due => hits.push(Hit {
                    record: Some(i),
                    fields: vec![start.to_owned(), end.to_owned()],
                    zh: format!(
                        "{from} 购置，至 {} 仍未备案（时限 {days} 天，已于 {due} 到期）",
                        ctx.as_of
                    ),
                    en: format!(
                        "bought {from}, still not filed at {} (the {days}-day limit ended {due})",
                        ctx.as_of
                    ),
                    related: Vec::new(),
                }),
                _ => {}
            }
        } else if let Some(hit) = unfiled_since_vague(ctx, table, i, (start, end), days) {
            hits.push(hit);
        }
        let missing: Vec<&String> = required
            .iter()
            .filter(|f| table.column(f).is_some_and(|c| c.is_missing(i)))
            .collect();
        hits.extend(missing_entries(
            table,
            i,
            &missing,
            ("备案要素缺失", "filing elements missing"),
        ));
    }
    hits
}

/// Record `i` never filed, whose start names only a year or a month, once the limit counted
/// from the latest day it can mean has passed. A filed date, even one as vague, is never judged
/// late from it: the day the limit started is unknown.
fn unfiled_since_vague(
    ctx: &Context<'_>,
    table: &Table,
    i: usize,
    (start, end): (&str, &str),
    days: i64,
) -> Option<Hit> {
    let vague: VagueDate = table.vague_date(start, i)?;
    let filed = Field::of(table, end).date(i).is_some() || table.vague_date(end, i).is_some();
    let due = vague.latest() + Duration::days(days);
    if filed || ctx.as_of <= due {
        return None;
    }
    let (zh, en) = table.label(start);
    let written = vague.written();
    Some(Hit {
        record: Some(i),
        fields: vec![start.to_owned(), end.to_owned()],
        zh: format!(
            "{zh}只写了“{written}”，至 {} 仍未备案（时限 {days} 天，按最晚的 {} 算也已于 {due} 到期）",
            ctx.as_of,
            vague.latest()
        ),
        en: format!(
            "the {} is given only as {written}; still not filed at {} (the {days}-day limit ended {due} even from its latest day, {})",
            en.to_lowercase(),
            ctx.as_of,
            vague.latest()
        ),
        related: Vec::new(),
    })
}
