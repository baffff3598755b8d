//! `qualified_buyer`: termination drugs are sold only to wholesalers or to institutions holding
//! a valid 终止妊娠 licence item on the sale date. Buyers are found in the institution registry
//! among the inputs by credit code first; by name only when the code finds nothing, and then the
//! finding says so, since names are written loosely.

use auditor_ingest::Table;

use super::direction::{self, Suppliers, TxnWords};
use super::registry::{Institutions, ItemStatus, contains_any};
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
    let item = rule.param_str("licence_item").unwrap_or("终止妊娠");
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
        let found = registry.find(uscc, name);
        let (matched_zh, matched_en) = found.map_or(("", ""), |(_, m)| m.note());
        let why = match found {
            None => Some((
                format!("购货单位“{buyer}”不在机构名录中，无法证明其资质"),
                format!(
                    "buyer \"{buyer}\" is not in the institution registry, so its qualification cannot be shown"
                ),
            )),
            Some((r, _)) if contains_any(r.class, &wholesaler_words) => None,
            Some((r, _)) => match r.holds_item_on(item, dates.date(i)) {
                ItemStatus::Held => None,
                ItemStatus::Lacking => Some((
                    format!("购货单位“{}”无{item}许可项目{matched_zh}", r.name),
                    format!(
                        "buyer \"{}\" holds no {item} (termination) licence item{matched_en}",
                        r.name
                    ),
                )),
                ItemStatus::Expired(to) => {
                    let on = dates.date(i).map(|d| d.to_string()).unwrap_or_default();
                    Some((
                        format!(
                            "购货单位“{}”的{item}许可已于 {to} 过期，销售日期 {on}{matched_zh}",
                            r.name
                        ),
                        format!(
                            "buyer \"{}\"'s {item} licence expired on {to}, before the sale on {on}{matched_en}",
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
    hits.unjudged = direction::unjudged_note(unknown);
    hits
}
