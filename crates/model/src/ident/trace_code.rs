//! 药品追溯码: usually 20 digits; some makers print a GS1 element string instead
//! (AI 01 GTIN, 21 serial, 17 expiry, 10 batch). Not the 13-digit "69…" EAN-13 barcode.
//! There is no offline check of the 20-digit code, so only its shape is validated.

use chrono::NaiveDate;

use super::{IdentError, normalize};

/// Longest value GS1 allows for AI (21) serial and AI (10) batch.
const MAX_VARIABLE_LEN: usize = 20;

/// Validates a 药品追溯码 and returns it normalised (see [`normalize`]).
///
/// Accepted: 20 digits, or a GS1 element string written with parentheses, such as
/// `(01)06901234567892(17)260101(10)B123(21)ABC123`: (01) with a 14-digit GTIN (GS1 mod-10
/// check) and (21) with a serial are required; (17) YYMMDD expiry and (10) batch are optional;
/// each AI at most once, in any order. Serial and batch are 1–20 characters of GS1 set 82
/// without parentheses. Note that normalisation upper-cases them.
///
/// Errors: [`IdentError::Format`] for a 13-digit "69…" EAN-13 product barcode and for a GS1
/// string that breaks the rules above; [`IdentError::CheckDigit`] for a wrong GTIN check digit;
/// [`IdentError::Character`] for an illegal character; [`IdentError::Length`] for any other
/// all-digit length.
pub fn validate_trace_code(raw: &str) -> Result<String, IdentError> {
    let code = normalize(raw);
    if code.starts_with('(') {
        validate_gs1(&code)?;
        return Ok(code);
    }
    if let Some(i) = code.chars().position(|c| !c.is_ascii_digit()) {
        return Err(IdentError::Character { position: i + 1 });
    }
    match code.len() {
        20 => Ok(code),
        13 if code.starts_with("69") => Err(IdentError::Format),
        found => Err(IdentError::Length {
            expected: "20",
            found,
        }),
    }
}

/// Checks a GS1 element string in human-readable form, `(AI)value(AI)value…`.
fn validate_gs1(code: &str) -> Result<(), IdentError> {
    let (mut gtin, mut serial, mut expiry, mut batch) = (false, false, false, false);
    // Character offset of the value being read, for 1-based error positions.
    let mut offset = 0;
    let mut rest = code;
    while !rest.is_empty() {
        let after_open = rest.strip_prefix('(').ok_or(IdentError::Format)?;
        let (ai, after_ai) = after_open.split_once(')').ok_or(IdentError::Format)?;
        let value_end = after_ai.find('(').unwrap_or(after_ai.len());
        let value = &after_ai[..value_end];
        offset += ai.chars().count() + 2;
        let seen = match ai {
            "01" => {
                check_gtin(value, offset)?;
                &mut gtin
            }
            "21" => {
                check_variable(value, offset)?;
                &mut serial
            }
            "17" => {
                check_yymmdd(value)?;
                &mut expiry
            }
            "10" => {
                check_variable(value, offset)?;
                &mut batch
            }
            _ => return Err(IdentError::Format),
        };
        if *seen {
            return Err(IdentError::Format);
        }
        *seen = true;
        offset += value.chars().count();
        rest = &after_ai[value_end..];
    }
    if gtin && serial {
        Ok(())
    } else {
        Err(IdentError::Format)
    }
}

/// Rejects the first character of `value` failing `allowed`; `offset` is the number of
/// characters before `value`, so the error position is 1-based in the whole code.
fn bad_char(value: &str, offset: usize, allowed: impl Fn(char) -> bool) -> Result<(), IdentError> {
    match value.chars().position(|c| !allowed(c)) {
        Some(i) => Err(IdentError::Character {
            position: offset + i + 1,
        }),
        None => Ok(()),
    }
}

/// AI (01): 14 digits whose last is the GS1 mod-10 check digit.
fn check_gtin(value: &str, offset: usize) -> Result<(), IdentError> {
    bad_char(value, offset, |c| c.is_ascii_digit())?;
    if value.len() != 14 {
        return Err(IdentError::Format);
    }
    let digits: Vec<u32> = value.bytes().map(|b| u32::from(b - b'0')).collect();
    // Weights 3,1,3,1… from the left for 13 data digits (i.e. 3 on the digit next to the check).
    let sum: u32 = digits[..13]
        .iter()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { d * 3 } else { *d })
        .sum();
    if (10 - sum % 10) % 10 == digits[13] {
        Ok(())
    } else {
        Err(IdentError::CheckDigit)
    }
}

