//! A workspace's link to a Triloop server: the dialer (WebSocket, `ws://` or `wss://`, the
//! invitation token as a bearer header), what this laptop shares with which server (a samod
//! share policy), the visible sync state, "sync now", and presence (who is here, their
//! cursor and selection) as samod ephemeral messages on the workspace index.
//!
//! One samod repo holds every document of the laptop; each linked workspace adds one dialer
//! to it. The share policy lets a server see only the documents of the workspaces linked
//! through it (their index and the documents the index lists), so linking workspace A to a
//! server never announces workspace B there.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;
use futures::{FutureExt, SinkExt, Stream, StreamExt};
use samod::{
    BackoffConfig, ConnectionId, DialError, DialerEvent, DialerHandle, DocHandle, DocumentId,
    PeerId, Repo, ShareConfig, Transport,
};
use serde::{Deserialize, Serialize};
use store::{RemoteRow, Store};
use tokio::sync::{Notify, broadcast, watch};
use tokio_tungstenite::tungstenite;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::Clock;
use crate::types::{
    ApiError, CoreEvent, ErrorCode, PresencePeer, PresencePoint, SyncState, SyncStatus,
};

/// Presence entries older than this are dropped (a peer that vanished without a word).
const PRESENCE_TTL_MS: i64 = 12_000;
/// How often this laptop repeats its own presence, so newcomers see it.
const PRESENCE_HEARTBEAT: Duration = Duration::from_secs(4);
/// A burst of edits is evaluated once: the link waits this long after a change.
const SETTLE: Duration = Duration::from_millis(100);

// ---- trust ----------------------------------------------------------------------------

/// A PEM file of extra certificate authorities to trust for `wss://` and `https://`
/// servers, besides the system's (a bank's own CA on laptops where IT did not install it).
pub const EXTRA_CA_ENV: &str = "TRILOOP_EXTRA_CA";

/// The extra CAs, read at every connection attempt (the file may be replaced meanwhile).
fn extra_cas() -> Result<Vec<Vec<u8>>, String> {
    let Some(path) = std::env::var_os(EXTRA_CA_ENV).filter(|p| !p.is_empty()) else {
        return Ok(Vec::new());
    };
    let pem = std::fs::read(&path)
        .map_err(|e| format!("cannot read {EXTRA_CA_ENV}={}: {e}", path.to_string_lossy()))?;
    Ok(vec![pem])
}

fn tls_connector() -> Result<native_tls::TlsConnector, String> {
    let mut b = native_tls::TlsConnector::builder();
    for pem in extra_cas()? {
        let cert = native_tls::Certificate::from_pem(&pem)
            .map_err(|e| format!("{EXTRA_CA_ENV}: not a PEM certificate: {e}"))?;
        b.add_root_certificate(cert);
    }
    b.build().map_err(|e| e.to_string())
}

// ---- server addresses ---------------------------------------------------------------

/// The sync endpoint and the invitation endpoint of a server address as a person types
/// it: `ws://`, `wss://`, `http://` or `https://`, with or without the `/sync` path.
pub(crate) fn endpoints(address: &str) -> Result<(url::Url, url::Url), ApiError> {
    let bad = |why: &str| {
        ApiError::new(
            ErrorCode::InvalidInput,
            format!(
                "{address:?} is not a server address ({why}); use ws://host:port or wss://host"
            ),
        )
    };
    let mut url = url::Url::parse(address.trim()).map_err(|e| bad(&e.to_string()))?;
    let scheme = match url.scheme() {
        "ws" | "http" => "ws",
        "wss" | "https" => "wss",
        _ => return Err(bad("unknown scheme")),
    };
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("no host"));
    }
    url.set_scheme(scheme).map_err(|_| bad("unknown scheme"))?;
    url.set_query(None);
    url.set_fragment(None);
    let path = url.path().trim_end_matches('/').to_string();
    let base = path.strip_suffix("/sync").unwrap_or(&path).to_string();
    url.set_path(&format!("{base}/sync"));
    let mut info = url.clone();
    info.set_scheme(if scheme == "wss" { "https" } else { "http" })
        .map_err(|_| bad("unknown scheme"))?;
    info.set_path(&format!("{base}/invitation"));
    Ok((url, info))
}

/// What an invitation opens, as the server tells its holder.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InvitationInfo {
    pub workspace_id: String,
    pub name: String,
    pub access: String,
}

