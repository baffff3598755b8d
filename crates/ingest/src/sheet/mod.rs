//! One sheet, from raw rows to a typed table: find the header among the first rows, map columns
//! to fields, then type every data row, turning each bad cell into a data-quality finding.

use std::collections::HashMap;

use auditor_model::{CellRef, Dataset, Finding};

use crate::column::Column;
use crate::header::{self, HeaderCell, HeaderMatch};
use crate::header_mask::mask_header_cells;
use crate::id_document;
use crate::own_names::OwnNames;
use crate::privacy::IdHasher;
use crate::quality::{self, DqRule, SheetContext};
use crate::row::RawRow;
use crate::spec::{Catalog, FieldType};
pub use crate::table::Table;
use crate::titles::institution_from_titles;
use crate::typing::{Issue, issue_message, store};
use crate::vague::VagueDate;

mod carried;
mod header_columns;
mod layout;
mod mapped;
mod not_records;
mod rows;
mod second_table;

use header_columns::{date_before_time, gestation_units, unmapped_headers};
use mapped::Mapped;
use rows::{fill_merged, is_blank, is_footer, row_digest};

/// How many leading non-empty rows are searched for the header.
pub const HEADER_SCAN_ROWS: usize = 30;
/// Findings of one rule listed one by one per sheet; the rest are counted in one summary.
pub const MAX_FINDINGS_PER_RULE: usize = 1000;

/// A merged region, 0-based and inclusive, as spreadsheets store them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merge {
    pub first_row: u32,
    pub first_col: u32,
    pub last_row: u32,
    pub last_col: u32,
}

/// What ingest tells about one sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetReport {
    pub name: String,
    pub hidden: bool,
    pub dataset: Option<Dataset>,
    pub header_row: Option<u32>,
    pub rows: usize,
    /// For a sheet whose dataset was not recognised: the headers it saw.
    pub headers: Vec<String>,
    /// For a recognised sheet: the header of every column no field took, so the user sees
    /// what was not read (孕妇姓名 when nothing named 姓名 would hide a missing column).
    pub unmapped: Vec<String>,
    /// What the reader decided about the sheet as a whole, (zh, en): a column-number row
    /// skipped, a stand-in column used, a summary sheet not read as a ledger.
    pub notes: Vec<(String, String)>,
}

pub struct SheetReader<'a> {
    catalog: &'a Catalog,
    hasher: &'a IdHasher,
    forced: Option<Dataset>,
    ctx: SheetContext,
    hidden: bool,
    merges: Vec<Merge>,
    scan: Vec<RawRow<'static>>,
    mapped: Option<Mapped>,
    scanning: bool,
    findings: Vec<Finding>,
    counts: HashMap<DqRule, usize>,
    unrecognised: Vec<String>,
    unmapped: Vec<String>,
    notes: Vec<(String, String)>,
    expected_rows: usize,
    /// Keep the cells outside the fields for a copy of the sheet (`Ingest::keep_source`).
    pub(crate) keep_source: bool,
}

impl<'a> SheetReader<'a> {
    pub fn new(
        catalog: &'a Catalog,
        hasher: &'a IdHasher,
        forced: Option<Dataset>,
        ctx: SheetContext,
        hidden: bool,
        merges: Vec<Merge>,
    ) -> Self {
        Self {
            catalog,
            hasher,
            forced,
            ctx,
            hidden,
            merges,
            scan: Vec::new(),
            mapped: None,
            scanning: true,
            findings: Vec::new(),
            counts: HashMap::new(),
            unrecognised: Vec::new(),
            unmapped: Vec::new(),
            notes: Vec::new(),
            expected_rows: 0,
            keep_source: false,
        }
    }

    /// How many rows the sheet probably has, so columns are sized once rather than grown by
    /// doubling (which would leave up to half of a large table's memory unused).
    pub fn expect_rows(&mut self, rows: usize) {
        self.expected_rows = rows;
    }

