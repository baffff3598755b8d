//! A second pass over the header columns no alias named: a bare credit-code column taken as
//! the party's beside it, and a field's stand-in header (启用日期 for the purchase date) used
//! when nothing names the field itself.

use crate::spec::DatasetSpec;
use crate::synonyms::STAND_INS;

/// Headers that are a 统一社会信用代码 without saying whose.
const BARE_CODES: [&str; 6] = [
    "统一社会信用代码",
    "社会信用代码",
    "信用代码",
    "uscc",
    "creditcode",
    "unifiedsocialcreditcode",
];

/// Maps what it can of the unmapped columns of `layout` into `columns` (kept in column order).
/// Returns the stand-ins used, as (column, field).
pub fn fill(
    spec: &DatasetSpec,
    layout: &[(u32, Vec<String>)],
    columns: &mut Vec<(u32, usize)>,
    taken: &[u32],
) -> Vec<(u32, usize)> {
    let free = |columns: &[(u32, usize)], col: u32| {
        !taken.contains(&col) && !columns.iter().any(|(c, _)| *c == col)
    };
    let named = |columns: &[(u32, usize)], f: usize| columns.iter().any(|(_, g)| *g == f);
    for (col, cands) in layout {
        if !free(columns, *col) || !cands.iter().any(|c| BARE_CODES.contains(&c.as_str())) {
            continue;
        }
        if let Some(field) = party_code(spec, columns, *col)
            && !named(columns, field)
        {
            columns.push((*col, field));
        }
    }
    let mut stand_ins = Vec::new();
    for (dataset, field, headers) in STAND_INS {
        let Some(f) = spec.field_index(field) else {
            continue;
        };
        if spec.dataset.as_str() != dataset || named(columns, f) {
            continue;
        }
        let found = layout.iter().find(|(col, cands)| {
            free(columns, *col) && cands.iter().any(|c| headers.contains(&c.as_str()))
        });
        if let Some((col, _)) = found {
            columns.push((*col, f));
            stand_ins.push((*col, f));
        }
    }
    columns.sort_unstable();
    stand_ins
}

/// The `<party>_uscc` field a bare credit-code column at `col` belongs to: the party whose
/// `<party>_name` column is the only one mapped, or, with several, the nearest to its left.
/// A sales ledger's 购货单位 + 统一社会信用代码 is the buyer's code; a purchase ledger's
/// 供货单位 + 统一社会信用代码 the supplier's.
fn party_code(spec: &DatasetSpec, columns: &[(u32, usize)], col: u32) -> Option<usize> {
    let parties: Vec<(u32, usize)> = spec
        .fields
        .iter()
        .enumerate()
        .filter_map(|(code, f)| {
            let party = f.name.strip_suffix("_uscc")?;
            let name = spec.field_index(&format!("{party}_name"))?;
            let (name_col, _) = columns.iter().find(|(_, g)| *g == name)?;
            Some((*name_col, code))
        })
        .collect();
    match parties.as_slice() {
        [] => None,
        [(_, code)] => Some(*code),
        _ => parties
            .iter()
            .filter(|(name_col, _)| *name_col < col)
            .max_by_key(|(name_col, _)| *name_col)
            .map(|(_, code)| *code),
    }
}
