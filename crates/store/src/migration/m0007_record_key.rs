//! A case remembers the record it is about (`record_key`: a digest of the ledger's dataset, its
//! institution and the record's business key), so that a later upload resolves it only when it
//! holds that record again without the finding: next month's register, which holds other
//! women, leaves this month's cases as they are. Cases stored before have none, and resolve as
//! before.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &'static str {
        "m0007_record_key"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("findings")
                    .add_column(ColumnDef::new("record_key").string().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("findings")
                    .drop_column("record_key")
                    .to_owned(),
            )
            .await
    }
}
