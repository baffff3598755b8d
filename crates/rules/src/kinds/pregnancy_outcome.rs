//! `pregnancy_outcome`: 有孕情有结果 — a pregnancy registered at `min_weeks` or more must end in
//! a birth or a termination (miscarriages included) found in the registers given, by the LMP
//! plus `term_weeks` plus `grace_weeks`. One whose deadline has passed at `as_of` with no such
//! record has "disappeared". An outcome the pregnancy register states itself counts, unless it
//! only says the woman was lost (失访, 不详…): cross-checking a stated outcome is another question.
//!
//! A county inspector often has the pregnancy register alone. Without the birth or termination
//! register a pregnancy past its deadline with no outcome of its own is still the lead the
//! campaign plans ask for: it is reported, the finding says which registers were not searched,
//! and the run's notes say the linkage was not done.

use auditor_ingest::Table;
use auditor_ingest::column::days_from_date;
use chrono::Duration;

use super::persons::{self, BIRTH, PersonIndex, TERMINATION};
use super::registry::contains_any;
use super::{Context, Field, Hit, Hits, quote};
use crate::catalogue::Rule;

pub struct Fields<'a> {
    pub person: &'a str,
    pub reg_date: &'a str,
    pub lmp: &'a str,
    pub gestation: &'a str,
    pub outcome: &'a str,
}

pub fn evaluate(rule: &Rule, ctx: &Context<'_>, table: &Table, f: &Fields<'_>) -> Hits {
    let min_days = rule.param_int("min_weeks").unwrap_or(14) * 7;
    let term_weeks = rule.param_int("term_weeks").unwrap_or(44);
    let grace_weeks = rule.param_int("grace_weeks").unwrap_or(2);
    let lost_words = rule.param_list("lost_words");
    let births = ctx
        .cache
        .get_or_build("births", || PersonIndex::build(ctx, &BIRTH, |_| true));
    let terminations = ctx.cache.get_or_build("terminations", || {
        PersonIndex::build(ctx, &TERMINATION, |_| true)
    });
    let searched = Searched::of(ctx);
    let people = table.column(f.person);
    let (regs, lmps) = (Field::of(table, f.reg_date), Field::of(table, f.lmp));
    let ga = table.column(f.gestation);
    let outcomes = Field::of(table, f.outcome);
    let mut hits = Hits::default();
    for i in 0..table.len() {
        let stated = outcomes.text(i);
        if stated.is_some() && !contains_any(stated, &lost_words) {
            continue;
        }
        let Some(person) = people.and_then(|c| c.person(i)) else {
            continue;
        };
        let reg = regs.date(i);
        let ga_days = ga.and_then(|c| c.number(i)).map(|d| d as i64);
        // Either of LMP and gestation at registration gives the other through the
        // registration date.
        let lmp = lmps
            .date(i)
            .or_else(|| Some(reg? - Duration::days(ga_days?)));
        let ga_at_reg = ga_days.or_else(|| Some((reg? - lmp?).num_days()));
        let (Some(lmp), Some(ga_at_reg)) = (lmp, ga_at_reg) else {
            continue;
        };
        if ga_at_reg < min_days {
            continue;
        }
        let deadline = lmp + Duration::weeks(term_weeks + grace_weeks);
        if ctx.as_of <= deadline {
            continue;
        }
        let (from, to) = (days_from_date(lmp), days_from_date(deadline));
        if !births.between(&person.id_hash, from, to).is_empty()
            || !terminations.between(&person.id_hash, from, to).is_empty()
        {
            continue;
        }
        let (ga_zh, ga_en) = persons::weeks(ga_at_reg.clamp(0, i64::from(u16::MAX)) as u16);
        let (lost_zh, lost_en) = stated.map_or_else(
            || (String::new(), String::new()),
            |s| {
                let s = quote::excerpt(s);
                (
                    format!("；孕情登记的结局为“{s}”"),
                    format!("; the pregnancy register says \"{s}\""),
                )
            },
        );
        hits.push(Hit {
            record: Some(i),
            fields: vec![
                f.reg_date.to_owned(),
                f.person.to_owned(),
                f.lmp.to_owned(),
                f.gestation.to_owned(),
                f.outcome.to_owned(),
            ],
            zh: format!(
                "登记时孕{ga_zh}（末次月经 {lmp}），应于 {deadline}（末次月经后 {term_weeks} 周加 {grace_weeks} 周）前有妊娠结局，至 {} {}{lost_zh}",
                ctx.as_of, searched.zh
            ),
            en: format!(
                "registered at {ga_en} (LMP {lmp}); an outcome was due by {deadline} (LMP + {term_weeks} weeks + {grace_weeks} weeks of grace), but by {} {}{lost_en}",
                ctx.as_of, searched.en
            ),
            related: Vec::new(),
        });
    }
    hits.unjudged = searched.note;
    hits
}

/// What a finding says was searched for the outcome, and the run's note when a register was
/// not among the inputs.
struct Searched {
    zh: String,
    en: String,
    note: Option<(String, String)>,
}

impl Searched {
    fn of(ctx: &Context<'_>) -> Self {
        let present = |d| ctx.tables.iter().any(|t| t.dataset == d);
        let (births, terminations) = (
            persons::files(ctx, BIRTH.dataset),
            persons::files(ctx, TERMINATION.dataset),
        );
        let missing = |zh: &str, en: &str| {
            (
                format!("；本次未导入{zh}，未与之核对"),
                format!("; {en} not among the inputs, so not searched"),
                Some((
                    format!(
                        "孕情结局未与{zh}核对（本次未导入），孕情登记中无结局的孕情按登记本身报出"
                    ),
                    format!(
                        "pregnancy outcomes were not linked with {en} (not among the inputs): pregnancies without an outcome in their own register are reported from it alone"
                    ),
                )),
            )
        };
        let (zh, en, note) = match (present(BIRTH.dataset), present(TERMINATION.dataset)) {
            (true, true) => (
                format!(
                    "在出生登记（{births}）和终止妊娠登记（{terminations}）中均未找到其分娩或终止妊娠记录"
                ),
                format!(
                    "neither the birth register ({births}) nor the termination register ({terminations}) has a birth or termination of hers"
                ),
                None,
            ),
            (true, false) => {
                let (z, e, n) = missing("终止妊娠登记", "the termination register");
                (
                    format!("在出生登记（{births}）中未找到其分娩记录{z}"),
                    format!("the birth register ({births}) has no birth of hers{e}"),
                    n,
                )
            }
            (false, true) => {
                let (z, e, n) = missing("出生登记", "the birth register");
                (
                    format!("在终止妊娠登记（{terminations}）中未找到其终止妊娠记录{z}"),
                    format!(
                        "the termination register ({terminations}) has no termination of hers{e}"
                    ),
                    n,
                )
            }
            (false, false) => {
                let (z, e, n) = missing(
                    "出生登记和终止妊娠登记",
                    "the birth and termination registers",
                );
                (
                    format!("孕情登记中仍无妊娠结局{z}"),
                    format!("her pregnancy register still states no outcome{e}"),
                    n,
                )
            }
        };
        Self { zh, en, note }
    }
}
