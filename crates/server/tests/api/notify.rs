//! Notifications and sweeps end to end: a sweep at an injected date opens the cases time has
//! made (a device now past its filing deadline, a monthly ledger not sent), queues one digest
//! per team that should hear of them, and the drain mails them to a real SMTP server
//! (aiosmtpd) — after the server was down, once each. Two replicas make one run.

use std::sync::Arc;

use auditor_notify::{Mailer, RetryPolicy};
use auditor_server::scheduler::{self, Notifier};
use auditor_server::{AppState, Config, Engine};
use auditor_store::Store;
use auditor_store::access::Role;
use auditor_store::clock::ManualClock;
use auditor_store::entity::upload;
use axum::http::StatusCode;
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{Value, json};

use crate::common::{Auth, Backend, Ctx, exam_register};
use crate::on_both_backends;
use crate::smtp::{self, Smtp};

on_both_backends!(
    a_sweep_mails_each_team_its_digest_once_after_an_outage,
    two_schedulers_make_one_run_and_one_digest_per_team
);

/// 宁阳县 (370921), in 泰安市 (3709).
const HOSPITAL_A: &str = "123709214950000011";
/// In 济宁市 (3708).
const HOSPITAL_B: &str = "123708114950000022";
const PATIENT_ID: &str = "370921199603140025";

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A device bought on 2027-02-01 and not filed: on time when uploaded (as of 2027-02-10),
/// 35 days late on 2027-03-08.
fn device_register() -> Vec<u8> {
    "单位名称,统一社会信用代码,设备名称,类型,型号,出厂编号,数量,购置日期,使用场所,操作人员名单,备案日期,备案机关,状态\n\
     宁阳县人民医院,123709214950000011,彩色多普勒超声诊断仪,彩超,DC-70,SN2702001,1,2027-02-01,妇产科超声室,张伟、李娜,,,在用\n"
        .as_bytes()
        .to_vec()
}

fn notifier(url: &str, policy: RetryPolicy) -> Notifier {
    Notifier {
        mailer: Mailer::from_url(url, "auditor@audit.example.cn").unwrap(),
        policy,
        public_url: "https://audit.example.cn".into(),
    }
}

/// Uploads A's device register and two months of B's exam register (sent in January and
/// February 2027), as an admin. Returns the admin.
async fn seed(ctx: &Ctx) -> Auth {
    let admin = ctx.user("admin@example.cn", Role::Admin, None, None).await;
    let done = ctx
        .upload_done(
            &admin,
            "devices.csv",
            &device_register(),
            &[("as_of", "2027-02-10"), ("institution", HOSPITAL_A)],
        )
        .await;
    assert_eq!(done["status"], "done", "{done}");
    for (no, sent) in [
        ("J1", "2027-01-04T02:00:00Z"),
        ("F1", "2027-02-03T02:00:00Z"),
    ] {
        let done = ctx
            .upload_done(
                &admin,
                &format!("exams-{no}.csv"),
                &exam_register(&[(no, "张伟", "李娜")]),
                &[("as_of", &sent[..10]), ("institution", HOSPITAL_B)],
            )
            .await;
        assert_eq!(done["status"], "done", "{done}");
        upload::ActiveModel {
            id: Set(i32::try_from(done["id"].as_i64().unwrap()).unwrap()),
            created_at: Set(at(sent)),
            ..Default::default()
        }
        .update(&ctx.store().db)
        .await
        .unwrap();
    }
    admin
}

async fn add_teams(ctx: &Ctx, admin: &Auth) {
    for team in [
        json!({"name": "宁阳县检查组", "region_code": "370921", "language": "zh",
               "addresses": ["a1@ny.example.cn", "a2@ny.example.cn"]}),
        json!({"name": "Tai'an city team", "region_code": "3709", "language": "en",
               "min_severity": "medium", "addresses": ["city@ta.example.cn"]}),
        json!({"name": "济宁市检查组", "region_code": "3708", "language": "zh",
               "min_severity": "medium", "addresses": ["jn@jn.example.cn"]}),
        json!({"name": "济宁市要案组", "region_code": "3708", "language": "zh",
               "min_severity": "critical", "addresses": ["major@jn.example.cn"]}),
        json!({"name": "Shandong province", "region_code": "37", "language": "en",
               "min_severity": "low", "addresses": ["sd@sd.example.cn"]}),
    ] {
        let (status, body) = ctx.post("/api/v1/teams", admin, &team).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
}

async fn outbox(ctx: &Ctx, auth: &Auth, query: &str) -> Vec<Value> {
    let (status, body) = ctx.get(&format!("/api/v1/outbox{query}"), auth).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"].as_array().unwrap().clone()
}

fn text_part<'a>(m: &'a Value, ty: &str) -> &'a str {
    m["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["type"] == ty)
        .unwrap_or_else(|| panic!("no {ty} part in {m}"))["text"]
        .as_str()
        .unwrap()
}

