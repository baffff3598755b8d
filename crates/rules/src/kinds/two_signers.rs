//! `two_signers`: every exam operated and signed by two different people. Placeholders (无, /,
//! —) are already empty after ingest, and 無 or an entry without a letter (0) names nobody, so
//! they never count as a signature. A note in brackets is the clerk's: 王强（签） and 王强（复核）
//! are one person, and 王强和李娜 two. A register may keep
//! both signatures in one column (双人签名: "张伟、李娜"): its names count like the two columns'.
//! An operator's cell may also hold two names ("张伟\n李娜"), split the same way. A ditto mark
//! (同上, 〃) signs nothing, and a finding it leaves says so.

use auditor_ingest::Table;

use super::registry::{ditto_fault, is_ditto, is_plain_name, names_in, normal_name};
use super::simplified::has_traditional;
use super::{Field, Hit, Hits, absent_columns};
use crate::catalogue::Rule;

/// The fields a register may sign in: an operator's and a second person's column, or one
/// column holding both names.
pub struct Fields<'a> {
    pub first: &'a str,
    pub second: &'a str,
    pub signatures: Option<&'a str>,
    /// With the `min_weeks` parameter: only exams at or beyond it are judged.
    pub gestation: Option<&'a str>,
}

/// Where a signature was read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    First,
    Second,
    Together,
}

pub fn evaluate(rule: &Rule, table: &Table, f: &Fields<'_>) -> Hits {
    let min_days = rule.param_int("min_weeks").unwrap_or(0) * 7;
    let ga = f.gestation.and_then(|g| table.column(g));
    let mut together = f.signatures.map(|s| Field::of(table, s));
    let (mut first, second) = (Field::of(table, f.first), Field::of(table, f.second));
    // A register with no second-signature column whose clerk writes both names into the
    // operator's cell (张伟、李娜 on some rows) keeps its signatures there: that column is read
    // as a signatures column, row by row, so 张伟 alone or 张伟、张伟 is that row's finding.
    if !together.is_some_and(Field::is_present)
        && !second.is_present()
        && holds_two_names(first, table.len())
    {
        together = Some(first);
        first = Field(None);
    }
    // A register without a second-signature column is one finding, not one per exam; a
    // signatures column holding both names stands in for the two.
    if !together.is_some_and(Field::is_present)
        && let Some(hit) = absent_columns(table, &[f.first, f.second])
    {
        let mut hits = Hits::default();
        hits.push(hit);
        return hits;
    }
    let mut fields = vec![f.first.to_owned(), f.second.to_owned()];
    fields.extend(f.signatures.map(str::to_owned));
    fields.retain(|n| table.column(n).is_some());
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
        let together_text = together.and_then(|t| t.text(i));
        // Nearly every exam has two different names in the two columns: that is settled
        // without building anything, a million times over.
        if together_text.is_none()
            && let (Some(a), Some(b)) = (first.text(i), second.text(i))
            && is_plain_name(a)
            && is_plain_name(b)
            && a != b
            && !has_traditional(a)
            && !has_traditional(b)
        {
            continue;
        }
        let mut signed: Vec<(Place, String)> = Vec::new();
        for (place, cell) in [
            (Place::First, first.text(i)),
            (Place::Second, second.text(i)),
            (Place::Together, together_text),
        ] {
            signed.extend(names_in(cell).into_iter().map(|n| (place, n)));
        }
        let ditto = signed
            .iter()
            .find(|(_, n)| is_ditto(n))
            .map(|(_, n)| ditto_fault(n));
        signed.retain(|(_, n)| !is_ditto(n));
        if let Some((zh, en)) = fault(&signed) {
            let (zh, en) = match ditto {
                Some((dz, de)) => (format!("{dz}；{zh}"), format!("{de}; {en}")),
                None => (zh, en),
            };
            hits.push(Hit {
                record: Some(i),
                fields: fields.clone(),
                zh,
                en,
                related: Vec::new(),
            });
        }
    }
    hits
}

/// Whether some record's cell names two people (the same one twice too: the clerk signs both
/// there).
fn holds_two_names(column: Field<'_>, records: usize) -> bool {
    column.is_present() && (0..records).any(|i| names_in(column.text(i)).len() >= 2)
}

/// What is wrong with the signatures of one exam, unless two different people signed.
fn fault(signed: &[(Place, String)]) -> Option<(String, String)> {
    let mut people: Vec<String> = signed.iter().map(|(_, n)| normal_name(n)).collect();
    people.sort();
    people.dedup();
    let [(place, a), rest @ ..] = signed else {
        return Some((
            "操作人与第二签名人均未签名".to_owned(),
            "neither operator signed".to_owned(),
        ));
    };
    match (people.len(), rest.is_empty(), place) {
        (2.., _, _) => None,
        (_, false, _) => Some((
            format!("两处签名是同一人“{a}”"),
            format!("both signatures are the same person, \"{a}\""),
        )),
        (_, true, Place::First) => Some((
            format!("只有操作人“{a}”签名，缺第二人签名"),
            format!("only the operator \"{a}\" signed; the second signature is missing"),
        )),
        (_, true, Place::Second) => Some((
            format!("只有第二人“{a}”签名，缺操作人签名"),
            format!("only the second signer \"{a}\" signed; the operator's signature is missing"),
        )),
        (_, true, Place::Together) => Some((
            format!("签名栏只有“{a}”一人签名，缺第二人签名"),
            format!("the signatures name only \"{a}\"; a second person's signature is missing"),
        )),
    }
}
