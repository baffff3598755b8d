//! Uploads in the browser: the list with the upload form (drag-and-drop with `upload.js`, a
//! plain multipart form without it), an upload's report while and after it is checked, and,
//! for an institution, the readiness of its latest self-check and "submit officially".

use askama::Template;
use auditor_store::access::Role;
use auditor_store::entity::{finding, sheet, upload};
use auditor_store::findings::{FindingFilter, FindingSort};
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Beijing as _, Page, WebResult, WebUser, render};
use crate::error::ApiError;
use crate::routes::uploads::{accept, receive};
use crate::state::AppState;

/// Points a live finding of each severity takes off the readiness score.
pub const READINESS_WEIGHTS: [(&str, u64); 4] =
    [("critical", 25), ("high", 10), ("medium", 4), ("low", 1)];

/// Readiness of a self-check: 100 minus the weighted live findings (critical 25, high 10,
/// medium 4, low 1), floored at 0. 100 means nothing left to fix before submitting.
pub fn readiness(live_by_severity: &[(String, u64)]) -> u64 {
    let lost: u64 = live_by_severity
        .iter()
        .map(|(s, n)| {
            READINESS_WEIGHTS
                .iter()
                .find(|(w, _)| w == s)
                .map_or(0, |(_, w)| w * n)
        })
        .sum();
    100u64.saturating_sub(lost)
}

/// The latest self-check of an institution and how ready it is.
pub struct Readiness {
    pub upload: upload::Model,
    pub score: u64,
    /// (severity, live findings, points lost).
    pub lines: Vec<(String, u64, u64)>,
}

#[derive(Template)]
#[template(path = "uploads.html")]
struct UploadsPage {
    p: Page,
    items: Vec<upload::Model>,
    total: u64,
    page: u64,
    pages: u64,
    readiness: Option<Readiness>,
    max_mb: u64,
}

#[derive(Deserialize)]
pub struct PageQuery {
    pub page: Option<u64>,
}

const PER_PAGE: u64 = 20;

pub async fn index(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<PageQuery>,
) -> WebResult<Response> {
    let page = q.page.unwrap_or(1).max(1);
    let (items, total) = state
        .store()
        .list_uploads(&user.viewer, page, PER_PAGE)
        .await?;
    let readiness = if user.viewer.role == Role::Institution {
        match state.store().latest_self_check(&user.viewer).await? {
            Some(up) => {
                let live = state
                    .store()
                    .upload_live_by_severity(&user.viewer, up.id)
                    .await?;
                let lines = READINESS_WEIGHTS
                    .iter()
                    .map(|(s, w)| {
                        let n = live.iter().find(|(k, _)| k == s).map_or(0, |(_, n)| *n);
                        ((*s).to_owned(), n, n * w)
                    })
                    .collect();
                Some(Readiness {
                    score: readiness(&live),
                    upload: up,
                    lines,
                })
            }
            None => None,
        }
    } else {
        None
    };
    Ok(render(&UploadsPage {
        p: user.page(user.lang.t("uploads.title"), "/uploads"),
        items,
        total,
        page,
        pages: total.div_ceil(PER_PAGE).max(1),
        readiness,
        max_mb: state.0.config.max_upload_bytes >> 20,
    }))
}

