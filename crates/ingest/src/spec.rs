//! Dataset definitions (`rules/datasets/*.toml`): canonical fields, their types and the header
//! aliases that map a sheet's columns to them. Compiled into the binary so `auditor check`
//! needs no files beside it.

use std::collections::HashMap;
use std::str::FromStr;

use auditor_model::Dataset;
use serde::Deserialize;
use validator::Validate;

use crate::header::normalize_header;

/// How a field's cells are parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Name,
    Names,
    /// One member of staff by name or staff number (操作医师, 处方医师, 经办人): kept as written,
    /// since rules match it against the staff registry, but a phone or an ID number typed there
    /// is a person's, not a staff member's, and is masked.
    Staff,
    Phone,
    Address,
    Date,
    Datetime,
    Time,
    Number,
    Quantity,
    Integer,
    Bool,
    Gestation,
    PersonId,
    Uscc,
    ApprovalNo,
    TraceCode,
    TraceCodes,
    Sex,
}

#[derive(Debug, Clone, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    #[validate(length(min = 1, max = 64))]
    pub name: String,
    #[serde(rename = "type")]
    pub kind: FieldType,
    #[serde(default)]
    pub required: bool,
    /// A date field that is the end of a period, as 有效期至 on a drug pack or a licence is: a
    /// period written whole ("2021.1.1-2024.1.1") gives its end, a leading 至/截止 is dropped,
    /// a month alone ("2026-03", "2026年3月") is that month's last day, and 长期/永久 is
    /// [`crate::value::NO_END`]. Elsewhere none of these is a date. `month_end`, its former
    /// name, is still read.
    #[serde(default, alias = "month_end")]
    pub period_end: bool,
    #[validate(length(min = 1))]
    pub zh: String,
    #[validate(length(min = 1))]
    pub en: String,
    #[validate(length(min = 1))]
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct DatasetFile {
    name: String,
    #[validate(length(min = 1))]
    zh: String,
    #[validate(length(min = 1))]
    en: String,
    #[serde(default)]
    title_hints: Vec<String>,
    key: Vec<String>,
    fields: Vec<FieldSpec>,
}

/// One dataset's definition, ready for matching.
#[derive(Debug, Clone)]
pub struct DatasetSpec {
    pub dataset: Dataset,
    pub zh: String,
    pub en: String,
    pub title_hints: Vec<String>,
    /// Indices into `fields` of the business key.
    pub key: Vec<usize>,
    pub fields: Vec<FieldSpec>,
    /// Indices into `fields` of the people's names (`name` fields), looked up for every record.
    pub names: Vec<usize>,
}

impl DatasetSpec {
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }
}

/// All dataset definitions plus an index from normalised alias to (dataset, field).
#[derive(Debug, Clone)]
pub struct Catalog {
    pub datasets: Vec<DatasetSpec>,
    aliases: HashMap<String, Vec<(usize, usize)>>,
    /// The aliases of 3 characters or more with their length in characters, for
    /// [`Catalog::lookup_contained`]: counting them again for every header cell cost more than
    /// the search itself.
    long_aliases: Vec<LongAlias>,
}

/// An alias, its length in characters, and the (dataset, field) pairs it names.
type LongAlias = (String, usize, Vec<(usize, usize)>);

#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    #[error("数据集定义 {file} 无法解析 / dataset definition {file} is invalid: {reason}")]
    Invalid { file: String, reason: String },
}

const BUILTIN: [(&str, &str); 10] = [
    (
        "drug_txn.toml",
        include_str!("../../../rules/datasets/drug_txn.toml"),
    ),
    (
        "drug_dispense.toml",
        include_str!("../../../rules/datasets/drug_dispense.toml"),
    ),
    (
        "us_device.toml",
        include_str!("../../../rules/datasets/us_device.toml"),
    ),
    (
        "us_exam.toml",
        include_str!("../../../rules/datasets/us_exam.toml"),
    ),
    (
        "termination.toml",
        include_str!("../../../rules/datasets/termination.toml"),
    ),
    (
        "institution.toml",
        include_str!("../../../rules/datasets/institution.toml"),
    ),
    (
        "staff.toml",
        include_str!("../../../rules/datasets/staff.toml"),
    ),
    (
        "birth.toml",
        include_str!("../../../rules/datasets/birth.toml"),
    ),
    (
        "pregnancy.toml",
        include_str!("../../../rules/datasets/pregnancy.toml"),
    ),
    (
        "report_log.toml",
        include_str!("../../../rules/datasets/report_log.toml"),
    ),
];

impl Catalog {
    /// The definitions shipped in `rules/datasets/`.
    pub fn builtin() -> Result<Self, SpecError> {
        Self::from_sources(
            BUILTIN
                .iter()
                .map(|(f, s)| ((*f).to_owned(), (*s).to_owned())),
        )
    }

