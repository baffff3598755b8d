//! Report downloads: an upload's report in every format of `auditor check` (json, csv, xlsx,
//! html, sarif, junit), rendered by `auditor-report`. The engine runs again on the stored file
//! (kept under its hash) with the region's current registries, so the bytes are what `auditor
//! check` gives for that file, registries and date, cell references and sheet copies included;
//! the stored cases keep their own lifecycle apart.

use std::path::Path;

use auditor_ingest::Ingest;
use auditor_model::Severity;
use auditor_report::{
    Lang, Report, RuleBook, render_csv, render_html, render_json, render_junit, render_sarif,
    render_xlsx,
};
use auditor_rules::Pack;
use chrono::NaiveDate;

use crate::engine::{Engine, Inputs, Judged};

/// The formats offered for download, as file extensions.
pub const FORMATS: [&str; 6] = ["xlsx", "html", "csv", "json", "sarif", "junit"];

pub struct Rendered {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub extension: &'static str,
}

/// The report of the file at `path` (shown as `name`) in `format`.
#[allow(clippy::too_many_arguments, reason = "the inputs of one check run")]
pub fn render_upload(
    engine: &Engine,
    path: &Path,
    name: &str,
    pack: &Pack,
    as_of: NaiveDate,
    inputs: &Inputs<'_>,
    format: &str,
    lang: Lang,
    owner: Option<&str>,
) -> Result<Rendered, String> {
    let Judged {
        mut input,
        findings,
        skipped,
        ..
    } = match engine.judge(path, name, pack, as_of, inputs, &|_| {}, format == "xlsx") {
        Ok(j) => j,
        // An unreadable file is reported as `auditor check` reports it: no tables, its error.
        Err(_) => Judged {
            input: Ingest::new(&engine.catalog, &engine.hasher).read_path(path, name),
            findings: Vec::new(),
            skipped: Vec::new(),
            sources: std::collections::HashMap::new(),
        },
    };
    let tables = std::mem::take(&mut input.tables);
    let mut report = Report::new(
        as_of,
        pack,
        std::slice::from_ref(&input),
        &skipped,
        findings,
    );
    if matches!(format, "html" | "xlsx") {
        // The institution the upload is filed under comes first; any other the ledger names
        // follows, so a ledger filed under the wrong institution shows it.
        let mut named = auditor_report::institutions(&tables);
        if let Some(owner) = owner {
            named.retain(|(n, _)| n != owner);
            named.insert(0, (owner.to_owned(), 0));
        }
        report.context.institutions = named;
    }
    if format == "html" {
        // The funnel plot of the upload's own births.
        report.sex_ratio = auditor_rules::srb::for_pack(&engine.rules, pack, &tables);
    }
    let book = RuleBook::for_pack(&engine.rules, pack);
    let err = |e: &dyn std::fmt::Display| format!("render {format}: {e}");
    let (bytes, content_type, extension) = match format {
        "json" => (
            render_json(&report).map_err(|e| err(&e))?.into_bytes(),
            "application/json",
            "json",
        ),
        "csv" => (
            render_csv(&report).map_err(|e| err(&e))?,
            "text/csv; charset=utf-8",
            "csv",
        ),
        "xlsx" => (
            render_xlsx(&report, &book, &tables, &engine.catalog).map_err(|e| err(&e))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        "html" => (
            render_html(&report, &book, &engine.catalog, lang).into_bytes(),
            "text/html; charset=utf-8",
            "html",
        ),
        "sarif" => (
            render_sarif(&report, &book)
                .map_err(|e| err(&e))?
                .into_bytes(),
            "application/sarif+json",
            "sarif",
        ),
        "junit" => (
            render_junit(&report, &book, Severity::High).into_bytes(),
            "application/xml",
            "xml",
        ),
        other => return Err(format!("unknown format {other}")),
    };
    Ok(Rendered {
        bytes,
        content_type,
        extension,
    })
}
