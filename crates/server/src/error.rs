//! API errors: `{code, message, message_en}` with a stable code and the right status. Nothing
//! internal (SQL, paths, traces) reaches the client; it goes to the log.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use auditor_store::StoreError;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub zh: String,
    pub en: String,
}

#[derive(Serialize)]
struct Body<'a> {
    code: &'a str,
    /// Chinese first: what users read.
    message: &'a str,
    message_en: &'a str,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Self {
            status,
            code,
            zh: zh.into(),
            en: en.into(),
        }
    }

    pub fn bad_request(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, zh, en)
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "未找到", "not found")
    }

    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "请先登录",
            "sign in first",
        )
    }

    pub fn forbidden(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", zh, en)
    }

    pub fn internal(what: &str) -> Self {
        tracing::error!("{what}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "服务器内部错误，请稍后重试",
            "internal error; please try again later",
        )
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::not_found(),
            StoreError::Conflict { code, zh, en } => {
                let status = match code {
                    "forbidden" | "same_person" => StatusCode::FORBIDDEN,
                    "transition_forbidden"
                    | "waiver_decided"
                    | "upload_not_done"
                    | "not_self_check"
                    | "user_exists"
                    | "team_exists"
                    | "schedule_exists" => StatusCode::CONFLICT,
                    _ => StatusCode::UNPROCESSABLE_ENTITY,
                };
                Self::new(status, code, zh, en)
            }
            StoreError::Db(e) => Self::internal(&format!("database: {e}")),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            code: self.code,
            message: &self.zh,
            message_en: &self.en,
        };
        (self.status, Json(body)).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
