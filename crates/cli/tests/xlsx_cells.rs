//! The xlsx report's cells as Excel shows them: the copy of a ledger shows each value as the
//! clerk wrote it (sex 男/女, a date without 00:00:00, a date-time with its time), and text that
//! looks like a formula keeps no visible apostrophe but carries Excel's quote prefix.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::Output;

use calamine::{Data, Reader, Xlsx};

fn temp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `auditor check --format xlsx` of `inputs` (in `dir`), the workbook's bytes.
fn xlsx_of(dir: &Path, inputs: &[&str]) -> Vec<u8> {
    let out: Output = std::process::Command::new(env!("CARGO_BIN_EXE_auditor"))
        .current_dir(dir)
        .args(["check", "--as-of", "2024-06-30", "--format", "xlsx"])
        .args(["--output", "report.xlsx"])
        .args(inputs)
        .env("AUDITOR_ID_KEY", "xlsx-cells-test")
        .output()
        .expect("run auditor");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(dir.join("report.xlsx")).unwrap()
}

fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|_| panic!("no part {name}"))
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The `<xf>` of `cell` in the worksheet part `sheet` (its `s` attribute into `cellXfs`).
fn xf_of(bytes: &[u8], sheet: &str, cell: &str) -> String {
    let xml = part(bytes, sheet);
    let start = xml
        .find(&format!("<c r=\"{cell}\""))
        .unwrap_or_else(|| panic!("no cell {cell} in {sheet}"));
    let tag = &xml[start..start + xml[start..].find('>').unwrap()];
    let index: usize = tag
        .split(" s=\"")
        .nth(1)
        .map_or(0, |s| s.split('"').next().unwrap().parse().unwrap());
    let styles = part(bytes, "xl/styles.xml");
    let xfs = styles
        .split("<cellXfs")
        .nth(1)
        .unwrap()
        .split("</cellXfs>")
        .next()
        .unwrap();
    xfs.split("<xf ")
        .nth(index + 1)
        .unwrap()
        .split('>')
        .next()
        .unwrap()
        .to_owned()
}

