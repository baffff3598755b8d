//! The HTTP server (DESIGN.md §7): `app(state) -> Router`, used by `auditor serve` and by the
//! tests alike. The JSON API lives under `/api/v1`; the web pages (`web`) at the root.

pub mod auth;
pub mod engine;
pub mod error;
pub mod limiter;
pub mod openapi;
pub mod password;
pub mod report;
pub mod routes;
pub mod scheduler;
pub mod state;
pub mod sweep;
pub mod web;
pub mod worker;

use axum::extract::{DefaultBodyLimit, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

pub use crate::engine::Engine;
use crate::error::{ApiError, ApiResult};
use crate::routes::{findings, notify, registries, rules, uploads, waivers};
pub use crate::state::{AppState, Config};

pub fn app(state: AppState) -> Router {
    // The multipart framing adds a little to the files themselves; the exact per-file limit
    // is enforced while streaming.
    let body_limit = usize::try_from(state.0.config.max_upload_bytes)
        .unwrap_or(usize::MAX)
        .saturating_add(1 << 20);
    let api = Router::new()
        .route("/healthz", get(healthz))
        .route("/openapi.json", get(|| async { Json(openapi::document()) }))
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/me", get(auth::me))
        .route("/uploads", post(uploads::create).get(uploads::list))
        .route("/uploads/{id}", get(uploads::show))
        .route("/uploads/{id}/submit", post(uploads::submit))
        .route("/findings", get(findings::list))
        .route("/findings/summary", get(findings::summary))
        .route("/findings/{id}", get(findings::show))
        .route("/findings/{id}/transitions", post(findings::transition))
        .route("/waivers", get(waivers::list).post(waivers::create))
        .route("/waivers/{id}/decision", post(waivers::decide))
        .route(
            "/registries",
            get(registries::list).post(registries::create),
        )
        .route("/teams", get(notify::list_teams).post(notify::create_team))
        .route(
            "/schedules",
            get(notify::list_schedules).post(notify::create_schedule),
        )
        .route("/sweeps", get(notify::list_runs).post(notify::create_run))
        .route("/sweeps/{id}", get(notify::get_run))
        .route("/outbox", get(notify::list_outbox))
        .route("/rules", get(rules::list))
        .route("/rules/{id}", get(rules::show))
        .fallback(|| async {
            ApiError::new(
                axum::http::StatusCode::NOT_FOUND,
                "no_route",
                "没有这个接口",
                "no such endpoint",
            )
        })
        .layer(DefaultBodyLimit::max(body_limit));
    Router::new()
        .nest("/api/v1", api)
        .merge(web::router().layer(DefaultBodyLimit::max(body_limit)))
        .with_state(state)
}

async fn healthz(State(state): State<AppState>) -> ApiResult<Json<Value>> {
    state
        .store()
        .execute("SELECT 1")
        .await
        .map_err(|e| ApiError::internal(&format!("healthz: {e}")))?;
    Ok(Json(
        json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")}),
    ))
}
