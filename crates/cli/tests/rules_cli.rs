//! The rules from the command line: packs, registries among the inputs, `--rules`, and
//! `auditor rules list|show`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod common;

use std::path::PathBuf;

use common::{auditor, fixture, json_of, rule_fixture};
use serde_json::Value;

#[test]
fn a_registry_among_the_inputs_lets_the_buyer_rule_judge_and_its_absence_is_noted() {
    let dir: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "..",
        "..",
        "fixtures",
        "rules",
        "DRUG-BUYER-QUALIFIED",
    ]
    .iter()
    .collect();
    let ledger = dir.join("violating.csv");
    let registry = dir.join("institutions.csv");
    let (ledger, registry) = (ledger.to_str().unwrap(), registry.to_str().unwrap());
    let without = json_of(&auditor(
        &["check", "--format", "json", "--as-of", "2024-06-30", ledger],
        Some("k"),
    ));
    assert_eq!(without["notes"][0]["rule"], "DRUG-BUYER-QUALIFIED");
    assert!(
        without["notes"][0]["message_en"]
            .as_str()
            .unwrap()
            .contains("institution registry")
    );
    let out = auditor(
        &[
            "check",
            "--format",
            "json",
            "--as-of",
            "2024-06-30",
            ledger,
            registry,
        ],
        Some("k"),
    );
    assert_eq!(out.status.code(), Some(1), "critical findings fail the run");
    let with = json_of(&out);
    // Other rules may still lack an input (the buyers' own ledgers); this one no longer does.
    let notes = with["notes"].as_array().cloned().unwrap_or_default();
    assert!(
        notes.iter().all(|n| n["rule"] != "DRUG-BUYER-QUALIFIED"),
        "{notes:?}"
    );
    let rows: Vec<u64> = with["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "DRUG-BUYER-QUALIFIED")
        .map(|f| f["row"].as_u64().unwrap())
        .collect();
    assert_eq!(rows, [4, 5, 7, 11, 13, 14, 15, 16, 17, 18, 24, 25]);
}

#[test]
fn a_note_is_printed_once_on_a_terminal_table_and_kept_on_stderr_for_other_formats() {
    let ledger = &rule_fixture("DRUG-BUYER-QUALIFIED", "violating.csv");
    let note = "DRUG-BUYER-QUALIFIED 需要机构名录（institution）作为输入";
    let table = auditor(
        &[
            "check",
            "--format",
            "table",
            "--as-of",
            "2024-06-30",
            ledger,
        ],
        Some("k"),
    );
    let (stdout, stderr) = (
        String::from_utf8_lossy(&table.stdout),
        String::from_utf8_lossy(&table.stderr),
    );
    assert!(stdout.contains(note), "{stdout}");
    assert!(!stderr.contains(note), "{stderr}");
    let json = auditor(
        &["check", "--format", "json", "--as-of", "2024-06-30", ledger],
        Some("k"),
    );
    assert!(String::from_utf8_lossy(&json.stderr).contains(note));
}

#[test]
fn rules_list_and_show_in_both_languages() {
    let out = auditor(&["rules", "list"], Some("k"));
    assert_eq!(out.status.code(), Some(0));
    let list = String::from_utf8_lossy(&out.stdout);
    let line = list
        .lines()
        .find(|l| l.starts_with("US-DUAL-SIGN"))
        .unwrap();
    assert_eq!(
        line,
        "US-DUAL-SIGN               高       B超检查双人操作、双人签字  · B超检查登记"
    );
    // Every id a report can show is listed, the data-quality checks of ingest included, with
    // the severity padded by display width (严重 is as wide as four letters).
    let line = list
        .lines()
        .find(|l| l.starts_with("DQ-ID-INVALID"))
        .unwrap();
    assert_eq!(
        line,
        "DQ-ID-INVALID              中       身份证号无效  · 所有台账"
    );
    let out = auditor(&["rules", "show", "dq-id-invalid"], Some("k"));
    assert_eq!(out.status.code(), Some(0));
    let show = String::from_utf8_lossy(&out.stdout);
    assert!(show.starts_with("DQ-ID-INVALID — 身份证号无效\n"), "{show}");
    assert!(show.contains("GB 11643-1999《公民身份号码》"), "{show}");
    let out = auditor(&["rules", "show", "US-DUAL-SIGN"], Some("k"));
    let show = String::from_utf8_lossy(&out.stdout);
    assert!(
        show.contains("数据集: B超检查登记（us_exam）")
            && show.contains("状态: 正式，自 0.1.0 版起"),
        "{show}"
    );
    assert!(
        !show.contains("status:"),
        "no English in the Chinese page: {show}"
    );
    let out = auditor(
        &["rules", "show", "us-device-filed-on-time", "--lang", "en"],
        Some("k"),
    );
    let show = String::from_utf8_lossy(&out.stdout);
    assert!(show.starts_with("US-DEVICE-FILED-ON-TIME — "), "{show}");
    for part in [
        "What it checks",
        "Why it matters",
        "How to fix",
        "Citations",
        "days = 30",
    ] {
        assert!(show.contains(part), "{part}: {show}");
    }
    let out = auditor(&["rules", "show", "NO-SUCH-RULE"], Some("k"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no rule \"NO-SUCH-RULE\""));
}

