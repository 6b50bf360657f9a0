//! The app's routes come from `app::routes`, the table the server also answers from; and what
//! changes with each route besides the page: the document's title and where focus is.

use std::borrow::Cow;

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_params_map};
use leptos_router::{PartialPathMatch, PathSegment, PossibleRouteMatch};
use wasm_bindgen::JsCast;

use crate::api::ApiError;
use crate::components::loaded::resource;

/// A route of the router for one of `app::routes`' patterns, e.g. `/shop/{id}`.
#[derive(Debug, Clone, Copy)]
pub struct Pattern(pub &'static str);

impl PossibleRouteMatch for Pattern {
    fn optional(&self) -> bool {
        false
    }

    fn test<'a>(&self, path: &'a str) -> Option<PartialPathMatch<'a>> {
        let whole = if path.is_empty() { "/" } else { path };
        let params = app::routes::params(self.0, whole)?
            .into_iter()
            .map(|(name, value)| (Cow::Borrowed(name), value.to_owned()))
            .collect();
        Some(PartialPathMatch::new("", params, path))
    }

    fn generate_path(&self, path: &mut Vec<PathSegment>) {
        for segment in self.0.split('/').filter(|segment| !segment.is_empty()) {
            path.push(
                match segment
                    .strip_prefix('{')
                    .and_then(|name| name.strip_suffix('}'))
                {
                    Some(name) => PathSegment::Param(name.into()),
                    None => PathSegment::Static(segment.into()),
                },
            );
        }
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

/// The record the page's `{id}` names, as `load` reads it; an id that can name none is the
/// server's "not found" for `what`.
pub fn record_of_page<T, Fut>(
    what: &'static str,
    load: impl Fn(i64) -> Fut + 'static,
) -> LocalResource<Result<T, ApiError>>
where
    T: 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let params = use_params_map();
    resource(move || {
        let loading = params
            .with(|params| params.get("id").and_then(|id| id.parse().ok()))
            .map(&load);
        async move {
            match loading {
                Some(loading) => loading.await,
                None => Err(ApiError::not_found(what)),
            }
        }
    })
}