/// Asks the server what `token` opens. Unknown or revoked tokens are `Unauthorized`; a
/// server that cannot be reached is `Unreachable`.
pub(crate) async fn ask_invitation(
    info_url: &url::Url,
    token: &str,
) -> Result<InvitationInfo, ApiError> {
    let mut builder = reqwest::Client::builder().timeout(Duration::from_secs(15));
    for pem in extra_cas().map_err(|e| ApiError::new(ErrorCode::InvalidInput, e))? {
        let cert = reqwest::Certificate::from_pem(&pem).map_err(|e| {
            ApiError::new(
                ErrorCode::InvalidInput,
                format!("{EXTRA_CA_ENV}: not a PEM certificate: {e}"),
            )
        })?;
        builder = builder.add_root_certificate(cert);
    }
    let client = builder
        .build()
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    let response = client
        .get(info_url.clone())
        .bearer_auth(token.trim())
        .send()
        .await
        .map_err(|e| {
            ApiError::new(
                ErrorCode::Unreachable,
                format!("cannot reach the server at {info_url}: {}", error_chain(&e)),
            )
        })?;
    match response.status() {
        s if s.is_success() => response.json::<InvitationInfo>().await.map_err(|e| {
            ApiError::new(
                ErrorCode::Unreachable,
                format!("{info_url} did not answer like a Triloop server: {e}"),
            )
        }),
        reqwest::StatusCode::UNAUTHORIZED => Err(ApiError::new(
            ErrorCode::Unauthorized,
            "the server does not accept this invitation (unknown or revoked)",
        )),
        s => Err(ApiError::new(
            ErrorCode::Unreachable,
            format!("{info_url} answered {s}; is this a Triloop server?"),
        )),
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

// ---- the dialer -----------------------------------------------------------------------

/// The server refused the invitation: retrying cannot help.
#[derive(Debug, thiserror::Error)]
#[error("the server refused the invitation (revoked or unknown)")]
pub(crate) struct Refused;

/// Dials a server's sync endpoint with the invitation as a bearer token.
struct BearerDialer {
    url: url::Url,
    token: String,
    /// Told why an attempt failed (the dialer's events do not say).
    on_failure: Arc<dyn Fn(String) + Send + Sync>,
}

impl samod::Dialer for BearerDialer {
    type Error = Refused;

    fn url(&self) -> url::Url {
        self.url.clone()
    }

    fn connect(&self) -> BoxFuture<'static, Result<Transport, DialError<Refused>>> {
        let url = self.url.clone();
        let token = self.token.clone();
        let on_failure = self.on_failure.clone();
        async move {
            let mut request = url
                .as_str()
                .into_client_request()
                .map_err(DialError::transient)?;
            let header = format!("Bearer {token}")
                .parse()
                .map_err(|_| DialError::PermanentFailure(Refused))?;
            request.headers_mut().insert("authorization", header);
            let connector = match tls_connector() {
                Ok(c) => tokio_tungstenite::Connector::NativeTls(c),
                Err(e) => {
                    on_failure(e.clone());
                    return Err(DialError::transient(std::io::Error::other(e)));
                }
            };
            let connecting = tokio_tungstenite::connect_async_tls_with_config(
                request,
                None,
                false,
                Some(connector),
            );
            let ws = match connecting.await {
                Ok((ws, _)) => ws,
                Err(tungstenite::Error::Http(resp)) if resp.status().as_u16() == 401 => {
                    on_failure(Refused.to_string());
                    return Err(DialError::PermanentFailure(Refused));
                }
                Err(e) => {
                    on_failure(error_chain(&e));
                    return Err(DialError::transient(e));
                }
            };
            let (sink, stream) = ws.split();
            let stream = stream.filter_map(|m| async move {
                match m {
                    Ok(tungstenite::Message::Binary(b)) => Some(Ok(b.to_vec())),
                    Ok(_) => None,
                    Err(e) => Some(Err(e)),
                }
            });
            let sink = sink.with(|b: Vec<u8>| async move {
                Ok::<_, tungstenite::Error>(tungstenite::Message::Binary(b.into()))
            });
            Ok(Transport::new(Box::pin(stream), Box::pin(sink)))
        }
        .boxed()
    }
}

// ---- what is shared with whom -------------------------------------------------------------

#[derive(Default)]
struct Shares {
    /// Server peer id -> the workspaces linked through it.
    peers: HashMap<PeerId, HashSet<String>>,
    /// Workspace -> its documents (the index included).
    members: HashMap<String, HashSet<DocumentId>>,
}

impl Shares {
    /// `None` while the peer is not yet known (samod waits for a decision).
    fn decide(&self, doc: &DocumentId, peer: &PeerId) -> Option<ShareConfig> {
        let workspaces = self.peers.get(peer)?;
        let shared = workspaces
            .iter()
            .any(|ws| self.members.get(ws).is_some_and(|m| m.contains(doc)));
        Some(if shared {
            ShareConfig::read_write()
        } else {
            ShareConfig::none()
        })
    }
}

/// The laptop's share policy: a server sees the documents of the workspaces linked
/// through it, and nothing else.
#[derive(Clone)]
pub(crate) struct ClientPolicy {
    shares: Arc<watch::Sender<Shares>>,
}

impl ClientPolicy {
    pub fn new() -> ClientPolicy {
        ClientPolicy {
            shares: Arc::new(watch::channel(Shares::default()).0),
        }
    }

    fn link(&self, peer: &PeerId, workspace: &str) {
        self.shares.send_if_modified(|s| {
            s.peers
                .entry(peer.clone())
                .or_default()
                .insert(workspace.to_string())
        });
    }

    fn unlink(&self, workspace: &str) {
        self.shares.send_modify(|s| {
            for set in s.peers.values_mut() {
                set.remove(workspace);
            }
            s.members.remove(workspace);
        });
    }

    fn set_members(&self, workspace: &str, members: HashSet<DocumentId>) {
        self.shares.send_if_modified(|s| {
            let old = s.members.insert(workspace.to_string(), members.clone());
            old.as_ref() != Some(&members)
        });
    }

    fn members(&self, workspace: &str) -> HashSet<DocumentId> {
        self.shares
            .borrow()
            .members
            .get(workspace)
            .cloned()
            .unwrap_or_default()
    }

    /// The linked workspace a document belongs to, if any.
    pub fn workspace_of(&self, doc: &str) -> Option<String> {
        let id = DocumentId::from_str(doc).ok()?;
        let shares = self.shares.borrow();
        shares
            .members
            .iter()
            .find(|(_, m)| m.contains(&id))
            .map(|(ws, _)| ws.clone())
    }
}

impl samod::SharePolicy for ClientPolicy {
    fn share(
        &self,
        doc_id: DocumentId,
        peer_id: PeerId,
    ) -> impl Stream<Item = ShareConfig> + Send + 'static {
        let rx = self.shares.subscribe();
        futures::stream::unfold((rx, false), move |(mut rx, started)| {
            let (doc, peer) = (doc_id.clone(), peer_id.clone());
            async move {
                if started {
                    rx.changed().await.ok()?;
                }
                let decision = rx.borrow_and_update().decide(&doc, &peer);
                Some((decision, (rx, true)))
            }
        })
        .filter_map(futures::future::ready)
    }
}

