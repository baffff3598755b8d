//! Real-name rules on registers whose 证件类型 column names passports and travel permits: a
//! filled document number is a real-name registration; an empty one is not; a resident ID
//! failing its check still is reported; the sex digit is judged only on resident IDs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod common;

use auditor_model::Finding;
use chrono::NaiveDate;

fn findings_of(rule: &str, files: &[(&str, &str)]) -> Vec<Finding> {
    common::judge(
        "national",
        files,
        NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
    )
    .0
    .into_iter()
    .filter(|f| f.rule == rule)
    .collect()
}

/// (row, end of the Chinese message) of each finding.
fn rows_and_messages(hits: &[Finding]) -> Vec<(Option<u32>, String)> {
    hits.iter()
        .map(|f| {
            let zh = f.message.split_once('：').map_or("", |(_, m)| m);
            (f.row, zh.to_owned())
        })
        .collect()
}

const MISSING_ID: &str = "必填项为空或无效：身份证号";
const MALE: &str = "身份证号的性别位为男性，与女性登记对象不符（可能登记了他人证件）";

#[test]
fn a_passport_or_permit_number_is_a_real_name_entry_and_an_empty_one_is_not() {
    // 2 a woman's resident ID, 3 a passport, 4 a Hong Kong permit, 5 a passport with no number,
    // 6 a resident ID failing its check, 7 a man's resident ID with no type written, 8 a
    // Taiwan permit, 9 a foreigner's permanent residence card.
    let csv = "检查日期,检查号,姓名,证件类型,证件号码,孕周,检查项目,操作医师,第二人\n\
        2024-03-01 08:30,US001,王丽,居民身份证,370921199203040025,16周,产科B超,张伟,李娜\n\
        2024-03-01 09:10,US002,Maria,护照,E12345678,12周,产科B超,张伟,李娜\n\
        2024-03-02 10:05,US003,陈慧,港澳居民来往内地通行证,H87654321,20周,产科B超,张伟,李娜\n\
        2024-03-02 14:20,US004,Anna,护照,,8周,早孕B超,张伟,李娜\n\
        2024-03-03 08:40,US005,赵敏,居民身份证,370921199603140026,18周,产科B超,张伟,李娜\n\
        2024-03-03 09:00,US006,孙娟,,370921199501010035,22周,产科B超,张伟,李娜\n\
        2024-03-04 09:00,US007,林佳,台湾居民来往大陆通行证,01234567,24周,产科B超,张伟,李娜\n\
        2024-03-04 10:00,US008,Olga,外国人永久居留身份证,RUS110089061201,24周,产科B超,张伟,李娜\n";
    let hits = findings_of("US-REALNAME", &[("exams.csv", csv)]);
    assert_eq!(
        rows_and_messages(&hits),
        [
            (Some(5), MISSING_ID.to_owned()),
            (Some(6), MISSING_ID.to_owned()),
            (Some(7), MALE.to_owned()),
        ],
        "{hits:?}"
    );
}

#[test]
fn a_termination_under_a_passport_is_registered_and_its_number_has_no_sex_digit() {
    // 2 a passport whose number ends in an odd digit, as a man's resident ID would; 3 a
    // passport with no number; 4 a man's resident ID.
    let csv = "手术日期,门诊号,受术者姓名,证件类型,受术者身份证号,年龄,孕周,手术方式,手术医师,是否查验身份证\n\
        2024-05-06,MZ1,Maria,护照,E12345671,28,7周,药物流产,刘敏,是\n\
        2024-05-07,MZ2,Anna,护照,,30,8周,药物流产,刘敏,是\n\
        2024-05-08,MZ3,孙娟,居民身份证,370921199501010035,29,8周,药物流产,刘敏,是\n";
    let hits = findings_of("TOP-REALNAME", &[("top.csv", csv)]);
    let rows: Vec<Option<u32>> = hits.iter().map(|f| f.row).collect();
    assert_eq!(rows, [Some(3), Some(4)], "{hits:?}");
    assert!(hits[1].message.ends_with(MALE), "{}", hits[1].message);
}
