//! The test harness: a real store (SQLite in a temporary directory, or a PostgreSQL database
//! made for this test and dropped after it), the real router, and requests sent through it.
//!
//! PostgreSQL runs when `AUDITOR_TEST_POSTGRES` names a server to make databases on (for
//! example `postgres://postgres@127.0.0.1:5432/postgres`); under `CI` it must be set.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use auditor_server::{AppState, Config, Engine, app, password::hash_password};
use auditor_store::Store;
use auditor_store::access::Role;
use auditor_store::users::NewUser;
use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use sea_orm::{ConnectionTrait, Database};
use serde_json::Value;
use tower::ServiceExt;

pub const PG_ENV: &str = "AUDITOR_TEST_POSTGRES";
pub const PASSWORD: &str = "correct-horse-battery";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Declares a scenario `async fn NAME(backend: Backend)` as two tests, `NAME::sqlite` and
/// `NAME::postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::common::Backend::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::common::Backend::Postgres).await;
            }
        }
    )*};
}

pub struct Ctx {
    pub app: Router,
    pub state: AppState,
    pub dir: PathBuf,
    /// The database URL, for a second process (a replica) on the same database.
    pub url: String,
    /// (server URL, database name) of a PostgreSQL database to drop at the end.
    pg: Option<(String, String)>,
}

#[derive(Clone, Debug)]
pub enum Auth {
    None,
    Bearer(String),
    Session {
        cookie: String,
        csrf: String,
    },
    /// A session cookie sent without its CSRF token.
    CookieOnly(String),
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique(prefix: &str) -> String {
    let mut r = [0u8; 4];
    getrandom::fill(&mut r).unwrap();
    format!(
        "{prefix}_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        hex::encode(r)
    )
}

impl Ctx {
    /// A fresh store and router, or `None` when PostgreSQL is asked for but not configured
    /// outside CI.
    pub async fn new(backend: Backend) -> Option<Self> {
        Self::with_config(backend, Config::default()).await
    }

    pub async fn with_config(backend: Backend, config: Config) -> Option<Self> {
        Self::with_clock(backend, config, auditor_store::clock::system()).await
    }

    /// A context whose sweeps and schedules read time from `clock`.
    pub async fn with_clock(
        backend: Backend,
        config: Config,
        clock: auditor_store::clock::SharedClock,
    ) -> Option<Self> {
        let dir = std::env::temp_dir().join(unique("auditor-test"));
        std::fs::create_dir_all(&dir).unwrap();
        let (url, pg) = match backend {
            Backend::Sqlite => (Store::sqlite_url(&dir), None),
            Backend::Postgres => {
                let Ok(server) = std::env::var(PG_ENV) else {
                    assert!(
                        std::env::var_os("CI").is_none(),
                        "{PG_ENV} must name a PostgreSQL server under CI"
                    );
                    eprintln!("{PG_ENV} is not set: the PostgreSQL variant is not run");
                    return None;
                };
                let name = unique("auditor_test");
                let admin = Database::connect(&server).await.unwrap();
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .unwrap();
                admin.close().await.unwrap();
                let base = server.rsplit_once('/').map_or(server.as_str(), |(b, _)| b);
                (format!("{base}/{name}"), Some((server.clone(), name)))
            }
        };
        let store = Store::open(&url).await.unwrap();
        let engine = Engine::load(b"test key").unwrap();
        let state = AppState::with_clock(store, engine, dir.clone(), config, clock);
        Some(Self {
            app: app(state.clone()),
            state,
            dir,
            url,
            pg,
        })
    }

    pub fn store(&self) -> &Store {
        self.state.store()
    }

    /// Drops the PostgreSQL database and the temporary directory.
    pub async fn finish(self) {
        let Self {
            state,
            pg,
            dir,
            app,
            ..
        } = self;
        drop(app);
        state.store().db.clone().close().await.ok();
        drop(state);
        if let Some((server, name)) = pg {
            let admin = Database::connect(&server).await.unwrap();
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await
                .unwrap();
            admin.close().await.ok();
        }
        std::fs::remove_dir_all(dir).ok();
    }

    pub async fn add_user(
        &self,
        email: &str,
        role: Role,
        region: Option<&str>,
        uscc: Option<&str>,
    ) {
        let hash = hash_password(PASSWORD).unwrap();
        self.store()
            .add_user(&NewUser {
                email,
                password_hash: &hash,
                role,
                region,
                institution_uscc: uscc,
                institution_name: uscc
                    .map(|u| format!("机构{}", &u[u.len() - 2..]))
                    .as_deref(),
            })
            .await
            .unwrap();
    }

    /// Signs in through the API and returns the session.
    pub async fn login(&self, email: &str) -> Auth {
        let (status, body, headers) = self
            .send(
                Method::POST,
                "/api/v1/auth/login",
                &Auth::None,
                Some((
                    "application/json",
                    serde_json::json!({"email": email, "password": PASSWORD})
                        .to_string()
                        .into_bytes(),
                )),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let cookie = headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| c.strip_prefix("auditor_session="))
            .and_then(|c| c.split(';').next())
            .unwrap()
            .to_owned();
        Auth::Session {
            cookie,
            csrf: body["csrf_token"].as_str().unwrap().to_owned(),
        }
    }

