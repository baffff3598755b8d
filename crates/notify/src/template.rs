//! The digest, rendered: a subject, a plain-text body and an HTML body, in the team's
//! language. Counts by severity and rule, the institutions, and a link to each listed finding;
//! nothing about patients (the digest holds no names, ID numbers or hashes to begin with).

use std::fmt::Write as _;

use auditor_store::outbox::{Digest, InstitutionCount};

pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

const SEVERITIES: [&str; 4] = ["critical", "high", "medium", "low"];

fn severity_zh(s: &str) -> &str {
    match s {
        "critical" => "严重",
        "high" => "高",
        "medium" => "中",
        "low" => "低",
        other => other,
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The words of one language.
struct Words {
    zh: bool,
}

impl Words {
    fn severity<'a>(&self, s: &'a str) -> &'a str {
        if self.zh { severity_zh(s) } else { s }
    }

    fn source(&self, d: &Digest) -> String {
        match (self.zh, d.kind.as_str()) {
            (true, "upload") => format!("上传 #{}", d.source_id),
            (true, _) => format!("巡查 #{}", d.source_id),
            (false, "upload") => format!("upload #{}", d.source_id),
            (false, _) => format!("sweep #{}", d.source_id),
        }
    }

    fn subject(&self, d: &Digest) -> String {
        if self.zh {
            format!(
                "【两非审计】{}：{} 新发现 {} 个问题（{}）",
                d.team,
                self.source(d),
                d.total,
                d.date
            )
        } else {
            format!(
                "[auditor] {}: {} new finding{} from {} ({})",
                d.team,
                d.total,
                if d.total == 1 { "" } else { "s" },
                self.source(d),
                d.date
            )
        }
    }

    fn intro(&self, d: &Digest) -> String {
        if self.zh {
            format!(
                "{}（辖区 {}）：{} 于 {} 新发现 {} 个问题，达到本组的通知级别。",
                d.team,
                d.region_code,
                self.source(d),
                d.date,
                d.total
            )
        } else {
            format!(
                "{} (region {}): {} found {} new finding{} at or above the team's level on {}.",
                d.team,
                d.region_code,
                self.source(d),
                d.total,
                if d.total == 1 { "" } else { "s" },
                d.date
            )
        }
    }

    fn heading(&self, what: &str) -> &'static str {
        match (self.zh, what) {
            (true, "severity") => "按严重程度",
            (true, "rule") => "按规则",
            (true, "institution") => "涉及机构",
            (true, _) => "问题链接",
            (false, "severity") => "By severity",
            (false, "rule") => "By rule",
            (false, "institution") => "Institutions",
            (false, _) => "Findings",
        }
    }

    fn more(&self, n: u64) -> String {
        if self.zh {
            format!("另有 {n} 个问题未逐一列出，请登录系统查看。")
        } else {
            format!("{n} more findings are not listed; sign in to see them all.")
        }
    }

    fn footer(&self) -> &'static str {
        if self.zh {
            "本邮件由两非合规审计系统自动发送，只含统计、规则编号、机构名称和链接，不含任何个人信息。"
        } else {
            "Sent automatically by the auditor. It carries counts, rule ids, institutions and links only, never personal data."
        }
    }
}

/// An institution by name and credit code; once when it is known only by its code.
fn institution(i: &InstitutionCount) -> String {
    if i.name == i.uscc || i.uscc.is_empty() {
        i.name.clone()
    } else {
        format!("{} {}", i.name, i.uscc)
    }
}

fn link(public_url: &str, id: i32) -> String {
    format!("{}/findings/{id}", public_url.trim_end_matches('/'))
}

