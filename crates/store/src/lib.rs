//! What the server keeps (DESIGN.md §6): sea-orm entities, migrations and the queries over them.
//! SQLite is the embedded default, a file in the data directory made and migrated on first
//! start; PostgreSQL is used when the URL says `postgres://`. The same code and migrations run
//! on both.

pub mod access;
pub mod audit;
pub mod clock;
pub mod dashboard;
pub mod entity;
pub mod finding_list;
pub mod findings;
pub mod migration;
pub mod outbox;
pub mod schedules;
pub mod secret;
pub mod sweeps;
pub mod teams;
pub mod uploads;
pub mod users;
pub mod waivers;

use std::path::Path;
use std::time::Duration;

use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbBackend, DbErr, TransactionTrait};
use sea_orm_migration::MigratorTrait;

pub use access::Viewer;
pub use sea_orm::DbErr as Error;

/// An open database with the current schema.
#[derive(Clone)]
pub struct Store {
    pub db: DatabaseConnection,
}

/// Problems a caller can act on, apart from database errors.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] DbErr),
    /// The thing does not exist, or the viewer may not know it exists.
    #[error("not found")]
    NotFound,
    /// The request conflicts with the thing's state (a transition the lifecycle forbids).
    #[error("{zh} / {en}")]
    Conflict {
        code: &'static str,
        zh: String,
        en: String,
    },
}

impl StoreError {
    pub fn conflict(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            zh: zh.into(),
            en: en.into(),
        }
    }
}

impl Store {
    /// The SQLite database inside `data_dir`, created when missing.
    pub fn sqlite_url(data_dir: &Path) -> String {
        format!(
            "sqlite://{}?mode=rwc",
            data_dir.join("auditor.db").display()
        )
    }

    /// Opens `url` and brings its schema up to date.
    pub async fn open(url: &str) -> Result<Self, DbErr> {
        let store = Self::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Opens `url` without migrating.
    pub async fn connect(url: &str) -> Result<Self, DbErr> {
        let mut options = ConnectOptions::new(url.to_owned());
        // sqlx logs every statement at INFO; the audit trail is ours, not the driver's.
        options
            .sqlx_logging(false)
            .connect_timeout(Duration::from_secs(10))
            .max_connections(if url.starts_with("sqlite:") { 4 } else { 16 });
        // WAL lets readers list findings while an upload is being stored; foreign keys are off
        // by default in SQLite; and every pooled connection needs these, not just the first.
        options.map_sqlx_sqlite_opts(|o| {
            use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(30))
        });
        let db = Database::connect(options).await?;
        Ok(Self { db })
    }

    /// Brings the schema up to date, in one transaction on one connection: both databases
    /// change their schema transactionally, and on SQLite a pool's connections could otherwise
    /// each run part of the migration.
    pub async fn migrate(&self) -> Result<(), DbErr> {
        let txn = self.db.begin().await?;
        migration::Migrator::up(&txn, None).await?;
        txn.commit().await
    }

    /// Reverts every migration: the schema is empty afterwards.
    pub async fn migrate_down(&self) -> Result<(), DbErr> {
        let txn = self.db.begin().await?;
        migration::Migrator::down(&txn, None).await?;
        txn.commit().await
    }

    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }
}

/// Now, to the second: stored times do not pretend to more precision than they have.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::{SubsecRound, Utc};
    Utc::now().trunc_subsecs(0)
}
