//! Free text quoted from a cell in a finding's message. A report's conclusion or a remark may
//! hold anything a clerk typed — the woman's ID number, her phone — and a finding is shown on
//! screen and printed, so a quote is only a short stretch of the cell, with every ID-like or
//! phone-like number in it masked.

use auditor_model::ident::mask::{mask_id, mask_phone};

/// Characters kept on each side of a matched term.
const RADIUS: usize = 8;

/// Characters kept of a whole value quoted without a term to centre on.
const MAX_QUOTED: usize = 24;

/// Digit runs this long or longer are taken for a phone (or another personal number).
const PHONE_DIGITS: usize = 7;

/// `text` with numbers that may identify a person masked: an ID number (15 or 18 characters,
/// the last may be X) keeps its region and last four, any other run of 7 or more digits is
/// masked like a phone. Shorter numbers (doses, weeks, sizes) are kept.
pub(crate) fn mask_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let run = digit_run(&chars[i..]);
        if run == 0 {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let number: String = chars[i..i + run].iter().collect();
        out.push_str(&mask_number(&number));
        i += run;
    }
    out
}

/// How many characters at the start of `chars` form one number: digits, and an X closing a
/// 17-digit run (the check character of an ID number).
fn digit_run(chars: &[char]) -> usize {
    let digits = chars.iter().take_while(|c| is_digit(**c)).count();
    let check_x = digits == 17 && chars.get(17).is_some_and(|c| matches!(c, 'X' | 'x' | 'Ｘ'));
    digits + usize::from(check_x)
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn mask_number(number: &str) -> String {
    let len = number.chars().count();
    if len == 15 || len == 18 {
        mask_id(number)
    } else if len >= PHONE_DIGITS {
        mask_phone(number)
    } else {
        number.to_owned()
    }
}

/// A short stretch of `text` around the first `term` in it, numbers masked, "…" where it was
/// cut. Without the term (it only appeared once allowed phrases were taken out), the start.
pub(crate) fn around(text: &str, term: &str) -> String {
    let masked = mask_numbers(text);
    let chars: Vec<char> = masked.chars().collect();
    let Some(byte_at) = masked.find(term) else {
        return excerpt(text);
    };
    let start = masked[..byte_at].chars().count();
    let end = start + term.chars().count();
    window(
        &chars,
        start.saturating_sub(RADIUS),
        (end + RADIUS).min(chars.len()),
    )
}

/// `text` as quoted whole: numbers masked, cut after [`MAX_QUOTED`] characters.
pub(crate) fn excerpt(text: &str) -> String {
    let masked = mask_numbers(text);
    let chars: Vec<char> = masked.chars().collect();
    window(&chars, 0, MAX_QUOTED.min(chars.len()))
}

fn window(chars: &[char], from: usize, to: usize) -> String {
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    out.extend(&chars[from..to]);
    if to < chars.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_phones_are_masked() {
        assert_eq!(
            mask_numbers("身份证320102199203150249电话13812345678"),
            "身份证3201**********0249电话138****5678"
        );
        assert_eq!(mask_numbers("32010219920315024X。"), "3201**********024X。");
        assert_eq!(mask_numbers("座机83001234"), "座机830***34");
        assert_eq!(mask_numbers("孕12周，胎心145次"), "孕12周，胎心145次");
    }

    #[test]
    fn a_term_is_quoted_with_a_few_characters_around_it() {
        let text = "王芳（身份证320102199203150249）宫内单活胎，男胎 电话13812345678";
        assert_eq!(around(text, "男胎"), "…9）宫内单活胎，男胎 电话138**…");
        assert_eq!(around("男胎", "男胎"), "男胎");
    }

    #[test]
    fn a_long_value_is_cut() {
        assert_eq!(excerpt("短"), "短");
        assert_eq!(excerpt(&"长".repeat(30)), format!("{}…", "长".repeat(24)));
    }
}
