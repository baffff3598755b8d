//! The finding tallies weigh a rule's summary of N unlisted findings as N (`m0006_tally_weight`),
//! as the reports do, while still counting rows for the findings list's pages: on a database
//! upgraded from `m0005` with findings in it, through status changes, a changed N, deletes and
//! a step down and up again. A sweep's counts weigh the findings it opened the same way. Runs
//! on SQLite, and on PostgreSQL when `AUDITOR_TEST_POSTGRES` names a server (required under CI).

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use std::fmt::Write as _;

use auditor_model::Severity;
use auditor_store::Store;
use auditor_store::access::Role;
use auditor_store::entity::upload;
use auditor_store::findings::{FindingFilter, FindingSort, Incoming};
use auditor_store::migration::Migrator;
use auditor_store::sweeps::{NewRun, Rejudged};
use auditor_store::uploads::{NewUpload, SheetResult};
use auditor_store::users::NewUser;
use chrono::{NaiveDate, TimeZone, Utc};
use sea_orm::{ConnectionTrait, Statement, TransactionTrait};
use sea_orm_migration::MigratorTrait;

const HOSPITAL: &str = "123709214950000011";

mod common;

use common::finding;

/// Two listed US-DUAL-SIGN findings and their summary of 40 more; one listed DQ finding.
fn judged() -> Vec<Incoming> {
    vec![
        finding("US-DUAL-SIGN", Severity::High, Some(2), 0),
        finding("US-DUAL-SIGN", Severity::High, Some(3), 0),
        finding("US-DUAL-SIGN", Severity::High, None, 40),
        finding("DQ-DATE-INVALID", Severity::Low, Some(2), 0),
    ]
}

/// An admin, an inspector of the city, and a user of the hospital; returns their ids and
/// the hospital's official upload.
async fn people_and_upload(store: &Store) -> ([i32; 3], upload::Model) {
    let mut ids = [0; 3];
    for (i, (email, role, region, uscc)) in [
        ("a@x", Role::Admin, None, None),
        ("city@x", Role::Inspector, Some("3709"), None),
        ("h@x", Role::Institution, None, Some(HOSPITAL)),
    ]
    .into_iter()
    .enumerate()
    {
        ids[i] = store
            .add_user(&NewUser {
                email,
                password_hash: "x",
                role,
                region,
                institution_uscc: uscc,
                institution_name: uscc.map(|_| "医院"),
            })
            .await
            .unwrap()
            .id;
    }
    let org = store.institution(HOSPITAL, None).await.unwrap();
    let up = store
        .create_upload(&NewUpload {
            sha256: "x",
            file_name: "exams.csv",
            size: 1,
            mode: "official",
            uploader_id: ids[0],
            institution_id: Some(org.id),
            region_code: &org.region_code,
            pack: "national",
            as_of: NaiveDate::from_ymd_opt(2024, 6, 30).unwrap(),
        })
        .await
        .unwrap();
    (ids, up)
}

fn sheet() -> SheetResult {
    SheetResult {
        name: String::new(),
        dataset: Some("us_exam".into()),
        header_row: Some(1),
        institution: String::new(),
        records: Vec::new(),
    }
}

/// The non-empty tallies as "rule status n" or, with `weight`, "rule status n weight".
async fn tallies(store: &Store, weight: bool) -> Vec<String> {
    let sql = format!(
        "SELECT rule, status, n{} FROM finding_tallies WHERE n <> 0",
        if weight { ", weight" } else { "" }
    );
    let mut out: Vec<String> = store
        .db
        .query_all_raw(Statement::from_string(store.backend(), sql))
        .await
        .unwrap()
        .into_iter()
        .map(|r| {
            let mut line = format!(
                "{} {} {}",
                r.try_get::<String>("", "rule").unwrap(),
                r.try_get::<String>("", "status").unwrap(),
                r.try_get::<i64>("", "n").unwrap(),
            );
            if weight {
                write!(line, " {}", r.try_get::<i64>("", "weight").unwrap()).unwrap();
            }
            line
        })
        .collect();
    out.sort();
    out
}

fn counts(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
    [
        "open",
        "acknowledged",
        "remediating",
        "resolved",
        "waived",
        "false_positive",
    ]
    .iter()
    .map(|s| {
        let n = pairs.iter().find(|(k, _)| k == s).map_or(0, |(_, n)| *n);
        ((*s).to_owned(), n)
    })
    .collect()
}

