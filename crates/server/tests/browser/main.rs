//! The web app in a real headless Chromium, driven over `WebDriver` (`chromedriver`): sign in,
//! upload a fixture, see its findings, acknowledge one with a note, switch language; and, as
//! an institution, fail to open another institution's finding by its URL. Screenshots of the
//! dashboard, the upload report and the finding page go to `<target>/tmp/screenshots/`.
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (Debian `chromium`,
//! `chromium-driver`; `AUDITOR_CHROMIUM` / `AUDITOR_CHROMEDRIVER` point elsewhere). Without
//! them the test prints "skipped: …" and passes, except under `CI`, where it fails.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use auditor_server::password::hash_password;
use auditor_server::{AppState, Config, Engine, app};
use auditor_store::Store;
use auditor_store::access::Role;
use auditor_store::users::NewUser;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

const PASSWORD: &str = "correct-horse-battery";
const HOSPITAL_A: &str = "123709214950000011";
const HOSPITAL_B: &str = "123709214950000022";

/// The browser and its driver, or why the test cannot run.
fn tools() -> Result<(PathBuf, PathBuf), String> {
    let pick = |var: &str, default: &str| {
        std::env::var_os(var).map_or_else(|| PathBuf::from(default), PathBuf::from)
    };
    let chromium = pick("AUDITOR_CHROMIUM", "/usr/bin/chromium");
    let driver = pick("AUDITOR_CHROMEDRIVER", "/usr/bin/chromedriver");
    for p in [&chromium, &driver] {
        if !p.exists() {
            return Err(format!(
                "{} is missing (apt-get install chromium chromium-driver)",
                p.display()
            ));
        }
    }
    Ok((chromium, driver))
}

/// A chromedriver on a free port, killed when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start_driver(path: &Path) -> Driver {
    let port = free_port();
    let child = Command::new(path)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let driver = Driver { child, port };
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return driver;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not listen on port {port}");
}

async fn browser(driver: &Driver, chromium: &Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--window-size=1280,1400",
                "--lang=zh-CN",
            ],
        }),
    );
    ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .unwrap()
}

/// The server on a TCP port of its own, over a fresh SQLite store with three users.
async fn start_server(dir: &Path) -> String {
    let store = Store::open(&Store::sqlite_url(dir)).await.unwrap();
    let hash = hash_password(PASSWORD).unwrap();
    for (email, role, region, uscc) in [
        ("i@example.cn", Role::Inspector, Some("3709"), None),
        ("a@hospital.cn", Role::Institution, None, Some(HOSPITAL_A)),
        ("b@hospital.cn", Role::Institution, None, Some(HOSPITAL_B)),
    ] {
        store
            .add_user(&NewUser {
                email,
                password_hash: &hash,
                role,
                region,
                institution_uscc: uscc,
                institution_name: uscc.map(|_| "青山县妇幼保健院"),
            })
            .await
            .unwrap();
    }
    let engine = Engine::load(b"browser test key").unwrap();
    let config = Config {
        secure_cookies: false,
        ..Config::default()
    };
    let state = AppState::new(store, engine, dir.to_path_buf(), config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app(state).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    format!("http://{addr}")
}

fn screenshots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    let path = screenshots().join(name);
    std::fs::write(&path, png).unwrap();
    eprintln!("screenshot: {}", path.display());
}

/// Scrolls the element with `id` into view, then takes the screenshot `name`.
async fn shot_at(c: &Client, id: &str, name: &str) {
    c.execute(
        "document.getElementById(arguments[0]).scrollIntoView();",
        vec![serde_json::Value::from(id)],
    )
    .await
    .unwrap();
    shot(c, name).await;
}

async fn text(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn wait_for(c: &Client, css: &str) {
    c.wait()
        .at_most(Duration::from_mins(1))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} did not appear: {e}"));
}

