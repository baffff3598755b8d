//! What shows a device filed, and which filed device an exam names. A 备案号 or 是否备案 = 是
//! shows a filing whose day is missing: not "never filed", and the notes say the deadline
//! could not be judged. A filing month is judged by the days it can mean. An exam naming its
//! device as labelled ("GE LOGIQ P9（SN001）"), by the filed 设备名称, or by one serial of a
//! filing row for two units names the filed device.

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
fn a_filing_number_or_yes_is_a_filing_and_a_month_is_judged_by_its_days() {
    // 2: 备案号 and 是; 3: 是 only; 4: 否, no number: late; 5: filed 2026年1月 (by 01-31, within
    // 30 days of 01-10); 6: filed 2026年4月 (from 04-01, past 02-09); 7: filed 2026年2月
    // (02-01 to 02-28 straddles 02-09); 8: 备案号 written 未备案: late.
    let csv = "单位名称,设备名称,出厂编号,购置日期,使用场所,操作人员,备案日期,是否备案,备案号\n\
        宁阳县人民医院,彩超,SN001,2026-01-10,超声科,王强,,是,宁卫超备〔2026〕3号\n\
        宁阳县人民医院,彩超,SN002,2026-01-10,超声科,王强,,是,\n\
        宁阳县人民医院,彩超,SN003,2026-01-10,超声科,王强,,否,\n\
        宁阳县人民医院,彩超,SN004,2026-01-10,超声科,王强,2026年1月,是,\n\
        宁阳县人民医院,彩超,SN005,2026-01-10,超声科,王强,2026年4月,,\n\
        宁阳县人民医院,彩超,SN006,2026-01-10,超声科,王强,2026年2月,,\n\
        宁阳县人民医院,彩超,SN007,2026-01-10,超声科,王强,,,未备案\n";
    let (findings, notes) = common::judge("national", &[("devices.csv", csv)], as_of());
    assert_eq!(
        of(&findings, "US-DEVICE-FILED-ON-TIME"),
        [
            (
                Some(4),
                "超声设备购置后30日内备案：2026-01-10 购置，至 2026-11-30 仍未备案（时限 30 天，已于 2026-02-09 到期）"
            ),
            (
                Some(6),
                "超声设备购置后30日内备案：2026-01-10 购置，备案日期只写了“2026年4月”，最早也在 2026-04-01，超过时限（2026-02-09 到期）至少 51 天"
            ),
            (
                Some(8),
                "超声设备购置后30日内备案：2026-01-10 购置，至 2026-11-30 仍未备案（时限 30 天，已于 2026-02-09 到期）"
            ),
        ]
    );
    let noted: Vec<&str> = notes
        .iter()
        .filter(|n| n.rule == "US-DEVICE-FILED-ON-TIME")
        .map(|n| n.zh.as_str())
        .collect();
    assert_eq!(
        noted,
        [
            "US-DEVICE-FILED-ON-TIME：2 条记录的“备案号”或“是否备案”表明已备案，但没有可用的备案日期，无法判断是否在 30 天内备案，未作为逾期报告；请补填备案日期；US-DEVICE-FILED-ON-TIME：1 条记录的备案日期只写到年或月，无法判断是否在 30 天内备案；请补填具体日期（devices.csv）"
        ]
    );
}

/// 已备案 written where the filing day was due says the device was filed; only the day is
/// unknown. It is no late filing, and the note names the date column as what said so. A cell
/// saying 未备案 is still a device never filed.
#[test]
fn filed_written_in_the_filing_date_column_is_a_filing_without_its_day() {
    let csv = "单位名称,设备名称,出厂编号,购置日期,使用场所,操作人员,备案日期\n\
        宁阳县人民医院,彩超,SN001,2026-01-10,超声科,王强,已备案\n\
        宁阳县人民医院,彩超,SN002,2026-01-10,超声科,王强,√\n\
        宁阳县人民医院,彩超,SN003,2026-01-10,超声科,王强,未备案\n\
        宁阳县人民医院,彩超,SN004,2026-01-10,超声科,王强,2026-01-20\n";
    let (findings, notes) = common::judge("national", &[("devices.csv", csv)], as_of());
    assert_eq!(
        of(&findings, "US-DEVICE-FILED-ON-TIME"),
        [(
            Some(4),
            "超声设备购置后30日内备案：2026-01-10 购置，至 2026-11-30 仍未备案（时限 30 天，已于 2026-02-09 到期）"
        )]
    );
    let noted: Vec<&str> = notes
        .iter()
        .filter(|n| n.rule == "US-DEVICE-FILED-ON-TIME")
        .map(|n| n.zh.as_str())
        .collect();
    assert_eq!(
        noted,
        [
            "US-DEVICE-FILED-ON-TIME：2 条记录的“备案日期”表明已备案，但没有可用的备案日期，无法判断是否在 30 天内备案，未作为逾期报告；请补填备案日期（devices.csv）"
        ]
    );
}

