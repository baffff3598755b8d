//! Ingest: bytes in, typed tables and data-quality findings out. Reads xlsx, xlsm, xlsb, xls,
//! ods, csv and tsv; finds each sheet's dataset from its header row; hashes personal ID numbers
//! at the door. No async, no database, no network.

pub mod column;
mod csv;
pub mod dq_docs;
pub mod error;
mod fallback;
pub mod guard;
pub mod header;
mod header_mask;
mod id_document;
pub mod likely_names;
mod markup;
mod own_names;
mod pipeline;
pub mod privacy;
pub mod quality;
mod redact;
pub mod row;
pub mod sheet;
pub mod sniff;
pub mod source_cells;
pub mod spec;
mod synonyms;
mod table;
mod titles;
mod typing;
pub mod vague;
pub mod value;
mod workbook;

use std::io::Read;
use std::path::Path;

use auditor_model::{Dataset, Finding};
use sha2::{Digest, Sha256};

pub use crate::error::InputError;
pub use crate::privacy::IdHasher;
pub use crate::sheet::{SheetReport, Table};
pub use crate::sniff::Format;
pub use crate::spec::Catalog;

use crate::quality::SheetContext;
use crate::sheet::{Merge, SheetReader};

/// Bounds that keep a hostile or absurd file from exhausting memory or time.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_file_bytes: u64,
    /// Largest expanded size of one zip member (declared sizes bound what zip 9 will produce).
    pub max_entry_bytes: u64,
    pub max_total_bytes: u64,
    pub max_zip_entries: usize,
    pub max_cells: u64,
    /// Columns beyond this are ignored: no ledger has more, and hostile files claim 16384.
    pub max_columns: u32,
    /// Merged regions are read when the worksheets together expand to at most this.
    pub merge_scan_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: 1 << 30,
            max_entry_bytes: 2 << 30,
            max_total_bytes: 4 << 30,
            max_zip_entries: 10_000,
            max_cells: 400_000_000,
            max_columns: 1024,
            merge_scan_bytes: 16 << 20,
        }
    }
}

/// One sheet's result: what it is, its records, its data-quality findings.
pub type SheetOutcome = (SheetReport, Option<Table>, Vec<Finding>);

/// Everything ingest learned about one input file.
#[derive(Debug)]
pub struct InputReport {
    pub file: String,
    pub sha256: Option<String>,
    pub format: Option<Format>,
    /// For text files: the encoding it was read in.
    pub encoding: Option<&'static str>,
    pub error: Option<InputError>,
    pub sheets: Vec<SheetReport>,
    pub tables: Vec<Table>,
    pub findings: Vec<Finding>,
}

/// Reading configuration shared by all inputs of a run.
pub struct Ingest<'a> {
    pub catalog: &'a Catalog,
    pub hasher: &'a IdHasher,
    /// Read every sheet as this dataset (`--dataset`).
    pub forced: Option<Dataset>,
    pub limits: Limits,
    /// Called with the number of rows read so far in the current sheet.
    pub progress: Option<&'a dyn Fn(u64)>,
    /// Keep each table's cells outside its fields (`Table::source`), for a report that copies
    /// the sheet. Off by default: it costs memory and time a check without that report spares.
    pub keep_source: bool,
}

impl<'a> Ingest<'a> {
    pub fn new(catalog: &'a Catalog, hasher: &'a IdHasher) -> Self {
        Self {
            catalog,
            hasher,
            forced: None,
            limits: Limits::default(),
            progress: None,
            keep_source: false,
        }
    }

