//! A register naming passports and travel permits in its 证件类型 column, run whole: the
//! realname findings fall on the rows without a usable number, and no document number, which
//! ingest keeps only as a keyed hash, reaches the report.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod common;

use common::{auditor, json_of, located};

const REGISTER: &str = "检查日期,检查号,姓名,证件类型,证件号码,孕周,检查项目,操作医师,第二人\n\
    2024-03-01 08:30,US001,王丽,居民身份证,370921199203040025,16周,产科B超,张伟,李娜\n\
    2024-03-01 09:10,US002,Maria,护照,E12345678,12周,产科B超,张伟,李娜\n\
    2024-03-02 10:05,US003,陈慧,港澳居民来往内地通行证,H87654321,20周,产科B超,张伟,李娜\n\
    2024-03-02 14:20,US004,Anna,护照,,8周,早孕B超,张伟,李娜\n\
    2024-03-03 08:40,US005,赵敏,居民身份证,370921199603140026,18周,产科B超,张伟,李娜\n";

#[test]
fn document_numbers_never_reach_the_json_report() {
    let dir = std::env::temp_dir().join(format!("auditor-cli-iddoc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("exams.csv");
    std::fs::write(&path, REGISTER).unwrap();
    let path = path.to_string_lossy().into_owned();
    let out = auditor(
        &["check", "--format", "json", "--as-of", "2024-12-31", &path],
        Some("k"),
    );
    std::fs::remove_dir_all(&dir).ok();
    let report = json_of(&out);
    let realname: Vec<(String, u64)> = located(&report)
        .into_iter()
        .filter(|(rule, _, _)| rule == "US-REALNAME" || rule == "DQ-ID-INVALID")
        .map(|(rule, row, _)| (rule, row))
        .collect();
    assert_eq!(
        realname,
        [
            ("US-REALNAME".to_owned(), 5),
            ("DQ-ID-INVALID".to_owned(), 6),
            ("US-REALNAME".to_owned(), 6),
        ]
    );
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for raw in [
        "E12345678",
        "12345678",
        "H87654321",
        "87654321",
        "370921199203040025",
    ] {
        assert!(!all.contains(raw), "the report holds {raw}");
    }
}
