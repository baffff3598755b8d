//! Every ingest fixture read through the library: the dataset and header row of each sheet, the
//! parsed values of the cells that matter, and exactly the data-quality findings expected
//! (`fixtures/ingest/EXPECTED.md` describes each file).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::path::PathBuf;

use auditor_ingest::column::Column;
use auditor_ingest::{Catalog, IdHasher, Ingest, InputError, InputReport, Table};
use auditor_model::Dataset;
use auditor_model::ident::resident_id::Sex;

fn read(name: &str) -> InputReport {
    let catalog = Catalog::builtin().unwrap();
    let hasher = IdHasher::new(b"fixture-key").unwrap();
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "..",
        "..",
        "fixtures",
        "ingest",
        name,
    ]
    .iter()
    .collect();
    Ingest::new(&catalog, &hasher).read_path(&path, name)
}

/// (name, hidden, dataset, header row, records) of every sheet.
type SheetLine = (String, bool, Option<Dataset>, Option<u32>, usize);

fn sheets(r: &InputReport) -> Vec<SheetLine> {
    r.sheets
        .iter()
        .map(|s| (s.name.clone(), s.hidden, s.dataset, s.header_row, s.rows))
        .collect()
}

/// (rule, row, cells) of every finding, in the order found.
fn findings(r: &InputReport) -> Vec<(String, Option<u32>, Vec<String>)> {
    r.findings
        .iter()
        .map(|f| {
            (
                f.rule.clone(),
                f.row,
                f.cells.iter().map(ToString::to_string).collect(),
            )
        })
        .collect()
}

fn col(t: &Table, field: &str) -> Vec<String> {
    (0..t.len()).map(|i| t.display(field, i)).collect()
}

