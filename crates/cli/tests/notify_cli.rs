//! `auditor teams add`, `auditor schedules add` and `auditor sweep --now` as the README shows
//! them, on a fresh SQLite data directory. What a sweep mails is tested end to end with a
//! real SMTP server in the server's API tests (`crates/server/tests/api/notify.rs`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_auditor");

fn auditor(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("DATABASE_URL")
        .env_remove("AUDITOR_SMTP_URL")
        .env_remove("AUDITOR_ID_KEY")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn teams_schedules_and_a_sweep_from_the_command_line() {
    let dir = std::env::temp_dir().join(format!("auditor-notify-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    let out = auditor(
        &dir,
        &[
            "teams",
            "add",
            "--name",
            "宁阳县检查组",
            "--region",
            "370921",
            "--email",
            "a@ny.example.cn",
            "--email",
            "b@ny.example.cn",
            "--min-severity",
            "medium",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("added team 宁阳县检查组"),
        "{}",
        text(&out)
    );
    let again = auditor(
        &dir,
        &[
            "teams",
            "add",
            "--name",
            "宁阳县检查组",
            "--region",
            "370921",
            "--email",
            "a@ny.example.cn",
        ],
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again).contains("already exists"), "{}", text(&again));
    let bad = auditor(
        &dir,
        &[
            "teams",
            "add",
            "--name",
            "x",
            "--region",
            "370921",
            "--email",
            "not-an-address",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad).contains("\"not-an-address\""), "{}", text(&bad));

    let out = auditor(
        &dir,
        &[
            "schedules",
            "add",
            "--name",
            "每日巡查",
            "--cron",
            "0 8 * * 1-5",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("0 0 8 * * MON-FRI Asia/Shanghai"),
        "{}",
        text(&out)
    );
    let bad = auditor(
        &dir,
        &["schedules", "add", "--name", "坏", "--cron", "*/5 * * *"],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad).contains("invalid cron expression"),
        "{}",
        text(&bad)
    );

    let out = auditor(&dir, &["sweep"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let out = auditor(&dir, &["sweep", "--now", "--schedule", "每日巡查"]);
    assert!(out.status.success(), "{}", text(&out));
    let printed = text(&out);
    assert!(
        printed.contains("sweep #1 done: 0 new findings")
            && printed.contains("AUDITOR_SMTP_URL is not set"),
        "{printed}"
    );
    let missing = auditor(&dir, &["sweep", "--now", "--schedule", "nope"]);
    assert_eq!(missing.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}
