//! A long findings list is planned from the finding tallies and read part by part, with table
//! hints on SQLite; its pages must be exactly those of a plain filter-then-sort, its totals
//! exact, and it must stay within the viewer's region. The tallies must equal a `GROUP BY`
//! over the findings after inserts, status changes and deletes, in rows and in weight (some
//! findings are rules' summaries of N unlisted ones: they page as one row and count as N).
//! Runs on SQLite, and on PostgreSQL when `AUDITOR_TEST_POSTGRES` names a server (required
//! under CI).

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use auditor_model::Severity;
use auditor_store::Store;
use auditor_store::access::{Role, Viewer};
use auditor_store::findings::{FindingFilter, FindingSort};
use sea_orm::{ConnectionTrait, DbBackend, Statement};

const ROWS: i32 = 30_000;
const RULES: [&str; 4] = [
    "US-DUAL-SIGN",
    "DRUG-RX-PRESENT",
    "US-REALNAME",
    "DQ-DATE-INVALID",
];
const STATUSES: [&str; 5] = ["resolved", "acknowledged", "open", "open", "remediating"];

/// One synthetic finding: odd ids in 3708, even ones in 3709; rules cluster by region as they
/// do in life (the first rules in id order have nothing in 3709).
#[derive(Clone, Debug, PartialEq)]
struct Row {
    id: i32,
    region: &'static str,
    rule: &'static str,
    rank: i32,
    status: &'static str,
    unlisted: i32,
}

fn row(n: i32) -> Row {
    Row {
        id: n,
        region: if n % 2 == 0 { "370921" } else { "370811" },
        rule: RULES[(n % 4) as usize],
        rank: (n * 7) % 4 + 1,
        status: STATUSES[(n % 5) as usize],
        unlisted: if n % 97 == 0 { n % 50 + 2 } else { 0 },
    }
}

fn fill_sql() -> String {
    format!(
        "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {ROWS}) \
         INSERT INTO findings (lane, region_code, institution_id, first_upload_id, last_upload_id, rule, severity, severity_rank, dataset, file, sheet, row_no, cells, message, message_en, citation, fingerprint, unlisted, status, created_at, updated_at) \
         SELECT 'official', CASE WHEN n % 2 = 0 THEN '370921' ELSE '370811' END, NULL, 1, 1, \
           CASE n % 4 WHEN 0 THEN 'US-DUAL-SIGN' WHEN 1 THEN 'DRUG-RX-PRESENT' WHEN 2 THEN 'US-REALNAME' ELSE 'DQ-DATE-INVALID' END, \
           'high', (n * 7) % 4 + 1, 'us_exam', 'f', 's', n, '[]', 'm', 'm', 'c', 'fp' || n, \
           CASE WHEN n % 97 = 0 THEN n % 50 + 2 ELSE 0 END, \
           CASE n % 5 WHEN 0 THEN 'resolved' WHEN 1 THEN 'acknowledged' WHEN 4 THEN 'remediating' ELSE 'open' END, \
           '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z' FROM seq"
    )
}