/// The number format code of `cell`, from its `<xf>` and the `<numFmts>` of styles.xml.
fn number_format(bytes: &[u8], sheet: &str, cell: &str) -> String {
    let xf = xf_of(bytes, sheet, cell);
    let id = xf
        .split("numFmtId=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let styles = part(bytes, "xl/styles.xml");
    styles
        .split(&format!("<numFmt numFmtId=\"{id}\" formatCode=\""))
        .nth(1)
        .map_or_else(
            || format!("builtin {id}"),
            |s| s.split('"').next().unwrap().to_owned(),
        )
}

fn string_at(r: &calamine::Range<Data>, row: u32, col: u32) -> String {
    match r.get_value((row, col)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => panic!("cell ({row}, {col}) is {other:?}, not text"),
    }
}

/// The Excel serial of a date cell.
fn serial_at(r: &calamine::Range<Data>, row: u32, col: u32) -> f64 {
    match r.get_value((row, col)) {
        Some(Data::DateTime(d)) => d.as_f64(),
        other => panic!("cell ({row}, {col}) is {other:?}, not a date"),
    }
}

#[test]
fn the_copy_shows_sex_as_written_and_dates_without_a_midnight_time() {
    let dir = temp_dir("xlsx-cells-sex-dates");
    std::fs::write(
        dir.join("births.csv"),
        "出生日期,母亲姓名,新生儿性别,活产,出生体重(g),分娩机构\n\
         2024-01-01,某某,男,是,3200,青山县人民医院\n\
         2024-02-02,某某,女,是,3100,青山县人民医院\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("exams.csv"),
        "检查日期,检查号,姓名,性别,年龄,孕周,检查项目,操作医师,第二人\n\
         2024-03-01,US1,王丽,女,27,16周,产科B超,张伟,李娜\n\
         2024-03-01 08:30,US2,刘芳,女,30,12+3,产科B超,张伟,李娜\n\
         2024-03-01 09:10:15,US3,陈静,女,25,20周,产科彩超,李娜,张伟\n",
    )
    .unwrap();
    let bytes = xlsx_of(&dir, &["births.csv", "exams.csv"]);
    let mut wb = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    assert_eq!(
        wb.sheet_names(),
        ["发现 Findings", "摘要 Summary", "births", "exams"]
    );

    let births = wb.worksheet_range("births").unwrap();
    assert_eq!(string_at(&births, 1, 2), "男", "C2");
    assert_eq!(string_at(&births, 2, 2), "女", "C3");
    // 2024-01-01 is Excel serial 45292, 2024-02-02 is 45324; both dates alone.
    assert!((serial_at(&births, 1, 0) - 45292.0).abs() < 1e-9);
    assert!((serial_at(&births, 2, 0) - 45324.0).abs() < 1e-9);
    assert_eq!(
        number_format(&bytes, "xl/worksheets/sheet3.xml", "A2"),
        "yyyy-mm-dd"
    );

    let exams = wb.worksheet_range("exams").unwrap();
    assert_eq!(string_at(&exams, 1, 3), "女", "D2");
    // 2024-03-01 is 45352; 08:30 is 0.354166…, 09:10:15 is 33015 s of 86400.
    assert!((serial_at(&exams, 1, 0) - 45352.0).abs() < 1e-9);
    assert!((serial_at(&exams, 2, 0) - (45352.0 + 8.5 / 24.0)).abs() < 1e-9);
    assert!((serial_at(&exams, 3, 0) - (45352.0 + 33015.0 / 86400.0)).abs() < 1e-9);
    let sheet = "xl/worksheets/sheet4.xml";
    assert_eq!(number_format(&bytes, sheet, "A2"), "yyyy-mm-dd");
    assert_eq!(number_format(&bytes, sheet, "A3"), "yyyy-mm-dd hh:mm");
    assert_eq!(number_format(&bytes, sheet, "A4"), "yyyy-mm-dd hh:mm:ss");
}

#[test]
fn text_that_looks_like_a_formula_shows_as_written_with_a_quote_prefix() {
    let dir = temp_dir("xlsx-cells-quote-prefix");
    std::fs::write(
        dir.join("=1+1.csv"),
        "检查日期,检查号,姓名,年龄,孕周,检查项目,操作医师,第二人\n\
         2024-03-01 08:30,+US1,王丽,27,16周,@SUM(A1),=HYPERLINK(1),无\n\
         2024-03-01 09:30,US2,刘芳,27,16周,-1+2,张伟,李娜\n",
    )
    .unwrap();
    let bytes = xlsx_of(&dir, &["=1+1.csv"]);
    let mut wb = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    let copy_name = wb.sheet_names()[2].clone();
    let copy = wb.worksheet_range(&copy_name).unwrap();
    let copy_xml = "xl/worksheets/sheet3.xml";
    for (row, col, cell, text) in [
        (1, 1, "B2", "+US1"),
        (1, 5, "F2", "@SUM(A1)"),
        (1, 6, "G2", "=HYPERLINK(1)"),
        (2, 5, "F3", "-1+2"),
    ] {
        assert_eq!(string_at(&copy, row, col), text, "{cell}");
        assert!(
            xf_of(&bytes, copy_xml, cell).contains("quotePrefix=\"1\""),
            "{cell}: {}",
            xf_of(&bytes, copy_xml, cell)
        );
    }
    // Plain text keeps no quote prefix.
    assert!(!xf_of(&bytes, copy_xml, "C2").contains("quotePrefix"));
    // H2 (第二人 无) is an offending cell: filled, with no formula-like text to protect.
    let h2 = xf_of(&bytes, copy_xml, "H2");
    assert!(
        h2.contains("applyFill=\"1\"") && !h2.contains("quotePrefix"),
        "{h2}"
    );
    // G2, the operator, is both offending and formula-like: filled and quote-prefixed.
    assert!(xf_of(&bytes, copy_xml, "G2").contains("applyFill=\"1\""));

    // The findings sheet: the file name, as written, quote-prefixed.
    let findings = wb.worksheet_range("发现 Findings").unwrap();
    assert_eq!(string_at(&findings, 1, 3), "=1+1.csv");
    assert!(xf_of(&bytes, "xl/worksheets/sheet1.xml", "D2").contains("quotePrefix=\"1\""));
    for name in [
        "xl/worksheets/sheet1.xml",
        "xl/worksheets/sheet2.xml",
        copy_xml,
    ] {
        assert!(
            !part(&bytes, name).contains("<f>"),
            "{name} holds a formula"
        );
    }
}

/// Every non-empty cell of a sheet as (row, col, text), numbers shown as text.
fn cells_of(r: &calamine::Range<Data>) -> Vec<(u32, u32, String)> {
    r.used_cells()
        .filter(|(_, _, v)| !matches!(v, Data::Empty))
        .map(|(row, col, v)| {
            let (r0, c0) = r.start().unwrap_or((0, 0));
            (row as u32 + r0, col as u32 + c0, v.to_string())
        })
        .collect()
}

#[test]
fn the_copy_is_the_whole_sheet_as_written_with_personal_data_masked() {
    let dir = temp_dir("xlsx-cells-whole-sheet");
    std::fs::write(
        dir.join("exams.csv"),
        "青山县人民医院B超检查登记表,,,,,,,,,,\n\
         填报单位：青山县人民医院,,,,,,,,填报人：刘敏,,\n\
         序号,检查日期,检查号,姓名,身份证号,丈夫姓名,家属电话,孕周,操作医师,第二人,备注\n\
         1,2024-03-01,US1,王丽,320102199203150249,陈大明,13812345678,16周,张伟,李娜,复查 身份证320102199203150249\n\
         2,2024-03-02,US2,刘芳,12345,赵小军,13900001111,12周,张伟,/,\n\
         合计,,,,,,,,,,\n\
         制表人：刘敏,,,,,,,,,,\n",
    )
    .unwrap();
    let bytes = xlsx_of(&dir, &["exams.csv"]);
    let mut wb = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    assert_eq!(wb.sheet_names(), ["发现 Findings", "摘要 Summary", "exams"]);
    let copy = wb.worksheet_range("exams").unwrap();
    let cells = cells_of(&copy);
    let at = |row: u32, col: u32| {
        cells
            .iter()
            .find(|(r, c, _)| (*r, *c) == (row, col))
            .map_or("", |(_, _, t)| t.as_str())
    };
    // The title rows and the header as the clerk wrote them.
    assert_eq!(at(0, 0), "青山县人民医院B超检查登记表");
    assert_eq!(at(1, 0), "填报单位：青山县人民医院");
    assert_eq!(at(1, 8), "填报人：刘敏");
    let header: Vec<&str> = (0..11).map(|c| at(2, c)).collect();
    assert_eq!(
        header,
        [
            "序号",
            "检查日期",
            "检查号",
            "姓名",
            "身份证号",
            "丈夫姓名",
            "家属电话",
            "孕周",
            "操作医师",
            "第二人",
            "备注"
        ]
    );
    // Columns no field reads are copied, masked by what their header says they hold.
    assert_eq!((at(3, 0), at(4, 0)), ("1", "2"));
    assert_eq!((at(3, 5), at(4, 5)), ("陈**", "赵**"));
    assert_eq!((at(3, 6), at(4, 6)), ("138****5678", "139****1111"));
    assert_eq!(at(3, 10), "复查 身份证3201**********0249");
    // A placeholder shows as written; an ID that could not be read shows as stars only.
    assert_eq!(at(4, 9), "/");
    assert_eq!(at(4, 4), "*****");
    // Rows below the records stay where they were.
    assert_eq!((at(5, 0), at(6, 0)), ("合计", "制表人：刘敏"));
    // No raw personal number or name anywhere in the copy.
    for (row, col, text) in &cells {
        for raw in [
            "320102199203150249",
            "13812345678",
            "13900001111",
            "陈大明",
            "赵小军",
            "王丽",
            "刘芳",
        ] {
            assert!(!text.contains(raw), "({row}, {col}) shows {raw}: {text}");
        }
    }
    // The offending cells are still marked: J5 (第二人 /) breaks the two-signature rule.
    let j5 = xf_of(&bytes, "xl/worksheets/sheet3.xml", "J5");
    assert!(j5.contains("applyFill=\"1\""), "{j5}");
}
