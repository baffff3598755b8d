//! The drug-channel reconciliations at their edges, beyond the fixtures: stock without a
//! dispensing register, a sale whose buyer's ledger is absent, cases counted from dispensings,
//! an institution without a termination register.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod common;

use auditor_ingest::Table;
use auditor_model::Finding;
use auditor_rules::{Catalogue, DrugCatalog, Pack, Skipped, evaluate};
use chrono::NaiveDate;

/// Reads CSV texts given as (file name, contents).
fn read(files: &[(&str, &str)]) -> Vec<Table> {
    common::csv_tables(files)
}

fn judge(catalogue: &Catalogue, tables: &[Table]) -> (Vec<Finding>, Vec<Skipped>) {
    evaluate(
        catalogue,
        &Pack::builtin("national").unwrap(),
        &DrugCatalog::builtin().unwrap(),
        tables,
        NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
    )
}

/// Runs `catalogue` under the national pack over CSV texts given as (file name, contents).
fn run_with(catalogue: &Catalogue, files: &[(&str, &str)]) -> (Vec<Finding>, Vec<Skipped>) {
    judge(catalogue, &read(files))
}

fn run(files: &[(&str, &str)]) -> (Vec<Finding>, Vec<Skipped>) {
    run_with(&Catalogue::builtin().unwrap(), files)
}

/// The built-in rule `id` alone, its text passed through `edit`.
fn rule(id: &str, edit: impl Fn(String) -> String) -> Catalogue {
    let path: std::path::PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "..",
        "..",
        "rules",
        "catalogue",
        &format!("{id}.toml"),
    ]
    .iter()
    .collect();
    let text = edit(std::fs::read_to_string(path).unwrap());
    Catalogue::from_sources([(format!("{id}.toml"), text)]).unwrap()
}

fn of<'a>(findings: &'a [Finding], rule: &str) -> Vec<&'a Finding> {
    findings.iter().filter(|f| f.rule == rule).collect()
}

const LEDGER_HEAD: &str = "日期,类型,通用名称,规格,批号,数量,单位,供货单位,购货单位\n";

#[test]
fn without_a_dispensing_register_the_ledgers_own_issues_leave_the_stock() {
    let ledger = format!(
        "青山县人民医院终止妊娠药品出入库台账,,,,,,,,\n{LEDGER_HEAD}\
         2024-03-01,购进,米非司酮片,25mg,230801,20,盒,鲁中医药有限公司,\n\
         2024-03-06,出库,米非司酮片,25mg,230801,8,盒,,\n\
         2024-03-31,盘点,米非司酮片,25mg,230801,12,盒,,\n\
         2024-04-06,出库,米非司酮片,25mg,230801,2,盒,,\n\
         2024-04-30,盘点,米非司酮片,25mg,230801,9,盒,,\n"
    );
    let (findings, _) = run(&[("ledger.csv", &ledger)]);
    let hits = of(&findings, "DRUG-STOCK-RECON");
    // March: 0 + 20 − 8 = 12, as counted. April: 12 − 2 = 10, 9 counted.
    assert_eq!(
        hits.iter().map(|f| f.row).collect::<Vec<_>>(),
        [Some(7)],
        "{hits:?}"
    );
    let message = &hits[0].message;
    assert!(
        message.contains("应存 10") && message.contains("实存 9") && message.contains("短少 1"),
        "{message}"
    );
    assert_eq!(hits[0].related.len(), 2, "the opening count and the issue");
}

