//! Schema migrations, run at start-up. Each has a `down` so it can be rolled back.

use sea_orm_migration::prelude::*;

mod m0001_ledger;
mod m0002_birthdays;
mod m0003_accounts;
mod m0004_shop;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_ledger::Migration),
            Box::new(m0002_birthdays::Migration),
            Box::new(m0003_accounts::Migration),
            Box::new(m0004_shop::Migration),
        ]
    }
}
