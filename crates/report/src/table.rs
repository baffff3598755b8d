//! `--format table`: a plain-text report for a terminal, Chinese by default. Lines stay within
//! [`WIDTH`] columns, and the findings come worst first.

use std::fmt::Write;

use super::Report;
use super::wrap::{fold, pad};
use crate::Lang;
use crate::rule_book::{Outcome, RuleBook};

/// The widest line, in terminal columns.
pub const WIDTH: usize = 120;
/// The columns the severity takes before the rule id (`critical` and a space), and a
/// finding's message is indented by.
const SEVERITY: usize = 9;

pub fn render_table(report: &Report, book: &RuleBook, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} · {} {} {} · {} {}",
        report.tool.name,
        report.tool.version,
        if zh { "规则包" } else { "pack" },
        report.pack.name,
        report.pack.version,
        if zh { "判定日期" } else { "as of" },
        report.as_of
    );
    let audited = report
        .context
        .institutions_line(lang, crate::context::NAMED_ON_TERMINAL)
        .unwrap_or_else(|| {
            if zh {
                "台账未注明".to_owned()
            } else {
                "not stated in the ledgers".to_owned()
            }
        });
    out.push_str(&fold(
        if zh { "被检查单位 " } else { "audited " },
        &audited,
        2,
        WIDTH,
    ));
    let _ = writeln!(
        out,
        "{} {}",
        if zh { "生成时间" } else { "generated" },
        report.context.generated_at
    );
    for input in &report.inputs {
        let _ = writeln!(out);
        let detail = match (input.format, input.encoding) {
            (Some(f), Some(e)) => format!(" ({f}, {e})"),
            (Some(f), None) => format!(" ({f})"),
            _ => String::new(),
        };
        out.push_str(&fold(
            if zh { "文件 " } else { "file " },
            &format!("{}{detail}", input.file),
            2,
            WIDTH,
        ));
        if let Some(sha) = &input.sha256 {
            let _ = writeln!(out, "  SHA-256 {sha}");
        }
        if let Some(err) = &input.error {
            out.push_str(&fold(
                if zh {
                    "  无法读取："
                } else {
                    "  unreadable: "
                },
                if zh { &err.message } else { &err.message_en },
                4,
                WIDTH,
            ));
        }
        for s in &input.sheets {
            let name = if s.sheet.is_empty() {
                "-".to_owned()
            } else {
                s.sheet.clone()
            };
            let hidden = match (s.hidden, zh) {
                (true, true) => " [隐藏]",
                (true, false) => " [hidden]",
                _ => "",
            };
            match s.dataset {
                Some(d) => {
                    let line = format!(
                        "{name}{hidden}: {d}, {} {}, {} {}",
                        if zh { "表头行" } else { "header row" },
                        s.header_row.unwrap_or(0),
                        s.rows,
                        if zh { "条记录" } else { "records" },
                    );
                    out.push_str(&fold(
                        if zh { "  工作表 " } else { "  sheet " },
                        &line,
                        6,
                        WIDTH,
                    ));
                }
                None => {
                    let first = format!(
                        "  {} {name}{hidden}: {} ",
                        if zh { "工作表" } else { "sheet" },
                        if zh {
                            "未识别的台账，表头为"
                        } else {
                            "not a known ledger; headers seen"
                        },
                    );
                    out.push_str(&fold(
                        &first,
                        &format!("[{}]", s.headers.join(", ")),
                        6,
                        WIDTH,
                    ));
                }
            }
            if !s.unmapped.is_empty() {
                let label = if zh {
                    "    未读取的列："
                } else {
                    "    columns not read: "
                };
                out.push_str(&fold(label, &s.unmapped.join(", "), 6, WIDTH));
            }
            for n in &s.notes {
                out.push_str(&fold(
                    "    ",
                    if zh { &n.message } else { &n.message_en },
                    6,
                    WIDTH,
                ));
            }
        }
    }
    for note in &report.notes {
        out.push_str(&fold(
            if zh { "注：" } else { "note: " },
            if zh { &note.message } else { &note.message_en },
            2,
            WIDTH,
        ));
    }
    rules_applied(&mut out, report, book, zh);
    let sum = &report.summary;
    let _ = writeln!(out);
    if let Some((w_zh, w_en)) = report.unreadable_warning() {
        out.push_str(&fold("！ ", if zh { &w_zh } else { &w_en }, 2, WIDTH));
    }
    let unlisted = sum
        .unlisted_note(lang)
        .map(|n| {
            if zh {
                format!("（{n}）")
            } else {
                format!(" ({n})")
            }
        })
        .unwrap_or_default();
    if zh {
        let _ = writeln!(
            out,
            "发现 {} 项：严重 {} · 高 {} · 中 {} · 低 {}{unlisted}",
            sum.total, sum.critical, sum.high, sum.medium, sum.low
        );
    } else {
        let _ = writeln!(
            out,
            "{} findings: critical {} · high {} · medium {} · low {}{unlisted}",
            sum.total, sum.critical, sum.high, sum.medium, sum.low
        );
    }
    // Worst first; within a severity, in the report's order (file, sheet, row).
    let mut findings: Vec<_> = report.findings.iter().collect();
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    for f in findings {
        let mut place = f.file.clone();
        if let Some(sheet) = &f.sheet {
            let _ = write!(place, " [{sheet}]");
        }
        if let Some(row) = f.row {
            let _ = write!(place, " {}{row}", if zh { "行" } else { "row " });
        }
        let sev = if zh {
            f.severity.zh()
        } else {
            f.severity.as_str()
        };
        let msg = if zh { &f.message } else { &f.message_en };
        out.push_str(&fold(
            &format!("{}{}  ", pad(sev, SEVERITY), f.rule),
            &place,
            SEVERITY,
            WIDTH,
        ));
        out.push_str(&fold(&" ".repeat(SEVERITY), msg, SEVERITY, WIDTH));
    }
    out
}

/// The rules applied, on one folded line: those that found nothing are named too, so a clean
/// report says what the ledgers were checked against.
fn rules_applied(out: &mut String, report: &Report, book: &RuleBook, zh: bool) {
    let applied = book.applied(&report.inputs);
    if applied.is_empty() {
        return;
    }
    let list: Vec<String> = applied
        .iter()
        .map(|r| match Outcome::of(report, &r.id) {
            Outcome::Found(n) => format!("{} ({n})", r.id),
            Outcome::Clear => format!("{} (0)", r.id),
            Outcome::NotJudged => format!("{} (-)", r.id),
        })
        .collect();
    let first = if zh {
        format!(
            "适用规则 {} 条（括号内为发现数，- 为未能检查）：",
            applied.len()
        )
    } else {
        format!(
            "{} rules applied (findings in brackets, - not judged): ",
            applied.len()
        )
    };
    out.push_str(&fold(&first, &list.join(", "), 2, WIDTH));
}
