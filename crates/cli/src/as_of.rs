//! Records dated after the `--as-of` day: the rules still judge them on that day (a filing
//! made after it counts as made), which is right only if the day was chosen on purpose. The run
//! says how many there are and where the first one is, so a mistyped `--as-of` is noticed.

use auditor_ingest::Table;
use auditor_rules::Skipped;
use chrono::NaiveDate;

/// A run note when some record has an event date (a `*_date` or `*_ts` field: a sale, an exam,
/// a filing; not an expiry or a due date, which lie ahead by nature) after `as_of`.
pub fn note(tables: &[Table], as_of: NaiveDate) -> Option<Skipped> {
    let mut count = 0usize;
    let mut first: Option<(String, u32, NaiveDate)> = None;
    for t in tables {
        let columns: Vec<_> = t
            .fields
            .iter()
            .filter(|f| f.ends_with("_date") || f.ends_with("_ts"))
            .filter_map(|f| t.column(f))
            .collect();
        for i in 0..t.len() {
            let Some(late) = columns
                .iter()
                .filter_map(|c| c.date(i))
                .filter(|d| *d > as_of)
                .max()
            else {
                continue;
            };
            count += 1;
            if first.is_none() {
                let place = match &t.sheet {
                    Some(s) => format!("{} [{s}]", t.file),
                    None => t.file.clone(),
                };
                first = Some((place, t.rows[i], late));
            }
        }
    }
    let (place, row, date) = first?;
    Some(Skipped {
        rule: "AS-OF".to_owned(),
        zh: format!(
            "{count} 条记录的日期晚于判定日期 {as_of}（首条：{place} 第 {row} 行，{date}），这些记录仍按 {as_of} 判定；请确认 --as-of 是否正确"
        ),
        en: format!(
            "{count} records are dated after the as-of day {as_of} (the first: {place} row {row}, {date}); they are still judged as of {as_of}: check that --as-of is right"
        ),
        sheet: None,
    })
}
