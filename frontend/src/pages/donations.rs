use app::date::parse_date;
use app::history::RecordType;
use app::ledger::{Donation, Kind, LedgerColumn, NewDonation};
use app::{FieldErrors, Quantity};
use app::{paths, routes};
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
pub fn Donations() -> impl IntoView {
    // The donation being corrected, if any: the list's Edit button puts it into the form.
    let editing = RwSignal::new(None::<Donation>);
    view! {
        <PageIntro path=routes::DONATIONS />
        <p><a href=routes::IMPORT_DONATIONS>"Import donations from a CSV file"</a></p>
        <div class="split">
            <section class="card" aria-labelledby="new-donation">
                <h2 id="new-donation">
                    {move || if editing.with(Option::is_some) { "Correct a donation" } else { "Record a donation" }}
                </h2>
                <DonationForm editing />
            </section>
            <section class="card" aria-labelledby="donation-list">
                <h2 id="donation-list">"Donations received"</h2>
                <DonationList editing />
            </section>
        </div>
    }
}

/// Turns the form's text into a request, with the same rules the server applies.
fn parse(
    donor: &str,
    kind: &str,
    quantity: &str,
    date: &str,
    note: &str,
) -> Result<NewDonation, FieldErrors> {
    let mut errors = FieldErrors::new();
    let quantity = quantity.trim().parse::<Quantity>().unwrap_or_else(|error| {
        errors.insert("quantity".into(), error.to_string());
        Quantity::ZERO
    });
    let donated_on = parse_date(date).unwrap_or_else(|error| {
        errors.insert("donated_on".into(), error);
        local_today()
    });
    let input = NewDonation {
        donor_name: donor.to_owned(),
        kind: kind.parse().unwrap_or(Kind::Other),
        quantity,
        donated_on: Some(donated_on),
        note: Some(note.to_owned()).filter(|note| !note.trim().is_empty()),
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
fn DonationForm(editing: RwSignal<Option<Donation>>) -> impl IntoView {
    let version = ledger_version();
    let donor = RwSignal::new(String::new());
    let kind = RwSignal::new(Kind::Food.as_str().to_owned());
    let quantity = RwSignal::new(String::new());
    let date = RwSignal::new(local_today().to_string());
    let note = RwSignal::new(String::new());
    let parsed = move || {
        parse(
            &donor.get(),
            &kind.get(),
            &quantity.get(),
            &date.get(),
            &note.get(),
        )
    };
    let form = FormErrors::new(move || parsed().err().unwrap_or_default());
    let clear = move || {
        donor.set(String::new());
        quantity.set(String::new());
        date.set(local_today().to_string());
        note.set(String::new());
        form.reset();
        editing.set(None);
    };
    let save = Submit::edit(
        form,
        |(record, input): (Option<(i64, i64)>, NewDonation)| async move {
            match record {
                Some((id, at)) => api::ledger::update_donation(id, at, &input)
                    .await
                    .map(|saved| ("Corrected to", saved)),
                None => api::ledger::create_donation(&input)
                    .await
                    .map(|saved| ("Recorded", saved)),
            }
        },
        |(verb, saved): (&'static str, Donation)| {
            Some(format!(
                "{verb} {} of {} from {}.",
                display_amount(saved.kind, saved.quantity),
                saved.kind.label().to_ascii_lowercase(),
                saved.donor_name
            ))
        },
        move || {
            clear();
            version.bump();
        },
    );
    Effect::new(move |_| {
        if let Some(donation) = editing.get() {
            donor.set(donation.donor_name);
            kind.set(donation.kind.as_str().to_owned());
            quantity.set(donation.quantity.to_string());
            date.set(donation.donated_on.to_string());
            note.set(donation.note.unwrap_or_default());
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
            <Field label="Donor" name="donor_name" value=donor form required=true />
            <div class="row">
                <KindSelect value=kind />
                <Field label="Quantity" name="quantity" value=quantity form required=true input_mode="decimal"
                    hint="US dollars for money, units for goods" />
            </div>
            <Field label="Date received" name="donated_on" value=date form input_type="date" />
            <Field label="Note" name="note" value=note form multiline=true />
            <div class="actions">
                <button type="submit" disabled=save.pending()>
                    {move || match (save.pending().get(), editing.with(Option::is_some)) {
                        (true, _) => "Saving…",
                        (false, true) => "Save correction",
                        (false, false) => "Record donation",
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
fn DonationList(editing: RwSignal<Option<Donation>>) -> impl IntoView {
    let version = ledger_version();
    let filters = RecordFilters::from_address();
    let page = filters.url.pager();
    let donor = filters.url.field(
        |query| query.donor.clone().unwrap_or_default(),
        |query, text| query.donor = search_text(text),
    );
    let donations = resource(move || {
        version.track();
        let query = filters.query(PER_PAGE);
        async move { api::ledger::donations(&query).await }
    });
    view! {
        <div class="list-head">
            <div class="filters" role="search" aria-label="Filter donations">
                <KindSelect value=filters.kind label="Kind" id="filter-kind" any=true />
                <SearchField id="filter-donor" label="Donor" value=donor />
                {filters.date_inputs()}
            </div>
            <CsvLink href=filters.csv(paths::DONATIONS_CSV) />
        </div>
        <Loaded resource=donations loading="Loading donations…" empty=|| "No donations match." let:list>
            <div class="table-wrap" tabindex="0" role="group" aria-label="Donations">
                <table class="stack" aria-label="Donations">
                    <thead><tr>
                        {filters.heading("Date", LedgerColumn::Date)}
                        {filters.heading("Donor", LedgerColumn::Name)}
                        {filters.heading("Kind", LedgerColumn::Kind)}
                        {filters.heading("Quantity", LedgerColumn::Quantity)}
                        <th>"Note"</th><th><span class="visually-hidden">"Actions"</span></th>
                    </tr></thead>
                    <tbody>
                        {list.items.into_iter().map(|donation| {
                            let (id, record) = (donation.id, donation.clone());
                            let what = format!("the donation from {} on {}", donation.donor_name, donation.donated_on);
                            view! {
                            <tr>
                                <td class="date" data-label="Date">{day(donation.donated_on)}</td>
                                <td data-label="Donor">{donation.donor_name}</td>
                                <td data-label="Kind">{donation.kind.label()}</td>
                                <td class="num" data-label="Quantity">{display_amount(donation.kind, donation.quantity)}</td>
                                <td class="muted" data-label="Note">{donation.note.unwrap_or_default()}</td>
                                <td class="row-actions">
                                    <button type="button" class="secondary small" on:click=move |_| editing.set(Some(record.clone()))>"Edit"</button>
                                    <HistoryLink record_type=RecordType::Donation id name=what.clone() />
                                    <DeleteButton what delete=move || api::ledger::delete_donation(id) />
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
