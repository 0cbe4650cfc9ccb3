//! `triloop-server`: see the README ("Running a sync server").

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use server::{Server, ServerConfig};

#[derive(Parser)]
#[command(
    name = "triloop-server",
    version,
    about = "Triloop's sync server (automerge-repo protocol over WebSocket)"
)]
struct Args {
    /// Address to listen on. Loopback by default; put a TLS reverse proxy in front for wss://.
    #[arg(long, env = "TRILOOP_SERVER_LISTEN", default_value = "127.0.0.1:8787")]
    listen: SocketAddr,
    /// The SQLite database file holding the documents.
    #[arg(long, env = "TRILOOP_SERVER_DB", default_value = "triloop-server.db")]
    database: PathBuf,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let server = match Server::start(ServerConfig {
        listen: args.listen,
        database: args.database,
    })
    .await
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!("triloop-server: error: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("listening on {}", server.local_addr);
    shutdown_signal().await;
    server.stop().await;
    ExitCode::SUCCESS
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
