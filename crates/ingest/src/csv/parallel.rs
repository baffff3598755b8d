//! Reading a CSV file on every core. The calling thread reads the file in stretches of about a
//! megabyte cut at record boundaries (see `split`), hashes them, and reads the first ones
//! itself until the header is found. Every later stretch is decoded, split into records and
//! typed by a worker into a fork of the sheet reader; the calling thread takes the forks back
//! in file order, so records, row numbers and findings are exactly those of reading the file
//! from start to end on one thread.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Mutex;
use std::sync::mpsc::{channel, sync_channel};

use encoding_rs::{Encoding, UTF_8};
use sha2::{Digest, Sha256};

use super::records::{Field, Records};
use super::split::{count_lines, record_boundary};
use crate::Ingest;
use crate::error::InputError;
use crate::row::RawRow;
use crate::sheet::SheetReader;

/// The first stretch is small: the header must be found before any stretch can be handed out,
/// and the rows read with it are typed on this thread alone. 16 KiB holds the title rows and
/// the header of any ledger seen, and more are read if it does not.
const FIRST_STRETCH: usize = 16 << 10;
/// Small enough that the stretches still being typed when the file has been read (the bound
/// of the queue plus one per worker) take a few milliseconds, not tens; large enough that
/// handing one out costs nothing next to typing it.
const STRETCH: usize = 256 << 10;
/// A stretch this long without a record boundary (a stray quote keeps every LF "inside
/// quotes") is not cut at all: the file is read the ordinary way instead.
const MAX_STRETCH: usize = 16 << 20;
/// Workers beyond this add memory but no speed: the calling thread cannot feed more.
const MAX_WORKERS: usize = 8;

/// How to read the file.
pub struct Plan<'p> {
    pub path: &'p Path,
    pub encoding: &'static Encoding,
    /// The file starts with a UTF-8 BOM (skipped, but hashed).
    pub utf8_bom: bool,
    pub delimiter: u8,
    pub size: u64,
    pub limit: u64,
}

pub enum Outcome<'c> {
    /// Every record read into the reader; the file's SHA-256.
    Read(Box<SheetReader<'c>>, String),
    /// A stretch is not UTF-8 (only when reading as UTF-8).
    NotUtf8,
    /// A stretch did not end between records: read the file the ordinary way.
    Misaligned,
}

enum Fail {
    NotUtf8,
    Misaligned,
}

struct Stretch {
    seq: usize,
    bytes: Vec<u8>,
    /// Bytes at the start not to read (a UTF-8 BOM).
    skip: usize,
    first_line: u64,
    last: bool,
}

/// A stretch's number, its buffer (to be read into again) and what reading it gave.
type Done<'c> = (usize, Vec<u8>, Result<(SheetReader<'c>, u64), Fail>);

/// Reads the file at `plan.path` into `reader` (fresh, nothing read yet).
pub fn read<'c>(
    plan: &Plan<'_>,
    mut reader: SheetReader<'c>,
    ingest: &Ingest<'_>,
) -> Result<Outcome<'c>, InputError> {
    let mut file = File::open(plan.path).map_err(io)?;
    let mut sha = Sha256::new();
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .clamp(1, MAX_WORKERS);
    let max_columns = ingest.limits.max_columns;
    // Workers share one queue of stretches; the bound keeps memory flat on large files.
    let (jobs, queue) = sync_channel::<(Stretch, SheetReader<'c>)>(workers);
    let queue = Mutex::new(queue);
    let (done, finished) = channel::<Done<'c>>();
    let failed = std::thread::scope(|scope| -> Result<Option<Fail>, InputError> {
        let mut handles = Vec::new();
        let mut pending: Vec<u8> = Vec::new();
        let mut read_so_far: u64 = 0;
        let mut next_line: u64 = 1;
        let mut seq = 0;
        let mut in_flight = 0usize;
        let mut taken = InOrder {
            next: 0,
            waiting: BTreeMap::new(),
            rows: 0,
            failed: None,
            spare: Vec::new(),
        };
        loop {
            let want = if seq == 0 { FIRST_STRETCH } else { STRETCH };
            let before = pending.len();
            // Read into spare capacity: zeroing it first would cost as much as the read.
            pending.reserve(want);
            let n = (&mut file)
                .take(want as u64)
                .read_to_end(&mut pending)
                .map_err(io)?;
            sha.update(&pending[before..]);
            read_so_far += n as u64;
            if read_so_far > plan.limit {
                return Err(InputError::TooLarge {
                    size: plan.size,
                    limit: plan.limit,
                });
            }
            let last = n < want;
            let cut = if last {
                pending.len()
            } else {
                match record_boundary(&pending) {
                    Some(cut) => cut,
                    None if pending.len() > MAX_STRETCH => {
                        taken.failed = Some(Fail::Misaligned);
                        break;
                    }
                    None => continue,
                }
            };
            // The bytes after the cut start the next stretch, in a buffer a worker has given
            // back: fresh buffers would cost a page fault per 4 KiB read.
            let mut rest = taken.spare.pop().unwrap_or_default();
            rest.clear();
            rest.extend_from_slice(&pending[cut..]);
            pending.truncate(cut);
            let bytes = std::mem::replace(&mut pending, rest);
            let stretch = Stretch {
                seq,
                skip: if seq == 0 && plan.utf8_bom { 3 } else { 0 },
                first_line: next_line,
                last,
                bytes,
            };
            next_line += count_lines(&stretch.bytes);
            seq += 1;
            if reader.is_scanning() {
                // Until the header is found, stretches are read here, in order.
                match read_stretch(&mut reader, &stretch, plan, max_columns) {
                    Ok(n) => {
                        taken.rows += n;
                        ingest.report_progress(taken.rows);
                        taken.spare.push(stretch.bytes);
                    }
                    Err(f) => {
                        taken.failed = Some(f);
                        break;
                    }
                }
            } else {
                if handles.is_empty() {
                    taken.next = stretch.seq;
                    for _ in 0..workers {
                        let (queue, done) = (&queue, done.clone());
                        handles.push(scope.spawn(move || {
                            crate::guard::mark_parsing();
                            loop {
                                let job = match queue.lock() {
                                    Ok(q) => q.recv(),
                                    Err(_) => break,
                                };
                                let Ok((stretch, mut part)) = job else { break };
                                let result = read_stretch(&mut part, &stretch, plan, max_columns)
                                    .map(|n| (part, n));
                                if done.send((stretch.seq, stretch.bytes, result)).is_err() {
                                    break;
                                }
                            }
                        }));
                    }
                }
                let part = reader.fork();
                if jobs.send((stretch, part)).is_err() {
                    break;
                }
                in_flight += 1;
                while let Ok(result) = finished.try_recv() {
                    in_flight -= 1;
                    taken.take(&mut reader, result, ingest);
                }
                if taken.failed.is_some() {
                    break;
                }
            }
            if last {
                break;
            }
        }
        drop(jobs);
        drop(done);
        while in_flight > 0 {
            let Ok(result) = finished.recv() else { break };
            in_flight -= 1;
            taken.take(&mut reader, result, ingest);
        }
        for h in handles {
            h.join().map_err(|_| {
                InputError::Corrupt("internal error while typing rows / 行数据处理出错".to_owned())
            })?;
        }
        ingest.report_progress(taken.rows);
        Ok(taken.failed)
    })?;
    Ok(match failed {
        None => Outcome::Read(Box::new(reader), hex::encode(sha.finalize())),
        Some(Fail::NotUtf8) => Outcome::NotUtf8,
        Some(Fail::Misaligned) => Outcome::Misaligned,
    })
}

