//! The printed results: one table row per file with its budgets marked, then one line per file
//! of what the check read and found; for `--linked`, one row per set of workbooks checked
//! together and what linking them cost.

use std::path::{Path, PathBuf};

use crate::floor::Floor;
use crate::frictionless::Outcome;
use crate::generate::{Format, LedgerFile};
use crate::ledger::Kind;
use crate::measure::Sample;
use crate::summary::CheckSummary;

/// DESIGN.md §11: xlsx check within 1.25x of calamine streaming the sheet.
const XLSX_RATIO_DESIGN: f64 = 1.25;
/// The tighter ratio the benchmark was asked to track, leaving headroom under §11.
const XLSX_RATIO_TARGET: f64 = 1.15;
/// DESIGN.md §11: xlsx check peak memory under 300 MB.
const XLSX_PEAK_MB: f64 = 300.0;
/// DESIGN.md §11: CSV, 1M rows in under 1.5 s; smaller files get the pro-rata share.
const CSV_SECS_PER_MILLION: f64 = 1.5;
/// DESIGN.md §11: at least this many times faster than `frictionless validate`.
const FRICTIONLESS_XLSX: f64 = 15.0;
const FRICTIONLESS_CSV: f64 = 50.0;

pub struct Measured {
    pub file: LedgerFile,
    pub bytes: u64,
    pub calamine: Option<(Sample, u64)>,
    pub check: Sample,
    pub summary: CheckSummary,
    pub frictionless: Option<Outcome>,
    /// For a CSV compared with Frictionless: the floor under any check of it, and the start-up
    /// of `auditor check` on its header alone.
    pub floor: Option<(Floor, Sample)>,
}

/// One `auditor check` over one or more workbooks of a `--linked` run.
pub struct LinkedRun {
    /// The `--rows` count: the exams.
    pub scale: u64,
    pub kinds: Vec<Kind>,
    /// Data rows generated in all its inputs.
    pub rows: u64,
    pub paths: Vec<PathBuf>,
    pub bytes: u64,
    pub check: Sample,
    pub summary: CheckSummary,
}

impl LinkedRun {
    fn label(&self) -> String {
        let names: Vec<&str> = self.kinds.iter().map(|k| k.name()).collect();
        names.join("+")
    }
}

fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

fn mark(ok: bool) -> &'static str {
    if ok { "OK" } else { "OVER" }
}

pub fn print_table(results: &[Measured], runs: usize) {
    println!(
        "\nauditor check vs calamine streaming; time = median of {runs} runs, RSS = highest VmHWM (check polled every 20 ms)"
    );
    println!(
        "{:<11} {:<8} {:>8} {:>8} {:>11} {:>8} {:>7} {:>8} {:>8}  budgets",
        "dataset",
        "format",
        "rows",
        "size MB",
        "calamine s",
        "check s",
        "ratio",
        "cal RSS",
        "RSS MB"
    );
    for m in results {
        let (cal, cal_rss, ratio) = match m.calamine {
            Some((c, _)) => (
                format!("{:.3}", c.secs),
                format!("{:.1}", mb(c.peak_kb)),
                Some(m.check.secs / c.secs),
            ),
            None => ("-".to_owned(), "-".to_owned(), None),
        };
        let rss = mb(m.check.peak_kb);
        let budgets = match (m.file.format, ratio) {
            (Format::Xlsx, Some(r)) => format!(
                "ratio ≤{XLSX_RATIO_DESIGN}x (§11) {}, ≤{XLSX_RATIO_TARGET}x {}; RSS ≤{XLSX_PEAK_MB} MB {}",
                mark(r <= XLSX_RATIO_DESIGN),
                mark(r <= XLSX_RATIO_TARGET),
                mark(rss <= XLSX_PEAK_MB)
            ),
            _ => {
                let budget = CSV_SECS_PER_MILLION * m.file.rows as f64 / 1e6;
                format!(
                    "time ≤{budget:.3} s ({CSV_SECS_PER_MILLION} s per 1M rows) {}",
                    mark(m.check.secs <= budget)
                )
            }
        };
        println!(
            "{:<11} {:<8} {:>8} {:>8.1} {:>11} {:>8.3} {:>7} {:>8} {:>8.1}  {budgets}",
            m.file.kind.name(),
            m.file.format.label(),
            m.file.rows,
            m.bytes as f64 / 1_048_576.0,
            cal,
            m.check.secs,
            ratio.map_or("-".to_owned(), |r| format!("{r:.2}x")),
            cal_rss,
            rss,
        );
    }
}

