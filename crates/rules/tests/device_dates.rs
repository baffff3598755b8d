//! US-DEVICE-FILED-ON-TIME when the dates contradict each other: a device filed before it was
//! bought is named with both dates; a filing on the purchase day is on time.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod common;

use chrono::NaiveDate;

#[test]
fn a_device_filed_before_it_was_bought_is_named_with_both_dates() {
    let csv = "单位名称,设备名称,型号,出厂编号,购置日期,使用场所,操作人员名单,备案日期\n\
        青山县中医医院,全数字B型超声诊断仪,DP-50,SN2403066,2024-03-10,超声科3室,王强、张玮,2024-03-01\n\
        青山县中医医院,全数字B型超声诊断仪,DP-50,SN2403067,2024-03-10,超声科3室,王强、张玮,2024-03-10\n\
        青山县中医医院,全数字B型超声诊断仪,DP-50,SN2403068,2024-03-10,超声科3室,王强、张玮,2024-03-09\n";
    let (findings, _) = common::judge(
        "national",
        &[("devices.csv", csv)],
        NaiveDate::from_ymd_opt(2024, 6, 30).unwrap(),
    );
    let hits: Vec<_> = findings
        .iter()
        .filter(|f| f.rule == "US-DEVICE-FILED-ON-TIME")
        .collect();
    // Row 3, filed on the purchase day, is on time; rows 2 and 4 were filed before.
    assert_eq!(
        hits.iter().map(|f| f.row).collect::<Vec<_>>(),
        [Some(2), Some(4)],
        "{hits:#?}"
    );
    assert_eq!(
        hits[0].message,
        "超声设备购置后30日内备案：备案日期 2024-03-01 早于购置日期 2024-03-10：至少有一个日期有误（或备案的是另一台设备），无法判断是否在 30 天内备案，请核对购置发票和备案回执"
    );
    assert_eq!(
        hits[0].message_en,
        "Ultrasound devices filed within 30 days of purchase: filed 2024-03-01, before it was bought 2024-03-10: one of the dates is wrong (or the filing is another unit's), so whether it was filed within 30 days cannot be judged; check the purchase invoice and the filing receipt"
    );
    assert_eq!(
        hits[0].cells.len(),
        2,
        "both dates are shown: {:?}",
        hits[0].cells
    );
}

/// A purchase date written as a year or a month is no day, but a device never filed is late
/// once even the latest day it can mean is past the limit; a filed one is never judged late
/// from it.
#[test]
fn a_purchase_year_or_month_proves_an_unfiled_device_late_and_never_a_filed_one() {
    // 2 bought 2019年, never filed; 3 bought 2019年3月, never filed; 4 bought 2024年6月, whose
    // last day plus 30 is not yet past; 5 bought 2019年, filed on a day; 6 bought 2019年, filed
    // 2020年.
    let csv = "单位名称,设备名称,型号,出厂编号,购置日期,使用场所,操作人员名单,备案日期\n\
        青山仁爱妇科诊所,B超,理邦,SN-C001,2019年,诊室,王医生,\n\
        青山仁爱妇科诊所,B超,理邦,SN-C002,2019年3月,诊室,王医生,\n\
        青山仁爱妇科诊所,B超,理邦,SN-C003,2024年6月,诊室,王医生,\n\
        青山仁爱妇科诊所,B超,理邦,SN-C004,2019年,诊室,王医生,2024-03-01\n\
        青山仁爱妇科诊所,B超,理邦,SN-C005,2019年,诊室,王医生,2020年\n";
    let (findings, _) = common::judge(
        "national",
        &[("devices.csv", csv)],
        NaiveDate::from_ymd_opt(2024, 6, 30).unwrap(),
    );
    let hits: Vec<(Option<u32>, &str, &str)> = findings
        .iter()
        .filter(|f| f.rule == "US-DEVICE-FILED-ON-TIME")
        .map(|f| (f.row, f.message.as_str(), f.message_en.as_str()))
        .collect();
    assert_eq!(
        hits,
        [
            (
                Some(2),
                "超声设备购置后30日内备案：购置日期只写了“2019年”，至 2024-06-30 仍未备案（时限 30 天，按最晚的 2019-12-31 算也已于 2020-01-30 到期）",
                "Ultrasound devices filed within 30 days of purchase: the purchase date is given only as 2019年; still not filed at 2024-06-30 (the 30-day limit ended 2020-01-30 even from its latest day, 2019-12-31)",
            ),
            (
                Some(3),
                "超声设备购置后30日内备案：购置日期只写了“2019年3月”，至 2024-06-30 仍未备案（时限 30 天，按最晚的 2019-03-31 算也已于 2019-04-30 到期）",
                "Ultrasound devices filed within 30 days of purchase: the purchase date is given only as 2019年3月; still not filed at 2024-06-30 (the 30-day limit ended 2019-04-30 even from its latest day, 2019-03-31)",
            ),
        ]
    );
}