#[test]
fn a_difference_within_the_tolerance_does_not_fire() {
    let catalogue = rule("DRUG-STOCK-RECON", |t| {
        t.replace("tolerance = 0", "tolerance = 1")
    });
    // March is 1 box short (within the tolerance), April 2 more (beyond it).
    let ledger = format!(
        "青山县人民医院终止妊娠药品出入库台账,,,,,,,,\n{LEDGER_HEAD}\
         2024-03-01,购进,米非司酮片,25mg,230801,20,盒,鲁中医药有限公司,\n\
         2024-03-06,出库,米非司酮片,25mg,230801,8,盒,,\n\
         2024-03-31,盘点,米非司酮片,25mg,230801,11,盒,,\n\
         2024-04-06,出库,米非司酮片,25mg,230801,2,盒,,\n\
         2024-04-30,盘点,米非司酮片,25mg,230801,7,盒,,\n"
    );
    let (findings, _) = run_with(&catalogue, &[("ledger.csv", &ledger)]);
    let rows: Vec<Option<u32>> = of(&findings, "DRUG-STOCK-RECON")
        .iter()
        .map(|f| f.row)
        .collect();
    assert_eq!(rows, [Some(7)]);
}

/// 10,000 ledger lines in 40 batches and 5,000 dispensings that all balance: the reconciliation
/// of many movements per batch and month finds nothing. (Speed is the benchmark's business.)
#[test]
fn a_balanced_ledger_of_thousands_of_lines_reconciles_without_a_finding() {
    use std::fmt::Write as _;
    let mut ledger = format!("青山县人民医院终止妊娠药品出入库台账,,,,,,,,\n{LEDGER_HEAD}");
    let mut dispensed =
        "青山县人民医院终止妊娠药品用药登记,,,,,\n发药日期,处方号,药品名称,规格,批号,数量\n"
            .to_owned();
    let start = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    for n in 0..5_000u32 {
        let day = start + chrono::Days::new(u64::from(n / 40));
        let batch = 230_000 + n % 40;
        writeln!(
            ledger,
            "{day},购进,米非司酮片,25mg,{batch},1,盒,鲁中医药有限公司,"
        )
        .unwrap();
        writeln!(ledger, "{day},出库,米非司酮片,25mg,{batch},1,盒,,").unwrap();
        writeln!(dispensed, "{day},MZ{n},米非司酮片,25mg,{batch},1").unwrap();
    }
    let catalogue = Catalogue::from_sources(
        ["DRUG-STOCK-RECON", "DRUG-PURCH-MATCH", "X-DRUG-VS-CASES"].map(|id| {
            let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../rules/catalogue")
                .join(format!("{id}.toml"));
            (format!("{id}.toml"), std::fs::read_to_string(path).unwrap())
        }),
    )
    .unwrap();
    let tables = read(&[("ledger.csv", &ledger), ("dispense.csv", &dispensed)]);
    let (findings, _) = judge(&catalogue, &tables);
    assert!(findings.is_empty(), "{:?}", findings.first());
}

#[test]
fn a_monthly_summary_carries_its_closing_stock_into_the_next_opening() {
    let summary = "青山县人民医院终止妊娠药品进销存月报表,,,,,,,\n\
        日期,通用名称,规格,批号,期初数量,本期入库,本期出库,期末结存\n\
        2024-01-31,米非司酮片,25mg,230801,10,20,12,18\n\
        2024-02-29,米非司酮片,25mg,230801,18,0,5,13\n\
        2024-03-31,米非司酮片,25mg,230801,15,0,4,11\n\
        2024-04-30,米非司酮片,25mg,230801,11,6,3,15\n";
    let (findings, _) = run(&[("summary.csv", summary)]);
    let hits = of(&findings, "DRUG-STOCK-RECON");
    // March opens at 15 where February closed at 13; April's 11 + 6 − 3 is 14, not 15. Without
    // counts or a dispensing register, no month is reconciled beyond the lines themselves.
    let got: Vec<(Option<u32>, bool)> = hits
        .iter()
        .map(|f| (f.row, f.message.contains("期初 15")))
        .collect();
    assert_eq!(got, [(Some(5), true), (Some(6), false)], "{hits:?}");
    assert!(hits[1].message.contains("应为 14"), "{}", hits[1].message);
}

