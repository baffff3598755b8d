//! Schema migrations, up and down. They are written with sea-query's builder so the same code
//! makes the tables on SQLite and on PostgreSQL; each `alter_table` changes one thing, because
//! the SQLite backend cannot do more in one statement.

use sea_orm_migration::prelude::*;

mod m0001_initial;
mod m0002_finding_tallies;
mod m0003_notify;
mod m0004_related_evidence;
mod m0005_unlisted;
mod m0006_tally_weight;
mod m0007_record_key;

pub struct Migrator;

#[sea_orm_migration::async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_initial::Migration),
            Box::new(m0002_finding_tallies::Migration),
            Box::new(m0003_notify::Migration),
            Box::new(m0004_related_evidence::Migration),
            Box::new(m0005_unlisted::Migration),
            Box::new(m0006_tally_weight::Migration),
            Box::new(m0007_record_key::Migration),
        ]
    }
}
