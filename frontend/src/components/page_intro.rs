//! The heading and lead a page opens with, from the shared page table: the server writes the same
//! into the page's HTML, so the app draws over them in place.

use leptos::prelude::*;

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