#[test]
fn a_sale_to_a_buyer_whose_ledger_is_absent_is_a_note_not_a_finding() {
    let seller = "青山医药有限公司终止妊娠药品购销台账,,,,,,,,\n\
        日期,类型,通用名称,规格,批号,数量,单位,供货单位,购货单位\n\
        2024-03-08,销售,米非司酮片,25mg,230801,10,盒,,青山县人民医院\n\
        2024-03-09,销售,米非司酮片,25mg,230801,10,盒,,青山县中医医院\n";
    let buyer = "青山县人民医院终止妊娠药品购销台账,,,,,,,,\n\
        日期,类型,通用名称,规格,批号,数量,单位,供货单位,购货单位\n\
        2024-03-09,购进,米非司酮片,25mg,230801,10,盒,青山医药有限公司,\n";
    let (findings, skipped) = run(&[("seller.csv", seller), ("buyer.csv", buyer)]);
    assert!(of(&findings, "DRUG-PURCH-MATCH").is_empty(), "{findings:?}");
    let notes: Vec<&Skipped> = skipped
        .iter()
        .filter(|s| s.rule == "DRUG-PURCH-MATCH")
        .collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].zh.contains("1 条销售") && notes[0].zh.contains("seller.csv"),
        "{notes:?}"
    );
}

#[test]
fn a_receipt_with_no_sale_in_the_sellers_ledger_fires_on_the_receipt() {
    let seller = "青山医药有限公司终止妊娠药品购销台账,,,,,,,,\n\
        日期,类型,通用名称,规格,批号,数量,单位,供货单位,购货单位\n\
        2024-03-08,销售,米非司酮片,25mg,230801,10,盒,,青山县人民医院\n";
    let buyer = "青山县人民医院终止妊娠药品购销台账,,,,,,,,\n\
        日期,类型,通用名称,规格,批号,数量,单位,供货单位,购货单位\n\
        2024-03-09,购进,米非司酮片,25mg,230801,10,盒,青山医药有限公司,\n\
        2024-03-20,购进,米非司酮片,25mg,230809,6,盒,青山医药有限公司,\n";
    let (findings, skipped) = run(&[("seller.csv", seller), ("buyer.csv", buyer)]);
    let hits = of(&findings, "DRUG-PURCH-MATCH");
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!((hits[0].file.as_str(), hits[0].row), ("buyer.csv", Some(4)));
    assert!(
        hits[0].message.contains("seller.csv") && hits[0].related.is_empty(),
        "{:?}",
        hits[0]
    );
    assert!(!skipped.iter().any(|s| s.rule == "DRUG-PURCH-MATCH"));
}

const CASES_LEDGER: &str = "青山县人民医院终止妊娠药品购销台账,,,,,,,,\n\
    日期,类型,通用名称,规格,批号,数量,单位,供货单位,购货单位\n\
    2024-01-10,购进,米非司酮片,25mg,230801,3,盒,鲁中医药有限公司,\n";

#[test]
fn without_the_institutions_termination_register_receipts_are_not_judged() {
    let other =
        "青山县妇幼保健院终止妊娠手术登记,,\n手术日期,病历号,术式\n2024-01-12,ZY1,药物流产\n";
    let (findings, skipped) = run(&[("ledger.csv", CASES_LEDGER), ("top.csv", other)]);
    assert!(of(&findings, "X-DRUG-VS-CASES").is_empty());
    assert!(
        skipped
            .iter()
            .any(|s| s.rule == "X-DRUG-VS-CASES" && s.zh.contains("青山县人民医院")),
        "{skipped:?}"
    );
}

