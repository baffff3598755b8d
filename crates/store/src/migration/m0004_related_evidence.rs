//! Cross-ledger findings rest on rows of several files: a termination and the scan before it,
//! a stock count and every movement of its month. The finding keeps its own row in `file`,
//! `sheet`, `row_no` and `cells`, and the other rows here, as a JSON array of
//! `{dataset, file, sheet, row, cells}`. They are read with the finding, never queried.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &'static str {
        "m0004_related_evidence"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("findings")
                    .add_column(ColumnDef::new("related").text().not_null().default("[]"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("findings")
                    .drop_column("related")
                    .to_owned(),
            )
            .await
    }
}
