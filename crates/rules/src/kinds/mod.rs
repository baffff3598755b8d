//! Check kinds: the code behind rules. A rule file names a kind and the fields it reads; the
//! kind decides which records break the rule and says why, quoting the values.

mod deadline;
mod expiry;
mod prescription;
mod qualified_buyer;
mod required;
mod terms;
mod two_signers;
mod unique;

use auditor_ingest::Table;
use auditor_ingest::column::Column;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::catalogue::Rule;
use crate::reference::DrugCatalog;

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// Two distinct people operated and signed (双人操作、双人签字).
    TwoSigners {
        first: String,
        second: String,
        /// With the `min_weeks` parameter: only exams at or beyond it are judged.
        #[serde(default)]
        gestation: Option<String>,
    },
    /// `end` within `days` (a parameter) of `start`, inclusive; a missing `end` is late once the
    /// deadline has passed at `as_of`. Fields in `required` must be present.
    Deadline {
        start: String,
        end: String,
        #[serde(default)]
        required: Vec<String>,
    },
    /// A termination drug dispensed on a prescription: number, prescriber, and a prescription
    /// dated no later than the dispensing.
    Prescription {
        product: String,
        rx: String,
        prescriber: String,
        rx_date: String,
        dispensed: String,
    },
    /// A termination drug sold only to a wholesaler or an institution licensed for 终止妊娠 on
    /// the sale date, looked up in the institution registry among the inputs.
    QualifiedBuyer {
        product: String,
        txn_type: String,
        date: String,
        buyer_uscc: String,
        buyer_name: String,
    },
    /// Listed fields filled, yes/no checks not 否, a women's register without a man's ID;
    /// with `drug`, only rows of a termination drug.
    Required {
        fields: Vec<String>,
        #[serde(default)]
        true_flags: Vec<String>,
        #[serde(default)]
        female: Option<String>,
        #[serde(default)]
        drug: Option<String>,
        /// With `only_values`: only rows whose `only_field` is one of them are judged (sales,
        /// not purchases, need a buyer).
        #[serde(default)]
        only_field: Option<String>,
        #[serde(default)]
        only_values: Vec<String>,
    },
    /// Dates that must not lie before `as_of` (licences, certificates).
    Expiry { fields: Vec<String> },
    /// Text fields that must not contain any of the `terms` parameter (after removing the
    /// `allowed` phrases).
    Terms { fields: Vec<String> },
    /// Codes in `field` used once across all tables of the rule's datasets in the run.
    Unique { field: String },
}

/// What a check sees: every table of the run, the judging date, the reference data.
pub struct Context<'a> {
    pub tables: &'a [Table],
    pub as_of: NaiveDate,
    pub drugs: &'a DrugCatalog,
}

/// One record breaking a rule: which, the fields that show it, and why. A hit about the sheet
/// as a whole (a required column it does not have) has no record.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub record: Option<usize>,
    pub fields: Vec<String>,
    pub zh: String,
    pub en: String,
}

impl Check {
    /// The fields of its dataset this check reads.
    pub fn fields(&self) -> Vec<&str> {
        match self {
            Self::TwoSigners {
                first,
                second,
                gestation,
            } => {
                let mut f = vec![first.as_str(), second.as_str()];
                f.extend(gestation.as_deref());
                f
            }
            Self::Deadline {
                start,
                end,
                required,
            } => {
                let mut f = vec![start.as_str(), end.as_str()];
                f.extend(required.iter().map(String::as_str));
                f
            }
            Self::Prescription {
                product,
                rx,
                prescriber,
                rx_date,
                dispensed,
            } => {
                vec![product, rx, prescriber, rx_date, dispensed]
            }
            Self::QualifiedBuyer {
                product,
                txn_type,
                date,
                buyer_uscc,
                buyer_name,
            } => {
                vec![product, txn_type, date, buyer_uscc, buyer_name]
            }
            Self::Required {
                fields,
                true_flags,
                female,
                drug,
                only_field,
                ..
            } => fields
                .iter()
                .chain(true_flags)
                .map(String::as_str)
                .chain(female.as_deref())
                .chain(drug.as_deref())
                .chain(only_field.as_deref())
                .collect(),
            Self::Expiry { fields } | Self::Terms { fields } => {
                fields.iter().map(String::as_str).collect()
            }
            Self::Unique { field } => vec![field.as_str()],
        }
    }

