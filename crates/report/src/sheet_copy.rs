//! One ledger sheet copied into the xlsx report: the sheet's rows in their original cells, each
//! record's values as ingest read them (personal data masked), and the cells a finding names
//! filled and annotated with the rule and its message.
//!
//! The copy is the whole sheet when ingest kept the cells outside the fields
//! (`Ingest::keep_source`, which `auditor check` and the server set for this report): title rows,
//! the header in the clerk's own words, 序号 and other unread columns, footers, and placeholders
//! as written — all masked by ingest as it kept them. Without them, the header shows each
//! field's name and only the mapped columns are copied.
//!
//! Copies are written in Excel's constant-memory mode, row by row, so a million-row ledger is
//! streamed to disk instead of held as cells; hence everything here goes in row order.

use std::collections::BTreeMap;

use auditor_ingest::column::{Column, date_from_days, datetime_from_secs};
use auditor_ingest::source_cells::SourceRow;
use auditor_ingest::spec::FieldType;
use auditor_ingest::{Catalog, Table};
use auditor_model::Finding;
use chrono::{Datelike, Timelike};
use rust_xlsxwriter::{ExcelDateTime, Note, Worksheet, XlsxError};

use super::rule_book::RuleBook;
use super::xlsx::{Formats, write_text};

/// Excel's last row and column (1-based row, 0-based column).
const MAX_ROW: u32 = 1_048_576;
const MAX_COL: u32 = 16_383;

pub struct SheetCopy<'a> {
    pub table: &'a Table,
    pub name: String,
    /// The sheet's header row as the user sees it (1-based).
    pub header_row: Option<u32>,
    /// Per field, its type in the dataset's spec.
    pub kinds: Vec<Option<FieldType>>,
}

impl<'a> SheetCopy<'a> {
    pub fn new(table: &'a Table, name: String, header_row: Option<u32>, catalog: &Catalog) -> Self {
        let spec = catalog.spec(table.dataset);
        let kinds = table
            .fields
            .iter()
            .map(|f| {
                spec.and_then(|s| s.fields.iter().find(|x| &x.name == f))
                    .map(|x| x.kind)
            })
            .collect();
        Self {
            table,
            name,
            header_row,
            kinds,
        }
    }

    /// Whether some records lie past Excel's last row and are left out of the copy.
    pub fn truncated(&self) -> bool {
        self.table.rows.iter().any(|r| *r > MAX_ROW)
    }
}

/// (row, column), 1-based row as in the finding, so the map iterates in row order.
type Marks<'f> = BTreeMap<(u32, u32), Vec<&'f Finding>>;

