//! The accounts, for admins: find one, change its role, deactivate or reactivate it.

use app::accounts::{Role, UpdateUserRequest, User};
use app::routes;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api;
use crate::auth::use_auth;
use crate::components::confirm::ConfirmButton;
use crate::components::loaded::{Loaded, resource};
use crate::components::notice::SubmitResult;
use crate::components::page_intro::PageIntro;
use crate::components::search::SearchBox;
use crate::components::submit::Submit;
use crate::local_time;
use crate::routing::focus_heading;

/// One change to one account: its id and what changes.
type Change = (i64, UpdateUserRequest);

/// What the page says after a change: where the account now stands.
fn changed(user: &User) -> String {
    let state = if user.is_active() {
        "active"
    } else {
        "deactivated, and signed out everywhere"
    };
    format!(
        "{} is now {}, {state}.",
        user.name,
        user.role.label().to_ascii_lowercase()
    )
}

/// `text` in lower case, by the browser: it knows every script's capitals, which the app would
/// otherwise carry in its wasm. Emails are stored in lower case already.
fn lowercase(text: &str) -> String {
    js_sys::JsString::from(text).to_lower_case().into()
}

/// The control a change leaves in play, to take focus when the list is drawn again: the role
/// select after a role change, the button that undoes a (de)activation.
fn control_after(id: i64, change: &UpdateUserRequest) -> String {
    match change.active {
        Some(false) => format!("reactivate-{id}"),
        Some(true) => format!("deactivate-{id}"),
        None => format!("role-{id}"),
    }
}

#[component]
pub fn Users() -> impl IntoView {
    let auth = use_auth();
    let search = RwSignal::new(String::new());
    let users = resource(api::accounts::users);
    let focus_after = RwSignal::new(None::<String>);
    let change = Submit::new(
        move |(id, request): Change| async move {
            let answer = api::accounts::update_user(id, &request).await;
            focus_after.set(Some(control_after(id, &request)));
            // Either way, so that every row shows what the server holds.
            users.refetch();
            answer
        },
        move |user: User| {
            // Admins who change their own account see their new role at once.
            if auth
                .user
                .with_untracked(|me| me.as_ref().is_some_and(|me| me.id == user.id))
            {
                auth.user.set(Some(user.clone()));
            }
            Some(changed(&user))
        },
    );
    view! {
        <PageIntro path=routes::USERS />
        <SearchBox id="user-search" label="Search by name or email" region="Search accounts" value=search />
        <SubmitResult result=change.result() />
        <Loaded resource=users loading="Loading accounts…" let:list>
            <AccountTable users=list search change focus_after />
        </Loaded>
    }
}

/// Focuses the control a change left in play, once the list that holds it is drawn. Where that
/// control is gone or disabled (the account became the last admin), the page's heading.
fn restore_focus(focus_after: RwSignal<Option<String>>) {
    request_animation_frame(move || {
        let Some(id) = focus_after.get_untracked() else {
            return;
        };
        focus_after.set(None);
        let control = document()
            .get_element_by_id(&id)
            .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
            .filter(|element| !element.has_attribute("disabled"));
        match control {
            Some(control) => {
                let _ = control.focus();
            }
            None => focus_heading(),
        }
    });
}

#[component]
fn AccountTable(
    users: Vec<User>,
    search: RwSignal<String>,
    change: Submit<Change>,
    focus_after: RwSignal<Option<String>>,
) -> impl IntoView {
    restore_focus(focus_after);
    let active_admins = users
        .iter()
        .filter(|user| user.role == Role::Admin && user.is_active())
        .count();
    let shown = Memo::new(move |_| {
        search.with(|text| {
            let text = lowercase(text.trim());
            users
                .iter()
                .filter(|user| lowercase(&user.name).contains(&text) || user.email.contains(&text))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    view! {
        <div class="table-wrap" tabindex="0" role="group" aria-label="Accounts">
            <table class="stack" aria-label="Accounts">
                <thead><tr><th>"Name"</th><th>"Email"</th><th>"Role"</th><th>"Last sign-in"</th><th>"Status"</th><th><span class="visually-hidden">"Actions"</span></th></tr></thead>
                <tbody>
                    <For each=move || shown.get() key=|user| user.id let:user>
                        <AccountRow last_admin=active_admins == 1 && user.role == Role::Admin && user.is_active() user change />
                    </For>
                </tbody>
            </table>
        </div>
        <Show when=move || shown.with(Vec::is_empty)>
            <p class="muted">"No account matches."</p>
        </Show>
    }
}

#[component]
fn AccountRow(user: User, last_admin: bool, change: Submit<Change>) -> impl IntoView {
    let id = user.id;
    let role_id = format!("role-{id}");
    let note_id = format!("last-admin-{id}");
    let set = move |request: UpdateUserRequest| change.dispatch((id, request));
    let (current, chosen) = (user.role, RwSignal::new(user.role));
    let last_sign_in = user
        .last_sign_in_at
        .map_or_else(|| "Never".to_owned(), local_time);
    let status = match user.deactivated_at {
        None => view! { <span class="badge badge-ok">"Active"</span> }.into_any(),
        Some(at) => view! {
            <span class="badge badge-off">"Deactivated"</span>
            <span class="small muted">" since "{local_time(at)}</span>
        }
        .into_any(),
    };
    let action = if last_admin {
        view! {
            <p class="small muted row-note" id=note_id.clone()>
                "The last active admin: make another account admin before changing this one."
            </p>
        }
        .into_any()
    } else if user.is_active() {
        view! {
            <ConfirmButton label="Deactivate" id=format!("deactivate-{id}") name=format!("Deactivate {}", user.name)
                question=format!("Deactivate {}? They are signed out at once.", user.name)
                pending=change.pending()
                on_confirm=move || set(UpdateUserRequest { role: None, active: Some(false) }) />
        }
        .into_any()
    } else {
        view! {
            <button type="button" class="secondary small" id=format!("reactivate-{id}")
                aria-label=format!("Reactivate {}", user.name)
                disabled=change.pending()
                on:click=move |_| set(UpdateUserRequest { role: None, active: Some(true) })>
                "Reactivate"
            </button>
        }
        .into_any()
    };
    view! {
        <tr>
            <td><strong>{user.name.clone()}</strong></td>
            <td data-label="Email">{user.email.clone()}</td>
            <td data-label="Role">
                <div class="role-change">
                    <label for=role_id.clone() class="visually-hidden">{format!("Role of {}", user.name)}</label>
                    <select id=role_id class="role-select" disabled=last_admin
                        aria-describedby=last_admin.then_some(note_id)
                        on:change=move |event| {
                            if let Ok(role) = event_target_value(&event).parse::<Role>() {
                                chosen.set(role);
                            }
                        }>
                        {Role::ALL.into_iter().map(|role| view! {
                            <option value=role.as_str() selected=role == current>{role.label()}</option>
                        }).collect_view()}
                    </select>
                    <Show when=move || chosen.get() != current>
                        <button type="button" class="small" aria-label=format!("Change role of {}", user.name)
                            disabled=change.pending()
                            on:click=move |_| set(UpdateUserRequest { role: Some(chosen.get_untracked()), active: None })>
                            "Change role"
                        </button>
                    </Show>
                </div>
            </td>
            <td class="date" data-label="Last sign-in">{last_sign_in}</td>
            <td data-label="Status">{status}</td>
            <td class="row-actions">{action}</td>
        </tr>
    }
}
