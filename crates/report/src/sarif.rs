//! `--format sarif`: SARIF 2.1.0, for code-scanning dashboards and CI. One run; its driver lists
//! the rules that have findings, with their bilingual titles, docs and citations. A finding's
//! file is its artifact and its row the region's line (CSV line numbers are lines; spreadsheet
//! rows are the nearest thing); the sheet and cells are logical locations.

use std::fmt::Write;

use auditor_model::{Finding, Severity};
use serde_json::{Value, json};

use super::Report;
use super::rule_book::RuleBook;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

pub fn render_sarif(report: &Report, book: &RuleBook) -> serde_json::Result<String> {
    let mut ids: Vec<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let rules: Vec<Value> = ids.iter().map(|id| descriptor(id, report, book)).collect();
    let artifact = |file: &str| report.inputs.iter().position(|i| i.file == file);
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            result(
                f,
                ids.binary_search(&f.rule.as_str()).ok(),
                artifact(&f.file),
            )
        })
        .collect();
    let artifacts: Vec<Value> = report
        .inputs
        .iter()
        .map(|i| {
            let mut a = json!({ "location": { "uri": file_uri(&i.file) } });
            if let Some(sha) = &i.sha256 {
                a["hashes"] = json!({ "sha-256": sha });
            }
            a
        })
        .collect();
    let mut notifications: Vec<Value> = Vec::new();
    for (index, input) in report.inputs.iter().enumerate() {
        if let Some(e) = &input.error {
            notifications.push(json!({
                "level": "error",
                "message": { "text": format!("{}\n{}", e.message, e.message_en) },
                "locations": [{ "physicalLocation": { "artifactLocation": {
                    "uri": file_uri(&input.file), "index": index } } }],
            }));
        }
    }
    for note in &report.notes {
        notifications.push(json!({
            "level": "warning",
            "message": { "text": format!("{}\n{}", note.message, note.message_en) },
            "associatedRule": { "id": note.rule },
        }));
    }
    let sarif = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": report.tool.name,
                "version": report.tool.version,
                "rules": rules,
            } },
            "invocations": [{
                "executionSuccessful": report.inputs.iter().all(|i| i.error.is_none()),
                "toolExecutionNotifications": notifications,
            }],
            "artifacts": artifacts,
            "results": results,
            "properties": {
                "as_of": report.as_of,
                "pack": { "name": report.pack.name, "version": report.pack.version },
                "summary": report.summary,
            },
        }],
    });
    let mut out = serde_json::to_string_pretty(&sarif)?;
    out.push('\n');
    Ok(out)
}

/// The score code-scanning dashboards rank results by (GitHub reads it as CVSS-like: 9.0 and
/// up critical, 7.0 high, 4.0 medium, below that low), so their severities match ours.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.0",
        Severity::High => "7.0",
        Severity::Medium => "4.0",
        Severity::Low => "1.0",
    }
}

/// critical and high are errors, medium a warning, low (data quality) a note.
fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

fn descriptor(id: &str, report: &Report, book: &RuleBook) -> Value {
    let Some(rule) = book.get(id) else {
        // A data-quality rule of ingest: its severity and citation travel with its findings.
        let first = report.findings.iter().find(|f| f.rule == id);
        let severity = first.map_or(Severity::Low, |f| f.severity);
        let Some(d) =
            auditor_ingest::quality::DqRule::from_id(id).map(auditor_ingest::quality::DqRule::docs)
        else {
            return json!({
                "id": id,
                "name": identifier(id),
                "shortDescription": { "text": id },
                "defaultConfiguration": { "level": level(severity) },
            });
        };
        return json!({
            "id": id,
            "name": identifier(id),
            "shortDescription": { "text": format!("{} / {}", d.title_zh, d.title_en) },
            "fullDescription": { "text": format!("{}\n{}", d.what_zh, d.what_en) },
            "help": { "text": format!("{}\n{}", d.fix_zh, d.fix_en) },
            "defaultConfiguration": { "level": level(severity) },
            "properties": {
                "severity": severity,
                "security-severity": security_severity(severity),
                "citations": first.map(|f| vec![f.citation.clone()]).unwrap_or_default(),
            },
        });
    };
    let d = &rule.docs;
    let citations: Vec<String> = rule
        .citations
        .iter()
        .map(auditor_rules::catalogue::Citation::render)
        .collect();
    json!({
        "id": rule.id,
        "name": identifier(&rule.id),
        "shortDescription": { "text": format!("{} / {}", rule.title.zh, rule.title.en) },
        "fullDescription": { "text": format!("{}\n{}", d.what_zh, d.what_en) },
        "help": { "text": format!(
            "{}\n{}\n\n{}\n{}\n\n依据 / citation: {}",
            d.why_zh, d.why_en, d.fix_zh, d.fix_en, citations.join("；")
        ) },
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": {
            "severity": rule.severity,
            "security-severity": security_severity(rule.severity),
            "citations": citations,
            "tags": rule.datasets,
        },
    })
}

