//! What the header tests share: a one-row CSV under a title line, read to see which dataset and
//! fields its header maps to.

#![allow(dead_code, reason = "each test crate uses a part of it")]
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::sync::atomic::{AtomicUsize, Ordering};

use auditor_ingest::{Catalog, IdHasher, Ingest};
use auditor_model::Dataset;

/// Writes a CSV with one title line, the header, and one data row of placeholders.
pub fn detect(headers: &[&str]) -> (Option<Dataset>, Vec<String>) {
    // Tests run in parallel: each sheet gets a file of its own.
    static SHEETS: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!("auditor-headers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}.csv", SHEETS.fetch_add(1, Ordering::Relaxed)));
    let quoted: Vec<String> = headers.iter().map(|h| format!("\"{h}\"")).collect();
    let data = vec!["x"; headers.len()].join(",");
    std::fs::write(
        &path,
        format!("某某单位台账\n{}\n{data}\n", quoted.join(",")),
    )
    .unwrap();
    let catalog = Catalog::builtin().unwrap();
    let hasher = IdHasher::new(b"k").unwrap();
    let r = Ingest::new(&catalog, &hasher).read_path(&path, "h.csv");
    std::fs::remove_file(&path).ok();
    let Some(table) = r.tables.first() else {
        return (None, Vec::new());
    };
    let mapped = table
        .fields
        .iter()
        .zip(&table.columns)
        .filter(|(_, c)| c.is_some())
        .map(|(f, _)| f.clone())
        .collect();
    (Some(table.dataset), mapped)
}

pub fn check(dataset: Dataset, headers: &[&str], must_map: &[&str]) {
    let (found, mapped) = detect(headers);
    assert_eq!(found, Some(dataset), "headers {headers:?}");
    for f in must_map {
        assert!(
            mapped.iter().any(|m| m == f),
            "{headers:?}: {f} not mapped; mapped {mapped:?}"
        );
    }
}

/// Each header maps to exactly the fields listed, no more: an alias added for one field must
/// not take another field's column.
pub fn check_exact(dataset: Dataset, headers: &[&str], fields: &[&str]) {
    let (found, mapped) = detect(headers);
    assert_eq!(found, Some(dataset), "headers {headers:?}");
    assert_eq!(mapped, fields, "headers {headers:?}");
}

/// The column a `us_exam` header alone maps to, beside the columns every register has.
pub fn us_exam_field_of(header: &str) -> Vec<String> {
    let base = ["检查时间", "姓名", "身份证号", "孕周"];
    let mut headers = base.to_vec();
    headers.push(header);
    let (found, mapped) = detect(&headers);
    assert_eq!(found, Some(Dataset::UsExam), "{header}");
    mapped
        .into_iter()
        .filter(|f| !["exam_ts", "name", "id_no", "ga_weeks"].contains(&f.as_str()))
        .collect()
}
