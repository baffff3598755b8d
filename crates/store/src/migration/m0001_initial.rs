//! The first schema: tenants, people, uploads and what they contain, findings with their
//! history, waivers, registries and the audit trail (DESIGN.md §6).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, boolean, date, integer, integer_null, pk_auto, string,
    string_null, text, text_null, timestamp_with_time_zone, timestamp_with_time_zone_null,
};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &'static str {
        "m0001_initial"
    }
}

/// Tables in creation order; `down` drops them in reverse so foreign keys never dangle.
const TABLES: [&str; 12] = [
    "organisations",
    "users",
    "api_tokens",
    "sessions",
    "uploads",
    "sheets",
    "records",
    "findings",
    "finding_events",
    "waivers",
    "registries",
    "audit_events",
];

fn fk(from: &'static str, column: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from, column)
        .to(to, "id")
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn index(table: &'static str, name: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(*c);
    }
    i.clone()
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Regulators carry their administrative region (37, 3709, 370921); institutions their
        // credit code and the region it encodes.
        manager
            .create_table(
                Table::create()
                    .table("organisations")
                    .col(pk_auto("id"))
                    .col(string("kind"))
                    .col(string("name"))
                    .col(string("region_code"))
                    .col(string_null("uscc").unique_key())
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("users")
                    .col(pk_auto("id"))
                    .col(string("email").unique_key())
                    .col(string("password_hash"))
                    .col(string("role"))
                    .col(integer_null("organisation_id"))
                    .col(string("region_code"))
                    .col(boolean("disabled"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("users", "organisation_id", "organisations"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("api_tokens")
                    .col(pk_auto("id"))
                    .col(integer("user_id"))
                    .col(string("token_hash").unique_key())
                    .col(string("name"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("last_used_at"))
                    .foreign_key(&mut fk("api_tokens", "user_id", "users"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("sessions")
                    .col(pk_auto("id"))
                    .col(string("token_hash").unique_key())
                    .col(integer("user_id"))
                    .col(string("csrf_token"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .foreign_key(&mut fk("sessions", "user_id", "users"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("uploads")
                    .col(pk_auto("id"))
                    .col(string("sha256"))
                    .col(string("file_name"))
                    .col(big_integer("size"))
                    .col(string("mode"))
                    .col(string("status"))
                    .col(text_null("error_zh"))
                    .col(text_null("error_en"))
                    .col(integer("uploader_id"))
                    .col(integer_null("institution_id"))
                    .col(string("region_code"))
                    .col(string("pack"))
                    .col(date("as_of"))
                    .col(big_integer("rows_read"))
                    .col(integer("findings_count"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("finished_at"))
                    .col(timestamp_with_time_zone_null("submitted_at"))
                    .foreign_key(&mut fk("uploads", "uploader_id", "users"))
                    .foreign_key(&mut fk("uploads", "institution_id", "organisations"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("uploads", "uploads_sha256", &["sha256"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("sheets")
                    .col(pk_auto("id"))
                    .col(integer("upload_id"))
                    .col(string("name"))
                    .col(string_null("dataset"))
                    .col(big_integer("rows"))
                    .col(integer_null("header_row"))
                    .col(string("institution"))
                    .foreign_key(&mut fk("sheets", "upload_id", "uploads"))
                    .to_owned(),
            )
            .await?;
        // Ledger records as ingest left them (names masked, ID numbers hashed), in runs of
        // consecutive rows, so sweeps can judge them again later.
        manager
            .create_table(
                Table::create()
                    .table("records")
                    .col(pk_auto("id"))
                    .col(integer("upload_id"))
                    .col(integer("sheet_id"))
                    .col(integer("first_row"))
                    .col(integer("last_row"))
                    .col(integer("records"))
                    .col(text("fields"))
                    .foreign_key(&mut fk("records", "upload_id", "uploads"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "records",
                "records_sheet",
                &["sheet_id", "first_row"],
            ))
            .await?;
        // A finding is a case: it lives across uploads of the same institution and lane,
        // recognised by its fingerprint.
        manager
            .create_table(
                Table::create()
                    .table("findings")
                    .col(pk_auto("id"))
                    .col(string("lane"))
                    .col(string("region_code"))
                    .col(integer_null("institution_id"))
                    .col(integer("first_upload_id"))
                    .col(integer("last_upload_id"))
                    .col(string("rule"))
                    .col(string("severity"))
                    .col(integer("severity_rank"))
                    .col(string_null("dataset"))
                    .col(string("file"))
                    .col(string_null("sheet"))
                    .col(integer_null("row_no"))
                    .col(text("cells"))
                    .col(text("message"))
                    .col(text("message_en"))
                    .col(text("citation"))
                    .col(string("fingerprint"))
                    .col(string("status"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("findings", "institution_id", "organisations"))
                    .foreign_key(&mut fk("findings", "last_upload_id", "uploads"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "findings",
                "findings_region_status",
                &["region_code", "lane", "status", "id"],
            ))
            .await?;
        manager
            .create_index(index(
                "findings",
                "findings_institution_fp",
                &["institution_id", "lane", "fingerprint"],
            ))
            .await?;
        manager
            .create_index(index(
                "findings",
                "findings_last_upload",
                &["last_upload_id"],
            ))
            .await?;
        // The list's default order (most severe, newest first) is read off this index and
        // stops after a page, instead of sorting every visible finding.
        manager
            .create_index(index("findings", "findings_rank", &["severity_rank", "id"]))
            .await?;
        manager
            .create_index(index(
                "findings",
                "findings_lane_region",
                &["lane", "region_code", "status", "severity_rank"],
            ))
            .await?;
        manager
            .create_index(index(
                "findings",
                "findings_rule",
                &["rule", "severity_rank", "status", "id"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("finding_events")
                    .col(pk_auto("id"))
                    .col(integer("finding_id"))
                    .col(string_null("from_status"))
                    .col(string("to_status"))
                    .col(text("note"))
                    .col(integer_null("actor_id"))
                    .col(integer_null("upload_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("finding_events", "finding_id", "findings"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "finding_events",
                "finding_events_finding",
                &["finding_id", "id"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("waivers")
                    .col(pk_auto("id"))
                    .col(integer("institution_id"))
                    .col(string("region_code"))
                    .col(string("rule"))
                    .col(date("period_start"))
                    .col(date("period_end"))
                    .col(text("justification"))
                    .col(string("document_no"))
                    .col(integer("requested_by"))
                    .col(integer_null("approved_by"))
                    .col(string("status"))
                    .col(date("expires_on"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("decided_at"))
                    .foreign_key(&mut fk("waivers", "institution_id", "organisations"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("registries")
                    .col(pk_auto("id"))
                    .col(string("region_code"))
                    .col(string("dataset"))
                    .col(integer("upload_id"))
                    .col(big_integer("rows"))
                    .col(boolean("active"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("registries", "upload_id", "uploads"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("audit_events")
                    .col(pk_auto("id"))
                    .col(integer_null("actor_id"))
                    .col(string("action"))
                    .col(string("subject_type"))
                    .col(big_integer_null("subject_id"))
                    .col(text_null("before"))
                    .col(text_null("after"))
                    .col(timestamp_with_time_zone("created_at"))
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
