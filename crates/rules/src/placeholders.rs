//! Rule texts that name their parameters: a title or doc text may write `{min_weeks}` where a
//! pack or a regulator's own rule may change the value, so `妊娠{min_weeks}周以上` reads
//! 16 周 under a rule judging by 16 weeks, not a fixed 14. `{{` and `}}` are a brace itself.
//! A placeholder naming no parameter stops the load, with the file and the text's key named.

use std::fmt::Write;

use crate::catalogue::{Bilingual, Docs, Rule};

/// A rule's texts as its file writes them, placeholders unfilled.
#[derive(Debug, Clone)]
pub struct Templates {
    title: Bilingual,
    docs: Docs,
}

impl Templates {
    /// The texts of `rule` as loaded, after checking that every placeholder names one of its
    /// parameters.
    pub(crate) fn of(rule: &Rule) -> Result<Self, String> {
        let templates = Self {
            title: rule.title.clone(),
            docs: rule.docs.clone(),
        };
        for (key, text, _) in templates.texts() {
            for name in names(text).map_err(|e| format!("{key}: {e}"))? {
                if !rule.params.contains_key(name) {
                    let known: Vec<&str> = rule.params.keys().map(String::as_str).collect();
                    return Err(format!(
                        "{key}: 占位符 {{{name}}} 不是本规则的参数 / the placeholder {{{name}}} names no parameter of the rule; parameters: {}",
                        if known.is_empty() {
                            "(none)".to_owned()
                        } else {
                            known.join(", ")
                        }
                    ));
                }
            }
        }
        Ok(templates)
    }

    /// The texts with each key, and whether the text is Chinese.
    fn texts(&self) -> [(&'static str, &str, bool); 8] {
        let (t, d) = (&self.title, &self.docs);
        [
            ("title.zh", &t.zh, true),
            ("title.en", &t.en, false),
            ("docs.what_zh", &d.what_zh, true),
            ("docs.what_en", &d.what_en, false),
            ("docs.why_zh", &d.why_zh, true),
            ("docs.why_en", &d.why_en, false),
            ("docs.fix_zh", &d.fix_zh, true),
            ("docs.fix_en", &d.fix_en, false),
        ]
    }

    /// The title and docs with the placeholders filled from `params` (checked at load, so
    /// every name is there; a pack only replaces values).
    pub(crate) fn render(&self, params: &toml::Table) -> (Bilingual, Docs) {
        let [tz, te, wz, we, yz, ye, fz, fe] = self.texts().map(|(_, t, zh)| fill(t, params, zh));
        (
            Bilingual { zh: tz, en: te },
            Docs {
                what_zh: wz,
                what_en: we,
                why_zh: yz,
                why_en: ye,
                fix_zh: fz,
                fix_en: fe,
            },
        )
    }
}

/// The parameter names `text` refers to; an error for a brace that neither opens a name nor
/// is doubled.
fn names(text: &str) -> Result<Vec<&str>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(['{', '}']) {
        let (brace, after) = (&rest[at..=at], &rest[at + 1..]);
        if after.starts_with(brace) {
            rest = &after[1..];
            continue;
        }
        if brace == "}" {
            return Err("“}” 须写作 “}}” / a lone '}' must be written '}}'".to_owned());
        }
        let end = after.find('}').filter(|&e| is_name(&after[..e])).ok_or_else(|| {
            "“{” 须接参数名，如 {min_weeks}，或写作 “{{” / a '{' must open a parameter name, as in {min_weeks}, or be written '{{'"
                .to_owned()
        })?;
        out.push(&after[..end]);
        rest = &after[end + 1..];
    }
    Ok(out)
}

fn is_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// `text` with its placeholders replaced by the values of `params`.
fn fill(text: &str, params: &toml::Table, zh: bool) -> String {
    if !text.contains(['{', '}']) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(['{', '}']) {
        out.push_str(&rest[..at]);
        let (brace, after) = (&rest[at..=at], &rest[at + 1..]);
        if after.starts_with(brace) || brace == "}" {
            out.push_str(brace);
            rest = after.strip_prefix(brace).unwrap_or(after);
            continue;
        }
        let end = after.find('}').unwrap_or(after.len());
        match params.get(&after[..end]) {
            Some(v) => value(&mut out, v, zh),
            None => out.push_str(&rest[at..(at + end + 2).min(rest.len())]),
        }
        rest = after.get(end + 1..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// A parameter's value as a reader expects it: 14, 0.5, a word, a list joined as the language
/// joins one.
fn value(out: &mut String, v: &toml::Value, zh: bool) {
    match v {
        toml::Value::String(s) => out.push_str(s),
        toml::Value::Integer(i) => {
            let _ = write!(out, "{i}");
        }
        toml::Value::Float(f) => {
            let _ = write!(out, "{f}");
        }
        toml::Value::Boolean(b) => out.push_str(match (b, zh) {
            (true, true) => "是",
            (false, true) => "否",
            (true, false) => "yes",
            (false, false) => "no",
        }),
        toml::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(if zh { "、" } else { ", " });
                }
                value(out, item, zh);
            }
        }
        other => {
            let _ = write!(out, "{other}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{fill, names};

    fn params() -> toml::Table {
        toml::from_str("min_weeks = 16\ntolerance = 0.5\nwords = [\"引产\", \"钳刮\"]").unwrap()
    }

    #[test]
    fn placeholders_fill_from_the_parameters_and_doubled_braces_stay_braces() {
        let p = params();
        assert_eq!(
            fill("妊娠{min_weeks}周以上，容差 {tolerance}", &p, true),
            "妊娠16周以上，容差 0.5"
        );
        assert_eq!(fill("方法：{words}", &p, true), "方法：引产、钳刮");
        assert_eq!(fill("methods: {words}", &p, false), "methods: 引产, 钳刮");
        assert_eq!(
            fill("{{min_weeks}} = {min_weeks}", &p, false),
            "{min_weeks} = 16"
        );
        assert_eq!(fill("no braces", &p, false), "no braces");
    }

    #[test]
    fn a_brace_that_opens_no_name_is_an_error() {
        assert_eq!(
            names("{min_weeks} and {days}").unwrap(),
            ["min_weeks", "days"]
        );
        assert!(names("{{literal}}").unwrap().is_empty());
        for bad in ["{ min_weeks }", "{min_weeks", "a } b", "{Min}", "{}"] {
            assert!(names(bad).is_err(), "{bad}");
        }
    }
}