/// AI (21) serial and AI (10) batch: 1–20 characters of GS1 set 82, parentheses excluded
/// because they delimit AIs in the written form.
fn check_variable(value: &str, offset: usize) -> Result<(), IdentError> {
    if value.is_empty() {
        return Err(IdentError::Format);
    }
    bad_char(value, offset, |c| {
        c.is_ascii_alphanumeric() || "!\"%&'*+,-./:;<=>?_".contains(c)
    })?;
    if value.chars().count() > MAX_VARIABLE_LEN {
        return Err(IdentError::Format);
    }
    Ok(())
}

/// AI (17) expiry: YYMMDD, where DD = 00 means the end of the month (GS1 rule).
fn check_yymmdd(value: &str) -> Result<(), IdentError> {
    if value.len() != 6 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IdentError::Format);
    }
    let part = |i: usize| {
        value[i..i + 2]
            .parse::<u32>()
            .map_err(|_| IdentError::Format)
    };
    let (yy, mm, dd) = (part(0)?, part(2)?, part(4)?);
    // Any century works for checking month and day; 2000 is a leap year like 2000+yy may be.
    let year = 2000 + i32::try_from(yy).map_err(|_| IdentError::Format)?;
    let day = dd.max(1);
    NaiveDate::from_ymd_opt(year, mm, day)
        .map(|_| ())
        .ok_or(IdentError::Format)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_digits() {
        assert_eq!(
            validate_trace_code("81234567890123456789"),
            Ok("81234567890123456789".to_owned())
        );
        assert_eq!(
            validate_trace_code(" 8123 4567 8901 2345 6789 "),
            Ok("81234567890123456789".to_owned())
        );
        assert_eq!(
            validate_trace_code("８１２３４５６７８９０１２３４５６７８９"),
            Ok("81234567890123456789".to_owned())
        );
    }

    #[test]
    fn wrong_lengths_and_characters() {
        assert_eq!(
            validate_trace_code("8123456789012345678"),
            Err(IdentError::Length {
                expected: "20",
                found: 19
            })
        );
        assert_eq!(
            validate_trace_code("812345678901234567890"),
            Err(IdentError::Length {
                expected: "20",
                found: 21
            })
        );
        assert_eq!(
            validate_trace_code(""),
            Err(IdentError::Length {
                expected: "20",
                found: 0
            })
        );
        assert_eq!(
            validate_trace_code("8123456789012345678A"),
            Err(IdentError::Character { position: 20 })
        );
    }

    #[test]
    fn ean13_barcode_is_not_a_trace_code() {
        assert_eq!(
            validate_trace_code("6901234567892"),
            Err(IdentError::Format)
        );
    }

    #[test]
    fn gs1_strings() {
        let code = "(01)06901234567892(17)260101(10)B123(21)ABC123";
        assert_eq!(validate_trace_code(code), Ok(code.to_owned()));
        // Minimal: GTIN and serial, either order; expiry day 00 = end of month.
        assert_eq!(
            validate_trace_code("(01)06901234567892(21)1"),
            Ok("(01)06901234567892(21)1".to_owned())
        );
        assert_eq!(
            validate_trace_code("(21)X-1/2(01)06901234567892(17)280200"),
            Ok("(21)X-1/2(01)06901234567892(17)280200".to_owned())
        );
        // Full-width parentheses and lower case are normalised.
        assert_eq!(
            validate_trace_code("（01）06901234567892（21）abc123"),
            Ok("(01)06901234567892(21)ABC123".to_owned())
        );
    }

    #[test]
    fn bad_gs1_strings() {
        for code in [
            "(01)06901234567892",                          // no serial
            "(21)ABC123",                                  // no GTIN
            "(01)6901234567892(21)ABC123",                 // 13-digit GTIN
            "(01)06901234567892(21)ABC123(21)DEF",         // repeated AI
            "(01)06901234567892(21)",                      // empty serial
            "(01)06901234567892(21)123456789012345678901", // serial over 20
            "(01)06901234567892(17)261301(21)A",           // month 13
            "(01)06901234567892(17)260230(21)A",           // Feb 30
            "(01)06901234567892(17)2601(21)A",             // short date
            "(01)06901234567892(11)260101(21)A",           // unsupported AI
            "(01)06901234567892(21",                       // unclosed AI
        ] {
            assert_eq!(validate_trace_code(code), Err(IdentError::Format), "{code}");
        }
    }

    #[test]
    fn gs1_check_digit_and_characters() {
        assert_eq!(
            validate_trace_code("(01)06901234567893(21)ABC123"),
            Err(IdentError::CheckDigit)
        );
        assert_eq!(
            validate_trace_code("(01)06901234567892(21)AB#123"),
            Err(IdentError::Character { position: 25 })
        );
        assert_eq!(
            validate_trace_code("(01)0690123456789A(21)ABC123"),
            Err(IdentError::Character { position: 18 })
        );
        // A stray ')' ends up inside the GTIN value.
        assert_eq!(
            validate_trace_code("(01)06901234567892)(21)A"),
            Err(IdentError::Character { position: 19 })
        );
    }
}
