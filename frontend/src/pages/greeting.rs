use app::FieldErrors;
use app::greeting::{GreetingRequest, parse_date_of_birth, validate_username};
use app::routes;
use leptos::prelude::*;

use crate::api;
use crate::components::form::{Field, FormErrors};
use crate::components::notice::SubmitResult;
use crate::components::page_intro::PageIntro;
use crate::components::submit::Submit;
use crate::today_utc;

/// A live example of the public greeting API, with its contract.
#[component]
pub fn Greeting() -> impl IntoView {
    let username = RwSignal::new(String::new());
    let date_of_birth = RwSignal::new(String::new());
    let check = move || {
        let mut errors = FieldErrors::new();
        if let Err(problem) = validate_username(&username.get()) {
            errors.insert("username".into(), problem);
        }
        if let Err(problem) = parse_date_of_birth(&date_of_birth.get(), today_utc()) {
            errors.insert("dateOfBirth".into(), problem);
        }
        errors
    };
    let form = FormErrors::new(check);
    let save = Submit::form(
        form,
        |(name, date_of_birth): (String, String)| async move {
            api::greeting::save(&name, &GreetingRequest { date_of_birth }).await?;
            api::greeting::greet(&name).await
        },
        |answer| Some(answer.message),
    );
    let on_submit = save.on_submit(move || Some((username.get(), date_of_birth.get())));
    view! {
        <PageIntro path=routes::GREETING />
        <div class="split">
            <section class="card" aria-labelledby="greeting-form">
                <h2 id="greeting-form">"Try it"</h2>
                <form on:submit=on_submit novalidate>
                    <Field label="Username" name="username" value=username form required=true hint="Letters A–Z only, up to 64" />
                    <Field label="Date of birth" name="dateOfBirth" value=date_of_birth form required=true input_type="date" />
                    <button type="submit" disabled=save.pending()>
                        {move || if save.pending().get() { "Saving…" } else { "Save and greet" }}
                    </button>
                    <SubmitResult result=save.result() />
                </form>
            </section>
            <section class="card" aria-labelledby="greeting-contract">
                <h2 id="greeting-contract">"The API"</h2>
                <p>"A small public API that other services call. No account is needed."</p>
                <ul>
                    <li><code>"PUT /hello/{username}"</code>" with "<code>"{\"dateOfBirth\": \"YYYY-MM-DD\"}"</code>" saves the date of birth and answers 204."</li>
                    <li><code>"GET /hello/{username}"</code>" answers "<code>"{\"message\": \"Hello, <username>! Your birthday is in N day(s)\"}"</code>", or "<code>"Happy birthday!"</code>" on the day."</li>
                    <li>"Usernames are 1–64 letters; the date must be a real date before today (UTC). Bad input is a 400, an unknown user a 404."</li>
                    <li>"Born on 29 February? In other years the birthday is 28 February."</li>
                </ul>
                <pre class="code" tabindex="0" role="region" aria-label="Example with curl"><code>{curl_example()}</code></pre>
            </section>
        </div>
    }
}

fn curl_example() -> String {
    let origin = web_sys::window()
        .and_then(|window| window.location().origin().ok())
        .unwrap_or_default();
    format!(
        "curl -X PUT {origin}/hello/ada \\\n  -H 'Content-Type: application/json' \\\n  -d '{{\"dateOfBirth\": \"1990-12-10\"}}'\n\ncurl {origin}/hello/ada"
    )
}
