//! What the title rows above a header say about the ledger: the institution it belongs to
//! (填报单位), which enters every fingerprint so two hospitals' identical rows stay distinct,
//! and which registry rules look up when the rows do not name it.

use crate::header::HeaderCell;

/// 填报单位：XX医院 in a title row, or 填报单位 with the name in the next cell; failing that, the
/// institution a title names before the ledger's own name ("XX县人民医院B超检查登记表").
pub(crate) fn institution_from_titles(rows: &[Vec<HeaderCell>]) -> String {
    let labelled = labelled_institution(rows);
    if !labelled.is_empty() {
        return labelled;
    }
    rows.iter()
        .flatten()
        .find_map(|cell| institution_in_title(&cell.text))
        .unwrap_or_default()
}

fn labelled_institution(rows: &[Vec<HeaderCell>]) -> String {
    // A colon ends the label exactly ("填报单位名称：" is not 填报单位 + "名称："); the known labels
    // then catch the ones written without a colon.
    let after_colon = any_name_label(rows);
    if !after_colon.is_empty() {
        return after_colon;
    }
    known_label(rows)
}

/// Labels that name a unit of measure or money, not the institution: 金额单位：元.
const MEASURE_LABELS: [&str; 4] = ["金额单位", "计量单位", "数量单位", "货币单位"];

/// 企业名称：, 药店名称：, 单位：, 医院名称：, 填报机构： — any label ending in 名称, 单位 or 机构
/// followed by a colon, with the name after it or, failing that, in the next cell.
fn any_name_label(rows: &[Vec<HeaderCell>]) -> String {
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            let text = cell.text.trim();
            for (colon, c) in text.match_indices([':', '：']).map(|(at, c)| (at, c.len())) {
                let label: String = text[..colon]
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                if !names_an_institution(without_note(&label)) {
                    continue;
                }
                let value = value_after_label(&text[colon + c..]);
                if value.chars().count() >= 3 {
                    return value;
                }
                if value.is_empty()
                    && let Some(next) = row.get(i + 1)
                {
                    return next.text.trim().to_owned();
                }
            }
        }
    }
    String::new()
}

/// Words before 名称 that make it an organisation's name (企业名称, 药店名称), where 药品名称 or
/// 产品名称 name a product.
const ORGANISATIONS: [&str; 12] = [
    "单位",
    "机构",
    "企业",
    "药店",
    "药房",
    "医院",
    "公司",
    "诊所",
    "卫生院",
    "门诊部",
    "中心",
    "院",
];

/// "填报单位（盖章）" -> "填报单位": a note in brackets after the label.
fn without_note(label: &str) -> &str {
    match label.strip_suffix(['）', ')']) {
        Some(inner) => inner
            .rfind(['（', '('])
            .map_or(label, |open| &label[..open]),
        None => label,
    }
}

fn names_an_institution(label: &str) -> bool {
    if let Some(stem) = label.strip_suffix("名称") {
        return ORGANISATIONS.iter().any(|o| stem.ends_with(o));
    }
    ["单位", "机构"].iter().any(|e| label.ends_with(e))
        && !MEASURE_LABELS.iter().any(|m| label.ends_with(m))
}

/// The name after a label, up to the next label in the same cell: "XX大药房  负责人：张三" and
/// "XX大药房填报日期：2024年3月" both give "XX大药房".
fn value_after_label(rest: &str) -> String {
    let rest = rest.trim_start();
    // A run of spaces followed by another label ends the value.
    let end = rest
        .match_indices(char::is_whitespace)
        .map(|(at, _)| at)
        .find(|&at| rest[at..].contains([':', '：']))
        .unwrap_or(rest.len());
    let value: String = rest[..end].chars().filter(|c| !c.is_whitespace()).collect();
    cut_at_next_label(&value).to_owned()
}

