//! A register whose 证件类型 column names passports and travel permits: their numbers are not
//! checked as resident IDs, and are kept only as keyed hashes of the normalised number.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use auditor_ingest::column::Column;
use auditor_ingest::{Catalog, IdHasher, Ingest};
use auditor_model::ident::resident_id::Sex;

mod reading;

/// Rows 2 a woman's resident ID, 3 a passport, 4 a Hong Kong permit, 5 a passport with no
/// number, 6 a resident ID failing its check, 7 a man's resident ID with no type written, 8 the
/// passport of row 3 written with a space and in lower case.
const REGISTER: &str = "检查日期,检查号,姓名,证件类型,证件号码,孕周,检查项目,操作医师,第二人\n\
    2024-03-01 08:30,US001,王丽,居民身份证,370921199203040025,16周,产科B超,张伟,李娜\n\
    2024-03-01 09:10,US002,Maria,护照,E12345678,12周,产科B超,张伟,李娜\n\
    2024-03-02 10:05,US003,陈慧,港澳居民来往内地通行证,H87654321,20周,产科B超,张伟,李娜\n\
    2024-03-02 14:20,US004,Anna,护照,,8周,早孕B超,张伟,李娜\n\
    2024-03-03 08:40,US005,赵敏,居民身份证,370921199603140026,18周,产科B超,张伟,李娜\n\
    2024-03-03 09:00,US006,孙娟,,370921199501010035,22周,产科B超,张伟,李娜\n\
    2024-03-04 09:00,US007,Maria,护照,e1234 5678,24周,产科B超,张伟,李娜\n";

#[test]
fn other_documents_are_hashed_not_checked_and_an_invalid_resident_id_still_is() {
    let path = std::env::temp_dir().join(format!("auditor-iddoc-{}.csv", std::process::id()));
    std::fs::write(&path, REGISTER).unwrap();
    let catalog = Catalog::builtin().unwrap();
    let hasher = IdHasher::new(b"k").unwrap();
    let r = Ingest::new(&catalog, &hasher).read_path(&path, "exams.csv");
    std::fs::remove_file(&path).ok();
    let found: Vec<(String, Option<u32>)> =
        r.findings.iter().map(|f| (f.rule.clone(), f.row)).collect();
    assert_eq!(found, [("DQ-ID-INVALID".to_owned(), Some(6))]);
    let t = &r.tables[0];
    let Some(Column::Person(people)) = t.column("id_no") else {
        panic!("id_no is a person column")
    };
    let sexes: Vec<Option<Option<Sex>>> = people.iter().map(|p| p.map(|p| p.sex)).collect();
    assert_eq!(
        sexes,
        [
            Some(Some(Sex::Female)),
            Some(None),
            Some(None),
            None,
            None,
            Some(Some(Sex::Male)),
            Some(None),
        ]
    );
    let passport = people[1].unwrap();
    assert_eq!(passport.id_hash, hasher.pseudonym("E12345678"));
    assert_eq!((passport.birth_year, passport.region), (0, 0));
    assert_eq!(people[2].unwrap().id_hash, hasher.pseudonym("H87654321"));
    assert_eq!(people[6].unwrap().id_hash, passport.id_hash, "rows 3 and 8");
    assert_eq!(t.display("id_no", 1), "其他证件");
    assert_eq!(t.display("id_type", 1), "护照");
    for field in &t.fields {
        for i in 0..t.len() {
            let shown = t.display(field, i);
            assert!(
                !shown.contains("12345678") && !shown.contains("87654321"),
                "{field} holds a raw document number"
            );
        }
    }
}

/// A column headed 身份证号/联系电话 holds both in one cell, in either order: the person is the
/// one valid ID number in it. Two different numbers, or none valid, stay invalid, and the
/// finding shows them masked.
#[test]
fn an_id_number_written_with_a_phone_in_one_cell_names_the_person() {
    let csv = "检查日期,姓名,身份证号/联系电话,孕周,操作医师,复核医师\n\
        2026-03-05,张丽,370921199102111023/13812345678,16周,王强,李娜\n\
        2026-03-06,李梅,13812345678 370921199102111023,18周,王强,李娜\n\
        2026-03-07,赵敏,370921199102111023、370921199311080040,18周,王强,李娜\n";
    let r = reading::read_bytes("id-and-phone.csv", csv.as_bytes());
    let hasher = IdHasher::new(b"k").unwrap();
    let found: Vec<(&str, Option<u32>, &str)> = r
        .findings
        .iter()
        .map(|f| (f.rule.as_str(), f.row, f.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [(
            "DQ-ID-INVALID",
            Some(4),
            "C4「身份证号」的值“3709*****************************0040”不是有效的居民身份证号：长度应为 15/18 位，实际为 37 位"
        )]
    );
    let t = &r.tables[0];
    let Some(Column::Person(people)) = t.column("id_no") else {
        panic!("id_no is a person column")
    };
    let first = people[0].expect("row 2 names a person");
    let second = people[1].expect("row 3 names a person");
    assert_eq!(first.id_hash, hasher.pseudonym("370921199102111023"));
    assert_eq!(
        second.id_hash, first.id_hash,
        "the same woman in either order"
    );
    assert_eq!(first.sex, Some(Sex::Female));
    assert!(people[2].is_none());
}

/// An invalid number written with its label is reported as the number written: its own length,
/// masked, not the label's characters counted in.
#[test]
fn an_invalid_number_with_a_label_is_reported_by_its_own_length() {
    let csv = "检查日期,姓名,身份证号,孕周,操作医师,复核医师\n\
        2026-03-05,张丽,身份证号：37098319950101002,16周,王强,李娜\n";
    let r = reading::read_bytes("labelled-id.csv", csv.as_bytes());
    let messages: Vec<&str> = r.findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "C2「身份证号」的值“3709*********1002”不是有效的居民身份证号：长度应为 15/18 位，实际为 17 位"
        ]
    );
}
