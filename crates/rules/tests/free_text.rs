//! Free text quoted from a cell: a conclusion may hold the woman's ID number and phone, and no
//! finding may carry them to a screen or a printed report.

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

fn run(files: &[(&str, &str)]) -> Vec<Finding> {
    evaluate(
        &Catalogue::builtin().unwrap(),
        &Pack::builtin("national").unwrap(),
        &DrugCatalog::builtin().unwrap(),
        &common::csv_tables(files),
        NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
    )
    .0
}

/// The longest run of digits in `text`.
fn longest_digit_run(text: &str) -> usize {
    text.split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap_or(0)
}

#[test]
fn a_sex_disclosure_quotes_a_masked_stretch_not_the_ids_and_phones_in_the_cell() {
    let exams = "检查日期,检查号,姓名,身份证号,孕周,检查项目,操作医师,第二人,超声所见,结论\n\
        2024-03-01 08:30,US001,王丽,370921199603140025,22周,产科B超,张伟,李娜,胎儿发育正常,\
        王芳（身份证320102199203150249）宫内单活胎，男胎 电话13812345678\n\
        2024-03-01 09:10,US002,刘芳,370921199311080040,20周,产科B超,张伟,李娜,\
        联系人座机051083001234，胎儿为女，另一证件11010519491231002X,单胎存活\n\
        2024-03-01 09:30,US003,赵敏,370921199512010023,24周,产科B超,张伟,李娜,胎儿发育正常,单胎存活\n";
    let findings = run(&[("exams.csv", exams)]);
    let disclosures: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.rule == "US-SEX-DISCLOSURE")
        .collect();
    assert_eq!(
        disclosures.iter().map(|f| f.row).collect::<Vec<_>>(),
        [Some(2), Some(3)],
        "{disclosures:?}"
    );
    assert!(
        disclosures[0].message.contains("男胎"),
        "{}",
        disclosures[0].message
    );
    for f in &findings {
        for message in [&f.message, &f.message_en] {
            assert!(longest_digit_run(message) <= 6, "{}: {message}", f.rule);
            for raw in ["320102199203150249", "13812345678", "11010519491231002X"] {
                assert!(!message.contains(raw), "{}: {message}", f.rule);
            }
        }
    }
}

#[test]
fn a_sex_disclosure_quotes_the_clerks_own_text_and_the_term_as_it_stands_in_it() {
    let findings = run(&[(
        "exams.csv",
        &common::fixture("US-SEX-DISCLOSURE", "violating.csv"),
    )]);
    let message = |row: u32| {
        findings
            .iter()
            .find(|f| f.rule == "US-SEX-DISCLOSURE" && f.row == Some(row))
            .map(|f| f.message.clone())
            .unwrap()
    };
    // Written with a full-width colon, as the rule writes the term: quoted as written.
    assert_eq!(
        message(8),
        "B超报告不得出现胎儿性别信息：超声所见中出现“性别：女”：“宫内单活胎，性别：女”"
    );
    // "性别: 男" is found through its normal form, and quoted so.
    assert_eq!(
        message(9),
        "B超报告不得出现胎儿性别信息：超声所见中出现“性别:男”：“宫内单活胎性别:男”"
    );
}
