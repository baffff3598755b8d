//! What a report an inspector prints says of its run beyond the JSON contract: the institutions
//! whose ledgers were audited and when the report was made. The html, xlsx and table reports
//! show them in their heading; the JSON report stays byte-for-byte what the contract says.

use std::collections::HashMap;

use auditor_ingest::Table;
use auditor_model::Dataset;
use chrono::{FixedOffset, Utc};

use crate::Lang;

/// Set to a fixed text, the report shows it as its generation time (for reproducible reports
/// and snapshot tests).
pub const GENERATED_AT_ENV: &str = "AUDITOR_GENERATED_AT";

/// How many institutions a terminal's heading names before it counts the rest; a printed
/// report names [`NAMED_IN_PRINT`].
pub const NAMED_ON_TERMINAL: usize = 3;
pub const NAMED_IN_PRINT: usize = 60;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RunContext {
    /// The institutions the audited ledgers belong to, with their records, most records first.
    pub institutions: Vec<(String, usize)>,
    /// When the report was generated: China time to the second, `2026-11-30 09:15:02 (UTC+8)`.
    pub generated_at: String,
}

impl RunContext {
    /// Now, or the text of `AUDITOR_GENERATED_AT` when it is set.
    pub fn now() -> Self {
        Self {
            institutions: Vec::new(),
            generated_at: generated_at(),
        }
    }

    /// The audited institutions as a heading names them: the first `named`, most records
    /// first, and how many more, or `None` when no ledger said whose it is.
    pub fn institutions_line(&self, lang: Lang, named: usize) -> Option<String> {
        if self.institutions.is_empty() {
            return None;
        }
        let more = self.institutions.len().saturating_sub(named);
        let named: Vec<&str> = self
            .institutions
            .iter()
            .take(named)
            .map(|(n, _)| n.as_str())
            .collect();
        Some(match (lang, more) {
            (Lang::Zh, 0) => named.join("、"),
            (Lang::Zh, _) => format!("{} 等 {} 家", named.join("、"), self.institutions.len()),
            (Lang::En, 0) => named.join(", "),
            (Lang::En, _) => format!("{} and {more} more", named.join(", ")),
        })
    }
}

/// A time to the second, as the heading shows it.
const SECONDS: &str = "%Y-%m-%d %H:%M:%S";

fn generated_at() -> String {
    if let Ok(fixed) = std::env::var(GENERATED_AT_ENV)
        && !fixed.trim().is_empty()
    {
        return fixed.trim().to_owned();
    }
    match FixedOffset::east_opt(8 * 3600) {
        Some(china) => format!(
            "{} (UTC+8)",
            Utc::now().with_timezone(&china).format(SECONDS)
        ),
        None => format!("{} (UTC)", Utc::now().format(SECONDS)),
    }
}

/// The institutions whose ledgers `tables` are, by records: a record's own 检查机构 (or the
/// like) where its ledger has such a column, else the 填报单位 of the sheet's title rows.
/// Registries are what ledgers are checked against, not what is audited, so they count for
/// nothing.
pub fn institutions(tables: &[Table]) -> Vec<(String, usize)> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for t in tables
        .iter()
        .filter(|t| !matches!(t.dataset, Dataset::Institution | Dataset::Staff))
    {
        let column = t.column("inst_name");
        let mut unnamed = 0;
        let mut named = 0;
        for i in 0..t.len() {
            match column.and_then(|c| c.text(i)).map(institution_name) {
                Some(name) if !name.is_empty() => {
                    named += 1;
                    *counts.entry(name).or_default() += 1;
                }
                _ => unnamed += 1,
            }
        }
        // A merged ledger names each record's institution; its title names whoever compiled
        // it (a county's health bureau), not the institution of a record left blank.
        let title = institution_name(&t.institution);
        if unnamed > 0 && named == 0 && !title.is_empty() {
            *counts.entry(title).or_default() += unnamed;
        }
    }
    let mut out: Vec<(String, usize)> = counts.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

/// An institution's name as written, without the seal a form asks for beside it (（盖章）)
/// and without white space, so that one institution is counted once; empty for a
/// placeholder (/, 无).
fn institution_name(written: &str) -> String {
    let mut name: String = written.chars().filter(|c| !c.is_whitespace()).collect();
    for seal in [
        "（盖章）",
        "(盖章)",
        "（公章）",
        "(公章)",
        "（签章）",
        "(签章)",
        "（章）",
        "(章)",
        "盖章",
    ] {
        name = name.replace(seal, "");
    }
    if auditor_ingest::value::is_placeholder(&name) {
        return String::new();
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(names: &[&str]) -> RunContext {
        RunContext {
            institutions: names.iter().map(|n| ((*n).to_owned(), 1)).collect(),
            generated_at: String::new(),
        }
    }

    #[test]
    fn a_heading_names_three_institutions_and_counts_the_rest() {
        let four = context(&["甲医院", "乙医院", "丙诊所", "丁药店"]);
        assert_eq!(
            four.institutions_line(Lang::Zh, 3).as_deref(),
            Some("甲医院、乙医院、丙诊所 等 4 家")
        );
        assert_eq!(
            four.institutions_line(Lang::En, 3).as_deref(),
            Some("甲医院, 乙医院, 丙诊所 and 1 more")
        );
        assert_eq!(
            context(&["甲医院"])
                .institutions_line(Lang::Zh, 3)
                .as_deref(),
            Some("甲医院")
        );
        assert_eq!(context(&[]).institutions_line(Lang::Zh, 3), None);
        assert_eq!(
            four.institutions_line(Lang::Zh, 60).as_deref(),
            Some("甲医院、乙医院、丙诊所、丁药店")
        );
    }

    #[test]
    fn a_seal_white_space_or_a_placeholder_is_no_part_of_a_name() {
        assert_eq!(
            institution_name("肥城市鲁康医药有限公司（盖章）"),
            "肥城市鲁康医药有限公司"
        );
        assert_eq!(institution_name("肥城市 人民医院"), "肥城市人民医院");
        assert_eq!(institution_name(" / "), "");
        assert_eq!(institution_name("无"), "");
    }

    #[test]
    fn the_generation_time_is_china_time_to_the_second() {
        if std::env::var_os(GENERATED_AT_ENV).is_some() {
            return;
        }
        let now = generated_at();
        assert!(now.ends_with(" (UTC+8)"), "{now}");
        assert_eq!(now.len(), "2026-11-30 09:15:02 (UTC+8)".len(), "{now}");
    }
}
