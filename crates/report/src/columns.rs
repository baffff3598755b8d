//! The columns a finding is written in: one row per finding in the csv report and in the xlsx
//! findings sheet. Headers are bilingual; values are not yet escaped against formulas.

use std::fmt::Write as _;

use auditor_model::Finding;

pub const HEADERS: [&str; 12] = [
    "规则 rule",
    "级别 severity",
    "数据集 dataset",
    "文件 file",
    "工作表 sheet",
    "行 row",
    "单元格 cells",
    "说明 message",
    "说明(英) message_en",
    "依据 citation",
    "指纹 fingerprint",
    "相关记录 related",
];

/// Index of the row column, which the xlsx report writes as a number.
pub const ROW: usize = 5;
/// Index of the cells column, which the xlsx report links to the copied sheet.
pub const CELLS: usize = 6;

pub fn values(f: &Finding) -> [String; 12] {
    [
        f.rule.clone(),
        severity_label(f.severity),
        f.dataset.map(|d| d.as_str().to_owned()).unwrap_or_default(),
        f.file.clone(),
        f.sheet.clone().unwrap_or_default(),
        f.row.map(|r| r.to_string()).unwrap_or_default(),
        cells_text(f),
        f.message.clone(),
        f.message_en.clone(),
        f.citation.clone(),
        f.fingerprint.clone(),
        related_text(f),
    ]
}

/// The other rows a cross-ledger finding rests on, one per line: `exams.csv [3月] 7 G7 H7`.
pub fn related_text(f: &Finding) -> String {
    f.related
        .iter()
        .map(|e| {
            let mut s = e.file.clone();
            if let Some(sheet) = &e.sheet {
                let _ = write!(s, " [{sheet}]");
            }
            if let Some(row) = e.row {
                let _ = write!(s, " {row}");
            }
            for c in &e.cells {
                let _ = write!(s, " {c}");
            }
            s
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `高 high`: read in Chinese, and still holding the token `--fail-on` and the JSON use.
pub fn severity_label(s: auditor_model::Severity) -> String {
    format!("{} {}", s.zh(), s.as_str())
}

/// The cells, space-separated: `H17 I17`.
pub fn cells_text(f: &Finding) -> String {
    f.cells
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}