    /// Feeds the next row (rows arrive in order; empty rows may be skipped by the source).
    pub fn push_row(&mut self, row: &RawRow<'_>) {
        if row.is_empty() {
            return;
        }
        if self.scanning {
            self.scan.push(row.to_owned_row());
            if self.scan.len() >= HEADER_SCAN_ROWS {
                self.detect();
            }
            return;
        }
        self.data_row(row);
    }

    /// Whether the header is still being looked for among the first rows.
    pub(crate) fn is_scanning(&self) -> bool {
        self.scanning
    }

    /// A reader for a later stretch of the same sheet, typed on another thread: the header
    /// found here, no records and no findings yet. [`SheetReader::absorb`] takes it back.
    pub(crate) fn fork(&self) -> Self {
        Self {
            catalog: self.catalog,
            hasher: self.hasher,
            forced: self.forced,
            ctx: self.ctx.clone(),
            hidden: self.hidden,
            merges: self.merges.clone(),
            scan: Vec::new(),
            mapped: self.mapped.as_ref().map(Mapped::empty_like),
            scanning: false,
            findings: Vec::new(),
            counts: HashMap::new(),
            unrecognised: Vec::new(),
            unmapped: Vec::new(),
            notes: Vec::new(),
            expected_rows: 0,
            keep_source: self.keep_source,
        }
    }

