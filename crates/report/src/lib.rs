//! The report of a `check` run, in the shape of the JSON contract (schema v1), and its renderers.
//! Used by `auditor check` and by the server's report downloads, so both give the same bytes.

mod columns;
mod context;
mod csv;
mod escape;
mod funnel;
mod html;
mod json;
mod junit;
mod rule_book;
mod sarif;
mod sheet_copy;
mod sheet_name;
mod table;
mod wrap;
mod xlsx;

use auditor_ingest::{InputReport, SheetReport};
use auditor_model::{Dataset, Finding, Severity};
use serde::Serialize;

pub use context::{GENERATED_AT_ENV, RunContext, institutions};
pub use csv::render_csv;
pub use funnel::funnel_svg;
pub use html::render_html;
pub use json::render_json;
pub use junit::render_junit;
pub use rule_book::{Outcome, RuleBook};
pub use sarif::render_sarif;
pub use table::render_table;
pub use xlsx::render_xlsx;

/// The language of the table and HTML reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub as_of: String,
    pub pack: PackRef,
    pub inputs: Vec<Input>,
    /// Rules that could not judge for want of an input (e.g. no institution registry).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
    pub findings: Vec<Finding>,
    pub summary: Summary,
    /// Births by sex per institution-period, for the HTML report's funnel plot: set by the
    /// caller that still holds the run's tables (`auditor_rules::srb::for_pack`). Not part of
    /// the JSON contract.
    #[serde(skip)]
    pub sex_ratio: Option<auditor_rules::srb::SexRatio>,
    /// Whom the run audited and when the report was made, for the headings of the reports
    /// people print. Not part of the JSON contract.
    #[serde(skip)]
    pub context: RunContext,
}

impl Report {
    /// The report of one run of the checks over `inputs`, its findings in the order every
    /// format shows them: input, sheet within the input, row, first cell, rule.
    pub fn new(
        as_of: impl std::fmt::Display,
        pack: &auditor_rules::Pack,
        inputs: &[InputReport],
        skipped: &[auditor_rules::Skipped],
        mut findings: Vec<Finding>,
    ) -> Self {
        sort_findings(&mut findings, inputs);
        Self {
            schema_version: 1,
            tool: Tool {
                name: "auditor",
                version: env!("CARGO_PKG_VERSION"),
            },
            as_of: as_of.to_string(),
            pack: PackRef {
                name: pack.name.clone(),
                version: pack.version.clone(),
            },
            inputs: inputs.iter().map(Input::from_report).collect(),
            notes: skipped.iter().map(Note::from_skipped).collect(),
            summary: Summary::of(&findings),
            findings,
            sex_ratio: None,
            context: RunContext::now(),
        }
    }
}

impl Report {
    /// How many inputs could not be read: their contents were not judged at all.
    pub fn unreadable(&self) -> usize {
        self.inputs.iter().filter(|i| i.error.is_some()).count()
    }

    /// The warning a report opens its summary with when some input could not be read, so that
    /// no finding, or few, is never taken for a clean result: (zh, en).
    pub fn unreadable_warning(&self) -> Option<(String, String)> {
        let n = self.unreadable();
        (n > 0).then(|| {
            (
                format!("{n} 个输入文件无法读取，未经检查；本报告不包括其内容"),
                format!(
                    "{n} {} could not be read and {} not checked; this report does not cover {}",
                    if n == 1 { "input" } else { "inputs" },
                    if n == 1 { "was" } else { "were" },
                    if n == 1 { "it" } else { "them" }
                ),
            )
        })
    }
}

fn sort_findings(findings: &mut [Finding], inputs: &[InputReport]) {
    let order = |f: &Finding| -> (usize, usize) {
        let i = inputs
            .iter()
            .position(|r| r.file == f.file)
            .unwrap_or(usize::MAX);
        let s = inputs
            .get(i)
            .and_then(|r| {
                r.sheets
                    .iter()
                    .position(|s| Some(&s.name) == f.sheet.as_ref())
            })
            .unwrap_or(0);
        (i, s)
    };
    findings.sort_by(|a, b| {
        order(a)
            .cmp(&order(b))
            .then(a.row.unwrap_or(0).cmp(&b.row.unwrap_or(0)))
            .then(a.cells.first().cmp(&b.cells.first()))
            .then(a.rule.cmp(&b.rule))
    });
}

#[derive(Debug, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Serialize)]
pub struct PackRef {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Serialize)]
pub struct Input {
    pub file: String,
    pub sha256: Option<String>,
    pub format: Option<&'static str>,
    pub encoding: Option<&'static str>,
    pub error: Option<InputErrorOut>,
    pub sheets: Vec<SheetOut>,
}

#[derive(Debug, Serialize)]
pub struct InputErrorOut {
    pub message: String,
    pub message_en: String,
}

#[derive(Debug, Serialize)]
pub struct SheetOut {
    pub sheet: String,
    pub dataset: Option<Dataset>,
    pub header_row: Option<u32>,
    pub rows: usize,
    pub hidden: bool,
    /// For a sheet whose dataset was not recognised: the headers it saw.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<String>,
    /// For a recognised sheet: the headers of the columns no field took (not read).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unmapped: Vec<String>,
    /// What ingest decided about the sheet as a whole (a row skipped, a stand-in column).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<SheetNote>,
}

