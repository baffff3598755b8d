//! One change of a finding's status; the history is append-only.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "finding_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub finding_id: i32,
    pub from_status: Option<String>,
    pub to_status: String,
    pub note: String,
    /// None when the system made the change (an upload resolved or reopened it).
    pub actor_id: Option<i32>,
    pub upload_id: Option<i32>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
