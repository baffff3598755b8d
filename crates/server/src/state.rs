//! What every handler shares: the store, the engine, the data directory and the limits.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use auditor_store::Store;
use auditor_store::clock::{SharedClock, system};

use crate::engine::Engine;
use crate::limiter::LoginLimiter;

#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

pub struct Inner {
    pub store: Store,
    pub engine: Engine,
    pub data_dir: PathBuf,
    pub config: Config,
    pub logins: LoginLimiter,
    /// Rows read so far by uploads being processed, for `GET /uploads/{id}`.
    pub progress: Mutex<HashMap<i32, u64>>,
    /// Held while an upload's findings are merged into the cases.
    pub merging: tokio::sync::Mutex<()>,
    /// What sweeps and schedules take as now.
    pub clock: SharedClock,
    /// The dashboard's sex-ratio chart data, per set of birth registers.
    pub sex_ratio: crate::web::sex_ratio::SexRatioCache,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// Largest file accepted by `POST /uploads`, in bytes.
    pub max_upload_bytes: u64,
    /// Set `Secure` on cookies. Off only for plain-HTTP tests behind no proxy.
    pub secure_cookies: bool,
    pub default_pack: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            max_upload_bytes: 200 << 20,
            secure_cookies: true,
            default_pack: "national".into(),
        }
    }
}

impl AppState {
    pub fn new(store: Store, engine: Engine, data_dir: PathBuf, config: Config) -> Self {
        Self::with_clock(store, engine, data_dir, config, system())
    }

    /// A state whose sweeps and schedules read time from `clock` (tests move it).
    pub fn with_clock(
        store: Store,
        engine: Engine,
        data_dir: PathBuf,
        config: Config,
        clock: SharedClock,
    ) -> Self {
        Self(Arc::new(Inner {
            store,
            engine,
            data_dir,
            config,
            logins: LoginLimiter::default(),
            progress: Mutex::new(HashMap::new()),
            merging: tokio::sync::Mutex::new(()),
            clock,
            sex_ratio: crate::web::sex_ratio::SexRatioCache::default(),
        }))
    }

    pub fn store(&self) -> &Store {
        &self.0.store
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.clock.now()
    }

    pub fn uploads_dir(&self) -> PathBuf {
        self.0.data_dir.join("uploads")
    }

    pub fn progress_of(&self, id: i32) -> Option<u64> {
        self.0.progress.lock().ok()?.get(&id).copied()
    }

    pub fn set_progress(&self, id: i32, rows: Option<u64>) {
        if let Ok(mut map) = self.0.progress.lock() {
            match rows {
                Some(r) => {
                    map.insert(id, r);
                }
                None => {
                    map.remove(&id);
                }
            }
        }
    }
}
