//! The catalogue guards itself, as clippy's and ruff's do: every rule is documented, cited,
//! well formed, reads fields its datasets have, and has fixtures; every fixture has a rule.
//! Each rule fires exactly on the rows its fixture lists, and on nothing in its compliant file.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use auditor_ingest::{Catalog, IdHasher, Ingest, Table};
use auditor_rules::{Catalogue, DrugCatalog, Pack, evaluate};
use chrono::NaiveDate;
use serde::Deserialize;

fn fixtures() -> PathBuf {
    [env!("CARGO_MANIFEST_DIR"), "..", "..", "fixtures", "rules"]
        .iter()
        .collect()
}

#[test]
fn every_rule_is_documented_cited_and_reads_real_fields() {
    let catalogue = Catalogue::builtin().unwrap();
    let datasets = Catalog::builtin().unwrap();
    assert!(catalogue.rules.len() >= 4);
    for rule in &catalogue.rules {
        let d = &rule.docs;
        for (what, text) in [
            ("title.zh", &rule.title.zh),
            ("title.en", &rule.title.en),
            ("what_zh", &d.what_zh),
            ("what_en", &d.what_en),
            ("why_zh", &d.why_zh),
            ("why_en", &d.why_en),
            ("fix_zh", &d.fix_zh),
            ("fix_en", &d.fix_en),
        ] {
            assert!(
                text.trim().chars().count() >= 4,
                "{}: {what} is empty",
                rule.id
            );
        }
        assert!(
            rule.citations
                .iter()
                .all(|c| !c.source.trim().is_empty() && !c.article.trim().is_empty()),
            "{}",
            rule.id
        );
        for dataset in &rule.datasets {
            let spec = datasets.spec(*dataset).unwrap();
            for field in rule.check.fields() {
                assert!(
                    spec.field_index(field).is_some(),
                    "{}: {dataset} has no field {field}",
                    rule.id
                );
            }
        }
    }
}

#[test]
fn rules_and_fixture_directories_match_both_ways() {
    let catalogue = Catalogue::builtin().unwrap();
    let ids: BTreeSet<String> = catalogue.rules.iter().map(|r| r.id.clone()).collect();
    let dirs: BTreeSet<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        ids, dirs,
        "every rule has fixtures/rules/<ID>/ and every such directory a rule"
    );
}

#[test]
fn a_malformed_rule_file_is_named_with_its_line_and_key() {
    let text = std::fs::read_to_string(
        [
            env!("CARGO_MANIFEST_DIR"),
            "..",
            "..",
            "rules",
            "catalogue",
            "US-DUAL-SIGN.toml",
        ]
        .iter()
        .collect::<PathBuf>(),
    )
    .unwrap();
    let bad = text.replace("severity =", "severty =");
    let e = Catalogue::from_sources([("US-DUAL-SIGN.toml".to_owned(), bad)])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("US-DUAL-SIGN.toml") && e.contains("severty") && e.contains("line"),
        "{e}"
    );
    let e = Catalogue::from_sources([("OTHER.toml".to_owned(), text)])
        .unwrap_err()
        .to_string();
    assert!(e.contains("does not match the file name"), "{e}");
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    as_of: NaiveDate,
    violating: Vec<u32>,
    #[serde(default)]
    inputs: Vec<String>,
    /// For cross-ledger rules: per violating row, every other row it must name as evidence,
    /// as `file:row` (rows of the violating file itself are `violating.csv:row`).
    #[serde(default)]
    related: std::collections::BTreeMap<u32, Vec<String>>,
    /// Rows that fire under a pack that changes the rule, where they differ from `violating`.
    #[serde(default)]
    packs: std::collections::BTreeMap<String, PackExpected>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackExpected {
    violating: Vec<u32>,
    /// Rows of the national compliant file that a stricter pack rightly flags.
    #[serde(default)]
    compliant: Vec<u32>,
}

fn tables(dir: &Path, main: &str, extra: &[String]) -> Vec<Table> {
    let catalog = Catalog::builtin().unwrap();
    let hasher = IdHasher::new(b"fixture").unwrap();
    let ingest = Ingest::new(&catalog, &hasher);
    let mut out = Vec::new();
    for name in std::iter::once(main.to_owned()).chain(extra.iter().cloned()) {
        let r = ingest.read_path(&dir.join(&name), &name);
        assert_eq!(r.error, None, "{}/{name}", dir.display());
        out.extend(r.tables);
    }
    out
}

