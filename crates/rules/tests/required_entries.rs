//! Required entries of a register: an ID number written but failing its check is kept as absent
//! by ingest, so the finding says "missing or invalid", never that a filled cell was empty.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod common;

use auditor_model::Finding;
use auditor_rules::{Catalogue, DrugCatalog, Pack, evaluate};
use chrono::NaiveDate;

fn findings_of(rule: &str, files: &[(&str, &str)]) -> Vec<Finding> {
    evaluate(
        &Catalogue::builtin().unwrap(),
        &Pack::builtin("national").unwrap(),
        &DrugCatalog::builtin().unwrap(),
        &common::csv_tables(files),
        NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
    )
    .0
    .into_iter()
    .filter(|f| f.rule == rule)
    .collect()
}

#[test]
fn an_id_number_that_fails_its_check_is_missing_or_invalid_not_empty() {
    // 2 an ID whose check digit is wrong; 3 no name, and that wrong ID; 4 no name; 5 complete.
    let csv = "检查日期,检查号,姓名,身份证号,孕周,检查项目,操作医师,第二人\n\
        2024-03-01 08:30,US001,王丽,370921199603140026,16周,产科B超,张伟,李娜\n\
        2024-03-01 09:10,US002,,370921199603140026,12周,产科B超,张伟,李娜\n\
        2024-03-02 10:05,US003,,370923199805220069,20周,产科B超,张伟,李娜\n\
        2024-03-02 14:20,US004,赵敏,370911199009170085,8周,早孕B超,张伟,李娜\n";
    let hits = findings_of("US-REALNAME", &[("exams.csv", csv)]);
    // The engine puts the rule's title before each message.
    let want = [
        (
            Some(2),
            "：必填项为空或无效：身份证号",
            ": required entries are missing or invalid: ID number",
        ),
        (
            Some(3),
            "：必填项为空：姓名；必填项为空或无效：身份证号",
            ": required entries are empty: Name; required entries are missing or invalid: ID number",
        ),
        (
            Some(4),
            "：必填项为空：姓名",
            ": required entries are empty: Name",
        ),
    ];
    assert_eq!(hits.len(), want.len(), "{hits:?}");
    for (f, (row, zh, en)) in hits.iter().zip(want) {
        assert_eq!(f.row, row);
        assert!(f.message.ends_with(zh), "{}", f.message);
        assert!(f.message_en.ends_with(en), "{}", f.message_en);
    }
}

/// A ledger of sales and purchases without a supplier column: the purchases lack it, counted as
/// such, and an expiry that is no date (2026年13月) is missing or invalid, not empty.
#[test]
fn a_missing_supplier_column_counts_the_purchases_and_an_unreadable_date_is_not_empty() {
    let csv = "日期,类型,通用名称,规格,批准文号,生产企业,批号,有效期至,数量,单位,购货单位\n\
        2024-03-04,销售,米非司酮片,25mg,国药准字H20010123,鲁康制药有限公司,230801,2026年13月,10,盒,青山县人民医院\n\
        2024-03-05,购进,米非司酮片,25mg,国药准字H20010123,鲁康制药有限公司,230901,2026-08-31,20,盒,\n\
        2024-03-06,销售,米非司酮片,25mg,国药准字H20010123,鲁康制药有限公司,230801,2026-07-31,2,盒,青山县人民医院\n";
    let hits = findings_of("DRUG-SALE-FIELDS", &[("ledger.csv", csv)]);
    assert_eq!(
        hits.iter().map(|f| f.row).collect::<Vec<_>>(),
        [None, Some(2)],
        "{hits:?}"
    );
    assert!(
        hits[0]
            .message_en
            .ends_with("the sheet has no column for Supplier: the 1 record that needs it lacks it"),
        "{}",
        hits[0].message_en
    );
    assert!(
        hits[1]
            .message_en
            .ends_with(": required entries are missing or invalid: Expiry date"),
        "{}",
        hits[1].message_en
    );
}

/// A 购进记录 keeps its quantity as 购进数量 (入库数量), a 进销存 ledger in 入库/出库数量: either
/// stands in for 数量, and the sheet does not lack a quantity column.
#[test]
fn a_quantity_in_or_out_column_stands_in_for_the_quantity() {
    let csv = "日期,类型,通用名称,规格,批准文号,生产企业,批号,有效期至,入库数量,出库数量,单位,供货单位,购货单位\n\
        2024-03-04,购进,米非司酮片,25mg,国药准字H20010123,鲁康制药有限公司,230801,2026-07-31,20,,盒,鲁中医药有限公司,\n\
        2024-03-05,销售,米非司酮片,25mg,国药准字H20010123,鲁康制药有限公司,230801,2026-07-31,,5,盒,,青山县人民医院\n\
        2024-03-06,销售,米非司酮片,25mg,国药准字H20010123,鲁康制药有限公司,230801,2026-07-31,,,盒,,青山县人民医院\n";
    let hits = findings_of("DRUG-SALE-FIELDS", &[("ledger.csv", csv)]);
    assert_eq!(
        hits.iter().map(|f| f.row).collect::<Vec<_>>(),
        [Some(4)],
        "{hits:?}"
    );
    assert!(
        hits[0]
            .message_en
            .ends_with(": required entries are missing or invalid: Quantity"),
        "{}",
        hits[0].message_en
    );
}
