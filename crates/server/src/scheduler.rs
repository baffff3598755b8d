//! Schedules and the background tasks of `auditor serve`: the scheduler, which claims each due
//! run of each schedule through the database (a unique key per schedule and due time, so of
//! several replicas exactly one runs it) and catches up once on runs missed while down; and
//! the drain, which mails the outbox. Both read time from the injected clock.

use std::str::FromStr;
use std::time::Duration;

use auditor_notify::{Mailer, RetryPolicy, drain_once};
use auditor_store::entity::{schedule, sweep_run};
use auditor_store::sweeps::NewRun;
use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Asia::Shanghai;
use cron::Schedule;
use tokio::sync::watch;

use crate::state::AppState;
use crate::sweep;

const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// A crontab day-of-week field (0 or 7 = Sunday, 1 = Monday) in names, which the `cron` crate
/// reads unambiguously (its numbers start at 1 = Sunday).
fn unix_days(field: &str) -> Result<String, String> {
    if field
        .chars()
        .all(|c| c.is_ascii_digit() || c == ',' || c == '-')
    {
        let mut out = String::new();
        for (i, part) in field.split(',').enumerate() {
            if i > 0 {
                out.push(',');
            }
            for (j, n) in part.split('-').enumerate() {
                if j > 0 {
                    out.push('-');
                }
                let day: usize = n.parse().map_err(|_| field.to_owned())?;
                out.push_str(DAYS.get(day % 7).ok_or_else(|| field.to_owned())?);
            }
        }
        return Ok(out);
    }
    if field.chars().any(|c| c.is_ascii_digit()) && field != "*" && !field.starts_with("*/") {
        return Err(field.to_owned());
    }
    Ok(field.to_owned())
}

/// Reads a schedule as users write it: five-field crontab (`0 8 * * 1-5`, minute first, 0 =
/// Sunday) or Quartz-style with seconds (`0 0 8 * * MON-FRI`), and returns the expression as
/// stored (always with seconds) with its parsed form. Errors are (zh, en).
pub fn parse_cron(expr: &str) -> Result<(String, Schedule), (String, String)> {
    let fields: Vec<&str> = expr.split_whitespace().collect();
    let bad = |why: &str| {
        (
            format!("cron 表达式 \"{expr}\" 无效：{why}"),
            format!("invalid cron expression \"{expr}\": {why}"),
        )
    };
    let normalised = match fields.len() {
        5 => {
            let dow = unix_days(fields[4])
                .map_err(|f| bad(&format!("day of week \"{f}\"; use 0-7 or MON-FRI")))?;
            format!(
                "0 {} {} {} {} {dow}",
                fields[0], fields[1], fields[2], fields[3]
            )
        }
        6 | 7 => fields.join(" "),
        1 if fields[0].starts_with('@') => fields[0].to_owned(),
        _ => return Err(bad("expected 5 fields (crontab) or 6–7 (with seconds)")),
    };
    let schedule = Schedule::from_str(&normalised).map_err(|e| bad(&e.to_string()))?;
    Ok((normalised, schedule))
}

/// The latest time the schedule fires in (`after`, `now`], judged in Asia/Shanghai: one run
/// however many were missed.
pub fn due_at(
    schedule: &Schedule,
    after: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    // Only the latest missed run is made up; there is no need to walk a year of minutes.
    let from = after.max(now - TimeDelta::days(8));
    schedule
        .after(&from.with_timezone(&Shanghai))
        .map(|t| t.with_timezone(&Utc))
        .take_while(|t| *t <= now)
        .last()
}

/// The claim key of a schedule's run due at `due`.
pub fn claim_key(schedule_id: i32, due: DateTime<Utc>) -> String {
    format!("schedule:{schedule_id}:{}", due.to_rfc3339())
}

/// One look at every schedule: each run due now and not claimed yet is claimed and run. Returns
/// the runs this process made.
pub async fn tick(state: &AppState) -> Result<Vec<sweep_run::Model>, String> {
    let store = state.store();
    let mut ran = Vec::new();
    for s in store
        .list_schedules(None)
        .await
        .map_err(|e| e.to_string())?
    {
        let Some(run) = claim_due(state, &s).await? else {
            continue;
        };
        // A failed sweep is recorded on its run; the other schedules still run.
        let _ = sweep::execute(state, &run).await;
        ran.push(run);
    }
    Ok(ran)
}

