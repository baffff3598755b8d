//! `POST /uploads` streams each file to disk under a size limit while hashing it, records the
//! upload and processes it in the background (202); the client polls `GET /uploads/{id}`.
//! The same bytes uploaded again into the same lane return the first upload, not a new one.

use std::path::PathBuf;

use auditor_store::Viewer;
use auditor_store::access::Role;
use auditor_store::entity::upload;
use auditor_store::uploads::NewUpload;
use axum::Json;
use axum::extract::{Multipart, Path as UrlPath, Query, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::auth::Authed;
use crate::engine::Engine;
use crate::error::{ApiError, ApiResult};
use crate::routes::Paging;
use crate::state::AppState;

/// A file received whole, waiting in the data directory under its hash.
pub struct Received {
    pub file_name: String,
    pub sha256: String,
    pub size: i64,
}

/// Form fields of an upload besides the files.
#[derive(Default)]
pub struct UploadForm {
    pub files: Vec<Received>,
    pub mode: Option<String>,
    pub pack: Option<String>,
    pub as_of: Option<String>,
    pub institution: Option<String>,
    /// The CSRF token a browser form sends as its first field.
    pub csrf: Option<String>,
}

fn too_large(name: &str, limit: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "file_too_large",
        format!("文件 {name} 超过 {} MB 的上限，未保存", limit >> 20),
        format!(
            "{name} is larger than the {} MB limit; nothing was stored",
            limit >> 20
        ),
    )
}

fn bad_form(e: &axum::extract::multipart::MultipartError) -> ApiError {
    ApiError::bad_request(
        "invalid_multipart",
        format!("上传的表单无法读取：{e}"),
        format!("the upload form could not be read: {e}"),
    )
}

fn bad_csrf() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "csrf",
        "请求缺少有效的 CSRF 令牌，请刷新页面后重试",
        "the request lacks a valid CSRF token; reload the page and try again",
    )
}

/// Reads the multipart body: each `file` part is streamed to a temporary file, hashed, and moved
/// under its hash; nothing is left behind when any part fails. With `expect_csrf` (browser
/// forms), a `csrf` field with that token must come before the first file, so that nothing is
/// written for a forged request.
pub async fn receive(
    state: &AppState,
    mut multipart: Multipart,
    expect_csrf: Option<&str>,
) -> ApiResult<UploadForm> {
    let dir = state.uploads_dir();
    let tmp_dir = state.0.data_dir.join("tmp");
    for d in [&dir, &tmp_dir] {
        tokio::fs::create_dir_all(d)
            .await
            .map_err(|e| ApiError::internal(&format!("create {}: {e}", d.display())))?;
    }
    let limit = state.0.config.max_upload_bytes;
    let mut form = UploadForm::default();
    let mut temps: Vec<PathBuf> = Vec::new();
    let result: ApiResult<()> = async {
        while let Some(mut field) = multipart.next_field().await.map_err(|e| bad_form(&e))? {
            let name = field.name().unwrap_or_default().to_owned();
            if name != "file" {
                let text = field.text().await.map_err(|e| bad_form(&e))?;
                match name.as_str() {
                    "mode" => form.mode = Some(text),
                    "pack" => form.pack = Some(text),
                    "as_of" => form.as_of = Some(text),
                    "institution" => form.institution = Some(text),
                    "csrf" => form.csrf = Some(text),
                    _ => {}
                }
                continue;
            }
            if let Some(expected) = expect_csrf
                && !form
                    .csrf
                    .as_deref()
                    .is_some_and(|sent| crate::password::same_secret(sent, expected))
            {
                return Err(bad_csrf());
            }
            let file_name = field
                .file_name()
                .map_or_else(|| "upload".into(), sanitize_name);
            let tmp =
                tmp_dir.join(crate::password::random_secret().map_err(|e| ApiError::internal(&e))?);
            temps.push(tmp.clone());
            let mut out = tokio::fs::File::create(&tmp)
                .await
                .map_err(|e| ApiError::internal(&format!("create {}: {e}", tmp.display())))?;
            let mut hasher = Sha256::new();
            let mut size: u64 = 0;
            while let Some(chunk) = field.chunk().await.map_err(|e| bad_form(&e))? {
                size += chunk.len() as u64;
                if size > limit {
                    return Err(too_large(&file_name, limit));
                }
                hasher.update(&chunk);
                out.write_all(&chunk)
                    .await
                    .map_err(|e| ApiError::internal(&format!("write: {e}")))?;
            }
            out.flush()
                .await
                .map_err(|e| ApiError::internal(&format!("write: {e}")))?;
            if size == 0 {
                return Err(ApiError::bad_request(
                    "empty_file",
                    format!("文件 {file_name} 是空的"),
                    format!("{file_name} is empty"),
                ));
            }
            let sha256 = hex::encode(hasher.finalize());
            let dest = dir.join(&sha256);
            tokio::fs::rename(&tmp, &dest)
                .await
                .map_err(|e| ApiError::internal(&format!("rename: {e}")))?;
            temps.pop();
            form.files.push(Received {
                file_name,
                sha256,
                size: size as i64,
            });
        }
        Ok(())
    }
    .await;
    for t in temps {
        let _ = tokio::fs::remove_file(t).await;
    }
    result?;
    if form.files.is_empty() {
        return Err(ApiError::bad_request(
            "file_required",
            "请在表单字段 file 中附上至少一个台账文件",
            "attach at least one ledger file in the form field `file`",
        ));
    }
    Ok(form)
}

