//! Inspection teams, sweep schedules, sweep runs and the outbox: managed by admins and by
//! regulators for their own region. Institutions get 403.

use auditor_model::Severity;
use auditor_store::Viewer;
use auditor_store::entity::{outbox, schedule, sweep_run, team};
use auditor_store::teams::{NewTeam, addresses_of};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::Authed;
use crate::error::{ApiError, ApiResult};
use crate::scheduler::parse_cron;
use crate::state::AppState;
use crate::sweep;

fn regulator(viewer: &Viewer) -> ApiResult<()> {
    if viewer.can_review() {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "只有管理员和监管人员可以管理通知与巡查",
            "only admins and regulators manage notifications and sweeps",
        ))
    }
}

fn team_json(t: &team::Model) -> Value {
    json!({
        "id": t.id,
        "name": t.name,
        "region_code": t.region_code,
        "addresses": addresses_of(t),
        "min_severity": t.min_severity,
        "language": t.language,
        "created_at": t.created_at.to_rfc3339(),
    })
}

fn schedule_json(s: &schedule::Model) -> Value {
    json!({
        "id": s.id,
        "name": s.name,
        "cron": s.cron,
        "timezone": "Asia/Shanghai",
        "region_code": s.region_code,
        "created_at": s.created_at.to_rfc3339(),
    })
}

pub fn run_json(r: &sweep_run::Model) -> Value {
    json!({
        "id": r.id,
        "schedule_id": r.schedule_id,
        "region_code": r.region_code,
        "due_at": r.due_at.map(|t| t.to_rfc3339()),
        "status": r.status,
        "started_at": r.started_at.to_rfc3339(),
        "finished_at": r.finished_at.map(|t| t.to_rfc3339()),
        "counts": serde_json::from_str::<Value>(&r.counts).unwrap_or(Value::Null),
        "errors": serde_json::from_str::<Value>(&r.errors).unwrap_or(Value::Null),
        "findings_opened": r.findings_opened,
    })
}

fn outbox_json(m: &outbox::Model, t: &team::Model) -> Value {
    json!({
        "id": m.id,
        "team_id": m.team_id,
        "team": t.name,
        "run_key": m.run_key,
        "recipients": serde_json::from_str::<Value>(&m.recipients).unwrap_or(Value::Null),
        "language": m.language,
        "status": m.status,
        "attempts": m.attempts,
        "next_attempt_at": m.next_attempt_at.to_rfc3339(),
        "last_error": m.last_error,
        "created_at": m.created_at.to_rfc3339(),
        "sent_at": m.sent_at.map(|t| t.to_rfc3339()),
    })
}

#[derive(Debug, Deserialize)]
pub struct TeamRequest {
    pub name: String,
    pub region_code: String,
    pub addresses: Vec<String>,
    #[serde(default)]
    pub min_severity: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
}

pub async fn create_team(
    State(state): State<AppState>,
    Authed(viewer): Authed,
    Json(body): Json<TeamRequest>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    regulator(&viewer)?;
    let min_severity: Severity = body
        .min_severity
        .as_deref()
        .unwrap_or("high")
        .parse()
        .map_err(|e: String| ApiError::bad_request("invalid_severity", e.clone(), e))?;
    let t = state
        .store()
        .add_team(
            Some(&viewer),
            &NewTeam {
                name: &body.name,
                region_code: &body.region_code,
                addresses: &body.addresses,
                min_severity,
                language: body.language.as_deref().unwrap_or("zh"),
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(team_json(&t))))
}

pub async fn list_teams(
    State(state): State<AppState>,
    Authed(viewer): Authed,
) -> ApiResult<Json<Value>> {
    regulator(&viewer)?;
    let items = state.store().list_teams(Some(&viewer)).await?;
    Ok(Json(
        json!({"total": items.len(), "items": items.iter().map(team_json).collect::<Vec<_>>()}),
    ))
}

#[derive(Debug, Deserialize)]
pub struct ScheduleRequest {
    pub name: String,
    pub cron: String,
    #[serde(default)]
    pub region_code: Option<String>,
}

