//! What the reading tests share: a file written under a name and read as `auditor check` would,
//! and the values and findings that came of it.

#![allow(dead_code, reason = "each test crate uses a part of it")]
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use auditor_ingest::{Catalog, IdHasher, Ingest, InputReport};

/// Writes `bytes` as a file named `name` (in a directory of this test process) and reads it.
/// Tests run in parallel threads of one process: each must give its file a name of its own.
pub fn read_bytes(name: &str, bytes: &[u8]) -> InputReport {
    let dir = std::env::temp_dir().join(format!("auditor-reading-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let catalog = Catalog::builtin().unwrap();
    let hasher = IdHasher::new(b"k").unwrap();
    let r = Ingest::new(&catalog, &hasher).read_path(&path, name);
    std::fs::remove_file(&path).ok();
    r
}

/// Every value of field `name` in the first table, record by record.
pub fn values(r: &InputReport, name: &str) -> Vec<String> {
    let t = &r.tables[0];
    (0..t.len()).map(|i| t.display(name, i)).collect()
}

/// (rule, row, message) of every finding, in order.
pub fn findings(r: &InputReport) -> Vec<(String, Option<u32>, String)> {
    r.findings
        .iter()
        .map(|f| (f.rule.clone(), f.row, f.message.clone()))
        .collect()
}
