//! Registries uploaded by a regulator judge every later ledger of their region.

use auditor_store::access::Role;
use axum::http::StatusCode;
use serde_json::Value;

use crate::common::{Auth, Backend, Ctx, fixture};
use crate::on_both_backends;

on_both_backends!(
    a_registry_judges_later_uploads_of_its_region,
    the_registry_list_pages_within_the_viewers_region
);

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

/// The (region, upload id) of one page of `GET /api/v1/registries?{query}`, after checking its
/// total and paging.
async fn registry_page(
    ctx: &Ctx,
    auth: &Auth,
    query: &str,
    paging: [u64; 3],
) -> Vec<(String, String)> {
    let (status, body) = ctx.get(&format!("/api/v1/registries?{query}"), auth).await;
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
        .map(|r| {
            (
                r["region_code"].as_str().unwrap().to_owned(),
                r["upload_id"].to_string(),
            )
        })
        .collect()
}

async fn the_registry_list_pages_within_the_viewers_region(backend: Backend) {
    let Some(ctx) = Ctx::new(backend).await else {
        return;
    };
    let province = ctx
        .user("p@example.cn", Role::Inspector, Some("37"), None)
        .await;
    let city = ctx
        .user("c@example.cn", Role::Inspector, Some("3709"), None)
        .await;
    let county = ctx
        .user("x@example.cn", Role::Inspector, Some("370921"), None)
        .await;
    let elsewhere = ctx
        .user("o@example.cn", Role::Inspector, Some("3708"), None)
        .await;
    let far_hospital = ctx
        .user(
            "b@hospital.cn",
            Role::Institution,
            None,
            Some("123708114950000022"),
        )
        .await;
    let registry = fixture("fixtures/rules/DRUG-BUYER-QUALIFIED/institutions.csv");
    // Registries 1, 4, 6 of 3709; 2 of 3708; 3 of 370921; 5 of the province.
    let mut uploads = Vec::new();
    for (n, by) in [&city, &elsewhere, &county, &city, &province, &city]
        .into_iter()
        .enumerate()
    {
        // Each a little different, so each is a file of its own.
        let mut bytes = registry.clone();
        bytes.extend(std::iter::repeat_n(b'\n', n + 1));
        let (status, body) = ctx
            .upload_to(
                "/api/v1/registries",
                by,
                &[("institutions.csv", &bytes)],
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        let id = body["id"].as_i64().unwrap();
        let done = ctx.wait(by, id).await;
        assert_eq!(done["status"], "done", "{done}");
        uploads.push(id);
    }
    let reg = |n: usize, region: &str| (region.to_owned(), uploads[n - 1].to_string());

    // The city sees its own, the county's within it and the province's containing it.
    let pages = [
        ("per_page=2", [5, 1, 2], vec![reg(6, "3709"), reg(5, "37")]),
        (
            "per_page=2&page=2",
            [5, 2, 2],
            vec![reg(4, "3709"), reg(3, "370921")],
        ),
        ("per_page=2&page=3", [5, 3, 2], vec![reg(1, "3709")]),
    ];
    for (query, paging, want) in pages {
        assert_eq!(
            registry_page(&ctx, &city, query, paging).await,
            want,
            "{query}"
        );
    }
    // An institution of 3708 sees the registries that judge its ledgers only.
    assert_eq!(
        registry_page(&ctx, &far_hospital, "per_page=1", [2, 1, 1]).await,
        [reg(5, "37")]
    );
    assert_eq!(
        registry_page(&ctx, &far_hospital, "per_page=1&page=2", [2, 2, 1]).await,
        [reg(2, "3708")]
    );
    assert_eq!(
        registry_page(&ctx, &province, "page=0&per_page=0", [6, 1, 1]).await,
        [reg(6, "3709")]
    );
    ctx.finish().await;
}
