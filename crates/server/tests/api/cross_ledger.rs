//! Cross-ledger rules in the server: an upload is judged with the other stored ledgers of its
//! city (the latest of each institution), its findings name the rows of those ledgers as
//! evidence, and an institution sees only that such a row exists, never another's row.

use std::fmt::Write as _;

use auditor_store::access::Role;
use axum::http::StatusCode;
use serde_json::Value;

use crate::common::{Auth, Backend, Ctx};
use crate::on_both_backends;

const HOSPITAL_A: &str = "123709214950000011";
const HOSPITAL_B: &str = "123709214950000022";

fn dispensing(rows: &[(&str, &str)]) -> Vec<u8> {
    let mut s = String::from("处方号,发药日期,姓名,身份证号,药品名称,批号,处方医师,追溯码\n");
    for (rx, code) in rows {
        let _ = writeln!(
            s,
            "{rx},2024-03-01,王丽,370921199603140025,米非司酮片,230801,刘医生,{code}"
        );
    }
    s.into_bytes()
}

/// The city's inspector and two hospitals of one of its counties, signed in.
async fn parties(ctx: &Ctx) -> (Auth, Auth, Auth) {
    let city = ctx
        .user("city@example.cn", Role::Inspector, Some("3709"), None)
        .await;
    let a = ctx
        .user("a@hospital.cn", Role::Institution, None, Some(HOSPITAL_A))
        .await;
    let b = ctx
        .user("b@hospital.cn", Role::Institution, None, Some(HOSPITAL_B))
        .await;
    (city, a, b)
}

async fn trace_findings(ctx: &Ctx, auth: &Auth, upload: i64) -> Vec<Value> {
    let (status, body) = ctx
        .get(
            &format!("/api/v1/findings?rule=DRUG-TRACE-CODE&upload={upload}&sort=oldest"),
            auth,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"].as_array().unwrap().clone()
}

on_both_backends!(a_trace_code_dispensed_at_another_hospital_is_found_with_its_first_use);

async fn a_trace_code_dispensed_at_another_hospital_is_found_with_its_first_use(backend: Backend) {
    let Some(ctx) = Ctx::new(backend).await else {
        return;
    };
    let (city, a, b) = parties(&ctx).await;
    let as_of = ("as_of", "2024-06-30");
    let official = ("mode", "official");

    let first = ctx
        .upload_done(
            &a,
            "a-march.csv",
            &dispensing(&[
                ("A1", "81000230801000000101"),
                ("A2", "81000230801000000102"),
            ]),
            &[as_of, official],
        )
        .await;
    let first_id = first["id"].as_i64().unwrap();
    let reused = dispensing(&[
        ("B1", "81000230801000000109"),
        ("B2", "81000230801000000102"),
    ]);

    // B's self-check is judged with B's own ledgers only: A's patients stay A's.
    let own = ctx.upload_done(&b, "b-march.csv", &reused, &[as_of]).await;
    assert_eq!(own["mode"], "self_check");
    assert!(
        trace_findings(&ctx, &b, own["id"].as_i64().unwrap())
            .await
            .is_empty()
    );

    // Officially, B's line 3 repeats the code A dispensed on line 3 of its upload.
    let mut next = reused.clone();
    next.push(b'\n');
    let second = ctx
        .upload_done(&b, "b-march-official.csv", &next, &[as_of, official])
        .await;
    let second_id = second["id"].as_i64().unwrap();
    let seen = trace_findings(&ctx, &city, second_id).await;
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0]["row"], 3);
    // A listed finding stands for itself alone (a summary line's unlisted is its N).
    assert_eq!(seen[0]["unlisted"], 0);
    assert_eq!(
        seen[0]["related"],
        serde_json::json!([{
            "upload_id": first_id,
            "institution_id": first["institution_id"],
            "dataset": "drug_dispense",
            // Named by its upload number only: B reads the finding's message.
            "file": format!("上传#{first_id}"),
            "sheet": null,
            "row": 3,
            "cells": ["H3"],
        }])
    );
    // Hospital B sees its finding and that another institution's row is involved, not where.
    let mine = trace_findings(&ctx, &b, second_id).await;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["related"], serde_json::json!([{ "hidden": true }]));
    assert_eq!(
        mine[0]["message"],
        "DRUG-TRACE-CODE：本问题还涉及其他机构的 1 条记录，详情由监管部门核查"
    );
    // The city reads where the first use was, by upload number, not by A's file name.
    let message = seen[0]["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("上传#{first_id} 第 3 行")) && !message.contains("a-march"),
        "{message}"
    );
    // A's own ledger, judged again by no one, has nothing: the later use is the repeat.
    assert!(trace_findings(&ctx, &city, first_id).await.is_empty());
    ctx.finish().await;
}

