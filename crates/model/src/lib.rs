//! Domain types shared by every part of the auditor: datasets, cell references, findings,
//! severities and the identifiers of Chinese ledgers. Pure data and validation; no IO.

pub mod cell;
pub mod dataset;
pub mod finding;
pub mod ident;
pub mod severity;

pub use cell::CellRef;
pub use dataset::Dataset;
pub use finding::{Evidence, Finding};
pub use severity::Severity;
