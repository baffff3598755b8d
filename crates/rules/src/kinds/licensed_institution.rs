//! `licensed_institution`: the institution a record belongs to must be in the institution
//! registry and hold what the act needs on the record's date — a 母婴保健 licence item (终止妊娠
//! for dispensing termination drugs or operating), a 诊疗科目 (医学影像/超声 for an ultrasound
//! device), and, where a province bars them, must not be set up by an individual. With `person`,
//! the person who acted must hold the item's 考核合格证 too.

use auditor_ingest::Table;
use chrono::NaiveDate;

use super::registry::{
    INST_ITEMS, INST_SCOPES, Institution, Institutions, ItemStatus, ItemWords, STAFF_ITEMS, Staff,
    Unasked, contains_any, ditto_fault, is_ditto, join_notes, ledger_owner,
};
use super::{Context, DrugRows, Field, Hit, Hits};
use crate::catalogue::Rule;

pub struct Fields<'a> {
    /// The record's institution by code and by name; the title rows' 填报单位 when absent.
    pub code: Option<&'a str>,
    pub name: Option<&'a str>,
    pub date: Option<&'a str>,
    /// Only rows of a termination drug are judged.
    pub product: Option<&'a str>,
    pub person: Option<&'a str>,
}

/// What the rule's parameters ask of the institution.
struct Duties {
    item: Option<ItemWords>,
    scopes: Vec<String>,
    private_words: Vec<String>,
    /// Words of a publicly run institution (公立, 集体, 政府办, 人民医院…): such an entry is never
    /// taken as set up by an individual, whatever else it says.
    public_words: Vec<String>,
}

pub fn evaluate(rule: &Rule, ctx: &Context<'_>, table: &Table, f: &Fields<'_>) -> Hits {
    let duties = Duties {
        item: rule
            .param_str("licence_item")
            .map(|_| ItemWords::of(rule, "终止妊娠")),
        scopes: rule.param_list("scopes"),
        private_words: rule.param_list("private_words"),
        public_words: rule.param_list("public_words"),
    };
    let registry = Institutions::of(ctx.tables);
    let staff = Staff::of(ctx.tables);
    let mut hits = Hits::default();
    let (codes, names) = (
        f.code.map(|c| Field::of(table, c)),
        f.name.map(|n| Field::of(table, n)),
    );
    let dates = f.date.map(|d| Field::of(table, d));
    let mut drug_rows = DrugRows::of(table, f.product);
    let persons = f.person.map(|p| Field::of(table, p));
    // The institution's own cells, or, when only the title names it, the record's date.
    let inst_fields: Vec<String> = [f.name, f.code, f.date]
        .into_iter()
        .flatten()
        .filter(|n| table.column(n).is_some())
        .take(2)
        .map(str::to_owned)
        .collect();
    let could_code = codes.is_some_and(Field::is_present);
    let mut unowned = 0usize;
    let mut unasked = Unasked::default();
    for i in 0..table.len() {
        if !drug_rows.admits(ctx.drugs, i) {
            continue;
        }
        let code = codes.and_then(|c| c.text(i));
        let name = match names {
            Some(n) => ledger_owner(table, n, i),
            None => (!table.institution.is_empty()).then_some(table.institution.as_str()),
        };
        if code.is_none() && name.is_none() {
            unowned += 1;
            continue;
        }
        let day = dates.and_then(|d| d.date(i));
        if let Some(why) = institution_fault(
            &registry,
            (code, name),
            day,
            &duties,
            could_code,
            &mut unasked,
        ) {
            hits.push(Hit {
                record: Some(i),
                fields: inst_fields.clone(),
                zh: why.0,
                en: why.1,
                related: Vec::new(),
            });
        }
        if let (Some(field), Some(item)) = (f.person, duties.item.as_ref())
            && let Some(who) = persons.and_then(|p| p.text(i))
            && let Some((zh, en)) = person_fault(&staff, who, item, day, &mut unasked)
        {
            hits.push(Hit {
                record: Some(i),
                fields: vec![field.to_owned()],
                zh,
                en,
                related: Vec::new(),
            });
        }
    }
    let unowned_note = (unowned > 0).then(|| {
        (
            format!(
                "{} 有 {unowned} 条记录无法确定所属机构（表中没有机构列，标题行也没有“填报单位”），未检查",
                rule.id
            ),
            format!(
                "{}: {unowned} records could not be tied to an institution (no institution column and no 填报单位 in the title rows); not checked",
                rule.id
            ),
        )
    });
    hits.unjudged = join_notes(unowned_note, unasked.note(&rule.id));
    hits
}