    /// Appends the records and findings of `part`, a fork that read the rows right after
    /// this reader's, exactly as if this reader had read them itself: the findings listed
    /// one by one stay the first of each rule in row order.
    pub(crate) fn absorb(&mut self, part: Self) {
        if let (Some(m), Some(p)) = (self.mapped.as_mut(), part.mapped) {
            m.append(p);
        }
        let mut room: Vec<(&'static str, usize)> = DqRule::ALL
            .iter()
            .map(|r| {
                let seen = self.counts.get(r).copied().unwrap_or(0);
                (r.id(), MAX_FINDINGS_PER_RULE.saturating_sub(seen))
            })
            .collect();
        for f in part.findings {
            if let Some((_, left)) = room.iter_mut().find(|(id, _)| *id == f.rule)
                && *left > 0
            {
                *left -= 1;
                self.findings.push(f);
            }
        }
        for (rule, n) in part.counts {
            *self.counts.entry(rule).or_insert(0) += n;
        }
    }

    pub fn finish(mut self) -> (SheetReport, Option<Table>, Vec<Finding>) {
        if self.scanning {
            self.detect();
        }
        if let Some(m) = self.mapped.take() {
            self.duplicate_rows(&m);
            if m.table.is_empty() {
                let row = m.header_row;
                self.emit(
                    DqRule::NoRecords,
                    Some(row),
                    Vec::new(),
                    format!("第 {row} 行是表头，其下没有任何记录，本表无可检查的内容"),
                    format!("the header is in row {row} but no record follows it: nothing in this sheet could be checked"),
                    "no-records",
                );
            }
            self.mapped = Some(m);
        }
        for (rule, n) in &self.counts {
            if *n > MAX_FINDINGS_PER_RULE {
                let more = n - MAX_FINDINGS_PER_RULE;
                let mut f = self.ctx.finding(
                    *rule,
                    None,
                    Vec::new(),
                    format!("另有 {more} 处同类问题未逐一列出"),
                    format!("{more} more findings of this kind are not listed one by one"),
                    "summary",
                );
                f.unlisted = u32::try_from(more).unwrap_or(u32::MAX);
                self.findings.push(f);
            }
        }
        let name = self.ctx.sheet.clone().unwrap_or_default();
        if let Some(m) = self.mapped {
            let report = SheetReport {
                name,
                hidden: self.hidden,
                dataset: Some(m.table.dataset),
                header_row: Some(m.header_row),
                rows: m.table.len(),
                headers: Vec::new(),
                // A data row taken for the header must not show the person it records.
                unmapped: mask_header_cells(self.catalog, self.unmapped),
                notes: self.notes,
            };
            (report, Some(m.table), self.findings)
        } else {
            let report = SheetReport {
                name,
                hidden: self.hidden,
                dataset: None,
                header_row: None,
                rows: 0,
                headers: mask_header_cells(self.catalog, self.unrecognised),
                unmapped: Vec::new(),
                notes: self.notes,
            };
            (report, None, self.findings)
        }
    }

    fn detect(&mut self) {
        self.scanning = false;
        let scan = std::mem::take(&mut self.scan);
        let rows: Vec<Vec<HeaderCell>> = scan
            .iter()
            .map(|r| {
                r.cells()
                    .iter()
                    .map(|(col, v)| HeaderCell {
                        col: *col,
                        text: r.display(v).trim().to_owned(),
                    })
                    .filter(|c| !c.text.is_empty())
                    .collect()
            })
            .collect();
        let merges: Vec<(usize, u32, u32)> = self
            .merges
            .iter()
            .filter_map(|m| {
                let i = scan.iter().position(|r| r.number == m.first_row + 1)?;
                Some((i, m.first_col, m.last_col))
            })
            .collect();
        let forced = self.forced.and_then(|d| self.catalog.spec_index(d));
        let sheet_name = self.ctx.sheet.clone().unwrap_or_default();
        let Some(found) = header::detect(self.catalog, &rows, &merges, forced, &sheet_name) else {
            // The first of the fullest rows is the likeliest header: show what it said.
            self.unrecognised = rows
                .iter()
                .enumerate()
                .max_by_key(|(i, r)| (r.len(), std::cmp::Reverse(*i)))
                .map(|(_, r)| r)
                .map(|r| r.iter().map(|c| c.text.clone()).collect())
                .unwrap_or_default();
            return;
        };
        let sheet_label = if sheet_name.is_empty() {
            String::new()
        } else {
            format!("“{sheet_name}”")
        };
        if self.forced.is_none()
            && layout::is_summary(&rows[found.last_row], &rows[found.last_row + 1..])
        {
            self.unrecognised = rows[found.last_row]
                .iter()
                .map(|c| c.text.clone())
                .collect();
            self.notes.push((
                format!("工作表{sheet_label}的各列是人次、例数、合计等统计数，不是逐条登记的台账，未作为台账检查"),
                format!("sheet {sheet_label} holds counts (人次, 例数, 合计…), not one record per row: it is not a ledger and was not checked"),
            ));
            return;
        }
        let mut found = found;
        let second =
            second_table::notes(self.catalog, &mut found, &rows, &scan, &merges, &sheet_name);
        self.notes.extend(second);
        date_before_time(&mut found, &scan);
        let spec = &self.catalog.datasets[found.dataset];
        self.unmapped = unmapped_headers(&found, &rows);
        for &(col, field) in &found.stand_ins {
            let header = rows[found.last_row]
                .iter()
                .find(|c| c.col == col)
                .map_or("", |c| c.text.as_str());
            let f = &spec.fields[field];
            self.notes.push((
                format!("表中没有「{}」列，以「{header}」列代替（该日期通常晚于{}，据此判断的时限只会偏宽）", f.zh, f.zh),
                format!("no column names the {} ({}); the \"{header}\" column stands in for it (that date is usually later, so deadlines judged from it are never too strict)", f.en, f.name),
            ));
        }
        self.ctx.dataset = Some(spec.dataset);
        self.ctx.institution = institution_from_titles(&rows[..found.last_row]);
        let header_row = scan[found.last_row].number;
        let mut mapped = self.start_table(found, header_row);
        let title: String = std::iter::once(sheet_name.as_str())
            .chain(
                rows[..mapped.header.last_row]
                    .iter()
                    .flatten()
                    .map(|c| c.text.as_str()),
            )
            .collect();
        mapped.title_year = crate::value::year_in_title(&title);
        mapped.header_raw = mapped
            .header
            .columns
            .iter()
            .filter_map(|(col, _)| {
                let row = &scan[mapped.header.last_row];
                row.get(*col)
                    .map(|v| (*col, row.display(v).trim().to_owned()))
            })
            .collect();
        gestation_units(&mut mapped, &scan);
        self.column_findings(&mut mapped, header_row);
        let mut first_data = mapped.header.last_row + 1;
        if rows
            .get(first_data)
            .is_some_and(|r| layout::is_column_number_row(r))
        {
            let n = scan[first_data].number;
            self.notes.push((
                format!("第 {n} 行是栏目序号（1、2、3… 或 甲、乙、丙…），不是记录，已跳过"),
                format!("row {n} numbers the columns (1, 2, 3… or 甲, 乙, 丙…); it is not a record and was skipped"),
            ));
            first_data += 1;
        }
        if self.keep_source {
            mapped.keep_source(spec, &rows[mapped.header.last_row], &scan[..first_data]);
        }
        self.mapped = Some(mapped);
        for row in &scan[first_data..] {
            self.data_row(row);
        }
    }

    fn start_table(&self, found: HeaderMatch, header_row: u32) -> Mapped {
        let spec = &self.catalog.datasets[found.dataset];
        let mut columns: Vec<Option<Column>> = vec![None; spec.fields.len()];
        let mut source_cols = vec![None; spec.fields.len()];
        let max_col = found.columns.iter().map(|(c, _)| *c).max().unwrap_or(0) as usize;
        let mut field_of_col = vec![None; max_col + 1];
        for &(col, field) in &found.columns {
            columns[field] = Some(Column::for_type(spec.fields[field].kind));
            source_cols[field] = Some(col);
            field_of_col[col as usize] = Some(field);
        }
        let time_companions = found
            .duplicate_columns
            .iter()
            .filter(|(_, f, _)| spec.fields[*f].kind == FieldType::Datetime)
            .map(|(col, f, _)| (*f, *col))
            .collect();
        let id_type = spec
            .fields
            .iter()
            .position(|f| f.name == "id_type")
            .filter(|f| source_cols[*f].is_some());
        let expected = self.expected_rows.saturating_sub(header_row as usize);
        for column in columns.iter_mut().flatten() {
            column.reserve(expected);
        }
        Mapped {
            spec: found.dataset,
            table: Table {
                dataset: spec.dataset,
                file: self.ctx.file.clone(),
                sheet: self.ctx.sheet.clone(),
                fields: spec.fields.iter().map(|f| f.name.clone()).collect(),
                labels: spec
                    .fields
                    .iter()
                    .map(|f| (f.zh.clone(), f.en.clone()))
                    .collect(),
                key: spec.key.clone(),
                shareable: spec
                    .fields
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| {
                        !matches!(
                            f.kind,
                            FieldType::PersonId
                                | FieldType::Name
                                | FieldType::Phone
                                | FieldType::Address
                        )
                    })
                    .map(|(i, _)| i)
                    .collect(),
                institution: self.ctx.institution.clone(),
                vague_dates: crate::vague::VagueDates::default(),
                source: None,
                columns,
                source_cols,
                rows: Vec::with_capacity(expected),
            },
            header: found,
            header_row,
            field_of_col,
            time_companions,
            digests: Vec::with_capacity(expected),
            header_raw: Vec::new(),
            values: Vec::new(),
            scratch: String::new(),
            yes_no: spec
                .fields
                .iter()
                .map(|f| f.kind == FieldType::Bool)
                .collect(),
            bare_days: spec
                .fields
                .iter()
                .map(|f| f.name.ends_with("days"))
                .collect(),
            merge_values: HashMap::new(),
            title_year: None,
            id_type,
        }
    }

