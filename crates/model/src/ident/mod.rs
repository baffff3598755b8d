//! Identifiers found in Chinese ledgers (USCC, 居民身份证号, 药品批准文号, 药品追溯码), their
//! validators, and the masks used whenever a personal identifier is shown.

pub mod approval_no;
pub mod mask;
pub mod resident_id;
pub mod trace_code;
pub mod uscc;

use std::fmt;

/// Why an identifier is not valid. Messages are for users: Chinese first, English second.
///
/// No variant carries the offending text, so an error can be logged even for personal ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentError {
    /// Wrong number of characters (after [`normalize`]). `expected` is language-neutral, e.g. "18".
    Length {
        /// The accepted length(s), e.g. "18" or "15/18".
        expected: &'static str,
        /// The number of characters found.
        found: usize,
    },
    /// An illegal character at this 1-based position of the normalised text.
    /// The character itself is never echoed, because personal ids must not reach logs.
    Character {
        /// 1-based position in the normalised identifier.
        position: usize,
    },
    /// The check character does not match the one computed from the other characters.
    CheckDigit,
    /// Resident id: the birth date is not a real date or lies outside 1900–2100.
    BirthDate,
    /// The identifier does not match the documented pattern.
    Format,
}

impl IdentError {
    /// The message in Chinese.
    pub fn zh(&self) -> String {
        match self {
            Self::Length { expected, found } => {
                format!("长度应为 {expected} 位，实际为 {found} 位")
            }
            Self::Character { position } => format!("第 {position} 位字符不合法"),
            Self::CheckDigit => "校验码不正确".to_owned(),
            Self::BirthDate => "出生日期不存在或超出范围（1900-01-01 至 2100-12-31）".to_owned(),
            Self::Format => "格式不符合规定".to_owned(),
        }
    }

    /// The message in English.
    pub fn en(&self) -> String {
        match self {
            Self::Length { expected, found } => {
                format!("length must be {expected} characters, found {found}")
            }
            Self::Character { position } => format!("illegal character at position {position}"),
            Self::CheckDigit => "check character does not match".to_owned(),
            Self::BirthDate => {
                "birth date is not a real date or is outside 1900-01-01 to 2100-12-31".to_owned()
            }
            Self::Format => "does not match the required format".to_owned(),
        }
    }
}

impl fmt::Display for IdentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.zh(), self.en())
    }
}

impl std::error::Error for IdentError {}

/// Normalises an identifier as typed into a ledger: trims, removes inner whitespace (including
/// the ideographic space U+3000), converts full-width ASCII (U+FF01..U+FF5E) to half-width and
/// upper-cases ASCII letters.
///
/// Only ASCII letters are upper-cased, so every character keeps its position and
/// [`IdentError::Character`] positions refer to the returned string.
pub fn normalize(s: &str) -> String {
    // Called for every identifier cell of million-row ledgers: the common case (ASCII, no
    // spaces) is one exact allocation.
    if s.bytes().all(|b| b.is_ascii_graphic()) {
        return s.to_ascii_uppercase();
    }
    let mut out = String::with_capacity(s.len());
    out.extend(s.chars().filter(|c| !c.is_whitespace()).map(|c| {
        let c = match u32::from(c) {
            cp @ 0xFF01..=0xFF5E => char::from_u32(cp - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        c.to_ascii_uppercase()
    }));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_trims_spaces_full_width_and_case() {
        assert_eq!(
            normalize("  9135 0100m0001\u{3000}00y43 "),
            "91350100M000100Y43"
        );
        assert_eq!(normalize("１１０１０５ｘ"), "110105X");
        assert_eq!(normalize("（01）０６９"), "(01)069");
        assert_eq!(normalize("国药准字 ｈ20010123"), "国药准字H20010123");
        assert_eq!(normalize(""), "");
    }

    #[test]
    fn messages_are_bilingual() {
        let e = IdentError::Length {
            expected: "18",
            found: 17,
        };
        assert_eq!(e.zh(), "长度应为 18 位，实际为 17 位");
        assert_eq!(e.en(), "length must be 18 characters, found 17");
        assert_eq!(
            IdentError::Character { position: 3 }.zh(),
            "第 3 位字符不合法"
        );
        assert_eq!(
            IdentError::Character { position: 3 }.en(),
            "illegal character at position 3"
        );
        assert_eq!(
            IdentError::CheckDigit.to_string(),
            "校验码不正确 (check character does not match)"
        );
    }
}
