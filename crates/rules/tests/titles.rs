//! Rule titles and docs that name their parameters follow the parameters a pack or a
//! regulator's own rule file sets: 16 weeks, 20 days, never a fixed 14 or 30.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod common;

use auditor_rules::{Catalogue, DrugCatalog, Pack, evaluate};
use chrono::NaiveDate;

fn rule_text(id: &str) -> String {
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
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn the_national_titles_name_the_national_values() {
    let catalogue = Catalogue::builtin().unwrap();
    let national = Pack::builtin("national").unwrap();
    let cert = national.apply(catalogue.get("TOP-14W-CERT").unwrap());
    assert_eq!(cert.title.zh, "妊娠14周以上终止妊娠查验登记证明");
    assert_eq!(
        cert.title.en,
        "Certificates checked for terminations at 14 weeks or more"
    );
    assert!(
        cert.docs
            .what_zh
            .contains("术式为中期引产、引产、钳刮（规则包可调整）")
    );
    assert!(cert.docs.what_en.contains("within 3 days"));
    let device = national.apply(catalogue.get("US-DEVICE-FILED-ON-TIME").unwrap());
    assert_eq!(device.title.zh, "超声设备购置后30日内备案");
    assert_eq!(
        device.title.en,
        "Ultrasound devices filed within 30 days of purchase"
    );
}

#[test]
fn every_pack_renders_the_titles_of_the_rules_it_changes_from_its_own_values() {
    let catalogue = Catalogue::builtin().unwrap();
    for name in Pack::builtin_names() {
        let pack = Pack::builtin(name).unwrap();
        for rule in &catalogue.rules {
            let applied = pack.apply(rule);
            for text in [&applied.title.zh, &applied.title.en, &applied.docs.what_zh] {
                assert!(
                    !text.contains('{') && !text.contains('}'),
                    "{name} {}: {text}",
                    rule.id
                );
            }
        }
    }
    let guangxi = Pack::builtin("guangxi")
        .unwrap()
        .apply(catalogue.get("US-DEVICE-FILED-ON-TIME").unwrap());
    assert_eq!(guangxi.title.zh, "超声设备购置后20日内备案");
    assert_eq!(
        guangxi.title.en,
        "Ultrasound devices filed within 20 days of purchase"
    );
    assert!(
        guangxi.docs.what_zh.contains("不得超过 20 天"),
        "{}",
        guangxi.docs.what_zh
    );
    assert!(!guangxi.docs.what_zh.contains("超过 30 天"));
}

#[test]
fn a_pack_or_own_rule_judging_by_16_weeks_says_16_weeks_in_its_findings() {
    // Anhui's 2000 text drew the line at 16 weeks: a regulator's own copy of the rule.
    let text = rule_text("TOP-14W-CERT").replace("min_weeks = 14", "min_weeks = 16");
    let catalogue = Catalogue::from_sources([("TOP-14W-CERT.toml".to_owned(), text)]).unwrap();
    let rule = catalogue.get("TOP-14W-CERT").unwrap();
    assert_eq!(rule.title.zh, "妊娠16周以上终止妊娠查验登记证明");
    let pack = Pack::parse(
        "anhui-2000.toml",
        "name = \"anhui-2000\"\nversion = \"1\"\nzh = \"安徽（2000）\"\nen = \"Anhui (2000)\"\n[params.\"TOP-14W-CERT\"]\nmin_weeks = 16\n",
    )
    .unwrap();
    let tables = common::csv_tables(&[(
        "top.csv",
        "手术日期,病历号,姓名,身份证号,孕周,术式,证明类型,证明编号,出具单位\n\
         2024-03-01,ZY1,王丽,370921199603140025,15周,依沙吖啶羊膜腔内注射引产,,,\n\
         2024-03-02,ZY2,刘芳,370921199311080040,17周,依沙吖啶羊膜腔内注射引产,,,\n",
    )]);
    let (findings, _) = evaluate(
        &Catalogue::builtin().unwrap(),
        &pack,
        &DrugCatalog::builtin().unwrap(),
        &tables,
        NaiveDate::from_ymd_opt(2024, 6, 30).unwrap(),
    );
    let hits: Vec<_> = findings
        .iter()
        .filter(|f| f.rule == "TOP-14W-CERT")
        .collect();
    // 15 weeks (row 2) is below 16; 17 weeks (row 3) is judged.
    assert_eq!(
        hits.iter().map(|f| f.row).collect::<Vec<_>>(),
        [Some(3)],
        "{hits:#?}"
    );
    let hit = hits[0];
    assert!(
        hit.message
            .starts_with("妊娠16周以上终止妊娠查验登记证明："),
        "{}",
        hit.message
    );
    assert!(
        hit.message_en
            .starts_with("Certificates checked for terminations at 16 weeks or more: "),
        "{}",
        hit.message_en
    );
}

#[test]
fn a_placeholder_naming_no_parameter_stops_the_load_naming_the_file_and_key() {
    let text = rule_text("TOP-14W-CERT").replace(
        "zh = \"妊娠{min_weeks}周以上",
        "zh = \"妊娠{min_week}周以上",
    );
    let e = Catalogue::from_sources([("TOP-14W-CERT.toml".to_owned(), text)])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("TOP-14W-CERT.toml") && e.contains("title.zh") && e.contains("{min_week}"),
        "{e}"
    );
    let text = rule_text("US-DEVICE-FILED-ON-TIME")
        .replace("filed within {days} days", "filed within { days } days");
    let e = Catalogue::from_sources([("US-DEVICE-FILED-ON-TIME.toml".to_owned(), text)])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("US-DEVICE-FILED-ON-TIME.toml") && e.contains("title.en"),
        "{e}"
    );
}
