//! `terms`: words that must never appear in a record — a fetal ultrasound report that names the
//! sex (男胎, 女胎, 胎儿性别 …) is direct evidence of non-medical sex determination. Phrases that
//! merely say the sex was not given (胎儿性别未提示) are taken out before the search.
//!
//! Texts, terms and phrases are compared with full-width forms folded, Latin letters lowered
//! and white space dropped, so the term 性别：女 finds "性别:女" and "性别： 女" as a clerk
//! types them (性别女, without the colon, is a term of its own). Only the phrases listed whole are negations: a 不 or 未
//! before a term is not, since "不是男胎" still tells the sex.
//!
//! Two readings keep a term from counting where it tells nothing of a fetus:
//! - right after one of the `woman_words` (孕妇性别：女), it is the woman's own sex;
//! - one of the `topic_terms` (胎儿性别, 外生殖器: words naming the subject, not a sex) in a
//!   text holding one of the `refusal_words` (拒绝, 不详, 显示不清) records a refusal or that
//!   nothing was seen. A text that does tell the sex names a sex term too, which still counts.

use std::borrow::Cow;

use aho_corasick::AhoCorasick;
use auditor_ingest::Table;
use auditor_ingest::column::Column;

use super::{Hit, Hits, quote};
use crate::catalogue::Rule;

pub fn evaluate(rule: &Rule, table: &Table, fields: &[String]) -> Hits {
    // Terms as the rule writes them, and as texts are searched for them.
    let written = rule.param_list("terms");
    let terms: Vec<String> = written.iter().map(|t| normal(t).into_owned()).collect();
    let allowed: Vec<String> = rule
        .param_list("allowed")
        .iter()
        .map(|t| normal(t).into_owned())
        .collect();
    let readings = Readings::of(rule);
    let columns: Vec<(&String, &Column)> = fields
        .iter()
        .filter_map(|f| table.column(f).map(|c| (f, c)))
        .collect();
    // One pass over each text for all the terms, rather than one search per term: a million
    // reports times a dozen terms was most of this rule's time.
    // (An automaton is refused only past its size limits, far beyond a rule's word list.)
    let automaton = AhoCorasick::new(&terms).ok();
    let names_a_term = |text: &str| match &automaton {
        Some(a) => a.is_match(text),
        None => terms.iter().any(|t| text.contains(t.as_str())),
    };
    // A column that keeps a dictionary is searched once per distinct text, not once per record.
    let mut known: Vec<Vec<Option<bool>>> = columns
        .iter()
        .map(|(_, c)| match c {
            Column::Text(t) => vec![None; t.distinct().unwrap_or(0)],
            _ => Vec::new(),
        })
        .collect();
    let mut hits = Hits::default();
    for i in 0..table.len() {
        for ((field, column), known) in columns.iter().zip(known.iter_mut()) {
            let Some(raw) = column.text(i) else { continue };
            let id = match column {
                Column::Text(t) => t.value_id(i).map(|id| id as usize),
                _ => None,
            };
            // A text already judged is not normalised again: most columns repeat a few texts.
            let named = match id.and_then(|id| known.get_mut(id)) {
                Some(slot) => *slot.get_or_insert_with(|| names_a_term(&normal(raw))),
                None => names_a_term(&normal(raw)),
            };
            // Nearly every report names no term: only those that do are copied and cleaned.
            if !named {
                continue;
            }
            let text = &*normal(raw);
            let mut cleaned = (*text).to_owned();
            for phrase in &allowed {
                cleaned = cleaned.replace(phrase.as_str(), "");
            }
            if let Some(at) = readings.first_counting(&terms, &cleaned) {
                let (zh, en) = table.label(field);
                // The cell may hold the woman's ID number or phone: only a masked stretch
                // around the term is quoted. The clerk's own text is quoted when it holds the
                // term as the rule writes it, else its normal form.
                let (term, quoted) = if raw.contains(written[at].as_str()) {
                    (&written[at], quote::around(raw, &written[at]))
                } else {
                    (&terms[at], quote::around(text, &terms[at]))
                };
                hits.push(Hit {
                    record: Some(i),
                    fields: vec![(*field).clone()],
                    zh: format!("{zh}中出现“{term}”：“{quoted}”"),
                    en: format!("{en} contains \"{term}\": \"{quoted}\""),
                    related: Vec::new(),
                });
            }
        }
    }
    hits
}

/// The readings that keep a term from counting (see the module's docs), normalised as texts.
struct Readings {
    woman: Vec<String>,
    topics: Vec<String>,
    refusals: Vec<String>,
}

impl Readings {
    fn of(rule: &Rule) -> Self {
        let list = |name: &str| -> Vec<String> {
            rule.param_list(name)
                .iter()
                .map(|t| normal(t).into_owned())
                .collect()
        };
        Self {
            woman: list("woman_words"),
            topics: list("topic_terms"),
            refusals: list("refusal_words"),
        }
    }

    /// The first of `terms` that `text` names in a way that counts.
    fn first_counting(&self, terms: &[String], text: &str) -> Option<usize> {
        let refused = self.refusals.iter().any(|r| text.contains(r.as_str()));
        terms.iter().position(|term| {
            if refused && self.topics.contains(term) {
                return false;
            }
            text.match_indices(term.as_str())
                .any(|(at, _)| !self.is_womans(&text[..at]))
        })
    }

    /// Whether the text before a term ends naming the woman (孕妇, 患者, 受检者), commas and
    /// the like between them aside.
    fn is_womans(&self, before: &str) -> bool {
        let before = before.trim_end_matches([',', '、', ';', '.', '(', ')']);
        self.woman.iter().any(|w| before.ends_with(w.as_str()))
    }
}

/// A text as terms are looked for in it: full-width forms folded (：→:, （→(), Latin letters
/// lowered, white space dropped. Most texts need none of it and are not copied.
fn normal(text: &str) -> Cow<'_, str> {
    let folded = auditor_ingest::value::fold_width(text);
    if !folded
        .chars()
        .any(|c| c.is_whitespace() || c.is_ascii_uppercase())
    {
        return folded;
    }
    Cow::Owned(
        folded
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_lowercase())
            .collect(),
    )
}
