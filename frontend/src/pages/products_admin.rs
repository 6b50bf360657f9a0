use app::history::RecordType;
use app::routes;
use app::shop::{NewProduct, Product, ProductColumn, ProductQuery};
use app::{FieldErrors, Quantity, paths};
use leptos::prelude::*;

use crate::api;
use crate::components::confirm::ConfirmButton;
use crate::components::form::{Field, FormErrors};
use crate::components::history_link::HistoryLink;
use crate::components::list_tools::{CsvLink, SortHeader, UrlQuery, search_text};
use crate::components::loaded::{Loaded, resource};
use crate::components::notice::{ErrorNotice, SubmitResult};
use crate::components::page_intro::PageIntro;
use crate::components::pager::Pager;
use crate::components::search::SearchField;
use crate::components::stock_badge::StockBadge;
use crate::components::submit::Submit;
use crate::{cart_version, money};

const PER_PAGE: u64 = 20;

/// Turns the form's text into a request, with the same rules the server applies.
fn parse(
    name: &str,
    description: &str,
    price: &str,
    stock: &str,
    image_url: &str,
    low_stock_threshold: &str,
) -> Result<NewProduct, FieldErrors> {
    let mut errors = FieldErrors::new();
    let price = price.trim().parse::<Quantity>().unwrap_or_else(|error| {
        errors.insert("price".into(), error.to_string());
        Quantity::ZERO
    });
    let stock = stock.trim().parse::<i64>().unwrap_or_else(|_| {
        errors.insert("stock".into(), "must be a whole number".into());
        0
    });
    let low_stock_threshold = optional_count(low_stock_threshold).unwrap_or_else(|message| {
        errors.insert("low_stock_threshold".into(), message.into());
        None
    });
    let input = NewProduct {
        name: name.to_owned(),
        description: description.to_owned(),
        price,
        stock,
        image_url: Some(image_url.trim().to_owned()).filter(|url| !url.is_empty()),
        low_stock_threshold,
    };
    if let Err(rules) = input.validate() {
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

/// An empty field means none.
fn optional_count(text: &str) -> Result<Option<i64>, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|_| "must be a whole number")
}

/// The product form's fields, and which product it edits (none: a new one).
#[derive(Clone, Copy)]
struct Draft {
    editing: RwSignal<Option<(i64, i64)>>,
    name: RwSignal<String>,
    description: RwSignal<String>,
    price: RwSignal<String>,
    stock: RwSignal<String>,
    image_url: RwSignal<String>,
    low_stock_threshold: RwSignal<String>,
}

impl Draft {
    fn new() -> Self {
        Self {
            editing: RwSignal::new(None),
            name: RwSignal::new(String::new()),
            description: RwSignal::new(String::new()),
            price: RwSignal::new(String::new()),
            stock: RwSignal::new(String::new()),
            image_url: RwSignal::new(String::new()),
            low_stock_threshold: RwSignal::new(String::new()),
        }
    }

    fn load(self, product: &Product) {
        self.editing.set(Some((product.id, product.version)));
        self.name.set(product.name.clone());
        self.description.set(product.description.clone());
        self.price.set(product.price.to_string());
        self.stock.set(product.stock.to_string());
        self.image_url
            .set(product.image_url.clone().unwrap_or_default());
        self.low_stock_threshold.set(
            product
                .low_stock_threshold
                .map(|count| count.to_string())
                .unwrap_or_default(),
        );
    }

    fn clear(self) {
        self.editing.set(None);
        for field in [
            self.name,
            self.description,
            self.price,
            self.stock,
            self.image_url,
            self.low_stock_threshold,
        ] {
            field.set(String::new());
        }
    }
}

#[component]
pub fn ProductsAdmin() -> impl IntoView {
    let draft = Draft::new();
    view! {
        <PageIntro path=routes::PRODUCTS />
        <div class="split">
            <section class="card" aria-labelledby="product-form">
                <h2 id="product-form">{move || if draft.editing.get().is_some() { "Edit product" } else { "Add a product" }}</h2>
                <ProductForm draft />
            </section>
            <section class="card" aria-labelledby="product-list">
                <h2 id="product-list">"Catalogue"</h2>
                <ProductList draft />
            </section>
        </div>
    }
}