async fn a_sweep_mails_each_team_its_digest_once_after_an_outage(backend: Backend) {
    if !smtp::available() {
        return;
    }
    let clock = ManualClock::new(at("2027-02-10T02:00:00Z"));
    let Some(ctx) = Ctx::with_clock(backend, Config::default(), clock.clone()).await else {
        return;
    };
    let admin = seed(&ctx).await;
    add_teams(&ctx, &admin).await;
    let institution = ctx
        .user("h@hospital.cn", Role::Institution, None, Some(HOSPITAL_A))
        .await;
    let (status, _) = ctx.get("/api/v1/teams", &institution).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // 2027-03-08 10:00 in Shanghai: the device is 35 days unfiled; B's February ledger was
    // due on 5 March.
    clock.set(at("2027-03-08T02:00:00Z"));
    let live_before = ctx.findings(&admin, "status=open").await;
    let run = ctx.sweep(&admin).await;
    assert_eq!(run["status"], "done", "{run}");
    assert_eq!(
        run["counts"],
        json!({"LEDGER-LATE": 1, "US-DEVICE-FILED-ON-TIME": 1}),
        "{run}"
    );
    let run_id = run["id"].as_i64().unwrap();
    // A run is the regulators' to see: an institution may not, and no run is 404.
    let (status, _) = ctx
        .get(&format!("/api/v1/sweeps/{run_id}"), &institution)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = ctx.get("/api/v1/sweeps/999999", &admin).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The sweep adds what time made, and leaves every case it did not judge anew as it was.
    let live_after = ctx.findings(&admin, "status=open").await;
    assert_eq!(live_after.len(), live_before.len() + 2, "{live_after:?}");
    assert!(live_before.iter().all(|f| live_after.contains(f)));
    let queued = outbox(&ctx, &admin, "?status=pending").await;
    let mut teams: Vec<&str> = queued.iter().map(|m| m["team"].as_str().unwrap()).collect();
    teams.sort_unstable();
    assert_eq!(
        teams,
        [
            "Shandong province",
            "Tai'an city team",
            "宁阳县检查组",
            "济宁市检查组"
        ],
        "the critical-only team hears nothing"
    );

    // The mail server is down: every digest waits, its attempt counted.
    let mut server = Smtp::stopped(&ctx.dir);
    let n = notifier(&server.url(), RetryPolicy::default());
    let report = scheduler::drain(&ctx.state, &n).await.unwrap();
    assert_eq!((report.sent, report.retried, report.dead), (0, 4, 0));
    let waiting = outbox(&ctx, &admin, "?status=pending").await;
    assert_eq!(waiting.len(), 4);
    assert!(
        waiting
            .iter()
            .all(|m| m["attempts"] == 1 && m["last_error"].is_string())
    );

    // Back up: nothing goes before the backoff has passed, then everything, once.
    server.start();
    let report = scheduler::drain(&ctx.state, &n).await.unwrap();
    assert_eq!(report.sent, 0, "retried before its time");
    clock.advance(TimeDelta::minutes(2));
    let report = scheduler::drain(&ctx.state, &n).await.unwrap();
    assert_eq!((report.sent, report.retried), (4, 0));
    let report = scheduler::drain(&ctx.state, &n).await.unwrap();
    assert_eq!(report.sent, 0);
    // A second sweep the same day finds nothing new and mails nobody.
    let again = ctx.sweep(&admin).await;
    assert_eq!(again["status"], "done", "{again}");
    assert_eq!(again["findings_opened"], 0, "{again}");
    assert_eq!(outbox(&ctx, &admin, "").await.len(), 4);

    let mail = server.messages();
    assert_eq!(mail.len(), 4, "{mail:#?}");
    let to = |addr: &str| {
        let found: Vec<&Value> = mail
            .iter()
            .filter(|m| m["to"].as_array().unwrap().iter().any(|a| a == addr))
            .collect();
        assert_eq!(found.len(), 1, "{addr}: {found:#?}");
        found[0]
    };
    let county = to("a1@ny.example.cn");
    assert_eq!(
        county["to"],
        json!(["a1@ny.example.cn", "a2@ny.example.cn"])
    );
    assert_eq!(
        county["subject"],
        format!("【两非审计】宁阳县检查组：巡查 #{run_id} 新发现 1 个问题（2027-03-08）")
    );
    let city = to("city@ta.example.cn");
    assert_eq!(
        city["subject"],
        format!("[auditor] Tai'an city team: 1 new finding from sweep #{run_id} (2027-03-08)")
    );
    let jining = to("jn@jn.example.cn");
    let province = to("sd@sd.example.cn");
    assert!(
        province["subject"]
            .as_str()
            .unwrap()
            .contains("2 new findings")
    );
    for m in &mail {
        assert_eq!(m["content_type"], "multipart/alternative", "{m}");
        let types: Vec<&str> = m["parts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["type"].as_str().unwrap())
            .collect();
        assert_eq!(types, ["text/plain", "text/html"]);
        assert_eq!(m["defects"], json!([]), "{m}");
        assert!(
            m["from"]
                .as_str()
                .unwrap()
                .contains("auditor@audit.example.cn")
        );
        // No patient data: no name (whole or masked), no ID number, no keyed hash.
        let hash = hex::encode(
            auditor_ingest::IdHasher::new(b"test key")
                .unwrap()
                .pseudonym(PATIENT_ID),
        );
        for text in [
            m["raw"].as_str().unwrap(),
            text_part(m, "text/plain"),
            text_part(m, "text/html"),
        ] {
            for secret in ["王丽", "王*", PATIENT_ID, &hash[..12], "id_hash"] {
                assert!(!text.contains(secret), "{secret} in {text}");
            }
        }
    }
    let county_text = text_part(county, "text/plain");
    assert!(county_text.contains("高：1"), "{county_text}");
    assert!(
        county_text.contains("US-DEVICE-FILED-ON-TIME (高)：1"),
        "{county_text}"
    );
    assert!(!county_text.contains("LEDGER-LATE"), "{county_text}");
    assert!(county_text.contains("123709214950000011"), "{county_text}");
    assert!(
        county_text.contains("https://audit.example.cn/findings/"),
        "{county_text}"
    );
    assert!(
        text_part(county, "text/html").contains("<a href=\"https://audit.example.cn/findings/")
    );
    let city_text = text_part(city, "text/plain");
    assert!(
        city_text.contains("US-DEVICE-FILED-ON-TIME (high): 1") && city_text.contains("By rule"),
        "{city_text}"
    );
    let jining_text = text_part(jining, "text/plain");
    assert!(
        jining_text.contains("LEDGER-LATE (中)：1") && !jining_text.contains("US-DEVICE"),
        "{jining_text}"
    );
    assert!(jining_text.contains(HOSPITAL_B), "{jining_text}");
    let province_text = text_part(province, "text/plain");
    for line in [
        "high: 1",
        "medium: 1",
        "US-DEVICE-FILED-ON-TIME (high): 1",
        "LEDGER-LATE (medium): 1",
        HOSPITAL_A,
        HOSPITAL_B,
    ] {
        assert!(province_text.contains(line), "{line}: {province_text}");
    }

    // An upload's new official findings are mailed too; a mail server that never answers
    // makes them dead after the last attempt, and they are listed as such, by region.
    let done = ctx
        .upload_done(
            &admin,
            "exams-a.csv",
            &exam_register(&[("M1", "张伟", "无")]),
            &[("as_of", "2027-03-08"), ("institution", HOSPITAL_A)],
        )
        .await;
    assert_eq!(done["status"], "done", "{done}");
    clock.advance(TimeDelta::days(365));
    let dead_end = notifier(
        &format!("smtp://127.0.0.1:{}", smtp::free_port()),
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        },
    );
    let report = scheduler::drain(&ctx.state, &dead_end).await.unwrap();
    assert_eq!((report.sent, report.dead), (0, 3), "{report:?}");
    let dead = outbox(&ctx, &admin, "?status=dead").await;
    let key = format!("upload:{}", done["id"]);
    assert!(
        dead.len() == 3 && dead.iter().all(|m| m["run_key"] == key.as_str()),
        "{dead:#?}"
    );
    let jining_inspector = ctx
        .user("jn@example.cn", Role::Inspector, Some("3708"), None)
        .await;
    assert_eq!(
        outbox(&ctx, &jining_inspector, "?status=dead").await.len(),
        0
    );
    assert_eq!(outbox(&ctx, &jining_inspector, "").await.len(), 1);
    server.stop();
    ctx.finish().await;
}