pub fn print_summaries(results: &[Measured]) {
    println!("\nwhat the check read (JSON report of the last run):");
    for m in results {
        let s = &m.summary;
        let verdict = if s.records == m.file.rows {
            "= rows generated".to_owned()
        } else {
            format!("MISMATCH: {} rows generated", m.file.rows)
        };
        let rules: Vec<String> = s.rules.iter().map(|(r, n)| format!("{r} {n}")).collect();
        let datasets = if s.datasets.is_empty() {
            "none".to_owned()
        } else {
            s.datasets.join(",")
        };
        let mut parts = vec![
            format!("{} records {verdict}", s.records),
            format!("dataset {datasets}"),
            format!("{} findings ({})", s.findings, rules.join(", ")),
        ];
        if let Some(enc) = &s.encoding {
            parts.push(format!("read as {enc}"));
        }
        if let Some((_, cells)) = m.calamine {
            parts.push(format!("calamine streamed {cells} cells"));
        }
        if let Some(e) = &s.error {
            parts.push(format!("ERROR: {e}"));
        }
        let line = format!("  {}: {}", m.file.path.display(), parts.join("; "));
        println!("{line}");
    }
}

/// Wall time of each side on the same file, the speed-up against its target, and what
/// Frictionless read, so a run that skipped rows or failed on the header cannot pass for fast.
pub fn print_frictionless(results: &[Measured], runs: usize, version: &str, dir: &Path) {
    println!(
        "\nauditor check vs frictionless validate {version}: same file, page cache warm, median of {runs} runs each, wall time from spawn to exit (Python start-up included); frictionless with the Table Schema and dialect <dataset>.schema.json/.dialect.json in {}, auditor with its default pack",
        dir.display()
    );
    println!(
        "{:<11} {:<8} {:>8} {:>14} {:>8} {:>10} {:>9}  target",
        "dataset", "format", "rows", "frictionless s", "FL RSS", "check s", "speed-up"
    );
    for m in results {
        let Some(f) = &m.frictionless else { continue };
        let target = if m.file.format == Format::Xlsx {
            FRICTIONLESS_XLSX
        } else {
            FRICTIONLESS_CSV
        };
        let speedup = f.sample.secs / m.check.secs;
        println!(
            "{:<11} {:<8} {:>8} {:>14.3} {:>8.1} {:>10.3} {:>8.1}x  ≥{target}x {}",
            m.file.kind.name(),
            m.file.format.label(),
            m.file.rows,
            f.sample.secs,
            mb(f.sample.peak_kb),
            m.check.secs,
            speedup,
            if speedup >= target { "PASS" } else { "FAIL" }
        );
    }
    print_floors(results);
    println!("\nwhat frictionless read (JSON report of the last run):");
    for m in results {
        let Some(f) = &m.frictionless else { continue };
        let errors: Vec<String> = f.errors.iter().map(|(e, n)| format!("{e} {n}")).collect();
        println!(
            "  {}: {} rows = rows generated; {} cell errors ({}); the check: {} findings",
            m.file.path.display(),
            f.rows,
            f.error_total(),
            errors.join(", "),
            m.summary.findings
        );
    }
}

