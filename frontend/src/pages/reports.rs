use app::ledger::Kind;
use app::reports::{DonorColumn, DonorReceiptQuery, DonorRow, DonorsQuery, InventoryQuery};
use app::routes;
use app::stock::{KindThreshold, SetThreshold};
use app::{FieldErrors, Quantity};
use leptos::prelude::*;

use crate::api;
use crate::components::form::{Field, FormErrors};
use crate::components::list_tools::{SortHeader, UrlQuery, search_text};
use crate::components::loaded::{Loaded, resource};
use crate::components::notice::SubmitResult;
use crate::components::page_intro::PageIntro;
use crate::components::pager::Pager;
use crate::components::search::SearchField;
use crate::components::stock_badge::StockBadge;
use crate::components::submit::Submit;
use crate::pages::donor_receipt::last_full_year;
use crate::{day, display_amount, ledger_version, local_today};

#[component]
pub fn Reports() -> impl IntoView {
    view! {
        <PageIntro path=routes::REPORTS />
        <InventoryReport />
        <Thresholds />
        <DonorReport />
    }
}

#[component]
fn Thresholds() -> impl IntoView {
    // Loaded once: the form keeps what it saved, and reloading would also clear its message.
    let rows = resource(api::reports::thresholds);
    view! {
        <section class="card" aria-labelledby="thresholds-heading">
            <h2 id="thresholds-heading">"Low-stock thresholds"</h2>
            <p class="muted">"Below its threshold a kind shows as low, and one notification goes out by webhook and e-mail; the next only after it has been back above. Leave a field empty for none."</p>
            <Loaded resource=rows loading="Loading thresholds…" let:rows>
                <ThresholdForm rows />
            </Loaded>
        </section>
    }
}

/// Each kind's field, by its form name (the kind), as the form sends it: `None` for an empty one.
fn parse_thresholds(
    values: &[(Kind, RwSignal<String>)],
) -> Result<Vec<(Kind, SetThreshold)>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut inputs = Vec::new();
    for (kind, value) in values {
        let text = value.get();
        let text = text.trim();
        let threshold = if text.is_empty() {
            None
        } else {
            match text.parse::<Quantity>() {
                Ok(threshold) => Some(threshold),
                Err(error) => {
                    errors.insert(kind.as_str().into(), error.to_string());
                    continue;
                }
            }
        };
        let input = SetThreshold { threshold };
        if let Err(rules) = input.validate() {
            errors.extend(
                rules
                    .into_values()
                    .map(|message| (kind.as_str().into(), message)),
            );
            continue;
        }
        inputs.push((*kind, input));
    }
    if errors.is_empty() {
        Ok(inputs)
    } else {
        Err(errors)
    }
}

#[component]
fn ThresholdForm(rows: Vec<KindThreshold>) -> impl IntoView {
    let version = ledger_version();
    let values: StoredValue<Vec<(Kind, RwSignal<String>)>> = StoredValue::new(
        rows.iter()
            .map(|row| {
                let text = row.threshold.map(|threshold| threshold.to_string());
                (row.kind, RwSignal::new(text.unwrap_or_default()))
            })
            .collect(),
    );
    let saved: StoredValue<Vec<(Kind, Option<Quantity>)>> =
        StoredValue::new(rows.iter().map(|row| (row.kind, row.threshold)).collect());
    let parsed = move || values.with_value(|values| parse_thresholds(values));
    let form = FormErrors::new(move || parsed().err().unwrap_or_default());
    // Only the kinds whose threshold changed are sent, one request each; the server's verdict on
    // a kind's `threshold` is shown under that kind's field.
    let save = Submit::form(
        form,
        move |inputs: Vec<(Kind, SetThreshold)>| async move {
            for (kind, input) in inputs {
                if let Err(mut error) = api::reports::set_threshold(kind, &input).await {
                    if let Some(message) = error.fields.remove("threshold") {
                        error.fields.insert(kind.as_str().into(), message);
                    }
                    return Err(error);
                }
                saved.update_value(|saved| {
                    saved.retain(|(saved_kind, _)| *saved_kind != kind);
                    saved.push((kind, input.threshold));
                });
            }
            Ok(())
        },
        move |()| {
            version.bump();
            Some("Saved the thresholds.".to_owned())
        },
    );
    let on_submit = save.on_submit(move || {
        parsed().ok().map(|inputs| {
            inputs
                .into_iter()
                .filter(|(kind, input)| {
                    !saved.with_value(|saved| saved.contains(&(*kind, input.threshold)))
                })
                .collect()
        })
    });
    view! {
        <form on:submit=on_submit novalidate>
            <div class="threshold-grid">
                {values.get_value().into_iter().map(|(kind, value)| {
                    let hint = if kind == Kind::Money { "US dollars" } else { "Units" };
                    view! { <Field label=kind.label() name=kind.as_str() value form input_mode="decimal" hint /> }
                }).collect_view()}
            </div>
            <div class="actions">
                <button type="submit" disabled=save.pending()>"Save thresholds"</button>
            </div>
            <SubmitResult result=save.result() />
        </form>
    }
}

