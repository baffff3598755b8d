//! SRB-INSTITUTION over its fixtures beyond the rows the catalogue test compares: one finding
//! per institution-period in the whole run whatever the order of the files, the pooled counts
//! the funnel plot draws, and messages that quote counts, never people.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::path::PathBuf;

use auditor_ingest::{Catalog, IdHasher, Ingest, Table};
use auditor_rules::{Catalogue, DrugCatalog, Pack, evaluate, srb};
use chrono::NaiveDate;

fn dir() -> PathBuf {
    [
        env!("CARGO_MANIFEST_DIR"),
        "..",
        "..",
        "fixtures",
        "rules",
        "SRB-INSTITUTION",
    ]
    .iter()
    .collect()
}

fn read(files: &[&str]) -> Vec<Table> {
    let catalog = Catalog::builtin().unwrap();
    let hasher = IdHasher::new(b"fixture").unwrap();
    let ingest = Ingest::new(&catalog, &hasher);
    files
        .iter()
        .flat_map(|f| {
            let r = ingest.read_path(&dir().join(f), f);
            assert_eq!(r.error, None, "{f}");
            r.tables
        })
        .collect()
}

fn findings(files: &[&str]) -> Vec<(String, u32, String, String)> {
    let catalogue = Catalogue::builtin().unwrap();
    let pack = Pack::builtin("national").unwrap();
    let drugs = DrugCatalog::builtin().unwrap();
    let as_of = NaiveDate::from_ymd_opt(2024, 6, 30).unwrap();
    let (found, _) = evaluate(&catalogue, &pack, &drugs, &read(files), as_of);
    let mut out: Vec<_> = found
        .into_iter()
        .filter(|f| f.rule == "SRB-INSTITUTION")
        .map(|f| (f.file, f.row.unwrap_or(0), f.message, f.message_en))
        .collect();
    out.sort();
    out
}

#[test]
fn one_finding_per_institution_period_whatever_the_order_of_the_files() {
    let forward = findings(&["violating.csv", "births_2023q1.csv"]);
    let backward = findings(&["births_2023q1.csv", "violating.csv"]);
    assert_eq!(forward, backward);
    let rows: Vec<(&str, u32)> = forward.iter().map(|f| (f.0.as_str(), f.1)).collect();
    assert_eq!(
        rows,
        [
            ("violating.csv", 1551),
            ("violating.csv", 3552),
            ("violating.csv", 3752)
        ]
    );
}

#[test]
fn the_message_quotes_the_pooled_counts_and_the_files_but_no_person() {
    let found = findings(&["violating.csv", "births_2023q1.csv"]);
    let (_, _, zh, en) = &found[0];
    for want in [
        "宁阳县康宁妇产医院（12370921MB0000001X） 2023 年活产 1281 例（男 726、女 555），出生性别比 130.8",
        "整体高于正常范围 103–107",
        "另有 8 例性别不详未计入",
        "合并了 births_2023q1.csv、violating.csv 的出生记录",
        "Benjamini–Hochberg 校正 p = ",
    ] {
        assert!(zh.contains(want), "{want} in {zh}");
    }
    assert!(
        en.contains("1281 live births (726 boys, 555 girls), sex ratio at birth 130.8"),
        "{en}"
    );
    assert!(found[1].2.contains("整体低于正常范围"), "{}", found[1].2);
    // ID numbers are 18 characters of digits; names are not in a sex-ratio message at all.
    for (_, _, zh, en) in &found {
        for text in [zh, en] {
            assert!(!text.contains("370921199"), "{text}");
            assert!(!text.contains("产妇"), "{text}");
        }
    }
}

#[test]
fn points_pool_files_years_and_exclude_stillbirths_and_unknown_sex() {
    let catalogue = Catalogue::builtin().unwrap();
    let rule = catalogue.get("SRB-INSTITUTION").unwrap();
    let points = srb::points(&read(&["violating.csv", "births_2023q1.csv"]), rule);
    let kangning: Vec<_> = points
        .iter()
        .filter(|p| p.institution == "宁阳县康宁妇产医院")
        .collect();
    assert_eq!(kangning.len(), 2, "{kangning:?}");
    let (y2022, y2023) = (kangning[0], kangning[1]);
    assert_eq!(
        (
            y2022.period.as_str(),
            y2022.boys,
            y2022.girls,
            y2022.flagged
        ),
        ("2022", 205, 195, false)
    );
    assert_eq!(
        (
            y2023.boys,
            y2023.girls,
            y2023.unknown_sex,
            y2023.stillbirths,
            y2023.flagged
        ),
        (726, 555, 8, 12, true)
    );
    assert_eq!(y2023.tables, [0, 1]);
    assert!(y2023.ci.0 > 107.0 && y2023.ci.1 < 150.0, "{:?}", y2023.ci);
    assert_eq!(points.iter().filter(|p| p.flagged).count(), 3);

    let compliant = srb::points(&read(&["compliant.csv", "births_2023q1.csv"]), rule);
    let get = |name: &str| compliant.iter().find(|p| p.institution == name).unwrap();
    // Significant after correction, but the interval's lower end (106.98) is in the band.
    let fuyou = get("宁阳县妇幼保健院");
    assert!(fuyou.p_adjusted <= 0.05, "{fuyou:?}");
    assert!(fuyou.ci.0 < 107.0 && fuyou.ci.0 > 106.9, "{fuyou:?}");
    // One birth short of min_births, though the interval lies far above the band.
    let huafeng = get("宁阳县华丰镇卫生院");
    assert!(huafeng.births() == 199 && huafeng.ci.0 > 107.0 && huafeng.p_adjusted <= 0.05);
    let dongshu = get("宁阳县东疏镇卫生院");
    assert_eq!((dongshu.births(), dongshu.stillbirths), (190, 15));
    assert!(compliant.iter().all(|p| !p.flagged), "{compliant:?}");
}

#[test]
fn the_funnel_data_follows_the_pack() {
    let catalogue = Catalogue::builtin().unwrap();
    let pack = Pack::builtin("national").unwrap();
    let tables = read(&["violating.csv"]);
    let chart = srb::for_pack(&catalogue, &pack, &tables).unwrap();
    assert!((chart.norms.p0_srb - 105.0).abs() < 1e-9);
    assert_eq!(chart.points.len(), 5);
    assert!(srb::for_pack(&catalogue, &pack, &[]).is_none());
}
