//! `no_retail`: termination drugs never pass through retail. A ledger kept by a retail pharmacy
//! that moves one, or a sale to a retail pharmacy (by its registry class, or by its name when it
//! is not registered), is a finding; so is a sale to a private clinic where the province bars
//! them (`clinic_words`), unless the registry says it is publicly run (`public_words`).

use auditor_ingest::Table;

use super::direction::{self, Suppliers, TxnWords};
use super::registry::{Institutions, contains_any};
use super::{Context, Field, Hit, Hits};
use crate::catalogue::Rule;
use crate::reference::DrugMemo;

pub struct Fields<'a> {
    pub product: &'a str,
    pub txn_type: &'a str,
    pub buyer_name: &'a str,
    pub buyer_uscc: &'a str,
    pub suppliers: &'a [String],
}

pub fn evaluate(rule: &Rule, ctx: &Context<'_>, table: &Table, f: &Fields<'_>) -> Hits {
    let words = TxnWords::of(rule);
    let retail_words = rule.param_list("retail_words");
    let clinic_words = rule.param_list("clinic_words");
    // A 卫生室 or 门诊部 the registry says is publicly run (公立, 集体, 政府办) is no private clinic.
    let public_words = rule.param_list("public_words");
    let registry = Institutions::of(ctx.tables);
    let seller_is_retail = contains_any(Some(&table.institution), &retail_words);
    let (products, kinds) = (Field::of(table, f.product), Field::of(table, f.txn_type));
    let (names, codes) = (
        Field::of(table, f.buyer_name),
        Field::of(table, f.buyer_uscc),
    );
    let mut memo = DrugMemo::default();
    let mut hits = Hits::default();
    let suppliers = Suppliers::of(table, f.suppliers);
    let mut unknown = 0;
    for i in 0..table.len() {
        let Some(product) = products.text(i) else {
            continue;
        };
        if !memo.is_termination_drug(ctx.drugs, product) {
            continue;
        }
        if seller_is_retail {
            hits.push(Hit {
                record: Some(i),
                fields: vec![f.product.to_owned()],
                zh: format!("零售药店“{}”经营终止妊娠药品“{product}”", table.institution),
                en: format!(
                    "the retail pharmacy \"{}\" handles the termination drug \"{product}\"",
                    table.institution
                ),
                related: Vec::new(),
            });
            continue;
        }
        let (name, code) = (names.text(i), codes.text(i));
        let direction = words.direction(
            kinds.text(i),
            name.is_some() || code.is_some(),
            suppliers.named(i),
        );
        if !direction.is_sale_counting(&mut unknown) {
            continue;
        }
        let registered = registry.find(code, name).map(|(r, _)| r);
        // The registry's class is the better witness; the name speaks when it is silent.
        let class = registered.and_then(|r| r.class);
        let buyer = registered.map(|r| r.name).or(name).unwrap_or_default();
        let words = [class, Some(buyer)];
        let (what_zh, what_en) = if words.iter().any(|w| contains_any(*w, &retail_words)) {
            ("零售药店", "a retail pharmacy")
        } else if words.iter().any(|w| contains_any(*w, &clinic_words))
            && !registered.is_some_and(|r| {
                contains_any(r.profit_type, &public_words) || contains_any(r.class, &public_words)
            })
        {
            ("个体诊所", "a private clinic")
        } else {
            continue;
        };
        hits.push(Hit {
            record: Some(i),
            fields: vec![f.buyer_name.to_owned()],
            zh: format!("终止妊娠药品“{product}”售给{what_zh}“{buyer}”"),
            en: format!("the termination drug \"{product}\" was sold to {what_en}, \"{buyer}\""),
            related: Vec::new(),
        });
    }
    hits.unjudged = direction::unjudged_note(unknown);
    hits
}
