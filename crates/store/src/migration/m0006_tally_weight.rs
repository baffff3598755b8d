//! The tallies weigh each finding as the reports do (`Finding::weight()`): a rule's summary of
//! the findings it did not list one by one counts as its `unlisted` N, every other finding as
//! one. `n` stays the number of rows, because the findings list pages through rows by it
//! (`finding_list::parts`); the new `weight` is what counts by status and the summary report.
//!
//! The triggers of `m0002_finding_tallies` are replaced by ones that keep both, and the tallies
//! are counted again from the findings, so a database upgraded with data in it is right.
//! `unlisted` changes when a later upload's summary stands for more or fewer findings, so an
//! update of it alone moves weight too.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use super::m0002_finding_tallies::{POSTGRES_TRIGGERS, SQLITE_TRIGGERS};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &'static str {
        "m0006_tally_weight"
    }
}

/// What one finding weighs, in SQL over a row alias: `max(unlisted, 1)`.
macro_rules! weight {
    ($row:literal) => {
        concat!(
            "CASE WHEN ",
            $row,
            ".unlisted > 0 THEN ",
            $row,
            ".unlisted ELSE 1 END"
        )
    };
}

const SQLITE_DROPS: [&str; 3] = [
    "DROP TRIGGER findings_tally_insert",
    "DROP TRIGGER findings_tally_delete",
    "DROP TRIGGER findings_tally_update",
];

const POSTGRES_DROPS: [&str; 6] = [
    "DROP TRIGGER findings_tally_insert ON findings",
    "DROP TRIGGER findings_tally_delete ON findings",
    "DROP TRIGGER findings_tally_update ON findings",
    "DROP FUNCTION findings_tally_add()",
    "DROP FUNCTION findings_tally_remove()",
    "DROP FUNCTION findings_tally_move()",
];

