//! Dates of birth for the greeting API.

use chrono::NaiveDate;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, QuerySelect, Set};

use crate::clock::now;
use crate::entities::greeting_user;

/// Saves `username`'s date of birth, replacing the one saved before. A single
/// `INSERT ... ON CONFLICT DO UPDATE`, so two first saves racing cannot collide.
pub async fn save_date_of_birth(
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
pub async fn date_of_birth(
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
