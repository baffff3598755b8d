//! The outbox drain: claims each due message, renders and sends it, and records the attempt.
//! A failed send is retried with exponential backoff; after `max_attempts` the message is dead
//! (listed by `GET /api/v1/outbox?status=dead`). The claim is a lease in the database, so any
//! number of drains in any number of replicas send each message once.

use auditor_store::clock::Clock;
use auditor_store::outbox::{Digest, Outcome};
use auditor_store::{Store, StoreError};
use chrono::TimeDelta;

use crate::mailer::Mailer;
use crate::template::render;

#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts before a message is dead.
    pub max_attempts: i32,
    /// Wait after the first failure; doubled after each further one.
    pub base: TimeDelta,
    /// The longest wait between attempts.
    pub cap: TimeDelta,
    /// How long a claimed message is left alone by other drains.
    pub lease: TimeDelta,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 8,
            base: TimeDelta::minutes(1),
            cap: TimeDelta::hours(6),
            lease: TimeDelta::minutes(10),
        }
    }
}

impl RetryPolicy {
    /// The wait after the `attempts`-th failed attempt: base · 2^(attempts−1), capped.
    pub fn backoff(&self, attempts: i32) -> TimeDelta {
        let exp = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(0);
        let wait = self.base.checked_mul(1 << exp).unwrap_or(self.cap);
        wait.min(self.cap)
    }
}

/// What one pass of the drain did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DrainReport {
    pub sent: u32,
    pub retried: u32,
    pub dead: u32,
}

/// Sends every message due now, once each; returns what happened. Store errors stop the
/// pass (the messages stay pending); send errors are recorded on the message.
pub async fn drain_once(
    store: &Store,
    mailer: &Mailer,
    clock: &dyn Clock,
    policy: &RetryPolicy,
    public_url: &str,
) -> Result<DrainReport, StoreError> {
    let mut report = DrainReport::default();
    while let Some(msg) = store.claim_outbox(clock.now(), policy.lease).await? {
        let result = match (
            serde_json::from_str::<Digest>(&msg.payload),
            serde_json::from_str::<Vec<String>>(&msg.recipients),
        ) {
            (Ok(digest), Ok(to)) => {
                let mail = render(&digest, &msg.language, public_url);
                match mailer.message(&to, &mail) {
                    Ok(m) => mailer.send(m).await.map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                }
            }
            (Err(e), _) | (_, Err(e)) => Err(format!("stored digest unreadable: {e}")),
        };
        let now = clock.now();
        let attempts = msg.attempts + 1;
        let (outcome, error) = match result {
            Ok(()) => {
                report.sent += 1;
                (Outcome::Sent, None)
            }
            Err(e) if attempts >= policy.max_attempts => {
                tracing::warn!(outbox = msg.id, attempts, "digest dead: {e}");
                report.dead += 1;
                (Outcome::Dead, Some(e))
            }
            Err(e) => {
                tracing::info!(
                    outbox = msg.id,
                    attempts,
                    "digest not sent, will retry: {e}"
                );
                report.retried += 1;
                (Outcome::Retry(now + policy.backoff(attempts)), Some(e))
            }
        };
        store
            .finish_outbox(&msg, outcome, error.as_deref(), now)
            .await?;
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(1), TimeDelta::minutes(1));
        assert_eq!(p.backoff(2), TimeDelta::minutes(2));
        assert_eq!(p.backoff(4), TimeDelta::minutes(8));
        assert_eq!(p.backoff(30), TimeDelta::hours(6));
    }
}
