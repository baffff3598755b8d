//! `expiry`: a licence or certificate used after its validity ended. The last day is still
//! valid; a blank date is not judged (its absence is a matter for `required`).

use auditor_ingest::Table;

use super::{Context, Field, Hit, Hits, days_en};

pub fn evaluate(ctx: &Context<'_>, table: &Table, fields: &[String]) -> Hits {
    let mut hits = Hits::default();
    let columns: Vec<(&String, Field<'_>)> =
        fields.iter().map(|f| (f, Field::of(table, f))).collect();
    for i in 0..table.len() {
        for (field, column) in &columns {
            if let Some(to) = column.date(i)
                && to < ctx.as_of
            {
                hits.push(Hit {
                    record: Some(i),
                    fields: vec![(*field).clone()],
                    zh: format!(
                        "“{}”为 {to}，至 {} 已过期 {} 天",
                        table.label(field).0,
                        ctx.as_of,
                        (ctx.as_of - to).num_days()
                    ),
                    en: format!(
                        "{} is {to}: expired {} before {}",
                        table.label(field).1,
                        days_en((ctx.as_of - to).num_days()),
                        ctx.as_of
                    ),
                    related: Vec::new(),
                });
            }
        }
    }
    hits
}
