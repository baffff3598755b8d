//! Parsing the text and numbers clerks put in cells: dates in every common Chinese form, times,
//! quantities with units, yes/no marks, gestational ages, lists of names, placeholders.

use std::borrow::Cow;

mod checkbox;
mod dates;
mod embedded_id;
mod gestation;
mod id_number;

pub use dates::*;
pub use embedded_id::{embedded_id, number_written};
pub use gestation::*;
pub use id_number::id_as_number;

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
        other => checkbox::ticked_choice(other),
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
    fn name_lists() {
        assert_eq!(parse_names("李娜、王强"), vec!["李娜", "王强"]);
        assert_eq!(
            parse_names("李娜，王强；赵敏"),
            vec!["李娜", "王强", "赵敏"]
        );
        assert_eq!(parse_names("李娜/无"), vec!["李娜"]);
    }
}
