//! Header rows: normalising header text, and finding the row (possibly below title rows, possibly
//! two rows with merged group headers) that names a dataset's columns.

use std::collections::HashMap;

use crate::spec::Catalog;

/// The normal form used to compare a sheet's header with an alias: half-width, no white space,
/// lower case, no bracketed parts, and 号码/编号/编码 as 号. A trailing 签名/签字/签章 is kept
/// here, so an alias can name a whole signature header (医师签名, 双人签字);
/// [`header_candidates`] also tries the header without it (操作医师签名 is 操作医师).
pub fn normalize_header(raw: &str) -> String {
    let folded = fold(raw);
    let without_brackets = strip_brackets(&folded);
    let base = if without_brackets.is_empty() {
        folded
    } else {
        without_brackets
    };
    canonical_suffix(&base)
}

/// Every reading of a header cell worth trying, best first: the whole text, then the same
/// without a trailing 签名/签字/签章 (unless nothing would remain), then its '/'-separated or
/// line-separated parts (bilingual headers), then the bracketed part alone. The whole text
/// comes first so that a header which is itself a signature word (签名, 医师签名) is matched as
/// such before the word it signs for.
pub fn header_candidates(raw: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // A reading as written, then without its signature word.
    let mut push = |s: String| {
        let bare = canonical_suffix(&without_signature(&s));
        for s in [s, bare] {
            if !s.is_empty() && !out.contains(&s) {
                out.push(s);
            }
        }
    };
    push(normalize_header(raw));
    let half: String = raw.chars().map(half_width).collect();
    if half.contains(['/', '|', '\n', '\r']) {
        for part in half.split(['/', '|', '\n', '\r']) {
            push(normalize_header(part));
        }
    }
    let folded = fold(raw);
    if let (Some(open), Some(close)) = (folded.find('('), folded.rfind(')'))
        && open < close
    {
        // "统一社会信用代码（购货单位）" means the buyer's code: qualifier first, then alone.
        let inner = &folded[open + 1..close];
        push(canonical_suffix(&format!(
            "{inner}{}",
            strip_brackets(&folded)
        )));
        // "操作医师（签名）" only says the column is signed: that bracket alone is no reading.
        let alone = canonical_suffix(inner);
        if !SIGNATURE_WORDS.contains(&alone.as_str()) {
            push(alone);
        }
    }
    // The readings no alias spells (购买时间 as 购买日期, 孕妇姓名 as 姓名) come last, so a
    // header an alias names as written keeps that meaning.
    for reading in out.clone() {
        for loose in crate::synonyms::loose_readings(&reading) {
            if !out.contains(&loose) {
                out.push(loose);
            }
        }
    }
    out
}

