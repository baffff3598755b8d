//! `report_timely` (通报): an institution's monthly report reaches the county by day `due_day`
//! of the following month. Judged on the register of reports sent (`report_log`): a report sent
//! after that day (sent on the day itself is on time), one never sent once that day has passed
//! at `as_of`, and a month missing between the register's first month and its last up to
//! `as_of` — a register that skips a month is a month nobody reported.
//!
//! Reports are grouped by the institution sending them (the 报送单位 column, else the sheet's
//! 填报单位) and the report's name, when the register keeps several kinds. A month entered twice
//! (a report sent again) is judged by its earliest sending.

use std::collections::BTreeMap;

use auditor_ingest::Table;
use chrono::{Datelike, Days, NaiveDate};

use super::registry::{ledger_owner, normal_name};
use super::{Context, Field, Hit, Hits, days_en};
use crate::catalogue::Rule;

/// The fields a report register is read by.
pub struct Fields<'a> {
    pub month: &'a str,
    pub sent: &'a str,
    pub reporter: Option<&'a str>,
    pub report: Option<&'a str>,
}

/// A calendar month, sortable, counted from year 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Month(i32);

impl Month {
    pub(crate) fn of(d: NaiveDate) -> Self {
        Self(d.year() * 12 + d.month0() as i32)
    }

    fn next(self) -> Self {
        Self(self.0 + 1)
    }

    fn first_day(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.0.div_euclid(12), self.0.rem_euclid(12) as u32 + 1, 1)
    }

    /// Day `due_day` of the following month (its last day when the month is shorter).
    pub(crate) fn deadline(self, due_day: u32) -> Option<NaiveDate> {
        let next = self.next().first_day()?;
        let last = next
            .checked_add_months(chrono::Months::new(1))?
            .pred_opt()?;
        next.checked_add_days(Days::new(u64::from(due_day.max(1) - 1)))
            .map(|d| d.min(last))
    }

    fn zh(self) -> String {
        format!("{}年{}月", self.0.div_euclid(12), self.0.rem_euclid(12) + 1)
    }

    fn en(self) -> String {
        format!("{}-{:02}", self.0.div_euclid(12), self.0.rem_euclid(12) + 1)
    }
}

/// The row a month is judged by: the earliest sending (or, with none, the first row).
struct Entry {
    record: usize,
    sent: Option<NaiveDate>,
}

pub fn evaluate(rule: &Rule, ctx: &Context<'_>, table: &Table, f: &Fields<'_>) -> Hits {
    let due_day = rule
        .param_int("due_day")
        .and_then(|d| u32::try_from(d).ok())
        .unwrap_or(5);
    let (months, sent) = (Field::of(table, f.month), Field::of(table, f.sent));
    let reporter = Field::of(table, f.reporter.unwrap_or(""));
    let report = Field::of(table, f.report.unwrap_or(""));
    let as_of = Month::of(ctx.as_of);
    // (institution, report) -> month -> the entry it is judged by.
    let mut groups: BTreeMap<(String, String), BTreeMap<Month, Entry>> = BTreeMap::new();
    for i in 0..table.len() {
        let Some(month) = months.date(i).map(Month::of) else {
            continue;
        };
        // A month not yet over is reported later; an entry for it is no gap's end either.
        if month >= as_of {
            continue;
        }
        let key = (
            normal_name(ledger_owner(table, reporter, i).unwrap_or("")),
            normal_name(report.text(i).unwrap_or("")),
        );
        let day = sent.date(i);
        let entry = groups
            .entry(key)
            .or_default()
            .entry(month)
            .or_insert(Entry {
                record: i,
                sent: day,
            });
        if day.is_some_and(|d| entry.sent.is_none_or(|e| d < e)) {
            *entry = Entry {
                record: i,
                sent: day,
            };
        }
    }
    let fields = |with_sent: bool| -> Vec<String> {
        [
            Some(f.month),
            with_sent.then_some(f.sent),
            f.report,
            f.reporter,
        ]
        .into_iter()
        .flatten()
        .filter(|n| table.column(n).is_some())
        .map(str::to_owned)
        .collect()
    };
    let mut hits = Hits::default();
    for entries in groups.values() {
        let mut previous: Option<Month> = None;
        for (&month, entry) in entries {
            if let Some(prev) = previous
                && let Some(hit) = gap(prev, month, entry.record, ctx.as_of, due_day, fields(false))
            {
                hits.push(hit);
            }
            previous = Some(month);
            if let Some((zh, en)) = lateness(month, entry.sent, ctx.as_of, due_day) {
                hits.push(Hit {
                    record: Some(entry.record),
                    fields: fields(true),
                    zh,
                    en,
                    related: Vec::new(),
                });
            }
        }
    }
    // Findings in the register's row order, not the order of the reports' names.
    let mut found = std::mem::take(&mut hits.listed);
    found.sort_by_key(|h| h.record);
    hits.extend(found);
    hits
}

