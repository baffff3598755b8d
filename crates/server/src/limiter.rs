//! Login rate limiting: after `MAX_FAILURES` failed sign-ins for one account or from one
//! address within `WINDOW`, further attempts are refused until the window passes, so
//! passwords cannot be guessed at speed.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const MAX_FAILURES: usize = 5;
pub const WINDOW: Duration = Duration::from_mins(15);

#[derive(Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl LoginLimiter {
    /// Seconds until `key` may try again, if it is blocked now.
    pub fn blocked(&self, key: &str) -> Option<u64> {
        let mut map = self.failures.lock().ok()?;
        let now = Instant::now();
        let list = map.get_mut(key)?;
        list.retain(|t| now.duration_since(*t) < WINDOW);
        if list.len() < MAX_FAILURES {
            return None;
        }
        let oldest = list.first()?;
        Some(
            WINDOW
                .saturating_sub(now.duration_since(*oldest))
                .as_secs()
                .max(1),
        )
    }

    pub fn failed(&self, key: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.entry(key.to_owned()).or_default().push(Instant::now());
        }
    }

    pub fn succeeded(&self, key: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_five_failures_and_clears_on_success() {
        let l = LoginLimiter::default();
        for _ in 0..MAX_FAILURES - 1 {
            l.failed("a@x");
        }
        assert_eq!(l.blocked("a@x"), None);
        l.failed("a@x");
        assert!(l.blocked("a@x").is_some());
        assert_eq!(l.blocked("b@x"), None);
        l.succeeded("a@x");
        assert_eq!(l.blocked("a@x"), None);
    }
}
