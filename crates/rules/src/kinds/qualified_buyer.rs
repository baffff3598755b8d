//! `qualified_buyer`: termination drugs are sold only to wholesalers or to institutions holding
//! a valid 终止妊娠 licence item on the sale date. Buyers are found in the institution registry
//! among the inputs by credit code first; by name only when the code finds nothing, and then the
//! finding says so, since names are written loosely.

use auditor_ingest::Table;
use auditor_model::Dataset;
use chrono::NaiveDate;

use super::{Context, Field, Hit, Hits};
use crate::catalogue::Rule;

pub struct Fields<'a> {
    pub product: &'a str,
    pub txn_type: &'a str,
    pub date: &'a str,
    pub buyer_uscc: &'a str,
    pub buyer_name: &'a str,
}

/// One registry entry, as needed here.
struct Registered<'t> {
    name: &'t str,
    uscc: Option<&'t str>,
    class: Option<&'t str>,
    items: Option<&'t str>,
    valid_to: Option<NaiveDate>,
}

fn registry(tables: &[Table]) -> Vec<Registered<'_>> {
    let mut out = Vec::new();
    for t in tables.iter().filter(|t| t.dataset == Dataset::Institution) {
        let (names, usccs, classes) = (
            Field::of(t, "name"),
            Field::of(t, "uscc"),
            Field::of(t, "inst_class"),
        );
        let (items, valid_to) = (Field::of(t, "mch_items"), Field::of(t, "mch_valid_to"));
        for i in 0..t.len() {
            out.push(Registered {
                name: names.text(i).unwrap_or(""),
                uscc: usccs.text(i),
                class: classes.text(i),
                items: items.text(i),
                valid_to: valid_to.date(i),
            });
        }
    }
    out
}

/// Names compared without spaces and brackets' width: "XX县 妇幼保健院" = "XX县妇幼保健院".
fn normal_name(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| {
            if c == '（' {
                '('
            } else if c == '）' {
                ')'
            } else {
                c
            }
        })
        .collect()
}

pub fn evaluate(rule: &Rule, ctx: &Context<'_>, table: &Table, f: &Fields<'_>) -> Hits {
    let sale_types = rule.param_list("sale_types");
    let wholesaler_words = rule.param_list("wholesaler_words");
    let item = rule.param_str("licence_item").unwrap_or("终止妊娠");
    let registry = registry(ctx.tables);
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
    for i in 0..table.len() {
        let Some(kind) = kinds.text(i) else {
            continue;
        };
        // Exact types: "销售退回" (a return) is not a sale.
        if !sale_types.iter().any(|s| kind == s.as_str()) {
            continue;
        }
        let Some(product) = products.text(i) else {
            continue;
        };
        let Some(drug) = ctx.drugs.termination_drug(product) else {
            continue;
        };
        let uscc = buyer_usccs.text(i);
        let name = buyer_names.text(i);
        let by_code = uscc.and_then(|code| registry.iter().find(|r| r.uscc == Some(code)));
        let (found, by_name) = match (by_code, name) {
            (Some(r), _) => (Some(r), false),
            (None, Some(n)) => {
                let n = normal_name(n);
                let r = registry.iter().find(|r| normal_name(r.name) == n);
                (r, r.is_some())
            }
            (None, None) => (None, false),
        };
        let buyer = uscc.or(name).unwrap_or("（空）");
        let matched_zh = if by_name {
            "（按名称匹配，未按信用代码）"
        } else {
            ""
        };
        let matched_en = if by_name {
            " (matched by name, not by credit code)"
        } else {
            ""
        };
        let sale_date = dates.date(i);
        let why = match found {
            None => Some((
                format!("购货单位“{buyer}”不在机构名录中，无法证明其资质"),
                format!(
                    "buyer \"{buyer}\" is not in the institution registry, so its qualification cannot be shown"
                ),
            )),
            Some(r)
                if r.class
                    .is_some_and(|c| wholesaler_words.iter().any(|w| c.contains(w.as_str()))) =>
            {
                None
            }
            Some(r) if !r.items.is_some_and(|items| items.contains(item)) => Some((
                format!("购货单位“{}”无{item}许可项目{matched_zh}", r.name),
                format!(
                    "buyer \"{}\" holds no {item} (termination) licence item{matched_en}",
                    r.name
                ),
            )),
            Some(r) => match (r.valid_to, sale_date) {
                (Some(to), Some(on)) if to < on => Some((
                    format!(
                        "购货单位“{}”的{item}许可已于 {to} 过期，销售日期 {on}{matched_zh}",
                        r.name
                    ),
                    format!(
                        "buyer \"{}\"'s {item} licence expired on {to}, before the sale on {on}{matched_en}",
                        r.name
                    ),
                )),
                _ => None,
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
            });
        }
    }
    hits
}
