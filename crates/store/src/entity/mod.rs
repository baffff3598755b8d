//! sea-orm entities, one file per table.

pub mod api_token;
pub mod audit_event;
pub mod finding;
pub mod finding_event;
pub mod finding_tally;
pub mod organisation;
pub mod outbox;
pub mod record;
pub mod registry;
pub mod schedule;
pub mod session;
pub mod sheet;
pub mod sweep_run;
pub mod team;
pub mod upload;
pub mod user;
pub mod waiver;
