//! The clock, injected: sweeps, schedules and the outbox's retries read time from here, never
//! from the system directly, so tests move time instead of waiting for it.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, FixedOffset, NaiveDate, SubsecRound, TimeDelta, Utc};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The shared handle every task holds.
pub type SharedClock = Arc<dyn Clock>;

/// The machine's clock, to the second.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now().trunc_subsecs(0)
    }
}

pub fn system() -> SharedClock {
    Arc::new(SystemClock)
}

/// A clock that stands still until moved: for tests.
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(at: DateTime<Utc>) -> Arc<Self> {
        Arc::new(Self(Mutex::new(at)))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        if let Ok(mut t) = self.0.lock() {
            *t = at;
        }
    }

    pub fn advance(&self, by: TimeDelta) {
        if let Ok(mut t) = self.0.lock() {
            *t += by;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        self.0.lock().map_or_else(|_| Utc::now(), |t| *t)
    }
}

/// China Standard Time: UTC+8 all year (no daylight saving since 1991), so a fixed offset is
/// Asia/Shanghai exactly for every date the auditor judges.
pub const CHINA: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => unreachable!(),
};

/// The calendar date in China at `at`.
pub fn china_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&CHINA).date_naive()
}
