//! Workbooks through calamine. xlsx and xlsb are streamed cell by cell (calamine's dense
//! `worksheet_range` sizes its buffer from the extreme cell addresses, so a 5 KB file can ask for
//! hundreds of gigabytes); zip members are checked against size limits before anything is parsed.

use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek};
use std::path::Path;

use calamine::{Data, DataRef, Dimensions, Ods, Reader, SheetType, SheetVisible, Xls, Xlsb, Xlsx};

use crate::error::InputError;
use crate::pipeline::{self, RowSink};
use crate::row::{RawValue, UNCALCULATED};
use crate::sheet::{Merge, SheetReader};
use crate::sniff::{Format, is_encrypted_ooxml, zip_kind};
use crate::{Ingest, SheetOutcome};

/// Members smaller than this expand as they please: small parts compress extremely well.
const INFLATED_FROM: u64 = 64 << 20;
/// The most a large member may expand over its compressed size.
const MAX_RATIO: u64 = 100;

/// Refuses archives whose members would expand beyond the limits. zip 9 bounds each member's
/// output by its declared size, so the declared sizes are what parsing can at most produce.
pub fn check_zip<R: Read + Seek>(
    archive: &mut zip::ZipArchive<R>,
    ingest: &Ingest<'_>,
) -> Result<u64, InputError> {
    let limits = &ingest.limits;
    if archive.len() > limits.max_zip_entries {
        return Err(InputError::TooManyEntries {
            count: archive.len(),
            limit: limits.max_zip_entries,
        });
    }
    let mut total: u64 = 0;
    let mut sheets: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| InputError::Corrupt(e.to_string()))?;
        if entry.encrypted() {
            return Err(InputError::Encrypted);
        }
        let size = entry.size();
        let name = entry
            .name()
            .map(std::borrow::Cow::into_owned)
            .unwrap_or_default();
        if size > limits.max_entry_bytes {
            return Err(InputError::Oversized {
                entry: name,
                size,
                limit: limits.max_entry_bytes,
            });
        }
        // Spreadsheet XML compresses about 5 to 10 times, 50 for sheets of empty styled rows;
        // a large member expanding hundreds of times over is built to exhaust memory.
        let packed = entry.compressed_size();
        if size > INFLATED_FROM && size / packed.max(1) > MAX_RATIO {
            return Err(InputError::Inflated {
                entry: name,
                size,
                packed,
            });
        }
        total = total.saturating_add(size);
        if total > limits.max_total_bytes {
            return Err(InputError::Oversized {
                entry: name,
                size: total,
                limit: limits.max_total_bytes,
            });
        }
        if name.starts_with("xl/worksheets/") {
            sheets = sheets.saturating_add(size);
        }
    }
    Ok(sheets)
}

fn open(path: &Path) -> Result<BufReader<File>, InputError> {
    File::open(path)
        .map(|f| BufReader::with_capacity(1 << 16, f))
        .map_err(|e| InputError::Io(e.to_string()))
}

/// Reads every sheet of the workbook at `path`, whose first bytes said `sniffed` (a zip or a
/// compound file). Returns the precise format and one outcome per sheet.
pub fn read_workbook(
    path: &Path,
    sniffed: Format,
    file: &str,
    ingest: &Ingest<'_>,
) -> Result<(Format, Vec<SheetOutcome>), InputError> {
    if matches!(sniffed, Format::Html | Format::SpreadsheetMl) {
        return crate::markup::read_markup(path, sniffed, file, ingest).map(|o| (sniffed, o));
    }
    if sniffed == Format::Xls {
        let bytes = std::fs::read(path).map_err(|e| InputError::Io(e.to_string()))?;
        if is_encrypted_ooxml(&bytes) {
            return Err(InputError::Encrypted);
        }
        return read_format(Cursor::new(bytes), Format::Xls, file, ingest)
            .map(|o| (Format::Xls, o));
    }
    // Zip-based: the archive is checked from its central directory before calamine opens it,
    // and the file is streamed from disk rather than held in memory.
    let mut archive =
        zip::ZipArchive::new(open(path)?).map_err(|e| InputError::Corrupt(e.to_string()))?;
    let format = zip_kind(&archive)?;
    let sheet_bytes = check_zip(&mut archive, ingest)?;
    drop(archive);
    let outcomes = match format {
        Format::Xlsx => read_xlsx(open(path)?, sheet_bytes, file, ingest)?,
        other => read_format(open(path)?, other, file, ingest)?,
    };
    Ok((format, outcomes))
}

