//! The figures of the web dashboard: live findings grouped by severity, rule and institution,
//! a monthly trend, and an upload's findings by rule. Grouped in SQL, so they cost the same on
//! a hundred findings and on a million.

use chrono::{Datelike, NaiveDate};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::access::Viewer;
use crate::entity::{finding, organisation, upload};
use crate::findings::LIVE;
use crate::{Store, StoreError};

/// Live findings (open, acknowledged, remediating) the viewer may see, in figures.
#[derive(Debug, Default, Clone)]
pub struct Dashboard {
    /// (severity, count), most severe first.
    pub by_severity: Vec<(String, u64)>,
    /// (rule, count), largest first, at most ten.
    pub by_rule: Vec<(String, u64)>,
    /// (institution id, name, count), largest first, at most ten.
    pub by_institution: Vec<(Option<i32>, String, u64)>,
    /// (institution id, name, critical count), largest first, at most five.
    pub most_critical: Vec<(Option<i32>, String, u64)>,
    /// (first day of month, findings first seen that month), oldest first, twelve months.
    pub trend: Vec<(NaiveDate, u64)>,
}

const SEVERITIES: [&str; 4] = ["critical", "high", "medium", "low"];

/// A finding counts as one, a rule's summary of the findings it did not list one by one as the
/// `unlisted` findings it stands for (`m0005_unlisted`). The tallies keep the same sum in
/// `weight` (`m0006_tally_weight`).
pub(crate) const WEIGHT: &str =
    "CAST(SUM(CASE WHEN unlisted > 0 THEN unlisted ELSE 1 END) AS BIGINT)";

/// The first day of the month `back` months before `d`'s (negative: after).
fn month_start(d: NaiveDate, back: i32) -> Option<NaiveDate> {
    let months = d.year() * 12 + d.month0() as i32 - back;
    NaiveDate::from_ymd_opt(months.div_euclid(12), (months.rem_euclid(12) + 1) as u32, 1)
}

impl Store {
    fn live(viewer: &Viewer) -> Condition {
        Condition::all()
            .add(viewer.findings())
            .add(finding::Column::Status.is_in(LIVE))
    }

    /// Counts of the findings matching `cond` by a text column.
    async fn grouped(
        &self,
        cond: Condition,
        column: finding::Column,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(finding::Entity::find()
            .filter(cond)
            .select_only()
            .column(column)
            .expr_as(Expr::cust(WEIGHT), "n")
            .group_by(column)
            .into_tuple::<(String, i64)>()
            .all(&self.db)
            .await?)
    }

    async fn institution_name(&self, id: Option<i32>) -> Result<String, StoreError> {
        Ok(match id {
            Some(id) => organisation::Entity::find_by_id(id)
                .one(&self.db)
                .await?
                .map_or_else(|| format!("#{id}"), |o| o.name),
            None => String::new(),
        })
    }

