//! Findings in the browser: the filterable, sortable, paginated list, and a finding's page with
//! its rule, evidence, history and the lifecycle actions (each with a note).

use askama::Template;
use auditor_model::Severity;
use auditor_rules::catalogue::Rule;
use auditor_store::entity::{finding, finding_event, waiver};
use auditor_store::findings::{FindingFilter, FindingSort, STATUSES, allowed};
use auditor_store::waivers::NewWaiver;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use super::{Beijing as _, Page, WebResult, WebUser, encode, render};
use crate::routes::findings::record_of;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    upload: String,
    #[serde(default)]
    rule: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    lane: String,
    #[serde(default)]
    sort: String,
    page: Option<u64>,
}

impl ListQuery {
    /// The query string of these filters with another sort or page.
    fn href(&self, sort: &str, page: u64) -> String {
        let mut q = Vec::new();
        for (k, v) in [
            ("upload", self.upload.as_str()),
            ("rule", self.rule.as_str()),
            ("severity", self.severity.as_str()),
            ("status", self.status.as_str()),
            ("lane", self.lane.as_str()),
            ("sort", sort),
        ] {
            if !v.is_empty() {
                q.push(format!("{k}={}", encode(v)));
            }
        }
        if page > 1 {
            q.push(format!("page={page}"));
        }
        if q.is_empty() {
            "/findings".into()
        } else {
            format!("/findings?{}", q.join("&"))
        }
    }
}

const PER_PAGE: u64 = 50;