pub fn write(
    ws: &mut Worksheet,
    copy: &SheetCopy<'_>,
    findings: &[Finding],
    book: &RuleBook,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let t = copy.table;
    ws.set_name(&copy.name)?;
    ws.set_default_note_author("auditor");
    let mut marks: Marks<'_> = BTreeMap::new();
    for f in findings
        .iter()
        .filter(|f| f.file == t.file && f.sheet == t.sheet && f.row.is_some())
    {
        for cell in &f.cells {
            marks.entry((cell.row, cell.col)).or_default().push(f);
        }
    }
    // Fields that have a column in the sheet, left to right.
    let mut placed: Vec<(usize, u32)> = t
        .source_cols
        .iter()
        .enumerate()
        .filter_map(|(f, c)| c.filter(|c| *c <= MAX_COL).map(|c| (f, c)))
        .collect();
    placed.sort_by_key(|(_, c)| *c);
    let source: &[SourceRow] = t.source.as_deref().map_or(&[], |s| &s.rows);
    let mut widened: Vec<u32> = placed.iter().map(|(_, c)| *c).collect();
    widened.extend(source.iter().flat_map(|r| r.cells.iter().map(|(c, _)| *c)));
    widened.sort_unstable();
    widened.dedup();
    for col in widened.into_iter().filter(|c| *c <= MAX_COL) {
        ws.set_column_width(col as u16, 14.0)?;
    }
    let header = copy.header_row.filter(|h| *h <= MAX_ROW);
    // The header as written when ingest kept it, else each field's name.
    let header_as_written = source.iter().any(|r| Some(r.number) == header);

    // Records and kept rows, both in row order, merged.
    let mut order: Vec<usize> = (0..t.rows.len()).collect();
    order.sort_by_key(|i| t.rows[*i]);
    let mut kept = source.iter().peekable();
    let mut header_done = false;
    let mut records = order.into_iter().peekable();
    loop {
        let next_record = records.peek().map(|i| t.rows[*i]);
        let next_kept = kept.peek().map(|r| r.number);
        let row = match (next_record, next_kept, header.filter(|_| !header_done)) {
            (None, None, None) => break,
            (r, k, h) => [r, k, h].into_iter().flatten().min().unwrap_or(u32::MAX),
        };
        if row > MAX_ROW {
            break;
        }
        flush_marks_before(ws, &mut marks, row, book, formats)?;
        let record = (next_record == Some(row)).then(|| records.next()).flatten();
        let cells = kept
            .next_if(|r| r.number == row)
            .map_or(&[][..], |r| &r.cells[..]);
        if Some(row) == header {
            header_done = true;
            if !header_as_written {
                write_field_names(ws, t, &placed, row, &mut marks, book, formats)?;
            }
        }
        let is_header = Some(row) == header && header_as_written;
        // A record's typed values and the cells ingest kept of its row, in column order; a
        // kept cell stands for a field whose value was a placeholder or could not be typed.
        let mut line: Vec<(u32, Option<&str>, usize)> = record
            .map(|_| placed.iter().map(|(f, c)| (*c, None, *f)).collect())
            .unwrap_or_default();
        line.extend(cells.iter().map(|(c, text)| (*c, Some(text.as_str()), 0)));
        line.sort_by_key(|(c, text, _)| (*c, text.is_none()));
        line.dedup_by_key(|(c, _, _)| *c);
        for (col, text, f) in line {
            if col > MAX_COL {
                continue;
            }
            let mark = marks.remove(&(row, col));
            let cell = (row - 1, col as u16);
            match (text, record) {
                (Some(text), _) => {
                    let format = match (&mark, is_header) {
                        (Some(_), _) => formats.text(text, true),
                        (None, true) => Some(&formats.header),
                        (None, false) => formats.text(text, false),
                    };
                    write_text(ws, cell.0, cell.1, text, format)?;
                }
                (None, Some(i)) => {
                    if let Some(column) = t.columns.get(f).and_then(Option::as_ref) {
                        let kind = copy.kinds.get(f).copied().flatten();
                        write_value(ws, cell, column, kind, i, mark.is_some(), formats)?;
                    }
                }
                (None, None) => {}
            }
            if let Some(fs) = mark {
                ws.insert_note(cell.0, cell.1, &note(&fs, book))?;
            }
        }
        flush_marks_before(ws, &mut marks, row + 1, book, formats)?;
        if Some(row) == header {
            ws.set_freeze_panes(row, 0)?;
        }
    }
    flush_marks_before(ws, &mut marks, MAX_ROW + 1, book, formats)?;
    Ok(())
}

/// The header row of a copy made without the sheet's own header: each field's name.
fn write_field_names(
    ws: &mut Worksheet,
    t: &Table,
    placed: &[(usize, u32)],
    header: u32,
    marks: &mut Marks<'_>,
    book: &RuleBook,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let r = header - 1;
    for (f, col) in placed {
        let (zh, en) = t.labels.get(*f).map_or(("", ""), |(z, e)| (z, e));
        let text = format!("{zh}\n{en}");
        match marks.remove(&(header, *col)) {
            Some(fs) => {
                ws.write_string_with_format(r, *col as u16, text, &formats.offending)?;
                ws.insert_note(r, *col as u16, &note(&fs, book))?;
            }
            None => {
                ws.write_string_with_format(r, *col as u16, text, &formats.header)?;
            }
        }
    }
    Ok(())
}

/// A record's value: numbers (and quantities without a unit) as numbers, gestational ages in
/// weeks as ledgers write them, dates as Excel dates (a date alone as yyyy-mm-dd, a time only
/// when the record had one), sex as 男/女, everything else as the text ingest shows (personal
/// data masked), always as a string and never as a formula.
fn write_value(
    ws: &mut Worksheet,
    (row, col): (u32, u16),
    column: &Column,
    kind: Option<FieldType>,
    i: usize,
    marked: bool,
    formats: &Formats,
) -> Result<(), XlsxError> {
    if let Some((when, style)) = datetime(column, i) {
        let format = if marked {
            &formats.offending_date[style]
        } else {
            &formats.date[style]
        };
        ws.write_datetime_with_format(row, col, when, format)?;
        return Ok(());
    }
    // A quantity with its unit ("10盒") stays text, as written; a bare one is a number.
    let number = match column {
        Column::Number(_) => column.number(i),
        Column::Quantity(_, unit) if unit.get(i).is_empty() => column.number(i),
        _ => None,
    };
    let text = match (kind, number, column) {
        (Some(FieldType::Gestation), Some(days), _) => weeks(days),
        (_, Some(n), _) => {
            if marked {
                ws.write_number_with_format(row, col, n, &formats.offending)?;
            } else {
                ws.write_number(row, col, n)?;
            }
            return Ok(());
        }
        // Ingest keeps sex as a flag (1 male); shown as 是/否 it would read as another column.
        (Some(FieldType::Sex), _, Column::Flag(v)) if !column.is_missing(i) => {
            if v.get(i) == Some(&1) { "男" } else { "女" }.to_owned()
        }
        _ => column.display(i),
    };
    if text.is_empty() {
        if marked {
            ws.write_blank(row, col, &formats.offending)?;
        }
        return Ok(());
    }
    write_text(ws, row, col, &text, formats.text(&text, marked))
}