async fn page(ctx: &Ctx, auth: &Auth, path: &str) -> String {
    let (status, html, _) = ctx.send(axum::http::Method::GET, path, auth, None).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    html.as_str().unwrap().to_owned()
}

on_both_backends!(a_termination_after_a_scan_at_another_hospital_shows_both_rows);

/// Hospital A's ultrasound register, then hospital B's termination register: B's upload is
/// judged with A's exams, and each finding names the scans as A's rows. The city inspector's
/// finding page shows those rows (masked) with a link to A's upload; B's shows only that another
/// institution's row is involved.
async fn a_termination_after_a_scan_at_another_hospital_shows_both_rows(backend: Backend) {
    let Some(ctx) = Ctx::new(backend).await else {
        return;
    };
    let (city, a, b) = parties(&ctx).await;
    let fields = [("as_of", "2024-06-30"), ("mode", "official")];
    let exams = ctx
        .upload_done(
            &a,
            "exams.csv",
            &crate::common::fixture("fixtures/rules/X-US-THEN-TOP/exams.csv"),
            &fields,
        )
        .await;
    let exams_id = exams["id"].as_i64().unwrap();
    let terminations = ctx
        .upload_done(
            &b,
            "terminations.csv",
            &crate::common::fixture("fixtures/rules/X-US-THEN-TOP/violating.csv"),
            &fields,
        )
        .await;
    let top_id = terminations["id"].as_i64().unwrap();
    let (status, body) = ctx
        .get(
            &format!("/api/v1/findings?rule=X-US-THEN-TOP&upload={top_id}&sort=oldest"),
            &city,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let items = body["items"].as_array().unwrap();
    let got: Vec<(i64, Vec<i64>)> = items
        .iter()
        .map(|f| {
            let mut rows: Vec<i64> = f["related"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    assert_eq!(r["upload_id"], exams_id, "{r}");
                    assert_eq!(r["file"], format!("上传#{exams_id}"));
                    r["row"].as_i64().unwrap()
                })
                .collect();
            rows.sort_unstable();
            (f["row"].as_i64().unwrap(), rows)
        })
        .collect();
    // The rows of the rule's fixture (`expected.toml`), now across two hospitals' uploads.
    assert_eq!(
        got,
        vec![
            (3, vec![2]),
            (4, vec![3, 4]),
            (5, vec![5]),
            (6, vec![10]),
            (7, vec![11])
        ]
    );

    // Row 4 rests on two scans: the inspector's page lists both, masked, linked to A's upload.
    let row4 = items.iter().find(|f| f["row"] == 4).unwrap();
    let path = format!("/findings/{}", row4["id"]);
    let html = page(&ctx, &city, &path).await;
    let related = &html[html.find("id=\"related\"").expect("a related table")..];
    let related = &related[..related.find("</table>").unwrap()];
    assert_eq!(
        related
            .matches(&format!("<a href=\"/uploads/{exams_id}\">"))
            .count(),
        2,
        "{related}"
    );
    assert!(
        related.contains("KN0310001") && related.contains("US0320001"),
        "{related}"
    );
    assert!(
        related.contains("刘*") && !related.contains("刘芳"),
        "{related}"
    );
    // The scans' fields by their Chinese names, a gestational age in weeks as written.
    assert!(
        related.contains("孕周") && related.contains("18周") && !related.contains("ga_weeks"),
        "{related}"
    );
    assert!(!html.contains("370921199311080040"));

    // Hospital B sees its finding, and of A's scans only that they exist.
    let html = page(&ctx, &b, &path).await;
    let related = &html[html.find("id=\"related\"").expect("a related table")..];
    let related = &related[..related.find("</table>").unwrap()];
    assert_eq!(
        related.matches("该记录属于其他机构").count(),
        2,
        "{related}"
    );
    assert!(
        !related.contains("/uploads/") && !related.contains("KN0310001"),
        "{related}"
    );
    assert!(
        !html.contains("康宁门诊部") && html.contains("本问题还涉及其他机构的 2 条记录"),
        "the message quoted the other institution's scans"
    );

    // The upload's html report: the city's names the scans; B's is judged with B's own
    // ledgers only, so it has no X-US-THEN-TOP finding and quotes nothing of A's.
    let report = format!("/uploads/{top_id}/report.html");
    let city_report = page(&ctx, &city, &report).await;
    assert_eq!(city_report.matches("<code>X-US-THEN-TOP</code>").count(), 5);
    assert!(city_report.contains("康宁门诊部"));
    let own_report = page(&ctx, &b, &report).await;
    assert!(
        !own_report.contains("<code>X-US-THEN-TOP</code>") && !own_report.contains("康宁门诊部"),
        "{own_report}"
    );
    // The report audits the institution the upload is filed under, named first.
    assert!(
        own_report.contains("<dt>被检查单位</dt><dd>机构22"),
        "{own_report}"
    );
    ctx.finish().await;
}