fn cells(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn title_rows_above_the_header_and_dates_in_every_form() {
    let r = read("us_exam_title_rows.xlsx");
    assert_eq!(r.error, None);
    assert_eq!(
        sheets(&r),
        vec![("3月".to_owned(), false, Some(Dataset::UsExam), Some(3), 5)]
    );
    let t = &r.tables[0];
    assert_eq!(t.rows, vec![4, 5, 6, 7, 8]);
    assert_eq!(
        col(t, "exam_ts"),
        [
            "2024-03-01 08:30:00",
            "2024-03-02 00:00:00",
            "2024-03-03 00:00:00",
            "2024-03-04 00:00:00",
            "2024-03-05 00:00:00"
        ]
    );
    assert_eq!(col(t, "ga_weeks"), ["112", "87", "", "140", "129"]);
    assert_eq!(col(t, "op1_id")[0], "李娜");
    assert_eq!(col(t, "op2_id"), ["王强", "", "李娜", "李娜", "王强"]);
    assert_eq!(
        t.source_cols[t.fields.iter().position(|f| f == "op1_id").unwrap()],
        Some(6)
    );
    assert!(findings(&r).is_empty(), "{:?}", findings(&r));
}

#[test]
fn personal_ids_become_keyed_hashes_with_derived_fields() {
    let r = read("us_exam_title_rows.xlsx");
    let t = &r.tables[0];
    let Some(Column::Person(people)) = t.column("id_no") else {
        panic!("id_no is a person column")
    };
    let first = people[0].unwrap();
    assert_eq!(
        (first.sex, first.birth_year, first.region),
        (Some(Sex::Female), 1990, 110_105)
    );
    assert_eq!(
        people[3].unwrap().id_hash,
        first.id_hash,
        "the same person in rows 4 and 7"
    );
    assert_ne!(people[1].unwrap().id_hash, first.id_hash);
    assert_eq!(people[2].unwrap().birth_year, 1949);
    let full = IdHasher::new(b"fixture-key")
        .unwrap()
        .hash("110105199003070025");
    assert_eq!(
        first.id_hash[..],
        full[..16],
        "the first 128 bits of the HMAC"
    );
    // Nothing in the table holds the raw number.
    for field in &t.fields {
        for i in 0..t.len() {
            assert!(
                !t.display(field, i).contains("110105199003070025"),
                "{field} holds a raw ID"
            );
        }
    }
}

#[test]
fn two_row_header_with_merged_group_cells() {
    let r = read("us_exam_two_row_header.xlsx");
    assert_eq!(
        sheets(&r),
        vec![(
            "2024年3月".to_owned(),
            false,
            Some(Dataset::UsExam),
            Some(3),
            3
        )]
    );
    let t = &r.tables[0];
    assert_eq!(
        col(t, "exam_ts"),
        [
            "2024-03-06 09:15:00",
            "2024-03-07 10:20:00",
            "2024-03-08 14:05:00"
        ]
    );
    assert_eq!(col(t, "ga_weeks"), ["119", "92", ""]);
    assert_eq!(col(t, "name").len(), 3);
    assert!(t.column("op1_id").is_some() && t.column("op2_id").is_some());
    assert!(findings(&r).is_empty(), "{:?}", findings(&r));
}

fn assert_drug_txn_csv(r: &InputReport, encoding: &str) {
    assert_eq!(r.error, None);
    assert_eq!(r.encoding, Some(encoding));
    assert_eq!(
        sheets(r),
        vec![(String::new(), false, Some(Dataset::DrugTxn), Some(3), 5)]
    );
    let t = &r.tables[0];
    assert_eq!(t.rows, vec![4, 5, 6, 7, 8]);
    assert_eq!(
        col(t, "txn_date"),
        ["2024-01-05", "2024-01-12", "", "2024-03-04", "2024-01-05"]
    );
    assert_eq!(col(t, "qty"), ["10盒", "5", "20盒", "2盒", "10盒"]);
    let Some(Column::Quantity(n, _)) = t.column("qty") else {
        panic!("qty is a quantity")
    };
    assert_eq!(n, &[10.0, 5.0, 20.0, 2.0, 10.0]);
    assert_eq!(
        col(t, "buyer_uscc")[3],
        "91350100M000100Y44",
        "an invalid code is kept as written"
    );
    assert_eq!(
        col(t, "trace_codes"),
        [
            "81234567890123456789",
            "81234567890123456790",
            "",
            "8123456789",
            "81234567890123456789"
        ]
    );
    assert_eq!(col(t, "approval_no")[0], "国药准字H20010123");
    assert_eq!(col(t, "expiry")[0], "2026-07-31");
    assert_eq!(
        findings(r),
        vec![
            ("DQ-DATE-INVALID".to_owned(), Some(6), cells(&["A6"])),
            ("DQ-USCC-INVALID".to_owned(), Some(7), cells(&["K7"])),
            ("DQ-TRACE-CODE-INVALID".to_owned(), Some(7), cells(&["L7"])),
            ("DQ-DUPLICATE-ROW".to_owned(), Some(8), cells(&["A8"])),
        ]
    );
    assert!(
        r.findings[3].message.contains("第 4 行"),
        "{}",
        r.findings[3].message
    );
}

#[test]
fn gbk_csv_with_title_lines() {
    assert_drug_txn_csv(&read("drug_txn_gbk.csv"), "GBK");
}

#[test]
fn utf8_bom_csv_reads_the_same() {
    assert_drug_txn_csv(&read("drug_txn_utf8_bom.csv"), "UTF-8");
    let gbk = read("drug_txn_gbk.csv");
    let bom = read("drug_txn_utf8_bom.csv");
    let prints = |r: &InputReport| {
        r.findings
            .iter()
            .map(|f| f.fingerprint.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        prints(&gbk),
        prints(&bom),
        "fingerprints depend on content, not encoding or file"
    );
}

#[test]
fn tsv_with_english_headers() {
    let r = read("drug_txn_utf8.tsv");
    assert_eq!(
        sheets(&r),
        vec![(String::new(), false, Some(Dataset::DrugTxn), Some(1), 3)]
    );
    let t = &r.tables[0];
    assert_eq!(
        col(t, "txn_date"),
        ["2024-03-01", "2024-03-08", "2024-03-15"]
    );
    assert_eq!(col(t, "qty"), ["10", "6盒", "4"]);
    assert!(t.column("buyer_uscc").is_some() && t.column("batch_no").is_some());
    assert!(findings(&r).is_empty(), "{:?}", findings(&r));
}

#[test]
fn placeholders_are_empty_and_an_invalid_id_is_reported_masked() {
    let r = read("drug_dispense_placeholders.xlsx");
    assert_eq!(
        sheets(&r),
        vec![(
            "用药登记".to_owned(),
            false,
            Some(Dataset::DrugDispense),
            Some(1),
            4
        )]
    );
    let t = &r.tables[0];
    assert_eq!(col(t, "rx_no")[1], "");
    assert_eq!(col(t, "batch_no")[1], "");
    assert_eq!(col(t, "prescriber_id")[2], "");
    assert_eq!(col(t, "dose_mg"), ["25mg", "0.6mg", "", "25mg"]);
    let Some(Column::Quantity(dose, _)) = t.column("dose_mg") else {
        panic!("dose is a quantity")
    };
    assert!((dose[1] - 0.6).abs() < 1e-12);
    assert_eq!(
        col(t, "dispense_date"),
        ["2024-03-01", "2024-03-02", "2024-03-03", "2024-03-04"]
    );
    let Some(Column::Person(people)) = t.column("patient_id") else {
        panic!("patient_id is a person column")
    };
    assert!(people[2].is_none() && people[3].is_none());
    assert_eq!(
        findings(&r),
        vec![("DQ-ID-INVALID".to_owned(), Some(4), cells(&["B4"]))]
    );
    let f = &r.findings[0];
    assert!(f.message.contains("1101**********0024") && !f.message.contains("110105199003070024"));
    assert!(f.message_en.contains("check character"), "{}", f.message_en);
}

#[test]
fn legacy_xls_with_date_cells_and_name_lists() {
    let r = read("us_device.xls");
    assert_eq!(r.format, Some(auditor_ingest::Format::Xls));
    assert_eq!(
        sheets(&r),
        vec![(
            "设备备案".to_owned(),
            false,
            Some(Dataset::UsDevice),
            Some(2),
            3
        )]
    );
    let t = &r.tables[0];
    assert_eq!(
        col(t, "purchase_date"),
        ["2023-05-10", "2022-11-20", "2019-04-08"]
    );
    assert_eq!(col(t, "filed_date"), ["2023-06-02", "2022-12-15", ""]);
    assert_eq!(col(t, "operators"), ["李娜、王强", "王强、赵敏", "孙伟"]);
    assert!(findings(&r).is_empty(), "{:?}", findings(&r));
}

#[test]
fn ods_with_text_dates_and_gestation_in_days() {
    let r = read("termination.ods");
    assert_eq!(r.format, Some(auditor_ingest::Format::Ods));
    assert_eq!(
        sheets(&r),
        vec![(
            "手术登记".to_owned(),
            false,
            Some(Dataset::Termination),
            Some(1),
            3
        )]
    );
    let t = &r.tables[0];
    assert_eq!(
        col(t, "proc_date"),
        ["2024-03-10", "2024-03-12", "2024-03-15"]
    );
    assert_eq!(col(t, "ga_weeks"), ["112", "49", "52"]);
    assert_eq!(col(t, "cert_no"), ["ZZRS-2024-0031", "", ""]);
    assert!(findings(&r).is_empty(), "{:?}", findings(&r));
}

#[test]
fn every_sheet_is_read_hidden_ones_noted_and_prose_reported_unrecognised() {
    let r = read("multi_sheet_hidden.xlsx");
    assert_eq!(r.error, None);
    assert_eq!(
        sheets(&r),
        vec![
            ("说明".to_owned(), false, None, None, 0),
            (
                "B超登记".to_owned(),
                false,
                Some(Dataset::UsExam),
                Some(1),
                2
            ),
            (
                "机构".to_owned(),
                true,
                Some(Dataset::Institution),
                Some(1),
                2
            ),
        ]
    );
    assert_eq!(
        r.sheets[0].headers,
        ["本工作簿为XX县人民医院2024年第一季度报送材料，请按各表要求如实填写。"]
    );
    let inst = &r.tables[1];
    assert_eq!(
        col(inst, "uscc"),
        ["91350100M000100Y43", "91110000802100433B"]
    );
    assert_eq!(col(inst, "scopes")[1], "妇产科、医学影像科-超声诊断专业");
    assert_eq!(col(inst, "valid_to"), ["2028-06-30", "2026-12-31"]);
    assert!(findings(&r).is_empty(), "{:?}", findings(&r));
}

#[test]
fn a_header_repeated_after_a_page_break_is_skipped_and_reported() {
    let r = read("header_repeated.xlsx");
    assert_eq!(
        sheets(&r),
        vec![("登记".to_owned(), false, Some(Dataset::UsExam), Some(1), 5)]
    );
    assert_eq!(r.tables[0].rows, vec![2, 3, 4, 6, 7]);
    assert_eq!(
        col(&r.tables[0], "ga_weeks"),
        ["154", "107", "", "157", "110"]
    );
    assert_eq!(
        findings(&r),
        vec![("DQ-HEADER-REPEATED".to_owned(), Some(5), cells(&["A5"]))]
    );
}

#[test]
fn a_field_named_by_two_columns_is_reported_once() {
    let r = read("duplicate_column.csv");
    assert_eq!(
        sheets(&r),
        vec![(String::new(), false, Some(Dataset::UsExam), Some(1), 2)]
    );
    assert_eq!(col(&r.tables[0], "ga_weeks"), ["98", "68"]);
    assert_eq!(
        findings(&r),
        vec![(
            "DQ-COLUMN-DUPLICATE".to_owned(),
            Some(1),
            cells(&["E1", "C1"])
        )]
    );
}

#[test]
fn unrecognised_file_keeps_the_headers_it_saw() {
    let r = read("unrecognised.csv");
    assert_eq!(r.error, Some(InputError::NoRecognisedSheet));
    assert_eq!(r.sheets[0].dataset, None);
    assert_eq!(r.sheets[0].headers, ["商品", "颜色", "尺寸"]);
    assert!(r.tables.is_empty() && r.findings.is_empty());
}

#[test]
fn broken_inputs_get_their_own_reason() {
    let cases = [
        ("empty.xlsx", InputError::Empty),
        (
            "pdf_renamed.xlsx",
            InputError::NotSpreadsheet("a PDF document"),
        ),
        ("encrypted.xlsx", InputError::Encrypted),
        ("not_a_sheet.xlsx", InputError::NotSpreadsheet("an archive")),
    ];
    for (name, expected) in cases {
        let r = read(name);
        assert_eq!(r.error, Some(expected), "{name}");
        assert!(
            r.sheets.is_empty() && r.tables.is_empty() && r.findings.is_empty(),
            "{name}"
        );
    }
    let r = read("truncated.xlsx");
    assert!(
        matches!(r.error, Some(InputError::Corrupt(_))),
        "{:?}",
        r.error
    );
}
