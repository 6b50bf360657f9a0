fn main() {
    console_error_panic_hook::set_once();
    leptos::task::spawn_local(async {
        frontend::api::configure().await;
        leptos::mount::mount_to_body(frontend::App);
    });
}
