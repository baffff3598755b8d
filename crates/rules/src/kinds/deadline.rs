//! `deadline`: an event (`end`) due within `days` days of another (`start`), inclusive — filed
//! on day 30 is on time, day 31 is late. A missing `end` is late only once the deadline has
//! passed at `as_of`, so a device bought last week is not yet a violation. An `end` before its
//! `start` (filed before bought) is a finding of its own: the dates contradict each other.
//!
//! An `end` written as a month ("2026年1月") is judged by the days it can mean: on time when
//! even its last day is within the limit, late when even its first day is past it, and
//! otherwise not judged. A record whose `done` fields show the event (a 备案号, 是否备案 = 是)
//! but give no day was not missed: the notes say its deadline could not be judged.

use auditor_ingest::Table;
use auditor_ingest::vague::VagueDate;
use chrono::{Duration, NaiveDate};

use super::registry::join_notes;
use super::{Context, Field, Hit, Hits, absent_columns, days_en, missing_entries};
use crate::catalogue::Rule;

/// The fields a deadline reads.
pub struct Fields<'a> {
    pub start: &'a str,
    pub end: &'a str,
    pub required: &'a [String],
    pub done: &'a [String],
}

/// Whether an entry in a `done` field says the event did not happen (未备案, 否, 待备案, ×).
pub(crate) fn says_not_done(text: &str) -> bool {
    auditor_ingest::value::parse_bool(text) == Some(false)
        || text.contains(['未', '否', '待', '没', '无', '不'])
}

/// Whether record `i`'s `done` fields show the event happened: an entry that does not say it
/// did not.
fn shows_done(done: &[Field<'_>], i: usize) -> bool {
    done.iter()
        .any(|f| f.text(i).is_some_and(|t| !says_not_done(t)))
}

pub fn evaluate(rule: &Rule, ctx: &Context<'_>, table: &Table, f: &Fields<'_>) -> Hits {
    let (start, end) = (f.start, f.end);
    let days = rule.param_int("days").unwrap_or(30);
    let names: Vec<&str> = f.required.iter().map(String::as_str).collect();
    let mut hits = Hits::default();
    hits.extend(absent_columns(table, &names));
    let (starts, ends) = (Field::of(table, start), Field::of(table, end));
    let marks: Vec<Field<'_>> = f.done.iter().map(|d| Field::of(table, d)).collect();
    // Records filed without a usable day, and those filed in a month that straddles the limit.
    let (mut undated, mut straddling) = (0usize, 0usize);
    // Of `undated`, those whose filing-date cell itself said 已备案.
    let mut said_in_date = 0usize;
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
                Some(_) => {}
                None => match table.vague_date(end, i) {
                    Some(month) if month.latest() <= due => {}
                    Some(month) if earliest(month) > due => {
                        hits.push(late_in_month(table, i, (start, end), (from, due), month));
                    }
                    Some(_) => straddling += 1,
                    None if table.done_undated(end, i) => {
                        undated += 1;
                        said_in_date += 1;
                    }
                    None if shows_done(&marks, i) => undated += 1,
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
                    None => {}
                },
            }
        } else if !shows_done(&marks, i)
            && !table.done_undated(end, i)
            && let Some(hit) = unfiled_since_vague(ctx, table, i, (start, end), days)
        {
            hits.push(hit);
        }
        let missing: Vec<&String> = f
            .required
            .iter()
            .filter(|r| table.column(r).is_some_and(|c| c.is_missing(i)))
            .collect();
        hits.extend(missing_entries(
            table,
            i,
            &missing,
            ("备案要素缺失", "filing elements missing"),
        ));
    }
    hits.unjudged = join_notes(
        undated_note(&rule.id, table, f, (undated, said_in_date), days),
        straddling_note(&rule.id, table, end, straddling, days),
    );
    hits
}

/// The first day a year or a month written alone can mean.
fn earliest(vague: VagueDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(vague.year, vague.month.unwrap_or(1), 1).unwrap_or(NaiveDate::MIN)
}

/// Record `i`, filed in a month whose first day is already past the limit.
fn late_in_month(
    table: &Table,
    i: usize,
    (start, end): (&str, &str),
    (from, due): (NaiveDate, NaiveDate),
    month: VagueDate,
) -> Hit {
    let first = earliest(month);
    let over = (first - due).num_days();
    let (zh, en) = table.label(end);
    Hit {
        record: Some(i),
        fields: vec![start.to_owned(), end.to_owned()],
        zh: format!(
            "{from} 购置，{zh}只写了“{}”，最早也在 {first}，超过时限（{due} 到期）至少 {over} 天",
            month.written()
        ),
        en: format!(
            "bought {from}; the {} is given only as {}, at the earliest {first}: at least {} past the limit (it ended {due})",
            en.to_lowercase(),
            month.written(),
            days_en(over)
        ),
        related: Vec::new(),
    }
}

/// The note for records that show a filing (a number, 已备案) but no day of it.
fn undated_note(
    rule: &str,
    table: &Table,
    f: &Fields<'_>,
    (n, said_in_date): (usize, usize),
    days: i64,
) -> Option<(String, String)> {
    if n == 0 {
        return None;
    }
    let mut shown: Vec<&str> = Vec::new();
    if said_in_date > 0 {
        shown.push(table.label(f.end).0);
    }
    if said_in_date < n {
        shown.extend(
            f.done
                .iter()
                .filter(|d| table.column(d).is_some())
                .map(|d| table.label(d).0),
        );
    }
    let (end_zh, end_en) = table.label(f.end);
    Some((
        format!(
            "{rule}：{n} 条记录的“{}”表明已备案，但没有可用的{end_zh}，无法判断是否在 {days} 天内备案，未作为逾期报告；请补填{end_zh}",
            shown.join("”或“")
        ),
        format!(
            "{rule}: {n} {} show a filing but no usable {}: whether filed within {days} days cannot be judged, not reported as late; fill in the date",
            if n == 1 { "record" } else { "records" },
            end_en.to_lowercase()
        ),
    ))
}

/// The note for records filed in a month that may or may not be within the limit.
fn straddling_note(
    rule: &str,
    table: &Table,
    end: &str,
    n: usize,
    days: i64,
) -> Option<(String, String)> {
    if n == 0 {
        return None;
    }
    let (zh, en) = table.label(end);
    Some((
        format!(
            "{rule}：{n} 条记录的{zh}只写到年或月，无法判断是否在 {days} 天内备案；请补填具体日期"
        ),
        format!(
            "{rule}: {n} {} give the {} only as a year or a month: whether filed within {days} days cannot be judged; fill in the day",
            if n == 1 { "record" } else { "records" },
            en.to_lowercase()
        ),
    ))
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
