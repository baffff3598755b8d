//! `frictionless validate` on the same files as `auditor check`, against a Table Schema and a
//! dialect equivalent to what the auditor knows of each ledger: the header row below the titles,
//! the Chinese headers as field names, each column's type, the fields the catalog requires, and
//! the shapes of the identifiers the auditor validates. Without them Frictionless would take the
//! first title row as the header and every column as text, and time something else.
//!
//! Frictionless refuses absolute paths and paths with `..` unless told to trust them, so it runs
//! in the data directory with bare file names; the schema and dialect files are written there,
//! next to the ledgers, and can be passed to it by hand.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Map, Value, json};

use crate::generate::{Format, LedgerFile};
use crate::ledger::{DATE_FORMAT, DATETIME_FORMAT, FieldType, Kind};
use crate::measure::{self, Sample};

/// Frictionless stops reading a table after this many errors (its default is 1000, which a
/// 1M-row ledger with 1 % bad cells reaches early); set beyond any count a ledger can have.
const LIMIT_ERRORS: u64 = 1_000_000_000;

/// The command and the version it printed.
pub struct Frictionless {
    pub cmd: PathBuf,
    pub version: String,
}

impl Frictionless {
    /// Runs `cmd --version` to fail early, before hours of generating, if it does not run.
    pub fn new(cmd: PathBuf) -> Result<Self> {
        let out = Command::new(&cmd)
            .arg("--version")
            .stdin(Stdio::null())
            .output()
            .with_context(|| format!("running {} --version", cmd.display()))?;
        if !out.status.success() {
            bail!(
                "{} --version exited with {}: {}",
                cmd.display(),
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        let version = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        Ok(Self { cmd, version })
    }
}

/// The schema and dialect files of a ledger kind, by file name within the data directory.
pub struct Descriptors {
    pub schema: String,
    pub dialect: String,
}

/// Writes `<kind>.schema.json` and `<kind>.dialect.json` into `dir` from the generator's
/// column list, every run, so they always describe the ledgers the generator writes.
pub fn write_descriptors(dir: &Path, kind: Kind) -> Result<Descriptors> {
    let names = Descriptors {
        schema: format!("{}.schema.json", kind.name()),
        dialect: format!("{}.dialect.json", kind.name()),
    };
    let write = |name: &str, value: &Value| -> Result<()> {
        let path = dir.join(name);
        let text = serde_json::to_string_pretty(value)?;
        std::fs::write(&path, text + "\n").with_context(|| format!("writing {}", path.display()))
    };
    write(&names.schema, &schema(kind))?;
    write(&names.dialect, &dialect(kind))?;
    Ok(names)
}

/// The Table Schema (Frictionless v5, standards v2) of a ledger kind.
fn schema(kind: Kind) -> Value {
    let fields: Vec<Value> = kind
        .columns()
        .iter()
        .map(|column| {
            let mut field = Map::new();
            field.insert("name".into(), column.header.into());
            let (ty, format) = match column.ty {
                FieldType::String => ("string", None),
                FieldType::Integer => ("integer", None),
                FieldType::Number => ("number", None),
                FieldType::Date => ("date", Some(DATE_FORMAT)),
                FieldType::DateTime => ("datetime", Some(DATETIME_FORMAT)),
            };
            field.insert("type".into(), ty.into());
            if let Some(format) = format {
                field.insert("format".into(), format.into());
            }
            let mut constraints = Map::new();
            if column.required {
                constraints.insert("required".into(), true.into());
            }
            if let Some(pattern) = column.pattern {
                constraints.insert("pattern".into(), pattern.into());
            }
            if !constraints.is_empty() {
                field.insert("constraints".into(), constraints.into());
            }
            field.into()
        })
        .collect();
    json!({ "fields": fields })
}

/// The header is the row after the title rows (1-based, as Frictionless counts).
fn dialect(kind: Kind) -> Value {
    json!({ "headerRows": [kind.title_rows().len() + 1] })
}

/// What one `frictionless validate` run reported.
pub struct Outcome {
    pub sample: Sample,
    /// Data rows Frictionless read.
    pub rows: u64,
    /// Cell errors per (field, error type), most frequent first.
    pub errors: Vec<(String, u64)>,
}

impl Outcome {
    pub fn error_total(&self) -> u64 {
        self.errors.iter().map(|(_, n)| n).sum()
    }
}

/// `frictionless validate --json` on `file` with its kind's schema and dialect, timed from
/// spawn to exit like the check. Fails unless Frictionless read every generated row and found
/// nothing wrong beyond invalid cells: a header it could not match, an unreadable file or an
/// unsafe path would otherwise time an early exit.
pub fn validate(
    frictionless: &Frictionless,
    file: &LedgerFile,
    descriptors: &Descriptors,
) -> Result<Outcome> {
    let dir = file
        .path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = file
        .path
        .file_name()
        .ok_or_else(|| anyhow!("{} has no file name", file.path.display()))?;
    let out_path = std::env::temp_dir().join(format!("auditor-bench-{}.fl", std::process::id()));
    let err_path = out_path.with_extension("fl-stderr");
    let mut command = Command::new(&frictionless.cmd);
    command
        .current_dir(dir)
        .args(["validate", "--json", "--schema", &descriptors.schema])
        .args(["--dialect", &descriptors.dialect])
        .args(["--limit-errors", &LIMIT_ERRORS.to_string()]);
    match file.format {
        Format::Xlsx => {}
        Format::Csv => {
            command.args(["--encoding", "utf-8-sig"]);
        }
        Format::CsvGbk => {
            command.args(["--encoding", "gb18030"]);
        }
    }
    command
        .arg(name)
        .stdout(std::fs::File::create(&out_path)?)
        .stderr(std::fs::File::create(&err_path)?);
    let (status, sample) = measure::timed(&[&file.path], &mut command)?;
    let stdout = std::fs::read_to_string(&out_path).unwrap_or_default();
    let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
    let _ = std::fs::remove_file(&out_path);
    let _ = std::fs::remove_file(&err_path);
    let report: Value = serde_json::from_str(&stdout).map_err(|e| {
        anyhow!(
            "frictionless validate {} exited with {status} without a JSON report ({e}): {}",
            file.path.display(),
            stderr.trim()
        )
    })?;
    let (rows, errors) = read_report(&report, file.rows)
        .with_context(|| format!("frictionless validate {}", file.path.display()))?;
    Ok(Outcome {
        sample,
        rows,
        errors,
    })
}

/// The row count and the cell errors of a report, or why the run does not count.
fn read_report(report: &Value, expected_rows: u64) -> Result<(u64, Vec<(String, u64)>)> {
    let messages = |errors: &[Value]| -> String {
        let shown: Vec<&str> = errors
            .iter()
            .take(3)
            .map(|e| e["message"].as_str().unwrap_or("?"))
            .collect();
        format!("{} error(s), e.g. {}", errors.len(), shown.join(" | "))
    };
    let top = report["errors"].as_array().map_or(&[][..], Vec::as_slice);
    if !top.is_empty() {
        bail!("failed: {}", messages(top));
    }
    let tasks = report["tasks"].as_array().map_or(&[][..], Vec::as_slice);
    let [task] = tasks else {
        bail!("reported {} tables, expected one", tasks.len());
    };
    let errors = task["errors"].as_array().map_or(&[][..], Vec::as_slice);
    let is_cell = |e: &&Value| {
        e["tags"]
            .as_array()
            .is_some_and(|tags| tags.iter().any(|t| t == "#cell"))
    };
    let other: Vec<Value> = errors.iter().filter(|e| !is_cell(e)).cloned().collect();
    if !other.is_empty() {
        bail!("failed beyond invalid cells: {}", messages(&other));
    }
    let rows = task["stats"]["rows"]
        .as_u64()
        .ok_or_else(|| anyhow!("reported no row count"))?;
    if rows != expected_rows {
        bail!("read {rows} rows, but {expected_rows} were generated");
    }
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for e in errors {
        let field = e["fieldName"].as_str().unwrap_or("?");
        let ty = e["type"].as_str().unwrap_or("?");
        *counts.entry(format!("{field} {ty}")).or_default() += 1;
    }
    let mut counts: Vec<(String, u64)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok((rows, counts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_follows_the_columns() {
        let schema = schema(Kind::UsExam);
        let fields = schema["fields"].as_array().unwrap();
        assert_eq!(fields.len(), Kind::UsExam.columns().len());
        assert_eq!(
            fields[0],
            json!({
                "name": "检查时间",
                "type": "datetime",
                "format": "%Y-%m-%d %H:%M",
                "constraints": { "required": true }
            })
        );
        assert_eq!(
            fields[3]["constraints"]["pattern"],
            json!("^[0-9]{17}[0-9Xx]$")
        );
        assert_eq!(fields[4], json!({ "name": "年龄", "type": "integer" }));
        assert_eq!(dialect(Kind::DrugTxn), json!({ "headerRows": [3] }));
    }

    fn report(rows: u64, errors: &Value) -> Value {
        json!({
            "valid": false,
            "errors": [],
            "tasks": [{ "stats": { "rows": rows }, "errors": errors }]
        })
    }

    #[test]
    fn cell_errors_are_counted() {
        let cell = json!({ "type": "type-error", "fieldName": "日期", "tags": ["#table", "#row", "#cell"] });
        let (rows, counts) = read_report(&report(10, &json!([cell, cell])), 10).unwrap();
        assert_eq!(rows, 10);
        assert_eq!(counts, vec![("日期 type-error".to_owned(), 2)]);
    }

    #[test]
    fn header_errors_and_short_reads_fail() {
        let label = json!({ "type": "incorrect-label", "message": "Label", "tags": ["#table", "#header", "#label"] });
        let e = read_report(&report(10, &json!([label])), 10).unwrap_err();
        assert!(e.to_string().contains("beyond invalid cells"), "{e}");
        let e = read_report(&report(389, &json!([])), 2000).unwrap_err();
        assert!(e.to_string().contains("read 389 rows"), "{e}");
        let unsafe_path = json!({ "errors": [], "tasks": [{ "errors": [
            { "type": "resource-error", "message": "path is not safe", "tags": [] }
        ] }] });
        assert!(read_report(&unsafe_path, 10).is_err());
    }
}
