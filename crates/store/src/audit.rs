//! The audit trail: append-only, one row per change a person or the system made.

use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use crate::entity::audit_event;
use crate::now;

pub struct AuditEntry<'a> {
    pub actor_id: Option<i32>,
    pub action: &'a str,
    pub subject_type: &'a str,
    pub subject_id: Option<i64>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

pub async fn record<C: ConnectionTrait>(db: &C, e: AuditEntry<'_>) -> Result<(), sea_orm::DbErr> {
    audit_event::ActiveModel {
        actor_id: Set(e.actor_id),
        action: Set(e.action.to_owned()),
        subject_type: Set(e.subject_type.to_owned()),
        subject_id: Set(e.subject_id),
        before: Set(e.before.map(|v| v.to_string())),
        after: Set(e.after.map(|v| v.to_string())),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
