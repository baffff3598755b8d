//! A person who signs in: an admin, an inspector of a region, or an institution's officer.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub email: String,
    /// argon2 PHC string.
    pub password_hash: String,
    /// `admin`, `inspector` or `institution`.
    pub role: String,
    pub organisation_id: Option<i32>,
    /// The region the user may see: an inspector's jurisdiction, an institution's own region.
    pub region_code: String,
    pub disabled: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