    pub fn evaluate(&self, rule: &Rule, ctx: &Context<'_>, table: &Table) -> Hits {
        match self {
            Self::TwoSigners {
                first,
                second,
                gestation,
            } => two_signers::evaluate(rule, table, first, second, gestation.as_deref()),
            Self::Deadline {
                start,
                end,
                required,
            } => deadline::evaluate(rule, ctx, table, start, end, required),
            Self::Prescription {
                product,
                rx,
                prescriber,
                rx_date,
                dispensed,
            } => prescription::evaluate(
                ctx,
                table,
                &prescription::Fields {
                    product,
                    rx,
                    prescriber,
                    rx_date,
                    dispensed,
                },
            ),
            Self::QualifiedBuyer {
                product,
                txn_type,
                date,
                buyer_uscc,
                buyer_name,
            } => qualified_buyer::evaluate(
                rule,
                ctx,
                table,
                &qualified_buyer::Fields {
                    product,
                    txn_type,
                    date,
                    buyer_uscc,
                    buyer_name,
                },
            ),
            Self::Required {
                fields,
                true_flags,
                female,
                drug,
                only_field,
                only_values,
            } => required::evaluate(
                ctx,
                table,
                &required::Duties {
                    required: fields,
                    true_flags,
                    female: female.as_deref(),
                    drug: drug.as_deref(),
                    only: only_field.as_deref().map(|f| (f, only_values.as_slice())),
                },
            ),
            Self::Expiry { fields } => expiry::evaluate(ctx, table, fields),
            Self::Terms { fields } => terms::evaluate(rule, table, fields),
            Self::Unique { field } => unique::evaluate(rule, ctx, table, field),
        }
    }
}

/// Findings of one rule listed one by one per sheet; the rest are only counted, so a rule that
/// breaks on every row of a million costs a counter, not a million messages.
pub const MAX_LISTED: usize = 1000;

/// The hits of one rule on one sheet: the first [`MAX_LISTED`], and how many more there were.
#[derive(Debug, Default)]
pub struct Hits {
    pub listed: Vec<Hit>,
    pub more: usize,
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

/// The one finding for a column the sheet lacks altogether: every record misses it, and a
/// million identical row findings would bury everything else.
pub(crate) fn absent_columns(table: &Table, names: &[&str]) -> Option<Hit> {
    let absent: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| table.column(n).is_none())
        .collect();
    if absent.is_empty() || table.is_empty() {
        return None;
    }
    let zh: Vec<&str> = absent.iter().map(|n| table.label(n).0).collect();
    let en: Vec<&str> = absent.iter().map(|n| table.label(n).1).collect();
    Some(Hit {
        record: None,
        fields: absent.iter().map(|s| (*s).to_owned()).collect(),
        zh: format!(
            "表中没有“{}”列，全部 {} 条记录都缺少该项",
            zh.join("”“"),
            table.len()
        ),
        en: format!(
            "the sheet has no column for {}: all {} records lack it",
            en.join(", "),
            table.len()
        ),
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

    /// The text of record `i`, when present.
    pub(crate) fn text(self, i: usize) -> Option<&'t str> {
        self.0.and_then(|c| c.text(i))
    }

    /// The date of record `i` (the date part of a date-time), when present.
    pub(crate) fn date(self, i: usize) -> Option<NaiveDate> {
        self.0.and_then(|c| c.date(i))
    }
}
