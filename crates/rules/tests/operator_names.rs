//! The names an operator's cell or a signatures column holds are judged one by one: two names
//! in one cell (Alt+Enter, "张伟、李娜") are two signers and two registry look-ups; the names of a
//! single 双人签名 column are checked against the staff registry as an operator column's are;
//! a ditto mark (同上, 〃) is no one's signature and is reported as such, not as a registry miss.

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

#[test]
fn a_ditto_mark_is_no_signature_rather_than_a_name_missing_from_the_registry() {
    let csv = "检查日期,检查号,姓名,身份证号,孕周,检查项目,操作医师,第二人\n\
        2024-03-01 08:30,US001,王丽,370921199603140025,16周,产科B超,张伟,同上\n\
        2024-03-01 09:10,US002,刘芳,370921199311080040,12周,产科B超,〃,李娜\n\
        2024-03-02 10:05,US003,陈静,370923199805220069,20周,产科彩超,同上,张伟\n";
    let findings = run(csv);
    // 2 张伟 and a ditto: one signature; 3 and 4 a ditto and one name.
    let dual = of(&findings, "US-DUAL-SIGN");
    assert_eq!(rows(&dual), [Some(2), Some(3), Some(4)], "{dual:?}");
    assert!(
        dual[0]
            .message
            .ends_with("签名栏写“同上”，不是本人签名；只有操作人“张伟”签名，缺第二人签名"),
        "{}",
        dual[0].message
    );
    assert!(
        dual[1]
            .message_en
            .contains("the signature reads 〃 (ditto), not a signature")
    );
    let listed = of(&findings, "US-OPERATOR-LISTED");
    assert_eq!(rows(&listed), [Some(3), Some(4)], "{listed:?}");
    assert!(
        listed[1].message.ends_with("签名栏写“同上”，不是本人签名"),
        "{}",
        listed[1].message
    );
    assert!(
        findings.iter().all(|f| !f.message.contains("不在人员名录")),
        "{findings:?}"
    );
}

#[test]
fn a_prescriber_written_as_a_ditto_mark_has_not_signed_the_prescription() {
    let staff = common::fixture("DRUG-RX-OBGYN", "staff.csv");
    let csv = "发药日期,处方号,开具日期,科别,姓名,身份证号,药品名称,规格,批号,数量,单位,处方医师,发药药师\n\
        2024-03-05,MZ001,2024-03-05,妇产科,王丽,370921199603140025,米非司酮片,25mg,230801,6,片,刘敏,陈静\n\
        2024-03-05,MZ002,2024-03-05,妇产科,刘芳,370921199311080040,米索前列醇片,0.2mg,231105,3,片,同上,陈静\n";
    let findings = evaluate(
        &Catalogue::builtin().unwrap(),
        &Pack::builtin("national").unwrap(),
        &DrugCatalog::builtin().unwrap(),
        &common::csv_tables(&[("drugs.csv", csv), ("staff.csv", &staff)]),
        NaiveDate::from_ymd_opt(2024, 6, 30).unwrap(),
    )
    .0;
    let present = of(&findings, "DRUG-RX-PRESENT");
    assert_eq!(rows(&present), [Some(3)], "{present:?}");
    assert!(
        present[0]
            .message
            .ends_with("发放时无处方医师（签名栏写“同上”，不是本人签名）"),
        "{}",
        present[0].message
    );
    let qualified = of(&findings, "DRUG-RX-OBGYN");
    assert_eq!(rows(&qualified), [Some(3)], "{qualified:?}");
    assert!(
        qualified[0]
            .message
            .ends_with("签名栏写“同上”，不是本人签名"),
        "{}",
        qualified[0].message
    );
}