/// 已备案 with its day in the same cell is a filing on that day, judged like any other.
#[test]
fn filed_written_with_its_day_is_judged_by_that_day() {
    let csv = "单位名称,设备名称,出厂编号,购置日期,使用场所,操作人员,备案日期\n\
        宁阳县人民医院,彩超,SN001,2026-01-10,超声科,王强,已备案（2026.1.20）\n\
        宁阳县人民医院,彩超,SN002,2026-01-10,超声科,王强,已于2026年3月20日备案\n";
    let (findings, notes) = common::judge("national", &[("devices.csv", csv)], as_of());
    assert_eq!(
        of(&findings, "US-DEVICE-FILED-ON-TIME"),
        [(
            Some(3),
            "超声设备购置后30日内备案：2026-01-10 购置，2026-03-20 才备案，超过 30 天时限 39 天"
        )]
    );
    assert!(
        notes.iter().all(|n| n.rule != "US-DEVICE-FILED-ON-TIME"),
        "{notes:#?}"
    );
}

#[test]
fn an_exam_naming_its_device_as_labelled_or_by_its_filed_name_names_the_filed_device() {
    let devices = "单位名称,设备名称,型号,出厂编号,数量,购置日期,使用场所,操作人员,备案日期\n\
        宁阳县人民医院,彩色多普勒超声诊断仪,LOGIQ P9,SN001,1,2026-01-10,超声科,王强、李娜,2026-01-20\n\
        宁阳县人民医院,便携式B超,M7,SN002,1,2026-01-10,妇产科,王强、李娜,2026-01-20\n\
        宁阳县人民医院,全数字B超,DP-50,SN101、SN102,2,2026-01-10,超声科,王强、李娜,2026-01-20\n";
    // Rows 2-7 name filed devices; 8 names an unknown serial, 9 a device name nobody filed.
    let exams = "检查日期,姓名,身份证号,孕周,检查设备,操作医师,复核医师,结论\n\
        2026-03-05,张丽,370921199102111023,16周,GE LOGIQ P9（SN001）,王强,李娜,宫内妊娠\n\
        2026-03-05,张丽,370921199102111023,16周,彩色多普勒超声诊断仪,王强,李娜,宫内妊娠\n\
        2026-03-05,张丽,370921199102111023,16周,便携式B超,王强,李娜,宫内妊娠\n\
        2026-03-05,张丽,370921199102111023,16周,SN102,王强,李娜,宫内妊娠\n\
        2026-03-05,张丽,370921199102111023,16周,sn 101,王强,李娜,宫内妊娠\n\
        2026-03-05,张丽,370921199102111023,16周,M7,王强,李娜,宫内妊娠\n\
        2026-03-05,张丽,370921199102111023,16周,SN999,王强,李娜,宫内妊娠\n\
        2026-03-05,张丽,370921199102111023,16周,掌上超声,王强,李娜,宫内妊娠\n";
    let (findings, _) = common::judge(
        "national",
        &[("devices.csv", devices), ("exams.csv", exams)],
        as_of(),
    );
    assert_eq!(
        of(&findings, "US-DEVICE-LOCATION"),
        [
            (
                Some(8),
                "B超检查使用本机构已备案的设备：检查所用设备“SN999”不在超声设备备案台账中（流动、借用或未备案的设备）"
            ),
            (
                Some(9),
                "B超检查使用本机构已备案的设备：检查所用设备“掌上超声”不在超声设备备案台账中（流动、借用或未备案的设备）"
            ),
        ]
    );
}
