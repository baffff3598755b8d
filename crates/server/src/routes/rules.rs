//! `GET /rules` and `GET /rules/{id}`: the catalogue as the engine loaded it.

use auditor_rules::catalogue::Rule;
use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use crate::auth::Authed;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub fn rule_json(r: &Rule) -> Value {
    json!({
        "id": r.id,
        "title": r.title.zh,
        "title_en": r.title.en,
        "severity": r.severity.as_str(),
        "datasets": r.datasets.iter().map(|d| d.as_str()).collect::<Vec<_>>(),
        "since": r.since,
        "what": r.docs.what_zh,
        "what_en": r.docs.what_en,
        "why": r.docs.why_zh,
        "why_en": r.docs.why_en,
        "fix": r.docs.fix_zh,
        "fix_en": r.docs.fix_en,
        "citations": r.citations.iter().map(|c| json!({
            "source": c.source,
            "article": c.article,
            "secondary": c.secondary,
        })).collect::<Vec<_>>(),
    })
}

pub async fn list(State(state): State<AppState>, _: Authed) -> Json<Value> {
    let rules: Vec<Value> = state.0.engine.rules.rules.iter().map(rule_json).collect();
    Json(json!({"total": rules.len(), "items": rules}))
}

pub async fn show(
    State(state): State<AppState>,
    _: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    state
        .0
        .engine
        .rules
        .get(&id)
        .map(|r| Json(rule_json(r)))
        .ok_or_else(ApiError::not_found)
}
