//! `qualified_staff`: the person a record names (a prescriber, an ultrasound operator) must be
//! in the staff registry with the right standing on the record's date: a doctor's category, a
//! practice scope (or a 母婴保健 item standing in for it), a post certificate where the province
//! requires one, a qualification not expired, registered at this institution, and — with
//! `device` — on the operator list filed for the device the exam used. A cell naming two people
//! ("张伟\n李娜"), and with `signatures` a column holding every signer, has each name looked up;
//! a ditto mark (同上, 〃) is no one's signature and is reported as such, not as a registry miss.

use auditor_ingest::Table;
use chrono::NaiveDate;

use super::filed_device::Devices;
use super::registry::{
    Member, STAFF_LEVEL, STAFF_SCOPE, STAFF_US_CERT, Staff, Unasked, contains_any, ditto_fault,
    is_ditto, ledger_owner, names_in, normal_name,
};
use super::{Context, DrugRows, Field, Hit, Hits};
use crate::catalogue::Rule;

pub struct Fields<'a> {
    pub person: &'a str,
    /// A column holding every signer's name (双人签名), each judged like `person`'s.
    pub signatures: Option<&'a str>,
    pub date: Option<&'a str>,
    /// Only rows of a termination drug are judged.
    pub product: Option<&'a str>,
    /// The exam's device, whose filed operator list must name the person.
    pub device: Option<&'a str>,
    pub institution: Option<&'a str>,
}

/// What the rule's parameters ask of the person.
struct Standing {
    /// 医师级别 words of a physician: 执业医师, 执业助理医师.
    levels: Vec<String>,
    /// 执业类别 words of a physician (临床, 中医 …), read when the registry gives no level.
    categories: Vec<String>,
    scopes: Vec<String>,
    items: Vec<String>,
    cert_required: bool,
    same_site: bool,
}

pub fn evaluate(rule: &Rule, ctx: &Context<'_>, table: &Table, f: &Fields<'_>) -> Hits {
    let standing = Standing {
        levels: rule.param_list("levels"),
        categories: rule.param_list("categories"),
        scopes: rule.param_list("scopes"),
        items: rule.param_list("scope_items"),
        cert_required: rule.param_bool("cert_required").unwrap_or(false),
        same_site: rule.param_bool("same_site").unwrap_or(false),
    };
    let staff = Staff::of(ctx.tables);
    let devices = f.device.map(|_| Devices::of(ctx.tables));
    let (persons, dates) = (
        Field::of(table, f.person),
        f.date.map(|d| Field::of(table, d)),
    );
    let mut drug_rows = DrugRows::of(table, f.product);
    let device_col = f.device.map(|d| Field::of(table, d));
    let owners = Field::of(table, f.institution.unwrap_or_default());
    let signatures = f.signatures.map(|s| Field::of(table, s));
    let mut fields = vec![f.person.to_owned()];
    fields.extend(f.signatures.map(str::to_owned));
    fields.retain(|n| table.column(n).is_some());
    let mut hits = Hits::default();
    let mut unasked = Unasked::default();
    for i in 0..table.len() {
        if !drug_rows.admits(ctx.drugs, i) {
            continue;
        }
        // An empty entry is another rule's finding (no prescriber, no second signature).
        let mut names = names_in(persons.text(i));
        names.extend(names_in(signatures.and_then(|s| s.text(i))));
        let mut seen: Vec<String> = Vec::new();
        names.retain(|n| {
            let key = normal_name(n);
            let new = !seen.contains(&key);
            seen.push(key);
            new
        });
        if names.is_empty() {
            continue;
        }
        let day = dates.and_then(|d| d.date(i));
        let owner = ledger_owner(table, owners, i);
        let device = device_col.and_then(|c| c.text(i));
        let mut why = Vec::new();
        for who in &names {
            if is_ditto(who) {
                why.push(ditto_fault(who));
                continue;
            }
            let found = staff.find(who);
            // A staff number in the register stands for the registered name on the filed list.
            let known_as = found.map_or(who.as_str(), |(m, _)| m.name);
            match found {
                None => why.push((
                    format!("“{who}”不在人员名录中，无法证明其执业资格"),
                    format!("\"{who}\" is not in the staff registry, so no qualification is shown"),
                )),
                Some((member, matched)) => {
                    let (by_zh, by_en) = matched.person_note();
                    why.extend(
                        faults(member, &standing, day, owner, &mut unasked)
                            .into_iter()
                            .map(|(zh, en)| (format!("{zh}{by_zh}"), format!("{en}{by_en}"))),
                    );
                }
            }
            if let (Some(devices), Some(device)) = (&devices, device)
                && let Some(listed) = devices.operators(device, owner)
                && !listed.iter().any(|n| {
                    normal_name(n) == normal_name(who) || normal_name(n) == normal_name(known_as)
                })
            {
                why.push((
                    format!(
                        "“{who}”不在设备 {device} 备案的操作人员名单（{}）中",
                        listed.join("、")
                    ),
                    format!(
                        "\"{who}\" is not on the operator list filed for device {device} ({})",
                        listed.join(", ")
                    ),
                ));
            }
        }
        if !why.is_empty() {
            let (zh, en): (Vec<String>, Vec<String>) = why.into_iter().unzip();
            hits.push(Hit {
                record: Some(i),
                fields: fields.clone(),
                zh: zh.join("；"),
                en: en.join("; "),
                related: Vec::new(),
            });
        }
    }
    hits.unjudged = unasked.note(&rule.id);
    hits
}

