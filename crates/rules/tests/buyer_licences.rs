//! DRUG-BUYER-QUALIFIED against registries as counties keep them: a registry whose only end
//! date is a plain 有效期至 still shows a lapsed licence, and a buyer written with its
//! department in brackets ("XX县人民医院（妇产科）") is the institution, while a branch (分院)
//! is not.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod common;

use chrono::NaiveDate;

const REGISTRY: &str = "机构名称,统一社会信用代码,母婴保健技术服务执业许可证号,许可项目,有效期至\n\
    宁阳县人民医院,12370921493000011C,MY2024001,助产；终止妊娠手术,2027-12-31\n\
    宁阳县仁和医院,123709214930000296,MY2024002,助产；终止妊娠,2025-06-30\n";

#[test]
fn a_sale_after_the_registrys_plain_validity_date_is_to_an_unqualified_buyer() {
    // 3: the department in brackets; 4: a branch the registry does not hold; 5: a sale before
    // 仁和医院's licence lapsed.
    let sales = "日期,类型,通用名称,规格,批准文号,批号,数量,单位,购货单位,购货单位统一社会信用代码\n\
        2026-03-05,销售,米非司酮片,25mg,国药准字H20010123,230802,10,盒,宁阳县仁和医院,123709214930000296\n\
        2026-03-05,销售,米非司酮片,25mg,国药准字H20010123,230802,10,盒,宁阳县人民医院（妇产科）,\n\
        2026-03-05,销售,米非司酮片,25mg,国药准字H20010123,230802,10,盒,宁阳县人民医院（东城分院）,\n\
        2025-06-30,销售,米非司酮片,25mg,国药准字H20010123,230802,10,盒,宁阳县仁和医院,123709214930000296\n";
    let (findings, _) = common::judge(
        "national",
        &[("registry.csv", REGISTRY), ("sales.csv", sales)],
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
    );
    let hits: Vec<(Option<u32>, &str)> = findings
        .iter()
        .filter(|f| f.rule == "DRUG-BUYER-QUALIFIED")
        .map(|f| (f.row, f.message.as_str()))
        .collect();
    assert_eq!(
        hits,
        [
            (
                Some(2),
                "终止妊娠药品只售给有资质的单位：向不具备资质的单位销售终止妊娠药品“米非司酮片”（米非司酮）：购货单位“宁阳县仁和医院”的许可（机构名录所载有效期）已于 2025-06-30 过期，销售日期 2026-03-05"
            ),
            (
                Some(4),
                "终止妊娠药品只售给有资质的单位：向不具备资质的单位销售终止妊娠药品“米非司酮片”（米非司酮）：购货单位“宁阳县人民医院（东城分院）”不在机构名录中，无法证明其资质"
            ),
        ]
    );
}

/// A sale to a private person names her where the buyer's name was due; the finding quotes the
/// buyer with the name masked.
#[test]
fn a_private_buyers_name_is_quoted_masked() {
    let sales = "日期,类型,通用名称,规格,批准文号,批号,有效期至,数量,单位,供货单位,购货单位,购货单位统一社会信用代码,追溯码\n\
        2024-03-11,销售,米非司酮片,25mg,国药准字H20010123,230801,2026-07-31,1,盒,,个人（孙桂兰 136******78）,,81000230801000000102\n";
    let registry = "机构名称,统一社会信用代码,机构类别,母婴保健许可项目,母婴保健许可有效期至\n\
        青山县人民医院,12370921493000011C,综合医院,助产、结扎、终止妊娠,2026-12-31\n";
    let (findings, _) = common::judge(
        "national",
        &[("sales.csv", sales), ("institutions.csv", registry)],
        chrono::NaiveDate::from_ymd_opt(2024, 6, 30).unwrap(),
    );
    let quoted: Vec<&str> = findings
        .iter()
        .filter(|f| f.rule == "DRUG-BUYER-QUALIFIED")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(quoted.len(), 1, "{findings:#?}");
    assert!(
        quoted[0].contains("购货单位“个人（孙** 136******78）”"),
        "{}",
        quoted[0]
    );
    assert!(
        findings
            .iter()
            .all(|f| !f.message.contains("孙桂兰") && !f.message_en.contains("孙桂兰"))
    );
}
