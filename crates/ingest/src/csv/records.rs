//! Records of CSV text that is already decoded and valid UTF-8, split exactly as the csv crate
//! splits them with the options `read_pass` gives it (double-quote escapes, records ending at
//! LF, blank lines skipped, a UTF-8 BOM at the start of the stream dropped). A record is
//! numbered by the line it starts on in the file; the csv crate would give a record after blank
//! lines the number of the first blank line. Fields are slices of the text; only a quoted field with an escaped quote, or
//! text after its closing quote, is copied. Validating a whole stretch of text once, instead
//! of each record, and not copying records into a buffer first is what makes this cheaper.

use memchr::{memchr, memchr2};

/// One field's text: a slice of the text being split, or (a quoted field with an escaped
/// quote, or text after its closing quote) a copy that lives only until the next field.
#[derive(Clone, Copy)]
pub enum Field<'t, 's> {
    Slice(&'t str),
    Copy(&'s str),
}

/// Why a field ended.
enum Stop {
    Delimiter,
    Newline,
    EndOfText,
}

pub struct Records<'t> {
    text: &'t str,
    pos: usize,
    /// The csv crate's line counter: 1 + the LFs consumed so far.
    line: u64,
    delimiter: u8,
    /// Whether the text so far ended between two records (not inside one).
    aligned: bool,
    scratch: String,
}

impl<'t> Records<'t> {
    /// Records of `text`, whose first line is line `first_line` of the file. `stream_start`:
    /// the text begins the file's content, where the csv crate drops a UTF-8 BOM.
    pub fn new(text: &'t str, delimiter: u8, first_line: u64, stream_start: bool) -> Self {
        let pos = if stream_start && text.starts_with('\u{feff}') {
            '\u{feff}'.len_utf8()
        } else {
            0
        };
        Self {
            text,
            pos,
            line: first_line,
            delimiter,
            aligned: true,
            scratch: String::new(),
        }
    }

    /// After the last record: whether the text ended right after a record's LF (or blank
    /// lines), so the next stretch of the file starts a record.
    pub fn ended_aligned(&self) -> bool {
        self.aligned
    }

    /// Reads the next record, handing each field to `field` in order, and returns the line of
    /// the file it starts on (blank lines before it skipped). `None` when no record is left.
    pub fn next_record(&mut self, mut field: impl FnMut(Field<'t, '_>)) -> Option<u64> {
        let bytes = self.text.as_bytes();
        while bytes.get(self.pos) == Some(&b'\n') {
            self.pos += 1;
            self.line += 1;
        }
        let line = self.line;
        if self.pos >= bytes.len() {
            return None;
        }
        loop {
            let stop = self.field(&mut field);
            match stop {
                Stop::Delimiter => {}
                Stop::Newline => {
                    self.aligned = true;
                    return Some(line);
                }
                Stop::EndOfText => {
                    self.aligned = false;
                    return Some(line);
                }
            }
        }
    }

