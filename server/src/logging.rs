use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::error_tracking;

/// Logs to stderr, so stdout carries only what a command prints (such as `server job run`'s
/// summary): readable lines on a terminal, JSON lines otherwise (for log collectors).
/// `RUST_LOG` sets the filter; the default is `info`. Error-level events also go to error
/// tracking when it is on.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let lines = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let registry = tracing_subscriber::registry()
        .with(filter)
        .with(error_tracking::layer());
    if std::io::stderr().is_terminal() {
        registry.with(lines).init();
    } else {
        registry.with(lines.json().flatten_event(true)).init();
    }
}
