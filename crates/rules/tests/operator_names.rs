//! The names an operator's cell or a signatures column holds are judged one by one: two names
//! in one cell (Alt+Enter, "张伟、李娜") are two signers and two registry look-ups; the names of a
//! single 双人签名 column are checked against the staff registry as an operator column's are.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod common;

use auditor_model::Finding;
use auditor_rules::{Catalogue, DrugCatalog, Pack, evaluate};
use chrono::NaiveDate;

fn run(exams: &str) -> Vec<Finding> {
    let staff = common::fixture("US-OPERATOR-LISTED", "staff.csv");
    evaluate(
        &Catalogue::builtin().unwrap(),
        &Pack::builtin("national").unwrap(),
        &DrugCatalog::builtin().unwrap(),
        &common::csv_tables(&[("exams.csv", exams), ("staff.csv", &staff)]),
        NaiveDate::from_ymd_opt(2024, 6, 30).unwrap(),
    )
    .0
}

fn of<'f>(findings: &'f [Finding], rule: &str) -> Vec<&'f Finding> {
    findings.iter().filter(|f| f.rule == rule).collect()
}

fn rows(findings: &[&Finding]) -> Vec<Option<u32>> {
    findings.iter().map(|f| f.row).collect()
}

#[test]
fn two_names_in_one_operator_cell_are_two_signers_each_looked_up() {
    let csv = "检查日期,检查号,姓名,身份证号,孕周,检查项目,操作医师,第二人\n\
        2024-03-01 08:30,US001,王丽,370921199603140025,16周,产科B超,\"张伟\n李娜\",\n\
        2024-03-01 09:10,US002,刘芳,370921199311080040,12周,产科B超,张伟、王强,\n\
        2024-03-02 10:05,US003,陈静,370923199805220069,20周,产科彩超,张伟,\n";
    let findings = run(csv);
    // Lines 2-3 two physicians in one cell: nothing; 4 王强 is a nurse; 5 张伟 alone.
    let dual = of(&findings, "US-DUAL-SIGN");
    assert_eq!(rows(&dual), [Some(5)], "{dual:?}");
    let listed = of(&findings, "US-OPERATOR-LISTED");
    assert_eq!(rows(&listed), [Some(4)], "{listed:?}");
    assert!(
        listed[0].message.contains("“王强”的执业类别为护士"),
        "{}",
        listed[0].message
    );
    assert!(!listed[0].message.contains("张伟"), "{}", listed[0].message);
}

#[test]
fn the_names_of_a_signatures_column_are_checked_against_the_staff_registry() {
    let csv = "检查日期,检查号,姓名,身份证号,孕周,检查项目,双人签名\n\
        2024-03-01 08:30,US001,王丽,370921199603140025,16周,产科B超,张伟、李娜\n\
        2024-03-01 09:10,US002,刘芳,370921199311080040,12周,产科B超,\"张伟\n王强\"\n\
        2024-03-02 10:05,US003,陈静,370923199805220069,20周,产科彩超,王强、钱程\n";
    let findings = run(csv);
    assert!(of(&findings, "US-DUAL-SIGN").is_empty(), "{findings:?}");
    // Lines 3-4 王强 is a nurse; 5 王强 and 钱程, who is not in the registry, in one finding.
    let listed = of(&findings, "US-OPERATOR-LISTED");
    assert_eq!(rows(&listed), [Some(3), Some(5)], "{listed:?}");
    assert!(
        listed[0].message.contains("“王强”的执业类别为护士"),
        "{}",
        listed[0].message
    );
    assert!(
        listed[1].message.contains("“王强”的执业类别为护士")
            && listed[1].message.contains("“钱程”不在人员名录中"),
        "{}",
        listed[1].message
    );
}
