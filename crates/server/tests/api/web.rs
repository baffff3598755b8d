//! The web pages over plain HTTP (no browser): who may see which page, CSRF on every form, the
//! sign-in redirect, the language cookie. The browser tests in `tests/browser/` drive the same
//! pages through Chromium.

use auditor_store::access::Role;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use tower::ServiceExt;

use crate::common::{Auth, Backend, Ctx, PASSWORD, exam_register, fixture};
use crate::on_both_backends;

on_both_backends!(
    pages_need_a_session_and_forms_their_token,
    the_registries_page_pages
);

const HOSPITAL_A: &str = "123709214950000011";
const HOSPITAL_B: &str = "123709214950000022";

struct Reply {
    status: StatusCode,
    body: String,
    headers: HeaderMap,
}

impl Reply {
    fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| c.strip_prefix(&format!("{name}=")))
            .and_then(|c| c.split(';').next())
            .map(str::to_owned)
    }
}

async fn page(
    ctx: &Ctx,
    method: Method,
    path: &str,
    cookies: &str,
    body: Option<(&str, Vec<u8>)>,
) -> Reply {
    let mut req = Request::builder().method(method).uri(path);
    if !cookies.is_empty() {
        req = req.header(header::COOKIE, cookies);
    }
    let req = match body {
        Some((ctype, bytes)) => req
            .header(header::CONTENT_TYPE, ctype)
            .body(Body::from(bytes)),
        None => req.body(Body::empty()),
    }
    .unwrap();
    let resp = ctx.app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap();
    Reply {
        status,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        headers,
    }
}

#[allow(clippy::unnecessary_wraps, reason = "the shape `page` takes as a body")]
fn form(fields: &[(&str, &str)]) -> Option<(&'static str, Vec<u8>)> {
    let body = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", auditor_server::web::encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    Some(("application/x-www-form-urlencoded", body.into_bytes()))
}

fn session(auth: &Auth) -> (String, String) {
    match auth {
        Auth::Session { cookie, csrf } => (format!("auditor_session={cookie}"), csrf.clone()),
        other => panic!("not a session: {other:?}"),
    }
}

