//! The app's routes come from `app::routes`, the table the server also answers from; and what
//! changes with each route besides the page: the document's title and where focus is.

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use leptos_router::location::{BrowserUrl, LocationProvider};
use wasm_bindgen::JsCast;

use crate::api::ApiError;
use crate::components::loaded::{Loadable, resource};
use crate::components::page_intro::current_pattern;

/// Draws one page of the app.
pub type DrawPage = fn() -> AnyView;

/// The page at the current address: the one `pages` draws for the pattern of `app::routes` that
/// matches it, else `not_found`. A new address draws a new page; a new query alone does not. One
/// table rather than a route per page: the router's matching is compiled once, not for each page.
#[component]
pub fn Pages(pages: &'static [(&'static str, DrawPage)], not_found: DrawPage) -> impl IntoView {
    let location = use_location();
    // The page changes a turn after the address, as the router's own routes do: effects that the
    // same event woke on the page being left (a form's result, say) run before its signals go.
    let shown = RwSignal::new(location.pathname.get_untracked());
    Effect::new(move || shown.set(location.pathname.get()));
    // The router writes a new address into the browser's history once told that its page is drawn.
    let history = use_context::<BrowserUrl>();
    move || {
        let path = shown.get();
        let draw = app::routes::page(&path)
            .and_then(|page| pages.iter().find(|(pattern, _)| *pattern == page.path))
            .map_or(not_found, |(_, draw)| *draw);
        let page = untrack(draw);
        if let Some(history) = &history {
            history.ready_to_complete();
        }
        page
    }
}

/// Names the page in the document's title, and after each navigation inside the app moves focus
/// to the new page's heading, so that a screen reader reads where the user arrived and the
/// keyboard continues from there instead of from the link that was left behind.
#[component]
pub fn PageChanges() -> impl IntoView {
    let location = use_location();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        set_title(app::routes::page(&path).map_or("Page not found", |page| page.title));
        if previous.is_some_and(|previous| previous != path) {
            request_animation_frame(focus_heading);
        }
        path
    });
}

fn set_title(title: &str) {
    document().set_title(&app::routes::document_title(title));
}

/// For a page whose heading comes with its data (a product): names the page after it, and moves
/// focus to the heading if it waits on the main region for it.
pub fn page_loaded(title: &str) {
    set_title(title);
    heading_arrived(HEADING_FRAMES);
}

/// The page's own heading, not the placeholder drawn while the page loads (see `PageIntro`).
const PAGE_HEADING: &str = "main h1:not([data-placeholder])";

/// How many frames [`heading_arrived`] waits for a heading to be in the document: a page drawn
/// under a suspense is put in some frames after it was drawn.
pub const HEADING_FRAMES: u32 = 30;

/// Moves focus to the page's heading, once it is in the document, if focus waits on the main
/// region for it: after a navigation to a page whose heading came later than the page did.
pub fn heading_arrived(frames: u32) {
    request_animation_frame(move || {
        let document = document();
        let waiting = document
            .active_element()
            .is_some_and(|element| element.id() == "main");
        if !waiting {
            return;
        }
        match document.query_selector(PAGE_HEADING).ok().flatten() {
            Some(_) => focus_heading(),
            None if frames > 1 => heading_arrived(frames - 1),
            None => {}
        }
    });
}

/// Focuses the page's `<h1>`, or the main region while the page has none yet.
pub fn focus_heading() {
    let document = document();
    let target = document
        .query_selector(PAGE_HEADING)
        .ok()
        .flatten()
        .or_else(|| document.get_element_by_id("main"));
    if let Some(target) = target.and_then(|target| target.dyn_into::<web_sys::HtmlElement>().ok()) {
        // Focusable by script only, so the heading is not a stop when tabbing.
        if !target.has_attribute("tabindex") {
            let _ = target.set_attribute("tabindex", "-1");
        }
        let _ = target.focus();
    }
}

/// The page's `{id}`, if the current address has one that is a number. A page is drawn again
/// for a new address, so it reads this once.
fn page_id() -> Option<i64> {
    let pattern = current_pattern()?;
    app::routes::params(pattern, &use_location().pathname.get_untracked())?
        .into_iter()
        .find(|(name, _)| *name == "id")?
        .1
        .parse()
        .ok()
}

/// The record the page's `{id}` names, as `load` reads it; an id that can name none is the
/// server's "not found" for `what`.
pub fn record_of_page<T, Fut>(
    what: &'static str,
    load: impl Fn(i64) -> Fut + 'static,
) -> Loadable<Result<T, ApiError>>
where
    T: 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let id = page_id();
    resource(move || {
        let loading = id.map(&load);
        async move {
            match loading {
                Some(loading) => loading.await,
                None => Err(ApiError::not_found(what)),
            }
        }
    })
}
