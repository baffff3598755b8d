//! CSV and TSV, as Chinese Excel and hospital systems export them: UTF-8 with or without BOM,
//! GBK/GB18030, or UTF-16 ("Unicode text"). The encoding is decided from the whole file, not a
//! sample: a pass checks UTF-8 validity and, once a byte sequence is not UTF-8, feeds the rest to
//! chardetng. A second pass decodes and parses as a stream, so memory stays flat.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use encoding_rs::{Encoding, UTF_8};
use encoding_rs_io::DecodeReaderBytesBuilder;
use sha2::{Digest, Sha256};

use crate::error::InputError;
use crate::row::RawRow;
use crate::{Ingest, SheetOutcome};

/// What the first pass learned about a text file.
pub struct TextScan {
    pub sha256: String,
    pub encoding: &'static Encoding,
    pub bom: bool,
}

/// Hashes the file and decides its encoding from all of its bytes.
pub fn scan(path: &Path, limit: u64) -> Result<TextScan, InputError> {
    let mut file = File::open(path).map_err(|e| InputError::Io(e.to_string()))?;
    let mut sha = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut head: Vec<u8> = Vec::new();
    let mut carry: Vec<u8> = Vec::new();
    let mut utf8 = true;
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    let mut size: u64 = 0;
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| InputError::Io(e.to_string()))?;
        let chunk = &buf[..n];
        sha.update(chunk);
        size += n as u64;
        if size > limit {
            return Err(InputError::TooLarge { size, limit });
        }
        if head.len() < 4 {
            head.extend_from_slice(&chunk[..chunk.len().min(4 - head.len())]);
        }
        if utf8 {
            carry.extend_from_slice(chunk);
            match std::str::from_utf8(&carry) {
                Ok(_) => carry.clear(),
                // A sequence cut at the chunk end is not an error yet: keep its bytes.
                Err(e) if e.error_len().is_none() && n > 0 => {
                    carry.drain(..e.valid_up_to());
                }
                Err(_) => {
                    utf8 = false;
                    detector.feed(&carry, n == 0);
                    carry = Vec::new();
                }
            }
        } else {
            detector.feed(chunk, n == 0);
        }
        if n == 0 {
            break;
        }
    }
    if size == 0 {
        return Err(InputError::Empty);
    }
    let (encoding, bom) = match Encoding::for_bom(&head) {
        Some((enc, _)) => (enc, true),
        None if utf8 => (UTF_8, false),
        None => (detector.guess(None, chardetng::Utf8Detection::Deny), false),
    };
    Ok(TextScan {
        sha256: hex::encode(sha.finalize()),
        encoding,
        bom,
    })
}

pub fn read_csv(
    path: &Path,
    file: &str,
    scan: &TextScan,
    ingest: &Ingest<'_>,
) -> Result<SheetOutcome, InputError> {
    let open = || -> Result<Box<dyn Read>, InputError> {
        let f = BufReader::with_capacity(
            1 << 20,
            File::open(path).map_err(|e| InputError::Io(e.to_string()))?,
        );
        Ok(if scan.encoding == UTF_8 && !scan.bom {
            Box::new(f)
        } else {
            Box::new(
                DecodeReaderBytesBuilder::new()
                    .encoding(Some(scan.encoding))
                    .bom_override(true)
                    .strip_bom(true)
                    .build(f),
            )
        })
    };
    let delimiter = sniff_delimiter(open()?, path)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        // With CRLF as the terminator the csv crate numbers lines one short after the first
        // record; ending records at LF alone keeps line numbers exact, and the CR is trimmed.
        .terminator(csv::Terminator::Any(b'\n'))
        .buffer_capacity(1 << 20)
        .from_reader(open()?);
    let mut sheet = ingest.sheet_reader(file, "", false, Vec::new());
    let mut record = csv::StringRecord::new();
    let mut row = RawRow::default();
    let mut rows: u64 = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                return Err(InputError::Corrupt(format!("line {line}: {e}")));
            }
        }
        let line = record.position().map_or(0, csv::Position::line) as u32;
        row.clear(line);
        for (col, field) in record.iter().enumerate() {
            if col as u32 >= ingest.limits.max_columns {
                break;
            }
            row.push_text(col as u32, field.strip_suffix('\r').unwrap_or(field));
        }
        sheet.push_row(&row);
        rows += 1;
        if rows.is_multiple_of(50_000) {
            ingest.report_progress(rows);
        }
    }
    ingest.report_progress(rows);
    Ok(sheet.finish())
}

/// Comma, tab, semicolon or bar: whichever splits the first lines most consistently.
/// A `.tsv` file is tab-separated whatever it holds.
fn sniff_delimiter(mut input: Box<dyn Read>, path: &Path) -> Result<u8, InputError> {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("tsv") || e.eq_ignore_ascii_case("tab"))
    {
        return Ok(b'\t');
    }
    let mut head = vec![0u8; 64 * 1024];
    let mut filled = 0;
    while filled < head.len() {
        let n = input
            .read(&mut head[filled..])
            .map_err(|e| InputError::Io(e.to_string()))?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    let text = String::from_utf8_lossy(&head[..filled]);
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(30)
        .collect();
    let mut best = (b',', 0usize);
    for d in [b',', b'\t', b';', b'|'] {
        let counts: Vec<usize> = lines
            .iter()
            .map(|l| l.bytes().filter(|b| *b == d).count())
            .collect();
        // The header and data rows share the most common count; title rows may have fewer.
        let mut freq = std::collections::HashMap::new();
        for c in counts.iter().filter(|c| **c > 0) {
            *freq.entry(*c).or_insert(0usize) += 1;
        }
        let score = freq
            .into_iter()
            .map(|(c, n)| n * 1000 + c)
            .max()
            .unwrap_or(0);
        if score > best.1 {
            best = (d, score);
        }
    }
    Ok(best.0)
}
