//! A real SMTP server for the tests: Debian's `python3-aiosmtpd`, storing each message it
//! receives in a Maildir, and Python's `email` package to parse what arrived (a MIME parser
//! that is not ours). Outside CI a machine without aiosmtpd skips the mail tests with a line
//! saying so; under `CI` that is a failure.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

pub const PYTHON: &str = "/usr/bin/python3";

pub struct Smtp {
    pub port: u16,
    pub maildir: PathBuf,
    child: Option<Child>,
}

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// Whether aiosmtpd can run here; under CI it must.
pub fn available() -> bool {
    let ok = Command::new(PYTHON)
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "python3-aiosmtpd must be installed under CI"
        );
        eprintln!("{PYTHON} -m aiosmtpd is not available: the mail test is not run");
    }
    ok
}

impl Smtp {
    /// A server that is not running yet, on a port of its own.
    pub fn stopped(dir: &Path) -> Self {
        Self {
            port: free_port(),
            maildir: dir.join("maildir"),
            child: None,
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Starts aiosmtpd and waits until it accepts connections.
    pub fn start(&mut self) {
        let child = Command::new(PYTHON)
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-c",
                "aiosmtpd.handlers.Mailbox",
                "-l",
            ])
            .arg(format!("127.0.0.1:{}", self.port))
            .arg(&self.maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.child = Some(child);
        for _ in 0..100 {
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("aiosmtpd did not start on port {}", self.port);
    }

    /// Every message received so far, parsed by Python's `email` package, in arrival order:
    /// `{to, from, subject, content_type, defects, parts: [{type, charset, text}], raw}`.
    pub fn messages(&self) -> Vec<Value> {
        if !self.maildir.exists() {
            return Vec::new();
        }
        let script = r#"
import email, json, mailbox, os, sys
from email import policy
box = mailbox.Maildir(sys.argv[1], factory=None, create=False)
out = []
for key in box.keys():
    with box.get_file(key) as f:
        raw = f.read()
    msg = email.message_from_bytes(raw, policy=policy.default)
    parts = []
    for p in msg.walk():
        if p.is_multipart():
            continue
        parts.append({"type": p.get_content_type(), "charset": p.get_content_charset(), "text": p.get_content()})
    out.append({
        "to": sorted(a.addr_spec for a in msg["To"].addresses),
        "from": str(msg["From"]),
        "subject": str(msg["Subject"]),
        "content_type": msg.get_content_type(),
        "defects": [str(d) for d in msg.defects] + [str(d) for p in msg.walk() for d in p.defects],
        "parts": parts,
        "raw": raw.decode("utf-8", "replace"),
        "date": msg["Date"].datetime.timestamp(),
    })
out.sort(key=lambda m: (m["date"], m["subject"]))
print(json.dumps(out, ensure_ascii=False))
"#;
        let out = Command::new(PYTHON)
            .arg("-c")
            .arg(script)
            .arg(&self.maildir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Vec<Value>>(&out.stdout).unwrap()
    }

    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        self.stop();
    }
}