#[derive(Template)]
#[template(path = "findings.html")]
struct FindingsPage {
    p: Page,
    q: ListQuery,
    findings: Vec<finding::Model>,
    total: u64,
    page: u64,
    pages: u64,
    rules: Vec<String>,
    statuses: &'static [&'static str],
    severities: [&'static str; 4],
    sorts: [&'static str; 4],
}

impl FindingsPage {
    fn sort_href(&self, sort: &str) -> String {
        self.q.href(sort, 1)
    }

    fn page_href(&self, page: u64) -> String {
        self.q.href(&self.q.sort, page)
    }
}

pub async fn index(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<ListQuery>,
) -> WebResult<Response> {
    // Filters that do not parse are ignored, as a person would expect of a form.
    let filter = FindingFilter {
        upload_id: q.upload.parse().ok(),
        rule: Some(q.rule.clone()).filter(|s| !s.is_empty()),
        severity: q.severity.parse::<Severity>().ok(),
        status: Some(q.status.clone()).filter(|s| STATUSES.contains(&s.as_str())),
        lane: Some(q.lane.clone()).filter(|s| matches!(s.as_str(), "official" | "self_check")),
        ..FindingFilter::default()
    };
    let sort = FindingSort::parse(&q.sort).unwrap_or(FindingSort::Severity);
    let page = q.page.unwrap_or(1).max(1);
    let (items, total) = state
        .store()
        .list_findings(&user.viewer, &filter, sort, page, PER_PAGE)
        .await?;
    let rules = state
        .0
        .engine
        .rules
        .rules
        .iter()
        .map(|r| r.id.clone())
        .collect();
    Ok(render(&FindingsPage {
        p: user.page(user.lang.t("findings.title"), &q.href(&q.sort, page)),
        q,
        findings: items,
        total,
        page,
        pages: total.div_ceil(PER_PAGE).max(1),
        rules,
        statuses: &STATUSES,
        severities: ["critical", "high", "medium", "low"],
        sorts: ["severity", "newest", "oldest", "rule"],
    }))
}

#[derive(Template)]
#[template(path = "finding.html")]
struct FindingPage {
    p: Page,
    f: finding::Model,
    rule: Option<Rule>,
    cells: Vec<String>,
    /// (field, value) of the record as stored: names masked, ID numbers hashed.
    record: Vec<(String, String)>,
    /// The other rows a cross-ledger finding rests on.
    related: Vec<RelatedRow>,
    /// (event, who).
    history: Vec<(finding_event::Model, String)>,
    actions: Vec<&'static str>,
    /// Waivers of this institution and rule, newest first.
    waivers: Vec<waiver::Model>,
    can_decide: bool,
    error: String,
}

/// A row of another record the finding rests on, with that record as stored when the viewer
/// may see its upload (an institution never sees another institution's rows).
struct RelatedRow {
    upload_id: Option<i32>,
    file: String,
    sheet: String,
    row: String,
    cells: Vec<String>,
    record: Vec<(String, String)>,
    hidden: bool,
}

async fn related_rows(
    state: &AppState,
    user: &WebUser,
    f: &finding::Model,
) -> WebResult<Vec<RelatedRow>> {
    let entries: Vec<serde_json::Value> = serde_json::from_str(&f.related).unwrap_or_default();
    let mut out = Vec::with_capacity(entries.len());
    for e in entries {
        let text = |k: &str| e.get(k).map(shown).unwrap_or_default();
        let upload_id = e
            .get("upload_id")
            .and_then(serde_json::Value::as_i64)
            .and_then(|u| i32::try_from(u).ok());
        let row = e
            .get("row")
            .and_then(serde_json::Value::as_i64)
            .and_then(|r| i32::try_from(r).ok());
        // The store marks another institution's rows for an institution's eyes.
        let mut hidden = e.get("hidden").and_then(serde_json::Value::as_bool) == Some(true);
        let mut record = Vec::new();
        if let (Some(u), Some(r)) = (upload_id, row) {
            match state.store().upload_for(&user.viewer, u).await {
                Ok((_, sheets)) => {
                    let sheet = e.get("sheet").and_then(serde_json::Value::as_str);
                    if let Some(s) = sheets.iter().find(|s| sheet.is_none_or(|n| n == s.name))
                        && let Some(fields) = state.store().records_of(s.id, &[r]).await?.get(&r)
                        && let Ok(serde_json::Value::Object(map)) =
                            serde_json::from_str::<serde_json::Value>(fields)
                    {
                        // Fields by their names in the reader's language (孕周, not ga_weeks).
                        let spec = e
                            .get("dataset")
                            .and_then(serde_json::Value::as_str)
                            .and_then(|d| d.parse().ok())
                            .and_then(|d| state.0.engine.catalog.spec(d));
                        let label = |k: &str| {
                            spec.and_then(|s| s.fields.iter().find(|f| f.name == k))
                                .map_or_else(
                                    || k.to_owned(),
                                    |f| user.lang.pick(&f.zh, &f.en).to_owned(),
                                )
                        };
                        record = map.iter().map(|(k, v)| (label(k), shown(v))).collect();
                    }
                }
                Err(_) => hidden = true,
            }
        }
        out.push(RelatedRow {
            // Another tenant's upload is not linked, nor its file named beyond what the
            // finding's message says.
            upload_id: upload_id.filter(|_| !hidden),
            file: text("file"),
            sheet: text("sheet"),
            row: row.map(|r| r.to_string()).unwrap_or_default(),
            cells: e
                .get("cells")
                .and_then(|c| serde_json::from_value(c.clone()).ok())
                .unwrap_or_default(),
            record,
            hidden,
        });
    }
    Ok(out)
}

fn shown(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

async fn finding_page(
    state: &AppState,
    user: &WebUser,
    id: i32,
    error: String,
) -> WebResult<Response> {
    let (f, events) = state.store().finding_for(&user.viewer, id).await?;
    let record = match record_of(state, &f).await? {
        serde_json::Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), shown(v))).collect(),
        _ => Vec::new(),
    };
    let mut history = Vec::with_capacity(events.len());
    for e in events {
        let who = match e.actor_id {
            Some(a) => state
                .store()
                .user(a)
                .await?
                .map_or_else(|| format!("#{a}"), |u| u.email),
            None => user.lang.t("finding.by_upload").to_owned(),
        };
        history.push((e, who));
    }
    let actions = STATUSES
        .iter()
        .copied()
        .filter(|to| allowed(&f.status, to, &user.viewer, &f.lane))
        .collect();
    let waivers = state
        .store()
        .list_waivers(&user.viewer)
        .await?
        .into_iter()
        .filter(|w| Some(w.institution_id) == f.institution_id && w.rule == f.rule)
        .collect();
    let cells = serde_json::from_str(&f.cells).unwrap_or_default();
    let related = related_rows(state, user, &f).await?;
    let rule = state.0.engine.rules.get(&f.rule).cloned();
    let title = format!("{} #{} {}", user.lang.t("finding.title"), f.id, f.rule);
    Ok(render(&FindingPage {
        p: user.page(title, &format!("/findings/{id}")),
        f,
        rule,
        cells,
        record,
        related,
        history,
        actions,
        waivers,
        can_decide: user.viewer.can_review(),
        error,
    }))
}

