//! How the registry rules behave at their edges, beyond the fixtures: a ledger that does not say
//! whose it is, a registry missing from the inputs, a pharmacy's own ledger, two people of one
//! name.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod common;

use auditor_model::Finding;
use auditor_rules::Skipped;
use chrono::NaiveDate;

use common::fixture;

/// Runs the national pack over CSV texts given as (file name, contents).
fn run(files: &[(&str, &str)]) -> (Vec<Finding>, Vec<Skipped>) {
    common::judge(
        "national",
        files,
        NaiveDate::from_ymd_opt(2024, 6, 30).unwrap(),
    )
}

fn rows_of(findings: &[Finding], rule: &str) -> Vec<u32> {
    findings
        .iter()
        .filter(|f| f.rule == rule)
        .filter_map(|f| f.row)
        .collect()
}

#[test]
fn a_ledger_that_does_not_say_whose_it_is_gets_a_note_not_a_verdict() {
    // No institution column, no title row: nobody to look up.
    let ledger = "发药日期,处方号,开具日期,姓名,身份证号,药品名称,规格,数量,单位,处方医师\n\
        2024-03-05,MZ1,2024-03-05,王丽,370921199603140025,米非司酮片,25mg,6,片,刘敏\n\
        2024-03-06,MZ2,2024-03-06,刘芳,370921199311080040,米索前列醇片,0.2mg,3,片,刘敏\n";
    let (findings, skipped) = run(&[
        ("unowned.csv", ledger),
        (
            "institutions.csv",
            &fixture("DRUG-USE-APPROVED-INST", "institutions.csv"),
        ),
    ]);
    assert_eq!(
        rows_of(&findings, "DRUG-USE-APPROVED-INST"),
        Vec::<u32>::new()
    );
    let note = skipped
        .iter()
        .find(|s| s.rule == "DRUG-USE-APPROVED-INST")
        .expect("a note for the unjudged records");
    assert!(
        note.zh.contains("2 条记录无法确定所属机构") && note.zh.contains("unowned.csv"),
        "{note:?}"
    );
    assert!(note.en.contains("2 records could not be tied"), "{note:?}");
}

#[test]
fn a_rule_whose_registry_is_not_among_the_inputs_says_which_one_it_needs() {
    let (findings, skipped) = run(&[("violating.csv", &fixture("DRUG-RX-OBGYN", "violating.csv"))]);
    assert_eq!(rows_of(&findings, "DRUG-RX-OBGYN"), Vec::<u32>::new());
    let note = skipped.iter().find(|s| s.rule == "DRUG-RX-OBGYN").unwrap();
    assert!(
        note.zh.contains("人员名录") && note.en.contains("a staff registry"),
        "{note:?}"
    );
    // A rule whose registry is there is not noted.
    assert!(!skipped.iter().any(|s| s.rule == "DRUG-RX-PRESENT"));
}

#[test]
fn a_retail_pharmacys_own_ledger_fires_on_every_termination_drug_line() {
    let ledger = "青山康泰大药房药品购进验收记录\n\
        日期,类型,通用名称,规格,批准文号,批号,有效期至,数量,单位,供货单位\n\
        2024-03-01,购进,米非司酮片,25mg,国药准字H20010123,230801,2026-07-31,2,盒,鲁中医药有限公司\n\
        2024-03-02,购进,阿莫西林胶囊,0.25g,国药准字H13023964,240101,2026-12-31,20,盒,鲁中医药有限公司\n\
        2024-03-03,零售,米索前列醇片,0.2mg,国药准字H20000668,231105,2025-10-31,1,盒,\n";
    let (findings, _) = run(&[("pharmacy.csv", ledger)]);
    assert_eq!(rows_of(&findings, "DRUG-NO-RETAIL"), vec![3, 5]);
    let first = findings
        .iter()
        .find(|f| f.rule == "DRUG-NO-RETAIL")
        .unwrap();
    assert!(
        first
            .message
            .contains("零售药店“青山康泰大药房”经营终止妊娠药品“米非司酮片”"),
        "{}",
        first.message
    );
}

#[test]
fn two_staff_of_one_name_are_flagged_as_an_uncertain_match() {
    let staff = "姓名,工号,执业类别,执业范围,执业地点\n\
        赵红,QS0103,执业医师,内科专业,青山县人民医院\n\
        赵红,QS0199,执业医师,妇产科专业,青山县人民医院\n";
    let ledger = fixture("DRUG-RX-OBGYN", "violating.csv");
    let (findings, _) = run(&[("violating.csv", &ledger), ("staff.csv", staff)]);
    let hit = findings
        .iter()
        .find(|f| f.rule == "DRUG-RX-OBGYN" && f.row == Some(4))
        .unwrap();
    assert!(
        hit.message.contains("名录中有同名者") && hit.message_en.contains("several entries"),
        "{}",
        hit.message
    );
}

const RX_LEDGER_HEAD: &str = "青山县人民医院终止妊娠药品使用登记表,,,,,,,,,,,,\n\
    发药日期,处方号,开具日期,科别,姓名,身份证号,药品名称,规格,批号,数量,单位,处方医师,发药药师\n";

fn rx_line(day: u32, prescriber: &str) -> String {
    format!(
        "2024-03-{day:02},MZ{day},2024-03-{day:02},妇产科,王丽,370921199603140025,米非司酮片,25mg,230801,6,片,{prescriber},陈静\n"
    )
}