/// Keeps the last path component and drops control characters: the name is shown, never used
/// as a path (files are stored under their hash).
fn sanitize_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let clean: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    if clean.is_empty() {
        "upload".into()
    } else {
        clean
    }
}

pub fn parse_as_of(raw: Option<&str>) -> ApiResult<NaiveDate> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(today_in_china()),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
            ApiError::bad_request(
                "invalid_date",
                format!("as_of 应为 YYYY-MM-DD，收到 \"{s}\""),
                format!("as_of must be YYYY-MM-DD, got \"{s}\""),
            )
        }),
    }
}

pub fn today_in_china() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// Whose upload this is: an institution user's own institution; for a regulator, the
/// institution named by the `institution` field (a credit code) within their region, or none.
async fn owner(
    state: &AppState,
    viewer: &Viewer,
    institution: Option<&str>,
) -> ApiResult<(Option<i32>, String)> {
    match viewer.role {
        Role::Institution => {
            let id = viewer.organisation_id.ok_or_else(ApiError::not_found)?;
            Ok((Some(id), viewer.region_code.clone()))
        }
        Role::Admin | Role::Inspector => match institution.map(str::trim).filter(|s| !s.is_empty())
        {
            None => Ok((None, viewer.region_code.clone())),
            Some(uscc) => {
                let org = state.store().institution(uscc, None).await?;
                if !org.region_code.starts_with(&viewer.region_code) {
                    return Err(ApiError::forbidden(
                        format!("机构 {uscc} 不在您的辖区内"),
                        format!("institution {uscc} is outside your region"),
                    ));
                }
                Ok((Some(org.id), org.region_code))
            }
        },
    }
}

pub fn upload_json(up: &upload::Model, progress: Option<u64>) -> Value {
    json!({
        "id": up.id,
        "file_name": up.file_name,
        "sha256": up.sha256,
        "size": up.size,
        "mode": up.mode,
        "status": up.status,
        "error": up.error_zh.as_ref().map(|zh| json!({"message": zh, "message_en": up.error_en})),
        "institution_id": up.institution_id,
        "region_code": up.region_code,
        "pack": up.pack,
        "as_of": up.as_of.to_string(),
        "rows_read": if up.status == "processing" { progress.unwrap_or(0) as i64 } else { up.rows_read },
        "findings": up.findings_count,
        "created_at": up.created_at.to_rfc3339(),
        "finished_at": up.finished_at.map(|t| t.to_rfc3339()),
        "submitted_at": up.submitted_at.map(|t| t.to_rfc3339()),
    })
}

