//! Dates and times as clerks write them: every common Chinese form, Excel serials (as numbers
//! or as text), periods and months that end a validity, times of day.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use super::fold_width;

/// Excel's day 0 is 1899-12-30 (the 1900 leap-year bug is in the serials already).
fn excel_epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default()
}

/// An Excel serial date-time (days since 1899-12-30, fraction = time of day).
pub fn from_excel_serial(serial: f64) -> Option<NaiveDateTime> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.trunc() as i64;
    let secs = ((serial - serial.trunc()) * 86_400.0).round() as i64;
    let date = excel_epoch().checked_add_signed(Duration::days(days))?;
    date.and_hms_opt(0, 0, 0)?
        .checked_add_signed(Duration::seconds(secs))
}

/// Serials a clerk would plausibly mean as a date in a date column: 1954-10-01 .. 2119-01-01.
pub fn plausible_serial(n: f64) -> bool {
    (20_000.0..80_000.0).contains(&n)
}

/// Parses a date or date-time written as text: `2024-03-01`, `2024/3/1`, `2024.3.1`,
/// `2024年3月1日`, `20240301`, with spaces or full-width digits, optionally followed by a time.
/// Day-first and month-first forms are ambiguous and rejected. An Excel date serial stored as
/// text (`45383`, as CSV exports and text-formatted cells give) is that serial's date.
pub fn parse_datetime_text(raw: &str) -> Option<(NaiveDate, Option<NaiveTime>)> {
    if let Some(parsed) = parse_iso_fast(raw.trim().as_bytes()) {
        return Some(parsed);
    }
    let s = fold_width(raw);
    let s = without_weekday(s.trim());
    if let Some(date) = serial_text(s) {
        return Some((date, None));
    }
    if let Some(stamp) = digit_timestamp(s) {
        return Some(stamp);
    }
    let (date_part, time_part) = split_date_time(s);
    let date = parse_date_only(date_part)?;
    let time = match time_part {
        Some(t) if !t.trim().is_empty() => Some(parse_time_text(t)?),
        _ => None,
    };
    Some((date, time))
}

/// A whole Excel serial written as text, read as a numeric cell holding it is: five digits in
/// the plausible range (`45383` -> 2024-04-01). No other accepted date is five bare digits
/// (`20240301` is eight, a month alone `202404` six), so nothing else is read this way.
fn serial_text(s: &str) -> Option<NaiveDate> {
    if s.len() != 5 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u32 = s.parse().ok()?;
    let n = f64::from(n);
    if !plausible_serial(n) {
        return None;
    }
    from_excel_serial(n).map(|t| t.date())
}

/// The date without the weekday a clerk wrote after it: `2026年3月5日(星期四)`, `2026-03-05 周四`,
/// `2026/3/5 礼拜四`. The weekday is not checked against the date: the date is what was meant.
fn without_weekday(s: &str) -> &str {
    const DAYS: [char; 9] = ['一', '二', '三', '四', '五', '六', '日', '天', '七'];
    let bare = s.trim_end_matches([')', '）']).trim_end();
    for word in ["星期", "礼拜", "周"] {
        let Some(stem) = bare
            .strip_suffix(DAYS)
            .and_then(|rest| rest.strip_suffix(word))
        else {
            continue;
        };
        let stem = stem.trim_end().trim_end_matches(['(', '（']).trim_end();
        // Only after a date: 周四 alone is no date, and a time of day never ends in one.
        if stem.ends_with(|c: char| c.is_ascii_digit() || matches!(c, '日' | '号' | '.')) {
            return stem;
        }
    }
    s
}

/// A timestamp written as digits alone, as hospital systems export it: `202603050930`
/// (yyyymmddhhmm) and `20260305093000` (yyyymmddhhmmss).
fn digit_timestamp(s: &str) -> Option<(NaiveDate, Option<NaiveTime>)> {
    if !matches!(s.len(), 12 | 14) || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    let date = valid_date(i32::try_from(n(0..4)?).ok()?, n(4..6)?, n(6..8)?)?;
    let sec = if s.len() == 14 { n(12..14)? } else { 0 };
    let time = NaiveTime::from_hms_opt(n(8..10)?, n(10..12)?, sec)?;
    Some((date, Some(time)))
}

