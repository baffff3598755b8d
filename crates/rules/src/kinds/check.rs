//! The check kinds a rule file can name, and what each reads and joins with; `dispatch.rs`
//! sends each to the code in its sibling module.

use auditor_model::Dataset;
use serde::Deserialize;

use super::{dose_ceiling, drug_ledger, drug_vs_cases, pattern, persons, srb, write_off};
use crate::catalogue::Rule;

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// Two distinct people operated and signed (双人操作、双人签字).
    TwoSigners {
        first: String,
        second: String,
        /// One column holding both signatures (双人签名: "张伟、李娜").
        #[serde(default)]
        signatures: Option<String>,
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
        /// Fields whose entry shows the event happened though `end` gives no day (备案号,
        /// 是否备案 = 是): not late, and the notes say the deadline could not be judged.
        #[serde(default)]
        done: Vec<String>,
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
        /// Fields naming a supplier: an untyped row naming one is a purchase, not a sale.
        #[serde(default)]
        suppliers: Vec<String>,
    },
    /// Listed fields filled, yes/no checks not 否, a women's register without a man's ID;
    /// with `drug`, only rows of a termination drug. The `alternatives` parameter (a table of
    /// field = [fields]) lets other columns stand in for a field the sheet has not got.
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
        /// With `txn_type`: only sales and purchases are judged (told by the words of the
        /// type, or by the party a row names), a sale also needing `sale_fields` and a
        /// purchase `purchase_fields`.
        #[serde(default)]
        txn_type: Option<String>,
        #[serde(default)]
        sale_fields: Vec<String>,
        #[serde(default)]
        purchase_fields: Vec<String>,
    },
    /// Dates that must not lie before `as_of` (licences, certificates).
    Expiry { fields: Vec<String> },
    /// Text fields that must not contain any of the `terms` parameter (after removing the
    /// `allowed` phrases).
    Terms { fields: Vec<String> },
    /// Codes in `field` used once across all tables of the rule's datasets in the run.
    Unique { field: String },
    /// No termination drug moved by, or sold to, a retail pharmacy (or a barred private clinic).
    NoRetail {
        product: String,
        txn_type: String,
        buyer_name: String,
        buyer_uscc: String,
        /// Fields naming a supplier: an untyped row naming one is a purchase, not a sale.
        #[serde(default)]
        suppliers: Vec<String>,
    },
    /// The record's institution is registered with the licence item, 诊疗科目 or setup the act
    /// needs on its date; with `person`, that person holds the item's qualification too.
    LicensedInstitution {
        #[serde(default)]
        institution_code: Option<String>,
        #[serde(default)]
        institution: Option<String>,
        #[serde(default)]
        date: Option<String>,
        #[serde(default)]
        product: Option<String>,
        #[serde(default)]
        person: Option<String>,
    },
    /// The person a record names is registered staff in good standing for the act; with
    /// `device`, on the operator list filed for that device.
    QualifiedStaff {
        person: String,
        /// One column holding every signer's name (双人签名): each is judged like `person`.
        #[serde(default)]
        signatures: Option<String>,
        #[serde(default)]
        date: Option<String>,
        #[serde(default)]
        product: Option<String>,
        #[serde(default)]
        device: Option<String>,
        /// The record's institution; the title rows' 填报单位 when absent.
        #[serde(default)]
        institution: Option<String>,
    },
    /// Text fields matching the `regex` parameter (whole value; `format_zh`/`format_en` say it
    /// in words).
    Pattern { fields: Vec<String> },
    /// A number within the `min` and `max` parameters.
    Range { field: String },
    /// The exam's device is filed, by this institution.
    FiledDevice {
        device: String,
        #[serde(default)]
        institution: Option<String>,
    },
    /// At or beyond `min_weeks`, a certificate of an accepted type from an authorised issuer,
    /// or an emergency reported in time.
    Certified {
        gestation: String,
        /// The operation's method: without a gestational age, a method of the `method_words`
        /// parameter (中期引产, 钳刮) is only done from 14 weeks and judged as such.
        #[serde(default)]
        method: Option<String>,
        cert_type: String,
        cert_no: String,
        issuer: String,
        date: String,
        reason: String,
        reported: String,
    },
    /// Live births by sex pooled per institution and period across the run's birth tables:
    /// an exact binomial test against the normal ratio, Benjamini–Hochberg across them, flagged
    /// when the exact interval lies outside the normal band (`srb`).
    SexRatio {
        sex: String,
        live: String,
        date: String,
        institution: String,
        institution_code: String,
    },
    /// Judged by sweeps on the history of uploads, not on records (`crate::ledger_late`):
    /// an offline check reads no fields and finds nothing.
    LedgerLate {},
    /// A termination without a certificate soon after a scan of the same woman (X-US-THEN-TOP).
    ScanThenTermination {
        person: String,
        date: String,
        cert_type: String,
        cert_no: String,
        institution: String,
        name: String,
    },
    /// A registered pregnancy with no birth or termination by its deadline (X-PREG-NO-OUTCOME).
    PregnancyOutcome {
        person: String,
        reg_date: String,
        lmp: String,
        gestation: String,
        outcome: String,
    },
    /// Termination drugs and medical abortions registered on both sides (X-DRUG-NO-TOP). It
    /// judges two datasets, so it reads their linking fields by fixed names (`persons.rs`).
    DrugTerminationMatch {},
    /// One woman's scans at several institutions in a short time (US-SHOPPING), across every
    /// ultrasound register of the run, read by fixed names (`persons.rs`).
    ScanShopping {},
    /// 账物相符: per institution, drug, batch and period, opening + received − dispensed −
    /// written off = closing; a 结存 column row by row. Reads the canonical D1 (and D2) fields.
    StockRecon {},
    /// 购销对账: each sale has the buyer's receipt and each receipt its sale, across the ledgers
    /// of the run.
    PurchaseMatch {},
    /// 购量对病例: termination drugs received per quarter against drug-using cases.
    DrugVsCases {
        #[serde(default)]
        cases: drug_vs_cases::Cases,
    },
    /// 报废记录: each write-off signed by an approver and a different witness, and no drug
    /// written off beyond `max_share` percent of what was received. Reads canonical D1 fields.
    WriteOff {},
    /// 单例用量: what one woman was dispensed of a drug per case, converted to mg or µg, within
    /// the regimen's ceilings. Reads canonical D2 fields.
    DoseCeiling {},
    /// 通报: each month's report sent by day `due_day` of the next month, and no month missing
    /// from the register of reports sent.
    ReportTimely {
        month: String,
        sent: String,
        #[serde(default)]
        reporter: Option<String>,
        #[serde(default)]
        report: Option<String>,
    },
}

