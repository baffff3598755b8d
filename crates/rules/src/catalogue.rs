//! The rule catalogue: one TOML file per rule (`rules/catalogue/<ID>.toml`), read strictly —
//! an unknown or misspelt key stops the run with the file and the key named.

use auditor_model::{Dataset, Severity};
use serde::Deserialize;

use crate::kinds::Check;
use crate::placeholders::Templates;

include!(concat!(env!("OUT_DIR"), "/catalogue.rs"));

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Stable,
    Preview,
    Deprecated,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bilingual {
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Docs {
    pub what_zh: String,
    pub what_en: String,
    pub why_zh: String,
    pub why_en: String,
    pub fix_zh: String,
    pub fix_en: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Citation {
    pub source: String,
    pub article: String,
    /// The article text was not read (a secondary source): shown as such.
    #[serde(default)]
    pub secondary: bool,
}

impl Citation {
    pub fn render(&self) -> String {
        let mark = if self.secondary {
            "（二手来源 / secondary source）"
        } else {
            ""
        };
        format!("{} {}{mark}", self.source, self.article)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    pub status: Status,
    pub since: String,
    pub severity: Severity,
    pub datasets: Vec<Dataset>,
    pub title: Bilingual,
    pub docs: Docs,
    pub citations: Vec<Citation>,
    #[serde(default)]
    pub params: toml::Table,
    pub check: Check,
    /// The parameters a user's rule file (--rules) sets: they win over a pack's.
    #[serde(skip)]
    pub user_params: Vec<String>,
    /// The title and docs as the file writes them, `{param}` placeholders unfilled; `title`
    /// and `docs` are them filled from `params` (see [`Rule::render`]).
    #[serde(skip)]
    templates: Option<Templates>,
}

impl Rule {
    /// Fills the title and docs from the rule's current parameters: called at load and by a
    /// pack that changes them, so a title names the 16 weeks or 20 days it judges by.
    pub(crate) fn render(&mut self) {
        if let Some(t) = &self.templates {
            (self.title, self.docs) = t.render(&self.params);
        }
    }

    pub fn citation(&self) -> String {
        self.citations
            .iter()
            .map(Citation::render)
            .collect::<Vec<_>>()
            .join("；")
    }

    pub fn param_int(&self, name: &str) -> Option<i64> {
        self.params.get(name).and_then(toml::Value::as_integer)
    }

    pub fn param_str(&self, name: &str) -> Option<&str> {
        self.params.get(name).and_then(toml::Value::as_str)
    }

    pub fn param_bool(&self, name: &str) -> Option<bool> {
        self.params.get(name).and_then(toml::Value::as_bool)
    }

    pub fn param_list(&self, name: &str) -> Vec<String> {
        self.params
            .get(name)
            .and_then(toml::Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error("规则文件 {file} 有误 / rule file {file} is invalid: {reason}")]
    Invalid { file: String, reason: String },
}

/// All rules, in id order.
#[derive(Debug, Clone)]
pub struct Catalogue {
    pub rules: Vec<Rule>,
}

impl Catalogue {
    /// The rules shipped in `rules/catalogue/`.
    pub fn builtin() -> Result<Self, CatalogueError> {
        Self::from_sources(
            RULE_FILES
                .iter()
                .map(|(f, s)| ((*f).to_owned(), (*s).to_owned())),
        )
    }

    /// Rules from (file name, TOML text) pairs. The id must equal the file name, ids must be
    /// unique and well formed, and every field a check names must exist in its datasets
    /// (checked by the engine against the dataset definitions).
    pub fn from_sources(
        sources: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, CatalogueError> {
        let mut rules: Vec<Rule> = Vec::new();
        for (file, text) in sources {
            let invalid = |reason: String| CatalogueError::Invalid {
                file: file.clone(),
                reason,
            };
            // toml's message names the line, column and key.
            let mut rule: Rule = toml::from_str(&text).map_err(|e| invalid(e.to_string()))?;
            rule.templates = Some(Templates::of(&rule).map_err(invalid)?);
            rule.render();
            if !well_formed_id(&rule.id) {
                return Err(invalid(format!(
                    "id \"{}\" must be uppercase words joined by '-'",
                    rule.id
                )));
            }
            if file.strip_suffix(".toml") != Some(rule.id.as_str()) {
                return Err(invalid(format!(
                    "id \"{}\" does not match the file name",
                    rule.id
                )));
            }
            if rules.iter().any(|r| r.id == rule.id) {
                return Err(invalid(format!("id \"{}\" is used twice", rule.id)));
            }
            if rule.citations.is_empty() || rule.datasets.is_empty() {
                return Err(invalid(
                    "a rule needs at least one citation and one dataset".to_owned(),
                ));
            }
            rule.check.validate(&rule).map_err(invalid)?;
            rules.push(rule);
        }
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(Self { rules })
    }

    /// The catalogue with the rule files of `dir` added, or replacing the rule of the same id:
    /// a regulator's own rules without recompiling.
    pub fn with_dir(mut self, dir: &std::path::Path) -> Result<Self, CatalogueError> {
        let unreadable = |reason: String| CatalogueError::Invalid {
            file: dir.display().to_string(),
            reason,
        };
        let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| unreadable(e.to_string()))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        let datasets = auditor_ingest::Catalog::builtin().map_err(|e| unreadable(e.to_string()))?;
        for path in files {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = std::fs::read_to_string(&path).map_err(|e| CatalogueError::Invalid {
                file: path.display().to_string(),
                reason: e.to_string(),
            })?;
            // A misspelt or mistyped parameter is named by its own line before what follows
            // from it: a title's `{days}` that the misspelling leaves without a value.
            if let Ok(raw) = toml::from_str::<Rule>(&text) {
                crate::user_params::check(&raw, &text, &self.rules).map_err(|reason| {
                    CatalogueError::Invalid {
                        file: path.display().to_string(),
                        reason,
                    }
                })?;
            }
            let mut one = Self::from_sources([(name, text.clone())]).map_err(|e| match e {
                CatalogueError::Invalid { reason, .. } => CatalogueError::Invalid {
                    file: path.display().to_string(),
                    reason,
                },
            })?;
            if let Some(mut rule) = one.rules.pop() {
                let invalid = |reason: String| CatalogueError::Invalid {
                    file: path.display().to_string(),
                    reason,
                };
                // Built-in rules are held to this by the catalogue tests; a user's rule with a
                // misspelt field would otherwise never fire, silently.
                unknown_field(&rule, &datasets).map_err(|(field, reason)| {
                    match crate::user_params::key_holding("check", &field, &text) {
                        Some((line, key)) => {
                            let (zh, en) = reason.split_once(" / ").unwrap_or((&reason, &reason));
                            invalid(format!(
                                "第 {line} 行 [check].{key}：{zh} / line {line}, [check].{key}: {en}"
                            ))
                        }
                        None => invalid(reason),
                    }
                })?;
                crate::user_params::check(&rule, &text, &self.rules).map_err(invalid)?;
                rule.user_params = rule.params.keys().cloned().collect();
                self.rules.retain(|r| r.id != rule.id);
                self.rules.push(rule);
            }
        }
        self.rules.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(self)
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
}

/// An error naming the first field the rule's check reads that one of its datasets lacks (the
/// field, and the message).
fn unknown_field(rule: &Rule, datasets: &auditor_ingest::Catalog) -> Result<(), (String, String)> {
    for dataset in &rule.datasets {
        let Some(spec) = datasets.spec(*dataset) else {
            continue;
        };
        if let Some(field) = rule
            .check
            .fields()
            .into_iter()
            .find(|f| spec.field_index(f).is_none())
        {
            let known: Vec<&str> = spec.fields.iter().map(|f| f.name.as_str()).collect();
            return Err((
                field.to_owned(),
                format!(
                    "数据集 {dataset} 没有字段 \"{field}\" / dataset {dataset} has no field \"{field}\"; fields: {}",
                    known.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

fn well_formed_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        })
}