/// `POST /uploads`: the browser's multipart form; on success, to the upload's page.
pub async fn create(
    State(state): State<AppState>,
    user: WebUser,
    multipart: Multipart,
) -> WebResult<Response> {
    let form = receive(&state, multipart, Some(&user.csrf)).await?;
    user.check_csrf(form.csrf.as_deref().unwrap_or_default())?;
    let mode = match (form.mode.as_deref(), user.viewer.role) {
        (Some("official"), Role::Institution) => {
            return Err(ApiError::forbidden(
                "机构的上传先作为自查；自查完成后可在上传页面“正式提交”",
                "an institution uploads a self-check first, then submits it officially from its page",
            )
            .into());
        }
        (_, Role::Institution) => "self_check",
        (_, _) => "official",
    };
    let (_, body) = accept(&state, &user.viewer, form, mode).await?;
    let id = body
        .0
        .get("id")
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(0);
    Ok(Redirect::to(&format!("/uploads/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "upload.html")]
struct UploadPage {
    p: Page,
    up: upload::Model,
    sheets: Vec<sheet::Model>,
    by_rule: Vec<(String, String, u64)>,
    findings: Vec<finding::Model>,
    rows_read: i64,
    error: String,
    working: bool,
    can_submit: bool,
    /// For a registry: the first rows of each sheet, as (sheet, fields, rows of values).
    registry: Vec<RegistryTable>,
}

/// The first rows of one registry sheet, as stored (personal data masked).
pub struct RegistryTable {
    pub sheet: String,
    pub fields: Vec<String>,
    pub rows: Vec<(i32, Vec<String>)>,
}

/// Rows of a registry shown on its upload page.
const REGISTRY_ROWS: i32 = 200;

async fn registry_tables(
    state: &AppState,
    sheets: &[sheet::Model],
) -> WebResult<Vec<RegistryTable>> {
    let mut out = Vec::new();
    for s in sheets.iter().filter(|s| s.dataset.is_some()) {
        let first = s.header_row.unwrap_or(0) + 1;
        let wanted: Vec<i32> = (first..first + REGISTRY_ROWS).collect();
        let records = state.store().records_of(s.id, &wanted).await?;
        let mut rows: Vec<(i32, serde_json::Map<String, serde_json::Value>)> = records
            .into_iter()
            .filter_map(|(row, text)| match serde_json::from_str(&text) {
                Ok(serde_json::Value::Object(map)) => Some((row, map)),
                _ => None,
            })
            .collect();
        rows.sort_by_key(|(row, _)| *row);
        let mut fields: Vec<String> = Vec::new();
        for (_, map) in &rows {
            for k in map.keys() {
                if !fields.contains(k) {
                    fields.push(k.clone());
                }
            }
        }
        let rows = rows
            .into_iter()
            .map(|(row, map)| {
                let values = fields
                    .iter()
                    .map(|f| match map.get(f) {
                        Some(serde_json::Value::String(v)) => v.clone(),
                        Some(other) => other.to_string(),
                        None => String::new(),
                    })
                    .collect();
                (row, values)
            })
            .collect();
        out.push(RegistryTable {
            sheet: s.name.clone(),
            fields,
            rows,
        });
    }
    Ok(out)
}

pub async fn show(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<i32>,
) -> WebResult<Response> {
    let (up, sheets) = state.store().upload_for(&user.viewer, id).await?;
    let by_rule = state.store().upload_rule_counts(&user.viewer, id).await?;
    let filter = FindingFilter {
        upload_id: Some(id),
        ..FindingFilter::default()
    };
    let (findings, _) = state
        .store()
        .list_findings(&user.viewer, &filter, FindingSort::Severity, 1, 100)
        .await?;
    let working = matches!(up.status.as_str(), "queued" | "processing");
    let rows_read = if working {
        state.progress_of(up.id).unwrap_or(0) as i64
    } else {
        up.rows_read
    };
    let error = match (&up.error_zh, &up.error_en) {
        (Some(zh), en) => user
            .lang
            .pick(zh, en.as_deref().unwrap_or_default())
            .to_owned(),
        _ => String::new(),
    };
    let can_submit = user.viewer.role == Role::Institution
        && up.mode == "self_check"
        && up.status == "done"
        && up.submitted_at.is_none();
    let registry = if up.mode == "registry" && up.status == "done" {
        registry_tables(&state, &sheets).await?
    } else {
        Vec::new()
    };
    let title = format!("{} {}", user.lang.t("upload.title"), up.file_name);
    Ok(render(&UploadPage {
        p: user.page(title, &format!("/uploads/{id}")),
        up,
        sheets,
        by_rule,
        findings,
        rows_read,
        error,
        working,
        can_submit,
        registry,
    }))
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /uploads/{id}/submit`: an institution hands its self-check to the regulator.
pub async fn submit(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<i32>,
    Form(form): Form<CsrfForm>,
) -> WebResult<Response> {
    user.check_csrf(&form.csrf)?;
    if user.viewer.role != Role::Institution {
        state.store().upload_for(&user.viewer, id).await?;
        return Err(ApiError::forbidden(
            "只有机构用户可以提交自查",
            "only the institution may submit its self-check",
        )
        .into());
    }
    state.store().submit_upload(&user.viewer, id).await?;
    Ok(Redirect::to(&format!("/uploads/{id}")).into_response())
}

/// `GET /uploads/{id}/report.{xlsx|html|csv|json|sarif|junit}`: the upload's report as
/// `auditor check` renders it (see `crate::report`).
pub async fn download(
    State(state): State<AppState>,
    user: WebUser,
    Path((id, file)): Path<(i32, String)>,
) -> WebResult<Response> {
    let Some(format) = file
        .strip_prefix("report.")
        .filter(|f| crate::report::FORMATS.contains(f))
        .map(str::to_owned)
    else {
        return Err(super::WebError::not_found());
    };
    let (up, _) = state.store().upload_for(&user.viewer, id).await?;
    if up.status == "failed" {
        return Err(ApiError::new(
            axum::http::StatusCode::CONFLICT,
            "upload_failed",
            "该上传未能读取，没有检查报告；原因见上传详情",
            "the upload could not be read and has no report; its page says why",
        )
        .into());
    }
    if up.status != "done" {
        return Err(ApiError::new(
            axum::http::StatusCode::CONFLICT,
            "upload_not_done",
            "该上传尚未检查完成，完成后才能下载报告",
            "the upload is not checked yet; the report can be downloaded once it is",
        )
        .into());
    }
    let mut inputs = crate::worker::judge_inputs(&state, &up)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    if matches!(user.viewer.role, auditor_store::access::Role::Institution) {
        inputs = inputs.own_only(user.viewer.organisation_id);
    }
    let pack = crate::Engine::pack(&up.pack).map_err(|e| ApiError::internal(&e))?;
    let lang = match user.lang {
        super::Lang::Zh => auditor_report::Lang::Zh,
        super::Lang::En => auditor_report::Lang::En,
    };
    // The institution the upload was filed under is whom the report audits, whatever the
    // ledger's own title says.
    let owner = match up.institution_id {
        Some(org) => state.store().organisation(org).await?.map(|o| o.name),
        None => None,
    };
    let st = state.clone();
    let path = state.uploads_dir().join(&up.sha256);
    let name = up.file_name.clone();
    let as_of = up.as_of;
    let judged = up.clone();
    let rendered = tokio::task::spawn_blocking(move || {
        crate::report::render_upload(
            &st.0.engine,
            &path,
            &name,
            &pack,
            as_of,
            &inputs.for_upload(&judged),
            &format,
            lang,
            owner.as_deref(),
        )
    })
    .await
    .map_err(|e| ApiError::internal(&format!("report: {e}")))?
    .map_err(|e| ApiError::internal(&e))?;
    let disposition = format!(
        "attachment; filename=\"upload-{id}-report.{}\"",
        rendered.extension
    );
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                rendered.content_type.to_owned(),
            ),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        rendered.bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readiness_is_100_minus_weighted_live_findings() {
        assert_eq!(readiness(&[]), 100);
        let live = vec![
            ("critical".to_owned(), 1),
            ("high".to_owned(), 2),
            ("low".to_owned(), 3),
        ];
        assert_eq!(readiness(&live), 100 - 25 - 20 - 3);
        assert_eq!(readiness(&[("critical".to_owned(), 5)]), 0);
    }
}
