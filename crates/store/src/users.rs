//! Organisations, users, sessions and API tokens.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::access::{Role, Viewer, valid_region};
use crate::entity::{api_token, organisation, session, user};
use crate::{Store, StoreError, now, secret};

/// How long a browser stays signed in without signing in again.
pub const SESSION_HOURS: i64 = 12;

/// The region an institution's credit code names: characters 3–8 of a USCC are the
/// administrative division code of the registering authority.
pub fn region_of_uscc(uscc: &str) -> Option<String> {
    let code = uscc.get(2..8)?;
    code.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| code.to_owned())
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    /// Required for inspectors.
    pub region: Option<&'a str>,
    /// Required for institution users.
    pub institution_uscc: Option<&'a str>,
    pub institution_name: Option<&'a str>,
}

impl Store {
    /// The institution with this credit code, made on first use.
    pub async fn institution(
        &self,
        uscc: &str,
        name: Option<&str>,
    ) -> Result<organisation::Model, StoreError> {
        if let Some(org) = organisation::Entity::find()
            .filter(organisation::Column::Uscc.eq(uscc))
            .one(&self.db)
            .await?
        {
            return Ok(org);
        }
        let region = region_of_uscc(uscc).ok_or_else(|| {
            StoreError::conflict(
                "invalid_uscc",
                format!("统一社会信用代码 \"{uscc}\" 格式不正确"),
                format!("\"{uscc}\" is not a unified social credit code"),
            )
        })?;
        Ok(organisation::ActiveModel {
            kind: Set("institution".into()),
            name: Set(name.unwrap_or(uscc).to_owned()),
            region_code: Set(region),
            uscc: Set(Some(uscc.to_owned())),
            created_at: Set(now()),
            ..Default::default()
        }
        .insert(&self.db)
        .await?)
    }

    pub async fn organisation(&self, id: i32) -> Result<Option<organisation::Model>, StoreError> {
        Ok(organisation::Entity::find_by_id(id).one(&self.db).await?)
    }

    /// Institutions whose name is exactly `name` (as 填报单位 gives it).
    pub async fn institution_named(
        &self,
        name: &str,
    ) -> Result<Option<organisation::Model>, StoreError> {
        Ok(organisation::Entity::find()
            .filter(organisation::Column::Kind.eq("institution"))
            .filter(organisation::Column::Name.eq(name))
            .one(&self.db)
            .await?)
    }