    /// Findings about the header itself: a field named by two columns, a required field absent.
    fn column_findings(&mut self, m: &mut Mapped, header_row: u32) {
        let spec = &self.catalog.datasets[m.spec];
        let mut out = Vec::new();
        for &(col, field, first) in &m.header.duplicate_columns {
            if m.time_companions.iter().any(|(_, c)| *c == col) {
                continue;
            }
            let f = &spec.fields[field];
            let (cell, first_cell) = (
                CellRef::new(col, header_row),
                CellRef::new(first, header_row),
            );
            out.push((
                DqRule::ColumnDuplicate,
                Some(header_row),
                vec![cell, first_cell],
                format!("表头 {cell} 与 {first_cell} 都是「{}」，只读取 {first_cell} 列", f.zh),
                format!("header {cell} names {} ({}) again, as {first_cell} does; only {first_cell} is read", f.en, f.name),
                format!("{}:{}", f.name, CellRef::column_letters(col)),
            ));
        }
        for (i, f) in spec.fields.iter().enumerate() {
            if f.required && m.table.columns[i].is_none() {
                out.push((
                    DqRule::ColumnMissing,
                    Some(header_row),
                    Vec::new(),
                    format!("第 {header_row} 行表头缺少必需的「{}」列", f.zh),
                    format!("the header in row {header_row} has no column for the required field {} ({})", f.en, f.name),
                    f.name.clone(),
                ));
            }
        }
        for (rule, row, cells, zh, en, key) in out {
            self.emit(rule, row, cells, zh, en, &key);
        }
    }

