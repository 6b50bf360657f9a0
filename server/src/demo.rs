//! A small, realistic data set so that a fresh install has something to look at.

use std::collections::HashMap;

use anyhow::Context;
use app::accounts::{Role, UpdateUserRequest, User};
use app::ledger::{Kind, NewDistribution, NewDonation};
use app::settings::OrganisationSettings;
use app::shop::NewProduct;
use chrono::{Days, NaiveDate};
use sea_orm::DatabaseConnection;

use crate::clock::today;
use crate::database::group_commit::GroupCommit;
use crate::services::audit::Actor;
use crate::services::passwords::Passwords;
use crate::services::{accounts, ledger, low_stock, settings, shop};

/// One account per role, with the credentials the README gives: (email, name, password, role).
pub const ACCOUNTS: &[(&str, &str, &str, Role)] = &[
    (
        "admin@example.org",
        "Avery Admin",
        "hub-admin-demo",
        Role::Admin,
    ),
    (
        "staff@example.org",
        "Sam Staff",
        "hub-staff-demo",
        Role::Staff,
    ),
    (
        "member@example.org",
        "Mel Member",
        "hub-member-demo",
        Role::Member,
    ),
    (
        "former@example.org",
        "Fran Former",
        "hub-former-demo",
        Role::Staff,
    ),
];

/// The history's name for changes the demo data makes without an account.
const DEMO: &str = "demo data";

/// Who records the demo's ledger and who fills its shop, by the accounts above.
const LEDGER_BY: &str = "staff@example.org";
const SHOP_BY: &str = "admin@example.org";

/// A volunteer who has left: deactivated, so the users page shows one.
const DEACTIVATED: &str = "former@example.org";

/// The member's shopping: (product, quantity) ordered, then (product, quantity) left in the cart.
const ORDERED: &[(&str, i64)] = &[("Canvas tote bag", 2), ("Ceramic mug", 1)];
const IN_CART: &[(&str, i64)] = &[("Hygiene kit", 1)];

/// (days ago, donor, kind, quantity)
type DemoDonation = (u64, &'static str, Kind, &'static str);

const DONATIONS: &[DemoDonation] = &[
    (40, "Riverside Bakery", Kind::Food, "120"),
    (38, "Maria Okafor", Kind::Money, "250.00"),
    (35, "St. Anne's Parish", Kind::Clothing, "85"),
    (30, "Riverside Bakery", Kind::Food, "95"),
    (28, "Greenway Pharmacy", Kind::Hygiene, "60"),
    (21, "Tom Becker", Kind::Money, "40.50"),
    (20, "maria okafor", Kind::Food, "30"),
    (14, "Northside Hardware", Kind::Household, "24"),
    (10, "Community Garden Co-op", Kind::Food, "48.5"),
    (7, "Anonymous", Kind::Money, "1000.00"),
    (3, "Greenway Pharmacy", Kind::Hygiene, "35"),
    (1, "Lena Fischer", Kind::Other, "12"),
];

/// (days ago, kind, quantity, recipient)
const DISTRIBUTIONS: &[(u64, Kind, &str, &str)] = &[
    (29, Kind::Food, "80", "Tuesday food pantry"),
    (25, Kind::Clothing, "30", "Winter coat drive"),
    (18, Kind::Hygiene, "25", "Shelter on 5th Street"),
    (12, Kind::Money, "150.00", "Utility bill assistance"),
    (6, Kind::Food, "70.5", "Tuesday food pantry"),
    (2, Kind::Household, "10", "Family move-in kits"),
];

/// (name, description, price, stock, low-stock threshold): a small community shop, whose coats
/// are running low from the start so the low-stock marks are there to see.
const PRODUCTS: &[(&str, &str, &str, i64, Option<i64>)] = &[
    (
        "Canvas tote bag",
        "Sturdy reusable bag printed by our volunteers.",
        "8.00",
        40,
        Some(10),
    ),
    (
        "Winter coat (adult)",
        "Donated, cleaned and checked; sizes vary.",
        "12.50",
        9,
        Some(10),
    ),
    (
        "Children's book bundle",
        "Five picture books for ages 3 to 7.",
        "5.00",
        15,
        None,
    ),
    (
        "Hygiene kit",
        "Soap, toothbrush, toothpaste, shampoo and a towel.",
        "3.00",
        60,
        Some(20),
    ),
    (
        "Ceramic mug",
        "Made at the Thursday pottery class.",
        "6.00",
        12,
        None,
    ),
    (
        "Seed packet collection",
        "Tomato, bean and herb seeds from the community garden.",
        "2.50",
        30,
        None,
    ),
];

/// (kind, threshold), set once the ledger is recorded: household goods are below theirs.
const THRESHOLDS: &[(Kind, &str)] = &[
    (Kind::Food, "50"),
    (Kind::Household, "20"),
    (Kind::Money, "100.00"),
];

/// The donation at this index of [`DONATIONS`] is recounted after it is recorded, so that the
/// history shows a correction from the start: (index, quantity, note).
const RECOUNT: (usize, &str, &str) = (3, "98", "Recounted at the pantry");

