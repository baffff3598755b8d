//! Deciding the encoding of a CSV that is not UTF-8 from its first pieces: chardetng reads
//! until it has seen enough text that is not ASCII (or a megabyte), so GBK is told apart from
//! Big5 and `Shift_JIS`, and a ledger with little Chinese before its last rows is read whole as
//! GBK.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::fmt::Write;
use std::path::PathBuf;

use auditor_ingest::{Catalog, IdHasher, Ingest, InputReport};
use auditor_model::Dataset;
use encoding_rs::{BIG5, Encoding, GBK, SHIFT_JIS};

fn read_encoded(name: &str, text: &str, encoding: &'static Encoding) -> InputReport {
    let (bytes, _, unmappable) = encoding.encode(text);
    assert!(
        !unmappable,
        "{name}: the test text must be writable in {encoding:?}"
    );
    let dir = std::env::temp_dir().join(format!("auditor-encodings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path: PathBuf = dir.join(name);
    std::fs::write(&path, &bytes).unwrap();
    let catalog = Catalog::builtin().unwrap();
    let hasher = IdHasher::new(b"k").unwrap();
    let report = Ingest::new(&catalog, &hasher).read_path(&path, name);
    std::fs::remove_file(&path).ok();
    report
}

/// A drug ledger whose first `ascii_rows` rows name the drug by its approval number only, so
/// the first hundreds of kilobytes hold no Chinese at all.
fn drug_ledger(ascii_rows: usize, chinese_rows: usize) -> String {
    let mut csv = String::from("日期,类型,批准文号,通用名称,数量,购货单位\n");
    for i in 0..ascii_rows {
        writeln!(csv, "2024-03-{:02},,H20033551,,{},", i % 28 + 1, i % 9 + 1).unwrap();
    }
    for i in 0..chinese_rows {
        writeln!(
            csv,
            "2024-04-{:02},销售,H20033551,米非司酮片,{},泰安市第{}人民医院妇产科",
            i % 28 + 1,
            i % 9 + 1,
            i % 7 + 1
        )
        .unwrap();
    }
    csv
}

#[test]
fn a_gbk_ledger_whose_chinese_starts_late_is_read_as_gbk() {
    // Chinese in the header and the last rows only, about 300 KB of ASCII rows between.
    let text = drug_ledger(12_000, 3000);
    assert!(text.find("销售").unwrap() > 256 << 10);
    let r = read_encoded("late.csv", &text, GBK);
    assert_eq!(r.error, None);
    assert_eq!(r.encoding, Some("GBK"));
    let t = &r.tables[0];
    assert_eq!(t.dataset, Dataset::DrugTxn);
    assert_eq!(t.len(), 15_000);
    assert_eq!(t.display("buyer_name", 14_999), "泰安市第4人民医院妇产科");
}

#[test]
fn big5_and_shift_jis_are_not_taken_for_gbk() {
    let mut traditional = String::from("日期,類型,藥品名稱,數量,購貨單位\n");
    let mut japanese = String::from("日付,種類,薬品名,数量,購入先\n");
    for i in 0..400 {
        writeln!(
            traditional,
            "2024-03-{:02},銷售,米非司酮片,{},臺北市立聯合醫院婦產科門診部",
            i % 28 + 1,
            i % 9 + 1
        )
        .unwrap();
        writeln!(
            japanese,
            "2024-03-{:02},販売,ミフェプリストン錠,{},東京都立病院産婦人科外来です",
            i % 28 + 1,
            i % 9 + 1
        )
        .unwrap();
    }
    assert_eq!(
        read_encoded("big5.csv", &traditional, BIG5).encoding,
        Some("Big5")
    );
    assert_eq!(
        read_encoded("sjis.csv", &japanese, SHIFT_JIS).encoding,
        Some("Shift_JIS")
    );
}
