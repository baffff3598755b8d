//! One uploaded file and what became of it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "uploads")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub sha256: String,
    pub file_name: String,
    pub size: i64,
    /// `self_check`, `official` or `registry`.
    pub mode: String,
    /// `queued`, `processing`, `done` or `failed`.
    pub status: String,
    pub error_zh: Option<String>,
    pub error_en: Option<String>,
    pub uploader_id: i32,
    pub institution_id: Option<i32>,
    pub region_code: String,
    pub pack: String,
    pub as_of: Date,
    pub rows_read: i64,
    pub findings_count: i32,
    pub created_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
    pub submitted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
