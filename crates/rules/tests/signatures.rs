//! US-DUAL-SIGN on a register that keeps both signatures in one column (双人签名: "张伟、李娜"):
//! two different real names there sign the exam, as two columns would.

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

fn dual_sign(csv: &str) -> Vec<Finding> {
    evaluate(
        &Catalogue::builtin().unwrap(),
        &Pack::builtin("national").unwrap(),
        &DrugCatalog::builtin().unwrap(),
        &common::csv_tables(&[("exams.csv", csv)]),
        NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
    )
    .0
    .into_iter()
    .filter(|f| f.rule == "US-DUAL-SIGN")
    .collect()
}

#[test]
fn two_different_names_in_one_signatures_column_sign_the_exam() {
    let csv = "检查日期,检查号,姓名,身份证号,孕周,检查项目,操作医师,双人签名\n\
        2024-03-01 08:30,US001,王丽,370921199603140025,16周,产科B超,张伟,张伟、李娜\n\
        2024-03-01 09:10,US002,刘芳,370921199311080040,12周,产科B超,张伟,张伟、张伟\n\
        2024-03-02 10:05,US003,陈静,370923199805220069,20周,产科B超,,张伟、无\n\
        2024-03-02 14:20,US004,赵敏,370911199009170085,8周,早孕B超,,无\n\
        2024-03-03 09:00,US005,孙悦,370921199501020102,24周,产科彩超,,王强，李娜\n\
        2024-03-04 10:40,US006,周婷,370921200107300128,18周,产科B超,李娜,王强\n\
        2024-03-05 08:50,US007,吴倩,370921198804250146,22周,产科彩超,王强,\n";
    let hits = dual_sign(csv);
    // 3 张伟 twice; 4 张伟 and a placeholder; 5 no name at all; 8 only the operator.
    // Not fired: 2 and 6 two names in the column; 7 the operator and one more name.
    assert_eq!(
        hits.iter().map(|f| f.row).collect::<Vec<_>>(),
        [Some(3), Some(4), Some(5), Some(8)],
        "{hits:?}"
    );
    assert!(hits[0].message.contains("同一人"), "{}", hits[0].message);
    assert!(hits.iter().all(|f| !f.message_en.contains("no column")));
}

#[test]
fn a_register_with_neither_a_second_column_nor_a_signatures_column_is_one_finding() {
    let csv = "检查日期,检查号,姓名,身份证号,孕周,检查项目,操作医师\n\
        2024-03-01 08:30,US001,王丽,370921199603140025,16周,产科B超,张伟\n";
    let hits = dual_sign(csv);
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].row, None);
}

#[test]
fn an_operators_cell_holding_both_names_is_judged_row_by_row_as_a_signatures_column() {
    let csv = "检查日期,姓名,身份证号,孕周,检查医师,超声提示\n\
        2024-04-01,王丽,370921199603140025,20周,张伟、李娜,正常\n\
        2024-04-02,刘芳,370921199311080040,20周,张伟/李娜,正常\n\
        2024-04-03,陈静,370923199805220069,20周,张伟,正常\n\
        2024-04-04,赵敏,370911199009170085,20周,张伟（签）,正常\n\
        2024-04-05,孙悦,370921199501020102,20周,张伟+李娜,正常\n\
        2024-04-06,周婷,370921200107300128,20周,张伟 李娜（复核）,正常\n\
        2024-04-07,吴倩,370921198804250146,20周,张伟、张伟,正常\n";
    let hits = dual_sign(csv);
    // 4 one name; 5 one name and the clerk's note; 8 the same person twice. No sheet-level
    // "no second column": rows 2, 3, 6 and 7 hold two people.
    assert_eq!(
        hits.iter()
            .map(|f| (f.row, f.message.as_str()))
            .collect::<Vec<_>>(),
        [
            (
                Some(4),
                "B超检查双人操作、双人签字：签名栏只有“张伟”一人签名，缺第二人签名"
            ),
            (
                Some(5),
                "B超检查双人操作、双人签字：签名栏只有“张伟”一人签名，缺第二人签名"
            ),
            (Some(8), "B超检查双人操作、双人签字：两处签名是同一人“张伟”"),
        ],
        "{hits:?}"
    );
}
