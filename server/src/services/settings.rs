//! The organisation's details, kept in one row that an admin edits.

use app::settings::OrganisationSettings;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, Set};

use super::audit::{self, Actor, Event};
use crate::clock::now;
use crate::database;
use crate::entities::organisation_settings::{self, ID};

fn to_settings(model: organisation_settings::Model) -> OrganisationSettings {
    OrganisationSettings {
        name: model.name,
        address: model.address,
        contact_email: model.contact_email,
        charity_number: model.charity_number,
    }
}

/// The organisation's details; all empty until an admin first saves them.
pub async fn organisation(db: &impl ConnectionTrait) -> Result<OrganisationSettings, DbErr> {
    Ok(organisation_settings::Entity::find_by_id(ID)
        .one(db)
        .await?
        .map(to_settings)
        .unwrap_or_default())
}

/// Replaces the organisation's details with `settings` (already validated), trimmed as
/// [`OrganisationSettings::normalized`] says; the change is kept in the history.
pub async fn set_organisation(
    db: &DatabaseConnection,
    actor: &Actor,
    settings: &OrganisationSettings,
) -> Result<OrganisationSettings, DbErr> {
    let settings = settings.normalized();
    let txn = database::write(db).await?;
    let old = organisation_settings::Entity::find_by_id(ID)
        .one(&txn)
        .await?;
    let row = organisation_settings::ActiveModel {
        id: Set(ID),
        name: Set(settings.name),
        address: Set(settings.address),
        contact_email: Set(settings.contact_email),
        charity_number: Set(settings.charity_number),
        updated_at: Set(now()),
    };
    // An upsert, so two admins saving the first version at once cannot both insert the row.
    organisation_settings::Entity::insert(row)
        .on_conflict(
            OnConflict::column(organisation_settings::Column::Id)
                .update_columns([
                    organisation_settings::Column::Name,
                    organisation_settings::Column::Address,
                    organisation_settings::Column::ContactEmail,
                    organisation_settings::Column::CharityNumber,
                    organisation_settings::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    let new = organisation_settings::Entity::find_by_id(ID)
        .one(&txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the settings just written".into()))?;
    let event = match &old {
        Some(old) => Event::updated(old, &new),
        None => Event::created(&new),
    };
    audit::record(&txn, actor, event).await?;
    txn.commit().await?;
    Ok(to_settings(new))
}
