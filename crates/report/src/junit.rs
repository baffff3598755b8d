//! `--format junit`: `JUnit` XML for CI dashboards. One `<testsuite>` per input file; in it one
//! `<testcase>` per rule and sheet: every rule of the pack that judges the sheet's dataset (so a
//! clean ledger shows what was checked, as passing tests), every data-quality rule that found
//! something there, and a rule a note says could not run, as skipped. A testcase fails with the
//! findings at or above `--fail-on`; findings below it are listed in `<system-out>` and the
//! testcase passes. An input that could not be read is one testcase in error.

use std::fmt::Write;

use auditor_model::{Finding, Severity};

use super::escape::markup as esc;
use super::rule_book::RuleBook;
use super::{Input, Note, Report, SheetOut};

pub fn render_junit(report: &Report, book: &RuleBook, fail_on: Severity) -> String {
    let mut totals = Counts::default();
    let mut suites = String::new();
    for input in &report.inputs {
        let (xml, counts) = suite(report, book, fail_on, input);
        totals.add(&counts);
        suites.push_str(&xml);
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"auditor check\" {}>\n\
         {suites}</testsuites>\n",
        totals.attributes()
    )
}

#[derive(Default)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.tests += o.tests;
        self.failures += o.failures;
        self.errors += o.errors;
        self.skipped += o.skipped;
    }

    fn attributes(&self) -> String {
        format!(
            "tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\"",
            self.tests, self.failures, self.errors, self.skipped
        )
    }
}

fn suite(report: &Report, book: &RuleBook, fail_on: Severity, input: &Input) -> (String, Counts) {
    let mut cases = Cases {
        book,
        fail_on,
        xml: String::new(),
        counts: Counts::default(),
    };
    if let Some(e) = &input.error {
        cases.counts.tests += 1;
        cases.counts.errors += 1;
        let _ = writeln!(
            cases.xml,
            "    <testcase name=\"读取 read\" classname=\"{}\">\n      <error message=\"{}\">{}\n{}</error>\n    </testcase>",
            esc(&input.file),
            esc(&e.message_en),
            esc(&e.message),
            esc(&e.message_en)
        );
    }
    let in_file: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.file == input.file)
        .collect();
    let mut placed = vec![false; in_file.len()];
    for sheet in &input.sheets {
        let mut found: Vec<&Finding> = Vec::new();
        for (i, f) in in_file.iter().enumerate() {
            if f.sheet.as_deref().unwrap_or("") == sheet.sheet {
                placed[i] = true;
                found.push(f);
            }
        }
        let classname = classname(&input.file, sheet);
        for rule in rule_ids(book, sheet, &found) {
            let of_rule: Vec<&Finding> = found.iter().copied().filter(|f| f.rule == rule).collect();
            let skipped = report
                .notes
                .iter()
                .find(|n| n.skips(&rule, &input.file, &sheet.sheet));
            cases.testcase(&classname, &rule, &of_rule, skipped);
        }
    }
    // Findings on no sheet the input lists (none today): a testcase per rule all the same.
    let rest: Vec<&Finding> = in_file
        .iter()
        .zip(&placed)
        .filter(|(_, p)| !**p)
        .map(|(f, _)| *f)
        .collect();
    let mut ids: Vec<&str> = rest.iter().map(|f| f.rule.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    for rule in ids {
        let of_rule: Vec<&Finding> = rest.iter().copied().filter(|f| f.rule == rule).collect();
        cases.testcase(&input.file, rule, &of_rule, None);
    }
    let mut xml = format!(
        "  <testsuite name=\"{}\" {}>\n    <properties>\n",
        esc(&input.file),
        cases.counts.attributes()
    );
    let mut props = vec![
        (
            "pack",
            format!("{} {}", report.pack.name, report.pack.version),
        ),
        ("as_of", report.as_of.clone()),
        ("fail_on", fail_on.to_string()),
    ];
    if let Some(sha) = &input.sha256 {
        props.push(("sha256", sha.clone()));
    }
    for (name, value) in props {
        let _ = writeln!(
            xml,
            "      <property name=\"{name}\" value=\"{}\"/>",
            esc(&value)
        );
    }
    xml.push_str("    </properties>\n");
    xml.push_str(&cases.xml);
    xml.push_str("  </testsuite>\n");
    (xml, cases.counts)
}

