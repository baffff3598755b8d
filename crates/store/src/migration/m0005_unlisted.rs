//! A rule that fires more often on one sheet than a run lists adds one summary finding,
//! "另有 N 处同类问题未逐一列出"; `unlisted` keeps its N (0 on every listed finding), so the case
//! still says how many findings it stands for and counts can weigh it.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &'static str {
        "m0005_unlisted"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("findings")
                    .add_column(ColumnDef::new("unlisted").integer().not_null().default(0))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("findings")
                    .drop_column("unlisted")
                    .to_owned(),
            )
            .await
    }
}
