//! Spreadsheets that are markup: web pages holding a table, which web and hospital systems save
//! as .xls from their "export to Excel" buttons, and Excel 2003's XML Spreadsheet. Excel opens
//! both; read as CSV they would be one line of tags. Each is decoded, parsed whole (such exports
//! are small) and its rows are fed to the sheet reader as a workbook's are, under the same
//! limits.

use std::path::Path;

use calamine::{CellErrorType, DataRef};
use encoding_rs::{Encoding, GB18030, UTF_8};

mod html;
mod spreadsheetml;
mod tokens;

use crate::error::InputError;
use crate::pipeline;
use crate::sheet::Merge;
use crate::sniff::Format;
use crate::workbook::RowAssembler;
use crate::{Ingest, SheetOutcome};

/// One sheet's cells, by 0-based row and column, rows in order.
#[derive(Default)]
pub struct MarkupSheet {
    pub name: String,
    pub hidden: bool,
    pub rows: Vec<(u32, Vec<(u32, Value)>)>,
    pub merges: Vec<Merge>,
}

impl MarkupSheet {
    fn push(&mut self, row: u32, col: u32, value: Value) {
        match self.rows.last_mut() {
            Some((r, cells)) if *r == row => cells.push((col, value)),
            _ => self.rows.push((row, vec![(col, value)])),
        }
    }
}

pub enum Value {
    Text(String),
    Number(f64),
    Bool(bool),
    Error(CellErrorType),
}

/// The value of an error cell written as its code (`#REF!`).
fn error_value(code: &str) -> Option<Value> {
    use CellErrorType as E;
    let e = match code {
        "#DIV/0!" => E::Div0,
        "#N/A" => E::NA,
        "#NAME?" => E::Name,
        "#NULL!" => E::Null,
        "#NUM!" => E::Num,
        "#REF!" => E::Ref,
        "#VALUE!" => E::Value,
        "#DATA!" => E::GettingData,
        _ => return None,
    };
    Some(Value::Error(e))
}

/// Reads a markup spreadsheet of `format` (HTML or SpreadsheetML): one outcome per sheet that
/// has cells.
pub fn read_markup(
    path: &Path,
    format: Format,
    file: &str,
    ingest: &Ingest<'_>,
) -> Result<Vec<SheetOutcome>, InputError> {
    let bytes = std::fs::read(path).map_err(|e| InputError::Io(e.to_string()))?;
    let text = decode(&bytes);
    let sheets = if format == Format::SpreadsheetMl {
        spreadsheetml::read(&text, &ingest.limits)?
    } else {
        html::read(&text, &ingest.limits)?
    };
    drop(bytes);
    let sheets: Vec<MarkupSheet> = sheets.into_iter().filter(|s| !s.rows.is_empty()).collect();
    // A web page's tables have no names: one is the file itself, several are numbered.
    let several = sheets.len() > 1;
    let mut out = Vec::new();
    for (i, sheet) in sheets.into_iter().enumerate() {
        let name = if format == Format::Html && several {
            format!("表格{}", i + 1)
        } else {
            sheet.name
        };
        let reader = ingest.sheet_reader(file, &name, sheet.hidden, sheet.merges);
        let rows = &sheet.rows;
        let ((), typed) = pipeline::run(reader, |sink| {
            let mut assembler = RowAssembler::new(ingest);
            for (r, cells) in rows {
                for (c, value) in cells {
                    let value = match value {
                        Value::Text(s) => DataRef::SharedString(s),
                        Value::Number(n) => DataRef::Float(*n),
                        Value::Bool(b) => DataRef::Bool(*b),
                        Value::Error(e) => DataRef::Error(e.clone()),
                    };
                    assembler.cell(*r, *c, &value, sink)?;
                }
            }
            assembler.finish(sink);
            Ok(())
        })?;
        out.push(typed.finish());
    }
    Ok(out)
}

/// The text of a markup file: in the encoding its BOM, its `<meta charset>` or its XML
/// declaration names; else UTF-8 if it is valid UTF-8, else GB18030 (Chinese Windows' own).
fn decode(bytes: &[u8]) -> String {
    let declared = Encoding::for_bom(bytes)
        .map(|(e, _)| e)
        .or_else(|| declared_charset(&bytes[..bytes.len().min(4096)]));
    let encoding = declared.unwrap_or_else(|| {
        if std::str::from_utf8(bytes).is_ok() {
            UTF_8
        } else {
            GB18030
        }
    });
    // GB2312 and GBK pages are read with their superset.
    let encoding = if encoding.name() == "GBK" {
        GB18030
    } else {
        encoding
    };
    encoding.decode(bytes).0.into_owned()
}

/// The encoding named by `charset=` or `encoding=` in the first bytes of the file.
fn declared_charset(head: &[u8]) -> Option<&'static Encoding> {
    let lower = head.to_ascii_lowercase();
    for key in [b"charset=".as_slice(), b"encoding="] {
        let Some(at) = lower.windows(key.len()).position(|w| w == key) else {
            continue;
        };
        let label: Vec<u8> = lower[at + key.len()..]
            .iter()
            .skip_while(|b| matches!(b, b'"' | b'\'' | b' '))
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
            .copied()
            .collect();
        // A page that says UTF-16 was already decoded to bytes that are not: ignore it.
        if let Some(e) = Encoding::for_label(&label).filter(|e| e.is_ascii_compatible()) {
            return Some(e);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn the_declared_encoding_wins_and_gbk_is_the_fallback() {
        let (gbk, _, _) = encoding_rs::GBK.encode("<meta charset=\"gb2312\"><td>张丽</td>");
        assert_eq!(decode(&gbk), "<meta charset=\"gb2312\"><td>张丽</td>");
        let (gbk, _, _) = encoding_rs::GBK.encode("<td>张丽</td>");
        assert_eq!(decode(&gbk), "<td>张丽</td>");
        assert_eq!(decode("<td>张丽</td>".as_bytes()), "<td>张丽</td>");
    }
}