fn known_label(rows: &[Vec<HeaderCell>]) -> String {
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
                    // Where the cell's own spacing survives, it tells where the name ends.
                    let value = match cell.text.find(label) {
                        Some(at) => value_after_label(
                            cell.text[at + label.len()..]
                                .trim_start()
                                .trim_start_matches([':', '：']),
                        ),
                        None => cut_at_next_label(rest).to_owned(),
                    };
                    if !value.is_empty() {
                        return value;
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

/// The words an institution's name ends with, longest first so "卫生服务中心" wins over "中心".
const UNIT_ENDINGS: [&str; 16] = [
    "社区卫生服务中心",
    "卫生服务中心",
    "妇幼保健计划生育服务中心",
    "医药有限公司",
    "药业有限公司",
    "有限公司",
    "妇幼保健院",
    "妇幼保健所",
    "卫生院",
    "卫生室",
    "门诊部",
    "医院",
    "诊所",
    "药店",
    "大药房",
    "公司",
];

/// Words that begin a ledger's own name after the institution's: "…医院 / B超检查登记表".
const LEDGER_WORDS: [&str; 9] = [
    "登记", "台账", "记录", "明细", "统计", "报表", "名录", "名单", "一览",
];

/// "2024年青山县人民医院B超检查登记表" -> "青山县人民医院": the name before the ledger's words,
/// cut after the last institution ending, without a leading year or month.
fn institution_in_title(title: &str) -> Option<String> {
    let text: String = title.chars().filter(|c| !c.is_whitespace()).collect();
    let ledger_at = LEDGER_WORDS.iter().filter_map(|w| text.find(w)).min()?;
    let head = &text[..ledger_at];
    let end = UNIT_ENDINGS
        .iter()
        .filter_map(|w| head.rfind(w).map(|i| i + w.len()))
        .max()?;
    let name = strip_period(&head[..end]);
    (name.chars().count() >= 4).then(|| name.to_owned())
}

/// "2024年3月青山县人民医院" -> "青山县人民医院".
fn strip_period(s: &str) -> &str {
    let mut rest = s;
    for unit in ['年', '月', '度'] {
        if let Some(i) = rest.find(unit)
            && rest[..i]
                .chars()
                .all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
            && i > 0
        {
            rest = &rest[i + unit.len_utf8()..];
        }
    }
    rest.trim_start_matches(['度', '第'])
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
        // Any label ending in 名称, 单位 or 机构, with the name in the same cell or the next.
        for (label, name) in [
            ("企业名称：", "鲁中医药有限公司"),
            ("药店名称：", "康宁大药房"),
            ("单位：", "青山县人民医院"),
            ("机构名称:", "青山县妇幼保健院"),
            ("医院名称：", "青山县人民医院"),
            ("填报机构：", "青山镇卫生院"),
            ("填报单位名称：", "康宁大药房有限公司"),
            ("填报单位（盖章）：", "青山县人民医院"),
        ] {
            let same = vec![vec![cell(0, &format!("{label}{name}  负责人：张三"))]];
            assert_eq!(institution_from_titles(&same), name, "{label}");
            let next = vec![vec![cell(0, label), cell(3, name)]];
            assert_eq!(institution_from_titles(&next), name, "{label}");
        }
        // A product's name is not the institution; the title still names it.
        assert_eq!(
            institution_from_titles(&[
                vec![cell(0, "XX县人民医院药剂科终止妊娠药品进销存台账")],
                vec![cell(0, "药品名称：米非司酮片    规格：25mg×6片")],
            ]),
            "XX县人民医院"
        );
        // A unit of money or measure is not the institution.
        assert_eq!(
            institution_from_titles(&[vec![cell(0, "金额单位：元"), cell(4, "计量单位：盒")]]),
            ""
        );
        assert_eq!(
            institution_from_titles(&[vec![cell(0, "青山县人民医院B超检查登记表")]]),
            "青山县人民医院"
        );
        assert_eq!(
            institution_from_titles(&[vec![cell(
                0,
                "2024年3月 青山县妇幼保健院终止妊娠手术登记表"
            )]]),
            "青山县妇幼保健院"
        );
        assert_eq!(
            institution_from_titles(&[vec![cell(0, "鲁中医药有限公司终止妊娠药品购销台账")]]),
            "鲁中医药有限公司"
        );
        // A title without an institution before the ledger's name names none.
        assert_eq!(
            institution_from_titles(&[vec![cell(0, "医院B超检查登记表")]]),
            ""
        );
        assert_eq!(
            institution_from_titles(&[vec![cell(0, "B超检查登记表")]]),
            ""
        );
    }
}
