//! A regulator's own rules from `--rules DIR`, written with the generic kinds: a format
//! (`pattern`) and bounds (`range`), judged like the built-in ones; a rule that cannot work stops
//! the load, naming its file and what is wrong.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::path::PathBuf;

use auditor_ingest::{Catalog, IdHasher, Ingest};
use auditor_rules::{Catalogue, DrugCatalog, Pack, evaluate};
use chrono::NaiveDate;

const HEAD: &str = r#"status = "preview"
since = "0.2.0"
severity = "low"
datasets = ["institution"]
[title]
zh = "本地规则"
en = "Local rule"
[docs]
what_zh = "…"
what_en = "…"
why_zh = "…"
why_en = "…"
fix_zh = "…"
fix_en = "…"
[[citations]]
source = "《本地实施细则》"
article = "第三条"
"#;

fn rule_dir(files: &[(&str, String)]) -> PathBuf {
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("auditor-custom-{}-{run}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    dir
}

fn licence_fixture() -> PathBuf {
    [
        env!("CARGO_MANIFEST_DIR"),
        "..",
        "..",
        "fixtures",
        "rules",
        "LIC-VALID",
        "violating.csv",
    ]
    .iter()
    .collect()
}

#[test]
fn pattern_and_range_rules_fire_on_exactly_the_rows_that_break_them() {
    let format = format!(
        "id = \"LOCAL-MCH-LICENCE-NO\"\n{HEAD}[params]\nregex = 'MY370921-\\d{{4}}-\\d{{3}}'\nformat_zh = \"MY370921-年份-序号\"\nformat_en = \"MY370921-year-serial\"\n[check]\nkind = \"pattern\"\nfields = [\"mch_licence_no\"]\n"
    );
    let beds = format!(
        "id = \"LOCAL-BEDS\"\n{HEAD}[params]\nmin = 50\nmax = 500\n[check]\nkind = \"range\"\nfield = \"beds\"\n"
    );
    let dir = rule_dir(&[
        ("LOCAL-MCH-LICENCE-NO.toml", format),
        ("LOCAL-BEDS.toml", beds),
    ]);
    let catalogue = Catalogue::builtin().unwrap().with_dir(&dir).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();

    let catalog = Catalog::builtin().unwrap();
    let hasher = IdHasher::new(b"test").unwrap();
    let report = Ingest::new(&catalog, &hasher).read_path(&licence_fixture(), "licences.csv");
    let (findings, _) = evaluate(
        &catalogue,
        &Pack::builtin("national").unwrap(),
        &DrugCatalog::builtin().unwrap(),
        &report.tables,
        NaiveDate::from_ymd_opt(2024, 6, 30).unwrap(),
    );
    let rows = |rule: &str| -> Vec<u32> {
        findings
            .iter()
            .filter(|f| f.rule == rule)
            .filter_map(|f| f.row)
            .collect()
    };
    // Row 4 is a city licence (MY370900-…); blank licence numbers are not judged.
    assert_eq!(rows("LOCAL-MCH-LICENCE-NO"), vec![4]);
    let hit = findings
        .iter()
        .find(|f| f.rule == "LOCAL-MCH-LICENCE-NO")
        .unwrap();
    assert!(
        hit.message
            .contains("“MY370900-2022-011”不符合格式：MY370921-年份-序号")
            && hit.cells.iter().map(ToString::to_string).eq(["F4"]),
        "{hit:?}"
    );
    // 600 beds (2) above the maximum; 40 (5) and 30 (8) below the minimum; blanks not judged.
    assert_eq!(rows("LOCAL-BEDS"), vec![2, 5, 8]);
}

#[test]
fn a_rule_whose_parameters_cannot_work_stops_the_load_naming_the_file() {
    let bad_regex = format!(
        "id = \"LOCAL-BAD\"\n{HEAD}[params]\nregex = 'MY(\\d'\n[check]\nkind = \"pattern\"\nfields = [\"mch_licence_no\"]\n"
    );
    let dir = rule_dir(&[("LOCAL-BAD.toml", bad_regex)]);
    let e = Catalogue::builtin()
        .unwrap()
        .with_dir(&dir)
        .unwrap_err()
        .to_string();
    assert!(e.contains("LOCAL-BAD.toml") && e.contains("regex"), "{e}");

    let no_bounds =
        format!("id = \"LOCAL-BAD\"\n{HEAD}[check]\nkind = \"range\"\nfield = \"beds\"\n");
    std::fs::write(dir.join("LOCAL-BAD.toml"), no_bounds).unwrap();
    let e = Catalogue::builtin()
        .unwrap()
        .with_dir(&dir)
        .unwrap_err()
        .to_string();
    assert!(e.contains("LOCAL-BAD.toml") && e.contains("\"min\""), "{e}");

    // A misspelt field would never fire: it is named with the fields there are.
    let misspelt = format!(
        "id = \"LOCAL-BAD\"\n{HEAD}[params]\nmax = 500\n[check]\nkind = \"range\"\nfield = \"bed\"\n"
    );
    std::fs::write(dir.join("LOCAL-BAD.toml"), misspelt).unwrap();
    let e = Catalogue::builtin()
        .unwrap()
        .with_dir(&dir)
        .unwrap_err()
        .to_string();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        e.contains("LOCAL-BAD.toml") && e.contains("no field \"bed\"") && e.contains("beds"),
        "{e}"
    );
}

