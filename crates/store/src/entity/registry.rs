//! A registry upload (institutions, staff, device filings) that judges a region's ledgers.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "registries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub region_code: String,
    pub dataset: String,
    pub upload_id: i32,
    pub rows: i64,
    pub active: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