    async fn by_institution(
        &self,
        cond: Condition,
        limit: usize,
    ) -> Result<Vec<(Option<i32>, String, u64)>, StoreError> {
        let mut rows: Vec<(Option<i32>, u64)> = finding::Entity::find()
            .filter(cond)
            .select_only()
            .column(finding::Column::InstitutionId)
            .expr_as(Expr::cust(WEIGHT), "n")
            .group_by(finding::Column::InstitutionId)
            .into_tuple::<(Option<i32>, i64)>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|(k, n)| (k, n as u64))
            .collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        rows.truncate(limit);
        let mut out = Vec::with_capacity(rows.len());
        for (id, n) in rows {
            out.push((id, self.institution_name(id).await?, n));
        }
        Ok(out)
    }

    /// The dashboard of `viewer` on `today` (the last month of the trend).
    pub async fn dashboard(
        &self,
        viewer: &Viewer,
        today: NaiveDate,
    ) -> Result<Dashboard, StoreError> {
        let sev = self
            .grouped(Self::live(viewer), finding::Column::Severity)
            .await?;
        let by_severity = SEVERITIES
            .iter()
            .map(|s| {
                let n = sev
                    .iter()
                    .find(|(k, _)| k == s)
                    .map_or(0, |(_, n)| *n as u64);
                ((*s).to_owned(), n)
            })
            .collect();
        let mut by_rule: Vec<(String, u64)> = self
            .grouped(Self::live(viewer), finding::Column::Rule)
            .await?
            .into_iter()
            .map(|(k, n)| (k, n as u64))
            .collect();
        by_rule.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        by_rule.truncate(10);
        let by_institution = self.by_institution(Self::live(viewer), 10).await?;
        let most_critical = self
            .by_institution(
                Self::live(viewer).add(finding::Column::Severity.eq("critical")),
                5,
            )
            .await?;
        let mut trend = Vec::with_capacity(12);
        for back in (0..12).rev() {
            let (Some(start), Some(end)) = (month_start(today, back), month_start(today, back - 1))
            else {
                continue;
            };
            let n = finding::Entity::find()
                .filter(viewer.findings())
                .filter(
                    finding::Column::CreatedAt.gte(start.and_hms_opt(0, 0, 0).map(|t| t.and_utc())),
                )
                .filter(
                    finding::Column::CreatedAt.lt(end.and_hms_opt(0, 0, 0).map(|t| t.and_utc())),
                )
                .select_only()
                .expr_as(Expr::cust(WEIGHT), "n")
                .into_tuple::<Option<i64>>()
                .one(&self.db)
                .await?
                .flatten()
                .unwrap_or(0);
            trend.push((start, n as u64));
        }
        Ok(Dashboard {
            by_severity,
            by_rule,
            by_institution,
            most_critical,
            trend,
        })
    }

    /// (rule, severity, count) of the findings last seen in `upload_id`, largest first.
    pub async fn upload_rule_counts(
        &self,
        viewer: &Viewer,
        upload_id: i32,
    ) -> Result<Vec<(String, String, u64)>, StoreError> {
        let rows: Vec<(String, String, i64)> = finding::Entity::find()
            .filter(viewer.findings())
            .filter(finding::Column::LastUploadId.eq(upload_id))
            .select_only()
            .column(finding::Column::Rule)
            .column(finding::Column::Severity)
            .expr_as(Expr::cust(WEIGHT), "n")
            .group_by(finding::Column::Rule)
            .group_by(finding::Column::Severity)
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut out: Vec<(String, String, u64)> =
            rows.into_iter().map(|(r, s, n)| (r, s, n as u64)).collect();
        out.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
        Ok(out)
    }

    /// (severity, count) of live findings last seen in `upload_id`: what its readiness score
    /// counts.
    pub async fn upload_live_by_severity(
        &self,
        viewer: &Viewer,
        upload_id: i32,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        let rows = self
            .grouped(
                Self::live(viewer).add(finding::Column::LastUploadId.eq(upload_id)),
                finding::Column::Severity,
            )
            .await?;
        Ok(rows.into_iter().map(|(k, n)| (k, n as u64)).collect())
    }

    /// The institution's newest finished self-check, if any.
    pub async fn latest_self_check(
        &self,
        viewer: &Viewer,
    ) -> Result<Option<upload::Model>, StoreError> {
        Ok(upload::Entity::find()
            .filter(viewer.uploads())
            .filter(upload::Column::Mode.eq("self_check"))
            .filter(upload::Column::Status.eq("done"))
            .order_by_desc(upload::Column::Id)
            .one(&self.db)
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_step_back_across_years() {
        let d = NaiveDate::from_ymd_opt(2024, 2, 17).unwrap_or_default();
        assert_eq!(month_start(d, 0), NaiveDate::from_ymd_opt(2024, 2, 1));
        assert_eq!(month_start(d, 2), NaiveDate::from_ymd_opt(2023, 12, 1));
        assert_eq!(month_start(d, 13), NaiveDate::from_ymd_opt(2023, 1, 1));
        assert_eq!(month_start(d, -11), NaiveDate::from_ymd_opt(2025, 1, 1));
    }
}
