//! A rule's `[check]` judged: the dispatch from each check kind to the code in its module.

use auditor_ingest::Table;

use super::check::Check;
use super::{
    Context, Hits, certified, deadline, dose_ceiling, drug_termination_match, drug_vs_cases,
    expiry, filed_device, licensed_institution, no_retail, pattern, pregnancy_outcome,
    prescription, purchase_match, qualified_buyer, qualified_staff, report_timely, required,
    scan_shopping, scan_then_termination, srb, stock_recon, terms, two_signers, unique, write_off,
};
use crate::catalogue::Rule;

impl Check {
    pub fn evaluate(&self, rule: &Rule, ctx: &Context<'_>, table: &Table) -> Hits {
        match self {
            Self::TwoSigners {
                first,
                second,
                signatures,
                gestation,
            } => two_signers::evaluate(
                rule,
                table,
                &two_signers::Fields {
                    first,
                    second,
                    signatures: signatures.as_deref(),
                    gestation: gestation.as_deref(),
                },
            ),
            Self::Deadline {
                start,
                end,
                required,
                done,
            } => deadline::evaluate(
                rule,
                ctx,
                table,
                &deadline::Fields {
                    start,
                    end,
                    required,
                    done,
                },
            ),
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
                suppliers,
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
                    suppliers,
                },
            ),
            Self::Required {
                fields,
                true_flags,
                female,
                drug,
                only_field,
                only_values,
                txn_type,
                sale_fields,
                purchase_fields,
            } => required::evaluate(
                rule,
                ctx,
                table,
                &required::Duties {
                    required: fields,
                    true_flags,
                    female: female.as_deref(),
                    drug: drug.as_deref(),
                    only: only_field.as_deref().map(|f| (f, only_values.as_slice())),
                    directed: txn_type.as_deref().map(|txn_type| required::Directed {
                        txn_type,
                        sale: sale_fields,
                        purchase: purchase_fields,
                    }),
                },
            ),
            Self::Expiry { fields } => expiry::evaluate(ctx, table, fields),
            Self::Terms { fields } => terms::evaluate(rule, table, fields),
            Self::Unique { field } => unique::evaluate(rule, ctx, table, field),
            Self::Pattern { fields } => pattern::evaluate_pattern(rule, table, fields),
            Self::Range { field } => pattern::evaluate_range(rule, table, field),
            Self::NoRetail {
                product,
                txn_type,
                buyer_name,
                buyer_uscc,
                suppliers,
            } => no_retail::evaluate(
                rule,
                ctx,
                table,
                &no_retail::Fields {
                    product,
                    txn_type,
                    buyer_name,
                    buyer_uscc,
                    suppliers,
                },
            ),
            Self::LicensedInstitution {
                institution_code,
                institution,
                date,
                product,
                person,
            } => licensed_institution::evaluate(
                rule,
                ctx,
                table,
                &licensed_institution::Fields {
                    code: institution_code.as_deref(),
                    name: institution.as_deref(),
                    date: date.as_deref(),
                    product: product.as_deref(),
                    person: person.as_deref(),
                },
            ),
            Self::QualifiedStaff {
                person,
                signatures,
                date,
                product,
                device,
                institution,
            } => qualified_staff::evaluate(
                rule,
                ctx,
                table,
                &qualified_staff::Fields {
                    person,
                    signatures: signatures.as_deref(),
                    date: date.as_deref(),
                    product: product.as_deref(),
                    device: device.as_deref(),
                    institution: institution.as_deref(),
                },
            ),
            Self::FiledDevice {
                device,
                institution,
            } => filed_device::evaluate(ctx, table, device, institution.as_deref()),
            Self::Certified {
                gestation,
                method,
                cert_type,
                cert_no,
                issuer,
                date,
                reason,
                reported,
            } => certified::evaluate(
                rule,
                table,
                &certified::Fields {
                    gestation,
                    method: method.as_deref(),
                    cert_type,
                    cert_no,
                    issuer,
                    date,
                    reason,
                    reported,
                },
            ),
            Self::SexRatio {
                sex,
                live,
                date,
                institution,
                institution_code,
            } => srb::evaluate(
                rule,
                ctx,
                table,
                &srb::Fields {
                    sex,
                    live,
                    date,
                    institution,
                    institution_code,
                },
            ),
            Self::LedgerLate {} => Hits::default(),
            Self::ScanThenTermination {
                person,
                date,
                cert_type,
                cert_no,
                institution,
                name,
            } => scan_then_termination::evaluate(
                rule,
                ctx,
                table,
                &scan_then_termination::Fields {
                    person,
                    date,
                    cert_type,
                    cert_no,
                    institution,
                    name,
                },
            ),
            Self::PregnancyOutcome {
                person,
                reg_date,
                lmp,
                gestation,
                outcome,
            } => pregnancy_outcome::evaluate(
                rule,
                ctx,
                table,
                &pregnancy_outcome::Fields {
                    person,
                    reg_date,
                    lmp,
                    gestation,
                    outcome,
                },
            ),
            Self::DrugTerminationMatch {} => drug_termination_match::evaluate(rule, ctx, table),
            Self::ScanShopping {} => scan_shopping::evaluate(rule, ctx, table),
            Self::StockRecon {} => stock_recon::evaluate(rule, ctx, table),
            Self::PurchaseMatch {} => purchase_match::evaluate(rule, ctx, table),
            Self::DrugVsCases { cases } => drug_vs_cases::evaluate(rule, ctx, table, *cases),
            Self::WriteOff {} => write_off::evaluate(rule, ctx, table),
            Self::DoseCeiling {} => dose_ceiling::evaluate(rule, ctx, table),
            Self::ReportTimely {
                month,
                sent,
                reporter,
                report,
            } => report_timely::evaluate(
                rule,
                ctx,
                table,
                &report_timely::Fields {
                    month,
                    sent,
                    reporter: reporter.as_deref(),
                    report: report.as_deref(),
                },
            ),
        }
    }
}
