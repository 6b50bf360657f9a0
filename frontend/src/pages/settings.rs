//! The admin's Settings page: the organisation's details that donor receipts print.

use app::routes;
use app::settings::OrganisationSettings;
use leptos::prelude::*;

use crate::api;
use crate::components::form::{Field, FormErrors};
use crate::components::loaded::{Loaded, resource};
use crate::components::notice::SubmitResult;
use crate::components::page_intro::PageIntro;
use crate::components::submit::Submit;

#[component]
pub fn Settings() -> impl IntoView {
    // Loaded once: the form keeps what it saved, and reloading would also clear its message.
    let settings = resource(api::settings::organisation);
    view! {
        <PageIntro path=routes::SETTINGS />
        <section class="card" aria-labelledby="organisation-heading">
            <h2 id="organisation-heading">"Organisation"</h2>
            <p class="muted">"Printed at the top of every donor receipt."</p>
            <Loaded resource=settings loading="Loading the settings…" let:settings>
                <OrganisationForm settings />
            </Loaded>
        </section>
    }
}

#[component]
fn OrganisationForm(settings: OrganisationSettings) -> impl IntoView {
    let name = RwSignal::new(settings.name);
    let address = RwSignal::new(settings.address);
    let contact_email = RwSignal::new(settings.contact_email.unwrap_or_default());
    let charity_number = RwSignal::new(settings.charity_number.unwrap_or_default());
    let input = move || OrganisationSettings {
        name: name.get(),
        address: address.get(),
        contact_email: Some(contact_email.get()),
        charity_number: Some(charity_number.get()),
    };
    let form = FormErrors::new(move || input().validate().err().unwrap_or_default());
    let save = Submit::form(
        form,
        |input: OrganisationSettings| async move { api::settings::set_organisation(&input).await },
        move |saved: OrganisationSettings| {
            name.set(saved.name);
            address.set(saved.address);
            contact_email.set(saved.contact_email.unwrap_or_default());
            charity_number.set(saved.charity_number.unwrap_or_default());
            form.reset();
            Some("Saved the organisation's details.".to_owned())
        },
    );
    let on_submit = save.on_submit(move || Some(input()));
    view! {
        <form on:submit=on_submit novalidate>
            <Field label="Name" name="name" value=name form required=true />
            <Field label="Address" name="address" value=address form multiline=true hint="One line of the postal address per line." />
            <Field label="Contact e-mail" name="contact_email" value=contact_email form input_type="email" hint="Optional." />
            <Field label="Charity number" name="charity_number" value=charity_number form hint="Optional." />
            <div class="actions">
                <button type="submit" disabled=save.pending()>"Save settings"</button>
            </div>
            <SubmitResult result=save.result() />
        </form>
    }
}
