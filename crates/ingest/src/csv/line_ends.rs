//! Classic Mac line ends: Excel for Mac's "CSV (Macintosh)" ends lines with a CR alone, which
//! Excel itself reads as a line break. Such a file is read as one stream with every CR turned
//! into an LF (a CRLF into one LF), so records, row numbers and quoted line breaks come out as
//! in any other file.

use std::io::Read;

/// Whether the first bytes of a file end their lines with a lone CR: more CRs not followed by
/// an LF than LFs.
pub fn ends_lines_with_cr(head: &[u8]) -> bool {
    let lone_cr = head
        .windows(2)
        .filter(|w| w[0] == b'\r' && w[1] != b'\n')
        .count()
        + usize::from(head.last() == Some(&b'\r'));
    let lf = memchr::memchr_iter(b'\n', head).count();
    lone_cr > lf
}

/// Reads `inner` with every CR, and every CRLF, turned into one LF.
pub struct CrAsLf<R> {
    inner: R,
    /// The last byte handed out was a CR made LF: an LF right after it is dropped.
    after_cr: bool,
}

impl<R> CrAsLf<R> {
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            after_cr: false,
        }
    }
}

impl<R: Read> Read for CrAsLf<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let n = self.inner.read(buf)?;
            if n == 0 {
                return Ok(0);
            }
            let mut kept = 0;
            for i in 0..n {
                let b = buf[i];
                if b == b'\n' && std::mem::take(&mut self.after_cr) {
                    continue;
                }
                self.after_cr = b == b'\r';
                buf[kept] = if self.after_cr { b'\n' } else { b };
                kept += 1;
            }
            // A read that was only the LF of a CRLF gives nothing; reading 0 would end the file.
            if kept > 0 {
                return Ok(kept);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::{CrAsLf, ends_lines_with_cr};

    /// Reads through a reader that hands out one byte at a time, so a CRLF is split.
    struct Bytewise<'a>(&'a [u8]);

    impl Read for Bytewise<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let Some((&b, rest)) = self.0.split_first() else {
                return Ok(0);
            };
            buf[0] = b;
            self.0 = rest;
            Ok(1)
        }
    }

    #[test]
    fn every_cr_and_crlf_becomes_one_lf() {
        let mut out = String::new();
        CrAsLf::new(Bytewise(b"a,b\rc,d\r\ne\n\rf\r"))
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "a,b\nc,d\ne\n\nf\n");
    }

    #[test]
    fn tells_cr_line_ends_from_crlf_and_lf() {
        assert!(ends_lines_with_cr(b"title\rdate,name\r2026-03-05,x\r"));
        assert!(!ends_lines_with_cr(b"title\r\ndate,name\r\n"));
        assert!(!ends_lines_with_cr(b"title\ndate,name\n"));
        // A CR inside a cell of an LF file does not make it a Mac file.
        assert!(!ends_lines_with_cr(b"a,\"b\rc\"\nd,e\nf,g\n"));
    }
}
