//! Sweep schedules as stored. The expression is checked and normalised by the caller (the
//! scheduler owns the cron parser); the store keeps it and the runs claimed for it.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::access::{Viewer, valid_region};
use crate::entity::{schedule, sweep_run};
use crate::teams::{forbidden, manages};
use crate::{Store, StoreError};

impl Store {
    /// Adds a schedule whose `cron` the caller has validated. `viewer` is `None` for the
    /// command line.
    pub async fn add_schedule(
        &self,
        viewer: Option<&Viewer>,
        name: &str,
        cron: &str,
        region: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<schedule::Model, StoreError> {
        if let Some(v) = viewer {
            // A regulator's schedule sweeps its own region, never the whole country.
            let scope = region.unwrap_or("");
            if !manages(v, scope) {
                return Err(forbidden());
            }
        }
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::conflict(
                "invalid_schedule",
                "巡查计划名称不能为空",
                "a schedule needs a name",
            ));
        }
        if let Some(r) = region
            && !valid_region(r)
        {
            return Err(StoreError::conflict(
                "invalid_region",
                format!("行政区划代码 \"{r}\" 应为 2、4 或 6 位数字"),
                format!("region code \"{r}\" must be 2, 4 or 6 digits"),
            ));
        }
        if self.schedule_named(name).await?.is_some() {
            return Err(StoreError::conflict(
                "schedule_exists",
                format!("巡查计划 \"{name}\" 已存在"),
                format!("schedule \"{name}\" already exists"),
            ));
        }
        Ok(schedule::ActiveModel {
            name: Set(name.to_owned()),
            cron: Set(cron.to_owned()),
            region_code: Set(region.map(str::to_owned)),
            created_at: Set(at),
            ..Default::default()
        }
        .insert(&self.db)
        .await?)
    }

    pub async fn schedule_named(&self, name: &str) -> Result<Option<schedule::Model>, StoreError> {
        Ok(schedule::Entity::find()
            .filter(schedule::Column::Name.eq(name))
            .one(&self.db)
            .await?)
    }

    /// Schedules the viewer manages (all of them for the command line and the scheduler).
    pub async fn list_schedules(
        &self,
        viewer: Option<&Viewer>,
    ) -> Result<Vec<schedule::Model>, StoreError> {
        let all = schedule::Entity::find()
            .order_by_asc(schedule::Column::Id)
            .all(&self.db)
            .await?;
        Ok(all
            .into_iter()
            .filter(|s| viewer.is_none_or(|v| manages(v, s.region_code.as_deref().unwrap_or(""))))
            .collect())
    }

    /// The latest due time already claimed for a schedule: the scheduler runs what falls
    /// after it.
    pub async fn last_due(&self, schedule_id: i32) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(sweep_run::Entity::find()
            .filter(sweep_run::Column::ScheduleId.eq(schedule_id))
            .filter(sweep_run::Column::DueAt.is_not_null())
            .order_by_desc(sweep_run::Column::DueAt)
            .limit(1)
            .one(&self.db)
            .await?
            .and_then(|r| r.due_at))
    }
}
