//! The email outbox (DESIGN.md §8). A digest is queued in the same transaction as the findings
//! it reports, one row per (team, run) — the unique key makes queueing twice a no-op — and a
//! drain claims rows one at a time with a lease, so two drains never send the same row.
//!
//! A digest carries counts, rule ids, institutions and finding ids only: never a message
//! text, which may quote a ledger's cells.

use std::collections::{BTreeMap, HashMap};

use auditor_model::Severity;
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};

use crate::access::Viewer;
use crate::entity::{finding, organisation, outbox, team};
use crate::teams::{addresses_of, manages};
use crate::{Store, StoreError};

/// Findings listed one by one in a digest (with a link each); the counts cover them all.
pub const LISTED: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Digest {
    /// `upload` or `sweep`.
    pub kind: String,
    /// The upload's or the sweep run's id.
    pub source_id: i32,
    pub team: String,
    pub region_code: String,
    /// The date the findings were judged at, in China.
    pub date: NaiveDate,
    pub total: u64,
    /// critical, high, medium, low: how many of each.
    pub by_severity: BTreeMap<String, u64>,
    pub by_rule: Vec<RuleCount>,
    pub institutions: Vec<InstitutionCount>,
    /// The first `LISTED` findings, most severe first.
    pub findings: Vec<DigestFinding>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleCount {
    pub rule: String,
    pub severity: String,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstitutionCount {
    pub name: String,
    pub uscc: String,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestFinding {
    pub id: i32,
    pub rule: String,
    pub severity: String,
    pub institution: String,
}

fn rank(severity: &str) -> u8 {
    match severity.parse::<Severity>() {
        Ok(Severity::Critical) => 4,
        Ok(Severity::High) => 3,
        Ok(Severity::Medium) => 2,
        _ => 1,
    }
}

/// One digest for `team` of the `findings` it should hear about, or `None` when none is.
fn digest_for(
    team: &team::Model,
    kind: &str,
    source_id: i32,
    date: NaiveDate,
    findings: &[finding::Model],
    orgs: &HashMap<i32, organisation::Model>,
) -> Option<Digest> {
    let floor = rank(&team.min_severity);
    let mut mine: Vec<&finding::Model> = findings
        .iter()
        .filter(|f| f.region_code.starts_with(&team.region_code) && rank(&f.severity) >= floor)
        .collect();
    if mine.is_empty() {
        return None;
    }
    mine.sort_by(|a, b| {
        rank(&b.severity)
            .cmp(&rank(&a.severity))
            .then(a.rule.cmp(&b.rule))
            .then(a.id.cmp(&b.id))
    });
    let mut by_severity: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_rule: BTreeMap<(u8, String), (String, u64)> = BTreeMap::new();
    let mut by_inst: BTreeMap<i32, u64> = BTreeMap::new();
    // A rule's summary line (另有 N 处) counts as the N findings it stands for, as on the
    // dashboard: a digest must not tell a team of 1 problem where there are 400.
    let mut total = 0;
    for f in &mine {
        let n = f.weight();
        total += n;
        *by_severity.entry(f.severity.clone()).or_default() += n;
        by_rule
            .entry((u8::MAX - rank(&f.severity), f.rule.clone()))
            .or_insert_with(|| (f.severity.clone(), 0))
            .1 += n;
        *by_inst.entry(f.institution_id.unwrap_or(0)).or_default() += n;
    }
    let inst_name = |id: Option<i32>| {
        id.and_then(|i| orgs.get(&i))
            .map_or_else(|| "—".to_owned(), |o| o.name.clone())
    };
    let mut institutions: Vec<InstitutionCount> = by_inst
        .into_iter()
        .map(|(id, count)| InstitutionCount {
            name: inst_name(Some(id)),
            uscc: orgs
                .get(&id)
                .and_then(|o| o.uscc.clone())
                .unwrap_or_default(),
            count,
        })
        .collect();
    institutions.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(&b.name)));
    Some(Digest {
        kind: kind.to_owned(),
        source_id,
        team: team.name.clone(),
        region_code: team.region_code.clone(),
        date,
        total,
        by_severity,
        by_rule: by_rule
            .into_iter()
            .map(|((_, rule), (severity, count))| RuleCount {
                rule,
                severity,
                count,
            })
            .collect(),
        institutions,
        findings: mine
            .iter()
            .take(LISTED)
            .map(|f| DigestFinding {
                id: f.id,
                rule: f.rule.clone(),
                severity: f.severity.clone(),
                institution: inst_name(f.institution_id),
            })
            .collect(),
    })
}

/// Queues one digest per team that should hear about some of `findings` (official findings
/// just opened by `kind` `source_id`). Run inside the transaction that stored them. Returns
/// how many digests were queued; a (team, run) already queued is left as it is.
pub async fn queue_digests<C: ConnectionTrait>(
    db: &C,
    kind: &str,
    source_id: i32,
    date: NaiveDate,
    findings: &[finding::Model],
    at: DateTime<Utc>,
) -> Result<u64, StoreError> {
    if findings.is_empty() {
        return Ok(0);
    }
    let teams = team::Entity::find()
        .order_by_asc(team::Column::Id)
        .all(db)
        .await?;
    if teams.is_empty() {
        return Ok(0);
    }
    let mut ids: Vec<i32> = findings.iter().filter_map(|f| f.institution_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let orgs: HashMap<i32, organisation::Model> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let run_key = format!("{kind}:{source_id}");
    let mut queued = 0;
    for t in &teams {
        let Some(digest) = digest_for(t, kind, source_id, date, findings, &orgs) else {
            continue;
        };
        let row = outbox::ActiveModel {
            team_id: Set(t.id),
            run_key: Set(run_key.clone()),
            recipients: Set(serde_json::to_string(&addresses_of(t)).unwrap_or_else(|_| "[]".into())),
            language: Set(t.language.clone()),
            payload: Set(serde_json::to_string(&digest).unwrap_or_else(|_| "{}".into())),
            status: Set("pending".into()),
            attempts: Set(0),
            next_attempt_at: Set(at),
            claimed_until: Set(None),
            last_error: Set(None),
            created_at: Set(at),
            sent_at: Set(None),
            ..Default::default()
        };
        let done = outbox::Entity::insert(row)
            .on_conflict_do_nothing_on([outbox::Column::TeamId, outbox::Column::RunKey])
            .exec_without_returning(db)
            .await?;
        if let sea_orm::TryInsertResult::Inserted(n) = done {
            queued += n;
        }
    }
    Ok(queued)
}

/// Queues the digests of the official cases an upload just opened (run key `upload:<id>`).
/// Self-checks stay private: their findings are in another lane and are not read here.
pub async fn queue_for_upload<C: ConnectionTrait>(
    db: &C,
    upload_id: i32,
    at: DateTime<Utc>,
) -> Result<u64, StoreError> {
    // Without a team nobody is mailed: skip reading what may be a large upload's cases.
    if team::Entity::find().one(db).await?.is_none() {
        return Ok(0);
    }
    // A case opened by this upload was also last seen in it; `last_upload_id` is indexed.
    let opened = finding::Entity::find()
        .filter(finding::Column::LastUploadId.eq(upload_id))
        .filter(finding::Column::FirstUploadId.eq(upload_id))
        .filter(finding::Column::Lane.eq("official"))
        .filter(finding::Column::Status.eq("open"))
        .order_by_asc(finding::Column::Id)
        .all(db)
        .await?;
    queue_digests(
        db,
        "upload",
        upload_id,
        crate::clock::china_date(at),
        &opened,
        at,
    )
    .await
}

/// What became of a send attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// Failed; tried again at this time.
    Retry(DateTime<Utc>),
    /// Failed for the last time.
    Dead,
}

impl Store {
    /// Claims the next message due at `at` for `lease`, or `None` when nothing is due. The
    /// claim is a conditional UPDATE: of two drains racing for a row, exactly one changes it.
    pub async fn claim_outbox(
        &self,
        at: DateTime<Utc>,
        lease: TimeDelta,
    ) -> Result<Option<outbox::Model>, StoreError> {
        let free = || {
            Condition::any()
                .add(outbox::Column::ClaimedUntil.is_null())
                .add(outbox::Column::ClaimedUntil.lt(at))
        };
        let candidates = outbox::Entity::find()
            .filter(outbox::Column::Status.eq("pending"))
            .filter(outbox::Column::NextAttemptAt.lte(at))
            .filter(free())
            .order_by_asc(outbox::Column::Id)
            .limit(8)
            .all(&self.db)
            .await?;
        for c in candidates {
            let until = at + lease;
            let res = outbox::Entity::update_many()
                .col_expr(outbox::Column::ClaimedUntil, Expr::value(until))
                .filter(outbox::Column::Id.eq(c.id))
                .filter(outbox::Column::Status.eq("pending"))
                .filter(free())
                .exec(&self.db)
                .await?;
            if res.rows_affected == 1 {
                return Ok(Some(outbox::Model {
                    claimed_until: Some(until),
                    ..c
                }));
            }
        }
        Ok(None)
    }

    /// Records a send attempt of a claimed message and releases the claim.
    pub async fn finish_outbox(
        &self,
        msg: &outbox::Model,
        outcome: Outcome,
        error: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut up = outbox::Entity::update_many()
            .col_expr(
                outbox::Column::ClaimedUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .col_expr(outbox::Column::Attempts, Expr::value(msg.attempts + 1))
            .col_expr(
                outbox::Column::LastError,
                Expr::value(error.map(str::to_owned)),
            );
        up = match outcome {
            Outcome::Sent => up
                .col_expr(outbox::Column::Status, Expr::value("sent"))
                .col_expr(outbox::Column::SentAt, Expr::value(Some(at))),
            Outcome::Retry(next) => up.col_expr(outbox::Column::NextAttemptAt, Expr::value(next)),
            Outcome::Dead => up.col_expr(outbox::Column::Status, Expr::value("dead")),
        };
        up.filter(outbox::Column::Id.eq(msg.id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Outbox rows of teams the viewer manages, newest first, optionally of one status.
    pub async fn list_outbox(
        &self,
        viewer: Option<&Viewer>,
        status: Option<&str>,
    ) -> Result<Vec<(outbox::Model, team::Model)>, StoreError> {
        let teams: HashMap<i32, team::Model> = team::Entity::find()
            .all(&self.db)
            .await?
            .into_iter()
            .filter(|t| viewer.is_none_or(|v| manages(v, &t.region_code)))
            .map(|t| (t.id, t))
            .collect();
        let mut q = outbox::Entity::find()
            .filter(outbox::Column::TeamId.is_in(teams.keys().copied().collect::<Vec<_>>()));
        if let Some(s) = status {
            q = q.filter(outbox::Column::Status.eq(s));
        }
        let rows = q
            .order_by_desc(outbox::Column::Id)
            .limit(500)
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|m| teams.get(&m.team_id).cloned().map(|t| (m, t)))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(id: i32, rule: &str, severity: &str, unlisted: i32) -> finding::Model {
        finding::Model {
            id,
            lane: "official".to_owned(),
            region_code: "370921".to_owned(),
            institution_id: Some(7),
            first_upload_id: 1,
            last_upload_id: 1,
            rule: rule.to_owned(),
            severity: severity.to_owned(),
            severity_rank: i32::from(rank(severity)),
            dataset: None,
            file: "a.csv".to_owned(),
            sheet: None,
            row_no: None,
            cells: "[]".to_owned(),
            message: String::new(),
            message_en: String::new(),
            citation: String::new(),
            fingerprint: format!("fp{id}"),
            related: "[]".to_owned(),
            unlisted,
            record_key: None,
            status: "open".to_owned(),
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_summary_line_counts_as_the_findings_it_stands_for() {
        let team = team::Model {
            id: 1,
            name: "宁阳县卫健局".to_owned(),
            region_code: "3709".to_owned(),
            addresses: "[]".to_owned(),
            min_severity: "medium".to_owned(),
            language: "zh".to_owned(),
            created_at: DateTime::<Utc>::UNIX_EPOCH,
        };
        // Two listed high findings and a summary of 400 more; a low one below the team's floor.
        let findings = [
            finding(1, "US-DUAL-SIGN", "high", 0),
            finding(2, "US-DUAL-SIGN", "high", 0),
            finding(3, "US-DUAL-SIGN", "high", 400),
            finding(4, "DQ-DATE-INVALID", "low", 0),
        ];
        let orgs = HashMap::new();
        let date = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default();
        let digest = digest_for(&team, "upload", 9, date, &findings, &orgs);
        let Some(d) = digest else {
            panic!("the team hears of its findings");
        };
        assert_eq!(d.total, 402);
        assert_eq!(d.by_severity.get("high"), Some(&402));
        assert_eq!(d.by_severity.get("low"), None);
        assert_eq!(
            d.by_rule
                .iter()
                .map(|r| (r.rule.as_str(), r.count))
                .collect::<Vec<_>>(),
            [("US-DUAL-SIGN", 402)]
        );
        assert_eq!(d.institutions.iter().map(|i| i.count).sum::<u64>(), 402);
        assert_eq!(d.findings.len(), 3);
    }

    #[test]
    fn severities_rank_in_order() {
        assert!(rank("critical") > rank("high") && rank("high") > rank("medium"));
        assert!(rank("medium") > rank("low"));
    }
}
