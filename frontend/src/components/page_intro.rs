//! The heading and lead a page opens with, from the shared page table: the server writes the same
//! into the page's HTML, so the app draws over them in place.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::components::loaded::loading_line;

/// The intro of the page whose pattern is `path`; nothing for a page without one. A `placeholder`
/// stands in while the page itself loads: it keeps the heading in place, but focus waits for the
/// page's own (see `routing::PAGE_HEADING`).
#[component]
pub fn PageIntro(path: &'static str, #[prop(optional)] placeholder: bool) -> impl IntoView {
    app::routes::intro(path).map(|intro| {
        view! {
            <h1 data-placeholder=placeholder.then_some("")>{intro.heading}</h1>
            <p class="lead">{intro.lead}</p>
        }
    })
}

/// What a page shows until it can draw itself: its heading and lead in place, as placeholders,
/// and a loading line.
#[component]
pub fn PageLoading() -> impl IntoView {
    view! {
        {current_pattern().map(|path| view! { <PageIntro path placeholder=true /> })}
        {loading_line("Loading…")}
    }
}

/// The pattern of the app's page at the current address, if it is one.
pub fn current_pattern() -> Option<&'static str> {
    app::routes::page(&use_location().pathname.get_untracked()).map(|page| page.path)
}
