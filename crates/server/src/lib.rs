//! The Triloop sync server: a WebSocket endpoint speaking the automerge-repo protocol
//! through samod on axum, storing documents in SQLite (the same `store::Store` the app
//! uses), with a health endpoint and a graceful shutdown that flushes everything.
//!
//! Access: every `/sync` connection presents an invitation token (`Authorization: Bearer`
//! or `?token=`); without a live one the upgrade is refused with 401. An invitation opens
//! one workspace: its index document and the documents the index lists (see [`access`]).
//! Invitations live in the server's own `invitation` table (see [`invitations`]).

pub mod access;
pub mod coalesce;
mod durable;
pub mod invitations;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use futures::{SinkExt, StreamExt};
use samod::{PeerId, Repo, Transport};
use store::Store;

use crate::access::AccessControl;
use crate::durable::DurableStorage;
use crate::invitations::Grant;

#[derive(Clone, Debug)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    pub database: PathBuf,
}

#[derive(Clone)]
struct AppState {
    acceptor: samod::AcceptorHandle,
    store: Store,
    access: AccessControl,
    durable: DurableStorage,
}

/// A running server.
pub struct Server {
    pub local_addr: SocketAddr,
    repo: Repo,
    serve: tokio::task::JoinHandle<std::io::Result<()>>,
    revocations: tokio::task::JoinHandle<()>,
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

/// Opens the server's database: `store`'s tables plus the server's own (`invitation`).
pub fn open_database(path: &Path) -> Result<Store, ServerError> {
    let store = Store::open(path).map_err(|e| ServerError(e.to_string()))?;
    store
        .with_conn(|c| invitations::ensure_schema(c))
        .map_err(|e| ServerError(format!("{}: {e}", path.display())))?;
    Ok(store)
}

impl Server {
    /// Opens the database and starts listening.
    pub async fn start(config: ServerConfig) -> Result<Server, ServerError> {
        let db = config.database.clone();
        let store = tokio::task::spawn_blocking(move || open_database(&db))
            .await
            .map_err(|e| ServerError(format!("opening the database panicked: {e}")))??;
        // Each peer sees only the documents of the workspace its invitation opens.
        let access = AccessControl::new(store.clone());
        // Sync answers wait for the storage writes they acknowledge (see `durable`).
        let durable = DurableStorage::new(store.clone());
        let repo = Repo::build_tokio()
            .with_storage(durable.clone())
            .with_peer_id(samod::PeerId::from("triloop-server"))
            .with_share_policy(access.clone())
            .load()
            .await;
        access.set_repo(repo.clone());
        let revocations = tokio::spawn(access.clone().watch_revocations());
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
            .route("/invitation", get(invitation))
            .with_state(AppState {
                acceptor,
                store,
                access,
                durable,
            });
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
            revocations,
            shutdown,
        })
    }

    /// Stops accepting, closes connections and flushes every pending write to SQLite.
    pub async fn stop(self) {
        let _ = self.shutdown.send(());
        self.revocations.abort();
        self.repo.stop().await;
        let _ = self.serve.await;
        tracing::info!("triloop-server stopped; storage flushed");
    }
}

async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}

/// What the holder of a token was invited to: `{workspaceId, name, access}` (the app
/// reads it when a person joins a workspace), or 401 for a token that is unknown or revoked.
async fn invitation(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<std::collections::HashMap<String, String>>,
) -> axum::response::Response {
    let found = match token_of(&headers, &query) {
        Some(token) => state
            .store
            .blocking(move |c| invitations::describe(c, &token))
            .await
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "could not check a token");
                None
            }),
        None => None,
    };
    match found {
        Some(inv) => Json(serde_json::json!({
            "workspaceId": inv.workspace_id,
            "name": inv.name,
            "access": inv.access,
        }))
        .into_response(),
        None => (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "unauthorized",
        )
            .into_response(),
    }
}

/// The token of a request: `Authorization: Bearer <token>`, else `?token=<token>`
/// (browsers cannot set headers on a WebSocket).
fn token_of(
    headers: &HeaderMap,
    query: &std::collections::HashMap<String, String>,
) -> Option<String> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string());
    bearer
        .or_else(|| query.get("token").cloned())
        .filter(|t| !t.is_empty())
}

