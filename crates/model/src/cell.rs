//! Cell addresses as the user sees them: `H17` in a spreadsheet, column and line in a CSV.

use std::fmt;

use serde::{Serialize, Serializer};

/// A cell address: 0-based column, 1-based row number as shown by the spreadsheet program
/// (title and header rows counted) or the CSV line number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CellRef {
    pub col: u32,
    pub row: u32,
}

impl CellRef {
    pub fn new(col: u32, row: u32) -> Self {
        Self { col, row }
    }

    /// Column letters: 0 -> A, 25 -> Z, 26 -> AA.
    pub fn column_letters(col: u32) -> String {
        let mut n = col + 1;
        let mut letters = Vec::new();
        while n > 0 {
            let rem = (n - 1) % 26;
            letters.push(b'A' + rem as u8);
            n = (n - 1) / 26;
        }
        letters.reverse();
        String::from_utf8_lossy(&letters).into_owned()
    }
}

impl fmt::Display for CellRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", Self::column_letters(self.col), self.row)
    }
}

impl Serialize for CellRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::CellRef;

    #[test]
    fn a1_references() {
        assert_eq!(CellRef::new(0, 1).to_string(), "A1");
        assert_eq!(CellRef::new(7, 17).to_string(), "H17");
        assert_eq!(CellRef::new(25, 3).to_string(), "Z3");
        assert_eq!(CellRef::new(26, 3).to_string(), "AA3");
        assert_eq!(CellRef::new(16383, 1_048_576).to_string(), "XFD1048576");
    }
}
