//! A typed table: what ingest hands to the rules — one column per field, one entry per record,
//! with what a finding needs to name its cells and fingerprint its row.

use auditor_model::{CellRef, Dataset};

use crate::column::Column;
use crate::source_cells::SourceCells;
use crate::vague::{VagueDate, VagueDates};

/// A typed table: one column per field of the dataset, one entry per record.
#[derive(Debug, Clone)]
pub struct Table {
    pub dataset: Dataset,
    pub file: String,
    pub sheet: Option<String>,
    /// The dataset's field names, in spec order.
    pub fields: Vec<String>,
    /// Per field, its label in Chinese and English, for messages.
    pub labels: Vec<(String, String)>,
    /// Per field of the dataset's spec: its values, or `None` when the sheet has no such column.
    pub columns: Vec<Option<Column>>,
    /// Per field: the sheet column it came from.
    pub source_cols: Vec<Option<u32>>,
    /// Per record: its row number as the user sees it.
    pub rows: Vec<u32>,
    /// Fields of the business key (indices into `fields`), for fingerprints.
    pub key: Vec<usize>,
    /// Fields that may enter a fingerprint when the key is blank: never personal data.
    pub shareable: Vec<usize>,
    /// The institution the ledger belongs to (填报单位), when its title rows say.
    pub institution: String,
    /// Date cells that named only a year or a month (kept missing in their column), for rules
    /// that can judge a deadline from the latest day they can mean.
    pub vague_dates: VagueDates,
    /// The sheet's cells outside the fields (titles, the header as written, footers, unread
    /// columns), masked; only when `Ingest::keep_source` asked for them.
    pub source: Option<Box<SourceCells>>,
}

impl Table {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The column of field `name`, if the sheet had it.
    pub fn column(&self, name: &str) -> Option<&Column> {
        let i = self.fields.iter().position(|f| f == name)?;
        self.columns.get(i)?.as_ref()
    }

    /// Record `i`'s business key as text: the key fields' values, or, when they are all blank,
    /// every non-personal value. Never personal data, never a keyed hash, never a row number.
    pub fn business_key(&self, record: usize) -> String {
        let value_of = |field: &usize| -> String {
            self.columns[*field]
                .as_ref()
                .map(|c| c.display(record))
                .unwrap_or_default()
        };
        let key: Vec<String> = self.key.iter().map(value_of).collect();
        if key.iter().any(|k| !k.is_empty()) {
            return key.join("\u{1f}");
        }
        self.shareable
            .iter()
            .map(value_of)
            .collect::<Vec<_>>()
            .join("\u{1f}")
    }

    /// The digest naming record `i` across uploads ([`crate::quality::record_key`]).
    pub fn record_key(&self, record: usize) -> String {
        crate::quality::record_key(self.dataset, &self.institution, &self.business_key(record))
    }

    /// What record `i`'s cell of date field `name` named, when it was only a year or a month.
    pub fn vague_date(&self, name: &str, i: usize) -> Option<VagueDate> {
        let f = self.fields.iter().position(|f| f == name)?;
        self.vague_dates.get(f, i)
    }

    /// Whether record `i`'s cell of date field `name` said it was done (已备案) with no date.
    pub fn done_undated(&self, name: &str, i: usize) -> bool {
        self.fields
            .iter()
            .position(|f| f == name)
            .is_some_and(|f| self.vague_dates.done(f, i))
    }

    /// Field `name`'s label in Chinese and English (the name itself when unknown).
    pub fn label<'a>(&'a self, name: &'a str) -> (&'a str, &'a str) {
        self.fields
            .iter()
            .position(|f| f == name)
            .and_then(|i| self.labels.get(i))
            .map_or((name, name), |(zh, en)| (zh.as_str(), en.as_str()))
    }

    /// The sheet cell of field `name` for record `i`.
    pub fn cell(&self, name: &str, i: usize) -> Option<CellRef> {
        let f = self.fields.iter().position(|f| f == name)?;
        Some(CellRef::new(self.source_cols[f]?, *self.rows.get(i)?))
    }

    /// Record `i`'s value of field `name` as display text; empty when missing or absent.
    pub fn display(&self, name: &str, i: usize) -> String {
        self.column(name).map(|c| c.display(i)).unwrap_or_default()
    }
}
