//! Rows and sheets that are not records though a header sits above them: the column-number row
//! an official form prints under its header (1, 2, 3… or 甲, 乙, 丙…), and a summary sheet whose
//! columns hold counts (检查人次, 引产例数, 合计) rather than one record per row.

use crate::header::HeaderCell;

/// Series a form numbers its columns in, each in order.
const SERIES: [&[&str]; 3] = [
    &["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"],
    &[
        "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四",
        "十五", "十六", "十七", "十八", "十九", "二十",
    ],
    &[
        "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r",
        "s", "t", "u", "v", "w", "x", "y", "z",
    ],
];

/// Whether a row numbers the columns above it: three or more cells, each the next of one
/// series (1, 2, 3; (1), (2); 甲, 乙; 一, 二; A, B), whatever it starts at. A record has a
/// date or a name among its cells, so it never is one.
pub fn is_column_number_row(cells: &[HeaderCell]) -> bool {
    if cells.len() < 3 {
        return false;
    }
    let marks: Vec<String> = cells.iter().map(|c| bare_mark(&c.text)).collect();
    if let Some(numbers) = marks
        .iter()
        .map(|m| m.parse::<u32>().ok())
        .collect::<Option<Vec<_>>>()
    {
        return numbers.windows(2).all(|w| w[1] == w[0] + 1);
    }
    SERIES.iter().any(|series| {
        marks
            .iter()
            .map(|m| series.iter().position(|s| s == m))
            .collect::<Option<Vec<_>>>()
            .is_some_and(|pos| pos.windows(2).all(|w| w[1] == w[0] + 1))
    })
}

/// A column mark without its brackets, dots, width or case: "（1）" "1." "Ａ" are 1, 1, a.
fn bare_mark(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| !matches!(c, '(' | ')' | '（' | '）' | '.' | '、' | ' ' | '\u{3000}'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Header words of a column that counts: a summary's 检查人次, 引产例数, 合计. 数量 is not one:
/// a drug ledger's 入库数量 and 结存数量 are each line's own quantities.
const COUNT_WORDS: [&str; 9] = [
    "人次", "例数", "人数", "次数", "台次", "合计", "总计", "小计", "总数",
];

/// Whether a sheet with these header cells and these rows below them is a summary of counts:
/// at least two of its columns, and a third of all, are counts, and every cell found under
/// them is a plain number.
pub fn is_summary(header: &[HeaderCell], rows: &[Vec<HeaderCell>]) -> bool {
    let counts: Vec<u32> = header
        .iter()
        .filter(|c| COUNT_WORDS.iter().any(|w| c.text.contains(w)))
        .map(|c| c.col)
        .collect();
    if counts.len() < 2 || counts.len() * 3 < header.len() {
        return false;
    }
    rows.iter()
        .flatten()
        .filter(|c| counts.contains(&c.col))
        .all(|c| c.text.trim().parse::<f64>().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(texts: &[&str]) -> Vec<HeaderCell> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| HeaderCell {
                col: i as u32,
                text: (*t).to_owned(),
            })
            .collect()
    }

    #[test]
    fn column_numbers_in_every_series_a_form_uses() {
        for marks in [
            &["1", "2", "3", "4", "5", "6", "7"][..],
            &["(1)", "(2)", "(3)"],
            &["（1）", "（2）", "（3）", "（4）"],
            &["甲", "乙", "丙", "丁"],
            &["A", "B", "C"],
            &["一", "二", "三"],
            &["1.", "2.", "3."],
            &["3", "4", "5"],
        ] {
            assert!(is_column_number_row(&row(marks)), "{marks:?}");
        }
        for record in [
            &["2024-04-01", "王秀英", "8周"][..],
            &["1", "2"],
            &["1", "3", "4"],
            &["1", "2", "2"],
            &["甲", "丙", "丁"],
        ] {
            assert!(!is_column_number_row(&row(record)), "{record:?}");
        }
    }

    #[test]
    fn a_summary_counts_in_most_of_its_columns() {
        let header = row(&["月份", "检查人次", "其中孕14周以上", "双人签字人次"]);
        assert!(is_summary(&header, &[row(&["1月", "120", "30", "118"])]));
        // A count column holding a name is no count: a register after all.
        assert!(!is_summary(&header, &[row(&["1月", "张伟", "30", "118"])]));
        let ledger = row(&[
            "日期",
            "通用名称",
            "批号",
            "入库数量",
            "出库数量",
            "结存数量",
            "合计",
        ]);
        assert!(!is_summary(
            &ledger,
            &[row(&["2024-03-01", "米非司酮片", "1", "2", "3", "4", "5"])]
        ));
    }
}
