//! CSV and TSV, as Chinese Excel and hospital systems export them: UTF-8 with or without BOM,
//! GBK/GB18030, or UTF-16 ("Unicode text"). A UTF-8 file is hashed, validated and parsed in one
//! pass. The first byte sequence that is not UTF-8 stops that pass; chardetng then decides the
//! encoding from the first megabyte (thousands of rows of Chinese text) and the file is read
//! again, decoded as a stream.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use encoding_rs::{Encoding, GB18030, GBK, UTF_8};
use encoding_rs_io::DecodeReaderBytesBuilder;
use sha2::{Digest, Sha256};

mod line_ends;
mod mixed;
mod parallel;
mod records;
mod split;

use crate::error::InputError;
use crate::pipeline;
use crate::{Ingest, SheetOutcome};

/// How much of a non-UTF-8 file chardetng may read: enough Chinese text to be certain, without
/// paying its cost on hundreds of megabytes.
const DETECT_BYTES: usize = 1 << 20;
/// chardetng reads the file in pieces of this size and stops once it has seen this many bytes
/// that are not ASCII (thousands of Chinese characters, where a few hundred decide between
/// GBK, Big5, `Shift_JIS` and EUC-KR): its cost is that of tens of megabytes of typing per
/// megabyte, and the first rows of a ledger are as Chinese as the rest.
const DETECT_PIECE: usize = 64 << 10;
const DETECT_NON_ASCII: usize = 16 << 10;

/// A text file being read: its path, its encoding once known, and its hash once read.
pub struct TextSource {
    path: PathBuf,
    limit: u64,
    size: u64,
    encoding: &'static Encoding,
    bom: bool,
    /// Read line by line, UTF-8 or GB18030 (see `mixed`).
    mixed: bool,
    sha256: String,
}

impl TextSource {
    pub fn open(path: &Path, limit: u64) -> Result<Self, InputError> {
        let size = std::fs::metadata(path).map_err(io)?.len();
        let mut head = [0u8; 4];
        let n = crate::read_up_to(&mut File::open(path).map_err(io)?, &mut head)?;
        let (encoding, bom) = match Encoding::for_bom(&head[..n]) {
            Some((enc, _)) => (enc, true),
            None => (UTF_8, false),
        };
        Ok(Self {
            path: path.to_owned(),
            limit,
            size,
            encoding,
            bom,
            mixed: false,
            sha256: String::new(),
        })
    }

    /// The same file, to be read in `encoding`.
    fn with_encoding(&self, encoding: &'static Encoding) -> Self {
        Self {
            path: self.path.clone(),
            encoding,
            sha256: String::new(),
            ..*self
        }
    }

    /// The encoding as reported: a file read line by line names both.
    pub fn encoding_name(&self) -> &'static str {
        if self.mixed {
            "UTF-8+GB18030"
        } else {
            self.encoding.name()
        }
    }

    pub fn sha256(&self) -> String {
        self.sha256.clone()
    }
}

/// Feeds everything read through it to SHA-256, and refuses to read past the size limit.
struct Hashing<'a> {
    inner: File,
    sha: &'a mut Sha256,
    read: u64,
    limit: u64,
}

impl Read for Hashing<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.sha.update(&buf[..n]);
        self.read += n as u64;
        if self.read > self.limit {
            return Err(std::io::Error::other(format!(
                "over the size limit of {} bytes",
                self.limit
            )));
        }
        Ok(n)
    }
}

#[expect(clippy::needless_pass_by_value, reason = "used as map_err(io)")]
fn io(e: std::io::Error) -> InputError {
    InputError::Io(e.to_string())
}

enum Pass {
    Done(Box<SheetOutcome>),
    /// A UTF-8 pass met bytes that are not UTF-8.
    NotUtf8,
}

pub fn read_csv(
    text: &mut TextSource,
    file: &str,
    ingest: &Ingest<'_>,
) -> Result<SheetOutcome, InputError> {
    if let Pass::Done(outcome) = read_pass(text, file, ingest)? {
        return Ok(*outcome);
    }
    // Lines of UTF-8 Chinese text and some that are not: two files joined, each in its own
    // encoding. Guessing one encoding for the whole would garble the other part.
    if text.encoding == UTF_8 && mixed::has_utf8_lines(&read_head(&text.path)?) {
        text.mixed = true;
        if let Pass::Done(outcome) = read_pass(text, file, ingest)? {
            return Ok(*outcome);
        }
        text.mixed = false;
    }
    // chardetng takes longer over its megabyte than reading the whole file does, so the file is
    // read as GBK, its answer for nearly every ledger that is not UTF-8, while it decides; the
    // file is read again only if it decides otherwise.
    let path = text.path.clone();
    let mut guessed = text.with_encoding(GBK);
    let (encoding, speculative) = std::thread::scope(|scope| {
        let detecting = scope.spawn(|| {
            crate::guard::mark_parsing();
            detect_encoding(&path)
        });
        let speculative = read_pass(&mut guessed, file, ingest);
        (detecting.join(), speculative)
    });
    text.encoding = encoding.map_err(|_| {
        InputError::Corrupt("internal error while detecting the encoding / 编码识别出错".to_owned())
    })??;
    let pass = if text.encoding == GBK {
        text.sha256 = std::mem::take(&mut guessed.sha256);
        speculative?
    } else {
        read_pass(text, file, ingest)?
    };
    match pass {
        Pass::Done(outcome) => Ok(*outcome),
        Pass::NotUtf8 => Err(InputError::Corrupt(
            "text encoding could not be decided".to_owned(),
        )),
    }
}

