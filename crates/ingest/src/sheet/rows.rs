//! What one raw row is, apart from its values: blank, a footer, a continuation of merged cells,
//! or a copy of another row.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};

use auditor_model::CellRef;

use super::mapped::Mapped;
use super::{Merge, SheetReader};
use crate::quality::DqRule;
use crate::row::{RawRow, RawValue};
use crate::value::is_placeholder_trimmed;

pub(super) fn is_blank(row: &RawRow<'_>, v: &RawValue<'_>) -> bool {
    match v {
        // Row text is stored trimmed.
        RawValue::Text { .. } | RawValue::Shared(_) => is_placeholder_trimmed(row.text(v)),
        _ => false,
    }
}

/// Rows below the data that total or sign the ledger: 合计, 制表人：…, 审核：…. Either the first
/// cell starts with a footer word, or the row is nearly empty (a few cells where a record fills
/// many: `mapped` is how many columns the header maps) and its first filled cell, in whatever
/// column, is a sign-off (登记人：…, 科主任签字：) or a total (本月合计, 本页小计).
pub(super) fn is_footer(row: &RawRow<'_>, mapped: usize) -> bool {
    first_cell_is_footer(row)
        || sparse_sign_off_or_total(row, mapped)
        || super::not_records::is_not_a_record(row)
}

fn first_cell_is_footer(row: &RawRow<'_>) -> bool {
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

/// Most cells a footer row holds ("制表人：张三  审核人：李四  日期：2024-12-31").
const FOOTER_MAX_CELLS: usize = 3;

/// Labels under which a ledger is signed off.
const SIGN_OFF_LABELS: [&str; 24] = [
    "制表人",
    "制表",
    "填表人",
    "填报人",
    "填表",
    "审核人",
    "审核",
    "审批人",
    "负责人",
    "登记人",
    "经办人",
    "统计人",
    "记录人",
    "复核人",
    "核对人",
    "保管员",
    "科主任",
    "科室主任",
    "主任",
    "院长",
    "签字",
    "签名",
    "日期",
    "报表日期",
];

/// Periods a total is qualified by: 本月合计, 本页小计, 全年累计.
const TOTAL_PERIODS: [&str; 9] = [
    "本月",
    "本页",
    "本年",
    "本季度",
    "本季",
    "本期",
    "本日",
    "全年",
    "全月",
];
const TOTAL_WORDS: [&str; 4] = ["合计", "总计", "小计", "累计"];

fn sparse_sign_off_or_total(row: &RawRow<'_>, mapped: usize) -> bool {
    let mut filled = row.cells().iter().filter(|(_, v)| !is_blank(row, v));
    let Some((_, first)) = filled.next() else {
        return false;
    };
    // Called for every row: most start with a date or a number, which no label does; the rest
    // are counted without allocating, stopping as soon as there are a record's worth.
    if !first.is_text() || row.text(first).starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let bound = FOOTER_MAX_CELLS.max(mapped / 2);
    let rest = filled.clone();
    let count = 1 + filled.take(bound).count();
    if count > bound {
        return false;
    }
    let compact = |v: &RawValue<'_>| -> String {
        row.text(v).chars().filter(|c| !c.is_whitespace()).collect()
    };
    let text = compact(first);
    // A record fills many of the mapped columns; a footer only a few, far fewer — unless every
    // cell it fills is a sign-off (制表人：… 审核人：… 日期：…), which no record is.
    let few = count * 2 <= mapped.max(2);
    let all_sign_offs = rest
        .clone()
        .all(|(_, v)| v.is_text() && is_sign_off(&compact(v)));
    let sign_off = count <= FOOTER_MAX_CELLS && is_sign_off(&text) && (few || all_sign_offs);
    // A total carries a sum under each column it adds up, and nothing else.
    let total = few && is_total(&text) && rest.clone().all(|(_, v)| is_number(row, v));
    sign_off || total
}

fn is_number(row: &RawRow<'_>, v: &RawValue<'_>) -> bool {
    match v {
        RawValue::Int(_) | RawValue::Float(_) => true,
        RawValue::Text { .. } | RawValue::Shared(_) => {
            crate::value::parse_quantity(row.text(v)).is_some_and(|(_, unit)| unit.is_empty())
        }
        _ => false,
    }
}

