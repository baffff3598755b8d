//! What the rule tests share: the rules' fixtures, and CSV texts read as the tables of a run.

#![allow(dead_code, reason = "each test crate uses a part of it")]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use auditor_ingest::{Catalog, IdHasher, Ingest, Table};
use auditor_model::Finding;

/// The text of `fixtures/rules/<rule>/<file>`.
pub fn fixture(rule: &str, file: &str) -> String {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "..",
        "..",
        "fixtures",
        "rules",
        rule,
        file,
    ]
    .iter()
    .collect();
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{rule}/{file}: {e}"))
}

/// Reads CSV texts given as (file name, contents), under a fixed ID key, as one run's tables.
pub fn csv_tables(files: &[(&str, &str)]) -> Vec<Table> {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("auditor-rules-test-{}-{run}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let catalog = Catalog::builtin().unwrap_or_else(|e| panic!("{e}"));
    let hasher = IdHasher::new(b"test").unwrap_or_else(|e| panic!("{e}"));
    let ingest = Ingest::new(&catalog, &hasher);
    let mut tables = Vec::new();
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        let report = ingest.read_path(&path, name);
        assert_eq!(report.error, None, "{name}");
        tables.extend(report.tables);
    }
    std::fs::remove_dir_all(&dir).ok();
    tables
}

/// The findings and notes of judging CSV texts (see [`csv_tables`]) with the built-in catalogue
/// under `pack` on `as_of`.
pub fn judge(
    pack: &str,
    files: &[(&str, &str)],
    as_of: chrono::NaiveDate,
) -> (Vec<auditor_model::Finding>, Vec<auditor_rules::Skipped>) {
    auditor_rules::evaluate(
        &auditor_rules::Catalogue::builtin().unwrap_or_else(|e| panic!("{e}")),
        &auditor_rules::Pack::builtin(pack).unwrap_or_else(|e| panic!("{e}")),
        &auditor_rules::DrugCatalog::builtin().unwrap_or_else(|e| panic!("{e}")),
        &csv_tables(files),
        as_of,
    )
}

/// The row and Chinese message of each finding of `rule`, in order.
pub fn rows_and_messages<'f>(findings: &'f [Finding], rule: &str) -> Vec<(Option<u32>, &'f str)> {
    findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| (f.row, f.message.as_str()))
        .collect()
}
