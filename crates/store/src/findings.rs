//! Findings as cases: merged across uploads by fingerprint, listed within the viewer's lane,
//! and moved through their lifecycle with an append-only history.

use std::collections::{HashMap, HashSet};

use auditor_model::{Finding, Severity};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};
use serde::Serialize;

pub use crate::finding_list::{FindingFilter, FindingSort};

use crate::access::Viewer;
use crate::entity::{finding, finding_event, finding_tally, upload, waiver};
use crate::uploads::CHUNK;
use crate::{Store, StoreError, now};

/// The lifecycle of DESIGN.md §6.
pub const STATUSES: [&str; 6] = [
    "open",
    "acknowledged",
    "remediating",
    "resolved",
    "waived",
    "false_positive",
];

/// Statuses in which a finding is still a live problem: a later upload without it resolves it.
pub const LIVE: [&str; 3] = ["open", "acknowledged", "remediating"];

/// A finding as an upload reports it, before it is merged into the stored cases.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub rule: String,
    pub severity: Severity,
    pub dataset: Option<String>,
    pub file: String,
    pub sheet: Option<String>,
    pub row: Option<i32>,
    pub cells: String,
    pub message: String,
    pub message_en: String,
    pub citation: String,
    pub fingerprint: String,
    /// JSON array of the other rows the finding rests on.
    pub related: String,
    /// On a summary finding, how many findings it stands for; 0 otherwise.
    pub unlisted: i32,
    /// The record the finding is about (`Finding::record_key`); `None` for a sheet's.
    pub record_key: Option<String>,
}

/// The stored upload an input file name stands for, and that upload's institution.
pub type SourceOf<'a> = dyn Fn(&str) -> Option<(i32, Option<i32>)> + 'a;

impl From<Finding> for Incoming {
    fn from(f: Finding) -> Self {
        Self::with_sources(f, &|_| None)
    }
}

impl Incoming {
    /// The finding with, for each related row, the stored upload its file stands for, so the
    /// row can be shown from that upload's records.
    pub fn with_sources(f: Finding, upload_of: &SourceOf<'_>) -> Self {
        let cells: Vec<String> = f.cells.iter().map(ToString::to_string).collect();
        Self {
            rule: f.rule,
            severity: f.severity,
            dataset: f.dataset.map(|d| d.as_str().to_owned()),
            file: f.file,
            sheet: f.sheet,
            row: f.row.map(|r| r as i32),
            cells: serde_json::to_string(&cells).unwrap_or_else(|_| "[]".into()),
            message: f.message,
            message_en: f.message_en,
            citation: f.citation,
            fingerprint: f.fingerprint,
            related: related_json(&f.related, upload_of),
            unlisted: i32::try_from(f.unlisted).unwrap_or(i32::MAX),
            record_key: f.record_key,
        }
    }
}

/// The related rows as stored: cells as A1 text, like the finding's own, with the upload and
/// institution of each row's file where known (`upload_of`), so a viewer is shown only rows
/// of institutions it may see.
fn related_json(related: &[auditor_model::Evidence], upload_of: &SourceOf<'_>) -> String {
    let rows: Vec<serde_json::Value> = related
        .iter()
        .map(|e| {
            let source = upload_of(&e.file);
            serde_json::json!({
                "upload_id": source.map(|s| s.0),
                "institution_id": source.and_then(|s| s.1),
                "dataset": e.dataset.map(auditor_model::Dataset::as_str),
                "file": e.file,
                "sheet": e.sheet,
                "row": e.row,
                "cells": e.cells.iter().map(ToString::to_string).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::Value::Array(rows).to_string()
}

pub(crate) fn severity_rank(s: Severity) -> i32 {
    match s {
        Severity::Low => 1,
        Severity::Medium => 2,
        Severity::High => 3,
        Severity::Critical => 4,
    }
}

/// What merging an upload's findings did to the cases.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MergeSummary {
    pub opened: u64,
    pub reopened: u64,
    pub resolved: u64,
    pub unchanged: u64,
    pub waived: u64,
}

/// The findings of one upload in one lane, as incoming findings again (for submitting a
/// self-check officially).
pub async fn of_upload<C: ConnectionTrait>(
    db: &C,
    upload_id: i32,
    lane: &str,
) -> Result<Vec<Incoming>, StoreError> {
    let rows = finding::Entity::find()
        .filter(finding::Column::LastUploadId.eq(upload_id))
        .filter(finding::Column::Lane.eq(lane))
        .filter(finding::Column::Status.ne("resolved"))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|f| Incoming {
            severity: f.severity.parse().unwrap_or(Severity::Medium),
            rule: f.rule,
            dataset: f.dataset,
            file: f.file,
            sheet: f.sheet,
            row: f.row_no,
            cells: f.cells,
            message: f.message,
            message_en: f.message_en,
            citation: f.citation,
            fingerprint: f.fingerprint,
            related: f.related,
            unlisted: f.unlisted,
            record_key: f.record_key,
        })
        .collect())
}

/// Which live cases an upload that no longer shows them resolves.
#[derive(Debug, Clone, Copy)]
pub enum Coverage<'a> {
    /// Every one (a registry judged again by a sweep: it is the whole registry).
    All,
    /// Those about a record the upload holds again (by `record_key`, as
    /// `u128::from_str_radix(key, 16)`), and those about no record (a sheet's, a file's):
    /// next month's register, holding other women, leaves this month's cases open.
    Records(&'a HashSet<u128>),
    /// None: an institution's own upload or submission does not close a regulator's cases;
    /// a regulator resolves them.
    Nothing,
}

impl Coverage<'_> {
    fn covers(self, case: &finding::Model) -> bool {
        match self {
            Self::All => true,
            Self::Nothing => false,
            Self::Records(keys) => case
                .record_key
                .as_deref()
                .is_none_or(|k| u128::from_str_radix(k, 16).is_ok_and(|k| keys.contains(&k))),
        }
    }
}

