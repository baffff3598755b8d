//! Evaluation: every rule the pack selects, over every table of its datasets, judged at
//! `as_of`. Deterministic given (tables, pack, `as_of`).

use std::sync::atomic::{AtomicUsize, Ordering};

use auditor_ingest::Table;
use auditor_ingest::quality::fingerprint;
use auditor_model::{Dataset, Evidence, Finding};
use chrono::NaiveDate;

use crate::catalogue::{Catalogue, Rule};
use crate::kinds::{Context, RuleCache};
use crate::pack::Pack;
use crate::reference::DrugCatalog;

/// The datasets of other ledgers a run over `own` datasets should be given, beyond its own
/// files: those the pack's rules on `own` join with, and `own` itself where a rule looks
/// across files of its dataset (a traceability code used twice, a person scanned at several
/// institutions).
pub fn joined_datasets(catalogue: &Catalogue, pack: &Pack, own: &[Dataset]) -> Vec<Dataset> {
    let mut out: Vec<Dataset> = Vec::new();
    for rule in catalogue.rules.iter().filter(|r| pack.selects(&r.id)) {
        if !rule.datasets.iter().any(|d| own.contains(d)) {
            continue;
        }
        let mut wanted = rule.check.needs();
        wanted.extend(rule.check.reads_when_present());
        if rule.check.across_files() {
            wanted.extend(rule.datasets.iter().copied());
        }
        for d in wanted {
            if !out.contains(&d) {
                out.push(d);
            }
        }
    }
    out
}

/// A rule that could not judge anything for want of an input, to tell the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub rule: String,
    pub zh: String,
    pub en: String,
    /// The sheet the note is about, (file, sheet), when it is about one sheet and not the run:
    /// a `JUnit` report marks the rule skipped on that sheet only.
    pub sheet: Option<(String, Option<String>)>,
}

pub fn evaluate(
    catalogue: &Catalogue,
    pack: &Pack,
    drugs: &DrugCatalog,
    tables: &[Table],
    as_of: NaiveDate,
) -> (Vec<Finding>, Vec<Skipped>) {
    evaluate_judging(catalogue, pack, drugs, tables, &|_| true, as_of)
}

/// Like [`evaluate`], but only the tables `judged` admits are judged; the others are there to
/// be joined with (ledgers stored earlier, registries), and nothing is found on their rows
/// except as the evidence of a judged one.
pub fn evaluate_judging(
    catalogue: &Catalogue,
    pack: &Pack,
    drugs: &DrugCatalog,
    tables: &[Table],
    judged: &(dyn Fn(&Table) -> bool + Sync),
    as_of: NaiveDate,
) -> (Vec<Finding>, Vec<Skipped>) {
    let no_cache = RuleCache::default();
    let ctx = Context {
        tables,
        as_of,
        drugs,
        judged,
        cache: &no_cache,
    };
    let rules: Vec<Rule> = catalogue
        .rules
        .iter()
        .filter(|r| pack.selects(&r.id))
        .map(|r| pack.apply(r))
        .collect();
    // Rules are independent and their costs differ a hundredfold: each core takes the next rule
    // not yet taken, and the results are put back in rule order, so the report stays
    // deterministic whichever core judged what.
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(rule) = rules.get(i) else { break };
            done.push((i, judge(rule, &ctx)));
        }
        done
    };
    let (mut mine, other) = std::thread::scope(|scope| {
        let other = scope.spawn(work);
        (work(), other.join())
    });
    match other {
        Ok(theirs) => mine.extend(theirs),
        // Rules are pure: what the other core had taken is judged again here.
        Err(_) => {
            let taken: Vec<usize> = mine.iter().map(|(i, _)| *i).collect();
            for (i, rule) in rules.iter().enumerate() {
                if !taken.contains(&i) {
                    mine.push((i, judge(rule, &ctx)));
                }
            }
        }
    }
    mine.sort_unstable_by_key(|(i, _)| *i);
    let mut out = (Vec::new(), Vec::new());
    for (_, (findings, skipped)) in mine {
        out.0.extend(findings);
        out.1.extend(skipped);
    }
    out
}

/// One rule over every table it judges.
fn judge(rule: &Rule, ctx: &Context<'_>) -> (Vec<Finding>, Vec<Skipped>) {
    let cache = RuleCache::default();
    let ctx = &Context {
        cache: &cache,
        ..*ctx
    };
    let mut findings = Vec::new();
    let mut skipped = Vec::new();
    let judged: Vec<&Table> = ctx
        .tables
        .iter()
        .filter(|t| rule.datasets.contains(&t.dataset) && (ctx.judged)(t))
        .collect();
    if judged.is_empty() {
        return (findings, skipped);
    }
    let lacking: Vec<Dataset> = rule
        .check
        .needs()
        .into_iter()
        .filter(|d| !ctx.tables.iter().any(|t| t.dataset == *d))
        .collect();
    if !lacking.is_empty() {
        skipped.push(lacking_inputs(rule, &lacking));
        return (findings, skipped);
    }
    for table in judged {
        // A sheet without a column the rule cannot do without is not judged by it, and the
        // notes say so: no finding must not read as "all clear".
        if let Some((zh, en)) = crate::kinds::unjudged_sheet(&rule.id, &rule.check, table) {
            skipped.push(Skipped {
                rule: rule.id.clone(),
                zh: format!("{zh}（{}）", table.file),
                en: format!("{en} ({})", table.file),
                sheet: Some((table.file.clone(), table.sheet.clone())),
            });
        }
        let hits = rule.check.evaluate(rule, ctx, table);
        findings.extend(
            hits.listed
                .iter()
                .map(|hit| to_finding(rule, ctx.tables, table, hit)),
        );
        if hits.more > 0 {
            findings.push(summary(rule, table, hits.more));
        }
        if let Some((zh, en)) = hits.unjudged {
            skipped.push(Skipped {
                rule: rule.id.clone(),
                zh: format!("{zh}（{}）", table.file),
                en: format!("{en} ({})", table.file),
                sheet: Some((table.file.clone(), table.sheet.clone())),
            });
        }
    }
    (findings, skipped)
}

