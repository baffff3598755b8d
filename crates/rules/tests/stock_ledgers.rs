//! DRUG-STOCK-RECON on the stock ledgers hospitals keep: one balance per drug across batches
//! (per product), opening rows (上月结存, 期初结存, 承前页) that leave the drug or date blank,
//! issues to a department. And a per-batch ledger is still read per batch.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod common;

use auditor_model::Finding;
use chrono::NaiveDate;

const RULE: &str = "DRUG-STOCK-RECON";

fn run(files: &[(&str, &str)]) -> Vec<Finding> {
    common::judge(
        "national",
        files,
        NaiveDate::from_ymd_opt(2024, 6, 30).unwrap(),
    )
    .0
}

fn rows(findings: &[Finding], rule: &str) -> Vec<u32> {
    findings
        .iter()
        .filter(|f| f.rule == rule)
        .filter_map(|f| f.row)
        .collect()
}

#[test]
fn a_per_product_ledger_that_balances_gives_no_finding_and_its_opening_rows_miss_nothing() {
    let text = common::fixture(RULE, "per_product.csv");
    let findings = run(&[("per_product.csv", &text)]);
    assert_eq!(rows(&findings, RULE), Vec::<u32>::new(), "{findings:#?}");
    // 期初结存 (row 3, no drug), 承前页 (row 9, no drug, no date): balances brought forward,
    // not records missing their entries.
    assert_eq!(
        rows(&findings, "DQ-REQUIRED-MISSING"),
        Vec::<u32>::new(),
        "{findings:#?}"
    );
}

#[test]
fn a_per_product_ledger_fires_on_its_wrong_balance_and_its_short_count_only() {
    let text = common::fixture(RULE, "per_product_violating.csv");
    let findings = run(&[("per_product_violating.csv", &text)]);
    let hits: Vec<&Finding> = findings.iter().filter(|f| f.rule == RULE).collect();
    assert_eq!(rows(&findings, RULE), [6, 16], "{hits:#?}");
    // Row 6: 20 (row 5, batch 230801) − 3 of batch 240105 = 17, not 18: the balance runs
    // across batches.
    assert_eq!(
        hits[0].message,
        "终止妊娠药品账物相符：米非司酮 25mg（按品种结存，各批号合计） 结存 18 与账面不符：上一结存 20（per_product_violating.csv 第5行）加其后净变动 -3 应为 17，相差 1（容差 0）"
    );
    assert_eq!(
        hits[0].message_en,
        "Termination drug stock matches the books: 米非司酮 25mg (one balance across batches): the balance 18 does not follow from the previous balance 20 (per_product_violating.csv row 5) and the net movement since, -3: expected 17, off by 1 (tolerance 0)"
    );
    // Row 16: March opens on 上月结存 6 (row 12, dated 03-01: February's close) + 10 − 5
    // issued = 11, 9 counted; April's 上月结存 (row 17) restates the count, it does not move
    // the finding.
    assert_eq!(
        hits[1].message,
        "终止妊娠药品账物相符：米索前列醇 0.2mg（按品种结存，各批号合计） 2024年3月账物不符：期初 6（per_product_violating.csv 第12行） + 收入 10 − 出库 5 − 调出/销售 0 − 报废 0 = 应存 11，实存 9，短少 2（容差 0）"
    );
}

#[test]
fn a_department_issue_reads_its_department_and_is_no_sale() {
    let text = common::fixture(RULE, "per_product.csv");
    let tables = common::csv_tables(&[("per_product.csv", &text)]);
    let department = tables[0].column("department").expect("领用科室 maps");
    assert_eq!(department.text(2), Some("妇产科"));
    assert_eq!(department.text(3), Some("计划生育科"));
    assert!(tables[0].column("buyer_name").is_none());
}

#[test]
fn a_ledger_kept_per_batch_is_still_reconciled_per_batch() {
    // Two batches of one drug, each with its own balance: at each change of batch the balance
    // is the batch's own, never the row above's.
    let text = "青山县妇幼保健院终止妊娠药品出入库台账,,,,,,\n\
        日期,类型,通用名称,规格,批号,数量,结存\n\
        2024-03-01,购进,米非司酮片,25mg,230801,10,10\n\
        2024-03-02,购进,米非司酮片,25mg,240105,20,20\n\
        2024-03-05,出库,米非司酮片,25mg,230801,3,7\n\
        2024-03-06,出库,米非司酮片,25mg,240105,5,15\n\
        2024-03-09,出库,米非司酮片,25mg,230801,2,6\n";
    let findings = run(&[("batches.csv", text)]);
    let hits: Vec<&Finding> = findings.iter().filter(|f| f.rule == RULE).collect();
    // Row 7: 7 − 2 = 5 in batch 230801, not 6; read per product it would be 15 − 2 = 13, and
    // rows 4 to 6 would all be wrong.
    assert_eq!(rows(&findings, RULE), [7], "{hits:#?}");
    assert!(
        hits[0].message.contains(
            "米非司酮 25mg 批号“230801” 结存 6 与账面不符：上一结存 7（batches.csv 第5行）"
        ),
        "{}",
        hits[0].message
    );
}

#[test]
fn a_blank_named_opening_at_the_top_takes_the_drug_below_and_a_page_carry_the_drug_above() {
    // Without the continuation the 承前页 row (row 6, 25 carried instead of 22) would be
    // skipped as a row of no drug.
    let text = "青山县人民医院药剂科进销存账,,,,,,\n\
        日期,摘要,药品名称,规格,批号,收入,发出,结存\n\
        2024-05-01,上月结存,,,,,,20\n\
        2024-05-03,科室领用,米非司酮片,25mg,230801,,3,17\n\
        2024-05-09,采购入库,米非司酮片,25mg,240105,5,,22\n\
        ,承前页,,,,,,25\n\
        2024-05-20,科室领用,米非司酮片,25mg,240105,,2,23\n";
    let findings = run(&[("carry.csv", text)]);
    assert_eq!(rows(&findings, RULE), [6], "{findings:#?}");
    assert_eq!(rows(&findings, "DQ-REQUIRED-MISSING"), Vec::<u32>::new());
}

#[test]
fn counts_without_a_batch_in_a_ledger_without_balances_count_the_drug() {
    // No 结存 column: the opening stock and the month-end count name no batch, the movements
    // do. Read per batch, the count (row 6) would be judged against the opening alone, 12, and
    // be 7 over; read per product it is 12 + 10 − 2 = 20 expected, 19 counted.
    let text = "青山县人民医院药剂科终止妊娠药品出入库登记,,,,,\n\
        日期,类型,通用名称,规格,批号,数量\n\
        2024-03-01,上月结存,米非司酮片,25mg,,12\n\
        2024-03-04,购进,米非司酮片,25mg,240105,10\n\
        2024-03-06,出库,米非司酮片,25mg,230801,2\n\
        2024-03-31,盘点,米非司酮片,25mg,,19\n";
    let findings = run(&[("counts.csv", text)]);
    let hits: Vec<&Finding> = findings.iter().filter(|f| f.rule == RULE).collect();
    assert_eq!(rows(&findings, RULE), [6], "{hits:#?}");
    assert!(
        hits[0].message.contains("应存 20，实存 19，短少 1"),
        "{}",
        hits[0].message
    );
}