/// A second replica: its own connections and engine on the same database and data directory.
async fn replica(ctx: &Ctx, clock: Arc<ManualClock>) -> AppState {
    let store = Store::open(&ctx.url).await.unwrap();
    AppState::with_clock(
        store,
        Engine::load(b"test key").unwrap(),
        ctx.dir.clone(),
        Config::default(),
        clock,
    )
}

async fn two_schedulers_make_one_run_and_one_digest_per_team(backend: Backend) {
    if !smtp::available() {
        return;
    }
    let clock = ManualClock::new(at("2027-02-10T02:00:00Z"));
    let Some(ctx) = Ctx::with_clock(backend, Config::default(), clock.clone()).await else {
        return;
    };
    let admin = seed(&ctx).await;
    add_teams(&ctx, &admin).await;
    clock.set(at("2027-03-07T00:00:00Z"));
    let (status, body) = ctx
        .post(
            "/api/v1/schedules",
            &admin,
            &json!({"name": "每日巡查", "cron": "0 8 * * *"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["cron"], "0 0 8 * * *");
    let other = replica(&ctx, clock.clone()).await;

    // 08:30 in Shanghai on 8 March: the 08:00 run is due, and both replicas look at once.
    clock.set(at("2027-03-08T00:30:00Z"));
    let (a, b) = tokio::join!(scheduler::tick(&ctx.state), scheduler::tick(&other));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.len() + b.len(), 1, "one run between two schedulers");
    let (_, runs) = ctx.get("/api/v1/sweeps", &admin).await;
    assert_eq!(runs["total"], 1, "{runs}");
    assert_eq!(runs["items"][0]["due_at"], "2027-03-08T00:00:00+00:00");
    assert_eq!(outbox(&ctx, &admin, "").await.len(), 4);
    // Nothing more is due until tomorrow.
    let (a, b) = tokio::join!(scheduler::tick(&ctx.state), scheduler::tick(&other));
    assert_eq!(a.unwrap().len() + b.unwrap().len(), 0);

    // Both drains at once against a live server: each digest arrives once.
    let mut server = Smtp::stopped(&ctx.dir);
    server.start();
    let live = notifier(&server.url(), RetryPolicy::default());
    let (mine, theirs) = tokio::join!(
        scheduler::drain(&ctx.state, &live),
        scheduler::drain(&other, &live)
    );
    assert_eq!(mine.unwrap().sent + theirs.unwrap().sent, 4);
    assert_eq!(server.messages().len(), 4);

    // Down for three days: one catch-up run at start, not three.
    clock.set(at("2027-03-11T03:00:00Z"));
    let (a, b) = tokio::join!(scheduler::tick(&ctx.state), scheduler::tick(&other));
    let mut ran = a.unwrap();
    ran.extend(b.unwrap());
    assert_eq!(ran.len(), 1);
    assert_eq!(ran[0].due_at, Some(at("2027-03-11T00:00:00Z")));
    let (_, runs) = ctx.get("/api/v1/sweeps", &admin).await;
    assert_eq!(runs["total"], 2, "{runs}");

    // A replica that died mid-sweep leaves a run `running`; the next start closes it as failed.
    let cut_off = ctx
        .store()
        .claim_run(
            &auditor_store::sweeps::NewRun {
                claim_key: "manual:crashed",
                schedule_id: None,
                region_code: None,
                due_at: None,
            },
            at("2027-03-11T03:00:00Z"),
        )
        .await
        .unwrap()
        .unwrap();
    let store = ctx.store();
    assert_eq!(
        store
            .fail_stale_runs(at("2027-03-11T03:00:00Z"), at("2027-03-11T09:00:00Z"))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .fail_stale_runs(at("2027-03-11T04:00:00Z"), at("2027-03-11T10:00:00Z"))
            .await
            .unwrap(),
        1
    );
    let (_, runs) = ctx.get("/api/v1/sweeps", &admin).await;
    let failed = &runs["items"][0];
    assert_eq!(
        (failed["id"].as_i64(), failed["status"].as_str()),
        (Some(i64::from(cut_off.id)), Some("failed")),
        "{runs}"
    );
    other.store().db.clone().close().await.ok();
    drop(other);
    server.stop();
    ctx.finish().await;
}