fn institution_fault(
    registry: &Institutions<'_>,
    (code, name): (Option<&str>, Option<&str>),
    day: Option<NaiveDate>,
    duties: &Duties,
    could_code: bool,
    unasked: &mut Unasked,
) -> Option<(String, String)> {
    let shown = name.or(code).unwrap_or_default();
    let Some((inst, matched)) = registry.find(code, name) else {
        return Some((
            format!("机构“{shown}”不在机构名录中，无法证明其执业许可"),
            format!(
                "institution \"{shown}\" is not in the institution registry, so it is not shown to be licensed"
            ),
        ));
    };
    let (by_zh, by_en) = if could_code {
        matched.note()
    } else {
        matched.person_note()
    };
    if let Some((kind_zh, kind_en)) = set_up_by_individual(inst, duties) {
        return Some((
            format!(
                "机构“{}”为个人设置的医疗机构（{kind_zh}），不得从事此项业务{by_zh}",
                inst.name
            ),
            format!(
                "institution \"{}\" is set up by an individual ({kind_en}) and may not do this{by_en}",
                inst.name
            ),
        ));
    }
    let wanted = duties.scopes.join("/");
    if !duties.scopes.is_empty()
        && !contains_any(inst.scopes, &duties.scopes)
        && !contains_any(inst.mch_items, &duties.scopes)
    {
        // A registry table without the column cannot say the institution lacks the scope.
        if inst.has.scopes {
            let (scopes_zh, scopes_en) = inst.scopes.map_or(
                ("名录未载明", "the registry records none for it"),
                |s| (s, s),
            );
            return Some((
                format!(
                    "机构“{}”的诊疗科目（{scopes_zh}）中没有{wanted}{by_zh}",
                    inst.name
                ),
                format!(
                    "institution \"{}\" has no {wanted} among its licensed departments ({scopes_en}){by_en}",
                    inst.name
                ),
            ));
        }
        unasked.add(
            INST_SCOPES,
            (
                &format!("的机构诊疗科目是否含{wanted}"),
                &format!("whether the institution is licensed for {wanted}"),
            ),
        );
    }
    let words = duties.item.as_ref()?;
    let item = words.name.as_str();
    match inst.holds_item_on(words, day) {
        ItemStatus::Held => None,
        ItemStatus::NoColumn => {
            unasked.add(
                INST_ITEMS,
                (
                    &format!("的机构是否持有{item}许可项目"),
                    &format!("whether the institution holds the {item} licence item"),
                ),
            );
            None
        }
        ItemStatus::Unrecorded => Some((
            format!(
                "机构“{}”在名录中未载明许可项目，无法证明其持有{item}母婴保健技术服务许可项目{by_zh}",
                inst.name
            ),
            format!(
                "the registry records no licence items for institution \"{}\", so no {item} maternal and child health licence item is shown{by_en}",
                inst.name
            ),
        )),
        ItemStatus::Lacking => Some((
            format!(
                "机构“{}”没有{item}母婴保健技术服务许可项目{by_zh}",
                inst.name
            ),
            format!(
                "institution \"{}\" holds no {item} maternal and child health licence item{by_en}",
                inst.name
            ),
        )),
        ItemStatus::Expired(to, lapse) => {
            let on = day.map(|d| d.to_string()).unwrap_or_default();
            let (what_zh, what_en) = lapse.words(item);
            Some((
                format!(
                    "机构“{}”的{what_zh}已于 {to} 过期，记录日期 {on}{by_zh}",
                    inst.name
                ),
                format!(
                    "institution \"{}\"'s {what_en} expired on {to}, before the record of {on}{by_en}",
                    inst.name
                ),
            ))
        }
    }
}

/// Why the registry's entry is an institution set up by an individual, where the pack bars them:
/// its ownership or class says so (个体, 私营), or, when the registry has no ownership for it, its
/// name does (张三个体诊所). An entry saying it is publicly run, in any of these, never is.
fn set_up_by_individual(inst: &Institution<'_>, duties: &Duties) -> Option<(String, String)> {
    if duties.private_words.is_empty() {
        return None;
    }
    let public = |t: Option<&str>| contains_any(t, &duties.public_words);
    if public(inst.profit_type) || public(inst.class) || public(Some(inst.name)) {
        return None;
    }
    if let Some(kind) = [inst.profit_type, inst.class]
        .into_iter()
        .flatten()
        .find(|t| contains_any(Some(t), &duties.private_words))
    {
        return Some((kind.to_owned(), kind.to_owned()));
    }
    let word = duties
        .private_words
        .iter()
        .find(|w| inst.name.contains(w.as_str()))?;
    inst.profit_type
        .is_none()
        .then(|| (format!("名称含“{word}”"), format!("its name says {word}")))
}

fn person_fault(
    staff: &Staff<'_>,
    who: &str,
    words: &ItemWords,
    day: Option<NaiveDate>,
    unasked: &mut Unasked,
) -> Option<(String, String)> {
    let item = words.name.as_str();
    if is_ditto(who) {
        return Some(ditto_fault(who));
    }
    let Some((member, matched)) = staff.find(who) else {
        return Some((
            format!("施术人员“{who}”不在人员名录中，无法证明其持有{item}考核合格证"),
            format!("\"{who}\" is not in the staff registry, so no {item} qualification is shown"),
        ));
    };
    let (by_zh, by_en) = matched.person_note();
    if !member.has.mch_items {
        unasked.add(
            STAFF_ITEMS,
            (
                &format!("的施术人员是否持有{item}考核合格证"),
                &format!("whether the operator holds the {item} qualification"),
            ),
        );
        return None;
    }
    if member.mch_items.is_none() {
        return Some((
            format!(
                "施术人员“{}”在人员名录中未载明考核项目，无法证明其持有{item}考核合格证{by_zh}",
                member.name
            ),
            format!(
                "the staff registry records no certified items for \"{}\", so no {item} qualification is shown{by_en}",
                member.name
            ),
        ));
    }
    if !words.held_in(member.mch_items) {
        return Some((
            format!(
                "施术人员“{}”没有{item}母婴保健技术考核合格证{by_zh}",
                member.name
            ),
            format!(
                "\"{}\" holds no {item} maternal and child health qualification{by_en}",
                member.name
            ),
        ));
    }
    match (member.mch_valid_to, day) {
        (Some(to), Some(on)) if to < on => Some((
            format!(
                "施术人员“{}”的{item}考核合格证已于 {to} 过期，记录日期 {on}{by_zh}",
                member.name
            ),
            format!(
                "\"{}\"'s {item} qualification expired on {to}, before the record of {on}{by_en}",
                member.name
            ),
        )),
        _ => None,
    }
}
