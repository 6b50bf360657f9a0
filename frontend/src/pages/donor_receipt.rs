//! A donor's acknowledgement of what they gave over a range of days, laid out to print on a page
//! of its own (see the print styles). The donor and the days live in the address's query, so the
//! donor report can link to it and the browser's address can be shared.

use app::FieldErrors;
use app::date::parse_date;
use app::reports::{DonorReceipt, DonorReceiptQuery};
use app::settings::OrganisationSettings;
use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api;
use crate::components::form::{Field, FormErrors};
use crate::components::list_tools::date_text;
use crate::components::loaded::{Loaded, resource};
use crate::{day, display_amount, local_today, money};

/// The last full calendar year before `today`: the usual range of a receipt for tax.
pub fn last_full_year(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let year = today.year() - 1;
    (
        NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default(),
        NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default(),
    )
}

/// The receipt query a form's texts make, or what is wrong with them.
fn query_of(donor: &str, from: &str, to: &str) -> Result<DonorReceiptQuery, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut date = |field: &str, text: &str| {
        parse_date(text.trim())
            .map_err(|message| errors.insert(field.to_owned(), message))
            .ok()
    };
    let query = DonorReceiptQuery {
        donor: Some(donor.to_owned()),
        from: date("from", from),
        to: date("to", to),
    };
    if let Err(rules) = query.validate() {
        for (field, message) in rules {
            errors.entry(field).or_insert(message);
        }
    }
    if errors.is_empty() {
        Ok(query)
    } else {
        Err(errors)
    }
}

#[component]
pub fn DonorReceiptPage() -> impl IntoView {
    let query_map = use_query_map();
    let (first, last) = last_full_year(local_today());
    let query = Memo::new(move |_| {
        query_map.with(|query| {
            let date = |name| query.get(name).and_then(|text| parse_date(&text).ok());
            DonorReceiptQuery {
                donor: query.get("donor"),
                from: date("from").or(Some(first)),
                to: date("to").or(Some(last)),
            }
        })
    });
    let donor = move || query.with(|query| query.donor.clone().unwrap_or_default());
    let receipt = resource(move || {
        let query = query.get();
        async move { api::reports::donor_receipt(&query).await }
    });
    view! {
        <p class="no-print"><a href=app::routes::REPORTS>"← Back to the reports"</a></p>
        <article class="card receipt">
            <div class="page-head">
                <h1>"Donation receipt: " {donor}</h1>
                <button type="button" class="no-print" on:click=|_| {
                    // Nothing to do when the browser cannot print; the page stays as it is.
                    let _ = window().print();
                }>"Print"</button>
            </div>
            <RangeForm query />
            <Loaded resource=receipt loading="Loading the receipt…" let:receipt>
                <ReceiptSheet receipt />
            </Loaded>
        </article>
    }
}

/// The days of the receipt; showing other days changes the address.
#[component]
fn RangeForm(query: Memo<DonorReceiptQuery>) -> impl IntoView {
    let from = RwSignal::new(query.with_untracked(|query| date_text(query.from)));
    let to = RwSignal::new(query.with_untracked(|query| date_text(query.to)));
    // The address may change under the form (the browser's back button): follow it.
    Effect::new(move |_| {
        query.with(|query| {
            from.set(date_text(query.from));
            to.set(date_text(query.to));
        });
    });
    let donor = move || query.with(|query| query.donor.clone().unwrap_or_default());
    let checked = move || query_of(&donor(), &from.get(), &to.get());
    let form = FormErrors::new(move || checked().err().unwrap_or_default());
    let navigate = use_navigate();
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if form.try_submit()
            && let Ok(query) = checked()
        {
            let options = NavigateOptions {
                replace: true,
                ..NavigateOptions::default()
            };
            navigate(&api::reports::receipt_link(&query), options);
        }
    };
    view! {
        <form class="filters no-print" on:submit=on_submit novalidate aria-label="Days of the receipt">
            <Field label="From" name="from" value=from form input_type="date" required=true />
            <Field label="To" name="to" value=to form input_type="date" required=true />
            <div class="actions">
                <button type="submit">"Show"</button>
            </div>
            // The donor comes from the address; a missing one is said here.
            <p class="field-error" role="alert">{move || form.message("donor").get()}</p>
        </form>
    }
}

#[component]
fn ReceiptSheet(receipt: DonorReceipt) -> impl IntoView {
    let DonorReceipt {
        organisation,
        donor_name,
        from,
        to,
        donations,
        totals,
        money_total,
    } = receipt;
    let empty = donations.is_empty();
    view! {
        <Organisation organisation />
        <p>
            "Thank you, " <strong>{donor_name}</strong> ", for your donations from "
            {day(from)} " to " {day(to)} "."
        </p>
        <section aria-labelledby="receipt-donations-heading">
            <h2 id="receipt-donations-heading">"Donations"</h2>
            {if empty {
                view! { <p class="muted">"No donations in these days."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap" tabindex="0" role="group" aria-label="Donations">
                        <table>
                            <caption>"Each donation, by date"</caption>
                            <thead><tr><th>"Date"</th><th>"Kind"</th><th class="num">"Quantity"</th><th>"Note"</th></tr></thead>
                            <tbody>
                                {donations.into_iter().map(|line| view! {
                                    <tr>
                                        <td>{day(line.donated_on)}</td>
                                        <td>{line.kind.label()}</td>
                                        <td class="num">{display_amount(line.kind, line.quantity)}</td>
                                        <td>{line.note.unwrap_or_default()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
        <section aria-labelledby="receipt-totals-heading">
            <h2 id="receipt-totals-heading">"Totals"</h2>
            <table>
                <caption>"Given per kind"</caption>
                <thead><tr><th>"Kind"</th><th class="num">"Total"</th></tr></thead>
                <tbody>
                    {totals.into_iter().map(|total| view! {
                        <tr>
                            <td>{total.kind.label()}</td>
                            <td class="num">{display_amount(total.kind, total.quantity)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <p class="receipt-total">"Money given: " <strong>{money(money_total)}</strong></p>
            <p class="small muted">"Money in US dollars; goods in units."</p>
        </section>
    }
}

/// Who gives the receipt, as the Settings page has it.
#[component]
fn Organisation(organisation: OrganisationSettings) -> impl IntoView {
    let OrganisationSettings {
        name,
        address,
        contact_email,
        charity_number,
    } = organisation;
    view! {
        <section class="receipt-organisation" aria-labelledby="receipt-organisation-heading">
            <h2 id="receipt-organisation-heading">
                {if name.is_empty() { "Organisation".to_owned() } else { name }}
            </h2>
            <address>
                {address.lines().map(|line| view! { {line.to_owned()}<br /> }).collect_view()}
                {contact_email.map(|email| view! { {email}<br /> })}
            </address>
            {charity_number.map(|number| view! { <p>"Charity number: " {number}</p> })}
        </section>
    }
}
