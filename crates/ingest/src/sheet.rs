//! One sheet, from raw rows to a typed table: find the header among the first rows, map columns
//! to fields, then type every data row, turning each bad cell into a data-quality finding.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};

use auditor_model::ident::{approval_no, mask, resident_id, trace_code, uscc};
use auditor_model::{CellRef, Dataset, Finding};
use chrono::NaiveTime;

use crate::column::{Column, PersonKey, days_from_date, secs_from_datetime};
use crate::header::{self, HeaderCell, HeaderMatch};
use crate::privacy::IdHasher;
use crate::quality::{DqRule, SheetContext};
use crate::row::{RawRow, RawValue};
use crate::spec::{Catalog, DatasetSpec, FieldType};
use crate::value::{
    from_excel_serial, is_placeholder_trimmed, parse_bool, parse_datetime_text, parse_gestation,
    parse_names, parse_quantity, parse_sex, parse_time_text, plausible_serial,
};

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
    expected_rows: usize,
}

struct Mapped {
    spec: usize,
    header: HeaderMatch,
    header_row: u32,
    table: Table,
    /// Per sheet column (index), the field it maps to.
    field_of_col: Vec<Option<usize>>,
    /// A second column holding the time of a date-time field (检查日期 + 检查时间).
    time_companions: Vec<(usize, u32)>,
    /// Per record, a digest of its cells; rows entered twice are found by sorting these once
    /// the sheet is read (8 bytes a row, where a hash map would take over twice that).
    digests: Vec<u64>,
    /// Per field, this row's value (reused between rows to avoid an allocation per row).
    values: Vec<Option<usize>>,
    /// The header row's text per mapped column, as written.
    header_raw: Vec<(u32, String)>,
    /// Values of merged cells in data rows, to fill the cells the merge covers.
    merge_values: HashMap<(u32, u32), String>,
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
            expected_rows: 0,
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

