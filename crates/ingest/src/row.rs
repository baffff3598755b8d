//! One sheet row as read from any source, before it is typed. Text lives in one buffer per row
//! that is reused, so reading a row allocates nothing once the buffers have grown.

use std::borrow::Cow;

use crate::value::from_excel_serial;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RawValue {
    /// Text at `text[start..end]` of the row buffer.
    Text {
        start: u32,
        end: u32,
    },
    Int(i64),
    Float(f64),
    Bool(bool),
    /// An Excel date or date-time serial from a cell formatted as a date.
    DateTime(f64),
    /// A formula error such as #N/A.
    Error,
}

#[derive(Debug, Clone, Default)]
pub struct RawRow {
    /// Row number as the user sees it: 1-based spreadsheet row or CSV line.
    pub number: u32,
    text: String,
    cells: Vec<(u32, RawValue)>,
}

impl RawRow {
    /// Makes this row a copy of `other`, reusing this row's buffers.
    pub fn copy_from(&mut self, other: &RawRow) {
        self.number = other.number;
        self.text.clear();
        self.text.push_str(&other.text);
        self.cells.clear();
        self.cells.extend_from_slice(&other.cells);
    }

    pub fn clear(&mut self, number: u32) {
        self.number = number;
        self.text.clear();
        self.cells.clear();
    }

    /// Adds a text cell as written; [`RawRow::trim_cells`] trims it before it is typed.
    pub fn push_text(&mut self, col: u32, s: &str) {
        if s.is_empty() {
            return;
        }
        let start = self.text.len() as u32;
        self.text.push_str(s);
        let end = self.text.len() as u32;
        self.cells.push((col, RawValue::Text { start, end }));
    }

    /// Trims every text cell and drops those left empty, so nothing downstream trims again.
    pub fn trim_cells(&mut self) {
        let text = &self.text;
        self.cells.retain_mut(|(_, v)| {
            let RawValue::Text { start, end } = v else {
                return true;
            };
            let Some(s) = text.get(*start as usize..*end as usize) else {
                return false;
            };
            let trimmed = s.trim_start();
            let lead = (s.len() - trimmed.len()) as u32;
            let trimmed = trimmed.trim_end();
            *start += lead;
            *end = *start + trimmed.len() as u32;
            !trimmed.is_empty()
        });
    }

    pub fn push(&mut self, col: u32, value: RawValue) {
        self.cells.push((col, value));
    }

    pub fn cells(&self) -> &[(u32, RawValue)] {
        &self.cells
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    pub fn text(&self, value: &RawValue) -> &str {
        match *value {
            RawValue::Text { start, end } => {
                self.text.get(start as usize..end as usize).unwrap_or("")
            }
            _ => "",
        }
    }

    /// The value of column `col`, if the row has one.
    pub fn get(&self, col: u32) -> Option<&RawValue> {
        // Cells arrive in column order from every source, so a binary search finds them.
        self.cells
            .binary_search_by_key(&col, |(c, _)| *c)
            .ok()
            .map(|i| &self.cells[i].1)
    }

    /// A value as the user would read it in the cell.
    pub fn display<'a>(&'a self, value: &RawValue) -> Cow<'a, str> {
        match *value {
            RawValue::Text { .. } => Cow::Borrowed(self.text(value)),
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
            RawValue::Error => Cow::Borrowed("#ERROR"),
        }
    }

    /// Sorts cells by column; sources that may emit out of order call this once per row.
    pub fn sort(&mut self) {
        if !self.cells.is_sorted_by_key(|(c, _)| *c) {
            self.cells.sort_by_key(|(c, _)| *c);
        }
    }
}