    fn emit(
        &mut self,
        rule: DqRule,
        row: Option<u32>,
        cells: Vec<CellRef>,
        zh: String,
        en: String,
        key: &str,
    ) {
        let n = self.counts.entry(rule).or_insert(0);
        *n += 1;
        if *n <= MAX_FINDINGS_PER_RULE {
            let f = self.ctx.finding(rule, row, cells, zh, en, key);
            self.findings.push(f);
        }
    }

    fn data_row(&mut self, row: &RawRow<'_>) {
        let Some(mut m) = self.mapped.take() else {
            return;
        };
        let filled;
        // Only a merge reaching down into the data fills cells; title merges do not.
        let row = if self
            .merges
            .iter()
            .any(|g| g.last_row > g.first_row && g.last_row >= m.header_row)
        {
            filled = fill_merged(row, &self.merges, &mut m.merge_values, m.header_row);
            &filled
        } else {
            row
        };
        let records = m.table.rows.len();
        if !is_footer(row, m.header.columns.len()) && !self.repeated_header(&m, row) {
            self.record(&mut m, row);
        }
        m.keep_source_row(row, records);
        self.mapped = Some(m);
    }

    fn repeated_header(&mut self, m: &Mapped, row: &RawRow<'_>) -> bool {
        // A header repeated after a page break is the same text, cell for cell; a data row
        // differs in its first mapped cell already.
        if let Some((col, text)) = m.header_raw.first()
            && !row
                .get(*col)
                .is_some_and(|v| v.is_text() && row.text(v) == text)
        {
            return false;
        }
        let same = m
            .header_raw
            .iter()
            .filter(|(col, text)| {
                row.get(*col)
                    .is_some_and(|v| v.is_text() && row.text(v) == text)
            })
            .count();
        if same >= 2 && same * 2 >= m.header_raw.len() {
            let first = m.header_row;
            self.emit(
                DqRule::HeaderRepeated,
                Some(row.number),
                vec![CellRef::new(
                    row.cells().first().map_or(0, |c| c.0),
                    row.number,
                )],
                format!("第 {} 行重复了第 {first} 行的表头，已跳过", row.number),
                format!(
                    "row {} repeats the header of row {first}; skipped",
                    row.number
                ),
                &format!("header-repeat:{}", row.number.saturating_sub(first)),
            );
            return true;
        }
        false
    }