fn summary(rule: &Rule, table: &Table, more: usize) -> Finding {
    Finding {
        rule: rule.id.clone(),
        severity: rule.severity,
        dataset: Some(table.dataset),
        file: table.file.clone(),
        sheet: table.sheet.clone(),
        row: None,
        cells: Vec::new(),
        message: format!("{}：另有 {more} 处同类问题未逐一列出", rule.title.zh),
        message_en: format!(
            "{}: {more} more findings of this kind are not listed one by one",
            rule.title.en
        ),
        citation: rule.citation(),
        fingerprint: fingerprint(&rule.id, Some(table.dataset), &table.institution, "summary"),
        related: Vec::new(),
        unlisted: u32::try_from(more).unwrap_or(u32::MAX),
        record_key: None,
    }
}

/// The note for a rule that joins with ledgers or registries none of the inputs is.
fn lacking_inputs(rule: &Rule, lacking: &[Dataset]) -> Skipped {
    let zh: Vec<&str> = lacking.iter().map(|d| dataset_names(*d).0).collect();
    let en: Vec<&str> = lacking.iter().map(|d| dataset_names(*d).1).collect();
    Skipped {
        rule: rule.id.clone(),
        zh: format!("{} 需要{}作为输入，本次未检查", rule.id, zh.join("和")),
        en: format!(
            "{} needs {} among the inputs; not checked in this run",
            rule.id,
            en.join(" and ")
        ),
        sheet: None,
    }
}

fn dataset_names(d: Dataset) -> (&'static str, &'static str) {
    match d {
        Dataset::Institution => ("机构名录（institution）", "an institution registry"),
        Dataset::Staff => ("人员名录（staff）", "a staff registry"),
        Dataset::UsDevice => (
            "超声设备备案台账（us_device）",
            "the ultrasound device filings (us_device)",
        ),
        Dataset::UsExam => (
            "B超检查登记（us_exam）",
            "the ultrasound exam register (us_exam)",
        ),
        Dataset::Termination => (
            "终止妊娠手术登记（termination）",
            "the termination register (termination)",
        ),
        Dataset::Birth => ("出生登记（birth）", "the birth register (birth)"),
        Dataset::DrugDispense => (
            "终止妊娠药品用药登记（drug_dispense）",
            "the termination drug dispensing register (drug_dispense)",
        ),
        _ => ("相关台账", "another ledger"),
    }
}

fn to_finding(rule: &Rule, tables: &[Table], table: &Table, hit: &crate::kinds::Hit) -> Finding {
    let cells = hit.record.map_or_else(Vec::new, |r| {
        hit.fields.iter().filter_map(|f| table.cell(f, r)).collect()
    });
    // Two hits of one rule on one row (a late filing and a missing element) differ by fields;
    // a sheet-level hit is keyed by the columns the sheet lacks.
    let mut key = match hit.record {
        Some(r) => format!("{}|{}", table.business_key(r), hit.fields.join(",")),
        None => format!("sheet|{}", hit.fields.join(",")),
    };
    // A cross-ledger finding is the pattern of all its rows: the same termination after
    // another scan is another finding.
    let mut related = Vec::with_capacity(hit.related.len());
    for link in &hit.related {
        let Some(t) = tables.get(link.table) else {
            continue;
        };
        key.push('|');
        key.push_str(&t.business_key(link.record));
        related.push(Evidence {
            dataset: Some(t.dataset),
            file: t.file.clone(),
            sheet: t.sheet.clone(),
            row: t.rows.get(link.record).copied(),
            cells: link
                .fields
                .iter()
                .filter_map(|f| t.cell(f, link.record))
                .collect(),
        });
    }
    Finding {
        rule: rule.id.clone(),
        severity: rule.severity,
        dataset: Some(table.dataset),
        file: table.file.clone(),
        sheet: table.sheet.clone(),
        row: hit.record.and_then(|r| table.rows.get(r).copied()),
        cells,
        message: format!("{}：{}", rule.title.zh, hit.zh),
        message_en: format!("{}: {}", rule.title.en, hit.en),
        citation: rule.citation(),
        fingerprint: fingerprint(&rule.id, Some(table.dataset), &table.institution, &key),
        related,
        unlisted: 0,
        record_key: hit.record.map(|r| table.record_key(r)),
    }
}
