//! Donations from a CSV file: choose it, preview what it holds and every problem in it, then
//! import all of it at once.

use app::import::{COLUMNS, ImportPreview, ImportResult, MAX_FILE_BYTES, MAX_ROWS};
use app::number::thousands;
use app::routes;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;

use crate::api;
use crate::components::notice::SubmitResult;
use crate::components::page_intro::PageIntro;
use crate::components::submit::Submit;
use crate::{day, display_amount, ledger_version};

const MEGABYTES: usize = MAX_FILE_BYTES / (1024 * 1024);

/// The file chosen: its name and its text, once read.
#[derive(Debug, Clone, PartialEq)]
struct Chosen {
    name: String,
    text: String,
}

/// Reads the file the input holds, or says why it cannot be sent.
async fn read_file(input: &HtmlInputElement) -> Result<Option<Chosen>, String> {
    let Some(file) = input.files().and_then(|files| files.get(0)) else {
        return Ok(None);
    };
    let name = file.name();
    // Checked here too so that a file the server would refuse is not sent at all.
    if file.size() > MAX_FILE_BYTES as f64 {
        return Err(format!(
            "{name} is larger than {MEGABYTES} MB; split it into smaller files."
        ));
    }
    let text = JsFuture::from(file.text())
        .await
        .ok()
        .and_then(|text| text.as_string())
        .ok_or_else(|| format!("{name} could not be read as text."))?;
    Ok(Some(Chosen { name, text }))
}

#[component]
pub fn ImportDonations() -> impl IntoView {
    let version = ledger_version();
    let chosen = RwSignal::new(None::<Chosen>);
    let preview = RwSignal::new(None::<ImportPreview>);
    let imported = RwSignal::new(None::<u64>);
    let check = Submit::new(
        |text: String| async move { api::ledger::preview_import(&text).await },
        move |answer: ImportPreview| {
            preview.set(Some(answer));
            None
        },
    );
    let file_input = NodeRef::<leptos::html::Input>::new();
    let import = Submit::new(
        |text: String| async move { api::ledger::import_donations(&text).await },
        move |answer: ImportResult| {
            version.bump();
            preview.set(None);
            imported.set(Some(answer.imported));
            // The file is in the ledger now: choosing it again would import it twice.
            chosen.set(None);
            if let Some(input) = file_input.get_untracked() {
                input.set_value("");
            }
            None
        },
    );
    let on_change = move |event: leptos::ev::Event| {
        let Some(input) = event
            .target()
            .and_then(|target| target.dyn_into::<HtmlInputElement>().ok())
        else {
            return;
        };
        chosen.set(None);
        preview.set(None);
        imported.set(None);
        check.clear();
        import.clear();
        leptos::task::spawn_local(async move {
            match read_file(&input).await {
                Ok(file) => chosen.set(file),
                Err(message) => check.fail(message),
            }
        });
    };
    let on_preview =
        check.on_submit(move || chosen.with(|file| file.as_ref().map(|file| file.text.clone())));
    let can_import = move || {
        preview.with(|preview| {
            preview
                .as_ref()
                .is_some_and(|preview| preview.errors.is_empty() && !preview.sample.is_empty())
        }) && !import.pending().get()
    };
    let on_import = move |_| {
        if let Some(file) = chosen.get_untracked() {
            import.dispatch(file.text);
        }
    };
    view! {
        <PageIntro path=routes::IMPORT_DONATIONS />
        <section class="card" aria-labelledby="import-file">
            <h2 id="import-file">"Choose a file"</h2>
            <p>
                "A CSV file with a header row naming its columns, in any order, then one donation a line. "
                {format!("At most {MEGABYTES} MB and {} rows. ", thousands(&MAX_ROWS.to_string()))}
                <a href=api::ledger::import_sample_url() download>"Download a sample file"</a>
            </p>
            <dl class="columns">
                {COLUMNS.iter().map(|column| view! {
                    <div>
                        <dt><code>{column.name}</code>{if column.required { "" } else { " (optional)" }}</dt>
                        <dd>{column.description}</dd>
                    </div>
                }).collect_view()}
            </dl>
            <form on:submit=on_preview novalidate>
                <div class="field">
                    <label for="import-csv">"CSV file"</label>
                    <input id="import-csv" name="file" type="file" accept=".csv,text/csv" node_ref=file_input on:change=on_change />
                </div>
                <div class="actions">
                    <button type="submit" disabled=move || chosen.with(Option::is_none) || check.pending().get()>
                        {move || if check.pending().get() { "Reading…" } else { "Preview" }}
                    </button>
                </div>
                <SubmitResult result=check.result() />
            </form>
        </section>
        <section class="card" aria-labelledby="import-preview">
            <h2 id="import-preview">"Preview"</h2>
            // Present from the start, so that screen readers announce what it comes to hold.
            <div role="status" aria-live="polite">
                {move || preview.get().map(|preview| view! { <PreviewSummary preview /> })}
            </div>
            {move || preview.get().is_none().then(|| view! {
                <p class="muted">"Choose a file and preview it to see what it holds."</p>
            })}
            {move || preview.get().map(|preview| view! { <PreviewDetails preview /> })}
            <div class="actions import-actions">
                <button type="button" disabled=move || !can_import() on:click=on_import>
                    {move || {
                        let count = preview.with(|preview| preview.as_ref().map_or(0, |preview| preview.rows));
                        if import.pending().get() {
                            "Importing…".to_owned()
                        } else {
                            format!("Import {count} {}", if count == 1 { "donation" } else { "donations" })
                        }
                    }}
                </button>
            </div>
            <p class="notice notice-ok" class:empty=move || imported.get().is_none() role="status">
                {move || imported.get().map(|count| view! {
                    {format!("Imported {count} {}. ", if count == 1 { "donation" } else { "donations" })}
                    <a href=routes::DONATIONS>"See the donations"</a>
                })}
            </p>
            <SubmitResult result=import.result() />
        </section>
    }
}

