//! Who is asking, and which rows they may see. Every query of uploads and findings goes through
//! these conditions, so a row outside the viewer's lane is simply not there (the API answers
//! 404, never 403 with data).

use sea_orm::{ColumnTrait, Condition};

use crate::entity::{finding, finding_tally, registry, upload, waiver};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Admin,
    Inspector,
    Institution,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Inspector => "inspector",
            Self::Institution => "institution",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(Self::Admin),
            "inspector" => Some(Self::Inspector),
            "institution" => Some(Self::Institution),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Viewer {
    pub user_id: i32,
    pub email: String,
    pub role: Role,
    /// An inspector's jurisdiction (37, 3709, 370921); an institution's own region.
    pub region_code: String,
    pub organisation_id: Option<i32>,
}

/// What an institution reads of a finding that rests on another institution's rows: that such
/// rows exist, not what they say. The message quotes them (another hospital's scan, a supplier's
/// sale), so it is replaced by one that does not; regulators see everything.
impl Viewer {
    pub fn shown(&self, mut f: crate::entity::finding::Model) -> crate::entity::finding::Model {
        // Most findings rest on their own row alone: nothing to parse.
        if !matches!(self.role, Role::Institution) || f.related == "[]" {
            return f;
        }
        let rows: Vec<serde_json::Value> = serde_json::from_str(&f.related).unwrap_or_default();
        let own = self.organisation_id.map(i64::from);
        let foreign = |r: &serde_json::Value| {
            r.get("institution_id").and_then(serde_json::Value::as_i64) != own
        };
        if !rows.iter().any(foreign) {
            return f;
        }
        let n = rows.iter().filter(|r| foreign(r)).count();
        f.message = format!(
            "{}：本问题还涉及其他机构的 {n} 条记录，详情由监管部门核查",
            f.rule
        );
        f.message_en = format!(
            "{}: this finding also rests on {n} records of other institutions, which the regulator reviews",
            f.rule
        );
        let shown: Vec<serde_json::Value> = rows
            .into_iter()
            .map(|r| {
                if foreign(&r) {
                    serde_json::json!({ "hidden": true })
                } else {
                    r
                }
            })
            .collect();
        f.related = serde_json::Value::Array(shown).to_string();
        f
    }
}

/// A region code as users are given: 2, 4 or 6 digits (province, city, county). Digits only,
/// so `within` can bound it with `~`.
pub fn valid_region(code: &str) -> bool {
    (2..=6).contains(&code.len())
        && code.len().is_multiple_of(2)
        && code.bytes().all(|b| b.is_ascii_digit())
}

/// `column` lies within `region`, as a range rather than `LIKE 'prefix%'` so that both
/// databases answer it from an index: region codes are digits, and `~` sorts after them.
pub(crate) fn within<C: ColumnTrait>(column: C, region: &str) -> Condition {
    Condition::all()
        .add(column.gte(region))
        .add(column.lt(format!("{region}~")))
}

impl Viewer {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Findings the viewer may see.
    pub fn findings(&self) -> Condition {
        match self.role {
            Role::Admin => Condition::all(),
            Role::Inspector => Condition::all()
                .add(finding::Column::Lane.eq("official"))
                .add(within(finding::Column::RegionCode, &self.region_code)),
            Role::Institution => Condition::all()
                .add(finding::Column::InstitutionId.eq(self.organisation_id.unwrap_or(-1))),
        }
    }

    /// The same scope over the finding tallies, or `None` for an institution: the tallies
    /// count by region, not by institution.
    pub fn tallies(&self) -> Option<Condition> {
        match self.role {
            Role::Admin => Some(Condition::all()),
            Role::Inspector => Some(
                Condition::all()
                    .add(finding_tally::Column::Lane.eq("official"))
                    .add(within(finding_tally::Column::RegionCode, &self.region_code)),
            ),
            Role::Institution => None,
        }
    }

    /// Uploads the viewer may see: regulators see official ones (and registries) in their
    /// region; an institution sees its own, self-checks included.
    pub fn uploads(&self) -> Condition {
        match self.role {
            Role::Admin => Condition::all(),
            Role::Inspector => Condition::all()
                .add(upload::Column::Mode.ne("self_check"))
                .add(within(upload::Column::RegionCode, &self.region_code)),
            Role::Institution => Condition::all()
                .add(upload::Column::InstitutionId.eq(self.organisation_id.unwrap_or(-1))),
        }
    }

    /// Waivers the viewer may see: an admin all, an inspector those of institutions in their
    /// region, an institution its own.
    pub fn waivers(&self) -> Condition {
        match self.role {
            Role::Admin => Condition::all(),
            Role::Inspector => within(waiver::Column::RegionCode, &self.region_code),
            Role::Institution => Condition::all()
                .add(waiver::Column::InstitutionId.eq(self.organisation_id.unwrap_or(-1))),
        }
    }

    /// Registries the viewer may see: an admin all; anyone else those of their region and
    /// within it, and those of the regions containing it, which judge its ledgers too.
    pub fn registries(&self) -> Condition {
        if self.is_admin() {
            return Condition::all();
        }
        let containing: Vec<&str> = self
            .region_code
            .char_indices()
            .map(|(i, _)| &self.region_code[..i])
            .collect();
        Condition::any()
            .add(within(registry::Column::RegionCode, &self.region_code))
            .add(registry::Column::RegionCode.is_in(containing))
    }

    /// May the viewer act on a finding they can see (transitions, waivers)? Institutions act on
    /// their own; inspectors within their region; admins anywhere.
    pub fn can_review(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Inspector)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_codes_are_two_four_or_six_digits() {
        assert!(valid_region("37") && valid_region("3709") && valid_region("370921"));
        assert!(!valid_region("3") && !valid_region("37%") && !valid_region("3709211"));
    }
}