fn classname(file: &str, sheet: &SheetOut) -> String {
    if sheet.sheet.is_empty() {
        file.to_owned()
    } else {
        format!("{file} [{}]", sheet.sheet)
    }
}

/// The rules that judged this sheet (the pack's rules for its dataset) and the rules that found
/// something on it (data-quality rules among them), in id order.
fn rule_ids(book: &RuleBook, sheet: &SheetOut, found: &[&Finding]) -> Vec<String> {
    let mut ids: Vec<String> = sheet
        .dataset
        .map(|d| book.judging(d).map(|r| r.id.clone()).collect())
        .unwrap_or_default();
    ids.extend(found.iter().map(|f| f.rule.clone()));
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The testcases of one suite, as they are written.
struct Cases<'a> {
    book: &'a RuleBook,
    fail_on: Severity,
    xml: String,
    counts: Counts,
}

impl Cases<'_> {
    fn testcase(
        &mut self,
        classname: &str,
        rule: &str,
        findings: &[&Finding],
        skipped: Option<&Note>,
    ) {
        let (out, counts, fail_on) = (&mut self.xml, &mut self.counts, self.fail_on);
        counts.tests += 1;
        let _ = write!(
            out,
            "    <testcase name=\"{}\" classname=\"{}\"",
            esc(rule),
            esc(classname)
        );
        if findings.is_empty() && skipped.is_none() {
            out.push_str("/>\n");
            return;
        }
        out.push_str(">\n");
        let (failing, below): (Vec<&Finding>, Vec<&Finding>) =
            findings.iter().partition(|f| f.severity >= fail_on);
        // A testcase is one of passed, skipped or failed: a rule that failed on the records it
        // could judge has failed, and the note on the rest goes to its output instead.
        let note = skipped.map(|n| format!("{} / {}", n.message, n.message_en));
        if let Some(note) = note.as_deref()
            && failing.is_empty()
        {
            counts.skipped += 1;
            let _ = writeln!(out, "      <skipped message=\"{}\"/>", esc(note));
        }
        let (zh, en) = self.book.title(rule);
        let title = if zh == rule {
            rule.to_owned()
        } else {
            format!("{rule} {zh} / {en}")
        };
        if let Some(worst) = failing.iter().map(|f| f.severity).max() {
            counts.failures += 1;
            let _ = writeln!(
                out,
                "      <failure type=\"{worst}\" message=\"{}\">{}\n{}</failure>",
                esc(&format!(
                    "{} 项发现，级别 {fail_on} 及以上 / {} at or above {fail_on}: {title}",
                    weight(&failing),
                    count(weight(&failing))
                )),
                esc(&title),
                esc(&lines(&failing))
            );
        }
        let mut output = String::new();
        if let Some(note) = note.as_deref()
            && !failing.is_empty()
        {
            output.push_str(note);
            output.push('\n');
        }
        if !below.is_empty() {
            let _ = write!(
                output,
                "{} 项发现，低于 {fail_on} / {} below {fail_on}: {title}\n{}",
                weight(&below),
                count(weight(&below)),
                lines(&below)
            );
        }
        if !output.is_empty() {
            let _ = writeln!(out, "      <system-out>{}</system-out>", esc(&output));
        }
        out.push_str("    </testcase>\n");
    }
}

/// How many findings these are, a summary line counting as the N it stands for.
fn weight(findings: &[&Finding]) -> usize {
    findings.iter().map(|f| f.weight()).sum()
}

fn count(n: usize) -> String {
    if n == 1 {
        "1 finding".to_owned()
    } else {
        format!("{n} findings")
    }
}