#[test]
fn cases_may_be_counted_as_distinct_patients_of_the_dispensing_register() {
    let catalogue = rule("X-DRUG-VS-CASES", |t| {
        t.replace(
            "kind = \"drug_vs_cases\"",
            "kind = \"drug_vs_cases\"\ncases = \"dispense\"",
        )
    });
    // Two patients, each with two rows (mifepristone, then misoprostol): 2 cases, and 3 boxes
    // of mifepristone is 1.5 times that.
    let dispensed = "青山县人民医院终止妊娠药品用药登记,,,,\n\
        发药日期,处方号,药品名称,数量,单位\n\
        2024-01-12,MZ1,米非司酮片,1,盒\n\
        2024-01-14,MZ1,米索前列醇片,1,盒\n\
        2024-02-12,MZ2,米非司酮片,1,盒\n\
        2024-02-14,MZ2,米索前列醇片,1,盒\n";
    let (findings, skipped) = run_with(
        &catalogue,
        &[("ledger.csv", CASES_LEDGER), ("dispense.csv", dispensed)],
    );
    let hits = of(&findings, "X-DRUG-VS-CASES");
    assert_eq!(hits.len(), 1, "{hits:?} {skipped:?}");
    assert!(
        hits[0].message.contains("用药登记患者 2 例") && hits[0].message.contains("1.5 倍"),
        "{}",
        hits[0].message
    );
}

#[test]
fn a_reconciliation_with_a_misspelt_parameter_value_stops_the_load() {
    for (id, from, to) in [
        (
            "DRUG-STOCK-RECON",
            "period = \"month\"",
            "period = \"monthly\"",
        ),
        ("DRUG-PURCH-MATCH", "days = 15", "days = \"15\""),
        ("X-DRUG-VS-CASES", "k = 1.3", "k = -1.3"),
    ] {
        let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../rules/catalogue")
            .join(format!("{id}.toml"));
        let text = std::fs::read_to_string(path).unwrap();
        assert!(text.contains(from), "{id}");
        let e = Catalogue::from_sources([(format!("{id}.toml"), text.replace(from, to))])
            .unwrap_err()
            .to_string();
        assert!(e.contains(id) && e.contains("parameter"), "{e}");
    }
}

/// A wholesaler's 销售记录 has no type column at all: each line naming a buyer is a sale, and the
/// lines naming nobody are counted in the run notes rather than passed over in silence.
#[test]
fn a_sales_record_without_a_type_column_is_judged_by_the_buyers_it_names() {
    let registry = common_registry();
    let sales = "鲁中医药有限公司终止妊娠药品销售记录,,,,,,,,,\n\
        销售日期,通用名称,规格,批准文号,生产企业,批号,有效期至,数量,单位,购货单位\n\
        2024-05-06,米非司酮片,25mg,国药准字H20010123,鲁康制药有限公司,230801,2026-07-31,2,盒,青山康宁诊所\n\
        2024-05-07,米非司酮片,25mg,国药准字H20010123,鲁康制药有限公司,230801,2026-07-31,2,盒,青山县人民医院\n\
        2024-05-08,米非司酮片,25mg,国药准字H20010123,鲁康制药有限公司,230801,2026-07-31,2,盒,\n\
        2024-05-09,米非司酮片,25mg,国药准字H20010123,鲁康制药有限公司,,2026-07-31,2,盒,青山惠民药店\n";
    let (findings, skipped) = run(&[("sales.csv", sales), ("institutions.csv", &registry)]);
    let rows =
        |rule: &str| -> Vec<Option<u32>> { of(&findings, rule).iter().map(|f| f.row).collect() };
    // 3 青山康宁诊所 and 6 青山惠民药店 are not registered; 4 is licensed; 5 names nobody.
    assert_eq!(rows("DRUG-BUYER-QUALIFIED"), [Some(3), Some(6)]);
    assert_eq!(rows("DRUG-NO-RETAIL"), [Some(6)]);
    // 6 has no batch number.
    assert_eq!(rows("DRUG-SALE-FIELDS"), [Some(6)]);
    for rule in ["DRUG-BUYER-QUALIFIED", "DRUG-NO-RETAIL", "DRUG-SALE-FIELDS"] {
        let notes: Vec<&Skipped> = skipped.iter().filter(|s| s.rule == rule).collect();
        assert_eq!(notes.len(), 1, "{rule}: {skipped:?}");
        assert!(
            notes[0].zh.starts_with("1 条终止妊娠药品记录"),
            "{}",
            notes[0].zh
        );
        assert!(
            notes[0].en.starts_with("1 termination-drug record has"),
            "{}",
            notes[0].en
        );
    }
}