/// SQLite: as in `m0002`, one trigger per event; the update trigger also fires on `unlisted`.
const SQLITE_WEIGHED: [&str; 3] = [
    concat!(
        "CREATE TRIGGER findings_tally_insert AFTER INSERT ON findings BEGIN
       INSERT OR IGNORE INTO finding_tallies
           (lane, region_code, status, rule, severity_rank, n, weight)
         VALUES (NEW.lane, NEW.region_code, NEW.status, NEW.rule, NEW.severity_rank, 0, 0);
       UPDATE finding_tallies SET n = n + 1, weight = weight + (",
        weight!("NEW"),
        ")
         WHERE lane = NEW.lane AND region_code = NEW.region_code AND status = NEW.status
           AND rule = NEW.rule AND severity_rank = NEW.severity_rank;
     END"
    ),
    concat!(
        "CREATE TRIGGER findings_tally_delete AFTER DELETE ON findings BEGIN
       UPDATE finding_tallies SET n = n - 1, weight = weight - (",
        weight!("OLD"),
        ")
         WHERE lane = OLD.lane AND region_code = OLD.region_code AND status = OLD.status
           AND rule = OLD.rule AND severity_rank = OLD.severity_rank;
     END"
    ),
    concat!(
        "CREATE TRIGGER findings_tally_update
       AFTER UPDATE OF lane, region_code, status, rule, severity_rank, unlisted ON findings BEGIN
       UPDATE finding_tallies SET n = n - 1, weight = weight - (",
        weight!("OLD"),
        ")
         WHERE lane = OLD.lane AND region_code = OLD.region_code AND status = OLD.status
           AND rule = OLD.rule AND severity_rank = OLD.severity_rank;
       INSERT OR IGNORE INTO finding_tallies
           (lane, region_code, status, rule, severity_rank, n, weight)
         VALUES (NEW.lane, NEW.region_code, NEW.status, NEW.rule, NEW.severity_rank, 0, 0);
       UPDATE finding_tallies SET n = n + 1, weight = weight + (",
        weight!("NEW"),
        ")
         WHERE lane = NEW.lane AND region_code = NEW.region_code AND status = NEW.status
           AND rule = NEW.rule AND severity_rank = NEW.severity_rank;
     END"
    ),
];

/// PostgreSQL: as in `m0002`, statement-level over transition tables. An update moves the rows
/// whose key or `unlisted` changed: out of the old key with the old weight, into the new key
/// with the new one (for an `unlisted` change alone, `n` goes down and up by the same count).
const POSTGRES_WEIGHED: [&str; 6] = [
    concat!(
        "CREATE FUNCTION findings_tally_add() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       INSERT INTO finding_tallies (lane, region_code, status, rule, severity_rank, n, weight)
         SELECT lane, region_code, status, rule, severity_rank, COUNT(*), SUM(",
        weight!("new_rows"),
        ")
         FROM new_rows
         GROUP BY lane, region_code, status, rule, severity_rank
         ON CONFLICT (lane, region_code, status, rule, severity_rank)
         DO UPDATE SET n = finding_tallies.n + EXCLUDED.n,
                       weight = finding_tallies.weight + EXCLUDED.weight;
       RETURN NULL;
     END $$"
    ),
    concat!(
        "CREATE FUNCTION findings_tally_remove() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       UPDATE finding_tallies t SET n = t.n - o.n, weight = t.weight - o.weight
         FROM (SELECT lane, region_code, status, rule, severity_rank, COUNT(*) AS n,
                      SUM(",
        weight!("old_rows"),
        ") AS weight
               FROM old_rows GROUP BY lane, region_code, status, rule, severity_rank) o
         WHERE t.lane = o.lane AND t.region_code = o.region_code AND t.status = o.status
           AND t.rule = o.rule AND t.severity_rank = o.severity_rank;
       RETURN NULL;
     END $$"
    ),
    concat!(
        "CREATE FUNCTION findings_tally_move() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       UPDATE finding_tallies t SET n = t.n - m.n, weight = t.weight - m.weight
         FROM (SELECT o.lane, o.region_code, o.status, o.rule, o.severity_rank, COUNT(*) AS n,
                      SUM(",
        weight!("o"),
        ") AS weight
               FROM old_rows o JOIN new_rows w ON w.id = o.id
               WHERE (o.lane, o.region_code, o.status, o.rule, o.severity_rank, o.unlisted)
                     IS DISTINCT FROM
                     (w.lane, w.region_code, w.status, w.rule, w.severity_rank, w.unlisted)
               GROUP BY o.lane, o.region_code, o.status, o.rule, o.severity_rank) m
         WHERE t.lane = m.lane AND t.region_code = m.region_code AND t.status = m.status
           AND t.rule = m.rule AND t.severity_rank = m.severity_rank;
       INSERT INTO finding_tallies (lane, region_code, status, rule, severity_rank, n, weight)
         SELECT w.lane, w.region_code, w.status, w.rule, w.severity_rank, COUNT(*), SUM(",
        weight!("w"),
        ")
               FROM old_rows o JOIN new_rows w ON w.id = o.id
               WHERE (o.lane, o.region_code, o.status, o.rule, o.severity_rank, o.unlisted)
                     IS DISTINCT FROM
                     (w.lane, w.region_code, w.status, w.rule, w.severity_rank, w.unlisted)
         GROUP BY w.lane, w.region_code, w.status, w.rule, w.severity_rank
         ON CONFLICT (lane, region_code, status, rule, severity_rank)
         DO UPDATE SET n = finding_tallies.n + EXCLUDED.n,
                       weight = finding_tallies.weight + EXCLUDED.weight;
       RETURN NULL;
     END $$"
    ),
    "CREATE TRIGGER findings_tally_insert AFTER INSERT ON findings
       REFERENCING NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION findings_tally_add()",
    "CREATE TRIGGER findings_tally_delete AFTER DELETE ON findings
       REFERENCING OLD TABLE AS old_rows
       FOR EACH STATEMENT EXECUTE FUNCTION findings_tally_remove()",
    "CREATE TRIGGER findings_tally_update AFTER UPDATE ON findings
       REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION findings_tally_move()",
];

/// The tallies counted again from the findings. Keys whose findings are all gone (left at
/// zero by the triggers) are not carried over.
const RECOUNT: [&str; 2] = [
    "DELETE FROM finding_tallies",
    concat!(
        "INSERT INTO finding_tallies (lane, region_code, status, rule, severity_rank, n, weight)
     SELECT lane, region_code, status, rule, severity_rank, COUNT(*), SUM(",
        weight!("findings"),
        ")
     FROM findings
     GROUP BY lane, region_code, status, rule, severity_rank"
    ),
];

async fn run(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for sql in statements {
        db.execute_unprepared(sql).await?;
    }
    Ok(())
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let postgres = manager.get_database_backend() == DbBackend::Postgres;
        run(
            manager,
            if postgres {
                &POSTGRES_DROPS
            } else {
                &SQLITE_DROPS
            },
        )
        .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("finding_tallies")
                    .add_column(ColumnDef::new("weight").big_integer().not_null().default(0))
                    .to_owned(),
            )
            .await?;
        run(manager, &RECOUNT).await?;
        if postgres {
            run(manager, &POSTGRES_WEIGHED).await
        } else {
            run(manager, &SQLITE_WEIGHED).await
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let postgres = manager.get_database_backend() == DbBackend::Postgres;
        run(
            manager,
            if postgres {
                &POSTGRES_DROPS
            } else {
                &SQLITE_DROPS
            },
        )
        .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("finding_tallies")
                    .drop_column("weight")
                    .to_owned(),
            )
            .await?;
        if postgres {
            run(manager, &POSTGRES_TRIGGERS).await
        } else {
            run(manager, &SQLITE_TRIGGERS).await
        }
    }
}