    pub fn finish(mut self) -> (SheetReport, Option<Table>, Vec<Finding>) {
        if self.scanning {
            self.detect();
        }
        if let Some(m) = self.mapped.take() {
            self.duplicate_rows(&m);
            self.mapped = Some(m);
        }
        for (rule, n) in &self.counts {
            if *n > MAX_FINDINGS_PER_RULE {
                let more = n - MAX_FINDINGS_PER_RULE;
                let f = self.ctx.finding(
                    *rule,
                    None,
                    Vec::new(),
                    format!("另有 {more} 处同类问题未逐一列出"),
                    format!("{more} more findings of this kind are not listed one by one"),
                    "summary",
                );
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
            };
            (report, Some(m.table), self.findings)
        } else {
            let report = SheetReport {
                name,
                hidden: self.hidden,
                dataset: None,
                header_row: None,
                rows: 0,
                headers: self.unrecognised,
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
        let spec = &self.catalog.datasets[found.dataset];
        self.ctx.dataset = Some(spec.dataset);
        self.ctx.institution = institution_from_titles(&rows[..found.last_row]);
        let header_row = scan[found.last_row].number;
        let mut mapped = self.start_table(found, header_row);
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
        self.column_findings(&mut mapped, header_row);
        self.mapped = Some(mapped);
        for row in &scan[self.mapped.as_ref().map_or(0, |m| m.header.last_row + 1)..] {
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
            merge_values: HashMap::new(),
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
        if !is_footer(row) && !self.repeated_header(&m, row) {
            self.record(&mut m, row);
        }
        self.mapped = Some(m);
    }

    /// Records whose mapped cells are exactly those of an earlier record.
    fn duplicate_rows(&mut self, m: &Mapped) {
        let mut order: Vec<u32> = (0..m.digests.len() as u32).collect();
        order.sort_unstable_by_key(|&i| (m.digests[i as usize], i));
        let first_col = m
            .table
            .source_cols
            .iter()
            .flatten()
            .min()
            .copied()
            .unwrap_or(0);
        let mut dups = Vec::new();
        for group in order.chunk_by(|a, b| m.digests[*a as usize] == m.digests[*b as usize]) {
            let first = m.table.rows[group[0] as usize];
            for &i in &group[1..] {
                dups.push((i as usize, first));
            }
        }
        dups.sort_unstable();
        for (i, first) in dups {
            let row = m.table.rows[i];
            let key = m.table.business_key(i);
            self.emit(
                DqRule::DuplicateRow,
                Some(row),
                vec![CellRef::new(first_col, row)],
                format!("第 {row} 行与第 {first} 行内容完全相同（疑似重复录入）"),
                format!("row {row} has exactly the same content as row {first} (entered twice?)"),
                &format!("{key}|duplicate"),
            );
        }
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
            if let Some(Some(field)) = m.field_of_col.get(*col as usize)
                && m.table.source_cols[*field] == Some(*col)
                && !is_blank(row, v)
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
                    if spec.fields[field].required {
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
                Some(v) => {
                    if let Err(issue) =
                        store(column, spec, field, col, row, v, companion, self.hasher)
                    {
                        if !issue.kept {
                            column.push_missing();
                        }
                        issues.push(issue);
                    }
                }
            }
        }
        m.values = values;
        let key = if issues.is_empty() {
            String::new()
        } else {
            m.table.business_key(m.table.rows.len())
        };
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
        }
        m.digests.push(row_digest(row, &m.field_of_col));
        m.table.rows.push(row.number);
    }
}

struct Issue {
    rule: DqRule,
    field: usize,
    col: u32,
    /// The offending value as it may be shown (masked for personal data).
    shown: String,
    reason: Option<(String, String)>,
    /// The value was stored anyway (organisation codes): the cell must not also be blanked.
    kept: bool,
}

fn issue_message(issue: &Issue, f: &crate::spec::FieldSpec, cell: CellRef) -> (String, String) {
    let v = &issue.shown;
    let (what_zh, what_en) = match issue.rule {
        DqRule::RequiredMissing => {
            return (
                format!("{cell}「{}」为空，该项必填", f.zh),
                format!("{cell} {} ({}) is empty but required", f.en, f.name),
            );
        }
        DqRule::DateInvalid => ("不是有效日期", "is not a valid date"),
        DqRule::TimeInvalid => ("不是有效时间", "is not a valid time"),
        DqRule::NumberInvalid => ("不是有效数值", "is not a valid number"),
        DqRule::FlagInvalid => ("应为“是/否”", "is not a yes/no value"),
        DqRule::SexInvalid => ("应为“男/女”", "is not 男/女 (male/female)"),
        DqRule::GestationInvalid => ("不是有效孕周", "is not a valid gestational age"),
        DqRule::PersonIdInvalid => (
            "不是有效的居民身份证号",
            "is not a valid resident ID number",
        ),
        DqRule::UsccInvalid => (
            "不是有效的统一社会信用代码",
            "is not a valid unified social credit code",
        ),
        DqRule::ApprovalNoInvalid => (
            "不是有效的药品批准文号",
            "is not a valid drug approval number",
        ),
        DqRule::TraceCodeInvalid => (
            "不是有效的药品追溯码",
            "is not a valid drug traceability code",
        ),
        _ => ("有误", "is invalid"),
    };
    let (rz, re) = issue
        .reason
        .clone()
        .map_or((String::new(), String::new()), |(z, e)| {
            (format!("：{z}"), format!(": {e}"))
        });
    (
        format!("{cell}「{}」的值“{v}”{what_zh}{rz}", f.zh),
        format!("{cell} {} ({}) \"{v}\" {what_en}{re}", f.en, f.name),
    )
}

fn is_blank(row: &RawRow<'_>, v: &RawValue<'_>) -> bool {
    match v {
        // Row text is stored trimmed.
        RawValue::Text { .. } | RawValue::Shared(_) => is_placeholder_trimmed(row.text(v)),
        _ => false,
    }
}

/// Rows below the data that total or sign the ledger: 合计, 制表人：…, 审核：….
fn is_footer(row: &RawRow<'_>) -> bool {
    const WORDS: [&str; 12] = [
        "合计",
        "总计",
        "小计",
        "累计",
        "制表",
        "填表",
        "审核人",
        "负责人",
        "备注：",
        "说明：",
        "注：",
        "本页",
    ];
    let Some((_, first)) = row.cells().first() else {
        return false;
    };
    if !first.is_text() {
        return false;
    }
    let text = row.text(first).trim_start();
    // Most rows start with a date or a number: rule them out before building anything.
    if !text.starts_with([
        '合', '总', '小', '累', '制', '填', '审', '负', '备', '说', '注', '本',
    ]) {
        return false;
    }
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    WORDS.iter().any(|w| text.starts_with(w))
}

/// 填报单位：XX医院 in a title row, or 填报单位 with the name in the next cell.
fn institution_from_titles(rows: &[Vec<HeaderCell>]) -> String {
    const LABELS: [&str; 5] = [
        "填报单位",
        "单位名称",
        "医疗机构名称",
        "机构名称",
        "填表单位",
    ];
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            let text: String = cell.text.chars().filter(|c| !c.is_whitespace()).collect();
            for label in LABELS {
                if let Some(pos) = text.find(label) {
                    let rest = text[pos + label.len()..].trim_start_matches([':', '：']);
                    let value = cut_at_next_label(rest);
                    if !value.is_empty() {
                        return value.to_owned();
                    }
                    if let Some(next) = row.get(i + 1) {
                        return next.text.trim().to_owned();
                    }
                }
            }
        }
    }
    String::new()
}

