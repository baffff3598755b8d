//! TOP-REPORT-TIMELY on the register of monthly reports sent to the county: the deadline day is
//! on time, the day after is late, a month nobody sent is missing once its deadline has passed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod common;

use auditor_model::{Dataset, Finding};
use chrono::NaiveDate;

const HEADER: &str = "统计月份,上报日期,报送单位,接收单位\n";

fn reports(rows: &str, as_of: (i32, u32, u32)) -> Vec<Finding> {
    let csv = format!("{HEADER}{rows}");
    common::judge(
        "national",
        &[("reports.csv", &csv)],
        NaiveDate::from_ymd_opt(as_of.0, as_of.1, as_of.2).unwrap(),
    )
    .0
    .into_iter()
    .filter(|f| f.rule == "TOP-REPORT-TIMELY")
    .collect()
}

#[test]
fn a_report_log_is_recognised_by_its_headers() {
    let tables = common::csv_tables(&[(
        "log.csv",
        "报告月份,报送日期,报送单位,接收单位\n2024年3月,2024-04-03,青山县人民医院,青山县卫生健康局\n",
    )]);
    assert_eq!(tables.len(), 1);
    assert_eq!(tables[0].dataset, Dataset::ReportLog);
    let tables = common::csv_tables(&[("log.csv", &format!("{HEADER}2024-03,2024-04-03,甲,乙\n"))]);
    assert_eq!(tables[0].dataset, Dataset::ReportLog);
}

#[test]
fn sent_on_day_five_is_on_time_and_day_six_is_late() {
    let found = reports(
        "2024-01,2024-02-05,青山县人民医院,青山县卫生健康局\n\
         2024-02,2024-03-06,青山县人民医院,青山县卫生健康局\n\
         2024-03,2024-04-01,青山县人民医院,青山县卫生健康局\n",
        (2024, 6, 30),
    );
    let rows: Vec<Option<u32>> = found.iter().map(|f| f.row).collect();
    assert_eq!(rows, [Some(3)]);
    assert_eq!(
        found[0].message,
        "终止妊娠情况按月按时通报：2024年2月的月报于 2024-03-06 报送，晚于报送期限 2024-03-05（次月5日）1 天"
    );
    assert_eq!(
        found[0].message_en,
        "Monthly reports reach the county on time: the report for 2024-02 was sent on 2024-03-06, 1 day after the deadline of 2024-03-05 (day 5 of the next month)"
    );
}

#[test]
fn an_unsent_report_is_late_only_once_its_deadline_has_passed() {
    let rows = "2024-01,2024-02-05,青山县人民医院,青山县卫生健康局\n\
        2024-02,,青山县人民医院,青山县卫生健康局\n";
    assert!(reports(rows, (2024, 3, 5)).is_empty());
    let found = reports(rows, (2024, 3, 6));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].row, Some(3));
    assert_eq!(
        found[0].message,
        "终止妊娠情况按月按时通报：2024年2月的月报没有报送日期，报送期限 2024-03-05（次月5日）已过"
    );
}

#[test]
fn missing_months_are_one_finding_on_the_month_after_the_gap() {
    let found = reports(
        "2023-11,2023-12-01,青山县人民医院,青山县卫生健康局\n\
         2024-02,2024-03-01,青山县人民医院,青山县卫生健康局\n\
         2024-03,2024-04-01,青山县人民医院,青山县卫生健康局\n",
        (2024, 6, 30),
    );
    let rows: Vec<Option<u32>> = found.iter().map(|f| f.row).collect();
    assert_eq!(rows, [Some(3)]);
    assert_eq!(
        found[0].message,
        "终止妊娠情况按月按时通报：登记中没有2023年12月、2024年1月的月报：2023年11月之后登记的是2024年2月"
    );
}

#[test]
fn each_institution_keeps_its_own_months() {
    // 甲 reports January and February, 乙 only February: neither has a gap.
    let found = reports(
        "2024-01,2024-02-01,青山县人民医院,青山县卫生健康局\n\
         2024-02,2024-03-01,青山县中医医院,青山县卫生健康局\n\
         2024-02,2024-03-01,青山县人民医院,青山县卫生健康局\n",
        (2024, 6, 30),
    );
    assert!(found.is_empty(), "{found:?}");
}
