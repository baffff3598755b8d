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
    /// On the one summary finding a rule adds when it fired more often on a sheet than the
    /// run lists (另有 N 处同类问题未逐一列出): N, the findings it stands for. Zero, and not
    /// serialized, on every listed finding. Totals count a summary as N findings, never as one.
    #[serde(skip_serializing_if = "is_zero")]
    pub unlisted: u32,
    /// The record the finding is about, as a digest of its ledger's dataset, institution and
    /// business key: what a later upload must hold again for the finding's absence to resolve
    /// the case. `None` for a sheet's finding. Not part of the JSON report.
    #[serde(skip)]
    pub record_key: Option<String>,
}

impl Finding {
    /// How many findings this one stands for in a total: 1 for a listed finding, N for the
    /// summary of N unlisted ones.
    pub fn weight(&self) -> usize {
        self.unlisted.max(1) as usize
    }
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_zero(n: &u32) -> bool {
    *n == 0
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
