use app::history::{HistoryEvent, HistoryFilter, HistoryPerson};
use app::paging::{Page, PageQuery};
use app::paths;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::csv_export::{self, csv_chunks_response};
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::openapi::{self, tag};
use crate::services::audit;
use crate::state::AppState;

/// Reading only: the history has no route that changes or removes an event.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(csv))
        .routes(routes!(people))
}

/// Changes to donations, distributions, products and accounts, newest first, one page at a
/// time: who made each, when, and the record before and after.
#[utoipa::path(
    get,
    operation_id = "list_history",
    path = paths::HISTORY,
    tag = tag::HISTORY,
    params(HistoryFilter, PageQuery),
    responses(
        (status = 200, description = "One page of changes.", body = Page<HistoryEvent>),
        (status = 422, response = openapi::Invalid),
        (status = 500, response = openapi::Internal),
    )
)]
async fn list(
    State(state): State<AppState>,
    ApiQuery(filter): ApiQuery<HistoryFilter>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<Page<HistoryEvent>>, ApiError> {
    filter.validate_page(&page)?;
    Ok(Json(audit::list(&state.db, &filter, page.paging()).await?))
}

/// The changes the same filters select, every one of them, in the same order, as a CSV file.
///
/// Sent as it is read, a chunk of changes at a time.
#[utoipa::path(
    get,
    operation_id = "history_csv",
    path = paths::HISTORY_CSV,
    tag = tag::HISTORY,
    params(HistoryFilter),
    responses(
        (
            status = 200,
            description = "Columns `occurred_at`, `actor_id`, `actor_name`, `record_type`, \
                `record_id`, `action`, `changes` (the fields that changed, as \
                `field: before → after`), then `before` and `after` as JSON objects.",
            body = String,
            content_type = "text/csv",
            headers((
                "Content-Disposition" = String,
                description = "An attachment, `history.csv`."
            ))
        ),
        (status = 422, response = openapi::Invalid),
        (status = 500, response = openapi::Internal),
    )
)]
async fn csv(
    State(state): State<AppState>,
    ApiQuery(filter): ApiQuery<HistoryFilter>,
) -> Result<Response, ApiError> {
    filter.validate()?;
    Ok(csv_chunks_response(
        "history.csv",
        csv_export::history_header(),
        audit::export(state.db.clone(), &filter),
        csv_export::history_record,
    ))
}

/// The accounts that made changes, by name, to filter the history by.
#[utoipa::path(
    get,
    operation_id = "history_people",
    path = paths::HISTORY_PEOPLE,
    tag = tag::HISTORY,
    responses(
        (status = 200, description = "Each account that made a change.", body = Vec<HistoryPerson>),
        (status = 500, response = openapi::Internal),
    )
)]
async fn people(State(state): State<AppState>) -> Result<Json<Vec<HistoryPerson>>, ApiError> {
    Ok(Json(audit::people(&state.db).await?))
}