/// What the file holds, in one sentence, and its problems.
#[component]
fn PreviewSummary(preview: ImportPreview) -> impl IntoView {
    let problems = preview.errors.len() as u64 + preview.errors_not_listed;
    let rows = match preview.rows {
        1 => "1 donation".to_owned(),
        count => format!("{count} donations"),
    };
    let verdict = match problems {
        0 => " and no problems: it can be imported.".to_owned(),
        1 => " and 1 problem to fix before it can be imported:".to_owned(),
        count => format!(" and {count} problems to fix before it can be imported:"),
    };
    view! {
        <p>{format!("The file holds {rows}{verdict}")}</p>
        {(problems > 0).then(|| view! {
            <ul class="import-errors">
                {preview.errors.into_iter().map(|error| {
                    let place = match error.column {
                        Some(column) => format!("Line {}, {column}: ", error.line),
                        None => format!("Line {}: ", error.line),
                    };
                    view! { <li><strong>{place}</strong>{error.reason}</li> }
                }).collect_view()}
                {(preview.errors_not_listed > 0).then(|| view! {
                    <li>{format!("…and {} more.", preview.errors_not_listed)}</li>
                })}
            </ul>
        })}
    }
}

/// The totals per kind and the first rows.
#[component]
fn PreviewDetails(preview: ImportPreview) -> impl IntoView {
    let shown = preview.sample.len();
    view! {
        {(!preview.totals.is_empty()).then(|| view! {
            <div class="table-wrap">
                <table aria-label="Totals per kind">
                    <thead><tr><th>"Kind"</th><th class="num">"Donations"</th><th class="num">"Quantity"</th></tr></thead>
                    <tbody>
                        {preview.totals.into_iter().map(|total| view! {
                            <tr>
                                <td>{total.kind.label()}</td>
                                <td class="num">{total.donations}</td>
                                <td class="num">{display_amount(total.kind, total.quantity)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
        {(shown > 0).then(|| view! {
            <h3>{if shown == 1 { "The first good row".to_owned() } else { format!("The first {shown} good rows") }}</h3>
            <div class="table-wrap" tabindex="0" role="group" aria-label="First rows">
                <table class="stack" aria-label="First rows of the file">
                    <thead><tr><th class="num">"Line"</th><th>"Date"</th><th>"Donor"</th><th>"Kind"</th><th class="num">"Quantity"</th><th>"Note"</th></tr></thead>
                    <tbody>
                        {preview.sample.into_iter().map(|row| view! {
                            <tr>
                                <td class="num" data-label="Line">{row.line}</td>
                                <td class="date" data-label="Date">{day(row.donated_on)}</td>
                                <td data-label="Donor">{row.donor_name}</td>
                                <td data-label="Kind">{row.kind.label()}</td>
                                <td class="num" data-label="Quantity">{display_amount(row.kind, row.quantity)}</td>
                                <td class="muted" data-label="Note">{row.note.unwrap_or_default()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
    }
}
