//! Identity documents other than the resident ID card. A register's 证件类型 column may name a
//! passport or a travel permit: its number is no GB 11643 number, so checking it as one would
//! call a real-name entry invalid. Such a number is kept as the resident ID is, only as a keyed
//! hash of its normalised form; nothing else can be read from it.

use auditor_model::ident::normalize;

use crate::column::PersonKey;
use crate::privacy::IdHasher;

/// Whether a 证件类型 cell names a document other than the resident ID card. An empty cell, and
/// the names and codes clerks give the card (居民身份证, 身份证, 二代证, 临时身份证, code 01 of
/// the HIS code lists), mean the resident ID; anything else written there does not.
pub fn names_other_document(id_type: &str) -> bool {
    // Called for every row of a register with the column: spaces inside ("居民 身份证") are
    // rare, so only then is a copy made.
    let trimmed = id_type.trim();
    let spaced: String;
    let t = if trimmed.contains(char::is_whitespace) {
        spaced = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
        spaced.as_str()
    } else {
        trimmed
    };
    if t.is_empty() || matches!(t, "1" | "01") {
        return false;
    }
    // 外国人永久居留身份证 says 身份证 but is a foreigner's card with its own numbering.
    let resident = (t.contains("身份证") && !t.contains("居留") && !t.contains("外国"))
        || t.contains("二代证");
    !resident
}

/// The person of a number written under another document: its keyed hash, and no sex, birth
/// year or region. `None` when nothing is left of the number once normalised.
pub fn document_person(number: &str, hasher: &IdHasher) -> Option<PersonKey> {
    let normalized = normalize(number);
    if normalized.is_empty() {
        return None;
    }
    Some(PersonKey {
        id_hash: hasher.pseudonym(&normalized),
        sex: None,
        birth_year: 0,
        region: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resident_id_names_and_empty_mean_the_resident_id() {
        for t in [
            "",
            " ",
            "居民身份证",
            "身份证",
            "二代证",
            "二代身份证",
            "临时身份证",
            "01",
        ] {
            assert!(!names_other_document(t), "{t}");
        }
    }

    #[test]
    fn passports_permits_and_foreigners_cards_are_other_documents() {
        for t in [
            "护照",
            "港澳居民来往内地通行证",
            "台湾居民来往大陆通行证",
            "外国人永久居留身份证",
            "军官证",
            "出生医学证明",
        ] {
            assert!(names_other_document(t), "{t}");
        }
    }

    #[test]
    fn a_document_number_is_kept_only_as_the_hash_of_its_normalised_form() {
        let h = IdHasher::new(b"k").unwrap();
        let p = document_person(" e1234 5678", &h).unwrap();
        assert_eq!(p.id_hash, h.pseudonym("E12345678"));
        assert_eq!((p.sex, p.birth_year, p.region), (None, 0, 0));
        assert!(!p.is_resident_id());
    }
}
