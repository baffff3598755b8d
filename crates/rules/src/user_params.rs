//! A user's rule file (`--rules DIR`) checked where serde cannot: its parameters against those
//! the built-in rules of the same check kind take, and the line of a key serde names without
//! one. A clerk who writes `day = 20` or `days = "30天"` believes it applies; a run that
//! silently used the default instead would judge by a deadline nobody chose.

use std::collections::BTreeMap;
use std::mem::discriminant;

use crate::catalogue::Rule;

/// An error naming the first parameter of `rule` that no built-in rule of its kind takes, whose
/// value is of another type than theirs, or that is a negative number (a count of days, weeks or
/// boxes). `text` is the file, for the line.
pub(crate) fn check(rule: &Rule, text: &str, builtin: &[Rule]) -> Result<(), String> {
    let mut known: BTreeMap<&str, &toml::Value> = BTreeMap::new();
    for r in builtin
        .iter()
        .filter(|r| discriminant(&r.check) == discriminant(&rule.check))
    {
        for (k, v) in &r.params {
            known.entry(k.as_str()).or_insert(v);
        }
    }
    for (key, value) in &rule.params {
        let at = place("params", key, text);
        // Read by the code but set by no built-in rule: only their type is known.
        if let Some(&(_, want)) = UNSET.iter().find(|(k, _)| k == key) {
            if want(value) {
                continue;
            }
            return Err(format!(
                "{}：取值类型不对（{value}） / {}: a value of the wrong type ({value})",
                at.0, at.1
            ));
        }
        let Some(&like) = known.get(key.as_str()) else {
            let names: Vec<&str> = known.keys().copied().collect();
            let names = if names.is_empty() {
                "（无 / none）".to_owned()
            } else {
                names.join(", ")
            };
            return Err(format!(
                "{}：未知参数，此类规则可用的参数为 {names} / {}: unknown parameter; this kind of rule takes {names}",
                at.0, at.1
            ));
        };
        if !same_type(like, value) {
            let (want_zh, want_en) = type_name(like);
            let (got_zh, got_en) = type_name(value);
            return Err(format!(
                "{}：应为{want_zh}，实为{got_zh} {value} / {}: must be {want_en}, not {got_en} {value}",
                at.0, at.1
            ));
        }
        if value.as_integer().is_some_and(|n| n < 0) || value.as_float().is_some_and(|n| n < 0.0) {
            return Err(format!(
                "{}：不能为负数（{value}） / {}: must not be negative ({value})",
                at.0, at.1
            ));
        }
    }
    Ok(())
}

/// Parameters the kinds read that no built-in rule sets, with the values they take: the
/// generic kinds' (pattern's regex and its wording, range's bounds, which may be negative) and
/// the drug ledgers' return words.
type Accepts = fn(&toml::Value) -> bool;

const UNSET: [(&str, Accepts); 6] = [
    ("regex", toml::Value::is_str),
    ("format_zh", toml::Value::is_str),
    ("format_en", toml::Value::is_str),
    ("min", is_number),
    ("max", is_number),
    ("return_words", toml::Value::is_array),
];

fn is_number(v: &toml::Value) -> bool {
    v.is_integer() || v.is_float()
}

/// "第 5 行 [check].end" / "line 5, [check].end" for a key of a table, or the key path alone
/// when the file does not write it on a line of its own.
pub(crate) fn place(table: &str, key: &str, text: &str) -> (String, String) {
    match line_of(text, table, |k, _| k == key) {
        Some(n) => (
            format!("第 {n} 行 [{table}].{key}"),
            format!("line {n}, [{table}].{key}"),
        ),
        None => (format!("[{table}].{key}"), format!("[{table}].{key}")),
    }
}

/// The key of `table` whose value is the string `value`, and its line: for a field name serde
/// accepted but no dataset has.
pub(crate) fn key_holding(table: &str, value: &str, text: &str) -> Option<(usize, String)> {
    let quoted = format!("\"{value}\"");
    let mut found = None;
    line_of(text, table, |k, v| {
        let hit = v.contains(&quoted);
        if hit {
            found = Some(k.to_owned());
        }
        hit
    })
    .zip(found)
}

/// The 1-based line of the first `key = value` of `[table]` that `wanted` accepts.
fn line_of(text: &str, table: &str, mut wanted: impl FnMut(&str, &str) -> bool) -> Option<usize> {
    let mut section = String::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim().trim_start_matches('\u{feff}');
        if let Some(header) = line.strip_prefix('[') {
            section.clear();
            section.push_str(
                header
                    .trim_end_matches(|c: char| c != ']')
                    .trim_end_matches(']')
                    .trim(),
            );
            continue;
        }
        if section != table {
            continue;
        }
        if let Some((k, v)) = line.split_once('=')
            && wanted(k.trim().trim_matches('"'), v.trim())
        {
            return Some(n + 1);
        }
    }
    None
}

/// Whether `value` may stand where the built-in rules write `like`: the same TOML type, an
/// integer where they write a float.
fn same_type(like: &toml::Value, value: &toml::Value) -> bool {
    match (like, value) {
        (toml::Value::Float(_), toml::Value::Integer(_)) => true,
        _ => discriminant(like) == discriminant(value),
    }
}

fn type_name(v: &toml::Value) -> (&'static str, &'static str) {
    match v {
        toml::Value::Integer(_) => ("整数", "an integer"),
        toml::Value::Float(_) => ("数字", "a number"),
        toml::Value::String(_) => ("文字", "a string"),
        toml::Value::Boolean(_) => ("true 或 false", "true or false"),
        toml::Value::Datetime(_) => ("日期", "a date"),
        toml::Value::Array(_) => ("列表", "a list"),
        toml::Value::Table(_) => ("表", "a table"),
    }
}

#[cfg(test)]
mod tests {
    use super::{key_holding, place};

    const TEXT: &str =
        "id = \"X\"\n[params]\nday = 20\n\n[check]\nkind = \"deadline\"\nend = \"filing_date\"\n";

    #[test]
    fn a_key_is_placed_by_its_table_and_line() {
        assert_eq!(
            place("params", "day", TEXT),
            (
                "第 3 行 [params].day".to_owned(),
                "line 3, [params].day".to_owned()
            )
        );
        assert_eq!(place("params", "days", TEXT).1, "[params].days");
        assert_eq!(
            key_holding("check", "filing_date", TEXT),
            Some((7, "end".to_owned()))
        );
        assert_eq!(key_holding("params", "filing_date", TEXT), None);
    }
}
