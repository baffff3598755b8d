//! How findings read in English: counts agree with their nouns.

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
fn a_device_filed_one_day_late_is_one_day_past_the_limit() {
    let csv = "单位名称,统一社会信用代码,设备名称,类型,型号,出厂编号,数量,购置日期,使用场所,操作人员名单,备案日期,备案机关,状态\n\
        青山县中医医院,123709214930000296,便携式彩色多普勒超声诊断仪,便携,M9,SN2311042,1,2024-01-10,超声科2室,王强、张玮,2024-02-10,青山县卫生健康局,在用\n\
        青山县中医医院,123709214930000296,彩色多普勒超声诊断仪,彩超,DC-70,SN2311043,1,2024-01-10,超声科1室,王强、张玮,2024-02-11,青山县卫生健康局,在用\n";
    let (findings, _) = evaluate(
        &Catalogue::builtin().unwrap(),
        &Pack::builtin("national").unwrap(),
        &DrugCatalog::builtin().unwrap(),
        &common::csv_tables(&[("devices.csv", csv)]),
        NaiveDate::from_ymd_opt(2024, 6, 30).unwrap(),
    );
    let late: Vec<(Option<u32>, &str)> = findings
        .iter()
        .filter(|f| f.rule == "US-DEVICE-FILED-ON-TIME")
        .map(|f| (f.row, f.message_en.as_str()))
        .collect();
    assert_eq!(late.len(), 2, "{late:?}");
    assert_eq!(late[0].0, Some(2));
    assert!(
        late[0].1.ends_with("1 day past the 30-day limit"),
        "{}",
        late[0].1
    );
    assert_eq!(late[1].0, Some(3));
    assert!(
        late[1].1.ends_with("2 days past the 30-day limit"),
        "{}",
        late[1].1
    );
}
