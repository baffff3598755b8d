//! One sheet row as read from any source, before it is typed. Text the source keeps for the
//! whole sheet (calamine's shared strings) is borrowed, not copied; other text lives in one
//! buffer per row that is reused, so reading a row allocates nothing once the buffers have grown.

use std::borrow::Cow;

use crate::value::from_excel_serial;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RawValue<'a> {
    /// Text at `text[start..end]` of the row buffer.
    Text {
        start: u32,
        end: u32,
    },
    /// Text the source holds while the row is read (calamine's shared strings, a CSV stretch).
    Shared(&'a str),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// An Excel date or date-time serial from a cell formatted as a date.
    DateTime(f64),
    /// A formula error, by the code Excel shows for it (`#N/A`, `#REF!`): no value, which
    /// the rules must see as missing and the user must be told of.
    Error(&'static str),
}

/// The code of [`RawValue::Error`] for a formula saved without its result: the program that
/// wrote the file never calculated it, so the cell's value is unknown, not empty.
pub const UNCALCULATED: &str = "=?";

impl RawValue<'_> {
    pub fn is_text(&self) -> bool {
        matches!(self, Self::Text { .. } | Self::Shared(_))
    }
}

#[derive(Debug, Clone, Default)]
pub struct RawRow<'a> {
    /// Row number as the user sees it: 1-based spreadsheet row or CSV line.
    pub number: u32,
    text: String,
    cells: Vec<(u32, RawValue<'a>)>,
}

/// Whether `s` may start with a character `str::trim` removes: false when its first byte
/// cannot begin one (digits, letters, CJK), which spares decoding it for most cells.
fn may_start_with_space(s: &str) -> bool {
    // Whitespace is ASCII 09..0D and 20, or starts with C2 (U+0085, U+00A0), E1 (U+1680),
    // E2 (U+2000..U+205F) or E3 (U+3000).
    s.as_bytes()
        .first()
        .is_some_and(|b| matches!(b, 0x09..=0x0D | 0x20 | 0xC2 | 0xE1..=0xE3))
}

/// Whether `s` may end with a character `str::trim` removes, from its last byte alone.
fn may_end_with_space(s: &str) -> bool {
    // The last bytes of the whitespace characters: ASCII 09..0D and 20; 85, A0 (U+0085,
    // U+00A0); 80 (U+1680, U+3000); 80..8A (U+2000..U+200A); A8, A9, AF (U+2028, U+2029,
    // U+202F); 9F (U+205F).
    s.as_bytes().last().is_some_and(|b| {
        matches!(
            b,
            0x09..=0x0D | 0x20 | 0x80..=0x8A | 0x9F | 0xA0 | 0xA8 | 0xA9 | 0xAF
        )
    })
}

/// Whether `s` may carry a text mark, from its first bytes alone.
fn may_be_marked(s: &str) -> bool {
    matches!(s.as_bytes().first(), Some(b'=' | b'\''))
}

/// `s` trimmed, without the marks spreadsheet exports put on a number to keep it as text:
/// `="370921…"` (a formula whose value is the text inside) and a leading apostrophe (Excel's
/// text prefix, which Excel never shows). Without them every ID number and date so written
/// would read as invalid.
fn text_marked(s: &str) -> &str {
    let s = s.trim();
    let inner = if let Some(quoted) = s.strip_prefix("=\"").and_then(|r| r.strip_suffix('"'))
        && !quoted.contains('"')
    {
        quoted
    } else if let Some(rest) = s.strip_prefix('\'') {
        rest
    } else {
        return s;
    };
    inner.trim()
}

impl<'a> RawRow<'a> {
    pub fn clear(&mut self, number: u32) {
        self.number = number;
        self.text.clear();
        self.cells.clear();
    }

    /// Adds a text cell as written (copied); [`RawRow::trim_cells`] trims it before it is typed.
    pub fn push_text(&mut self, col: u32, s: &str) {
        if s.is_empty() {
            return;
        }
        let start = self.text.len() as u32;
        self.text.push_str(s);
        let end = self.text.len() as u32;
        self.cells.push((col, RawValue::Text { start, end }));
    }

    /// Adds a text cell the source keeps alive for the whole sheet (borrowed).
    pub fn push_shared(&mut self, col: u32, s: &'a str) {
        if !s.is_empty() {
            self.cells.push((col, RawValue::Shared(s)));
        }
    }

