//! `two_signers`: every exam operated and signed by two different people. Placeholders (无, /,
//! —) are already empty after ingest, so they never count as a signature.

use auditor_ingest::Table;

use super::{Hit, Hits, absent_columns};
use crate::catalogue::Rule;

pub fn evaluate(
    rule: &Rule,
    table: &Table,
    first: &str,
    second: &str,
    gestation: Option<&str>,
) -> Hits {
    let min_days = rule.param_int("min_weeks").unwrap_or(0) * 7;
    let ga = gestation.and_then(|g| table.column(g));
    // A register without a second-signature column is one finding, not one per exam.
    if let Some(hit) = absent_columns(table, &[first, second]) {
        let mut hits = Hits::default();
        hits.push(hit);
        return hits;
    }
    let (first_col, second_col) = (table.column(first), table.column(second));
    let mut hits = Hits::default();
    for i in 0..table.len() {
        // An exam below the threshold is not judged; one of unknown age is.
        if min_days > 0
            && ga
                .and_then(|c| c.number(i))
                .is_some_and(|d| d < min_days as f64)
        {
            continue;
        }
        let (a, b) = (
            first_col.and_then(|c| c.text(i)),
            second_col.and_then(|c| c.text(i)),
        );
        let (zh, en) = match (a, b) {
            (None, None) => (
                "操作人与第二签名人均未签名".to_owned(),
                "neither operator signed".to_owned(),
            ),
            (Some(a), None) => (
                format!("只有操作人“{a}”签名，缺第二人签名"),
                format!("only the operator \"{a}\" signed; the second signature is missing"),
            ),
            (None, Some(b)) => (
                format!("只有第二人“{b}”签名，缺操作人签名"),
                format!(
                    "only the second signer \"{b}\" signed; the operator's signature is missing"
                ),
            ),
            (Some(a), Some(b)) if a == b => (
                format!("两处签名是同一人“{a}”"),
                format!("both signatures are the same person, \"{a}\""),
            ),
            _ => continue,
        };
        hits.push(Hit {
            record: Some(i),
            fields: vec![first.to_owned(), second.to_owned()],
            zh,
            en,
            related: Vec::new(),
        });
    }
    hits
}
