//! Running counts of findings by lane, region, status, rule and severity, kept by triggers.
//!
//! An inspector's list says how many findings match and pages through them in severity or rule
//! order. Counting half a million rows for every page took most of the list's time budget, and
//! walking an index in sort order fails when the first rules or severities in that order have
//! nothing in the viewer's region. The tallies answer both: totals are a sum over a few hundred
//! rows, and they tell the list which severity or rule holds the page, so it reads just that
//! part of the index (see `findings::list_findings`). Triggers rather than application code keep
//! them, so no write path (merges, transitions, waivers, bulk SQL) can forget one.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, integer, string};
use sea_orm_migration::sea_orm::DbBackend;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &'static str {
        "m0002_finding_tallies"
    }
}

fn key() -> IndexCreateStatement {
    let mut i = Index::create();
    for c in ["lane", "region_code", "status", "rule", "severity_rank"] {
        i.col(c);
    }
    i
}

fn index(name: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table("findings");
    for c in cols {
        i.col(*c);
    }
    i
}

/// SQLite: one trigger per event. `INSERT OR IGNORE` then `UPDATE`, because SQLite does not
/// accept an upsert's conflict target on every version shipped with the bindings.
pub(super) const SQLITE_TRIGGERS: [&str; 3] = [
    "CREATE TRIGGER findings_tally_insert AFTER INSERT ON findings BEGIN
       INSERT OR IGNORE INTO finding_tallies (lane, region_code, status, rule, severity_rank, n)
         VALUES (NEW.lane, NEW.region_code, NEW.status, NEW.rule, NEW.severity_rank, 0);
       UPDATE finding_tallies SET n = n + 1
         WHERE lane = NEW.lane AND region_code = NEW.region_code AND status = NEW.status
           AND rule = NEW.rule AND severity_rank = NEW.severity_rank;
     END",
    "CREATE TRIGGER findings_tally_delete AFTER DELETE ON findings BEGIN
       UPDATE finding_tallies SET n = n - 1
         WHERE lane = OLD.lane AND region_code = OLD.region_code AND status = OLD.status
           AND rule = OLD.rule AND severity_rank = OLD.severity_rank;
     END",
    "CREATE TRIGGER findings_tally_update
       AFTER UPDATE OF lane, region_code, status, rule, severity_rank ON findings BEGIN
       UPDATE finding_tallies SET n = n - 1
         WHERE lane = OLD.lane AND region_code = OLD.region_code AND status = OLD.status
           AND rule = OLD.rule AND severity_rank = OLD.severity_rank;
       INSERT OR IGNORE INTO finding_tallies (lane, region_code, status, rule, severity_rank, n)
         VALUES (NEW.lane, NEW.region_code, NEW.status, NEW.rule, NEW.severity_rank, 0);
       UPDATE finding_tallies SET n = n + 1
         WHERE lane = NEW.lane AND region_code = NEW.region_code AND status = NEW.status
           AND rule = NEW.rule AND severity_rank = NEW.severity_rank;
     END",
];