fn detect_encoding(path: &Path) -> Result<&'static Encoding, InputError> {
    let mut file = File::open(path).map_err(io)?;
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    let mut piece = vec![0u8; DETECT_PIECE];
    let (mut fed, mut non_ascii) = (0, 0);
    loop {
        let n = crate::read_up_to(&mut file, &mut piece)?;
        let piece = &piece[..n];
        fed += n;
        non_ascii += piece.iter().filter(|b| !b.is_ascii()).count();
        let end_of_file = n < DETECT_PIECE;
        detector.feed(piece, end_of_file);
        if end_of_file {
            break;
        }
        if fed >= DETECT_BYTES || non_ascii >= DETECT_NON_ASCII {
            detector.feed(&[], true);
            break;
        }
    }
    let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
    // GBK text is read with the GB18030 decoder, its superset; a guess of UTF-8 cannot stand for
    // a file that just failed as UTF-8.
    Ok(if guess == UTF_8 { GB18030 } else { guess })
}

fn read_pass(text: &mut TextSource, file: &str, ingest: &Ingest<'_>) -> Result<Pass, InputError> {
    let head = read_head(&text.path)?;
    let delimiter = sniff_delimiter(&text.path, &head, text.encoding);
    // Stretches of the file can be read apart when an LF byte is always an LF character:
    // UTF-8 and the ASCII-compatible encodings. A BOM naming another encoding than the one
    // read (a UTF-8 BOM on a GBK file) is left to the decoding reader, which obeys the BOM.
    let cr_line_ends = line_ends::ends_lines_with_cr(&head);
    if !cr_line_ends
        && !text.mixed
        && (text.encoding == UTF_8 || (!text.bom && text.encoding.is_ascii_compatible()))
    {
        let plan = parallel::Plan {
            path: &text.path,
            encoding: text.encoding,
            utf8_bom: text.bom && text.encoding == UTF_8,
            delimiter,
            size: text.size,
            limit: text.limit,
        };
        let mut sheet = ingest.sheet_reader(file, "", false, Vec::new());
        sheet.expect_rows(estimate_rows(&head, text.size));
        match parallel::read(&plan, sheet, ingest)? {
            parallel::Outcome::Read(sheet, sha256) => {
                text.sha256 = sha256;
                return Ok(Pass::Done(Box::new(sheet.finish())));
            }
            parallel::Outcome::NotUtf8 => return Ok(Pass::NotUtf8),
            // Read again below, as one stream.
            parallel::Outcome::Misaligned => {}
        }
    }
    let mut sha = Sha256::new();
    let mut hashing = Hashing {
        inner: File::open(&text.path).map_err(io)?,
        sha: &mut sha,
        read: 0,
        limit: text.limit,
    };
    let not_utf8 = std::cell::RefCell::new((Vec::new(), 0u32));
    let source: Box<dyn Read + '_> = if text.mixed {
        Box::new(mixed::LineByLine::new(
            BufReader::with_capacity(1 << 20, hashing),
            &not_utf8,
        ))
    } else if text.encoding == UTF_8 {
        // UTF-8 needs no transcoding: a BOM is just skipped (and hashed).
        if text.bom {
            let mut bom = [0u8; 3];
            hashing.read_exact(&mut bom).map_err(io)?;
        }
        Box::new(hashing)
    } else {
        Box::new(
            DecodeReaderBytesBuilder::new()
                .encoding(Some(text.encoding))
                .bom_override(true)
                .strip_bom(true)
                .build(BufReader::with_capacity(1 << 20, hashing)),
        )
    };
    let source: Box<dyn Read + '_> = if cr_line_ends {
        Box::new(line_ends::CrAsLf::new(source))
    } else {
        source
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        // With CRLF as the terminator the csv crate numbers lines one short after the first
        // record; ending records at LF alone keeps line numbers exact, and the CR is trimmed.
        .terminator(csv::Terminator::Any(b'\n'))
        .buffer_capacity(1 << 20)
        .from_reader(Tail::new(source));
    let mut sheet = ingest.sheet_reader(file, "", false, Vec::new());
    sheet.expect_rows(estimate_rows(&head, text.size));
    let (size, limit) = (text.size, text.limit);
    let (utf8, typed) = pipeline::run(sheet, |sink| {
        let mut record = csv::StringRecord::new();
        let mut rows: u64 = 0;
        loop {
            match reader.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) => return Ok(false),
                Err(e) => return Err(csv_error(&e, size, limit)),
            }
            let line = start_line(&reader, &record) as u32;
            sink.start_row(line);
            let row = sink.row();
            for (col, field) in record.iter().enumerate() {
                if col as u32 >= ingest.limits.max_columns {
                    break;
                }
                row.push_text(col as u32, field.strip_suffix('\r').unwrap_or(field));
            }
            if row.is_empty() {
                continue;
            }
            sink.commit();
            rows += 1;
            if rows.is_multiple_of(50_000) {
                ingest.report_progress(rows);
            }
        }
        ingest.report_progress(rows);
        Ok(true)
    })?;
    if !utf8 {
        return Ok(Pass::NotUtf8);
    }
    drop(reader);
    text.sha256 = hex::encode(sha.finalize());
    let mut outcome = typed.finish();
    let (lines, count) = not_utf8.into_inner();
    if count > 0 {
        outcome.0.notes.push(mixed::note(&lines, count));
    }
    Ok(Pass::Done(Box::new(outcome)))
}

