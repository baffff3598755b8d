//! `--format table`: a plain-text report for a terminal, Chinese by default.

use std::fmt::Write;

use super::Report;
use crate::Lang;

pub fn render_table(report: &Report, lang: Lang) -> String {
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
    for input in &report.inputs {
        let _ = writeln!(out);
        let detail = match (input.format, input.encoding) {
            (Some(f), Some(e)) => format!(" ({f}, {e})"),
            (Some(f), None) => format!(" ({f})"),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "{} {}{detail}",
            if zh { "文件" } else { "file" },
            input.file
        );
        if let Some(err) = &input.error {
            let _ = writeln!(
                out,
                "  {} {}",
                if zh { "无法读取：" } else { "unreadable:" },
                if zh { &err.message } else { &err.message_en }
            );
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
                    let _ = writeln!(
                        out,
                        "  {} {name}{hidden}: {d}, {} {}, {} {}",
                        if zh { "工作表" } else { "sheet" },
                        if zh { "表头行" } else { "header row" },
                        s.header_row.unwrap_or(0),
                        s.rows,
                        if zh { "条记录" } else { "records" },
                    );
                }
                None => {
                    let _ = writeln!(
                        out,
                        "  {} {name}{hidden}: {} [{}]",
                        if zh { "工作表" } else { "sheet" },
                        if zh {
                            "未识别的台账，表头为"
                        } else {
                            "not a known ledger; headers seen"
                        },
                        s.headers.join(", ")
                    );
                }
            }
            if !s.unmapped.is_empty() {
                let label = if zh {
                    "未读取的列："
                } else {
                    "columns not read: "
                };
                let _ = writeln!(out, "    {label}{}", s.unmapped.join(", "));
            }
            for n in &s.notes {
                let _ = writeln!(out, "    {}", if zh { &n.message } else { &n.message_en });
            }
        }
    }
    for note in &report.notes {
        let _ = writeln!(
            out,
            "{} {}",
            if zh { "注：" } else { "note:" },
            if zh { &note.message } else { &note.message_en }
        );
    }
    let sum = &report.summary;
    let _ = writeln!(out);
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
    for f in &report.findings {
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
        let _ = writeln!(out, "{sev:<8} {:<24} {place}  {msg}", f.rule);
    }
    out
}