fn read_xlsx<R: Read + Seek>(
    reader: R,
    sheet_bytes: u64,
    file: &str,
    ingest: &Ingest<'_>,
) -> Result<Vec<SheetOutcome>, InputError> {
    let mut book = Xlsx::new(reader).map_err(xlsx_error)?;
    // Merged regions sit after the cell data, so reading them is a second pass over the sheet;
    // worth it for the small ledgers where clerks merge cells, not for huge exports.
    let with_merges = sheet_bytes <= ingest.limits.merge_scan_bytes;
    let sheets = book.sheets_metadata().to_vec();
    let mut typed_sheets = Vec::new();
    for sheet in sheets.iter().filter(|s| s.typ == SheetType::WorkSheet) {
        let merges = if with_merges {
            book.merge_cells_by_sheet_name(&sheet.name)
                .map(|m| to_merges(&m))
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        let mut reader = ingest.sheet_reader(
            file,
            &sheet.name,
            sheet.visible != SheetVisible::Visible,
            merges,
        );
        let mut cells = book
            .worksheet_cells_reader(&sheet.name)
            .map_err(xlsx_error)?;
        // The declared extent can be a lie (a 5 KB file may claim a million rows); a row takes
        // at least 40 bytes of sheet XML, which bounds it.
        let declared = cells.dimensions().end.0 as usize + 1;
        reader.expect_rows(declared.min(usize::try_from(sheet_bytes / 40).unwrap_or(usize::MAX)));
        // Formulas are read too: one saved without its result must not read as an empty cell.
        typed_sheets.push(stream(ingest, reader, || {
            Ok(cells
                .next_cell_with_formula_metadata()
                .map_err(xlsx_error)?
                .map(|c| {
                    let uncalculated = c.value == DataRef::Empty && c.formula.is_some();
                    (calamine::Cell::new(c.pos, c.value), uncalculated)
                }))
        })?);
    }
    // The shared strings go before the sheets are finished: the peak is then their tables, not
    // their tables plus calamine's copy of every distinct string.
    drop(book);
    Ok(typed_sheets.into_iter().map(SheetReader::finish).collect())
}

/// Streams a sheet's cells, as calamine's cell readers yield them, through the typing pipeline.
fn stream<'s, 'c>(
    ingest: &Ingest<'_>,
    reader: SheetReader<'c>,
    mut next: impl FnMut() -> Result<Option<(calamine::Cell<DataRef<'s>>, bool)>, InputError>,
) -> Result<SheetReader<'c>, InputError> {
    let ((), typed) = pipeline::run(reader, |sink| {
        let mut rows = RowAssembler::new(ingest);
        while let Some((cell, uncalculated)) = next()? {
            let (r, c) = cell.get_position();
            if uncalculated {
                rows.uncalculated(r, c, sink)?;
            } else {
                rows.cell(r, c, cell.get_value(), sink)?;
            }
        }
        rows.finish(sink);
        Ok(())
    })?;
    Ok(typed)
}

fn read_format<R: Read + Seek>(
    source: R,
    format: Format,
    file: &str,
    ingest: &Ingest<'_>,
) -> Result<Vec<SheetOutcome>, InputError> {
    match format {
        Format::Xlsb => {
            let mut book = Xlsb::new(source).map_err(|e| InputError::Corrupt(e.to_string()))?;
            let sheets = book.sheets_metadata().to_vec();
            let mut out = Vec::new();
            for sheet in sheets.iter().filter(|s| s.typ == SheetType::WorkSheet) {
                let reader = ingest.sheet_reader(
                    file,
                    &sheet.name,
                    sheet.visible != SheetVisible::Visible,
                    Vec::new(),
                );
                let mut cells = book
                    .worksheet_cells_reader(&sheet.name)
                    .map_err(|e| InputError::Corrupt(e.to_string()))?;
                let next = || {
                    Ok(cells
                        .next_cell()
                        .map_err(|e| InputError::Corrupt(e.to_string()))?
                        .map(|c| (c, false)))
                };
                out.push(stream(ingest, reader, next)?.finish());
            }
            Ok(out)
        }
        Format::Xls => {
            let mut book = Xls::new(source).map_err(|e| match e {
                calamine::XlsError::Password => InputError::Encrypted,
                other => InputError::Corrupt(other.to_string()),
            })?;
            let sheets = book.sheets_metadata().to_vec();
            let mut out = Vec::new();
            for sheet in sheets.iter().filter(|s| s.typ == SheetType::WorkSheet) {
                let merges = book
                    .merge_cells_by_sheet_name(&sheet.name)
                    .map(|m| to_merges(&m))
                    .unwrap_or_default();
                let range = book
                    .worksheet_range(&sheet.name)
                    .map_err(|e| InputError::Corrupt(e.to_string()))?;
                out.push(read_range(
                    ingest,
                    file,
                    &sheet.name,
                    sheet.visible != SheetVisible::Visible,
                    merges,
                    &range,
                )?);
            }
            Ok(out)
        }
        Format::Ods => {
            let mut book = Ods::new(source).map_err(|e| match e {
                calamine::OdsError::Password => InputError::Encrypted,
                other => InputError::Corrupt(other.to_string()),
            })?;
            let sheets = book.sheets_metadata().to_vec();
            let mut out = Vec::new();
            for sheet in &sheets {
                let range = book
                    .worksheet_range(&sheet.name)
                    .map_err(|e| InputError::Corrupt(e.to_string()))?;
                out.push(read_range(
                    ingest,
                    file,
                    &sheet.name,
                    sheet.visible != SheetVisible::Visible,
                    Vec::new(),
                    &range,
                )?);
            }
            Ok(out)
        }
        // xlsx goes through `read_xlsx`, text through the csv reader.
        Format::Xlsx | Format::Csv | Format::Html | Format::SpreadsheetMl => {
            Err(InputError::Corrupt("not a workbook".to_owned()))
        }
    }
}

fn xlsx_error(e: calamine::XlsxError) -> InputError {
    match e {
        calamine::XlsxError::Password => InputError::Encrypted,
        other => InputError::Corrupt(other.to_string()),
    }
}

fn to_merges(dims: &[Dimensions]) -> Vec<Merge> {
    dims.iter()
        .map(|d| Merge {
            first_row: d.start.0,
            first_col: d.start.1,
            last_row: d.end.0,
            last_col: d.end.1,
        })
        .collect()
}

fn read_range(
    ingest: &Ingest<'_>,
    file: &str,
    name: &str,
    hidden: bool,
    merges: Vec<Merge>,
    range: &calamine::Range<Data>,
) -> Result<SheetOutcome, InputError> {
    let reader = ingest.sheet_reader(file, name, hidden, merges);
    let ((), typed) = pipeline::run(reader, |sink| {
        let mut rows = RowAssembler::new(ingest);
        for (r, c, value) in range.used_cells() {
            let (r, c) = (
                r as u32 + range.start().map_or(0, |s| s.0),
                c as u32 + range.start().map_or(0, |s| s.1),
            );
            let value = match value {
                Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
                    DataRef::SharedString(s)
                }
                Data::Int(i) => DataRef::Int(*i),
                Data::Float(f) => DataRef::Float(*f),
                Data::Bool(b) => DataRef::Bool(*b),
                Data::DateTime(dt) => DataRef::DateTime(*dt),
                Data::Error(e) => DataRef::Error(e.clone()),
                Data::Empty => DataRef::Empty,
            };
            rows.cell(r, c, &value, sink)?;
        }
        rows.finish(sink);
        Ok(())
    })?;
    Ok(typed.finish())
}

