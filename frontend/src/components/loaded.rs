//! Something loaded from the API, shown the same way everywhere: a "Loading …" line until it
//! arrives, the error when it could not be loaded, and a message when there is nothing in it.

use std::any::Any;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

use app::data_reports::DataReport;
use app::paging::Page;
use app::reports::DonorReceipt;
use app::settings::OrganisationSettings;
use app::shop::{Cart, Order, Product};
use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::notice::ErrorNotice;

/// What may be loaded and hold nothing: a list, a page of one, a cart. A single record is never
/// empty.
pub trait Contents {
    fn is_empty(&self) -> bool {
        false
    }
}

impl<T> Contents for Vec<T> {
    fn is_empty(&self) -> bool {
        Vec::is_empty(self)
    }
}

impl<T> Contents for Page<T> {
    fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl Contents for Cart {
    fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl Contents for Product {}

impl Contents for Order {}

impl Contents for DataReport {}

impl Contents for DonorReceipt {}

impl Contents for OrganisationSettings {}

/// What `fetch` loads, loaded again whenever a signal it reads changes.
pub fn resource<O, Fut>(fetch: impl Fn() -> Fut + 'static) -> Loadable<O>
where
    O: 'static,
    Fut: Future<Output = O> + 'static,
{
    Loadable {
        loads: erased_resource(Box::new(move || {
            let loading = fetch();
            Box::pin(async move { Rc::new(loading.await) as Erased })
        })),
        value: PhantomData,
    }
}

/// A value of any type, so that one resource type serves every one the app loads.
type Erased = Rc<dyn Any>;

fn erased_resource(
    fetch: Box<dyn Fn() -> Pin<Box<dyn Future<Output = Erased>>>>,
) -> LocalResource<Erased> {
    LocalResource::new(fetch)
}

/// A value of type `T` loaded by [`resource`]. The resource itself holds it as [`Erased`]: the
/// reactive machinery around a resource is compiled once rather than once for every type, and
/// the app's first wasm is 2.4 KB (brotli) smaller.
pub struct Loadable<T> {
    loads: LocalResource<Erased>,
    value: PhantomData<fn() -> T>,
}

impl<T> Clone for Loadable<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Loadable<T> {}

impl<T: Clone + 'static> Loadable<T> {
    /// The value once it has loaded, tracked like a signal.
    pub fn get(&self) -> Option<T> {
        self.loads.with(|loaded| Self::typed(loaded.as_ref()))
    }

    /// Whether a value has loaded, tracked like a signal.
    pub fn is_loaded(&self) -> bool {
        self.loads.with(Option::is_some)
    }

    /// Loads the value again.
    pub fn refetch(&self) {
        self.loads.refetch();
    }

    /// The value, once loaded; a suspense around the caller waits for it.
    async fn loaded(self) -> Option<T> {
        Self::typed(Some(&self.loads.await))
    }

    /// Only [`resource`] makes a `Loadable`, from a fetch of a `T`, so every value is one.
    fn typed(loaded: Option<&Erased>) -> Option<T> {
        loaded.and_then(|value| value.downcast_ref::<T>()).cloned()
    }
}

/// `children` drawn with the loaded value. Until it arrives `loading` is shown (and on a reload
/// the old value stays meanwhile, marked as updating); when loading failed, the error; when the value is empty and
/// there is an `empty` message, that message.
#[component]
pub fn Loaded<T, F, V>(
    resource: Loadable<Result<T, ApiError>>,
    loading: &'static str,
    #[prop(optional, into)] empty: Option<ViewFn>,
    children: F,
) -> impl IntoView
where
    T: Contents + Clone + Send + Sync + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let children = Arc::new(children);
    // While a reload is under way the old value stays, dimmed and marked busy, and a screen
    // reader hears that it is updating.
    let pending = RwSignal::new(false);
    let updating = move || pending.get() && resource.is_loaded();
    view! {
        <div class="loaded" aria-busy=move || updating().to_string()>
            <p class="visually-hidden" aria-live="polite">{move || updating().then_some("Updating…")}</p>
            <Transition fallback=move || loading_line(loading) set_pending=pending>
                {move || {
                    let (children, empty) = (children.clone(), empty.clone());
                    let drawing: Pin<Box<dyn Future<Output = AnyView> + Send>> =
                        Box::pin(async move {
                            match resource.loaded().await.map(|loaded| usable(loaded, empty.as_ref())) {
                                Some(Ok(value)) => children(value).into_any(),
                                Some(Err(instead)) => instead,
                                None => ().into_any(),
                            }
                        });
                    // Boxed, so the suspense around it is compiled once, not for every list.
                    Suspend::new(drawing)
                }}
            </Transition>
        </div>
    }
}

/// Only the loading, error and empty states of `resource`, and nothing once it holds something:
/// for a page that draws the value itself, because drawing it again on every reload would lose
/// what the user opened in it.
#[component]
pub fn LoadStatus<T>(
    resource: Loadable<Result<T, ApiError>>,
    loading: &'static str,
    #[prop(optional, into)] empty: Option<ViewFn>,
) -> impl IntoView
where
    T: Contents + Clone + Send + Sync + 'static,
{
    move || match resource.get() {
        None => loading_line(loading).into_any(),
        Some(loaded) => usable(loaded, empty.as_ref())
            .err()
            .unwrap_or_else(|| ().into_any()),
    }
}

/// A muted line saying what is loading.
pub fn loading_line(label: &'static str) -> impl IntoView {
    view! { <p class="muted">{label}</p> }
}

/// The value to draw, or what to show instead: the error or the empty message.
fn usable<T: Contents>(loaded: Result<T, ApiError>, empty: Option<&ViewFn>) -> Result<T, AnyView> {
    match loaded {
        Err(error) => Err(view! { <ErrorNotice message=error.message /> }.into_any()),
        Ok(value) => match empty.filter(|_| value.is_empty()) {
            Some(empty) => Err(view! { <p class="muted">{empty.run()}</p> }.into_any()),
            None => Ok(value),
        },
    }
}
