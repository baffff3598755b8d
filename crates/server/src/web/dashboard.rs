//! `GET /`: live findings by severity, rule and institution, the monthly trend, and the
//! institutions with the most critical findings.

use askama::Template;
use auditor_store::dashboard::Dashboard;
use axum::extract::State;
use axum::response::Response;

use super::chart::trend_svg;
use super::{Page, WebResult, WebUser, render};
use crate::routes::uploads::today_in_china;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    p: Page,
    d: Dashboard,
    live: u64,
    chart: String,
    /// The sex-ratio funnel plot, when birth registers are within reach.
    funnel: Option<String>,
}

pub async fn show(State(state): State<AppState>, user: WebUser) -> WebResult<Response> {
    let d = state
        .store()
        .dashboard(&user.viewer, today_in_china())
        .await?;
    let live = d.by_severity.iter().map(|(_, n)| n).sum();
    let p = user.page(user.lang.t("dashboard.title"), "/");
    let chart = trend_svg(&d.trend, p.t("dashboard.trend"));
    let funnel = super::sex_ratio::funnel(&state, &user).await?;
    Ok(render(&DashboardPage {
        p,
        d,
        live,
        chart,
        funnel,
    }))
}
