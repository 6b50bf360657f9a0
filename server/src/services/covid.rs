//! The COVID-19 figures the `covid-etl` job loaded, as the API reads them.

use app::covid::{DailyFigures, DailyQuery};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use crate::entities::covid_daily;

/// The stored figures in date order, within the query's range.
pub async fn daily(
    db: &impl ConnectionTrait,
    query: &DailyQuery,
) -> Result<Vec<DailyFigures>, DbErr> {
    let mut select = covid_daily::Entity::find().order_by_asc(covid_daily::Column::Date);
    if let Some(from) = query.from {
        select = select.filter(covid_daily::Column::Date.gte(from));
    }
    if let Some(to) = query.to {
        select = select.filter(covid_daily::Column::Date.lte(to));
    }
    Ok(select
        .all(db)
        .await?
        .into_iter()
        .map(|row| DailyFigures {
            date: row.date,
            cases: row.cases,
            deaths: row.deaths,
            recovered: row.recovered,
        })
        .collect())
}
