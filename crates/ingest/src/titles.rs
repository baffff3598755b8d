//! What the title rows above a header say about the ledger: the institution it belongs to
//! (填报单位), which enters every fingerprint so two hospitals' identical rows stay distinct.

use crate::header::HeaderCell;

/// 填报单位：XX医院 in a title row, or 填报单位 with the name in the next cell.
pub(crate) fn institution_from_titles(rows: &[Vec<HeaderCell>]) -> String {
    const LABELS: [&str; 5] = [
        "填报单位",
        "单位名称",
        "医疗机构名称",
        "机构名称",
        "填表单位",
    ];
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            let text: String = cell.text.chars().filter(|c| !c.is_whitespace()).collect();
            for label in LABELS {
                if let Some(pos) = text.find(label) {
                    let rest = text[pos + label.len()..].trim_start_matches([':', '：']);
                    let value = cut_at_next_label(rest);
                    if !value.is_empty() {
                        return value.to_owned();
                    }
                    if let Some(next) = row.get(i + 1) {
                        return next.text.trim().to_owned();
                    }
                }
            }
        }
    }
    String::new()
}

/// "XX医院填报日期：2024年3月" -> "XX医院": a title row often carries several labels.
fn cut_at_next_label(s: &str) -> &str {
    [
        "填报日期",
        "填报时间",
        "日期",
        "时间",
        "统计时间",
        "报送日期",
        "年度",
    ]
    .iter()
    .filter_map(|l| s.find(l))
    .min()
    .map_or(s, |i| &s[..i])
}

#[cfg(test)]
mod tests {
    use super::{HeaderCell, institution_from_titles};

    #[test]
    fn the_institution_comes_from_the_title_rows() {
        let cell = |col: u32, text: &str| HeaderCell {
            col,
            text: text.to_owned(),
        };
        let rows = vec![
            vec![cell(0, "XX县人民医院B超检查登记表")],
            vec![
                cell(0, "填报单位：XX县人民医院"),
                cell(5, "填报日期：2024年3月31日"),
            ],
        ];
        assert_eq!(institution_from_titles(&rows), "XX县人民医院");
        let same_cell = vec![vec![cell(
            0,
            "填报单位： XX医药有限公司   填报日期：2024年3月",
        )]];
        assert_eq!(institution_from_titles(&same_cell), "XX医药有限公司");
        let next_cell = vec![vec![cell(0, "单位名称："), cell(1, "XX诊所")]];
        assert_eq!(institution_from_titles(&next_cell), "XX诊所");
        assert_eq!(
            institution_from_titles(&[vec![cell(0, "B超检查登记表")]]),
            ""
        );
    }
}
