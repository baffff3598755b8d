//! Findings: the filtered, sorted, paginated list; one finding with its evidence, rule and
//! history; and moving it through its lifecycle.

use auditor_model::Severity;
use auditor_store::entity::finding;
use auditor_store::findings::{FindingFilter, FindingSort};
use axum::Json;
use axum::extract::{Path, Query, State};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::Authed;
use crate::error::{ApiError, ApiResult};
use crate::routes::rules::rule_json;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    pub upload: Option<i32>,
    pub institution: Option<i32>,
    pub rule: Option<String>,
    pub severity: Option<String>,
    pub min_severity: Option<String>,
    pub status: Option<String>,
    pub lane: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub sort: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

fn severity(field: &str, raw: Option<&str>) -> ApiResult<Option<Severity>> {
    raw.filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<Severity>().map_err(|_| {
                ApiError::bad_request(
                    "invalid_filter",
                    format!("{field} 应为 critical、high、medium 或 low，收到 \"{s}\""),
                    format!("{field} must be critical, high, medium or low, got \"{s}\""),
                )
            })
        })
        .transpose()
}

fn date(field: &str, raw: Option<&str>) -> ApiResult<Option<NaiveDate>> {
    raw.filter(|s| !s.is_empty())
        .map(|s| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
                ApiError::bad_request(
                    "invalid_filter",
                    format!("{field} 应为 YYYY-MM-DD，收到 \"{s}\""),
                    format!("{field} must be YYYY-MM-DD, got \"{s}\""),
                )
            })
        })
        .transpose()
}

/// A finding as the API shows it; the store has already hidden from an institution what rests
/// on another institution's rows (`Viewer::shown`).
pub fn finding_json(f: &finding::Model) -> Value {
    let cells: Value = serde_json::from_str(&f.cells).unwrap_or_else(|_| json!([]));
    let related: Value = serde_json::from_str(&f.related).unwrap_or_else(|_| json!([]));
    json!({
        "id": f.id,
        "rule": f.rule,
        "severity": f.severity,
        "status": f.status,
        "lane": f.lane,
        "dataset": f.dataset,
        "institution_id": f.institution_id,
        "region_code": f.region_code,
        "upload_id": f.last_upload_id,
        "first_upload_id": f.first_upload_id,
        "file": f.file,
        "sheet": f.sheet,
        "row": f.row_no,
        "cells": cells,
        "related": related,
        // A rule's summary of the findings it did not list one by one: how many it stands for.
        "unlisted": f.unlisted,
        "message": f.message,
        "message_en": f.message_en,
        "citation": f.citation,
        "fingerprint": f.fingerprint,
        "created_at": f.created_at.to_rfc3339(),
        "updated_at": f.updated_at.to_rfc3339(),
    })
}

/// `GET /api/v1/findings`.
pub async fn list(
    State(state): State<AppState>,
    Authed(viewer): Authed,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Value>> {
    if let Some(s) = q.status.as_deref().filter(|s| !s.is_empty())
        && !auditor_store::findings::STATUSES.contains(&s)
    {
        return Err(ApiError::bad_request(
            "invalid_filter",
            format!("未知状态 \"{s}\""),
            format!("unknown status \"{s}\""),
        ));
    }
    let filter = FindingFilter {
        upload_id: q.upload,
        institution_id: q.institution,
        rule: q.rule.clone().filter(|s| !s.is_empty()),
        severity: severity("severity", q.severity.as_deref())?,
        min_severity: severity("min_severity", q.min_severity.as_deref())?,
        status: q.status.clone().filter(|s| !s.is_empty()),
        lane: q.lane.clone().filter(|s| !s.is_empty()),
        from: date("from", q.from.as_deref())?,
        to: date("to", q.to.as_deref())?,
    };
    let sort = match q.sort.as_deref() {
        None | Some("") => FindingSort::Severity,
        Some(s) => FindingSort::parse(s).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_filter",
                format!("sort 应为 severity、newest、oldest 或 rule，收到 \"{s}\""),
                format!("sort must be severity, newest, oldest or rule, got \"{s}\""),
            )
        })?,
    };
    let page = q.page.unwrap_or(1).max(1);
    let per_page = q.per_page.unwrap_or(50).clamp(1, 500);
    let (items, total) = state
        .store()
        .list_findings(&viewer, &filter, sort, page, per_page)
        .await?;
    Ok(Json(json!({
        "total": total,
        "page": page,
        "per_page": per_page,
        "items": items.iter().map(finding_json).collect::<Vec<_>>(),
    })))
}

