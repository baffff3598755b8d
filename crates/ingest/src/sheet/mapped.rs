//! The state of a sheet once its header is found: the column-to-field mapping, the table being
//! filled, and what typing a row reuses. A fork for a stretch read on another core starts from
//! an empty copy and is appended back.

use std::collections::HashMap;

use crate::column::Column;
use crate::header::{HeaderCell, HeaderMatch};
use crate::row::RawRow;
use crate::source_cells::{Mask, SourceCells};
use crate::spec::DatasetSpec;
use crate::table::Table;

/// A sheet whose header is found: how its columns map to fields, and the records so far.
pub(super) struct Mapped {
    pub(super) spec: usize,
    pub(super) header: HeaderMatch,
    pub(super) header_row: u32,
    pub(super) table: Table,
    /// Per sheet column (index), the field it maps to.
    pub(super) field_of_col: Vec<Option<usize>>,
    /// A second column holding the time of a date-time field (检查日期 + 检查时间).
    pub(super) time_companions: Vec<(usize, u32)>,
    /// Per record, a digest of its cells; rows entered twice are found by sorting these once
    /// the sheet is read (8 bytes a row, where a hash map would take over twice that).
    pub(super) digests: Vec<u64>,
    /// Per field, whether it is a yes/no field.
    pub(super) yes_no: Vec<bool>,
    /// Per field, whether a bare number counts days (停经天数) rather than weeks (孕周): the
    /// header's unit when it names one, else the field's own (`ga_days`).
    pub(super) bare_days: Vec<bool>,
    /// Per field, this row's value (reused between rows to avoid an allocation per row).
    pub(super) values: Vec<Option<usize>>,
    /// Room for a masked value before it is stored (reused, as `values` is).
    pub(super) scratch: String,
    /// The header row's text per mapped column, as written.
    pub(super) header_raw: Vec<(u32, String)>,
    /// Values of merged cells in data rows, to fill the cells the merge covers.
    pub(super) merge_values: HashMap<(u32, u32), String>,
    /// The year the title rows or the sheet name give ("2024年3月B超登记"), for dates written
    /// without one (3月5日).
    pub(super) title_year: Option<i32>,
    /// The field naming the row's identity document (证件类型), when the sheet has it: a
    /// passport's number is not checked as a resident ID's.
    pub(super) id_type: Option<usize>,
}

impl Mapped {
    /// The same mapping with no records, for a fork.
    pub(super) fn empty_like(&self) -> Self {
        let t = &self.table;
        Self {
            spec: self.spec,
            header: self.header.clone(),
            header_row: self.header_row,
            table: Table {
                dataset: t.dataset,
                file: t.file.clone(),
                sheet: t.sheet.clone(),
                fields: t.fields.clone(),
                labels: t.labels.clone(),
                columns: t
                    .columns
                    .iter()
                    .map(|c| c.as_ref().map(Column::empty_like))
                    .collect(),
                source_cols: t.source_cols.clone(),
                rows: Vec::new(),
                key: t.key.clone(),
                shareable: t.shareable.clone(),
                institution: t.institution.clone(),
                vague_dates: crate::vague::VagueDates::default(),
                source: t.source.as_ref().map(|s| Box::new(s.empty_like())),
            },
            field_of_col: self.field_of_col.clone(),
            time_companions: self.time_companions.clone(),
            digests: Vec::new(),
            yes_no: self.yes_no.clone(),
            bare_days: self.bare_days.clone(),
            values: Vec::new(),
            scratch: String::new(),
            header_raw: self.header_raw.clone(),
            merge_values: self.merge_values.clone(),
            title_year: self.title_year,
            id_type: self.id_type,
        }
    }

    /// Appends a fork's records after these.
    pub(super) fn append(&mut self, part: Mapped) {
        for (mine, theirs) in self.table.columns.iter_mut().zip(part.table.columns) {
            if let (Some(mine), Some(theirs)) = (mine, theirs) {
                mine.append(theirs);
            }
        }
        let offset = u32::try_from(self.table.rows.len()).unwrap_or(u32::MAX);
        self.table
            .vague_dates
            .append(part.table.vague_dates, offset);
        self.table.rows.extend(part.table.rows);
        if let (Some(mine), Some(theirs)) = (self.table.source.as_mut(), part.table.source) {
            mine.append(*theirs);
        }
        self.digests.extend(part.digests);
    }

    /// Starts keeping the cells outside the fields, for a copy of the sheet: the rows down to
    /// the header (`before`), and how each column is masked, by the field that reads it, else
    /// by its header's words.
    pub(super) fn keep_source(
        &mut self,
        spec: &DatasetSpec,
        header: &[HeaderCell],
        before: &[RawRow<'_>],
    ) {
        let width = header.iter().map(|c| c.col + 1).max().unwrap_or(0) as usize;
        let mut masks = vec![Mask::Numbers; width.max(self.field_of_col.len())];
        for cell in header {
            masks[cell.col as usize] = Mask::of_header(&cell.text);
        }
        for (col, field) in self.field_of_col.iter().enumerate() {
            if let Some(f) = field {
                masks[col] = Mask::of_field(spec.fields[*f].kind);
            }
        }
        let mut source = SourceCells::new(masks);
        for row in before {
            source.keep_row(row);
        }
        self.table.source = Some(Box::new(source));
    }

    /// Keeps what the table does not hold of `row`, when cells are kept: the cells of a
    /// record (the table had `records` before it) that no field typed, or a whole row that
    /// is not a record.
    pub(super) fn keep_source_row(&mut self, row: &RawRow<'_>, records: usize) {
        let Some(source) = self.table.source.as_deref_mut() else {
            return;
        };
        if self.table.rows.len() > records {
            let (fields, columns) = (&self.field_of_col, &self.table.columns);
            source.keep_record(row, |col| {
                fields
                    .get(col as usize)
                    .copied()
                    .flatten()
                    .and_then(|f| columns[f].as_ref())
                    .is_some_and(|c| !c.is_missing(records))
            });
        } else {
            source.keep_row(row);
        }
    }
}