    /// Trims every text cell, takes off the marks that keep a number as text (see
    /// [`text_marked`]) and drops cells left empty, so nothing downstream trims again.
    pub fn trim_cells(&mut self) {
        let text = &self.text;
        self.cells.retain_mut(|(_, v)| match v {
            RawValue::Text { start, end } => {
                let Some(s) = text.get(*start as usize..*end as usize) else {
                    return false;
                };
                if !may_start_with_space(s) && !may_end_with_space(s) && !may_be_marked(s) {
                    return !s.is_empty();
                }
                let inner = text_marked(s);
                // `inner` is a slice of `s`: its offset within it moves the start.
                let lead = (inner.as_ptr() as usize - s.as_ptr() as usize) as u32;
                *start += lead;
                *end = *start + inner.len() as u32;
                !inner.is_empty()
            }
            RawValue::Shared(s) => {
                if may_start_with_space(s) || may_end_with_space(s) || may_be_marked(s) {
                    *s = text_marked(s);
                }
                !s.is_empty()
            }
            _ => true,
        });
    }

    pub fn push(&mut self, col: u32, value: RawValue<'a>) {
        self.cells.push((col, value));
    }

    pub fn cells(&self) -> &[(u32, RawValue<'a>)] {
        &self.cells
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The text of a text value of this row; empty for other values.
    pub fn text<'s>(&'s self, value: &RawValue<'s>) -> &'s str {
        match *value {
            RawValue::Text { start, end } => {
                self.text.get(start as usize..end as usize).unwrap_or("")
            }
            RawValue::Shared(s) => s,
            _ => "",
        }
    }

    /// The value of column `col`, if the row has one.
    pub fn get(&self, col: u32) -> Option<&RawValue<'a>> {
        self.index_of(col).map(|i| &self.cells[i].1)
    }

    /// Where column `col` sits among the row's cells.
    pub fn index_of(&self, col: u32) -> Option<usize> {
        // Cells arrive in column order from every source, so a binary search finds them.
        self.cells.binary_search_by_key(&col, |(c, _)| *c).ok()
    }

    /// A value as the user would read it in the cell.
    pub fn display<'s>(&'s self, value: &RawValue<'s>) -> Cow<'s, str> {
        match *value {
            RawValue::Text { .. } | RawValue::Shared(_) => Cow::Borrowed(self.text(value)),
            RawValue::Int(i) => Cow::Owned(i.to_string()),
            RawValue::Float(f) => Cow::Owned(crate::column::format_number(f)),
            RawValue::Bool(b) => Cow::Borrowed(if b { "TRUE" } else { "FALSE" }),
            RawValue::DateTime(serial) => Cow::Owned(from_excel_serial(serial).map_or_else(
                || serial.to_string(),
                |t| {
                    if t.time() == chrono::NaiveTime::MIN {
                        t.date().to_string()
                    } else {
                        t.format("%Y-%m-%d %H:%M:%S").to_string()
                    }
                },
            )),
            RawValue::Error(code) => Cow::Borrowed(code),
        }
    }

    /// Sorts cells by column; sources that may emit out of order call this once per row.
    pub fn sort(&mut self) {
        if !self.cells.is_sorted_by_key(|(c, _)| *c) {
            self.cells.sort_by_key(|(c, _)| *c);
        }
    }

    /// A copy that owns all its text, to keep beyond the source's lifetime.
    pub fn to_owned_row(&self) -> RawRow<'static> {
        let mut out = RawRow {
            number: self.number,
            text: String::with_capacity(self.text.len()),
            cells: Vec::new(),
        };
        for (col, v) in &self.cells {
            match v {
                RawValue::Text { .. } | RawValue::Shared(_) => out.push_text(*col, self.text(v)),
                RawValue::Int(i) => out.push(*col, RawValue::Int(*i)),
                RawValue::Float(f) => out.push(*col, RawValue::Float(*f)),
                RawValue::Bool(b) => out.push(*col, RawValue::Bool(*b)),
                RawValue::DateTime(d) => out.push(*col, RawValue::DateTime(*d)),
                RawValue::Error(code) => out.push(*col, RawValue::Error(code)),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::{may_end_with_space, may_start_with_space};

    #[test]
    fn text_marks_of_exports_are_taken_off() {
        for (cell, text) in [
            ("=\"370921199102111023\"", "370921199102111023"),
            ("'370921199203121065", "370921199203121065"),
            (" =\" 2026-03-05 09:30:00 \" ", "2026-03-05 09:30:00"),
            ("'", ""),
            ("=\"\"", ""),
            // Not a text mark: a formula, an unbalanced quote, quotes inside.
            ("=A1+B1", "=A1+B1"),
            ("=\"a\"&\"b\"", "=\"a\"&\"b\""),
            ("=\"370921", "=\"370921"),
            ("王'芳", "王'芳"),
        ] {
            assert_eq!(super::text_marked(cell), text, "{cell}");
        }
    }

    #[test]
    fn the_edge_byte_tests_see_every_whitespace_character() {
        for c in (0..=0x0010_FFFF)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
        {
            let s = format!("{c}x{c}");
            assert!(may_start_with_space(&s) && may_end_with_space(&s), "{c:?}");
        }
        assert!(!may_start_with_space("2024-03-01") && !may_end_with_space("2024-03-01"));
        assert!(!may_start_with_space("米非司酮片") && !may_end_with_space("盒"));
    }
}
