//! What one raw row is, apart from its values: blank, a footer, a continuation of merged cells,
//! or a copy of another row.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};

use super::Merge;
use crate::row::{RawRow, RawValue};
use crate::value::is_placeholder_trimmed;

pub(super) fn is_blank(row: &RawRow<'_>, v: &RawValue<'_>) -> bool {
    match v {
        // Row text is stored trimmed.
        RawValue::Text { .. } | RawValue::Shared(_) => is_placeholder_trimmed(row.text(v)),
        _ => false,
    }
}

/// Rows below the data that total or sign the ledger: 合计, 制表人：…, 审核：….
pub(super) fn is_footer(row: &RawRow<'_>) -> bool {
    const WORDS: [&str; 12] = [
        "合计",
        "总计",
        "小计",
        "累计",
        "制表",
        "填表",
        "审核人",
        "负责人",
        "备注：",
        "说明：",
        "注：",
        "本页",
    ];
    let Some((_, first)) = row.cells().first() else {
        return false;
    };
    if !first.is_text() {
        return false;
    }
    let text = row.text(first).trim_start();
    // Most rows start with a date or a number: rule them out before building anything.
    if !text.starts_with([
        '合', '总', '小', '累', '制', '填', '审', '负', '备', '说', '注', '本',
    ]) {
        return false;
    }
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    WORDS.iter().any(|w| text.starts_with(w))
}

/// Fills cells covered by a merged region with the merged value, as a reader of the sheet sees
/// it: a date merged over five rows applies to all five.
pub(super) fn fill_merged<'a>(
    row: &RawRow<'a>,
    merges: &[Merge],
    values: &mut HashMap<(u32, u32), String>,
    header_row: u32,
) -> RawRow<'a> {
    let r0 = row.number - 1;
    let mut out = row.clone();
    let mut changed = false;
    for m in merges {
        if m.first_row < header_row || r0 < m.first_row || r0 > m.last_row {
            continue;
        }
        if r0 == m.first_row {
            if let Some(v) = row.get(m.first_col) {
                values.insert((m.first_row, m.first_col), row.display(v).into_owned());
            }
            continue;
        }
        if let Some(text) = values.get(&(m.first_row, m.first_col))
            && row.get(m.first_col).is_none()
        {
            out.push_text(m.first_col, text);
            changed = true;
        }
    }
    if changed {
        out.sort();
    }
    out
}

/// A 64-bit digest of the row's mapped cells, to spot a row entered twice. Hashes the raw
/// values, never their rendering; a fixed seed keeps runs reproducible.
pub(super) fn row_digest(row: &RawRow<'_>, field_of_col: &[Option<usize>]) -> u64 {
    let mut h = foldhash::fast::FixedState::with_seed(0x5eed).build_hasher();
    for (col, v) in row.cells() {
        if field_of_col.get(*col as usize).is_some_and(Option::is_some) {
            col.hash(&mut h);
            match *v {
                RawValue::Text { .. } | RawValue::Shared(_) => row.text(v).hash(&mut h),
                RawValue::Int(i) => i.hash(&mut h),
                RawValue::Float(f) | RawValue::DateTime(f) => f.to_bits().hash(&mut h),
                RawValue::Bool(b) => b.hash(&mut h),
                RawValue::Error => 0u8.hash(&mut h),
            }
        }
    }
    h.finish()
}
