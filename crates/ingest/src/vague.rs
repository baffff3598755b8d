//! Date cells that name only a year or a month ("2019年", "2019年3月"). They are no day, so the
//! column keeps them missing and the sheet reports DQ-DATE-INVALID; but a deadline counted from
//! such a date has surely passed once the latest day it can mean is past, and a deadline rule
//! may say so. They are kept aside, per field, only for the records that had one: a ledger
//! without such a cell allocates nothing.

use chrono::{Datelike, NaiveDate};

use crate::value::{fold_width, parse_month_end};

/// A year, or a year and month, written where a day was due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VagueDate {
    pub year: i32,
    /// 1 to 12; `None` when only the year was written.
    pub month: Option<u32>,
}

impl VagueDate {
    /// Reads "2019", "2019年", "2019年3月", "2019-03", "2019/3", "2019.3", "201903". `None`
    /// for anything else, a day included.
    pub fn parse(text: &str) -> Option<Self> {
        let folded = fold_width(text);
        let compact: String = folded.chars().filter(|c| !c.is_whitespace()).collect();
        let year_only = compact.strip_suffix('年').unwrap_or(&compact);
        if year_only.len() == 4 && year_only.bytes().all(|b| b.is_ascii_digit()) {
            let year: i32 = year_only.parse().ok()?;
            // Only years a ledger's date can be in: a bare number beyond is no year.
            return (1900..=2100)
                .contains(&year)
                .then_some(Self { year, month: None });
        }
        let end = parse_month_end(&compact)?;
        Some(Self {
            year: end.year(),
            month: Some(end.month()),
        })
    }

    /// The latest day the cell can mean: the year's or the month's last.
    pub fn latest(self) -> NaiveDate {
        let (year, month) = match self.month {
            Some(m) if m < 12 => (self.year, m + 1),
            _ => (self.year + 1, 1),
        };
        NaiveDate::from_ymd_opt(year, month, 1)
            .and_then(|d| d.pred_opt())
            .unwrap_or(NaiveDate::MAX)
    }

    /// The cell as a clerk reads it: "2019年", "2019年3月".
    pub fn written(self) -> String {
        match self.month {
            None => format!("{}年", self.year),
            Some(m) => format!("{}年{m}月", self.year),
        }
    }
}

/// Whether a date cell says the thing was done without saying when: 已备案, 已办理, 是, √.
/// A deadline rule must not take such a record for one never done.
pub fn says_done(text: &str) -> bool {
    let folded = fold_width(text);
    let t = folded.trim();
    crate::value::parse_bool(t) == Some(true)
        || (t.starts_with('已')
            // Words, not prose: a day written in them does not count against the length.
            && t.chars()
                .filter(|c| !(c.is_ascii_digit() || "./-()（） ".contains(*c)))
                .count()
                <= 12
            && !t.contains(['未', '否', '待', '没', '无', '不'])
            && !t.contains("申请"))
}

/// The day in a date cell that says the thing was done and when: 已备案（2026.7.20）,
/// 已于2026年7月20日备案. `None` without such words or without one readable day.
pub fn done_on(text: &str) -> Option<NaiveDate> {
    if !says_done(text) {
        return None;
    }
    let folded = fold_width(text);
    let dated =
        |c: char| c.is_ascii_digit() || matches!(c, '.' | '-' | '/' | '年' | '月' | '日' | '号');
    let mut days = folded
        .split(|c: char| !dated(c))
        .filter(|run| run.chars().filter(char::is_ascii_digit).count() >= 6)
        .filter_map(|run| crate::value::parse_datetime_text(run).map(|(d, _)| d));
    let day = days.next()?;
    // Two days in one cell say two things; neither is taken.
    days.next().is_none().then_some(day)
}

/// What a date cell held in place of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Written {
    /// A year or a month.
    Within(VagueDate),
    /// Words saying it was done ([`says_done`]).
    Done,
}

/// Per date field, the records (in order) whose cell named only a year or a month, or said it
/// was done without a date.
#[derive(Debug, Clone, Default)]
pub struct VagueDates(Vec<(usize, Vec<(u32, Written)>)>);

impl VagueDates {
    /// Notes that record `record` of field `field` is `date`; records come in order.
    pub fn push(&mut self, field: usize, record: u32, date: VagueDate) {
        self.put(field, record, Written::Within(date));
    }

    /// Notes that record `record` of field `field` said it was done, with no date.
    pub fn push_done(&mut self, field: usize, record: u32) {
        self.put(field, record, Written::Done);
    }

    fn put(&mut self, field: usize, record: u32, written: Written) {
        match self.0.iter_mut().find(|(f, _)| *f == field) {
            Some((_, v)) => v.push((record, written)),
            None => self.0.push((field, vec![(record, written)])),
        }
    }

