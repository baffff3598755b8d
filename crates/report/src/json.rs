//! `--format json`: the stable machine-readable report.

use super::Report;

pub fn render_json(report: &Report) -> Result<String, serde_json::Error> {
    let mut out = serde_json::to_string_pretty(report)?;
    out.push('\n');
    Ok(out)
}
