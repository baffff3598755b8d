//! Waivers: requested with a justification and document number, decided by someone else.

use auditor_store::entity::waiver;
use auditor_store::waivers::NewWaiver;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::Authed;
use crate::error::{ApiError, ApiResult};
use crate::routes::Paging;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct WaiverRequest {
    pub institution_id: i32,
    pub rule: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub justification: String,
    pub document_no: String,
    pub expires_on: NaiveDate,
}

#[derive(Debug, Deserialize)]
pub struct Decision {
    /// `approve` or `reject`.
    pub decision: String,
}

fn waiver_json(w: &waiver::Model) -> Value {
    json!({
        "id": w.id,
        "institution_id": w.institution_id,
        "rule": w.rule,
        "period_start": w.period_start.to_string(),
        "period_end": w.period_end.to_string(),
        "justification": w.justification,
        "document_no": w.document_no,
        "requested_by": w.requested_by,
        "approved_by": w.approved_by,
        "status": w.status,
        "expires_on": w.expires_on.to_string(),
        "created_at": w.created_at.to_rfc3339(),
    })
}

pub async fn create(
    State(state): State<AppState>,
    Authed(viewer): Authed,
    Json(body): Json<WaiverRequest>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    if state.0.engine.rules.get(&body.rule).is_none() {
        return Err(ApiError::bad_request(
            "unknown_rule",
            format!("未知规则 {}", body.rule),
            format!("unknown rule {}", body.rule),
        ));
    }
    let w = state
        .store()
        .request_waiver(
            &viewer,
            &NewWaiver {
                institution_id: body.institution_id,
                rule: &body.rule,
                period_start: body.period_start,
                period_end: body.period_end,
                justification: &body.justification,
                document_no: &body.document_no,
                expires_on: body.expires_on,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(waiver_json(&w))))
}

/// `GET /api/v1/waivers?page=&per_page=`: newest first, paged as the other lists.
pub async fn list(
    State(state): State<AppState>,
    Authed(viewer): Authed,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Value>> {
    let (page, per_page) = paging.resolve();
    let (items, total) = state.store().waivers_page(&viewer, page, per_page).await?;
    Ok(Json(json!({
        "total": total,
        "page": page,
        "per_page": per_page,
        "items": items.iter().map(waiver_json).collect::<Vec<_>>(),
    })))
}

pub async fn decide(
    State(state): State<AppState>,
    Authed(viewer): Authed,
    Path(id): Path<i32>,
    Json(body): Json<Decision>,
) -> ApiResult<Json<Value>> {
    let approve = match body.decision.as_str() {
        "approve" => true,
        "reject" => false,
        other => {
            return Err(ApiError::bad_request(
                "invalid_decision",
                format!("decision 应为 approve 或 reject，收到 \"{other}\""),
                format!("decision must be approve or reject, got \"{other}\""),
            ));
        }
    };
    let w = state.store().decide_waiver(&viewer, id, approve).await?;
    Ok(Json(waiver_json(&w)))
}
