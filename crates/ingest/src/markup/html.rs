//! Tables of a web page, as web systems' "export to Excel" buttons save them (a .xls file that
//! is HTML). Each table is a sheet; rows are `<tr>`, cells `<td>`/`<th>`, with `colspan` and
//! `rowspan` read as merged regions so a two-row header reads as it does in a workbook. A
//! table inside a cell is a sheet of its own. End tags may be missing, as browsers allow.

use super::tokens::{Token, Tokens, attr, decode_entities};
use super::{MarkupSheet, Value};
use crate::Limits;
use crate::error::InputError;
use crate::sheet::Merge;

/// A table being read.
struct Open {
    sheet: usize,
    /// The row being read (0-based), if a `<tr>` or a cell started one.
    row: Option<u32>,
    next_row: u32,
    /// The cell being read: its column and text.
    cell: Option<(u32, String)>,
    next_col: u32,
    /// Columns taken by a `rowspan` from above: (first col, last col, last row).
    spans: Vec<(u32, u32, u32)>,
}

pub fn read(text: &str, limits: &Limits) -> Result<Vec<MarkupSheet>, InputError> {
    let mut sheets: Vec<MarkupSheet> = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut cells: u64 = 0;
    for token in Tokens::new(text) {
        match token {
            Token::Open {
                name,
                attrs,
                closed,
            } => match name.as_str() {
                "table" if !closed => {
                    sheets.push(MarkupSheet::default());
                    stack.push(Open {
                        sheet: sheets.len() - 1,
                        row: None,
                        next_row: 0,
                        cell: None,
                        next_col: 0,
                        spans: Vec::new(),
                    });
                }
                "tr" => {
                    if let Some(t) = stack.last_mut() {
                        end_row(t, &mut sheets);
                        start_row(t);
                    }
                }
                "td" | "th" => {
                    let Some(t) = stack.last_mut() else { continue };
                    end_cell(t, &mut sheets);
                    if t.row.is_none() {
                        start_row(t);
                    }
                    let row = t.row.unwrap_or(0);
                    let mut col = t.next_col;
                    while let Some(&(_, last, _)) = t.spans.iter().find(|(first, last, bottom)| {
                        (*first..=*last).contains(&col) && row <= *bottom
                    }) {
                        col = last.saturating_add(1);
                    }
                    let span = |key: &str| {
                        attr(attrs, key)
                            .and_then(|v| v.trim().parse::<u32>().ok())
                            .unwrap_or(1)
                            .clamp(1, limits.max_columns)
                    };
                    let (across, down) = (span("colspan"), span("rowspan"));
                    let last_col = col.saturating_add(across - 1);
                    let last_row = row.saturating_add(down - 1);
                    if across > 1 || down > 1 {
                        sheets[t.sheet].merges.push(Merge {
                            first_row: row,
                            first_col: col,
                            last_row,
                            last_col,
                        });
                    }
                    if down > 1 {
                        t.spans.push((col, last_col, last_row));
                    }
                    t.next_col = last_col.saturating_add(1);
                    cells += 1;
                    if cells > limits.max_cells {
                        return Err(InputError::TooManyCells {
                            limit: limits.max_cells,
                        });
                    }
                    t.cell = if closed {
                        None
                    } else {
                        Some((col, String::new()))
                    };
                }
                "br" | "p" | "div" | "li" => {
                    if let Some((_, text)) = stack.last_mut().and_then(|t| t.cell.as_mut())
                        && !text.is_empty()
                    {
                        text.push('\n');
                    }
                }
                _ => {}
            },
            Token::Close { name } => match name.as_str() {
                "table" => {
                    if let Some(mut t) = stack.pop() {
                        end_row(&mut t, &mut sheets);
                    }
                }
                "tr" => {
                    if let Some(t) = stack.last_mut() {
                        end_row(t, &mut sheets);
                    }
                }
                "td" | "th" => {
                    if let Some(t) = stack.last_mut() {
                        end_cell(t, &mut sheets);
                    }
                }
                _ => {}
            },
            Token::Text(raw) => {
                if let Some((_, text)) = stack.last_mut().and_then(|t| t.cell.as_mut()) {
                    let mut decoded = String::new();
                    decode_entities(raw, &mut decoded);
                    push_collapsed(text, &decoded);
                }
            }
        }
    }
    while let Some(mut t) = stack.pop() {
        end_row(&mut t, &mut sheets);
    }
    Ok(sheets)
}

fn start_row(t: &mut Open) {
    t.row = Some(t.next_row);
    t.next_row = t.next_row.saturating_add(1);
    t.next_col = 0;
}

fn end_cell(t: &mut Open, sheets: &mut [MarkupSheet]) {
    if let (Some(row), Some((col, text))) = (t.row, t.cell.take()) {
        let text = text.trim();
        if !text.is_empty() {
            sheets[t.sheet].push(row, col, Value::Text(text.to_owned()));
        }
    }
}

fn end_row(t: &mut Open, sheets: &mut [MarkupSheet]) {
    end_cell(t, sheets);
    t.row = None;
}

/// Appends text as a browser shows it: each run of white space one space, line breaks only
/// where a `<br>` put them.
fn push_collapsed(out: &mut String, text: &str) {
    for c in text.chars() {
        if c.is_whitespace() && c != '\u{a0}' {
            if !out.is_empty() && !out.ends_with([' ', '\n']) {
                out.push(' ');
            }
        } else {
            out.push(if c == '\u{a0}' { ' ' } else { c });
        }
    }
}
