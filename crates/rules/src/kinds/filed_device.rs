//! `filed_device`: an exam must be done on an ultrasound device filed with the county for the
//! same institution. A device the filing ledger does not know, one filed by another institution
//! (a lent or mobile B超), or one bought but never filed is a finding. Devices are matched by
//! serial number or model, ignoring case, spaces and dashes.

use std::collections::HashMap;

use auditor_ingest::Table;
use auditor_model::Dataset;

use super::registry::{ledger_owner, normal_name};
use super::{Context, Field, Hit, Hits};

/// One device of the filing ledgers (超声设备备案台账) among the inputs.
struct Device<'t> {
    owner: Option<&'t str>,
    filed: bool,
    operators: Option<&'t str>,
}

/// Every filed device of the run, by normalised serial number and by model.
#[derive(Default)]
pub(crate) struct Devices<'t> {
    list: Vec<Device<'t>>,
    by_id: HashMap<String, Vec<usize>>,
}

/// "Voluson E8-01" = "VOLUSONE801": ledgers write identifiers with whatever spacing.
fn normal_id(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

fn same_owner(a: &str, b: &str) -> bool {
    let (a, b) = (normal_name(a), normal_name(b));
    a.contains(&b) || b.contains(&a)
}

impl<'t> Devices<'t> {
    pub(crate) fn of(tables: &'t [Table]) -> Self {
        let mut out = Self::default();
        for t in tables.iter().filter(|t| t.dataset == Dataset::UsDevice) {
            let (serials, models, owners) = (
                Field::of(t, "serial_no"),
                Field::of(t, "model"),
                Field::of(t, "inst_name"),
            );
            let (filed, operators) = (Field::of(t, "filed_date"), Field::of(t, "operators"));
            for i in 0..t.len() {
                let at = out.list.len();
                for id in [serials.text(i), models.text(i)].into_iter().flatten() {
                    out.by_id.entry(normal_id(id)).or_default().push(at);
                }
                out.list.push(Device {
                    owner: ledger_owner(t, owners, i),
                    filed: filed.date(i).is_some(),
                    operators: operators.text(i),
                });
            }
        }
        out
    }

    /// The devices an exam's device entry names, those of `owner` first.
    fn named(&self, id: &str, owner: Option<&str>) -> Vec<&Device<'t>> {
        let mut found: Vec<&Device<'t>> = self
            .by_id
            .get(&normal_id(id))
            .map(|v| v.iter().map(|&i| &self.list[i]).collect())
            .unwrap_or_default();
        found.sort_by_key(|d| !matches!((d.owner, owner), (Some(a), Some(b)) if same_owner(a, b)));
        found
    }

    /// The operator list filed for device `id` of `owner`, when the filing has one.
    pub(crate) fn operators(&self, id: &str, owner: Option<&str>) -> Option<Vec<&'t str>> {
        let list = self.named(id, owner).first()?.operators?;
        Some(list.split('、').filter(|s| !s.is_empty()).collect())
    }
}

pub fn evaluate(ctx: &Context<'_>, table: &Table, device: &str, institution: Option<&str>) -> Hits {
    let devices = Devices::of(ctx.tables);
    let column = Field::of(table, device);
    let owners = Field::of(table, institution.unwrap_or_default());
    let mut hits = Hits::default();
    for i in 0..table.len() {
        let owner = ledger_owner(table, owners, i);
        // An exam that does not say which device is not judged here.
        let Some(id) = column.text(i) else { continue };
        let named = devices.named(id, owner);
        let why = match named.first() {
            None => Some((
                format!("检查所用设备“{id}”不在超声设备备案台账中（流动、借用或未备案的设备）"),
                format!(
                    "the exam's device \"{id}\" is not in the ultrasound device filings (a mobile, lent or unfiled device)"
                ),
            )),
            Some(d) => match (d.owner, owner) {
                (Some(theirs), Some(ours)) if !same_owner(theirs, ours) => Some((
                    format!("检查所用设备“{id}”备案在“{theirs}”名下，不是本机构“{ours}”的设备"),
                    format!(
                        "the exam's device \"{id}\" is filed by \"{theirs}\", not by this institution \"{ours}\""
                    ),
                )),
                _ if !d.filed => Some((
                    format!("检查所用设备“{id}”在台账中但没有备案日期，尚未备案"),
                    format!(
                        "the exam's device \"{id}\" is in the ledger but has no filing date: it is not filed"
                    ),
                )),
                _ => None,
            },
        };
        if let Some((zh, en)) = why {
            hits.push(Hit {
                record: Some(i),
                fields: vec![device.to_owned()],
                zh,
                en,
                related: Vec::new(),
            });
        }
    }
    hits
}