async fn sync(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<std::collections::HashMap<String, String>>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> axum::response::Response {
    // Authenticate before anything else, and say nothing about workspaces.
    let grant = match token_of(&headers, &query) {
        Some(token) => state
            .store
            .blocking(move |c| invitations::authenticate(c, &token))
            .await
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "could not check a token");
                None
            }),
        None => None,
    };
    let Some(grant) = grant else {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "unauthorized",
        )
            .into_response();
    };
    let upgrade = match upgrade {
        Ok(u) => u,
        Err(rejection) => return rejection.into_response(),
    };
    upgrade.on_upgrade(move |socket| serve_connection(state, grant, socket))
}

/// The first message of an automerge-repo connection is the client's `join`; its
/// `senderId` is the peer id the client will use.
fn join_sender(bytes: &[u8]) -> Option<PeerId> {
    let mut d = minicbor::Decoder::new(bytes);
    let entries = d.map().ok()??;
    let (mut kind, mut sender) = (None, None);
    for _ in 0..entries {
        match d.str().ok()? {
            "type" => kind = Some(d.str().ok()?.to_string()),
            "senderId" => sender = Some(d.str().ok()?.to_string()),
            _ => d.skip().ok()?,
        }
    }
    (kind.as_deref() == Some("join")).then_some(PeerId::from_string(sender?))
}

/// Relays one authenticated WebSocket to samod, bound to the peer id its `join` claims,
/// until either side closes or the invitation is revoked.
async fn serve_connection(state: AppState, grant: Grant, socket: WebSocket) {
    let (mut ws_tx, mut ws_rx) = socket.split();
    let first = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match ws_rx.next().await {
                Some(Ok(Message::Binary(b))) => return Some(b.to_vec()),
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                _ => return None,
            }
        }
    })
    .await
    .ok()
    .flatten();
    let Some((first, peer)) = first.and_then(|b| join_sender(&b).map(|p| (b, p))) else {
        let _ = ws_tx.send(close(1002, "expected a join message")).await;
        return;
    };
    let Some((registration, mut revoked)) = state.access.register(&peer, grant.clone()) else {
        tracing::warn!(peer = %peer, "peer id already in use by another invitation");
        let _ = ws_tx.send(close(1008, "peer id in use")).await;
        return;
    };
    tracing::info!(peer = %peer, invitation = %grant.invitation_id, "sync connection");
    let (in_tx, in_rx) = futures::channel::mpsc::unbounded::<Vec<u8>>();
    let (out_tx, out_rx) = futures::channel::mpsc::unbounded::<Vec<u8>>();
    // One merged sync message per document per period, as the JS sync server does.
    let mut out_rx = coalesce::throttle_sync(out_rx, coalesce::DEFAULT_PERIOD);
    let _ = in_tx.unbounded_send(first);
    // The same per document for what the peer sends: a burst of its messages reaches the
    // document actor as one (see `coalesce`).
    let in_rx = coalesce::throttle_sync(in_rx, coalesce::DEFAULT_PERIOD);
    let transport = Transport::new(in_rx.map(Ok::<_, std::io::Error>), out_tx)
        .with_expected_peer_id(peer.clone());
    if let Err(e) = state.acceptor.accept(transport) {
        tracing::warn!(error = ?e, "could not accept a sync connection");
        return;
    }
    loop {
        tokio::select! {
            msg = ws_rx.next() => match msg {
                Some(Ok(Message::Binary(b))) => {
                    if in_tx.unbounded_send(b.to_vec()).is_err() {
                        break;
                    }
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Text(_))) => {}
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
            },
            msg = out_rx.next() => match msg {
                Some(b) => {
                    // Never tell a peer we have changes that are not yet on disk.
                    if !state.durable.before_sending(&b, Duration::from_secs(30)).await {
                        tracing::error!(peer = %peer, "storage did not commit in 30 s");
                        let _ = ws_tx.send(close(1011, "storage unavailable")).await;
                        break;
                    }
                    if ws_tx.send(Message::Binary(b.into())).await.is_err() {
                        break;
                    }
                }
                None => {
                    let _ = ws_tx.send(close(1000, "")).await;
                    break;
                }
            },
            _ = &mut revoked => {
                let _ = ws_tx.send(close(4401, "invitation revoked")).await;
                break;
            }
        }
    }
    drop(in_tx);
    drop(registration);
    tracing::info!(peer = %peer, "sync connection closed");
}

fn close(code: u16, reason: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.into(),
    }))
}