    fn record(&mut self, m: &mut Mapped, row: &RawRow<'_>) {
        // Each mapped cell is looked up and tested for a placeholder once per row.
        let mut values = std::mem::take(&mut m.values);
        values.clear();
        values.resize(m.table.columns.len(), None);
        for (i, (col, v)) in row.cells().iter().enumerate() {
            // 无 is "nothing" in most columns but "no" in a yes/no one (身份证查验：无).
            if let Some(Some(field)) = m.field_of_col.get(*col as usize)
                && m.table.source_cols[*field] == Some(*col)
                && (!is_blank(row, v) || (m.yes_no[*field] && matches!(row.text(v), "无" | "没有")))
            {
                values[*field] = Some(i);
            }
        }
        if values.iter().all(Option::is_none) {
            m.values = values;
            return;
        }
        let spec = &self.catalog.datasets[m.spec];
        let mut issues: Vec<Issue> = Vec::new();
        // A balance brought forward (上月结存, 承前页) is not a record lacking its entries.
        let mut carried: Option<bool> = None;
        let other_document = m
            .id_type
            .and_then(|f| values[f])
            .is_some_and(|i| id_document::names_other_document(&row.display(&row.cells()[i].1)));
        let own_names = OwnNames::of_record(spec, &values, row);
        for (field, column) in m.table.columns.iter_mut().enumerate() {
            let Some(column) = column else { continue };
            let col = m.table.source_cols[field].unwrap_or(0);
            let value = values[field].map(|i| &row.cells()[i].1);
            let companion = m
                .time_companions
                .iter()
                .find(|(f, _)| *f == field)
                .and_then(|(_, c)| row.get(*c).map(|v| (*c, v)));
            match value {
                None => {
                    column.push_missing();
                    if spec.fields[field].required
                        && !*carried.get_or_insert_with(|| carried::carries_balance(row))
                    {
                        issues.push(Issue {
                            rule: DqRule::RequiredMissing,
                            field,
                            col,
                            shown: String::new(),
                            reason: None,
                            kept: false,
                        });
                    }
                }
                Some(v) if other_document && matches!(column, Column::Person(_)) => {
                    match id_document::document_person(&row.display(v), self.hasher) {
                        Some(person) => {
                            if let Column::Person(p) = column {
                                p.push(Some(person));
                            }
                        }
                        None => column.push_missing(),
                    }
                }
                Some(v) => {
                    if let Err(issue) = store(
                        column,
                        spec,
                        field,
                        col,
                        row,
                        v,
                        companion,
                        m.bare_days[field],
                        m.title_year,
                        self.hasher,
                        &mut m.scratch,
                        &own_names,
                    ) {
                        if !issue.kept {
                            column.push_missing();
                        }
                        // A year or a month is no day, but a deadline rule can still use the
                        // latest day it can mean.
                        if issue.rule == DqRule::DateInvalid {
                            let record = u32::try_from(m.table.rows.len()).unwrap_or(u32::MAX);
                            if let Some(date) = VagueDate::parse(&issue.shown) {
                                m.table.vague_dates.push(field, record, date);
                            } else if crate::vague::says_done(&issue.shown) {
                                // 已备案 where the filing day was due: done, day unknown.
                                m.table.vague_dates.push_done(field, record);
                            }
                        }
                        issues.push(issue);
                    }
                }
            }
        }
        m.values = values;
        // Only a record with findings needs its key and digest: most have none.
        let key = (!issues.is_empty()).then(|| m.table.business_key(m.table.rows.len()));
        let record = key
            .as_ref()
            .map(|k| quality::record_key(m.table.dataset, &m.table.institution, k));
        let key = key.unwrap_or_default();
        for issue in issues {
            let f = &spec.fields[issue.field];
            let cell = CellRef::new(issue.col, row.number);
            let (zh, en) = issue_message(&issue, f, cell);
            self.emit(
                issue.rule,
                Some(row.number),
                vec![cell],
                zh,
                en,
                &format!("{key}|{}", f.name),
            );
            if let Some(found) = self.findings.last_mut() {
                found.record_key.clone_from(&record);
            }
        }
        m.digests.push(row_digest(row, &m.field_of_col));
        m.table.rows.push(row.number);
    }
}
