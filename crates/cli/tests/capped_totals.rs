//! A rule that fires more often on one sheet than a run lists adds one summary finding,
//! "另有 N 处同类问题未逐一列出". Every total of every format counts it as the N findings it
//! stands for, and says that some were not listed one by one.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::fmt::Write as _;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx};
use serde_json::Value;

/// Exams in one ledger, each signed by one person only (第二人 无): US-DUAL-SIGN (high) on every
/// row, from the rule engine; each with an unreadable gestational age (16周x):
/// DQ-GESTATION-INVALID (low) on every row, from ingest.
const EXAMS: usize = 1003;
/// Both the engine and ingest list this many findings of one rule on one sheet
/// (`auditor_rules::kinds::MAX_LISTED`, `auditor_ingest::sheet::MAX_FINDINGS_PER_RULE`).
const LISTED: usize = 1000;

/// The ledger, in a directory of its own per test (tests run at once).
fn ledger(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("capped-totals-{test}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut text =
        String::from("检查日期,检查号,姓名,身份证号,年龄,孕周,检查项目,操作医师,第二人\n");
    for i in 0..EXAMS {
        writeln!(
            text,
            "2024-03-01 08:30,US{i:05},王丽,{},34,16周x,产科B超,张伟,无",
            resident_id(i)
        )
        .unwrap();
    }
    let path = dir.join("exams.csv");
    std::fs::write(&path, text).unwrap();
    path
}

/// A valid resident ID of a woman born in 1990, distinct for each `i` below 1200.
fn resident_id(i: usize) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let body = format!("37092119900{}01{:03}", 1 + i / 400, (i % 400) * 2);
    let sum: u32 = body
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

fn run(path: &Path, args: &[&str]) -> Vec<u8> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_auditor"))
        .args(["check", "--as-of", "2024-06-30"])
        .args(args)
        .arg(path)
        .env("AUDITOR_ID_KEY", "capped-totals-test")
        .output()
        .expect("run auditor");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn text(path: &Path, args: &[&str]) -> String {
    String::from_utf8(run(path, args)).unwrap()
}

#[test]
fn json_counts_a_summary_as_the_findings_it_stands_for() {
    let path = ledger("json");
    let r: Value = serde_json::from_slice(&run(&path, &["--format", "json"])).unwrap();
    let findings = r["findings"].as_array().unwrap();
    assert_eq!(
        findings.len(),
        2 * (LISTED + 1),
        "each rule: the listed ones and a summary"
    );
    for (rule, message) in [
        (
            "US-DUAL-SIGN",
            "B超检查双人操作、双人签字：另有 3 处同类问题未逐一列出",
        ),
        ("DQ-GESTATION-INVALID", "另有 3 处同类问题未逐一列出"),
    ] {
        let of_rule: Vec<&Value> = findings.iter().filter(|f| f["rule"] == rule).collect();
        assert_eq!(of_rule.len(), LISTED + 1, "{rule}");
        let rows: Vec<u64> = of_rule.iter().filter_map(|f| f["row"].as_u64()).collect();
        let first_rows: Vec<u64> = (2..2 + LISTED as u64).collect();
        assert_eq!(rows, first_rows, "{rule}: rows 2 to 1001 listed");
        let summary: Vec<&Value> = of_rule
            .iter()
            .copied()
            .filter(|f| f["row"].is_null())
            .collect();
        assert_eq!(summary.len(), 1, "{rule}");
        assert_eq!(summary[0]["unlisted"], 3, "{rule}");
        assert_eq!(summary[0]["message"], message);
        // A listed finding carries no unlisted field (the summary, on no row, sorts first).
        assert_eq!(of_rule[1]["row"], 2, "{rule}");
        assert!(of_rule[1].get("unlisted").is_none(), "{rule}");
    }
    assert_eq!(
        r["summary"],
        serde_json::json!({
            "critical": 0, "high": EXAMS, "medium": 0, "low": EXAMS,
            "total": 2 * EXAMS, "unlisted": 6
        })
    );
}

#[test]
fn table_headline_counts_every_finding_and_says_some_are_not_listed() {
    let path = ledger("table");
    let zh = text(&path, &["--format", "table"]);
    assert!(
        zh.contains("发现 2006 项：严重 0 · 高 1003 · 中 0 · 低 1003（其中 6 项未逐一列出）\n"),
        "{}",
        &zh[..zh.len().min(2000)]
    );
    let en = text(&path, &["--format", "table", "--lang", "en"]);
    assert!(
        en.contains(
            "2006 findings: critical 0 · high 1003 · medium 0 · low 1003 (6 of them not listed one by one)\n"
        ),
        "{}",
        &en[..en.len().min(2000)]
    );
}

#[test]
fn html_sarif_junit_and_xlsx_totals_count_the_unlisted_findings() {
    let path = ledger("formats");
    let html = text(&path, &["--format", "html"]);
    let counts = html
        .split("<table class=\"counts\">")
        .nth(1)
        .unwrap()
        .split("</section>")
        .next()
        .unwrap();
    assert!(
        counts.contains(
            "<td class=\"num\">0</td><td class=\"num\">1003</td><td class=\"num\">0</td>\
             <td class=\"num\">1003</td><td class=\"num\">2006</td>"
        ),
        "{counts}"
    );
    assert!(counts.contains("<p>其中 6 项未逐一列出</p>"), "{counts}");

    let sarif: Value = serde_json::from_slice(&run(&path, &["--format", "sarif"])).unwrap();
    let run0 = &sarif["runs"][0];
    assert_eq!(run0["properties"]["summary"]["total"], 2 * EXAMS);
    assert_eq!(run0["properties"]["summary"]["unlisted"], 6);
    let results = run0["results"].as_array().unwrap();
    assert_eq!(results.len(), 2 * (LISTED + 1));
    let weighed: u64 = results
        .iter()
        .map(|r| r["properties"]["unlisted"].as_u64().unwrap_or(1))
        .sum();
    assert_eq!(weighed, 2 * EXAMS as u64);

    let junit = text(&path, &["--format", "junit"]);
    assert!(
        junit.contains("message=\"1003 项发现，级别 high 及以上 / 1003 findings at or above high:"),
        "{}",
        &junit[..junit.len().min(3000)]
    );
    // The data-quality findings, below --fail-on, are counted in the testcase's output.
    assert!(
        junit.contains("<system-out>1003 项发现，低于 high / 1003 findings below high:"),
        "{}",
        &junit[..junit.len().min(3000)]
    );

    let out = path.with_file_name("report.xlsx");
    run(
        &path,
        &["--format", "xlsx", "--output", out.to_str().unwrap()],
    );
    let mut wb = Xlsx::new(Cursor::new(std::fs::read(&out).unwrap())).unwrap();
    let summary = wb.worksheet_range("摘要 Summary").unwrap();
    let lines: Vec<String> = summary
        .rows()
        .map(|r| {
            r.iter()
                .take(2)
                .map(|c| match c {
                    Data::Float(n) => n.to_string(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect();
    for line in [
        "高 high|1003",
        "低 low|1003",
        "合计 total|2006",
        "其中未逐一列出 of them not listed one by one|6",
    ] {
        assert!(lines.iter().any(|l| l == line), "{line} not in {lines:#?}");
    }
}
