//! Rule packs (`rules/packs/*.toml`), compiled into the binary. A pack names its version, which
//! every report quotes, and may leave rules out or override their parameters and severities.

use std::collections::BTreeMap;

use auditor_model::Severity;
use serde::Deserialize;

use crate::Rule;
use crate::catalogue::Citation;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pack {
    pub name: String,
    pub version: String,
    pub zh: String,
    pub en: String,
    /// The pack this one overlays: its selection and overrides apply first.
    #[serde(default)]
    pub extends: Option<String>,
    /// Why each override was made, with the provision that makes it.
    #[serde(default)]
    pub reasons: Vec<Reason>,
    /// Rules of the catalogue this pack does not apply.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Parameter values per rule id, replacing the rule's defaults.
    #[serde(default)]
    pub params: BTreeMap<String, toml::Table>,
    /// Severity per rule id, replacing the rule's own.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    pub rule: String,
    pub source: String,
    pub article: String,
    #[serde(default)]
    pub secondary: bool,
    pub zh: String,
    pub en: String,
}

#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error("未知的规则包 \"{0}\"，可选：{1} / unknown rule pack \"{0}\", available: {1}")]
    Unknown(String, String),
    #[error("规则包 {0} 无法解析 / rule pack {0} is invalid: {1}")]
    Invalid(String, String),
}

const BUILTIN: [(&str, &str); 5] = [
    (
        "national",
        include_str!("../../../rules/packs/national.toml"),
    ),
    ("anhui", include_str!("../../../rules/packs/anhui.toml")),
    ("guangxi", include_str!("../../../rules/packs/guangxi.toml")),
    ("henan", include_str!("../../../rules/packs/henan.toml")),
    (
        "shandong",
        include_str!("../../../rules/packs/shandong.toml"),
    ),
];

impl Pack {
    /// The built-in pack called `name`.
    pub fn builtin(name: &str) -> Result<Self, PackError> {
        let (file, text) = BUILTIN.iter().find(|(n, _)| *n == name).ok_or_else(|| {
            PackError::Unknown(
                name.to_owned(),
                BUILTIN
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        })?;
        let pack = Self::parse(&format!("{file}.toml"), text)?;
        match pack.extends.clone() {
            // Overlays are shallow: a pack extends a base pack, never another overlay.
            Some(base) if base != pack.name => Ok(Self::builtin_base(&base)?.overlaid_by(pack)),
            _ => Ok(pack),
        }
    }

    /// The names of the built-in packs, `national` first.
    pub fn builtin_names() -> impl Iterator<Item = &'static str> {
        BUILTIN.iter().map(|(n, _)| *n)
    }

    fn builtin_base(name: &str) -> Result<Self, PackError> {
        let (file, text) = BUILTIN.iter().find(|(n, _)| *n == name).ok_or_else(|| {
            PackError::Invalid(
                name.to_owned(),
                "the pack it extends does not exist".to_owned(),
            )
        })?;
        Self::parse(&format!("{file}.toml"), text)
    }

    /// This pack with `overlay`'s exclusions and overrides on top; the overlay's name and
    /// version are what reports quote.
    fn overlaid_by(mut self, overlay: Pack) -> Pack {
        self.exclude.extend(overlay.exclude);
        for (rule, params) in overlay.params {
            self.params.entry(rule).or_default().extend(params);
        }
        self.severity.extend(overlay.severity);
        self.reasons.extend(overlay.reasons);
        Pack {
            name: overlay.name,
            version: overlay.version,
            zh: overlay.zh,
            en: overlay.en,
            extends: overlay.extends,
            ..self
        }
    }

    pub fn parse(file: &str, text: &str) -> Result<Self, PackError> {
        toml::from_str(text).map_err(|e| PackError::Invalid(file.to_owned(), e.to_string()))
    }

    /// Whether the pack applies rule `id`.
    pub fn selects(&self, id: &str) -> bool {
        !self.exclude.iter().any(|x| x == id)
    }

