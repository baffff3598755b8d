//! `auditor-bench`: generates realistic ledgers and measures `auditor check` on them against the
//! performance budgets of DESIGN.md §11. Build both binaries in release first:
//!
//! ```text
//! cargo build --release -p auditor-cli -p auditor-bench && ./target/release/auditor-bench --rows 100000,1000000
//! ```
//!
//! `crates/bench/frictionless.sh` adds the comparison with `frictionless validate`, installed in
//! a throwaway venv.
//!
//! `--datasets termination,pregnancy` generates ledgers whose women are those of the exams
//! (`--rows` still counts exams; each linked ledger has a tenth as many rows), and `--linked`
//! times one `auditor check` over the exam, termination and pregnancy workbooks together, as
//! the cross-ledger rules read them, against each workbook checked alone:
//!
//! ```text
//! ./target/release/auditor-bench --rows 1000000 --linked
//! ```

mod floor;
mod frictionless;
mod generate;
mod ledger;
mod measure;
mod report;
mod summary;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::frictionless::Frictionless;
use crate::ledger::Kind;
use crate::measure::Sample;
use crate::report::{LinkedRun, Measured};
use crate::summary::CheckSummary;

#[derive(Parser)]
#[command(
    name = "auditor-bench",
    about = "Generates large ledgers and times `auditor check` against DESIGN.md §11",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    internal: Option<Internal>,
    #[command(flatten)]
    run: RunArgs,
}

/// Run by the benchmark itself in a fresh process, so each measurement has its own peak memory.
#[derive(Subcommand)]
enum Internal {
    #[command(hide = true)]
    Measure { what: What, file: PathBuf },
}

#[derive(Clone, Copy, ValueEnum)]
enum What {
    Calamine,
    /// The floor under checking a UTF-8 CSV (see floor.rs).
    Floor,
    /// The same for a GBK CSV.
    FloorGbk,
}

#[derive(Args)]
struct RunArgs {
    /// Data rows per ledger; several comma-separated counts are measured in turn.
    #[arg(long, value_delimiter = ',', default_value = "100000")]
    rows: Vec<u64>,
    /// Where ledgers are written; an existing file with the same row count is reused.
    #[arg(long, default_value = "target/bench-data")]
    dir: PathBuf,
    /// Runs per measurement (the median time is reported).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    runs: u32,
    /// Datasets to generate and measure. `--rows` counts the exams: `termination` and
    /// `pregnancy`, whose women are those of the exam ledger, get a tenth as many rows.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "us_exam,drug_txn"
    )]
    datasets: Vec<Kind>,
    /// Also time `frictionless validate` (from PATH) on the same files, with a Table Schema and
    /// dialect equivalent to the auditor's dataset definitions.
    #[arg(long)]
    frictionless: bool,
    /// The `frictionless` executable to time; implies --frictionless.
    #[arg(long, value_name = "PATH")]
    frictionless_cmd: Option<PathBuf>,
    /// Instead of timing each file: generate the `us_exam`, termination and pregnancy workbooks
    /// (termination and pregnancy a tenth of --rows each, of the exams' women) and time one
    /// `auditor check` over the three together, against each of them checked alone.
    #[arg(long, conflicts_with_all = ["datasets", "frictionless", "frictionless_cmd"])]
    linked: bool,
}

