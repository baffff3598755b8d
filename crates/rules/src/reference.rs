//! Reference data shipped with the rules: the termination-drug list (`rules/reference/`).

use serde::Deserialize;

const DRUG_CATALOG: &str = include_str!("../../../rules/reference/drug_catalog.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Drug {
    pub generic: String,
    pub names: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrugCatalog {
    pub drug: Vec<Drug>,
}

impl DrugCatalog {
    pub fn builtin() -> Result<Self, String> {
        toml::from_str(DRUG_CATALOG).map_err(|e| {
            format!(
                "药品目录 drug_catalog.toml 有误 / the drug list drug_catalog.toml is invalid: {e}"
            )
        })
    }

    /// The termination drug a product name names, matched by substring ("米非司酮片" → 米非司酮).
    pub fn termination_drug(&self, product: &str) -> Option<&Drug> {
        let lower = product.to_lowercase();
        self.drug
            .iter()
            .find(|d| d.names.iter().any(|n| lower.contains(&n.to_lowercase())))
    }
}
