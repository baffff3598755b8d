//! Waivers: scoped, justified, approved by a second person, counted apart, and reopening their
//! cases when they expire.

use auditor_store::access::Role;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde_json::json;

use crate::common::{Backend, Ctx, exam_register};
use crate::on_both_backends;

on_both_backends!(waivers_need_a_second_person_and_expire);

const HOSPITAL: &str = "123709214950000011";

async fn waivers_need_a_second_person_and_expire(backend: Backend) {
    let Some(ctx) = Ctx::new(backend).await else {
        return;
    };
    let county = ctx
        .user("county@example.cn", Role::Inspector, Some("370921"), None)
        .await;
    let city = ctx
        .user("city@example.cn", Role::Inspector, Some("3709"), None)
        .await;
    let hospital = ctx
        .user("h@hospital.cn", Role::Institution, None, Some(HOSPITAL))
        .await;
    let other_city = ctx
        .user("o@example.cn", Role::Inspector, Some("3708"), None)
        .await;
    let other_hospital = ctx
        .user(
            "b@hospital.cn",
            Role::Institution,
            None,
            Some("123708114950000022"),
        )
        .await;
    let exams = exam_register(&[("E1", "张伟", "无")]);
    ctx.upload_done(
        &county,
        "exams.csv",
        &exams,
        &[("as_of", "2024-06-30"), ("institution", HOSPITAL)],
    )
    .await;
    let inst = ctx.store().institution(HOSPITAL, None).await.unwrap().id;

    let request = json!({
        "institution_id": inst, "rule": "US-DUAL-SIGN",
        "period_start": "2024-01-01", "period_end": "2024-12-31", "expires_on": "2024-12-31",
        "justification": "设备检修期间仅一名医师在岗", "document_no": "青卫函〔2024〕12号",
    });
    let mut incomplete = request.clone();
    incomplete["document_no"] = json!(" ");
    let (status, body) = ctx.post("/api/v1/waivers", &hospital, &incomplete).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("waiver_incomplete"))
    );
    let (status, w) = ctx.post("/api/v1/waivers", &county, &request).await;
    assert_eq!(
        (status, w["status"].as_str()),
        (StatusCode::CREATED, Some("pending"))
    );
    let decide = format!("/api/v1/waivers/{}/decision", w["id"]);

    // Other tenants neither see the waiver nor can decide it or ask for one on A's behalf.
    for other in [&other_city, &other_hospital] {
        let (_, list) = ctx.get("/api/v1/waivers", other).await;
        assert_eq!(list["total"], 0);
        let (status, _) = ctx
            .post(&decide, other, &json!({"decision": "approve"}))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = ctx.post("/api/v1/waivers", other, &request).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

    // Not by the requester, not by the institution; by another regulator.
    let (status, body) = ctx
        .post(&decide, &county, &json!({"decision": "approve"}))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("same_person"))
    );
    let (status, body) = ctx
        .post(&decide, &hospital, &json!({"decision": "approve"}))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    let (status, body) = ctx
        .post(&decide, &city, &json!({"decision": "approve"}))
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("approved")),
        "{body}"
    );

    // The case is waived, still listed, and counted apart from the live ones.
    let found = ctx.findings(&county, "rule=US-DUAL-SIGN").await;
    assert_eq!(
        found,
        vec![("US-DUAL-SIGN".to_owned(), 2, "waived".to_owned())]
    );
    let (_, summary) = ctx.get("/api/v1/findings/summary", &county).await;
    assert_eq!(summary["waived"], 1);
    assert_eq!(summary["by_status"]["waived"], 1);
    let live_before = summary["live"].as_u64().unwrap();

    // After the expiry the waiver lapses and the case reopens.
    let lapsed = ctx
        .store()
        .expire_waivers(NaiveDate::from_ymd_opt(2025, 1, 1).unwrap())
        .await
        .unwrap();
    assert_eq!(lapsed, 1);
    let found = ctx.findings(&county, "rule=US-DUAL-SIGN").await;
    assert_eq!(
        found,
        vec![("US-DUAL-SIGN".to_owned(), 2, "open".to_owned())]
    );
    let (_, summary) = ctx.get("/api/v1/findings/summary", &county).await;
    assert_eq!(
        (summary["waived"].as_u64(), summary["live"].as_u64()),
        (Some(0), Some(live_before + 1))
    );
    let (_, list) = ctx.get("/api/v1/waivers", &hospital).await;
    assert_eq!(list["items"][0]["status"], "expired");
    ctx.finish().await;
}