    /// Reads one file. Never panics on bad input: a file that cannot be read comes back with
    /// `error` set and nothing else.
    pub fn read_path(&self, path: &Path, display_name: &str) -> InputReport {
        let mut report = InputReport {
            file: display_name.to_owned(),
            sha256: None,
            format: None,
            encoding: None,
            error: None,
            sheets: Vec::new(),
            tables: Vec::new(),
            findings: Vec::new(),
        };
        if let Err(e) = guard::contain(|| self.read_into(path, &mut report)) {
            // An input is read whole or not at all; only the sheets of a workbook none of whose
            // sheets is a ledger stay listed, to show the headers that were seen.
            if e != InputError::NoRecognisedSheet {
                report.sheets.clear();
            }
            // Which file was received is evidence even when it could not be read: hash any
            // file that can be opened and is within the size limit.
            if report.sha256.is_none()
                && std::fs::metadata(path)
                    .is_ok_and(|m| m.is_file() && m.len() <= self.limits.max_file_bytes)
            {
                report.sha256 = sha256_file(path).ok();
            }
            report.error = Some(e);
            report.tables.clear();
            report.findings.clear();
        }
        report
    }

    fn read_into(&self, path: &Path, report: &mut InputReport) -> Result<(), InputError> {
        let meta = std::fs::metadata(path).map_err(|e| InputError::from(&e))?;
        if meta.is_dir() {
            return Err(InputError::Io("is a directory / 是目录".to_owned()));
        }
        if meta.len() > self.limits.max_file_bytes {
            return Err(InputError::TooLarge {
                size: meta.len(),
                limit: self.limits.max_file_bytes,
            });
        }
        let mut head = [0u8; 8192];
        let n = {
            let mut f = std::fs::File::open(path).map_err(|e| InputError::from(&e))?;
            read_up_to(&mut f, &mut head)?
        };
        let format = sniff::sniff(&head[..n])?;
        let outcomes = if format == Format::Csv {
            let mut text = csv::TextSource::open(path, self.limits.max_file_bytes)?;
            let outcome = csv::read_csv(&mut text, &report.file, self)?;
            report.sha256 = Some(text.sha256());
            report.encoding = Some(text.encoding_name());
            report.format = Some(Format::Csv);
            vec![outcome]
        } else {
            // The hash is taken on a second core while calamine loads the shared strings, which
            // keeps that core busy before any row reaches it.
            let file = report.file.clone();
            let (sha256, read) = std::thread::scope(|scope| {
                let hashing = scope.spawn(|| sha256_file(path));
                let read = workbook::read_workbook(path, format, &file, self);
                (hashing.join(), read)
            });
            report.sha256 = Some(
                sha256
                    .map_err(|_| InputError::Io("hashing failed / 计算哈希失败".to_owned()))??,
            );
            let (format, outcomes) = read?;
            report.format = Some(format);
            outcomes
        };
        if outcomes.is_empty() {
            return Err(InputError::NoSheets);
        }
        for (sheet, table, findings) in outcomes {
            report.sheets.push(sheet);
            report.tables.extend(table);
            report.findings.extend(findings);
        }
        if report.tables.is_empty() {
            return Err(InputError::NoRecognisedSheet);
        }
        Ok(())
    }

    fn sheet_reader(
        &self,
        file: &str,
        sheet: &str,
        hidden: bool,
        merges: Vec<Merge>,
    ) -> SheetReader<'_> {
        let ctx = SheetContext {
            file: file.to_owned(),
            sheet: (!sheet.is_empty()).then(|| sheet.to_owned()),
            dataset: None,
            institution: String::new(),
        };
        let mut reader =
            SheetReader::new(self.catalog, self.hasher, self.forced, ctx, hidden, merges);
        reader.keep_source = self.keep_source;
        reader
    }

    fn report_progress(&self, rows: u64) {
        if let Some(p) = self.progress {
            p(rows);
        }
    }
}

fn sha256_file(path: &Path) -> Result<String, InputError> {
    let mut f = std::fs::File::open(path).map_err(|e| InputError::Io(e.to_string()))?;
    let mut sha = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f
            .read(&mut buf)
            .map_err(|e| InputError::Io(e.to_string()))?;
        if n == 0 {
            break;
        }
        sha.update(&buf[..n]);
    }
    Ok(hex::encode(sha.finalize()))
}

pub(crate) fn read_up_to(f: &mut impl Read, buf: &mut [u8]) -> Result<usize, InputError> {
    let mut filled = 0;
    while filled < buf.len() {
        let n = f
            .read(&mut buf[filled..])
            .map_err(|e| InputError::Io(e.to_string()))?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    Ok(filled)
}
