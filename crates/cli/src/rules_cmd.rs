//! `auditor rules list` and `auditor rules show ID`: the catalogue as a person reads it, Chinese
//! by default. The same texts serve the reports and, later, the rule pages of the web app.

use std::fmt::Write;
use std::process::ExitCode;

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
            match catalogue.get(&args.id.to_uppercase()) {
                Some(rule) => print(&show(&pack.apply(rule), args.lang)),
                None => fail(&format!(
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
        let datasets: Vec<&str> = rule.datasets.iter().map(|d| d.as_str()).collect();
        let _ = writeln!(
            out,
            "{:<26} {severity:<8} {:<14} {title}",
            rule.id,
            datasets.join(",")
        );
    }
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
    let datasets: Vec<&str> = rule.datasets.iter().map(|d| d.as_str()).collect();
    let _ = writeln!(
        out,
        "{}: {severity}    {}: {}",
        labels[4],
        labels[5],
        datasets.join(", ")
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
    let _ = writeln!(out, "\nstatus: {:?}, since {}", rule.status, rule.since);
    out
}
