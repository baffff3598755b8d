//! Data-quality findings (`DQ-…`): what ingest itself can tell is wrong with a ledger — a value
//! that cannot be read, a required cell left blank, a row entered twice, a header repeated.

use auditor_model::{CellRef, Dataset, Finding, Severity};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DqRule {
    DateInvalid,
    TimeInvalid,
    NumberInvalid,
    FlagInvalid,
    SexInvalid,
    GestationInvalid,
    PersonIdInvalid,
    UsccInvalid,
    ApprovalNoInvalid,
    TraceCodeInvalid,
    RequiredMissing,
    DuplicateRow,
    HeaderRepeated,
    ColumnDuplicate,
    ColumnMissing,
    /// A ledger's header is found but no record follows it: nothing to judge, which must not
    /// read like a clean ledger.
    NoRecords,
    /// A cell holds a formula error (`#REF!`, `#N/A`) instead of a value: read as empty.
    CellError,
}

impl DqRule {
    pub const ALL: [DqRule; 17] = [
        Self::DateInvalid,
        Self::TimeInvalid,
        Self::NumberInvalid,
        Self::FlagInvalid,
        Self::SexInvalid,
        Self::GestationInvalid,
        Self::PersonIdInvalid,
        Self::UsccInvalid,
        Self::ApprovalNoInvalid,
        Self::TraceCodeInvalid,
        Self::RequiredMissing,
        Self::DuplicateRow,
        Self::HeaderRepeated,
        Self::ColumnDuplicate,
        Self::ColumnMissing,
        Self::NoRecords,
        Self::CellError,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Self::DateInvalid => "DQ-DATE-INVALID",
            Self::TimeInvalid => "DQ-TIME-INVALID",
            Self::NumberInvalid => "DQ-NUMBER-INVALID",
            Self::FlagInvalid => "DQ-FLAG-INVALID",
            Self::SexInvalid => "DQ-SEX-INVALID",
            Self::GestationInvalid => "DQ-GESTATION-INVALID",
            Self::PersonIdInvalid => "DQ-ID-INVALID",
            Self::UsccInvalid => "DQ-USCC-INVALID",
            Self::ApprovalNoInvalid => "DQ-APPROVAL-NO-INVALID",
            Self::TraceCodeInvalid => "DQ-TRACE-CODE-INVALID",
            Self::RequiredMissing => "DQ-REQUIRED-MISSING",
            Self::DuplicateRow => "DQ-DUPLICATE-ROW",
            Self::HeaderRepeated => "DQ-HEADER-REPEATED",
            Self::ColumnDuplicate => "DQ-COLUMN-DUPLICATE",
            Self::ColumnMissing => "DQ-COLUMN-MISSING",
            Self::NoRecords => "DQ-NO-RECORDS",
            Self::CellError => "DQ-CELL-ERROR",
        }
    }

    pub fn severity(self) -> Severity {
        match self {
            Self::PersonIdInvalid
            | Self::UsccInvalid
            | Self::RequiredMissing
            | Self::ColumnMissing
            | Self::NoRecords
            | Self::CellError => Severity::Medium,
            _ => Severity::Low,
        }
    }

    pub fn citation(self) -> &'static str {
        match self {
            Self::PersonIdInvalid => "GB 11643-1999《公民身份号码》",
            Self::UsccInvalid => "GB 32100-2015《法人和其他组织统一社会信用代码编码规则》",
            Self::ApprovalNoInvalid => "《药品注册管理办法》（2020）药品批准文号格式",
            Self::TraceCodeInvalid => "《中华人民共和国药品管理法》第十二条（药品追溯制度）",
            _ => "数据质量 / data quality",
        }
    }
}

/// A finding's fingerprint: a hash of the rule, the dataset, the institution and the row's
/// business key, so the same violation in next month's re-upload is recognised as the same.
pub fn fingerprint(rule: &str, dataset: Option<Dataset>, institution: &str, key: &str) -> String {
    let mut h = Sha256::new();
    for part in [rule, dataset.map_or("", Dataset::as_str), institution, key] {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    hex::encode(&h.finalize()[..16])
}

/// The digest naming a record across uploads, from its ledger's dataset and institution and
/// its business key: what a later upload must hold again for a finding's absence to resolve
/// the finding's case.
pub fn record_key(dataset: Dataset, institution: &str, business_key: &str) -> String {
    fingerprint("record", Some(dataset), institution, business_key)
}

/// Makes the fingerprints of one run's findings distinct. Fingerprints stand on business keys,
/// so a row entered twice gives its finding twice under one fingerprint, and a store merging by
/// fingerprint would keep one case for two rows. The second and later of equal fingerprints,
/// in the findings' order, take one derived from it and their count; identical rows are
/// interchangeable, so which gets which does not matter, and a run again gives the same.
pub fn distinguish_repeats(findings: &mut [auditor_model::Finding]) {
    let mut seen: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    for f in findings {
        let n = seen.entry(f.fingerprint.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            f.fingerprint = fingerprint("repeat", None, &f.fingerprint, &n.to_string());
        }
    }
}

/// Where a finding comes from, shared by all findings of one sheet.
#[derive(Debug, Clone)]
pub struct SheetContext {
    pub file: String,
    pub sheet: Option<String>,
    pub dataset: Option<Dataset>,
    /// The institution the ledger belongs to (填报单位), when the sheet says.
    pub institution: String,
}

impl SheetContext {
    /// A finding of `rule`; `key` is the row's business key (never its row number, never a
    /// keyed hash), so the fingerprint survives re-ordering and a change of deployment key.
    pub fn finding(
        &self,
        rule: DqRule,
        row: Option<u32>,
        cells: Vec<CellRef>,
        zh: String,
        en: String,
        key: &str,
    ) -> Finding {
        Finding {
            rule: rule.id().to_owned(),
            severity: rule.severity(),
            dataset: self.dataset,
            file: self.file.clone(),
            sheet: self.sheet.clone(),
            row,
            cells,
            message: zh,
            message_en: en,
            citation: rule.citation().to_owned(),
            fingerprint: fingerprint(rule.id(), self.dataset, &self.institution, key),
            related: Vec::new(),
            unlisted: 0,
            record_key: None,
        }
    }
}
