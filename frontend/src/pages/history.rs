//! The history of changes. The filters and the page live in the address's query, so a link (a
//! list row's "History") opens one record's history and the browser's address can be shared.

use app::date::parse_date;
use app::history::{
    FieldChange, HistoryColumn, HistoryEvent, HistoryFilter, RecordType, field_label,
};
use app::paging::PageQuery;
use app::routes;
use app::sorting::Sort;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;

use crate::api::{self, ApiError};
use crate::components::list_tools::{SortHeader, date_text};
use crate::components::loaded::{Loaded, resource};
use crate::components::page_intro::PageIntro;
use crate::components::pager::Pager;
use crate::local_time;

const PER_PAGE: u64 = 20;

/// The filter the address asks for; a value that does not read is left out.
fn filter_from(query: &ParamsMap) -> HistoryFilter {
    let id = |name| query.get(name).and_then(|text| text.parse().ok());
    let date = |name| query.get(name).and_then(|text| parse_date(&text).ok());
    HistoryFilter {
        actor: id("actor"),
        record_type: query
            .get("record_type")
            .and_then(|text| RecordType::try_from(text).ok()),
        record_id: id("record_id"),
        from: date("from"),
        to: date("to"),
        sort: query.get("sort").and_then(|text| text.parse().ok()),
    }
}

/// The address of `page` of what `filter` selects; the first page goes without its number.
fn link(filter: &HistoryFilter, page: u64) -> String {
    let page = PageQuery {
        page: (page > 1).then_some(page),
        per_page: None,
    };
    api::history::page_link(filter, page)
}

#[component]
pub fn History() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| query.with(filter_from));
    let page_asked = Memo::new(move |_| {
        query
            .with(|query| query.get("page").and_then(|text| text.parse().ok()))
            .filter(|page| *page >= 1)
            .unwrap_or(1)
    });
    let navigate = use_navigate();
    // A new history entry for each change, so Back undoes it.
    let go = move |filter: &HistoryFilter, page: u64| {
        let options = NavigateOptions {
            scroll: false,
            ..NavigateOptions::default()
        };
        navigate(&link(filter, page), options);
    };
    // The pager's page follows the address, and moving it moves the address.
    let page = RwSignal::new(page_asked.get_untracked());
    Effect::new(move |_| page.set(page_asked.get()));
    let to_page = go.clone();
    Effect::new(move |_| {
        let wanted = page.get();
        if wanted != page_asked.get_untracked() {
            to_page(&filter.get_untracked(), wanted);
        }
    });
    let refine = move |change: &dyn Fn(&mut HistoryFilter)| {
        let mut next = filter.get_untracked();
        change(&mut next);
        go(&next, 1);
    };
    let sort_with = refine.clone();
    let sort_by = Callback::new(move |sort: Sort<HistoryColumn>| {
        sort_with(&|filter| filter.sort = Some(sort));
    });
    let events = resource(move || {
        let filter = filter.get();
        let page = PageQuery {
            page: Some(page_asked.get()),
            per_page: Some(PER_PAGE),
        };
        // The server's rules, checked here first, so a date range the wrong way round is
        // explained at once rather than after a round trip.
        async move {
            filter.validate().map_err(ApiError::invalid)?;
            api::history::events(&filter, page).await
        }
    });
    view! {
        <PageIntro path=routes::HISTORY />
        <section class="card" aria-labelledby="history-heading">
            <div class="page-head">
                <h2 id="history-heading">"Changes"</h2>
                <a class="button secondary small" href=move || api::history::csv_url(&filter.get()) download>
                    "Download CSV"
                </a>
            </div>
            <HistoryFilters filter refine />
            <Loaded resource=events loading="Loading history…" empty=|| "No changes match." let:list>
                <div class="table-wrap" tabindex="0" role="group" aria-labelledby="history-caption">
                    <table class="stack history">
                        <caption id="history-caption">{move || caption(&filter.get())}</caption>
                        <thead><tr>{when_heading(filter, sort_by)}<th>"Who"</th><th>"Record"</th><th>"Change"</th><th>"Values"</th></tr></thead>
                        <tbody>{list.items.into_iter().map(|event| view! { <EventRow event /> }).collect_view()}</tbody>
                    </table>
                </div>
                <Pager page total=list.total per_page=PER_PAGE />
            </Loaded>
        </section>
    }
}

/// The "When" heading, which turns the order between newest and oldest first.
fn when_heading(
    filter: Memo<HistoryFilter>,
    sort_by: Callback<Sort<HistoryColumn>>,
) -> impl IntoView {
    let sort = Signal::derive(move || {
        if filter.with(HistoryFilter::newest_first) {
            Sort::descending(HistoryColumn::Time)
        } else {
            Sort::ascending(HistoryColumn::Time)
        }
    });
    view! { <SortHeader label="When" key=HistoryColumn::Time sort on_sort=sort_by descending_first=true /> }
}

