//! Inspection teams: who is told about findings, for which region, from which severity, in
//! which language. Regulators manage the teams of their own region; admins all of them.

use auditor_model::Severity;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::access::{Role, Viewer, valid_region};
use crate::entity::team;
use crate::{Store, StoreError, now};

pub struct NewTeam<'a> {
    pub name: &'a str,
    pub region_code: &'a str,
    pub addresses: &'a [String],
    pub min_severity: Severity,
    /// `zh` or `en`.
    pub language: &'a str,
}

/// A plausible mailbox: `local@domain.tld`, no spaces or angle brackets (it goes into a header).
pub fn valid_address(a: &str) -> bool {
    let Some((local, domain)) = a.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && a.matches('@').count() == 1
        && !a
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>,;\"()[]\\".contains(c))
}

/// The addresses of a team as stored.
pub fn addresses_of(t: &team::Model) -> Vec<String> {
    serde_json::from_str(&t.addresses).unwrap_or_default()
}

/// May this viewer manage (or see) things of `region`?
pub fn manages(viewer: &Viewer, region: &str) -> bool {
    match viewer.role {
        Role::Admin => true,
        Role::Inspector => region.starts_with(&viewer.region_code),
        Role::Institution => false,
    }
}

pub fn forbidden() -> StoreError {
    StoreError::conflict(
        "forbidden",
        "只有管理员和本辖区的监管人员可以管理通知与巡查",
        "only admins and regulators of the region manage notifications and sweeps",
    )
}

impl Store {
    /// Adds a team; `viewer` is `None` for the command line, which acts as the administrator.
    pub async fn add_team(
        &self,
        viewer: Option<&Viewer>,
        new: &NewTeam<'_>,
    ) -> Result<team::Model, StoreError> {
        if let Some(v) = viewer
            && !manages(v, new.region_code)
        {
            return Err(forbidden());
        }
        let name = new.name.trim();
        if name.is_empty() {
            return Err(StoreError::conflict(
                "invalid_team",
                "检查组名称不能为空",
                "a team needs a name",
            ));
        }
        if !valid_region(new.region_code) {
            return Err(StoreError::conflict(
                "invalid_region",
                format!("行政区划代码 \"{}\" 应为 2、4 或 6 位数字", new.region_code),
                format!(
                    "region code \"{}\" must be 2, 4 or 6 digits",
                    new.region_code
                ),
            ));
        }
        if new.addresses.is_empty() {
            return Err(StoreError::conflict(
                "invalid_team",
                "检查组至少需要一个邮箱地址",
                "a team needs at least one email address",
            ));
        }
        if let Some(bad) = new.addresses.iter().find(|a| !valid_address(a)) {
            return Err(StoreError::conflict(
                "invalid_address",
                format!("邮箱地址 \"{bad}\" 格式不正确"),
                format!("\"{bad}\" is not an email address"),
            ));
        }
        if !matches!(new.language, "zh" | "en") {
            return Err(StoreError::conflict(
                "invalid_language",
                format!("语言应为 zh 或 en，收到 \"{}\"", new.language),
                format!("language must be zh or en, got \"{}\"", new.language),
            ));
        }
        if team::Entity::find()
            .filter(team::Column::Name.eq(name))
            .one(&self.db)
            .await?
            .is_some()
        {
            return Err(StoreError::conflict(
                "team_exists",
                format!("检查组 \"{name}\" 已存在"),
                format!("team \"{name}\" already exists"),
            ));
        }
        Ok(team::ActiveModel {
            name: Set(name.to_owned()),
            region_code: Set(new.region_code.to_owned()),
            addresses: Set(serde_json::to_string(new.addresses).unwrap_or_else(|_| "[]".into())),
            min_severity: Set(new.min_severity.as_str().to_owned()),
            language: Set(new.language.to_owned()),
            created_at: Set(now()),
            ..Default::default()
        }
        .insert(&self.db)
        .await?)
    }

    /// Teams the viewer manages (all of them for the command line).
    pub async fn list_teams(
        &self,
        viewer: Option<&Viewer>,
    ) -> Result<Vec<team::Model>, StoreError> {
        let teams = team::Entity::find()
            .order_by_asc(team::Column::Id)
            .all(&self.db)
            .await?;
        Ok(teams
            .into_iter()
            .filter(|t| viewer.is_none_or(|v| manages(v, &t.region_code)))
            .collect())
    }
}
