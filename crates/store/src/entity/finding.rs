//! A finding as a case: it lives across uploads of one institution and lane, by fingerprint.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "findings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `official` or `self_check`: self-checks stay with the institution until submitted.
    pub lane: String,
    pub region_code: String,
    pub institution_id: Option<i32>,
    pub first_upload_id: i32,
    pub last_upload_id: i32,
    pub rule: String,
    pub severity: String,
    /// The severity as a number, so lists sort and filter by it in SQL.
    pub severity_rank: i32,
    pub dataset: Option<String>,
    pub file: String,
    pub sheet: Option<String>,
    pub row_no: Option<i32>,
    /// JSON array of A1 cell references.
    pub cells: String,
    pub message: String,
    pub message_en: String,
    pub citation: String,
    pub fingerprint: String,
    /// JSON array of the other rows a cross-ledger finding rests on (see `m0004`).
    pub related: String,
    /// On a rule's summary of the findings it did not list one by one: how many (`m0005`);
    /// 0 on every listed finding.
    pub unlisted: i32,
    /// The record the case is about (`m0007`): a later upload resolves the case only if it
    /// holds this record again. `None` for a sheet's finding and for cases stored before.
    pub record_key: Option<String>,
    pub status: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl Model {
    /// How many findings this case stands for in a count, as `Finding::weight()`: N for a
    /// summary of N unlisted ones, 1 otherwise.
    pub fn weight(&self) -> u64 {
        u64::try_from(self.unlisted.max(1)).unwrap_or(1)
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
