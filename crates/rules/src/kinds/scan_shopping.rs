//! `scan_shopping`: the same woman scanned `min_scans` times or more at `from_weeks`–`to_weeks`
//! within `days` days at `min_institutions` institutions or more — shopping for a scan that
//! tells the sex. Searched across every ultrasound register of the run; each episode is one
//! finding, on its latest scan, whichever file holds it.

use std::collections::BTreeSet;

use auditor_ingest::Table;

use super::persons::{self, PersonIndex, US_EXAM, Visit};
use super::{Context, Field, Hit, Hits, days_en};
use crate::catalogue::Rule;

pub fn evaluate(rule: &Rule, ctx: &Context<'_>, table: &Table) -> Hits {
    let min_scans = usize::try_from(rule.param_int("min_scans").unwrap_or(3)).unwrap_or(3);
    let min_inst = usize::try_from(rule.param_int("min_institutions").unwrap_or(2)).unwrap_or(2);
    let from = rule.param_int("from_weeks").unwrap_or(13) * 7;
    // "24 weeks" runs to 24+6.
    let to = rule.param_int("to_weeks").unwrap_or(24) * 7 + 6;
    let days = i32::try_from(rule.param_int("days").unwrap_or(14)).unwrap_or(14);
    let Some(me) = persons::position(ctx, table) else {
        return Hits::default();
    };
    let scans = ctx.cache.get_or_build("scans", || {
        PersonIndex::build(ctx, &US_EXAM, |v| {
            v.ga.is_some_and(|g| (from..=to).contains(&i64::from(g)))
        })
    });
    let inst: Vec<Field<'_>> = ctx
        .tables
        .iter()
        .map(|t| Field::of(t, US_EXAM.institution))
        .collect();
    let institution_of = |v: &Visit| {
        ctx.tables
            .get(v.table)
            .and_then(|t| persons::institution(t, inst[v.table], v.record))
    };
    let mut found: Vec<Hit> = Vec::new();
    for visits in scans.people() {
        // Only people with a scan in this sheet can have an episode ending in it.
        if visits.len() < min_scans || !visits.iter().any(|v| v.table == me) {
            continue;
        }
        for episode in episodes(visits, days, min_scans, min_inst, &institution_of) {
            let Some((last, others)) = episode.split_last() else {
                continue;
            };
            if last.table != me {
                continue;
            }
            found.push(hit(ctx, &institution_of, last, others, days));
        }
    }
    // People come out of a hash map: the report lists rows in order.
    found.sort_by_key(|h| h.record);
    let mut hits = Hits::default();
    hits.extend(found);
    hits
}

/// The person's episodes, oldest first: from the earliest scan not yet in an episode, every scan
/// within `days` of it; enough scans at enough institutions make an episode and are used up,
/// else the window moves on one scan. So episodes never overlap and each is found once.
fn episodes<'v>(
    visits: &'v [Visit],
    days: i32,
    min_scans: usize,
    min_inst: usize,
    institution_of: &impl Fn(&Visit) -> Option<String>,
) -> Vec<&'v [Visit]> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < visits.len() {
        let first = visits[start].day;
        let end = start
            + visits
                .get(start..)
                .unwrap_or(&[])
                .partition_point(|v| v.day <= first + days);
        let window = visits.get(start..end).unwrap_or(&[]);
        let places: BTreeSet<String> = window.iter().filter_map(institution_of).collect();
        if window.len() >= min_scans && places.len() >= min_inst {
            out.push(window);
            start = end;
        } else {
            start += 1;
        }
    }
    out
}

fn hit(
    ctx: &Context<'_>,
    institution_of: &impl Fn(&Visit) -> Option<String>,
    last: &Visit,
    others: &[Visit],
    days: i32,
) -> Hit {
    let all = || others.iter().chain(std::iter::once(last));
    let places: BTreeSet<String> = all().filter_map(institution_of).collect();
    let span = last.day - others.first().map_or(last.day, |v| v.day);
    let mut zh = Vec::new();
    let mut en = Vec::new();
    for v in all() {
        let Some(t) = ctx.tables.get(v.table) else {
            continue;
        };
        let date = persons::date_text(v.day);
        let at = institution_of(v);
        let (at_zh, at_en) = (
            at.as_deref().unwrap_or("机构不详"),
            at.as_deref().unwrap_or("institution unknown"),
        );
        let (ga_zh, ga_en) = v.ga.map(persons::weeks).unwrap_or_default();
        let (row_zh, row_en) = persons::place(t, v.record);
        zh.push(format!("{date} {at_zh} 孕{ga_zh}（{row_zh}）"));
        en.push(format!("{date} {at_en} at {ga_en} ({row_en})"));
    }
    let count = others.len() + 1;
    Hit {
        record: Some(last.record),
        fields: vec![
            US_EXAM.date.to_owned(),
            US_EXAM.person.to_owned(),
            US_EXAM.gestation.to_owned(),
            US_EXAM.institution.to_owned(),
        ],
        zh: format!(
            "同一孕妇 {span} 天内（限 {days} 天）在 {} 家机构做了 {count} 次产科超声：{}",
            places.len(),
            zh.join("；")
        ),
        en: format!(
            "the same woman had {count} obstetric scans at {} institutions in {} (limit {days}): {}",
            places.len(),
            days_en(span.into()),
            en.join("; ")
        ),
        related: others.iter().map(|v| persons::link(&US_EXAM, v)).collect(),
    }
}
