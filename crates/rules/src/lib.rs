//! The rule catalogue (`rules/catalogue/`), rule packs (`rules/packs/`), reference data and the
//! evaluation of ingested tables into findings. Pure: no network, no database, no async.

pub mod catalogue;
pub mod engine;
pub mod kinds;
pub mod ledger_late;
mod pack;
mod placeholders;
pub mod reference;
pub mod stats;
mod user_params;

pub use catalogue::{Catalogue, CatalogueError, Rule};
pub use engine::{Skipped, evaluate, evaluate_judging, joined_datasets};
pub use kinds::srb;
pub use pack::{Pack, PackError};
pub use reference::DrugCatalog;
