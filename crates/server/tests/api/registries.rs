//! Registries uploaded by a regulator judge every later ledger of their region.

use auditor_store::access::Role;
use axum::http::StatusCode;

use crate::common::{Backend, Ctx, fixture};
use crate::on_both_backends;

on_both_backends!(a_registry_judges_later_uploads_of_its_region);

async fn a_registry_judges_later_uploads_of_its_region(backend: Backend) {
    let Some(ctx) = Ctx::new(backend).await else {
        return;
    };
    let inspector = ctx
        .user("i@example.cn", Role::Inspector, Some("3709"), None)
        .await;
    let elsewhere = ctx
        .user("o@example.cn", Role::Inspector, Some("3708"), None)
        .await;
    let sales = fixture("fixtures/rules/DRUG-BUYER-QUALIFIED/violating.csv");
    let as_of = [("as_of", "2024-06-30")];

    // Without the institution registry the rule cannot judge, and says nothing.
    ctx.upload_done(&inspector, "sales.csv", &sales, &as_of)
        .await;
    assert!(
        ctx.findings(&inspector, "rule=DRUG-BUYER-QUALIFIED")
            .await
            .is_empty()
    );

    let registry = fixture("fixtures/rules/DRUG-BUYER-QUALIFIED/institutions.csv");
    let (status, body) = ctx
        .upload_to(
            "/api/v1/registries",
            &inspector,
            &[("institutions.csv", &registry)],
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let done = ctx.wait(&inspector, body["id"].as_i64().unwrap()).await;
    assert_eq!(
        (done["status"].as_str(), done["mode"].as_str()),
        (Some("done"), Some("registry"))
    );
    let (_, list) = ctx.get("/api/v1/registries", &inspector).await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["dataset"], "institution");
    assert_eq!(list["items"][0]["region_code"], "3709");
    let (_, list) = ctx.get("/api/v1/registries", &elsewhere).await;
    assert_eq!(list["total"], 0, "another city's registry is not listed");

    // The same sales ledger next month (one more blank line, so other bytes) is judged against
    // it: exactly the rows the rule's fixture names.
    let mut next = sales.clone();
    next.extend_from_slice(b"\n");
    let done = ctx
        .upload_done(&inspector, "sales-next.csv", &next, &as_of)
        .await;
    let id = done["id"].as_i64().unwrap();
    let rows: Vec<i64> = ctx
        .findings(
            &inspector,
            &format!("upload={id}&rule=DRUG-BUYER-QUALIFIED"),
        )
        .await
        .into_iter()
        .map(|(_, row, _)| row)
        .collect();
    assert_eq!(rows, vec![4, 5, 7, 11, 13, 14, 15, 16, 17, 18, 24, 25]);
    ctx.finish().await;
}
