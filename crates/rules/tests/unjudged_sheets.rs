//! A sheet without a column a rule cannot do without is not judged by that rule, and the run's
//! notes say so — the rule, the sheet and the column — so that no finding never reads as
//! "all clear": a device register without its purchase dates shows no late filing, and an exam
//! register without its conclusion or remarks shows no disclosed sex.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod common;

use auditor_rules::Skipped;
use chrono::NaiveDate;

fn notes_of<'s>(notes: &'s [Skipped], rule: &str) -> Vec<(&'s str, &'s str)> {
    notes
        .iter()
        .filter(|n| n.rule == rule)
        .map(|n| (n.zh.as_str(), n.en.as_str()))
        .collect()
}

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
}

#[test]
fn a_device_register_without_purchase_dates_is_noted_as_not_judged_on_the_deadline() {
    let csv = "单位名称,设备名称,出厂编号,使用场所,操作人员,备案日期\n\
        宁阳县人民医院,彩色多普勒超声诊断仪,SN001,超声科1室,王强、李娜,2026-03-20\n\
        宁阳县人民医院,便携式B超,SN002,妇产科门诊,王强,\n";
    let (findings, notes) = common::judge("national", &[("devices.csv", csv)], as_of());
    assert!(
        findings.iter().all(|f| f.rule != "US-DEVICE-FILED-ON-TIME"),
        "{findings:#?}"
    );
    assert_eq!(
        notes_of(&notes, "US-DEVICE-FILED-ON-TIME"),
        [(
            "US-DEVICE-FILED-ON-TIME：表中没有“购置日期”列，本表 2 条记录未按此规则检查（devices.csv）",
            "US-DEVICE-FILED-ON-TIME: the sheet has no Purchase date column; its 2 records were not judged (devices.csv)"
        )]
    );
}

#[test]
fn a_device_register_with_purchase_dates_gets_no_such_note() {
    let csv = "单位名称,设备名称,出厂编号,购置日期,使用场所,操作人员,备案日期\n\
        宁阳县人民医院,彩色多普勒超声诊断仪,SN001,2026-01-10,超声科1室,王强、李娜,2026-01-20\n";
    let (findings, notes) = common::judge("national", &[("devices.csv", csv)], as_of());
    assert!(
        findings.iter().all(|f| f.rule != "US-DEVICE-FILED-ON-TIME"),
        "{findings:#?}"
    );
    assert_eq!(notes_of(&notes, "US-DEVICE-FILED-ON-TIME"), []);
}

#[test]
fn an_exam_register_without_any_text_column_is_noted_as_not_searched_for_fetal_sex() {
    let csv = "检查日期,姓名,身份证号,孕周,操作医师,复核医师\n\
        2026-03-05,张丽,370921199102111023,16周,王强,李娜\n";
    let (findings, notes) = common::judge("national", &[("exams.csv", csv)], as_of());
    assert!(
        findings.iter().all(|f| f.rule != "US-SEX-DISCLOSURE"),
        "{findings:#?}"
    );
    assert_eq!(
        notes_of(&notes, "US-SEX-DISCLOSURE"),
        [(
            "US-SEX-DISCLOSURE：表中没有“结论”“超声所见”“备注”中任何一列，本表 1 条记录未按此规则检查（exams.csv）",
            "US-SEX-DISCLOSURE: the sheet has none of the columns Findings, Description, Remarks; its 1 record was not judged (exams.csv)"
        )]
    );
}

/// The cross-ledger rules link records by the woman's ID number: a termination register and
/// an exam register without one link no one, and the notes say so rather than "nothing found".
#[test]
fn registers_without_id_numbers_are_noted_as_not_linked() {
    let terminations = "手术日期,病历号,姓名,年龄,孕周,术式,原因,证明类型,证明编号,出具单位,施术者\n\
        2024-03-13,ZY0313001,王丽,27,18周,依沙吖啶羊膜腔内注射引产,本人要求,,,,刘敏\n";
    let exams = "检查时间,检查号,姓名,年龄,孕周,检查项目,检查机构,操作医师,第二人\n\
        2024-03-01 08:30,US0301001,王丽,27,16周,产科B超,青山县人民医院,张伟,李娜\n";
    let (findings, notes) = common::judge(
        "national",
        &[("top.csv", terminations), ("exams.csv", exams)],
        as_of(),
    );
    assert!(
        findings
            .iter()
            .all(|f| f.rule != "X-US-THEN-TOP" && f.rule != "US-SHOPPING"),
        "{findings:#?}"
    );
    assert_eq!(
        notes_of(&notes, "X-US-THEN-TOP"),
        [(
            "X-US-THEN-TOP：表中没有“身份证号”列，本表 1 条记录未按此规则检查（top.csv）",
            "X-US-THEN-TOP: the sheet has no ID number column; its 1 record was not judged (top.csv)"
        )]
    );
    assert_eq!(notes_of(&notes, "US-SHOPPING").len(), 1, "{notes:#?}");
}
