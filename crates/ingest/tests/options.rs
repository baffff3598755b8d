//! Reading options and bounds: a forced dataset, the per-rule cap on listed findings, content
//! rather than file name deciding the format.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::fmt::Write;
use std::path::PathBuf;

use auditor_ingest::sheet::MAX_FINDINGS_PER_RULE;
use auditor_ingest::{Catalog, Format, IdHasher, Ingest, InputError};
use auditor_model::Dataset;

fn scratch(name: &str, content: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("auditor-options-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

#[test]
fn a_forced_dataset_reads_a_sheet_with_too_few_known_headers() {
    let path = scratch("thin.csv", "检查时间,备注\n2024-03-01,无\n".as_bytes());
    let catalog = Catalog::builtin().unwrap();
    let hasher = IdHasher::new(b"k").unwrap();
    let mut ingest = Ingest::new(&catalog, &hasher);
    assert_eq!(
        ingest.read_path(&path, "thin.csv").error,
        Some(InputError::NoRecognisedSheet)
    );
    ingest.forced = Some(Dataset::UsExam);
    let r = ingest.read_path(&path, "thin.csv");
    assert_eq!(r.error, None);
    assert_eq!(
        (
            r.sheets[0].dataset,
            r.sheets[0].header_row,
            r.sheets[0].rows
        ),
        (Some(Dataset::UsExam), Some(1), 1)
    );
    assert_eq!(r.tables[0].display("exam_ts", 0), "2024-03-01 00:00:00");
}

#[test]
fn findings_beyond_the_cap_are_counted_in_one_summary() {
    let n = MAX_FINDINGS_PER_RULE + 5;
    let mut csv = String::from("日期,类型,通用名称,数量\n");
    for i in 0..n {
        writeln!(csv, "2024-02-3{},销售,米非司酮片,{i}", i % 2).unwrap();
    }
    let path = scratch("many.csv", csv.as_bytes());
    let catalog = Catalog::builtin().unwrap();
    let hasher = IdHasher::new(b"k").unwrap();
    let r = Ingest::new(&catalog, &hasher).read_path(&path, "many.csv");
    assert_eq!(r.sheets[0].rows, n);
    let dates: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == "DQ-DATE-INVALID")
        .collect();
    assert_eq!(dates.len(), MAX_FINDINGS_PER_RULE + 1);
    let summary = dates.last().unwrap();
    assert_eq!(summary.row, None);
    assert!(
        summary.message.contains("另有 5 处") && summary.message_en.contains("5 more"),
        "{}",
        summary.message
    );
}

#[test]
fn an_xlsm_is_read_by_its_content() {
    let bytes = std::fs::read(
        [
            env!("CARGO_MANIFEST_DIR"),
            "..",
            "..",
            "fixtures",
            "ingest",
            "header_repeated.xlsx",
        ]
        .iter()
        .collect::<PathBuf>(),
    )
    .unwrap();
    let path = scratch("macro.xlsm", &bytes);
    let catalog = Catalog::builtin().unwrap();
    let hasher = IdHasher::new(b"k").unwrap();
    let r = Ingest::new(&catalog, &hasher).read_path(&path, "macro.xlsm");
    assert_eq!(r.format, Some(Format::Xlsx));
    assert_eq!(r.sheets[0].dataset, Some(Dataset::UsExam));
}

#[test]
fn utf16_unicode_text_export_is_read() {
    // Excel's "Unicode text" export: UTF-16LE with a BOM, tab-separated.
    let text = "检查日期\t姓名\t身份证号\t孕周\n2024年3月1日\t张三\t11010519491231002X\t16周\n";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let path = scratch("unicode.txt", &bytes);
    let catalog = Catalog::builtin().unwrap();
    let hasher = IdHasher::new(b"k").unwrap();
    let r = Ingest::new(&catalog, &hasher).read_path(&path, "unicode.txt");
    assert_eq!(r.error, None);
    assert_eq!(r.encoding, Some("UTF-16LE"));
    assert_eq!(r.tables[0].display("ga_weeks", 0), "112");
}

#[test]
fn in_a_yes_no_column_wu_means_no_elsewhere_it_means_nothing() {
    let csv = "检查日期,姓名,身份证号,第二人,身份证查验\n2024-03-01,张三,11010519491231002X,无,无\n2024-03-02,李四,11010519491231002X,王强,是\n2024-03-03,王五,11010519491231002X,王强,/\n";
    let path = scratch("yesno.csv", csv.as_bytes());
    let catalog = Catalog::builtin().unwrap();
    let hasher = IdHasher::new(b"k").unwrap();
    let r = Ingest::new(&catalog, &hasher).read_path(&path, "yesno.csv");
    let t = &r.tables[0];
    assert_eq!(
        (0..3)
            .map(|i| t.display("id_checked", i))
            .collect::<Vec<_>>(),
        ["否", "是", ""]
    );
    assert_eq!(
        t.display("op2_id", 0),
        "",
        "无 in a name column is a placeholder"
    );
}

/// The header row and the data rows of a CSV with a title and blank lines before its header,
/// a quoted cell over two lines, a blank line between records and no LF at the end.
fn header_and_rows(name: &str, bytes: &[u8]) -> (Option<u32>, Vec<u32>) {
    let path = scratch(name, bytes);
    let catalog = Catalog::builtin().unwrap();
    let hasher = IdHasher::new(b"k").unwrap();
    let r = Ingest::new(&catalog, &hasher).read_path(&path, name);
    assert_eq!(r.error, None);
    let t = &r.tables[0];
    let rows = (0..t.len())
        .map(|i| t.cell("exam_ts", i).unwrap().row)
        .collect();
    (r.sheets[0].header_row, rows)
}

#[test]
fn the_header_row_after_blank_lines_is_its_line_in_the_file_as_data_rows_are() {
    let text = "孕期检查登记表\n\n\n\n检查日期\t姓名\t身份证号\t孕周\t备注\n\
                2024-03-01\t张三\t11010519491231002X\t16\t\"一\n二\"\n\n\n\
                2024-03-02\t李四\t11010519491231002X\t17\t无";
    // Blank lines alone, no title.
    let bare = "\n\n\n\n检查日期,姓名,身份证号,孕周\n2024-03-01,张三,11010519491231002X,16\n";
    // UTF-8 and GBK are read in stretches, UTF-16 as one stream through the csv crate.
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    assert_eq!(
        header_and_rows("blank_before.tsv", text.as_bytes()),
        (Some(5), vec![6, 10])
    );
    assert_eq!(
        header_and_rows("blank_before_gbk.tsv", &gbk),
        (Some(5), vec![6, 10])
    );
    assert_eq!(
        header_and_rows("blank_before_utf16.txt", &utf16),
        (Some(5), vec![6, 10])
    );
    assert_eq!(
        header_and_rows("blank4.csv", bare.as_bytes()),
        (Some(5), vec![6])
    );
    let mut bare16 = vec![0xFF, 0xFE];
    bare16.extend(bare.encode_utf16().flat_map(u16::to_le_bytes));
    assert_eq!(
        header_and_rows("blank4_utf16.csv", &bare16),
        (Some(5), vec![6])
    );
}

#[test]
fn a_missing_file_is_named_as_missing_in_both_languages() {
    let catalog = Catalog::builtin().unwrap();
    let hasher = IdHasher::new(b"k").unwrap();
    let path = std::env::temp_dir().join("auditor-options-no-such-file.xlsx");
    let r = Ingest::new(&catalog, &hasher).read_path(&path, "no-such-file.xlsx");
    let e = r.error.unwrap();
    assert_eq!(e, InputError::NotFound);
    assert_eq!(
        (e.zh(), e.en()),
        ("文件不存在".to_owned(), "there is no such file".to_owned())
    );
}

#[test]
fn a_ledger_with_a_header_and_no_records_says_so() {
    let path = scratch(
        "header_only.csv",
        "XX医院B超检查登记表\n检查时间,检查号,姓名,身份证号,操作医师,第二人\n".as_bytes(),
    );
    let catalog = Catalog::builtin().unwrap();
    let hasher = IdHasher::new(b"k").unwrap();
    let r = Ingest::new(&catalog, &hasher).read_path(&path, "header_only.csv");
    assert_eq!(r.error, None);
    assert_eq!(
        (
            r.sheets[0].dataset,
            r.sheets[0].header_row,
            r.sheets[0].rows
        ),
        (Some(Dataset::UsExam), Some(2), 0)
    );
    let found: Vec<(&str, Option<u32>)> = r
        .findings
        .iter()
        .map(|f| (f.rule.as_str(), f.row))
        .collect();
    assert_eq!(found, [("DQ-NO-RECORDS", Some(2))]);
    assert!(r.findings[0].message.contains("没有任何记录"));
    assert!(r.findings[0].message_en.contains("no record follows it"));
}

/// A kept row: its number, whether it is a record, its cells.
type Kept = (u32, bool, Vec<(u32, String)>);

#[test]
fn cells_outside_the_fields_are_kept_only_when_asked_and_in_row_order() {
    // Enough rows that the CSV is read in stretches on several threads.
    let mut csv = String::from(
        "XX县人民医院B超检查登记表\n序号,检查日期,检查号,姓名,孕周,操作医师,第二人,丈夫姓名\n",
    );
    for i in 1..=4000 {
        writeln!(csv, "{i},2024-03-01,US{i},王丽,16周,张伟,李娜,陈大明").unwrap();
    }
    csv.push_str("合计,,,,,,,\n");
    let path = scratch("kept.csv", csv.as_bytes());
    let catalog = Catalog::builtin().unwrap();
    let hasher = IdHasher::new(b"k").unwrap();
    let mut ingest = Ingest::new(&catalog, &hasher);
    let plain = ingest.read_path(&path, "kept.csv");
    assert!(plain.tables[0].source.is_none());

    ingest.keep_source = true;
    let r = ingest.read_path(&path, "kept.csv");
    assert_eq!(r.error, None);
    let table = &r.tables[0];
    assert_eq!(table.len(), 4000);
    let source = table.source.as_deref().unwrap();
    let rows: Vec<Kept> = source
        .rows
        .iter()
        .map(|r| (r.number, r.record, r.cells.clone()))
        .collect();
    assert_eq!(rows.len(), 4003);
    assert_eq!(
        rows[0],
        (1, false, vec![(0, "XX县人民医院B超检查登记表".to_owned())])
    );
    assert_eq!(rows[1].0, 2);
    assert_eq!(rows[1].2[0], (0, "序号".to_owned()));
    assert_eq!(rows[1].2.len(), 8);
    for (k, (number, record, cells)) in rows[2..4002].iter().enumerate() {
        let i = k as u32 + 1;
        assert_eq!(
            (*number, *record, cells.clone()),
            (
                i + 2,
                true,
                vec![(0, i.to_string()), (7, "陈**".to_owned())]
            )
        );
    }
    assert_eq!(rows[4002], (4003, false, vec![(0, "合计".to_owned())]));
}
