//! Helpers shared by the command-line tests: run the built `auditor`, read its JSON.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly; each test binary uses a part of them"
)]

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

pub fn fixture(name: &str) -> String {
    let p: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "..",
        "..",
        "fixtures",
        "ingest",
        name,
    ]
    .iter()
    .collect();
    p.to_string_lossy().into_owned()
}

/// The path of `fixtures/rules/<rule>/<file>`.
pub fn rule_fixture(rule: &str, file: &str) -> String {
    let p: PathBuf = [
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
    p.to_string_lossy().into_owned()
}

pub fn auditor(args: &[&str], key: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_auditor"));
    cmd.args(args);
    match key {
        Some(k) => cmd.env("AUDITOR_ID_KEY", k),
        None => cmd.env_remove("AUDITOR_ID_KEY"),
    };
    cmd.output().expect("run auditor")
}

pub fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// (rule, row, cells) of every finding, in report order.
pub fn located(report: &Value) -> Vec<(String, u64, Vec<String>)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["row"].as_u64().unwrap_or(0),
                f["cells"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c.as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect()
}