#[test]
fn each_rule_fires_exactly_on_its_violating_rows_and_never_on_its_compliant_file_under_every_pack()
{
    let catalogue = Catalogue::builtin().unwrap();
    let drugs = DrugCatalog::builtin().unwrap();
    let packs: Vec<Pack> = Pack::builtin_names()
        .map(|n| Pack::builtin(n).unwrap())
        .collect();
    // Sweep-only rules judge upload histories, not rows: their fixture is `cases.toml`, run by
    // `sweep_only_rules_fire_exactly_on_their_cases` below.
    for rule in catalogue.rules.iter().filter(|r| !r.check.sweep_only()) {
        let dir = fixtures().join(&rule.id);
        let expected: Expected =
            toml::from_str(&std::fs::read_to_string(dir.join("expected.toml")).unwrap()).unwrap();
        for name in expected.packs.keys() {
            assert!(
                packs.iter().any(|p| &p.name == name),
                "{}: expected.toml names an unknown pack {name}",
                rule.id
            );
        }
        let none = Vec::new();
        for pack in packs.iter().filter(|p| p.selects(&rule.id)) {
            let (violating, compliant) = expected
                .packs
                .get(&pack.name)
                .map_or((&expected.violating, &none), |p| {
                    (&p.violating, &p.compliant)
                });
            for (file, want) in [
                ("violating.csv", violating.clone()),
                ("compliant.csv", compliant.clone()),
            ] {
                let tables = tables(&dir, file, &expected.inputs);
                let (findings, skipped) =
                    evaluate(&catalogue, pack, &drugs, &tables, expected.as_of);
                assert!(
                    !skipped.iter().any(|s| s.rule == rule.id),
                    "{}: {skipped:?}",
                    rule.id
                );
                let mut rows: Vec<u32> = findings
                    .iter()
                    .filter(|f| f.rule == rule.id && f.file == file)
                    .filter_map(|f| f.row)
                    .collect();
                rows.dedup();
                assert_eq!(rows, want, "{} on {file} under {}", rule.id, pack.name);
                if !expected.related.is_empty() && file == "violating.csv" {
                    for f in findings
                        .iter()
                        .filter(|f| f.rule == rule.id && f.file == file)
                    {
                        let row = f.row.unwrap_or_default();
                        let mut got: Vec<String> = f
                            .related
                            .iter()
                            .map(|e| format!("{}:{}", e.file, e.row.unwrap_or_default()))
                            .collect();
                        got.sort();
                        let mut want = expected.related.get(&row).cloned().unwrap_or_default();
                        want.sort();
                        assert_eq!(got, want, "{}: evidence of row {row}", rule.id);
                        assert!(f.related.iter().all(|e| !e.cells.is_empty()), "{f:?}");
                    }
                }
                // The title as the pack renders it: Guangxi's names its 20 days.
                let title = pack.apply(rule).title.zh;
                for f in findings.iter().filter(|f| f.rule == rule.id) {
                    assert!(
                        !f.cells.is_empty()
                            && !f.citation.is_empty()
                            && f.message.starts_with(&title),
                        "{f:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn every_pack_override_names_a_real_rule_and_parameter_and_says_why() {
    let catalogue = Catalogue::builtin().unwrap();
    for name in Pack::builtin_names() {
        let pack = Pack::builtin(name).unwrap();
        for (id, params) in &pack.params {
            let rule = catalogue
                .get(id)
                .unwrap_or_else(|| panic!("pack {name} overrides unknown rule {id}"));
            for key in params.keys() {
                // A misspelt parameter would silently change nothing.
                assert!(
                    rule.params.contains_key(key),
                    "pack {name}: {id} has no parameter {key}"
                );
            }
            assert!(
                pack.reasons.iter().any(|r| &r.rule == id),
                "pack {name} changes {id} without a reason"
            );
        }
        for id in pack.exclude.iter().chain(pack.severity.keys()) {
            assert!(
                catalogue.get(id).is_some(),
                "pack {name}: unknown rule {id}"
            );
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SweepCases {
    case: Vec<SweepCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SweepCase {
    name: String,
    uploads: Vec<NaiveDate>,
    today: NaiveDate,
    #[serde(default)]
    late: Option<NaiveDate>,
    #[serde(default)]
    due_day: Option<u32>,
}

#[test]
fn sweep_only_rules_fire_exactly_on_their_cases() {
    let catalogue = Catalogue::builtin().unwrap();
    let sweep_only: Vec<_> = catalogue
        .rules
        .iter()
        .filter(|r| r.check.sweep_only())
        .collect();
    assert_eq!(
        sweep_only.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ["LEDGER-LATE"],
        "a new sweep-only rule needs its cases judged here"
    );
    let rule = sweep_only[0];
    let dir = fixtures().join(&rule.id);
    let cases: SweepCases =
        toml::from_str(&std::fs::read_to_string(dir.join("cases.toml")).unwrap()).unwrap();
    assert!(
        cases.case.iter().any(|c| c.late.is_some()) && cases.case.iter().any(|c| c.late.is_none())
    );
    let default_due = u32::try_from(rule.param_int("due_day").unwrap()).unwrap();
    let months = u32::try_from(rule.param_int("months").unwrap()).unwrap();
    for c in &cases.case {
        let got = auditor_rules::ledger_late::late(
            &c.uploads,
            c.today,
            c.due_day.unwrap_or(default_due),
            months,
        )
        .map(|l| l.period);
        assert_eq!(got, c.late, "{}: {}", rule.id, c.name);
    }
}
