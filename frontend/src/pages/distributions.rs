use app::date::parse_date;
use app::history::RecordType;
use app::ledger::{Distribution, Kind, LedgerColumn, NewDistribution};
use app::reports::InventoryQuery;
use app::routes;
use app::{FieldErrors, Quantity, paths};
use leptos::prelude::*;

use crate::api;
use crate::components::form::{Field, FormErrors};
use crate::components::history_link::HistoryLink;
use crate::components::kind_select::KindSelect;
use crate::components::list_tools::{CsvLink, search_text};
use crate::components::loaded::{Loaded, resource};
use crate::components::notice::SubmitResult;
use crate::components::page_intro::PageIntro;
use crate::components::pager::Pager;
use crate::components::search::SearchField;
use crate::components::submit::Submit;
use crate::pages::ledger_table::{DeleteButton, RecordFilters};
use crate::{day, display_amount, ledger_version, local_today};

const PER_PAGE: u64 = 10;

#[component]
pub fn Distributions() -> impl IntoView {
    // The distribution being corrected, if any: the list's Edit button puts it into the form.
    let editing = RwSignal::new(None::<Distribution>);
    view! {
        <PageIntro path=routes::DISTRIBUTIONS />
        <div class="split">
            <section class="card" aria-labelledby="new-distribution">
                <h2 id="new-distribution">
                    {move || if editing.with(Option::is_some) { "Correct a distribution" } else { "Record a distribution" }}
                </h2>
                <DistributionForm editing />
            </section>
            <section class="card" aria-labelledby="distribution-list">
                <h2 id="distribution-list">"Distributions made"</h2>
                <DistributionList editing />
            </section>
        </div>
    }
}

/// Turns the form's text into a request, with the same rules the server applies.
fn parse(
    kind: &str,
    quantity: &str,
    date: &str,
    recipient: &str,
    note: &str,
) -> Result<NewDistribution, FieldErrors> {
    let mut errors = FieldErrors::new();
    let quantity = quantity.trim().parse::<Quantity>().unwrap_or_else(|error| {
        errors.insert("quantity".into(), error.to_string());
        Quantity::ZERO
    });
    let distributed_on = parse_date(date).unwrap_or_else(|error| {
        errors.insert("distributed_on".into(), error);
        local_today()
    });
    let optional = |text: &str| Some(text.to_owned()).filter(|text| !text.trim().is_empty());
    let input = NewDistribution {
        kind: kind.parse().unwrap_or(Kind::Other),
        quantity,
        distributed_on: Some(distributed_on),
        recipient: optional(recipient),
        note: optional(note),
    };
    if let Err(rules) = input.validate(local_today()) {
        for (field, message) in rules {
            errors.entry(field).or_insert(message);
        }
    }
    if errors.is_empty() {
        Ok(input)
    } else {
        Err(errors)
    }
}

