//! `prescription`: a termination drug is used only on a prescription — it has a number, a
//! prescriber, and was written no later than the drug was dispensed. Other drugs are not judged.

use auditor_ingest::Table;

use super::registry::{ditto_fault, is_ditto};
use super::{Context, Field, Hit, Hits};

/// What clerks write in the prescription-number column when there is no prescription. Ingest
/// already empties general placeholders (无, /, —); these say so in words of their own.
const NO_PRESCRIPTION: [&str; 8] = [
    "未开",
    "未开具",
    "未开处方",
    "无处方",
    "没有处方",
    "没开",
    "待补",
    "待开",
];

/// The prescription number of a cell, unless it says there is none.
fn rx_number(text: Option<&str>) -> Option<&str> {
    text.map(str::trim)
        .filter(|t| !t.is_empty() && !NO_PRESCRIPTION.contains(t))
}

pub struct Fields<'a> {
    pub product: &'a str,
    pub rx: &'a str,
    pub prescriber: &'a str,
    pub rx_date: &'a str,
    pub dispensed: &'a str,
}

pub fn evaluate(ctx: &Context<'_>, table: &Table, f: &Fields<'_>) -> Hits {
    let mut hits = Hits::default();
    let (products, rxs, prescribers) = (
        Field::of(table, f.product),
        Field::of(table, f.rx),
        Field::of(table, f.prescriber),
    );
    let (written_on, given_on) = (Field::of(table, f.rx_date), Field::of(table, f.dispensed));
    for i in 0..table.len() {
        let Some(product) = products.text(i) else {
            continue;
        };
        let Some(drug) = ctx.drugs.termination_drug(product) else {
            continue;
        };
        let mut missing_zh = Vec::new();
        let mut missing_en = Vec::new();
        let mut fields = Vec::new();
        if rx_number(rxs.text(i)).is_none() {
            missing_zh.push("处方号");
            missing_en.push("prescription number");
            fields.push(f.rx.to_owned());
        }
        // A ditto mark (同上) is no prescriber's signature.
        let ditto = prescribers.text(i).filter(|p| is_ditto(p)).map(ditto_fault);
        if prescribers.text(i).is_none() || ditto.is_some() {
            missing_zh.push("处方医师");
            missing_en.push("prescriber");
            fields.push(f.prescriber.to_owned());
        }
        if !fields.is_empty() {
            let mut zh = format!(
                "终止妊娠药品“{product}”（{}）发放时无{}",
                drug.generic,
                missing_zh.join("、")
            );
            let mut en = format!(
                "termination drug \"{product}\" ({}) dispensed without {}",
                drug.generic,
                missing_en.join(" or ")
            );
            if let Some((dz, de)) = ditto {
                zh = format!("{zh}（{dz}）");
                en = format!("{en} ({de})");
            }
            hits.push(Hit {
                record: Some(i),
                fields,
                zh,
                en,
                related: Vec::new(),
            });
        }
        if let (Some(written), Some(given)) = (written_on.date(i), given_on.date(i))
            && written > given
        {
            hits.push(Hit {
                record: Some(i),
                fields: vec![f.rx_date.to_owned(), f.dispensed.to_owned()],
                zh: format!("处方开具日期 {written} 晚于发药日期 {given}"),
                en: format!(
                    "the prescription is dated {written}, after the drug was dispensed on {given}"
                ),
                related: Vec::new(),
            });
        }
    }
    hits
}