/// The record a finding was found on, as stored (names masked, ID numbers hashed), or null.
/// The caller has checked that the viewer may see the finding, so the sheets of its upload.
pub async fn record_of(state: &AppState, f: &finding::Model) -> ApiResult<Value> {
    let (sheet, Some(row)) = (&f.sheet, f.row_no) else {
        return Ok(Value::Null);
    };
    let sheets = state.store().sheets_of(f.last_upload_id).await?;
    let sheet = sheets
        .iter()
        .find(|s| sheet.as_deref().is_none_or(|n| n == s.name))
        .map(|s| s.id);
    Ok(match sheet {
        Some(sid) => state
            .store()
            .records_of(sid, &[row])
            .await?
            .get(&row)
            .and_then(|r| serde_json::from_str::<Value>(r).ok())
            .unwrap_or(Value::Null),
        None => Value::Null,
    })
}

/// `GET /api/v1/findings/{id}`: the finding, the record it was found on (as stored: names
/// masked, ID numbers hashed), its rule's documentation, and its history.
pub async fn show(
    State(state): State<AppState>,
    Authed(viewer): Authed,
    Path(id): Path<i32>,
) -> ApiResult<Json<Value>> {
    let (f, events) = state.store().finding_for(&viewer, id).await?;
    let mut j = finding_json(&f);
    j["record"] = record_of(&state, &f).await?;
    j["rule_doc"] = state
        .0
        .engine
        .rules
        .get(&f.rule)
        .map_or(Value::Null, rule_json);
    j["history"] = events
        .iter()
        .map(|e| {
            json!({
                "from": e.from_status,
                "to": e.to_status,
                "note": e.note,
                "actor_id": e.actor_id,
                "upload_id": e.upload_id,
                "at": e.created_at.to_rfc3339(),
            })
        })
        .collect();
    Ok(Json(j))
}

#[derive(Debug, Deserialize)]
pub struct Transition {
    pub to: String,
    #[serde(default)]
    pub note: String,
}

/// `POST /api/v1/findings/{id}/transitions`.
pub async fn transition(
    State(state): State<AppState>,
    Authed(viewer): Authed,
    Path(id): Path<i32>,
    Json(body): Json<Transition>,
) -> ApiResult<Json<Value>> {
    let f = state
        .store()
        .transition(&viewer, id, &body.to, &body.note)
        .await?;
    Ok(Json(finding_json(&f)))
}

/// `GET /api/v1/findings/summary`: counts by status; waived findings are counted apart.
pub async fn summary(
    State(state): State<AppState>,
    Authed(viewer): Authed,
) -> ApiResult<Json<Value>> {
    let counts = state.store().finding_counts(&viewer).await?;
    let by_status: serde_json::Map<String, Value> =
        counts.iter().map(|(s, n)| (s.clone(), json!(n))).collect();
    let waived = counts
        .iter()
        .find(|(s, _)| s == "waived")
        .map_or(0, |(_, n)| *n);
    let live: u64 = counts
        .iter()
        .filter(|(s, _)| matches!(s.as_str(), "open" | "acknowledged" | "remediating"))
        .map(|(_, n)| n)
        .sum();
    Ok(Json(
        json!({"by_status": by_status, "live": live, "waived": waived}),
    ))
}
