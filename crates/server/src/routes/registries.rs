//! Registries: the institution and staff lists and device filings a region's ledgers are
//! judged against. Regulators upload them; every later upload in the region reads them.

use auditor_store::access::Role;
use axum::Json;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::auth::Authed;
use crate::error::{ApiError, ApiResult};
use crate::routes::Paging;
use crate::routes::uploads::{accept, receive};
use crate::state::AppState;

pub async fn create(
    State(state): State<AppState>,
    Authed(viewer): Authed,
    multipart: Multipart,
) -> ApiResult<(StatusCode, Json<Value>)> {
    if viewer.role == Role::Institution {
        return Err(ApiError::forbidden(
            "名录由监管部门上传",
            "registries are uploaded by regulators",
        ));
    }
    let mut form = receive(&state, multipart, None).await?;
    // A registry belongs to the region, not to one institution.
    form.institution = None;
    accept(&state, &viewer, form, "registry").await
}

/// `GET /api/v1/registries?page=&per_page=`: newest first, paged as the other lists.
pub async fn list(
    State(state): State<AppState>,
    Authed(viewer): Authed,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Value>> {
    let (page, per_page) = paging.resolve();
    let (items, total) = state
        .store()
        .registries_page(&viewer, page, per_page)
        .await?;
    Ok(Json(json!({
        "total": total,
        "page": page,
        "per_page": per_page,
        "items": items.iter().map(|r| json!({
            "id": r.id,
            "region_code": r.region_code,
            "dataset": r.dataset,
            "upload_id": r.upload_id,
            "rows": r.rows,
            "active": r.active,
            "created_at": r.created_at.to_rfc3339(),
        })).collect::<Vec<_>>(),
    })))
}
