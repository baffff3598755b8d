//! Reading and typing a sheet on two cores. Parsing the file (XML, deflate, CSV, decoding) and
//! typing its rows (dates, IDs, hashes, findings) cost about the same, so the parser fills
//! batches of rows on the calling thread while a second thread types them. Batches are recycled
//! through a return channel, so rows are copied once and no row is allocated twice; the queue is
//! bounded, so memory stays flat whatever the file size.

use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};

use crate::error::InputError;
use crate::row::RawRow;
use crate::sheet::SheetReader;

const BATCH_ROWS: usize = 512;
const BATCHES_IN_FLIGHT: usize = 4;

type Batch<'a> = (Vec<RawRow<'a>>, usize);

/// Collects rows from the parser into batches and hands them to the typing thread.
pub struct RowSink<'a> {
    batch: Vec<RawRow<'a>>,
    filled: usize,
    to_typist: SyncSender<Batch<'a>>,
    recycled: Receiver<Vec<RawRow<'a>>>,
}

impl<'a> RowSink<'a> {
    /// Starts the next row in place in the batch (no copy later).
    pub fn start_row(&mut self, number: u32) {
        if self.batch.len() <= self.filled {
            self.batch.push(RawRow::default());
        }
        self.batch[self.filled].clear(number);
    }

    /// The row being built; `start_row` must have been called.
    pub fn row(&mut self) -> &mut RawRow<'a> {
        if self.batch.len() <= self.filled {
            self.batch.push(RawRow::default());
        }
        &mut self.batch[self.filled]
    }

    /// Hands the row being built to the typing thread (in its batch).
    pub fn commit(&mut self) {
        self.filled += 1;
        if self.filled == BATCH_ROWS {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.filled == 0 {
            return;
        }
        let next = self.recycled.try_recv().unwrap_or_default();
        let full = std::mem::replace(&mut self.batch, next);
        // The typing thread only stops early if it failed; the outcome says so on join.
        let _ = self
            .to_typist
            .send((full, std::mem::take(&mut self.filled)));
    }
}

/// Runs `parse`, which feeds every row of one sheet to the sink, while `reader` types them on a
/// second thread. Returns what `parse` returned and the reader with every row typed, to be
/// finished once the parser's memory (calamine's shared strings) is released.
pub fn run<'a, 'c, T>(
    reader: SheetReader<'c>,
    parse: impl FnOnce(&mut RowSink<'a>) -> Result<T, InputError>,
) -> Result<(T, SheetReader<'c>), InputError> {
    std::thread::scope(|scope| {
        let (to_typist, batches) = sync_channel::<Batch<'a>>(BATCHES_IN_FLIGHT);
        let (recycle, recycled) = channel::<Vec<RawRow<'a>>>();
        let typist = scope.spawn(move || {
            crate::guard::mark_parsing();
            let mut reader = reader;
            for (mut batch, filled) in batches {
                for row in &mut batch[..filled] {
                    // Trimming here rather than while parsing keeps the parsing thread, the
                    // slower of the two, to the bare copy.
                    row.trim_cells();
                    reader.push_row(row);
                }
                let _ = recycle.send(batch);
            }
            reader
        });
        let mut sink = RowSink {
            batch: Vec::with_capacity(BATCH_ROWS),
            filled: 0,
            to_typist,
            recycled,
        };
        let parsed = parse(&mut sink);
        sink.flush();
        drop(sink);
        let reader = typist.join().map_err(|_| {
            InputError::Corrupt("internal error while typing rows / 行数据处理出错".to_owned())
        })?;
        Ok((parsed?, reader))
    })
}
