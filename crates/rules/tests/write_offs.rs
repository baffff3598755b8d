//! DRUG-WRITE-OFF: a write-off signed by an approver and a different witness, and no drug
//! written off beyond 5% of what the ledger received.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod common;

use auditor_model::Finding;
use chrono::NaiveDate;

const HEADER: &str = "青山县人民医院终止妊娠药品出入库台账,,,,,,,,\n\
    日期,类型,通用名称,规格,批号,数量,单位,审批人,监销人\n";

fn write_offs(rows: &str) -> Vec<Finding> {
    let csv = format!("{HEADER}{rows}");
    common::judge(
        "national",
        &[("ledger.csv", &csv)],
        NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
    )
    .0
    .into_iter()
    .filter(|f| f.rule == "DRUG-WRITE-OFF")
    .collect()
}

fn rows_and_messages(findings: &[Finding]) -> Vec<(Option<u32>, String)> {
    findings
        .iter()
        .map(|f| (f.row, f.message_en.clone()))
        .collect()
}

#[test]
fn placeholders_never_sign_a_write_off() {
    let found = write_offs(
        "2024-01-05,购进,米非司酮片,25mg,230801,100,盒,,\n\
         2024-02-01,报废,米非司酮片,25mg,230801,1,盒,/,李娜\n\
         2024-02-02,报废,米非司酮片,25mg,230801,1,盒,王强,暂无\n\
         2024-02-03,销毁,米非司酮片,25mg,230801,1,盒,—,空\n\
         2024-02-04,报废,米非司酮片,25mg,230801,1,盒,王强,李娜\n",
    );
    assert_eq!(
        rows_and_messages(&found),
        [
            (Some(4), "the write-off has no approver".to_owned()),
            (Some(5), "the write-off has no witness".to_owned()),
            (
                Some(6),
                "the write-off has neither an approver nor a witness".to_owned()
            ),
        ]
        .map(|(r, m)| (
            r,
            format!("Termination drug write-offs are approved, witnessed and few: {m}")
        ))
    );
    assert_eq!(found[0].message, "终止妊娠药品报废记录：报废记录没有审批人");
}

#[test]
fn the_same_person_as_approver_and_witness_is_one_signature() {
    let found = write_offs(
        "2024-01-05,购进,米索前列醇片,0.2mg,231105,100,盒,,\n\
         2024-02-01,报废,米索前列醇片,0.2mg,231105,1,盒,王强,王 强\n\
         2024-02-02,报废,米索前列醇片,0.2mg,231105,1,盒,王强,王强（监销）\n\
         2024-02-03,报废,米索前列醇片,0.2mg,231105,1,盒,王强,王强、李娜\n\
         2024-02-04,报废,米索前列醇片,0.2mg,231105,1,盒,王强,〃\n",
    );
    let rows: Vec<Option<u32>> = found.iter().map(|f| f.row).collect();
    assert_eq!(rows, [Some(4), Some(5), Some(7)]);
    assert_eq!(
        found[0].message,
        "终止妊娠药品报废记录：审批人与监销人是同一人“王强”，须两人分别签字"
    );
    assert_eq!(
        found[2].message,
        "终止妊娠药品报废记录：签名栏写“〃”，不是本人签名；报废记录没有监销人"
    );
}

#[test]
fn five_percent_written_off_is_within_the_share_and_more_is_not() {
    // 2 of 40 boxes of mifepristone is exactly 5%; 3 of 40 of misoprostol 7.5%.
    let found = write_offs(
        "2024-01-05,购进,米非司酮片,25mg,230801,40,盒,,\n\
         2024-01-06,购进,米索前列醇片,0.2mg,231105,40,盒,,\n\
         2024-02-01,报废,米非司酮片,25mg,230801,2,盒,王强,李娜\n\
         2024-02-02,报废,米索前列醇片,0.2mg,231105,1,盒,王强,李娜\n\
         2024-03-02,报损,米索前列醇片,0.2mg,231105,2,盒,王强,李娜\n\
         2024-03-05,出库,米索前列醇片,0.2mg,231105,10,盒,,\n",
    );
    assert_eq!(
        rows_and_messages(&found),
        [(
            Some(7),
            "Termination drug write-offs are approved, witnessed and few: 米索前列醇片 0.2mg: 3盒 written off, 7.5% of the 40盒 received, more than 5%".to_owned()
        )]
    );
    assert_eq!(
        found[0].message,
        "终止妊娠药品报废记录：米索前列醇片 0.2mg 共报废 3盒，占购进 40盒 的 7.5%，超过 5%"
    );
    // The earlier write-off of the same drug is its evidence.
    let related: Vec<Option<u32>> = found[0].related.iter().map(|e| e.row).collect();
    assert_eq!(related, [Some(6)]);
}

#[test]
fn a_ledger_without_a_witness_column_is_one_finding_for_the_sheet() {
    let csv = "青山县人民医院终止妊娠药品出入库台账,,,,,,,\n\
        日期,类型,通用名称,规格,批号,数量,单位,审批人\n\
        2024-01-05,购进,米非司酮片,25mg,230801,100,盒,\n\
        2024-02-01,报废,米非司酮片,25mg,230801,1,盒,王强\n\
        2024-02-02,报废,米非司酮片,25mg,230801,1,盒,王强\n";
    let found: Vec<Finding> = common::judge(
        "national",
        &[("ledger.csv", csv)],
        NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
    )
    .0
    .into_iter()
    .filter(|f| f.rule == "DRUG-WRITE-OFF")
    .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].row, None);
    assert_eq!(
        found[0].message,
        "终止妊娠药品报废记录：表中没有“监销人”列，须填写该项的 2 条记录都缺少"
    );
}
