//! Logging with tracing to a daily-rotating file in the app-data folder (kept 14 days).

use std::path::Path;

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

/// Keeps the background log writer alive; drop it last.
pub struct LogGuard(#[allow(dead_code)] tracing_appender::non_blocking::WorkerGuard);

/// Starts logging to `dir/triloop.log.YYYY-MM-DD` (and to stderr when `also_stderr`).
/// `RUST_LOG` overrides the default level (info). Safe to call once per process.
pub fn init(dir: &Path, also_stderr: bool) -> Result<LogGuard, String> {
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create log folder {}: {e}", dir.display()))?;
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("triloop")
        .filename_suffix("log")
        .max_log_files(14)
        .build(dir)
        .map_err(|e| format!("cannot open log file in {}: {e}", dir.display()))?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = || EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let file_layer = fmt::layer()
        .with_ansi(false)
        .with_writer(writer)
        .with_filter(filter());
    let stderr_layer = also_stderr.then(|| {
        fmt::layer()
            .with_writer(std::io::stderr)
            .with_filter(filter())
    });
    let _ = tracing_subscriber::registry()
        .with(file_layer)
        .with(stderr_layer)
        .try_init();
    Ok(LogGuard(guard))
}
