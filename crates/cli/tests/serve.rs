//! `auditor serve` as a newcomer meets it: start it on an empty data directory, sign in with
//! the printed password through the API, upload a ledger and list its findings; then add a
//! user and a token with the CLI. On SQLite, and on PostgreSQL through `DATABASE_URL` when
//! `AUDITOR_TEST_POSTGRES` names a server (required under CI).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::zombie_processes,
    reason = "test helpers fail loudly; the server child is waited for in Drop"
)]

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_auditor");

/// The server process, stopped when the test ends however it ends.
struct Server {
    child: Child,
    addr: String,
    /// What it printed before listening.
    banner: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(data_dir: &Path, database_url: Option<&str>) -> Server {
    let mut cmd = Command::new(BIN);
    cmd.args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .env_remove("AUDITOR_ID_KEY")
        .env_remove("DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if let Some(url) = database_url {
        cmd.env("DATABASE_URL", url);
    }
    let mut child = cmd.spawn().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut banner = String::new();
    loop {
        let mut line = String::new();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "serve exited: {banner}"
        );
        if let Some(addr) = line
            .trim()
            .strip_prefix("auditor 正在监听 / listening on http://")
        {
            // Keep draining stdout so the server never blocks on a full pipe.
            std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
            return Server {
                child,
                addr: addr.to_owned(),
                banner,
            };
        }
        banner.push_str(&line);
    }
}

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Value,
}

/// One HTTP/1.1 request over a fresh connection, read to its end.
fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Response {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
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
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut rest = raw[split + 4..].to_vec();
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    if headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"))
    {
        rest = dechunk(&rest);
    }
    let body = serde_json::from_slice(&rest).unwrap_or(Value::Null);
    Response {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..end]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 4 + size..];
    }
}

fn multipart(file_name: &str, bytes: &[u8], fields: &[(&str, &str)]) -> (String, Vec<u8>) {
    const B: &str = "cli-serve-boundary-31f";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{B}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{B}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\r\n").as_bytes());
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{B}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={B}"), body)
}

fn newcomer(data_dir: &Path, database_url: Option<&str>) {
    let server = start(data_dir, database_url);
    let password = server
        .banner
        .lines()
        .find_map(|l| l.strip_prefix("首次启动：管理员 admin@localhost 的密码是 "))
        .and_then(|l| l.split('（').next())
        .unwrap_or_else(|| panic!("no password in: {}", server.banner))
        .to_owned();
    let addr = server.addr.clone();

    let login = format!(r#"{{"email":"admin@localhost","password":"{password}"}}"#);
    let r = http(
        &addr,
        "POST",
        "/api/v1/auth/login",
        &[("Content-Type", "application/json")],
        login.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let cookie = r
        .headers
        .iter()
        .find_map(|(k, v)| {
            (k == "set-cookie" && v.starts_with("auditor_session="))
                .then(|| v.split(';').next().unwrap().to_owned())
        })
        .unwrap();
    let csrf = r.body["csrf_token"].as_str().unwrap().to_owned();

    let ledger = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/demo/us_exam_title_rows.xlsx"),
    )
    .unwrap();
    let (ctype, body) = multipart(
        "us_exam_title_rows.xlsx",
        &ledger,
        &[("as_of", "2024-06-30")],
    );
    let auth = [
        ("Cookie", cookie.as_str()),
        ("X-CSRF-Token", csrf.as_str()),
        ("Content-Type", ctype.as_str()),
    ];
    let r = http(&addr, "POST", "/api/v1/uploads", &auth, &body);
    assert_eq!(r.status, 202, "{}", r.body);
    let id = r.body["id"].as_i64().unwrap();

    let deadline = Instant::now() + Duration::from_mins(1);
    let upload = loop {
        let r = http(
            &addr,
            "GET",
            &format!("/api/v1/uploads/{id}"),
            &auth[..1],
            b"",
        );
        if r.body["status"] == "done" || r.body["status"] == "failed" {
            break r.body;
        }
        assert!(
            Instant::now() < deadline,
            "upload never finished: {}",
            r.body
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(upload["status"], "done", "{upload}");
    let r = http(
        &addr,
        "GET",
        &format!("/api/v1/findings?upload={id}"),
        &auth[..1],
        b"",
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.body["total"], 1);
    assert_eq!(r.body["items"][0]["rule"], "US-DUAL-SIGN");
    assert_eq!(r.body["items"][0]["row"], 5);
    drop(server);

    // The CLI adds an inspector (password from stdin) and a token for them.
    let mut add = Command::new(BIN);
    add.args([
        "users",
        "add",
        "--email",
        "Li@Example.cn",
        "--role",
        "inspector",
        "--region",
        "3709",
        "--data-dir",
    ])
    .arg(data_dir)
    .env_remove("DATABASE_URL")
    .stdin(Stdio::piped())
    .stdout(Stdio::piped());
    if let Some(url) = database_url {
        add.env("DATABASE_URL", url);
    }
    let mut child = add.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"s3cret-enough\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("s3cret"),
        "a typed password is never echoed"
    );
    let mut tok = Command::new(BIN);
    tok.args(["tokens", "create", "--email", "li@example.cn", "--data-dir"])
        .arg(data_dir)
        .env_remove("DATABASE_URL");
    if let Some(url) = database_url {
        tok.env("DATABASE_URL", url);
    }
    let out = tok.output().unwrap();
    assert!(out.status.success());
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert_eq!(token.len(), 64);

    // A second start on the same data prints no new password, and the token works.
    let server = start(data_dir, database_url);
    assert!(!server.banner.contains("密码"), "{}", server.banner);
    let bearer = format!("Bearer {token}");
    let r = http(
        &server.addr,
        "GET",
        "/api/v1/me",
        &[("Authorization", bearer.as_str())],
        b"",
    );
    assert_eq!(
        (r.status, r.body["role"].as_str()),
        (200, Some("inspector"))
    );
    // The inspector of 3709 does not see the admin's region-less upload.
    let r = http(
        &server.addr,
        "GET",
        &format!("/api/v1/uploads/{id}"),
        &[("Authorization", bearer.as_str())],
        b"",
    );
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (404, Some("not_found"))
    );
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("auditor-serve-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn a_newcomer_serves_signs_in_uploads_and_lists_findings_on_sqlite() {
    let dir = temp_dir("sqlite");
    newcomer(&dir, None);
    assert!(dir.join("auditor.db").exists());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_newcomer_serves_signs_in_uploads_and_lists_findings_on_postgres() {
    let Ok(server) = std::env::var("AUDITOR_TEST_POSTGRES") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "AUDITOR_TEST_POSTGRES must be set under CI"
        );
        return;
    };
    let name = format!("auditor_serve_{}", std::process::id());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let admin = |sql: String| {
        rt.block_on(async {
            let store = auditor_store::Store::connect(&server).await.unwrap();
            store.execute(&sql).await.unwrap();
            store.db.close().await.unwrap();
        });
    };
    admin(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    admin(format!("CREATE DATABASE {name}"));
    let base = server.rsplit_once('/').unwrap().0;
    let dir = temp_dir("postgres");
    newcomer(&dir, Some(&format!("{base}/{name}")));
    assert!(
        !dir.join("auditor.db").exists(),
        "DATABASE_URL must be used instead of SQLite"
    );
    admin(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    std::fs::remove_dir_all(&dir).ok();
}
