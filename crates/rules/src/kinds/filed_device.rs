//! `filed_device`: an exam must be done on an ultrasound device filed with the county for the
//! same institution. A device the filing ledger does not know, one filed by another institution
//! (a lent or mobile B超), or one bought but never filed is a finding. Devices are matched by
//! serial number or model, ignoring case, spaces and dashes.
//!
//! Clerks name the device as it is labelled: "GE LOGIQ P9（SN001）" holds the filed model and
//! serial, and "彩色多普勒超声诊断仪" is the filed 设备名称. Such an entry is the filed device
//! when a part of it (a bracketed part, a filed serial or model inside it, the whole as a
//! device name) names one; a filing row for two units ("SN101、SN102") files each serial.

use std::collections::HashMap;

use auditor_ingest::Table;
use auditor_model::Dataset;

use super::deadline::says_not_done;
use super::registry::{ledger_owner, normal_name};
use super::{Context, Field, Hit, Hits};

/// One device of the filing ledgers (超声设备备案台账) among the inputs.
struct Device<'t> {
    owner: Option<&'t str>,
    filed: bool,
    operators: Option<&'t str>,
}

/// Every filed device of the run, by normalised serial number and by model, and by device
/// name.
#[derive(Default)]
pub(crate) struct Devices<'t> {
    list: Vec<Device<'t>>,
    by_id: HashMap<String, Vec<usize>>,
    by_name: HashMap<String, Vec<usize>>,
}

/// "Voluson E8-01" = "VOLUSONE801": ledgers write identifiers with whatever spacing.
fn normal_id(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// A filed identifier this long is looked for inside a longer entry ("GELOGIQP9SN001"); a
/// shorter one (M7) would be found by chance.
const MIN_INNER_ID: usize = 4;

/// The parts of a cell that may each be an identifier: "SN101、SN102", "LOGIQ P9（SN001）".
fn id_parts(s: &str) -> impl Iterator<Item = &str> {
    s.split([
        '、', ',', '，', ';', '；', '/', '|', '\n', '(', ')', '（', '）', '[', ']', '【', '】',
    ])
    .map(str::trim)
    .filter(|p| !p.is_empty())
}

fn same_owner(a: &str, b: &str) -> bool {
    let (a, b) = (normal_name(a), normal_name(b));
    a.contains(&b) || b.contains(&a)
}

/// Whether record `i` of a filing ledger shows the device filed: a filing day (or month), or
/// a 备案号 / 是否备案 that does not say it is not.
fn is_filed(t: &Table, i: usize) -> bool {
    Field::of(t, "filed_date").date(i).is_some()
        || t.vague_date("filed_date", i).is_some()
        || t.done_undated("filed_date", i)
        || ["filing_no", "filed"]
            .iter()
            .any(|f| Field::of(t, f).text(i).is_some_and(|x| !says_not_done(x)))
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
            let (names, operators) = (Field::of(t, "device_name"), Field::of(t, "operators"));
            for i in 0..t.len() {
                let at = out.list.len();
                for id in [serials.text(i), models.text(i)].into_iter().flatten() {
                    let mut keys: Vec<String> = id_parts(id).map(normal_id).collect();
                    keys.push(normal_id(id));
                    keys.sort();
                    keys.dedup();
                    for key in keys.into_iter().filter(|k| !k.is_empty()) {
                        out.by_id.entry(key).or_default().push(at);
                    }
                }
                if let Some(name) = names.text(i) {
                    out.by_name.entry(normal_name(name)).or_default().push(at);
                }
                out.list.push(Device {
                    owner: ledger_owner(t, owners, i),
                    filed: is_filed(t, i),
                    operators: operators.text(i),
                });
            }
        }
        out
    }

    /// The devices an exam's device entry names, those of `owner` first and, among them, the
    /// filed ones first.
    fn named(&self, id: &str, owner: Option<&str>) -> Vec<&Device<'t>> {
        let mut found: Vec<usize> = self.by_id.get(&normal_id(id)).cloned().unwrap_or_default();
        if found.is_empty() {
            for part in id_parts(id) {
                found.extend(self.by_id.get(&normal_id(part)).into_iter().flatten());
            }
        }
        if found.is_empty() {
            let whole = normal_id(id);
            for (key, devices) in &self.by_id {
                if key.chars().count() >= MIN_INNER_ID && whole.contains(key.as_str()) {
                    found.extend(devices);
                }
            }
        }
        if found.is_empty()
            && let Some(devices) = self.by_name.get(&normal_name(id))
        {
            found.extend(devices);
        }
        found.sort_unstable();
        found.dedup();
        let mut found: Vec<&Device<'t>> = found.into_iter().map(|i| &self.list[i]).collect();
        found.sort_by_key(|d| {
            (
                !matches!((d.owner, owner), (Some(a), Some(b)) if same_owner(a, b)),
                !d.filed,
            )
        });
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
