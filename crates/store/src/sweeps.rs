//! Sweep runs: claimed once through a unique key (the database is the coordinator between
//! replicas), then stored whole: the re-judged findings of every institution, the digests they
//! call for and the run's counts, in one transaction.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, Statement, TransactionTrait,
};
use serde::Serialize;

use crate::access::Viewer;
use crate::entity::{finding, sheet, sweep_run, upload};
use crate::findings::{Coverage, Incoming, MergeSummary, merge};
use crate::outbox::queue_digests;
use crate::teams::manages;
use crate::{Store, StoreError};

/// The PostgreSQL advisory lock key that serialises sweeps' merges across replicas.
const SWEEP_LOCK: i64 = 0x0061_7564_6974_0001;

/// A run to claim.
pub struct NewRun<'a> {
    pub claim_key: &'a str,
    pub schedule_id: Option<i32>,
    pub region_code: Option<&'a str>,
    pub due_at: Option<DateTime<Utc>>,
}

/// An official upload with the datasets its sheets hold: what a sweep judges again.
#[derive(Debug, Clone)]
pub struct StoredLedger {
    pub upload: upload::Model,
    pub datasets: Vec<String>,
}

/// The findings of one upload judged again, for the datasets it is the latest of.
pub struct Rejudged {
    /// The upload, with `as_of` set to the sweep's date.
    pub upload: upload::Model,
    pub datasets: Vec<String>,
    pub findings: Vec<Incoming>,
    /// The record keys the upload holds, for the cases its findings' absence resolves; `None`
    /// for a registry, which is judged whole.
    pub records: Option<HashSet<u128>>,
}

/// What a stored sweep did.
#[derive(Debug, Default, Clone, Serialize)]
pub struct SweepSummary {
    pub merged: MergeSummary,
    /// Findings opened, by rule, a summary of N unlisted findings counting as N.
    pub counts: BTreeMap<String, u64>,
    /// Findings opened in all, weighed as `counts` (`merged.opened` counts cases).
    pub opened: u64,
    pub digests: u64,
}

impl Store {
    /// Inserts the run if its key is new. `None`: another process claimed it first.
    pub async fn claim_run(
        &self,
        new: &NewRun<'_>,
        at: DateTime<Utc>,
    ) -> Result<Option<sweep_run::Model>, StoreError> {
        let row = sweep_run::ActiveModel {
            claim_key: Set(new.claim_key.to_owned()),
            schedule_id: Set(new.schedule_id),
            region_code: Set(new.region_code.map(str::to_owned)),
            due_at: Set(new.due_at),
            status: Set("running".into()),
            started_at: Set(at),
            finished_at: Set(None),
            counts: Set("{}".into()),
            errors: Set("[]".into()),
            findings_opened: Set(0),
            ..Default::default()
        };
        let res = sweep_run::Entity::insert(row)
            .on_conflict_do_nothing_on([sweep_run::Column::ClaimKey])
            .exec_without_returning(&self.db)
            .await?;
        if !matches!(res, sea_orm::TryInsertResult::Inserted(1)) {
            return Ok(None);
        }
        Ok(sweep_run::Entity::find()
            .filter(sweep_run::Column::ClaimKey.eq(new.claim_key))
            .one(&self.db)
            .await?)
    }

    /// Official, finished uploads of known institutions within `region`, oldest first, with
    /// their datasets.
    pub async fn stored_ledgers(
        &self,
        region: Option<&str>,
    ) -> Result<Vec<StoredLedger>, StoreError> {
        let mut q = upload::Entity::find()
            .filter(upload::Column::Mode.eq("official"))
            .filter(upload::Column::Status.eq("done"))
            .filter(upload::Column::InstitutionId.is_not_null());
        if let Some(r) = region {
            q = q.filter(upload::Column::RegionCode.starts_with(r));
        }
        let uploads = q.order_by_asc(upload::Column::Id).all(&self.db).await?;
        let mut datasets: BTreeMap<i32, Vec<String>> = BTreeMap::new();
        for chunk in uploads.chunks(crate::uploads::CHUNK) {
            let sheets = sheet::Entity::find()
                .filter(sheet::Column::UploadId.is_in(chunk.iter().map(|u| u.id)))
                .filter(sheet::Column::Dataset.is_not_null())
                .all(&self.db)
                .await?;
            for s in sheets {
                let list = datasets.entry(s.upload_id).or_default();
                if let Some(d) = s.dataset
                    && !list.contains(&d)
                {
                    list.push(d);
                }
            }
        }
        Ok(uploads
            .into_iter()
            .map(|u| StoredLedger {
                datasets: datasets.remove(&u.id).unwrap_or_default(),
                upload: u,
            })
            .collect())
    }