/// The day the linked runs are judged as of, so time-based rules see the same thing every time:
/// after the last generated exam (2024-12-31) and the terminations 40 days later.
const LINKED_AS_OF: &str = "2025-03-31";

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.internal {
        Some(Internal::Measure {
            what: What::Calamine,
            file,
        }) => measure::calamine_stream(&file),
        Some(Internal::Measure {
            what: What::Floor,
            file,
        }) => floor::measure(&file, false),
        Some(Internal::Measure {
            what: What::FloorGbk,
            file,
        }) => floor::measure(&file, true),
        None => run(&cli.run),
    };
    // The message alone (with its causes), without the backtrace anyhow's `Debug` would add.
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("auditor-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &RunArgs) -> Result<()> {
    let this_exe = std::env::current_exe().context("locating this executable")?;
    let auditor = this_exe.with_file_name("auditor");
    if !auditor.is_file() {
        bail!(
            "{} not found: the benchmark runs the `auditor` binary built next to it. Build both first:\n  cargo build --release -p auditor-cli -p auditor-bench",
            auditor.display()
        );
    }
    let frictionless = match (&args.frictionless_cmd, args.frictionless) {
        (Some(cmd), _) => Some(cmd.clone()),
        (None, true) => Some(measure::on_path("frictionless").ok_or_else(|| {
            anyhow!(
                "--frictionless: no `frictionless` command on PATH. crates/bench/frictionless.sh \
                 installs it in a throwaway venv and runs the comparison; or pass \
                 --frictionless-cmd PATH"
            )
        })?),
        (None, false) => None,
    }
    .map(Frictionless::new)
    .transpose()?;
    eprintln!("auditor: {}", auditor.display());
    if let Some(f) = &frictionless {
        eprintln!("frictionless: {} ({})", f.cmd.display(), f.version);
    }
    eprintln!("xlsx strings: {}", generate::XLSX_STRINGS);
    if args.linked {
        return run_linked(args, &auditor);
    }

    let mut sizes = Vec::new();
    for &scale in &args.rows {
        for &kind in &args.datasets {
            sizes.push((kind, kind.rows_for(scale).map_err(anyhow::Error::msg)?));
        }
    }
    let mut files = Vec::new();
    for (kind, rows) in sizes {
        files.extend(generate::ensure(&args.dir, kind, rows)?);
    }
    let mut descriptors = Vec::new();
    if frictionless.is_some() {
        for &kind in &args.datasets {
            descriptors.push((kind, frictionless::write_descriptors(&args.dir, kind)?));
        }
    }

    let runs = args.runs as usize;
    let report_path =
        std::env::temp_dir().join(format!("auditor-bench-{}.json", std::process::id()));
    let mut results = Vec::new();
    for file in files {
        eprintln!("measuring  {}", file.path.display());
        let calamine = if file.format == generate::Format::Xlsx {
            let mut samples = Vec::new();
            let mut cells = 0;
            for _ in 0..runs {
                let (s, c) = measure::calamine(&this_exe, &file.path)?;
                samples.push(s);
                cells = c;
            }
            Sample::combine(&samples).map(|s| (s, cells))
        } else {
            None
        };
        let mut samples = Vec::new();
        for i in 0..runs {
            // Only the last run's report is kept and read; the others go to /dev/null.
            let out = if i + 1 == runs {
                report_path.clone()
            } else {
                PathBuf::from("/dev/null")
            };
            samples.push(measure::check(&auditor, &[&file.path], &[], &out)?);
        }
        let summary = CheckSummary::read(&report_path)?;
        let _ = std::fs::remove_file(&report_path);
        let check = Sample::combine(&samples).context("no check runs")?;
        let friction = match &frictionless {
            Some(f) => {
                let (_, desc) = descriptors
                    .iter()
                    .find(|(k, _)| *k == file.kind)
                    .context("no schema written for the dataset")?;
                let mut outcomes = Vec::new();
                for _ in 0..runs {
                    outcomes.push(frictionless::validate(f, &file, desc)?);
                }
                let samples: Vec<Sample> = outcomes.iter().map(|o| o.sample).collect();
                let sample = Sample::combine(&samples).context("no frictionless runs")?;
                outcomes
                    .pop()
                    .map(|o| frictionless::Outcome { sample, ..o })
            }
            None => None,
        };
        // What no check of a CSV can do without, to read the comparison against.
        let floor = if friction.is_some() && file.format != generate::Format::Xlsx {
            Some(measure::floor(&this_exe, &auditor, &file, runs)?)
        } else {
            None
        };
        results.push(Measured {
            bytes: std::fs::metadata(&file.path)?.len(),
            file,
            calamine,
            check,
            summary,
            frictionless: friction,
            floor,
        });
    }

    report::print_table(&results, runs);
    report::print_summaries(&results);
    if let Some(f) = &frictionless {
        report::print_frictionless(&results, runs, &f.version, &args.dir);
    }
    println!("\nxlsx strings: {}", generate::XLSX_STRINGS);
    Ok(())
}

/// `--linked`: for each `--rows` count, the exam, termination and pregnancy workbooks each checked
/// alone, then the three in one `auditor check`, all judged as of [`LINKED_AS_OF`].
fn run_linked(args: &RunArgs, auditor: &std::path::Path) -> Result<()> {
    let kinds = [Kind::UsExam, Kind::Termination, Kind::Pregnancy];
    let mut sets = Vec::new();
    for &scale in &args.rows {
        let mut xlsx = Vec::new();
        for kind in kinds {
            let rows = kind.rows_for(scale).map_err(anyhow::Error::msg)?;
            xlsx.push((kind, rows));
        }
        sets.push((scale, xlsx));
    }
    let mut workbooks = Vec::new();
    for (scale, xlsx) in sets {
        let mut files = Vec::new();
        for (kind, rows) in xlsx {
            let file = generate::ensure(&args.dir, kind, rows)?
                .into_iter()
                .find(|f| f.format == generate::Format::Xlsx)
                .context("no xlsx file generated")?;
            files.push(file);
        }
        workbooks.push((scale, files));
    }

    let runs = args.runs as usize;
    let report_path =
        std::env::temp_dir().join(format!("auditor-bench-{}.json", std::process::id()));
    let extra = ["--as-of", LINKED_AS_OF];
    let mut results = Vec::new();
    for (scale, files) in &workbooks {
        let mut groups: Vec<Vec<&generate::LedgerFile>> = files.iter().map(|f| vec![f]).collect();
        groups.push(files.iter().collect());
        for inputs in groups {
            let paths: Vec<&std::path::Path> = inputs.iter().map(|f| f.path.as_path()).collect();
            let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            eprintln!("measuring  {}", names.join(" + "));
            let mut samples = Vec::new();
            for i in 0..runs {
                let out = if i + 1 == runs {
                    report_path.clone()
                } else {
                    PathBuf::from("/dev/null")
                };
                samples.push(measure::check(auditor, &paths, &extra, &out)?);
            }
            let summary = CheckSummary::read(&report_path)?;
            let _ = std::fs::remove_file(&report_path);
            let mut bytes = 0;
            for p in &paths {
                bytes += std::fs::metadata(p)?.len();
            }
            results.push(LinkedRun {
                scale: *scale,
                kinds: inputs.iter().map(|f| f.kind).collect(),
                rows: inputs.iter().map(|f| f.rows).sum(),
                paths: inputs.iter().map(|f| f.path.clone()).collect(),
                bytes,
                check: Sample::combine(&samples).context("no check runs")?,
                summary,
            });
        }
    }
    report::print_linked(&results, runs, LINKED_AS_OF);
    println!("\nxlsx strings: {}", generate::XLSX_STRINGS);
    Ok(())
}
