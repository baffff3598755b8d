//! 统一社会信用代码 (GB 32100-2015): 18 characters, authority (1) + entity type (1) +
//! region (6 digits) + entity id (9) + a MOD 31 check character.

use super::{IdentError, normalize};

/// The 31 characters a USCC may use (no I, O, S, V, Z); a character's value is its index.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// GB 32100 weights of the first 17 characters (3^i mod 31).
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// The value of a USCC character, or `None` if it is not in the alphabet.
fn value(c: char) -> Option<u32> {
    let b = u8::try_from(c).ok()?;
    ALPHABET.iter().position(|&a| a == b).map(|i| i as u32)
}

/// The GB 32100 check character of the first 17 character values.
fn check_char(values: &[u32]) -> char {
    let sum: u32 = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    let index = (31 - sum % 31) % 31;
    char::from(ALPHABET[index as usize])
}

/// Validates a 统一社会信用代码 and returns it normalised (see [`normalize`]): 18 characters.
///
/// Errors, in the order they are checked: [`IdentError::Length`], [`IdentError::Character`]
/// (a character outside the GB 32100 alphabet, e.g. I, O, S, V, Z), [`IdentError::Format`]
/// (the region code, characters 3–8, is not all digits) and [`IdentError::CheckDigit`].
pub fn validate_uscc(raw: &str) -> Result<String, IdentError> {
    let code = normalize(raw);
    let len = code.chars().count();
    if len != 18 {
        return Err(IdentError::Length {
            expected: "18",
            found: len,
        });
    }
    // Checked on every row of a sales ledger: values go on the stack.
    let mut values = [0u32; 18];
    let mut chars = ['0'; 18];
    for (i, c) in code.chars().enumerate() {
        values[i] = value(c).ok_or(IdentError::Character { position: i + 1 })?;
        chars[i] = c;
    }
    if !chars[2..8].iter().all(char::is_ascii_digit) {
        return Err(IdentError::Format);
    }
    if check_char(&values[..17]) != chars[17] {
        return Err(IdentError::CheckDigit);
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_valid_codes() {
        assert_eq!(
            validate_uscc("91350100M000100Y43"),
            Ok("91350100M000100Y43".to_owned())
        );
        assert_eq!(
            validate_uscc("91110000802100433B"),
            Ok("91110000802100433B".to_owned())
        );
    }

    #[test]
    fn made_up_codes_with_computed_check_characters() {
        // Check characters computed independently (Python) from the DOMAIN.md formula.
        for code in [
            "91320100MA1X2Y3Q4P",
            "52440300MJL1234565",
            "12320100466000001C",
            "9232010012345678AF",
        ] {
            assert_eq!(validate_uscc(code), Ok(code.to_owned()), "{code}");
        }
    }

    #[test]
    fn check_char_zero_case() {
        // (31 - sum % 31) % 31 maps a sum divisible by 31 to '0', not to index 31.
        assert_eq!(check_char(&[0; 17]), '0');
        assert_eq!(
            validate_uscc("000000000000000000"),
            Ok("000000000000000000".to_owned())
        );
    }

    #[test]
    fn normalises_input() {
        assert_eq!(
            validate_uscc(" ９１３５０１００m０００１００y４３ "),
            Ok("91350100M000100Y43".to_owned())
        );
        assert_eq!(
            validate_uscc("9111 0000 8021 0043 3b"),
            Ok("91110000802100433B".to_owned())
        );
    }

    #[test]
    fn wrong_check_character() {
        assert_eq!(
            validate_uscc("91350100M000100Y44"),
            Err(IdentError::CheckDigit)
        );
        assert_eq!(
            validate_uscc("91110000802100433C"),
            Err(IdentError::CheckDigit)
        );
        // One changed body character.
        assert_eq!(
            validate_uscc("91350100M000101Y43"),
            Err(IdentError::CheckDigit)
        );
    }

    #[test]
    fn illegal_letters() {
        for (code, position) in [
            ("91350100I000100Y43", 9),
            ("91350100M0O0100Y43", 11),
            ("91350100M000100S43", 16),
            ("9135010VM000100Y43", 8),
            ("91350100M000100Y4Z", 18),
            ("9135010-M000100Y43", 8),
            ("91350100中000100Y43", 9),
        ] {
            assert_eq!(
                validate_uscc(code),
                Err(IdentError::Character { position }),
                "{code}"
            );
        }
    }

    #[test]
    fn region_must_be_digits() {
        assert_eq!(validate_uscc("913A0100M000100Y43"), Err(IdentError::Format));
    }

    #[test]
    fn wrong_length() {
        assert_eq!(
            validate_uscc("91350100M000100Y4"),
            Err(IdentError::Length {
                expected: "18",
                found: 17
            })
        );
        assert_eq!(
            validate_uscc("91350100M000100Y433"),
            Err(IdentError::Length {
                expected: "18",
                found: 19
            })
        );
        assert_eq!(
            validate_uscc("   "),
            Err(IdentError::Length {
                expected: "18",
                found: 0
            })
        );
    }
}
