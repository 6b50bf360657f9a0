fn main() {
    // The runtime settings come first, so the first request already goes to the right API;
    // `index.html` preloads them, and shows a static shell until the app is mounted.
    wasm_bindgen_futures::spawn_local(async {
        frontend::api::configure().await;
        leptos::mount::mount_to_body(frontend::App);
        frontend::remove_static_shell();
    });
}
