//! The low and out-of-stock mark, in words so it never rests on colour alone.

use app::stock::StockState;
use leptos::prelude::*;

/// "Low" or "Out of stock"; nothing when the stock is fine.
#[component]
pub fn StockBadge(state: StockState) -> impl IntoView {
    let class = match state {
        StockState::Ok => return None,
        StockState::Low => "badge badge-low",
        StockState::Out => "badge badge-out",
    };
    Some(view! { <span class=class>{state.label()}</span> })
}
