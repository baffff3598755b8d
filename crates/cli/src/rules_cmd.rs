//! `auditor rules list` and `auditor rules show ID`: the catalogue as a person reads it, Chinese
//! by default. The same texts serve the reports and, later, the rule pages of the web app.

use std::fmt::Write;
use std::process::ExitCode;

use auditor_ingest::quality::DqRule;
use auditor_model::Dataset;
use auditor_rules::catalogue::Status;
use auditor_rules::{Catalogue, Pack, Rule};
use clap::{Args, Subcommand};

use crate::check::Lang;

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// 列出规则 / list the rules
    List(ListArgs),
    /// 显示一条规则的说明与依据 / show a rule's docs and citations
    Show(ShowArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// 规则包 / rule pack
    #[arg(long, default_value = "national")]
    pack: String,
    #[arg(long, value_enum, default_value = "zh")]
    lang: Lang,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// 规则编号，如 US-DUAL-SIGN / rule id, e.g. US-DUAL-SIGN
    id: String,
    #[arg(long, default_value = "national")]
    pack: String,
    #[arg(long, value_enum, default_value = "zh")]
    lang: Lang,
}

pub fn run(command: &RulesCommand) -> ExitCode {
    let catalogue = match Catalogue::builtin() {
        Ok(c) => c,
        Err(e) => return fail(&e.to_string()),
    };
    match command {
        RulesCommand::List(args) => match Pack::builtin(&args.pack) {
            Ok(pack) => print(&list(&catalogue, &pack, args.lang)),
            Err(e) => fail(&e.to_string()),
        },
        RulesCommand::Show(args) => {
            let pack = match Pack::builtin(&args.pack) {
                Ok(p) => p,
                Err(e) => return fail(&e.to_string()),
            };
            let id = args.id.to_uppercase();
            match (catalogue.get(&id), DqRule::from_id(&id)) {
                (Some(rule), _) => print(&show(&pack.apply(rule), args.lang)),
                (None, Some(dq)) => print(&show_data_quality(dq, args.lang)),
                (None, None) => fail(&format!(
                    "没有规则 \"{0}\"，用 auditor rules list 查看全部 / no rule \"{0}\"; see auditor rules list",
                    args.id
                )),
            }
        }
    }
}

fn print(text: &str) -> ExitCode {
    print!("{text}");
    ExitCode::SUCCESS
}

fn fail(message: &str) -> ExitCode {
    eprintln!("auditor rules: {message}");
    ExitCode::from(2)
}

pub fn list(catalogue: &Catalogue, pack: &Pack, lang: Lang) -> String {
    let mut out = String::new();
    for rule in catalogue.rules.iter().filter(|r| pack.selects(&r.id)) {
        let rule = pack.apply(rule);
        let (severity, title) = match lang {
            Lang::Zh => (rule.severity.zh(), rule.title.zh.as_str()),
            Lang::En => (rule.severity.as_str(), rule.title.en.as_str()),
        };
        let _ = writeln!(
            out,
            "{:<26} {} {title}  · {}",
            rule.id,
            pad(severity, 8),
            dataset_titles(&rule.datasets, lang, false)
        );
    }
    // Ingest's own checks judge every ledger; they are listed so that every id a report can
    // show can be looked up.
    for dq in DqRule::ALL {
        let d = dq.docs();
        let (severity, title, all) = match lang {
            Lang::Zh => (dq.severity().zh(), d.title_zh, "所有台账"),
            Lang::En => (dq.severity().as_str(), d.title_en, "every ledger"),
        };
        let _ = writeln!(out, "{:<26} {} {title}  · {all}", dq.id(), pad(severity, 8));
    }
    out
}

