//! The same path as `auditor check`, for uploads: ingest the file (with the region's registries
//! as further inputs), judge it with the chosen pack, and hand back sheets, records and
//! findings for the store.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use auditor_ingest::{Catalog, IdHasher, Ingest, InputReport, Table};
use auditor_model::{Dataset, Finding};
use auditor_rules::{Catalogue, DrugCatalog, Pack, Skipped};
use auditor_store::uploads::SheetResult;
use chrono::NaiveDate;

pub struct Engine {
    pub catalog: Catalog,
    pub rules: Catalogue,
    pub drugs: DrugCatalog,
    pub hasher: IdHasher,
}

/// A registry file stored earlier, re-read as an input of each evaluation.
pub struct RegistryFile {
    pub path: PathBuf,
    pub name: String,
    pub upload_id: i32,
}

/// Another ledger of the region stored earlier (the latest of its institution), re-read when
/// a cross-ledger rule on the upload's datasets joins with one of its datasets.
pub struct PeerFile {
    pub file: RegistryFile,
    /// The datasets it is the latest of: its other sheets are superseded.
    pub datasets: Vec<Dataset>,
    pub institution_id: Option<i32>,
    /// Uploaded before the judged file: its uses of a code come first.
    pub earlier: bool,
}

/// What an upload is judged with besides its own file.
pub struct Inputs<'a> {
    /// The upload being judged, for the evidence of its own rows.
    pub upload_id: i32,
    pub institution_id: Option<i32>,
    pub registries: &'a [RegistryFile],
    pub peers: &'a [PeerFile],
}

/// One file judged: its input report (tables included), its findings, the rules skipped.
pub struct Judged {
    pub input: InputReport,
    pub findings: Vec<Finding>,
    pub skipped: Vec<Skipped>,
    pub sources: HashMap<String, Source>,
}

/// The stored upload an input file is, and whose it is.
#[derive(Debug, Clone, Copy)]
pub struct Source {
    pub upload_id: i32,
    pub institution_id: Option<i32>,
}

pub struct Outcome {
    pub sheets: Vec<SheetResult>,
    pub findings: Vec<Finding>,
    /// Rules not judged, and why (a registry they need is missing).
    pub notes: Vec<(String, String)>,
    /// The upload each input file name stands for, so evidence rows in other files can be
    /// shown from their stored records, to those who may see them.
    pub sources: HashMap<String, Source>,
    /// The keys of the upload's records (`Table::record_key`, as numbers): a case about one of
    /// them that the upload no longer shows is resolved by it.
    pub records: HashSet<u128>,
}

impl Engine {
    pub fn load(id_key: &[u8]) -> Result<Self, String> {
        Ok(Self {
            catalog: Catalog::builtin().map_err(|e| e.to_string())?,
            rules: Catalogue::builtin().map_err(|e| e.to_string())?,
            drugs: DrugCatalog::builtin()?,
            hasher: IdHasher::new(id_key)?,
        })
    }

    pub fn pack(name: &str) -> Result<Pack, String> {
        Pack::builtin(name).map_err(|e| e.to_string())
    }

    /// Reads `path` (shown as `name`) and judges it with `inputs`, as `auditor check` would
    /// with those files: the upload's own findings, the rules skipped, and its tables back in
    /// `input.tables`. `Err((zh, en))` when the file cannot be read at all. `keep_source` keeps
    /// the sheets' cells outside the fields, for the xlsx report's sheet copies.
    #[allow(clippy::too_many_arguments, reason = "the inputs of one check run")]
    pub fn judge(
        &self,
        path: &Path,
        name: &str,
        pack: &Pack,
        as_of: NaiveDate,
        inputs: &Inputs<'_>,
        progress: &(dyn Fn(u64) + Sync),
        keep_source: bool,
    ) -> Result<Judged, (String, String)> {
        let mut ingest = Ingest::new(&self.catalog, &self.hasher);
        ingest.progress = Some(progress);
        ingest.keep_source = keep_source;
        let mut input = ingest.read_path(path, name);
        if let Some(e) = &input.error {
            return Err((format!("{name}：{}", e.zh()), format!("{name}: {}", e.en())));
        }
        let own: Vec<Table> = std::mem::take(&mut input.tables);
        let own_datasets: Vec<Dataset> = own.iter().map(|t| t.dataset).collect();
        let joined = auditor_rules::joined_datasets(&self.rules, pack, &own_datasets);
        let mut sources: HashMap<String, Source> = HashMap::new();
        sources.insert(
            name.to_owned(),
            Source {
                upload_id: inputs.upload_id,
                institution_id: inputs.institution_id,
            },
        );
        let quiet = Ingest::new(&self.catalog, &self.hasher);
        let mut read = |f: &RegistryFile, institution_id: Option<i32>, into: &mut Vec<Table>| {
            sources.insert(
                f.name.clone(),
                Source {
                    upload_id: f.upload_id,
                    institution_id,
                },
            );
            into.append(&mut quiet.read_path(&f.path, &f.name).tables);
        };
        // A peer's sheets count only for the datasets it is the latest of, and not where this
        // upload is the institution's newer version of the same ledger.
        let current = |p: &PeerFile, t: &Table| {
            p.datasets.contains(&t.dataset)
                && !(p.institution_id.is_some()
                    && p.institution_id == inputs.institution_id
                    && own_datasets.contains(&t.dataset))
        };
        let mut read_peer = |p: &PeerFile, into: &mut Vec<Table>| {
            let mut got = Vec::new();
            read(&p.file, p.institution_id, &mut got);
            into.extend(got.into_iter().filter(|t| current(p, t)));
        };
        // Earlier ledgers, the upload, later ledgers, registries: the order in which a code's
        // uses are first and later.
        let mut tables: Vec<Table> = Vec::new();
        let peers = inputs
            .peers
            .iter()
            .filter(|p| p.datasets.iter().any(|d| joined.contains(d)));
        for p in peers.clone().filter(|p| p.earlier) {
            read_peer(p, &mut tables);
        }
        let first_own = tables.len();
        let own_tables = own.len();
        tables.extend(own);
        for p in peers.filter(|p| !p.earlier) {
            read_peer(p, &mut tables);
        }
        for r in inputs.registries {
            read(r, None, &mut tables);
        }
        let mut findings = std::mem::take(&mut input.findings);
        let judged = |t: &Table| t.file == name;
        let (rule_findings, skipped) = auditor_rules::evaluate_judging(
            &self.rules,
            pack,
            &self.drugs,
            &tables,
            &judged,
            as_of,
        );
        // Registries and other ledgers are judged where they are uploaded, not with every
        // ledger.
        findings.extend(rule_findings.into_iter().filter(|f| f.file == name));
        auditor_ingest::quality::distinguish_repeats(&mut findings);
        input.tables = tables.drain(first_own..first_own + own_tables).collect();
        Ok(Judged {
            input,
            findings,
            skipped,
            sources,
        })
    }

