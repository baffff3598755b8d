//! TOP-14W-CERT on cases the register does not give a gestational age for, and on certificate
//! numbers that are no numbers: a method done only from 14 weeks (中期引产, 钳刮) is judged as
//! 14 weeks or more; other methods are counted in the run's notes, not skipped silently.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod common;

use chrono::NaiveDate;

#[test]
fn a_case_without_a_gestational_age_is_judged_by_its_method_and_a_yes_mark_is_no_number() {
    let csv = "手术日期,姓名,身份证号,孕周,术式,终止妊娠原因,证明类型,证明编号,出具单位,手术医师\n\
        2024-11-10,王芳,320102199001100200,,中期引产,,,,,高红\n\
        2024-11-11,李秀英,320102199002110224,/,钳刮术,,,,,高红\n\
        2024-11-12,赵敏,320102199003120248,16,中期引产,,医学诊断证明,YX-001,XX市妇幼保健院,高红\n\
        2024-11-13,钱丽,320102199004130261,16,中期引产,医学需要,医学诊断证明,有,XX市妇幼保健院,高红\n\
        2024-11-14,孙丽,320102199005140285,,负压吸引术,,,,,高红\n\
        2024-11-15,周静,320102199006150303,,中期引产,,医学诊断证明,YX-002,XX市妇幼保健院,高红\n";
    let (findings, skipped) = common::judge(
        "national",
        &[("top.csv", csv)],
        NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
    );
    let hits: Vec<_> = findings
        .iter()
        .filter(|f| f.rule == "TOP-14W-CERT")
        .collect();
    // 2 中期引产 and 3 钳刮术 without an age, no certificate; 5 the number reads 有.
    // Not fired: 4 complete; 6 负压吸引术 without an age (counted); 7 中期引产 without an age but
    // a complete certificate.
    assert_eq!(
        hits.iter().map(|f| f.row).collect::<Vec<_>>(),
        [Some(2), Some(3), Some(5)],
        "{hits:?}"
    );
    assert!(
        hits[0]
            .message
            .contains("术式为中期引产，按孕14周以上判定：终止妊娠，未查验登记证明：证明类型、证明编号、出具单位"),
        "{}",
        hits[0].message
    );
    assert!(
        hits[1].message.contains("术式为钳刮术，按孕14周以上判定"),
        "{}",
        hits[1].message
    );
    assert!(
        hits[2]
            .message
            .ends_with("孕 16 周终止妊娠，未查验登记证明：证明编号（证明编号“有”不是编号）"),
        "{}",
        hits[2].message
    );
    assert!(hits[2].message_en.contains("\"有\" is not a number"));
    let notes: Vec<_> = skipped
        .iter()
        .filter(|s| s.rule == "TOP-14W-CERT")
        .collect();
    assert_eq!(notes.len(), 1, "{skipped:?}");
    assert!(
        notes[0].zh.starts_with("1 例终止妊娠既无孕周"),
        "{}",
        notes[0].zh
    );
}

/// A sheet without an issuer column: the certificate type and number a row records are a
/// registered certificate; the missing column is one finding for the sheet.
#[test]
fn a_missing_issuer_column_is_one_sheet_finding_not_a_rows_missing_certificate() {
    let csv = "手术日期,姓名,身份证号,孕周,术式,终止妊娠原因,证明类型,证明编号,手术医师\n\
        2024-11-10,王芳,320102199001100200,16,中期引产,医学需要,医学需要证明,ZZRS-2024-0031,高红\n\
        2024-11-11,李秀英,320102199002110224,17,中期引产,,,,高红\n\
        2024-11-12,赵敏,320102199003120248,8,负压吸引术,,,,高红\n";
    let (findings, _) = common::judge(
        "national",
        &[("top.csv", csv)],
        NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
    );
    let hits: Vec<(Option<u32>, &str, &str)> = findings
        .iter()
        .filter(|f| f.rule == "TOP-14W-CERT")
        .map(|f| (f.row, f.message.as_str(), f.message_en.as_str()))
        .collect();
    // The sheet lacks the issuer for the 2 cases of 14 weeks or more; row 3 records neither
    // type nor number; row 2 records both; row 4 is under 14 weeks.
    assert_eq!(
        hits,
        [
            (
                None,
                "妊娠14周以上终止妊娠查验登记证明：孕14周以上终止妊娠的证明登记不全：表中没有“出具单位”列，须填写该项的 2 条记录都缺少",
                "Certificates checked for terminations at 14 weeks or more: certificates of terminations at 14 weeks or more are not fully registered: the sheet has no column for Certificate issuer: all 2 records that need it lack it",
            ),
            (
                Some(3),
                "妊娠14周以上终止妊娠查验登记证明：孕 17 周终止妊娠，未查验登记证明：证明类型、证明编号",
                "Certificates checked for terminations at 14 weeks or more: termination at 17 weeks without a registered certificate: Certificate type, Certificate number",
            ),
        ]
    );
}