/// The built-in US-DEVICE-FILED-ON-TIME with its `days = 30` line replaced by `params`, and its
/// `end` field by `end`.
fn filing_rule(params: &str, end: &str) -> String {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "..",
        "..",
        "rules",
        "catalogue",
        "US-DEVICE-FILED-ON-TIME.toml",
    ]
    .iter()
    .collect();
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains("\ndays = 30\n") && text.contains("end = \"filed_date\""));
    text.replace("\ndays = 30\n", &format!("\n{params}\n"))
        .replace("end = \"filed_date\"", &format!("end = \"{end}\""))
}

/// The error loading a directory holding only `text` as the filing rule, which must name the
/// line starting with `key`.
fn load_error(text: &str, key: &str) -> String {
    let dir = rule_dir(&[("US-DEVICE-FILED-ON-TIME.toml", text.to_owned())]);
    let e = Catalogue::builtin()
        .unwrap()
        .with_dir(&dir)
        .unwrap_err()
        .to_string();
    std::fs::remove_dir_all(&dir).unwrap();
    let line = text.lines().position(|l| l.starts_with(key)).unwrap() + 1;
    assert!(
        e.contains("US-DEVICE-FILED-ON-TIME.toml") && e.contains(&format!("第 {line} 行")),
        "{e}"
    );
    e
}

#[test]
fn a_misspelt_mistyped_or_impossible_parameter_stops_the_load_naming_the_line_and_key() {
    let e = load_error(&filing_rule("day = 20", "filed_date"), "day =");
    assert!(
        e.contains("[params].day：未知参数") && e.contains("[params].day: unknown parameter"),
        "{e}"
    );
    assert!(e.contains("days"), "the parameters there are: {e}");

    let e = load_error(&filing_rule("days = \"30天\"", "filed_date"), "days =");
    assert!(
        e.contains("[params].days：应为整数，实为文字 \"30天\"")
            && e.contains("must be an integer, not a string \"30天\""),
        "{e}"
    );

    let e = load_error(&filing_rule("days = -5", "filed_date"), "days =");
    assert!(
        e.contains("[params].days：不能为负数（-5）") && e.contains("must not be negative (-5)"),
        "{e}"
    );

    let e = load_error(&filing_rule("days = 30", "filing_date"), "end =");
    assert!(
        e.contains("[check].end：数据集 us_device 没有字段 \"filing_date\"")
            && e.contains("[check].end: dataset us_device has no field \"filing_date\""),
        "{e}"
    );
}

#[test]
fn a_users_rule_file_wins_over_the_packs_parameter_it_sets() {
    let dir = rule_dir(&[(
        "US-DEVICE-FILED-ON-TIME.toml",
        filing_rule("days = 15", "filed_date"),
    )]);
    let catalogue = Catalogue::builtin().unwrap().with_dir(&dir).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let guangxi = Pack::builtin("guangxi").unwrap();
    let user = guangxi.apply(catalogue.get("US-DEVICE-FILED-ON-TIME").unwrap());
    assert_eq!(user.param_int("days"), Some(15));
    // Guangxi's reason is not cited for a deadline it no longer sets.
    assert!(!user.citation().contains("广西"), "{}", user.citation());
    // Without the user's file the pack's 20 days apply, with its reason.
    let builtin = Catalogue::builtin().unwrap();
    let pack = guangxi.apply(builtin.get("US-DEVICE-FILED-ON-TIME").unwrap());
    assert_eq!(pack.param_int("days"), Some(20));
    assert!(pack.citation().contains("广西"), "{}", pack.citation());
    // A pack's reason on a rule whose parameters it does not change is still cited.
    let anhui = Pack::builtin("anhui")
        .unwrap()
        .apply(builtin.get("TOP-14W-CERT").unwrap());
    assert!(anhui.citation().contains("安徽"), "{}", anhui.citation());
}
