//! The ledger of a large food bank, for `cargo xtask bench`: writes donations and distributions
//! straight into a database (many rows per statement, one transaction, not through the API), then
//! sets the stock and rebuilds the reports' totals from them as a restore does.
//!
//! `--database <url> --donations N --distributions M --donors D --years Y`; the records spread
//! evenly over the Y years up to today, the donations over D donors, both over every kind, in a
//! fixed pseudo-random pattern so that every run loads the same ledger.

use std::fmt::Write;

use anyhow::{Context, Result};
use app::ledger::Kind;
use chrono::{Days, Utc};
use sea_orm::{ConnectionTrait, TransactionTrait};
use server::config::DatabaseConfig;
use server::database::connect_and_migrate;
use server::services::aggregates;

struct Options {
    database: String,
    donations: u64,
    distributions: u64,
    donors: u64,
    years: u64,
}

fn options() -> Result<Options> {
    let mut options = Options {
        database: String::new(),
        donations: 1_000_000,
        distributions: 200_000,
        donors: 20_000,
        years: 5,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .with_context(|| format!("{flag} needs a value"))?;
        let count = || {
            value
                .parse::<u64>()
                .with_context(|| format!("{flag} is a count"))
        };
        match flag.as_str() {
            "--database" => options.database = value.clone(),
            "--donations" => options.donations = count()?,
            "--distributions" => options.distributions = count()?,
            "--donors" => options.donors = count()?.max(1),
            "--years" => options.years = count()?.max(1),
            _ => anyhow::bail!("unknown flag {flag}"),
        }
    }
    Ok(options)
}

/// A small linear congruential generator: the same numbers every run, no dependency.
struct Numbers(u64);

impl Numbers {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % bound
    }
}

/// Rows per `INSERT`: well under SQLite's limit on a statement's length.
const ROWS_PER_INSERT: u64 = 500;

#[tokio::main]
async fn main() -> Result<()> {
    let options = options()?;
    let db = connect_and_migrate(&DatabaseConfig::at(&options.database)).await?;
    let today = Utc::now().date_naive();
    let days = options.years * 365;
    let day = |n: u64, of: u64| {
        let ago = days - 1 - n * days / of.max(1);
        today
            .checked_sub_days(Days::new(ago))
            .unwrap_or(today)
            .to_string()
    };
    let now = Utc::now().to_rfc3339();
    let mut numbers = Numbers(7);
    let kinds = Kind::ALL;
    let mut stock = [0_i64; 6];

    let txn = db.begin().await?;
    for start in (0..options.donations).step_by(ROWS_PER_INSERT as usize) {
        let mut sql = String::from(
            "INSERT INTO donations (donor_name, donor_key, kind, quantity, donated_on, note, \
             created_at, updated_at) VALUES ",
        );
        for n in start..(start + ROWS_PER_INSERT).min(options.donations) {
            let donor = numbers.below(options.donors);
            let kind = numbers.below(6) as usize;
            let quantity = 100 + numbers.below(10_000) as i64;
            stock[kind] += quantity;
            if n > start {
                sql.push(',');
            }
            write!(
                sql,
                "('Donor {donor:05}', 'donor {donor:05}', '{}', {quantity}, '{}', NULL, '{now}', '{now}')",
                kinds[kind].as_str(),
                day(n, options.donations)
            )?;
        }
        txn.execute_unprepared(&sql).await?;
    }
    for start in (0..options.distributions).step_by(ROWS_PER_INSERT as usize) {
        let mut sql = String::from(
            "INSERT INTO distributions (kind, quantity, distributed_on, recipient, note, \
             created_at, updated_at) VALUES ",
        );
        for n in start..(start + ROWS_PER_INSERT).min(options.distributions) {
            let kind = numbers.below(6) as usize;
            // A fifth as many, each at most half the average donation: the stock stays positive.
            let quantity = 100 + numbers.below(2_500) as i64;
            stock[kind] -= quantity;
            if n > start {
                sql.push(',');
            }
            write!(
                sql,
                "('{}', {quantity}, '{}', 'Pantry', NULL, '{now}', '{now}')",
                kinds[kind].as_str(),
                day(n, options.distributions)
            )?;
        }
        txn.execute_unprepared(&sql).await?;
    }
    for (kind, balance) in kinds.iter().zip(stock) {
        txn.execute_unprepared(&format!(
            "UPDATE stock SET balance = {balance} WHERE kind = '{}'",
            kind.as_str()
        ))
        .await?;
    }
    aggregates::rebuild(&txn).await?;
    txn.commit().await?;
    println!(
        "loaded {} donations from {} donors and {} distributions over {} years",
        options.donations, options.donors, options.distributions, options.years
    );
    Ok(())
}