#[test]
fn the_guangxi_pack_judges_device_filing_at_20_days_and_says_so() {
    let f = &rule_fixture("US-DEVICE-FILED-ON-TIME", "violating.csv");
    let rows = |pack: &str| -> (Value, Vec<u64>) {
        let r = json_of(&auditor(
            &[
                "check",
                "--format",
                "json",
                "--as-of",
                "2024-06-30",
                "--pack",
                pack,
                f,
            ],
            Some("k"),
        ));
        let rows = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["rule"] == "US-DEVICE-FILED-ON-TIME")
            .map(|x| x["row"].as_u64().unwrap())
            .collect();
        (r["pack"].clone(), rows)
    };
    let (national, national_rows) = rows("national");
    let (guangxi, guangxi_rows) = rows("guangxi");
    assert_eq!(national["name"], "national");
    assert_eq!(guangxi["name"], "guangxi");
    // Line 2 was filed on day 30: on time nationally, late in Guangxi.
    assert!(
        !national_rows.contains(&2) && guangxi_rows.contains(&2),
        "{national_rows:?} {guangxi_rows:?}"
    );
    assert!(national_rows.iter().all(|r| guangxi_rows.contains(r)));
}

#[test]
fn titles_name_the_days_the_pack_judges_by_in_rules_list_show_and_findings() {
    let days = |pack: &str| {
        let list = auditor(&["rules", "list", "--pack", pack], Some("k"));
        let line = String::from_utf8_lossy(&list.stdout)
            .lines()
            .find(|l| l.starts_with("US-DEVICE-FILED-ON-TIME"))
            .unwrap()
            .to_owned();
        let show = auditor(
            &[
                "rules",
                "show",
                "US-DEVICE-FILED-ON-TIME",
                "--pack",
                pack,
                "--lang",
                "en",
            ],
            Some("k"),
        );
        (line, String::from_utf8_lossy(&show.stdout).into_owned())
    };
    let (line, show) = days("guangxi");
    assert!(
        line.ends_with("超声设备购置后20日内备案  · 超声设备备案台账"),
        "{line}"
    );
    assert!(
        show.starts_with(
            "US-DEVICE-FILED-ON-TIME — Ultrasound devices filed within 20 days of purchase\n"
        ) && show.contains("no more than 20 days after the purchase date")
            && !show.contains("{days}"),
        "{show}"
    );
    let (line, _) = days("national");
    assert!(
        line.ends_with("超声设备购置后30日内备案  · 超声设备备案台账"),
        "{line}"
    );
    let f = rule_fixture("US-DEVICE-FILED-ON-TIME", "violating.csv");
    let r = json_of(&auditor(
        &[
            "check",
            "--format",
            "json",
            "--as-of",
            "2024-06-30",
            "--pack",
            "guangxi",
            &f,
        ],
        Some("k"),
    ));
    let finding = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["rule"] == "US-DEVICE-FILED-ON-TIME")
        .unwrap();
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .starts_with("超声设备购置后20日内备案："),
        "{finding}"
    );
}

#[test]
fn a_rules_directory_overrides_and_adds_rules_and_a_bad_file_stops_the_run() {
    let dir = std::env::temp_dir().join(format!("auditor-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let builtin: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "..",
        "..",
        "rules",
        "catalogue",
        "US-DUAL-SIGN.toml",
    ]
    .iter()
    .collect();
    // A local version of the rule that only judges exams from 14 weeks on.
    let local = std::fs::read_to_string(builtin)
        .unwrap()
        .replace("min_weeks = 0", "min_weeks = 14");
    std::fs::write(dir.join("US-DUAL-SIGN.toml"), &local).unwrap();
    let exam = fixture("us_exam_title_rows.xlsx");
    let out = auditor(
        &[
            "check",
            "--format",
            "json",
            "--rules",
            dir.to_str().unwrap(),
            &exam,
        ],
        Some("k"),
    );
    // Row 5 (12+3 weeks) lacks its second signature, but is below 14 weeks now.
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(json_of(&out)["findings"].as_array().unwrap().is_empty());
    std::fs::write(
        dir.join("US-DUAL-SIGN.toml"),
        local.replace("severity =", "severty ="),
    )
    .unwrap();
    let out = auditor(
        &[
            "check",
            "--format",
            "json",
            "--rules",
            dir.to_str().unwrap(),
            &exam,
        ],
        Some("k"),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("US-DUAL-SIGN.toml") && err.contains("severty") && err.contains("line"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_traceability_code_dispensed_in_another_file_is_found_and_the_first_use_named() {
    let first = rule_fixture("DRUG-TRACE-CODE", "compliant.csv");
    let second = std::env::temp_dir().join(format!("auditor-trace-{}.csv", std::process::id()));
    std::fs::write(
        &second,
        "处方号,发药日期,姓名,身份证号,药品名称,批号,处方医师,追溯码\nRX900,2024-05-01,王丽,370921199603140025,米非司酮片,230801,刘医生,81000230801000000112\n",
    )
    .unwrap();
    let out = auditor(
        &[
            "check",
            "--format",
            "json",
            &first,
            second.to_str().unwrap(),
        ],
        Some("k"),
    );
    let r = json_of(&out);
    let hits: Vec<&Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "DRUG-TRACE-CODE")
        .collect();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0]["file"], second.to_str().unwrap());
    assert_eq!(hits[0]["row"], 2);
    assert!(
        hits[0]["message"]
            .as_str()
            .unwrap()
            .contains("compliant.csv 第 4 行"),
        "{}",
        hits[0]["message"]
    );
    std::fs::remove_file(&second).ok();
}
