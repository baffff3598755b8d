//! The findings list (`GET /findings`): filters, sort orders, and how a page is read quickly
//! out of a million findings.
//!
//! Two things cost time on a long list: counting every match for the total, and sorting every
//! match for one page. When the viewer's scope and the filters are ones the finding tallies
//! record (lane, region, status, rule, severity), both are answered from the tallies: the
//! total is their sum, and for the severity and rule orders they say which severity or rule
//! holds the page, so only that part of the list is read, by id, through an index in that
//! order. Otherwise (an institution's own list, or filters by upload or date) the list is
//! counted and read as filtered.

use auditor_model::Severity;
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, DbBackend, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Select, Statement,
};

use crate::access::Viewer;
use crate::entity::{finding, finding_tally};
use crate::findings::severity_rank;
use crate::{Store, StoreError};

/// Filters of `GET /findings`; every one optional.
#[derive(Debug, Default, Clone)]
pub struct FindingFilter {
    pub upload_id: Option<i32>,
    pub institution_id: Option<i32>,
    pub rule: Option<String>,
    pub severity: Option<Severity>,
    /// At or above this severity.
    pub min_severity: Option<Severity>,
    pub status: Option<String>,
    pub lane: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingSort {
    /// Most severe first, then newest.
    Severity,
    Newest,
    Oldest,
    /// By rule id, then oldest first.
    Rule,
}

impl FindingSort {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "severity" => Some(Self::Severity),
            "newest" => Some(Self::Newest),
            "oldest" => Some(Self::Oldest),
            "rule" => Some(Self::Rule),
            _ => None,
        }
    }
}

/// Above this many matches, a list the tallies cannot plan is read in its sort order with a
/// table hint, filtering as it goes: with that many matches a page is found within a few
/// thousand rows.
const DENSE: u64 = 20_000;

/// One part of the list in sort order: the findings of one severity or one rule (or all of
/// them, for the orders by id), how many of them match, and how many there are in all.
struct Part {
    key: PartKey,
    matching: u64,
    all: u64,
}

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum PartKey {
    Everything,
    Rank(i32),
    Rule(String),
}

impl FindingFilter {
    /// The filters as conditions on findings.
    fn on_findings(&self) -> Condition {
        let mut cond = Condition::all();
        if let Some(id) = self.upload_id {
            cond = cond.add(finding::Column::LastUploadId.eq(id));
        }
        if let Some(id) = self.institution_id {
            cond = cond.add(finding::Column::InstitutionId.eq(id));
        }
        if let Some(rule) = &self.rule {
            cond = cond.add(finding::Column::Rule.eq(rule));
        }
        if let Some(s) = self.severity {
            cond = cond.add(finding::Column::SeverityRank.eq(severity_rank(s)));
        }
        if let Some(s) = self.min_severity {
            cond = cond.add(finding::Column::SeverityRank.gte(severity_rank(s)));
        }
        if let Some(s) = &self.status {
            cond = cond.add(finding::Column::Status.eq(s));
        }
        if let Some(l) = &self.lane {
            cond = cond.add(finding::Column::Lane.eq(l));
        }
        if let Some(d) = self.from {
            cond = cond
                .add(finding::Column::CreatedAt.gte(d.and_hms_opt(0, 0, 0).map(|t| t.and_utc())));
        }
        if let Some(d) = self.to.and_then(|d| d.succ_opt()) {
            cond = cond
                .add(finding::Column::CreatedAt.lt(d.and_hms_opt(0, 0, 0).map(|t| t.and_utc())));
        }
        cond
    }