/// Records an upload of each received file (or finds its earlier twin) and starts processing.
pub async fn accept(
    state: &AppState,
    viewer: &Viewer,
    form: UploadForm,
    mode: &str,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let pack = form
        .pack
        .clone()
        .unwrap_or_else(|| state.0.config.default_pack.clone());
    Engine::pack(&pack).map_err(|e| {
        ApiError::bad_request(
            "unknown_pack",
            format!("未知规则包：{e}"),
            format!("unknown pack: {e}"),
        )
    })?;
    let as_of = parse_as_of(form.as_of.as_deref())?;
    let (institution_id, region) = owner(state, viewer, form.institution.as_deref()).await?;
    let mut out = Vec::new();
    let mut any_new = false;
    for f in &form.files {
        let new = NewUpload {
            sha256: &f.sha256,
            file_name: &f.file_name,
            size: f.size,
            mode,
            uploader_id: viewer.user_id,
            institution_id,
            region_code: &region,
            pack: &pack,
            as_of,
        };
        if let Some(existing) = state.store().duplicate_upload(&new).await? {
            let mut j = upload_json(&existing, state.progress_of(existing.id));
            j["duplicate"] = json!(true);
            out.push(j);
            continue;
        }
        let up = state.store().create_upload(&new).await?;
        auditor_store::audit::record(
            &state.store().db,
            auditor_store::audit::AuditEntry {
                actor_id: Some(viewer.user_id),
                action: "upload.create",
                subject_type: "upload",
                subject_id: Some(i64::from(up.id)),
                before: None,
                after: Some(json!({"file": up.file_name, "sha256": up.sha256, "mode": up.mode})),
            },
        )
        .await
        .map_err(|e| ApiError::internal(&e.to_string()))?;
        let mut j = upload_json(&up, None);
        j["duplicate"] = json!(false);
        out.push(j);
        any_new = true;
        tokio::spawn(crate::worker::process(state.clone(), up));
    }
    let status = if any_new {
        StatusCode::ACCEPTED
    } else {
        StatusCode::OK
    };
    let first = out.first().and_then(|j| j.get("id")).cloned();
    Ok((status, Json(json!({"id": first, "uploads": out}))))
}

/// `POST /api/v1/uploads`.
pub async fn create(
    State(state): State<AppState>,
    Authed(viewer): Authed,
    multipart: Multipart,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let form = receive(&state, multipart, None).await?;
    let mode = match (form.mode.as_deref().map(str::trim), viewer.role) {
        (None | Some("" | "self_check"), Role::Institution) => "self_check",
        (None | Some("" | "official"), _) => "official",
        (Some(m), _) => {
            return Err(ApiError::bad_request(
                "invalid_mode",
                format!("mode 只能是 self_check（机构自查）或 official，收到 \"{m}\""),
                format!("mode must be self_check (institutions only) or official, got \"{m}\""),
            ));
        }
    };
    accept(&state, &viewer, form, mode).await
}

/// `GET /api/v1/uploads/{id}`.
pub async fn show(
    State(state): State<AppState>,
    Authed(viewer): Authed,
    UrlPath(id): UrlPath<i32>,
) -> ApiResult<Json<Value>> {
    let (up, sheets) = state.store().upload_for(&viewer, id).await?;
    let mut j = upload_json(&up, state.progress_of(up.id));
    j["sheets"] = sheets
        .iter()
        .map(|s| {
            json!({
                "name": s.name,
                "dataset": s.dataset,
                "header_row": s.header_row,
                "rows": s.rows,
                "institution": s.institution,
            })
        })
        .collect();
    Ok(Json(j))
}

/// `GET /api/v1/uploads`.
pub async fn list(
    State(state): State<AppState>,
    Authed(viewer): Authed,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Value>> {
    let (page, per_page) = paging.resolve();
    let (items, total) = state.store().list_uploads(&viewer, page, per_page).await?;
    Ok(Json(json!({
        "total": total,
        "page": page,
        "per_page": per_page,
        "items": items.iter().map(|u| upload_json(u, state.progress_of(u.id))).collect::<Vec<_>>(),
    })))
}

/// `POST /api/v1/uploads/{id}/submit`: an institution hands a self-check to its regulator.
pub async fn submit(
    State(state): State<AppState>,
    Authed(viewer): Authed,
    UrlPath(id): UrlPath<i32>,
) -> ApiResult<Json<Value>> {
    if viewer.role != Role::Institution {
        // Only the institution's own people may submit; to others the self-check is invisible.
        state.store().upload_for(&viewer, id).await?;
        return Err(ApiError::forbidden(
            "只有机构用户可以提交自查",
            "only the institution may submit its self-check",
        ));
    }
    let (up, summary) = state.store().submit_upload(&viewer, id).await?;
    let mut j = upload_json(&up, None);
    j["merge"] = json!(summary);
    Ok(Json(j))
}
