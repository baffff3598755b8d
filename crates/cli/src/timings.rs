//! `auditor check --timings`: where a run's time went, printed to stderr once the report is
//! written, so a slow check is told apart (reading the files, judging, writing the report)
//! without a profiler; the benchmarks read it too.

use std::time::{Duration, Instant};

pub struct Timings {
    on: bool,
    start: Instant,
    last: Instant,
    phases: Vec<(&'static str, &'static str, Duration)>,
}

impl Timings {
    pub fn new(on: bool) -> Self {
        let now = Instant::now();
        Self {
            on,
            start: now,
            last: now,
            phases: Vec::new(),
        }
    }

    /// Ends the phase running since the last lap (or the start), named in Chinese and English.
    pub fn lap(&mut self, zh: &'static str, en: &'static str) {
        let now = Instant::now();
        self.phases.push((zh, en, now - self.last));
        self.last = now;
    }

    pub fn print(&self) {
        if !self.on {
            return;
        }
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        eprintln!("用时 / timings (ms):");
        for (zh, en, d) in &self.phases {
            eprintln!("  {zh} {en:<10} {:>9.1}", ms(*d));
        }
        eprintln!("  合计 {:<10} {:>9.1}", "total", ms(self.last - self.start));
    }
}
