//! Waivers: scoped, justified, approved by a second person, counted apart, and reopening their
//! cases when they expire.

use auditor_store::access::Role;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde_json::{Value, json};

use crate::common::{Auth, Backend, Ctx, exam_register};
use crate::on_both_backends;

on_both_backends!(
    waivers_need_a_second_person_and_expire,
    the_waiver_list_pages_within_the_viewers_scope
);

const HOSPITAL: &str = "123709214950000011";
/// Another institution of the hospital's county, and one of another city.
const NEIGHBOUR: &str = "123709214950000046";
const ELSEWHERE: &str = "123708114950000022";

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

/// The ids of one page of `GET /api/v1/waivers?{query}`, after checking its total and paging.
async fn waiver_page(ctx: &Ctx, auth: &Auth, query: &str, paging: [u64; 3]) -> Vec<i64> {
    let (status, body) = ctx.get(&format!("/api/v1/waivers?{query}"), auth).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        [&body["total"], &body["page"], &body["per_page"]],
        paging.map(Value::from).each_ref(),
        "{query}"
    );
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_i64().unwrap())
        .collect()
}

async fn the_waiver_list_pages_within_the_viewers_scope(backend: Backend) {
    let Some(ctx) = Ctx::new(backend).await else {
        return;
    };
    let admin = ctx.user("admin@example.cn", Role::Admin, None, None).await;
    let county = ctx
        .user("county@example.cn", Role::Inspector, Some("370921"), None)
        .await;
    let hospital = ctx
        .user("h@hospital.cn", Role::Institution, None, Some(HOSPITAL))
        .await;
    let neighbour = ctx
        .user("n@hospital.cn", Role::Institution, None, Some(NEIGHBOUR))
        .await;
    // Waivers 1, 3, 5 of the hospital; 2, 4 of its neighbour; 6 of an institution of 3708.
    let mut ids = Vec::new();
    for (n, (uscc, by)) in [
        (HOSPITAL, &county),
        (NEIGHBOUR, &county),
        (HOSPITAL, &hospital),
        (NEIGHBOUR, &neighbour),
        (HOSPITAL, &county),
        (ELSEWHERE, &admin),
    ]
    .into_iter()
    .enumerate()
    {
        let inst = ctx.store().institution(uscc, None).await.unwrap().id;
        let (status, w) = ctx
            .post(
                "/api/v1/waivers",
                by,
                &json!({
                    "institution_id": inst, "rule": "US-DUAL-SIGN",
                    "period_start": "2024-01-01", "period_end": "2024-12-31",
                    "expires_on": "2024-12-31",
                    "justification": "设备检修期间仅一名医师在岗",
                    "document_no": format!("青卫函〔2024〕{}号", n + 1),
                }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{w}");
        ids.push(w["id"].as_i64().unwrap());
    }
    let id = |n: usize| ids[n - 1];

    // Newest first, two to a page, as the findings and uploads lists page.
    let pages = [
        ("per_page=2", [5, 1, 2], vec![id(5), id(4)]),
        ("per_page=2&page=2", [5, 2, 2], vec![id(3), id(2)]),
        ("per_page=2&page=3", [5, 3, 2], vec![id(1)]),
        ("per_page=2&page=4", [5, 4, 2], vec![]),
    ];
    for (query, paging, want) in pages {
        assert_eq!(
            waiver_page(&ctx, &county, query, paging).await,
            want,
            "{query}"
        );
    }
    // An institution pages through its own waivers only.
    assert_eq!(
        waiver_page(&ctx, &hospital, "per_page=2", [3, 1, 2]).await,
        [id(5), id(3)]
    );
    assert_eq!(
        waiver_page(&ctx, &hospital, "per_page=2&page=2", [3, 2, 2]).await,
        [id(1)]
    );
    assert_eq!(
        waiver_page(&ctx, &neighbour, "per_page=1&page=2", [2, 2, 1]).await,
        [id(2)]
    );
    // The bounds of the other lists: pages from 1, 1 to 500 items, 50 by default.
    assert_eq!(
        waiver_page(&ctx, &admin, "", [6, 1, 50]).await,
        [id(6), id(5), id(4), id(3), id(2), id(1)]
    );
    assert_eq!(
        waiver_page(&ctx, &admin, "page=0&per_page=0", [6, 1, 1]).await,
        [id(6)]
    );
    assert_eq!(
        waiver_page(&ctx, &admin, "per_page=9999", [6, 1, 500])
            .await
            .len(),
        6
    );
    ctx.finish().await;
}
