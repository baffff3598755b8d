//! Ledgers as an outside tester wrote them (round 4): ID numbers stored as numbers, a
//! column-number row under an official form's header, summary sheets beside the register,
//! columns the header matching leaves unused. Each test checks exact findings on exact rows.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::path::{Path, PathBuf};

use auditor_ingest::{Catalog, IdHasher, Ingest, InputReport};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("auditor-real-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn read_path(path: &Path, name: &str) -> InputReport {
    let catalog = Catalog::builtin().unwrap();
    let hasher = IdHasher::new(b"k").unwrap();
    let r = Ingest::new(&catalog, &hasher).read_path(path, name);
    std::fs::remove_file(path).ok();
    r
}

fn read_csv(name: &str, csv: &str) -> InputReport {
    let path = scratch(name);
    std::fs::write(&path, csv).unwrap();
    read_path(&path, name)
}

/// (rule, row, message) of every finding, in order.
fn findings(r: &InputReport) -> Vec<(String, Option<u32>, String)> {
    r.findings
        .iter()
        .map(|f| (f.rule.clone(), f.row, f.message.clone()))
        .collect()
}

const LOST: &str = "该单元格以数字格式保存，末几位已丢失（Excel 只保留 15 位有效数字），请将该列设为文本后重新录入";

#[test]
fn an_id_stored_as_a_number_is_told_as_such_not_as_a_wrong_check_digit() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["检查日期", "姓名", "身份证号", "超声提示"]
        .iter()
        .enumerate()
    {
        ws.write(0, c as u16, *h).unwrap();
    }
    for r in 1..=2u32 {
        ws.write(r, 0, "2024-03-01").unwrap();
        ws.write(r, 1, "王秀英").unwrap();
        ws.write(r, 3, "正常").unwrap();
    }
    // Row 2: the ID typed into a number cell; row 3: a text ID with a wrong check digit.
    ws.write(1, 2, 370_921_199_003_120_020_f64).unwrap();
    ws.write(2, 2, "370921199003120021").unwrap();
    let path = scratch("idnum.xlsx");
    wb.save(&path).unwrap();
    let r = read_path(&path, "idnum.xlsx");
    let f = findings(&r);
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!(f[0].0, "DQ-ID-INVALID");
    assert_eq!(f[0].1, Some(2));
    assert_eq!(
        f[0].2,
        format!("C2「身份证号」的值“3709**********0000”不是有效的居民身份证号：{LOST}")
    );
    assert_eq!(f[1].1, Some(3));
    assert!(f[1].2.contains("校验码"), "{}", f[1].2);
    assert!(!f[1].2.contains("数字格式"), "{}", f[1].2);
    // The English message says the same, and no finding shows the raw number.
    assert!(r.findings[0].message_en.contains("stored as a number"));
    assert!(
        r.findings
            .iter()
            .all(|f| !f.message.contains("370921199003120"))
    );
}

#[test]
fn an_id_printed_in_scientific_notation_in_a_csv_is_told_as_a_number() {
    let r = read_csv(
        "sci.csv",
        "检查日期,姓名,身份证号,超声提示\n2024-03-01,王秀英,4.10105E+17,正常\n",
    );
    let f = findings(&r);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!((f[0].0.as_str(), f[0].1), ("DQ-ID-INVALID", Some(2)));
    assert!(f[0].2.starts_with("C2「身份证号」"), "{}", f[0].2);
    assert!(f[0].2.ends_with(LOST), "{}", f[0].2);
}

#[test]
fn a_column_number_row_under_an_official_forms_header_is_skipped() {
    for marks in [
        "1,2,3,4,5,6,7",
        "甲,乙,丙,丁,戊,己,庚",
        "(1),(2),(3),(4),(5),(6),(7)",
        "A,B,C,D,E,F,G",
    ] {
        let r = read_csv(
            "colnum.csv",
            &format!(
                "青山县人民医院终止妊娠手术登记表\n\
                 手术日期,姓名,身份证号,孕周,术式,手术医师,是否查验身份证\n\
                 {marks}\n\
                 2024-04-01,王秀英,370921199003120020,8周,负压吸引术,李娜,是\n"
            ),
        );
        assert_eq!(findings(&r), [], "{marks}");
        let t = &r.tables[0];
        assert_eq!(t.rows, [4], "{marks}");
        assert_eq!(
            r.sheets[0].notes[0].0,
            "第 3 行是栏目序号（1、2、3… 或 甲、乙、丙…），不是记录，已跳过"
        );
    }
    // A record of three numbers under a three-column header is still a record.
    let r = read_csv(
        "nums.csv",
        "日期,通用名称,批号,数量\n2024-04-01,米非司酮片,1,2\n",
    );
    assert_eq!(r.tables[0].rows, [2]);
    assert_eq!(r.sheets[0].notes, []);
}

