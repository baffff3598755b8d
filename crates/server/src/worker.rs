//! Processes an upload in the background: ingest and judge on a blocking thread, then store
//! everything in one transaction, or mark the upload failed with its reason.

use auditor_store::entity::upload;
use auditor_store::findings::Incoming;

use crate::engine::{Engine, Inputs, PeerFile, RegistryFile};
use crate::state::AppState;

/// Runs the upload to its end; errors are recorded on the upload, never lost.
pub async fn process(state: AppState, up: upload::Model) {
    let id = up.id;
    if let Err(e) = run(&state, &up).await {
        tracing::error!(upload = id, "upload failed: {e}");
        let _ = state
            .store()
            .fail_upload(
                id,
                "处理上传时出错，请重试或联系管理员",
                "the upload could not be processed; retry or contact the administrator",
            )
            .await;
    }
    state.set_progress(id, None);
}

/// What an upload is judged with besides its own file: the registries of its region and the
/// regions containing it, and the other stored ledgers of its city (the latest of each
/// institution) for cross-ledger rules — for a self-check, only the institution's own, since
/// one hospital's self-check must not read another's patients. A registry has neither.
pub struct JudgeInputs {
    pub registries: Vec<RegistryFile>,
    pub peers: Vec<PeerFile>,
}

impl JudgeInputs {
    /// Only the institution's own ledgers: what its own report may be judged with, since the
    /// report quotes every row it rests on.
    #[must_use]
    pub fn own_only(mut self, institution_id: Option<i32>) -> Self {
        self.peers
            .retain(|p| p.institution_id.is_some() && p.institution_id == institution_id);
        self
    }

    pub fn for_upload(&self, up: &upload::Model) -> Inputs<'_> {
        Inputs {
            upload_id: up.id,
            institution_id: up.institution_id,
            registries: &self.registries,
            peers: &self.peers,
        }
    }
}

pub async fn judge_inputs(state: &AppState, up: &upload::Model) -> Result<JudgeInputs, String> {
    if up.mode == "registry" {
        return Ok(JudgeInputs {
            registries: Vec::new(),
            peers: Vec::new(),
        });
    }
    let store = state.store();
    let registries = store
        .registries_for(&up.region_code)
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|r| RegistryFile {
            path: state.uploads_dir().join(&r.sha256),
            name: format!("名录#{}/{}", r.id, r.file_name),
            upload_id: r.id,
        })
        .collect();
    // People move between the counties of a city; linking stops at the city's edge.
    let city: String = up.region_code.chars().take(4).collect();
    let ledgers = store
        .stored_ledgers(Some(&city))
        .await
        .map_err(|e| e.to_string())?;
    let latest = crate::sweep::latest(&ledgers);
    let peers = ledgers
        .into_iter()
        .filter(|l| l.upload.id != up.id)
        .filter(|l| up.mode != "self_check" || l.upload.institution_id == up.institution_id)
        .filter_map(|l| {
            let datasets = latest.get(&l.upload.id)?;
            Some(PeerFile {
                file: RegistryFile {
                    path: state.uploads_dir().join(&l.upload.sha256),
                    // Another institution's file is named by its upload number only: the
                    // messages of this upload's findings, which its institution reads, quote
                    // it.
                    name: if l.upload.institution_id == up.institution_id {
                        format!("上传#{}/{}", l.upload.id, l.upload.file_name)
                    } else {
                        format!("上传#{}", l.upload.id)
                    },
                    upload_id: l.upload.id,
                },
                datasets: datasets.iter().filter_map(|d| d.parse().ok()).collect(),
                institution_id: l.upload.institution_id,
                earlier: l.upload.id < up.id,
            })
        })
        .collect();
    Ok(JudgeInputs { registries, peers })
}

async fn run(state: &AppState, up: &upload::Model) -> Result<(), String> {
    let store = state.store();
    store
        .set_upload_status(up.id, "processing")
        .await
        .map_err(|e| e.to_string())?;
    let inputs = judge_inputs(state, up).await?;
    let pack = Engine::pack(&up.pack)?;
    let path = state.uploads_dir().join(&up.sha256);
    let outcome = {
        let st = state.clone();
        let name = up.file_name.clone();
        let as_of = up.as_of;
        let id = up.id;
        let judged = up.clone();
        tokio::task::spawn_blocking(move || {
            let report = |n: u64| {
                // Progress is per sheet; publish every 10k rows so polling stays cheap.
                if n.is_multiple_of(10_000) {
                    st.set_progress(id, Some(n));
                }
            };
            st.0.engine.run(
                &path,
                &name,
                &pack,
                as_of,
                &inputs.for_upload(&judged),
                &report,
            )
        })
        .await
        .map_err(|e| format!("worker: {e}"))?
    };
    match outcome {
        Err((zh, en)) => store
            .fail_upload(up.id, &zh, &en)
            .await
            .map_err(|e| e.to_string()),
        Ok(out) => {
            let sources = &out.sources;
            let findings: Vec<Incoming> = out
                .findings
                .into_iter()
                .map(|f| {
                    Incoming::with_sources(f, &|file| {
                        sources.get(file).map(|s| (s.upload_id, s.institution_id))
                    })
                })
                .collect();
            let up = with_named_owner(state, up, &out.sheets).await?;
            // One merge at a time: two uploads of one institution must not both open the
            // same case.
            let _turn = state.0.merging.lock().await;
            store
                .store_results(&up, out.sheets, findings, &out.records)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        }
    }
}

/// A regulator's upload that named no institution belongs to the one its title rows name
/// (填报单位), when that institution is known and lies within the uploader's region.
async fn with_named_owner(
    state: &AppState,
    up: &upload::Model,
    sheets: &[auditor_store::uploads::SheetResult],
) -> Result<upload::Model, String> {
    let mut up = up.clone();
    if up.institution_id.is_some() || up.mode == "registry" {
        return Ok(up);
    }
    for s in sheets.iter().filter(|s| !s.institution.is_empty()) {
        if let Some(org) = state
            .store()
            .institution_named(&s.institution)
            .await
            .map_err(|e| e.to_string())?
            && org.region_code.starts_with(&up.region_code)
        {
            up.institution_id = Some(org.id);
            up.region_code = org.region_code;
            break;
        }
    }
    Ok(up)
}
