//! The rules a report can name: the pack's rules as it applies them (its severities), with their
//! titles, docs and citations. Data-quality findings (`DQ-…`) come from ingest, which gives them
//! no title: they are named by their id.

use auditor_model::Dataset;
use auditor_rules::{Catalogue, Pack, Rule};

pub struct RuleBook {
    rules: Vec<Rule>,
}

impl RuleBook {
    pub fn for_pack(catalogue: &Catalogue, pack: &Pack) -> Self {
        Self {
            rules: catalogue
                .rules
                .iter()
                .filter(|r| pack.selects(&r.id))
                .map(|r| pack.apply(r))
                .collect(),
        }
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The rule's title in Chinese and English; the id itself for a rule outside the catalogue.
    pub fn title<'a>(&'a self, id: &'a str) -> (&'a str, &'a str) {
        self.get(id)
            .map_or((id, id), |r| (r.title.zh.as_str(), r.title.en.as_str()))
    }

    /// The pack's rules that judge sheets of `dataset`, in id order (sweep-only rules judge
    /// no sheet).
    pub fn judging(&self, dataset: Dataset) -> impl Iterator<Item = &Rule> {
        self.rules
            .iter()
            .filter(move |r| r.datasets.contains(&dataset) && !r.check.sweep_only())
    }
}
