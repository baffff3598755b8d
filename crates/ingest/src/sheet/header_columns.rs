//! What the header row says about its columns beyond which field each maps: the columns left
//! unread, a time column placed before its date column, and the unit a gestation header names.

use crate::header::{self, HeaderCell, HeaderMatch};
use crate::row::RawRow;
use crate::typing::{to_datetime, to_time};

use super::mapped::Mapped;
use super::rows::is_blank;

/// The header text of every column of the header row that no field took (a duplicate of a
/// mapped field has its own finding). A column with no text in the last header row shows the
/// group header above it.
pub(super) fn unmapped_headers(found: &HeaderMatch, rows: &[Vec<HeaderCell>]) -> Vec<String> {
    let last = &rows[found.last_row];
    let parent = found.last_row.checked_sub(1).map(|i| &rows[i]);
    let mut cols: Vec<u32> = last.iter().map(|c| c.col).collect();
    if found
        .columns
        .iter()
        .any(|(c, _)| !last.iter().any(|h| h.col == *c))
        && let Some(p) = parent
    {
        // A two-row header: the group row's columns are the header's too.
        cols.extend(p.iter().map(|c| c.col));
    }
    cols.sort_unstable();
    cols.dedup();
    // A column with nothing under it in the rows scanned (a HIS export's 扩展字段1…39) holds
    // nothing unread: listing it would bury the columns that do.
    let data = &rows[found.last_row + 1..];
    cols.into_iter()
        .filter(|col| data.is_empty() || data.iter().flatten().any(|c| c.col == *col))
        .filter(|col| {
            !found.columns.iter().any(|(c, _)| c == col)
                && !found.duplicate_columns.iter().any(|(c, _, _)| c == col)
        })
        .filter_map(|col| {
            last.iter()
                .chain(parent.into_iter().flatten())
                .find(|c| c.col == col)
                .map(|c| c.text.clone())
        })
        // A row number (序号) is the sheet's own, not data left unread.
        .filter(|text| {
            !matches!(
                header::normalize_header(text).as_str(),
                "序号" | "行号" | "顺序号" | "序" | "no" | "#"
            )
        })
        .collect()
}

/// A date-time field named by two columns (检查时间 + 检查日期) is read from the column holding
/// dates, with the other as its time of day, whichever comes first in the sheet: the header
/// maps the first column it meets, which may be the one holding only times ("8:30").
pub(super) fn date_before_time(found: &mut HeaderMatch, scan: &[RawRow<'static>]) {
    let data = scan.get(found.last_row + 1..).unwrap_or_default();
    for dup in &mut found.duplicate_columns {
        let (second, field, first) = *dup;
        let time_first = holds_times(data, first) && !holds_times(data, second);
        if !time_first {
            continue;
        }
        if let Some(entry) = found
            .columns
            .iter_mut()
            .find(|(c, f)| *c == first && *f == field)
        {
            entry.0 = second;
            *dup = (first, field, second);
        }
    }
    found.columns.sort_unstable();
}

/// Whether a column's values, among the rows scanned, are mostly times of day without a date.
fn holds_times(rows: &[RawRow<'_>], col: u32) -> bool {
    let (mut times, mut others) = (0usize, 0usize);
    for row in rows {
        let Some(v) = row.get(col).filter(|v| !is_blank(row, v)) else {
            continue;
        };
        let text = row.display(v);
        if to_datetime(v, &text).is_none() && to_time(v, &text).is_some() {
            times += 1;
        } else {
            others += 1;
        }
    }
    times > others
}

/// Sets, per gestation field, whether a bare number counts days, from the unit its header names.
/// A column with no cell in the last header row was named by the group header above it
/// (停经天数 merged over two header rows): that text is the header.
pub(super) fn gestation_units(m: &mut Mapped, scan: &[RawRow<'static>]) {
    let last = m.header.last_row;
    for &(col, field) in &m.header.columns {
        let header = [Some(last), last.checked_sub(1)]
            .into_iter()
            .flatten()
            .find_map(|r| scan.get(r)?.get(col).map(|v| scan[r].display(v)));
        if let Some(days) = header.and_then(|h| header::gestation_unit_is_days(&h)) {
            m.bare_days[field] = days;
        }
    }
}
