//! Who is calling. A request is authenticated by `Authorization: Bearer <token>` (machines) or
//! by the session cookie (browsers). Cookie-authenticated writes must echo the session's CSRF
//! token in `X-CSRF-Token`; a bearer token cannot be sent by another site, so it needs none.

use std::net::{IpAddr, SocketAddr};

use auditor_store::Viewer;
use axum::Json;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::error::{ApiError, ApiResult};
use crate::password::{random_secret, same_secret, verify_password};
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "auditor_session";
pub const CSRF_COOKIE: &str = "auditor_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The authenticated caller.
pub struct Authed(pub Viewer);

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

impl FromRequestParts<AppState> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(token) = bearer(&parts.headers) {
            return match state.store().viewer_by_token(token).await? {
                Some(v) => Ok(Self(v)),
                None => Err(ApiError::unauthenticated()),
            };
        }
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(ApiError::unauthenticated());
        };
        let Some((viewer, csrf)) = state.store().viewer_by_session(token).await? else {
            return Err(ApiError::unauthenticated());
        };
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if !same_secret(sent, &csrf) {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "csrf",
                    "请求缺少有效的 CSRF 令牌，请刷新页面后重试",
                    "the request lacks a valid CSRF token; reload the page and try again",
                ));
            }
        }
        Ok(Self(viewer))
    }
}

/// The client's address, when the server was started with connection info.
pub struct ClientAddr(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        Ok(Self(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

#[derive(Deserialize)]
pub struct Login {
    pub email: String,
    pub password: String,
}

fn set_cookie(name: &str, value: &str, http_only: bool, secure: bool, max_age: i64) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; SameSite=Strict; Max-Age={max_age}");
    if http_only {
        c.push_str("; HttpOnly");
    }
    if secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static(""))
}

pub fn viewer_json(v: &Viewer) -> serde_json::Value {
    json!({
        "id": v.user_id,
        "email": v.email,
        "role": v.role.as_str(),
        "region_code": v.region_code,
        "organisation_id": v.organisation_id,
    })
}

/// A new session: its cookie value and CSRF token.
pub struct SignedIn {
    pub viewer: Viewer,
    pub token: String,
    pub csrf: String,
}

/// Checks the password (throttled per account and per address) and opens a session. Shared by
/// the JSON API and the sign-in page.
pub async fn sign_in(
    state: &AppState,
    ip: Option<IpAddr>,
    email: &str,
    password: &str,
) -> ApiResult<SignedIn> {
    let email = email.trim().to_lowercase();
    let keys = [
        Some(format!("user:{email}")),
        ip.map(|ip| format!("ip:{ip}")),
    ];
    for key in keys.iter().flatten() {
        if let Some(wait) = state.0.logins.blocked(key) {
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_attempts",
                format!("登录失败次数过多，请 {} 分钟后再试", wait.div_ceil(60)),
                format!(
                    "too many failed sign-ins; try again in {} minutes",
                    wait.div_ceil(60)
                ),
            ));
        }
    }
    let user = state.store().user_by_email(&email).await?;
    let password = password.to_owned();
    let ok = match user {
        Some(u) if !u.disabled => {
            let hash = u.password_hash.clone();
            // argon2 is deliberately slow: keep it off the async workers.
            let verified = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
                .await
                .unwrap_or(false);
            verified.then_some(u)
        }
        _ => None,
    };
    let Some(user) = ok else {
        for key in keys.iter().flatten() {
            state.0.logins.failed(key);
        }
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            "邮箱或密码不正确",
            "wrong email or password",
        ));
    };
    for key in keys.iter().flatten() {
        state.0.logins.succeeded(key);
    }
    let token = random_secret().map_err(|e| ApiError::internal(&e))?;
    let csrf = random_secret().map_err(|e| ApiError::internal(&e))?;
    state.store().open_session(user.id, &token, &csrf).await?;
    let viewer = state
        .store()
        .viewer(user.id)
        .await?
        .ok_or_else(ApiError::unauthenticated)?;
    Ok(SignedIn {
        viewer,
        token,
        csrf,
    })
}

/// The session and CSRF cookies of a new session, or (with `None`) the ones that clear them.
pub fn session_cookies(state: &AppState, session: Option<(&str, &str)>) -> [HeaderValue; 2] {
    let secure = state.0.config.secure_cookies;
    let (token, csrf, max_age) = match session {
        Some((token, csrf)) => (token, csrf, auditor_store::users::SESSION_HOURS * 3600),
        None => ("", "", 0),
    };
    [
        set_cookie(SESSION_COOKIE, token, true, secure, max_age),
        set_cookie(CSRF_COOKIE, csrf, false, secure, max_age),
    ]
}

/// `POST /api/v1/auth/login`: a session cookie, a CSRF cookie, and the CSRF token in the body.
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    Json(body): Json<Login>,
) -> ApiResult<Response> {
    let s = sign_in(&state, ip, &body.email, &body.password).await?;
    let mut response =
        Json(json!({"user": viewer_json(&s.viewer), "csrf_token": s.csrf})).into_response();
    for c in session_cookies(&state, Some((&s.token, &s.csrf))) {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(response)
}

/// `POST /api/v1/auth/logout`.
pub async fn logout(
    State(state): State<AppState>,
    _: Authed,
    headers: HeaderMap,
) -> ApiResult<Response> {
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        state.store().close_session(token).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    for c in session_cookies(&state, None) {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(response)
}

/// `GET /api/v1/me`.
pub async fn me(Authed(v): Authed) -> Json<serde_json::Value> {
    Json(viewer_json(&v))
}
