//! Dates of birth for the greeting API.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use quick_cache::sync::Cache;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, QuerySelect, Set};

use crate::clock::now;
use crate::entities::greeting_user;

/// Saves `username`'s date of birth, replacing the one saved before. A single
/// `INSERT ... ON CONFLICT DO UPDATE`, so two first saves racing cannot collide.
async fn save_date_of_birth(
    db: &impl ConnectionTrait,
    username: &str,
    date_of_birth: NaiveDate,
) -> Result<(), DbErr> {
    let row = greeting_user::ActiveModel {
        username: Set(username.to_owned()),
        date_of_birth: Set(date_of_birth),
        updated_at: Set(now()),
    };
    greeting_user::Entity::insert(row)
        .on_conflict(
            OnConflict::column(greeting_user::Column::Username)
                .update_columns([
                    greeting_user::Column::DateOfBirth,
                    greeting_user::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The saved date of birth of `username`, if any: one read by primary key.
async fn date_of_birth(
    db: &impl ConnectionTrait,
    username: &str,
) -> Result<Option<NaiveDate>, DbErr> {
    greeting_user::Entity::find_by_id(username)
        .select_only()
        .column(greeting_user::Column::DateOfBirth)
        .into_tuple()
        .one(db)
        .await
}

/// Dates of birth remembered for `ttl`, so that a hot username is read from the database about
/// once per `ttl` rather than on every request. A save through this instance is seen here at once;
/// another instance sharing the database sees it within `ttl`. A zero `ttl` reads every time.
#[derive(Clone)]
pub struct GreetingCache(Arc<CacheInner>);

struct CacheInner {
    ttl: Duration,
    entries: Cache<String, (Option<NaiveDate>, Instant)>,
    /// Counts saves, so that a read that raced a save does not put back the value it replaced.
    saves: Mutex<u64>,
}

/// Usernames remembered at most; the cache evicts the least used beyond.
const CACHED_USERNAMES: usize = 10_000;

impl GreetingCache {
    pub fn new(ttl: Duration) -> Self {
        Self(Arc::new(CacheInner {
            ttl,
            entries: Cache::new(CACHED_USERNAMES),
            saves: Mutex::new(0),
        }))
    }

    /// [`date_of_birth`], from memory while fresh.
    pub async fn date_of_birth(
        &self,
        db: &impl ConnectionTrait,
        username: &str,
    ) -> Result<Option<NaiveDate>, DbErr> {
        let inner = &self.0;
        if inner.ttl.is_zero() {
            return date_of_birth(db, username).await;
        }
        if let Some((date, read_at)) = inner.entries.get(username)
            && read_at.elapsed() < inner.ttl
        {
            return Ok(date);
        }
        let saves_before = *inner
            .saves
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        let read_at = Instant::now();
        let date = date_of_birth(db, username).await?;
        let saves = inner
            .saves
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if *saves == saves_before {
            inner.entries.insert(username.to_owned(), (date, read_at));
        }
        Ok(date)
    }

    /// [`save_date_of_birth`], and remembers the new date.
    pub async fn save(
        &self,
        db: &impl ConnectionTrait,
        username: &str,
        date: NaiveDate,
    ) -> Result<(), DbErr> {
        save_date_of_birth(db, username, date).await?;
        let inner = &self.0;
        let mut saves = inner
            .saves
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        *saves += 1;
        inner
            .entries
            .insert(username.to_owned(), (Some(date), Instant::now()));
        Ok(())
    }
}