/// Record `i` of a date or date-time column as an Excel date, and which of
/// [`DATE_FORMATS`](super::xlsx::DATE_FORMATS) shows it: a date-time at midnight was written
/// as a date alone (ingest keeps no time it was not given), so it shows no 00:00:00.
fn datetime(column: &Column, i: usize) -> Option<(ExcelDateTime, usize)> {
    if column.is_missing(i) {
        return None;
    }
    let when = match column {
        Column::Date(v) => date_from_days(*v.get(i)?)?.and_hms_opt(0, 0, 0)?,
        Column::DateTime(v) => datetime_from_secs(*v.get(i)?)?,
        _ => return None,
    };
    let style = match (when.hour(), when.minute(), when.second()) {
        (0, 0, 0) => 0,
        (_, _, 0) => 1,
        _ => 2,
    };
    let excel = ExcelDateTime::from_ymd(when.year() as u16, when.month() as u8, when.day() as u8)
        .and_then(|d| {
            d.and_hms(
                when.hour() as u16,
                when.minute() as u8,
                f64::from(when.second()),
            )
        })
        .ok()?;
    Some((excel, style))
}

/// A gestational age, stored in days, as ledgers write it: `16周`, `12+3`.
fn weeks(days: f64) -> String {
    let days = days.round() as i64;
    match (days / 7, days % 7) {
        (w, 0) => format!("{w}周"),
        (w, d) => format!("{w}+{d}"),
    }
}

/// Marked cells above `row` that hold no copied value (a column ingest did not map, a blank
/// row): filled and annotated all the same, so every located finding shows in the copy.
fn flush_marks_before(
    ws: &mut Worksheet,
    marks: &mut Marks<'_>,
    row: u32,
    book: &RuleBook,
    formats: &Formats,
) -> Result<(), XlsxError> {
    while let Some(entry) = marks.first_entry() {
        let (r, c) = *entry.key();
        if r >= row {
            break;
        }
        let fs = entry.remove();
        if r == 0 || r > MAX_ROW || c > MAX_COL {
            continue;
        }
        ws.write_blank(r - 1, c as u16, &formats.offending)?;
        ws.insert_note(r - 1, c as u16, &note(&fs, book))?;
    }
    Ok(())
}

/// The note on an offending cell: per finding, the rule id and title, then its message in
/// Chinese and English.
fn note(findings: &[&Finding], book: &RuleBook) -> Note {
    let text = findings
        .iter()
        .map(|f| {
            let (zh, en) = book.title(&f.rule);
            let title = if zh == f.rule {
                f.rule.clone()
            } else {
                format!("{} {zh} / {en}", f.rule)
            };
            format!("{title}\n{}\n{}", f.message, f.message_en)
        })
        .collect::<Vec<_>>()
        .join("\n\n");
    // Notes do not grow to fit their text: size the box by a rough count of wrapped lines,
    // a Chinese character being about two Latin ones wide.
    let lines: usize = text
        .lines()
        .map(|l| {
            let width: usize = l.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
            width.div_ceil(56).max(1)
        })
        .sum();
    Note::new(text)
        .set_author("auditor")
        .add_author_prefix(false)
        .set_width(400)
        .set_height((24 + 16 * lines).min(640) as u32)
}

#[cfg(test)]
mod tests {
    use super::weeks;

    #[test]
    fn gestational_ages_read_as_ledgers_write_them() {
        assert_eq!(weeks(112.0), "16周");
        assert_eq!(weeks(87.0), "12+3");
        assert_eq!(weeks(0.0), "0周");
    }
}
