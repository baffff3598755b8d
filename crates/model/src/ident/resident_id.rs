//! 居民身份证号 (GB 11643-1999): 6-digit region + 8-digit birth date + 3-digit sequence
//! (odd = male) + an ISO 7064 MOD 11-2 check character. Legacy 15-digit numbers are upgraded.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::mask::mask_id;
use super::{IdentError, normalize};

/// ISO 7064 MOD 11-2 weights of the first 17 digits.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// Check character for each value of the weighted sum modulo 11.
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

/// Sex as encoded by the sequence number (odd = male).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    /// Odd sequence digit.
    Male,
    /// Even sequence digit.
    Female,
}

/// A valid resident id and the fields derived from it.
///
/// `Debug` masks the number and hides the full region and birth date, which together with
/// the masked number would give the whole id back: raw numbers must never reach logs.
#[derive(Clone, PartialEq, Eq)]
pub struct ResidentId {
    /// The 18-character number: upper-case, 15-digit numbers upgraded. Personal data.
    pub normalized: String,
    /// The first 6 digits (administrative region at issue).
    pub region: u32,
    /// Birth date from digits 7–14.
    pub birth: NaiveDate,
    /// Sex from the 17th digit.
    pub sex: Sex,
}

impl fmt::Debug for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResidentId")
            .field("normalized", &mask_id(&self.normalized))
            .field("region", &format_args!("{:04}**", self.region / 100))
            .field("birth", &format_args!("{:04}-**-**", self.birth.year()))
            .field("sex", &self.sex)
            .finish()
    }
}

/// The MOD 11-2 check character of the first 17 digits.
fn check_char(digits: &[u32]) -> char {
    let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    char::from(CHECK_CHARS[(sum % 11) as usize])
}

/// Parses a 居民身份证号 (18 characters, or a legacy 15-digit number) and derives region,
/// birth date and sex.
///
/// Input is normalised first (see [`normalize`]), so full-width digits and a lower-case `x`
/// are accepted. A 15-digit number is upgraded: "19" is inserted before its yymmdd and the
/// check character is computed. Errors, in the order they are checked:
/// [`IdentError::Length`], [`IdentError::Character`], [`IdentError::BirthDate`] (not a real
/// date, or outside 1900-01-01..=2100-12-31), [`IdentError::CheckDigit`].
pub fn parse_resident_id(raw: &str) -> Result<ResidentId, IdentError> {
    // Called once per row of every register: digits go on the stack, and a valid 18-character
    // number reuses the normalised string instead of building another.
    let norm = normalize(raw);
    let len = norm.chars().count();
    if len != 18 && len != 15 {
        return Err(IdentError::Length {
            expected: "15/18",
            found: len,
        });
    }
    let body_len = if len == 18 { 17 } else { 15 };
    if !norm.is_ascii() {
        // Digits only, except a final X on an 18-character number.
        let position = norm
            .chars()
            .enumerate()
            .position(|(i, c)| !(c.is_ascii_digit() || (i == 17 && c == 'X')))
            .unwrap_or(0);
        return Err(IdentError::Character {
            position: position + 1,
        });
    }
    let bytes = norm.as_bytes();
    let mut digits = [0u32; 17];
    let mut n = 0;
    for (i, b) in bytes[..body_len].iter().enumerate() {
        if !b.is_ascii_digit() {
            return Err(IdentError::Character { position: i + 1 });
        }
        if len == 15 && i == 6 {
            // Legacy numbers were issued for births in 19xx only.
            digits[n] = 1;
            digits[n + 1] = 9;
            n += 2;
        }
        digits[n] = u32::from(b - b'0');
        n += 1;
    }
    if len == 18 && !(bytes[17].is_ascii_digit() || bytes[17] == b'X') {
        return Err(IdentError::Character { position: 18 });
    }

    let birth = birth_date(&digits[6..14]).ok_or(IdentError::BirthDate)?;
    let check = check_char(&digits);
    if len == 18 && char::from(bytes[17]) != check {
        return Err(IdentError::CheckDigit);
    }

    let normalized = if len == 18 {
        norm
    } else {
        let mut upgraded: String = digits
            .iter()
            .filter_map(|&d| char::from_digit(d, 10))
            .collect();
        upgraded.push(check);
        upgraded
    };
    Ok(ResidentId {
        normalized,
        region: number(&digits[..6]),
        birth,
        sex: if digits[16] % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        },
    })
}

/// The decimal number written by these digits.
fn number(digits: &[u32]) -> u32 {
    digits.iter().fold(0, |n, d| n * 10 + d)
}

