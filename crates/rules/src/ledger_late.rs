//! LEDGER-LATE, the sweep-only rule: an institution that reported a ledger monthly has not
//! reported last month's by day `due_day` of this month. It is judged on the history of uploads
//! (their dates), not on records, so the offline check never fires it; sweeps call [`late`].

use chrono::{Datelike, Months, NaiveDate};

/// A late monthly report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Late {
    /// The first day of the month whose report is missing.
    pub period: NaiveDate,
    /// The last day it was due on.
    pub due: NaiveDate,
}

fn month_of(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// Judges one institution × ledger on `today`. `uploads` are the dates (in China) the ledger
/// was sent on, in any order. A report made during month M+1 covers month M. The sender is
/// monthly when it reported in each of the `months` months before the missing one.
pub fn late(uploads: &[NaiveDate], today: NaiveDate, due_day: u32, months: u32) -> Option<Late> {
    let this_month = month_of(today);
    let period = this_month.checked_sub_months(Months::new(1))?;
    let due = this_month.with_day(due_day.clamp(1, 28))?;
    if today <= due {
        return None;
    }
    let sent_in = |m: NaiveDate| uploads.iter().any(|d| month_of(*d) == m);
    // The report on `period` would have been sent in this month.
    if sent_in(this_month) {
        return None;
    }
    let habitual = (1..=months.max(1)).all(|k| {
        this_month
            .checked_sub_months(Months::new(k))
            .is_some_and(sent_in)
    });
    habitual.then_some(Late { period, due })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn late_only_after_the_due_day_for_a_monthly_sender() {
        let sent = [d("2026-09-03"), d("2026-10-04")];
        assert_eq!(late(&sent, d("2026-11-05"), 5, 2), None, "due day itself");
        assert_eq!(
            late(&sent, d("2026-11-06"), 5, 2),
            Some(Late {
                period: d("2026-10-01"),
                due: d("2026-11-05")
            })
        );
        assert_eq!(
            late(&[d("2026-10-04")], d("2026-11-06"), 5, 2),
            None,
            "not monthly"
        );
        let on_time = [d("2026-09-03"), d("2026-10-04"), d("2026-11-02")];
        assert_eq!(late(&on_time, d("2026-11-20"), 5, 2), None);
    }
}