/// What is late about month `month`'s report sent on `sent` (or not sent), judged at `as_of`.
pub(crate) fn lateness(
    month: Month,
    sent: Option<NaiveDate>,
    as_of: NaiveDate,
    due_day: u32,
) -> Option<(String, String)> {
    let deadline = month.deadline(due_day)?;
    match sent {
        // Sent on the deadline itself is on time.
        Some(day) if day > deadline => {
            let late = (day - deadline).num_days();
            Some((
                format!(
                    "{}的月报于 {day} 报送，晚于报送期限 {deadline}（次月{due_day}日）{late} 天",
                    month.zh()
                ),
                format!(
                    "the report for {} was sent on {day}, {} after the deadline of {deadline} (day {due_day} of the next month)",
                    month.en(),
                    days_en(late)
                ),
            ))
        }
        None if as_of > deadline => Some((
            format!(
                "{}的月报没有报送日期，报送期限 {deadline}（次月{due_day}日）已过",
                month.zh()
            ),
            format!(
                "the report for {} has no date sent, and its deadline of {deadline} (day {due_day} of the next month) has passed",
                month.en()
            ),
        )),
        Some(_) | None => None,
    }
}

/// The months between `prev` and `month` the register has no report of, once their deadline
/// has passed, as one finding on the row of `month`.
fn gap(
    prev: Month,
    month: Month,
    record: usize,
    as_of: NaiveDate,
    due_day: u32,
    fields: Vec<String>,
) -> Option<Hit> {
    let mut missing = Vec::new();
    let mut m = prev.next();
    while m < month {
        if m.deadline(due_day).is_some_and(|d| as_of > d) {
            missing.push(m);
        }
        m = m.next();
    }
    if missing.is_empty() {
        return None;
    }
    let zh: Vec<String> = missing.iter().map(|m| m.zh()).collect();
    let en: Vec<String> = missing.iter().map(|m| m.en()).collect();
    Some(Hit {
        record: Some(record),
        fields,
        zh: format!(
            "登记中没有{}的月报：{}之后登记的是{}",
            zh.join("、"),
            prev.zh(),
            month.zh()
        ),
        en: format!(
            "the register has no report for {}: after {} comes {}",
            en.join(", "),
            prev.en(),
            month.en()
        ),
        related: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::Month;
    use chrono::NaiveDate;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn the_deadline_is_day_d_of_the_next_month_across_years_and_short_months() {
        assert_eq!(
            Month::of(day(2024, 3, 31)).deadline(5),
            Some(day(2024, 4, 5))
        );
        assert_eq!(
            Month::of(day(2024, 12, 1)).deadline(5),
            Some(day(2025, 1, 5))
        );
        assert_eq!(
            Month::of(day(2024, 1, 31)).deadline(31),
            Some(day(2024, 2, 29))
        );
    }
}
