use app::data_reports::ReportVersion;
use app::paths;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::jobs::data_report::{self, FORMATS};
use crate::security::session::require_member;
use crate::startup::AppState;

/// The reports are for signed-in users; the files are never public.
pub fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .route(paths::DATA_REPORTS, get(versions))
        .route(&format!("{}/{{id}}", paths::DATA_REPORTS), get(report))
        .route(
            &format!("{}/{{id}}/download", paths::DATA_REPORTS),
            get(download),
        )
        .route_layer(from_fn_with_state(state.clone(), require_member))
}

async fn versions(State(state): State<AppState>) -> Result<Json<Vec<ReportVersion>>, ApiError> {
    Ok(Json(data_report::versions(&state.db).await?))
}

/// The report's data, as the JSON file stored for it.
async fn report(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    let (_, body) = data_report::document(&state.db, state.jobs.store(), id, "json")
        .await?
        .ok_or(ApiError::NotFound("report"))?;
    Ok(([(CONTENT_TYPE, "application/json")], body).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DownloadQuery {
    format: String,
}

async fn download(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<DownloadQuery>,
) -> Result<Response, ApiError> {
    let Some((_, content_type)) = FORMATS.iter().find(|(format, _)| *format == query.format) else {
        let known: Vec<&str> = FORMATS.iter().map(|(format, _)| *format).collect();
        return Err(ApiError::field(
            "format",
            format!("must be one of {}", known.join(", ")),
        ));
    };
    let (name, body) = data_report::document(&state.db, state.jobs.store(), id, &query.format)
        .await?
        .ok_or(ApiError::NotFound("report"))?;
    Ok((
        [
            (CONTENT_TYPE, (*content_type).to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response())
}
