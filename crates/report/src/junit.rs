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
        if let Some(note) = skipped {
            counts.skipped += 1;
            let _ = writeln!(
                out,
                "      <skipped message=\"{}\"/>",
                esc(&format!("{} / {}", note.message, note.message_en))
            );
        }
        let (failing, below): (Vec<&Finding>, Vec<&Finding>) =
            findings.iter().partition(|f| f.severity >= fail_on);
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
        if !below.is_empty() {
            let _ = writeln!(
                out,
                "      <system-out>{} 项发现，低于 {fail_on} / {} below {fail_on}: {}\n{}</system-out>",
                weight(&below),
                count(weight(&below)),
                esc(&title),
                esc(&lines(&below))
            );
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
