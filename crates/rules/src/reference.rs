//! Reference data shipped with the rules: the termination-drug list (`rules/reference/`).

use serde::Deserialize;

const DRUG_CATALOG: &str = include_str!("../../../rules/reference/drug_catalog.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Drug {
    pub generic: String,
    pub names: Vec<String>,
    /// The strengths one tablet or capsule comes in ("25mg", "200µg"), for converting a count
    /// of units into a dose (DRUG-QTY-PER-CASE): a row naming no 规格 is converted only when
    /// the drug comes in a single strength.
    #[serde(default)]
    pub unit_strengths: Vec<String>,
}

/// Remembers which product names are termination drugs: ledgers repeat a handful of products
/// over millions of rows, so each distinct name is matched against the list once.
#[derive(Debug, Default)]
pub struct DrugMemo<'t> {
    seen: std::collections::HashMap<&'t str, bool>,
}

impl<'t> DrugMemo<'t> {
    pub fn is_termination_drug(&mut self, drugs: &DrugCatalog, product: &'t str) -> bool {
        *self
            .seen
            .entry(product)
            .or_insert_with(|| drugs.termination_drug(product).is_some())
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrugCatalog {
    pub drug: Vec<Drug>,
}

impl DrugCatalog {
    pub fn builtin() -> Result<Self, String> {
        let mut catalog: Self = toml::from_str(DRUG_CATALOG).map_err(|e| {
            format!(
                "药品目录 drug_catalog.toml 有误 / the drug list drug_catalog.toml is invalid: {e}"
            )
        })?;
        // Names are compared lower-cased, once here rather than on every row.
        for drug in &mut catalog.drug {
            for name in &mut drug.names {
                *name = name.to_ascii_lowercase();
            }
        }
        Ok(catalog)
    }

    /// The termination drug a product name names, matched by substring ("米非司酮片" → 米非司酮),
    /// ignoring the case of Latin letters. Called for every row of a drug ledger: allocates only
    /// when the product has capitals.
    pub fn termination_drug(&self, product: &str) -> Option<&Drug> {
        let lower: std::borrow::Cow<'_, str> = if product.bytes().any(|b| b.is_ascii_uppercase()) {
            product.to_ascii_lowercase().into()
        } else {
            product.into()
        };
        self.drug
            .iter()
            .find(|d| d.names.iter().any(|n| lower.contains(n.as_str())))
    }
}
