//! 药品批准文号: `国药准字` + a category letter + an optional origin letter + 8 digits.
//! The 8 digits start with a year; it is deliberately not validated.

use super::{IdentError, normalize};

/// The fixed prefix of every national drug approval number.
const PREFIX: &str = "国药准字";

/// Validates a 药品批准文号 and returns it normalised (see [`normalize`]).
///
/// Accepted after normalisation: `国药准字(H|Z|S)(C|J)?\d{8}` (H chemical, Z traditional
/// Chinese medicine, S biological; C made in Hong Kong, Macao or Taiwan, J made abroad), and
/// the legacy single letters B, T, F and J followed by 8 digits, e.g. `国药准字J20150001`.
/// Anything else is [`IdentError::Format`].
pub fn validate_approval_no(raw: &str) -> Result<String, IdentError> {
    let code = normalize(raw);
    let rest = code.strip_prefix(PREFIX).ok_or(IdentError::Format)?;
    let mut letters = rest.chars();
    let origin_allowed = match letters.next() {
        Some('H' | 'Z' | 'S') => true,
        Some('B' | 'T' | 'F' | 'J') => false,
        _ => return Err(IdentError::Format),
    };
    let mut digits = letters.as_str();
    if origin_allowed && let Some(after) = digits.strip_prefix(['C', 'J']) {
        digits = after;
    }
    if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IdentError::Format);
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_numbers() {
        assert_eq!(
            validate_approval_no("国药准字H20010123").as_deref(),
            Ok("国药准字H20010123")
        );
        assert_eq!(
            validate_approval_no("国药准字Z10980001").as_deref(),
            Ok("国药准字Z10980001")
        );
        assert_eq!(
            validate_approval_no("国药准字S19990011").as_deref(),
            Ok("国药准字S19990011")
        );
        assert_eq!(
            validate_approval_no("国药准字HJ20150001").as_deref(),
            Ok("国药准字HJ20150001")
        );
        assert_eq!(
            validate_approval_no("国药准字HC20150001").as_deref(),
            Ok("国药准字HC20150001")
        );
        assert_eq!(
            validate_approval_no("国药准字ZC20150001").as_deref(),
            Ok("国药准字ZC20150001")
        );
    }

    #[test]
    fn legacy_letters() {
        for code in [
            "国药准字J20150001",
            "国药准字B20020001",
            "国药准字T20030001",
            "国药准字F20040001",
        ] {
            assert_eq!(validate_approval_no(code).as_deref(), Ok(code), "{code}");
        }
    }

    #[test]
    fn normalisation() {
        assert_eq!(
            validate_approval_no(" 国药准字 h2001 0123 ").as_deref(),
            Ok("国药准字H20010123")
        );
        assert_eq!(
            validate_approval_no("国药准字Ｈ２００１０１２３").as_deref(),
            Ok("国药准字H20010123")
        );
        assert_eq!(
            validate_approval_no("国药准字hj20150001").as_deref(),
            Ok("国药准字HJ20150001")
        );
    }

    #[test]
    fn year_is_not_validated() {
        assert_eq!(
            validate_approval_no("国药准字H99990000").as_deref(),
            Ok("国药准字H99990000")
        );
    }

    #[test]
    fn bad_numbers() {
        for code in [
            "国药准字 H2001012",   // 7 digits
            "国药准字H200101234",  // 9 digits
            "国药准字H2001012A",   // letter among the digits
            "国药准字X20010123",   // unknown category
            "国药准字JJ20150001",  // legacy J takes no origin letter
            "国药准字BC20150001",  // nor does B
            "国药准字HK20150001",  // unknown origin letter
            "国药准字HCJ20150001", // two origin letters
            "H20010123",           // no prefix
            "国药试字H20010123",   // clinical-trial style prefix
            "国药准字",
            "",
        ] {
            assert_eq!(
                validate_approval_no(code),
                Err(IdentError::Format),
                "{code}"
            );
        }
    }
}
