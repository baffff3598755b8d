//! `drug_termination_match`: a termination drug dispensed to a woman has a termination (or
//! miscarriage) of hers registered within ±`window_days`, and a medical abortion registered
//! (a `methods` word in 术式) has a termination drug dispensed to her within the same window.
//! The rule judges both ledgers; each side is searched in the other through the ID hash. The
//! nearest record outside the window, if any, is named as evidence.

use auditor_ingest::Table;
use auditor_ingest::column::days_from_date;
use auditor_model::Dataset;

use super::persons::{self, DRUG_DISPENSE, Ledger, PersonIndex, TERMINATION, Visit};
use super::registry::contains_any;
use super::{Context, DrugRows, Field, Hit, Hits, days_en, quote};
use crate::catalogue::Rule;
use crate::reference::DrugMemo;

/// The dispensing register's drug column, and the termination register's 术式.
pub(crate) const PRODUCT: &str = "product";
pub(crate) const METHOD: &str = "method";

pub fn evaluate(rule: &Rule, ctx: &Context<'_>, table: &Table) -> Hits {
    let window = i32::try_from(rule.param_int("window_days").unwrap_or(14)).unwrap_or(14);
    match table.dataset {
        Dataset::DrugDispense => dispensed_without_termination(ctx, table, window),
        Dataset::Termination => {
            medical_abortion_without_drug(ctx, table, window, &rule.param_list("methods"))
        }
        _ => Hits::default(),
    }
}

fn dispensed_without_termination(ctx: &Context<'_>, table: &Table, window: i32) -> Hits {
    let terminations = ctx.cache.get_or_build("terminations", || {
        PersonIndex::build(ctx, &TERMINATION, |_| true)
    });
    let mut drugs = DrugRows::of(table, Some(PRODUCT));
    let products = Field::of(table, PRODUCT);
    let mut hits = Hits::default();
    for i in 0..table.len() {
        if !drugs.admits(ctx.drugs, i) {
            continue;
        }
        let product = products.text(i).unwrap_or_default();
        let lead = (
            format!("终止妊娠药品“{product}”发放后"),
            format!("\"{product}\", a termination drug, was dispensed"),
        );
        hits.extend(unmatched(
            ctx,
            table,
            i,
            (&DRUG_DISPENSE, &TERMINATION),
            &terminations,
            window,
            (
                &lead,
                &(
                    "未见其终止妊娠（含流产）登记".to_owned(),
                    "but no termination or miscarriage of hers is registered".to_owned(),
                ),
            ),
        ));
    }
    hits
}

fn medical_abortion_without_drug(
    ctx: &Context<'_>,
    table: &Table,
    window: i32,
    methods: &[String],
) -> Hits {
    // Termination drugs only: the same woman's antibiotics say nothing.
    let dispensed = ctx.cache.get_or_build("dispensed", || {
        let products: Vec<Field<'_>> = ctx.tables.iter().map(|t| Field::of(t, PRODUCT)).collect();
        let mut memo = DrugMemo::default();
        PersonIndex::build(ctx, &DRUG_DISPENSE, |v| {
            products[v.table]
                .text(v.record)
                .is_some_and(|p| memo.is_termination_drug(ctx.drugs, p))
        })
    });
    let method = Field::of(table, METHOD);
    let mut hits = Hits::default();
    for i in 0..table.len() {
        let Some(how) = method.text(i).filter(|m| contains_any(Some(*m), methods)) else {
            continue;
        };
        let how = quote::excerpt(how);
        let lead = (format!("登记为“{how}”"), format!("registered as \"{how}\""));
        hits.extend(unmatched(
            ctx,
            table,
            i,
            (&TERMINATION, &DRUG_DISPENSE),
            &dispensed,
            window,
            (
                &lead,
                &(
                    "未见向其发放终止妊娠药品的登记".to_owned(),
                    "but no termination drug dispensed to her is registered".to_owned(),
                ),
            ),
        ));
    }
    hits
}

/// The hit for record `i` of `table` (a record of ledger `sides.0`) when ledger `sides.1` has
/// nothing of the same person within ±`window` days.
fn unmatched(
    ctx: &Context<'_>,
    table: &Table,
    i: usize,
    sides: (&Ledger, &Ledger),
    other: &PersonIndex,
    window: i32,
    words: (&(String, String), &(String, String)),
) -> Option<Hit> {
    let (own, theirs) = sides;
    let person = table.column(own.person)?.person(i)?;
    let day = days_from_date(table.column(own.date)?.date(i)?);
    if !other
        .between(&person.id_hash, day - window, day + window)
        .is_empty()
    {
        return None;
    }
    let (lead, none) = words;
    let nearest: Option<&Visit> = other.nearest(&person.id_hash, day);
    let (near_zh, near_en) = nearest
        .and_then(|v| Some((v, ctx.tables.get(v.table)?)))
        .map_or_else(
            || {
                (
                    "，其他日期也没有".to_owned(),
                    "; none at any other date either".to_owned(),
                )
            },
            |(v, t)| {
                let (zh, en) = persons::place(t, v.record);
                let gap = (v.day - day).abs();
                let date = persons::date_text(v.day);
                (
                    format!("；最近的一条在 {zh}（{date}，相差 {gap} 天）"),
                    format!(
                        "; the nearest is {en} ({date}, {} apart)",
                        days_en(gap.into())
                    ),
                )
            },
        );
    Some(Hit {
        record: Some(i),
        fields: vec![
            own.date.to_owned(),
            own.person.to_owned(),
            match own.dataset {
                Dataset::DrugDispense => PRODUCT,
                _ => METHOD,
            }
            .to_owned(),
        ],
        zh: format!("{}，前后 {window} 天内{}{near_zh}", lead.0, none.0),
        en: format!(
            "{} {} within {} either side{near_en}",
            lead.1,
            none.1,
            days_en(window.into())
        ),
        related: nearest
            .map(|v| persons::link(theirs, v))
            .into_iter()
            .collect(),
    })
}