/// `2024-03-01`, `2024/03/01`, `2024-03-01 08:30` and `2024-03-01 08:30:15` — what systems
/// export — without allocating. Anything else goes the general way.
fn parse_iso_fast(b: &[u8]) -> Option<(NaiveDate, Option<NaiveTime>)> {
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b.get(r)?.iter().try_fold(0u32, |acc, d| {
            d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
        })
    };
    if b.len() < 10 || !matches!(b[4], b'-' | b'/') || b[7] != b[4] {
        return None;
    }
    let date = valid_date(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    let time = match b.len() {
        10 => None,
        16 if matches!(b[10], b' ' | b'T') && b[13] == b':' => {
            Some(NaiveTime::from_hms_opt(num(11..13)?, num(14..16)?, 0)?)
        }
        19 if matches!(b[10], b' ' | b'T') && b[13] == b':' && b[16] == b':' => Some(
            NaiveTime::from_hms_opt(num(11..13)?, num(14..16)?, num(17..19)?)?,
        ),
        _ => return None,
    };
    Some((date, time))
}

fn split_date_time(s: &str) -> (&str, Option<&str>) {
    // "2024-03-01T08:30", "2024-03-01 08:30", "2024年3月1日8时30分", "2024年3月1日 8:30"
    if let Some(i) = s
        .find('T')
        .filter(|i| s[..*i].chars().all(|c| c.is_ascii_digit() || c == '-'))
    {
        return (&s[..i], Some(&s[i + 1..]));
    }
    if let Some(i) = s.find('日') {
        let rest = &s[i + '日'.len_utf8()..];
        return (
            &s[..i + '日'.len_utf8()],
            (!rest.trim().is_empty()).then_some(rest),
        );
    }
    match s.find(char::is_whitespace) {
        Some(i) => {
            let rest = s[i..].trim();
            // "2024 年 3 月 1 日" style spacing inside the date: keep it together.
            if rest.contains(':') || rest.contains('时') || rest.contains('点') {
                (&s[..i], Some(rest))
            } else {
                (s, None)
            }
        }
        None => (s, None),
    }
}

fn parse_date_only(s: &str) -> Option<NaiveDate> {
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let compact = compact.trim_end_matches('日').trim_end_matches('号');
    if compact.len() == 8 && compact.bytes().all(|b| b.is_ascii_digit()) {
        let y = compact[..4].parse().ok()?;
        let m = compact[4..6].parse().ok()?;
        let d = compact[6..].parse().ok()?;
        return valid_date(y, m, d);
    }
    let parts: Vec<&str> = compact
        .split(['-', '/', '.', '年', '月', '_'])
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() != 3 || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    // A two-digit year is how a cell formatted yy-m-d is saved as text (24-3-5): this century,
    // with - between the parts only, as that format writes it (24.3.1 stays unread).
    let y = match parts[0].len() {
        4 => parts[0].parse().ok()?,
        2 if compact.contains('-') && !compact.contains(['.', '/', '年']) => {
            2000 + parts[0].parse::<i32>().ok()?
        }
        _ => return None,
    };
    let m = parts[1].parse().ok()?;
    let d = parts[2].parse().ok()?;
    valid_date(y, m, d)
}

/// The last day of a month written without a day: `2026-03`, `2026/3`, `2026.12`, `2026年12月`,
/// `202612` -> the last day of that month. For fields where that is what a month alone means
/// (expiry dates); elsewhere it is ambiguous and not a date.
pub fn parse_month_end(raw: &str) -> Option<NaiveDate> {
    let folded = fold_width(raw);
    let compact: String = folded.chars().filter(|c| !c.is_whitespace()).collect();
    let compact = compact.trim_end_matches(['月', '底', '末']);
    let (y, m) = if compact.len() == 6 && compact.bytes().all(|b| b.is_ascii_digit()) {
        (compact[..4].parse().ok()?, compact[4..].parse().ok()?)
    } else {
        let (y, m) = compact.split_once(['-', '/', '.', '年', '_'])?;
        let plain =
            |p: &str| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit());
        if y.len() != 4 || !plain(y) || m.len() > 2 || !plain(m) {
            return None;
        }
        (y.parse().ok()?, m.parse().ok()?)
    };
    let first_of_next = if m == 12 {
        valid_date(y + 1, 1, 1)
    } else {
        valid_date(y, m + 1, 1)
    };
    valid_date(y, m, 1)?;
    first_of_next?.pred_opt()
}

