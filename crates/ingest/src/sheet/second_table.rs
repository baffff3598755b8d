//! A second table on the same sheet, which one sheet reader does not read: the two halves of a
//! printed register side by side (the same header twice in one row), or another ledger stacked
//! above the one found (a device list above the exam register). Neither is dropped silently:
//! the sheet gets a note naming the rows or columns left unchecked.

use auditor_model::CellRef;

use crate::header::{self, HeaderCell, HeaderMatch};
use crate::row::RawRow;
use crate::spec::Catalog;

/// Fewest fields a repeated header must name again to be a second copy of the table.
const MIN_REPEATED: usize = 3;

/// The note for a header naming its fields twice, the second time all to the right of the
/// first (A–F, then H–M again): the right half is a second table, not duplicate columns. Its
/// columns leave the duplicates (no finding claims one of them was meant as a time, or as the
/// same field again) and are named in the note.
pub(super) fn side_by_side(found: &mut HeaderMatch, header_row: u32) -> Option<(String, String)> {
    let repeated: Vec<u32> = found.duplicate_columns.iter().map(|(c, _, _)| *c).collect();
    let second_first = *repeated.iter().min()?;
    let firsts_last = found.duplicate_columns.iter().map(|(_, _, f)| *f).max()?;
    if repeated.len() < MIN_REPEATED || firsts_last >= second_first {
        return None;
    }
    // Columns of the right half that took a field of their own (a second signer's column read
    // as the signatures) belong to it too.
    let second_last = found
        .columns
        .iter()
        .map(|(c, _)| *c)
        .chain(repeated.iter().copied())
        .filter(|c| *c >= second_first)
        .max()?;
    found.columns.retain(|(c, _)| *c < second_first);
    found.duplicate_columns.clear();
    let first_first = found.columns.iter().map(|(c, _)| *c).min()?;
    let first_last = found.columns.iter().map(|(c, _)| *c).max()?;
    let letters = CellRef::column_letters;
    let (a, b) = (letters(first_first), letters(first_last));
    let (c, d) = (letters(second_first), letters(second_last));
    Some((
        format!(
            "第 {header_row} 行表头在 {c}–{d} 列又出现了一次：这是与 {a}–{b} 列并排的第二张表，只检查了 {a}–{b} 列，{c}–{d} 列的记录未检查，请把它移到单独的工作表再检查"
        ),
        format!(
            "the header of row {header_row} appears again in columns {c}–{d}: a second table beside columns {a}–{b}; only {a}–{b} were checked, the records in {c}–{d} were not (move them to a sheet of their own to check them)"
        ),
    ))
}

/// The note for another ledger above the header found: a header of some dataset among the rows
/// above it, with at least one row between the two headers. Those rows were not checked.
pub(super) fn stacked_above(
    catalog: &Catalog,
    found: &HeaderMatch,
    rows: &[Vec<HeaderCell>],
    scan: &[RawRow<'static>],
    merges: &[(usize, u32, u32)],
    sheet_name: &str,
) -> Option<(String, String)> {
    // The first row of the header found (a two-row header starts one row up).
    let top = if found
        .columns
        .iter()
        .all(|(c, _)| rows[found.last_row].iter().any(|h| h.col == *c))
    {
        found.last_row
    } else {
        found.last_row.checked_sub(1)?
    };
    let above = rows.get(..top)?;
    let other = header::detect(catalog, above, merges, None, sheet_name)?;
    // Rows below the other header and above this one, with something in them: its records.
    let records: Vec<u32> = (other.last_row + 1..top)
        .filter(|&i| rows[i].len() >= 2)
        .map(|i| scan[i].number)
        .collect();
    let (first, last) = (*records.first()?, *records.last()?);
    let spec = &catalog.datasets[other.dataset];
    let header_row = scan[other.last_row].number;
    Some((
        format!(
            "第 {header_row} 行起还有一张“{}”表（第 {first}–{last} 行），与本表在同一工作表中，未检查；请把它移到单独的工作表再检查",
            spec.zh
        ),
        format!(
            "another table, a {} ({}), starts in row {header_row} of the same sheet (rows {first}–{last}); it was not checked (move it to a sheet of its own to check it)",
            spec.en, spec.dataset
        ),
    ))
}

/// Notes for every second table found on the sheet beside or above the header `found`.
pub(super) fn notes(
    catalog: &Catalog,
    found: &mut HeaderMatch,
    rows: &[Vec<HeaderCell>],
    scan: &[RawRow<'static>],
    merges: &[(usize, u32, u32)],
    sheet_name: &str,
) -> Vec<(String, String)> {
    let header_row = scan[found.last_row].number;
    let beside = side_by_side(found, header_row);
    let above = stacked_above(catalog, found, rows, scan, merges, sheet_name);
    beside.into_iter().chain(above).collect()
}