// ---- presence ---------------------------------------------------------------------------

/// One presence message as it travels (JSON in a samod ephemeral message on the index).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
struct PresenceWire {
    /// Always "triloop-presence" (other apps' ephemera are ignored).
    kind: String,
    peer: String,
    name: String,
    document: Option<String>,
    cursor: Option<PresencePoint>,
    selection: Vec<String>,
    leaving: bool,
}

const PRESENCE_KIND: &str = "triloop-presence";

/// What this laptop last said, per workspace, and what it heard.
#[derive(Default)]
struct PresenceBook {
    mine: HashMap<String, PresenceWire>,
    /// workspace -> peer -> (message, received at)
    heard: HashMap<String, HashMap<String, (PresenceWire, i64)>>,
}

// ---- the hub ----------------------------------------------------------------------------

struct Link {
    remote: RemoteRow,
    dialer: DialerHandle<Refused>,
    kick: Arc<Notify>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for Link {
    fn drop(&mut self) {
        self.dialer.close();
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// Everything sync: links, their states, presence, and the event stream the shell
/// forwards to the UI.
pub(crate) struct SyncHub {
    repo: Repo,
    store: Store,
    clock: Arc<dyn Clock>,
    pub policy: ClientPolicy,
    pub events: broadcast::Sender<CoreEvent>,
    links: Mutex<HashMap<String, Link>>,
    statuses: Mutex<HashMap<String, SyncStatus>>,
    presence: Mutex<PresenceBook>,
    /// The index handle of each linked workspace (presence travels on it).
    indexes: Mutex<HashMap<String, DocHandle>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl SyncHub {
    pub fn new(
        repo: Repo,
        store: Store,
        clock: Arc<dyn Clock>,
        policy: ClientPolicy,
        events: broadcast::Sender<CoreEvent>,
    ) -> Arc<SyncHub> {
        let hub = Arc::new(SyncHub {
            repo,
            store,
            clock,
            policy,
            events,
            links: Mutex::new(HashMap::new()),
            statuses: Mutex::new(HashMap::new()),
            presence: Mutex::new(PresenceBook::default()),
            indexes: Mutex::new(HashMap::new()),
        });
        let weak = Arc::downgrade(&hub);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(2));
            loop {
                tick.tick().await;
                let Some(hub) = weak.upgrade() else { return };
                hub.prune_presence();
            }
        });
        hub
    }

    pub fn repo_peer(&self) -> String {
        self.repo.peer_id().to_string()
    }

    /// The status of a workspace: offline unless linked.
    pub fn status(&self, workspace_id: &str) -> SyncStatus {
        if let Some(s) = lock(&self.statuses).get(workspace_id) {
            return s.clone();
        }
        let remote = self.store.remote(workspace_id).ok().flatten();
        SyncStatus {
            workspace_id: workspace_id.to_string(),
            server_url: remote.as_ref().map(|r| r.server_url.clone()),
            person: remote.as_ref().map(|r| r.person.clone()),
            read_only: remote.as_ref().is_some_and(|r| r.access == "read_only"),
            state: SyncState::Offline,
            detail: None,
            last_synced_at: remote.and_then(|r| r.last_synced_at).map(|t| t as f64),
        }
    }

    fn set_state(&self, workspace_id: &str, state: SyncState, detail: Option<String>) {
        let mut status = self.status(workspace_id);
        if state == SyncState::UpToDate {
            let now = self.clock.now_ms();
            status.last_synced_at = Some(now as f64);
            let _ = self.store.set_remote_synced(workspace_id, now);
        }
        if status.state == state && status.detail == detail && state != SyncState::UpToDate {
            return;
        }
        status.state = state;
        status.detail = detail;
        tracing::info!(workspace = workspace_id, state = ?status.state, detail = ?status.detail, "sync state");
        lock(&self.statuses).insert(workspace_id.to_string(), status.clone());
        let _ = self.events.send(CoreEvent::SyncStatus(status));
    }

    /// Is this document in a workspace this laptop may only read?
    pub fn read_only(&self, document_id: &str) -> Option<String> {
        let ws = self.policy.workspace_of(document_id)?;
        let links = lock(&self.links);
        let link = links.get(&ws)?;
        (link.remote.access == "read_only").then_some(ws)
    }

    /// Starts (or restarts) the link of a workspace to its server.
    pub fn start(
        self: &Arc<Self>,
        remote: RemoteRow,
        index_doc: DocumentId,
    ) -> Result<(), ApiError> {
        let ws = remote.workspace_id.clone();
        self.stop(&ws);
        lock(&self.statuses).remove(&ws);
        let (url, _) = endpoints(&remote.server_url)?;
        self.policy.set_members(
            &ws,
            self.policy
                .members(&ws)
                .into_iter()
                .chain([index_doc.clone()])
                .collect(),
        );
        let weak = Arc::downgrade(self);
        let failure_ws = ws.clone();
        let on_failure: Arc<dyn Fn(String) + Send + Sync> = Arc::new(move |why: String| {
            if let Some(hub) = weak.upgrade() {
                let state = if why == Refused.to_string() {
                    SyncState::Error
                } else {
                    SyncState::Offline
                };
                hub.set_state(&failure_ws, state, Some(why));
            }
        });
        let dialer = self
            .repo
            .dial(
                BackoffConfig {
                    initial_delay: Duration::from_millis(250),
                    max_delay: Duration::from_secs(15),
                    max_retries: None,
                },
                Arc::new(BearerDialer {
                    url,
                    token: remote.token.clone(),
                    on_failure,
                }),
            )
            .map_err(|_| {
                ApiError::new(ErrorCode::Internal, "the document repository has stopped")
            })?;
        self.set_state(&ws, SyncState::Connecting, None);
        let kick = Arc::new(Notify::new());
        let run = tokio::spawn(run_link(
            Arc::downgrade(self),
            ws.clone(),
            index_doc.clone(),
            dialer.clone(),
            kick.clone(),
        ));
        let heartbeat = tokio::spawn(heartbeat(Arc::downgrade(self), ws.clone(), index_doc));
        lock(&self.links).insert(
            ws,
            Link {
                remote,
                dialer,
                kick,
                tasks: vec![run, heartbeat],
            },
        );
        Ok(())
    }

    /// Stops the link (the person disconnected, or the workspace is gone).
    pub fn stop(&self, workspace_id: &str) {
        let link = lock(&self.links).remove(workspace_id);
        if let Some(link) = link {
            // Say goodbye so others drop this laptop's cursor at once.
            let mine = lock(&self.presence).mine.remove(workspace_id);
            if let Some(mut mine) = mine {
                mine.leaving = true;
                self.broadcast_presence(workspace_id, &mine);
            }
            lock(&self.indexes).remove(workspace_id);
            drop(link);
            self.policy.unlink(workspace_id);
            lock(&self.presence).heard.remove(workspace_id);
            self.emit_presence(workspace_id);
            self.set_state(workspace_id, SyncState::Offline, None);
        }
    }

    /// Re-reads the workspace's status from its stored link (after the link itself changed
    /// without a connection, e.g. removed) and tells the UI.
    pub fn reset_status(&self, workspace_id: &str) {
        lock(&self.statuses).remove(workspace_id);
        let _ = self
            .events
            .send(CoreEvent::SyncStatus(self.status(workspace_id)));
    }

    pub fn is_linked(&self, workspace_id: &str) -> bool {
        lock(&self.links).contains_key(workspace_id)
    }

    /// "Sync now": reconnect at once when offline; otherwise check again with the server.
    pub fn sync_now(
        self: &Arc<Self>,
        workspace_id: &str,
        index_doc: DocumentId,
    ) -> Result<(), ApiError> {
        let (connected, remote, kick) = {
            let links = lock(&self.links);
            match links.get(workspace_id) {
                Some(l) => (
                    l.dialer.is_connected(),
                    Some(l.remote.clone()),
                    Some(l.kick.clone()),
                ),
                None => (false, None, None),
            }
        };
        match (connected, remote, kick) {
            (true, _, Some(kick)) => {
                kick.notify_one();
                Ok(())
            }
            (false, Some(remote), _) => self.start(remote, index_doc),
            _ => Err(ApiError::new(
                ErrorCode::InvalidInput,
                "this workspace is not connected to a server",
            )),
        }
    }

    // ---- presence --------------------------------------------------------------------

    pub fn set_presence(
        &self,
        workspace_id: &str,
        document_id: Option<String>,
        cursor: Option<PresencePoint>,
        selection: Vec<String>,
    ) {
        let Some(person) = lock(&self.links)
            .get(workspace_id)
            .map(|l| l.remote.person.clone())
        else {
            return;
        };
        let wire = PresenceWire {
            kind: PRESENCE_KIND.into(),
            peer: self.repo_peer(),
            name: person,
            document: document_id,
            cursor,
            selection,
            leaving: false,
        };
        lock(&self.presence)
            .mine
            .insert(workspace_id.to_string(), wire.clone());
        self.broadcast_presence(workspace_id, &wire);
    }

    /// Sends on the workspace index, once the link has it (before that nobody would hear).
    fn broadcast_presence(&self, workspace_id: &str, wire: &PresenceWire) {
        let index = lock(&self.indexes).get(workspace_id).cloned();
        if let (Some(index), Ok(bytes)) = (index, serde_json::to_vec(wire)) {
            index.broadcast(bytes);
        }
    }

    fn heard_presence(&self, workspace_id: &str, bytes: &[u8]) {
        let Ok(wire) = serde_json::from_slice::<PresenceWire>(bytes) else {
            return;
        };
        if wire.kind != PRESENCE_KIND || wire.peer == self.repo_peer() {
            return;
        }
        {
            let mut book = lock(&self.presence);
            let peers = book.heard.entry(workspace_id.to_string()).or_default();
            if wire.leaving {
                peers.remove(&wire.peer);
            } else {
                peers.insert(wire.peer.clone(), (wire, self.clock.now_ms()));
            }
        }
        self.emit_presence(workspace_id);
    }

    fn prune_presence(&self) {
        let now = self.clock.now_ms();
        let mut changed = Vec::new();
        {
            let mut book = lock(&self.presence);
            for (ws, peers) in book.heard.iter_mut() {
                let before = peers.len();
                peers.retain(|_, (_, at)| now - *at < PRESENCE_TTL_MS);
                if peers.len() != before {
                    changed.push(ws.clone());
                }
            }
        }
        for ws in changed {
            self.emit_presence(&ws);
        }
    }

    pub fn presence(&self, workspace_id: &str) -> Vec<PresencePeer> {
        let book = lock(&self.presence);
        let mut peers: Vec<PresencePeer> = book
            .heard
            .get(workspace_id)
            .map(|m| {
                m.values()
                    .map(|(w, _)| PresencePeer {
                        peer_id: w.peer.clone(),
                        name: w.name.clone(),
                        color: color_of(&w.peer),
                        document_id: w.document.clone(),
                        cursor: w.cursor,
                        selection: w.selection.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        peers.sort_by(|a, b| a.name.cmp(&b.name).then(a.peer_id.cmp(&b.peer_id)));
        peers
    }

    fn emit_presence(&self, workspace_id: &str) {
        let _ = self.events.send(CoreEvent::Presence {
            workspace_id: workspace_id.to_string(),
            peers: self.presence(workspace_id),
        });
    }
}

/// A stable color per person (peer id), from a palette readable on white.
pub(crate) fn color_of(peer: &str) -> String {
    const PALETTE: [&str; 8] = [
        "#d9480f", "#1c7ed6", "#2b8a3e", "#ae3ec9", "#e8590c", "#0c8599", "#c2255c", "#5f3dc4",
    ];
    let h = peer
        .bytes()
        .fold(2166136261u32, |h, b| (h ^ b as u32).wrapping_mul(16777619));
    PALETTE[(h % PALETTE.len() as u32) as usize].to_string()
}

/// Repeats this laptop's presence so newcomers see it, while the link lives.
async fn heartbeat(hub: std::sync::Weak<SyncHub>, ws: String, _index: DocumentId) {
    let mut tick = tokio::time::interval(PRESENCE_HEARTBEAT);
    loop {
        tick.tick().await;
        let Some(hub) = hub.upgrade() else { return };
        let mine = lock(&hub.presence).mine.get(&ws).cloned();
        if let Some(mine) = mine {
            hub.broadcast_presence(&ws, &mine);
        }
    }
}

/// Reads the workspace index's document list (the index itself included).
fn members_of(index: &DocHandle) -> HashSet<DocumentId> {
    let listed = index
        .with_document(|doc| model::workspace::read(doc))
        .map(|idx| idx.documents)
        .unwrap_or_default();
    listed
        .iter()
        .filter_map(|d| DocumentId::from_str(&d.id).ok())
        .chain([index.document_id().clone()])
        .collect()
}

/// Drives one link: follows the dialer, keeps the shared set equal to the index's list,
/// listens for presence, and tells whether everything is exchanged with the server.
async fn run_link(
    hub: std::sync::Weak<SyncHub>,
    ws: String,
    index_id: DocumentId,
    dialer: DialerHandle<Refused>,
    kick: Arc<Notify>,
) {
    let mut dialer_events = dialer.events();
    let mut presence_task = AbortOnDrop(None);
    let mut known: HashMap<DocumentId, DocHandle> = HashMap::new();
    loop {
        let Some(h) = hub.upgrade() else { return };
        let connection: Option<(ConnectionId, PeerId)> = dialer
            .connection_id()
            .zip(dialer.peer_info().map(|p| p.peer_id));
        let Some((conn, peer)) = connection else {
            drop(h);
            // Wait for the dialer to connect, fail, or for "sync now".
            tokio::select! {
                ev = dialer_events.next() => {
                    let Some(ev) = ev else { return };
                    let Some(h) = hub.upgrade() else { return };
                    match ev {
                        DialerEvent::Connected { .. } => {}
                        DialerEvent::Disconnected { reason } => {
                            h.set_state(&ws, SyncState::Offline, Some(format!("connection lost: {reason}")));
                        }
                        DialerEvent::Reconnecting { .. } => {}
                        DialerEvent::MaxRetriesReached => {
                            h.set_state(&ws, SyncState::Error, Some("the server stayed unreachable".into()));
                        }
                        DialerEvent::PermanentFailure => {
                            h.set_state(&ws, SyncState::Error, Some(Refused.to_string()));
                            return;
                        }
                    }
                }
                _ = kick.notified() => {}
            }
            continue;
        };
        h.policy.link(&peer, &ws);
        h.set_state(&ws, SyncState::Syncing, None);
        let repo = h.repo.clone();
        drop(h);
        // The index (from the laptop, or from the server when joining).
        let index = match tokio::time::timeout(Duration::from_secs(30), repo.find(index_id.clone()))
            .await
        {
            Ok(Ok(Some(index))) => index,
            Ok(Ok(None)) => {
                if let Some(h) = hub.upgrade() {
                    h.set_state(
                        &ws,
                        SyncState::Error,
                        Some("the server does not have this workspace".into()),
                    );
                }
                wait_for_change(
                    &mut dialer_events,
                    &kick,
                    None::<&mut futures::stream::Empty<()>>,
                )
                .await;
                continue;
            }
            Ok(Err(_)) => return,
            Err(_) => continue,
        };
        if presence_task.0.is_none() {
            let weak = hub.clone();
            let w = ws.clone();
            let mut ephemera = index.ephemera();
            presence_task.0 = Some(tokio::spawn(async move {
                while let Some(bytes) = ephemera.next().await {
                    let Some(h) = weak.upgrade() else { return };
                    h.heard_presence(&w, &bytes);
                }
            }));
        }
        let members = members_of(&index);
        if let Some(h) = hub.upgrade() {
            h.policy.set_members(&ws, members.clone());
            lock(&h.indexes).insert(ws.clone(), index.clone());
        }
        // Handles are kept across rounds: only documents new to the index are looked up.
        known.retain(|id, _| members.contains(id));
        for id in members {
            if known.contains_key(&id) {
                continue;
            }
            if let Ok(Ok(Some(handle))) =
                tokio::time::timeout(Duration::from_secs(30), repo.find(id.clone())).await
            {
                known.insert(id, handle);
            }
        }
        let handles: Vec<&DocHandle> = known.values().collect();
        let mut changes = futures::stream::select_all(handles.iter().map(|h| h.changes().boxed()));
        let exchanged = futures::future::join_all(handles.iter().map(|h| {
            futures::future::join(h.they_have_our_changes(conn), h.we_have_their_changes(conn))
        }));
        enum Next {
            Exchanged,
            Changed,
            Dialer(Option<DialerEvent>),
            Kick,
        }
        let next = tokio::select! {
            _ = exchanged => Next::Exchanged,
            _ = changes.next() => Next::Changed,
            ev = dialer_events.next() => Next::Dialer(ev),
            _ = kick.notified() => Next::Kick,
        };
        match next {
            Next::Exchanged => {
                if let Some(h) = hub.upgrade() {
                    h.set_state(&ws, SyncState::UpToDate, None);
                }
                wait_for_change(&mut dialer_events, &kick, Some(&mut changes)).await;
            }
            Next::Dialer(Some(DialerEvent::Disconnected { reason })) => {
                if let Some(h) = hub.upgrade() {
                    h.set_state(
                        &ws,
                        SyncState::Offline,
                        Some(format!("connection lost: {reason}")),
                    );
                }
            }
            Next::Dialer(None) => return,
            Next::Changed | Next::Dialer(_) | Next::Kick => {}
        }
        tokio::time::sleep(SETTLE).await;
    }
}

async fn wait_for_change(
    dialer_events: &mut (impl Stream<Item = DialerEvent> + Unpin),
    kick: &Notify,
    changes: Option<&mut (impl Stream + Unpin)>,
) {
    let changed = async {
        match changes {
            Some(c) => {
                c.next().await;
            }
            None => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = changed => {}
        _ = dialer_events.next() => {}
        _ = kick.notified() => {}
    }
}

/// Aborts the presence listener when the link task ends.
struct AbortOnDrop(Option<tokio::task::JoinHandle<()>>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(t) = self.0.take() {
            t.abort();
        }
    }
}
