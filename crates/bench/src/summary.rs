//! What the check's JSON report says it read, so the table can show the data was really
//! ingested (records equal to the rows generated) and findings exist.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde_json::Value;

pub struct CheckSummary {
    pub records: u64,
    pub datasets: Vec<String>,
    pub encoding: Option<String>,
    pub findings: u64,
    /// Findings per rule id, most frequent first.
    pub rules: Vec<(String, u64)>,
    pub error: Option<String>,
}

impl CheckSummary {
    pub fn read(report: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(report)
            .with_context(|| format!("reading the check report {}", report.display()))?;
        let json: Value = serde_json::from_str(&text).context("parsing the check report")?;
        let inputs = json["inputs"].as_array().map_or(&[][..], Vec::as_slice);
        let sheets = inputs
            .iter()
            .flat_map(|i| i["sheets"].as_array().map_or(&[][..], Vec::as_slice));
        let (mut records, mut datasets) = (0, Vec::new());
        for sheet in sheets {
            records += sheet["rows"].as_u64().unwrap_or(0);
            if let Some(d) = sheet["dataset"].as_str() {
                datasets.push(d.to_owned());
            }
        }
        let mut rules: BTreeMap<String, u64> = BTreeMap::new();
        for f in json["findings"].as_array().map_or(&[][..], Vec::as_slice) {
            let rule = f["rule"].as_str().unwrap_or("?").to_owned();
            // A capped summary line ("另有 N 处") stands for the N findings it does not list.
            *rules.entry(rule).or_default() += f["unlisted"].as_u64().unwrap_or(0).max(1);
        }
        let mut rules: Vec<(String, u64)> = rules.into_iter().collect();
        rules.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(Self {
            records,
            datasets,
            encoding: inputs
                .first()
                .and_then(|i| i["encoding"].as_str())
                .map(str::to_owned),
            findings: json["summary"]["total"].as_u64().unwrap_or(0),
            rules,
            error: inputs
                .iter()
                .find_map(|i| i["error"]["message_en"].as_str())
                .map(str::to_owned),
        })
    }
}
