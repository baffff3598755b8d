//! A sheet of an upload and the dataset it was read as.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sheets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub upload_id: i32,
    pub name: String,
    pub dataset: Option<String>,
    pub rows: i64,
    pub header_row: Option<i32>,
    /// 填报单位 as the ledger names it, or empty.
    pub institution: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
