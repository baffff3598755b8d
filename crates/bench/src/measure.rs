//! Wall time and peak resident memory. Every measurement runs in a process of its own, so one
//! run's allocations cannot raise the next one's high-water mark.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use calamine::{DataRef, Reader, Xlsx};

use crate::floor::Floor;
use crate::generate::{Format, LedgerFile};

/// How often a child's `VmHWM` is read. `VmHWM` only grows, so a sample misses at most what the
/// child allocated in its last interval before exiting; a run shorter than one interval (tiny
/// files) may show almost nothing.
const POLL: Duration = Duration::from_millis(20);

#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub secs: f64,
    pub peak_kb: u64,
}

impl Sample {
    /// Median time and highest peak of several runs of the same measurement.
    pub fn combine(samples: &[Sample]) -> Option<Sample> {
        let mut secs: Vec<f64> = samples.iter().map(|s| s.secs).collect();
        secs.sort_by(f64::total_cmp);
        let median = *secs.get(secs.len() / 2)?;
        let peak_kb = samples.iter().map(|s| s.peak_kb).max()?;
        Some(Sample {
            secs: median,
            peak_kb,
        })
    }
}

/// The baseline (hidden subcommand `measure calamine FILE`): calamine alone streaming the first
/// sheet cell by cell, touching each value. Prints `secs peak_kb cells string_bytes` for the
/// parent to read.
pub fn calamine_stream(path: &Path) -> Result<()> {
    let start = Instant::now();
    let mut book: Xlsx<BufReader<File>> =
        calamine::open_workbook(path).with_context(|| format!("opening {}", path.display()))?;
    let sheet = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| anyhow!("{} has no sheets", path.display()))?;
    let mut reader = book.worksheet_cells_reader(&sheet)?;
    let (mut cells, mut bytes, mut numbers) = (0u64, 0u64, 0f64);
    while let Some(cell) = reader.next_cell()? {
        cells += 1;
        match cell.get_value() {
            DataRef::SharedString(s) => bytes += s.len() as u64,
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
                bytes += s.len() as u64;
            }
            DataRef::Float(f) => numbers += f,
            DataRef::Int(i) => numbers += *i as f64,
            DataRef::DateTime(d) => numbers += d.as_f64(),
            DataRef::Bool(_) | DataRef::Error(_) | DataRef::Empty => {}
        }
    }
    drop(reader);
    let secs = start.elapsed().as_secs_f64();
    let peak = vm_hwm_kb("self").unwrap_or(0);
    // `numbers` is printed so the float work cannot be optimised away.
    println!("{secs} {peak} {cells} {bytes} {numbers}");
    Ok(())
}

/// Reads the file once so every measurement starts from the page cache: this machine's memory
/// manager reclaims cache eagerly, and a cold read would time the disk, not the parser.
fn warm(file: &Path) -> Result<()> {
    let mut f = std::fs::File::open(file)?;
    std::io::copy(&mut f, &mut std::io::sink())?;
    Ok(())
}

