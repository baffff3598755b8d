//! A sweep (DESIGN.md §8): time-based rules judged again on stored data as of today. Each
//! institution's latest official upload of each ledger is run through the engine again with
//! `as_of` = today in China (devices now past their filing deadline, licences now expired),
//! waivers past their date lapse, the licences in each region's newest institution registry
//! are judged (LIC-VALID), and LEDGER-LATE is judged on the history of uploads. The
//! findings are merged as an upload's would be, and one digest per team is queued for the
//! cases the sweep opened — all in one transaction, with the run's counts.

use std::collections::{BTreeMap, HashMap};

use auditor_ingest::quality::fingerprint;
use auditor_rules::ledger_late;
use auditor_store::clock::china_date;
use auditor_store::entity::{schedule, sweep_run};
use auditor_store::findings::Incoming;
use auditor_store::sweeps::{NewRun, Rejudged, StoredLedger, SweepSummary};
use chrono::NaiveDate;

use crate::engine::Engine;
use crate::state::AppState;

pub const LEDGER_LATE: &str = "LEDGER-LATE";

/// Claims and runs a sweep now, outside any schedule (`auditor sweep --now`). `schedule`
/// limits it to that schedule's region.
pub async fn run_now(
    state: &AppState,
    schedule: Option<&schedule::Model>,
) -> Result<(sweep_run::Model, SweepSummary), String> {
    let run = claim_now(state, schedule).await?;
    let summary = execute(state, &run).await?;
    let run = state
        .store()
        .list_runs(None)
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .find(|r| r.id == run.id)
        .unwrap_or(run);
    Ok((run, summary))
}

/// Claims a sweep to run now, outside any schedule: the run is recorded as running, for
/// [`execute`] to carry out (`POST /api/v1/sweeps` does so in the background).
pub async fn claim_now(
    state: &AppState,
    schedule: Option<&schedule::Model>,
) -> Result<sweep_run::Model, String> {
    let at = state.now();
    let mut nonce = [0u8; 6];
    getrandom::fill(&mut nonce).map_err(|e| e.to_string())?;
    let key = format!(
        "manual:{}:{}:{}",
        schedule.map_or_else(|| "all".to_owned(), |s| s.id.to_string()),
        at.to_rfc3339(),
        hex::encode(nonce)
    );
    let run = state
        .store()
        .claim_run(
            &NewRun {
                claim_key: &key,
                schedule_id: schedule.map(|s| s.id),
                region_code: schedule.and_then(|s| s.region_code.as_deref()),
                due_at: None,
            },
            at,
        )
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| "manual run key taken".to_owned())?;
    Ok(run)
}

/// Runs a claimed sweep to its end. A failure is recorded on the run, never lost.
pub async fn execute(state: &AppState, run: &sweep_run::Model) -> Result<SweepSummary, String> {
    match sweep(state, run).await {
        Ok(s) => Ok(s),
        Err(e) => {
            tracing::error!(run = run.id, "sweep failed: {e}");
            let _ = state
                .store()
                .fail_run(run, std::slice::from_ref(&e), state.now())
                .await;
            Err(e)
        }
    }
}

/// For each (institution, dataset) the latest upload holding it; per upload, the datasets it
/// is the latest of.
pub(crate) fn latest(ledgers: &[StoredLedger]) -> BTreeMap<i32, Vec<String>> {
    let mut newest: HashMap<(i32, &str), i32> = HashMap::new();
    for l in ledgers {
        let Some(inst) = l.upload.institution_id else {
            continue;
        };
        for d in &l.datasets {
            let e = newest.entry((inst, d.as_str())).or_insert(l.upload.id);
            *e = (*e).max(l.upload.id);
        }
    }
    let mut out: BTreeMap<i32, Vec<String>> = BTreeMap::new();
    for ((_, d), id) in newest {
        out.entry(id).or_default().push(d.to_owned());
    }
    for v in out.values_mut() {
        v.sort();
    }
    out
}

