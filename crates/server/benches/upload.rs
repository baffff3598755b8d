//! DESIGN.md §11 for the server: an upload through the API, stored and evaluated, against
//! `auditor check` on the same file (budget: within 2x, on SQLite); and `GET /findings` with
//! 1,000,000 findings stored (budget: p95 under 100 ms).
//!
//! ```sh
//! cargo build --release -p auditor-cli -p auditor-bench
//! target/release/auditor-bench --rows 1000000 --runs 1      # writes target/bench-data/
//! cargo bench -p auditor-server --bench upload -- \
//!     target/bench-data/us_exam-v1-1000000.xlsx target/release/auditor
//! ```
//!
//! `DATABASE_URL` (PostgreSQL) measures there instead of on SQLite.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark fails loudly"
)]

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use auditor_server::{AppState, Config, Engine, app, password};
use auditor_store::Store;
use auditor_store::access::Role;
use auditor_store::users::NewUser;
use sea_orm::ConnectionTrait;
use serde_json::Value;

const FINDINGS: u64 = 1_000_000;
const QUERIES: usize = 200;
const B: &str = "bench-boundary-5e2";

fn http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, Value) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_mins(10))).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        let _ = write!(req, "{k}: {v}\r\n");
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]);
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (
        status,
        serde_json::from_slice(&raw[split + 4..]).unwrap_or(Value::Null),
    )
}

