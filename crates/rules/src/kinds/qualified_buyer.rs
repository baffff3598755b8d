//! `qualified_buyer`: termination drugs are sold only to wholesalers or to institutions holding
//! a valid 终止妊娠 licence item on the sale date. Buyers are found in the institution registry
//! among the inputs by credit code first; by name only when the code finds nothing, and then the
//! finding says so, since names are written loosely. A health bureau's registry lists medical
//! institutions, not drug traders: a buyer it does not hold whose name is a drug trading
//! company's (医药有限公司, 国药控股…) and not a pharmacy's or an institution's is taken as a
//! wholesaler, and the run's notes name it, since only its name vouches for it.

use auditor_ingest::Table;

use super::direction::{self, Suppliers, TxnWords};
use super::registry::{
    INST_ITEMS, Institutions, ItemStatus, ItemWords, Unasked, contains_any, join_notes,
};
use super::{Context, Field, Hit, Hits};
use crate::catalogue::Rule;

pub struct Fields<'a> {
    pub product: &'a str,
    pub txn_type: &'a str,
    pub date: &'a str,
    pub buyer_uscc: &'a str,
    pub buyer_name: &'a str,
    pub suppliers: &'a [String],
}

pub fn evaluate(rule: &Rule, ctx: &Context<'_>, table: &Table, f: &Fields<'_>) -> Hits {
    let words = TxnWords::of(rule);
    let wholesaler_words = rule.param_list("wholesaler_words");
    let trader = TraderWords::of(rule);
    let licence = ItemWords::of(rule, "终止妊娠");
    let item = licence.name.as_str();
    let registry = Institutions::of(ctx.tables);
    if registry.is_empty() {
        // Without a registry nothing can be judged; the report says which rule lacked one.
        return Hits::default();
    }
    let mut hits = Hits::default();
    let (kinds, products, dates) = (
        Field::of(table, f.txn_type),
        Field::of(table, f.product),
        Field::of(table, f.date),
    );
    let (buyer_usccs, buyer_names) = (
        Field::of(table, f.buyer_uscc),
        Field::of(table, f.buyer_name),
    );
    let suppliers = Suppliers::of(table, f.suppliers);
    let mut unknown = 0;
    // Buyers taken as wholesalers by their name alone, for the run's notes.
    let mut by_name: Vec<&str> = Vec::new();
    // Buyers whose registry table has no licence-items column: not judged on the item.
    let mut unasked = Unasked::default();
    let asked_zh = format!("的购货单位是否持有{item}许可项目");
    let asked_en = format!("whether the buyer holds the {item} licence item");
    for i in 0..table.len() {
        let Some(product) = products.text(i) else {
            continue;
        };
        let Some(drug) = ctx.drugs.termination_drug(product) else {
            continue;
        };
        let uscc = buyer_usccs.text(i);
        let name = buyer_names.text(i);
        let direction = words.direction(
            kinds.text(i),
            uscc.is_some() || name.is_some(),
            suppliers.named(i),
        );
        if !direction.is_sale_counting(&mut unknown) {
            continue;
        }
        // A sale naming no buyer is DRUG-SALE-FIELDS's finding: there is nobody to look up.
        let Some(buyer) = uscc.or(name) else {
            continue;
        };
        // A sale to a private person names her where a buyer's name was due: quoted masked.
        let buyer = auditor_ingest::likely_names::mask_likely_names(buyer);
        let found = registry.find(uscc, name);
        let (matched_zh, matched_en) = found.map_or(("", ""), |(_, m)| m.note());
        let why = match found {
            None if name.is_some_and(|n| trader.names_a_trader(n)) => {
                if let Some(n) = name
                    && !by_name.contains(&n)
                {
                    by_name.push(n);
                }
                None
            }
            None => Some((
                format!("购货单位“{buyer}”不在机构名录中，无法证明其资质"),
                format!(
                    "buyer \"{buyer}\" is not in the institution registry, so its qualification cannot be shown"
                ),
            )),
            Some((r, _))
                if contains_any(r.class, &wholesaler_words)
                    && !contains_any(r.class, &trader.retail) =>
            {
                None
            }
            Some((r, _)) => match r.holds_item_on(&licence, dates.date(i)) {
                ItemStatus::Held => None,
                ItemStatus::NoColumn => {
                    unasked.add(INST_ITEMS, (&asked_zh, &asked_en));
                    None
                }
                ItemStatus::Unrecorded => Some((
                    format!(
                        "购货单位“{}”在名录中未载明许可项目，无法证明其持有{item}许可项目{matched_zh}",
                        r.name
                    ),
                    format!(
                        "the registry records no licence items for buyer \"{}\", so no {item} (termination) licence item is shown{matched_en}",
                        r.name
                    ),
                )),
                ItemStatus::Lacking => Some((
                    format!("购货单位“{}”无{item}许可项目{matched_zh}", r.name),
                    format!(
                        "buyer \"{}\" holds no {item} (termination) licence item{matched_en}",
                        r.name
                    ),
                )),
                ItemStatus::Expired(to, lapse) => {
                    let on = dates.date(i).map(|d| d.to_string()).unwrap_or_default();
                    let (what_zh, what_en) = lapse.words(item);
                    Some((
                        format!(
                            "购货单位“{}”的{what_zh}已于 {to} 过期，销售日期 {on}{matched_zh}",
                            r.name
                        ),
                        format!(
                            "buyer \"{}\"'s {what_en} expired on {to}, before the sale on {on}{matched_en}",
                            r.name
                        ),
                    ))
                }
            },
        };
        if let Some((zh, en)) = why {
            hits.push(Hit {
                record: Some(i),
                fields: vec![f.buyer_name.to_owned(), f.buyer_uscc.to_owned()],
                zh: format!(
                    "向不具备资质的单位销售终止妊娠药品“{product}”（{}）：{zh}",
                    drug.generic
                ),
                en: format!(
                    "termination drug \"{product}\" ({}) sold to an unqualified buyer: {en}",
                    drug.generic
                ),
                related: Vec::new(),
            });
        }
    }
    hits.unjudged = join_notes(
        join_notes(direction::unjudged_note(unknown), by_name_note(&by_name)),
        unasked.note(&rule.id),
    );
    hits
}

