//! `terms`: words that must never appear in a record — a fetal ultrasound report that names the
//! sex (男胎, 女胎, 胎儿性别 …) is direct evidence of non-medical sex determination. Phrases that
//! merely say the sex was not given (胎儿性别未提示) are taken out before the search.
//!
//! Texts, terms and phrases are compared with full-width forms folded and white space dropped,
//! so the term 性别：女 finds "性别:女" and "性别： 女" as a clerk types them. Only the phrases
//! listed whole are negations: a 不 or 未 before a term is not, since "不是男胎" still tells the
//! sex.

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
            if let Some(at) = terms.iter().position(|t| cleaned.contains(t.as_str())) {
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

/// A text as terms are looked for in it: full-width forms folded (：→:, （→(), white space
/// dropped. Most texts need neither and are not copied.
fn normal(text: &str) -> Cow<'_, str> {
    let folded = auditor_ingest::value::fold_width(text);
    if !folded.chars().any(char::is_whitespace) {
        return folded;
    }
    Cow::Owned(folded.chars().filter(|c| !c.is_whitespace()).collect())
}
