//! Waivers: an institution × rule × period exemption with a justification and a document
//! number, requested by one person and approved by another; past its expiry it lapses and the
//! cases it covered reopen.

use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};

use crate::access::{Role, Viewer};
use crate::audit::{AuditEntry, record};
use crate::entity::{finding, organisation, waiver};
use crate::findings::move_status;
use crate::{Store, StoreError, now};

pub struct NewWaiver<'a> {
    pub institution_id: i32,
    pub rule: &'a str,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub justification: &'a str,
    pub document_no: &'a str,
    pub expires_on: NaiveDate,
}

impl Store {
    pub async fn request_waiver(
        &self,
        viewer: &Viewer,
        new: &NewWaiver<'_>,
    ) -> Result<waiver::Model, StoreError> {
        let org = organisation::Entity::find_by_id(new.institution_id)
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        let visible = match viewer.role {
            Role::Admin => true,
            Role::Inspector => org.region_code.starts_with(&viewer.region_code),
            Role::Institution => viewer.organisation_id == Some(org.id),
        };
        if !visible {
            return Err(StoreError::NotFound);
        }
        if new.justification.trim().is_empty() || new.document_no.trim().is_empty() {
            return Err(StoreError::conflict(
                "waiver_incomplete",
                "豁免需要理由和文件编号",
                "a waiver needs a justification and a document number",
            ));
        }
        if new.period_end < new.period_start || new.expires_on < new.period_start {
            return Err(StoreError::conflict(
                "waiver_period",
                "豁免期限不正确：结束日期早于开始日期",
                "the waiver's period ends before it starts",
            ));
        }
        let w = waiver::ActiveModel {
            institution_id: Set(org.id),
            region_code: Set(org.region_code),
            rule: Set(new.rule.to_owned()),
            period_start: Set(new.period_start),
            period_end: Set(new.period_end),
            justification: Set(new.justification.trim().to_owned()),
            document_no: Set(new.document_no.trim().to_owned()),
            requested_by: Set(viewer.user_id),
            approved_by: Set(None),
            status: Set("pending".into()),
            expires_on: Set(new.expires_on),
            created_at: Set(now()),
            decided_at: Set(None),
            ..Default::default()
        }
        .insert(&self.db)
        .await?;
        record(
            &self.db,
            AuditEntry {
                actor_id: Some(viewer.user_id),
                action: "waiver.request",
                subject_type: "waiver",
                subject_id: Some(i64::from(w.id)),
                before: None,
                after: Some(
                    serde_json::json!({"rule": w.rule, "institution_id": w.institution_id}),
                ),
            },
        )
        .await?;
        Ok(w)
    }

    /// Every waiver the viewer may see, newest first.
    pub async fn list_waivers(&self, viewer: &Viewer) -> Result<Vec<waiver::Model>, StoreError> {
        Ok(waiver::Entity::find()
            .filter(viewer.waivers())
            .order_by_desc(waiver::Column::Id)
            .all(&self.db)
            .await?)
    }

    /// One page (from 1) of the waivers the viewer may see, newest first, and how many there
    /// are in all.
    pub async fn waivers_page(
        &self,
        viewer: &Viewer,
        page: u64,
        per_page: u64,
    ) -> Result<(Vec<waiver::Model>, u64), StoreError> {
        let query = waiver::Entity::find().filter(viewer.waivers());
        let total = query.clone().count(&self.db).await?;
        let items = query
            .order_by_desc(waiver::Column::Id)
            .offset(page.saturating_sub(1).saturating_mul(per_page))
            .limit(per_page)
            .all(&self.db)
            .await?;
        Ok((items, total))
    }

    /// Approves or rejects a pending waiver. The approver must be a regulator or admin, and not
    /// the person who asked. Approval waives the institution's live cases of the rule.
    pub async fn decide_waiver(
        &self,
        viewer: &Viewer,
        id: i32,
        approve: bool,
    ) -> Result<waiver::Model, StoreError> {
        let w = waiver::Entity::find_by_id(id)
            .filter(viewer.waivers())
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        if !viewer.can_review() {
            return Err(StoreError::conflict(
                "forbidden",
                "只有监管人员可以审批豁免",
                "only a regulator can decide on a waiver",
            ));
        }
        if w.requested_by == viewer.user_id {
            return Err(StoreError::conflict(
                "same_person",
                "申请人不能审批自己的豁免",
                "a waiver must be approved by someone other than its requester",
            ));
        }
        if w.status != "pending" {
            return Err(StoreError::conflict(
                "waiver_decided",
                format!("该豁免已是 {} 状态", w.status),
                format!("the waiver is already {}", w.status),
            ));
        }
        let status = if approve { "approved" } else { "rejected" };
        let txn = self.db.begin().await?;
        let updated = waiver::ActiveModel {
            id: Set(w.id),
            status: Set(status.into()),
            approved_by: Set(Some(viewer.user_id)),
            decided_at: Set(Some(now())),
            ..Default::default()
        }
        .update(&txn)
        .await?;
        if approve {
            let live = finding::Entity::find()
                .filter(finding::Column::InstitutionId.eq(w.institution_id))
                .filter(finding::Column::Rule.eq(&w.rule))
                .filter(finding::Column::Status.is_in(["open", "acknowledged", "remediating"]))
                .all(&txn)
                .await?;
            for f in live {
                move_status(
                    &txn,
                    &f,
                    "waived",
                    &format!(
                        "豁免 #{} 已批准（{}） / waiver #{} approved ({})",
                        w.id, w.document_no, w.id, w.document_no
                    ),
                    Some(viewer.user_id),
                )
                .await?;
            }
        }
        record(
            &txn,
            AuditEntry {
                actor_id: Some(viewer.user_id),
                action: if approve {
                    "waiver.approve"
                } else {
                    "waiver.reject"
                },
                subject_type: "waiver",
                subject_id: Some(i64::from(w.id)),
                before: Some(serde_json::json!({"status": w.status})),
                after: Some(serde_json::json!({"status": status})),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(updated)
    }

    /// Waivers past their expiry lapse, and the cases they waived reopen. Returns how many
    /// waivers lapsed. Run at start and by the sweeps.
    pub async fn expire_waivers(&self, today: NaiveDate) -> Result<u64, StoreError> {
        let due = waiver::Entity::find()
            .filter(waiver::Column::Status.eq("approved"))
            .filter(waiver::Column::ExpiresOn.lt(today))
            .all(&self.db)
            .await?;
        let txn = self.db.begin().await?;
        for w in &due {
            waiver::ActiveModel {
                id: Set(w.id),
                status: Set("expired".into()),
                ..Default::default()
            }
            .update(&txn)
            .await?;
            let waived = finding::Entity::find()
                .filter(finding::Column::InstitutionId.eq(w.institution_id))
                .filter(finding::Column::Rule.eq(&w.rule))
                .filter(finding::Column::Status.eq("waived"))
                .all(&txn)
                .await?;
            for f in waived {
                move_status(
                    &txn,
                    &f,
                    "open",
                    &format!(
                        "豁免 #{} 已于 {} 到期，重新打开 / waiver #{} expired on {}; reopened",
                        w.id, w.expires_on, w.id, w.expires_on
                    ),
                    None,
                )
                .await?;
            }
        }
        txn.commit().await?;
        Ok(due.len() as u64)
    }
}