/// The member places one order and leaves a line in the cart, so that the orders, receipt and
/// cart pages have something to show.
async fn shop_as_member(db: &DatabaseConnection, ids: &HashMap<&str, i64>) -> anyhow::Result<()> {
    let users = accounts::list_users(db).await?;
    let Some(member) = users.iter().find(|user| user.email == "member@example.org") else {
        return Ok(());
    };
    let writer = GroupCommit::new(db);
    fill_cart(db, &writer, member.id, ids, ORDERED).await?;
    shop::checkout(db, &writer, member, None).await?;
    fill_cart(db, &writer, member.id, ids, IN_CART).await
}

async fn fill_cart(
    db: &DatabaseConnection,
    writer: &GroupCommit,
    user_id: i64,
    ids: &HashMap<&str, i64>,
    lines: &[(&str, i64)],
) -> anyhow::Result<()> {
    for &(name, quantity) in lines {
        let id = ids.get(name).copied().context("a demo product")?;
        shop::add_to_cart(db, writer, user_id, id, quantity).await?;
    }
    Ok(())
}

fn days_ago(today: NaiveDate, days: u64) -> NaiveDate {
    today.checked_sub_days(Days::new(days)).unwrap_or(today)
}

fn new_donation(
    today: NaiveDate,
    &(days, donor, kind, quantity): &DemoDonation,
) -> anyhow::Result<NewDonation> {
    Ok(NewDonation {
        donor_name: donor.to_owned(),
        kind,
        quantity: quantity.parse()?,
        donated_on: Some(days_ago(today, days)),
        note: None,
    })
}

/// The organisation the demo receipts are printed for.
fn organisation() -> OrganisationSettings {
    OrganisationSettings {
        name: "Riverside Community Pantry".to_owned(),
        address: "14 Mill Lane\nRiverside, OR 97000".to_owned(),
        contact_email: Some("hello@riverside-pantry.example".to_owned()),
        charity_number: Some("EIN 00-0000000".to_owned()),
    }
}

/// The demo account with `email` among `users`, or the demo data itself when the database had
/// accounts of its own.
fn actor(users: &[User], email: &str) -> Actor {
    users
        .iter()
        .find(|user| user.email == email)
        .map_or_else(|| Actor::system(DEMO), Actor::from)
}

/// Loads the demo accounts into a database without accounts, and the demo ledger into an empty
/// ledger.
pub async fn load_if_empty(db: &DatabaseConnection) -> anyhow::Result<()> {
    if !accounts::has_users(db).await? {
        for &(email, name, password, role) in ACCOUNTS {
            let by = Actor::system(DEMO);
            let user = accounts::create_user(
                db,
                &Passwords::default(),
                Some(&by),
                email,
                name,
                password,
                role,
            )
            .await?;
            if email == DEACTIVATED {
                let leave = UpdateUserRequest {
                    role: None,
                    active: Some(false),
                };
                accounts::update_user(db, &by, user.id, &leave).await?;
            }
        }
        tracing::info!("created the demo accounts");
    }
    let users = accounts::list_users(db).await?;
    if settings::organisation(db).await?.name.is_empty() {
        settings::set_organisation(db, &Actor::system(DEMO), &organisation()).await?;
        tracing::info!("filled in the demo organisation's details");
    }
    if !shop::has_products(db).await? {
        let by = actor(&users, SHOP_BY);
        let mut ids = HashMap::new();
        for &(name, description, price, stock, low_stock_threshold) in PRODUCTS {
            let product = NewProduct {
                name: name.to_owned(),
                description: description.to_owned(),
                price: price.parse()?,
                stock,
                image_url: None,
                low_stock_threshold,
            };
            ids.insert(name, shop::create_product(db, &by, product).await?.id);
        }
        shop_as_member(db, &ids).await?;
        tracing::info!("created the demo products and the member's order");
    }
    if !ledger::is_empty(db).await? {
        return Ok(());
    }
    let today = today();
    let by = actor(&users, LEDGER_BY);
    let mut recorded = Vec::new();
    for donation in DONATIONS {
        recorded
            .push(ledger::record_donation(db, &by, new_donation(today, donation)?, today).await?);
    }
    let (index, quantity, note) = RECOUNT;
    if let (Some(donation), Some(demo)) = (recorded.get(index), DONATIONS.get(index)) {
        let recount = NewDonation {
            quantity: quantity.parse()?,
            note: Some(note.to_owned()),
            ..new_donation(today, demo)?
        };
        ledger::update_donation(db, &by, donation.id, None, recount, today).await?;
    }
    for &(days, kind, quantity, recipient) in DISTRIBUTIONS {
        let distribution = NewDistribution {
            kind,
            quantity: quantity.parse()?,
            distributed_on: Some(days_ago(today, days)),
            recipient: Some(recipient.to_owned()),
            note: None,
        };
        ledger::record_distribution(db, &by, distribution, today).await?;
    }
    for &(kind, threshold) in THRESHOLDS {
        low_stock::set_kind_threshold(db, &by, kind, Some(threshold.parse()?)).await?;
    }
    tracing::info!("loaded the demo data set");
    Ok(())
}
