//! A waiver: one institution, one rule, one period, approved by a second person.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "waivers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub institution_id: i32,
    pub region_code: String,
    pub rule: String,
    pub period_start: Date,
    pub period_end: Date,
    pub justification: String,
    pub document_no: String,
    pub requested_by: i32,
    pub approved_by: Option<i32>,
    /// `pending`, `approved`, `rejected` or `expired`.
    pub status: String,
    pub expires_on: Date,
    pub created_at: DateTimeUtc,
    pub decided_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