#[derive(Debug, Serialize)]
pub struct SheetNote {
    pub message: String,
    pub message_en: String,
}

#[derive(Debug, Serialize)]
pub struct Note {
    /// The rule, or the rules a note said once for several (`A-RULE, B-RULE`).
    pub rule: String,
    pub message: String,
    pub message_en: String,
    /// The sheet it is about, (file, sheet), or `None` for the whole run.
    #[serde(skip)]
    pub sheet: Option<(String, Option<String>)>,
}

impl Note {
    pub fn from_skipped(s: &auditor_rules::Skipped) -> Self {
        Self {
            rule: s.rule.clone(),
            message: s.zh.clone(),
            message_en: s.en.clone(),
            sheet: s.sheet.clone(),
        }
    }

    /// Whether the note is about `rule`, alone or among the rules it was said once for.
    pub fn names(&self, rule: &str) -> bool {
        self.rule.split(", ").any(|r| r == rule)
    }

    /// Whether the note says `rule` could not judge the sheet `sheet` of `file` (a sheet's
    /// name is empty for a CSV file).
    pub fn skips(&self, rule: &str, file: &str, sheet: &str) -> bool {
        self.names(rule)
            && self
                .sheet
                .as_ref()
                .is_none_or(|(f, s)| f == file && s.as_deref().unwrap_or("") == sheet)
    }
}

/// Counts of findings by severity. A rule's summary of the findings it did not list one by one
/// counts as the N findings it stands for, so the totals are the problems found, not the lines.
#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    pub total: usize,
    /// Of `total`, the findings not listed one by one (each rule's 另有 N 处 lines); absent when
    /// every finding is listed.
    #[serde(skip_serializing_if = "is_zero")]
    pub unlisted: usize,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Summary {
    pub fn of(findings: &[Finding]) -> Self {
        let mut s = Self::default();
        for f in findings {
            let n = f.weight();
            match f.severity {
                Severity::Critical => s.critical += n,
                Severity::High => s.high += n,
                Severity::Medium => s.medium += n,
                Severity::Low => s.low += n,
            }
            s.total += n;
            s.unlisted += f.unlisted as usize;
        }
        s
    }

    /// The sentence the human-readable totals add when some findings were not listed.
    pub fn unlisted_note(&self, lang: Lang) -> Option<String> {
        if self.unlisted == 0 {
            return None;
        }
        Some(match lang {
            Lang::Zh => format!("其中 {} 项未逐一列出", self.unlisted),
            Lang::En => format!("{} of them not listed one by one", self.unlisted),
        })
    }
}

impl Input {
    pub fn from_report(r: &InputReport) -> Self {
        Self {
            file: r.file.clone(),
            sha256: r.sha256.clone(),
            format: r.format.map(auditor_ingest::Format::as_str),
            encoding: r.encoding,
            error: r.error.as_ref().map(|e| InputErrorOut {
                message: format!("{}：{}", r.file, e.zh()),
                message_en: format!("{}: {}", r.file, e.en()),
            }),
            sheets: r.sheets.iter().map(SheetOut::from_report).collect(),
        }
    }
}

impl SheetOut {
    fn from_report(s: &SheetReport) -> Self {
        Self {
            sheet: s.name.clone(),
            dataset: s.dataset,
            header_row: s.header_row,
            rows: s.rows,
            hidden: s.hidden,
            headers: s.headers.clone(),
            unmapped: s.unmapped.clone(),
            notes: s
                .notes
                .iter()
                .map(|(zh, en)| SheetNote {
                    message: zh.clone(),
                    message_en: en.clone(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Note;

    fn note(rule: &str, sheet: Option<(&str, Option<&str>)>) -> Note {
        Note {
            rule: rule.to_owned(),
            message: String::new(),
            message_en: String::new(),
            sheet: sheet.map(|(f, s)| (f.to_owned(), s.map(str::to_owned))),
        }
    }

    #[test]
    fn a_note_skips_its_rules_on_its_own_sheet_only() {
        // Said once for two rules, about one sheet of a workbook.
        let n = note(
            "DRUG-NO-RETAIL, DRUG-SALE-FIELDS",
            Some(("a.xlsx", Some("3月"))),
        );
        assert!(n.skips("DRUG-SALE-FIELDS", "a.xlsx", "3月"));
        assert!(n.skips("DRUG-NO-RETAIL", "a.xlsx", "3月"));
        assert!(!n.skips("DRUG-SALE-FIELDS", "a.xlsx", "4月"));
        assert!(!n.skips("DRUG-SALE-FIELDS", "b.xlsx", "3月"));
        assert!(!n.skips("DRUG-NO", "a.xlsx", "3月"));
        // A CSV file's one sheet has no name.
        assert!(note("US-DUAL-SIGN", Some(("a.csv", None))).skips("US-DUAL-SIGN", "a.csv", ""));
        // A note about the run (an input missing) skips the rule everywhere.
        assert!(note("DRUG-BUYER-QUALIFIED", None).skips("DRUG-BUYER-QUALIFIED", "x.csv", ""));
    }
}