/// How a buyer's name says it is a drug trading company: a drug word (医药, 药业, 国药) and a
/// company word (公司, 集团), and none of the words of a retailer or a medical institution
/// (大药房连锁有限公司 sells to the public; 医药 also starts 中医药大学附属医院).
struct TraderWords {
    drug: Vec<String>,
    company: Vec<String>,
    retail: Vec<String>,
}

impl TraderWords {
    fn of(rule: &Rule) -> Self {
        Self {
            drug: rule.param_list("trader_drug_words"),
            company: rule.param_list("trader_company_words"),
            retail: rule.param_list("retail_words"),
        }
    }

    fn names_a_trader(&self, name: &str) -> bool {
        let has = |words: &[String]| words.iter().any(|w| name.contains(w.as_str()));
        has(&self.drug) && has(&self.company) && !has(&self.retail)
    }
}

/// The note naming the buyers accepted as wholesalers by their name alone.
fn by_name_note(names: &[&str]) -> Option<(String, String)> {
    if names.is_empty() {
        return None;
    }
    let list = names.join("”“");
    let list_en = names.join("\", \"");
    Some((
        format!(
            "{} 家购货单位不在机构名录中，仅按名称认定为药品批发企业，未核对其药品经营许可证：“{list}”",
            names.len()
        ),
        format!(
            "{} buyers are not in the institution registry and were taken as drug wholesalers by their names alone, their drug trading licences not checked: \"{list_en}\"",
            names.len()
        ),
    ))
}
