use leptos::prelude::*;

/// Previous / next page buttons with the position in between.
#[component]
pub fn Pager(page: RwSignal<u64>, total: u64, per_page: u64) -> impl IntoView {
    let pages = total.div_ceil(per_page).max(1);
    view! {
        <nav class="pager" aria-label="Pages">
            <button type="button" class="secondary" disabled=move || { page.get() <= 1 } on:click=move |_| page.update(|p| *p -= 1)>
                "Previous"
            </button>
            <span>{move || format!("Page {} of {pages} · {total} in all", page.get())}</span>
            <button type="button" class="secondary" disabled=move || { page.get() >= pages } on:click=move |_| page.update(|p| *p += 1)>
                "Next"
            </button>
        </nav>
    }
}
