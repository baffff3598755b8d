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
fn each_rule_fires_exactly_on_its_violating_rows_and_never_on_its_compliant_file() {
    let catalogue = Catalogue::builtin().unwrap();
    let pack = Pack::builtin("national").unwrap();
    let drugs = DrugCatalog::builtin().unwrap();
    for rule in &catalogue.rules {
        let dir = fixtures().join(&rule.id);
        let expected: Expected =
            toml::from_str(&std::fs::read_to_string(dir.join("expected.toml")).unwrap()).unwrap();
        for (file, want) in [
            ("violating.csv", expected.violating.clone()),
            ("compliant.csv", Vec::new()),
        ] {
            let tables = tables(&dir, file, &expected.inputs);
            let (findings, skipped) = evaluate(&catalogue, &pack, &drugs, &tables, expected.as_of);
            assert!(skipped.is_empty(), "{}: {skipped:?}", rule.id);
            let mut rows: Vec<u32> = findings
                .iter()
                .filter(|f| f.rule == rule.id && f.file == file)
                .filter_map(|f| f.row)
                .collect();
            rows.dedup();
            assert_eq!(rows, want, "{} on {file}", rule.id);
            for f in findings.iter().filter(|f| f.rule == rule.id) {
                assert!(
                    !f.cells.is_empty()
                        && !f.citation.is_empty()
                        && f.message.starts_with(&rule.title.zh),
                    "{f:?}"
                );
            }
        }
    }
}