fn check_seconds(auditor: &Path, file: &Path) -> f64 {
    let start = Instant::now();
    let status = Command::new(auditor)
        .args(["check", "--format", "json", "--as-of", "2024-12-31"])
        .arg(file)
        .env("AUDITOR_ID_KEY", "bench")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(
        status.code().is_some_and(|c| c <= 1),
        "check failed on {}",
        file.display()
    );
    start.elapsed().as_secs_f64()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    // `--list-only`: skip `auditor check` and time only the list (the ledger may be small).
    let list_only = args.iter().any(|a| a == "--list-only");
    let args: Vec<String> = args.into_iter().filter(|a| a != "--list-only").collect();
    let [file, auditor] = args.as_slice() else {
        eprintln!(
            "usage: cargo bench -p auditor-server --bench upload -- [--list-only] <LEDGER> <AUDITOR BINARY>"
        );
        std::process::exit(2);
    };
    let file = PathBuf::from(file);
    let auditor = PathBuf::from(auditor);
    let bytes = std::fs::read(&file).unwrap();
    let name = file.file_name().unwrap().to_string_lossy().into_owned();

    let check = if list_only {
        f64::NAN
    } else {
        check_seconds(&auditor, &file)
    };

    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = std::env::temp_dir().join(format!("auditor-bench-server-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| Store::sqlite_url(&dir));
    let backend = if url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let (addr, token, store) = rt.block_on(async {
        let store = Store::open(&url).await.unwrap();
        let hash = password::hash_password("bench-password").unwrap();
        let admin = store
            .add_user(&NewUser {
                email: "bench@localhost",
                password_hash: &hash,
                role: Role::Admin,
                region: None,
                institution_uscc: None,
                institution_name: None,
            })
            .await
            .unwrap();
        let token = password::random_secret().unwrap();
        store.add_token(admin.id, &token, "bench").await.unwrap();
        let engine = Engine::load(b"bench").unwrap();
        let config = Config {
            max_upload_bytes: 1 << 30,
            ..Config::default()
        };
        let state = AppState::new(store.clone(), engine, dir.clone(), config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        tokio::spawn(async move { axum::serve(listener, app(state)).await });
        (addr, token, store)
    });
    let bearer = format!("Bearer {token}");

    // The upload, from the first byte sent to the upload reported done.
    let mut body = format!("--{B}\r\nContent-Disposition: form-data; name=\"as_of\"\r\n\r\n2024-12-31\r\n--{B}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\r\n").into_bytes();
    body.extend_from_slice(&bytes);
    body.extend_from_slice(format!("\r\n--{B}--\r\n").as_bytes());
    let ctype = format!("multipart/form-data; boundary={B}");
    let start = Instant::now();
    let (status, created) = http(
        &addr,
        "POST",
        "/api/v1/uploads",
        &[("Authorization", &bearer), ("Content-Type", &ctype)],
        &body,
    );
    assert_eq!(status, 202, "{created}");
    let id = created["id"].as_i64().unwrap();
    let done = loop {
        let (_, u) = http(
            &addr,
            "GET",
            &format!("/api/v1/uploads/{id}"),
            &[("Authorization", &bearer)],
            b"",
        );
        if u["status"] == "done" || u["status"] == "failed" {
            break u;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let upload = start.elapsed().as_secs_f64();
    assert_eq!(done["status"], "done", "{done}");

    // Fill the findings table to a million cases, spread over institutions, rules, statuses.
    let fill = Instant::now();
    let have: u64 = rt.block_on(async {
        let (_, total) = store
            .list_findings(
                &auditor_store::Viewer {
                    user_id: 0,
                    email: String::new(),
                    role: Role::Admin,
                    region_code: String::new(),
                    organisation_id: None,
                },
                &auditor_store::findings::FindingFilter::default(),
                auditor_store::findings::FindingSort::Newest,
                1,
                1,
            )
            .await
            .unwrap();
        total
    });
    let extra = FINDINGS.saturating_sub(have);
    rt.block_on(async {
        let sql = format!(
            "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {extra}) \
             INSERT INTO findings (lane, region_code, institution_id, first_upload_id, last_upload_id, rule, severity, severity_rank, dataset, file, sheet, row_no, cells, message, message_en, citation, fingerprint, status, created_at, updated_at) \
             SELECT 'official', CASE WHEN n % 2 = 0 THEN '370921' ELSE '370811' END, NULL, {id}, {id}, \
               CASE n % 4 WHEN 0 THEN 'US-DUAL-SIGN' WHEN 1 THEN 'DRUG-RX-PRESENT' WHEN 2 THEN 'US-REALNAME' ELSE 'DQ-DATE-INVALID' END, \
               CASE n % 3 WHEN 0 THEN 'high' WHEN 1 THEN 'medium' ELSE 'critical' END, \
               CASE n % 3 WHEN 0 THEN 3 WHEN 1 THEN 2 ELSE 4 END, 'us_exam', 'bench.xlsx', 'Sheet1', n % 1000000, '[\"A1\"]', \
               'B超检查双人操作、双人签字：缺第二人签名', 'second signature missing', '《计生委两非整治工作方案》 三(三)2', \
               'fp' || n, CASE n % 5 WHEN 0 THEN 'resolved' WHEN 1 THEN 'acknowledged' ELSE 'open' END, \
               {now}, {now} FROM seq",
            now = if backend == "SQLite" { "datetime('now')" } else { "now()" },
        );
        store.db.execute_unprepared(&sql).await.unwrap();
        store.db.execute_unprepared(if backend == "SQLite" { "ANALYZE" } else { "ANALYZE findings" }).await.unwrap();
    });
    let fill = fill.elapsed().as_secs_f64();

    // A region's inspector pages through and filters the list, as the web app will.
    rt.block_on(async {
        store
            .add_user(&NewUser {
                email: "city@localhost",
                password_hash: "x",
                role: Role::Inspector,
                region: Some("3709"),
                institution_uscc: None,
                institution_name: None,
            })
            .await
            .unwrap();
    });
    let city = rt
        .block_on(store.user_by_email("city@localhost"))
        .unwrap()
        .unwrap();
    let city_token = password::random_secret().unwrap();
    rt.block_on(store.add_token(city.id, &city_token, "bench"))
        .unwrap();
    let queries = [
        "",
        "status=open",
        "rule=US-DUAL-SIGN&severity=high",
        "min_severity=critical&sort=newest",
        "page=200&per_page=50",
        "status=acknowledged&sort=rule",
    ];
    let mut times = Vec::with_capacity(QUERIES);
    let mut totals = Vec::new();
    // The slowest request of each shape, for the admin and for the city inspector.
    let mut slowest = vec![[0.0_f64; 2]; queries.len()];
    let city_bearer = format!("Bearer {city_token}");
    for i in 0..QUERIES {
        let shape = (i / 2) % queries.len();
        let q = queries[shape];
        let who = if i % 2 == 0 { &bearer } else { &city_bearer };
        let t = Instant::now();
        let (status, page) = http(
            &addr,
            "GET",
            &format!("/api/v1/findings?{q}"),
            &[("Authorization", who)],
            b"",
        );
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        times.push(ms);
        slowest[shape][i % 2] = slowest[shape][i % 2].max(ms);
        assert_eq!(status, 200, "{page}");
        if i < 2 * queries.len() {
            totals.push(format!(
                "{q:?} {}: {}",
                if i % 2 == 0 { "admin" } else { "city" },
                page["total"]
            ));
        }
    }
    times.sort_by(f64::total_cmp);

    println!(
        "server benchmark on {backend}, file {} ({:.1} MB, {} rows read, {} findings)",
        file.display(),
        bytes.len() as f64 / 1e6,
        done["rows_read"],
        done["findings"]
    );
    if !list_only {
        println!("  auditor check:                   {check:8.2} s");
        println!(
            "  upload, stored and evaluated:    {upload:8.2} s   ratio {:.2}x   budget ≤2x {}",
            upload / check,
            if upload / check <= 2.0 { "OK" } else { "OVER" }
        );
    }
    println!("  findings table filled to {FINDINGS} in {fill:.1} s");
    println!(
        "  GET /findings over {QUERIES} requests: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms   budget p95 <100 ms {}",
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        times[times.len() - 1],
        if percentile(&times, 0.95) < 100.0 {
            "OK"
        } else {
            "OVER"
        }
    );
    println!("  totals: {}", totals.join(", "));
    for (q, [admin, city]) in queries.iter().zip(&slowest) {
        println!("  slowest {q:?}: admin {admin:.1} ms, city {city:.1} ms");
    }
    std::fs::remove_dir_all(&dir).ok();
}