/// Runs the baseline in a fresh copy of this program; returns the sample and the cell count.
pub fn calamine(this_exe: &Path, file: &Path) -> Result<(Sample, u64)> {
    warm(file)?;
    let out = Command::new(this_exe)
        .args(["measure", "calamine"])
        .arg(file)
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running {}", this_exe.display()))?;
    if !out.status.success() {
        bail!(
            "calamine measurement of {} failed: {}",
            file.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut fields = text.split_whitespace();
    let mut next = |what: &str| {
        fields
            .next()
            .ok_or_else(|| anyhow!("calamine measurement printed no {what}: {text:?}"))
    };
    let secs: f64 = next("time")?.parse()?;
    let peak_kb: u64 = next("peak")?.parse()?;
    let cells: u64 = next("cell count")?.parse()?;
    Ok((Sample { secs, peak_kb }, cells))
}

/// The lines of a ledger a start-up is timed on: title rows, the header and a few records (a
/// header alone is no ledger the check can recognise).
const START_UP_LINES: usize = 20;

/// The floor under checking the CSV `file` (floor.rs), each step's fastest of `runs` runs in a
/// fresh copy of this program, and the start-up of `auditor check` (median of `runs`): a check
/// of a copy of the file cut after its first 20 lines, which reads the catalogue, the header
/// and a few records.
pub fn floor(
    this_exe: &Path,
    auditor: &Path,
    file: &LedgerFile,
    runs: usize,
) -> Result<(Floor, Sample)> {
    warm(&file.path)?;
    let what = if file.format == Format::CsvGbk {
        "floor-gbk"
    } else {
        "floor"
    };
    let mut floors = Vec::new();
    for _ in 0..runs {
        let out = Command::new(this_exe)
            .args(["measure", what])
            .arg(&file.path)
            .stdin(Stdio::null())
            .output()
            .with_context(|| format!("running {}", this_exe.display()))?;
        if !out.status.success() {
            bail!(
                "floor measurement of {} failed: {}",
                file.path.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        floors.push(Floor::parse(&String::from_utf8_lossy(&out.stdout))?);
    }
    let bytes = std::fs::read(&file.path)?;
    let header_end = memchr::memchr_iter(b'\n', &bytes)
        .nth(START_UP_LINES - 1)
        .map_or(bytes.len(), |i| i + 1);
    let header = std::env::temp_dir().join(format!(
        "auditor-bench-{}-header.{}",
        std::process::id(),
        if file.format == Format::CsvGbk {
            "gbk.csv"
        } else {
            "csv"
        }
    ));
    std::fs::write(&header, &bytes[..header_end])?;
    let mut samples = Vec::new();
    for _ in 0..runs {
        samples.push(check(auditor, &[&header], &[], Path::new("/dev/null"))?);
    }
    let _ = std::fs::remove_file(&header);
    Ok((
        Floor::fastest(&floors).context("no floor runs")?,
        Sample::combine(&samples).context("no start-up runs")?,
    ))
}

/// `auditor check --format json --output REPORT [EXTRA…] FILE…` as a child, timed from spawn
/// to exit, its peak memory polled from /proc while it runs. Several files are checked in one
/// run, as the cross-ledger rules need them.
pub fn check(auditor: &Path, files: &[&Path], extra: &[&str], report: &Path) -> Result<Sample> {
    let stderr_path =
        std::env::temp_dir().join(format!("auditor-bench-{}.stderr", std::process::id()));
    let mut command = Command::new(auditor);
    command
        .args(["check", "--format", "json", "--output"])
        .arg(report)
        .args(extra)
        .args(files)
        .env("AUDITOR_ID_KEY", "bench")
        .stdout(Stdio::null())
        .stderr(File::create(&stderr_path)?);
    let (status, sample) = timed(files, &mut command)?;
    // 0: clean, 1: findings at or above --fail-on; anything else means the file was not read.
    if !matches!(status.code(), Some(0 | 1)) {
        let message = std::fs::read_to_string(&stderr_path).unwrap_or_default();
        let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        bail!(
            "auditor check {} exited with {status}: {}",
            names.join(" "),
            message.trim()
        );
    }
    let _ = std::fs::remove_file(&stderr_path);
    Ok(sample)
}

/// Runs `command` (its stdout and stderr already directed) on `files`, with the files warm in
/// the page cache; timed from spawn to exit, its peak memory polled from /proc while it runs.
pub fn timed(files: &[&Path], command: &mut Command) -> Result<(ExitStatus, Sample)> {
    for file in files {
        warm(file)?;
    }
    let start = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .spawn()
        .with_context(|| format!("starting {}", command.get_program().display()))?;
    let pid = child.id().to_string();
    let exited = AtomicBool::new(false);
    let (status, secs, peak_kb) = std::thread::scope(|scope| {
        let poller = scope.spawn(|| {
            let mut peak = 0;
            while !exited.load(Ordering::Acquire) {
                if let Some(kb) = vm_hwm_kb(&pid) {
                    peak = peak.max(kb);
                }
                std::thread::sleep(POLL);
            }
            peak
        });
        let status = child.wait();
        let secs = start.elapsed().as_secs_f64();
        exited.store(true, Ordering::Release);
        let peak = poller.join().unwrap_or(0);
        (status, secs, peak)
    });
    Ok((status?, Sample { secs, peak_kb }))
}

/// An executable named `name` on PATH.
pub fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Peak resident set size in KiB from /proc/`pid`/status; `None` once the process is gone.
fn vm_hwm_kb(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}