fn common_registry() -> String {
    common::fixture("DRUG-BUYER-QUALIFIED", "institutions.csv")
}

/// Ledgers word their types every way: 采购入库 is a receipt, 销售出库 and 售出 issues, and
/// 销售退回 (a return) moves nothing here, so a ledger written so balances.
#[test]
fn types_read_by_their_words_balance_the_stock() {
    let ledger = format!(
        "青山县人民医院终止妊娠药品出入库台账,,,,,,,,\n{LEDGER_HEAD}\
         2024-03-01,采购入库,米非司酮片,25mg,230801,20,盒,鲁中医药有限公司,\n\
         2024-03-06,销售出库,米非司酮片,25mg,230801,8,盒,,青山县妇幼保健院\n\
         2024-03-08,售出,米非司酮片,25mg,230801,2,盒,,青山县妇幼保健院\n\
         2024-03-31,盘点,米非司酮片,25mg,230801,10,盒,,\n\
         2024-04-06,销售（出库）,米非司酮片,25mg,230801,2,盒,,青山县妇幼保健院\n\
         2024-04-30,盘点,米非司酮片,25mg,230801,7,盒,,\n"
    );
    let (findings, _) = run(&[("ledger.csv", &ledger)]);
    // March: 20 − 8 − 2 = 10, as counted. April: 10 − 2 = 8, 7 counted.
    let rows: Vec<Option<u32>> = of(&findings, "DRUG-STOCK-RECON")
        .iter()
        .map(|f| f.row)
        .collect();
    assert_eq!(rows, [Some(8)]);
}

/// A wholesaler's 销售记录 without a type column sells by the buyers it names, and a buyer's
/// 采购入库 receives: the sale that pairs is not a finding, the one that does not is.
#[test]
fn an_untyped_sales_record_pairs_with_the_buyers_receipts() {
    let seller = "青山医药有限公司终止妊娠药品销售记录,,,,,,\n\
        销售日期,通用名称,规格,批号,数量,单位,购货单位\n\
        2024-03-08,米非司酮片,25mg,230801,10,盒,青山县人民医院\n\
        2024-03-12,米非司酮片,25mg,230809,4,盒,青山县人民医院\n";
    let buyer = "青山县人民医院终止妊娠药品购销台账,,,,,,,,\n\
        日期,类型,通用名称,规格,批号,数量,单位,供货单位,购货单位\n\
        2024-03-09,采购入库,米非司酮片,25mg,230801,10,盒,青山医药有限公司,\n";
    let (findings, _) = run(&[("seller.csv", seller), ("buyer.csv", buyer)]);
    let hits = of(&findings, "DRUG-PURCH-MATCH");
    assert_eq!(
        hits.iter()
            .map(|f| (f.file.as_str(), f.row))
            .collect::<Vec<_>>(),
        [("seller.csv", Some(4))],
        "{hits:?}"
    );
}