/// PostgreSQL: statement-level triggers over transition tables, adding each statement's rows
/// group by group. Row-level triggers would update the same few tally rows once per finding;
/// within one transaction (a 1M-row upload) every update leaves a row version the next must
/// step over, and the upload slows quadratically. Updates count only rows whose key changed, so
/// the many one-row updates of a merge cost a join of two one-row tables and no write.
pub(super) const POSTGRES_TRIGGERS: [&str; 6] = [
    "CREATE FUNCTION findings_tally_add() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       INSERT INTO finding_tallies (lane, region_code, status, rule, severity_rank, n)
         SELECT lane, region_code, status, rule, severity_rank, COUNT(*) FROM new_rows
         GROUP BY lane, region_code, status, rule, severity_rank
         ON CONFLICT (lane, region_code, status, rule, severity_rank)
         DO UPDATE SET n = finding_tallies.n + EXCLUDED.n;
       RETURN NULL;
     END $$",
    "CREATE FUNCTION findings_tally_remove() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       UPDATE finding_tallies t SET n = t.n - o.n
         FROM (SELECT lane, region_code, status, rule, severity_rank, COUNT(*) AS n
               FROM old_rows GROUP BY lane, region_code, status, rule, severity_rank) o
         WHERE t.lane = o.lane AND t.region_code = o.region_code AND t.status = o.status
           AND t.rule = o.rule AND t.severity_rank = o.severity_rank;
       RETURN NULL;
     END $$",
    "CREATE FUNCTION findings_tally_move() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       UPDATE finding_tallies t SET n = t.n - m.n
         FROM (SELECT o.lane, o.region_code, o.status, o.rule, o.severity_rank, COUNT(*) AS n
               FROM old_rows o JOIN new_rows w ON w.id = o.id
               WHERE (o.lane, o.region_code, o.status, o.rule, o.severity_rank)
                     IS DISTINCT FROM (w.lane, w.region_code, w.status, w.rule, w.severity_rank)
               GROUP BY o.lane, o.region_code, o.status, o.rule, o.severity_rank) m
         WHERE t.lane = m.lane AND t.region_code = m.region_code AND t.status = m.status
           AND t.rule = m.rule AND t.severity_rank = m.severity_rank;
       INSERT INTO finding_tallies (lane, region_code, status, rule, severity_rank, n)
         SELECT w.lane, w.region_code, w.status, w.rule, w.severity_rank, COUNT(*)
               FROM old_rows o JOIN new_rows w ON w.id = o.id
               WHERE (o.lane, o.region_code, o.status, o.rule, o.severity_rank)
                     IS DISTINCT FROM (w.lane, w.region_code, w.status, w.rule, w.severity_rank)
         GROUP BY w.lane, w.region_code, w.status, w.rule, w.severity_rank
         ON CONFLICT (lane, region_code, status, rule, severity_rank)
         DO UPDATE SET n = finding_tallies.n + EXCLUDED.n;
       RETURN NULL;
     END $$",
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

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("finding_tallies")
                    .col(string("lane"))
                    .col(string("region_code"))
                    .col(string("status"))
                    .col(string("rule"))
                    .col(integer("severity_rank"))
                    .col(big_integer("n"))
                    .primary_key(&mut key())
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "INSERT INTO finding_tallies (lane, region_code, status, rule, severity_rank, n)
             SELECT lane, region_code, status, rule, severity_rank, COUNT(*) FROM findings
             GROUP BY lane, region_code, status, rule, severity_rank",
        )
        .await?;
        let triggers: &[&str] = match manager.get_database_backend() {
            DbBackend::Postgres => &POSTGRES_TRIGGERS,
            _ => &SQLITE_TRIGGERS,
        };
        for sql in triggers {
            db.execute_unprepared(sql).await?;
        }
        // Within one rule the list pages by id; the old (rule, severity, status, id) index
        // served counts that the tallies now give.
        manager
            .drop_index(
                Index::drop()
                    .name("findings_rule")
                    .table("findings")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("findings_rule_id", &["rule", "id"]))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("findings_rule_id")
                    .table("findings")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "findings_rule",
                &["rule", "severity_rank", "status", "id"],
            ))
            .await?;
        let db = manager.get_connection();
        let drops: &[&str] = match manager.get_database_backend() {
            DbBackend::Postgres => &[
                "DROP TRIGGER findings_tally_insert ON findings",
                "DROP TRIGGER findings_tally_delete ON findings",
                "DROP TRIGGER findings_tally_update ON findings",
                "DROP FUNCTION findings_tally_add()",
                "DROP FUNCTION findings_tally_remove()",
                "DROP FUNCTION findings_tally_move()",
            ],
            _ => &[
                "DROP TRIGGER findings_tally_insert",
                "DROP TRIGGER findings_tally_delete",
                "DROP TRIGGER findings_tally_update",
            ],
        };
        for sql in drops {
            db.execute_unprepared(sql).await?;
        }
        manager
            .drop_table(Table::drop().table("finding_tallies").to_owned())
            .await
    }
}