fn half_width(c: char) -> char {
    match c {
        '【' | '〔' | '［' | '[' => '(',
        '】' | '〕' | '］' | ']' => ')',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Half-width, no white space (including line breaks inside a cell), lower case, no markers,
/// and 医生 as 医师: the two words name the same doctor in every header (报告医生, 主刀医生).
fn fold(raw: &str) -> String {
    let s: String = raw
        .chars()
        .map(half_width)
        .filter(|c| !c.is_whitespace() && *c != '\u{200B}' && *c != '\u{FEFF}')
        .flat_map(char::to_lowercase)
        .collect();
    s.trim_matches(|c| matches!(c, '*' | ':' | '：' | '.' | '_' | '-'))
        .replace("医生", "医师")
}

fn strip_brackets(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0u32;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Words a header may end with to say its column is signed.
const SIGNATURE_WORDS: [&str; 3] = ["签名", "签字", "签章"];

/// `s` without a trailing signature word, kept whole when nothing else would remain.
fn without_signature(s: &str) -> String {
    let mut s = s.to_owned();
    for suffix in SIGNATURE_WORDS {
        if let Some(stem) = s.strip_suffix(suffix)
            && !stem.is_empty()
        {
            s = stem.to_owned();
        }
    }
    s
}

fn canonical_suffix(s: &str) -> String {
    for long in ["号码", "编号", "编码"] {
        if let Some(stem) = s.strip_suffix(long) {
            return format!("{stem}号");
        }
    }
    s.to_owned()
}

/// What a bare number under a gestation header counts, when the header says: days for
/// 停经天数, 孕天, 孕周（天）, "days"; weeks for 孕周, 妊娠周数, "weeks". A unit in brackets is the
/// header's own statement of it and wins ("孕周（天）" counts days, "孕周（周+天）" weeks).
/// `None` when the header names no unit (停经时间, "GA").
pub fn gestation_unit_is_days(raw: &str) -> Option<bool> {
    let folded = fold(raw);
    let unit_of = |s: &str| {
        if s.contains('周') || s.contains("week") || s.contains("wk") {
            Some(false)
        } else if s.contains('天') || s.contains("day") {
            Some(true)
        } else {
            None
        }
    };
    let bracketed = match (folded.find('('), folded.rfind(')')) {
        (Some(open), Some(close)) if open < close => unit_of(&folded[open + 1..close]),
        _ => None,
    };
    let outside = strip_brackets(&folded);
    // Outside brackets a 天 is the more specific word: 孕周天数 counts days.
    let days_outside = (outside.contains('天') || outside.contains("day")).then_some(true);
    bracketed.or(days_outside).or_else(|| unit_of(&outside))
}

/// A header cell: column and text as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderCell {
    pub col: u32,
    pub text: String,
}

/// The header found in a sheet.
#[derive(Debug, Clone)]
pub struct HeaderMatch {
    /// Index into `Catalog::datasets`.
    pub dataset: usize,
    /// Index into the scanned rows of the last header row (data starts after it).
    pub last_row: usize,
    /// (column, field index) for each mapped column, in column order.
    pub columns: Vec<(u32, usize)>,
    /// How many mapped columns were matched by containment rather than by an alias.
    pub fuzzy: usize,
    /// Columns naming a field another column already named: (column, field, first column).
    pub duplicate_columns: Vec<(u32, usize, u32)>,
    /// Columns mapped as a field's second-best source (启用日期 as the purchase date).
    pub stand_ins: Vec<(u32, usize)>,
}

/// Fewest distinct fields a header row must name to identify a dataset on its own.
pub const MIN_FIELDS: usize = 3;

/// Finds the header among the first rows of a sheet. `rows` holds each row's non-empty cells as
/// text; `merges` the merged regions (row index, first col, last col) lying in those rows, used to
/// spread a group header over the columns below it. `title` is the sheet name and title rows'
/// text, whose words break ties between datasets.
pub fn detect(
    catalog: &Catalog,
    rows: &[Vec<HeaderCell>],
    merges: &[(usize, u32, u32)],
    forced: Option<usize>,
    sheet_name: &str,
) -> Option<HeaderMatch> {
    let mut best: Option<(Score, HeaderMatch)> = None;
    let mut best_complete: Option<(Score, HeaderMatch)> = None;
    let mut contained = HashMap::new();
    for i in 0..rows.len() {
        let mut title = sheet_name.to_owned();
        for row in &rows[..i] {
            for cell in row {
                title.push_str(&cell.text);
            }
        }
        let single: Vec<(u32, Vec<String>)> = rows[i]
            .iter()
            .map(|c| (c.col, header_candidates(&c.text)))
            .collect();
        let mut layouts = vec![(i, single)];
        if let Some(child) = rows.get(i + 1) {
            layouts.push((i + 1, two_row_layout(&rows[i], child, merges, i)));
        }
        for (last_row, layout) in layouts {
            for d in 0..catalog.datasets.len() {
                if forced.is_some_and(|f| f != d) {
                    continue;
                }
                let m = map_columns(catalog, &mut contained, d, &layout, last_row);
                let fields = m.columns.len();
                // An exact alias counts twice a header that merely contains one.
                let weight = 2 * fields - m.fuzzy.min(fields);
                let min = if forced.is_some() { 1 } else { MIN_FIELDS };
                if fields < min {
                    continue;
                }
                let spec = &catalog.datasets[d];
                let hinted = spec.title_hints.iter().any(|h| title.contains(h.as_str()));
                let required = m
                    .columns
                    .iter()
                    .filter(|(_, f)| spec.fields[*f].required)
                    .count();
                // A two-row layout must name more than either row alone to be preferred
                // (ties go to the single row).
                let score = Score {
                    complete: required == spec.fields.iter().filter(|f| f.required).count(),
                    weight,
                    hinted,
                    required,
                    covered: fields + m.duplicate_columns.len(),
                    single: last_row == i,
                };
                if score.complete && best_complete.as_ref().is_none_or(|(b, _)| score > *b) {
                    best_complete = Some((score, m.clone()));
                }
                if best.as_ref().is_none_or(|(b, _)| score > *b) {
                    best = Some((score, m));
                }
            }
        }
    }
    // A retail sales book (销售日期, 顾客姓名, 药品名称) names a few more of a dispensing
    // register's optional fields than of the sales ledger's, but only the sales ledger's date.
    // A dataset whose required fields all have a column wins over a fuller match that lacks
    // one, when it names at least three quarters as much: a B超 register whose date header is
    // unknown is still no staff list for its 姓名 and 身份证号.
    match (best, best_complete) {
        (Some((b, _)), Some((c, m))) if !b.complete && 4 * c.weight >= 3 * b.weight => Some(m),
        (best, _) => best.map(|(_, m)| m),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Score {
    weight: usize,
    hinted: bool,
    required: usize,
    /// Columns the header reads, a time column beside its date included: 检查时间 over
    /// 日期 | 时间 reads one more than 检查时间 alone.
    covered: usize,
    single: bool,
    /// Every required field of the dataset has its column (see the end of [`detect`]).
    complete: bool,
}

/// Header texts for a group header row above a sub-header row. A column with a sub-header
/// tries the group joined to it first when the sub-header says little alone (日期 under 处方 is
/// 处方日期, 1 under 医师签名 is 签名1), else its own text first; then, in a signing group
/// (签字 → 操作/复核, 双人签名 → 甲/乙), the first and second signer by position. A column with
/// no sub-header reads the group header alone.
fn two_row_layout(
    parent: &[HeaderCell],
    child: &[HeaderCell],
    merges: &[(usize, u32, u32)],
    parent_index: usize,
) -> Vec<(u32, Vec<String>)> {
    // The column holding the group header a column sits under.
    let group_col = |col: u32| -> Option<u32> {
        if parent.iter().any(|c| c.col == col) {
            return Some(col);
        }
        // A merged group header spreads over the columns it covers; without merge information
        // (CSV) an empty parent cell takes the group header to its left.
        let merged = merges
            .iter()
            .find(|(r, first, last)| *r == parent_index && (*first..=*last).contains(&col));
        match merged {
            Some((_, first, _)) => parent.iter().find(|c| c.col == *first).map(|c| c.col),
            None if merges.is_empty() => parent.iter().rev().find(|c| c.col < col).map(|c| c.col),
            None => None,
        }
    };
    let parent_text = |col: u32| {
        group_col(col)
            .and_then(|g| parent.iter().find(|c| c.col == g))
            .map(|c| c.text.as_str())
    };
    let mut cols: Vec<u32> = parent.iter().chain(child).map(|c| c.col).collect();
    cols.sort_unstable();
    cols.dedup();
    cols.iter()
        .map(|&col| {
            let own = child.iter().find(|c| c.col == col).map(|c| c.text.as_str());
            let group = parent_text(col);
            let mut cands = Vec::new();
            match (own, group) {
                // A row holding one cell is a title over the header, not a group of it.
                (Some(own), Some(group)) if parent.len() > 1 => {
                    let joined = crate::synonyms::group_readings(group, own);
                    let own_readings = header_candidates(own);
                    let (first, second) = if crate::synonyms::says_little_alone(own) {
                        (joined, own_readings)
                    } else {
                        (own_readings, joined)
                    };
                    for c in first.into_iter().chain(second) {
                        if !cands.contains(&c) {
                            cands.push(c);
                        }
                    }
                    // The place of a column among the sub-headers of its signing group.
                    let g = group_col(col);
                    let siblings: Vec<u32> = cols
                        .iter()
                        .copied()
                        .filter(|&c| g.is_some() && group_col(c) == g)
                        .filter(|&c| child.iter().any(|h| h.col == c))
                        .collect();
                    // A group over one column has no second signer to tell apart.
                    let place = siblings
                        .iter()
                        .position(|&c| c == col)
                        .filter(|_| siblings.len() >= 2);
                    if let Some(reading) =
                        place.and_then(|p| crate::synonyms::signer_by_place(group, own, p))
                    {
                        cands.push(reading);
                    }
                }
                (Some(own), _) => cands.extend(header_candidates(own)),
                (None, Some(group)) => cands.extend(header_candidates(group)),
                (None, None) => {}
            }
            (col, cands)
        })
        .collect()
}

fn map_columns(
    catalog: &Catalog,
    contained: &mut HashMap<String, Vec<(usize, usize)>>,
    d: usize,
    layout: &[(u32, Vec<String>)],
    last_row: usize,
) -> HeaderMatch {
    let mut columns: Vec<(u32, usize)> = Vec::new();
    let mut duplicate_columns = Vec::new();
    let mut fuzzy = 0;
    for (col, cands) in layout {
        let exact = cands.iter().find_map(|c| {
            catalog
                .lookup(c)
                .iter()
                .find(|(ds, _)| *ds == d)
                .map(|&(_, f)| f)
        });
        let hit = exact.or_else(|| {
            // Contained aliases are looked for in the header without its signature word.
            cands.first().map(|c| without_signature(c)).and_then(|c| {
                contained
                    .entry(c.clone())
                    .or_insert_with(|| catalog.lookup_contained(&c))
                    .iter()
                    .find(|(ds, _)| *ds == d)
                    .map(|&(_, f)| f)
            })
        });
        if let Some(field) = hit {
            let field = qualified_by_neighbour(catalog, d, &columns, field);
            if let Some(&(first, _)) = columns.iter().find(|(_, f)| *f == field) {
                // A third signer's column (操作医师, 记录员, 复核医师) signs too: it is read
                // with the register's signatures, not dropped.
                match crate::synonyms::extra_signer_field(&catalog.datasets[d], field) {
                    Some(all) if !columns.iter().any(|(_, f)| *f == all) => {
                        columns.push((*col, all));
                    }
                    _ => duplicate_columns.push((*col, field, first)),
                }
            } else {
                columns.push((*col, field));
                fuzzy += usize::from(exact.is_none());
            }
        }
    }
    let taken: Vec<u32> = duplicate_columns.iter().map(|(c, _, _)| *c).collect();
    let stand_ins = crate::fallback::fill(&catalog.datasets[d], layout, &mut columns, &taken);
    HeaderMatch {
        fuzzy,
        dataset: d,
        last_row,
        columns,
        duplicate_columns,
        stand_ins,
    }
}

/// A header naming a field already taken often belongs to the group on its left: a second
/// 有效期至 after the 母婴保健 licence columns is that licence's expiry. When the column to the
/// left maps to a field with a prefix (`mch_items`) and the dataset has the prefixed form of the
/// field (`mch_valid_to`), that is the field meant.
fn qualified_by_neighbour(
    catalog: &Catalog,
    d: usize,
    columns: &[(u32, usize)],
    field: usize,
) -> usize {
    if !columns.iter().any(|(_, f)| *f == field) {
        return field;
    }
    let spec = &catalog.datasets[d];
    let Some(&(_, left)) = columns.last() else {
        return field;
    };
    let Some((prefix, _)) = spec.fields[left].name.split_once('_') else {
        return field;
    };
    let qualified = format!("{prefix}_{}", spec.fields[field].name);
    match spec.field_index(&qualified) {
        Some(q) if !columns.iter().any(|(_, f)| *f == q) => q,
        _ => field,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_common_header_variants() {
        assert_eq!(normalize_header("身份证号码"), "身份证号");
        assert_eq!(normalize_header("身份证号"), "身份证号");
        assert_eq!(normalize_header("处方编号"), "处方号");
        assert_eq!(normalize_header("操作医师（签名）"), "操作医师");
        assert_eq!(normalize_header("操作医师签字"), "操作医师签字");
        assert_eq!(normalize_header(" 身份证\n号码 "), "身份证号");
        assert_eq!(normalize_header("数量(盒)"), "数量");
        assert_eq!(normalize_header("*检查日期："), "检查日期");
        assert_eq!(normalize_header("Batch No"), "batchno");
        assert_eq!(normalize_header("签名"), "签名");
    }

    #[test]
    fn gestation_headers_say_their_unit() {
        for days in [
            "停经天数",
            "孕天",
            "孕周（天）",
            "孕周(天)",
            "天数",
            "停经天数（天）",
            "Days of amenorrhea",
        ] {
            assert_eq!(gestation_unit_is_days(days), Some(true), "{days}");
        }
        for weeks in [
            "孕周",
            "妊娠周数",
            "孕周（周+天）",
            "孕周(周)",
            "GA (weeks)",
            "停经（周）",
        ] {
            assert_eq!(gestation_unit_is_days(weeks), Some(false), "{weeks}");
        }
        for neither in ["停经时间", "孕龄", "GA", "停经"] {
            assert_eq!(gestation_unit_is_days(neither), None, "{neither}");
        }
    }

    #[test]
    fn a_signature_word_is_tried_whole_then_dropped_unless_nothing_remains() {
        assert_eq!(
            header_candidates("操作医师签字"),
            ["操作医师签字", "操作医师"]
        );
        assert_eq!(header_candidates("医师签名"), ["医师签名", "医师"]);
        assert_eq!(header_candidates("签名"), ["签名"]);
        assert_eq!(header_candidates("签字"), ["签字"]);
        assert_eq!(
            header_candidates("身份证号码签名"),
            ["身份证号码签名", "身份证号"]
        );
        assert_eq!(
            header_candidates("签名（双人）"),
            ["签名", "双人签名", "双人"]
        );
        // A bracketed 签名 only says the column is signed.
        let c = header_candidates("操作医师（签名）");
        assert_eq!(c[0], "操作医师");
        assert!(!c.contains(&"签名".to_owned()), "{c:?}");
    }

    #[test]
    fn candidates_cover_bilingual_headers() {
        let c = header_candidates("姓名/Name");
        assert!(c.contains(&"姓名".to_owned()));
        assert!(c.contains(&"name".to_owned()));
        let c = header_candidates("Patient (姓名)");
        assert!(c.contains(&"姓名".to_owned()));
    }
}