/// The date written as yyyymmdd by these 8 digits, if real and within 1900..=2100.
fn birth_date(yyyymmdd: &[u32]) -> Option<NaiveDate> {
    let year = i32::try_from(number(&yyyymmdd[..4])).ok()?;
    if !(1900..=2100).contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year, number(&yyyymmdd[4..6]), number(&yyyymmdd[6..8]))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Tests return `Result` and use `?`: the workspace denies `unwrap` everywhere.
    type TestResult = Result<(), IdentError>;

    fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn valid_female_with_x() -> TestResult {
        let id = parse_resident_id("11010519491231002X")?;
        assert_eq!(id.normalized, "11010519491231002X");
        assert_eq!(id.region, 110_105);
        assert_eq!(Some(id.birth), date(1949, 12, 31));
        assert_eq!(id.sex, Sex::Female);
        Ok(())
    }

    #[test]
    fn lower_case_x_and_full_width_digits() -> TestResult {
        let id = parse_resident_id("11010519491231002x")?;
        assert_eq!(id.normalized, "11010519491231002X");
        let id = parse_resident_id(" １１０１０５ １９４９１２３１ ００２ｘ ")?;
        assert_eq!(id.normalized, "11010519491231002X");
        assert_eq!(Some(id.birth), date(1949, 12, 31));
        Ok(())
    }

    #[test]
    fn valid_male_and_leap_day() -> TestResult {
        // Check characters computed independently (Python).
        let id = parse_resident_id("320102199003071239")?;
        assert_eq!(id.region, 320_102);
        assert_eq!(Some(id.birth), date(1990, 3, 7));
        assert_eq!(id.sex, Sex::Male);
        let id = parse_resident_id("440304200002290014")?;
        assert_eq!(Some(id.birth), date(2000, 2, 29));
        assert_eq!(id.sex, Sex::Male);
        Ok(())
    }

    #[test]
    fn wrong_check_digit() {
        assert_eq!(
            parse_resident_id("110105194912310021"),
            Err(IdentError::CheckDigit)
        );
        assert_eq!(
            parse_resident_id("320102199003071238"),
            Err(IdentError::CheckDigit)
        );
        assert_eq!(
            parse_resident_id("32010219900307123X"),
            Err(IdentError::CheckDigit)
        );
    }

    #[test]
    fn impossible_dates() {
        // Feb 30 with an otherwise correct check digit ('0').
        assert_eq!(
            parse_resident_id("110105194902300020"),
            Err(IdentError::BirthDate)
        );
        // 2000-02-30, check digit '5'.
        assert_eq!(
            parse_resident_id("110105200002300015"),
            Err(IdentError::BirthDate)
        );
        // 1899-12-31 is before 1900, check digit '5'.
        assert_eq!(
            parse_resident_id("110105189912310015"),
            Err(IdentError::BirthDate)
        );
        // Month 13.
        assert_eq!(
            parse_resident_id("110105194913310021"),
            Err(IdentError::BirthDate)
        );
    }

    #[test]
    fn fifteen_digit_upgrade() -> TestResult {
        let id = parse_resident_id("110105491231002")?;
        assert_eq!(id.normalized, "11010519491231002X");
        assert_eq!(id.region, 110_105);
        assert_eq!(Some(id.birth), date(1949, 12, 31));
        assert_eq!(id.sex, Sex::Female);
        let id = parse_resident_id("440304880101001")?;
        assert_eq!(id.normalized, "440304198801010015");
        assert_eq!(id.sex, Sex::Male);
        assert_eq!(
            parse_resident_id("110105490230002"),
            Err(IdentError::BirthDate)
        );
        Ok(())
    }

    #[test]
    fn illegal_characters_and_length() {
        assert_eq!(
            parse_resident_id("1101051949123100X2"),
            Err(IdentError::Character { position: 17 })
        );
        assert_eq!(
            parse_resident_id("11010549123100X"),
            Err(IdentError::Character { position: 15 })
        );
        assert_eq!(
            parse_resident_id("11010519491231002Y"),
            Err(IdentError::Character { position: 18 })
        );
        assert_eq!(
            parse_resident_id("11010519491231002"),
            Err(IdentError::Length {
                expected: "15/18",
                found: 17
            })
        );
        assert_eq!(
            parse_resident_id(""),
            Err(IdentError::Length {
                expected: "15/18",
                found: 0
            })
        );
    }

    #[test]
    fn debug_never_prints_the_number() -> TestResult {
        let id = parse_resident_id("11010519491231002X")?;
        let shown = format!("{id:?}");
        assert!(!shown.contains("11010519491231002X"), "{shown}");
        assert!(!shown.contains("19491231"), "{shown}");
        assert!(!shown.contains("110105"), "{shown}");
        assert_eq!(
            shown,
            "ResidentId { normalized: \"1101**********002X\", region: 1101**, birth: 1949-**-**, sex: Female }"
        );
        Ok(())
    }
}
