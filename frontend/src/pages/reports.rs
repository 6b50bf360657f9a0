use app::ledger::Kind;
use app::reports::{DonorRow, DonorsQuery, InventoryQuery};
use leptos::prelude::*;

use crate::api;
use crate::components::loaded::Loaded;
use crate::components::pager::Pager;
use crate::{display_amount, ledger_version};

#[component]
pub fn Reports() -> impl IntoView {
    view! {
        <h1>"Reports"</h1>
        <InventoryReport />
        <DonorReport />
    }
}

#[component]
fn InventoryReport() -> impl IntoView {
    let version = ledger_version();
    let as_of = RwSignal::new(String::new());
    let query = move || InventoryQuery {
        as_of: as_of.get().parse().ok(),
    };
    let rows = LocalResource::new(move || {
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
                                        <td>{row.kind.label()}</td>
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
    let page = RwSignal::new(1_u64);
    let search = RwSignal::new(String::new());
    let rows = LocalResource::new(move || {
        version.track();
        let query = DonorsQuery {
            page: Some(page.get()),
            per_page: Some(DONORS_PER_PAGE),
            q: Some(search.get()).filter(|text| !text.trim().is_empty()),
            ..DonorsQuery::default()
        };
        async move { api::reports::donors(&query).await }
    });
    view! {
        <section class="card" aria-labelledby="donors-heading">
            <div class="page-head">
                <h2 id="donors-heading">"Donors"</h2>
                <a class="button secondary small" href=api::reports::donors_csv_url() download>"Download donors CSV"</a>
            </div>
            <div class="filters" role="search" aria-label="Find donors">
                <div class="field">
                    <label for="donor-search">"Donor"</label>
                    <input id="donor-search" type="search" prop:value=move || search.get()
                        on:input=move |event| { search.set(event_target_value(&event)); page.set(1); } />
                </div>
            </div>
            <Loaded resource=rows loading="Loading donors…" empty=|| "No donors match." let:list>
                <div class="table-wrap" tabindex="0" role="group" aria-label="Donors">
                    <table class="stack" aria-label="Donors">
                        <thead><tr><th>"Donor"</th><th class="num">"Donations"</th><th>"First"</th><th>"Last"</th><th>"Given"</th></tr></thead>
                        <tbody>
                            {list.items.into_iter().map(|row| view! {
                                <tr>
                                    <td><strong>{row.donor_name.clone()}</strong></td>
                                    <td class="num" data-label="Donations">{row.donations}</td>
                                    <td data-label="First">{row.first_donated_on.to_string()}</td>
                                    <td data-label="Last">{row.last_donated_on.to_string()}</td>
                                    <td data-label="Given">{totals(&row)}</td>
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

/// "$250.00 money, 30 food" in kind order.
fn totals(row: &DonorRow) -> String {
    Kind::ALL
        .iter()
        .filter_map(|kind| row.totals.iter().find(|total| total.kind == *kind))
        .map(|total| {
            format!(
                "{} {}",
                display_amount(total.kind, total.quantity),
                total.kind.label().to_lowercase()
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}
