//! Signatures and operators as clerks write them: a bracketed note (王强（签）, 王强（复核）)
//! is not another person, 無 and 0 sign nothing, 和 between two names joins two signers, and
//! a transcribed name is the same whichever dot the keyboard gave (阿依古丽•买买提 is
//! 阿依古丽·买买提 of the staff registry).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod common;

use chrono::NaiveDate;
use common::rows_and_messages as of;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
}

#[test]
fn notes_placeholders_and_joined_names_are_read_as_the_people_they_name() {
    let exams = "检查日期,姓名,身份证号,孕周,操作医师,复核医师,结论\n\
        2026-03-05,张丽,370921199102111023,16周,王强（签）,王强（复核）,宫内妊娠\n\
        2026-03-05,张丽,370921199102111023,16周,王强(签),王强(复核),宫内妊娠\n\
        2026-03-05,张丽,370921199102111023,16周,王强,王强（复核）,宫内妊娠\n\
        2026-03-05,张丽,370921199102111023,16周,王强（签）,李娜（复核）,宫内妊娠\n\
        2026-03-05,张丽,370921199102111023,16周,王强,無,宫内妊娠\n\
        2026-03-05,张丽,370921199102111023,16周,王强,0,宫内妊娠\n\
        2026-03-05,张丽,370921199102111023,16周,王强和李娜,,宫内妊娠\n\
        2026-03-05,张丽,370921199102111023,16周,王和平,李娜,宫内妊娠\n\
        2026-03-05,张丽,370921199102111023,16周,王强与王强,,宫内妊娠\n";
    let (findings, _) = common::judge("national", &[("exams.csv", exams)], as_of());
    assert_eq!(
        of(&findings, "US-DUAL-SIGN"),
        [
            (Some(2), "B超检查双人操作、双人签字：两处签名是同一人“王强”"),
            (Some(3), "B超检查双人操作、双人签字：两处签名是同一人“王强”"),
            (Some(4), "B超检查双人操作、双人签字：两处签名是同一人“王强”"),
            (
                Some(6),
                "B超检查双人操作、双人签字：只有操作人“王强”签名，缺第二人签名"
            ),
            (
                Some(7),
                "B超检查双人操作、双人签字：只有操作人“王强”签名，缺第二人签名"
            ),
            (
                Some(10),
                "B超检查双人操作、双人签字：两处签名是同一人“王强”"
            ),
        ]
    );
}

#[test]
fn a_transcribed_name_matches_the_registry_whichever_dot_it_is_written_with() {
    let staff = "姓名,工号,医师执业证书编码,执业类别,执业范围,执业地点\n\
        阿依古丽·买买提,QS0101,110370921000101,执业医师,医学影像和放射治疗专业,宁阳县人民医院\n\
        李娜,QS0102,110370921000102,执业医师,医学影像和放射治疗专业,宁阳县人民医院\n";
    let exams = "检查日期,姓名,身份证号,孕周,操作医师,复核医师,结论\n\
        2026-03-05,张丽,370921199102111023,16周,阿依古丽•买买提,李娜,宫内妊娠\n\
        2026-03-05,张丽,370921199102111023,16周,阿依古丽.买买提,李娜,宫内妊娠\n\
        2026-03-05,张丽,370921199102111023,16周,阿依古丽・买买提,李娜,宫内妊娠\n\
        2026-03-05,张丽,370921199102111023,16周,阿依古丽‧买买提,李娜,宫内妊娠\n\
        2026-03-05,张丽,370921199102111023,16周,张三,李娜,宫内妊娠\n";
    let (findings, _) = common::judge(
        "national",
        &[("staff.csv", staff), ("exams.csv", exams)],
        as_of(),
    );
    assert_eq!(
        of(&findings, "US-OPERATOR-LISTED"),
        [(
            Some(6),
            "B超操作人员有资质并在备案名单中：“张三”不在人员名录中，无法证明其执业资格"
        )]
    );
    assert_eq!(of(&findings, "US-DUAL-SIGN"), []);
}

/// A name typed in traditional characters is the same person as in simplified ones: 王強 of
/// the exam register is 王强 of the staff registry, and 王強 and 王强 signing one exam are one
/// person.
#[test]
fn a_name_in_traditional_characters_is_the_same_person() {
    let staff = "姓名,工号,医师执业证书编码,执业类别,执业范围,执业地点\n\
        王强,QS0101,110370921000101,执业医师,医学影像和放射治疗专业,宁阳县人民医院\n\
        陈丽华,QS0102,110370921000102,执业医师,医学影像和放射治疗专业,宁阳县人民医院\n";
    let exams = "检查日期,姓名,身份证号,孕周,操作医师,复核医师,结论\n\
        2026-03-05,张丽,370921199102111023,16周,王強,陳麗華,宫内妊娠\n\
        2026-03-05,张丽,370921199102111023,16周,王強,王强,宫内妊娠\n";
    let (findings, _) = common::judge(
        "national",
        &[("staff.csv", staff), ("exams.csv", exams)],
        as_of(),
    );
    assert_eq!(of(&findings, "US-OPERATOR-LISTED"), []);
    assert_eq!(
        of(&findings, "US-DUAL-SIGN"),
        [(Some(3), "B超检查双人操作、双人签字：两处签名是同一人“王強”")]
    );
}
