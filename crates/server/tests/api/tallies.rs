//! Counts weigh a rule's summary line ("另有 N 处同类问题未逐一列出") as the N findings it stands
//! for, as the reports do: `/findings/summary` through status changes, a waiver and its lapse,
//! and the counts of a sweep; the findings list still pages by rows.

use auditor_store::access::Role;
use axum::http::StatusCode;
use chrono::NaiveDate;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::common::{Auth, Backend, Ctx, exam_register};
use crate::on_both_backends;

on_both_backends!(summary_lines_count_as_the_findings_they_stand_for);

const HOSPITAL: &str = "123709214950000011";

/// Rows of one rule on one sheet: the engine lists 1000 and sums up the other 40.
const ROWS: usize = 1040;

async fn summary(ctx: &Ctx, auth: &Auth) -> Value {
    let (status, body) = ctx.get("/api/v1/findings/summary", auth).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// `by_status` as (open, acknowledged, resolved, waived), then `live` and `waived`.
fn figures(s: &Value) -> [u64; 6] {
    let n = |v: &Value| v.as_u64().unwrap();
    [
        n(&s["by_status"]["open"]),
        n(&s["by_status"]["acknowledged"]),
        n(&s["by_status"]["resolved"]),
        n(&s["by_status"]["waived"]),
        n(&s["live"]),
        n(&s["waived"]),
    ]
}

async fn summary_lines_count_as_the_findings_they_stand_for(backend: Backend) {
    let Some(ctx) = Ctx::new(backend).await else {
        return;
    };
    let admin = ctx.user("admin@example.cn", Role::Admin, None, None).await;
    let county = ctx
        .user("county@example.cn", Role::Inspector, Some("370921"), None)
        .await;
    let city = ctx
        .user("city@example.cn", Role::Inspector, Some("3709"), None)
        .await;
    let hospital = ctx
        .user("h@hospital.cn", Role::Institution, None, Some(HOSPITAL))
        .await;
    let nos: Vec<String> = (1..=ROWS).map(|i| format!("E{i}")).collect();
    let rows: Vec<(&str, &str, &str)> = nos.iter().map(|no| (no.as_str(), "张伟", "无")).collect();
    let done = ctx
        .upload_done(
            &county,
            "exams.csv",
            &exam_register(&rows),
            &[("as_of", "2024-06-30"), ("institution", HOSPITAL)],
        )
        .await;
    assert_eq!(done["status"], "done", "{done}");

    // 1000 listed findings and one line standing for 40 more.
    let (_, list) = ctx
        .get(
            "/api/v1/findings?rule=US-DUAL-SIGN&sort=newest&per_page=1",
            &county,
        )
        .await;
    assert_eq!(list["total"], 1001, "the list pages by rows");
    let line = &list["items"][0];
    assert_eq!(
        (&line["row"], &line["unlisted"]),
        (&Value::Null, &json!(40))
    );
    let line_id = line["id"].as_i64().unwrap();

    // Counted from the tallies (inspectors, admins) and from the findings (the institution).
    for who in [&county, &city, &admin, &hospital] {
        assert_eq!(figures(&summary(&ctx, who).await), [1040, 0, 0, 0, 1040, 0]);
    }

    let (status, body) = ctx
        .post(
            &format!("/api/v1/findings/{line_id}/transitions"),
            &county,
            &json!({"to": "acknowledged", "note": "已通知机构整改"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for who in [&city, &hospital] {
        assert_eq!(
            figures(&summary(&ctx, who).await),
            [1000, 40, 0, 0, 1040, 0]
        );
    }

    // A waiver of the rule waives every live case of it, the line with its 40.
    let inst = ctx.store().institution(HOSPITAL, None).await.unwrap().id;
    let (status, w) = ctx
        .post(
            "/api/v1/waivers",
            &county,
            &json!({
                "institution_id": inst, "rule": "US-DUAL-SIGN",
                "period_start": "2024-01-01", "period_end": "2024-12-31",
                "expires_on": "2024-12-31",
                "justification": "设备检修期间仅一名医师在岗", "document_no": "青卫函〔2024〕12号",
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{w}");
    let (status, body) = ctx
        .post(
            &format!("/api/v1/waivers/{}/decision", w["id"]),
            &city,
            &json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for who in [&city, &hospital] {
        assert_eq!(figures(&summary(&ctx, who).await), [0, 0, 0, 1040, 0, 1040]);
    }

    // The waiver lapses and the cases reopen; then the line is resolved.
    let lapsed = ctx
        .store()
        .expire_waivers(NaiveDate::from_ymd_opt(2025, 1, 1).unwrap())
        .await
        .unwrap();
    assert_eq!(lapsed, 1);
    assert_eq!(
        figures(&summary(&ctx, &city).await),
        [1040, 0, 0, 0, 1040, 0]
    );
    let (status, body) = ctx
        .post(
            &format!("/api/v1/findings/{line_id}/transitions"),
            &county,
            &json!({"to": "resolved", "note": "已整改"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for who in [&city, &hospital] {
        assert_eq!(
            figures(&summary(&ctx, who).await),
            [1000, 0, 40, 0, 1000, 0]
        );
    }

    // Retire the cases under other fingerprints: a sweep judging the ledger again opens all of
    // them anew, and counts the line as its 40.
    ctx.store()
        .db
        .execute_unprepared(
            "UPDATE findings SET fingerprint = fingerprint || '-retired', status = 'resolved'",
        )
        .await
        .unwrap();
    let run = ctx.sweep(&admin).await;
    assert_eq!(run["status"], "done", "{run}");
    assert_eq!(run["counts"], json!({"US-DUAL-SIGN": 1040}));
    assert_eq!(run["findings_opened"], 1040);
    let (_, runs) = ctx.get("/api/v1/sweeps", &admin).await;
    assert_eq!(runs["items"][0]["counts"], json!({"US-DUAL-SIGN": 1040}));
    assert_eq!(
        figures(&summary(&ctx, &city).await),
        [1040, 0, 1040, 0, 1040, 0]
    );
    ctx.finish().await;
}
