//! The html report draws the sex-ratio funnel plot when births are among the inputs, from the
//! SRB-INSTITUTION fixtures: every institution-period a dot, the flagged ones red.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::path::PathBuf;

use auditor_ingest::{Catalog, IdHasher, Ingest};
use auditor_report::{Lang, Report, RuleBook, render_html};
use auditor_rules::{Catalogue, DrugCatalog, Pack, evaluate, srb};
use chrono::NaiveDate;

fn render(files: &[&str], lang: Lang) -> String {
    let dir: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "..",
        "..",
        "fixtures",
        "rules",
        "SRB-INSTITUTION",
    ]
    .iter()
    .collect();
    let catalog = Catalog::builtin().unwrap();
    let hasher = IdHasher::new(b"fixture").unwrap();
    let ingest = Ingest::new(&catalog, &hasher);
    let mut inputs: Vec<_> = files
        .iter()
        .map(|f| ingest.read_path(&dir.join(f), f))
        .collect();
    let tables: Vec<_> = inputs
        .iter_mut()
        .flat_map(|i| std::mem::take(&mut i.tables))
        .collect();
    let catalogue = Catalogue::builtin().unwrap();
    let pack = Pack::builtin("national").unwrap();
    let drugs = DrugCatalog::builtin().unwrap();
    let as_of = NaiveDate::from_ymd_opt(2024, 6, 30).unwrap();
    let (findings, skipped) = evaluate(&catalogue, &pack, &drugs, &tables, as_of);
    let mut report = Report::new(as_of, &pack, &inputs, &skipped, findings);
    report.sex_ratio = srb::for_pack(&catalogue, &pack, &tables);
    render_html(
        &report,
        &RuleBook::for_pack(&catalogue, &pack),
        &catalog,
        lang,
    )
}

#[test]
fn the_html_report_draws_every_institution_period_and_reds_the_flagged() {
    let html = render(&["violating.csv", "births_2023q1.csv"], Lang::Zh);
    if let Ok(path) = std::env::var("FUNNEL_HTML") {
        std::fs::write(path, &html).unwrap();
    }
    assert!(html.contains("<h2>出生性别比</h2>"));
    let svg = &html[html.find("<svg class=\"funnel\"").unwrap()..html.find("</svg>").unwrap()];
    // 康宁 2022 and 2023, 人民医院, 第二人民医院, 伏山镇: five dots, three flagged.
    assert_eq!(svg.matches("<circle").count(), 5, "{svg}");
    assert_eq!(svg.matches("fill=\"#cc0000\"").count(), 3, "{svg}");
    assert!(svg.contains("宁阳县康宁妇产医院 2023：活产 1281（男 726、女 555），出生性别比 130.8"));
    assert!(html.contains("红点为已报出的 3 个机构-期间"));
    assert!(!html.contains("<script"));
}

#[test]
fn counts_under_five_are_shown_as_under_five() {
    let html = render(&["compliant.csv", "births_2023q1.csv"], Lang::En);
    assert!(html.contains("<h2>Sex ratio at birth</h2>"));
    // All of compliant.csv's institution-periods have 12 births or more: all drawn.
    assert!(!html.contains("fewer than 5 live births are not shown"));
    assert!(html.contains("宁阳县磁窑镇卫生院 2023: 12 live births (9 boys, &lt;5 girls)"));
    assert!(html.contains("red dots the 0 institution-periods flagged"));
}

#[test]
fn no_births_no_funnel() {
    let catalogue = Catalogue::builtin().unwrap();
    let pack = Pack::builtin("national").unwrap();
    assert!(srb::for_pack(&catalogue, &pack, &[]).is_none());
}
