use app::date::parse_date;
use app::ledger::{Distribution, Kind, NewDistribution};
use app::paging::Page;
use app::reports::InventoryRow;
use app::{FieldErrors, Quantity, paths};
use leptos::prelude::*;

use crate::api::{self, query_string};
use crate::components::form::{Field, FormErrors};
use crate::components::kind_select::KindSelect;
use crate::components::notice::{LoadError, STALE_RECORD, SubmitResult};
use crate::components::pager::Pager;
use crate::pages::ledger_table::{DeleteButton, RecordFilters};
use crate::{display_amount, ledger_version, today_utc};

const PER_PAGE: u64 = 10;

#[component]
pub fn Distributions() -> impl IntoView {
    // The distribution being corrected, if any: the list's Edit button puts it into the form.
    let editing = RwSignal::new(None::<Distribution>);
    view! {
        <h1>"Distributions"</h1>
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
        today_utc()
    });
    let optional = |text: &str| Some(text.to_owned()).filter(|text| !text.trim().is_empty());
    let input = NewDistribution {
        kind: kind.parse().unwrap_or(Kind::Other),
        quantity,
        distributed_on: Some(distributed_on),
        recipient: optional(recipient),
        note: optional(note),
    };
    if let Err(rules) = input.validate(today_utc()) {
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
    let date = RwSignal::new(today_utc().to_string());
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
    let result = RwSignal::new(None::<Result<String, String>>);
    let inventory = LocalResource::new(move || {
        version.track();
        api::get::<Vec<InventoryRow>>(paths::INVENTORY_REPORT)
    });
    let available = move || {
        let kind: Kind = kind.get().parse().ok()?;
        let rows = inventory.get()?.ok()?;
        let row = rows.into_iter().find(|row| row.kind == kind)?;
        Some(format!("{} available", display_amount(kind, row.balance)))
    };

    let clear = move || {
        quantity.set(String::new());
        date.set(today_utc().to_string());
        recipient.set(String::new());
        note.set(String::new());
        form.reset();
        editing.set(None);
    };
    Effect::new(move |_| {
        if let Some(distribution) = editing.get() {
            kind.set(distribution.kind.as_str().to_owned());
            quantity.set(distribution.quantity.to_string());
            date.set(distribution.distributed_on.to_string());
            recipient.set(distribution.recipient.unwrap_or_default());
            note.set(distribution.note.unwrap_or_default());
            form.reset();
            result.set(None);
        }
    });

    let save = Action::new_local(
        move |(record, input): &(Option<(i64, i64)>, NewDistribution)| {
            let (record, input) = (*record, input.clone());
            async move {
                let saved = match record {
                    Some((id, at)) => {
                        api::update::<_, Distribution>(
                            &paths::item(paths::DISTRIBUTIONS, id),
                            at,
                            &input,
                        )
                        .await
                    }
                    None => api::post::<_, Distribution>(paths::DISTRIBUTIONS, &input).await,
                };
                let id = record.map(|(id, _)| id);
                match saved {
                    Ok(saved) => {
                        let verb = if id.is_some() {
                            "Corrected to"
                        } else {
                            "Recorded"
                        };
                        result.set(Some(Ok(format!(
                            "{verb} {} of {} handed out.",
                            display_amount(saved.kind, saved.quantity),
                            saved.kind.label().to_lowercase()
                        ))));
                        clear();
                        version.bump();
                    }
                    Err(error) if error.is_stale() => {
                        clear();
                        version.bump();
                        result.set(Some(Err(STALE_RECORD.to_owned())));
                    }
                    Err(error) => {
                        form.show_server(error.fields);
                        result.set(Some(Err(error.message)));
                    }
                }
            }
        },
    );
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        result.set(None);
        if form.try_submit()
            && let Ok(input) = parsed()
        {
            save.dispatch((
                editing.with_untracked(|record| {
                    record.as_ref().map(|record| (record.id, record.version))
                }),
                input,
            ));
        }
    };
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
                <button type="submit" disabled=move || save.pending().get()>
                    {move || match (save.pending().get(), editing.with(Option::is_some)) {
                        (true, _) => "Saving…",
                        (false, true) => "Save correction",
                        (false, false) => "Record distribution",
                    }}
                </button>
                <Show when=move || editing.with(Option::is_some)>
                    <button type="button" class="secondary" on:click=move |_| { clear(); result.set(None); }>"Cancel"</button>
                </Show>
            </div>
            <SubmitResult result=result />
        </form>
    }
}

#[component]
fn DistributionList(editing: RwSignal<Option<Distribution>>) -> impl IntoView {
    let version = ledger_version();
    let page = RwSignal::new(1_u64);
    let filters = RecordFilters::new(page);
    let distributions = LocalResource::new(move || {
        version.track();
        let query = query_string(&[
            ("page", page.get().to_string()),
            ("per_page", PER_PAGE.to_string()),
            ("kind", filters.kind.get()),
            ("from", filters.from.get()),
            ("to", filters.to.get()),
        ]);
        async move { api::get::<Page<Distribution>>(&format!("{}{query}", paths::DISTRIBUTIONS)).await }
    });
    view! {
        <div class="filters" role="search" aria-label="Filter distributions">
            <KindSelect value=filters.kind label="Kind" id="filter-kind" any=true />
            {filters.date_inputs()}
        </div>
        <Transition fallback=|| view! { <p class="muted">"Loading distributions…"</p> }>
            {move || Suspend::new(async move {
                match distributions.await {
                    Ok(list) if list.items.is_empty() => view! { <p class="muted">"No distributions match."</p> }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap">
                            <table>
                                <thead><tr><th>"Date"</th><th>"Kind"</th><th class="num">"Quantity"</th><th>"Recipient"</th><th>"Note"</th><th><span class="visually-hidden">"Actions"</span></th></tr></thead>
                                <tbody>
                                    {list.items.into_iter().map(|distribution| {
                                        let record = distribution.clone();
                                        view! {
                                        <tr>
                                            <td class="date">{distribution.distributed_on.to_string()}</td>
                                            <td>{distribution.kind.label()}</td>
                                            <td class="num">{display_amount(distribution.kind, distribution.quantity)}</td>
                                            <td>{distribution.recipient.unwrap_or_default()}</td>
                                            <td class="muted">{distribution.note.unwrap_or_default()}</td>
                                            <td class="row-actions">
                                                <button type="button" class="secondary small" on:click=move |_| editing.set(Some(record.clone()))>"Edit"</button>
                                                <DeleteButton path=paths::item(paths::DISTRIBUTIONS, distribution.id) />
                                            </td>
                                        </tr>
                                    }}).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <Pager page total=list.total per_page=PER_PAGE />
                    }.into_any(),
                    Err(error) => view! { <LoadError error /> }.into_any(),
                }
            })}
        </Transition>
    }
}
