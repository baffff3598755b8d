//! The same path as `auditor check`, for uploads: ingest the file (with the region's registries
//! as further inputs), judge it with the chosen pack, and hand back sheets, records and
//! findings for the store.

use std::path::{Path, PathBuf};

use auditor_ingest::{Catalog, IdHasher, Ingest, Table};
use auditor_model::Finding;
use auditor_rules::{Catalogue, DrugCatalog, Pack};
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
}

pub struct Outcome {
    pub sheets: Vec<SheetResult>,
    pub findings: Vec<Finding>,
    /// Rules not judged, and why (a registry they need is missing).
    pub notes: Vec<(String, String)>,
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

    /// Reads `path` (shown as `name`) and judges it. `Err((zh, en))` when the file cannot be
    /// read at all: the upload then fails with that reason and nothing else is kept.
    pub fn run(
        &self,
        path: &Path,
        name: &str,
        pack: &Pack,
        as_of: NaiveDate,
        registries: &[RegistryFile],
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Outcome, (String, String)> {
        let mut ingest = Ingest::new(&self.catalog, &self.hasher);
        ingest.progress = Some(progress);
        let mut input = ingest.read_path(path, name);
        if let Some(e) = &input.error {
            return Err((format!("{name}：{}", e.zh()), format!("{name}: {}", e.en())));
        }
        let mut tables: Vec<Table> = std::mem::take(&mut input.tables);
        let own_tables = tables.len();
        for r in registries {
            let quiet = Ingest::new(&self.catalog, &self.hasher);
            let mut reg = quiet.read_path(&r.path, &r.name);
            tables.append(&mut reg.tables);
        }
        let mut findings = std::mem::take(&mut input.findings);
        let (rule_findings, skipped) =
            auditor_rules::evaluate(&self.rules, pack, &self.drugs, &tables, as_of);
        // Registries are judged where they are uploaded, not with every ledger.
        findings.extend(rule_findings.into_iter().filter(|f| f.file == name));
        tables.truncate(own_tables);
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
                    records: table.as_ref().map(records_of).unwrap_or_default(),
                }
            })
            .collect();
        Ok(Outcome {
            sheets,
            findings,
            notes: skipped.into_iter().map(|s| (s.zh, s.en)).collect(),
        })
    }
}

/// Each record as a JSON object of its fields as displayed after ingest: names are masked and
/// ID numbers hashed already, so nothing personal is stored in the clear.
fn records_of(t: &Table) -> Vec<(i32, String)> {
    (0..t.len())
        .map(|i| {
            let mut map = serde_json::Map::new();
            for (field, column) in t.fields.iter().zip(&t.columns) {
                if let Some(c) = column
                    && !c.is_missing(i)
                {
                    map.insert(field.clone(), serde_json::Value::String(c.display(i)));
                }
            }
            (t.rows[i] as i32, serde_json::Value::Object(map).to_string())
        })
        .collect()
}
