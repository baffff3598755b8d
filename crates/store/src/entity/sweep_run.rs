//! One run of a sweep: claimed once by its key, then finished with its counts or errors.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sweep_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `schedule:<id>:<due>` or `manual:<...>`; unique, so a run is claimed once.
    pub claim_key: String,
    pub schedule_id: Option<i32>,
    pub region_code: Option<String>,
    pub due_at: Option<DateTimeUtc>,
    /// `running`, `done` or `failed`.
    pub status: String,
    pub started_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
    /// JSON object: rule id -> findings opened by this run.
    pub counts: String,
    /// JSON array of error messages.
    pub errors: String,
    pub findings_opened: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