    /// Definitions from (file name, TOML text) pairs.
    pub fn from_sources(
        sources: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, SpecError> {
        let mut datasets = Vec::new();
        for (file, text) in sources {
            datasets.push(parse_dataset(&file, &text)?);
        }
        let mut aliases: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for (d, spec) in datasets.iter().enumerate() {
            // Explicit aliases first: two fields sharing one is an error in the file. The field's
            // own name and labels come after and only fill what no alias claimed.
            let mut local: HashMap<String, usize> = HashMap::new();
            for (f, field) in spec.fields.iter().enumerate() {
                for alias in &field.aliases {
                    let key = normalize_header(alias);
                    match local.get(&key) {
                        Some(&other) if other != f => {
                            return Err(SpecError::Invalid {
                                file: format!("{}.toml", spec.dataset),
                                reason: format!(
                                    "alias \"{alias}\" names both {} and {}",
                                    spec.fields[other].name, field.name
                                ),
                            });
                        }
                        _ => {
                            local.insert(key, f);
                        }
                    }
                }
            }
            for (f, field) in spec.fields.iter().enumerate() {
                for label in [&field.name, &field.zh, &field.en] {
                    local.entry(normalize_header(label)).or_insert(f);
                }
            }
            for (key, f) in local {
                if !key.is_empty() {
                    aliases.entry(key).or_default().push((d, f));
                }
            }
        }
        let mut long_aliases: Vec<LongAlias> = aliases
            .iter()
            .map(|(alias, targets)| (alias.clone(), alias.chars().count(), targets.clone()))
            .filter(|(_, len, _)| *len >= 3)
            .collect();
        long_aliases.sort_unstable();
        Ok(Self {
            datasets,
            aliases,
            long_aliases,
        })
    }

    pub fn spec(&self, dataset: Dataset) -> Option<&DatasetSpec> {
        self.datasets.iter().find(|s| s.dataset == dataset)
    }

    pub fn spec_index(&self, dataset: Dataset) -> Option<usize> {
        self.datasets.iter().position(|s| s.dataset == dataset)
    }

    /// The (dataset index, field index) pairs a normalised header names.
    pub fn lookup(&self, normalized: &str) -> &[(usize, usize)] {
        self.aliases.get(normalized).map_or(&[], Vec::as_slice)
    }

    /// For a header no alias names exactly ("药品通用名", "gestational weeks"): per dataset, the
    /// field whose longest alias (3 characters or more) the header contains, when that alias is at
    /// least half of the
    /// header and no other field's alias of the same length is also contained.
    pub fn lookup_contained(&self, normalized: &str) -> Vec<(usize, usize)> {
        let n = normalized.chars().count();
        // (dataset) -> (alias length, field, ambiguous)
        let mut best: HashMap<usize, (usize, usize, bool)> = HashMap::new();
        for (alias, len, targets) in &self.long_aliases {
            let len = *len;
            if len * 2 < n
                || len >= n
                || !normalized.contains(alias.as_str())
                || crate::synonyms::names_an_attribute(normalized, alias)
            {
                continue;
            }
            for &(d, f) in targets {
                match best.get_mut(&d) {
                    Some(b) if b.0 > len => {}
                    Some(b) if b.0 == len => b.2 |= b.1 != f,
                    _ => {
                        best.insert(d, (len, f, false));
                    }
                }
            }
        }
        best.into_iter()
            .filter(|(_, b)| !b.2)
            .map(|(d, b)| (d, b.1))
            .collect()
    }
}

fn parse_dataset(file: &str, text: &str) -> Result<DatasetSpec, SpecError> {
    let invalid = |reason: String| SpecError::Invalid {
        file: file.to_owned(),
        reason,
    };
    let raw: DatasetFile = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
    raw.validate().map_err(|e| invalid(e.to_string()))?;
    if raw.fields.len() < 2 || raw.key.is_empty() || raw.key.len() > 6 {
        return Err(invalid(
            "a dataset needs at least 2 fields and 1 to 6 key fields".to_owned(),
        ));
    }
    for field in &raw.fields {
        field
            .validate()
            .map_err(|e| invalid(format!("field {}: {e}", field.name)))?;
    }
    let dataset = Dataset::from_str(&raw.name).map_err(invalid)?;
    let mut key = Vec::new();
    for k in &raw.key {
        let idx = raw
            .fields
            .iter()
            .position(|f| &f.name == k)
            .ok_or_else(|| invalid(format!("key field \"{k}\" is not a field")))?;
        if matches!(
            raw.fields[idx].kind,
            FieldType::PersonId | FieldType::Name | FieldType::Phone | FieldType::Address
        ) {
            return Err(invalid(format!("key field \"{k}\" is personal data")));
        }
        key.push(idx);
    }
    let names = (0..raw.fields.len())
        .filter(|i| raw.fields[*i].kind == FieldType::Name)
        .collect();
    Ok(DatasetSpec {
        dataset,
        zh: raw.zh,
        en: raw.en,
        title_hints: raw.title_hints,
        key,
        fields: raw.fields,
        names,
    })
}

#[cfg(test)]
mod tests {
    use super::parse_dataset;

    #[test]
    fn period_end_is_read_under_its_former_name_month_end() {
        let file = |option: &str| {
            format!(
                "name = \"institution\"\nzh = \"机构\"\nen = \"Institution\"\nkey = [\"name\"]\n\
                 [[fields]]\nname = \"name\"\ntype = \"text\"\nzh = \"名称\"\nen = \"Name\"\naliases = [\"名称\"]\n\
                 [[fields]]\nname = \"valid_to\"\ntype = \"date\"\n{option}\nzh = \"有效期\"\nen = \"Valid to\"\naliases = [\"有效期\"]\n"
            )
        };
        let period_end = |option: &str| {
            parse_dataset("t.toml", &file(option))
                .map_err(|e| e.to_string())
                .map(|spec| spec.fields.iter().map(|f| f.period_end).collect::<Vec<_>>())
        };
        assert_eq!(period_end("period_end = true"), Ok(vec![false, true]));
        assert_eq!(period_end("month_end = true"), Ok(vec![false, true]));
        assert_eq!(period_end(""), Ok(vec![false, false]));
    }
}
