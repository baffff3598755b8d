//! The rules a report can name: the pack's rules as it applies them (its severities), with their
//! titles, docs and citations. Data-quality findings (`DQ-…`) come from ingest, which titles them
//! itself.

use auditor_ingest::quality::DqRule;
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

    /// The rule's title in Chinese and English: the catalogue's, a data-quality rule's own, or
    /// the id itself for a rule neither knows.
    pub fn title<'a>(&'a self, id: &'a str) -> (&'a str, &'a str) {
        if let Some(r) = self.get(id) {
            return (r.title.zh.as_str(), r.title.en.as_str());
        }
        DqRule::from_id(id).map_or((id, id), |dq| {
            let d = dq.docs();
            (d.title_zh, d.title_en)
        })
    }

    /// The pack's rules that judge sheets of `dataset`, in id order (sweep-only rules judge
    /// no sheet).
    pub fn judging(&self, dataset: Dataset) -> impl Iterator<Item = &Rule> {
        self.rules
            .iter()
            .filter(move |r| r.datasets.contains(&dataset) && !r.check.sweep_only())
    }
}
