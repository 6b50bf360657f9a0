use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// Logs to stderr, so stdout carries only what a command prints (such as `server job run`'s
/// summary): readable lines on a terminal, JSON lines otherwise (for log collectors).
/// `RUST_LOG` sets the filter; the default is `info`.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::io::stderr().is_terminal() {
        builder.init();
    } else {
        builder.json().flatten_event(true).init();
    }
}
