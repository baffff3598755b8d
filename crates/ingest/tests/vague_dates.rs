//! Date cells naming only a year or a month: still reported as no valid date, and kept aside,
//! per record, with the latest day they can mean, including in stretches read on other cores.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use auditor_ingest::vague::VagueDate;
use auditor_ingest::{Catalog, IdHasher, Ingest};
use chrono::NaiveDate;

const HEADER: &str = "单位名称,设备名称,型号,出厂编号,购置日期,使用场所,操作人员名单,备案日期\n";

fn row(n: usize, bought: &str, filed: &str) -> String {
    format!("青山县人民医院,B超,理邦,SN{n:06},{bought},B超室,王医生,{filed}\n")
}

#[test]
fn a_year_or_month_is_reported_and_kept_for_its_record_across_stretches() {
    // About 600 KB: the rows after the first stretch are typed by other threads and appended.
    let mut csv = HEADER.to_owned();
    for n in 0..8000 {
        let (bought, filed) = match n {
            1 => ("2019年", ""),
            7000 => ("2019年3月", "2020年"),
            _ => ("2024-03-01", "2024-03-20"),
        };
        csv.push_str(&row(n, bought, filed));
    }
    let path = std::env::temp_dir().join(format!("auditor-vague-{}.csv", std::process::id()));
    std::fs::write(&path, &csv).unwrap();
    let catalog = Catalog::builtin().unwrap();
    let hasher = IdHasher::new(b"k").unwrap();
    let r = Ingest::new(&catalog, &hasher).read_path(&path, "devices.csv");
    std::fs::remove_file(&path).ok();
    let invalid: Vec<(String, Option<u32>)> =
        r.findings.iter().map(|f| (f.rule.clone(), f.row)).collect();
    let dq = |row| ("DQ-DATE-INVALID".to_owned(), Some(row));
    assert_eq!(invalid, [dq(3), dq(7002), dq(7002)]);
    let t = &r.tables[0];
    assert_eq!(t.len(), 8000);
    let year = VagueDate {
        year: 2019,
        month: None,
    };
    let month = VagueDate {
        year: 2019,
        month: Some(3),
    };
    let bought: Vec<(usize, Option<VagueDate>)> = [0, 1, 2, 6999, 7000, 7001]
        .into_iter()
        .map(|i| (i, t.vague_date("purchase_date", i)))
        .collect();
    assert_eq!(
        bought,
        [
            (0, None),
            (1, Some(year)),
            (2, None),
            (6999, None),
            (7000, Some(month)),
            (7001, None)
        ]
    );
    assert_eq!(
        t.vague_date("filed_date", 7000),
        Some(VagueDate {
            year: 2020,
            month: None
        })
    );
    assert_eq!(
        month.latest(),
        NaiveDate::from_ymd_opt(2019, 3, 31).unwrap()
    );
    // The column itself keeps them missing: no rule reads a day that was never written.
    assert!(t.column("purchase_date").unwrap().date(7000).is_none());
}
