//! Pages that not every visit needs live in parts of the wasm of their own, fetched the first time
//! they are needed: the pages only signed-in accounts reach, and the public pages most visitors
//! never open. A visitor downloads the dashboard, the shop and the app's frame alone. The build
//! splits the wasm at these functions (`wasm-split`, see xtask's `wasm` module).

use std::future::Future;
use std::pin::Pin;

use app::accounts::Role;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::SplitLoaderError;

use crate::auth::use_auth;
use crate::components::loaded::loading_line;
use crate::components::notice::ErrorNotice;
use crate::components::page_intro::{PageIntro, PageLoading, current_pattern};
use crate::routing::{HEADING_FRAMES, heading_arrived};

/// Each function draws one page (or piece of one), and all of a part's functions go into that
/// part's wasm. The first may also get `$preload`, which fetches the part without drawing anything.
/// What the module offers for each is a [`PartPage`].
macro_rules! part {
    ($part:ident $(, $preload:ident)?: $first:ident => $first_page:path $(, $name:ident => $page:path)* $(,)?) => {
        pub mod $part {
            mod split {
                use leptos::prelude::*;
                use leptos::wasm_split::{SplitLoaderError, wasm_split};

                #[wasm_split($part, wasm_split_path = ::leptos::wasm_split, fallible $(, preload($preload))?)]
                pub fn $first() -> Result<AnyView, SplitLoaderError> {
                    Ok($first_page().into_any())
                }

                $(
                    #[wasm_split($part, wasm_split_path = ::leptos::wasm_split, fallible)]
                    pub fn $name() -> Result<AnyView, SplitLoaderError> {
                        Ok($page().into_any())
                    }
                )*
            }

            $(pub use split::$preload;)?

            pub fn $first() -> super::PartFuture {
                Box::pin(split::$first())
            }

            $(
                pub fn $name() -> super::PartFuture {
                    Box::pin(split::$name())
                }
            )*
        }
    };
}

part!(staff, preload:
    donations => crate::pages::donations::Donations,
    import_donations => crate::pages::import::ImportDonations,
    distributions => crate::pages::distributions::Distributions,
    reports => crate::pages::reports::Reports,
    donor_receipt => crate::pages::donor_receipt::DonorReceiptPage,
    history => crate::pages::history::History,
    products => crate::pages::products_admin::ProductsAdmin,
    jobs => crate::pages::jobs::Jobs,
    users => crate::pages::users::Users,
    settings => crate::pages::settings::Settings,
    stock_overview => crate::pages::dashboard::StockOverview,
);

part!(member, preload:
    cart => crate::pages::cart::CartPage,
    orders => crate::pages::orders::Orders,
    receipt => crate::pages::receipt::Receipt,
    data_reports => crate::pages::data_reports::DataReports,
);

// The public data pages and their chart, which a visitor may never open.
part!(data:
    covid => crate::pages::covid::Covid,
);

// Signing in and signing up, which a visitor browsing the shop never needs.
part!(account:
    login => crate::pages::login::Login,
    register => crate::pages::login::Register,
);

// The greeting API's page, for the developers who call it.
part!(greeting:
    greeting => crate::pages::greeting::Greeting,
);

/// A page or piece of one in a part of the app: it is drawn once the part has arrived.
pub type PartPage = fn() -> PartFuture;

/// The drawing of a [`PartPage`], boxed so that what waits for it is compiled once for all of them.
pub type PartFuture = Pin<Box<dyn Future<Output = Result<AnyView, SplitLoaderError>> + Send>>;

const PAGE_UNAVAILABLE: &str =
    "This page could not be loaded. Check your connection, then reload the page.";
const PIECE_UNAVAILABLE: &str =
    "Part of this page could not be loaded. Check your connection, then reload the page.";

/// The page `draw` gives once its part of the app has arrived; until then its heading and lead with
/// a loading line, and if the part cannot be fetched, the heading and lead with an error that says
/// what to do.
pub fn later(draw: PartPage) -> AnyView {
    let pattern = current_pattern();
    when_fetched(draw, PageLoading, move |page| match page {
        Ok(page) => view! { {page} <HeadingArrived /> }.into_any(),
        Err(_) => view! {
            {pattern.map(|path| view! { <PageIntro path /> })}
            <ErrorNotice message=PAGE_UNAVAILABLE.to_owned() />
        }
        .into_any(),
    })
    .into_any()
}

/// A piece of a page that `draw` gives once its part of the app has arrived.
pub fn later_within(draw: PartPage) -> impl IntoView {
    when_fetched(
        draw,
        || loading_line("Loading…"),
        |piece| {
            piece.unwrap_or_else(|_| {
                view! {
                    <ErrorNotice message=PIECE_UNAVAILABLE.to_owned() />
                }
                .into_any()
            })
        },
    )
}

/// What `show` makes of `draw`'s result, with `loading` until the part has arrived.
fn when_fetched<Loading>(
    draw: PartPage,
    loading: impl Fn() -> Loading + Send + Sync + 'static,
    show: impl FnOnce(Result<AnyView, SplitLoaderError>) -> AnyView + Send + 'static,
) -> impl IntoView
where
    Loading: IntoView + 'static,
{
    view! {
        <Suspense fallback=loading>
            {Suspend::new(async move { show(draw().await) })}
        </Suspense>
    }
}

/// Moves focus to the page's heading once the page is in the document, after the navigation to
/// it found no heading yet.
#[component]
fn HeadingArrived() -> impl IntoView {
    Effect::new(|| heading_arrived(HEADING_FRAMES));
}

/// Fetches the parts the signed-in user's role opens as soon as the role is known, so that their
/// pages open without waiting. A part that fails here is fetched again when a page needs it.
pub fn fetch_parts_for_role() {
    let auth = use_auth();
    Effect::new(move || {
        if auth.allows(Role::Member) {
            spawn_local(async {
                let _ = member::preload().await;
            });
        }
        if auth.allows(Role::Staff) {
            spawn_local(async {
                let _ = staff::preload().await;
            });
        }
    });
}