    /// The same filters on the tallies, or `None` when one of them (upload, institution,
    /// dates) is not something the tallies count by.
    fn on_tallies(&self) -> Option<Condition> {
        if self.upload_id.is_some()
            || self.institution_id.is_some()
            || self.from.is_some()
            || self.to.is_some()
        {
            return None;
        }
        let mut cond = Condition::all();
        if let Some(rule) = &self.rule {
            cond = cond.add(finding_tally::Column::Rule.eq(rule));
        }
        if let Some(s) = self.severity {
            cond = cond.add(finding_tally::Column::SeverityRank.eq(severity_rank(s)));
        }
        if let Some(s) = self.min_severity {
            cond = cond.add(finding_tally::Column::SeverityRank.gte(severity_rank(s)));
        }
        if let Some(s) = &self.status {
            cond = cond.add(finding_tally::Column::Status.eq(s));
        }
        if let Some(l) = &self.lane {
            cond = cond.add(finding_tally::Column::Lane.eq(l));
        }
        Some(cond)
    }
}

impl Store {
    pub async fn list_findings(
        &self,
        viewer: &Viewer,
        filter: &FindingFilter,
        sort: FindingSort,
        page: u64,
        per_page: u64,
    ) -> Result<(Vec<finding::Model>, u64), StoreError> {
        let cond = Condition::all()
            .add(viewer.findings())
            .add(filter.on_findings());
        let offset = page.saturating_sub(1).saturating_mul(per_page);
        let tallied = match viewer.tallies().zip(filter.on_tallies()) {
            Some((scope, filters)) => Some(self.parts(sort, scope.add(filters)).await?),
            None => None,
        };
        let Some(parts) = tallied else {
            let query = finding::Entity::find().filter(cond);
            let total = query.clone().count(&self.db).await?;
            // Not for the rule order: rules cluster by region, so a walk in rule order can pass
            // whole rules of other regions before its first match.
            let hint = (total > DENSE && sort != FindingSort::Rule).then(|| walk_hint(sort));
            let items = self
                .read(ordered(query, sort).offset(offset).limit(per_page), hint)
                .await?;
            return Ok((items.into_iter().map(|f| viewer.shown(f)).collect(), total));
        };
        let total = parts.iter().map(|p| p.matching).sum();
        // Read the parts that hold the page, each from its own first match on.
        let (mut skip, mut want) = (offset, per_page);
        let mut items = Vec::new();
        for part in parts {
            if want == 0 {
                break;
            }
            if skip >= part.matching {
                skip -= part.matching;
                continue;
            }
            let take = want.min(part.matching - skip);
            let query = match &part.key {
                PartKey::Everything => finding::Entity::find().filter(cond.clone()),
                PartKey::Rank(r) => finding::Entity::find()
                    .filter(cond.clone())
                    .filter(finding::Column::SeverityRank.eq(*r)),
                PartKey::Rule(r) => finding::Entity::find()
                    .filter(cond.clone())
                    .filter(finding::Column::Rule.eq(r.as_str())),
            };
            // Walking the part in order reads about `(skip + take) * all / matching` rows;
            // collecting and sorting its matches reads `matching`. Take the cheaper.
            let walk = (skip + take).saturating_mul(part.all) / part.matching.max(1);
            let hint = (walk < part.matching).then(|| walk_hint(sort));
            items.extend(
                self.read(ordered(query, sort).offset(skip).limit(take), hint)
                    .await?,
            );
            want -= take;
            skip = 0;
        }
        Ok((items.into_iter().map(|f| viewer.shown(f)).collect(), total))
    }