/// The date a licence or pack that does not expire is stored as: later than any date a rule
/// compares it with, so the licence reads as valid.
pub const NO_END: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// Words that say a licence does not expire.
const NO_END_WORDS: &[&str] = &[
    "长期",
    "长期有效",
    "永久",
    "永久有效",
    "无限期",
    "无期限",
    "不限期",
];

/// Words before a period's end that say only that: 至 2023年5月1日, 有效期至：2023-05-01.
const END_PREFIXES: &[&str] = &[
    "有效期至",
    "有效期限至",
    "有效期到",
    "有效期",
    "截止日期",
    "截止至",
    "截止",
    "截至",
    "至",
    "到",
];

/// Words before a period's start: 自 2021年1月1日 至 2024年1月1日.
const START_PREFIXES: &[&str] = &["自", "从", "由"];

/// What separates a period's start from its end.
const PERIOD_SEPARATORS: &[char] = &['至', '到', '~', '〜', '—', '–', '-'];

/// The date a period written as Chinese licences print it ends on, for fields where a date is
/// the end of a period (`period_end`): a period `2021.1.1-2024.1.1`, `2021年1月1日至2024年1月1日`,
/// `2021-01-01~2024-01-01` gives its end; a leading 至/截止/有效期至 is dropped; a month alone is
/// its last day ([`parse_month_end`]); 长期, 长期有效 and 永久 are [`NO_END`].
pub fn parse_period_end(raw: &str) -> Option<NaiveDate> {
    let folded = fold_width(raw);
    let s = folded.trim().replace('～', "~");
    let mut s = s.as_str();
    while let Some(rest) = END_PREFIXES.iter().find_map(|p| s.strip_prefix(p)) {
        s = rest.trim_start_matches([':', '：', ' ']);
    }
    let s = s.trim();
    end_of(s).or_else(|| {
        let start = START_PREFIXES
            .iter()
            .find_map(|p| s.strip_prefix(p))
            .unwrap_or(s);
        start.char_indices().find_map(|(i, c)| {
            if !PERIOD_SEPARATORS.contains(&c) {
                return None;
            }
            let (from, to) = (start[..i].trim(), start[i + c.len_utf8()..].trim());
            let to = to.strip_prefix(['至', '到']).unwrap_or(to).trim();
            let from_is_date =
                parse_datetime_text(from).is_some() || parse_month_end(from).is_some();
            if from_is_date { end_of(to) } else { None }
        })
    })
}

/// A period's end written alone: a date, a month (its last day), or a word for no end.
fn end_of(s: &str) -> Option<NaiveDate> {
    if NO_END_WORDS.contains(&s) {
        return Some(NO_END);
    }
    parse_datetime_text(s)
        .map(|(date, _)| date)
        .or_else(|| parse_month_end(s))
}

