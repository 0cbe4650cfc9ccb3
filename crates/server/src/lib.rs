//! The Triloop sync server: a WebSocket endpoint speaking the automerge-repo protocol
//! through samod on axum, storing documents in SQLite (the same `store::Store` the app
//! uses), with a health endpoint and a graceful shutdown that flushes everything.
//!
//! Not yet here (issue 4): invitations and per-document access control; until then the
//! server listens on loopback unless told otherwise, and never announces documents.

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::routing::get;
use axum::{Json, Router};
use samod::{Repo, ShareConfig};
use store::Store;

#[derive(Clone, Debug)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    pub database: PathBuf,
}

#[derive(Clone)]
struct AppState {
    acceptor: samod::AcceptorHandle,
}

/// A running server.
pub struct Server {
    pub local_addr: SocketAddr,
    repo: Repo,
    serve: tokio::task::JoinHandle<std::io::Result<()>>,
    shutdown: tokio::sync::oneshot::Sender<()>,
}

#[derive(Debug)]
pub struct ServerError(pub String);

impl std::fmt::Display for ServerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ServerError {}

impl Server {
    /// Opens the database and starts listening.
    pub async fn start(config: ServerConfig) -> Result<Server, ServerError> {
        let db = config.database.clone();
        let store = tokio::task::spawn_blocking(move || Store::open(&db))
            .await
            .map_err(|e| ServerError(format!("opening the database panicked: {e}")))?
            .map_err(|e| ServerError(e.to_string()))?;
        // A server answers requests but never announces documents to peers: a client
        // learns only of documents it asks for by id.
        let repo = Repo::build_tokio()
            .with_storage(store)
            .with_peer_id(samod::PeerId::from("triloop-server"))
            .with_share_policy(ShareConfig::read_write().with_announce(false))
            .load()
            .await;
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|e| ServerError(format!("cannot listen on {}: {e}", config.listen)))?;
        let local_addr = listener
            .local_addr()
            .map_err(|e| ServerError(e.to_string()))?;
        let url: url::Url = format!("ws://{local_addr}/sync")
            .parse()
            .map_err(|e| ServerError(format!("{e}")))?;
        let acceptor = repo
            .make_acceptor(url)
            .map_err(|_| ServerError("the repository stopped".into()))?;
        let app = Router::new()
            .route("/health", get(health))
            .route("/sync", get(sync))
            .with_state(AppState { acceptor });
        let (shutdown, rx) = tokio::sync::oneshot::channel::<()>();
        let serve = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await
        });
        tracing::info!(%local_addr, database = %config.database.display(), "triloop-server listening");
        Ok(Server {
            local_addr,
            repo,
            serve,
            shutdown,
        })
    }

    /// Stops accepting, closes connections and flushes every pending write to SQLite.
    pub async fn stop(self) {
        let _ = self.shutdown.send(());
        self.repo.stop().await;
        let _ = self.serve.await;
        tracing::info!("triloop-server stopped; storage flushed");
    }
}

async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}

async fn sync(
    State(state): State<AppState>,
    upgrade: WebSocketUpgrade,
) -> axum::response::Response {
    upgrade.on_upgrade(move |socket| async move {
        if let Err(e) = state.acceptor.accept_axum(socket, None) {
            tracing::warn!(error = ?e, "could not accept a sync connection");
        }
    })
}
