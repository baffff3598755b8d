//! Handlers of the JSON API, one file per resource.

pub mod findings;
pub mod notify;
pub mod registries;
pub mod rules;
pub mod uploads;
pub mod waivers;

use serde::Deserialize;

/// `?page=&per_page=`; pages count from 1, and at most 500 items come back at once.
#[derive(Debug, Deserialize)]
pub struct Paging {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

impl Paging {
    pub fn resolve(&self) -> (u64, u64) {
        (
            self.page.unwrap_or(1).max(1),
            self.per_page.unwrap_or(50).clamp(1, 500),
        )
    }
}