async fn scenario(store: &Store) {
    for sql in [
        "INSERT INTO users (email, password_hash, role, region_code, disabled, created_at) VALUES ('a', 'x', 'admin', '', false, '2024-01-01T00:00:00Z')".to_owned(),
        "INSERT INTO uploads (sha256, file_name, size, mode, status, uploader_id, region_code, pack, as_of, rows_read, findings_count, created_at) VALUES ('x', 'x', 1, 'official', 'done', 1, '3709', 'national', '2024-01-01', 0, 0, '2024-01-01T00:00:00Z')".to_owned(),
        fill_sql(),
    ] {
        store.db.execute_unprepared(&sql).await.unwrap();
    }
    let mut rows: Vec<Row> = (1..=ROWS).map(row).collect();
    check_tallies(store).await;

    let city = Viewer {
        user_id: 1,
        email: String::new(),
        role: Role::Inspector,
        region_code: "3709".into(),
        organisation_id: None,
    };
    let admin = Viewer {
        role: Role::Admin,
        region_code: String::new(),
        ..city.clone()
    };
    let filters: [(&str, FindingFilter); 4] = [
        ("none", FindingFilter::default()),
        (
            "acknowledged",
            FindingFilter {
                status: Some("acknowledged".into()),
                ..FindingFilter::default()
            },
        ),
        (
            "US-REALNAME, at least high",
            FindingFilter {
                rule: Some("US-REALNAME".into()),
                min_severity: Some(Severity::High),
                ..FindingFilter::default()
            },
        ),
        (
            "critical",
            FindingFilter {
                severity: Some(Severity::Critical),
                ..FindingFilter::default()
            },
        ),
    ];
    let wanted = |viewer: &Viewer, name: &str, r: &Row| {
        (viewer.role == Role::Admin || r.region == "370921")
            && match name {
                "acknowledged" => r.status == "acknowledged",
                "US-REALNAME, at least high" => r.rule == "US-REALNAME" && r.rank >= 3,
                "critical" => r.rank == 4,
                _ => true,
            }
    };
    for round in 0..2 {
        for viewer in [&city, &admin] {
            for (name, filter) in &filters {
                for sort in [
                    FindingSort::Severity,
                    FindingSort::Rule,
                    FindingSort::Newest,
                    FindingSort::Oldest,
                ] {
                    let mut expected: Vec<&Row> =
                        rows.iter().filter(|r| wanted(viewer, name, r)).collect();
                    match sort {
                        FindingSort::Severity => {
                            expected.sort_by_key(|r| std::cmp::Reverse((r.rank, r.id)));
                        }
                        FindingSort::Rule => expected.sort_by_key(|r| (r.rule, r.id)),
                        FindingSort::Newest => expected.sort_by_key(|r| std::cmp::Reverse(r.id)),
                        FindingSort::Oldest => expected.sort_by_key(|r| r.id),
                    }
                    // The first page, a deep one, and one that straddles two parts.
                    let straddle = expected
                        .windows(2)
                        .position(|w| match sort {
                            FindingSort::Severity => w[0].rank != w[1].rank,
                            FindingSort::Rule => w[0].rule != w[1].rule,
                            _ => false,
                        })
                        .map_or(3, |i| i as u64 / 50 + 1);
                    for page in [1, 7, straddle] {
                        let (items, total) = store
                            .list_findings(viewer, filter, sort, page, 50)
                            .await
                            .unwrap();
                        assert_eq!(total, expected.len() as u64, "{name} {sort:?} total");
                        let start = ((page - 1) * 50) as usize;
                        let want: Vec<i32> =
                            expected.iter().skip(start).take(50).map(|r| r.id).collect();
                        let got: Vec<i32> = items.iter().map(|f| f.id).collect();
                        assert_eq!(
                            got, want,
                            "round {round}, {:?}, {name}, {sort:?}, page {page}",
                            viewer.role
                        );
                    }
                }
            }
        }
        // Move a slice of cases and delete another; the tallies must follow.
        store
            .db
            .execute_unprepared(
                "UPDATE findings SET status = 'acknowledged' WHERE id % 7 = 0 AND status = 'open'",
            )
            .await
            .unwrap();
        store
            .db
            .execute_unprepared("DELETE FROM findings WHERE id % 11 = 0")
            .await
            .unwrap();
        rows.retain(|r| r.id % 11 != 0);
        for r in &mut rows {
            if r.id % 7 == 0 && r.status == "open" {
                r.status = "acknowledged";
            }
        }
        check_tallies(store).await;
    }
    // Counts by status weigh each summary as the findings it stands for.
    let counts = store.finding_counts(&city).await.unwrap();
    let acknowledged: u64 = rows
        .iter()
        .filter(|r| r.region == "370921" && r.status == "acknowledged")
        .map(|r| r.unlisted.max(1) as u64)
        .sum();
    let acknowledged_rows = rows
        .iter()
        .filter(|r| r.region == "370921" && r.status == "acknowledged")
        .count() as u64;
    assert!(acknowledged > acknowledged_rows, "summaries among them");
    assert!(counts.contains(&("acknowledged".to_owned(), acknowledged)));
}

/// The tallies equal a `GROUP BY` over the findings (zero tallies aside).
async fn check_tallies(store: &Store) {
    let backend = store.backend();
    let read = |sql: &str| {
        let stmt = Statement::from_string(backend, sql.to_owned());
        async move {
            let mut out: Vec<String> = store
                .db
                .query_all_raw(stmt)
                .await
                .unwrap()
                .into_iter()
                .map(|r| {
                    let n: i64 = r.try_get("", "n").unwrap();
                    let weight: i64 = r.try_get("", "weight").unwrap();
                    format!(
                        "{} {} {} {} {} {n} {weight}",
                        r.try_get::<String>("", "lane").unwrap(),
                        r.try_get::<String>("", "region_code").unwrap(),
                        r.try_get::<String>("", "status").unwrap(),
                        r.try_get::<String>("", "rule").unwrap(),
                        r.try_get::<i32>("", "severity_rank").unwrap(),
                    )
                })
                .collect();
            out.sort();
            out
        }
    };
    let tallies = read(
        "SELECT lane, region_code, status, rule, severity_rank, n, weight FROM finding_tallies \
         WHERE n <> 0",
    )
    .await;
    let counted = read(
        "SELECT lane, region_code, status, rule, severity_rank, CAST(COUNT(*) AS BIGINT) AS n, \
         CAST(SUM(CASE WHEN unlisted > 0 THEN unlisted ELSE 1 END) AS BIGINT) AS weight \
         FROM findings GROUP BY lane, region_code, status, rule, severity_rank",
    )
    .await;
    assert!(!counted.is_empty());
    assert_eq!(tallies, counted);
}

#[tokio::test]
async fn sqlite_pages_and_tallies() {
    let dir = std::env::temp_dir().join(format!("auditor-dense-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::open(&Store::sqlite_url(&dir)).await.unwrap();
    assert_eq!(store.backend(), DbBackend::Sqlite);
    scenario(&store).await;
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn postgres_pages_and_tallies() {
    let Ok(server) = std::env::var("AUDITOR_TEST_POSTGRES") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "AUDITOR_TEST_POSTGRES must be set under CI"
        );
        println!("skipped: AUDITOR_TEST_POSTGRES is not set, PostgreSQL not tested");
        return;
    };
    let name = format!("auditor_dense_{}", std::process::id());
    let admin = Store::connect(&server).await.unwrap();
    admin
        .db
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .unwrap();
    admin
        .db
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let url = format!("{}/{name}", server.rsplit_once('/').unwrap().0);
    let store = Store::open(&url).await.unwrap();
    scenario(&store).await;
    store.db.clone().close().await.ok();
    admin
        .db
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .unwrap();
}