/// Merges `incoming` into the cases of `up`'s institution (or, without one, its region and
/// region) in `lane`, for the datasets the upload contained: new fingerprints open cases,
/// known ones are refreshed, resolved ones that came back reopen, and live ones the upload no
/// longer shows are resolved where `coverage` says it speaks for them. Only an upload whose institution is known resolves anything:
/// ledgers of unknown owners in one region are not the same ledger. A live approved waiver for
/// the rule makes a case waived.
pub async fn merge<C: ConnectionTrait>(
    db: &C,
    up: &upload::Model,
    lane: &str,
    datasets: &[String],
    incoming: Vec<Incoming>,
    actor: Option<i32>,
    coverage: Coverage<'_>,
) -> Result<MergeSummary, StoreError> {
    let mut summary = MergeSummary::default();
    let scope = {
        let owner = match up.institution_id {
            Some(id) => Condition::all().add(finding::Column::InstitutionId.eq(id)),
            None => Condition::all()
                .add(finding::Column::InstitutionId.is_null())
                .add(finding::Column::RegionCode.eq(&up.region_code)),
        };
        let data = Condition::any()
            .add(finding::Column::Dataset.is_in(datasets.iter().cloned()))
            .add(
                Condition::all()
                    .add(finding::Column::Dataset.is_null())
                    .add(finding::Column::File.eq(&up.file_name)),
            );
        Condition::all()
            .add(finding::Column::Lane.eq(lane))
            .add(owner)
            .add(data)
    };
    let existing: HashMap<String, finding::Model> = finding::Entity::find()
        .filter(scope)
        .all(db)
        .await?
        .into_iter()
        .map(|f| (f.fingerprint.clone(), f))
        .collect();
    let waivers = match up.institution_id {
        Some(id) => {
            waiver::Entity::find()
                .filter(waiver::Column::InstitutionId.eq(id))
                .filter(waiver::Column::Status.eq("approved"))
                .all(db)
                .await?
        }
        None => Vec::new(),
    };
    let waived = |rule: &str| {
        waivers.iter().any(|w| {
            w.rule == rule
                && w.period_start <= up.as_of
                && up.as_of <= w.period_end
                && up.as_of <= w.expires_on
        })
    };
    let at = now();
    let mut seen: HashSet<String> = HashSet::with_capacity(incoming.len());
    let mut new_models: Vec<finding::ActiveModel> = Vec::new();
    let mut events: Vec<finding_event::ActiveModel> = Vec::new();
    let note = |zh: &str, en: &str| format!("{zh} / {en}");
    for f in incoming {
        if !seen.insert(f.fingerprint.clone()) {
            continue;
        }
        if let Some(old) = existing.get(&f.fingerprint) {
            let mut status = old.status.clone();
            if status == "resolved" {
                status = if waived(&f.rule) { "waived" } else { "open" }.into();
                summary.reopened += 1;
                events.push(event(
                    old.id,
                    &old.status,
                    &status,
                    note(
                        &format!("上传 #{} 中再次出现，重新打开", up.id),
                        &format!("reappeared in upload #{}; reopened", up.id),
                    ),
                    actor,
                    up.id,
                ));
            } else {
                summary.unchanged += 1;
            }
            finding::ActiveModel {
                id: Set(old.id),
                last_upload_id: Set(up.id),
                status: Set(status),
                severity: Set(f.severity.as_str().to_owned()),
                severity_rank: Set(severity_rank(f.severity)),
                file: Set(f.file),
                sheet: Set(f.sheet),
                row_no: Set(f.row),
                cells: Set(f.cells),
                related: Set(f.related),
                unlisted: Set(f.unlisted),
                record_key: Set(f.record_key),
                message: Set(f.message),
                message_en: Set(f.message_en),
                updated_at: Set(at),
                ..Default::default()
            }
            .update(db)
            .await?;
            continue;
        }
        let status = if waived(&f.rule) {
            summary.waived += 1;
            "waived"
        } else {
            summary.opened += 1;
            "open"
        };
        new_models.push(finding::ActiveModel {
            lane: Set(lane.to_owned()),
            region_code: Set(up.region_code.clone()),
            institution_id: Set(up.institution_id),
            first_upload_id: Set(up.id),
            last_upload_id: Set(up.id),
            rule: Set(f.rule),
            severity: Set(f.severity.as_str().to_owned()),
            severity_rank: Set(severity_rank(f.severity)),
            dataset: Set(f.dataset),
            file: Set(f.file),
            sheet: Set(f.sheet),
            row_no: Set(f.row),
            cells: Set(f.cells),
            message: Set(f.message),
            message_en: Set(f.message_en),
            citation: Set(f.citation),
            fingerprint: Set(f.fingerprint),
            related: Set(f.related),
            unlisted: Set(f.unlisted),
            record_key: Set(f.record_key),
            status: Set(status.to_owned()),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        });
        if new_models.len() == CHUNK / 4 {
            finding::Entity::insert_many(std::mem::take(&mut new_models))
                .exec_without_returning(db)
                .await?;
        }
    }
    if !new_models.is_empty() {
        finding::Entity::insert_many(new_models)
            .exec_without_returning(db)
            .await?;
    }
    // Live cases the upload no longer shows are resolved by it, where it speaks for them.
    let gone: Vec<&finding::Model> = existing
        .values()
        .filter(|_| up.institution_id.is_some())
        .filter(|f| coverage.covers(f))
        .filter(|f| !seen.contains(&f.fingerprint) && LIVE.contains(&f.status.as_str()))
        .collect();
    summary.resolved = gone.len() as u64;
    for chunk in gone.chunks(CHUNK) {
        finding::Entity::update_many()
            .col_expr(finding::Column::Status, "resolved".into())
            .col_expr(finding::Column::UpdatedAt, at.into())
            .filter(finding::Column::Id.is_in(chunk.iter().map(|f| f.id)))
            .exec(db)
            .await?;
        for f in chunk {
            events.push(event(
                f.id,
                &f.status,
                "resolved",
                note(
                    &format!("上传 #{} 中已不再出现，自动解决", up.id),
                    &format!("gone from upload #{}; resolved automatically", up.id),
                ),
                actor,
                up.id,
            ));
        }
    }
    for chunk in events.chunks(CHUNK / 4) {
        finding_event::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(summary)
}

fn event(
    finding_id: i32,
    from: &str,
    to: &str,
    note: String,
    actor: Option<i32>,
    upload_id: i32,
) -> finding_event::ActiveModel {
    finding_event::ActiveModel {
        finding_id: Set(finding_id),
        from_status: Set(Some(from.to_owned())),
        to_status: Set(to.to_owned()),
        note: Set(note),
        actor_id: Set(actor),
        upload_id: Set(Some(upload_id)),
        created_at: Set(now()),
        ..Default::default()
    }
}

/// Which changes people may make. Institutions work on their cases; only regulators (and
/// admins) close official ones, call them false positives or reopen them. Waiving is done by
/// approving a waiver, never by hand.
pub fn allowed(from: &str, to: &str, viewer: &Viewer, lane: &str) -> bool {
    let by_lifecycle = matches!(
        (from, to),
        (
            "open",
            "acknowledged" | "remediating" | "resolved" | "false_positive"
        ) | (
            "acknowledged",
            "remediating" | "resolved" | "false_positive"
        ) | (
            "remediating",
            "resolved" | "false_positive" | "acknowledged"
        ) | ("resolved" | "false_positive" | "waived", "open")
    );
    let by_role =
        viewer.can_review() || lane == "self_check" || matches!(to, "acknowledged" | "remediating");
    by_lifecycle && by_role
}

impl Store {
    /// A finding the viewer may see, with its history (oldest first).
    pub async fn finding_for(
        &self,
        viewer: &Viewer,
        id: i32,
    ) -> Result<(finding::Model, Vec<finding_event::Model>), StoreError> {
        let f = finding::Entity::find_by_id(id)
            .filter(viewer.findings())
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        let events = finding_event::Entity::find()
            .filter(finding_event::Column::FindingId.eq(id))
            .order_by_asc(finding_event::Column::Id)
            .all(&self.db)
            .await?;
        Ok((viewer.shown(f), events))
    }

    /// Moves a finding to `to`, recording who, when and why.
    pub async fn transition(
        &self,
        viewer: &Viewer,
        id: i32,
        to: &str,
        note: &str,
    ) -> Result<finding::Model, StoreError> {
        if !STATUSES.contains(&to) {
            return Err(StoreError::conflict(
                "invalid_status",
                format!("未知状态 \"{to}\"，可选：{}", STATUSES.join("、")),
                format!("unknown status \"{to}\"; one of {}", STATUSES.join(", ")),
            ));
        }
        if note.trim().is_empty() {
            return Err(StoreError::conflict(
                "note_required",
                "每次状态变更都需要说明",
                "every change of status needs a note",
            ));
        }
        let txn = self.db.begin().await?;
        let f = finding::Entity::find_by_id(id)
            .filter(viewer.findings())
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        if !allowed(&f.status, to, viewer, &f.lane) {
            return Err(StoreError::conflict(
                "transition_forbidden",
                format!("不能将状态从 {} 改为 {to}", f.status),
                format!("a finding cannot go from {} to {to} by your hand", f.status),
            ));
        }
        let updated = move_status(&txn, &f, to, note.trim(), Some(viewer.user_id)).await?;
        crate::audit::record(
            &txn,
            crate::audit::AuditEntry {
                actor_id: Some(viewer.user_id),
                action: "finding.transition",
                subject_type: "finding",
                subject_id: Some(i64::from(f.id)),
                before: Some(serde_json::json!({"status": f.status})),
                after: Some(serde_json::json!({"status": to, "note": note.trim()})),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(viewer.shown(updated))
    }

    /// Counts by status of the findings the viewer may see; waived ones are counted apart. A
    /// rule's summary of N unlisted findings counts as N, as in the reports.
    pub async fn finding_counts(&self, viewer: &Viewer) -> Result<Vec<(String, u64)>, StoreError> {
        let tallied: HashMap<String, i64> = match viewer.tallies() {
            Some(scope) => finding_tally::Entity::find()
                .select_only()
                .column(finding_tally::Column::Status)
                .column_as(Expr::cust("CAST(SUM(weight) AS BIGINT)"), "n")
                .filter(scope)
                .group_by(finding_tally::Column::Status)
                .into_tuple::<(String, i64)>()
                .all(&self.db)
                .await?
                .into_iter()
                .collect(),
            None => HashMap::new(),
        };
        let mut out = Vec::new();
        for s in STATUSES {
            let n = if viewer.tallies().is_some() {
                tallied.get(s).copied().unwrap_or(0) as u64
            } else {
                finding::Entity::find()
                    .select_only()
                    .expr_as(Expr::cust(crate::dashboard::WEIGHT), "n")
                    .filter(viewer.findings())
                    .filter(finding::Column::Status.eq(s))
                    .into_tuple::<Option<i64>>()
                    .one(&self.db)
                    .await?
                    .flatten()
                    .unwrap_or(0) as u64
            };
            out.push((s.to_owned(), n));
        }
        Ok(out)
    }
}

/// Moves `f` to `to` and appends the change, with its note and actor, to its history.
pub(crate) async fn move_status<C: ConnectionTrait>(
    db: &C,
    f: &finding::Model,
    to: &str,
    note: &str,
    actor: Option<i32>,
) -> Result<finding::Model, StoreError> {
    let updated = finding::ActiveModel {
        id: Set(f.id),
        status: Set(to.to_owned()),
        updated_at: Set(now()),
        ..Default::default()
    }
    .update(db)
    .await?;
    finding_event::ActiveModel {
        finding_id: Set(f.id),
        from_status: Set(Some(f.status.clone())),
        to_status: Set(to.to_owned()),
        note: Set(note.to_owned()),
        actor_id: Set(actor),
        upload_id: Set(None),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(updated)
}