    /// The rule as this pack applies it: its parameters and severity overridden.
    pub fn apply(&self, rule: &Rule) -> Rule {
        let mut rule = rule.clone();
        // A parameter the user's own rule file sets (--rules) is the user's explicit choice and
        // wins over the pack's; when the user's file overrides everything the pack changes in
        // the rule, the pack's reason is not cited for it.
        let mut overridden = false;
        let mut applied = false;
        if let Some(params) = self.params.get(&rule.id) {
            for (k, v) in params {
                if rule.user_params.contains(k) {
                    overridden = true;
                } else {
                    rule.params.insert(k.clone(), v.clone());
                    applied = true;
                }
            }
        }
        rule.render();
        if let Some(severity) = self.severity.get(&rule.id) {
            rule.severity = *severity;
            applied = true;
        }
        if overridden && !applied {
            return rule;
        }
        // What the pack changed rests on its own text: cited first, so a finding judged by
        // Guangxi's 20 days names Guangxi's article, not only the national sources.
        let own: Vec<Citation> = self
            .reasons
            .iter()
            .filter(|r| r.rule == rule.id)
            .map(|r| Citation {
                source: r.source.clone(),
                article: r.article.clone(),
                secondary: r.secondary,
            })
            .filter(|c| !rule.citations.contains(c))
            .collect();
        rule.citations.splice(0..0, own);
        rule
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_pack_loads_and_unknown_is_named() {
        let p = Pack::builtin("national").unwrap();
        assert_eq!(
            (p.name.as_str(), p.version.as_str()),
            ("national", "2024.1")
        );
        let e = Pack::builtin("mars").unwrap_err().to_string();
        assert!(e.contains("mars") && e.contains("national"), "{e}");
    }

    #[test]
    fn the_guangxi_overlay_files_devices_within_20_days_and_says_why() {
        let pack = Pack::builtin("guangxi").unwrap();
        assert_eq!(
            (pack.name.as_str(), pack.extends.as_deref()),
            ("guangxi", Some("national"))
        );
        let catalogue = crate::Catalogue::builtin().unwrap();
        let rule = pack.apply(catalogue.get("US-DEVICE-FILED-ON-TIME").unwrap());
        assert_eq!(rule.param_int("days"), Some(20));
        assert!(
            pack.reasons
                .iter()
                .any(|r| r.rule == rule.id && r.article == "第十四条")
        );
        // The finding cites the pack's article first.
        assert!(
            rule.citation().starts_with("广西") && rule.citation().contains("第十四条"),
            "{}",
            rule.citation()
        );
        let national = Pack::builtin("national")
            .unwrap()
            .apply(catalogue.get("US-DEVICE-FILED-ON-TIME").unwrap());
        assert_eq!(national.param_int("days"), Some(30));
        assert!(!national.citation().contains("广西"));
    }

    #[test]
    fn a_pack_overrides_parameters_and_severity_and_excludes() {
        let pack = Pack::parse(
            "guangxi.toml",
            r#"
            name = "guangxi"
            version = "2024.1"
            zh = "广西"
            en = "Guangxi"
            exclude = ["US-DUAL-SIGN"]
            [params."US-DEVICE-FILED-ON-TIME"]
            days = 20
            [severity]
            "US-DEVICE-FILED-ON-TIME" = "critical"
            "#,
        )
        .unwrap();
        let catalogue = crate::Catalogue::builtin().unwrap();
        let rule = pack.apply(catalogue.get("US-DEVICE-FILED-ON-TIME").unwrap());
        assert_eq!(rule.param_int("days"), Some(20));
        assert_eq!(rule.severity, Severity::Critical);
        assert!(!pack.selects("US-DUAL-SIGN") && pack.selects("US-DEVICE-FILED-ON-TIME"));
        let e = Pack::parse(
            "bad.toml",
            "name = \"x\"\nversion = \"1\"\nzh = \"x\"\nen = \"x\"\nexlude = []\n",
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("bad.toml") && e.to_string().contains("exlude"),
            "{e}"
        );
    }
}
