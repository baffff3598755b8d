//! A sweep judges the licences of the newest institution registry as of its day: each expired
//! licence becomes a case of its holder, within the holder's region, and a renewal in a newer
//! registry resolves it.

use std::sync::Arc;

use auditor_server::sweep;
use auditor_store::access::Role;
use auditor_store::clock::ManualClock;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};

use crate::common::{Backend, Ctx, fixture};
use crate::on_both_backends;

on_both_backends!(a_sweep_opens_and_resolves_expired_licences);

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

async fn a_sweep_opens_and_resolves_expired_licences(backend: Backend) {
    // 2024-06-30, 10:00 in Shanghai: the as-of date of the rule's own fixture.
    let clock: Arc<ManualClock> = ManualClock::new(at("2024-06-30T02:00:00Z"));
    let Some(ctx) =
        Ctx::with_clock(backend, auditor_server::Config::default(), clock.clone()).await
    else {
        return;
    };
    let city = ctx
        .user("i@example.cn", Role::Inspector, Some("3709"), None)
        .await;
    let county = ctx
        .user("c@example.cn", Role::Inspector, Some("370921"), None)
        .await;
    let registry = fixture("fixtures/rules/LIC-VALID/violating.csv");
    let (status, body) = ctx
        .upload_to(
            "/api/v1/registries",
            &city,
            &[("institutions.csv", &registry)],
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    ctx.wait(&city, body["id"].as_i64().unwrap()).await;
    assert!(ctx.findings(&city, "rule=LIC-VALID").await.is_empty());

    let (run, summary) = sweep::run_now(&ctx.state, None).await.unwrap();
    assert_eq!(run.status, "done", "{run:?}");
    assert_eq!(summary.counts.get("LIC-VALID"), Some(&5), "{summary:?}");
    // The rows the rule's fixture names: 3, 6, 7 (both licences) and 10.
    let open = |rows: &[i64]| -> Vec<(String, i64, String)> {
        rows.iter()
            .map(|r| ("LIC-VALID".to_owned(), *r, "open".to_owned()))
            .collect()
    };
    let mut got = ctx.findings(&city, "rule=LIC-VALID").await;
    got.sort();
    assert_eq!(got, open(&[3, 6, 7, 7, 10]));
    // Each case belongs to its holder's county: all four holders are in 370921.
    let mut county_sees = ctx.findings(&county, "rule=LIC-VALID").await;
    county_sees.sort();
    assert_eq!(county_sees, open(&[3, 6, 7, 7, 10]));
    let hospital = ctx
        .user(
            "h@example.cn",
            Role::Institution,
            None,
            Some("123709214930000296"),
        )
        .await;
    assert_eq!(
        ctx.findings(&hospital, "rule=LIC-VALID").await,
        open(&[3]),
        "the holder sees its own expired licence"
    );

    // The same day again: nothing new.
    let (_, again) = sweep::run_now(&ctx.state, None).await.unwrap();
    assert!(again.counts.is_empty(), "{again:?}");

    // The county hospital of row 3 renews its licence; the newer registry resolves its case.
    let renewed = String::from_utf8(registry)
        .unwrap()
        .replace("中医医院,300,2024-06-29", "中医医院,300,2027-06-29");
    let (status, body) = ctx
        .upload_to(
            "/api/v1/registries",
            &city,
            &[("institutions-renewed.csv", renewed.as_bytes())],
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    ctx.wait(&city, body["id"].as_i64().unwrap()).await;
    // A day later: the licences of rows 4 and 8, valid to 30 June, expired yesterday.
    clock.set(at("2024-07-01T02:00:00Z"));
    let (_, next_day) = sweep::run_now(&ctx.state, None).await.unwrap();
    assert_eq!(next_day.counts.get("LIC-VALID"), Some(&2), "{next_day:?}");
    let mut after = ctx.findings(&city, "rule=LIC-VALID").await;
    after.sort();
    let mut want = open(&[4, 6, 7, 7, 8, 10]);
    want.push(("LIC-VALID".to_owned(), 3, "resolved".to_owned()));
    want.sort();
    assert_eq!(after, want);
    ctx.finish().await;
}