#[component]
fn DistributionForm(editing: RwSignal<Option<Distribution>>) -> impl IntoView {
    let version = ledger_version();
    let kind = RwSignal::new(Kind::Food.as_str().to_owned());
    let quantity = RwSignal::new(String::new());
    let date = RwSignal::new(local_today().to_string());
    let recipient = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let parsed = move || {
        parse(
            &kind.get(),
            &quantity.get(),
            &date.get(),
            &recipient.get(),
            &note.get(),
        )
    };
    let form = FormErrors::new(move || parsed().err().unwrap_or_default());
    let inventory = resource(move || {
        version.track();
        async move { api::reports::inventory(&InventoryQuery::default()).await }
    });
    let available = move || {
        let kind: Kind = kind.get().parse().ok()?;
        let rows = inventory.get()?.ok()?;
        let row = rows.into_iter().find(|row| row.kind == kind)?;
        Some(format!("{} available", display_amount(kind, row.balance)))
    };

    let clear = move || {
        quantity.set(String::new());
        date.set(local_today().to_string());
        recipient.set(String::new());
        note.set(String::new());
        form.reset();
        editing.set(None);
    };
    let save = Submit::edit(
        form,
        |(record, input): (Option<(i64, i64)>, NewDistribution)| async move {
            match record {
                Some((id, at)) => api::ledger::update_distribution(id, at, &input)
                    .await
                    .map(|saved| ("Corrected to", saved)),
                None => api::ledger::create_distribution(&input)
                    .await
                    .map(|saved| ("Recorded", saved)),
            }
        },
        |(verb, saved): (&'static str, Distribution)| {
            Some(format!(
                "{verb} {} of {} handed out.",
                display_amount(saved.kind, saved.quantity),
                saved.kind.label().to_ascii_lowercase()
            ))
        },
        move || {
            clear();
            version.bump();
        },
    );
    Effect::new(move |_| {
        if let Some(distribution) = editing.get() {
            kind.set(distribution.kind.as_str().to_owned());
            quantity.set(distribution.quantity.to_string());
            date.set(distribution.distributed_on.to_string());
            recipient.set(distribution.recipient.unwrap_or_default());
            note.set(distribution.note.unwrap_or_default());
            form.reset();
            save.clear();
        }
    });
    let on_submit = save.on_submit(move || {
        let record = editing
            .with_untracked(|record| record.as_ref().map(|record| (record.id, record.version)));
        parsed().ok().map(|input| (record, input))
    });
    view! {
        <form on:submit=on_submit novalidate>
            <div class="row">
                <KindSelect value=kind />
                <Field label="Quantity" name="quantity" value=quantity form required=true input_mode="decimal"
                    hint="US dollars for money, units for goods" />
            </div>
            <p class="muted small" aria-live="polite">{available}</p>
            <Field label="Date handed out" name="distributed_on" value=date form input_type="date" />
            <Field label="Recipient" name="recipient" value=recipient form />
            <Field label="Note" name="note" value=note form multiline=true />
            <div class="actions">
                <button type="submit" disabled=save.pending()>
                    {move || match (save.pending().get(), editing.with(Option::is_some)) {
                        (true, _) => "Saving…",
                        (false, true) => "Save correction",
                        (false, false) => "Record distribution",
                    }}
                </button>
                <Show when=move || editing.with(Option::is_some)>
                    <button type="button" class="secondary" on:click=move |_| { clear(); save.clear(); }>"Cancel"</button>
                </Show>
            </div>
            <SubmitResult result=save.result() />
        </form>
    }
}

#[component]
fn DistributionList(editing: RwSignal<Option<Distribution>>) -> impl IntoView {
    let version = ledger_version();
    let filters = RecordFilters::from_address();
    let page = filters.url.pager();
    let recipient = filters.url.field(
        |query| query.recipient.clone().unwrap_or_default(),
        |query, text| {
            query.recipient = search_text(text);
        },
    );
    let distributions = resource(move || {
        version.track();
        let query = filters.query(PER_PAGE);
        async move { api::ledger::distributions(&query).await }
    });
    view! {
        <div class="list-head">
            <div class="filters" role="search" aria-label="Filter distributions">
                <KindSelect value=filters.kind label="Kind" id="filter-kind" any=true />
                <SearchField id="filter-recipient" label="Recipient" value=recipient />
                {filters.date_inputs()}
            </div>
            <CsvLink href=filters.csv(paths::DISTRIBUTIONS_CSV) />
        </div>
        <Loaded resource=distributions loading="Loading distributions…" empty=|| "No distributions match." let:list>
            <div class="table-wrap" tabindex="0" role="group" aria-label="Distributions">
                <table class="stack" aria-label="Distributions">
                    <thead><tr>
                        {filters.heading("Date", LedgerColumn::Date)}
                        {filters.heading("Kind", LedgerColumn::Kind)}
                        {filters.heading("Quantity", LedgerColumn::Quantity)}
                        {filters.heading("Recipient", LedgerColumn::Name)}
                        <th>"Note"</th><th><span class="visually-hidden">"Actions"</span></th>
                    </tr></thead>
                    <tbody>
                        {list.items.into_iter().map(|distribution| {
                            let (id, record) = (distribution.id, distribution.clone());
                            let what = format!("the distribution of {} on {}", distribution.kind.label().to_ascii_lowercase(), distribution.distributed_on);
                            view! {
                            <tr>
                                <td class="date" data-label="Date">{day(distribution.distributed_on)}</td>
                                <td data-label="Kind">{distribution.kind.label()}</td>
                                <td class="num" data-label="Quantity">{display_amount(distribution.kind, distribution.quantity)}</td>
                                <td data-label="Recipient">{distribution.recipient.unwrap_or_default()}</td>
                                <td class="muted" data-label="Note">{distribution.note.unwrap_or_default()}</td>
                                <td class="row-actions">
                                    <button type="button" class="secondary small" on:click=move |_| editing.set(Some(record.clone()))>"Edit"</button>
                                    <HistoryLink record_type=RecordType::Distribution id name=what.clone() />
                                    <DeleteButton what delete=move || api::ledger::delete_distribution(id) />
                                </td>
                            </tr>
                        }}).collect_view()}
                    </tbody>
                </table>
            </div>
            <Pager page total=list.total per_page=PER_PAGE />
        </Loaded>
    }
}
