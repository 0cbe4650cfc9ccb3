//! `triloop-server`: see the README ("Running a sync server").

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use server::invitations::{self, Access};
use server::{Server, ServerConfig};

#[derive(Parser)]
#[command(
    name = "triloop-server",
    version,
    about = "Triloop's sync server (automerge-repo protocol over WebSocket)"
)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// `serve`'s options, also accepted without the subcommand.
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Serve `/sync` and `/health` (the default).
    Serve(ServeArgs),
    /// Create an invitation to one workspace and print its token (shown only once).
    Invite {
        #[arg(long, env = "TRILOOP_SERVER_DB")]
        database: PathBuf,
        /// The workspace id (its index document's automerge id).
        #[arg(long)]
        workspace: String,
        /// Who the invitation is for.
        #[arg(long)]
        name: String,
        /// The person may read but their edits are ignored.
        #[arg(long)]
        read_only: bool,
        /// Print one JSON line (with the token) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Revoke an invitation: its token stops working and a running server closes its
    /// connections within a second.
    Revoke {
        #[arg(long, env = "TRILOOP_SERVER_DB")]
        database: PathBuf,
        #[arg(long)]
        invitation: String,
    },
    /// List the invitations (never their tokens).
    Invitations {
        #[arg(long, env = "TRILOOP_SERVER_DB")]
        database: PathBuf,
        /// One JSON array instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(clap::Args, Clone)]
struct ServeArgs {
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
    let serve_args = match args.command {
        None => args.serve,
        Some(Command::Serve(s)) => s,
        Some(admin) => {
            return match admin_command(admin) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("triloop-server: error: {e}");
                    ExitCode::FAILURE
                }
            };
        }
    };
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let server = match Server::start(ServerConfig {
        listen: serve_args.listen,
        database: serve_args.database,
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

fn admin_command(command: Command) -> Result<(), String> {
    match command {
        Command::Serve(_) => Ok(()),
        Command::Invite {
            database,
            workspace,
            name,
            read_only,
            json,
        } => {
            workspace
                .parse::<samod::DocumentId>()
                .map_err(|_| format!("not a workspace id: {workspace}"))?;
            let store = server::open_database(&database).map_err(|e| e.to_string())?;
            let access = if read_only {
                Access::ReadOnly
            } else {
                Access::ReadWrite
            };
            let (inv, token) = store
                .with_conn(|c| invitations::create(c, &workspace, &name, access))
                .map_err(|e| e.to_string())?;
            if json {
                let mut v = serde_json::to_value(&inv).map_err(|e| e.to_string())?;
                v["token"] = serde_json::Value::String(token);
                println!("{v}");
            } else {
                println!(
                    "invitation {} for {} ({}) to workspace {}",
                    inv.id,
                    inv.name,
                    inv.access.as_str(),
                    inv.workspace_id
                );
                println!("token (shown only now): {token}");
            }
            Ok(())
        }
        Command::Revoke {
            database,
            invitation,
        } => {
            let store = server::open_database(&database).map_err(|e| e.to_string())?;
            match store.with_conn(|c| invitations::revoke(c, &invitation)) {
                Ok(true) => {
                    println!("revoked {invitation}");
                    Ok(())
                }
                Ok(false) => Err(format!("no invitation {invitation}")),
                Err(e) => Err(e.to_string()),
            }
        }
        Command::Invitations { database, json } => {
            let store = server::open_database(&database).map_err(|e| e.to_string())?;
            let list = store
                .with_conn(|c| invitations::list(c))
                .map_err(|e| e.to_string())?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string(&list).map_err(|e| e.to_string())?
                );
            } else {
                for i in list {
                    println!(
                        "{}\t{}\t{}\t{}\t{}",
                        i.id,
                        i.workspace_id,
                        i.access.as_str(),
                        if i.revoked_at.is_some() {
                            "revoked"
                        } else {
                            "active"
                        },
                        i.name
                    );
                }
            }
            Ok(())
        }
    }
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
