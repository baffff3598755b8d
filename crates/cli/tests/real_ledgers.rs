//! Whole runs on ledgers written the way an outside tester found them in use (round 4): a
//! retail pharmacy's sales book, a device register headed 购买时间 or only 启用日期, columns the
//! run does not read. Each checks exact findings on exact rows and what the report says.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod common;

use common::{auditor, json_of, located};

/// Writes `text` to a file of its own and returns its path.
fn ledger(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("auditor-cli-real-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

fn rows_of(r: &serde_json::Value, rule: &str) -> Vec<u64> {
    located(r)
        .into_iter()
        .filter(|(id, _, _)| id == rule)
        .map(|(_, row, _)| row)
        .collect()
}

const PHARMACY: &str = "青山百姓大药房处方药销售登记本\n\
销售日期,药品名称,规格,批号,数量,顾客姓名,身份证号,处方医院,处方医师,销售人员\n\
2024-04-01,米非司酮片,25mg×6片,240101,1盒,王秀英,370921199003120020,,,赵六\n\
2024-04-02,米索前列醇片,0.2mg×3片,240201,1盒,赵丽,370921199511200481,,,赵六\n\
2024-04-02,阿莫西林胶囊,0.25g,2402,2盒,孙梅,,,,赵六\n";

#[test]
fn a_retail_pharmacys_sales_book_is_judged_as_sales_and_its_unread_columns_are_named() {
    let path = ledger("pharmacy.csv", PHARMACY);
    let out = auditor(
        &["check", "--format", "json", "--as-of", "2024-06-30", &path],
        Some("k1"),
    );
    let r = json_of(&out);
    let sheet = &r["inputs"][0]["sheets"][0];
    assert_eq!(sheet["dataset"], "drug_txn");
    // 处方医院 and 处方医师 are empty throughout: nothing there goes unread.
    assert_eq!(
        sheet["unmapped"],
        serde_json::json!(["顾客姓名", "身份证号"])
    );
    // The two termination drugs, not the antibiotic.
    assert_eq!(rows_of(&r, "DRUG-NO-RETAIL"), [3, 4]);
    // The table report names the unread columns under the sheet.
    let out = auditor(
        &["check", "--format", "table", "--as-of", "2024-06-30", &path],
        Some("k1"),
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("\n    未读取的列：顾客姓名, 身份证号\n"),
        "{text}"
    );
    assert!(!text.contains("370921199003120020"));
}

#[test]
fn a_device_bought_under_any_date_header_is_judged_on_its_filing() {
    let body = "彩超,SN1,B超室,张伟,2024-01-10,2024-02-20\n\
                彩超,SN2,B超室,张伟,2024-03-01,2024-03-10\n\
                彩超,SN3,B超室,张伟,2024-05-01,\n";
    for purchase in ["购买时间", "到货日期", "启用日期"] {
        let path = ledger(
            "device.csv",
            &format!("设备名称,出厂编号,使用场所,操作人员,{purchase},备案时间\n{body}"),
        );
        let out = auditor(
            &["check", "--format", "json", "--as-of", "2024-06-30", &path],
            Some("k1"),
        );
        let r = json_of(&out);
        assert_eq!(r["inputs"][0]["sheets"][0]["dataset"], "us_device");
        assert_eq!(rows_of(&r, "US-DEVICE-FILED-ON-TIME"), [2, 4], "{purchase}");
        let notes = &r["inputs"][0]["sheets"][0]["notes"];
        if purchase == "启用日期" {
            assert_eq!(
                notes[0]["message"],
                "表中没有「购置日期」列，以「启用日期」列代替（该日期通常晚于购置日期，据此判断的时限只会偏宽）"
            );
        } else {
            assert_eq!(*notes, serde_json::Value::Null, "{purchase}");
        }
    }
}

#[test]
fn records_dated_after_the_as_of_day_are_counted_in_a_note() {
    let path = ledger(
        "late.csv",
        "设备名称,出厂编号,使用场所,操作人员,购置日期,备案日期\n\
         彩超,SN1,B超室,张伟,2024-01-10,2024-02-20\n\
         彩超,SN2,B超室,张伟,2024-03-01,2024-04-01\n\
         彩超,SN3,B超室,张伟,2024-05-01,\n",
    );
    let out = auditor(
        &["check", "--format", "json", "--as-of", "2024-03-15", &path],
        Some("k1"),
    );
    let r = json_of(&out);
    let notes: Vec<&serde_json::Value> = r["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["rule"] == "AS-OF")
        .collect();
    assert_eq!(notes.len(), 1, "{}", r["notes"]);
    assert_eq!(
        notes[0]["message"],
        format!(
            "2 条记录的日期晚于判定日期 2024-03-15（首条：{path} 第 3 行，2024-04-01），这些记录仍按 2024-03-15 判定；请确认 --as-of 是否正确"
        )
    );
    // On a day after every record, no such note.
    let out = auditor(
        &["check", "--format", "json", "--as-of", "2024-06-30", &path],
        Some("k1"),
    );
    let r = json_of(&out);
    assert!(
        r["notes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["rule"] != "AS-OF"),
        "{}",
        r["notes"]
    );
}