    /// Reads one field starting at `pos` and the byte that ends it.
    fn field(&mut self, field: &mut impl FnMut(Field<'t, '_>)) -> Stop {
        let text = self.text;
        let bytes = text.as_bytes();
        let delimiter = self.delimiter;
        let unquoted_end = |from: usize| {
            memchr2(delimiter, b'\n', &bytes[from..]).map_or(bytes.len(), |k| from + k)
        };
        if bytes.get(self.pos) == Some(&b'"') {
            // A quoted field: pieces between escaped quotes, then anything after the closing
            // quote up to the delimiter, which the csv crate keeps as written.
            let mut p = self.pos + 1;
            let mut single: Option<(usize, usize)> = None;
            let mut copied = false;
            let mut piece = |range: (usize, usize), scratch: &mut String| {
                if copied {
                    scratch.push_str(&text[range.0..range.1]);
                } else if let Some(first) = single {
                    scratch.clear();
                    scratch.push_str(&text[first.0..first.1]);
                    scratch.push_str(&text[range.0..range.1]);
                    copied = true;
                } else {
                    single = Some(range);
                }
            };
            loop {
                let close = memchr(b'"', &bytes[p..]).map_or(bytes.len(), |k| p + k);
                self.line += memchr::memchr_iter(b'\n', &bytes[p..close]).count() as u64;
                piece((p, close), &mut self.scratch);
                p = close + 1;
                if p < bytes.len() && bytes[p] == b'"' {
                    // "" inside quotes is one quote: the second one starts the next piece.
                    piece((p, p + 1), &mut self.scratch);
                    p += 1;
                    continue;
                }
                break;
            }
            let p = p.min(bytes.len());
            if p < bytes.len() && bytes[p] != delimiter && bytes[p] != b'\n' {
                let end = unquoted_end(p);
                piece((p, end), &mut self.scratch);
                self.pos = end;
            } else {
                self.pos = p;
            }
            if copied {
                field(Field::Copy(&self.scratch));
            } else {
                let (start, end) = single.unwrap_or((p, p));
                field(Field::Slice(&text[start..end]));
            }
        } else {
            let end = unquoted_end(self.pos);
            field(Field::Slice(&text[self.pos..end]));
            self.pos = end;
        }
        match bytes.get(self.pos) {
            Some(&b) if b == delimiter => {
                self.pos += 1;
                Stop::Delimiter
            }
            Some(_) => {
                self.pos += 1;
                self.line += 1;
                Stop::Newline
            }
            None => Stop::EndOfText,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Field, Records};

    fn owned(f: Field<'_, '_>) -> String {
        match f {
            Field::Slice(s) | Field::Copy(s) => s.to_owned(),
        }
    }

    /// Every record as the csv crate reads it, with the line it starts on (the csv crate's
    /// line, which is that of the first blank line before the record, plus those blank lines),
    /// against ours.
    fn same_as_csv_crate(text: &str) {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .terminator(csv::Terminator::Any(b'\n'))
            .from_reader(text.as_bytes());
        let mut expected = Vec::new();
        let mut record = csv::StringRecord::new();
        while reader.read_record(&mut record).unwrap() {
            let fields: Vec<String> = record.iter().map(str::to_owned).collect();
            let position = record.position().unwrap();
            let blank = text.as_bytes()[position.byte() as usize..]
                .iter()
                .take_while(|b| **b == b'\n')
                .count() as u64;
            expected.push((position.line() + blank, fields));
        }
        let mut ours = Vec::new();
        let mut records = Records::new(text, b',', 1, true);
        loop {
            let mut fields = Vec::new();
            let Some(line) = records.next_record(|f| fields.push(owned(f))) else {
                break;
            };
            ours.push((line, fields));
        }
        assert_eq!(ours, expected, "{text:?}");
    }

    #[test]
    fn splits_like_the_csv_crate() {
        for text in [
            "",
            "\n",
            "a",
            "a,b\nc,d\n",
            "a,b\r\nc,d\r\n",
            "a,b\n\n\nc,d",
            "\n\na,b\n",
            "a\n\n\n\"b\nc\"\n\nd,e",
            "a,,b,\n,\n",
            "\"a,b\",c\n",
            "\"a\"\"b\",c\n",
            "\"a\nb\",c\nd\n",
            "\"ab\"cd,e\n",
            "\"ab\"c\"d,e\n",
            "ab\"c,d\n",
            "\"unterminated,x\ny",
            "\"\"\n\"\"\"\"\n",
            "\u{feff}a,b\n",
            "\u{feff}\"a\",b\n",
            "甲,乙\n\"丙，丁\",戊\n",
            "a,\"b\"\"\n",
            "a,\"\"x\n",
        ] {
            same_as_csv_crate(text);
        }
    }

    #[test]
    fn numbers_a_record_after_blank_lines_by_the_line_it_starts_on() {
        let mut r = Records::new("\n\n\n\nhead\nrow\n\nlast", b',', 1, true);
        let mut lines = Vec::new();
        while let Some(line) = r.next_record(|_| {}) {
            lines.push(line);
        }
        assert_eq!(lines, [5, 6, 8]);
    }

    #[test]
    fn tells_whether_the_text_ended_between_records() {
        let mut r = Records::new("a\nb\n", b',', 1, false);
        while r.next_record(|_| {}).is_some() {}
        assert!(r.ended_aligned());
        let mut r = Records::new("a\n\"b\n", b',', 1, false);
        while r.next_record(|_| {}).is_some() {}
        assert!(!r.ended_aligned());
        let mut r = Records::new("a\nb", b',', 1, false);
        while r.next_record(|_| {}).is_some() {}
        assert!(!r.ended_aligned());
    }
}
