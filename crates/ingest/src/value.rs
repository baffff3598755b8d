//! Parsing the text and numbers clerks put in cells: dates in every common Chinese form, times,
//! quantities with units, yes/no marks, gestational ages, lists of names, placeholders.

use std::borrow::Cow;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

/// Text that means "nothing entered". Compared after trimming and folding to half-width.
const PLACEHOLDERS: &[&str] = &[
    "无", "没有", "暂无", "空", "空白", "/", "\\", "-", "--", "---", "—", "——", "–", "_", "__",
    "n/a", "na", "null", "none", "nil", "不详", "未填", "未知", "缺", "缺失", "#n/a", "…", "...",
    "、", "。",
];

fn needs_fold(c: char) -> bool {
    matches!(c, '\u{FF01}'..='\u{FF5E}' | '\u{3000}' | '\u{00A0}')
}

/// Full-width digits, letters and punctuation to ASCII; the ideographic space to a space.
/// Borrows when there is nothing to fold, which is almost always.
pub fn fold_width(s: &str) -> Cow<'_, str> {
    if s.is_ascii() || !s.chars().any(needs_fold) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                '\u{3000}' | '\u{00A0}' => ' ',
                _ => c,
            })
            .collect(),
    )
}

/// Lower-cases only when there is an ASCII capital to lower (CJK has no case).
fn ascii_lower(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

/// Whether a cell's text is empty or a placeholder for "nothing".
pub fn is_placeholder(s: &str) -> bool {
    is_placeholder_trimmed(s.trim())
}

/// [`is_placeholder`] for text already trimmed, as row cells are: called for every cell.
pub fn is_placeholder_trimmed(t: &str) -> bool {
    if t.is_empty() {
        return true;
    }
    if t.len() > 12 {
        return false;
    }
    // Every placeholder starts with one of these (before width folding, the full-width forms
    // of '/', '-', '\\' and 'N' too): most cells are ruled out by their first character.
    let first = t.chars().next().unwrap_or(' ');
    if !matches!(
        first,
        '无' | '没'
            | '暂'
            | '空'
            | '/'
            | '\\'
            | '-'
            | '—'
            | '–'
            | '_'
            | 'n'
            | 'N'
            | '#'
            | '…'
            | '.'
            | '、'
            | '。'
            | '不'
            | '未'
            | '缺'
            | '／'
            | '－'
            | '＼'
            | 'Ｎ'
            | 'ｎ'
            | '＿'
            | '＃'
            | '．'
    ) {
        return false;
    }
    let folded = fold_width(t);
    let folded = folded.trim();
    PLACEHOLDERS.iter().any(|p| p.eq_ignore_ascii_case(folded))
}

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
    let s = s.trim();
    if let Some(date) = serial_text(s) {
        return Some((date, None));
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
    if parts[0].len() != 4 {
        return None;
    }
    let y = parts[0].parse().ok()?;
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

/// A number with an optional unit: "10盒" -> (10, "盒"), "1,200.5" -> (1200.5, ""),
/// "¥12.5元" -> (12.5, "元"). `None` when the text is not a number.
pub fn parse_quantity(raw: &str) -> Option<(f64, String)> {
    let s = fold_width(raw);
    let s = s.trim().trim_start_matches(['¥', '￥', '$']).trim();
    let end = s
        .char_indices()
        .find(|(i, c)| {
            !(c.is_ascii_digit() || *c == '.' || *c == ',' || (*i == 0 && (*c == '-' || *c == '+')))
        })
        .map_or(s.len(), |(i, _)| i);
    let number = &s[..end];
    let value: f64 = if number.contains(',') {
        number.replace(',', "").parse().ok()?
    } else {
        number.parse().ok()?
    };
    let unit = s[end..].trim();
    // A unit is a short word ("盒", "支", "mg", "片/盒"), not more text with digits in it.
    if unit.chars().count() > 6 || unit.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    Some((value, unit.to_owned()))
}

/// 是/否 and its many spellings. `None` when the text is not a yes or a no.
pub fn parse_bool(raw: &str) -> Option<bool> {
    let folded = fold_width(raw);
    let s = ascii_lower(folded.trim());
    match s.as_ref() {
        "是" | "√" | "✓" | "✔" | "有" | "y" | "yes" | "true" | "1" | "已" | "已查验" | "已核对"
        | "已核验" | "查验" | "合格" | "通过" | "对" => Some(true),
        "否" | "无" | "没有" | "×" | "✗" | "✘" | "x" | "n" | "no" | "false" | "0" | "未"
        | "未查验" | "未核对" | "未核验" | "不合格" | "错" => Some(false),
        _ => None,
    }
}

/// 男/女, or the national code (GB/T 2261.1) written as text: 1 male, 2 female, as a number cell
/// holding 1 or 2 is read. Its 0 (unknown) and 9 (unspecified) name neither sex: `None`, as for
/// any other text that names neither, so the cell is reported as invalid.
pub fn parse_sex(raw: &str) -> Option<bool> {
    let folded = fold_width(raw);
    let s = ascii_lower(folded.trim());
    match s.as_ref() {
        "男" | "男性" | "男婴" | "m" | "male" | "boy" | "1" => Some(true),
        "女" | "女性" | "女婴" | "f" | "female" | "girl" | "2" => Some(false),
        _ => None,
    }
}

/// Gestational age in days: "16周" -> 112, "16+3" -> 115, "16周3天", "16W+3D", "16+3周",
/// "16周+3天", "115天" -> 115, and the same in Chinese numerals up to 四十五: "十六周二天",
/// "十二周零三天". A bare number is weeks unless `bare_is_days` (a 停经天数 column).
pub fn parse_gestation(raw: &str, bare_is_days: bool) -> Option<f64> {
    if let Ok(n) = raw.trim().parse::<f64>() {
        if n < 0.0 {
            return None;
        }
        return Some(if bare_is_days { n } else { n * 7.0 });
    }
    if let Some(days) = gestation_fast(raw.trim()) {
        return Some(days);
    }
    let s = fold_width(raw).trim().to_lowercase().replace(' ', "");
    let s = chinese_numerals_to_digits(&s)?;
    if let Ok(n) = s.parse::<f64>() {
        if n < 0.0 {
            return None;
        }
        return Some(if bare_is_days { n } else { n * 7.0 });
    }
    let s = s.replace("孕", "").replace("停经", "");
    if let Some(days) = strip_any(&s, DAY_UNITS).filter(|d| !d.contains(['周', 'w', '+'])) {
        return days.parse::<f64>().ok().filter(|d| *d >= 0.0);
    }
    weeks_and_days(&s)
}

/// The value of a Chinese numeral digit; 两 is 2 as in 两天.
fn chinese_digit(c: char) -> Option<u32> {
    Some(match c {
        '零' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn is_chinese_numeral(c: char) -> bool {
    c == '十' || chinese_digit(c).is_some()
}

/// Chinese numerals written for a gestational age to ASCII digits: "十六周二天" -> "16周2天",
/// "十二周零三天" -> "12周3天" (a 零 joining weeks and days is dropped). A run of numerals is a
/// number from 零 to 四十五 (一, 十, 十六, 二十, 四十五), nothing bigger and no other shape;
/// `None` when a run is not one, or touches an ASCII digit. Borrows when there is none.
fn chinese_numerals_to_digits(s: &str) -> Option<Cow<'_, str>> {
    if !s.chars().any(is_chinese_numeral) {
        return Some(Cow::Borrowed(s));
    }
    let mut out = String::with_capacity(s.len());
    let mut run = String::new();
    let mut prev_digit = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if !is_chinese_numeral(c) {
            prev_digit = c.is_ascii_digit();
            out.push(c);
            continue;
        }
        run.clear();
        run.push(c);
        while let Some(&next) = chars.peek() {
            if !is_chinese_numeral(next) {
                break;
            }
            run.push(next);
            chars.next();
        }
        let next_digit = chars.peek().is_some_and(char::is_ascii_digit);
        if prev_digit || next_digit {
            return None;
        }
        out.push_str(&chinese_number(&run)?.to_string());
        prev_digit = true;
    }
    Some(Cow::Owned(out))
}

/// One run of Chinese numerals as a number from 0 to 45: 零, 三, 十, 十六, 一十六, 二十, 四十五,
/// with one leading 零 allowed (零三 in 十二周零三天).
fn chinese_number(run: &str) -> Option<u32> {
    let run = match run.strip_prefix('零') {
        Some(rest) if !rest.is_empty() => rest,
        _ => run,
    };
    let chars: Vec<char> = run.chars().collect();
    let value = match chars.as_slice() {
        ['十'] => 10,
        [d] => chinese_digit(*d)?,
        ['十', u] => 10 + chinese_digit(*u).filter(|u| *u > 0)?,
        [t, '十'] => 10 * chinese_digit(*t).filter(|t| *t > 0)?,
        [t, '十', u] => {
            10 * chinese_digit(*t).filter(|t| *t > 0)? + chinese_digit(*u).filter(|u| *u > 0)?
        }
        _ => return None,
    };
    (value <= 45).then_some(value)
}

/// Units after a number of weeks, longest first so "weeks" is not read as "w" + "eeks".
const WEEK_UNITS: &[&str] = &["weeks", "week", "wks", "wk", "w", "周"];
/// Units after a number of days.
const DAY_UNITS: &[&str] = &["days", "day", "d", "天"];

fn strip_any<'a>(s: &'a str, suffixes: &[&str]) -> Option<&'a str> {
    suffixes.iter().find_map(|u| s.strip_suffix(u))
}

/// Weeks then days, the way clerks join them: "16周3天", "16w+3d", "16+3", "16+3周" (the unit
/// written once, after both numbers), "16周+3". Days must be under 7.
fn weeks_and_days(s: &str) -> Option<f64> {
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let weeks: f64 = s[..split].parse().ok()?;
    let mut rest = &s[split..];
    let week_unit = WEEK_UNITS.iter().find_map(|u| rest.strip_prefix(u));
    if let Some(r) = week_unit {
        rest = r;
    }
    let plus = rest.strip_prefix('+');
    if let Some(r) = plus {
        rest = r;
    }
    if week_unit.is_none() && plus.is_none() {
        return None;
    }
    let rest = strip_any(rest, DAY_UNITS)
        // "16+3周": the week unit closes the pair when it did not follow the weeks.
        .or_else(|| {
            week_unit
                .is_none()
                .then(|| strip_any(rest, WEEK_UNITS))
                .flatten()
        })
        .unwrap_or(rest);
    let days: f64 = if rest.is_empty() {
        0.0
    } else {
        rest.parse().ok()?
    };
    if !(0.0..7.0).contains(&days) || weeks < 0.0 {
        return None;
    }
    Some(weeks * 7.0 + days)
}

/// The common written forms without allocating: `16周`, `16+3`, `16周3天`, `孕16周`, `16周+3`.
fn gestation_fast(s: &str) -> Option<f64> {
    let s = s.strip_prefix('孕').unwrap_or(s);
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let weeks: u32 = s.get(..digits)?.parse().ok()?;
    let rest = &s[digits..];
    let rest = rest.strip_prefix('周').or_else(|| rest.strip_prefix('+'))?;
    let rest = rest.strip_prefix('+').unwrap_or(rest);
    let rest = rest.strip_suffix('天').unwrap_or(rest);
    let days: u32 = if rest.is_empty() {
        0
    } else {
        rest.parse().ok()?
    };
    (days < 7).then(|| f64::from(weeks * 7 + days))
}

/// A list of names or staff ids: "李娜、王强", "李娜,王强", "李娜/王强", "李娜 王强".
pub fn parse_names(raw: &str) -> Vec<String> {
    fold_width(raw)
        .split(['、', ',', '，', ';', '；', '/', '|', '\n', ' ', '\t'])
        .map(str::trim)
        .filter(|p| !p.is_empty() && !is_placeholder(p))
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sex_as_words_or_its_national_code() {
        let read: Vec<Option<bool>> = [
            "男", "女性", "1", "2", "１", "２", " 2 ", "0", "9", "3", "12",
        ]
        .into_iter()
        .map(parse_sex)
        .collect();
        assert_eq!(
            read,
            [
                Some(true),
                Some(false),
                Some(true),
                Some(false),
                Some(true),
                Some(false),
                Some(false),
                None,
                None,
                None,
                None
            ]
        );
    }

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
    fn quantities_with_units() {
        assert_eq!(parse_quantity("10盒"), Some((10.0, "盒".to_owned())));
        assert_eq!(parse_quantity("１０ 支"), Some((10.0, "支".to_owned())));
        assert_eq!(parse_quantity("1,200.5"), Some((1200.5, String::new())));
        assert_eq!(parse_quantity("¥12.5元"), Some((12.5, "元".to_owned())));
        assert_eq!(parse_quantity("-3"), Some((-3.0, String::new())));
        assert_eq!(parse_quantity("十盒"), None);
        assert_eq!(parse_quantity("10盒20支"), None);
    }

    #[test]
    fn marks_and_placeholders() {
        assert_eq!(parse_bool("√"), Some(true));
        assert_eq!(parse_bool("×"), Some(false));
        assert_eq!(parse_bool("是"), Some(true));
        assert_eq!(parse_bool("否"), Some(false));
        assert_eq!(parse_bool("也许"), None);
        assert_eq!(parse_bool("无"), Some(false));
        for p in ["", " ", "无", "/", "—", "——", "空", "N/A", "－"] {
            assert!(is_placeholder(p), "{p:?}");
        }
        assert!(!is_placeholder("王强"));
    }

    #[test]
    fn gestational_ages() {
        assert_eq!(parse_gestation("16周", false), Some(112.0));
        assert_eq!(parse_gestation("16+3", false), Some(115.0));
        assert_eq!(parse_gestation("16周3天", false), Some(115.0));
        assert_eq!(parse_gestation("16周+3天", false), Some(115.0));
        assert_eq!(parse_gestation("16W+3D", false), Some(115.0));
        assert_eq!(parse_gestation("孕16周", false), Some(112.0));
        assert_eq!(parse_gestation("49天", false), Some(49.0));
        assert_eq!(parse_gestation("14", false), Some(98.0));
        assert_eq!(parse_gestation("49", true), Some(49.0));
        assert_eq!(parse_gestation("16+9", false), None);
    }

    #[test]
    fn gestational_ages_in_chinese_numerals() {
        for (s, days) in [
            ("十六周", 112.0),
            ("孕十六周", 112.0),
            ("十六周二天", 114.0),
            ("十六周两天", 114.0),
            ("十六周+2", 114.0),
            ("十六+二周", 114.0),
            ("十六周+二天", 114.0),
            ("十六w二d", 114.0),
            ("二十周", 140.0),
            ("十二周零三天", 87.0),
            ("十二周零天", 84.0),
            ("一十六周", 112.0),
            ("六周", 42.0),
            ("两周", 14.0),
            ("十周六天", 76.0),
            ("四十五周", 315.0),
            ("四十周零六天", 286.0),
            ("十六", 112.0),
            ("三十五天", 35.0),
        ] {
            assert_eq!(parse_gestation(s, false), Some(days), "{s}");
        }
        assert_eq!(parse_gestation("十六", true), Some(16.0));
        assert_eq!(parse_gestation("停经四十天", true), Some(40.0));
        for s in [
            "百周",
            "一百周",
            "十六周九天",
            "十六周七天",
            "四十六周",
            "五十周",
            "十十周",
            "一六周",
            "二十零周",
            "零零三周",
            "1十六周",
            "十六周2三天",
            "周二天",
            "十六天二周",
        ] {
            assert_eq!(parse_gestation(s, false), None, "{s}");
        }
    }

    #[test]
    fn weeks_and_days_the_ways_clerks_join_them() {
        for s in [
            "16+2周",
            "孕16+2周",
            "16+2w",
            "16周+2天",
            "16W+2",
            "16w2d",
            "16周2天",
            "16 weeks 2 days",
            "孕１６+２周",
        ] {
            assert_eq!(parse_gestation(s, false), Some(114.0), "{s}");
            assert_eq!(parse_gestation(s, true), Some(114.0), "{s}");
        }
        for s in ["16+2+3", "16周周", "16+9周", "周2天", "16天2周"] {
            assert_eq!(parse_gestation(s, false), None, "{s}");
        }
    }

    #[test]
    fn name_lists() {
        assert_eq!(parse_names("李娜、王强"), vec!["李娜", "王强"]);
        assert_eq!(
            parse_names("李娜，王强；赵敏"),
            vec!["李娜", "王强", "赵敏"]
        );
        assert_eq!(parse_names("李娜/无"), vec!["李娜"]);
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