    fn find(&self, field: usize, record: usize) -> Option<Written> {
        let (_, v) = self.0.iter().find(|(f, _)| *f == field)?;
        let record = u32::try_from(record).ok()?;
        let at = v.binary_search_by_key(&record, |(r, _)| *r).ok()?;
        v.get(at).map(|(_, d)| *d)
    }

    /// What record `record` of field `field` named, if only a year or a month.
    pub fn get(&self, field: usize, record: usize) -> Option<VagueDate> {
        match self.find(field, record)? {
            Written::Within(d) => Some(d),
            Written::Done => None,
        }
    }

    /// Whether record `record` of field `field` said it was done, with no date.
    pub fn done(&self, field: usize, record: usize) -> bool {
        self.find(field, record) == Some(Written::Done)
    }

    /// Appends those of a later stretch of the sheet, whose records start at `offset`.
    pub(crate) fn append(&mut self, other: VagueDates, offset: u32) {
        for (field, v) in other.0 {
            for (record, written) in v {
                self.put(field, record + offset, written);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn a_year_or_a_month_is_read_with_the_latest_day_it_can_mean() {
        let cases = [
            ("2019年", 2019, None, ymd(2019, 12, 31), "2019年"),
            ("2019", 2019, None, ymd(2019, 12, 31), "2019年"),
            ("2019年3月", 2019, Some(3), ymd(2019, 3, 31), "2019年3月"),
            (
                "２０２０年２月",
                2020,
                Some(2),
                ymd(2020, 2, 29),
                "2020年2月",
            ),
            ("2019-12", 2019, Some(12), ymd(2019, 12, 31), "2019年12月"),
            ("2019.11", 2019, Some(11), ymd(2019, 11, 30), "2019年11月"),
        ];
        for (text, year, month, latest, written) in cases {
            let d = VagueDate::parse(text);
            assert_eq!(d, Some(VagueDate { year, month }), "{text}");
            assert_eq!(d.map(VagueDate::latest), Some(latest), "{text}");
            assert_eq!(d.map(VagueDate::written).as_deref(), Some(written));
        }
    }

    #[test]
    fn a_day_a_word_or_an_odd_number_is_not_a_year_or_month() {
        for text in [
            "2019年3月5日",
            "去年",
            "12345",
            "9999年",
            "2019年13月",
            "2019年底",
        ] {
            assert_eq!(VagueDate::parse(text), None, "{text}");
        }
    }

    #[test]
    fn words_that_say_done_without_a_date() {
        for text in [
            "已备案",
            "已",
            "是",
            " √ ",
            "已办理",
            "已报县卫健委备案",
            "已于3月5日备案",
            "ＹＥＳ",
        ] {
            assert!(says_done(text), "{text}");
        }
        for text in [
            "未备案",
            "已申请",
            "否",
            "待备案",
            "2019年3月",
            "备案中",
            "",
        ] {
            assert!(!says_done(text), "{text}");
        }
    }

    #[test]
    fn a_done_mark_with_its_day_gives_the_day() {
        assert_eq!(done_on("已备案（2026.7.20）"), Some(ymd(2026, 7, 20)));
        assert_eq!(done_on("已于2026年7月20日备案"), Some(ymd(2026, 7, 20)));
        assert_eq!(done_on("已备案 ２０２６-０７-２０"), Some(ymd(2026, 7, 20)));
        assert_eq!(done_on("已备案"), None);
        assert_eq!(done_on("未备案（2026.7.20）"), None);
        assert_eq!(done_on("已备案（2026.7.20，2026.8.1复核）"), None);
    }

    #[test]
    fn a_done_mark_is_no_year_or_month_and_moves_with_its_stretch() {
        let mut a = VagueDates::default();
        a.push(
            2,
            1,
            VagueDate {
                year: 2019,
                month: None,
            },
        );
        let mut b = VagueDates::default();
        b.push_done(2, 0);
        a.append(b, 10);
        assert_eq!((a.done(2, 10), a.get(2, 10)), (true, None));
        assert_eq!(
            (a.done(2, 1), a.done(2, 0), a.done(3, 10)),
            (false, false, false)
        );
    }

    #[test]
    fn records_are_found_by_field_and_a_later_stretch_is_shifted() {
        let y = |year| VagueDate { year, month: None };
        let mut a = VagueDates::default();
        a.push(2, 1, y(2019));
        let mut b = VagueDates::default();
        b.push(2, 0, y(2020));
        b.push(5, 3, y(2021));
        a.append(b, 10);
        assert_eq!(
            (
                a.get(2, 1),
                a.get(2, 10),
                a.get(5, 13),
                a.get(2, 0),
                a.get(5, 3)
            ),
            (Some(y(2019)), Some(y(2020)), Some(y(2021)), None, None)
        );
    }
}
