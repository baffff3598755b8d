//! `auditor check`: read every input, report what was found, exit by the worst finding.
//! The options, row numbering, exit codes and JSON are a contract (DESIGN.md §5).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use auditor_ingest::{Catalog, Ingest, InputReport, Table};
use auditor_model::{Dataset, Finding, Severity};
use auditor_rules::{Catalogue, DrugCatalog, Pack};
use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use auditor_report::{
    Report, RuleBook, render_csv, render_html, render_json, render_junit, render_sarif,
    render_table, render_xlsx,
};

use crate::timings::Timings;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
    Csv,
    Xlsx,
    Html,
    Sarif,
    Junit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    Zh,
    En,
}

impl From<Lang> for auditor_report::Lang {
    fn from(l: Lang) -> Self {
        match l {
            Lang::Zh => Self::Zh,
            Lang::En => Self::En,
        }
    }
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// 台账文件（xlsx/xlsm/xlsb/xls/ods/csv/tsv）；机构与人员名录也作为输入 / ledger files; registries are inputs too
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// 规则包 / rule pack
    #[arg(long, default_value = "national")]
    pack: String,
    /// 时限类规则的判定日期 / date time-based rules are judged at (default: today, Asia/Shanghai)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    as_of: Option<NaiveDate>,
    /// 报告格式 / report format (default: table on a terminal, json otherwise)
    #[arg(long, value_enum)]
    format: Option<OutputFormat>,
    /// 报告写入该文件 / write the report there instead of stdout
    #[arg(long, value_name = "PATH")]
    output: Option<PathBuf>,
    /// 存在该级别及以上的发现时退出码为 1 / exit 1 if any finding is at or above it
    #[arg(long, default_value = "high", value_parser = parse_severity)]
    fail_on: Severity,
    /// 表格与 HTML 报告的语言 / language of table and html reports
    #[arg(long, value_enum, default_value = "zh")]
    lang: Lang,
    /// 追加或覆盖规则的目录（每条规则一个 .toml 文件）/ a directory of rule files that add or override rules
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// 将所有输入按该数据集读取 / read every sheet as this dataset
    #[arg(long, value_parser = parse_dataset)]
    dataset: Option<Dataset>,
    /// 结束时在标准错误输出各阶段用时 / print how long each phase took to stderr at the end
    #[arg(long)]
    timings: bool,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        format!("日期应为 YYYY-MM-DD，收到 \"{s}\" / expected a date as YYYY-MM-DD, got \"{s}\"")
    })
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

fn parse_dataset(s: &str) -> Result<Dataset, String> {
    s.parse()
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("auditor check: {message}");
    ExitCode::from(2)
}

