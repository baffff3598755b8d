//! The web app (DESIGN.md §7, issue 5): server-rendered pages over the same store and access
//! rules as the JSON API, Chinese first with an English switch. Templates live in
//! `web/templates/`, styles and the one small script in `web/static/`, texts in `web/i18n/`;
//! all are compiled into the binary. One file per page group.

mod catalogue;
mod chart;
mod dashboard;
mod findings;
pub mod i18n;
mod session;
pub(crate) mod sex_ratio;
mod uploads;

use std::fmt::Write as _;

use askama::Template;
use auditor_store::access::Role;
use auditor_store::{StoreError, Viewer};
use axum::Router;
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::auth::{SESSION_COOKIE, cookie};
use crate::error::ApiError;
use crate::password::same_secret;
use crate::state::AppState;
pub use i18n::Lang;

/// The pages, to be merged at the root of the app's router.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard::show))
        .route("/login", get(session::login_form).post(session::login))
        .route("/logout", post(session::logout))
        .route(
            "/password",
            get(session::password_form).post(session::change_password),
        )
        .route("/lang/{code}", get(switch_lang))
        .route("/uploads", get(uploads::index).post(uploads::create))
        .route("/uploads/{id}", get(uploads::show))
        .route("/uploads/{id}/submit", post(uploads::submit))
        .route("/uploads/{id}/{file}", get(uploads::download))
        .route("/findings", get(findings::index))
        .route("/findings/{id}", get(findings::show))
        .route("/findings/{id}/transition", post(findings::transition))
        .route("/findings/{id}/waiver", post(findings::request_waiver))
        .route(
            "/findings/{id}/waivers/{waiver}",
            post(findings::decide_waiver),
        )
        .route("/rules", get(catalogue::rules))
        .route("/rules/{id}", get(catalogue::rule))
        .route(
            "/registries",
            get(catalogue::registries).post(catalogue::upload_registry),
        )
        .route("/static/{file}", get(static_file))
        .fallback(|| async { WebError::not_found() })
        .layer(axum::middleware::map_response(security_headers))
}

/// Pages load nothing from elsewhere and cannot be framed.
async fn security_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             frame-ancestors 'none'; form-action 'self'",
        ),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}

const APP_CSS: &str = include_str!("../../../../web/static/app.css");
const UPLOAD_JS: &str = include_str!("../../../../web/static/upload.js");

async fn static_file(Path(file): Path<String>) -> Response {
    let (body, ctype) = match file.as_str() {
        "app.css" => (APP_CSS, "text/css; charset=utf-8"),
        "upload.js" => (UPLOAD_JS, "text/javascript; charset=utf-8"),
        _ => return WebError::not_found().into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, ctype),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// The signed-in person behind a page request, with their session's CSRF token and language.
/// Without a session the request is sent to the sign-in page and back.
pub struct WebUser {
    pub viewer: Viewer,
    pub csrf: String,
    pub session: String,
    pub lang: Lang,
}

impl FromRequestParts<AppState> for WebUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Ok(lang) = Lang::from_request_parts(parts, state).await;
        let to_login = || {
            let next = parts
                .uri
                .path_and_query()
                .map_or("/", axum::http::uri::PathAndQuery::as_str);
            Redirect::to(&format!("/login?next={}", encode(next))).into_response()
        };
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(to_login());
        };
        match state.store().viewer_by_session(token).await {
            Ok(Some((viewer, csrf))) => Ok(Self {
                viewer,
                csrf,
                session: token.to_owned(),
                lang,
            }),
            Ok(None) => Err(to_login()),
            Err(e) => Err(WebError::from(e).into_response()),
        }
    }
}

impl WebUser {
    /// A form's `csrf` field must be this session's token.
    pub fn check_csrf(&self, sent: &str) -> Result<(), WebError> {
        if same_secret(sent, &self.csrf) {
            Ok(())
        } else {
            Err(WebError::from(ApiError::new(
                StatusCode::FORBIDDEN,
                "csrf",
                "表单已过期或来源不明（缺少有效的 CSRF 令牌），请刷新页面后重试",
                "the form is stale or forged (no valid CSRF token); reload the page and try again",
            )))
        }
    }

    /// The frame every signed-in page shares.
    pub fn page(&self, title: impl Into<String>, path: &str) -> Page {
        Page {
            lang: self.lang,
            title: title.into(),
            email: self.viewer.email.clone(),
            role: self.viewer.role,
            signed_in: true,
            csrf: self.csrf.clone(),
            path: path.to_owned(),
        }
    }
}

/// What the layout (`base.html`) needs: language, title, who is signed in, the CSRF token for
/// the sign-out form, and the path the language switch returns to.
pub struct Page {
    pub lang: Lang,
    pub title: String,
    pub email: String,
    pub role: Role,
    pub signed_in: bool,
    pub csrf: String,
    pub path: String,
}

