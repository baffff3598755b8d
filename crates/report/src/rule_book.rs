//! The rules a report can name: the pack's rules as it applies them (its severities), with their
//! titles, docs and citations. Data-quality findings (`DQ-…`) come from ingest, which titles them
//! itself.

use auditor_ingest::quality::DqRule;
use auditor_model::Dataset;
use auditor_rules::{Catalogue, Pack, Rule};

use crate::{Input, Report};

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

    /// The pack's rules that judged some sheet of `inputs`, in id order: what a report, a
    /// clean one above all, was checked against.
    pub fn applied(&self, inputs: &[Input]) -> Vec<&Rule> {
        let read: Vec<Dataset> = inputs
            .iter()
            .flat_map(|i| &i.sheets)
            .filter_map(|s| s.dataset)
            .collect();
        let mut out: Vec<&Rule> = self
            .rules
            .iter()
            .filter(|r| !r.check.sweep_only() && r.datasets.iter().any(|d| read.contains(d)))
            .collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }
}

/// What a rule the run applied came to, for the reports' list of the rules applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It found this many problems (a summary line counting as the N it stands for).
    Found(usize),
    /// It found nothing, and no note says it could not judge.
    Clear,
    /// It found nothing, and a note says it could not judge some or all of the records.
    NotJudged,
}

impl Outcome {
    pub fn of(report: &Report, rule: &str) -> Self {
        let found: usize = report
            .findings
            .iter()
            .filter(|f| f.rule == rule)
            .map(auditor_model::Finding::weight)
            .sum();
        if found > 0 {
            Self::Found(found)
        } else if report.notes.iter().any(|n| n.names(rule)) {
            Self::NotJudged
        } else {
            Self::Clear
        }
    }

    /// In Chinese and English.
    pub fn text(self) -> (String, String) {
        match self {
            Self::Found(n) => (format!("发现 {n} 项"), format!("{n} found")),
            Self::Clear => ("未发现问题".to_owned(), "nothing found".to_owned()),
            Self::NotJudged => (
                "未发现问题，但有记录未能检查（见注）".to_owned(),
                "nothing found, but records went unjudged (see the notes)".to_owned(),
            ),
        }
    }
}