pub async fn create_schedule(
    State(state): State<AppState>,
    Authed(viewer): Authed,
    Json(body): Json<ScheduleRequest>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    regulator(&viewer)?;
    let (cron, _) =
        parse_cron(&body.cron).map_err(|(zh, en)| ApiError::bad_request("invalid_cron", zh, en))?;
    // A regulator's schedule without a region sweeps the regulator's own region.
    let region = body
        .region_code
        .clone()
        .or_else(|| (!viewer.is_admin()).then(|| viewer.region_code.clone()));
    let s = state
        .store()
        .add_schedule(
            Some(&viewer),
            &body.name,
            &cron,
            region.as_deref(),
            state.now(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(schedule_json(&s))))
}

pub async fn list_schedules(
    State(state): State<AppState>,
    Authed(viewer): Authed,
) -> ApiResult<Json<Value>> {
    regulator(&viewer)?;
    let items = state.store().list_schedules(Some(&viewer)).await?;
    Ok(Json(
        json!({"total": items.len(), "items": items.iter().map(schedule_json).collect::<Vec<_>>()}),
    ))
}

#[derive(Debug, Deserialize)]
pub struct OutboxQuery {
    pub status: Option<String>,
}

pub async fn list_outbox(
    State(state): State<AppState>,
    Authed(viewer): Authed,
    Query(q): Query<OutboxQuery>,
) -> ApiResult<Json<Value>> {
    regulator(&viewer)?;
    if let Some(s) = q.status.as_deref()
        && !matches!(s, "pending" | "sent" | "dead")
    {
        return Err(ApiError::bad_request(
            "invalid_status",
            format!("status 应为 pending、sent 或 dead，收到 \"{s}\""),
            format!("status must be pending, sent or dead, got \"{s}\""),
        ));
    }
    let items = state
        .store()
        .list_outbox(Some(&viewer), q.status.as_deref())
        .await?;
    Ok(Json(json!({
        "total": items.len(),
        "items": items.iter().map(|(m, t)| outbox_json(m, t)).collect::<Vec<_>>(),
    })))
}

pub async fn list_runs(
    State(state): State<AppState>,
    Authed(viewer): Authed,
) -> ApiResult<Json<Value>> {
    regulator(&viewer)?;
    let items = state.store().list_runs(Some(&viewer)).await?;
    Ok(Json(
        json!({"total": items.len(), "items": items.iter().map(run_json).collect::<Vec<_>>()}),
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct SweepRequest {
    /// The schedule whose region to sweep; a regulator without one sweeps its own region.
    #[serde(default)]
    pub schedule: Option<String>,
}

pub async fn create_run(
    State(state): State<AppState>,
    Authed(viewer): Authed,
    body: Option<Json<SweepRequest>>,
) -> ApiResult<(StatusCode, [(header::HeaderName, String); 1], Json<Value>)> {
    regulator(&viewer)?;
    let body = body.map(|b| b.0).unwrap_or_default();
    let schedule = match body.schedule.as_deref() {
        Some(name) => Some(
            state
                .store()
                .list_schedules(Some(&viewer))
                .await?
                .into_iter()
                .find(|s| s.name == name)
                .ok_or_else(ApiError::not_found)?,
        ),
        None => None,
    };
    if schedule.is_none() && !viewer.is_admin() {
        // Without a schedule only an admin sweeps every region.
        return Err(ApiError::forbidden(
            "请指定本辖区的巡查计划（schedule）",
            "name a schedule of your region",
        ));
    }
    // A province's ledgers take longer to judge again than a request may wait: the run is
    // claimed here and carried out in the background; `GET /api/v1/sweeps/{id}` tells when it
    // is done. A failure is recorded on the run.
    let run = sweep::claim_now(&state, schedule.as_ref())
        .await
        .map_err(|e| ApiError::internal(&format!("sweep: {e}")))?;
    let background = state.clone();
    let claimed = run.clone();
    tokio::spawn(async move {
        let _ = sweep::execute(&background, &claimed).await;
    });
    let location = format!("/api/v1/sweeps/{}", run.id);
    Ok((
        StatusCode::ACCEPTED,
        [(header::LOCATION, location)],
        Json(run_json(&run)),
    ))
}

/// One sweep run the viewer may see: while `status` is `running`, its counts are not yet in.
pub async fn get_run(
    State(state): State<AppState>,
    Authed(viewer): Authed,
    Path(id): Path<i32>,
) -> ApiResult<Json<Value>> {
    regulator(&viewer)?;
    let run = state
        .store()
        .list_runs(Some(&viewer))
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(run_json(&run)))
}