impl Check {
    /// The fields of its dataset this check reads.
    pub fn fields(&self) -> Vec<&str> {
        match self {
            Self::TwoSigners {
                first,
                second,
                signatures,
                gestation,
            } => {
                let mut f = vec![first.as_str(), second.as_str()];
                f.extend(signatures.as_deref());
                f.extend(gestation.as_deref());
                f
            }
            Self::Deadline {
                start,
                end,
                required,
                done,
            } => {
                let mut f = vec![start.as_str(), end.as_str()];
                f.extend(required.iter().chain(done).map(String::as_str));
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
                suppliers,
            } => [product, txn_type, date, buyer_uscc, buyer_name]
                .into_iter()
                .chain(suppliers)
                .map(String::as_str)
                .collect(),
            Self::Required {
                fields,
                true_flags,
                female,
                drug,
                only_field,
                txn_type,
                sale_fields,
                purchase_fields,
                ..
            } => fields
                .iter()
                .chain(true_flags)
                .chain(sale_fields)
                .chain(purchase_fields)
                .map(String::as_str)
                .chain(female.as_deref())
                .chain(drug.as_deref())
                .chain(only_field.as_deref())
                .chain(txn_type.as_deref())
                .collect(),
            Self::Expiry { fields } | Self::Terms { fields } | Self::Pattern { fields } => {
                fields.iter().map(String::as_str).collect()
            }
            Self::Unique { field } | Self::Range { field } => vec![field.as_str()],
            Self::FiledDevice {
                device,
                institution,
            } => std::iter::once(device.as_str())
                .chain(institution.as_deref())
                .collect(),
            Self::NoRetail {
                product,
                txn_type,
                buyer_name,
                buyer_uscc,
                suppliers,
            } => [product, txn_type, buyer_name, buyer_uscc]
                .into_iter()
                .chain(suppliers)
                .map(String::as_str)
                .collect(),
            Self::LicensedInstitution {
                institution_code,
                institution,
                date,
                product,
                person,
            } => [institution_code, institution, date, product, person]
                .into_iter()
                .filter_map(Option::as_deref)
                .collect(),
            Self::QualifiedStaff {
                person,
                signatures,
                date,
                product,
                device,
                institution,
            } => std::iter::once(person.as_str())
                .chain(
                    [signatures, date, product, device, institution]
                        .into_iter()
                        .filter_map(Option::as_deref),
                )
                .collect(),
            Self::Certified {
                gestation,
                method,
                cert_type,
                cert_no,
                issuer,
                date,
                reason,
                reported,
            } => {
                let mut f = vec![gestation.as_str()];
                f.extend(method.as_deref());
                f.extend([cert_type, cert_no, issuer, date, reason, reported].map(String::as_str));
                f
            }
            Self::ScanThenTermination {
                person,
                date,
                cert_type,
                cert_no,
                institution,
                name,
            } => vec![person, date, cert_type, cert_no, institution, name],
            Self::PregnancyOutcome {
                person,
                reg_date,
                lmp,
                gestation,
                outcome,
            } => vec![person, reg_date, lmp, gestation, outcome],
            Self::ScanShopping {} => persons::fields_of(&persons::US_EXAM),
            Self::LedgerLate {} | Self::DrugTerminationMatch {} => Vec::new(),
            Self::StockRecon {} | Self::PurchaseMatch {} | Self::DrugVsCases { .. } => {
                drug_ledger::D1_FIELDS.to_vec()
            }
            Self::WriteOff {} => write_off::FIELDS.to_vec(),
            Self::DoseCeiling {} => dose_ceiling::FIELDS.to_vec(),
            Self::ReportTimely {
                month,
                sent,
                reporter,
                report,
            } => [Some(month), Some(sent), reporter.as_ref(), report.as_ref()]
                .into_iter()
                .flatten()
                .map(String::as_str)
                .collect(),
            Self::SexRatio {
                sex,
                live,
                date,
                institution,
                institution_code,
            } => vec![sex, live, date, institution, institution_code],
        }
    }