/// LEDGER-LATE findings per upload (the latest of the late ledger), for the pack of that
/// upload.
fn late_ledgers(
    engine: &Engine,
    ledgers: &[StoredLedger],
    latest: &BTreeMap<i32, Vec<String>>,
    today: NaiveDate,
    uscc: &HashMap<i32, String>,
) -> HashMap<i32, Vec<Incoming>> {
    let Some(rule) = engine.rules.get(LEDGER_LATE) else {
        return HashMap::new();
    };
    let mut history: BTreeMap<(i32, &str), Vec<NaiveDate>> = BTreeMap::new();
    for l in ledgers {
        let Some(inst) = l.upload.institution_id else {
            continue;
        };
        for d in &l.datasets {
            history
                .entry((inst, d.as_str()))
                .or_default()
                .push(china_date(l.upload.created_at));
        }
    }
    let by_id: HashMap<i32, &StoredLedger> = ledgers.iter().map(|l| (l.upload.id, l)).collect();
    let mut out: HashMap<i32, Vec<Incoming>> = HashMap::new();
    for (upload_id, datasets) in latest {
        let Some(l) = by_id.get(upload_id) else {
            continue;
        };
        let Ok(pack) = Engine::pack(&l.upload.pack) else {
            continue;
        };
        if !pack.selects(LEDGER_LATE) {
            continue;
        }
        let rule = pack.apply(rule);
        if !rule
            .datasets
            .iter()
            .any(|d| datasets.contains(&d.as_str().to_owned()))
        {
            continue;
        }
        let due_day = u32::try_from(rule.param_int("due_day").unwrap_or(5)).unwrap_or(5);
        let months = u32::try_from(rule.param_int("months").unwrap_or(2)).unwrap_or(2);
        let Some(inst) = l.upload.institution_id else {
            continue;
        };
        let code = uscc.get(&inst).cloned().unwrap_or_else(|| inst.to_string());
        for d in datasets {
            if !rule.datasets.iter().any(|x| x.as_str() == d) {
                continue;
            }
            let Some(dates) = history.get(&(inst, d.as_str())) else {
                continue;
            };
            let Some(late) = ledger_late::late(dates, today, due_day, months) else {
                continue;
            };
            let month = late.period.format("%Y-%m").to_string();
            out.entry(*upload_id).or_default().push(Incoming {
                rule: rule.id.clone(),
                severity: rule.severity,
                dataset: Some(d.clone()),
                file: l.upload.file_name.clone(),
                sheet: None,
                row: None,
                cells: "[]".into(),
                message: format!(
                    "{}：{month} 的 {d} 台账应于 {} 前报送，至 {today} 仍未收到",
                    rule.title.zh, late.due
                ),
                message_en: format!(
                    "{}: the {d} ledger for {month} was due by {}; not received by {today}",
                    rule.title.en, late.due
                ),
                citation: rule.citation(),
                fingerprint: fingerprint(LEDGER_LATE, None, &code, &format!("{d}|{month}")),
                related: "[]".into(),
                unlisted: 0,
                record_key: None,
            });
        }
    }
    out
}

async fn sweep(state: &AppState, run: &sweep_run::Model) -> Result<SweepSummary, String> {
    let store = state.store();
    let today = china_date(state.now());
    store
        .expire_waivers(today)
        .await
        .map_err(|e| e.to_string())?;
    let ledgers = store
        .stored_ledgers(run.region_code.as_deref())
        .await
        .map_err(|e| e.to_string())?;
    let latest = latest(&ledgers);
    let mut uscc = HashMap::new();
    for l in &ledgers {
        if let Some(id) = l.upload.institution_id
            && !uscc.contains_key(&id)
            && let Some(org) = store.organisation(id).await.map_err(|e| e.to_string())?
        {
            uscc.insert(id, org.uscc.unwrap_or_else(|| id.to_string()));
        }
    }
    let mut late = late_ledgers(&state.0.engine, &ledgers, &latest, today, &uscc);
    let by_id: HashMap<i32, &StoredLedger> = ledgers.iter().map(|l| (l.upload.id, l)).collect();
    let mut errors = Vec::new();
    let mut rejudged = Vec::new();
    for (upload_id, datasets) in &latest {
        let Some(l) = by_id.get(upload_id) else {
            continue;
        };
        match rejudge(state, l, today).await {
            Ok((findings, records)) => {
                // Findings about the file itself (no dataset) are in the merge's scope too:
                // dropping them would resolve them.
                let mut incoming: Vec<Incoming> = findings
                    .into_iter()
                    .filter(|f| f.dataset.as_ref().is_none_or(|d| datasets.contains(d)))
                    .collect();
                incoming.extend(late.remove(upload_id).unwrap_or_default());
                let mut upload = l.upload.clone();
                upload.as_of = today;
                rejudged.push(Rejudged {
                    upload,
                    datasets: datasets.clone(),
                    findings: incoming,
                    records: Some(records),
                });
            }
            Err((zh, en)) => errors.push(format!(
                "上传 #{upload_id}：{zh} / upload #{upload_id}: {en}"
            )),
        }
    }
    match licence_cases(state, run.region_code.as_deref(), today).await {
        Ok(cases) => rejudged.extend(cases),
        Err((zh, en)) => errors.push(format!("机构资质名录：{zh} / institution registry: {en}")),
    }
    let _turn = state.0.merging.lock().await;
    store
        .store_sweep(run, today, rejudged, &errors, state.now())
        .await
        .map_err(|e| e.to_string())
}