/// Renders `d` in `language` (`zh`, or anything else for English), linking findings under
/// `public_url`.
pub fn render(d: &Digest, language: &str, public_url: &str) -> Rendered {
    let w = Words {
        zh: language == "zh",
    };
    let count = |s: &str| d.by_severity.get(s).copied().unwrap_or(0);
    let listed = d.findings.len() as u64;
    let sep = if w.zh { "：" } else { ": " };

    let mut text = String::new();
    let _ = writeln!(text, "{}\n", w.intro(d));
    let _ = writeln!(text, "{}{sep}", w.heading("severity"));
    for s in SEVERITIES {
        let _ = writeln!(text, "  {}{sep}{}", w.severity(s), count(s));
    }
    let _ = writeln!(text, "\n{}{sep}", w.heading("rule"));
    for r in &d.by_rule {
        let _ = writeln!(
            text,
            "  {} ({}){sep}{}",
            r.rule,
            w.severity(&r.severity),
            r.count
        );
    }
    let _ = writeln!(text, "\n{}{sep}", w.heading("institution"));
    for i in &d.institutions {
        let _ = writeln!(text, "  {}{sep}{}", institution(i), i.count);
    }
    let _ = writeln!(text, "\n{}{sep}", w.heading("finding"));
    for f in &d.findings {
        let _ = writeln!(
            text,
            "  #{} {} ({}) {} {}",
            f.id,
            f.rule,
            w.severity(&f.severity),
            f.institution,
            link(public_url, f.id)
        );
    }
    if d.total > listed {
        let _ = writeln!(text, "  {}", w.more(d.total - listed));
    }
    let _ = writeln!(text, "\n-- \n{}", w.footer());

    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head><body>",
        if w.zh { "zh-CN" } else { "en" },
        escape(&w.subject(d))
    );
    let _ = write!(html, "<p>{}</p>", escape(&w.intro(d)));
    let _ = write!(html, "<h3>{}</h3><table>", w.heading("severity"));
    for s in SEVERITIES {
        let _ = write!(
            html,
            "<tr><th>{}</th><td>{}</td></tr>",
            escape(w.severity(s)),
            count(s)
        );
    }
    let _ = write!(html, "</table><h3>{}</h3><table>", w.heading("rule"));
    for r in &d.by_rule {
        let _ = write!(
            html,
            "<tr><th>{}</th><td>{}</td><td>{}</td></tr>",
            escape(&r.rule),
            escape(w.severity(&r.severity)),
            r.count
        );
    }
    let _ = write!(html, "</table><h3>{}</h3><table>", w.heading("institution"));
    for i in &d.institutions {
        let _ = write!(
            html,
            "<tr><th>{}</th><td>{}</td><td>{}</td></tr>",
            escape(&i.name),
            escape(&i.uscc),
            i.count
        );
    }
    let _ = write!(html, "</table><h3>{}</h3><ul>", w.heading("finding"));
    for f in &d.findings {
        let href = escape(&link(public_url, f.id));
        let _ = write!(
            html,
            "<li><a href=\"{href}\">#{}</a> {} ({}) {}</li>",
            f.id,
            escape(&f.rule),
            escape(w.severity(&f.severity)),
            escape(&f.institution)
        );
    }
    let _ = write!(html, "</ul>");
    if d.total > listed {
        let _ = write!(html, "<p>{}</p>", escape(&w.more(d.total - listed)));
    }
    let _ = write!(
        html,
        "<hr><p><small>{}</small></p></body></html>",
        escape(w.footer())
    );
    Rendered {
        subject: w.subject(d),
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use auditor_store::outbox::{DigestFinding, RuleCount};

    fn digest() -> Digest {
        Digest {
            kind: "sweep".into(),
            source_id: 7,
            team: "宁阳县<检查组>".into(),
            region_code: "370921".into(),
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default(),
            total: 2,
            by_severity: [("high".to_owned(), 2)].into_iter().collect(),
            by_rule: vec![RuleCount {
                rule: "US-DEVICE-FILED-ON-TIME".into(),
                severity: "high".into(),
                count: 2,
            }],
            institutions: vec![InstitutionCount {
                name: "宁阳县人民医院".into(),
                uscc: "123709214950000011".into(),
                count: 2,
            }],
            findings: vec![DigestFinding {
                id: 41,
                rule: "US-DEVICE-FILED-ON-TIME".into(),
                severity: "high".into(),
                institution: "宁阳县人民医院".into(),
            }],
        }
    }

    #[test]
    fn both_languages_carry_counts_links_and_escape_html() {
        let zh = render(&digest(), "zh", "https://audit.example.cn/");
        assert!(zh.subject.contains("巡查 #7") && zh.subject.contains("2 个问题"));
        assert!(
            zh.text.contains("高：2") && zh.text.contains("https://audit.example.cn/findings/41")
        );
        assert!(zh.html.contains("&lt;检查组&gt;") && !zh.html.contains("<检查组>"));
        assert!(zh.text.contains("另有 1 个问题未逐一列出"));
        let en = render(&digest(), "en", "https://audit.example.cn");
        assert!(en.subject.contains("2 new findings from sweep #7"));
        assert!(
            en.text.contains("high: 2")
                && en
                    .html
                    .contains("href=\"https://audit.example.cn/findings/41\"")
        );
    }
}