async fn claim_due(
    state: &AppState,
    s: &schedule::Model,
) -> Result<Option<sweep_run::Model>, String> {
    let Ok((_, parsed)) = parse_cron(&s.cron) else {
        tracing::warn!(schedule = s.id, "unreadable cron expression {}", s.cron);
        return Ok(None);
    };
    let store = state.store();
    let now = state.now();
    let last = store
        .last_due(s.id)
        .await
        .map_err(|e| e.to_string())?
        .unwrap_or(s.created_at);
    let Some(due) = due_at(&parsed, last, now) else {
        return Ok(None);
    };
    store
        .claim_run(
            &NewRun {
                claim_key: &claim_key(s.id, due),
                schedule_id: Some(s.id),
                region_code: s.region_code.as_deref(),
                due_at: Some(due),
            },
            now,
        )
        .await
        .map_err(|e| e.to_string())
}

/// Settings of the outbox drain.
#[derive(Clone)]
pub struct Notifier {
    pub mailer: Mailer,
    pub policy: RetryPolicy,
    /// Where the web app is reached: links are `<public_url>/findings/{id}`.
    pub public_url: String,
}

/// Mails what is due in the outbox, once.
pub async fn drain(
    state: &AppState,
    notifier: &Notifier,
) -> Result<auditor_notify::DrainReport, String> {
    drain_once(
        state.store(),
        &notifier.mailer,
        state.0.clock.as_ref(),
        &notifier.policy,
        &notifier.public_url,
    )
    .await
    .map_err(|e| e.to_string())
}

/// How long after it arrived an upload not yet judged is taken for cut off.
const STALE_UPLOAD: TimeDelta = TimeDelta::minutes(30);

/// The scheduler and (with a notifier) the drain, every `every` until `stop` turns true.
pub async fn background(
    state: AppState,
    notifier: Option<Notifier>,
    every: Duration,
    mut stop: watch::Receiver<bool>,
) {
    // A sweep stores everything in one transaction, so one still `running` long after it
    // began was cut off and stored nothing; its record says so.
    let now = state.now();
    if let Err(e) = state
        .store()
        .fail_stale_runs(now - TimeDelta::hours(6), now)
        .await
    {
        tracing::error!("scheduler: {e}");
    }
    loop {
        // An upload takes seconds to judge; one still queued or processing half an hour after
        // it arrived was cut off by a restart or a crash, and would never finish.
        match state
            .store()
            // Uploads are stamped by the wall clock, whatever clock the sweeps are run by.
            .fail_stale_uploads(auditor_store::now() - STALE_UPLOAD)
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::warn!("{n} uploads cut off by a restart or a crash marked failed"),
            Err(e) => tracing::error!("scheduler: {e}"),
        }
        if let Err(e) = tick(&state).await {
            tracing::error!("scheduler: {e}");
        }
        if let Some(n) = &notifier
            && let Err(e) = drain(&state, n).await
        {
            tracing::error!("outbox: {e}");
        }
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            _ = stop.changed() => {}
        }
        if *stop.borrow() {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn crontab_fields_are_read_as_unix_cron_reads_them() {
        let (stored, _) = parse_cron("30 8 * * 1-5").unwrap();
        assert_eq!(stored, "0 30 8 * * MON-FRI");
        assert_eq!(
            parse_cron("0 8 * * 0").map(|p| p.0).ok().as_deref(),
            Some("0 0 8 * * SUN")
        );
        assert!(parse_cron("*/5 * * *").is_err());
        assert!(parse_cron("0 0 8 * * MON").is_ok());
    }

    #[test]
    fn due_is_the_latest_missed_time_in_shanghai() {
        let (_, daily8) = parse_cron("0 8 * * *").unwrap();
        // 08:00 in Shanghai is 00:00 UTC.
        let due = due_at(
            &daily8,
            at("2026-11-01T12:00:00Z"),
            at("2026-11-04T01:00:00Z"),
        );
        assert_eq!(due, Some(at("2026-11-04T00:00:00Z")));
        assert_eq!(
            due_at(
                &daily8,
                at("2026-11-04T00:00:00Z"),
                at("2026-11-04T23:00:00Z")
            ),
            None
        );
    }
}
