//! A finding's life: people move it with notes, and later official uploads of the same
//! institution resolve what disappeared and reopen what came back.

use auditor_store::access::Role;
use axum::http::StatusCode;
use serde_json::json;

use crate::common::{Backend, Ctx, exam_register};
use crate::on_both_backends;

on_both_backends!(findings_live_across_uploads);

const HOSPITAL: &str = "123709214950000011";

async fn findings_live_across_uploads(backend: Backend) {
    let Some(ctx) = Ctx::new(backend).await else {
        return;
    };
    let inspector = ctx
        .user("i@example.cn", Role::Inspector, Some("3709"), None)
        .await;
    let hospital = ctx
        .user("h@hospital.cn", Role::Institution, None, Some(HOSPITAL))
        .await;
    let as_of = [("as_of", "2024-06-30"), ("institution", HOSPITAL)];

    // March: exams E1 and E2 lack a second signature.
    let march = exam_register(&[
        ("E1", "张伟", "无"),
        ("E2", "张伟", "/"),
        ("E3", "张伟", "李娜"),
    ]);
    ctx.upload_done(&inspector, "march.csv", &march, &as_of)
        .await;
    let (_, list) = ctx
        .get("/api/v1/findings?rule=US-DUAL-SIGN&sort=oldest", &inspector)
        .await;
    let e1 = list["items"][0]["id"].as_i64().unwrap();
    let e2 = list["items"][1]["id"].as_i64().unwrap();
    assert_eq!(list["total"], 2);

    // The hospital acknowledges E1 and starts fixing it, but cannot close an official case.
    let to = |to: &str, note: &str| json!({"to": to, "note": note});
    let path = format!("/api/v1/findings/{e1}/transitions");
    let (status, body) = ctx
        .post(&path, &hospital, &to("acknowledged", "已通知科室"))
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("acknowledged"))
    );
    let (status, body) = ctx
        .post(&path, &hospital, &to("remediating", "补充操作规程"))
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("remediating"))
    );
    let (status, body) = ctx.post(&path, &hospital, &to("resolved", "已整改")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("transition_forbidden"))
    );
    let (status, body) = ctx.post(&path, &inspector, &to("resolved", "   ")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("note_required"))
    );
    let (status, body) = ctx.post(&path, &inspector, &to("closed", "x")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_status"))
    );
    let (status, body) = ctx
        .post(
            &format!("/api/v1/findings/{e2}/transitions"),
            &inspector,
            &to("false_positive", "第二人签名在纸质原件上"),
        )
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("false_positive"))
    );

    // April, the same register re-ordered and E1 fixed: E1 resolves by itself, E2 keeps its
    // status, the fingerprints survive the new row numbers.
    let april = exam_register(&[
        ("E3", "张伟", "李娜"),
        ("E2", "张伟", "/"),
        ("E1", "张伟", "李娜"),
    ]);
    ctx.upload_done(&inspector, "april.csv", &april, &as_of)
        .await;
    let (_, f1) = ctx.get(&format!("/api/v1/findings/{e1}"), &inspector).await;
    assert_eq!(f1["status"], "resolved");
    let (_, f2) = ctx.get(&format!("/api/v1/findings/{e2}"), &inspector).await;
    assert_eq!(
        (f2["status"].as_str(), f2["row"].as_i64()),
        (Some("false_positive"), Some(3))
    );
    assert_eq!(
        ctx.findings(&inspector, "rule=US-DUAL-SIGN").await.len(),
        2,
        "no new case for E2"
    );

    // May: E1 is back without a second signature: the same case reopens.
    let may = exam_register(&[("E1", "张伟", "无"), ("E2", "张伟", "/")]);
    ctx.upload_done(&inspector, "may.csv", &may, &as_of).await;
    let (_, f1) = ctx.get(&format!("/api/v1/findings/{e1}"), &hospital).await;
    assert_eq!(f1["status"], "open");
    let history: Vec<(String, String)> = f1["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["from"].as_str().unwrap_or("").to_owned(),
                e["to"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let pairs = [
        ("open", "acknowledged"),
        ("acknowledged", "remediating"),
        ("remediating", "resolved"),
        ("resolved", "open"),
    ];
    assert_eq!(
        history,
        pairs.map(|(a, b)| (a.to_owned(), b.to_owned())).to_vec()
    );
    let notes: Vec<&str> = f1["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["note"].as_str().unwrap())
        .collect();
    assert_eq!(notes[0], "已通知科室");
    assert!(
        notes[2].contains("自动解决") && notes[2].contains("resolved automatically"),
        "{}",
        notes[2]
    );
    assert!(notes[3].contains("重新打开"), "{}", notes[3]);
    assert!(f1["history"][0]["actor_id"].is_i64() && f1["history"][2]["actor_id"].is_null());
    ctx.finish().await;
}

on_both_backends!(only_an_upload_holding_the_record_resolves_its_case);

/// An upload resolves a case only by holding its record again without the finding: next
/// month's register, with other exams, leaves March's case open. And an institution's own
/// official upload or submission never closes a regulator's case, even with the record fixed:
/// a regulator resolves it.
async fn only_an_upload_holding_the_record_resolves_its_case(backend: Backend) {
    let Some(ctx) = Ctx::new(backend).await else {
        return;
    };
    let inspector = ctx
        .user("i@example.cn", Role::Inspector, Some("3709"), None)
        .await;
    let hospital = ctx
        .user("h@hospital.cn", Role::Institution, None, Some(HOSPITAL))
        .await;
    let as_of = [("as_of", "2024-06-30"), ("institution", HOSPITAL)];
    let march = exam_register(&[("E1", "张伟", "无"), ("E2", "张伟", "李娜")]);
    ctx.upload_done(&inspector, "march.csv", &march, &as_of)
        .await;
    let open = || async {
        ctx.findings(&inspector, "rule=US-DUAL-SIGN&status=open")
            .await
            .len()
    };
    assert_eq!(open().await, 1);

    // April's register holds other exams: March's case stays open.
    let april = exam_register(&[("E4", "张伟", "李娜"), ("E5", "张伟", "李娜")]);
    ctx.upload_done(&inspector, "april.csv", &april, &as_of)
        .await;
    assert_eq!(
        open().await,
        1,
        "another month's register resolved March's case"
    );

    // The hospital uploads March again, E1 fixed, as official, and then a self-check it
    // submits: the regulator's case stays open for the regulator to resolve.
    let fixed = exam_register(&[("E1", "张伟", "李娜"), ("E2", "张伟", "李娜")]);
    ctx.upload_done(
        &hospital,
        "march-fixed.csv",
        &fixed,
        &[("as_of", "2024-06-30"), ("mode", "official")],
    )
    .await;
    assert_eq!(
        open().await,
        1,
        "the institution's own upload closed the case"
    );
    let checked = exam_register(&[
        ("E1", "张伟", "李娜"),
        ("E2", "张伟", "李娜"),
        ("E3", "张伟", "李娜"),
    ]);
    let own = ctx
        .upload_done(
            &hospital,
            "march-self.csv",
            &checked,
            &[("as_of", "2024-06-30"), ("mode", "self_check")],
        )
        .await;
    let (status, body) = ctx
        .post(
            &format!("/api/v1/uploads/{}/submit", own["id"]),
            &hospital,
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        open().await,
        1,
        "the institution's submission closed the case"
    );

    // The inspector's own upload of the register, E1 fixed, resolves it.
    let inspected = exam_register(&[
        ("E1", "张伟", "李娜"),
        ("E2", "张伟", "李娜"),
        ("E6", "张伟", "李娜"),
    ]);
    ctx.upload_done(&inspector, "march-inspected.csv", &inspected, &as_of)
        .await;
    assert_eq!(open().await, 0);
    ctx.finish().await;
}
