//! Uploads: made when the file arrives, then either failed with a reason or stored whole with
//! its sheets, records and findings in one transaction.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};

use crate::access::Viewer;
use crate::entity::{record, registry, sheet, upload, user};
use crate::findings::{Coverage, Incoming, MergeSummary, merge};
use crate::{Store, StoreError, now};

/// Findings per INSERT: far below SQLite's 32,766 bound values per statement at 20 columns.
pub const CHUNK: usize = 1000;

/// Records per stored run (one `records` row).
pub const RUN: usize = 1000;

/// `[[row, {..}], ...]` from records already serialised one by one.
fn run_json(run: &[(i32, String)]) -> String {
    let mut out = String::with_capacity(run.iter().map(|r| r.1.len() + 12).sum::<usize>() + 2);
    out.push('[');
    for (i, (row, fields)) in run.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        out.push_str(&row.to_string());
        out.push(',');
        out.push_str(fields);
        out.push(']');
    }
    out.push(']');
    out
}

pub struct NewUpload<'a> {
    pub sha256: &'a str,
    pub file_name: &'a str,
    pub size: i64,
    pub mode: &'a str,
    pub uploader_id: i32,
    pub institution_id: Option<i32>,
    pub region_code: &'a str,
    pub pack: &'a str,
    pub as_of: NaiveDate,
}

/// A sheet as ingest read it, with its records as JSON objects.
pub struct SheetResult {
    pub name: String,
    pub dataset: Option<String>,
    pub header_row: Option<i32>,
    pub institution: String,
    pub records: Vec<(i32, String)>,
}

impl Store {
    /// An earlier upload of the same bytes into the same lane (same institution or, for a
    /// regulator's upload, same uploader), which a repeated upload returns instead.
    pub async fn duplicate_upload(
        &self,
        new: &NewUpload<'_>,
    ) -> Result<Option<upload::Model>, StoreError> {
        let owner = match new.institution_id {
            Some(id) => Condition::all().add(upload::Column::InstitutionId.eq(id)),
            None => Condition::all()
                .add(upload::Column::InstitutionId.is_null())
                .add(upload::Column::UploaderId.eq(new.uploader_id)),
        };
        Ok(upload::Entity::find()
            .filter(upload::Column::Sha256.eq(new.sha256))
            .filter(upload::Column::Mode.eq(new.mode))
            .filter(upload::Column::Status.ne("failed"))
            .filter(owner)
            .one(&self.db)
            .await?)
    }

    pub async fn create_upload(&self, new: &NewUpload<'_>) -> Result<upload::Model, StoreError> {
        Ok(upload::ActiveModel {
            sha256: Set(new.sha256.to_owned()),
            file_name: Set(new.file_name.to_owned()),
            size: Set(new.size),
            mode: Set(new.mode.to_owned()),
            status: Set("queued".into()),
            error_zh: Set(None),
            error_en: Set(None),
            uploader_id: Set(new.uploader_id),
            institution_id: Set(new.institution_id),
            region_code: Set(new.region_code.to_owned()),
            pack: Set(new.pack.to_owned()),
            as_of: Set(new.as_of),
            rows_read: Set(0),
            findings_count: Set(0),
            created_at: Set(now()),
            finished_at: Set(None),
            submitted_at: Set(None),
            ..Default::default()
        }
        .insert(&self.db)
        .await?)
    }

    pub async fn set_upload_status(&self, id: i32, status: &str) -> Result<(), StoreError> {
        upload::ActiveModel {
            id: Set(id),
            status: Set(status.to_owned()),
            ..Default::default()
        }
        .update(&self.db)
        .await?;
        Ok(())
    }

    /// The upload could not be read: it is kept with its reason, and nothing else is stored.
    pub async fn fail_upload(&self, id: i32, zh: &str, en: &str) -> Result<(), StoreError> {
        upload::ActiveModel {
            id: Set(id),
            status: Set("failed".into()),
            error_zh: Set(Some(zh.to_owned())),
            error_en: Set(Some(en.to_owned())),
            finished_at: Set(Some(now())),
            ..Default::default()
        }
        .update(&self.db)
        .await?;
        Ok(())
    }

    /// Fails the uploads still queued or processing that arrived before `created_before`: a
    /// restart or a crash cut them off, and none would ever finish. The message says so, and
    /// the same file can be uploaded again (a failed upload is no duplicate). Returns how many.
    pub async fn fail_stale_uploads(
        &self,
        created_before: chrono::DateTime<chrono::Utc>,
    ) -> Result<u64, StoreError> {
        let cut_off = upload::Entity::update_many()
            .col_expr(upload::Column::Status, Expr::value("failed"))
            .col_expr(
                upload::Column::ErrorZh,
                Expr::value("处理被中断（服务器重启或处理超时），请重新上传该文件"),
            )
            .col_expr(
                upload::Column::ErrorEn,
                Expr::value(
                    "processing was cut off (a server restart or a time-out); upload the file again",
                ),
            )
            .col_expr(upload::Column::FinishedAt, Expr::value(now()))
            .filter(upload::Column::Status.is_in(["queued", "processing"]))
            .filter(upload::Column::CreatedAt.lt(created_before))
            .exec(&self.db)
            .await?;
        Ok(cut_off.rows_affected)
    }