/// One finding a line: where, how serious, then its message in Chinese and English.
fn lines(findings: &[&Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let place = match f.row {
            Some(r) => format!("行 row {r}"),
            None => "工作表 sheet".to_owned(),
        };
        let cells: Vec<String> = f.cells.iter().map(ToString::to_string).collect();
        let cells = if cells.is_empty() {
            String::new()
        } else {
            format!(" [{}]", cells.join(" "))
        };
        let _ = writeln!(
            out,
            "{place}{cells} {} {}: {}\n  {}",
            f.severity.zh(),
            f.severity,
            f.message,
            f.message_en
        );
        for e in &f.related {
            let row = e.row.map(|r| format!(" 行 row {r}")).unwrap_or_default();
            let cells: Vec<String> = e.cells.iter().map(ToString::to_string).collect();
            let _ = writeln!(out, "  相关 related: {}{row} [{}]", e.file, cells.join(" "));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use auditor_model::{Dataset, Finding, Severity};
    use auditor_rules::{Catalogue, Pack};

    use super::render_junit;
    use crate::{Input, Note, PackRef, Report, RuleBook, RunContext, SheetOut, Summary, Tool};

    fn report(findings: Vec<Finding>) -> Report {
        Report {
            schema_version: 1,
            tool: Tool {
                name: "auditor",
                version: "0",
            },
            as_of: "2026-11-30".to_owned(),
            pack: PackRef {
                name: "national".to_owned(),
                version: "1".to_owned(),
            },
            inputs: vec![Input {
                file: "sales.csv".to_owned(),
                sha256: None,
                format: Some("csv"),
                encoding: None,
                error: None,
                sheets: vec![SheetOut {
                    sheet: String::new(),
                    dataset: Some(Dataset::DrugTxn),
                    header_row: Some(1),
                    rows: 3,
                    hidden: false,
                    headers: Vec::new(),
                    unmapped: Vec::new(),
                    notes: Vec::new(),
                }],
            }],
            notes: vec![Note {
                rule: "DRUG-BUYER-QUALIFIED".to_owned(),
                message: "2 条记录无法判断".to_owned(),
                message_en: "2 records not judged".to_owned(),
                sheet: Some(("sales.csv".to_owned(), None)),
            }],
            summary: Summary::of(&findings),
            findings,
            sex_ratio: None,
            context: RunContext::default(),
        }
    }

    fn finding() -> Finding {
        Finding {
            rule: "DRUG-BUYER-QUALIFIED".to_owned(),
            severity: Severity::Critical,
            dataset: Some(Dataset::DrugTxn),
            file: "sales.csv".to_owned(),
            sheet: None,
            row: Some(2),
            cells: Vec::new(),
            message: "m".to_owned(),
            message_en: "m".to_owned(),
            citation: String::new(),
            fingerprint: "f".to_owned(),
            related: Vec::new(),
            unlisted: 0,
            record_key: None,
        }
    }

    /// The testcase of DRUG-BUYER-QUALIFIED, from its opening tag to its end.
    fn testcase(xml: &str) -> &str {
        let start = xml
            .find("<testcase name=\"DRUG-BUYER-QUALIFIED\"")
            .expect("the rule's testcase");
        let rest = &xml[start..];
        let end = rest
            .find("</testcase>")
            .or_else(|| rest.find("/>").map(|i| i + 2))
            .unwrap_or(rest.len());
        &rest[..end]
    }

    #[test]
    fn a_rule_that_failed_where_it_could_judge_is_failed_not_skipped() {
        let book = RuleBook::for_pack(
            &Catalogue::builtin().unwrap(),
            &Pack::builtin("national").unwrap(),
        );
        let failed = render_junit(&report(vec![finding()]), &book, Severity::High);
        let case = testcase(&failed);
        assert!(case.contains("<failure type=\"critical\""), "{case}");
        assert!(!case.contains("<skipped"), "{case}");
        assert!(
            case.contains("<system-out>2 条记录无法判断 / 2 records not judged\n</system-out>"),
            "{case}"
        );
        assert!(failed.contains("skipped=\"0\""), "{failed}");
        // Nothing found where it could judge: the note makes it skipped.
        let clean = render_junit(&report(Vec::new()), &book, Severity::High);
        let case = testcase(&clean);
        assert!(
            case.contains("<skipped message=\"2 条记录无法判断 / 2 records not judged\"/>"),
            "{case}"
        );
        assert!(!case.contains("<failure"), "{case}");
    }
}