pub fn run(args: &CheckArgs) -> ExitCode {
    let mut timings = Timings::new(args.timings);
    let format = args.format.unwrap_or(
        if std::io::stdout().is_terminal() && args.output.is_none() {
            OutputFormat::Table
        } else {
            OutputFormat::Json
        },
    );
    // A workbook is binary: like gzip, refuse to spill it onto a terminal, but let it go
    // down a pipe or into a redirected file.
    if format == OutputFormat::Xlsx && args.output.is_none() && std::io::stdout().is_terminal() {
        return usage_error(
            "xlsx 报告是二进制文件，请用 --output 指定保存路径 / the xlsx report is a binary file; name it with --output PATH",
        );
    }
    let pack = match Pack::builtin(&crate::pack_name::resolve(&args.pack)) {
        Ok(p) => p,
        Err(e) => return usage_error(&e.to_string()),
    };
    let catalog = match Catalog::builtin() {
        Ok(c) => c,
        Err(e) => return usage_error(&e.to_string()),
    };
    let rules = match Catalogue::builtin().and_then(|c| match &args.rules {
        Some(dir) => c.with_dir(dir),
        None => Ok(c),
    }) {
        Ok(c) => c,
        Err(e) => return usage_error(&e.to_string()),
    };
    let drugs = match DrugCatalog::builtin() {
        Ok(d) => d,
        Err(e) => return usage_error(&e),
    };
    let hasher = match crate::key::hasher_for_check() {
        Ok(h) => h,
        Err(e) => return usage_error(&e),
    };
    let as_of = args.as_of.unwrap_or_else(today_in_china);

    timings.lap("准备", "start-up");
    let mut inputs: Vec<InputReport> = Vec::new();
    for path in &args.files {
        let progress = Progress::for_file(path);
        let callback = |rows: u64| progress.rows(rows);
        let mut ingest = Ingest::new(&catalog, &hasher);
        ingest.forced = args.dataset;
        // Only the xlsx report copies the sheets, titles and unread columns included.
        ingest.keep_source = format == OutputFormat::Xlsx;
        if progress.bar.is_some() {
            ingest.progress = Some(&callback);
        }
        let report = ingest.read_path(path, &path.display().to_string());
        progress.finish();
        if let Some(e) = &report.error {
            eprintln!("{}：{}\n{}: {}", report.file, e.zh(), report.file, e.en());
        }
        inputs.push(report);
    }

    let mut findings: Vec<Finding> = inputs
        .iter_mut()
        .flat_map(|i| std::mem::take(&mut i.findings))
        .collect();
    // Rules see every table of every input together: registries are just more files.
    let tables: Vec<Table> = inputs
        .iter_mut()
        .flat_map(|i| std::mem::take(&mut i.tables))
        .collect();
    timings.lap("读取", "read");
    let (rule_findings, mut skipped) =
        auditor_rules::evaluate(&rules, &pack, &drugs, &tables, as_of);
    skipped.extend(crate::as_of::note(&tables, as_of));
    let skipped = crate::notes::merged(skipped);
    timings.lap("判定", "rules");
    // The html report's funnel plot is drawn from the births, which are freed before rendering.
    let sex_ratio = (format == OutputFormat::Html)
        .then(|| auditor_rules::srb::for_pack(&rules, &pack, &tables))
        .flatten();
    // The reports people print name whom the run audited.
    let institutions = matches!(
        format,
        OutputFormat::Table | OutputFormat::Html | OutputFormat::Xlsx
    )
    .then(|| auditor_report::institutions(&tables))
    .unwrap_or_default();
    // Only the xlsx report copies the sheets; otherwise free the tables before rendering.
    let tables = if format == OutputFormat::Xlsx {
        tables
    } else {
        drop(tables);
        Vec::new()
    };
    findings.extend(rule_findings);
    auditor_ingest::quality::distinguish_repeats(&mut findings);
    // A table written to stdout lists the notes itself; printing them on stderr too would
    // show each twice on a terminal. Every other report keeps them on stderr for the person
    // running it.
    if !(format == OutputFormat::Table && args.output.is_none()) {
        for s in &skipped {
            eprintln!("{}\n{}", s.zh, s.en);
        }
    }
    let unreadable = inputs.iter().any(|i| i.error.is_some());
    let failing = findings.iter().any(|f| f.severity >= args.fail_on);
    let mut report = Report::new(as_of, &pack, &inputs, &skipped, findings);
    report.sex_ratio = sex_ratio;
    report.context.institutions = institutions;
    let book = RuleBook::for_pack(&rules, &pack);
    let bytes = match render(format, &report, &book, &tables, &catalog, args) {
        Ok(b) => b,
        Err(e) => return usage_error(&format!("无法生成报告 / cannot render the report: {e}")),
    };
    timings.lap("报告", "render");
    if let Err(e) = write_output(args.output.as_deref(), &bytes) {
        return usage_error(&e);
    }
    timings.lap("写出", "write");
    timings.print();
    if unreadable {
        ExitCode::from(2)
    } else if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn render(
    format: OutputFormat,
    report: &Report,
    book: &RuleBook,
    tables: &[Table],
    catalog: &Catalog,
    args: &CheckArgs,
) -> anyhow::Result<Vec<u8>> {
    Ok(match format {
        OutputFormat::Table => render_table(report, book, args.lang.into()).into_bytes(),
        OutputFormat::Json => render_json(report)?.into_bytes(),
        OutputFormat::Csv => render_csv(report)?,
        OutputFormat::Xlsx => render_xlsx(report, book, tables, catalog)?,
        OutputFormat::Html => render_html(report, book, catalog, args.lang.into()).into_bytes(),
        OutputFormat::Sarif => render_sarif(report, book)?.into_bytes(),
        OutputFormat::Junit => render_junit(report, book, args.fail_on).into_bytes(),
    })
}

fn today_in_china() -> NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive()
}

fn write_output(path: Option<&Path>, bytes: &[u8]) -> Result<(), String> {
    match path {
        Some(p) => std::fs::write(p, bytes)
            .map_err(|e| format!("无法写入 {0} / cannot write {0}: {e}", p.display())),
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth a message.
            match out.write_all(bytes).and_then(|()| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("stdout: {e}")),
                _ => Ok(()),
            }
        }
    }
}

/// A progress bar on stderr for large files, only when stderr is a terminal.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    const LARGE_FILE: u64 = 4 << 20;

    fn for_file(path: &Path) -> Self {
        let large = std::fs::metadata(path).is_ok_and(|m| m.len() >= Self::LARGE_FILE);
        let bar = (large && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {msg} {pos} 行/rows {elapsed}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            bar.set_message(path.display().to_string());
            bar
        });
        Self { bar }
    }

    fn rows(&self, n: u64) {
        if let Some(b) = &self.bar {
            b.set_position(n);
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