/// A data-quality rule of ingest, shown like a catalogue rule.
pub fn show_data_quality(dq: DqRule, lang: Lang) -> String {
    let d = dq.docs();
    let (title, what, fix, severity, labels) = match lang {
        Lang::Zh => (
            d.title_zh,
            d.what_zh,
            d.fix_zh,
            dq.severity().zh(),
            [
                "严重程度",
                "数据集",
                "所有台账（数据质量检查）",
                "检查内容",
                "如何整改",
                "依据",
            ],
        ),
        Lang::En => (
            d.title_en,
            d.what_en,
            d.fix_en,
            dq.severity().as_str(),
            [
                "Severity",
                "Datasets",
                "every ledger (data quality)",
                "What it checks",
                "How to fix",
                "Citations",
            ],
        ),
    };
    let mut out = format!("{} — {title}\n\n", dq.id());
    let _ = writeln!(
        out,
        "{}: {severity}    {}: {}",
        labels[0], labels[1], labels[2]
    );
    let _ = writeln!(out, "\n{}\n  {what}", labels[3]);
    let _ = writeln!(out, "\n{}\n  {fix}", labels[4]);
    let _ = writeln!(out, "\n{}\n  - {}", labels[5], dq.citation());
    out
}

pub fn show(rule: &Rule, lang: Lang) -> String {
    let d = &rule.docs;
    let (title, what, why, fix, labels) = match lang {
        Lang::Zh => (
            &rule.title.zh,
            &d.what_zh,
            &d.why_zh,
            &d.fix_zh,
            [
                "检查内容",
                "为何重要",
                "如何整改",
                "依据",
                "严重程度",
                "数据集",
                "参数",
            ],
        ),
        Lang::En => (
            &rule.title.en,
            &d.what_en,
            &d.why_en,
            &d.fix_en,
            [
                "What it checks",
                "Why it matters",
                "How to fix",
                "Citations",
                "Severity",
                "Datasets",
                "Parameters",
            ],
        ),
    };
    let mut out = format!("{} — {title}\n\n", rule.id);
    let severity = if lang == Lang::Zh {
        rule.severity.zh()
    } else {
        rule.severity.as_str()
    };
    let _ = writeln!(
        out,
        "{}: {severity}    {}: {}",
        labels[4],
        labels[5],
        dataset_titles(&rule.datasets, lang, true)
    );
    for (label, text) in [(labels[0], what), (labels[1], why), (labels[2], fix)] {
        let _ = writeln!(out, "\n{label}\n  {text}");
    }
    let _ = writeln!(out, "\n{}", labels[3]);
    for c in &rule.citations {
        let _ = writeln!(out, "  - {}", c.render());
    }
    if !rule.params.is_empty() {
        let _ = writeln!(out, "\n{}", labels[6]);
        for (k, v) in &rule.params {
            let _ = writeln!(out, "  {k} = {v}");
        }
    }
    let _ = match lang {
        Lang::Zh => writeln!(
            out,
            "\n状态: {}，自 {} 版起",
            status_zh(rule.status),
            rule.since
        ),
        Lang::En => writeln!(out, "\nstatus: {:?}, since {}", rule.status, rule.since),
    };
    out
}

/// The ledgers a rule reads, by the names clerks use; `internal` adds in brackets the name an
/// expert passes to `--dataset`.
fn dataset_titles(datasets: &[Dataset], lang: Lang, internal: bool) -> String {
    let names: Vec<String> = datasets
        .iter()
        .map(|d| {
            let (zh, en) = d.title();
            match (lang, internal) {
                (Lang::Zh, true) => format!("{zh}（{d}）"),
                (Lang::En, true) => format!("{en} ({d})"),
                (Lang::Zh, false) => zh.to_owned(),
                (Lang::En, false) => en.to_owned(),
            }
        })
        .collect();
    names.join(if lang == Lang::Zh { "、" } else { ", " })
}

fn status_zh(status: Status) -> &'static str {
    match status {
        Status::Stable => "正式",
        Status::Preview => "试行",
        Status::Deprecated => "已停用",
    }
}

/// `text` padded with spaces to `columns` terminal columns: a Chinese character takes two, so
/// `{:<8}` would leave 严重 two columns short of 高.
fn pad(text: &str, columns: usize) -> String {
    let width: usize = text
        .chars()
        .map(|c| if c >= '\u{1100}' { 2 } else { 1 })
        .sum();
    format!("{text}{}", " ".repeat(columns.saturating_sub(width)))
}
