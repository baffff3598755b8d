//! A run of consecutive ledger records after ingest (names masked, ID numbers hashed), stored
//! together: `fields` is a JSON array of `[row, {field: value}]`. A million-row ledger is a
//! thousand rows here, not a million, which keeps an upload's insert close to the check's speed.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "records")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub upload_id: i32,
    pub sheet_id: i32,
    pub first_row: i32,
    pub last_row: i32,
    /// How many records the run holds.
    pub records: i32,
    pub fields: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
