//! What the store tests share: a finding as a judged upload hands it to the store.

use auditor_model::Severity;
use auditor_store::findings::Incoming;

/// A finding of `rule` on `row` of exams.csv (`None`: the sheet's), standing for `unlisted`
/// findings when it is a rule's summary, keyed by its rule and row.
pub fn finding(rule: &str, severity: Severity, row: Option<i32>, unlisted: i32) -> Incoming {
    Incoming {
        rule: rule.into(),
        severity,
        dataset: Some("us_exam".into()),
        file: "exams.csv".into(),
        sheet: None,
        row,
        cells: "[]".into(),
        message: "m".into(),
        message_en: "m".into(),
        citation: "c".into(),
        fingerprint: format!("{rule}|{row:?}"),
        related: "[]".into(),
        unlisted,
        record_key: None,
    }
}
