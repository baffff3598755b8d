//! An inspection team: who hears about findings in a region, from which severity, in which
//! language.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "teams")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    /// Findings of institutions within this region (a prefix of theirs) reach the team.
    pub region_code: String,
    /// JSON array of email addresses.
    pub addresses: String,
    /// `critical`, `high`, `medium` or `low`.
    pub min_severity: String,
    /// `zh` or `en`.
    pub language: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