/// Signs in on the sign-in page (going there unless already on it) and waits for the page the
/// form leads to.
async fn sign_in(c: &Client, base: &str, email: &str) {
    if c.current_url().await.unwrap().path() != "/login" {
        c.goto(&format!("{base}/login")).await.unwrap();
    }
    c.find(Locator::Id("email"))
        .await
        .unwrap()
        .send_keys(email)
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    c.find(Locator::Id("login-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(c, "form[action='/logout']").await;
}

async fn sign_out(c: &Client) {
    c.find(Locator::Css("form[action='/logout'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(c, "#login-submit").await;
}

/// Uploads `file` from the upload page and waits for its report; returns the upload's URL.
async fn upload(c: &Client, base: &str, file: &Path) -> String {
    upload_for(c, base, file, None).await
}

/// Uploads `file` through the page; a regulator may name the institution it belongs to.
async fn upload_for(c: &Client, base: &str, file: &Path, institution: Option<&str>) -> String {
    c.goto(&format!("{base}/uploads")).await.unwrap();
    if let Some(uscc) = institution {
        c.execute(
            "document.getElementById('institution').value = arguments[0];",
            vec![serde_json::Value::from(uscc)],
        )
        .await
        .unwrap();
    }
    c.find(Locator::Id("file"))
        .await
        .unwrap()
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    c.execute(
        "document.getElementById('as_of').value = '2024-06-30';",
        vec![],
    )
    .await
    .unwrap();
    c.find(Locator::Id("upload-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(c, "#upload-state[data-status='done']").await;
    c.current_url().await.unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_web_app_in_chromium() {
    let (chromium, driver_path) = match tools() {
        Ok(t) => t,
        Err(why) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "the browser tests must run under CI: {why}"
            );
            eprintln!("skipped: the browser tests need Chromium: {why}");
            return;
        }
    };
    let dir = std::env::temp_dir().join(format!("auditor-browser-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let base = start_server(&dir).await;
    let driver = start_driver(&driver_path).await;
    let c = browser(&driver, &chromium).await;
    scenario(&c, &base, &dir).await;
    c.close().await.ok();
    drop(driver);
    std::fs::remove_dir_all(&dir).ok();
}

async fn scenario(c: &Client, base: &str, dir: &Path) {
    // A page asked for without a session leads to the sign-in page, in Chinese.
    c.goto(&format!("{base}/findings")).await.unwrap();
    let url = c.current_url().await.unwrap();
    assert_eq!(url.path(), "/login");
    assert_eq!(text(c, "h1").await, "登录");
    sign_in(c, base, "i@example.cn").await;
    assert_eq!(c.current_url().await.unwrap().path(), "/findings");
    assert_eq!(text(c, "h1").await, "问题列表 (0)");

    // The demo register: one finding, US-DUAL-SIGN on row 5.
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/demo/us_exam_title_rows.xlsx")
        .canonicalize()
        .unwrap();
    let report = upload(c, base, &fixture).await;
    assert!(report.contains("/uploads/"), "{report}");
    assert_eq!(text(c, "#rows-read").await, "5");
    assert_eq!(text(c, "#findings-count").await, "1");
    let sheets = text(c, "#sheets tbody").await;
    assert!(
        sheets.contains("3月") && sheets.contains("B超检查登记") && sheets.contains("XX县人民医院"),
        "{sheets}"
    );
    assert!(text(c, "#by-rule tbody").await.starts_with("US-DUAL-SIGN"));
    let rows = c
        .find_all(Locator::Css("#finding-rows tbody tr"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].attr("data-rule").await.unwrap().as_deref(),
        Some("US-DUAL-SIGN")
    );
    assert_eq!(
        rows[0].attr("data-row").await.unwrap().as_deref(),
        Some("5")
    );
    shot(c, "upload-report.png").await;

    // The finding: evidence with personal data masked, the rule's docs, then acknowledge it.
    c.find(Locator::Css("#finding-rows tbody tr td a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(c, "#transition-form").await;
    let finding_url = c.current_url().await.unwrap().to_string();
    assert_eq!(text(c, "#ev-row").await, "5");
    assert_eq!(text(c, "#ev-cells").await, "G5, H5");
    assert_eq!(text(c, "#ev-sheet").await, "3月");
    let record = text(c, "#record").await;
    assert!(
        record.contains("周*") && record.contains("李娜"),
        "{record}"
    );
    assert!(!c.source().await.unwrap().contains("周婷"));
    assert!(text(c, "#rule-fix").await.contains("签名"));
    assert_eq!(
        c.find(Locator::Css("#finding-status"))
            .await
            .unwrap()
            .attr("data-status")
            .await
            .unwrap()
            .as_deref(),
        Some("open")
    );
    c.find(Locator::Id("to-acknowledged"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Id("note"))
        .await
        .unwrap()
        .send_keys("已联系B超室，第二人补签中")
        .await
        .unwrap();
    c.find(Locator::Id("transition-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(c, "#finding-status[data-status='acknowledged']").await;
    assert_eq!(text(c, "#finding-status").await, "已确认");
    let history = text(c, "#history").await;
    assert!(
        history.contains("已联系B超室，第二人补签中") && history.contains("i@example.cn"),
        "{history}"
    );
    shot(c, "finding.png").await;
    shot_at(c, "history", "finding-history.png").await;

    // The dashboard counts it; then the page switches to English.
    c.goto(base).await.unwrap();
    wait_for(c, "#live-total").await;
    assert_eq!(text(c, "#live-total").await, "1");
    assert!(c.find(Locator::Css(".chart .bar")).await.is_ok());
    shot(c, "dashboard.png").await;
    c.find(Locator::Id("lang-switch"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(c, "html[lang='en']").await;
    assert_eq!(text(c, "h1").await, "Dashboard");
    assert_eq!(text(c, "#lang-switch").await, "中文");
    c.goto(&finding_url).await.unwrap();
    assert_eq!(text(c, "#finding-status").await, "Acknowledged");
    // At tablet width the page still lays out (nothing wider than the window).
    c.set_window_size(820, 1100).await.unwrap();
    c.goto(base).await.unwrap();
    let overflow = c
        .execute(
            "return document.documentElement.scrollWidth - window.innerWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        overflow.as_i64().unwrap() <= 0,
        "wider than a tablet: {overflow}"
    );
    shot(c, "dashboard-tablet.png").await;
    c.set_window_size(1280, 1400).await.unwrap();
    sign_out(c).await;

    // Hospital B self-checks; hospital A cannot open B's finding (nor the official one).
    let ledger = dir.join("b-self-check.csv");
    std::fs::write(
        &ledger,
        "检查日期,检查号,姓名,身份证号,年龄,孕周,检查项目,操作医师,第二人\n\
         2024-03-01 08:30,B1,王丽,370921199603140025,27,16周,产科B超,张伟,无\n",
    )
    .unwrap();
    sign_in(c, base, "b@hospital.cn").await;
    upload(c, base, &ledger).await;
    c.find(Locator::Css("#finding-rows tbody tr td a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(c, "#transition-form").await;
    let b_finding = c.current_url().await.unwrap().to_string();
    sign_out(c).await;
    sign_in(c, base, "a@hospital.cn").await;
    for url in [&b_finding, &finding_url] {
        c.goto(url).await.unwrap();
        assert_eq!(text(c, "h1").await, "404", "{url}");
        assert!(text(c, "main").await.contains("页面不存在"));
    }
    c.goto(base).await.unwrap();
    sign_out(c).await;
    cross_ledger(c, base).await;
}

/// The inspector files hospital A's ultrasound register and hospital B's termination register:
/// B's terminations are judged with A's scans, and a finding's page lists the scans it rests
/// on. A's birth register puts the sex-ratio funnel plot on the dashboard.
async fn cross_ledger(c: &Client, base: &str) {
    let fixture = |path: &str| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/rules")
            .join(path)
            .canonicalize()
            .unwrap()
    };
    sign_in(c, base, "i@example.cn").await;
    upload_for(
        c,
        base,
        &fixture("X-US-THEN-TOP/exams.csv"),
        Some(HOSPITAL_A),
    )
    .await;
    upload_for(
        c,
        base,
        &fixture("X-US-THEN-TOP/violating.csv"),
        Some(HOSPITAL_B),
    )
    .await;
    let links = c
        .find_all(Locator::Css("#finding-rows tbody tr td a"))
        .await
        .unwrap();
    // (message, link) of each X-US-THEN-TOP finding, in either language.
    let mut pages = Vec::new();
    for a in links {
        let message = a.text().await.unwrap();
        if message.starts_with("超声检查后终止妊娠")
            || message.starts_with("Termination soon after")
        {
            pages.push((message, a.attr("href").await.unwrap().unwrap()));
        }
    }
    assert_eq!(pages.len(), 5, "one X-US-THEN-TOP finding per fixture row");
    // Fixture row 4, the termination of 2024-03-22, rests on two scans at two institutions.
    let (_, row4) = pages
        .iter()
        .find(|(m, _)| m.contains("2024-03-22"))
        .unwrap();
    c.goto(&format!("{base}{row4}")).await.unwrap();
    wait_for(c, "#related").await;
    let rows = c.find_all(Locator::Css("#related tbody tr")).await.unwrap();
    assert_eq!(rows.len(), 2);
    let related = text(c, "#related tbody").await;
    assert!(
        related.contains("KN0310001") && related.contains("US0320001") && related.contains("刘*"),
        "{related}"
    );
    assert!(!related.contains("刘芳"), "{related}");
    shot_at(c, "related", "finding-related.png").await;

    upload_for(
        c,
        base,
        &fixture("SRB-INSTITUTION/violating.csv"),
        Some(HOSPITAL_A),
    )
    .await;
    c.goto(base).await.unwrap();
    wait_for(c, "#srb-funnel svg").await;
    let red = c
        .find_all(Locator::Css("#srb-funnel circle[fill='#cc0000']"))
        .await
        .unwrap();
    assert!(!red.is_empty(), "a flagged institution in red");
    shot_at(c, "srb-funnel", "dashboard-funnel.png").await;
}
