//! Ledgers as clerks really keep them: units named in the header, date and time in either
//! order, footers anywhere in a row, month-only expiry dates, institutions under any label,
//! gestational ages in Chinese numerals, Excel date serials exported as text.
//! Each test reads a small CSV end to end and checks exact values and exact findings.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use auditor_ingest::{Catalog, IdHasher, Ingest, InputReport};

fn read(name: &str, csv: &str) -> InputReport {
    let dir = std::env::temp_dir().join(format!("auditor-variants-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, csv).unwrap();
    let catalog = Catalog::builtin().unwrap();
    let hasher = IdHasher::new(b"k").unwrap();
    let r = Ingest::new(&catalog, &hasher).read_path(&path, name);
    std::fs::remove_file(&path).ok();
    r
}

/// Every value of field `name`, record by record.
fn values(r: &InputReport, name: &str) -> Vec<String> {
    let t = &r.tables[0];
    (0..t.len()).map(|i| t.display(name, i)).collect()
}

/// (rule, row) of every finding, in order.
fn findings(r: &InputReport) -> Vec<(String, Option<u32>)> {
    r.findings.iter().map(|f| (f.rule.clone(), f.row)).collect()
}

#[test]
fn a_bare_number_counts_in_the_unit_its_header_names() {
    // us_exam's field is ga_weeks, yet 停经天数 counts days: 110 days, not 110 weeks.
    let r = read(
        "days.csv",
        "检查日期,姓名,检查项目,停经天数\n2024-03-01,王丽,早孕,110\n2024-03-02,李娜,早孕,56\n",
    );
    assert_eq!(values(&r, "ga_weeks"), ["110", "56"]);
    assert_eq!(findings(&r), []);
    for header in ["孕周（天）", "孕天"] {
        let r = read(
            "days2.csv",
            &format!("检查日期,姓名,检查项目,{header}\n2024-03-01,王丽,早孕,49\n"),
        );
        assert_eq!(values(&r, "ga_weeks"), ["49"], "{header}");
    }
    // drug_dispense's field is ga_days, yet 孕周 counts weeks: 7 weeks is 49 days.
    let r = read(
        "weeks.csv",
        "发药日期,处方号,姓名,孕周,药品名称,数量\n2024-03-05,MZ1,王丽,7,米非司酮片,6\n",
    );
    assert_eq!(values(&r, "ga_days"), ["49"]);
    // A header naming no unit keeps the field's own: 停经时间 in drug_dispense counts days.
    let r = read(
        "plain.csv",
        "发药日期,处方号,姓名,停经时间,药品名称,数量\n2024-03-05,MZ1,王丽,45,米非司酮片,6\n",
    );
    assert_eq!(values(&r, "ga_days"), ["45"]);
}

#[test]
fn an_impossible_gestational_age_is_a_finding() {
    let r = read(
        "impossible.csv",
        "检查日期,姓名,检查项目,孕周\n\
         2024-03-01,王丽,早孕,12\n\
         2024-03-02,李娜,早孕,46\n\
         2024-03-03,赵敏,早孕,0\n\
         2024-03-04,钱芳,早孕,45周\n\
         2024-03-05,孙悦,早孕,110周\n",
    );
    assert_eq!(values(&r, "ga_weeks"), ["84", "", "", "315", ""]);
    assert_eq!(
        findings(&r),
        [
            ("DQ-GESTATION-INVALID".to_owned(), Some(3)),
            ("DQ-GESTATION-INVALID".to_owned(), Some(4)),
            ("DQ-GESTATION-INVALID".to_owned(), Some(6)),
        ]
    );
    assert!(
        r.findings[0].message_en.contains("\"46\""),
        "{}",
        r.findings[0].message_en
    );
    assert!(
        r.findings[0].message.contains("45 周"),
        "{}",
        r.findings[0].message
    );
}

#[test]
fn a_time_column_before_the_date_column_still_joins_it() {
    let r = read(
        "time_first.csv",
        "序号,检查时间,检查日期,姓名,检查项目\n\
         1,8:30,2024-03-01,王丽,早孕\n\
         2,14:05:10,2024-03-02,李娜,早孕\n\
         3,,2024-03-03,赵敏,早孕\n",
    );
    assert_eq!(
        values(&r, "exam_ts"),
        [
            "2024-03-01 08:30:00",
            "2024-03-02 14:05:10",
            "2024-03-03 00:00:00"
        ]
    );
    assert_eq!(findings(&r), []);
    // The usual order reads the same.
    let r = read(
        "date_first.csv",
        "序号,检查日期,检查时间,姓名,检查项目\n1,2024-03-01,8:30,王丽,早孕\n",
    );
    assert_eq!(values(&r, "exam_ts"), ["2024-03-01 08:30:00"]);
    assert_eq!(findings(&r), []);
}

#[test]
fn a_time_that_cannot_be_read_is_reported_on_its_own_cell_and_the_date_kept() {
    let r = read(
        "bad_time.csv",
        "检查日期,检查时间,姓名,检查项目\n\
         2024-03-01,abc,王丽,早孕\n\
         2024-03-02,/,李娜,早孕\n\
         2024-03-03,25:70,赵敏,早孕\n\
         2024-03-04,9:15,孙悦,早孕\n",
    );
    assert_eq!(
        values(&r, "exam_ts"),
        [
            "2024-03-01 00:00:00",
            "2024-03-02 00:00:00",
            "2024-03-03 00:00:00",
            "2024-03-04 09:15:00"
        ]
    );
    // A placeholder is no time, not a wrong one.
    assert_eq!(
        findings(&r),
        [
            ("DQ-TIME-INVALID".to_owned(), Some(2)),
            ("DQ-TIME-INVALID".to_owned(), Some(4))
        ]
    );
    let cells: Vec<Vec<String>> = r
        .findings
        .iter()
        .map(|f| f.cells.iter().map(ToString::to_string).collect())
        .collect();
    assert_eq!(cells, [["B2"], ["B4"]]);
}

#[test]
fn footers_anywhere_in_a_nearly_empty_row_are_not_records() {
    let r = read(
        "footers.csv",
        "日期,单据号,通用名称,批号,数量,单价,金额,备注\n\
         2024-03-01,D1,米非司酮片,230801,6,10,60,\n\
         2024-03-02,D2,米索前列醇片,230802,3,5,15,合计\n\
         2024-03-03,D3,米非司酮片,230801,2,10,20,本月合计已核\n\
         本月合计,,,,11,10,95,\n\
         累计,,,,11,,95,\n\
         ,,本页小计,,11,,,\n\
         登记人：王五,,,,,,,\n\
         ,,,经办人：赵六,,,,\n\
         统计人: 钱七,,记录人：孙八,,,,,\n\
         ,科主任签字：,,,,,,\n\
         ,,,,,,复核人：周九,\n",
    );
    assert_eq!(r.sheets[0].rows, 3);
    assert_eq!(values(&r, "doc_no"), ["D1", "D2", "D3"]);
    // A record that merely mentions a total in its remarks is kept whole.
    assert_eq!(values(&r, "remarks"), ["", "合计", "本月合计已核"]);
    assert_eq!(findings(&r), []);
}

#[test]
fn a_total_row_with_several_sums_is_a_footer() {
    let r = read(
        "sums.csv",
        "日期,摘要,通用名称,批号,入库数量,出库数量,结存,供货单位,经手人,备注\n\
         2024-01-05,购进,米非司酮片,240101,10,,30,XX医药有限公司,许亮,\n\
         本月合计,,,,10,8,22,,,\n\
         ,本年累计,,,10,8,22,,,\n\
         2024-01-09,出库,米非司酮片,240101,,8,22,,许亮,本月合计\n",
    );
    assert_eq!(values(&r, "txn_type"), ["购进", "出库"]);
    assert_eq!(findings(&r), []);
}

#[test]
fn a_day_count_header_over_two_header_rows_still_counts_days() {
    let r = read(
        "two_rows.csv",
        "手术日期,受术者,,停经天数,术式\n\
         ,姓名,身份证号,,\n\
         2024-09-02,邓丽,,49,负压吸引术\n",
    );
    assert_eq!(values(&r, "ga_weeks"), ["49"]);
    assert_eq!(findings(&r), []);
}

#[test]
fn a_row_of_sign_offs_is_a_footer_even_in_a_narrow_ledger() {
    // Three cells filled of four mapped, every one a sign-off.
    let r = read(
        "narrow.csv",
        "日期,通用名称,批号,数量\n\
         2024-03-01,米非司酮片,A1,6\n\
         登记人：张三,复核人：李四,日期：2024-03-31,\n",
    );
    assert_eq!(values(&r, "batch_no"), ["A1"]);
    assert_eq!(findings(&r), []);
}

#[test]
fn a_sparse_record_is_not_taken_for_a_footer() {
    // Two cells filled of four mapped, none of them a sign-off or a total: a record.
    let r = read(
        "sparse.csv",
        "日期,通用名称,数量,经办人\n2024-03-01,米非司酮片,,\n2024-03-02,,,经办人：王五\n",
    );
    assert_eq!(values(&r, "txn_date"), ["2024-03-01", "2024-03-02"]);
}

#[test]
fn an_expiry_month_alone_is_its_last_day() {
    let r = read(
        "expiry.csv",
        "日期,通用名称,批号,有效期至,生产日期,数量\n\
         2024-03-01,米非司酮片,A1,2026-03,2024-01-05,6\n\
         2024-03-02,米非司酮片,A2,2026/03,2024-01-05,6\n\
         2024-03-03,米非司酮片,A3,2026.12,2024-01-05,6\n\
         2024-03-04,米非司酮片,A4,2026年12月,2024-01-05,6\n\
         2024-03-05,米非司酮片,A5,202602,2024-01-05,6\n\
         2024-03-06,米非司酮片,A6,2026-03-15,2024-01,6\n",
    );
    assert_eq!(
        values(&r, "expiry"),
        [
            "2026-03-31",
            "2026-03-31",
            "2026-12-31",
            "2026-12-31",
            "2026-02-28",
            "2026-03-15"
        ]
    );
    // Any other date written as a month alone is ambiguous: reported, not guessed.
    assert_eq!(values(&r, "mfg_date")[5], "");
    assert_eq!(findings(&r), [("DQ-DATE-INVALID".to_owned(), Some(7))]);
    assert!(
        r.findings[0].message_en.contains("\"2024-01\""),
        "{}",
        r.findings[0].message_en
    );
}

#[test]
fn a_gestational_age_in_chinese_numerals_is_read() {
    let r = read(
        "chinese_ga.csv",
        "检查日期,姓名,检查项目,孕周\n\
         2024-03-01,王丽,早孕,十六周\n\
         2024-03-02,李娜,早孕,孕十六周\n\
         2024-03-03,赵敏,早孕,十六周二天\n\
         2024-03-04,钱芳,早孕,十六周+2\n\
         2024-03-05,孙悦,早孕,二十周\n\
         2024-03-06,周婷,早孕,十二周零三天\n\
         2024-03-07,吴静,早孕,十六周九天\n",
    );
    assert_eq!(
        values(&r, "ga_weeks"),
        ["112", "112", "114", "114", "140", "87", ""]
    );
    // Nine days is no day count after sixteen weeks: reported, not guessed.
    assert_eq!(findings(&r), [("DQ-GESTATION-INVALID".to_owned(), Some(8))]);
}

#[test]
fn an_excel_serial_exported_as_text_is_its_date() {
    // A CSV export (or a text-formatted cell) keeps the serial Excel stored: 45383 is
    // 2024-04-01, read as a numeric cell holding it would be, in every date field.
    let r = read(
        "serial_text.csv",
        "日期,通用名称,批号,有效期至,生产日期,数量\n\
         45383,米非司酮片,A1,46112,45292,6\n\
         2024-04-02,米非司酮片,A2,2026-03,45293,6\n\
         20240403,米非司酮片,A3,2026-03-31,2024-01-03,6\n",
    );
    assert_eq!(
        values(&r, "txn_date"),
        ["2024-04-01", "2024-04-02", "2024-04-03"]
    );
    assert_eq!(
        values(&r, "expiry"),
        ["2026-03-31", "2026-03-31", "2026-03-31"]
    );
    assert_eq!(
        values(&r, "mfg_date"),
        ["2024-01-01", "2024-01-02", "2024-01-03"]
    );
    assert_eq!(findings(&r), []);
    // Out of the plausible range five digits are still no date.
    let r = read(
        "serial_far.csv",
        "日期,通用名称,批号,数量\n12345,米非司酮片,A1,6\n",
    );
    assert_eq!(values(&r, "txn_date"), [""]);
    assert_eq!(findings(&r), [("DQ-DATE-INVALID".to_owned(), Some(2))]);
}

#[test]
fn sex_written_as_its_national_code_in_text_is_read_as_male_or_female() {
    // GB/T 2261.1: 1 male, 2 female, also full-width; 0 (unknown) and 9 (unspecified) name
    // neither sex and are reported as invalid, as a numeric 0 or 9 is.
    let r = read(
        "sex_codes.csv",
        "检查日期,姓名,身份证号,孕周,性别\n\
         2024-03-01,张三,11010519491231002X,16,1\n\
         2024-03-02,李四,11010519491231002X,16,2\n\
         2024-03-03,王五,11010519491231002X,16,１\n\
         2024-03-04,赵六,11010519491231002X,16,２\n\
         2024-03-05,钱七,11010519491231002X,16,0\n\
         2024-03-06,孙八,11010519491231002X,16,9\n\
         2024-03-07,周九,11010519491231002X,16,女\n",
    );
    // A sex column holds whether the person is male.
    assert_eq!(values(&r, "sex"), ["是", "否", "是", "否", "", "", "否"]);
    assert_eq!(
        findings(&r),
        [
            ("DQ-SEX-INVALID".to_owned(), Some(6)),
            ("DQ-SEX-INVALID".to_owned(), Some(7)),
        ]
    );
}

#[test]
fn a_licence_validity_written_as_licences_print_it_is_the_date_it_ends() {
    let r = read(
        "inst_validity.csv",
        "机构名称,执业许可证有效期至,母婴保健许可有效期至\n\
         甲医院,2021.1.1-2024.1.1,2021年1月1日至2024年1月1日\n\
         乙医院,2021-01-01~2024-01-01,至2023年5月1日\n\
         丙医院,2025年6月,长期\n\
         丁医院,长期有效,永久\n\
         戊医院,有效期至：2026-03-15,2026-03-15\n",
    );
    assert_eq!(
        r.sheets[0].dataset,
        Some(auditor_model::Dataset::Institution)
    );
    assert_eq!(
        values(&r, "valid_to"),
        [
            "2024-01-01",
            "2024-01-01",
            "2025-06-30",
            "9999-12-31",
            "2026-03-15"
        ]
    );
    assert_eq!(
        values(&r, "mch_valid_to"),
        [
            "2024-01-01",
            "2023-05-01",
            "9999-12-31",
            "9999-12-31",
            "2026-03-15"
        ]
    );
    assert_eq!(findings(&r), []);
}

#[test]
fn a_date_that_is_not_a_period_end_takes_no_period() {
    // last_validated is a day something happened: a period or 长期 there is no date.
    let r = read(
        "inst_validated.csv",
        "机构名称,机构类别,诊疗科目,校验日期\n\
         甲医院,综合医院,妇产科,2021.1.1-2024.1.1\n\
         乙医院,综合医院,妇产科,长期\n\
         丙医院,综合医院,妇产科,2024-05-01\n",
    );
    assert_eq!(values(&r, "last_validated"), ["", "", "2024-05-01"]);
    assert_eq!(
        findings(&r),
        [
            ("DQ-DATE-INVALID".to_owned(), Some(2)),
            ("DQ-DATE-INVALID".to_owned(), Some(3)),
        ]
    );
}