fn result(f: &Finding, rule_index: Option<usize>, artifact: Option<usize>) -> Value {
    let mut physical = json!({ "artifactLocation": { "uri": file_uri(&f.file) } });
    if let Some(i) = artifact {
        physical["artifactLocation"]["index"] = json!(i);
    }
    if let Some(row) = f.row {
        physical["region"] = json!({ "startLine": row });
    }
    let mut logical: Vec<Value> = Vec::new();
    if let Some(sheet) = &f.sheet {
        logical.push(json!({ "name": sheet, "kind": "sheet" }));
    }
    for cell in &f.cells {
        let qualified = match &f.sheet {
            Some(s) => format!("'{}'!{cell}", s.replace('\'', "''")),
            None => cell.to_string(),
        };
        logical.push(json!({
            "name": cell.to_string(),
            "fullyQualifiedName": qualified,
            "kind": "cell",
        }));
    }
    let mut location = json!({ "physicalLocation": physical });
    if !logical.is_empty() {
        location["logicalLocations"] = Value::Array(logical);
    }
    let mut r = json!({
        "ruleId": f.rule,
        "level": level(f.severity),
        "message": { "text": format!("{}\n{}", f.message, f.message_en) },
        "locations": [location],
        "partialFingerprints": { "auditor/v1": f.fingerprint },
        "properties": {
            "severity": f.severity,
            "dataset": f.dataset,
            "citation": f.citation,
        },
    });
    // A summary result stands for N findings; a dashboard that totals results can weigh it.
    if f.unlisted > 0 {
        r["properties"]["unlisted"] = json!(f.unlisted);
    }
    if !f.related.is_empty() {
        r["relatedLocations"] = f
            .related
            .iter()
            .enumerate()
            .map(|(id, e)| related_location(id, e))
            .collect();
    }
    if let Some(i) = rule_index {
        r["ruleIndex"] = json!(i);
    }
    r
}

/// A row of another record the finding rests on, as SARIF's related location.
fn related_location(id: usize, e: &auditor_model::Evidence) -> Value {
    let mut physical = json!({ "artifactLocation": { "uri": file_uri(&e.file) } });
    if let Some(row) = e.row {
        physical["region"] = json!({ "startLine": row });
    }
    let mut loc = json!({ "id": id, "physicalLocation": physical });
    let mut logical: Vec<Value> = Vec::new();
    if let Some(sheet) = &e.sheet {
        logical.push(json!({ "name": sheet, "kind": "sheet" }));
    }
    logical.extend(
        e.cells
            .iter()
            .map(|c| json!({ "name": c.to_string(), "kind": "cell" })),
    );
    if !logical.is_empty() {
        loc["logicalLocations"] = Value::Array(logical);
    }
    loc
}

/// `US-DUAL-SIGN` -> `UsDualSign`: SARIF wants a rule's name to read as an identifier.
fn identifier(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            let mut chars = lower.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A file as given on the command line, as a URI reference: relative paths stay relative,
/// absolute ones become `file://` URIs; characters a URI cannot hold are percent-encoded,
/// except non-ASCII letters, which SARIF viewers show as they are.
fn file_uri(path: &str) -> String {
    let slashed = path.replace('\\', "/");
    let mut out = String::new();
    let bytes = slashed.as_bytes();
    if slashed.starts_with('/') {
        out.push_str("file://");
    } else if bytes.len() > 1 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        out.push_str("file:///");
    }
    for c in slashed.chars() {
        let keep = !c.is_ascii() || c.is_ascii_alphanumeric() || "-._~/!$&'()*+,;=:@".contains(c);
        if keep {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{file_uri, identifier};

    #[test]
    fn files_become_uri_references() {
        assert_eq!(file_uri("fixtures/a b.csv"), "fixtures/a%20b.csv");
        assert_eq!(file_uri("/data/台账#1.xlsx"), "file:///data/台账%231.xlsx");
        assert_eq!(file_uri("C:\\台账\\3月.xlsx"), "file:///C:/台账/3月.xlsx");
        assert_eq!(file_uri("50%.csv"), "50%25.csv");
    }

    #[test]
    fn rule_ids_become_identifiers() {
        assert_eq!(identifier("US-DUAL-SIGN"), "UsDualSign");
        assert_eq!(identifier("DQ-ID-INVALID"), "DqIdInvalid");
    }
}
