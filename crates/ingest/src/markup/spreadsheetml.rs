//! Excel 2003's XML Spreadsheet: `<Worksheet ss:Name>` holds `<Table>`, whose `<Row>`s hold
//! `<Cell>`s with their `<Data ss:Type>`. Rows and cells may skip ahead (`ss:Index`, 1-based);
//! `ss:MergeAcross`/`ss:MergeDown` are merged regions; a cell's `<Comment>` is not its value.

use chrono::NaiveDateTime;

use super::tokens::{Token, Tokens, attr, decode_entities};
use super::{MarkupSheet, Value};
use crate::Limits;
use crate::error::InputError;
use crate::sheet::Merge;

#[derive(Default)]
struct Cell {
    col: u32,
    kind: String,
    text: String,
    in_data: bool,
}

pub fn read(text: &str, limits: &Limits) -> Result<Vec<MarkupSheet>, InputError> {
    let mut sheets: Vec<MarkupSheet> = Vec::new();
    let (mut row, mut next_row, mut next_col) = (0u32, 0u32, 0u32);
    let mut cell: Option<Cell> = None;
    let mut comment_depth = 0u32;
    let mut in_visible = false;
    let mut cells: u64 = 0;
    let index = |attrs: &str, key: &str| {
        attr(attrs, key)
            .and_then(|v| v.trim().parse::<u32>().ok())
            .filter(|n| *n >= 1)
    };
    for token in Tokens::new(text) {
        match token {
            Token::Open {
                name,
                attrs,
                closed,
            } => match name.as_str() {
                "worksheet" => {
                    sheets.push(MarkupSheet {
                        name: attr(attrs, "name").unwrap_or_default(),
                        ..MarkupSheet::default()
                    });
                    next_row = 0;
                }
                "row" => {
                    row = index(attrs, "index").map_or(next_row, |n| n - 1);
                    next_row = row.saturating_add(1);
                    next_col = 0;
                }
                "cell" => {
                    let col = index(attrs, "index").map_or(next_col, |n| n - 1);
                    let across = attr(attrs, "mergeacross")
                        .and_then(|v| v.trim().parse::<u32>().ok())
                        .unwrap_or(0)
                        .min(limits.max_columns);
                    let down = attr(attrs, "mergedown")
                        .and_then(|v| v.trim().parse::<u32>().ok())
                        .unwrap_or(0);
                    if let Some(sheet) = sheets.last_mut()
                        && (across > 0 || down > 0)
                    {
                        sheet.merges.push(Merge {
                            first_row: row,
                            first_col: col,
                            last_row: row.saturating_add(down),
                            last_col: col.saturating_add(across),
                        });
                    }
                    next_col = col.saturating_add(across).saturating_add(1);
                    cells += 1;
                    if cells > limits.max_cells {
                        return Err(InputError::TooManyCells {
                            limit: limits.max_cells,
                        });
                    }
                    cell = (!closed).then(|| Cell {
                        col,
                        ..Cell::default()
                    });
                }
                "comment" if !closed => comment_depth += 1,
                "data" if comment_depth == 0 && !closed => {
                    if let Some(c) = cell.as_mut() {
                        c.kind = attr(attrs, "type").unwrap_or_default();
                        c.in_data = true;
                    }
                }
                "visible" if !closed => in_visible = true,
                _ => {}
            },
            Token::Close { name } => match name.as_str() {
                "cell" => {
                    if let (Some(c), Some(sheet)) = (cell.take(), sheets.last_mut())
                        && let Some(value) = value(&c.kind, &c.text)
                    {
                        sheet.push(row, c.col, value);
                    }
                }
                "comment" => comment_depth = comment_depth.saturating_sub(1),
                "data" => {
                    if let Some(c) = cell.as_mut() {
                        c.in_data = false;
                    }
                }
                "visible" => in_visible = false,
                _ => {}
            },
            Token::Text(raw) => {
                if let Some(c) = cell.as_mut().filter(|c| c.in_data && comment_depth == 0) {
                    decode_entities(raw, &mut c.text);
                } else if in_visible
                    && matches!(raw.trim(), "SheetHidden" | "SheetVeryHidden")
                    && let Some(sheet) = sheets.last_mut()
                {
                    sheet.hidden = true;
                }
            }
        }
    }
    Ok(sheets)
}

/// A cell's value by its declared type. Numbers too long for a float (an ID typed as a
/// number) stay text, as written.
fn value(kind: &str, text: &str) -> Option<Value> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return None;
    }
    Some(match kind.to_ascii_lowercase().as_str() {
        "number" => {
            let digits = trimmed.bytes().filter(u8::is_ascii_digit).count();
            match trimmed.parse::<f64>() {
                Ok(n) if digits <= 15 => Value::Number(n),
                _ => Value::Text(text.to_owned()),
            }
        }
        "datetime" => match NaiveDateTime::parse_from_str(trimmed, "%Y-%m-%dT%H:%M:%S%.f") {
            Ok(t) if t.time() == chrono::NaiveTime::MIN => {
                Value::Text(t.date().format("%Y-%m-%d").to_string())
            }
            Ok(t) => Value::Text(t.format("%Y-%m-%d %H:%M:%S").to_string()),
            Err(_) => Value::Text(text.to_owned()),
        },
        "boolean" => Value::Bool(trimmed == "1" || trimmed.eq_ignore_ascii_case("true")),
        "error" => super::error_value(trimmed).unwrap_or_else(|| Value::Text(text.to_owned())),
        _ => Value::Text(text.to_owned()),
    })
}