/// What the table shows: "Changes to donation 12, newest first".
fn caption(filter: &HistoryFilter) -> String {
    let order = if filter.newest_first() {
        "newest first"
    } else {
        "oldest first"
    };
    match (filter.record_type, filter.record_id) {
        (Some(record_type), Some(id)) => format!(
            "Changes to {} {id}, {order}",
            record_type.label().to_ascii_lowercase()
        ),
        _ => format!("Changes, {order}"),
    }
}

#[component]
fn HistoryFilters<F>(filter: Memo<HistoryFilter>, refine: F) -> impl IntoView
where
    F: Fn(&dyn Fn(&mut HistoryFilter)) + Clone + Send + Sync + 'static,
{
    let people = resource(api::history::people);
    let (by_person, by_type, by_from, by_to, whole) = (
        refine.clone(),
        refine.clone(),
        refine.clone(),
        refine.clone(),
        refine,
    );
    view! {
        <div class="filters" role="search" aria-label="Filter the history">
            <div class="field">
                <label for="history-person">"Person"</label>
                <select id="history-person" on:change=move |event| {
                    let actor = event_target_value(&event).parse().ok();
                    by_person(&|filter| filter.actor = actor);
                }>
                    <option value="">"Anyone"</option>
                    {move || people.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|person| {
                        let id = person.id;
                        view! { <option value=id.to_string() selected=move || filter.get().actor == Some(id)>{person.name}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="history-type">"Record"</label>
                <select id="history-type" on:change=move |event| {
                    let record_type = RecordType::try_from(event_target_value(&event)).ok();
                    by_type(&|filter| {
                        filter.record_type = record_type;
                        filter.record_id = None;
                    });
                }>
                    <option value="">"Any record"</option>
                    {RecordType::ALL.into_iter().map(|record_type| view! {
                        <option value=record_type.as_str() selected=move || filter.get().record_type == Some(record_type)>
                            {record_type.label()}
                        </option>
                    }).collect_view()}
                </select>
            </div>
            {date_field("history-from", "From", move || filter.get().from, move |from| by_from(&|filter| filter.from = from))}
            {date_field("history-to", "To", move || filter.get().to, move |to| by_to(&|filter| filter.to = to))}
        </div>
        <Show when=move || filter.with(|filter| filter.record_id.is_some())>
            <p class="actions">
                <button type="button" class="secondary small" on:click={
                    let whole = whole.clone();
                    move |_| whole(&|filter| filter.record_id = None)
                }>"Show every record"</button>
            </p>
        </Show>
    }
}

/// A labelled date input showing `value`; `pick` gets the day chosen, `None` once cleared.
fn date_field(
    id: &'static str,
    label: &'static str,
    value: impl Fn() -> Option<NaiveDate> + Send + Sync + 'static,
    pick: impl Fn(Option<NaiveDate>) + 'static,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id type="date" prop:value=move || date_text(value())
                on:change=move |event| pick(parse_date(&event_target_value(&event)).ok()) />
        </div>
    }
}

#[component]
fn EventRow(event: HistoryEvent) -> impl IntoView {
    let record = HistoryFilter {
        record_type: Some(event.record_type),
        record_id: Some(event.record_id),
        ..HistoryFilter::default()
    };
    let record_name = format!("{} {}", event.record_type.label(), event.record_id);
    let changes = event.changes();
    view! {
        <tr>
            <td class="date" data-label="When">{local_time(event.occurred_at)}</td>
            <td data-label="Who">{event.actor_name}</td>
            <td data-label="Record"><a href=link(&record, 1)>{record_name}</a></td>
            <td data-label="Change"><span class="badge">{event.action.label()}</span></td>
            <td data-label="Values">
                <dl class="changes">{changes.into_iter().map(|change| view! { <FieldValue change /> }).collect_view()}</dl>
            </td>
        </tr>
    }
}

/// One field of a change. A changed field says so in words, and its old value comes before the
/// new one, so neither colour nor the arrow alone carries the change.
#[component]
fn FieldValue(change: FieldChange) -> impl IntoView {
    let shown = |value: Option<String>| value.unwrap_or_else(|| "(empty)".to_owned());
    let label = field_label(&change.field);
    if change.changed {
        view! {
            <div class="changed">
                <dt>{label}" "<span class="badge">"changed"</span></dt>
                <dd>
                    <span class="visually-hidden">"from "</span>{shown(change.before)}
                    <span aria-hidden="true">" → "</span><span class="visually-hidden">" to "</span>
                    <strong>{shown(change.after)}</strong>
                </dd>
            </div>
        }
        .into_any()
    } else {
        view! {
            <div>
                <dt>{label}</dt>
                <dd>{shown(change.after.or(change.before))}</dd>
            </div>
        }
        .into_any()
    }
}
