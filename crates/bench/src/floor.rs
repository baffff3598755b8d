//! The floor under checking a CSV ledger: the steps no `auditor check` of the file can skip,
//! each timed alone on one thread with the fastest means at hand. Reading the file; its SHA-256,
//! which every report carries as evidence of what was judged; its text checked as UTF-8 (or
//! decoded from GBK); its records split into fields; and every ID number's keyed hash, which the
//! privacy rules demand at ingest. No cell is typed, no rule run, no report written. On `cores`
//! cores, with perfect division of the work, a check cannot finish sooner than its start-up
//! plus this work over the cores: the bound the Frictionless comparison is read against.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use auditor_ingest::IdHasher;
use sha2::{Digest, Sha256};

/// What each step took, in seconds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Floor {
    pub read: f64,
    pub sha256: f64,
    /// UTF-8 validation, or decoding from GBK.
    pub text: f64,
    pub split: f64,
    pub id_hashes: f64,
    pub ids: u64,
}

impl Floor {
    pub fn total(&self) -> f64 {
        self.read + self.sha256 + self.text + self.split + self.id_hashes
    }

    /// Each step's fastest of several runs: the floor is what the machine can do, not what a
    /// noisy moment let it.
    pub fn fastest(floors: &[Floor]) -> Option<Floor> {
        let min = |f: fn(&Floor) -> f64| floors.iter().map(f).min_by(f64::total_cmp);
        Some(Floor {
            read: min(|f| f.read)?,
            sha256: min(|f| f.sha256)?,
            text: min(|f| f.text)?,
            split: min(|f| f.split)?,
            id_hashes: min(|f| f.id_hashes)?,
            ids: floors.first()?.ids,
        })
    }

    /// The line the parent reads back.
    fn print(&self) {
        println!(
            "{} {} {} {} {} {}",
            self.read, self.sha256, self.text, self.split, self.id_hashes, self.ids
        );
    }

    pub fn parse(text: &str) -> Result<Self> {
        let v: Vec<&str> = text.split_whitespace().collect();
        let [read, sha256, txt, split, id_hashes, ids] = v.as_slice() else {
            bail!("the floor measurement printed {text:?}");
        };
        Ok(Self {
            read: read.parse()?,
            sha256: sha256.parse()?,
            text: txt.parse()?,
            split: split.parse()?,
            id_hashes: id_hashes.parse()?,
            ids: ids.parse()?,
        })
    }
}

/// The hidden subcommand `measure floor FILE`: times the steps on `path` (GBK when `gbk`) and
/// prints them for the parent.
pub fn measure(path: &Path, gbk: bool) -> Result<()> {
    let t = Instant::now();
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let read = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let digest = Sha256::digest(&bytes);
    let sha256 = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let decoded;
    let text: &str = if gbk {
        decoded = encoding_rs::GBK.decode_without_bom_handling(&bytes).0;
        &decoded
    } else {
        simdutf8::basic::from_utf8(&bytes).context("the CSV is not UTF-8")?
    };
    let text_secs = t.elapsed().as_secs_f64();

    // Records end at LF and fields at commas (the generated ledgers quote nothing); an ID is
    // the one 18-character field of a record.
    let t = Instant::now();
    let mut ids: Vec<&str> = Vec::new();
    let mut fields = 0u64;
    let body = text.as_bytes();
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', body).chain(std::iter::once(body.len())) {
        let line = &text[start..end];
        start = end + 1;
        let mut from = 0;
        for comma in memchr::memchr_iter(b',', line.as_bytes()).chain(std::iter::once(line.len())) {
            let field = &line[from..comma];
            from = comma + 1;
            fields += 1;
            if field.len() == 18 && field.as_bytes()[0].is_ascii_digit() {
                ids.push(field);
            }
        }
    }
    let split = t.elapsed().as_secs_f64();

    let hasher = IdHasher::new(b"bench").map_err(anyhow::Error::msg)?;
    let t = Instant::now();
    let mut mixed = 0u8;
    for id in &ids {
        mixed ^= hasher.pseudonym(id)[0];
    }
    let id_hashes = t.elapsed().as_secs_f64();

    Floor {
        read,
        sha256,
        text: text_secs,
        split,
        id_hashes,
        ids: ids.len() as u64,
    }
    .print();
    // Printed so that no step can be optimised away.
    eprintln!("{:x} {fields} {mixed}", digest[0]);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fastest_of_each_step_is_kept_and_the_line_reads_back() {
        let a = Floor {
            read: 0.004,
            sha256: 0.010,
            text: 0.002,
            split: 0.020,
            id_hashes: 0.009,
            ids: 100,
        };
        let b = Floor {
            read: 0.003,
            sha256: 0.011,
            ..a
        };
        let f = Floor::fastest(&[a, b]).unwrap();
        assert_eq!(
            (f.read, f.sha256, f.split, f.ids),
            (0.003, 0.010, 0.020, 100)
        );
        assert!((f.total() - 0.044).abs() < 1e-12);
        let line = "0.003 0.01 0.002 0.02 0.009 100";
        let back = Floor::parse(line).unwrap();
        assert_eq!((back.read, back.ids), (0.003, 100));
        assert!(Floor::parse("0.1 0.2").is_err());
    }
}