/// Takes the workers' results back in file order.
struct InOrder<'c> {
    /// The stretch to absorb next.
    next: usize,
    waiting: BTreeMap<usize, Result<(SheetReader<'c>, u64), Fail>>,
    rows: u64,
    failed: Option<Fail>,
    /// Buffers of stretches already read, to read the next ones into.
    spare: Vec<Vec<u8>>,
}

impl<'c> InOrder<'c> {
    fn take(
        &mut self,
        reader: &mut SheetReader<'c>,
        (k, bytes, result): Done<'c>,
        ingest: &Ingest<'_>,
    ) {
        self.spare.push(bytes);
        self.waiting.insert(k, result);
        while let Some(result) = self.waiting.remove(&self.next) {
            match result {
                Ok((part, n)) => {
                    reader.absorb(part);
                    self.rows += n;
                    ingest.report_progress(self.rows);
                }
                Err(f) => {
                    self.failed.get_or_insert(f);
                }
            }
            self.next += 1;
        }
    }
}

/// Decodes one stretch, splits it into records and types them into `reader`. Returns how
/// many non-empty records it held.
fn read_stretch(
    reader: &mut SheetReader<'_>,
    stretch: &Stretch,
    plan: &Plan<'_>,
    max_columns: u32,
) -> Result<u64, Fail> {
    let raw = stretch.bytes.get(stretch.skip..).unwrap_or_default();
    // A stretch ends at an LF, never inside a character, so it decodes on its own exactly as
    // it would within the whole file.
    let text: Cow<'_, str> = if plan.encoding == UTF_8 {
        Cow::Borrowed(simdutf8::basic::from_utf8(raw).map_err(|_| Fail::NotUtf8)?)
    } else {
        plan.encoding.decode_without_bom_handling(raw).0
    };
    let mut records = Records::new(&text, plan.delimiter, stretch.first_line, stretch.seq == 0);
    let mut row = RawRow::default();
    let mut rows = 0;
    loop {
        row.clear(0);
        let mut col = 0u32;
        let Some(line) = records.next_record(|field| {
            if col < max_columns {
                // Records end at LF; the CR of a CRLF file is left on the field (and trimmed).
                // A field that is a slice of the stretch is borrowed, not copied.
                match field {
                    Field::Slice(s) => row.push_shared(col, s.strip_suffix('\r').unwrap_or(s)),
                    Field::Copy(s) => row.push_text(col, s.strip_suffix('\r').unwrap_or(s)),
                }
            }
            col += 1;
        }) else {
            break;
        };
        if row.is_empty() {
            continue;
        }
        row.number = line as u32;
        row.trim_cells();
        reader.push_row(&row);
        rows += 1;
    }
    if !stretch.last && !records.ended_aligned() {
        return Err(Fail::Misaligned);
    }
    Ok(rows)
}

#[expect(clippy::needless_pass_by_value, reason = "used as map_err(io)")]
fn io(e: std::io::Error) -> InputError {
    InputError::Io(e.to_string())
}