    /// Stores what an upload yielded, all or nothing, and merges its findings into the cases of
    /// its institution and lane. `records` are the record keys the upload holds (as
    /// [`Coverage::Records`] reads them): the live cases it no longer shows are resolved only
    /// when about one of them, and never by an institution's own official upload, since the
    /// official cases are a regulator's to resolve.
    pub async fn store_results(
        &self,
        up: &upload::Model,
        sheets: Vec<SheetResult>,
        findings: Vec<Incoming>,
        records: &HashSet<u128>,
    ) -> Result<MergeSummary, StoreError> {
        let txn = self.db.begin().await?;
        let by_institution = user::Entity::find_by_id(up.uploader_id)
            .one(&txn)
            .await?
            .is_some_and(|u| u.role == "institution");
        let mut rows_read = 0i64;
        let mut datasets: Vec<String> = Vec::new();
        for s in sheets {
            let saved = sheet::ActiveModel {
                upload_id: Set(up.id),
                name: Set(s.name),
                dataset: Set(s.dataset.clone()),
                rows: Set(s.records.len() as i64),
                header_row: Set(s.header_row),
                institution: Set(s.institution),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            rows_read += s.records.len() as i64;
            if let Some(d) = s.dataset {
                if up.mode == "registry" {
                    registry::ActiveModel {
                        region_code: Set(up.region_code.clone()),
                        dataset: Set(d.clone()),
                        upload_id: Set(up.id),
                        rows: Set(s.records.len() as i64),
                        active: Set(true),
                        created_at: Set(now()),
                        ..Default::default()
                    }
                    .insert(&txn)
                    .await?;
                }
                if !datasets.contains(&d) {
                    datasets.push(d);
                }
            }
            let runs: Vec<record::ActiveModel> = s
                .records
                .chunks(RUN)
                .map(|run| record::ActiveModel {
                    upload_id: Set(up.id),
                    sheet_id: Set(saved.id),
                    first_row: Set(run.first().map_or(0, |r| r.0)),
                    last_row: Set(run.last().map_or(0, |r| r.0)),
                    records: Set(run.len() as i32),
                    fields: Set(run_json(run)),
                    ..Default::default()
                })
                .collect();
            for batch in runs.chunks(50) {
                record::Entity::insert_many(batch.to_vec())
                    .exec_without_returning(&txn)
                    .await?;
            }
        }
        let lane = if up.mode == "self_check" {
            "self_check"
        } else {
            "official"
        };
        // A summary finding stands for the findings it did not list one by one.
        let count: i64 = findings.iter().map(|f| i64::from(f.unlisted.max(1))).sum();
        let count = i32::try_from(count).unwrap_or(i32::MAX);
        let summary = if up.mode == "registry" {
            MergeSummary::default()
        } else {
            let coverage = if lane == "official" && by_institution {
                Coverage::Nothing
            } else {
                Coverage::Records(records)
            };
            merge(&txn, up, lane, &datasets, findings, None, coverage).await?
        };
        if lane == "official" && up.mode != "registry" {
            crate::outbox::queue_for_upload(&txn, up.id, now()).await?;
        }
        upload::ActiveModel {
            id: Set(up.id),
            status: Set("done".into()),
            institution_id: Set(up.institution_id),
            region_code: Set(up.region_code.clone()),
            rows_read: Set(rows_read),
            findings_count: Set(count),
            finished_at: Set(Some(now())),
            ..Default::default()
        }
        .update(&txn)
        .await?;
        txn.commit().await?;
        Ok(summary)
    }

    /// The upload, if the viewer may see it, with its sheets.
    pub async fn upload_for(
        &self,
        viewer: &Viewer,
        id: i32,
    ) -> Result<(upload::Model, Vec<sheet::Model>), StoreError> {
        let up = upload::Entity::find_by_id(id)
            .filter(viewer.uploads())
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        let sheets = sheet::Entity::find()
            .filter(sheet::Column::UploadId.eq(id))
            .order_by_asc(sheet::Column::Id)
            .all(&self.db)
            .await?;
        Ok((up, sheets))
    }

    pub async fn list_uploads(
        &self,
        viewer: &Viewer,
        page: u64,
        per_page: u64,
    ) -> Result<(Vec<upload::Model>, u64), StoreError> {
        let query = upload::Entity::find().filter(viewer.uploads());
        let total = query.clone().count(&self.db).await?;
        let items = query
            .order_by_desc(upload::Column::Id)
            .offset(page.saturating_sub(1) * per_page)
            .limit(per_page)
            .all(&self.db)
            .await?;
        Ok((items, total))
    }

    /// Registry uploads that judge ledgers of `region`: those of the region itself and of the
    /// regions containing it, newest first.
    /// The uploads of the active registries of one dataset (e.g. `institution`), newest first.
    pub async fn active_registry_uploads(
        &self,
        dataset: &str,
    ) -> Result<Vec<upload::Model>, StoreError> {
        let ids: Vec<i32> = registry::Entity::find()
            .filter(registry::Column::Active.eq(true))
            .filter(registry::Column::Dataset.eq(dataset))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|r| r.upload_id)
            .collect();
        Ok(upload::Entity::find()
            .filter(upload::Column::Id.is_in(ids))
            .order_by_desc(upload::Column::Id)
            .all(&self.db)
            .await?)
    }