    /// Stores a sweep: merges each re-judged upload into its cases, queues one digest per
    /// team for the official findings the run opened, and closes the run — all or nothing.
    pub async fn store_sweep(
        &self,
        run: &sweep_run::Model,
        date: NaiveDate,
        rejudged: Vec<Rejudged>,
        errors: &[String],
        at: DateTime<Utc>,
    ) -> Result<SweepSummary, StoreError> {
        let txn = self.db.begin().await?;
        if self.backend() == DbBackend::Postgres {
            // Sweeps of several schedules on several replicas merge one at a time: two
            // concurrent merges could open the same case twice. Released at commit.
            txn.query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                format!("SELECT pg_advisory_xact_lock({SWEEP_LOCK})"),
            ))
            .await?;
        }
        // New cases get ids above the largest now; within this transaction and these uploads
        // they are exactly the ones the sweep opened.
        let before = finding::Entity::find()
            .select_only()
            .column_as(finding::Column::Id.max(), "max")
            .into_tuple::<Option<i32>>()
            .one(&txn)
            .await?
            .flatten()
            .unwrap_or(0);
        let mut summary = SweepSummary::default();
        let mut upload_ids = Vec::new();
        for r in rejudged {
            upload_ids.push(r.upload.id);
            let coverage = r.records.as_ref().map_or(Coverage::All, Coverage::Records);
            let m = merge(
                &txn,
                &r.upload,
                "official",
                &r.datasets,
                r.findings,
                None,
                coverage,
            )
            .await?;
            summary.merged.opened += m.opened;
            summary.merged.reopened += m.reopened;
            summary.merged.resolved += m.resolved;
            summary.merged.unchanged += m.unchanged;
            summary.merged.waived += m.waived;
        }
        let mut opened = Vec::new();
        for chunk in upload_ids.chunks(crate::uploads::CHUNK) {
            opened.extend(
                finding::Entity::find()
                    .filter(finding::Column::Id.gt(before))
                    .filter(finding::Column::Lane.eq("official"))
                    .filter(finding::Column::Status.eq("open"))
                    .filter(finding::Column::FirstUploadId.is_in(chunk.iter().copied()))
                    .order_by_asc(finding::Column::Id)
                    .all(&txn)
                    .await?,
            );
        }
        // Counted as the reports count: a summary of N unlisted findings is N.
        for f in &opened {
            *summary.counts.entry(f.rule.clone()).or_default() += f.weight();
        }
        summary.opened = summary.counts.values().sum();
        summary.digests = queue_digests(&txn, "sweep", run.id, date, &opened, at).await?;
        sweep_run::ActiveModel {
            id: Set(run.id),
            status: Set(if errors.is_empty() {
                "done"
            } else {
                "done_with_errors"
            }
            .into()),
            finished_at: Set(Some(at)),
            counts: Set(serde_json::to_string(&summary.counts).unwrap_or_else(|_| "{}".into())),
            errors: Set(serde_json::to_string(errors).unwrap_or_else(|_| "[]".into())),
            findings_opened: Set(i32::try_from(summary.opened).unwrap_or(i32::MAX)),
            ..Default::default()
        }
        .update(&txn)
        .await?;
        txn.commit().await?;
        Ok(summary)
    }

    /// A run that could not be stored: closed as failed with its reasons.
    pub async fn fail_run(
        &self,
        run: &sweep_run::Model,
        errors: &[String],
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sweep_run::ActiveModel {
            id: Set(run.id),
            status: Set("failed".into()),
            finished_at: Set(Some(at)),
            errors: Set(serde_json::to_string(errors).unwrap_or_else(|_| "[]".into())),
            ..Default::default()
        }
        .update(&self.db)
        .await?;
        Ok(())
    }

    /// Runs still `running` that started before `before` were cut off (a crash, a restart):
    /// they are closed as failed, so the record says so. Returns how many.
    pub async fn fail_stale_runs(
        &self,
        before: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let res = sweep_run::Entity::update_many()
            .col_expr(sweep_run::Column::Status, Expr::value("failed"))
            .col_expr(sweep_run::Column::FinishedAt, Expr::value(Some(at)))
            .col_expr(
                sweep_run::Column::Errors,
                Expr::value(r#"["中断：进程在巡查完成前停止 / interrupted: the process stopped before the sweep finished"]"#),
            )
            .filter(sweep_run::Column::Status.eq("running"))
            .filter(sweep_run::Column::StartedAt.lt(before))
            .exec(&self.db)
            .await?;
        Ok(res.rows_affected)
    }

    /// Runs the viewer may see (of its region, or of every region for admins), newest first.
    pub async fn list_runs(
        &self,
        viewer: Option<&Viewer>,
    ) -> Result<Vec<sweep_run::Model>, StoreError> {
        let runs = sweep_run::Entity::find()
            .order_by_desc(sweep_run::Column::Id)
            .limit(500)
            .all(&self.db)
            .await?;
        Ok(runs
            .into_iter()
            .filter(|r| viewer.is_none_or(|v| manages(v, r.region_code.as_deref().unwrap_or(""))))
            .collect())
    }
}
