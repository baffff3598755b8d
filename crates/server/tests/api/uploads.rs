//! Uploads: processed in the background, stored whole or not at all, recognised when repeated.

use auditor_server::Config;
use auditor_store::access::Role;
use axum::http::StatusCode;

use crate::common::{Backend, Ctx, exam_register, fixture};
use crate::on_both_backends;

on_both_backends!(
    an_upload_is_judged_and_its_findings_listed,
    bad_and_oversized_files_store_nothing
);

async fn an_upload_is_judged_and_its_findings_listed(backend: Backend) {
    let Some(ctx) = Ctx::new(backend).await else {
        return;
    };
    let inspector = ctx
        .user("i@example.cn", Role::Inspector, Some("3709"), None)
        .await;
    let ledger = fixture("fixtures/demo/us_exam_title_rows.xlsx");
    let done = ctx
        .upload_done(
            &inspector,
            "us_exam_title_rows.xlsx",
            &ledger,
            &[("as_of", "2024-06-30")],
        )
        .await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["mode"], "official");
    assert_eq!(done["rows_read"], 5);
    assert_eq!(done["findings"], 1);
    assert_eq!(done["sheets"][0]["name"], "3月");
    assert_eq!(done["sheets"][0]["dataset"], "us_exam");
    assert_eq!(done["sheets"][0]["header_row"], 3);
    assert_eq!(done["sheets"][0]["institution"], "XX县人民医院");
    let id = done["id"].as_i64().unwrap();

    let found = ctx.findings(&inspector, &format!("upload={id}")).await;
    assert_eq!(
        found,
        vec![("US-DUAL-SIGN".to_owned(), 5, "open".to_owned())]
    );
    let (_, list) = ctx.get("/api/v1/findings", &inspector).await;
    let fid = list["items"][0]["id"].as_i64().unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["cells"], serde_json::json!(["G5", "H5"]));

    // The evidence: the record as stored (name masked, ID number never in the clear), the
    // rule's documentation in both languages, and an empty history.
    let (status, f) = ctx
        .get(&format!("/api/v1/findings/{fid}"), &inspector)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(f["record"]["name"], "周*");
    assert_eq!(f["record"]["op1_id"], "李娜");
    let text = f.to_string();
    assert!(
        !text.contains("周婷"),
        "a patient's full name leaked: {text}"
    );
    assert_eq!(f["rule_doc"]["id"], "US-DUAL-SIGN");
    assert!(f["rule_doc"]["fix"].as_str().unwrap().contains("签名"));
    assert!(f["rule_doc"]["fix_en"].as_str().unwrap().contains("sign"));
    assert_eq!(f["history"], serde_json::json!([]));

    // The same bytes again: the first upload, not a second one, and nothing counted twice.
    let (status, again) = ctx
        .upload(&inspector, &[("renamed.xlsx", &ledger)], &[])
        .await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["uploads"][0]["duplicate"], true);
    assert_eq!(again["id"], id);
    let (_, list) = ctx.get("/api/v1/findings", &inspector).await;
    assert_eq!(list["total"], 1);
    let (_, uploads) = ctx.get("/api/v1/uploads", &inspector).await;
    assert_eq!(uploads["total"], 1);

    // Several files in one request; a CSV ledger judged on its exact rows.
    let csv = exam_register(&[
        ("A1", "张伟", "李娜"),
        ("A2", "张伟", "无"),
        ("A3", "/", "王强"),
    ]);
    let (status, body) = ctx
        .upload(
            &inspector,
            &[
                ("exams.csv", &csv),
                (
                    "other.xlsx",
                    &fixture("fixtures/demo/multi_sheet_hidden.xlsx"),
                ),
            ],
            &[("as_of", "2024-06-30")],
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["uploads"].as_array().unwrap().len(), 2);
    let csv_id = body["uploads"][0]["id"].as_i64().unwrap();
    let done = ctx.wait(&inspector, csv_id).await;
    assert_eq!(done["status"], "done");
    let found = ctx
        .findings(&inspector, &format!("upload={csv_id}&rule=US-DUAL-SIGN"))
        .await;
    assert_eq!(
        found,
        vec![
            ("US-DUAL-SIGN".to_owned(), 3, "open".to_owned()),
            ("US-DUAL-SIGN".to_owned(), 4, "open".to_owned())
        ]
    );
    ctx.wait(&inspector, body["uploads"][1]["id"].as_i64().unwrap())
        .await;

    // Filters and their errors.
    let (status, body) = ctx
        .get("/api/v1/findings?severity=urgent", &inspector)
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_filter"))
    );
    let (_, body) = ctx
        .get(
            "/api/v1/findings?rule=US-DUAL-SIGN&severity=high&status=open&per_page=1&page=2",
            &inspector,
        )
        .await;
    assert_eq!(body["total"], 3);
    assert_eq!(body["items"].as_array().unwrap().len(), 1);
    ctx.finish().await;
}

async fn bad_and_oversized_files_store_nothing(backend: Backend) {
    let config = Config {
        max_upload_bytes: 4096,
        ..Config::default()
    };
    let Some(ctx) = Ctx::with_config(backend, config).await else {
        return;
    };
    let inspector = ctx
        .user("i@example.cn", Role::Inspector, Some("3709"), None)
        .await;

    // Not a ledger: the upload is kept as failed with its reason, and nothing else.
    let done = ctx
        .upload_done(
            &inspector,
            "notes.csv",
            "会议纪要,日期\n开会,明天\n".as_bytes(),
            &[],
        )
        .await;
    assert_eq!(done["status"], "failed");
    assert!(
        done["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("notes.csv："),
        "{done}"
    );
    assert!(
        done["error"]["message_en"]
            .as_str()
            .unwrap()
            .starts_with("notes.csv: "),
        "{done}"
    );
    assert_eq!(done["sheets"], serde_json::json!([]));
    // It has no report, and says so rather than "not checked yet".
    let (status, body) = ctx
        .get(&format!("/uploads/{}/report.html", done["id"]), &inspector)
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        body.as_str()
            .is_some_and(|page| page.contains("该上传未能读取，没有检查报告")),
        "{body}"
    );
    let (_, list) = ctx.get("/api/v1/findings", &inspector).await;
    assert_eq!(list["total"], 0);

    // Larger than the limit: refused while streaming, nothing recorded, no file left behind.
    let big = vec![b'x'; 5000];
    let (status, body) = ctx.upload(&inspector, &[("big.csv", &big)], &[]).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("file_too_large"))
    );
    assert!(body["message"].as_str().unwrap().contains("big.csv"));
    let (_, uploads) = ctx.get("/api/v1/uploads", &inspector).await;
    assert_eq!(uploads["total"], 1);
    let leftovers: Vec<_> = std::fs::read_dir(ctx.dir.join("tmp")).unwrap().collect();
    assert!(leftovers.is_empty());

    // No file at all; an unknown mode; an unknown pack.
    let (status, body) = ctx.upload(&inspector, &[], &[("mode", "official")]).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("file_required"))
    );
    let csv = exam_register(&[("A1", "张伟", "李娜")]);
    let (status, body) = ctx
        .upload(&inspector, &[("a.csv", &csv)], &[("mode", "self_check")])
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_mode"))
    );
    let (status, body) = ctx
        .upload(&inspector, &[("a.csv", &csv)], &[("pack", "atlantis")])
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("unknown_pack"))
    );
    ctx.finish().await;
}
