//! US-DEVICE-FILED-ON-TIME when the dates contradict each other: a device filed before it was
//! bought is named with both dates; a filing on the purchase day is on time.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod common;

use auditor_rules::{Catalogue, DrugCatalog, Pack, evaluate};
use chrono::NaiveDate;

#[test]
fn a_device_filed_before_it_was_bought_is_named_with_both_dates() {
    let csv = "单位名称,设备名称,型号,出厂编号,购置日期,使用场所,操作人员名单,备案日期\n\
        青山县中医医院,全数字B型超声诊断仪,DP-50,SN2403066,2024-03-10,超声科3室,王强、张玮,2024-03-01\n\
        青山县中医医院,全数字B型超声诊断仪,DP-50,SN2403067,2024-03-10,超声科3室,王强、张玮,2024-03-10\n\
        青山县中医医院,全数字B型超声诊断仪,DP-50,SN2403068,2024-03-10,超声科3室,王强、张玮,2024-03-09\n";
    let (findings, _) = evaluate(
        &Catalogue::builtin().unwrap(),
        &Pack::builtin("national").unwrap(),
        &DrugCatalog::builtin().unwrap(),
        &common::csv_tables(&[("devices.csv", csv)]),
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
