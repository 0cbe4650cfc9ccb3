//! The Triloop sync server: a WebSocket endpoint on axum speaking the automerge-repo wire
//! protocol ([`wire`]) with a sync core of its own built on automerge's sync protocol
//! ([`docs`]: why not samod's is written there), storing documents in SQLite (the same
//! `store::Store` the app uses), with a health endpoint and a graceful shutdown that
//! commits everything.
//!
//! Access: every `/sync` connection presents an invitation token (`Authorization: Bearer`
//! or `?token=`); without a live one the upgrade is refused with 401. An invitation opens
//! one workspace: its index document and the documents the index lists (see [`access`]).
//! Invitations live in the server's own `invitation` table (see [`invitations`]).

pub mod access;
mod docs;
pub mod invitations;
pub mod wire;

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
use store::Store;

use crate::access::AccessControl;
use crate::docs::{Conn, Hub};
use crate::invitations::Grant;
use crate::wire::Incoming;

/// The peer id the server uses in the protocol.
pub const SERVER_PEER_ID: &str = "triloop-server";

#[derive(Clone, Debug)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    pub database: PathBuf,
}

#[derive(Clone)]
struct AppState {
    hub: Hub,
    store: Store,
    access: AccessControl,
    storage_id: String,
    /// Flips to true when the server stops: every connection closes.
    closing: tokio::sync::watch::Receiver<bool>,
}

/// A running server.
pub struct Server {
    pub local_addr: SocketAddr,
    hub: Hub,
    closing: tokio::sync::watch::Sender<bool>,
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
        let hub = Hub::new(store.clone(), access.clone(), SERVER_PEER_ID);
        let storage_id = storage_id(&store).await?;
        let revocations = tokio::spawn(access.clone().watch_revocations());
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|e| ServerError(format!("cannot listen on {}: {e}", config.listen)))?;
        let local_addr = listener
            .local_addr()
            .map_err(|e| ServerError(e.to_string()))?;
        let (closing, closing_rx) = tokio::sync::watch::channel(false);
        let app = Router::new()
            .route("/health", get(health))
            .route("/sync", get(sync))
            .route("/invitation", get(invitation))
            .with_state(AppState {
                hub: hub.clone(),
                store,
                access,
                storage_id,
                closing: closing_rx,
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
            hub,
            closing,
            serve,
            revocations,
            shutdown,
        })
    }

    /// Stops accepting, closes connections and commits what every document actor holds.
    pub async fn stop(self) {
        let _ = self.shutdown.send(());
        let _ = self.closing.send(true);
        self.revocations.abort();
        let _ = self.serve.await;
        self.hub.stop().await;
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

/// This server's storage id (announced in `peer` messages), made once per database.
async fn storage_id(store: &Store) -> Result<String, ServerError> {
    let s = store.clone();
    tokio::task::spawn_blocking(move || {
        if let Some(id) = s.setting("server-storage-id")? {
            return Ok(id);
        }
        let mut b = [0u8; 16];
        getrandom::fill(&mut b).map_err(|e| store::StoreError::WriteFailed(e.to_string()))?;
        let id = hex::encode(b);
        s.set_setting("server-storage-id", &id)?;
        Ok(id)
    })
    .await
    .map_err(|e| ServerError(format!("reading the storage id panicked: {e}")))?
    .map_err(|e: store::StoreError| ServerError(e.to_string()))
}

/// Serves one authenticated WebSocket: the `join` handshake, then every message of the
/// peer to the document actors and theirs to the peer, until either side closes, the
/// invitation is revoked or the server stops.
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
    let join = first.as_deref().map(wire::decode);
    let Some(Ok(Incoming::Join {
        sender: peer,
        versions,
    })) = join
    else {
        let _ = ws_tx.send(close(1002, "expected a join message")).await;
        return;
    };
    if !versions.is_empty() && !versions.iter().any(|v| v == wire::PROTOCOL_VERSION) {
        let msg = format!("unsupported protocol versions {versions:?}; this server speaks \"1\"");
        let _ = ws_tx.send(Message::Binary(wire::error(&msg).into())).await;
        let _ = ws_tx
            .send(close(1002, "unsupported protocol version"))
            .await;
        return;
    }
    if peer == SERVER_PEER_ID {
        let _ = ws_tx.send(close(1008, "peer id in use")).await;
        return;
    }
    let Some((registration, mut revoked)) = state.access.register(&peer, grant.clone()) else {
        tracing::warn!(peer = %peer, "peer id already in use by another invitation");
        let _ = ws_tx.send(close(1008, "peer id in use")).await;
        return;
    };
    tracing::info!(peer = %peer, invitation = %grant.invitation_id, "sync connection");
    let answer = wire::peer(SERVER_PEER_ID, &peer, &state.storage_id);
    if ws_tx.send(Message::Binary(answer.into())).await.is_err() {
        return;
    }
    let (conn, mut out_rx) = Conn::new(registration.id(), peer.clone(), grant);
    let mut docs_seen: std::collections::HashSet<String> = Default::default();
    let mut closing = state.closing.clone();
    let hub = &state.hub;
    loop {
        tokio::select! {
            msg = ws_rx.next() => match msg {
                Some(Ok(Message::Binary(b))) => {
                    let msg = match wire::decode(&b) {
                        Ok(m) => m,
                        Err(e) => {
                            tracing::warn!(peer = %peer, error = %e, "a malformed message, ignored");
                            continue;
                        }
                    };
                    if msg.sender().is_some_and(|s| s != peer) {
                        tracing::warn!(peer = %peer, claimed = ?msg.sender(), "a message from another peer id");
                        let _ = ws_tx.send(close(1008, "senderId is not the peer that joined")).await;
                        break;
                    }
                    match msg {
                        Incoming::Join { .. } => {
                            let _ = ws_tx.send(close(1002, "already joined")).await;
                            break;
                        }
                        Incoming::Leave { .. } => {
                            let _ = ws_tx.send(close(1000, "")).await;
                            break;
                        }
                        Incoming::Doc { request, document, data, .. } => {
                            if docs_seen.len() < 100_000 {
                                docs_seen.insert(document.clone());
                            }
                            hub.doc_message(&conn, &document, request, data).await;
                        }
                        Incoming::Ephemeral { document, session, count, data, .. } => {
                            hub.ephemeral(&conn, &document, session, count, data).await;
                        }
                        Incoming::DocUnavailable { .. } | Incoming::Other { .. } => {}
                    }
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Text(_))) => {}
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
            },
            out = out_rx.recv() => match out {
                Some(b) => {
                    if ws_tx.send(Message::Binary(b.into())).await.is_err() {
                        break;
                    }
                }
                None => break,
            },
            _ = &mut revoked => {
                let _ = ws_tx.send(close(4401, "invitation revoked")).await;
                break;
            }
            _ = async { let _ = closing.wait_for(|c| *c).await; } => {
                let _ = ws_tx.send(close(1001, "server stopping")).await;
                break;
            }
        }
    }
    hub.gone(&conn, docs_seen);
    drop(registration);
    tracing::info!(peer = %peer, "sync connection closed");
}

fn close(code: u16, reason: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.into(),
    }))
}
