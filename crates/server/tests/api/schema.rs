//! The schema goes down and up again on both databases, and the API document lists exactly
//! the routes the router serves.

use auditor_store::access::Role;
use axum::http::{Method, StatusCode};
use sea_orm::ConnectionTrait;

use crate::common::{Backend, Ctx};
use crate::on_both_backends;

on_both_backends!(migrations_go_down_and_up, every_documented_route_is_served);

async fn migrations_go_down_and_up(backend: Backend) {
    let Some(ctx) = Ctx::new(backend).await else {
        return;
    };
    ctx.add_user("a@example.cn", Role::Admin, None, None).await;
    ctx.store().migrate_down().await.unwrap();
    let gone = ctx
        .store()
        .db
        .execute_unprepared("SELECT count(*) FROM users")
        .await;
    assert!(gone.is_err(), "users survived the down migration");
    ctx.store().migrate().await.unwrap();
    assert_eq!(ctx.store().count_users().await.unwrap(), 0);
    ctx.add_user("a@example.cn", Role::Admin, None, None).await;
    ctx.finish().await;
}

async fn every_documented_route_is_served(backend: Backend) {
    let Some(ctx) = Ctx::new(backend).await else {
        return;
    };
    let admin = ctx.user("admin@example.cn", Role::Admin, None, None).await;
    let (status, doc) = ctx
        .get("/api/v1/openapi.json", &crate::common::Auth::None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    let mut count = 0;
    for (path, ops) in paths {
        for method in ops.as_object().unwrap().keys() {
            count += 1;
            let concrete = path.replace("{id}", "999999");
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let (_, body, _) = ctx.send(m, &concrete, &admin, None).await;
            assert_ne!(
                body["code"], "no_route",
                "{method} {path} is documented but not routed"
            );
        }
    }
    assert_eq!(count, auditor_server::openapi::OPERATIONS.len());
    let (status, body) = ctx.get("/api/v1/nowhere", &admin).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("no_route"))
    );
    ctx.finish().await;
}
