//! The columns without which a check judges nothing on a sheet. A device register without a
//! purchase date cannot show a late filing, and an exam register without a conclusion or
//! remarks cannot show a disclosed sex: saying nothing would read as "all clear", so the run's
//! notes name the rule, the sheet and the column, and say the sheet was not judged.
//!
//! Checks that already report a missing column as a finding of their own (the second
//! signature, the certificate columns, the required entries) list nothing here, so a sheet is
//! never told the same thing twice.

use auditor_ingest::Table;

use super::{Check, persons};

impl Check {
    /// Groups of fields: each group needs at least one of its fields among the sheet's columns,
    /// or the check judges nothing on the sheet.
    pub fn essentials(&self) -> Vec<Vec<&str>> {
        match self {
            Self::Deadline { start, .. } => vec![vec![start.as_str()]],
            Self::Prescription { product, .. } => vec![vec![product.as_str()]],
            // A ledger of purchases alone has no buyer column, and nothing to judge.
            Self::QualifiedBuyer { product, .. } | Self::NoRetail { product, .. } => {
                vec![vec![product.as_str()]]
            }
            Self::Expiry { fields } | Self::Terms { fields } | Self::Pattern { fields } => {
                vec![fields.iter().map(String::as_str).collect()]
            }
            Self::Unique { field } | Self::Range { field } => vec![vec![field.as_str()]],
            Self::FiledDevice { device, .. } => vec![vec![device.as_str()]],
            Self::QualifiedStaff {
                person, signatures, ..
            } => vec![
                std::iter::once(person.as_str())
                    .chain(signatures.as_deref())
                    .collect(),
            ],
            Self::SexRatio { sex, .. } => vec![vec![sex.as_str()]],
            // Cross-ledger rules link records by the person's ID number: without one no record
            // can be linked, and "nothing found" would read as a clean result.
            Self::ScanThenTermination { person, .. } | Self::PregnancyOutcome { person, .. } => {
                vec![vec![person.as_str()]]
            }
            Self::ScanShopping {} => vec![vec![persons::US_EXAM.person]],
            Self::DrugTerminationMatch {} => {
                vec![vec![
                    persons::TERMINATION.person,
                    persons::DRUG_DISPENSE.person,
                ]]
            }
            _ => Vec::new(),
        }
    }
}

/// The note for a sheet that has none of the columns of some essential group of `check`, for
/// rule `rule`: the rule, the sheet and the columns by their labels, and that its records were
/// not judged.
pub(crate) fn unjudged_sheet(rule: &str, check: &Check, table: &Table) -> Option<(String, String)> {
    let lacking: Vec<Vec<&str>> = check
        .essentials()
        .into_iter()
        .filter(|group| !group.is_empty() && group.iter().all(|f| table.column(f).is_none()))
        .collect();
    if lacking.is_empty() || table.is_empty() {
        return None;
    }
    let zh: Vec<String> = lacking
        .iter()
        .map(|group| {
            let labels: Vec<&str> = group.iter().map(|f| table.label(f).0).collect();
            if labels.len() == 1 {
                format!("“{}”列", labels[0])
            } else {
                format!("“{}”中任何一列", labels.join("”“"))
            }
        })
        .collect();
    let en: Vec<String> = lacking
        .iter()
        .map(|group| {
            let labels: Vec<&str> = group.iter().map(|f| table.label(f).1).collect();
            if labels.len() == 1 {
                format!("no {} column", labels[0])
            } else {
                format!("none of the columns {}", labels.join(", "))
            }
        })
        .collect();
    let sheet_zh = table
        .sheet
        .as_deref()
        .map_or_else(|| "表中".to_owned(), |s| format!("工作表“{s}”"));
    let sheet_en = table
        .sheet
        .as_deref()
        .map_or_else(|| "the sheet".to_owned(), |s| format!("sheet \"{s}\""));
    let n = table.len();
    let records = if n == 1 { "record was" } else { "records were" };
    Some((
        format!(
            "{rule}：{sheet_zh}没有{}，本表 {n} 条记录未按此规则检查",
            zh.join("，也没有")
        ),
        format!(
            "{rule}: {sheet_en} has {}; its {n} {records} not judged",
            en.join(" and ")
        ),
    ))
}