#[test]
fn a_summary_sheet_of_counts_is_not_read_as_a_register() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("登记").unwrap();
    for (c, h) in [
        "检查日期",
        "姓名",
        "身份证号",
        "操作医师",
        "复核医师",
        "超声提示",
    ]
    .iter()
    .enumerate()
    {
        ws.write(0, c as u16, *h).unwrap();
    }
    for (c, v) in [
        "2024-03-01",
        "王秀英",
        "370921199003120020",
        "张伟",
        "李娜",
        "正常",
    ]
    .iter()
    .enumerate()
    {
        ws.write(1, c as u16, *v).unwrap();
    }
    let ws = wb.add_worksheet().set_name("汇总").unwrap();
    // The tester's 汇总: with 备注 it names three us_exam fields, enough to pass for a register.
    for (c, h) in ["月份", "检查人次", "其中孕14周以上", "双人签字人次", "备注"]
        .iter()
        .enumerate()
    {
        ws.write(0, c as u16, *h).unwrap();
    }
    for r in 1..=3u32 {
        ws.write(r, 0, format!("{r}月")).unwrap();
        for c in 1..=3u16 {
            ws.write(r, c, f64::from(r * 10 + u32::from(c))).unwrap();
        }
    }
    let path = scratch("monthly.xlsx");
    wb.save(&path).unwrap();
    let r = read_path(&path, "monthly.xlsx");
    assert_eq!(r.error, None);
    assert_eq!(r.tables.len(), 1);
    assert_eq!(r.tables[0].sheet.as_deref(), Some("登记"));
    assert_eq!(findings(&r), []);
    let summary = &r.sheets[1];
    assert_eq!((summary.name.as_str(), summary.dataset), ("汇总", None));
    assert_eq!(
        summary.notes,
        [(
            "工作表“汇总”的各列是人次、例数、合计等统计数，不是逐条登记的台账，未作为台账检查".to_owned(),
            "sheet “汇总” holds counts (人次, 例数, 合计…), not one record per row: it is not a ledger and was not checked".to_owned()
        )]
    );
}

#[test]
fn every_column_no_field_took_is_listed_per_sheet() {
    let r = read_csv(
        "extra.csv",
        "序号,检查日期,姓名,身份证号,超声提示,处方来源,XYZ\n1,2024-03-01,王秀英,370921199003120020,正常,门诊,x\n",
    );
    // 序号 numbers the rows: nothing unread.
    assert_eq!(r.sheets[0].unmapped, ["处方来源", "XYZ"]);
    // A column with nothing under it is not worth listing.
    let r = read_csv(
        "empty.csv",
        "检查日期,姓名,超声提示,扩展字段1,处方来源\n2024-03-01,王秀英,正常,,门诊\n",
    );
    assert_eq!(r.sheets[0].unmapped, ["处方来源"]);
    // A recognised header leaves nothing unlisted.
    let r = read_csv(
        "all.csv",
        "检查日期,姓名,超声提示\n2024-03-01,王秀英,正常\n",
    );
    assert_eq!(r.sheets[0].unmapped, Vec::<String>::new());
}

#[test]
fn a_stand_in_purchase_date_is_said_to_be_one() {
    let r = read_csv(
        "device.csv",
        "设备名称,出厂编号,启用日期,备案日期\n彩超,SN1,2024-03-01,2024-03-20\n",
    );
    assert_eq!(r.tables[0].display("purchase_date", 0), "2024-03-01");
    assert_eq!(
        r.sheets[0].notes[0].0,
        "表中没有「购置日期」列，以「启用日期」列代替（该日期通常晚于购置日期，据此判断的时限只会偏宽）"
    );
}

#[test]
fn a_date_without_its_year_takes_the_year_the_title_gives() {
    let r = read_csv(
        "march.csv",
        "2024年3月B超登记\n检查日期,姓名,超声提示\n3月5日,王秀英,正常\n3.6,李娜,正常\n2024-03-07,赵丽,正常\n",
    );
    assert_eq!(findings(&r), []);
    let t = &r.tables[0];
    let dates: Vec<String> = (0..t.len()).map(|i| t.display("exam_ts", i)).collect();
    assert!(dates[0].starts_with("2024-03-05"), "{dates:?}");
    assert!(dates[1].starts_with("2024-03-06"), "{dates:?}");
    assert!(dates[2].starts_with("2024-03-07"), "{dates:?}");
    // Without a year in the title, a date without one stays a finding on its cell.
    let r = read_csv(
        "noyear.csv",
        "B超登记\n检查日期,姓名,超声提示\n3月5日,王秀英,正常\n",
    );
    let f = findings(&r);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!((f[0].0.as_str(), f[0].1), ("DQ-DATE-INVALID", Some(3)));
}
