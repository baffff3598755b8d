//! Notifications and sweeps (DESIGN.md §8): inspection teams, cron schedules, the runs of
//! sweeps (one row per claimed run, so a run happens once across replicas) and the email
//! outbox (one row per team and run, so a digest is never queued twice).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    integer, integer_null, pk_auto, string, string_null, text, text_null, timestamp_with_time_zone,
    timestamp_with_time_zone_null,
};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &'static str {
        "m0003_notify"
    }
}

/// Tables in creation order; `down` drops them in reverse.
const TABLES: [&str; 4] = ["teams", "schedules", "sweep_runs", "outbox"];

fn fk(from: &'static str, column: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from, column)
        .to(to, "id")
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A team hears about findings in institutions within its region, at or above its
        // minimum severity, in its language. Addresses are a JSON array: a team's list is
        // read and replaced whole, never queried address by address.
        manager
            .create_table(
                Table::create()
                    .table("teams")
                    .col(pk_auto("id"))
                    .col(string("name").unique_key())
                    .col(string("region_code"))
                    .col(text("addresses"))
                    .col(string("min_severity"))
                    .col(string("language"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        // A Quartz-style cron expression, judged in Asia/Shanghai time; a schedule without a
        // region sweeps everything.
        manager
            .create_table(
                Table::create()
                    .table("schedules")
                    .col(pk_auto("id"))
                    .col(string("name").unique_key())
                    .col(string("cron"))
                    .col(string_null("region_code"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        // `claim_key` is `schedule:<id>:<due time>` for scheduled runs: whoever inserts it
        // first owns the run. Manual runs get a key of their own.
        manager
            .create_table(
                Table::create()
                    .table("sweep_runs")
                    .col(pk_auto("id"))
                    .col(string("claim_key").unique_key())
                    .col(integer_null("schedule_id"))
                    .col(string_null("region_code"))
                    .col(timestamp_with_time_zone_null("due_at"))
                    .col(string("status"))
                    .col(timestamp_with_time_zone("started_at"))
                    .col(timestamp_with_time_zone_null("finished_at"))
                    .col(text("counts"))
                    .col(text("errors"))
                    .col(integer("findings_opened"))
                    .foreign_key(&mut fk("sweep_runs", "schedule_id", "schedules"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("sweep_runs_schedule_due")
                    .table("sweep_runs")
                    .col("schedule_id")
                    .col("due_at")
                    .to_owned(),
            )
            .await?;
        // One digest per (team, run): the unique key makes a second queueing a no-op.
        manager
            .create_table(
                Table::create()
                    .table("outbox")
                    .col(pk_auto("id"))
                    .col(integer("team_id"))
                    .col(string("run_key"))
                    .col(text("recipients"))
                    .col(string("language"))
                    .col(text("payload"))
                    .col(string("status"))
                    .col(integer("attempts"))
                    .col(timestamp_with_time_zone("next_attempt_at"))
                    .col(timestamp_with_time_zone_null("claimed_until"))
                    .col(text_null("last_error"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("sent_at"))
                    .foreign_key(&mut fk("outbox", "team_id", "teams"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("outbox_team_run")
                    .table("outbox")
                    .col("team_id")
                    .col("run_key")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("outbox_due")
                    .table("outbox")
                    .col("status")
                    .col("next_attempt_at")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES.iter().rev() {
            manager
                .drop_table(Table::drop().table(*table).to_owned())
                .await?;
        }
        Ok(())
    }
}