/// "XX医院填报日期：2024年3月" -> "XX医院": a title row often carries several labels.
fn cut_at_next_label(s: &str) -> &str {
    [
        "填报日期",
        "填报时间",
        "日期",
        "时间",
        "统计时间",
        "报送日期",
        "年度",
    ]
    .iter()
    .filter_map(|l| s.find(l))
    .min()
    .map_or(s, |i| &s[..i])
}

/// Fills cells covered by a merged region with the merged value, as a reader of the sheet sees
/// it: a date merged over five rows applies to all five.
fn fill_merged<'a>(
    row: &RawRow<'a>,
    merges: &[Merge],
    values: &mut HashMap<(u32, u32), String>,
    header_row: u32,
) -> RawRow<'a> {
    let r0 = row.number - 1;
    let mut out = row.clone();
    let mut changed = false;
    for m in merges {
        if m.first_row < header_row || r0 < m.first_row || r0 > m.last_row {
            continue;
        }
        if r0 == m.first_row {
            if let Some(v) = row.get(m.first_col) {
                values.insert((m.first_row, m.first_col), row.display(v).into_owned());
            }
            continue;
        }
        if let Some(text) = values.get(&(m.first_row, m.first_col))
            && row.get(m.first_col).is_none()
        {
            out.push_text(m.first_col, text);
            changed = true;
        }
    }
    if changed {
        out.sort();
    }
    out
}

/// A 64-bit digest of the row's mapped cells, to spot a row entered twice. Hashes the raw
/// values, never their rendering; a fixed seed keeps runs reproducible.
fn row_digest(row: &RawRow<'_>, field_of_col: &[Option<usize>]) -> u64 {
    let mut h = foldhash::fast::FixedState::with_seed(0x5eed).build_hasher();
    for (col, v) in row.cells() {
        if field_of_col.get(*col as usize).is_some_and(Option::is_some) {
            col.hash(&mut h);
            match *v {
                RawValue::Text { .. } | RawValue::Shared(_) => row.text(v).hash(&mut h),
                RawValue::Int(i) => i.hash(&mut h),
                RawValue::Float(f) | RawValue::DateTime(f) => f.to_bits().hash(&mut h),
                RawValue::Bool(b) => b.hash(&mut h),
                RawValue::Error => 0u8.hash(&mut h),
            }
        }
    }
    h.finish()
}

