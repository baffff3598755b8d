//! Writes each ledger once per row count, as xlsx, UTF-8 CSV and GBK CSV, and reuses files that
//! already exist: writing a 1M-row workbook takes longer than measuring it. Files are written
//! under a `.part` name and renamed, so an interrupted run never leaves a truncated file that a
//! later run would take as finished.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use rust_xlsxwriter::{Format as XlsxFormat, Workbook};

use crate::ledger::{Cell, DATE_FORMAT, DATETIME_FORMAT, Kind};

/// Bump when the generated content changes, so files from an older generator are not reused.
const GENERATOR_VERSION: u32 = 1;

/// Excel's row limit; the title and header rows count too.
const XLSX_MAX_ROWS: u64 = 1_048_576;

/// How the xlsx files hold their strings, for the report.
pub const XLSX_STRINGS: &str =
    "shared strings table (as Excel writes), rust_xlsxwriter low-memory worksheet";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Csv,
    CsvGbk,
}

impl Format {
    pub fn label(self) -> &'static str {
        match self {
            Self::Xlsx => "xlsx",
            Self::Csv => "csv",
            Self::CsvGbk => "csv-gbk",
        }
    }
}

pub struct LedgerFile {
    pub kind: Kind,
    pub format: Format,
    pub rows: u64,
    pub path: PathBuf,
}

/// The three files of `kind` with `rows` data rows, generated if missing.
pub fn ensure(dir: &Path, kind: Kind, rows: u64) -> Result<Vec<LedgerFile>> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let stem = format!("{}-v{GENERATOR_VERSION}-{rows}", kind.name());
    let xlsx = dir.join(format!("{stem}.xlsx"));
    let csv = dir.join(format!("{stem}.csv"));
    let gbk = dir.join(format!("{stem}.gbk.csv"));
    produce(&xlsx, |tmp| write_xlsx(tmp, dir, kind, rows))?;
    produce(&csv, |tmp| write_csv(tmp, kind, rows))?;
    produce(&gbk, |tmp| write_gbk(&csv, tmp))?;
    Ok([
        (Format::Xlsx, xlsx),
        (Format::Csv, csv),
        (Format::CsvGbk, gbk),
    ]
    .into_iter()
    .map(|(format, path)| LedgerFile {
        kind,
        format,
        rows,
        path,
    })
    .collect())
}

fn produce(path: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    if path.exists() {
        eprintln!("reusing    {}", path.display());
        return Ok(());
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".part");
    let tmp = PathBuf::from(tmp);
    let start = Instant::now();
    eprint!("generating {} ... ", path.display());
    write(&tmp).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming to {}", path.display()))?;
    eprintln!("{:.1} s", start.elapsed().as_secs_f64());
    Ok(())
}

/// Low-memory mode streams rows to a temp file (in `tempdir`, not a possibly RAM-backed /tmp)
/// but keeps a shared strings table, which is what Excel itself writes and what calamine and
/// the auditor have to load.
fn write_xlsx(path: &Path, tempdir: &Path, kind: Kind, rows: u64) -> Result<()> {
    let above = kind.title_rows().len() as u64 + 1;
    if rows + above > XLSX_MAX_ROWS {
        bail!(
            "{rows} rows do not fit in one xlsx sheet (at most {} data rows)",
            XLSX_MAX_ROWS - above
        );
    }
    let mut book = Workbook::new();
    book.set_tempdir(tempdir)?;
    let title = XlsxFormat::new().set_bold().set_font_size(14);
    let bold = XlsxFormat::new().set_bold();
    let date = XlsxFormat::new().set_num_format("yyyy-mm-dd");
    let datetime = XlsxFormat::new().set_num_format("yyyy-mm-dd hh:mm");
    let money = XlsxFormat::new().set_num_format("0.00");

    let sheet = book.add_worksheet_with_low_memory()?;
    sheet.set_name(kind.sheet_name())?;
    for (c, column) in kind.columns().iter().enumerate() {
        sheet.set_column_width(c as u16, column.width)?;
    }
    let mut r: u32 = 0;
    for cells in kind.title_rows() {
        for &(c, text) in *cells {
            let format = if r == 0 { &title } else { &bold };
            sheet.write_string_with_format(r, c, text, format)?;
        }
        r += 1;
    }
    for (c, column) in kind.columns().iter().enumerate() {
        sheet.write_string_with_format(r, c as u16, column.header, &bold)?;
    }
    r += 1;
    for row in kind.rows(rows) {
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) => sheet.write_string(r, c, s)?,
                Cell::Int(v) => sheet.write_number(r, c, *v as f64)?,
                Cell::Money(v) => sheet.write_number_with_format(r, c, *v, &money)?,
                Cell::Date(d) => sheet.write_datetime_with_format(r, c, d, &date)?,
                Cell::DateTime(t) => sheet.write_datetime_with_format(r, c, t, &datetime)?,
                Cell::Empty => sheet,
            };
        }
        r += 1;
    }
    book.save(path)?;
    Ok(())
}