/// "登记人：王五", "科主任签字：", "审核人" alone (the name in the next cell).
pub(super) fn is_sign_off(text: &str) -> bool {
    SIGN_OFF_LABELS.iter().any(|label| {
        let Some(rest) = text.strip_prefix(label) else {
            return false;
        };
        let rest = [
            "（签字）",
            "（签名）",
            "(签字)",
            "(签名)",
            "签字",
            "签名",
            "签章",
        ]
        .iter()
        .find_map(|s| rest.strip_prefix(s))
        .unwrap_or(rest);
        rest.is_empty() || rest.starts_with([':', '：'])
    })
}

/// "合计", "本月合计：", "本页小计（元）": a total's label, not a sentence that mentions one.
fn is_total(text: &str) -> bool {
    const MAX_CHARS: usize = 10;
    let rest = TOTAL_PERIODS
        .iter()
        .find_map(|p| text.strip_prefix(p))
        .unwrap_or(text);
    TOTAL_WORDS.iter().any(|w| rest.starts_with(w)) && text.chars().count() <= MAX_CHARS
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
                RawValue::Error(code) => code.hash(&mut h),
            }
        }
    }
    h.finish()
}

/// Every record's (digest, record) pair in digest order, records in order within a digest.
/// Digests are spread evenly over 64 bits, so their top bits deal them into buckets of a pair
/// or two, each then sorted on its own: linear in the records, where a comparison sort of
/// them was the slowest step of finishing a large sheet.
pub(super) fn by_digest(digests: &[u64]) -> Vec<(u64, u32)> {
    let bits = (usize::BITS - digests.len().leading_zeros()).clamp(1, 24);
    let shift = 64 - bits;
    let bucket = |d: u64| (d >> shift) as usize;
    // starts[b]..starts[b + 1] is bucket b's place in the output.
    let mut starts = vec![0u32; (1 << bits) + 1];
    for d in digests {
        starts[bucket(*d) + 1] += 1;
    }
    for b in 1..starts.len() {
        starts[b] += starts[b - 1];
    }
    let mut next = starts.clone();
    let mut out = vec![(0u64, 0u32); digests.len()];
    for (i, d) in digests.iter().enumerate() {
        let at = &mut next[bucket(*d)];
        out[*at as usize] = (*d, i as u32);
        *at += 1;
    }
    for w in starts.windows(2) {
        out[w[0] as usize..w[1] as usize].sort_unstable();
    }
    out
}

/// A row entered twice is found by its digest: one data-quality finding per copy, naming the
/// row it repeats.
impl SheetReader<'_> {
    /// Records whose mapped cells are exactly those of an earlier record.
    pub(super) fn duplicate_rows(&mut self, m: &Mapped) {
        let order = by_digest(&m.digests);
        let first_col = m
            .table
            .source_cols
            .iter()
            .flatten()
            .min()
            .copied()
            .unwrap_or(0);
        let mut dups = Vec::new();
        for group in order.chunk_by(|a, b| a.0 == b.0) {
            let first = m.table.rows[group[0].1 as usize];
            for &(_, i) in &group[1..] {
                dups.push((i as usize, first));
            }
        }
        dups.sort_unstable();
        for (i, first) in dups {
            let row = m.table.rows[i];
            let key = m.table.business_key(i);
            self.emit(
                DqRule::DuplicateRow,
                Some(row),
                vec![CellRef::new(first_col, row)],
                format!("第 {row} 行与第 {first} 行内容完全相同（疑似重复录入）"),
                format!("row {row} has exactly the same content as row {first} (entered twice?)"),
                &format!("{key}|duplicate"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::by_digest;

    #[test]
    fn pairs_come_out_as_a_sort_would_give_them() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut digests: Vec<u64> = (0..5000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state
            })
            .collect();
        // Repeats, near and far apart, and digests sharing their top bits.
        digests.extend_from_within(10..40);
        digests.push(digests[3]);
        digests.extend([u64::MAX, u64::MAX - 1, 0, 1, 0]);
        let mut expected: Vec<(u64, u32)> = digests
            .iter()
            .enumerate()
            .map(|(i, d)| (*d, i as u32))
            .collect();
        expected.sort_unstable();
        assert_eq!(by_digest(&digests), expected);
        assert_eq!(by_digest(&[]), Vec::new());
        assert_eq!(by_digest(&[7]), vec![(7, 0)]);
    }
}