/// A 购进记录 without a type column names its supplier on every line: its lines are purchases,
/// neither judged as sales nor counted as lines that cannot be told.
#[test]
fn an_untyped_purchase_record_is_told_by_its_supplier() {
    let purchases = "青山县人民医院终止妊娠药品购进记录,,,,,,,,,\n\
        购进日期,通用名称,规格,批准文号,生产企业,批号,有效期至,数量,单位,供货单位\n\
        2024-01-10,米非司酮片,25mg,国药准字H20010123,鲁康制药有限公司,230801,2026-06-30,5,盒,青山医药有限公司\n\
        2024-03-12,米索前列醇片,0.2mg,国药准字H20000668,鲁康制药有限公司,231105,2026-06-30,7,盒,青山医药有限公司\n";
    let (findings, skipped) = run(&[
        ("purchases.csv", purchases),
        ("institutions.csv", &common_registry()),
    ]);
    for rule in ["DRUG-BUYER-QUALIFIED", "DRUG-NO-RETAIL", "DRUG-SALE-FIELDS"] {
        assert!(of(&findings, rule).is_empty(), "{rule}: {findings:?}");
        assert!(
            !skipped.iter().any(|s| s.rule == rule),
            "{rule}: {skipped:?}"
        );
    }
}

#[test]
fn a_wholesaler_known_only_by_its_name_passes_and_the_notes_name_it() {
    let (findings, skipped) = run(&[
        (
            "institutions.csv",
            &common::fixture("DRUG-BUYER-QUALIFIED", "institutions.csv"),
        ),
        (
            "sales.csv",
            "销售日期,购货单位,通用名称,批号,数量\n\
             2024-03-05,山东瑞康医药有限公司,米非司酮片,240101,100\n\
             2024-03-05,上海医药集团股份有限公司,米非司酮片,240101,100\n\
             2024-03-06,国药控股济宁有限公司,米非司酮片,240101,10\n\
             2024-03-07,青山百姓大药房连锁有限公司,米非司酮片,240101,2\n\
             2024-03-08,山东瑞康医药有限公司,米非司酮片,240101,5\n",
        ),
    ]);
    let hits = of(&findings, "DRUG-BUYER-QUALIFIED");
    // Only the pharmacy chain: retail, not a wholesaler, whatever 有限公司 it is.
    assert_eq!(
        hits.iter().map(|f| f.row).collect::<Vec<_>>(),
        [Some(5)],
        "{hits:?}"
    );
    let notes: Vec<&Skipped> = skipped
        .iter()
        .filter(|s| s.rule == "DRUG-BUYER-QUALIFIED")
        .collect();
    assert_eq!(notes.len(), 1, "{skipped:?}");
    assert_eq!(
        notes[0].zh,
        "3 家购货单位不在机构名录中，仅按名称认定为药品批发企业，未核对其药品经营许可证：“山东瑞康医药有限公司”“上海医药集团股份有限公司”“国药控股济宁有限公司”（sales.csv）"
    );
}

#[test]
fn a_receipt_ledger_with_only_a_purchase_quantity_column_pairs_with_the_sellers_sales() {
    let (findings, _) = run(&[
        (
            "wholesale.csv",
            "青山医药有限公司 终止妊娠药品销售记录\n\
             销售日期,购货单位,通用名称,规格,批号,数量\n\
             2024-03-04,青山百姓大药房,米非司酮片,25mg,240101,3\n\
             2024-03-06,青山百姓大药房,米非司酮片,25mg,240101,4\n",
        ),
        (
            "pharmacy.csv",
            "青山百姓大药房 药品购进验收记录\n\
             购进日期,通用名称,规格,批号,购进数量,供货单位\n\
             2024-03-04,米非司酮片,25mg,240101,3,青山医药有限公司\n\
             2024-03-10,米非司酮片,25mg,240201,20,青山医药有限公司\n",
        ),
    ]);
    let hits: Vec<(&str, Option<u32>)> = of(&findings, "DRUG-PURCH-MATCH")
        .iter()
        .map(|f| (f.file.as_str(), f.row))
        .collect();
    // The 03-04 sale pairs with the pharmacy's receipt under 购进数量; the 03-06 sale has no
    // receipt, and the pharmacy's 03-10 receipt of batch 240201 no sale.
    assert_eq!(
        hits,
        [("wholesale.csv", Some(4)), ("pharmacy.csv", Some(4))],
        "{findings:?}"
    );
}