impl Page {
    pub fn anonymous(lang: Lang, title: impl Into<String>, path: &str) -> Self {
        Self {
            lang,
            title: title.into(),
            email: String::new(),
            role: Role::Institution,
            signed_in: false,
            csrf: String::new(),
            path: path.to_owned(),
        }
    }

    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        self.lang.t(key)
    }

    pub fn pick<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        self.lang.pick(zh, en)
    }

    /// For `selected` in templates: the two texts are equal.
    pub fn same(&self, a: &str, b: &str) -> bool {
        a == b
    }

    pub fn is_regulator(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Inspector)
    }

    pub fn role_name(&self) -> &'static str {
        match self.role {
            Role::Admin => self.lang.t("role.admin"),
            Role::Inspector => self.lang.t("role.inspector"),
            Role::Institution => self.lang.t("role.institution"),
        }
    }

    /// The switch to the other language, back to this page.
    pub fn switch_href(&self) -> String {
        format!(
            "/lang/{}?next={}",
            self.lang.other().code(),
            encode(&self.path)
        )
    }

    pub fn switch_label(&self) -> &'static str {
        match self.lang {
            Lang::Zh => "English",
            Lang::En => "中文",
        }
    }

    /// The name of a severity, a status or a lane in this language.
    pub fn term(&self, kind: &str, value: &str) -> String {
        let key = format!("{kind}.{value}");
        match self.lang.t(&key) {
            found if found == key => value.to_owned(),
            found => found.to_owned(),
        }
    }
}

/// Percent-encodes a path for a query parameter.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_./~".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A local path to return to after a redirect: only paths on this site, never `//host`.
pub fn local_path(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

#[derive(Deserialize)]
pub struct Next {
    pub next: Option<String>,
}

/// `GET /lang/{zh|en}?next=`: remembers the language for a year and goes back.
async fn switch_lang(
    Path(code): Path<String>,
    Query(q): Query<Next>,
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Response {
    let lang = Lang::parse(&code).unwrap_or_default();
    let mut c = format!(
        "{}={}; Path=/; SameSite=Strict; Max-Age=31536000",
        i18n::LANG_COOKIE,
        lang.code()
    );
    if state.0.config.secure_cookies {
        c.push_str("; Secure");
    }
    let mut response = Redirect::to(&local_path(q.next.as_deref())).into_response();
    if let Ok(v) = HeaderValue::from_str(&c) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

/// An error page: the status, and the message in Chinese first, English second.
#[derive(Debug)]
pub struct WebError {
    pub status: StatusCode,
    pub zh: String,
    pub en: String,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    zh: &'a str,
    en: &'a str,
}

impl WebError {
    pub fn not_found() -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            zh: "页面不存在，或您无权查看".into(),
            en: "This page does not exist, or you may not see it.".into(),
        }
    }
}

impl From<ApiError> for WebError {
    fn from(e: ApiError) -> Self {
        if e.status == StatusCode::NOT_FOUND {
            return Self::not_found();
        }
        Self {
            status: e.status,
            zh: e.zh,
            en: e.en,
        }
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        ApiError::from(e).into()
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let page = ErrorPage {
            status: self.status.as_u16(),
            zh: &self.zh,
            en: &self.en,
        };
        match page.render() {
            Ok(html) => (self.status, Html(html)).into_response(),
            Err(e) => {
                tracing::error!("error page: {e}");
                (self.status, format!("{}\n{}", self.zh, self.en)).into_response()
            }
        }
    }
}

pub type WebResult<T> = Result<T, WebError>;

/// Renders a page template, or the error page when rendering fails.
pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => WebError::from(ApiError::internal(&format!("template: {e}"))).into_response(),
    }
}

/// A stored time as people in China read it: Beijing time, to the minute. Inspectors and
/// hospitals compare these with their own ledgers and clocks, never with UTC. A method, so
/// templates can call it on a time however many references deep.
pub trait Beijing {
    fn beijing(&self) -> String;
}

impl Beijing for chrono::DateTime<chrono::Utc> {
    fn beijing(&self) -> String {
        self.with_timezone(&auditor_store::clock::CHINA)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::Beijing;

    #[test]
    fn times_are_shown_in_beijing_time() {
        let late_evening_utc = chrono::DateTime::parse_from_rfc3339("2026-11-30T16:30:00Z")
            .map(|t| t.with_timezone(&chrono::Utc));
        assert_eq!(
            late_evening_utc.map(|t| t.beijing()).ok().as_deref(),
            Some("2026-12-01 00:30")
        );
    }
}