    pub async fn add_user(&self, new: &NewUser<'_>) -> Result<user::Model, StoreError> {
        let email = new.email.trim().to_lowercase();
        if user::Entity::find()
            .filter(user::Column::Email.eq(&email))
            .one(&self.db)
            .await?
            .is_some()
        {
            return Err(StoreError::conflict(
                "user_exists",
                format!("用户 {email} 已存在"),
                format!("user {email} already exists"),
            ));
        }
        let (organisation_id, region) = match new.role {
            Role::Admin => (None, String::new()),
            Role::Inspector => {
                let region = new.region.unwrap_or_default();
                if !valid_region(region) {
                    return Err(StoreError::conflict(
                        "invalid_region",
                        format!("检查员需要 2、4 或 6 位行政区划代码，收到 \"{region}\""),
                        format!(
                            "an inspector needs a 2-, 4- or 6-digit region code, got \"{region}\""
                        ),
                    ));
                }
                (None, region.to_owned())
            }
            Role::Institution => {
                let uscc = new.institution_uscc.unwrap_or_default();
                let org = self.institution(uscc, new.institution_name).await?;
                (Some(org.id), org.region_code)
            }
        };
        Ok(user::ActiveModel {
            email: Set(email),
            password_hash: Set(new.password_hash.to_owned()),
            role: Set(new.role.as_str().to_owned()),
            organisation_id: Set(organisation_id),
            region_code: Set(region),
            disabled: Set(false),
            created_at: Set(now()),
            ..Default::default()
        }
        .insert(&self.db)
        .await?)
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<user::Model>, StoreError> {
        Ok(user::Entity::find()
            .filter(user::Column::Email.eq(email.trim().to_lowercase()))
            .one(&self.db)
            .await?)
    }

    pub async fn user(&self, id: i32) -> Result<Option<user::Model>, StoreError> {
        Ok(user::Entity::find_by_id(id).one(&self.db).await?)
    }

    /// Replaces a user's password hash and closes their other sessions, so a stolen cookie
    /// stops working once the password is changed. `keep` is the session token to keep open.
    pub async fn set_password(
        &self,
        user_id: i32,
        password_hash: &str,
        keep: Option<&str>,
    ) -> Result<(), StoreError> {
        let Some(u) = self.user(user_id).await? else {
            return Err(StoreError::NotFound);
        };
        let mut active: user::ActiveModel = u.into();
        active.password_hash = Set(password_hash.to_owned());
        active.update(&self.db).await?;
        let mut others = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
        if let Some(token) = keep {
            others = others.filter(session::Column::TokenHash.ne(secret::digest(token)));
        }
        others.exec(&self.db).await?;
        Ok(())
    }

    pub async fn count_users(&self) -> Result<u64, StoreError> {
        use sea_orm::PaginatorTrait;
        Ok(user::Entity::find().count(&self.db).await?)
    }

    /// A new session for `user`; the cookie value is `token`, only its digest is kept.
    /// Expired sessions, which are refused anyway, are cleared out on the way.
    pub async fn open_session(
        &self,
        user_id: i32,
        token: &str,
        csrf: &str,
    ) -> Result<session::Model, StoreError> {
        let created = now();
        session::Entity::delete_many()
            .filter(session::Column::ExpiresAt.lte(created))
            .exec(&self.db)
            .await?;
        Ok(session::ActiveModel {
            token_hash: Set(secret::digest(token)),
            user_id: Set(user_id),
            csrf_token: Set(csrf.to_owned()),
            created_at: Set(created),
            expires_at: Set(created + Duration::hours(SESSION_HOURS)),
            ..Default::default()
        }
        .insert(&self.db)
        .await?)
    }

    pub async fn close_session(&self, token: &str) -> Result<(), StoreError> {
        session::Entity::delete_many()
            .filter(session::Column::TokenHash.eq(secret::digest(token)))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// The viewer behind a session cookie, with the CSRF token its writes must carry.
    pub async fn viewer_by_session(
        &self,
        token: &str,
    ) -> Result<Option<(Viewer, String)>, StoreError> {
        let Some(s) = session::Entity::find()
            .filter(session::Column::TokenHash.eq(secret::digest(token)))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        if s.expires_at <= Utc::now() {
            return Ok(None);
        }
        Ok(self.viewer(s.user_id).await?.map(|v| (v, s.csrf_token)))
    }

    /// Makes an API token for `user`; `token` is what the client sends.
    pub async fn add_token(&self, user_id: i32, token: &str, name: &str) -> Result<(), StoreError> {
        api_token::ActiveModel {
            user_id: Set(user_id),
            token_hash: Set(secret::digest(token)),
            name: Set(name.to_owned()),
            created_at: Set(now()),
            last_used_at: Set(None),
            ..Default::default()
        }
        .insert(&self.db)
        .await?;
        Ok(())
    }

    pub async fn viewer_by_token(&self, token: &str) -> Result<Option<Viewer>, StoreError> {
        let Some(t) = api_token::Entity::find()
            .filter(api_token::Column::TokenHash.eq(secret::digest(token)))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        // Record use at most once a minute: a write per request would serialise every
        // read on SQLite.
        let used: DateTime<Utc> = now();
        if t.last_used_at
            .is_none_or(|last| used - last > Duration::minutes(1))
        {
            let mut active: api_token::ActiveModel = t.clone().into();
            active.last_used_at = Set(Some(used));
            active.update(&self.db).await?;
        }
        self.viewer(t.user_id).await
    }

    pub async fn viewer(&self, user_id: i32) -> Result<Option<Viewer>, StoreError> {
        let Some(u) = self.user(user_id).await? else {
            return Ok(None);
        };
        if u.disabled {
            return Ok(None);
        }
        let Some(role) = Role::parse(&u.role) else {
            return Ok(None);
        };
        Ok(Some(Viewer {
            user_id: u.id,
            email: u.email,
            role,
            region_code: u.region_code,
            organisation_id: u.organisation_id,
        }))
    }

    /// Runs one statement, for maintenance such as `PRAGMA optimize`.
    pub async fn execute(&self, sql: &str) -> Result<(), StoreError> {
        self.db.execute_unprepared(sql).await?;
        Ok(())
    }
}
