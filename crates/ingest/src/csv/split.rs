//! Cutting a CSV file into stretches that each start a record, so they can be read on several
//! cores. A line feed ends a record unless it is inside quotes, and it is inside quotes when an
//! odd number of quotes precede it (from a record start). That holds for every file written by
//! a CSV writer; a hand-made file with a stray quote inside an unquoted field can fool it, so
//! each stretch is also checked to end between records when it is read (see `Records`), and
//! the file is read in one piece if one does not.
//!
//! Only the LF and quote bytes are looked at, so this works on the raw bytes of any encoding
//! where those bytes are never part of a longer character: UTF-8, and GBK, GB18030, Big5, Shift
//! JIS and the other ASCII-compatible encodings, whose trail bytes are 0x30 or above.

use memchr::{memchr_iter, memrchr};

/// Where to cut `buf`, which starts at a record start: just after the last LF preceded by an
/// even number of quotes. `None` if no LF is.
pub fn record_boundary(buf: &[u8]) -> Option<usize> {
    let total = memchr_iter(b'"', buf).count();
    let mut after = 0;
    let mut end = buf.len();
    while let Some(lf) = memrchr(b'\n', &buf[..end]) {
        after += memchr_iter(b'"', &buf[lf + 1..end]).count();
        if (total - after).is_multiple_of(2) {
            return Some(lf + 1);
        }
        end = lf;
    }
    None
}

/// How many LFs `buf` holds: the lines a stretch moves the line count on by.
pub fn count_lines(buf: &[u8]) -> u64 {
    memchr_iter(b'\n', buf).count() as u64
}

#[cfg(test)]
mod tests {
    use super::record_boundary;

    #[test]
    fn cuts_after_the_last_line_feed_outside_quotes() {
        assert_eq!(record_boundary(b"a,b\nc,d\ne"), Some(8));
        assert_eq!(record_boundary(b"a,\"b\nc\"\nd"), Some(8));
        assert_eq!(record_boundary(b"a,\"b\nc"), None);
        assert_eq!(record_boundary(b"a,b"), None);
        assert_eq!(record_boundary(b"x\na,\"b\nc"), Some(2));
    }
}
