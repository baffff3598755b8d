//! `required`: the record-keeping duty itself — every listed field filled (placeholders count as
//! empty, an invalid ID number as absent), yes/no checks not answered 否, and an ID number in a
//! women's register not a man's. Optionally only for rows of a termination drug.

use auditor_ingest::Table;
use auditor_ingest::column::Column;
use auditor_model::ident::resident_id::Sex;

use super::{Context, Hit, Hits, absent_columns, missing_entries};
use crate::reference::DrugMemo;

pub struct Duties<'a> {
    pub required: &'a [String],
    pub true_flags: &'a [String],
    pub female: Option<&'a str>,
    pub drug: Option<&'a str>,
    /// Only rows whose field has one of these values are judged.
    pub only: Option<(&'a str, &'a [String])>,
}

pub fn evaluate(ctx: &Context<'_>, table: &Table, f: &Duties<'_>) -> Hits {
    let mut hits = Hits::default();
    // Columns the sheet lacks are one finding; rows are judged on the columns it has.
    let names: Vec<&str> = f.required.iter().map(String::as_str).collect();
    let present: Vec<(&String, &Column)> = f
        .required
        .iter()
        .filter_map(|n| table.column(n).map(|c| (n, c)))
        .collect();
    let product = f.drug.and_then(|p| table.column(p));
    let mut absent_reported = false;
    let mut memo = DrugMemo::default();
    let only = f.only.map(|(field, values)| (table.column(field), values));
    for i in 0..table.len() {
        if let Some((column, values)) = only {
            let value = column.and_then(|c| c.text(i));
            if !value.is_some_and(|v| values.iter().any(|x| x == v)) {
                continue;
            }
        }
        if f.drug.is_some() {
            let judged = product
                .and_then(|c| c.text(i))
                .is_some_and(|p| memo.is_termination_drug(ctx.drugs, p));
            if !judged {
                continue;
            }
        }
        if !absent_reported {
            absent_reported = true;
            hits.extend(absent_columns(table, &names));
        }
        let missing: Vec<&String> = present
            .iter()
            .filter(|(_, c)| c.is_missing(i))
            .map(|(n, _)| *n)
            .collect();
        hits.extend(missing_entries(
            table,
            i,
            &missing,
            ("必填项为空", "required entries are empty"),
        ));
        for flag in f.true_flags {
            if let Some(Column::Flag(v)) = table.column(flag)
                && v.get(i) == Some(&0)
            {
                hits.push(Hit {
                    record: Some(i),
                    fields: vec![flag.clone()],
                    zh: format!("“{}”记为否", table.label(flag).0),
                    en: format!("\"{}\" is recorded as no", table.label(flag).1),
                    related: Vec::new(),
                });
            }
        }
        if let Some(id_field) = f.female
            && let Some(Column::Person(people)) = table.column(id_field)
            && people
                .get(i)
                .copied()
                .flatten()
                .is_some_and(|p| p.sex == Sex::Male)
        {
            hits.push(Hit {
                record: Some(i),
                fields: vec![id_field.to_owned()],
                zh: "身份证号的性别位为男性，与女性登记对象不符（可能登记了他人证件）".to_owned(),
                en: "the ID number's sex digit is male, which cannot be this woman's (someone else's ID?)".to_owned(),
                related: Vec::new(),
            });
        }
    }
    hits
}
