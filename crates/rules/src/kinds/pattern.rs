//! `pattern` and `range`: the generic checks a regulator writes without code — a text field
//! matching a format (a local licence number, a form code), a number within bounds. Empty
//! cells are not judged (their absence is a matter for `required`).

use auditor_ingest::Table;
use regex::Regex;

use super::{Field, Hit, Hits, quote};
use crate::catalogue::Rule;

/// The rule's `regex` parameter, compiled; checked when the catalogue loads, so a rule that
/// reaches evaluation has a valid one.
pub(crate) fn compiled(rule: &Rule) -> Result<Regex, String> {
    let source = rule
        .param_str("regex")
        .ok_or_else(|| "a pattern check needs a string parameter \"regex\"".to_owned())?;
    // Anchored: a format describes the whole value, not a part of it.
    Regex::new(&format!("^(?:{source})$")).map_err(|e| format!("parameter \"regex\": {e}"))
}

pub fn evaluate_pattern(rule: &Rule, table: &Table, fields: &[String]) -> Hits {
    let mut hits = Hits::default();
    let Ok(regex) = compiled(rule) else {
        return hits;
    };
    // What a clerk reads instead of the expression, when the rule gives it.
    let (format_zh, format_en) = (
        rule.param_str("format_zh")
            .or(rule.param_str("regex"))
            .unwrap_or_default(),
        rule.param_str("format_en")
            .or(rule.param_str("regex"))
            .unwrap_or_default(),
    );
    let columns: Vec<(&String, Field<'_>)> =
        fields.iter().map(|f| (f, Field::of(table, f))).collect();
    for i in 0..table.len() {
        for (field, column) in &columns {
            if let Some(value) = column.text(i)
                && !regex.is_match(value)
            {
                let (zh, en) = table.label(field);
                // Any field may be checked, free text too: its value is quoted masked.
                let value = quote::excerpt(value);
                hits.push(Hit {
                    record: Some(i),
                    fields: vec![(*field).clone()],
                    zh: format!("“{zh}”的值“{value}”不符合格式：{format_zh}"),
                    en: format!("{en} \"{value}\" does not match the format: {format_en}"),
                    related: Vec::new(),
                });
            }
        }
    }
    hits
}

/// The rule's `min` and `max` parameters (integers or decimals), at least one of them.
pub(crate) fn bounds(rule: &Rule) -> Result<(Option<f64>, Option<f64>), String> {
    let number = |name: &str| -> Result<Option<f64>, String> {
        match rule.params.get(name) {
            None => Ok(None),
            Some(toml::Value::Integer(n)) => Ok(Some(*n as f64)),
            Some(toml::Value::Float(x)) => Ok(Some(*x)),
            Some(_) => Err(format!("parameter \"{name}\" must be a number")),
        }
    };
    match (number("min")?, number("max")?) {
        (None, None) => Err("a range check needs a parameter \"min\" or \"max\"".to_owned()),
        bounds => Ok(bounds),
    }
}

pub fn evaluate_range(rule: &Rule, table: &Table, field: &str) -> Hits {
    let mut hits = Hits::default();
    let Ok((min, max)) = bounds(rule) else {
        return hits;
    };
    let Some(column) = table.column(field) else {
        return hits;
    };
    let (zh, en) = table.label(field);
    for i in 0..table.len() {
        let Some(x) = column.number(i) else { continue };
        let (below, above) = (min.is_some_and(|m| x < m), max.is_some_and(|m| x > m));
        if !(below || above) {
            continue;
        }
        let shown = column.display(i);
        let (bound_zh, bound_en) = match (below, min, max) {
            (true, Some(m), _) => (format!("低于下限 {m}"), format!("below the minimum {m}")),
            (_, _, Some(m)) => (format!("高于上限 {m}"), format!("above the maximum {m}")),
            _ => continue,
        };
        hits.push(Hit {
            record: Some(i),
            fields: vec![field.to_owned()],
            zh: format!("“{zh}”为 {shown}，{bound_zh}"),
            en: format!("{en} is {shown}, {bound_en}"),
            related: Vec::new(),
        });
    }
    hits
}
