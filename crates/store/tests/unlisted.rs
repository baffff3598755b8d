//! A rule's summary of the findings it did not list one by one ("另有 N 处同类问题未逐一列出") is
//! stored with its N, and the upload's count and the dashboard's figures count it as N findings.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use auditor_model::Severity;
use auditor_store::Store;
use auditor_store::access::Role;
use auditor_store::uploads::{NewUpload, SheetResult};
use auditor_store::users::NewUser;
use chrono::NaiveDate;
use sea_orm::ConnectionTrait;

mod common;

use common::finding;

async fn scenario(store: &Store) {
    let user = store
        .add_user(&NewUser {
            email: "a@x",
            password_hash: "x",
            role: Role::Admin,
            region: None,
            institution_uscc: None,
            institution_name: None,
        })
        .await
        .unwrap();
    let up = store
        .create_upload(&NewUpload {
            sha256: "x",
            file_name: "exams.csv",
            size: 1,
            mode: "official",
            uploader_id: user.id,
            institution_id: None,
            region_code: "370921",
            pack: "national",
            as_of: NaiveDate::from_ymd_opt(2024, 6, 30).unwrap(),
        })
        .await
        .unwrap();
    let sheet = SheetResult {
        name: String::new(),
        dataset: Some("us_exam".into()),
        header_row: Some(1),
        institution: String::new(),
        records: Vec::new(),
    };
    // Two listed US-DUAL-SIGN findings and their summary of 5 more; one listed DQ finding.
    let findings = vec![
        finding("US-DUAL-SIGN", Severity::High, Some(2), 0),
        finding("US-DUAL-SIGN", Severity::High, Some(3), 0),
        finding("US-DUAL-SIGN", Severity::High, None, 5),
        finding("DQ-DATE-INVALID", Severity::Low, Some(2), 0),
    ];
    store
        .store_results(
            &up,
            vec![sheet],
            findings,
            &std::collections::HashSet::new(),
        )
        .await
        .unwrap();
    let viewer = store.viewer(user.id).await.unwrap().unwrap();

    let (up, _) = store.upload_for(&viewer, up.id).await.unwrap();
    assert_eq!(
        up.findings_count, 8,
        "2 + 5 + 1 US-DUAL-SIGN and DQ findings"
    );

    let of_upload = auditor_store::findings::of_upload(&store.db, up.id, "official")
        .await
        .unwrap();
    let mut unlisted: Vec<(Option<i32>, i32)> = of_upload
        .iter()
        .filter(|f| f.rule == "US-DUAL-SIGN")
        .map(|f| (f.row, f.unlisted))
        .collect();
    unlisted.sort_unstable();
    assert_eq!(unlisted, [(None, 5), (Some(2), 0), (Some(3), 0)]);

    let by_rule = store.upload_rule_counts(&viewer, up.id).await.unwrap();
    assert_eq!(
        by_rule,
        [
            ("US-DUAL-SIGN".to_owned(), "high".to_owned(), 7),
            ("DQ-DATE-INVALID".to_owned(), "low".to_owned(), 1),
        ]
    );
    let live = store.upload_live_by_severity(&viewer, up.id).await.unwrap();
    let mut live: Vec<(String, u64)> = live;
    live.sort_unstable();
    assert_eq!(live, [("high".to_owned(), 7), ("low".to_owned(), 1)]);

    let today = chrono::Utc::now().date_naive();
    let board = store.dashboard(&viewer, today).await.unwrap();
    assert_eq!(
        board.by_severity,
        [
            ("critical".to_owned(), 0),
            ("high".to_owned(), 7),
            ("medium".to_owned(), 0),
            ("low".to_owned(), 1),
        ]
    );
    assert_eq!(
        board.by_rule,
        [
            ("US-DUAL-SIGN".to_owned(), 7),
            ("DQ-DATE-INVALID".to_owned(), 1)
        ]
    );
    assert_eq!(board.by_institution, [(None, String::new(), 8)]);
    assert_eq!(board.trend.last().map(|t| t.1), Some(8), "this month");
}

#[tokio::test]
async fn sqlite_counts_a_summary_as_the_findings_it_stands_for() {
    let dir = std::env::temp_dir().join(format!("auditor-unlisted-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::open(&Store::sqlite_url(&dir)).await.unwrap();
    scenario(&store).await;
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn postgres_counts_a_summary_as_the_findings_it_stands_for() {
    let Ok(server) = std::env::var("AUDITOR_TEST_POSTGRES") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "AUDITOR_TEST_POSTGRES must be set under CI"
        );
        println!("skipped: AUDITOR_TEST_POSTGRES is not set, PostgreSQL not tested");
        return;
    };
    let name = format!("auditor_unlisted_{}", std::process::id());
    let admin = Store::connect(&server).await.unwrap();
    let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    admin.db.execute_unprepared(&drop).await.unwrap();
    admin
        .db
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let url = format!("{}/{name}", server.rsplit_once('/').unwrap().0);
    let store = Store::open(&url).await.unwrap();
    scenario(&store).await;
    store.db.clone().close().await.ok();
    admin.db.execute_unprepared(&drop).await.unwrap();
}
