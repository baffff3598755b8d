//! The dashboard's funnel plot of the sex ratio at birth (SRB-INSTITUTION): each institution's
//! latest official birth register within the viewer's reach, read again and pooled as the rule
//! pools them. An institution sees only its own births. Reading registers is not free, so the
//! chart data is kept per set of uploads until a newer register arrives.

use std::collections::HashMap;
use std::sync::Mutex;

use auditor_ingest::{Ingest, Table};
use auditor_model::Dataset;
use auditor_rules::srb::SexRatio;
use auditor_store::access::Role;

use super::{WebResult, WebUser};
use crate::engine::Engine;
use crate::state::AppState;

/// Chart data by the uploads it was computed from; cleared when it grows past a few regions.
#[derive(Default)]
pub struct SexRatioCache(Mutex<HashMap<Vec<i32>, Option<SexRatio>>>);

const CACHE_ENTRIES: usize = 64;

/// The funnel plot as SVG, or `None` when no birth register is within reach.
pub async fn funnel(state: &AppState, user: &WebUser) -> WebResult<Option<String>> {
    let viewer = &user.viewer;
    let scope = match viewer.role {
        Role::Admin => None,
        Role::Inspector | Role::Institution => Some(viewer.region_code.as_str()),
    };
    let ledgers = state.store().stored_ledgers(scope).await?;
    let latest = crate::sweep::latest(&ledgers);
    let births: Vec<_> = ledgers
        .iter()
        .filter(|l| {
            latest
                .get(&l.upload.id)
                .is_some_and(|d| d.iter().any(|d| d == Dataset::Birth.as_str()))
        })
        .filter(|l| {
            !matches!(viewer.role, Role::Institution)
                || l.upload.institution_id == viewer.organisation_id
        })
        .map(|l| l.upload.clone())
        .collect();
    if births.is_empty() {
        return Ok(None);
    }
    let key: Vec<i32> = births.iter().map(|u| u.id).collect();
    let cached = state
        .0
        .sex_ratio
        .0
        .lock()
        .ok()
        .and_then(|c| c.get(&key).cloned());
    let chart = match cached {
        Some(chart) => chart,
        None => {
            let st = state.clone();
            let chart = tokio::task::spawn_blocking(move || {
                let engine = &st.0.engine;
                let ingest = Ingest::new(&engine.catalog, &engine.hasher);
                let tables: Vec<Table> = births
                    .iter()
                    .flat_map(|u| {
                        ingest
                            .read_path(&st.uploads_dir().join(&u.sha256), &u.file_name)
                            .tables
                    })
                    .filter(|t| t.dataset == Dataset::Birth)
                    .collect();
                let pack = Engine::pack("national").ok()?;
                auditor_rules::srb::for_pack(&engine.rules, &pack, &tables)
            })
            .await
            .ok()
            .flatten();
            if let Ok(mut c) = state.0.sex_ratio.0.lock() {
                if c.len() >= CACHE_ENTRIES {
                    c.clear();
                }
                c.insert(key, chart.clone());
            }
            chart
        }
    };
    let lang = match user.lang {
        super::Lang::Zh => auditor_report::Lang::Zh,
        super::Lang::En => auditor_report::Lang::En,
    };
    Ok(chart
        .filter(|c| !c.points.is_empty())
        .map(|c| auditor_report::funnel_svg(&c, lang)))
}
