//! A finding: one violation or data-quality problem, located to the cells that show it.

use serde::Serialize;

use crate::{CellRef, Dataset, Severity};

/// One finding, in the shape of the `auditor check` JSON report (schema v1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub dataset: Option<Dataset>,
    pub file: String,
    pub sheet: Option<String>,
    pub row: Option<u32>,
    pub cells: Vec<CellRef>,
    /// Chinese message quoting the offending values (personal data masked).
    pub message: String,
    pub message_en: String,
    pub citation: String,
    /// Stable across re-uploads: hash of rule, file context and the row's business key,
    /// never of its row number nor of anything keyed by the deployment secret.
    pub fingerprint: String,
    /// The other rows a cross-ledger finding rests on (a scan before a termination, the
    /// movements of a stock count), in this file or another input; empty for one-row findings.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Evidence>,
}

/// One row a finding rests on besides its own: where it is and the cells that show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub dataset: Option<Dataset>,
    pub file: String,
    pub sheet: Option<String>,
    pub row: Option<u32>,
    pub cells: Vec<CellRef>,
}