#[expect(
    clippy::too_many_arguments,
    reason = "one call site; the arguments are the cell's context"
)]
fn store(
    column: &mut Column,
    spec: &DatasetSpec,
    field: usize,
    col: u32,
    row: &RawRow<'_>,
    v: &RawValue<'_>,
    companion: Option<(u32, &RawValue<'_>)>,
    hasher: &IdHasher,
) -> Result<(), Issue> {
    let f = &spec.fields[field];
    // Numbers and dates need their text only to be quoted in a finding; rendering it for every
    // cell would cost an allocation per cell on million-row ledgers.
    let text = if v.is_text() || matches!(column, Column::Text(_) | Column::Person(_)) {
        row.display(v)
    } else {
        std::borrow::Cow::Borrowed("")
    };
    let text: &str = &text; // row text is stored trimmed
    let shown = || row.display(v).trim().to_owned();
    let fail = |rule: DqRule, shown: String, reason: Option<(String, String)>| Issue {
        rule,
        field,
        col,
        shown,
        reason,
        kept: false,
    };
    match (column, f.kind) {
        (Column::Text(t), FieldType::Names | FieldType::TraceCodes) => {
            // Most cells hold one name or one code: no list to build.
            if !text.contains(['、', ',', '，', ';', '；', '/', '|', '\n', ' ', '\t']) {
                t.push(text);
                if f.kind == FieldType::TraceCodes
                    && let Err(e) = trace_code::validate_trace_code(text)
                {
                    return keep_value(fail(
                        DqRule::TraceCodeInvalid,
                        text.to_owned(),
                        Some((e.zh(), e.en())),
                    ));
                }
                return Ok(());
            }
            let parts = parse_names(text);
            if f.kind == FieldType::Names {
                t.push(&parts.join("、"));
                return Ok(());
            }
            t.push(&parts.join(","));
            // The list is kept whole; the finding names the first code that is not valid.
            for p in &parts {
                if let Err(e) = trace_code::validate_trace_code(p) {
                    return keep_value(fail(
                        DqRule::TraceCodeInvalid,
                        p.clone(),
                        Some((e.zh(), e.en())),
                    ));
                }
            }
            Ok(())
        }
        (Column::Text(t), FieldType::Uscc | FieldType::ApprovalNo | FieldType::TraceCode) => {
            let checked = match f.kind {
                FieldType::Uscc => uscc::validate_uscc(text).map_err(|e| (DqRule::UsccInvalid, e)),
                FieldType::ApprovalNo => approval_no::validate_approval_no(text)
                    .map_err(|e| (DqRule::ApprovalNoInvalid, e)),
                _ => {
                    trace_code::validate_trace_code(text).map_err(|e| (DqRule::TraceCodeInvalid, e))
                }
            };
            match checked {
                Ok(normal) => {
                    t.push(&normal);
                    Ok(())
                }
                Err((rule, e)) => {
                    // Organisation codes are not personal data: keep what was written so rules
                    // can still match it, and report it.
                    t.push(text);
                    keep_value(fail(rule, text.to_owned(), Some((e.zh(), e.en()))))
                }
            }
        }
        // Privacy at the door: names and phones are kept only masked (rules need to know that a
        // name is there, never what it is; people are linked by id_hash), and an address only
        // down to its county.
        (Column::Text(t), FieldType::Name) => {
            t.push(&mask::mask_name(text));
            Ok(())
        }
        (Column::Text(t), FieldType::Phone) => {
            t.push(&phone_for_storage(text));
            Ok(())
        }
        (Column::Text(t), FieldType::Address) => {
            t.push(county_of(text));
            Ok(())
        }
        (Column::Text(t), _) => {
            t.push(text);
            Ok(())
        }
        (Column::Date(d), _) => match to_datetime(v, text) {
            Some((date, _)) => {
                d.push(days_from_date(date));
                Ok(())
            }
            None => Err(fail(DqRule::DateInvalid, shown(), None)),
        },
        (Column::DateTime(d), _) => match to_datetime(v, text) {
            Some((date, time)) => {
                let time = time
                    .or_else(|| companion.and_then(|(_, cv)| to_time(cv, &row.display(cv))))
                    .unwrap_or(NaiveTime::MIN);
                d.push(secs_from_datetime(date.and_time(time)));
                Ok(())
            }
            None => Err(fail(DqRule::DateInvalid, shown(), None)),
        },
        (Column::Time(t), _) => match to_time(v, text) {
            Some(time) => {
                t.push(chrono::Timelike::num_seconds_from_midnight(&time) as i32);
                Ok(())
            }
            None => Err(fail(DqRule::TimeInvalid, shown(), None)),
        },
        (Column::Number(n), FieldType::Gestation) => {
            let bare_is_days = f.name.ends_with("days");
            let parsed = match *v {
                RawValue::Int(i) => Some(if bare_is_days {
                    i as f64
                } else {
                    i as f64 * 7.0
                }),
                RawValue::Float(x) => Some(if bare_is_days { x } else { x * 7.0 }),
                _ => parse_gestation(text, bare_is_days),
            };
            match parsed {
                Some(days) => {
                    n.push(days);
                    Ok(())
                }
                None => Err(fail(DqRule::GestationInvalid, shown(), None)),
            }
        }
        (Column::Number(n), _) => {
            let parsed = match *v {
                RawValue::Int(i) => Some(i as f64),
                RawValue::Float(x) => Some(x),
                _ => parse_quantity(text).map(|(x, _)| x),
            };
            match parsed.filter(|x| f.kind != FieldType::Integer || x.fract() == 0.0) {
                Some(x) => {
                    n.push(x);
                    Ok(())
                }
                None => Err(fail(DqRule::NumberInvalid, shown(), None)),
            }
        }
        (Column::Quantity(n, units), _) => {
            let parsed = match *v {
                RawValue::Int(i) => Some((i as f64, String::new())),
                RawValue::Float(x) => Some((x, String::new())),
                _ => parse_quantity(text),
            };
            match parsed {
                Some((x, unit)) => {
                    n.push(x);
                    units.push(&unit);
                    Ok(())
                }
                None => Err(fail(DqRule::NumberInvalid, shown(), None)),
            }
        }
        (Column::Flag(b), FieldType::Sex) => {
            let parsed = match *v {
                RawValue::Int(1) => Some(true),
                RawValue::Int(2) => Some(false),
                _ => parse_sex(text),
            };
            match parsed {
                Some(male) => {
                    b.push(u8::from(male));
                    Ok(())
                }
                None => Err(fail(DqRule::SexInvalid, shown(), None)),
            }
        }
        (Column::Flag(b), _) => {
            let parsed = match *v {
                RawValue::Bool(x) => Some(x),
                RawValue::Int(1) => Some(true),
                RawValue::Int(0) => Some(false),
                _ => parse_bool(text),
            };
            match parsed {
                Some(x) => {
                    b.push(u8::from(x));
                    Ok(())
                }
                None => Err(fail(DqRule::FlagInvalid, shown(), None)),
            }
        }
        (Column::Person(p), _) => match resident_id::parse_resident_id(text) {
            Ok(id) => {
                use chrono::Datelike;
                p.push(Some(PersonKey {
                    id_hash: hasher.pseudonym(&id.normalized),
                    sex: id.sex,
                    birth_year: id.birth.year() as u16,
                    region: id.region,
                }));
                Ok(())
            }
            // The raw number never leaves this function: the finding shows it masked.
            Err(e) => Err(fail(
                DqRule::PersonIdInvalid,
                mask::mask_id(&auditor_model::ident::normalize(text)),
                Some((e.zh(), e.en())),
            )),
        },
    }
}

/// A phone kept to its first three and last two characters ("138******34"): enough to tell
/// two numbers apart on screen, and few enough distinct values to store compactly.
fn phone_for_storage(phone: &str) -> String {
    let n = phone.chars().count();
    if n < 7 {
        return "*".repeat(n);
    }
    phone
        .chars()
        .enumerate()
        .map(|(i, c)| if i < 3 || i + 2 >= n { c } else { '*' })
        .collect()
}

/// The address down to its county or district ("山东省泰安市宁阳县文庙街道…" -> "山东省泰安市宁阳县"):
/// enough to route and count, without the house number.
fn county_of(address: &str) -> &str {
    ['县', '区', '旗']
        .iter()
        .filter_map(|c| address.find(*c).map(|i| i + c.len_utf8()))
        .min()
        .or_else(|| address.find('市').map(|i| i + '市'.len_utf8()))
        .map_or("", |end| &address[..end])
}

/// An issue whose value has already been stored: reported, but the cell is not blanked.
fn keep_value(issue: Issue) -> Result<(), Issue> {
    Err(Issue {
        kept: true,
        ..issue
    })
}

fn to_datetime(v: &RawValue, text: &str) -> Option<(chrono::NaiveDate, Option<NaiveTime>)> {
    let split =
        |t: chrono::NaiveDateTime| (t.date(), (t.time() != NaiveTime::MIN).then_some(t.time()));
    match *v {
        RawValue::DateTime(serial) => from_excel_serial(serial).map(split),
        RawValue::Float(x) if plausible_serial(x) => from_excel_serial(x).map(split),
        RawValue::Int(i) if plausible_serial(i as f64) => from_excel_serial(i as f64).map(split),
        RawValue::Int(i) if (19_000_101..=21_001_231).contains(&i) => {
            parse_datetime_text(&i.to_string())
        }
        _ => parse_datetime_text(text),
    }
}

fn to_time(v: &RawValue, text: &str) -> Option<NaiveTime> {
    match *v {
        RawValue::DateTime(serial) | RawValue::Float(serial)
            if (0.0..1.0).contains(&serial.fract()) && serial >= 0.0 =>
        {
            from_excel_serial(serial + 1.0).map(|t| t.time())
        }
        _ => parse_time_text(text).or_else(|| parse_datetime_text(text).and_then(|(_, t)| t)),
    }
}

#[cfg(test)]
mod tests {
    use super::{HeaderCell, county_of, institution_from_titles};

    #[test]
    fn the_institution_comes_from_the_title_rows() {
        let cell = |col: u32, text: &str| HeaderCell {
            col,
            text: text.to_owned(),
        };
        let rows = vec![
            vec![cell(0, "XX县人民医院B超检查登记表")],
            vec![
                cell(0, "填报单位：XX县人民医院"),
                cell(5, "填报日期：2024年3月31日"),
            ],
        ];
        assert_eq!(institution_from_titles(&rows), "XX县人民医院");
        let same_cell = vec![vec![cell(
            0,
            "填报单位： XX医药有限公司   填报日期：2024年3月",
        )]];
        assert_eq!(institution_from_titles(&same_cell), "XX医药有限公司");
        let next_cell = vec![vec![cell(0, "单位名称："), cell(1, "XX诊所")]];
        assert_eq!(institution_from_titles(&next_cell), "XX诊所");
        assert_eq!(
            institution_from_titles(&[vec![cell(0, "B超检查登记表")]]),
            ""
        );
    }

    #[test]
    fn addresses_are_cut_to_the_county() {
        assert_eq!(
            county_of("山东省泰安市宁阳县文庙街道1号"),
            "山东省泰安市宁阳县"
        );
        assert_eq!(county_of("南京市玄武区中山路8号"), "南京市玄武区");
        assert_eq!(county_of("泰安市某某路3号"), "泰安市");
        assert_eq!(county_of("某某村3组"), "");
    }
}
