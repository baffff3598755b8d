//! Two-row headers whose sub-headers say little without the group cell above them: 购置情况 →
//! 日期, 处方 → 编号/日期/医师, 查验登记证明 → 类型/编号/出具单位, 签字 → 操作/复核, 医师签名 →
//! 1/2, 检查时间 → 日期/时间. The group and sub-header are read together, the sub-header row
//! is never a record, and a register's third signer column is read rather than dropped.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::path::PathBuf;

use auditor_ingest::{Catalog, IdHasher, Ingest, InputReport};
use auditor_model::Dataset;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("auditor-two-row-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn read_path(path: &std::path::Path, name: &str) -> InputReport {
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

/// Writes `rows` (row, col, text) and `merges` (first row, first col, last row, last col, text)
/// to one sheet and reads it.
fn read_xlsx(
    name: &str,
    cells: &[(u32, u16, &str)],
    merges: &[(u32, u16, u32, u16, &str)],
) -> InputReport {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let fmt = rust_xlsxwriter::Format::new();
    for &(r0, c0, r1, c1, text) in merges {
        ws.merge_range(r0, c0, r1, c1, text, &fmt).unwrap();
    }
    for &(r, c, text) in cells {
        ws.write(r, c, text).unwrap();
    }
    let path = scratch(name);
    wb.save(&path).unwrap();
    read_path(&path, name)
}

fn values(r: &InputReport, name: &str) -> Vec<String> {
    let t = &r.tables[0];
    (0..t.len()).map(|i| t.display(name, i)).collect()
}

/// (rule, row, message) of every finding, in order.
fn findings(r: &InputReport) -> Vec<(String, Option<u32>, String)> {
    r.findings
        .iter()
        .map(|f| (f.rule.clone(), f.row, f.message.clone()))
        .collect()
}

#[test]
fn dates_under_purchase_and_filing_groups_are_the_purchase_and_filing_dates() {
    // Item 1: 购置情况 → 日期 / 供货单位 and 备案情况 → 日期 / 机关, a title above, the other
    // headers merged down over both header rows.
    let r = read_xlsx(
        "device.xlsx",
        &[
            (2, 2, "日期"),
            (2, 3, "供货单位"),
            (2, 5, "日期"),
            (2, 6, "机关"),
            (3, 0, "彩色多普勒超声诊断仪"),
            (3, 1, "LOGIQ P9"),
            (3, 2, "2026-01-10"),
            (3, 3, "济南医疗器械公司"),
            (3, 4, "超声科"),
            (3, 5, "2026-03-20"),
            (3, 6, "宁阳县卫健局"),
            (3, 7, "张伟、李娜"),
            (4, 0, "B超机"),
            (4, 1, "DC-30"),
            (4, 2, "2026-05-01"),
            (4, 3, "泰安医疗器械公司"),
            (4, 4, "妇产科"),
            (4, 7, "王强、李娜"),
        ],
        &[
            (0, 0, 0, 7, "超声诊断设备备案登记表"),
            (1, 0, 2, 0, "设备名称"),
            (1, 1, 2, 1, "型号"),
            (1, 2, 1, 3, "购置情况"),
            (1, 4, 2, 4, "安装地点"),
            (1, 5, 1, 6, "备案情况"),
            (1, 7, 2, 7, "操作人员"),
        ],
    );
    assert_eq!(
        r.sheets[0].dataset,
        Some(Dataset::UsDevice),
        "{:?}",
        r.sheets
    );
    assert_eq!(r.sheets[0].header_row, Some(3));
    assert_eq!(values(&r, "purchase_date"), ["2026-01-10", "2026-05-01"]);
    assert_eq!(values(&r, "filed_date"), ["2026-03-20", ""]);
    assert_eq!(values(&r, "filed_with"), ["宁阳县卫健局", ""]);
    assert_eq!(
        values(&r, "seller"),
        ["济南医疗器械公司", "泰安医疗器械公司"]
    );
    assert_eq!(values(&r, "location"), ["超声科", "妇产科"]);
    assert_eq!(r.sheets[0].unmapped, Vec::<String>::new());
    assert_eq!(findings(&r), []);
}

#[test]
fn times_under_purchase_and_filing_groups_are_their_dates_too() {
    // Item 1 (31b): 购置情况 → 时间 / 供货商, 备案情况 → 时间 / 部门, in a CSV (no merges: an
    // empty group cell belongs to the group on its left).
    let r = read_csv(
        "device_time.csv",
        "设备名称,购置情况,,使用场所,备案情况,\n\
         ,时间,供货商,,时间,部门\n\
         B超机,2026-01-10,泰安医疗器械公司,超声科,2026-03-20,宁阳县卫健局\n",
    );
    assert_eq!(r.sheets[0].dataset, Some(Dataset::UsDevice));
    assert_eq!(r.sheets[0].header_row, Some(2));
    assert_eq!(values(&r, "purchase_date"), ["2026-01-10"]);
    assert_eq!(values(&r, "seller"), ["泰安医疗器械公司"]);
    assert_eq!(values(&r, "filed_date"), ["2026-03-20"]);
    assert_eq!(values(&r, "filed_with"), ["宁阳县卫健局"]);
    assert_eq!(findings(&r), []);
}

#[test]
fn a_date_under_the_prescription_group_is_the_prescription_date() {
    // Item 9: 处方 → 编号 / 日期 / 医师 beside 发药日期; 日期 alone would be a second
    // dispensing date.
    let r = read_csv(
        "dispense.csv",
        "米非司酮发药登记\n\
         发药日期,姓名,药品名称,批号,处方,,,药师\n\
         ,,,,编号,日期,医师,\n\
         2026-03-05,张丽,米索前列醇片,B2301,RX003,2026-03-07,王医师,李药师\n",
    );
    assert_eq!(r.sheets[0].dataset, Some(Dataset::DrugDispense));
    assert_eq!(r.sheets[0].header_row, Some(3));
    assert_eq!(values(&r, "dispense_date"), ["2026-03-05"]);
    assert_eq!(values(&r, "rx_no"), ["RX003"]);
    assert_eq!(values(&r, "rx_date"), ["2026-03-07"]);
    assert_eq!(values(&r, "prescriber_id"), ["王医师"]);
    assert_eq!(values(&r, "pharmacist_id"), ["李药师"]);
    assert_eq!(findings(&r), []);
}

#[test]
fn certificate_sub_headers_under_any_certificate_group() {
    // Item 23: 查验登记证明 and 证明材料情况 over 类型 / 编号 / 出具单位.
    for group in ["查验登记证明", "证明材料情况", "证明情况"] {
        let r = read_csv(
            "termination.csv",
            &format!(
                "手术日期,姓名,孕周,手术方式,{group},,\n\
                 ,,,,类型,编号,出具单位\n\
                 2026-03-05,张丽,20,引产术,医学需要证明,2026-015,宁阳县卫健局\n\
                 2026-03-06,李红,21,引产术,,,\n"
            ),
        );
        assert_eq!(r.sheets[0].dataset, Some(Dataset::Termination), "{group}");
        assert_eq!(r.sheets[0].header_row, Some(2), "{group}");
        assert_eq!(values(&r, "cert_type"), ["医学需要证明", ""], "{group}");
        assert_eq!(values(&r, "cert_no"), ["2026-015", ""], "{group}");
        assert_eq!(values(&r, "cert_issuer"), ["宁阳县卫健局", ""], "{group}");
        assert_eq!(r.sheets[0].unmapped, Vec::<String>::new(), "{group}");
    }
}

#[test]
fn signer_sub_headers_are_the_two_signers_by_their_place() {
    // Item 6: the sub-headers of a signing group name the two signers by a mark, a role or a
    // number; the sub-header row is no record.
    for (group, first, second) in [
        ("医师签名", "1", "2"),
        ("签字", "操作", "复核"),
        ("双人签名", "甲", "乙"),
        ("检查医师", "操作", "记录"),
        ("操作人员", "主操作", "副操作"),
    ] {
        let r = read_csv(
            "exam.csv",
            &format!(
                "检查日期,姓名,孕周,超声提示,{group},\n\
                 ,,,,{first},{second}\n\
                 2026-03-05,张丽,16周,宫内妊娠,王强,李娜\n\
                 2026-03-06,李红,18周,宫内妊娠,王强,\n"
            ),
        );
        let label = format!("{group} → {first}/{second}");
        assert_eq!(r.sheets[0].dataset, Some(Dataset::UsExam), "{label}");
        assert_eq!(r.sheets[0].header_row, Some(2), "{label}");
        assert_eq!(
            values(&r, "exam_ts"),
            ["2026-03-05 00:00:00", "2026-03-06 00:00:00"],
            "{label}"
        );
        assert_eq!(values(&r, "op1_id"), ["王强", "王强"], "{label}");
        assert_eq!(values(&r, "op2_id"), ["李娜", ""], "{label}");
        assert_eq!(findings(&r), [], "{label}");
    }
}

#[test]
fn a_time_under_the_exam_time_group_is_the_exams_time() {
    // Item 7: 检查时间 → 日期 / 时间; a time that cannot be is reported on its own cell.
    let r = read_xlsx(
        "date_time.xlsx",
        &[
            (1, 0, "日期"),
            (1, 1, "时间"),
            (2, 0, "2026-03-05"),
            (2, 1, "09:30"),
            (2, 2, "张丽"),
            (2, 3, "王强"),
            (2, 4, "李娜"),
            (3, 0, "2026-03-05"),
            (3, 1, "25:30"),
            (3, 2, "李红"),
            (3, 3, "王强"),
            (3, 4, "李娜"),
        ],
        &[
            (0, 0, 0, 1, "检查时间"),
            (0, 2, 1, 2, "姓名"),
            (0, 3, 1, 3, "操作医师"),
            (0, 4, 1, 4, "复核医师"),
        ],
    );
    assert_eq!(r.sheets[0].dataset, Some(Dataset::UsExam));
    assert_eq!(r.sheets[0].header_row, Some(2));
    assert_eq!(
        values(&r, "exam_ts"),
        ["2026-03-05 09:30:00", "2026-03-05 00:00:00"]
    );
    assert_eq!(
        findings(&r),
        [(
            "DQ-TIME-INVALID".to_owned(),
            Some(4),
            "B4「检查时间」的值“25:30”不是有效时间".to_owned()
        )]
    );
}

#[test]
fn a_third_signer_column_signs_with_the_others() {
    // Item 27: 记录员 and 复核医师 both name a second signer; the second is read as one of the
    // register's signatures, not dropped as a duplicate.
    let r = read_csv(
        "three_staff.csv",
        "检查日期,姓名,孕周,操作医师,记录员,复核医师\n\
         2026-03-05,张丽,16周,王强,,李娜\n\
         2026-03-06,李红,18周,王强,赵护士,\n\
         2026-03-07,刘芳,20周,王强,,\n",
    );
    assert_eq!(values(&r, "op1_id"), ["王强", "王强", "王强"]);
    assert_eq!(values(&r, "op2_id"), ["", "赵护士", ""]);
    assert_eq!(values(&r, "signatures"), ["李娜", "", ""]);
    assert_eq!(findings(&r), []);
}