/// As Excel's "CSV UTF-8" saves it: a BOM, CRLF, title rows padded with empty fields.
fn write_csv(path: &Path, kind: Kind, rows: u64) -> Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    out.write_all("\u{feff}".as_bytes())?;
    let width = kind.columns().len();
    let mut line = String::new();
    for cells in kind.title_rows() {
        let mut fields = vec![""; width];
        for &(c, text) in *cells {
            if let Some(f) = fields.get_mut(usize::from(c)) {
                *f = text;
            }
        }
        line.clear();
        for (i, text) in fields.iter().enumerate() {
            push_text(&mut line, i, text);
        }
        line.push_str("\r\n");
        out.write_all(line.as_bytes())?;
    }
    line.clear();
    for (i, column) in kind.columns().iter().enumerate() {
        push_text(&mut line, i, column.header);
    }
    line.push_str("\r\n");
    out.write_all(line.as_bytes())?;
    for row in kind.rows(rows) {
        line.clear();
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                line.push(',');
            }
            match cell {
                Cell::Text(s) => push_text(&mut line, 0, s),
                Cell::Int(v) => write!(line, "{v}")?,
                Cell::Money(v) => write!(line, "{v:.2}")?,
                Cell::Date(d) => write!(line, "{}", d.format(DATE_FORMAT))?,
                Cell::DateTime(t) => write!(line, "{}", t.format(DATETIME_FORMAT))?,
                Cell::Empty => {}
            }
        }
        line.push_str("\r\n");
        out.write_all(line.as_bytes())?;
    }
    out.flush()?;
    Ok(())
}

/// Appends one field (after a comma unless it is column 0), quoted only when it must be.
fn push_text(line: &mut String, column: usize, text: &str) {
    if column > 0 {
        line.push(',');
    }
    if text.contains([',', '"', '\r', '\n']) {
        line.push('"');
        line.push_str(&text.replace('"', "\"\""));
        line.push('"');
    } else {
        line.push_str(text);
    }
}

/// The UTF-8 CSV re-encoded line by line to GBK, as an older Excel or a hospital system saves
/// it (no BOM).
fn write_gbk(src: &Path, dst: &Path) -> Result<()> {
    let mut input = BufReader::with_capacity(1 << 20, File::open(src)?);
    let mut out = BufWriter::with_capacity(1 << 20, File::create(dst)?);
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            break;
        }
        let text = line.strip_prefix('\u{feff}').unwrap_or(&line);
        let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
        if unmappable {
            bail!("not representable in GBK: {text:?}");
        }
        out.write_all(&bytes)?;
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use auditor_ingest::header::normalize_header;
    use auditor_ingest::{Catalog, IdHasher, Ingest};

    use super::*;

    /// The auditor reads every generated ledger as its dataset, with every generated column
    /// mapped to a field by an exact alias (not merely by containing one), every row kept, and
    /// the institution taken from the title rows.
    #[test]
    fn the_auditor_maps_every_generated_column() {
        let dir = std::env::temp_dir().join(format!("auditor-bench-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let catalog = Catalog::builtin().unwrap();
        let hasher = IdHasher::new(b"bench-test").unwrap();
        for kind in [
            Kind::UsExam,
            Kind::DrugTxn,
            Kind::Termination,
            Kind::Pregnancy,
        ] {
            let path = dir.join(format!("{}.csv", kind.name()));
            write_csv(&path, kind, 200).unwrap();
            let report = Ingest::new(&catalog, &hasher).read_path(&path, kind.name());
            assert!(
                report.error.is_none(),
                "{}: {:?}",
                kind.name(),
                report.error
            );
            let [table] = report.tables.as_slice() else {
                panic!("{}: {} tables", kind.name(), report.tables.len());
            };
            assert_eq!(table.dataset.as_str(), kind.name());
            assert_eq!(table.len(), 200, "{}", kind.name());
            let unmapped: Vec<&str> = kind
                .columns()
                .iter()
                .enumerate()
                .filter(|(c, _)| !table.source_cols.contains(&Some(*c as u32)))
                .map(|(_, column)| column.header)
                .collect();
            assert!(unmapped.is_empty(), "{}: {unmapped:?}", kind.name());
            let spec = catalog
                .datasets
                .iter()
                .find(|d| d.dataset == table.dataset)
                .unwrap();
            for column in kind.columns() {
                let header = normalize_header(column.header);
                let alias = spec
                    .fields
                    .iter()
                    .any(|f| f.aliases.iter().any(|a| normalize_header(a) == header));
                assert!(alias, "{}: {} is no alias", kind.name(), column.header);
            }
            assert!(table.institution.starts_with("XX"), "{}", kind.name());
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
