use app::accounts::Role;
use app::ledger::LedgerQuery;
use app::reports::InventoryQuery;
use app::routes;
use leptos::prelude::*;

use crate::auth::use_auth;
use crate::components::loaded::{Loaded, resource};
use crate::components::page_intro::PageIntro;
use crate::components::stock_badge::StockBadge;
use crate::parts::{self, later_within};
use crate::{api, display_amount, ledger_version};

/// What the hub is for; then staff see the stock at a glance, everyone else where to start.
#[component]
pub fn Dashboard() -> impl IntoView {
    let auth = use_auth();
    view! {
        <PageIntro path=routes::HOME />
        {move || {
            if auth.allows(Role::Staff) {
                later_within(parts::staff::stock_overview).into_any()
            } else {
                view! { <Welcome /> }.into_any()
            }
        }}
    }
}

#[component]
fn Welcome() -> impl IntoView {
    let auth = use_auth();
    view! {
        <section class="card">
            {move || if auth.user.with(Option::is_none) {
                view! { <p><a href="/login">"Sign in"</a>" with your account, or "<a href="/register">"sign up"</a>"."</p> }.into_any()
            } else {
                view! { <p>"Staff record donations and distributions; ask an admin if you need that access."</p> }.into_any()
            }}
            <p>"Browse "<a href="/shop">"the shop"</a>", or try the public "<a href="/greeting">"birthday greeting API"</a>"."</p>
        </section>
    }
}

/// The staff's view of the dashboard, in the staff part of the app (see `parts`).
#[component]
pub fn StockOverview() -> impl IntoView {
    let version = ledger_version();
    let inventory = resource(move || {
        version.track();
        async move { api::reports::inventory(&InventoryQuery::default()).await }
    });
    let recent = resource(move || {
        version.track();
        let query = LedgerQuery {
            per_page: Some(5),
            ..LedgerQuery::default()
        };
        async move { api::ledger::donations(&query).await }
    });
    view! {
        <div class="actions">
            <a href="/donations" class="button">"Record a donation"</a>
            <a href="/distributions" class="button secondary">"Record a distribution"</a>
        </div>
        <section aria-labelledby="stock-heading">
            <h2 id="stock-heading">"Stock on hand"</h2>
            <Loaded resource=inventory loading="Loading stock…" let:rows>
                <ul class="stock-grid">
                    {rows.into_iter().map(|row| view! {
                        <li class="stock-card" data-kind=row.kind.as_str()>
                            <span class="stock-kind">{row.kind.label()}" "<StockBadge state=row.state /></span>
                            <strong class="stock-balance" aria-label=format!("{} balance", row.kind.label())>
                                {display_amount(row.kind, row.balance)}
                            </strong>
                            <span class="muted small">
                                {format!("in {} · out {}", display_amount(row.kind, row.donated), display_amount(row.kind, row.distributed))}
                            </span>
                        </li>
                    }).collect_view()}
                </ul>
            </Loaded>
        </section>
        <section class="card" aria-labelledby="recent-heading">
            <h2 id="recent-heading">"Latest donations"</h2>
            <Loaded resource=recent loading="Loading…" empty=|| "No donations yet." let:page>
                <ul class="plain-list">
                    {page.items.into_iter().map(|donation| view! {
                        <li>
                            <span>{donation.donor_name}</span>
                            <span class="muted">{format!(" · {} · {}", donation.kind.label(), donation.donated_on)}</span>
                            <strong class="right">{display_amount(donation.kind, donation.quantity)}</strong>
                        </li>
                    }).collect_view()}
                </ul>
            </Loaded>
        </section>
    }
}