fn valid_date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    if !(1900..=2100).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Parses a time of day: `8:30`, `08:30:15`, `8时30分`, `8点30`, `下午2:30`.
pub fn parse_time_text(raw: &str) -> Option<NaiveTime> {
    let s = fold_width(raw);
    let mut s = s.trim();
    let mut pm = false;
    for (prefix, is_pm) in [
        ("上午", false),
        ("早上", false),
        ("下午", true),
        ("晚上", true),
        ("中午", false),
    ] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest.trim();
            pm = is_pm;
        }
    }
    // "9:30 AM", "2:30pm": the English half-day after the time.
    let lower = s.to_ascii_lowercase();
    for (suffix, is_pm) in [("am", false), ("a.m.", false), ("pm", true), ("p.m.", true)] {
        if let Some(rest) = lower.strip_suffix(suffix) {
            s = s[..rest.len()].trim_end();
            pm = is_pm;
            // 12 AM is midnight, 12 PM noon.
            if !is_pm && s.split([':', '时', '点']).next() == Some("12") {
                return parse_time_text(&s.replacen("12", "0", 1));
            }
            break;
        }
    }
    // A UTC offset after the time (09:30:00+08:00, 09:30Z): the clock time is the local one.
    if let Some(i) = s.rfind(['+', 'Z', 'z'])
        && s[..i].contains(':')
    {
        s = s[..i].trim_end();
    }
    let parts: Vec<&str> = s
        .split([':', '时', '点', '分', '秒'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty()
        || parts.len() > 3
        || !parts
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
    {
        return None;
    }
    let mut h: u32 = parts[0].parse().ok()?;
    let m: u32 = parts.get(1).map_or(Some(0), |p| p.parse().ok())?;
    let sec: f64 = parts.get(2).map_or(Some(0.0), |p| p.parse().ok())?;
    if pm && h < 12 {
        h += 12;
    }
    NaiveTime::from_hms_opt(h, m, sec as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_in_chinese_forms() {
        for s in [
            "2024-03-01",
            "2024/3/1",
            "2024.3.1",
            "2024年3月1日",
            "2024年03月01日",
            " 2024 年 3 月 1 日 ",
            "２０２４年３月１日",
            "20240301",
            "2024-3-1号",
        ] {
            assert_eq!(parse_datetime_text(s), Some((d(2024, 3, 1), None)), "{s}");
        }
        assert_eq!(
            parse_datetime_text("2024-03-01 08:30"),
            Some((d(2024, 3, 1), NaiveTime::from_hms_opt(8, 30, 0)))
        );
        assert_eq!(
            parse_datetime_text("2024年3月1日14时05分"),
            Some((d(2024, 3, 1), NaiveTime::from_hms_opt(14, 5, 0)))
        );
        assert_eq!(
            parse_datetime_text("2024-03-01T08:30:00"),
            Some((d(2024, 3, 1), NaiveTime::from_hms_opt(8, 30, 0)))
        );
    }

    #[test]
    fn impossible_or_ambiguous_dates_are_rejected() {
        for s in [
            "2024-02-30",
            "03/01/2024",
            "24.3.1",
            "三月一日",
            "2024-13-01",
            "明天",
        ] {
            assert_eq!(parse_datetime_text(s), None, "{s}");
        }
    }

    #[test]
    fn a_month_alone_ends_on_its_last_day() {
        for (s, last) in [
            ("2026-03", d(2026, 3, 31)),
            ("2026/03", d(2026, 3, 31)),
            ("2026.12", d(2026, 12, 31)),
            ("2026年12月", d(2026, 12, 31)),
            ("202612", d(2026, 12, 31)),
            ("2024-2", d(2024, 2, 29)),
            ("２０２６年４月", d(2026, 4, 30)),
        ] {
            assert_eq!(parse_month_end(s), Some(last), "{s}");
        }
        for s in [
            "2026-13",
            "26-03",
            "2026",
            "2026-03-01",
            "202613",
            "三月",
            "2026-",
        ] {
            assert_eq!(parse_month_end(s), None, "{s}");
        }
        // Outside such fields a month alone stays no date.
        assert_eq!(parse_datetime_text("2026-03"), None);
    }

    #[test]
    fn a_period_ends_on_its_last_date() {
        for (s, end) in [
            ("2021.1.1-2024.1.1", d(2024, 1, 1)),
            ("2021年1月1日至2024年1月1日", d(2024, 1, 1)),
            ("2021-01-01~2024-01-01", d(2024, 1, 1)),
            ("2021-01-01～2024-01-01", d(2024, 1, 1)),
            ("2021-01-01 至 2024-01-01", d(2024, 1, 1)),
            ("2021/1/1—2024/12/31", d(2024, 12, 31)),
            ("自2021年1月1日至2024年1月1日", d(2024, 1, 1)),
            ("2021.1-2024.6", d(2024, 6, 30)),
            ("至2023年5月1日", d(2023, 5, 1)),
            ("截止2023-05-01", d(2023, 5, 1)),
            ("有效期至：2023年5月1日", d(2023, 5, 1)),
            ("2025年6月", d(2025, 6, 30)),
            ("2025-06", d(2025, 6, 30)),
            ("2024-01-01", d(2024, 1, 1)),
            ("20240101", d(2024, 1, 1)),
            ("长期", NO_END),
            ("长期有效", NO_END),
            ("永久", NO_END),
            ("2021-01-01至长期", NO_END),
        ] {
            assert_eq!(parse_period_end(s), Some(end), "{s}");
        }
        assert_eq!(NO_END, d(9999, 12, 31));
        for s in [
            "2021-01-01至",
            "至",
            "长",
            "2021-13-01至2024-01-01",
            "某日至2024-01-01",
            "2025",
        ] {
            assert_eq!(parse_period_end(s), None, "{s}");
        }
    }

    #[test]
    fn an_excel_serial_stored_as_text_is_its_date() {
        for s in ["45383", " 45383 ", "４５３８３"] {
            assert_eq!(parse_datetime_text(s), Some((d(2024, 4, 1), None)), "{s}");
        }
        assert_eq!(
            parse_datetime_text("45352"),
            Some((d(2024, 3, 1), None)),
            "the same day as the numeric cell 45352"
        );
        assert_eq!(parse_datetime_text("20000"), Some((d(1954, 10, 3), None)));
        assert_eq!(parse_datetime_text("79999"), Some((d(2119, 1, 10), None)));
        // Outside the plausible range, with a fraction or a sign, or another length: no date.
        for s in [
            "19999", "80000", "1234", "045383", "453830", "45383.5", "-45383", "+45383", "4538 3",
        ] {
            assert_eq!(parse_datetime_text(s), None, "{s}");
        }
        // The longer digit-only forms keep their own reading.
        assert_eq!(parse_datetime_text("20240401"), Some((d(2024, 4, 1), None)));
        assert_eq!(parse_datetime_text("202404"), None);
        assert_eq!(parse_time_text("45383"), None);
    }

    #[test]
    fn excel_serials() {
        assert_eq!(
            from_excel_serial(45352.0).map(|t| t.date()),
            Some(d(2024, 3, 1))
        );
        assert_eq!(
            from_excel_serial(45352.5).map(|t| t.time()),
            NaiveTime::from_hms_opt(12, 0, 0)
        );
        assert_eq!(from_excel_serial(-1.0), None);
    }

    #[test]
    fn times() {
        assert_eq!(parse_time_text("8:30"), NaiveTime::from_hms_opt(8, 30, 0));
        assert_eq!(
            parse_time_text("下午2:30"),
            NaiveTime::from_hms_opt(14, 30, 0)
        );
        assert_eq!(
            parse_time_text("14时05分"),
            NaiveTime::from_hms_opt(14, 5, 0)
        );
        assert_eq!(parse_time_text("25:00"), None);
    }
}

/// The year a sheet's title gives: the first 19xx or 20xx followed by 年 ("2024年3月B超登记",
/// "青山县2024年度终止妊娠登记").
pub fn year_in_title(title: &str) -> Option<i32> {
    let folded = fold_width(title);
    let chars: Vec<char> = folded.chars().collect();
    chars.windows(5).find_map(|w| {
        let digits: String = w[..4].iter().collect();
        let starts_well = w[0] == '1' && w[1] == '9' || w[0] == '2' && w[1] == '0';
        (w[4] == '年' && starts_well && w[..4].iter().all(char::is_ascii_digit))
            .then(|| digits.parse().ok())
            .flatten()
    })
}

/// A date written without a year, read in `year`: 3月5日, 3月5号, 3.5, 3/5, 03-05, each with an
/// optional time after it (3月5日 14:30). Anything naming a year is not this.
pub fn parse_yearless(raw: &str, year: i32) -> Option<(NaiveDate, Option<NaiveTime>)> {
    let s = fold_width(raw);
    let s = s.trim();
    let (date_part, time_part) = match s.split_once([' ', 'T']) {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let date_part = date_part.trim_end_matches(['日', '号']);
    let (m, d) = date_part
        .split_once('月')
        .or_else(|| date_part.split_once(['.', '/', '-']))?;
    let digits = |x: &str| !x.is_empty() && x.len() <= 2 && x.bytes().all(|b| b.is_ascii_digit());
    if !digits(m) || !digits(d) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(year, m.parse().ok()?, d.parse().ok()?)?;
    let time = match time_part {
        Some(t) if !t.trim().is_empty() => Some(parse_time_text(t)?),
        _ => None,
    };
    Some((date, time))
}

#[cfg(test)]
mod yearless_tests {
    use super::*;

    #[test]
    fn a_title_gives_the_year_of_dates_written_without_one() {
        assert_eq!(year_in_title("2024年3月B超登记"), Some(2024));
        assert_eq!(year_in_title("青山县２０２３年度终止妊娠登记"), Some(2023));
        assert_eq!(year_in_title("B超登记 3月"), None);
        assert_eq!(year_in_title("共1234年"), None);
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        for text in ["3月5日", "3月5号", "3.5", "3/5", "03-05", "３月５日"] {
            assert_eq!(
                parse_yearless(text, 2024),
                Some((d(2024, 3, 5), None)),
                "{text}"
            );
        }
        assert_eq!(
            parse_yearless("3月5日 14:30", 2024),
            Some((d(2024, 3, 5), NaiveTime::from_hms_opt(14, 30, 0)))
        );
        for not in ["2月30日", "13.1", "2024.3", "3月", "abc", "3.5.1", "100.5"] {
            assert_eq!(parse_yearless(not, 2024), None, "{not}");
        }
    }
}
