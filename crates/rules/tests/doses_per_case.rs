//! DRUG-QTY-PER-CASE: what one woman is dispensed per case, converted to a dose, against the
//! regimen's ceilings; a quantity that cannot be converted is a note, never a guess.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod common;

use auditor_model::Finding;
use auditor_rules::{Catalogue, DrugCatalog, Pack, Skipped, evaluate};
use chrono::NaiveDate;

const HEADER: &str = "发药日期,处方号,姓名,身份证号,药品名称,规格,数量,单位,处方医师\n";

fn judge(rows: &str) -> (Vec<Finding>, Vec<Skipped>) {
    let csv = format!("{HEADER}{rows}");
    let (findings, skipped) = common::judge(
        "national",
        &[("dispense.csv", &csv)],
        NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
    );
    (
        findings
            .into_iter()
            .filter(|f| f.rule == "DRUG-QTY-PER-CASE")
            .collect(),
        skipped
            .into_iter()
            .filter(|s| s.rule == "DRUG-QTY-PER-CASE")
            .collect(),
    )
}

#[test]
fn a_case_over_the_ceiling_fires_on_the_row_that_takes_it_over() {
    let (found, notes) = judge(
        "2024-03-05,MZ001,王丽,370921199001010020,米非司酮片,25mg,6,片,刘敏\n\
         2024-03-06,MZ002,王丽,370921199001010020,米非司酮片,25mg,2,片,刘敏\n\
         2024-03-07,MZ003,王丽,370921199001010020,米非司酮片,25mg,2,片,刘敏\n",
    );
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].row, Some(4));
    assert_eq!(
        found[0].message,
        "终止妊娠药品单例用量：同一患者（身份证号相同）自 2024-03-05 起共领取米非司酮 250mg，超过每例上限 200mg（本行 2片 × 25mg）"
    );
    assert_eq!(
        found[0].message_en,
        "Termination drugs dispensed per case within the regimen: one patient (same ID number) was dispensed 米非司酮 250mg from 2024-03-05 on, above the ceiling of 200mg per case (this row: 2片 × 25mg)"
    );
    let related: Vec<Option<u32>> = found[0].related.iter().map(|e| e.row).collect();
    assert_eq!(related, [Some(2), Some(3)]);
}

#[test]
fn a_day_over_its_ceiling_fires_under_a_higher_ceiling_per_case() {
    // A second-trimester regimen: 1600 µg a case, still at most 1200 µg a day.
    let text = std::fs::read_to_string(
        [
            env!("CARGO_MANIFEST_DIR"),
            "..",
            "..",
            "rules",
            "catalogue",
            "DRUG-QTY-PER-CASE.toml",
        ]
        .iter()
        .collect::<std::path::PathBuf>(),
    )
    .unwrap()
    .replace("misoprostol_ug = 600", "misoprostol_ug = 1600");
    let catalogue = Catalogue::from_sources([("DRUG-QTY-PER-CASE.toml".to_owned(), text)]).unwrap();
    let csv = format!(
        "{HEADER}2024-03-05,MZ001,刘芳,370921199102020041,米索前列醇片,0.2mg,4,片,刘敏\n\
         2024-03-05,MZ002,刘芳,370921199102020041,米索前列醇片,200μg,3,粒,刘敏\n\
         2024-03-06,MZ003,刘芳,370921199102020041,米索前列醇片,0.2mg,1,片,刘敏\n"
    );
    let (found, _) = evaluate(
        &catalogue,
        &Pack::builtin("national").unwrap(),
        &DrugCatalog::builtin().unwrap(),
        &common::csv_tables(&[("dispense.csv", &csv)]),
        NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].row, Some(3));
    assert!(
        found[0].message.ends_with(
            "2024-03-05 一天领取米索前列醇 1400µg，超过每日上限 1200µg（本行 3粒 × 200µg）"
        ),
        "{}",
        found[0].message
    );
}

#[test]
fn units_that_cannot_be_converted_are_a_note_not_a_finding() {
    let (found, notes) = judge(
        // A box without the tablets per box, a mifepristone tablet of no stated strength (25 or
        // 200 mg?), a unit that is no count or mass, and no unit at all.
        "2024-03-05,MZ001,王丽,370921199001010020,米非司酮片,25mg,9,盒,刘敏\n\
         2024-03-06,MZ002,刘芳,370921199102020041,米非司酮片,,9,片,刘敏\n\
         2024-03-07,MZ003,孙悦,370921199203030062,米索前列醇片,0.2mg,9,支,刘敏\n\
         2024-03-08,MZ004,周婷,370921199304040083,米索前列醇片,0.2mg,9,,刘敏\n",
    );
    assert!(found.is_empty(), "{found:?}");
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(
        notes[0].zh,
        "4 条终止妊娠药品用药记录的数量无法换算为毫克或微克（如第2行：单位是“盒”，规格未写每盒片数），未判断其单例用量；请在规格中写明每片含量（如 25mg）和每盒片数（如 25mg×6片）（dispense.csv）"
    );
    let (_, notes) = judge("2024-03-06,MZ002,刘芳,370921199102020041,米非司酮片,,9,片,刘敏\n");
    assert!(
        notes[0]
            .zh
            .contains("规格未写，米非司酮有 25mg、200mg 等规格"),
        "{}",
        notes[0].zh
    );
}

#[test]
fn masses_tablets_and_boxes_convert_alike() {
    // 600 µg as a mass, as 3 tablets of 0.2 mg, as 1 box of 0.2mg×3片: each is one course.
    let (found, notes) = judge(
        "2024-03-05,MZ001,王丽,370921199001010020,米索前列醇片,0.2mg,600,µg,刘敏\n\
         2024-04-05,MZ002,王丽,370921199001010020,米索前列醇片,0.2mg,0.6,mg,刘敏\n\
         2024-05-05,MZ003,王丽,370921199001010020,米索前列醇片,0.2mg×3片,1,盒,刘敏\n\
         2024-06-05,MZ004,王丽,370921199001010020,米索前列醇片,0.2mg×3片,2,盒,刘敏\n",
    );
    assert!(notes.is_empty(), "{notes:?}");
    let rows: Vec<Option<u32>> = found.iter().map(|f| f.row).collect();
    assert_eq!(rows, [Some(5)]);
}
