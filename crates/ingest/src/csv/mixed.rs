//! Files of two encodings: `copy /b a.csv+b.csv` of a UTF-8 export and a GBK one, or a GBK row
//! pasted into a UTF-8 file. Read as a whole in either encoding, the other part is mojibake;
//! and one stray sequence made chardetng read a UTF-8 Chinese ledger as windows-1252. Such a
//! file is read line by line: a line that is valid UTF-8 is UTF-8, any other is GB18030.

use std::cell::RefCell;
use std::io::{BufRead, Read};

use encoding_rs::GB18030;

/// Non-ASCII bytes a line must hold before its being valid UTF-8 says the file is UTF-8 in
/// part: a GBK line of a few characters can pass for UTF-8 by chance, a longer one cannot.
const UTF8_EVIDENCE: usize = 6;

/// Whether `head`, the first bytes of a file that is not UTF-8 throughout, has lines of
/// Chinese (or other non-ASCII) text in UTF-8.
pub fn has_utf8_lines(head: &[u8]) -> bool {
    head.split(|b| *b == b'\n')
        // The last piece may be cut inside a character.
        .take(head.split(|b| *b == b'\n').count().saturating_sub(1).max(1))
        .any(|line| {
            line.iter().filter(|b| !b.is_ascii()).count() >= UTF8_EVIDENCE
                && std::str::from_utf8(line).is_ok()
        })
}

/// Reads lines from `inner` and hands them out as UTF-8: as they are if they are, decoded
/// from GB18030 if not. Remembers which lines were not UTF-8.
pub struct LineByLine<'l, R> {
    inner: R,
    line: Vec<u8>,
    out: Vec<u8>,
    served: usize,
    number: u32,
    /// 1-based numbers of the lines read as GB18030 (the first few), and how many there were.
    not_utf8: &'l RefCell<(Vec<u32>, u32)>,
}

impl<'l, R: BufRead> LineByLine<'l, R> {
    pub fn new(inner: R, not_utf8: &'l RefCell<(Vec<u32>, u32)>) -> Self {
        Self {
            inner,
            line: Vec::new(),
            out: Vec::new(),
            served: 0,
            number: 0,
            not_utf8,
        }
    }
}

/// The sheet's note on the lines read as GB18030, (zh, en).
pub fn note(lines: &[u32], count: u32) -> (String, String) {
    let list = lines
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join("、");
    let more = if count as usize > lines.len() {
        " 等"
    } else {
        ""
    };
    let list_en = lines
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let more_en = if count as usize > lines.len() {
        " …"
    } else {
        ""
    };
    (
        format!(
            "文件中有 {count} 行（第 {list}{more} 行）不是 UTF-8 编码，已按 GBK/GB18030 读取：文件可能由不同编码的文件拼接而成，请核对这些行的内容"
        ),
        format!(
            "{count} lines (line {list_en}{more_en}) are not UTF-8 and were read as GBK/GB18030: the file may join files of different encodings; check those lines"
        ),
    )
}

impl<R: BufRead> Read for LineByLine<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.served == self.out.len() {
            self.line.clear();
            if self.inner.read_until(b'\n', &mut self.line)? == 0 {
                return Ok(0);
            }
            self.number += 1;
            self.out.clear();
            self.served = 0;
            if std::str::from_utf8(&self.line).is_ok() {
                std::mem::swap(&mut self.out, &mut self.line);
            } else {
                let (text, _) = GB18030.decode_without_bom_handling(&self.line);
                self.out.extend_from_slice(text.as_bytes());
                let mut log = self.not_utf8.borrow_mut();
                log.1 += 1;
                if log.0.len() < 5 {
                    log.0.push(self.number);
                }
            }
        }
        let n = buf.len().min(self.out.len() - self.served);
        buf[..n].copy_from_slice(&self.out[self.served..self.served + n]);
        self.served += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::{LineByLine, has_utf8_lines};

    #[test]
    fn each_line_in_its_own_encoding() {
        let mut bytes = "检查日期,姓名\n2026-03-05,张丽\n".as_bytes().to_vec();
        bytes.extend_from_slice(&encoding_rs::GBK.encode("2026-03-06,刘芳\n").0);
        bytes.extend_from_slice("2026-03-07,李娜".as_bytes());
        assert!(has_utf8_lines(&bytes));
        let log = std::cell::RefCell::new((Vec::new(), 0));
        let mut reader = LineByLine::new(bytes.as_slice(), &log);
        let mut text = String::new();
        reader.read_to_string(&mut text).unwrap();
        assert_eq!(
            text,
            "检查日期,姓名\n2026-03-05,张丽\n2026-03-06,刘芳\n2026-03-07,李娜"
        );
        assert_eq!(log.into_inner(), (vec![3], 1));
    }

    #[test]
    fn a_gbk_file_has_no_utf8_lines() {
        let gbk = encoding_rs::GBK
            .encode("检查日期,姓名,身份证号\n2026-03-05,张丽,370921199102111023\n")
            .0;
        assert!(!has_utf8_lines(&gbk));
    }
}
