//! Check kinds: the code behind rules. A rule file names a kind and the fields it reads; the
//! kind decides which records break the rule and says why, quoting the values.

mod cache;
mod certified;
mod check;
mod deadline;
mod direction;
mod dispatch;
mod dose;
mod dose_ceiling;
mod drug_ledger;
mod drug_termination_match;
mod drug_vs_cases;
mod essentials;
mod expiry;
mod filed_device;
mod licensed_institution;
mod no_retail;
mod pattern;
mod persons;
mod pregnancy_outcome;
mod prescription;
mod purchase_match;
mod qualified_buyer;
mod qualified_staff;
mod quote;
mod registry;
mod report_timely;
mod required;
mod scan_shopping;
mod scan_then_termination;
mod simplified;
pub mod srb;
mod stock_recon;
mod stock_scope;
mod terms;
mod two_signers;
mod unique;
mod write_off;

use auditor_ingest::Table;
use auditor_ingest::column::Column;
use chrono::NaiveDate;

pub use cache::RuleCache;
pub use check::Check;
pub(crate) use essentials::unjudged_sheet;

use crate::reference::DrugCatalog;

/// What a check sees: every table of the run, the judging date, the reference data.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub tables: &'a [Table],
    pub as_of: NaiveDate,
    pub drugs: &'a DrugCatalog,
    /// Which tables are judged; the others are only joined with (see
    /// [`crate::engine::evaluate_judging`]).
    pub judged: &'a (dyn Fn(&Table) -> bool + Sync),
    /// What the rule being judged has built from every table (see [`RuleCache`]).
    pub cache: &'a RuleCache,
}

/// One record breaking a rule: which, the fields that show it, and why. A hit about the sheet
/// as a whole (a required column it does not have) has no record.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub record: Option<usize>,
    pub fields: Vec<String>,
    pub zh: String,
    pub en: String,
    /// Rows of other records (in this table or another of the run) the hit rests on.
    pub related: Vec<Link>,
}

/// A record of a table of the run that a cross-ledger hit names as evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// Index into [`Context::tables`].
    pub table: usize,
    pub record: usize,
    pub fields: Vec<String>,
}

/// Findings of one rule listed one by one per sheet; the rest are only counted, so a rule that
/// breaks on every row of a million costs a counter, not a million messages.
pub const MAX_LISTED: usize = 1000;

/// The hits of one rule on one sheet: the first [`MAX_LISTED`], and how many more there were.
#[derive(Debug, Default)]
pub struct Hits {
    pub listed: Vec<Hit>,
    pub more: usize,
    /// Why some records could not be judged at all (e.g. no institution to look up), for the
    /// report's notes.
    pub unjudged: Option<(String, String)>,
}

impl Hits {
    pub fn push(&mut self, hit: Hit) {
        if self.listed.len() < MAX_LISTED {
            self.listed.push(hit);
        } else {
            self.more += 1;
        }
    }

    pub fn extend(&mut self, hits: impl IntoIterator<Item = Hit>) {
        for hit in hits {
            self.push(hit);
        }
    }
}

/// A count of days in English: "1 day", "3 days".
pub(crate) fn days_en(n: i64) -> String {
    if n.abs() == 1 {
        format!("{n} day")
    } else {
        format!("{n} days")
    }
}

/// The one finding for a column the sheet lacks altogether: every record misses it, and a
/// million identical row findings would bury everything else.
pub(crate) fn absent_columns(table: &Table, names: &[&str]) -> Option<Hit> {
    absent_columns_of(table, names, table.len())
}

/// [`absent_columns`] when only `records` of the sheet's records need the fields (a purchase's
/// supplier, in a ledger of sales and purchases).
pub(crate) fn absent_columns_of(table: &Table, names: &[&str], records: usize) -> Option<Hit> {
    let absent: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| table.column(n).is_none())
        .collect();
    if absent.is_empty() || records == 0 {
        return None;
    }
    let zh: Vec<&str> = absent.iter().map(|n| table.label(n).0).collect();
    let en: Vec<&str> = absent.iter().map(|n| table.label(n).1).collect();
    let (all_zh, all_en) = if records == table.len() {
        (
            format!("全部 {records} 条记录都缺少该项"),
            format!("all {records} records lack it"),
        )
    } else if records == 1 {
        (
            "须填写该项的 1 条记录缺少".to_owned(),
            "the 1 record that needs it lacks it".to_owned(),
        )
    } else {
        (
            format!("须填写该项的 {records} 条记录都缺少"),
            format!("all {records} records that need it lack it"),
        )
    };
    Some(Hit {
        record: None,
        fields: absent.iter().map(|s| (*s).to_owned()).collect(),
        zh: format!("表中没有“{}”列，{all_zh}", zh.join("”“")),
        en: format!("the sheet has no column for {}: {all_en}", en.join(", ")),
        related: Vec::new(),
    })
}

/// One hit for the fields record `i` leaves empty, named by their labels after `lead`.
pub(crate) fn missing_entries(
    table: &Table,
    i: usize,
    missing: &[&String],
    lead: (&str, &str),
) -> Option<Hit> {
    if missing.is_empty() {
        return None;
    }
    let zh: Vec<&str> = missing.iter().map(|s| table.label(s).0).collect();
    let en: Vec<&str> = missing.iter().map(|s| table.label(s).1).collect();
    Some(Hit {
        record: Some(i),
        fields: missing.iter().map(|s| (*s).clone()).collect(),
        zh: format!("{}：{}", lead.0, zh.join("、")),
        en: format!("{}: {}", lead.1, en.join(", ")),
        related: Vec::new(),
    })
}

/// A field's column looked up once per sheet, not once per row (`Table::column` searches the
/// field names).
#[derive(Clone, Copy)]
pub(crate) struct Field<'t>(Option<&'t Column>);

impl<'t> Field<'t> {
    pub(crate) fn of(table: &'t Table, name: &str) -> Self {
        Self(table.column(name))
    }

    /// Whether the sheet has the field's column at all.
    pub(crate) fn is_present(self) -> bool {
        self.0.is_some()
    }

    /// The text of record `i`, when present.
    pub(crate) fn text(self, i: usize) -> Option<&'t str> {
        self.0.and_then(|c| c.text(i))
    }

    /// The date of record `i` (the date part of a date-time), when present.
    pub(crate) fn date(self, i: usize) -> Option<NaiveDate> {
        self.0.and_then(|c| c.date(i))
    }
}

/// With a product field, only rows of a termination drug are judged; without one, every row.
pub(crate) struct DrugRows<'t> {
    products: Option<Field<'t>>,
    memo: crate::reference::DrugMemo<'t>,
}

impl<'t> DrugRows<'t> {
    pub(crate) fn of(table: &'t Table, product: Option<&str>) -> Self {
        Self {
            products: product.map(|p| Field::of(table, p)),
            memo: crate::reference::DrugMemo::default(),
        }
    }

    pub(crate) fn admits(&mut self, drugs: &DrugCatalog, i: usize) -> bool {
        match self.products {
            None => true,
            Some(products) => products
                .text(i)
                .is_some_and(|p| self.memo.is_termination_drug(drugs, p)),
        }
    }
}