/// The upload's file judged again at `today`, with the registries its region has now.
async fn rejudge(
    state: &AppState,
    l: &StoredLedger,
    today: NaiveDate,
) -> Result<(Vec<Incoming>, std::collections::HashSet<u128>), (String, String)> {
    let up = &l.upload;
    let inputs = crate::worker::judge_inputs(state, up)
        .await
        .map_err(|e| (e.clone(), e))?;
    let pack = Engine::pack(&up.pack).map_err(|e| (e.clone(), e))?;
    let path = state.uploads_dir().join(&up.sha256);
    let name = up.file_name.clone();
    let st = state.clone();
    let judged = up.clone();
    let out = tokio::task::spawn_blocking(move || {
        st.0.engine.run(
            &path,
            &name,
            &pack,
            today,
            &inputs.for_upload(&judged),
            &|_| {},
        )
    })
    .await
    .map_err(|e| (format!("worker: {e}"), format!("worker: {e}")))??;
    let sources = out.sources;
    let findings = out
        .findings
        .into_iter()
        .map(|f| {
            Incoming::with_sources(f, &|file| {
                sources.get(file).map(|s| (s.upload_id, s.institution_id))
            })
        })
        .collect();
    Ok((findings, out.records))
}

/// LIC-VALID judged on the newest institution registry of each region, as of `today`. The
/// registry's rows name the licence holders: each holder's expired licences become its own
/// cases, and every holder the registry lists is merged (with no findings when its licences
/// are valid), so a renewal in a newer registry resolves the old case. Holders are registered
/// as institutions from the registry when the server does not know them yet. `region` limits
/// the sweep to holders within it.
async fn licence_cases(
    state: &AppState,
    region: Option<&str>,
    today: NaiveDate,
) -> Result<Vec<Rejudged>, (String, String)> {
    let store = state.store();
    let db = |e: auditor_store::StoreError| (e.to_string(), e.to_string());
    let mut seen_regions = std::collections::HashSet::new();
    let mut holders: BTreeMap<String, (String, Vec<Incoming>, i32)> = BTreeMap::new();
    let mut registry_of: HashMap<i32, auditor_store::entity::upload::Model> = HashMap::new();
    for up in store
        .active_registry_uploads("institution")
        .await
        .map_err(db)?
    {
        // The newest registry of a region stands for it.
        if !seen_regions.insert(up.region_code.clone()) {
            continue;
        }
        let pack = Engine::pack(&up.pack).map_err(|e| (e.clone(), e))?;
        let path = state.uploads_dir().join(&up.sha256);
        let name = up.file_name.clone();
        let st = state.clone();
        let id = up.id;
        let out = tokio::task::spawn_blocking(move || {
            let inputs = crate::engine::Inputs {
                upload_id: id,
                institution_id: None,
                registries: &[],
                peers: &[],
            };
            st.0.engine
                .run(&path, &name, &pack, today, &inputs, &|_| {})
        })
        .await
        .map_err(|e| (format!("worker: {e}"), format!("worker: {e}")))??;
        // (sheet, row) -> the holder's credit code and name, from the stored records.
        let mut row_holder: HashMap<(String, i32), String> = HashMap::new();
        for sheet in out
            .sheets
            .iter()
            .filter(|s| s.dataset.as_deref() == Some("institution"))
        {
            for (row, json) in &sheet.records {
                let record: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
                let Some(uscc) = record["uscc"].as_str() else {
                    continue;
                };
                let uscc = uscc.trim().to_uppercase();
                if uscc.is_empty() || holders.get(&uscc).is_some_and(|h| h.2 != up.id) {
                    // Already judged from a newer registry.
                    continue;
                }
                let holder_name = record["name"].as_str().unwrap_or(&uscc).to_owned();
                holders
                    .entry(uscc.clone())
                    .or_insert_with(|| (holder_name, Vec::new(), up.id));
                row_holder.insert((sheet.name.clone(), *row), uscc);
            }
        }
        for f in out.findings.into_iter().filter(|f| f.rule == "LIC-VALID") {
            let key = (
                f.sheet.clone().unwrap_or_default(),
                f.row.unwrap_or(0) as i32,
            );
            if let Some(uscc) = row_holder.get(&key)
                && let Some(h) = holders.get_mut(uscc)
                && h.2 == up.id
            {
                h.1.push(Incoming::from(f));
            }
        }
        registry_of.insert(up.id, up);
    }
    let mut cases = Vec::new();
    for (uscc, (name, findings, upload_id)) in holders {
        let Ok(org) = store.institution(&uscc, Some(&name)).await else {
            // Not a valid credit code: ingest has already flagged the cell.
            continue;
        };
        if region.is_some_and(|r| !org.region_code.starts_with(r)) {
            continue;
        }
        let Some(reg) = registry_of.get(&upload_id) else {
            continue;
        };
        let mut upload = reg.clone();
        upload.institution_id = Some(org.id);
        upload.region_code.clone_from(&org.region_code);
        upload.as_of = today;
        cases.push(Rejudged {
            upload,
            datasets: vec!["institution".to_owned()],
            findings,
            records: None,
        });
    }
    Ok(cases)
}
