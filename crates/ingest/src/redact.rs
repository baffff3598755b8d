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
    mask_numbers(text, false)
}

/// `text` with every number that may be a person's masked as if it were prose: any 18-digit
/// (or 17 and X) or 15-digit run, valid or not, and any 11-digit mobile number. For text that
/// is shown as a column's header: a data row taken for a header holds bare numbers, and there
/// no number is a code worth showing as written.
pub(crate) fn personal_numbers_anywhere(text: &str) -> Cow<'_, str> {
    mask_numbers(text, true)
}

fn mask_numbers(text: &str, always_prose: bool) -> Cow<'_, str> {
    // One branchless pass the compiler vectorises: how many ASCII digits, and whether any
    // byte is not ASCII (prose). Every text cell of a million-row ledger comes through here.
    let (digits, high) = text.bytes().fold((0u32, 0u8), |(n, high), b| {
        (n + u32::from(b.wrapping_sub(b'0') < 10), high | b)
    });
    let prose = always_prose || high >= 0x80;
    if !worth_a_look(text.as_bytes(), digits, prose) {
        return Cow::Borrowed(text);
    }
    let mut out = String::new();
    let mut copied = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        let Some(first) = digit(c) else { continue };
        // The run's digits, as ASCII; a run longer than any number masked is left alone.
        let mut number = [0u8; 18];
        number[0] = first;
        let mut len = 1;
        while let Some(&(_, next)) = chars.peek() {
            let d = match digit(next) {
                Some(d) => d,
                // An 18-character number may end in X.
                None if len == 17 && matches!(next, 'X' | 'x' | 'Ｘ' | 'ｘ') => b'X',
                None => break,
            };
            if let Some(slot) = number.get_mut(len) {
                *slot = d;
            }
            len += 1;
            chars.next();
        }
        let end = chars.peek().map_or(text.len(), |&(j, _)| j);
        let masked = number
            .get(..len)
            .and_then(|n| std::str::from_utf8(n).ok())
            .and_then(|n| masked(n, prose));
        if let Some(masked) = masked {
            out.push_str(&text[copied..start]);
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

/// Whether `text` (its bytes) may hold a number to mask, decided without decoding: a run of
/// ASCII digits of a masked length (18, or 17 and an X; in prose also 15 and 11), or a
/// full-width digit. Nearly every cell is ruled out by its count of `digits` alone.
fn worth_a_look(bytes: &[u8], digits: u32, prose: bool) -> bool {
    let full_width_digit = || {
        memchr::memchr_iter(0xEF, bytes).any(|i| {
            bytes.get(i + 1) == Some(&0xBC) && matches!(bytes.get(i + 2), Some(0x90..=0x99))
        })
    };
    (digits >= 11 && has_a_masked_run(bytes, prose)) || (prose && full_width_digit())
}

/// Whether a run of ASCII digits has a length a masked number has.
fn has_a_masked_run(bytes: &[u8], prose: bool) -> bool {
    let matters = |run: usize| run == 18 || (prose && (run == 11 || run == 15));
    let mut run = 0;
    for &b in bytes {
        if b.is_ascii_digit() {
            run += 1;
            continue;
        }
        if matters(run) || (run == 17 && matches!(b, b'X' | b'x' | 0xEF)) {
            return true;
        }
        run = 0;
    }
    matters(run)
}

/// The ASCII digit for a digit, full-width or not.
fn digit(c: char) -> Option<u8> {
    match c {
        '0'..='9' => u8::try_from(c).ok(),
        '０'..='９' => u8::try_from(u32::from(c) - u32::from('０') + u32::from('0')).ok(),
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
