//! `unique`: a code that must be used once — a drug traceability code dispensed twice means a
//! box counted twice or a code copied. Searched across every table of the rule's datasets in the
//! run, so a repeat in another file is found too; each later use names the first.

use auditor_ingest::Table;

use super::{Context, Hit, Hits, Link};
use crate::catalogue::Rule;

/// Codes written in one cell: "8100…01, 8100…02".
fn codes(cell: &str) -> impl Iterator<Item = &str> {
    cell.split([',', '，', ';', '；', '、', ' ', '\n'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
}

pub fn evaluate(rule: &Rule, ctx: &Context<'_>, table: &Table, field: &str) -> Hits {
    // code -> (table index, record) of its first use.
    let mut first: std::collections::HashMap<&str, (usize, usize)> =
        std::collections::HashMap::new();
    let mut hits = Hits::default();
    for (ti, t) in ctx
        .tables
        .iter()
        .enumerate()
        .filter(|(_, t)| rule.datasets.contains(&t.dataset))
    {
        let Some(column) = t.column(field) else {
            continue;
        };
        let this = std::ptr::eq(t, table);
        for i in 0..t.len() {
            let Some(cell) = column.text(i) else { continue };
            for code in codes(cell) {
                match first.get(code) {
                    Some(&(ft, fr)) if this => {
                        let (zh, en) = t.label(field);
                        let file = ctx.tables[ft].file.as_str();
                        let row = ctx.tables[ft].rows[fr];
                        hits.push(Hit {
                            record: Some(i),
                            fields: vec![field.to_owned()],
                            zh: format!("{zh} {code} 已在 {file} 第 {row} 行使用过，同一追溯码不应出现两次"),
                            en: format!("{en} {code} was already used in {file} row {row}; a code is used once"),
                            related: vec![Link {
                                table: ft,
                                record: fr,
                                fields: vec![field.to_owned()],
                            }],
                        });
                    }
                    Some(_) => {}
                    None => {
                        first.insert(code, (ti, i));
                    }
                }
            }
        }
        if this {
            // Later tables cannot hold first uses of this table's codes.
            break;
        }
    }
    hits
}
