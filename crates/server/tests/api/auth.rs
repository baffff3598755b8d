//! Sign-in, sessions, CSRF, tokens and the login rate limit.

use auditor_store::access::Role;
use axum::http::StatusCode;
use sea_orm::{ConnectionTrait, EntityTrait};
use serde_json::json;

use crate::common::{Auth, Backend, Ctx};
use crate::on_both_backends;

on_both_backends!(sessions_tokens_and_csrf, login_is_rate_limited);

async fn sessions_tokens_and_csrf(backend: Backend) {
    let Some(ctx) = Ctx::new(backend).await else {
        return;
    };
    let (status, body) = ctx.get("/api/v1/me", &Auth::None).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthenticated"))
    );

    let session = ctx
        .user("Inspector@Example.cn", Role::Inspector, Some("3709"), None)
        .await;
    let (status, me) = ctx.get("/api/v1/me", &session).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["email"], "inspector@example.cn");
    assert_eq!(me["role"], "inspector");
    assert_eq!(me["region_code"], "3709");

    // A cookie-authenticated write without the CSRF token is refused; with it, it passes.
    let Auth::Session { cookie, csrf } = session.clone() else {
        unreachable!()
    };
    let waiver = json!({"institution_id": 999, "rule": "US-DUAL-SIGN", "period_start": "2024-01-01",
        "period_end": "2024-12-31", "justification": "x", "document_no": "x", "expires_on": "2024-12-31"});
    let (status, body) = ctx
        .post(
            "/api/v1/waivers",
            &Auth::CookieOnly(cookie.clone()),
            &waiver,
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("csrf"))
    );
    let forged = Auth::Session {
        cookie: cookie.clone(),
        csrf: "0".repeat(csrf.len()),
    };
    let (status, _) = ctx.post("/api/v1/waivers", &forged, &waiver).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = ctx.post("/api/v1/waivers", &session, &waiver).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );

    // Login sets an HttpOnly, Secure, SameSite=Strict session cookie.
    let (_, _, headers) = ctx
        .send(
            axum::http::Method::POST,
            "/api/v1/auth/login",
            &Auth::None,
            Some((
                "application/json",
                json!({"email": "inspector@example.cn", "password": crate::common::PASSWORD})
                    .to_string()
                    .into_bytes(),
            )),
        )
        .await;
    let set: Vec<&str> = headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    let session_cookie = set
        .iter()
        .find(|c| c.starts_with("auditor_session="))
        .unwrap();
    for attr in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
        assert!(
            session_cookie.contains(attr),
            "{session_cookie} lacks {attr}"
        );
    }
    let csrf_cookie = set.iter().find(|c| c.starts_with("auditor_csrf=")).unwrap();
    assert!(
        !csrf_cookie.contains("HttpOnly"),
        "the page must read the CSRF cookie"
    );

    // A bearer token needs no CSRF token; tokens are stored hashed.
    let token = auditor_server::password::random_secret().unwrap();
    let user = ctx
        .store()
        .user_by_email("inspector@example.cn")
        .await
        .unwrap()
        .unwrap();
    ctx.store()
        .add_token(user.id, &token, "test")
        .await
        .unwrap();
    let stored = ctx
        .store()
        .viewer_by_token(&auditor_store::secret::digest(&token))
        .await
        .unwrap();
    assert!(
        stored.is_none(),
        "the digest itself must not work as a token"
    );
    let (status, body) = ctx
        .post("/api/v1/waivers", &Auth::Bearer(token.clone()), &waiver)
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let (status, _) = ctx.get("/api/v1/me", &Auth::Bearer("wrong".into())).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Logout ends the session.
    let (status, _, _) = ctx
        .send(
            axum::http::Method::POST,
            "/api/v1/auth/logout",
            &session,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = ctx.get("/api/v1/me", &session).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // An expired session is refused, and the next sign-in clears it out.
    let old = ctx.login("inspector@example.cn").await;
    let sessions = |ctx: &Ctx| {
        let db = ctx.store().db.clone();
        async move {
            auditor_store::entity::session::Entity::find()
                .all(&db)
                .await
                .unwrap()
        }
    };
    let expired = sessions(&ctx).await;
    assert!(!expired.is_empty());
    ctx.store()
        .db
        .execute_unprepared("UPDATE sessions SET expires_at = created_at")
        .await
        .unwrap();
    let (status, _) = ctx.get("/api/v1/me", &old).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    ctx.login("inspector@example.cn").await;
    let left = sessions(&ctx).await;
    assert_eq!(left.len(), 1);
    assert!(expired.iter().all(|s| s.id != left[0].id));
    ctx.finish().await;
}

async fn login_is_rate_limited(backend: Backend) {
    let Some(ctx) = Ctx::new(backend).await else {
        return;
    };
    ctx.add_user("a@example.cn", Role::Inspector, Some("37"), None)
        .await;
    let wrong = json!({"email": "a@example.cn", "password": "nope-nope"});
    for _ in 0..auditor_server::limiter::MAX_FAILURES {
        let (status, body) = ctx.post("/api/v1/auth/login", &Auth::None, &wrong).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("invalid_credentials"))
        );
    }
    // Now even the right password is refused until the window passes.
    let right = json!({"email": "a@example.cn", "password": crate::common::PASSWORD});
    let (status, body) = ctx.post("/api/v1/auth/login", &Auth::None, &right).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("too_many_attempts"))
    );
    assert!(body["message"].as_str().unwrap().contains("分钟"));
    ctx.finish().await;
}