async fn pages_need_a_session_and_forms_their_token(backend: Backend) {
    let Some(ctx) = Ctx::new(backend).await else {
        return;
    };

    // Without a session every page sends the person to sign in, and back afterwards.
    for path in [
        "/",
        "/uploads",
        "/findings",
        "/findings/1",
        "/rules",
        "/registries",
    ] {
        let r = page(&ctx, Method::GET, path, "", None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(r.location(), format!("/login?next={path}"), "{path}");
    }
    let login = page(&ctx, Method::GET, "/login?next=/findings", "", None).await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(
        login.body.contains("<html lang=\"zh-CN\">"),
        "{}",
        login.body
    );
    assert!(login.body.contains("登录") && login.body.contains("value=\"/findings\""));
    assert!(
        login.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains("default-src 'self'")
    );

    ctx.add_user("i@example.cn", Role::Inspector, Some("3709"), None)
        .await;
    let wrong = page(
        &ctx,
        Method::POST,
        "/login",
        "",
        form(&[
            ("email", "i@example.cn"),
            ("password", "nope"),
            ("next", "/"),
        ]),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("邮箱或密码不正确"), "{}", wrong.body);
    // A sign-in never sends the browser off the site, whatever `next` says.
    let signed = page(
        &ctx,
        Method::POST,
        "/login",
        "",
        form(&[
            ("email", "i@example.cn"),
            ("password", PASSWORD),
            ("next", "//evil.example/"),
        ]),
    )
    .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER);
    assert_eq!(signed.location(), "/");
    let cookie = format!(
        "auditor_session={}",
        signed.cookie("auditor_session").unwrap()
    );
    let csrf = signed.cookie("auditor_csrf").unwrap();
    assert!(
        signed
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .all(|c| c.to_str().unwrap().contains("SameSite=Strict"))
    );
    let home = page(&ctx, Method::GET, "/", &cookie, None).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        home.body.contains("概览") && home.body.contains("<svg"),
        "{}",
        home.body
    );

    // An official upload with one finding (US-DUAL-SIGN on row 5).
    let inspector = Auth::Session {
        cookie: cookie.trim_start_matches("auditor_session=").to_owned(),
        csrf: csrf.clone(),
    };
    let done = ctx
        .upload_done(
            &inspector,
            "us_exam_title_rows.xlsx",
            &fixture("fixtures/demo/us_exam_title_rows.xlsx"),
            &[("as_of", "2024-06-30")],
        )
        .await;
    let upload_id = done["id"].as_i64().unwrap();
    let report = page(
        &ctx,
        Method::GET,
        &format!("/uploads/{upload_id}"),
        &cookie,
        None,
    )
    .await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(report.body.contains("US-DUAL-SIGN") && report.body.contains("3月"));
    // Every report format of `auditor check`, for this upload.
    for (ext, ctype) in [
        (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("html", "text/html; charset=utf-8"),
        ("csv", "text/csv; charset=utf-8"),
        ("json", "application/json"),
        ("sarif", "application/sarif+json"),
        ("junit", "application/xml"),
    ] {
        let r = page(
            &ctx,
            Method::GET,
            &format!("/uploads/{upload_id}/report.{ext}"),
            &cookie,
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{ext}: {}", r.body);
        assert_eq!(r.headers[header::CONTENT_TYPE], ctype, "{ext}");
        assert!(
            r.headers[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .starts_with("attachment"),
            "{ext}"
        );
        match ext {
            "xlsx" => assert!(r.body.starts_with("PK"), "not a zip"),
            "json" => {
                let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
                assert_eq!(j["schema_version"], 1);
                assert_eq!(j["findings"].as_array().unwrap().len(), 1, "{j}");
                assert_eq!(j["findings"][0]["rule"], "US-DUAL-SIGN");
                assert_eq!(j["findings"][0]["row"], 5);
                assert_eq!(j["inputs"][0]["sheets"][0]["sheet"], "3月");
            }
            _ => assert!(r.body.contains("US-DUAL-SIGN"), "{ext}: {}", r.body),
        }
    }
    let r = page(
        &ctx,
        Method::GET,
        &format!("/uploads/{upload_id}/report.exe"),
        &cookie,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // A registry's page lists what it holds; the registries page links to it.
    let (status, body) = ctx
        .upload_to(
            "/api/v1/registries",
            &inspector,
            &[(
                "institutions.csv",
                &fixture("fixtures/rules/DRUG-BUYER-QUALIFIED/institutions.csv"),
            )],
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let registry_id = body["id"].as_i64().unwrap();
    ctx.wait(&inspector, registry_id).await;
    let r = page(&ctx, Method::GET, "/registries", &cookie, None).await;
    assert!(
        r.body.contains(&format!("/uploads/{registry_id}")),
        "{}",
        r.body
    );
    let r = page(
        &ctx,
        Method::GET,
        &format!("/uploads/{registry_id}"),
        &cookie,
        None,
    )
    .await;
    assert!(
        r.body.contains("名录内容") && r.body.contains("青山县中医医院"),
        "{}",
        r.body
    );
    let (_, list) = ctx.get("/api/v1/findings", &inspector).await;
    let fid = list["items"][0]["id"].as_i64().unwrap();
    let finding = page(
        &ctx,
        Method::GET,
        &format!("/findings/{fid}"),
        &cookie,
        None,
    )
    .await;
    assert_eq!(finding.status, StatusCode::OK);
    assert!(finding.body.contains("周*") && !finding.body.contains("周婷"));

    // Forms without the session's token are refused and change nothing.
    let path = format!("/findings/{fid}/transition");
    for fields in [
        vec![("to", "acknowledged"), ("note", "x")],
        vec![("csrf", "0000"), ("to", "acknowledged"), ("note", "x")],
    ] {
        let r = page(&ctx, Method::POST, &path, &cookie, form(&fields)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        assert!(r.body.contains("CSRF"));
    }
    let (_, f) = ctx
        .get(&format!("/api/v1/findings/{fid}"), &inspector)
        .await;
    assert_eq!(f["status"], "open");
    let r = page(&ctx, Method::POST, "/logout", &cookie, form(&[])).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = page(
        &ctx,
        Method::POST,
        "/password",
        &cookie,
        form(&[("current", PASSWORD), ("new", "x"), ("confirm", "x")]),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A multipart upload without the token stores nothing.
    let (_, before) = ctx.get("/api/v1/uploads", &inspector).await;
    let bytes = exam_register(&[("Z1", "张伟", "无")]);
    let boundary = "web-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.csv\"\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let ctype = format!("multipart/form-data; boundary={boundary}");
    let r = page(
        &ctx,
        Method::POST,
        "/uploads",
        &cookie,
        Some((&ctype, body)),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let (_, uploads) = ctx.get("/api/v1/uploads", &inspector).await;
    assert_eq!(uploads["total"], before["total"]);

    // A change needs a note; with one it is made and kept in the history.
    let r = page(
        &ctx,
        Method::POST,
        &path,
        &cookie,
        form(&[("csrf", &csrf), ("to", "acknowledged"), ("note", " ")]),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("每次状态变更都需要说明"), "{}", r.body);
    let r = page(
        &ctx,
        Method::POST,
        &path,
        &cookie,
        form(&[
            ("csrf", &csrf),
            ("to", "acknowledged"),
            ("note", "已电话核实"),
        ]),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = page(
        &ctx,
        Method::GET,
        &format!("/findings/{fid}"),
        &cookie,
        None,
    )
    .await;
    assert!(after.body.contains("data-status=\"acknowledged\""));
    assert!(after.body.contains("已电话核实"));

    // The language switch: a cookie, then English pages.
    let r = page(&ctx, Method::GET, "/lang/en?next=/findings", &cookie, None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/findings");
    assert_eq!(r.cookie("lang").as_deref(), Some("en"));
    let en = page(
        &ctx,
        Method::GET,
        "/findings",
        &format!("{cookie}; lang=en"),
        None,
    )
    .await;
    assert!(en.body.contains("<html lang=\"en\">") && en.body.contains("Findings"));
    assert!(!en.body.contains("问题列表"));

    // Institutions: another's finding, or the regulator's, is not there (404 page).
    let a = ctx
        .user("a@hospital.cn", Role::Institution, None, Some(HOSPITAL_A))
        .await;
    let b = ctx
        .user("b@hospital.cn", Role::Institution, None, Some(HOSPITAL_B))
        .await;
    ctx.upload_done(
        &b,
        "self.csv",
        &exam_register(&[("B1", "张伟", "无")]),
        &[("as_of", "2024-06-30")],
    )
    .await;
    let (_, bl) = ctx.get("/api/v1/findings", &b).await;
    let b_finding = bl["items"][0]["id"].as_i64().unwrap();
    let (a_cookie, a_csrf) = session(&a);
    for id in [fid, b_finding] {
        let r = page(
            &ctx,
            Method::GET,
            &format!("/findings/{id}"),
            &a_cookie,
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
        assert!(r.body.contains("页面不存在") && r.body.contains("does not exist"));
        let r = page(
            &ctx,
            Method::POST,
            &format!("/findings/{id}/transition"),
            &a_cookie,
            form(&[("csrf", &a_csrf), ("to", "acknowledged"), ("note", "x")]),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    for path in [
        format!("/uploads/{upload_id}"),
        format!("/uploads/{upload_id}/report.json"),
    ] {
        let r = page(&ctx, Method::GET, &path, &a_cookie, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
    }
    // An institution's upload page shows the readiness of its latest self-check.
    let (b_cookie, _) = session(&b);
    let r = page(&ctx, Method::GET, "/uploads", &b_cookie, None).await;
    assert!(r.body.contains("id=\"readiness-score\">",), "{}", r.body);
    // B asks for a waiver of its finding's rule; the request is listed, and B cannot approve it.
    let (_, b_csrf) = session(&b);
    let r = page(
        &ctx,
        Method::POST,
        &format!("/findings/{b_finding}/waiver"),
        &b_cookie,
        form(&[
            ("csrf", &b_csrf),
            ("period_start", "2024-03-01"),
            ("period_end", "2024-03-31"),
            ("expires_on", "2024-12-31"),
            ("document_no", "鲁卫函〔2024〕12号"),
            ("justification", "设备检修期间仅一名医师在岗"),
        ]),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (_, waivers) = ctx.get("/api/v1/waivers", &b).await;
    let waiver = waivers["items"][0]["id"].as_i64().unwrap();
    assert_eq!(waivers["items"][0]["status"], "pending");
    let r = page(
        &ctx,
        Method::GET,
        &format!("/findings/{b_finding}"),
        &b_cookie,
        None,
    )
    .await;
    assert!(r.body.contains("鲁卫函〔2024〕12号") && r.body.contains("待审批"));
    let r = page(
        &ctx,
        Method::POST,
        &format!("/findings/{b_finding}/waivers/{waiver}"),
        &b_cookie,
        form(&[("csrf", &b_csrf), ("decision", "approve")]),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("只有监管人员可以审批豁免"));
    let r = page(&ctx, Method::GET, "/no/such/page", &b_cookie, None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Signing out ends the session.
    let r = page(
        &ctx,
        Method::POST,
        "/logout",
        &cookie,
        form(&[("csrf", &csrf)]),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = page(&ctx, Method::GET, "/", &cookie, None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    ctx.finish().await;
}

/// The registries page lists 20 to a page, with links to the pages either side.
async fn the_registries_page_pages(backend: Backend) {
    let Some(ctx) = Ctx::new(backend).await else {
        return;
    };
    let inspector = ctx
        .user("i@example.cn", Role::Inspector, Some("3709"), None)
        .await;
    let (cookie, _) = session(&inspector);
    let (status, body) = ctx
        .upload_to(
            "/api/v1/registries",
            &inspector,
            &[(
                "institutions.csv",
                &fixture("fixtures/rules/DRUG-BUYER-QUALIFIED/institutions.csv"),
            )],
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let upload = body["id"].as_i64().unwrap();
    ctx.wait(&inspector, upload).await;
    // 20 more registries of the same upload: 21 rows, two pages.
    for _ in 0..20 {
        sea_orm::ConnectionTrait::execute_unprepared(
            &ctx.store().db,
            "INSERT INTO registries (region_code, dataset, upload_id, rows, active, created_at) \
             SELECT region_code, dataset, upload_id, rows, active, created_at FROM registries \
             WHERE id = (SELECT MIN(id) FROM registries)",
        )
        .await
        .unwrap();
    }
    let link = format!("href=\"/uploads/{upload}\"");
    let first = page(&ctx, Method::GET, "/registries", &cookie, None).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.body.matches(&link).count(), 20, "{}", first.body);
    assert!(first.body.contains("<span>1 / 2</span>"), "{}", first.body);
    assert!(first.body.contains("href=\"/registries?page=2\""));
    assert!(!first.body.contains("href=\"/registries?page=0\""));
    let second = page(&ctx, Method::GET, "/registries?page=2", &cookie, None).await;
    assert_eq!(second.body.matches(&link).count(), 1, "{}", second.body);
    assert!(
        second.body.contains("<span>2 / 2</span>"),
        "{}",
        second.body
    );
    assert!(second.body.contains("href=\"/registries?page=1\""));
    assert!(!second.body.contains("href=\"/registries?page=3\""));
    ctx.finish().await;
}