/// Groups cells, which arrive in row-major order, into rows built in place in the sink,
/// enforcing the cell limits.
pub(crate) struct RowAssembler<'i, 'a> {
    ingest: &'i Ingest<'a>,
    current: Option<u32>,
    cells: u64,
    rows: u64,
}

impl<'i, 'a> RowAssembler<'i, 'a> {
    pub(crate) fn new(ingest: &'i Ingest<'a>) -> Self {
        Self {
            ingest,
            current: None,
            cells: 0,
            rows: 0,
        }
    }

    pub(crate) fn cell<'s>(
        &mut self,
        r: u32,
        c: u32,
        value: &DataRef<'s>,
        sink: &mut RowSink<'s>,
    ) -> Result<(), InputError> {
        let Some(row) = self.place(r, c, sink)? else {
            return Ok(());
        };
        match value {
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
                row.push_text(c, s);
            }
            DataRef::SharedString(s) => row.push_shared(c, s),
            DataRef::Int(i) => row.push(c, RawValue::Int(*i)),
            DataRef::Float(f) => row.push(c, RawValue::Float(*f)),
            DataRef::Bool(b) => row.push(c, RawValue::Bool(*b)),
            DataRef::DateTime(dt) => row.push(c, date_value(dt)),
            DataRef::Error(e) => row.push(c, RawValue::Error(error_code(e))),
            DataRef::Empty => {}
        }
        Ok(())
    }

    /// A formula cell saved without its result.
    pub(crate) fn uncalculated(
        &mut self,
        r: u32,
        c: u32,
        sink: &mut RowSink<'_>,
    ) -> Result<(), InputError> {
        if let Some(row) = self.place(r, c, sink)? {
            row.push(c, RawValue::Error(UNCALCULATED));
        }
        Ok(())
    }

    /// The row cell (`r`, `c`) goes into, started if it is a new row; `None` for a column
    /// beyond the limit.
    fn place<'r, 's>(
        &mut self,
        r: u32,
        c: u32,
        sink: &'r mut RowSink<'s>,
    ) -> Result<Option<&'r mut crate::row::RawRow<'s>>, InputError> {
        if c >= self.ingest.limits.max_columns {
            return Ok(None);
        }
        self.cells += 1;
        if self.cells > self.ingest.limits.max_cells {
            return Err(InputError::TooManyCells {
                limit: self.ingest.limits.max_cells,
            });
        }
        if self.current != Some(r) {
            self.flush(sink);
            sink.start_row(r + 1);
            self.current = Some(r);
        }
        Ok(Some(sink.row()))
    }

    fn flush(&mut self, sink: &mut RowSink<'_>) {
        if self.current.is_none() {
            return;
        }
        let row = sink.row();
        if row.is_empty() {
            return;
        }
        row.sort();
        sink.commit();
        self.rows += 1;
        if self.rows.is_multiple_of(20_000) {
            self.ingest.report_progress(self.rows);
        }
    }

    pub(crate) fn finish(mut self, sink: &mut RowSink<'_>) {
        self.flush(sink);
        self.ingest.report_progress(self.rows);
    }
}

/// The code Excel shows for a formula error.
pub(crate) fn error_code(e: &calamine::CellErrorType) -> &'static str {
    use calamine::CellErrorType as E;
    match e {
        E::Div0 => "#DIV/0!",
        E::NA => "#N/A",
        E::Name => "#NAME?",
        E::Null => "#NULL!",
        E::Num => "#NUM!",
        E::Ref => "#REF!",
        E::Value => "#VALUE!",
        E::GettingData => "#DATA!",
    }
}

/// An Excel date as a 1900-system serial, whatever epoch the workbook uses.
fn date_value(dt: &calamine::ExcelDateTime) -> RawValue<'static> {
    match dt.as_datetime() {
        Some(t) => {
            let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
            let serial =
                (t - epoch.and_time(chrono::NaiveTime::MIN)).num_seconds() as f64 / 86_400.0;
            RawValue::DateTime(serial)
        }
        None => RawValue::Float(dt.as_f64()),
    }
}
