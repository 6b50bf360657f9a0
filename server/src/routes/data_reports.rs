use app::accounts::Role;
use app::data_reports::{DataReport, DownloadQuery, ReportFormat, ReportVersion};
use app::paths;
use axum::Json;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::openapi::{self, tag};
use crate::services::data_reports;
use crate::state::AppState;

/// The reports are for signed-in users; the files are never public.
pub fn router(state: &AppState) -> OpenApiRouter<AppState> {
    super::guarded(
        state,
        Role::Member,
        OpenApiRouter::new()
            .routes(routes!(versions))
            .routes(routes!(report))
            .routes(routes!(download)),
    )
}

/// The stored versions of the report, newest first.
#[utoipa::path(
    get,
    operation_id = "list_data_reports",
    path = paths::DATA_REPORTS,
    tag = tag::DATA_REPORTS,
    responses(
        (status = 200, description = "The versions.", body = Vec<ReportVersion>),
        (status = 500, response = openapi::Internal),
    )
)]
async fn versions(State(state): State<AppState>) -> Result<Json<Vec<ReportVersion>>, ApiError> {
    Ok(Json(data_reports::versions(&state.db).await?))
}

/// The report's data, as the JSON file stored for it.
#[utoipa::path(
    get,
    operation_id = "get_data_report",
    context_path = paths::DATA_REPORTS,
    path = "/{id}",
    tag = tag::DATA_REPORTS,
    params(("id" = i64, Path, description = "The version's id.")),
    responses(
        (status = 200, description = "The report.", body = DataReport),
        (status = 404, response = openapi::NotFound),
        (status = 500, response = openapi::Internal),
    )
)]
async fn report(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    let (_, body) = data_reports::document(&state.db, state.jobs.store(), id, ReportFormat::Json)
        .await?
        .ok_or(ApiError::NotFound("report"))?;
    Ok(([(CONTENT_TYPE, "application/json")], body).into_response())
}

/// One format of the report, as a file to save.
#[utoipa::path(
    get,
    operation_id = "download_data_report",
    context_path = paths::DATA_REPORTS,
    path = "/{id}/download",
    tag = tag::DATA_REPORTS,
    params(
        ("id" = i64, Path, description = "The version's id."),
        DownloadQuery
    ),
    responses(
        (
            status = 200,
            description = "The file, in the format asked for.",
            content(
                (DataReport = "application/json"),
                (String = "text/html"),
                (Object = "application/x-ipynb+json"),
            ),
            headers((
                "Content-Disposition" = String,
                description = "An attachment, with the file's name."
            ))
        ),
        (status = 404, response = openapi::NotFound),
        (status = 422, response = openapi::Invalid),
        (status = 500, response = openapi::Internal),
    )
)]
async fn download(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<DownloadQuery>,
) -> Result<Response, ApiError> {
    let (name, body) = data_reports::document(&state.db, state.jobs.store(), id, query.format)
        .await?
        .ok_or(ApiError::NotFound("report"))?;
    Ok((
        [
            (CONTENT_TYPE, query.format.content_type().to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response())
}
