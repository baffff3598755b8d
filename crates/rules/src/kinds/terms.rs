//! `terms`: words that must never appear in a record — a fetal ultrasound report that names the
//! sex (男胎, 女胎, 胎儿性别 …) is direct evidence of non-medical sex determination. Phrases that
//! merely say the sex was not given (胎儿性别未提示) are taken out before the search.

use auditor_ingest::Table;

use super::{Hit, Hits};
use crate::catalogue::Rule;

pub fn evaluate(rule: &Rule, table: &Table, fields: &[String]) -> Hits {
    let terms = rule.param_list("terms");
    let allowed = rule.param_list("allowed");
    let columns: Vec<(&String, &auditor_ingest::column::Column)> = fields
        .iter()
        .filter_map(|f| table.column(f).map(|c| (f, c)))
        .collect();
    let mut hits = Hits::default();
    for i in 0..table.len() {
        for (field, column) in &columns {
            let Some(text) = column.text(i) else { continue };
            // Nearly every report names no term: only those that do are copied and cleaned.
            if !terms.iter().any(|t| text.contains(t.as_str())) {
                continue;
            }
            let mut cleaned = text.to_owned();
            for phrase in &allowed {
                cleaned = cleaned.replace(phrase.as_str(), "");
            }
            if let Some(term) = terms.iter().find(|t| cleaned.contains(t.as_str())) {
                let (zh, en) = table.label(field);
                hits.push(Hit {
                    record: Some(i),
                    fields: vec![(*field).clone()],
                    zh: format!("{zh}中出现“{term}”：“{text}”"),
                    en: format!("{en} contains \"{term}\": \"{text}\""),
                    related: Vec::new(),
                });
            }
        }
    }
    hits
}