    /// The list's parts in sort order, with their matches within `scope` and their size.
    async fn parts(&self, sort: FindingSort, scope: Condition) -> Result<Vec<Part>, StoreError> {
        let sum = Expr::cust("CAST(SUM(n) AS BIGINT)");
        let parts = match sort {
            FindingSort::Newest | FindingSort::Oldest => {
                let count = |c: Condition| {
                    finding_tally::Entity::find()
                        .select_only()
                        .column_as(sum.clone(), "n")
                        .filter(c)
                        .into_tuple::<Option<i64>>()
                        .one(&self.db)
                };
                let matching = count(scope).await?.flatten().unwrap_or(0);
                let all = count(Condition::all()).await?.flatten().unwrap_or(0);
                vec![Part {
                    key: PartKey::Everything,
                    matching: matching as u64,
                    all: all as u64,
                }]
            }
            FindingSort::Severity => {
                let by_rank = |c: Condition| {
                    finding_tally::Entity::find()
                        .select_only()
                        .column(finding_tally::Column::SeverityRank)
                        .column_as(sum.clone(), "n")
                        .filter(c)
                        .group_by(finding_tally::Column::SeverityRank)
                        .into_tuple::<(i32, i64)>()
                        .all(&self.db)
                };
                let all = by_rank(Condition::all()).await?;
                let mut parts = sized(
                    by_rank(scope)
                        .await?
                        .into_iter()
                        .map(|(r, n)| (PartKey::Rank(r), n)),
                    all.into_iter().map(|(r, n)| (PartKey::Rank(r), n)),
                );
                parts.reverse();
                parts
            }
            FindingSort::Rule => {
                let by_rule = |c: Condition| {
                    finding_tally::Entity::find()
                        .select_only()
                        .column(finding_tally::Column::Rule)
                        .column_as(sum.clone(), "n")
                        .filter(c)
                        .group_by(finding_tally::Column::Rule)
                        .into_tuple::<(String, i64)>()
                        .all(&self.db)
                };
                let all = by_rule(Condition::all()).await?;
                sized(
                    by_rule(scope)
                        .await?
                        .into_iter()
                        .map(|(r, n)| (PartKey::Rule(r), n)),
                    all.into_iter().map(|(r, n)| (PartKey::Rule(r), n)),
                )
            }
        };
        Ok(parts)
    }

    /// Runs `query`, on SQLite with a table hint that makes it walk an index in sort order.
    async fn read(
        &self,
        query: Select<finding::Entity>,
        hint: Option<&'static str>,
    ) -> Result<Vec<finding::Model>, StoreError> {
        let Some(hint) = hint.filter(|_| self.backend() == DbBackend::Sqlite) else {
            return Ok(query.all(&self.db).await?);
        };
        let stmt = query.build(DbBackend::Sqlite);
        let sql = stmt
            .sql
            .replacen("FROM \"findings\"", &format!("FROM \"findings\" {hint}"), 1);
        Ok(finding::Entity::find()
            .from_raw_sql(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                sql,
                stmt.values.map(|v| v.0).unwrap_or_default(),
            ))
            .all(&self.db)
            .await?)
    }
}

/// Parts with matches, in ascending key order, each with the size of its whole part.
fn sized(
    matching: impl Iterator<Item = (PartKey, i64)>,
    all: impl Iterator<Item = (PartKey, i64)>,
) -> Vec<Part> {
    let all: std::collections::HashMap<PartKey, i64> = all.collect();
    let mut parts: Vec<Part> = matching
        .filter(|(_, n)| *n > 0)
        .map(|(key, n)| Part {
            all: all.get(&key).copied().unwrap_or(n).max(n) as u64,
            matching: n as u64,
            key,
        })
        .collect();
    parts.sort_by(|a, b| a.key.cmp(&b.key));
    parts
}

fn ordered(query: Select<finding::Entity>, sort: FindingSort) -> Select<finding::Entity> {
    match sort {
        FindingSort::Severity => query
            .order_by_desc(finding::Column::SeverityRank)
            .order_by_desc(finding::Column::Id),
        FindingSort::Newest => query.order_by_desc(finding::Column::Id),
        FindingSort::Oldest => query.order_by_asc(finding::Column::Id),
        FindingSort::Rule => query
            .order_by_asc(finding::Column::Rule)
            .order_by_asc(finding::Column::Id),
    }
}

/// The SQLite table hint that reads the list in `sort` order. PostgreSQL's planner weighs the
/// `LIMIT` itself.
fn walk_hint(sort: FindingSort) -> &'static str {
    match sort {
        FindingSort::Severity => "INDEXED BY findings_rank",
        FindingSort::Rule => "INDEXED BY findings_rule_id",
        // The rowid is the id: its own order.
        FindingSort::Newest | FindingSort::Oldest => "NOT INDEXED",
    }
}