/// Runs `steps` of the migrations up or down in one transaction on one connection, as
/// `Store::migrate` does: on SQLite a pool's connections could otherwise each run part of a
/// migration, and one may not yet see a trigger another dropped.
async fn migrate(store: &Store, up: bool, steps: u32) {
    let txn = store.db.begin().await.unwrap();
    if up {
        Migrator::up(&txn, Some(steps)).await.unwrap();
    } else {
        Migrator::down(&txn, Some(steps)).await.unwrap();
    }
    txn.commit().await.unwrap();
}

async fn upgrade_scenario(store: &Store) {
    migrate(store, true, 5).await;
    let ([admin, city, hospital], up) = people_and_upload(store).await;
    // This code stores a finding's `record_key` (m0007): at m0005 the column is lent for the
    // insert and taken back before the upgrade.
    let lend = |sql: &'static str| async move { store.db.execute_unprepared(sql).await.unwrap() };
    lend("ALTER TABLE findings ADD COLUMN record_key VARCHAR").await;
    store
        .store_results(
            &up,
            vec![sheet()],
            judged(),
            &std::collections::HashSet::new(),
        )
        .await
        .unwrap();
    lend("ALTER TABLE findings DROP COLUMN record_key").await;
    assert_eq!(
        tallies(store, false).await,
        ["DQ-DATE-INVALID open 1", "US-DUAL-SIGN open 3"],
        "before m0006 the summary is one row like any other"
    );

    store.migrate().await.unwrap();
    assert_eq!(
        tallies(store, true).await,
        ["DQ-DATE-INVALID open 1 1", "US-DUAL-SIGN open 3 42"],
        "the upgrade weighs the findings already stored"
    );
    let admin = store.viewer(admin).await.unwrap().unwrap();
    let city = store.viewer(city).await.unwrap().unwrap();
    let hospital = store.viewer(hospital).await.unwrap().unwrap();
    // Admins and inspectors are counted from the tallies, the institution from its findings.
    for viewer in [&admin, &city, &hospital] {
        assert_eq!(
            store.finding_counts(viewer).await.unwrap(),
            counts(&[("open", 43)]),
            "{:?}",
            viewer.role
        );
    }
    // The list still pages by rows: four findings, the summary among them.
    let (items, total) = store
        .list_findings(
            &city,
            &FindingFilter::default(),
            FindingSort::Severity,
            1,
            3,
        )
        .await
        .unwrap();
    assert_eq!(total, 4);
    let page: Vec<(String, Option<i32>)> = items.into_iter().map(|f| (f.rule, f.row_no)).collect();
    assert_eq!(
        page,
        [
            ("US-DUAL-SIGN".to_owned(), None),
            ("US-DUAL-SIGN".to_owned(), Some(3)),
            ("US-DUAL-SIGN".to_owned(), Some(2)),
        ]
    );

    // The summary moves with its weight.
    let summary_id = store
        .db
        .query_one_raw(Statement::from_string(
            store.backend(),
            "SELECT id FROM findings WHERE unlisted = 40",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i32>("", "id")
        .unwrap();
    store
        .transition(&city, summary_id, "acknowledged", "已通知机构整改")
        .await
        .unwrap();
    assert_eq!(
        tallies(store, true).await,
        [
            "DQ-DATE-INVALID open 1 1",
            "US-DUAL-SIGN acknowledged 1 40",
            "US-DUAL-SIGN open 2 2",
        ]
    );
    assert_eq!(
        store.finding_counts(&city).await.unwrap(),
        counts(&[("open", 3), ("acknowledged", 40)])
    );
    assert_eq!(
        store.finding_counts(&hospital).await.unwrap(),
        counts(&[("open", 3), ("acknowledged", 40)])
    );

    // A later run's summary stands for fewer findings: only `unlisted` changes.
    store
        .db
        .execute_unprepared("UPDATE findings SET unlisted = 30 WHERE unlisted = 40")
        .await
        .unwrap();
    assert_eq!(
        tallies(store, true).await,
        [
            "DQ-DATE-INVALID open 1 1",
            "US-DUAL-SIGN acknowledged 1 30",
            "US-DUAL-SIGN open 2 2",
        ]
    );
    // Status and N change in one statement.
    store
        .db
        .execute_unprepared(
            "UPDATE findings SET unlisted = 35, status = 'resolved' WHERE unlisted = 30",
        )
        .await
        .unwrap();
    store
        .db
        .execute_unprepared("DELETE FROM findings WHERE rule = 'DQ-DATE-INVALID'")
        .await
        .unwrap();
    assert_eq!(
        tallies(store, true).await,
        ["US-DUAL-SIGN open 2 2", "US-DUAL-SIGN resolved 1 35"]
    );
    assert_eq!(
        store.finding_counts(&admin).await.unwrap(),
        counts(&[("open", 2), ("resolved", 35)])
    );

    // Down past m0006 the old triggers count rows again; up again, everything is weighed anew.
    migrate(store, false, 2).await;
    store
        .db
        .execute_unprepared(
            "UPDATE findings SET unlisted = 12, status = 'open' WHERE unlisted = 35",
        )
        .await
        .unwrap();
    assert_eq!(tallies(store, false).await, ["US-DUAL-SIGN open 3"]);
    store.migrate().await.unwrap();
    assert_eq!(tallies(store, true).await, ["US-DUAL-SIGN open 3 14"]);
    assert_eq!(
        store.finding_counts(&city).await.unwrap(),
        counts(&[("open", 14)])
    );
}

async fn sweep_scenario(store: &Store) {
    store.migrate().await.unwrap();
    let (_, up) = people_and_upload(store).await;
    let at = Utc.with_ymd_and_hms(2024, 7, 1, 1, 0, 0).unwrap();
    let run = store
        .claim_run(
            &NewRun {
                claim_key: "manual:test",
                schedule_id: None,
                region_code: None,
                due_at: None,
            },
            at,
        )
        .await
        .unwrap()
        .unwrap();
    let summary = store
        .store_sweep(
            &run,
            NaiveDate::from_ymd_opt(2024, 7, 1).unwrap(),
            vec![Rejudged {
                upload: up,
                datasets: vec!["us_exam".into()],
                findings: judged(),
                records: None,
            }],
            &[],
            at,
        )
        .await
        .unwrap();
    assert_eq!(summary.merged.opened, 4, "four cases");
    assert_eq!(
        summary.counts.into_iter().collect::<Vec<_>>(),
        [
            ("DQ-DATE-INVALID".to_owned(), 1),
            ("US-DUAL-SIGN".to_owned(), 42)
        ]
    );
    assert_eq!(summary.opened, 43);
    let stored = store.list_runs(None).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(
        stored[0].counts,
        r#"{"DQ-DATE-INVALID":1,"US-DUAL-SIGN":42}"#
    );
    assert_eq!(stored[0].findings_opened, 43);
    assert_eq!(
        tallies(store, true).await,
        ["DQ-DATE-INVALID open 1 1", "US-DUAL-SIGN open 3 42"]
    );
}

async fn sqlite(name: &str) -> (Store, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("auditor-{name}-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    (Store::connect(&Store::sqlite_url(&dir)).await.unwrap(), dir)
}

/// An empty PostgreSQL database, unmigrated, and the statement that drops it; `None` when no
/// server is configured (outside CI).
async fn postgres(name: &str) -> Option<(Store, Store, String)> {
    let Ok(server) = std::env::var("AUDITOR_TEST_POSTGRES") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "AUDITOR_TEST_POSTGRES must be set under CI"
        );
        println!("skipped: AUDITOR_TEST_POSTGRES is not set, PostgreSQL not tested");
        return None;
    };
    let name = format!("auditor_{name}_{}", std::process::id());
    let admin = Store::connect(&server).await.unwrap();
    let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    admin.db.execute_unprepared(&drop).await.unwrap();
    admin
        .db
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let url = format!("{}/{name}", server.rsplit_once('/').unwrap().0);
    Some((Store::connect(&url).await.unwrap(), admin, drop))
}

/// The SQLite store on one connection: the upgrade scenario changes the schema by hand, and a
/// pooled connection may not yet see a column another added or dropped.
async fn sqlite_one_connection(name: &str) -> (Store, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("auditor-{name}-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    let mut options = sea_orm::ConnectOptions::new(Store::sqlite_url(&dir));
    options.max_connections(1).sqlx_logging(false);
    let db = sea_orm::Database::connect(options).await.unwrap();
    (Store { db }, dir)
}

#[tokio::test]
async fn sqlite_upgrade_weighs_tallies() {
    let (store, dir) = sqlite_one_connection("tally-upgrade").await;
    upgrade_scenario(&store).await;
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn postgres_upgrade_weighs_tallies() {
    let Some((store, admin, drop)) = postgres("tally_upgrade").await else {
        return;
    };
    upgrade_scenario(&store).await;
    store.db.clone().close().await.ok();
    admin.db.execute_unprepared(&drop).await.unwrap();
}

#[tokio::test]
async fn sqlite_sweep_counts_weigh_summaries() {
    let (store, dir) = sqlite("tally-sweep").await;
    sweep_scenario(&store).await;
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn postgres_sweep_counts_weigh_summaries() {
    let Some((store, admin, drop)) = postgres("tally_sweep").await else {
        return;
    };
    sweep_scenario(&store).await;
    store.db.clone().close().await.ok();
    admin.db.execute_unprepared(&drop).await.unwrap();
}
