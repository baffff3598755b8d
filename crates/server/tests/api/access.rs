//! Tenants: inspectors see their region, institutions only themselves, and self-checks stay
//! private until submitted. Another tenant's ids answer 404, never 403 with data.

use auditor_store::access::Role;
use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::common::{Auth, Backend, Ctx, exam_register};
use crate::on_both_backends;

on_both_backends!(tenants_see_only_their_own);

/// 青山县 (370921) lies within 3709; 3708 is another city.
const HOSPITAL_A: &str = "123709214950000011";
const HOSPITAL_B: &str = "123708114950000022";

async fn status_of(ctx: &Ctx, auth: &Auth, method: Method, path: &str) -> StatusCode {
    let body = match method {
        Method::POST => Some((
            "application/json",
            json!({"to": "acknowledged", "note": "x"})
                .to_string()
                .into_bytes(),
        )),
        _ => None,
    };
    ctx.send(method, path, auth, body).await.0
}

async fn tenants_see_only_their_own(backend: Backend) {
    let Some(ctx) = Ctx::new(backend).await else {
        return;
    };
    let county = ctx
        .user("county@example.cn", Role::Inspector, Some("370921"), None)
        .await;
    let city = ctx
        .user("city@example.cn", Role::Inspector, Some("3709"), None)
        .await;
    let province = ctx
        .user("prov@example.cn", Role::Inspector, Some("37"), None)
        .await;
    let other_city = ctx
        .user("other@example.cn", Role::Inspector, Some("3708"), None)
        .await;
    let a = ctx
        .user("a@hospital.cn", Role::Institution, None, Some(HOSPITAL_A))
        .await;
    let b = ctx
        .user("b@hospital.cn", Role::Institution, None, Some(HOSPITAL_B))
        .await;

    // Hospital A self-checks: only A sees the upload and its findings.
    let csv = exam_register(&[("A1", "张伟", "无")]);
    let up = ctx
        .upload_done(&a, "self.csv", &csv, &[("as_of", "2024-06-30")])
        .await;
    assert_eq!(up["mode"], "self_check");
    let up_id = up["id"].as_i64().unwrap();
    let mine = ctx.findings(&a, "rule=US-DUAL-SIGN").await;
    assert_eq!(
        mine,
        vec![("US-DUAL-SIGN".to_owned(), 2, "open".to_owned())]
    );
    let (_, list) = ctx.get("/api/v1/findings?rule=US-DUAL-SIGN", &a).await;
    let fid = list["items"][0]["id"].as_i64().unwrap();

    let upload_path = format!("/api/v1/uploads/{up_id}");
    let finding_path = format!("/api/v1/findings/{fid}");
    let transition_path = format!("/api/v1/findings/{fid}/transitions");
    let submit_path = format!("/api/v1/uploads/{up_id}/submit");
    for (who, auth) in [
        ("county", &county),
        ("city", &city),
        ("province", &province),
        ("other city", &other_city),
        ("hospital B", &b),
    ] {
        for (method, path) in [
            (Method::GET, upload_path.as_str()),
            (Method::GET, finding_path.as_str()),
            (Method::POST, transition_path.as_str()),
            (Method::POST, submit_path.as_str()),
        ] {
            assert_eq!(
                status_of(&ctx, auth, method.clone(), path).await,
                StatusCode::NOT_FOUND,
                "{who} {method} {path} before submission"
            );
        }
        assert!(
            ctx.findings(auth, "").await.is_empty(),
            "{who} lists a private self-check"
        );
        let (_, uploads) = ctx.get("/api/v1/uploads", auth).await;
        assert_eq!(uploads["total"], 0, "{who}");
    }

    // Submitted: regulators whose region contains 370921 see it; the other city and hospital B
    // still do not.
    let (status, body, _) = ctx.send(Method::POST, &submit_path, &a, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["mode"], "official");
    assert_eq!(body["merge"]["opened"], 1);
    for (who, auth) in [
        ("county", &county),
        ("city", &city),
        ("province", &province),
    ] {
        assert_eq!(
            status_of(&ctx, auth, Method::GET, &upload_path).await,
            StatusCode::OK,
            "{who}"
        );
        let seen = ctx.findings(auth, "lane=official&rule=US-DUAL-SIGN").await;
        assert_eq!(
            seen,
            vec![("US-DUAL-SIGN".to_owned(), 2, "open".to_owned())],
            "{who}"
        );
    }
    let (_, official) = ctx.get("/api/v1/findings?lane=official", &city).await;
    let official_id = official["items"][0]["id"].as_i64().unwrap();
    for (who, auth) in [("other city", &other_city), ("hospital B", &b)] {
        assert_eq!(
            status_of(&ctx, auth, Method::GET, &upload_path).await,
            StatusCode::NOT_FOUND,
            "{who}"
        );
        assert_eq!(
            status_of(
                &ctx,
                auth,
                Method::GET,
                &format!("/api/v1/findings/{official_id}")
            )
            .await,
            StatusCode::NOT_FOUND,
            "{who}"
        );
        assert_eq!(
            status_of(
                &ctx,
                auth,
                Method::POST,
                &format!("/api/v1/findings/{official_id}/transitions")
            )
            .await,
            StatusCode::NOT_FOUND,
            "{who}"
        );
        assert!(ctx.findings(auth, "").await.is_empty(), "{who}");
    }
    // A's own view holds both lanes.
    assert_eq!(ctx.findings(&a, "rule=US-DUAL-SIGN").await.len(), 2);
    // Inspectors cannot upload for an institution outside their region.
    let (status, body) = ctx
        .upload(
            &other_city,
            &[("x.csv", &csv)],
            &[("institution", HOSPITAL_A)],
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    // Institutions cannot upload registries.
    let (status, _) = ctx
        .upload_to("/api/v1/registries", &a, &[("r.csv", &csv)], &[])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    ctx.finish().await;
}