#[component]
fn InventoryReport() -> impl IntoView {
    let version = ledger_version();
    let as_of = RwSignal::new(String::new());
    let query = move || InventoryQuery {
        as_of: app::date::parse_date(&as_of.get()).ok(),
    };
    let rows = resource(move || {
        version.track();
        let query = query();
        async move { api::reports::inventory(&query).await }
    });
    view! {
        <section class="card" aria-labelledby="inventory-heading">
            <div class="page-head">
                <h2 id="inventory-heading">"Inventory"</h2>
                <a class="button secondary small" href=move || api::reports::inventory_csv_url(&query()) download>
                    "Download inventory CSV"
                </a>
            </div>
            <div class="filters">
                <div class="field">
                    <label for="as-of">"As of"</label>
                    <input id="as-of" type="date" prop:value=move || as_of.get()
                        on:input=move |event| as_of.set(event_target_value(&event)) />
                </div>
            </div>
            <div class="inventory-body">
                <Loaded resource=rows loading="Loading inventory…" let:rows>
                    <div class="table-wrap" tabindex="0" role="group" aria-label="Inventory">
                        <table aria-label="Inventory">
                            // The balance beside the kind: on a phone the columns after it may need scrolling to.
                            <thead><tr><th>"Kind"</th><th class="num">"Balance"</th><th class="num">"Donated"</th><th class="num">"Distributed"</th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|row| view! {
                                    <tr>
                                        <td>{row.kind.label()}" "<StockBadge state=row.state /></td>
                                        <td class="num"><strong>{display_amount(row.kind, row.balance)}</strong></td>
                                        <td class="num">{display_amount(row.kind, row.donated)}</td>
                                        <td class="num">{display_amount(row.kind, row.distributed)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                </Loaded>
            </div>
        </section>
    }
}

/// Donors per page of the donor report.
const DONORS_PER_PAGE: u64 = 20;

#[component]
fn DonorReport() -> impl IntoView {
    let version = ledger_version();
    let url = UrlQuery::<DonorsQuery>::from_address();
    let page = url.pager();
    let search = url.field(
        |query| query.q.clone().unwrap_or_default(),
        |query, text| query.q = search_text(text),
    );
    let rows = resource(move || {
        version.track();
        let query = DonorsQuery {
            per_page: Some(DONORS_PER_PAGE),
            ..url.get()
        };
        async move { api::reports::donors(&query).await }
    });
    let heading = move |label: &'static str, key: DonorColumn| {
        view! {
            <SortHeader label key descending_first=key != DonorColumn::Name
                sort=Signal::derive(move || url.with(DonorsQuery::sort))
                on_sort=move |sort| url.refine(|query| query.sort = Some(sort)) />
        }
    };
    view! {
        <section class="card" aria-labelledby="donors-heading">
            <div class="page-head">
                <h2 id="donors-heading">"Donors"</h2>
                <a class="button secondary small" href=api::reports::donors_csv_url() download>"Download donors CSV"</a>
            </div>
            <div class="filters" role="search" aria-label="Find donors">
                <SearchField id="donor-search" label="Donor" value=search />
            </div>
            <Loaded resource=rows loading="Loading donors…" empty=|| "No donors match." let:list>
                <div class="table-wrap" tabindex="0" role="group" aria-label="Donors">
                    <table class="stack" aria-label="Donors">
                        <thead><tr>
                            {heading("Donor", DonorColumn::Name)}
                            <th class="num">"Donations"</th>
                            <th>"First"</th>
                            {heading("Last", DonorColumn::LastDonation)}
                            {heading("Given", DonorColumn::Total)}
                            <th>"Receipt"</th>
                        </tr></thead>
                        <tbody>
                            {list.items.into_iter().map(|row| view! {
                                <tr>
                                    <td><strong>{row.donor_name.clone()}</strong></td>
                                    <td class="num" data-label="Donations">{row.donations}</td>
                                    <td data-label="First">{day(row.first_donated_on)}</td>
                                    <td data-label="Last">{day(row.last_donated_on)}</td>
                                    <td data-label="Given">{totals(&row)}</td>
                                    <td data-label="Receipt">
                                        <a href=receipt_link(&row) aria-label=format!("Receipt for {}", row.donor_name)>"Receipt"</a>
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <Pager page total=list.total per_page=DONORS_PER_PAGE />
            </Loaded>
        </section>
    }
}

/// The donor's receipt for the last full calendar year, the usual range for tax.
fn receipt_link(row: &DonorRow) -> String {
    let (from, to) = last_full_year(local_today());
    api::reports::receipt_link(&DonorReceiptQuery {
        donor: Some(row.donor_name.clone()),
        from: Some(from),
        to: Some(to),
    })
}

/// "$250.00 money, 30 food" in kind order.
fn totals(row: &DonorRow) -> String {
    Kind::ALL
        .iter()
        .filter_map(|kind| row.totals.iter().find(|total| total.kind == *kind))
        .map(|total| {
            format!(
                "{} {}",
                display_amount(total.kind, total.quantity),
                total.kind.label().to_ascii_lowercase()
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}
