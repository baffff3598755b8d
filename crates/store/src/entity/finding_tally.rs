//! How many findings share a lane, region, status, rule and severity. Kept by triggers
//! (migrations `m0002_finding_tallies`, `m0006_tally_weight`); never written by the application.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "finding_tallies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub lane: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub region_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub status: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub rule: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub severity_rank: i32,
    /// Rows: what the findings list pages by.
    pub n: i64,
    /// Findings, as reports count them: a summary of N unlisted findings weighs N (`m0006`).
    pub weight: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