pub async fn show(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<i32>,
) -> WebResult<Response> {
    finding_page(&state, &user, id, String::new()).await
}

#[derive(Deserialize)]
pub struct TransitionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    note: String,
}

/// `POST /findings/{id}/transition`: moves the finding and returns to its page; a refused
/// change shows the page again with the reason.
pub async fn transition(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<i32>,
    Form(form): Form<TransitionForm>,
) -> WebResult<Response> {
    user.check_csrf(&form.csrf)?;
    match state
        .store()
        .transition(&user.viewer, id, &form.to, &form.note)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/findings/{id}")).into_response()),
        Err(e) => refused(&state, &user, id, e).await,
    }
}

/// Shows the finding's page again with the store's reason for refusing a change (422).
async fn refused(
    state: &AppState,
    user: &WebUser,
    id: i32,
    e: auditor_store::StoreError,
) -> WebResult<Response> {
    match e {
        auditor_store::StoreError::Conflict { zh, en, .. } => {
            let reason = user.lang.pick(&zh, &en).to_owned();
            let mut response = finding_page(state, user, id, reason).await?;
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        e => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct WaiverForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    period_start: String,
    #[serde(default)]
    period_end: String,
    #[serde(default)]
    expires_on: String,
    #[serde(default)]
    justification: String,
    #[serde(default)]
    document_no: String,
}

/// `POST /findings/{id}/waiver`: asks for a waiver of the finding's rule at its institution.
pub async fn request_waiver(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<i32>,
    Form(form): Form<WaiverForm>,
) -> WebResult<Response> {
    user.check_csrf(&form.csrf)?;
    let (f, _) = state.store().finding_for(&user.viewer, id).await?;
    let date = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
    let (Some(institution_id), Some(start), Some(end), Some(expires)) = (
        f.institution_id,
        date(&form.period_start),
        date(&form.period_end),
        date(&form.expires_on),
    ) else {
        return refused(
            &state,
            &user,
            id,
            auditor_store::StoreError::conflict(
                "waiver_incomplete",
                "豁免需要机构、起止日期和到期日（YYYY-MM-DD）",
                "a waiver needs an institution, a period and an expiry date (YYYY-MM-DD)",
            ),
        )
        .await;
    };
    let new = NewWaiver {
        institution_id,
        rule: &f.rule,
        period_start: start,
        period_end: end,
        justification: &form.justification,
        document_no: &form.document_no,
        expires_on: expires,
    };
    match state.store().request_waiver(&user.viewer, &new).await {
        Ok(_) => Ok(Redirect::to(&format!("/findings/{id}")).into_response()),
        Err(e) => refused(&state, &user, id, e).await,
    }
}

#[derive(Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    decision: String,
}

/// `POST /findings/{id}/waivers/{waiver}`: a regulator approves or rejects a waiver shown on
/// the finding's page, and returns to it.
pub async fn decide_waiver(
    State(state): State<AppState>,
    user: WebUser,
    Path((id, waiver_id)): Path<(i32, i32)>,
    Form(form): Form<DecisionForm>,
) -> WebResult<Response> {
    user.check_csrf(&form.csrf)?;
    state.store().finding_for(&user.viewer, id).await?;
    let approve = form.decision == "approve";
    match state
        .store()
        .decide_waiver(&user.viewer, waiver_id, approve)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/findings/{id}")).into_response()),
        Err(e) => refused(&state, &user, id, e).await,
    }
}