    /// Judges the upload (see [`Engine::judge`]) and hands back what the store keeps.
    pub fn run(
        &self,
        path: &Path,
        name: &str,
        pack: &Pack,
        as_of: NaiveDate,
        inputs: &Inputs<'_>,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Outcome, (String, String)> {
        let Judged {
            mut input,
            findings,
            skipped,
            sources,
        } = self.judge(path, name, pack, as_of, inputs, progress, false)?;
        let mut tables = std::mem::take(&mut input.tables);
        let records: HashSet<u128> = tables
            .iter()
            .flat_map(|t| (0..t.len()).map(move |i| t.record_key(i)))
            .filter_map(|k| u128::from_str_radix(&k, 16).ok())
            .collect();
        let sheets = input
            .sheets
            .iter()
            .map(|s| {
                let table = tables
                    .iter()
                    .position(|t| t.sheet.as_deref().is_none_or(|n| n == s.name));
                let table = table.map(|i| tables.swap_remove(i));
                SheetResult {
                    name: s.name.clone(),
                    dataset: s.dataset.map(|d| d.as_str().to_owned()),
                    header_row: s.header_row.map(|r| r as i32),
                    institution: table
                        .as_ref()
                        .map(|t| t.institution.clone())
                        .unwrap_or_default(),
                    records: table
                        .as_ref()
                        .map(|t| records_of(&self.catalog, t))
                        .unwrap_or_default(),
                }
            })
            .collect();
        Ok(Outcome {
            sheets,
            findings,
            notes: skipped.into_iter().map(|s| (s.zh, s.en)).collect(),
            sources,
            records,
        })
    }
}

/// Each record as a JSON object of its fields as displayed after ingest: names are masked and
/// ID numbers hashed already, so nothing personal is stored in the clear.
fn records_of(catalog: &Catalog, t: &Table) -> Vec<(i32, String)> {
    // A gestational age is kept in days; a record is shown as the ledger wrote it, in weeks.
    let gestation: Vec<bool> = t
        .fields
        .iter()
        .map(|name| {
            catalog
                .spec(t.dataset)
                .and_then(|s| s.fields.iter().find(|f| &f.name == name))
                .is_some_and(|f| f.kind == auditor_ingest::spec::FieldType::Gestation)
        })
        .collect();
    (0..t.len())
        .map(|i| {
            let mut map = serde_json::Map::new();
            for (f, (field, column)) in t.fields.iter().zip(&t.columns).enumerate() {
                if let Some(c) = column
                    && !c.is_missing(i)
                {
                    let shown = match c.number(i) {
                        Some(days) if gestation[f] => weeks(days),
                        _ => c.display(i),
                    };
                    map.insert(field.clone(), serde_json::Value::String(shown));
                }
            }
            (t.rows[i] as i32, serde_json::Value::Object(map).to_string())
        })
        .collect()
}

/// A gestational age in days as ledgers write it: 14周, or 16周3天.
fn weeks(days: f64) -> String {
    let days = days.round() as i64;
    match (days / 7, days % 7) {
        (w, 0) => format!("{w}周"),
        (w, d) => format!("{w}周{d}天"),
    }
}
