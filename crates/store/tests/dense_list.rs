//! A long findings list on SQLite is read in its sort order with a table hint; the pages must
//! be exactly those of a plain filter-then-sort, and stay within the viewer's region.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

use auditor_store::Store;
use auditor_store::access::{Role, Viewer};
use auditor_store::findings::{FindingFilter, FindingSort};
use sea_orm::ConnectionTrait;

const ROWS: u32 = 50_000;

#[tokio::test]
async fn dense_pages_equal_filtered_sorted_pages() {
    let dir = std::env::temp_dir().join(format!("auditor-dense-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::open(&Store::sqlite_url(&dir)).await.unwrap();
    for sql in [
        "INSERT INTO users (email, password_hash, role, region_code, disabled, created_at) VALUES ('a', 'x', 'admin', '', false, '2024-01-01T00:00:00Z')".to_owned(),
        "INSERT INTO uploads (sha256, file_name, size, mode, status, uploader_id, region_code, pack, as_of, rows_read, findings_count, created_at) VALUES ('x', 'x', 1, 'official', 'done', 1, '3709', 'national', '2024-01-01', 0, 0, '2024-01-01T00:00:00Z')".to_owned(),
        format!(
            "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {ROWS}) \
             INSERT INTO findings (lane, region_code, institution_id, first_upload_id, last_upload_id, rule, severity, severity_rank, dataset, file, sheet, row_no, cells, message, message_en, citation, fingerprint, status, created_at, updated_at) \
             SELECT 'official', CASE WHEN n % 2 = 0 THEN '370921' ELSE '370811' END, NULL, 1, 1, 'US-DUAL-SIGN', 'high', \
               (n * 7) % 4 + 1, 'us_exam', 'f', 's', n, '[]', 'm', 'm', 'c', 'fp' || n, 'open', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z' FROM seq"
        ),
    ] {
        store.db.execute_unprepared(&sql).await.unwrap();
    }
    let city = Viewer {
        user_id: 1,
        email: String::new(),
        role: Role::Inspector,
        region_code: "3709".into(),
        organisation_id: None,
    };
    // What the pages must be: the region's findings, sorted in Rust.
    let mut expected: Vec<(i32, i32)> = (1..=ROWS as i32)
        .filter(|n| n % 2 == 0)
        .map(|n| (n, (n * 7) % 4 + 1))
        .collect();
    for (sort, page) in [
        (FindingSort::Severity, 1),
        (FindingSort::Severity, 7),
        (FindingSort::Newest, 3),
        (FindingSort::Oldest, 2),
    ] {
        match sort {
            FindingSort::Severity => {
                expected.sort_by_key(|&(id, rank)| std::cmp::Reverse((rank, id)));
            }
            FindingSort::Newest => expected.sort_by_key(|&(id, _)| std::cmp::Reverse(id)),
            _ => expected.sort_by_key(|&(id, _)| id),
        }
        let (items, total) = store
            .list_findings(&city, &FindingFilter::default(), sort, page, 50)
            .await
            .unwrap();
        assert_eq!(total, u64::from(ROWS / 2));
        let got: Vec<(i32, i32)> = items.iter().map(|f| (f.id, f.severity_rank)).collect();
        let start = (page as usize - 1) * 50;
        assert_eq!(
            got,
            expected[start..start + 50].to_vec(),
            "{sort:?} page {page}"
        );
        assert!(items.iter().all(|f| f.region_code == "370921"));
    }
    std::fs::remove_dir_all(&dir).ok();
}