    /// Whether the check compares records across files of its own datasets, so a run should
    /// be given the other stored ledgers of those datasets too.
    pub fn across_files(&self) -> bool {
        matches!(
            self,
            Self::Unique { .. }
                | Self::ScanShopping {}
                | Self::PurchaseMatch {}
                | Self::SexRatio { .. }
        )
    }

    /// Ledgers the check reads when the run has them, without which it still judges (a stock
    /// count is reconciled with the dispensing register when there is one).
    pub fn reads_when_present(&self) -> Vec<Dataset> {
        match self {
            Self::StockRecon {} => vec![Dataset::DrugDispense],
            _ => Vec::new(),
        }
    }

    /// Judged only by scheduled sweeps, on stored history rather than on one run's records.
    pub fn sweep_only(&self) -> bool {
        matches!(self, Self::LedgerLate {})
    }

    /// Whether the rule's parameters are what its check needs (a valid expression, numeric
    /// bounds): a rule file that cannot work stops the load, naming itself.
    pub fn validate(&self, rule: &Rule) -> Result<(), String> {
        match self {
            Self::Pattern { .. } => pattern::compiled(rule).map(drop),
            Self::Range { .. } => pattern::bounds(rule).map(drop),
            Self::StockRecon {} => drug_ledger::check_params(rule, &["tolerance"]),
            Self::PurchaseMatch {} => drug_ledger::check_params(rule, &["days", "qty_tolerance"]),
            Self::DrugVsCases { .. } => drug_ledger::check_params(rule, &["k", "units_per_case"]),
            Self::WriteOff {} => drug_ledger::check_params(rule, &["max_share"]),
            Self::DoseCeiling {} => drug_ledger::check_params(
                rule,
                &[
                    "mifepristone_mg",
                    "misoprostol_ug",
                    "misoprostol_day_ug",
                    "case_days",
                ],
            ),
            Self::ReportTimely { .. } => match rule.param_int("due_day") {
                None | Some(1..=31) => Ok(()),
                Some(d) => Err(format!("parameter \"due_day\" must be a day 1–31, not {d}")),
            },
            Self::SexRatio { .. } => srb::Params::of(rule).map(drop),
            _ => Ok(()),
        }
    }

    /// The registries (or other ledgers) this check joins with: without them it cannot judge.
    pub fn needs(&self) -> Vec<Dataset> {
        match self {
            Self::QualifiedBuyer { .. } => vec![Dataset::Institution],
            Self::LicensedInstitution { person, .. } => {
                let mut d = vec![Dataset::Institution];
                if person.is_some() {
                    d.push(Dataset::Staff);
                }
                d
            }
            // Without device filings the operator list is simply not checked.
            Self::QualifiedStaff { .. } => vec![Dataset::Staff],
            Self::FiledDevice { .. } => vec![Dataset::UsDevice],
            Self::ScanThenTermination { .. } => vec![Dataset::UsExam],
            // A pregnancy register alone is judged too (pregnancy_outcome says what it could not
            // search): it is often all a county inspector has.
            Self::DrugTerminationMatch {} => vec![Dataset::DrugDispense, Dataset::Termination],
            Self::DrugVsCases { cases } => vec![cases.dataset()],
            _ => Vec::new(),
        }
    }
}
