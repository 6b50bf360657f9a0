//! The organisation's details.

use app::paths;
use app::settings::OrganisationSettings;
use gloo_net::http::Request;

use super::{ApiError, JsonBody, answer, get, request};

pub async fn organisation() -> Result<OrganisationSettings, ApiError> {
    get(paths::ORGANISATION_SETTINGS).await
}

pub async fn set_organisation(
    input: &OrganisationSettings,
) -> Result<OrganisationSettings, ApiError> {
    answer(request(Request::put, paths::ORGANISATION_SETTINGS).json_body(input)).await
}
