//! The run's notes as users read them: two rules that cannot judge the same records for the
//! same reason say so once, naming both, rather than twice without a name.

use auditor_rules::Skipped;

/// `skipped` with notes of the same wording merged into the first, in order. A merged note
/// names its rules in front ("DRUG-NO-RETAIL、DRUG-SALE-FIELDS：…"), since the wording
/// alone says nothing of which rules it stands for.
pub fn merged(skipped: Vec<Skipped>) -> Vec<Skipped> {
    let mut out: Vec<(Vec<String>, Skipped)> = Vec::new();
    for s in skipped {
        match out
            .iter_mut()
            .find(|(_, k)| k.zh == s.zh && k.en == s.en && k.sheet == s.sheet)
        {
            Some((rules, _)) => rules.push(s.rule),
            None => out.push((vec![s.rule.clone()], s)),
        }
    }
    out.into_iter()
        .map(|(rules, s)| {
            if rules.len() == 1 {
                return s;
            }
            Skipped {
                rule: rules.join(", "),
                zh: format!("{}：{}", rules.join("、"), s.zh),
                en: format!("{}: {}", rules.join(", "), s.en),
                sheet: s.sheet,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(rule: &str, zh: &str) -> Skipped {
        Skipped {
            rule: rule.to_owned(),
            zh: zh.to_owned(),
            en: format!("{zh} (en)"),
            sheet: None,
        }
    }

    #[test]
    fn the_same_note_from_two_rules_is_said_once_naming_both() {
        let out = merged(vec![
            note("A-RULE", "A-RULE 需要机构名录"),
            note("DRUG-NO-RETAIL", "4 条记录无法判断是否为销售"),
            note("DRUG-SALE-FIELDS", "4 条记录无法判断是否为销售"),
        ]);
        let got: Vec<(&str, &str, &str)> = out
            .iter()
            .map(|s| (s.rule.as_str(), s.zh.as_str(), s.en.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("A-RULE", "A-RULE 需要机构名录", "A-RULE 需要机构名录 (en)"),
                (
                    "DRUG-NO-RETAIL, DRUG-SALE-FIELDS",
                    "DRUG-NO-RETAIL、DRUG-SALE-FIELDS：4 条记录无法判断是否为销售",
                    "DRUG-NO-RETAIL, DRUG-SALE-FIELDS: 4 条记录无法判断是否为销售 (en)"
                ),
            ]
        );
    }
}