/// A real 医师执业证书 gives 执业类别 临床 (中医, 口腔, 公共卫生) and, apart, the 医师级别:
/// the level says who is a physician, and without one the category of the certificate does.
#[test]
fn a_physician_is_told_by_the_level_and_without_one_by_the_certificate_category() {
    let ledger: String = [
        RX_LEDGER_HEAD.to_owned(),
        rx_line(5, "高红"),
        rx_line(6, "李静"),
        rx_line(7, "王梅"),
        rx_line(8, "赵兰"),
    ]
    .concat();
    let staff = "姓名,工号,医师执业证书编码,执业类别,医师级别,执业范围,执业地点,考核项目,合格证有效期\n\
        高红,QS1,110370921000301,临床,执业医师,妇产科专业,青山县人民医院,终止妊娠,2026-12-31\n\
        李静,QS2,,临床,护士,妇产科专业,青山县人民医院,终止妊娠,2026-12-31\n\
        王梅,QS3,110370921000303,临床,,妇产科专业,青山县人民医院,终止妊娠,2026-12-31\n\
        赵兰,QS4,,,,妇产科专业,青山县人民医院,终止妊娠,2026-12-31\n";
    let (findings, _) = run(&[("rx.csv", &ledger), ("staff.csv", staff)]);
    // 4 李静's level is 护士; 6 赵兰 has neither level nor category. 3 高红 is a 执业医师 of
    // category 临床; 5 王梅 gives no level but holds a 临床 certificate.
    let hits: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.rule == "DRUG-RX-OBGYN")
        .collect();
    assert_eq!(
        hits.iter().map(|f| f.row).collect::<Vec<_>>(),
        [Some(4), Some(6)],
        "{hits:?}"
    );
    assert!(
        hits[0].message.contains("医师级别为护士"),
        "{}",
        hits[0].message
    );
    assert!(
        hits[1]
            .message
            .contains("人员名录未载明“赵兰”的医师级别和执业类别，无法证明其为医师")
            && hits[1].message_en.contains(
                "the staff registry records neither a level nor a practice category for \"赵兰\""
            ),
        "{} / {}",
        hits[1].message,
        hits[1].message_en
    );

    // A registry without levels: the certificate's category shows the physician.
    let staff = "姓名,工号,执业类别,执业范围,执业地点,考核项目,合格证有效期\n\
        高红,QS1,临床,妇产科专业,青山县人民医院,终止妊娠,2026-12-31\n\
        李静,QS2,护理,妇产科专业,青山县人民医院,终止妊娠,2026-12-31\n";
    let ledger = [
        RX_LEDGER_HEAD.to_owned(),
        rx_line(5, "高红"),
        rx_line(6, "李静"),
    ]
    .concat();
    let (findings, _) = run(&[("rx.csv", &ledger), ("staff.csv", staff)]);
    assert_eq!(rows_of(&findings, "DRUG-RX-OBGYN"), [4]);
}

/// The same reading for ultrasound operators: a 临床 执业医师 on a real registry is not flagged.
#[test]
fn an_ultrasound_operator_with_a_real_certificate_is_a_physician() {
    let exams = "青山县人民医院B超检查登记表,,,,,,,,,\n\
        检查日期,检查号,姓名,身份证号,孕周,检查项目,操作医师,第二人,超声所见,结论\n\
        2024-03-01 08:30,US001,王丽,370921199603140025,22周,产科B超,高红,李娜,胎儿发育正常,单胎存活\n\
        2024-03-01 09:10,US002,刘芳,370921199311080040,20周,产科B超,李静,李娜,胎儿发育正常,单胎存活\n";
    let staff = "姓名,工号,医师执业证书编码,执业类别,医师级别,执业范围,执业地点\n\
        高红,QS1,110370921000301,临床,执业助理医师,医学影像和放射治疗专业,青山县人民医院\n\
        李静,QS2,,临床,技师,医学影像和放射治疗专业,青山县人民医院\n";
    let (findings, _) = run(&[("exams.csv", exams), ("staff.csv", staff)]);
    assert_eq!(rows_of(&findings, "US-OPERATOR-LISTED"), [4]);
}

#[test]
fn shandong_bars_a_clinic_private_by_its_ownership_or_by_its_name_but_never_a_public_one() {
    let judge = |pack: &str| {
        common::judge(
            pack,
            &[
                (
                    "institutions.csv",
                    &fixture("TOP-INST-LICENSED", "institutions.csv"),
                ),
                ("staff.csv", &fixture("TOP-INST-LICENSED", "staff.csv")),
                (
                    "violating.csv",
                    &fixture("TOP-INST-LICENSED", "violating.csv"),
                ),
            ],
            NaiveDate::from_ymd_opt(2024, 6, 30).unwrap(),
        )
        .0
        .into_iter()
        .filter(|f| f.rule == "TOP-INST-LICENSED" && f.row.is_some_and(|r| r >= 14))
        .map(|f| (f.row, f.message))
        .collect::<Vec<_>>()
    };
    assert_eq!(
        judge("shandong"),
        [
            (
                Some(14),
                "终止妊娠手术由持证机构和持证人员施行：机构“青山张三个体诊所”为个人设置的医疗机构（名称含“个体”），不得从事此项业务".to_owned()
            ),
            (
                Some(15),
                "终止妊娠手术由持证机构和持证人员施行：机构“青山李四妇科门诊部”为个人设置的医疗机构（私营），不得从事此项业务".to_owned()
            ),
        ]
    );
    assert_eq!(judge("national"), []);
}
