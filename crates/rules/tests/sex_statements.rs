//! US-SEX-DISCLOSURE on statements of fetal sex as clerks write them — without a colon
//! (性别男), of the genitals (生殖器：男), of twins (一男一女, 均为女性), in English (BOY) —
//! and silent on texts that tell no fetal sex: the woman's own (孕妇性别：女), a refusal being
//! recorded (胎儿性别鉴定已拒绝并登记), a sex not known (胎儿性别不详).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod common;

use chrono::NaiveDate;

#[test]
fn statements_of_fetal_sex_are_found_and_the_womans_sex_or_a_refusal_are_not() {
    let exams = "检查日期,姓名,身份证号,孕周,操作医师,复核医师,备注\n\
        2026-03-05,张丽,370921199102111023,16周,王强,李娜,宫内妊娠，单活胎，性别男\n\
        2026-03-05,张丽,370921199102111023,16周,王强,李娜,生殖器：男\n\
        2026-03-05,张丽,370921199102111023,16周,王强,李娜,双胎，一男一女\n\
        2026-03-05,张丽,370921199102111023,16周,王强,李娜,双胎，均为女性\n\
        2026-03-05,张丽,370921199102111023,16周,王强,李娜,宫内妊娠，BOY\n\
        2026-03-05,张丽,370921199102111023,16周,王强,李娜,孕妇性别：女\n\
        2026-03-05,张丽,370921199102111023,16周,王强,李娜,胎儿性别鉴定已拒绝并登记\n\
        2026-03-05,张丽,370921199102111023,16周,王强,李娜,胎儿性别不详\n\
        2026-03-05,张丽,370921199102111023,16周,王强,李娜,患者性别:女，停经16周\n\
        2026-03-05,张丽,370921199102111023,16周,王强,李娜,胎儿性别：女\n\
        2026-03-05,张丽,370921199102111023,16周,王强,李娜,外院告知为男胎，来院要求复查\n\
        2026-03-05,张丽,370921199102111023,16周,王强,李娜,胎儿性别：男，已拒绝告知\n\
        2026-03-05,张丽,370921199102111023,16周,王强,李娜,胎儿外生殖器显示不清\n";
    let (findings, _) = common::judge(
        "national",
        &[("exams.csv", exams)],
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
    );
    let hits: Vec<(Option<u32>, &str)> = findings
        .iter()
        .filter(|f| f.rule == "US-SEX-DISCLOSURE")
        .map(|f| (f.row, f.message.as_str()))
        .collect();
    // Rows 7-10 and 14 tell no fetal sex; 13 states it although it also records a refusal.
    let lead = "B超报告不得出现胎儿性别信息：备注中出现";
    let expected: Vec<(Option<u32>, String)> = [
        (2, "“性别男”：“…内妊娠，单活胎，性别男”"),
        (3, "“生殖器：男”：“生殖器：男”"),
        (4, "“一男一女”：“双胎，一男一女”"),
        (5, "“均为女”：“双胎，均为女性”"),
        (6, "“boy”：“宫内妊娠,boy”"),
        (11, "“胎儿性别”：“胎儿性别：女”"),
        (12, "“男胎”：“外院告知为男胎，来院要求复查”"),
        (13, "“性别：男”：“胎儿性别：男，已拒绝告知”"),
    ]
    .into_iter()
    .map(|(row, said)| (Some(row), format!("{lead}{said}")))
    .collect();
    let hits: Vec<(Option<u32>, String)> = hits
        .into_iter()
        .map(|(row, message)| (row, message.to_owned()))
        .collect();
    assert_eq!(hits, expected);
}