    /// A user of this role, signed in.
    pub async fn user(
        &self,
        email: &str,
        role: Role,
        region: Option<&str>,
        uscc: Option<&str>,
    ) -> Auth {
        self.add_user(email, role, region, uscc).await;
        self.login(email).await
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        auth: &Auth,
        body: Option<(&str, Vec<u8>)>,
    ) -> (StatusCode, Value, axum::http::HeaderMap) {
        let mut req = Request::builder().method(method).uri(path);
        match auth {
            Auth::None => {}
            Auth::Bearer(t) => req = req.header(header::AUTHORIZATION, format!("Bearer {t}")),
            Auth::Session { cookie, csrf } => {
                req = req
                    .header(header::COOKIE, format!("auditor_session={cookie}"))
                    .header("x-csrf-token", csrf);
            }
            Auth::CookieOnly(cookie) => {
                req = req.header(header::COOKIE, format!("auditor_session={cookie}"));
            }
        }
        let req = match body {
            Some((ctype, bytes)) => req
                .header(header::CONTENT_TYPE, ctype)
                .body(Body::from(bytes)),
            None => req.body(Body::empty()),
        }
        .unwrap();
        let resp = self.app.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .unwrap();
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        (status, value, headers)
    }

    pub async fn get(&self, path: &str, auth: &Auth) -> (StatusCode, Value) {
        let (s, v, _) = self.send(Method::GET, path, auth, None).await;
        (s, v)
    }

    /// `POST /api/v1/sweeps` as `auth`: the run is accepted (202, its Location named) and runs
    /// in the background; returns it once `GET` on its Location says it is no longer running.
    pub async fn sweep(&self, auth: &Auth) -> Value {
        let (status, run, headers) = self
            .send(
                Method::POST,
                "/api/v1/sweeps",
                auth,
                Some(("application/json", b"{}".to_vec())),
            )
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{run}");
        assert_eq!(run["status"], "running", "{run}");
        let location = headers[header::LOCATION].to_str().unwrap().to_owned();
        assert_eq!(location, format!("/api/v1/sweeps/{}", run["id"]));
        for _ in 0..3000 {
            let (status, now) = self.get(&location, auth).await;
            assert_eq!(status, StatusCode::OK, "{now}");
            if now["status"] != "running" {
                return now;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("sweep {location} still running after 30 s");
    }

    pub async fn post(&self, path: &str, auth: &Auth, json: &Value) -> (StatusCode, Value) {
        let (s, v, _) = self
            .send(
                Method::POST,
                path,
                auth,
                Some(("application/json", json.to_string().into_bytes())),
            )
            .await;
        (s, v)
    }

    /// `POST path` as multipart: each file as a `file` part, then the text fields.
    pub async fn upload_to(
        &self,
        path: &str,
        auth: &Auth,
        files: &[(&str, &[u8])],
        fields: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        const B: &str = "auditor-test-boundary-7d1c";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--{B}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        for (name, bytes) in files {
            body.extend_from_slice(
                format!("--{B}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{B}--\r\n").as_bytes());
        let ctype = format!("multipart/form-data; boundary={B}");
        let (s, v, _) = self
            .send(Method::POST, path, auth, Some((&ctype, body)))
            .await;
        (s, v)
    }

    pub async fn upload(
        &self,
        auth: &Auth,
        files: &[(&str, &[u8])],
        fields: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        self.upload_to("/api/v1/uploads", auth, files, fields).await
    }

    /// Polls an upload until it is done or failed.
    pub async fn wait(&self, auth: &Auth, id: i64) -> Value {
        for _ in 0..600 {
            let (status, body) = self.get(&format!("/api/v1/uploads/{id}"), auth).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            if body["status"] == "done" || body["status"] == "failed" {
                return body;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("upload {id} did not finish");
    }

    /// Uploads one file and waits for it; returns the finished upload.
    pub async fn upload_done(
        &self,
        auth: &Auth,
        name: &str,
        bytes: &[u8],
        fields: &[(&str, &str)],
    ) -> Value {
        let (status, body) = self.upload(auth, &[(name, bytes)], fields).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        self.wait(auth, body["id"].as_i64().unwrap()).await
    }

    /// The findings list at `query`, as (rule, row, status) triples.
    pub async fn findings(&self, auth: &Auth, query: &str) -> Vec<(String, i64, String)> {
        let (status, body) = self
            .get(
                &format!("/api/v1/findings?per_page=500&sort=oldest&{query}"),
                auth,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_owned(),
                    f["row"].as_i64().unwrap_or(0),
                    f["status"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }
}

pub fn fixture(path: &str) -> Vec<u8> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::fs::read(root.join(path)).unwrap()
}

/// An ultrasound exam register whose rows are given as (exam no, operator, second signer).
/// Every other column is well formed, so only US-DUAL-SIGN can fire, on the rows named.
pub fn exam_register(rows: &[(&str, &str, &str)]) -> Vec<u8> {
    let mut s = String::from("检查日期,检查号,姓名,身份证号,年龄,孕周,检查项目,操作医师,第二人\n");
    for (no, op1, op2) in rows {
        let _ = writeln!(
            s,
            "2024-03-01 08:30,{no},王丽,370921199603140025,27,16周,产科B超,{op1},{op2}"
        );
    }
    s.into_bytes()
}
