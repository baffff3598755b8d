//! A digest waiting to be mailed, sent, or given up on.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub team_id: i32,
    /// `upload:<id>` or `sweep:<run id>`; unique with the team.
    pub run_key: String,
    /// JSON array of addresses, as the team had them when the digest was queued.
    pub recipients: String,
    pub language: String,
    /// The digest as JSON (`outbox::Digest`): counts, rule ids, institutions, finding ids.
    pub payload: String,
    /// `pending`, `sent` or `dead`.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// A drain holds the message until then; another drain leaves it alone.
    pub claimed_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
