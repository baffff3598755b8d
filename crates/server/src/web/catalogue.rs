//! The rule catalogue (every finding links to its rule) and the registries (institutions,
//! staff, devices) that regulators upload for their region.

use askama::Template;
use auditor_rules::catalogue::Rule;
use auditor_store::access::Role;
use auditor_store::entity::registry;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::uploads::PageQuery;
use super::{Page, WebError, WebResult, WebUser, render};
use crate::error::ApiError;
use crate::routes::uploads::{accept, receive};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "rules.html")]
struct RulesPage {
    p: Page,
    rules: Vec<Rule>,
}

pub async fn rules(State(state): State<AppState>, user: WebUser) -> Response {
    render(&RulesPage {
        p: user.page(user.lang.t("rules.title"), "/rules"),
        rules: state.0.engine.rules.rules.clone(),
    })
}

#[derive(Template)]
#[template(path = "rule.html")]
struct RulePage {
    p: Page,
    r: Rule,
}

pub async fn rule(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
) -> WebResult<Response> {
    let r = state
        .0
        .engine
        .rules
        .get(&id)
        .cloned()
        .ok_or_else(WebError::not_found)?;
    let title = format!("{} {}", r.id, user.lang.pick(&r.title.zh, &r.title.en));
    Ok(render(&RulePage {
        p: user.page(title, &format!("/rules/{id}")),
        r,
    }))
}

#[derive(Template)]
#[template(path = "registries.html")]
struct RegistriesPage {
    p: Page,
    items: Vec<registry::Model>,
    page: u64,
    pages: u64,
}

/// Registries on a page, as uploads are.
const PER_PAGE: u64 = 20;

pub async fn registries(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<PageQuery>,
) -> WebResult<Response> {
    let page = q.page.unwrap_or(1).max(1);
    let (items, total) = state
        .store()
        .registries_page(&user.viewer, page, PER_PAGE)
        .await?;
    Ok(render(&RegistriesPage {
        p: user.page(user.lang.t("registries.title"), "/registries"),
        items,
        page,
        pages: total.div_ceil(PER_PAGE).max(1),
    }))
}

/// `POST /registries`: a regulator's registry file for their region.
pub async fn upload_registry(
    State(state): State<AppState>,
    user: WebUser,
    multipart: Multipart,
) -> WebResult<Response> {
    if user.viewer.role == Role::Institution {
        return Err(ApiError::forbidden(
            "名录由监管部门上传",
            "registries are uploaded by regulators",
        )
        .into());
    }
    let mut form = receive(&state, multipart, Some(&user.csrf)).await?;
    user.check_csrf(form.csrf.as_deref().unwrap_or_default())?;
    form.institution = None;
    let (_, body) = accept(&state, &user.viewer, form, "registry").await?;
    let id = body
        .0
        .get("id")
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(0);
    Ok(Redirect::to(&format!("/uploads/{id}")).into_response())
}