fn faults(
    member: &Member<'_>,
    standing: &Standing,
    day: Option<NaiveDate>,
    owner: Option<&str>,
    unasked: &mut Unasked,
) -> Vec<(String, String)> {
    let name = member.name;
    let mut out = Vec::new();
    out.extend(not_a_physician(member, standing, unasked));
    let scopes = standing.scopes.join("/");
    if !standing.scopes.is_empty()
        && !contains_any(member.scope, &standing.scopes)
        && !contains_any(member.mch_items, &standing.items)
        && !member.has.scope
    {
        unasked.add(
            STAFF_SCOPE,
            (
                &format!("的人员执业范围是否为{scopes}"),
                &format!("whether the person's practice scope is {scopes}"),
            ),
        );
    } else if !standing.scopes.is_empty()
        && !contains_any(member.scope, &standing.scopes)
        && !contains_any(member.mch_items, &standing.items)
    {
        let (scope_zh, scope_en) = member.scope.map_or(
            ("名录未载明", "the registry records none for them"),
            |s| (s, s),
        );
        out.push((
            format!(
                "“{name}”的执业范围（{scope_zh}）不含{}，也没有相应的母婴保健技术考核合格证",
                standing.scopes.join("/")
            ),
            format!(
                "\"{name}\"'s practice scope ({scope_en}) is not {} and they hold no matching maternal and child health qualification",
                standing.scopes.join("/")
            ),
        ));
    }
    if standing.cert_required && member.us_cert.is_none() {
        if member.has.us_cert {
            out.push((
                format!("人员名录未载明“{name}”的超声上岗证"),
                format!("the staff registry records no ultrasound post certificate for \"{name}\""),
            ));
        } else {
            unasked.add(
                STAFF_US_CERT,
                (
                    "的人员是否持有超声上岗证",
                    "whether the person holds an ultrasound post certificate",
                ),
            );
        }
    }
    if let (Some(to), Some(on)) = (member.mch_valid_to, day)
        && to < on
    {
        out.push((
            format!("“{name}”的资格证书已于 {to} 过期，记录日期 {on}"),
            format!("\"{name}\"'s qualification expired on {to}, before the record of {on}"),
        ));
    }
    if standing.same_site
        && let (Some(site), Some(owner)) = (member.site, owner)
    {
        let (site_n, owner_n) = (normal_name(site), normal_name(owner));
        if !site_n.contains(&owner_n) && !owner_n.contains(&site_n) {
            out.push((
                format!("“{name}”的执业地点是“{site}”，不是本机构“{owner}”"),
                format!("\"{name}\" is registered to practise at \"{site}\", not at \"{owner}\""),
            ));
        }
    }
    out
}

/// Why `member` is not a physician, if they are not. The 医师级别 says it when the registry
/// gives one; otherwise the 执业类别 of a 医师执业证书 (临床, 中医, 口腔, 公共卫生) shows the
/// person holds one, whichever the level. A registry that writes 执业医师 as the category, or
/// a 临床 as the level, is read either way.
fn not_a_physician(
    member: &Member<'_>,
    standing: &Standing,
    unasked: &mut Unasked,
) -> Option<(String, String)> {
    if standing.levels.is_empty() && standing.categories.is_empty() {
        return None;
    }
    let wanted: Vec<String> = standing
        .levels
        .iter()
        .chain(&standing.categories)
        .cloned()
        .collect();
    let name = member.name;
    if let Some(level) = member.level
        && !standing.levels.is_empty()
    {
        if contains_any(Some(level), &wanted) {
            return None;
        }
        return Some((
            format!(
                "“{name}”的医师级别为{level}，不是{}",
                standing.levels.join("或")
            ),
            format!(
                "\"{name}\" is registered at the level {level}, not as {}",
                standing.levels.join(" or ")
            ),
        ));
    }
    if contains_any(member.category, &wanted) {
        return None;
    }
    // Neither column to read a physician's standing from: a question for another registry.
    if !member.has.category && (!member.has.level || standing.levels.is_empty()) {
        unasked.add(
            STAFF_LEVEL,
            ("的人员是否为医师", "whether the person is a physician"),
        );
        return None;
    }
    let Some(category) = member.category else {
        return Some((
            format!(
                "人员名录未载明“{name}”的医师级别和执业类别，无法证明其为医师（{}）",
                standing.categories.join("、")
            ),
            format!(
                "the staff registry records neither a level nor a practice category for \"{name}\", so they are not shown to be a physician ({})",
                standing.categories.join(", ")
            ),
        ));
    };
    let (category_zh, category_en) = (category, category);
    Some((
        format!(
            "“{name}”的执业类别为{category_zh}，医师级别未填，不是医师的执业类别（{}）",
            standing.categories.join("、")
        ),
        format!(
            "\"{name}\"'s practice category is {category_en} and no level is given: not a physician's category ({})",
            standing.categories.join(", ")
        ),
    ))
}
