//! A data row taken for a header (a headerless export, a header row with an ID typed into it)
//! must not print the person it records: the header lists of every report show ID and phone
//! numbers masked and, in a row that is evidently a record, names as 张*.

#![allow(clippy::expect_used, reason = "test helpers fail loudly")]

mod common;

use common::{auditor, json_of};

/// Writes `text` to a fresh file named `name` and returns its path.
fn write(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("auditor-header-privacy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write input");
    path.to_string_lossy().into_owned()
}

const HEADERLESS: &str = "2026-03-05,张丽,370921199102111023,16周,王强,李娜,13812345678\n\
    2026-03-05,刘芳,370921199203121044,16周,王强,,13912345678\n";

const RAW: [&str; 6] = [
    "张丽",
    "370921199102111023",
    "王强",
    "李娜",
    "13812345678",
    "刘芳",
];

fn report(format: &str, path: &str) -> String {
    let out = auditor(
        &["check", "--format", format, "--as-of", "2026-11-30", path],
        Some("k"),
    );
    String::from_utf8(out.stdout).expect("utf-8 report")
}

fn assert_no_raw(text: &str, format: &str) {
    for raw in RAW {
        assert!(!text.contains(raw), "{format} shows {raw}:\n{text}");
    }
}

#[test]
fn a_headerless_export_shows_its_first_record_masked_in_every_format() {
    let path = write("headerless.csv", HEADERLESS);
    let json = json_of(&auditor(
        &["check", "--format", "json", "--as-of", "2026-11-30", &path],
        Some("k"),
    ));
    assert_eq!(
        json["inputs"][0]["sheets"][0]["headers"],
        serde_json::json!([
            "2026-03-05",
            "张*",
            "3709**********1023",
            "16周",
            "王*",
            "李*",
            "138******78"
        ])
    );
    let table = report("table", &path);
    assert!(
        table.contains(
            "未识别的台账，表头为 [2026-03-05, 张*, 3709**********1023, 16周, 王*, 李*, 138******78]"
        ),
        "{table}"
    );
    assert_no_raw(&table, "table");
    let html = report("html", &path);
    assert!(
        html.contains(
            "未识别的台账，表头为：2026-03-05, 张*, 3709**********1023, 16周, 王*, 李*, 138******78"
        ),
        "{html}"
    );
    assert_no_raw(&html, "html");
    assert_no_raw(&report("json", &path), "json");
}

#[test]
fn an_id_typed_into_a_header_row_is_masked_where_unread_columns_are_listed() {
    let path = write(
        "header-with-id.csv",
        "检查日期,姓名,身份证号,孕周,操作医师,复核医师,370921199901191189\n\
         2026-03-05,张丽,370921199102111023,16周,王强,李娜,宫内妊娠\n",
    );
    let json = json_of(&auditor(
        &["check", "--format", "json", "--as-of", "2026-11-30", &path],
        Some("k"),
    ));
    assert_eq!(
        json["inputs"][0]["sheets"][0]["unmapped"],
        serde_json::json!(["3709**********1189"])
    );
    let table = report("table", &path);
    assert!(table.contains("未读取的列：3709**********1189"), "{table}");
    for format in ["table", "json", "html"] {
        let text = report(format, &path);
        assert!(!text.contains("370921199901191189"), "{format}:\n{text}");
    }
}
