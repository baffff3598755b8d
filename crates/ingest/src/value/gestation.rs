//! Gestational ages as clerks write them: weeks and days joined every common way, in digits or
//! Chinese numerals.

use std::borrow::Cow;

use super::fold_width;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
