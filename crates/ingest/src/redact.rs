//! Free text can carry what must never be stored: a clerk writes a report's conclusion or a
//! remark as "王芳（身份证320102199203150249）宫内单活胎，电话13812345678". ID numbers in such text
//! are masked before the text is kept, as are mobile numbers in prose, so no ledger column
//! stores, shows or reports a raw number however it was typed in.
//!
//! Codes stay as written: exam and document numbers, batch numbers and 20-digit trace codes are
//! digit runs of other lengths, or ASCII cells where an 11-digit run is a code, not a phone.

use std::borrow::Cow;

use auditor_model::ident::mask::mask_id;
use auditor_model::ident::resident_id::parse_resident_id;

/// `text` with every resident ID number in it masked (`3201**********0249`) and, in prose (a
/// cell with any character that is not ASCII), every 15-digit legacy ID and 11-digit mobile
/// number too. Borrows when there is nothing to mask, which is almost always.
pub(crate) fn personal_numbers(text: &str) -> Cow<'_, str> {
    if !may_hold_a_number(text) {
        return Cow::Borrowed(text);
    }
    let prose = !text.is_ascii();
    let mut out = String::new();
    let mut copied = 0;
    let mut run: Vec<(usize, char)> = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let Some(d) = digit(c) else { continue };
        run.clear();
        run.push((i, d));
        while let Some(&(j, next)) = chars.peek() {
            match digit(next) {
                Some(d) => run.push((j, d)),
                // An 18-character number may end in X.
                None if run.len() == 17 && matches!(next, 'X' | 'x' | 'Ｘ' | 'ｘ') => {
                    run.push((j, 'X'));
                }
                None => break,
            }
            chars.next();
        }
        let end = chars.peek().map_or(text.len(), |&(j, _)| j);
        let number: String = run.iter().map(|(_, d)| *d).collect();
        if let Some(masked) = masked(&number, prose) {
            out.push_str(&text[copied..i]);
            out.push_str(&masked);
            copied = end;
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// Whether `text` may hold a number worth masking: a run of 11 ASCII digits or more, or any
/// full-width character (full-width digits are typed on Chinese keyboards).
fn may_hold_a_number(text: &str) -> bool {
    let mut run = 0;
    for b in text.bytes() {
        if b.is_ascii_digit() {
            run += 1;
            if run >= 11 {
                return true;
            }
        } else {
            run = 0;
            // The first byte of U+FF10..U+FF19 (full-width digits), and of other full-width forms.
            if b == 0xEF {
                return true;
            }
        }
    }
    false
}

/// An ASCII digit for a digit, full-width or not.
fn digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '０'..='９' => char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')),
        _ => None,
    }
}

/// The mask for a run of digits, if it is a number to mask.
fn masked(number: &str, prose: bool) -> Option<String> {
    let n = number.len();
    if n == 18 && (parse_resident_id(number).is_ok() || prose) {
        return Some(mask_id(number));
    }
    if prose && n == 15 {
        return Some(mask_id(number));
    }
    let b = number.as_bytes();
    if prose && n == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) {
        return Some(format!("{}******{}", &number[..3], &number[9..]));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::personal_numbers;

    #[test]
    fn numbers_of_people_in_prose_are_masked() {
        assert_eq!(
            personal_numbers("王芳（身份证320102199203150249）宫内单活胎，电话13812345678。"),
            "王芳（身份证3201**********0249）宫内单活胎，电话138******78。"
        );
        // Full-width digits, a lower-case x, a legacy 15-digit number, a mistyped 18-digit one.
        assert_eq!(
            personal_numbers("身份证１１０１０５１９４９１２３１００２x 复查"),
            "身份证1101**********002X 复查"
        );
        assert_eq!(
            personal_numbers("旧证410526940323716，另号320102199203150248"),
            "旧证4105*******3716，另号3201**********0248"
        );
        // A bare valid ID number is masked even in an ASCII cell.
        assert_eq!(personal_numbers("11010519491231002X"), "1101**********002X");
    }

    #[test]
    fn codes_stay_as_written() {
        for code in [
            "US20230000001",
            "13020230001",
            "XS-20240301-0001",
            "H20033551",
            "320102199203150248",
            "追溯码81000000000000000001已核",
            "批号2403011，数量12",
            "宫内早孕，单活胎",
            "",
        ] {
            assert_eq!(personal_numbers(code), code, "{code}");
        }
    }
}
