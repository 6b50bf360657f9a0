use app::accounts::Role;
use app::paths;
use app::settings::OrganisationSettings;
use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::openapi::{self, tag};
use crate::security::session::CurrentUser;
use crate::services::audit::Actor;
use crate::services::settings;
use crate::state::AppState;

/// Staff read the organisation's details, as their receipts print them; only admins change them.
pub fn router(state: &AppState) -> OpenApiRouter<AppState> {
    super::guarded(
        state,
        Role::Staff,
        OpenApiRouter::new().routes(routes!(organisation)),
    )
    .merge(super::guarded(
        state,
        Role::Admin,
        OpenApiRouter::new().routes(routes!(set_organisation)),
    ))
}

/// The organisation's name, address and contact details; every field empty until an admin
/// first saves them.
#[utoipa::path(
    get,
    path = paths::ORGANISATION_SETTINGS,
    tag = tag::SETTINGS,
    responses(
        (status = 200, description = "The details.", body = OrganisationSettings),
        (status = 500, response = openapi::Internal),
    )
)]
async fn organisation(
    State(state): State<AppState>,
) -> Result<Json<OrganisationSettings>, ApiError> {
    Ok(Json(settings::organisation(&state.db).await?))
}

/// Replaces the organisation's details. Surrounding spaces are trimmed, and an empty contact
/// email or charity number is removed. The change is kept in the history.
#[utoipa::path(
    put,
    path = paths::ORGANISATION_SETTINGS,
    tag = tag::SETTINGS,
    request_body = OrganisationSettings,
    responses(
        (status = 200, description = "The details as saved.", body = OrganisationSettings),
        (status = 400, response = openapi::BadRequest),
        (status = 415, response = openapi::UnsupportedMediaType),
        (status = 422, response = openapi::Invalid),
        (status = 500, response = openapi::Internal),
    )
)]
async fn set_organisation(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiJson(input): ApiJson<OrganisationSettings>,
) -> Result<Json<OrganisationSettings>, ApiError> {
    input.validate()?;
    Ok(Json(
        settings::set_organisation(&state.db, &Actor::from(&user), &input).await?,
    ))
}