/// Counts the bytes read through it and remembers the last one, so a record can be told to end
/// at an LF or at the end of the text.
struct Tail<R> {
    inner: R,
    read: u64,
    last: u8,
}

impl<R> Tail<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            read: 0,
            last: b'\n',
        }
    }
}

impl<R: Read> Read for Tail<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(&b) = buf[..n].last() {
            self.last = b;
        }
        self.read += n as u64;
        Ok(n)
    }
}

/// The line of the file `record`, just read, starts on. The csv crate gives a record after
/// blank lines the number of the first blank line; the line it ends on is exact: the reader's
/// line after the record, less the LF ending it (none if the text ended first) and the LFs
/// inside its quoted fields.
fn start_line<R: Read>(reader: &csv::Reader<Tail<R>>, record: &csv::StringRecord) -> u64 {
    let end = reader.position();
    let tail = reader.get_ref();
    // csv-core ends a record only at an LF or at the end of the text.
    let ended_by_lf = end.byte() < tail.read || tail.last == b'\n';
    let inside = record
        .iter()
        .map(|f| memchr::memchr_iter(b'\n', f.as_bytes()).count() as u64)
        .sum::<u64>();
    let start = end.line().saturating_sub(u64::from(ended_by_lf) + inside);
    start.max(record.position().map_or(1, csv::Position::line))
}

fn csv_error(e: &csv::Error, size: u64, limit: u64) -> InputError {
    if let csv::ErrorKind::Io(io_err) = e.kind() {
        if io_err.to_string().contains("size limit") {
            return InputError::TooLarge { size, limit };
        }
        return InputError::Io(io_err.to_string());
    }
    let line = e.position().map_or(0, csv::Position::line);
    InputError::Corrupt(format!("line {line}: {e}"))
}

/// The first 64 KiB of the file: enough lines to pick the delimiter and estimate the rows.
fn read_head(path: &Path) -> Result<Vec<u8>, InputError> {
    let mut head = Vec::new();
    File::open(path)
        .map_err(io)?
        .take(64 * 1024)
        .read_to_end(&mut head)
        .map_err(io)?;
    Ok(head)
}

/// Rows expected from the file size and the length of the first lines, so columns are sized
/// once instead of doubling.
fn estimate_rows(head: &[u8], size: u64) -> usize {
    let lines = head.split(|b| *b == b'\n').count().max(1);
    (size / (head.len() as u64 / lines as u64).max(1)) as usize + 1
}

/// Comma, tab, semicolon or bar: whichever splits the first lines most consistently.
/// A `.tsv` file is tab-separated whatever it holds.
fn sniff_delimiter(path: &Path, head: &[u8], encoding: &'static Encoding) -> u8 {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("tsv") || e.eq_ignore_ascii_case("tab"))
    {
        return b'\t';
    }
    let (text, _, _) = encoding.decode(head);
    let lines: Vec<&str> = text
        // A lone CR ends a line too (classic Mac files).
        .split(['\n', '\r'])
        .filter(|l| !l.trim().is_empty())
        .take(30)
        .collect();
    let mut best = (b',', 0usize);
    for d in [b',', b'\t', b';', b'|'] {
        // The header and data rows share the most common count; title rows may have fewer.
        let mut freq = std::collections::HashMap::new();
        for c in lines
            .iter()
            .map(|l| l.bytes().filter(|b| *b == d).count())
            .filter(|c| *c > 0)
        {
            *freq.entry(c).or_insert(0usize) += 1;
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
    best.0
}