/// For each CSV: the floor under any check of it (floor.rs) and the speed-up over Frictionless
/// that a check doing nothing more, perfectly divided over this machine's cores, would reach.
fn print_floors(results: &[Measured]) {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let mut any = false;
    for m in results {
        let (Some(f), Some((floor, start))) = (&m.frictionless, &m.floor) else {
            continue;
        };
        if !any {
            println!(
                "\nthe floor under a CSV check: steps no check can skip, each alone on one thread (fastest of the runs); start-up = auditor check of the file's first 20 lines (median)"
            );
            println!(
                "{:<11} {:<8} {:>7} {:>7} {:>7} {:>7} {:>7} {:>8} {:>8} {:>9} {:>8}",
                "dataset",
                "format",
                "read",
                "sha256",
                "text",
                "fields",
                "ids",
                "sum ms",
                "start ms",
                "bound ms",
                "max x"
            );
            any = true;
        }
        let ms = |s: f64| s * 1000.0;
        let bound = start.secs + floor.total() / cores as f64;
        println!(
            "{:<11} {:<8} {:>7.1} {:>7.1} {:>7.1} {:>7.1} {:>7.1} {:>8.1} {:>8.1} {:>9.1} {:>7.1}x",
            m.file.kind.name(),
            m.file.format.label(),
            ms(floor.read),
            ms(floor.sha256),
            ms(floor.text),
            ms(floor.split),
            ms(floor.id_hashes),
            ms(floor.total()),
            ms(start.secs),
            ms(bound),
            f.sample.secs / bound
        );
    }
    if any {
        println!(
            "  bound = start-up + sum / {cores} cores: no check that reads, hashes, splits and pseudonymises the file can be faster; max x = Frictionless's time / bound. text = UTF-8 check, or GBK decoding; ids = {} keyed ID hashes",
            results
                .iter()
                .find_map(|m| m.floor.map(|(f, _)| f.ids))
                .unwrap_or(0)
        );
    }
}

/// The linked runs: each workbook alone, then together; below, what checking them together cost
/// over the exams alone and over the three checked one by one (the cross-ledger work plus, for
/// the latter, two process start-ups saved), then what each run read and found.
pub fn print_linked(results: &[LinkedRun], runs: usize, as_of: &str) {
    println!(
        "\nauditor check on linked xlsx ledgers, --as-of {as_of}; time = median of {runs} runs, RSS = highest VmHWM (polled every 20 ms)"
    );
    println!(
        "{:>8} {:<30} {:>8} {:>8} {:>8} {:>8}",
        "exams", "inputs", "rows", "size MB", "check s", "RSS MB"
    );
    for r in results {
        println!(
            "{:>8} {:<30} {:>8} {:>8.1} {:>8.3} {:>8.1}",
            r.scale,
            r.label(),
            r.rows,
            r.bytes as f64 / 1_048_576.0,
            r.check.secs,
            mb(r.check.peak_kb)
        );
    }
    let mut scales: Vec<u64> = results.iter().map(|r| r.scale).collect();
    scales.dedup();
    println!("\nwhat linking cost (together minus alone):");
    for scale in scales {
        let of_scale: Vec<&LinkedRun> = results.iter().filter(|r| r.scale == scale).collect();
        let together = of_scale.iter().find(|r| r.kinds.len() > 1);
        let alone: Vec<&&LinkedRun> = of_scale.iter().filter(|r| r.kinds.len() == 1).collect();
        let exams = alone.iter().find(|r| r.kinds == [Kind::UsExam]);
        let (Some(together), Some(exams)) = (together, exams) else {
            continue;
        };
        let sum: f64 = alone.iter().map(|r| r.check.secs).sum();
        println!(
            "  {scale} exams: vs us_exam alone {:+.3} s, {:+.1} MB RSS; vs the {} checked one by one ({sum:.3} s) {:+.3} s",
            together.check.secs - exams.check.secs,
            mb(together.check.peak_kb) - mb(exams.check.peak_kb),
            alone.len(),
            together.check.secs - sum,
        );
    }
    println!("\nwhat the check read (JSON report of the last run):");
    for r in results {
        let s = &r.summary;
        let verdict = if s.records == r.rows {
            "= rows generated".to_owned()
        } else {
            format!("MISMATCH: {} rows generated", r.rows)
        };
        let rules: Vec<String> = s.rules.iter().map(|(r, n)| format!("{r} {n}")).collect();
        let datasets = if s.datasets.is_empty() {
            "none".to_owned()
        } else {
            s.datasets.join(",")
        };
        let mut parts = vec![
            format!("{} records {verdict}", s.records),
            format!("datasets {datasets}"),
            format!("{} findings ({})", s.findings, rules.join(", ")),
        ];
        if let Some(e) = &s.error {
            parts.push(format!("ERROR: {e}"));
        }
        let names: Vec<String> = r.paths.iter().map(|p| p.display().to_string()).collect();
        println!("  {}: {}", names.join(" + "), parts.join("; "));
    }
}