#[component]
fn ProductForm(draft: Draft) -> impl IntoView {
    let version = cart_version();
    let parsed = move || {
        parse(
            &draft.name.get(),
            &draft.description.get(),
            &draft.price.get(),
            &draft.stock.get(),
            &draft.image_url.get(),
            &draft.low_stock_threshold.get(),
        )
    };
    let form = FormErrors::new(move || parsed().err().unwrap_or_default());
    let save = Submit::edit(
        form,
        |(editing, input): (Option<(i64, i64)>, NewProduct)| async move {
            match editing {
                Some((id, at)) => api::shop::update_product(id, at, &input).await,
                None => api::shop::create_product(&input).await,
            }
        },
        |product: Product| Some(format!("Saved {}.", product.name)),
        move || {
            draft.clear();
            form.reset();
            version.bump();
        },
    );
    let on_submit = save.on_submit(move || {
        parsed()
            .ok()
            .map(|input| (draft.editing.get_untracked(), input))
    });
    view! {
        <form on:submit=on_submit novalidate>
            <Field label="Name" name="name" value=draft.name form required=true />
            <Field label="Description" name="description" value=draft.description form multiline=true />
            <div class="row">
                <Field label="Price" name="price" value=draft.price form required=true input_mode="decimal" hint="US dollars" />
                <Field label="Stock" name="stock" value=draft.stock form required=true input_mode="numeric" hint="Units available" />
            </div>
            <Field label="Mark as low below" name="low_stock_threshold" value=draft.low_stock_threshold form input_mode="numeric" hint="Optional: below this many units the product shows as low and staff are notified" />
            <Field label="Image URL" name="image_url" value=draft.image_url form input_type="url" hint="Optional, http:// or https://" />
            <div class="actions">
                <button type="submit" disabled=save.pending()>
                    {move || if draft.editing.get().is_some() { "Save changes" } else { "Add product" }}
                </button>
                <Show when=move || draft.editing.get().is_some()>
                    <button type="button" class="secondary" on:click=move |_| { draft.clear(); form.reset(); }>"Cancel"</button>
                </Show>
            </div>
            <SubmitResult result=save.result() />
        </form>
    }
}

#[component]
fn ProductList(draft: Draft) -> impl IntoView {
    let version = cart_version();
    let url = UrlQuery::<ProductQuery>::from_address();
    let page = url.pager();
    let error = RwSignal::new(None::<String>);
    let search = url.field(
        |query| query.q.clone().unwrap_or_default(),
        |query, text| query.q = search_text(text),
    );
    let products = resource(move || {
        version.track();
        let query = ProductQuery {
            per_page: Some(PER_PAGE),
            ..url.get()
        };
        async move { api::shop::products(&query).await }
    });
    let csv = move || {
        let query = ProductQuery {
            page: None,
            ..url.get()
        };
        api::download_url(paths::PRODUCTS_CSV, &query)
    };
    let heading = move |label: &'static str, key: ProductColumn| {
        view! {
            <SortHeader label key numeric=key == ProductColumn::Price
                descending_first=key != ProductColumn::Name
                sort=Signal::derive(move || url.with(ProductQuery::sort))
                on_sort=move |sort| url.refine(|query| query.sort = Some(sort)) />
        }
    };
    let archive = Action::new_local(move |id: &i64| {
        let id = *id;
        async move {
            match api::shop::remove_product(id).await {
                Ok(()) => version.bump(),
                Err(failure) => error.set(Some(failure.message)),
            }
        }
    });
    view! {
        <div class="list-head">
            <div class="filters" role="search" aria-label="Search the catalogue">
                <SearchField id="catalogue-search" label="Search products" value=search />
            </div>
            <CsvLink href=Signal::derive(csv) />
        </div>
        {move || error.get().map(|message| view! { <ErrorNotice message /> })}
        <Loaded resource=products loading="Loading products…" empty=|| "No products match." let:list>
            <div class="table-wrap" tabindex="0" role="group" aria-label="Catalogue">
                <table class="stack" aria-label="Catalogue">
                    <thead><tr>
                        {heading("Name", ProductColumn::Name)}
                        {heading("Price", ProductColumn::Price)}
                        {heading("Stock", ProductColumn::Stock)}
                        <th><span class="visually-hidden">"Actions"</span></th>
                    </tr></thead>
                    <tbody>
                        {list.items.into_iter().map(|product| {
                            let id = product.id;
                            let edit_label = format!("Edit {}", product.name);
                            let remove_label = format!("Remove {}", product.name);
                            let name = product.name.clone();
                            // Ordered products are archived so their orders keep them; say which.
                            let question = format!("Remove {} from the catalogue? Orders keep it.", product.name);
                            view! {
                                <tr>
                                    <td><strong>{product.name.clone()}</strong></td>
                                    <td class="num" data-label="Price">{money(product.price)}</td>
                                    <td class="num" data-label="Stock">{product.stock} <StockBadge state=product.stock_state /></td>
                                    <td class="row-actions">
                                        <button type="button" class="secondary small" aria-label=edit_label
                                            on:click=move |_| draft.load(&product)>"Edit"</button>
                                        <HistoryLink record_type=RecordType::Product id name />
                                        <ConfirmButton label="Remove" name=remove_label question
                                            pending=archive.pending()
                                            on_confirm=move || { error.set(None); archive.dispatch(id); } />
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <Pager page total=list.total per_page=PER_PAGE />
        </Loaded>
    }
}