on_both_backends!(a_sweep_links_a_register_with_scans_uploaded_after_it);

/// The terminations arrive before the scans: their upload finds nothing to link, and the next
/// sweep, judging each institution's latest ledgers with the others, opens the cases.
async fn a_sweep_links_a_register_with_scans_uploaded_after_it(backend: Backend) {
    let Some(ctx) = Ctx::new(backend).await else {
        return;
    };
    let (city, a, b) = parties(&ctx).await;
    let fields = [("as_of", "2024-06-30"), ("mode", "official")];
    ctx.upload_done(
        &b,
        "terminations.csv",
        &crate::common::fixture("fixtures/rules/X-US-THEN-TOP/violating.csv"),
        &fields,
    )
    .await;
    assert!(ctx.findings(&city, "rule=X-US-THEN-TOP").await.is_empty());
    ctx.upload_done(
        &a,
        "exams.csv",
        &crate::common::fixture("fixtures/rules/X-US-THEN-TOP/exams.csv"),
        &fields,
    )
    .await;
    assert!(
        ctx.findings(&city, "rule=X-US-THEN-TOP").await.is_empty(),
        "an exam register does not judge terminations"
    );
    let admin = ctx.user("admin@example.cn", Role::Admin, None, None).await;
    let run = ctx.sweep(&admin).await;
    assert_eq!(run["status"], "done", "{run}");
    let rows: Vec<i64> = ctx
        .findings(&b, "rule=X-US-THEN-TOP")
        .await
        .into_iter()
        .map(|(_, row, status)| {
            assert_eq!(status, "open");
            row
        })
        .collect();
    assert_eq!(rows, vec![3, 4, 5, 6, 7]);
    assert!(
        ctx.findings(&a, "rule=X-US-THEN-TOP").await.is_empty(),
        "the cases are the terminating hospital's"
    );
    ctx.finish().await;
}

on_both_backends!(the_dashboard_draws_the_sex_ratio_funnel_of_the_registers_in_reach);

/// A hospital's official birth register: the city's dashboard draws each institution-year of
/// it, the one below the band in red; another hospital has no birth register in its reach and
/// no chart.
async fn the_dashboard_draws_the_sex_ratio_funnel_of_the_registers_in_reach(backend: Backend) {
    let Some(ctx) = Ctx::new(backend).await else {
        return;
    };
    let (city, a, b) = parties(&ctx).await;
    assert!(!page(&ctx, &city, "/").await.contains("srb-funnel"));
    ctx.upload_done(
        &a,
        "births.csv",
        &crate::common::fixture("fixtures/rules/SRB-INSTITUTION/violating.csv"),
        &[("as_of", "2024-06-30"), ("mode", "official")],
    )
    .await;
    let html = page(&ctx, &city, "/").await;
    let chart = &html[html.find("id=\"srb-funnel\"").expect("a funnel plot")..];
    let chart = &chart[..chart.find("</svg>").unwrap()];
    let dots: Vec<&str> = chart.split("<circle").skip(1).collect();
    // 第二人民医院 2023: 1000 live births at 81.8, wholly below the band.
    let second = dots
        .iter()
        .find(|d| d.contains("第二人民医院 2023：活产 1000"))
        .expect("a dot for 第二人民医院 2023");
    assert!(
        second.contains("#cc0000") && second.contains("已报出"),
        "{second}"
    );
    assert!(
        dots.iter()
            .any(|d| d.contains("人民医院 2023") && d.contains("#3d6fb6")),
        "a normal institution in blue: {chart}"
    );
    assert!(!page(&ctx, &b, "/").await.contains("srb-funnel"));
    assert!(page(&ctx, &a, "/").await.contains("srb-funnel"));
    ctx.finish().await;
}