    pub async fn registries_for(&self, region: &str) -> Result<Vec<upload::Model>, StoreError> {
        let regs = registry::Entity::find()
            .filter(registry::Column::Active.eq(true))
            .order_by_desc(registry::Column::Id)
            .all(&self.db)
            .await?;
        let mut ids: Vec<i32> = regs
            .iter()
            .filter(|r| region.starts_with(&r.region_code))
            .map(|r| r.upload_id)
            .collect();
        ids.dedup();
        Ok(upload::Entity::find()
            .filter(upload::Column::Id.is_in(ids))
            .order_by_desc(upload::Column::Id)
            .all(&self.db)
            .await?)
    }

    /// Every registry the viewer may see, newest first.
    pub async fn list_registries(
        &self,
        viewer: &Viewer,
    ) -> Result<Vec<registry::Model>, StoreError> {
        Ok(registry::Entity::find()
            .filter(viewer.registries())
            .order_by_desc(registry::Column::Id)
            .all(&self.db)
            .await?)
    }

    /// One page (from 1) of the registries the viewer may see, newest first, and how many
    /// there are in all.
    pub async fn registries_page(
        &self,
        viewer: &Viewer,
        page: u64,
        per_page: u64,
    ) -> Result<(Vec<registry::Model>, u64), StoreError> {
        let query = registry::Entity::find().filter(viewer.registries());
        let total = query.clone().count(&self.db).await?;
        let items = query
            .order_by_desc(registry::Column::Id)
            .offset(page.saturating_sub(1).saturating_mul(per_page))
            .limit(per_page)
            .all(&self.db)
            .await?;
        Ok((items, total))
    }

    pub async fn sheets_of(&self, upload_id: i32) -> Result<Vec<sheet::Model>, StoreError> {
        Ok(sheet::Entity::find()
            .filter(sheet::Column::UploadId.eq(upload_id))
            .order_by_asc(sheet::Column::Id)
            .all(&self.db)
            .await?)
    }

    /// The records at `rows` of a sheet, as stored: row → JSON object of its fields.
    pub async fn records_of(
        &self,
        sheet_id: i32,
        rows: &[i32],
    ) -> Result<HashMap<i32, String>, StoreError> {
        let (Some(lo), Some(hi)) = (rows.iter().min(), rows.iter().max()) else {
            return Ok(HashMap::new());
        };
        let runs = record::Entity::find()
            .filter(record::Column::SheetId.eq(sheet_id))
            .filter(record::Column::FirstRow.lte(*hi))
            .filter(record::Column::LastRow.gte(*lo))
            .all(&self.db)
            .await?;
        let mut out = HashMap::new();
        for run in runs {
            let parsed: Vec<(i32, serde_json::Value)> =
                serde_json::from_str(&run.fields).unwrap_or_default();
            for (row, fields) in parsed {
                if rows.contains(&row) {
                    out.insert(row, fields.to_string());
                }
            }
        }
        Ok(out)
    }

    /// An institution's self-check becomes official: regulators see it from now on, and its
    /// findings join the institution's official cases.
    pub async fn submit_upload(
        &self,
        viewer: &Viewer,
        id: i32,
    ) -> Result<(upload::Model, MergeSummary), StoreError> {
        let (up, sheets) = self.upload_for(viewer, id).await?;
        if up.mode != "self_check" {
            return Err(StoreError::conflict(
                "not_self_check",
                "只有自查上传可以正式提交",
                "only a self-check upload can be submitted officially",
            ));
        }
        if up.status != "done" {
            return Err(StoreError::conflict(
                "upload_not_done",
                "上传尚未处理完成",
                "the upload has not finished processing",
            ));
        }
        let txn = self.db.begin().await?;
        let incoming = crate::findings::of_upload(&txn, up.id, "self_check").await?;
        let datasets: Vec<String> = sheets.iter().filter_map(|s| s.dataset.clone()).collect();
        let mut official = up.clone();
        official.mode = "official".into();
        let summary = merge(
            &txn,
            &official,
            "official",
            &datasets,
            incoming,
            Some(viewer.user_id),
            // An institution's submission adds to the official cases; it does not close the
            // ones a regulator opened.
            Coverage::Nothing,
        )
        .await?;
        crate::outbox::queue_for_upload(&txn, up.id, now()).await?;
        let updated = upload::ActiveModel {
            id: Set(up.id),
            mode: Set("official".into()),
            submitted_at: Set(Some(now())),
            ..Default::default()
        }
        .update(&txn)
        .await?;
        txn.commit().await?;
        Ok((updated, summary))
    }
}
