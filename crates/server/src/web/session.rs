//! Signing in and out, and changing one's password.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Lang, Next, Page, WebResult, WebUser, local_path, render};
use crate::auth::{ClientAddr, SESSION_COOKIE, cookie, session_cookies, sign_in};
use crate::password::{hash_password, verify_password};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    p: Page,
    next: String,
    email: String,
    error: String,
}

pub async fn login_form(lang: Lang, Query(q): Query<Next>) -> Response {
    render(&LoginPage {
        p: Page::anonymous(lang, lang.t("login.title"), "/login"),
        next: local_path(q.next.as_deref()),
        email: String::new(),
        error: String::new(),
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

/// `POST /login`: a new session, then back to where the person was going. A wrong password
/// shows the form again with the reason.
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    lang: Lang,
    Form(form): Form<LoginForm>,
) -> Response {
    let next = local_path(form.next.as_deref());
    match sign_in(&state, ip, &form.email, &form.password).await {
        Ok(s) => {
            let mut response = Redirect::to(&next).into_response();
            for c in session_cookies(&state, Some((&s.token, &s.csrf))) {
                response.headers_mut().append(header::SET_COOKIE, c);
            }
            response
        }
        Err(e) => {
            let mut response = render(&LoginPage {
                p: Page::anonymous(lang, lang.t("login.title"), "/login"),
                next,
                email: form.email,
                error: lang.pick(&e.zh, &e.en).to_owned(),
            });
            *response.status_mut() = e.status;
            response
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /logout`.
pub async fn logout(
    State(state): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> WebResult<Response> {
    user.check_csrf(&form.csrf)?;
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        state.store().close_session(token).await?;
    }
    let mut response = Redirect::to("/login").into_response();
    for c in session_cookies(&state, None) {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(response)
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    p: Page,
    error: String,
    done: bool,
}

pub async fn password_form(user: WebUser) -> Response {
    render(&PasswordPage {
        p: user.page(user.lang.t("password.title"), "/password"),
        error: String::new(),
        done: false,
    })
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    current: String,
    new: String,
    confirm: String,
}

/// Shortest password accepted, as for `auditor users add`.
const MIN_PASSWORD: usize = 10;

/// `POST /password`: the current password, then the new one twice. Other sessions of the
/// person are closed; this one stays.
pub async fn change_password(
    State(state): State<AppState>,
    user: WebUser,
    Form(form): Form<PasswordForm>,
) -> WebResult<Response> {
    user.check_csrf(&form.csrf)?;
    let lang = user.lang;
    let problem = if form.new != form.confirm {
        Some("password.mismatch")
    } else if form.new.chars().count() < MIN_PASSWORD {
        Some("password.too_short")
    } else {
        let hash = state
            .store()
            .user(user.viewer.user_id)
            .await?
            .map(|u| u.password_hash)
            .unwrap_or_default();
        let current = form.current.clone();
        let ok = tokio::task::spawn_blocking(move || verify_password(&current, &hash))
            .await
            .unwrap_or(false);
        (!ok).then_some("password.wrong_current")
    };
    if let Some(key) = problem {
        let mut response = render(&PasswordPage {
            p: user.page(lang.t("password.title"), "/password"),
            error: lang.t(key).to_owned(),
            done: false,
        });
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(response);
    }
    let new = form.new.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&new))
        .await
        .map_err(|e| crate::error::ApiError::internal(&format!("hash: {e}")))?
        .map_err(|e| crate::error::ApiError::internal(&format!("hash: {e}")))?;
    state
        .store()
        .set_password(user.viewer.user_id, &hash, Some(&user.session))
        .await?;
    Ok(render(&PasswordPage {
        p: user.page(lang.t("password.title"), "/password"),
        error: String::new(),
        done: true,
    }))
}
