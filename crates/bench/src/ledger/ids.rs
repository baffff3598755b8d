//! Identifiers with real check characters, so the auditor's validators accept the good ones and
//! only the deliberately broken cells produce findings.

use chrono::{Datelike, NaiveDate};

use super::lcg::Lcg;

/// GB 11643-1999 weights of the first 17 digits of a resident ID number.
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// GB 11643-1999 check characters, indexed by the weighted sum mod 11.
const ID_CHECK: &[u8; 11] = b"10X98765432";

/// GB 32100-2015 alphabet (no I, O, S, V, Z); a character's value is its index.
const USCC_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// GB 32100-2015 weights (3^i mod 31).
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn id_check(first17: &str) -> char {
    let sum: u32 = first17
        .bytes()
        .zip(ID_WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    char::from(ID_CHECK[(sum % 11) as usize])
}

/// An 18-character resident ID for a woman: region, birth date, a sequence whose last digit
/// (the 17th of the number) is even, and the GB 11643 check character.
pub fn female_id(rng: &mut Lcg, region: &str, birth: NaiveDate) -> String {
    let seq = format!("{}{}", rng.digits(2), rng.below(5) * 2);
    let first17 = format!(
        "{region}{:04}{:02}{:02}{seq}",
        birth.year(),
        birth.month(),
        birth.day()
    );
    let check = id_check(&first17);
    format!("{first17}{check}")
}

/// The same 17 characters with a check character that is valid in form but wrong.
pub fn break_check(code: &str, alphabet: &[u8]) -> String {
    let mut chars: Vec<char> = code.chars().collect();
    if let Some(last) = chars.last_mut() {
        let pos = alphabet.iter().position(|&a| char::from(a) == *last);
        let next = pos.map_or(0, |p| (p + 1) % alphabet.len());
        *last = char::from(alphabet[next]);
    }
    chars.into_iter().collect()
}

/// Alphabet to pass to [`break_check`] for a resident ID.
pub const ID_CHECK_CHARS: &[u8] = ID_CHECK;
/// Alphabet to pass to [`break_check`] for a USCC.
pub const USCC_CHARS: &[u8] = USCC_ALPHABET;

/// A 统一社会信用代码 with its MOD 31 check character: `kind` is the two leading characters
/// (12 public institution, 52 private non-profit, 92 sole trader, 91 company).
pub fn uscc(rng: &mut Lcg, kind: &str, region: &str) -> String {
    let entity: String = (0..9)
        .map(|_| char::from(*rng.pick(USCC_ALPHABET)))
        .collect();
    let first17 = format!("{kind}{region}{entity}");
    let sum: u32 = first17
        .bytes()
        .zip(USCC_WEIGHTS)
        .map(|(b, w)| {
            let v = USCC_ALPHABET.iter().position(|&a| a == b).unwrap_or(0) as u32;
            v * w
        })
        .sum();
    let check = USCC_ALPHABET[((31 - sum % 31) % 31) as usize];
    format!("{first17}{}", char::from(check))
}

#[cfg(test)]
mod tests {
    use auditor_model::ident::resident_id::{Sex, parse_resident_id};
    use auditor_model::ident::uscc::validate_uscc;

    use super::*;

    #[test]
    fn check_characters_match_a_known_number() {
        assert_eq!(id_check("11010519491231002"), 'X');
        assert_eq!(
            break_check("11010519491231002X", ID_CHECK_CHARS),
            "110105194912310029"
        );
    }

    /// The auditor's own validators are the judge of what "valid" means.
    #[test]
    fn generated_ids_pass_the_auditor_and_broken_ones_fail() {
        let mut rng = Lcg::new(7);
        let birth = NaiveDate::from_ymd_opt(1995, 2, 28).unwrap();
        for _ in 0..200 {
            let id = female_id(&mut rng, "410526", birth);
            let parsed = parse_resident_id(&id).unwrap();
            assert_eq!(parsed.birth, birth);
            assert_eq!(parsed.sex, Sex::Female);
            assert!(parse_resident_id(&break_check(&id, ID_CHECK_CHARS)).is_err());
        }
        for kind in ["12", "52", "92", "91"] {
            let code = uscc(&mut rng, kind, "410526");
            assert_eq!(validate_uscc(&code).unwrap(), code);
            assert!(validate_uscc(&break_check(&code, USCC_CHARS)).is_err());
        }
    }
}
