//! Per-document access control through samod's share policy.
//!
//! samod asks a [`samod::SharePolicy`] for a stream of decisions per (document, peer id)
//! before it answers that peer about that document — requests and sync messages alike. A
//! denied peer gets `doc-unavailable`, exactly the answer for a document that exists
//! nowhere; a read-only peer receives changes but samod ignores the changes it sends.
//!
//! Peer ids are what the client claims in its `join` message, so the server binds each
//! authenticated connection to the peer id it claims (read from that first message) with
//! `Transport::with_expected_peer_id`; samod then refuses a connection whose messages claim
//! another id. A peer id is bound to one invitation while it has live connections: a second
//! connection claiming the same peer id with another invitation is refused, so a token
//! cannot borrow the rights of someone else's peer id.
//!
//! A peer bound to an invitation for workspace W may read (and, if read-write, write) W's
//! index document and the documents its `documents` map lists, provided the document
//! belongs to W (`document_owner`: the first workspace that listed it). Decisions follow
//! the index: when it changes, every open decision is recomputed. Revocation sets the
//! peer's grant to nothing (every decision becomes "none") and closes its connections.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use automerge::ReadDoc;
use futures::stream::BoxStream;
use futures::{Stream, StreamExt};
use samod::{DocHandle, DocumentId, PeerId, Repo, ShareConfig};
use store::Store;
use tokio::sync::{oneshot, watch};

use crate::invitations::{self, Access, Grant};

#[derive(Clone)]
pub(crate) struct AccessControl {
    inner: Arc<Inner>,
}

struct Inner {
    repo: OnceLock<Repo>,
    store: Store,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    peers: HashMap<PeerId, Binding>,
    connections: HashMap<u64, Live>,
    next_connection: u64,
}

struct Binding {
    invitation_id: Option<String>,
    grant: watch::Sender<Option<Grant>>,
    connections: usize,
}

struct Live {
    invitation_id: String,
    kill: Option<oneshot::Sender<()>>,
}

/// A live connection's registration; unbinds on drop.
pub(crate) struct Registration {
    access: AccessControl,
    peer: PeerId,
    connection: u64,
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut state = self.access.lock();
        state.connections.remove(&self.connection);
        if let Some(b) = state.peers.get_mut(&self.peer) {
            b.connections = b.connections.saturating_sub(1);
            if b.connections == 0 {
                b.invitation_id = None;
                b.grant.send_replace(None);
            }
        }
    }
}

impl AccessControl {
    pub(crate) fn new(store: Store) -> AccessControl {
        AccessControl {
            inner: Arc::new(Inner {
                repo: OnceLock::new(),
                store,
                state: Mutex::new(State::default()),
            }),
        }
    }

    pub(crate) fn set_repo(&self, repo: Repo) {
        let _ = self.inner.repo.set(repo);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.inner.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Binds a connection claiming `peer` to its invitation's grant. `None` when the peer
    /// id is in use by a live connection of another invitation. The receiver fires when the
    /// invitation is revoked.
    pub(crate) fn register(
        &self,
        peer: &PeerId,
        grant: Grant,
    ) -> Option<(Registration, oneshot::Receiver<()>)> {
        let mut state = self.lock();
        let binding = state.peers.entry(peer.clone()).or_insert_with(|| Binding {
            invitation_id: None,
            grant: watch::Sender::new(None),
            connections: 0,
        });
        if binding.connections > 0
            && binding.invitation_id.as_deref() != Some(grant.invitation_id.as_str())
        {
            return None;
        }
        binding.connections += 1;
        binding.invitation_id = Some(grant.invitation_id.clone());
        let invitation_id = grant.invitation_id.clone();
        binding.grant.send_if_modified(|g| {
            if g.as_ref() == Some(&grant) {
                false
            } else {
                *g = Some(grant);
                true
            }
        });
        let connection = state.next_connection;
        state.next_connection += 1;
        let (kill, killed) = oneshot::channel();
        state.connections.insert(
            connection,
            Live {
                invitation_id,
                kill: Some(kill),
            },
        );
        Some((
            Registration {
                access: self.clone(),
                peer: peer.clone(),
                connection,
            },
            killed,
        ))
    }

    fn live_invitations(&self) -> Vec<String> {
        let state = self.lock();
        let mut ids: Vec<String> = state
            .connections
            .values()
            .map(|c| c.invitation_id.clone())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// Withdraws every decision of the invitation's peers and closes its connections.
    pub(crate) fn cut_off(&self, invitation_id: &str) {
        let mut state = self.lock();
        for b in state.peers.values_mut() {
            if b.invitation_id.as_deref() == Some(invitation_id) {
                b.grant.send_replace(None);
            }
        }
        for c in state.connections.values_mut() {
            if c.invitation_id == invitation_id
                && let Some(kill) = c.kill.take()
            {
                let _ = kill.send(());
            }
        }
    }

    /// Polls the invitation table (revocations come from another process, the CLI) and
    /// cuts off the live connections of revoked invitations.
    pub(crate) async fn watch_revocations(self) {
        let mut tick = tokio::time::interval(Duration::from_millis(500));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let ids = self.live_invitations();
            if ids.is_empty() {
                continue;
            }
            let revoked = self
                .inner
                .store
                .blocking(move |c| invitations::revoked_among(c, &ids))
                .await;
            match revoked {
                Ok(revoked) => {
                    for id in revoked {
                        tracing::info!(invitation = %id, "invitation revoked: closing its connections");
                        self.cut_off(&id);
                    }
                }
                Err(e) => tracing::warn!(error = %e, "could not check revocations"),
            }
        }
    }

    fn decision_stream(&self, doc: DocumentId, peer: PeerId) -> BoxStream<'static, ShareConfig> {
        let grants = self.lock().peers.get(&peer).map(|b| b.grant.subscribe());
        let Some(grants) = grants else {
            return futures::stream::iter([ShareConfig::none()]).boxed();
        };
        let state = Decider {
            access: self.clone(),
            doc,
            grants,
            index: None,
            last: None,
            first: true,
        };
        futures::stream::unfold(state, |mut s| async move {
            let next = s.next_decision().await?;
            Some((next, s))
        })
        .boxed()
    }

    fn repo(&self) -> Option<Repo> {
        self.inner.repo.get().cloned()
    }
}

impl samod::SharePolicy for AccessControl {
    fn share(
        &self,
        doc_id: DocumentId,
        peer_id: PeerId,
    ) -> impl Stream<Item = ShareConfig> + Send + 'static {
        self.decision_stream(doc_id, peer_id)
    }
}

fn config(access: Access) -> ShareConfig {
    match access {
        Access::ReadWrite => ShareConfig::read_write(),
        Access::ReadOnly => ShareConfig::read_only(),
    }
}

struct IndexWatch {
    workspace: DocumentId,
    handle: Option<DocHandle>,
    changes: Option<BoxStream<'static, ()>>,
}

struct Decider {
    access: AccessControl,
    doc: DocumentId,
    grants: watch::Receiver<Option<Grant>>,
    index: Option<IndexWatch>,
    last: Option<ShareConfig>,
    first: bool,
}

impl Decider {
    /// The next decision that differs from the last one; `None` ends the stream (the last
    /// decision stays).
    async fn next_decision(&mut self) -> Option<ShareConfig> {
        loop {
            if !self.first && !self.wait().await {
                // The grant channel is gone: deny, then end.
                return if self.last == Some(ShareConfig::none()) {
                    None
                } else {
                    self.last = Some(ShareConfig::none());
                    Some(ShareConfig::none())
                };
            }
            self.first = false;
            let decision = self.decide().await;
            if self.last != Some(decision) {
                self.last = Some(decision);
                return Some(decision);
            }
        }
    }

    /// Waits for something that may change the decision. `false` when the grant channel
    /// closed.
    async fn wait(&mut self) -> bool {
        let retry = self.index.as_ref().is_some_and(|i| i.handle.is_none());
        let changes = self.index.as_mut().and_then(|i| i.changes.as_mut());
        tokio::select! {
            r = self.grants.changed() => r.is_ok(),
            Some(()) = async {
                match changes {
                    Some(c) => c.next().await,
                    None => std::future::pending().await,
                }
            } => true,
            _ = async {
                if retry {
                    tokio::time::sleep(Duration::from_secs(1)).await
                } else {
                    std::future::pending::<()>().await
                }
            } => true,
        }
    }

    async fn decide(&mut self) -> ShareConfig {
        let grant = self.grants.borrow_and_update().clone();
        let Some(grant) = grant else {
            return ShareConfig::none();
        };
        let Ok(workspace) = grant.workspace_id.parse::<DocumentId>() else {
            return ShareConfig::none();
        };
        if workspace == self.doc {
            return config(grant.access);
        }
        if self.index.as_ref().map(|i| &i.workspace) != Some(&workspace) {
            self.index = Some(IndexWatch {
                workspace: workspace.clone(),
                handle: None,
                changes: None,
            });
        }
        let index = self.index.as_mut().expect("just set");
        if index.handle.is_none()
            && let Some(repo) = self.access.repo()
            && let Ok(Ok(Some(handle))) =
                tokio::time::timeout(Duration::from_secs(5), repo.find(workspace.clone())).await
        {
            index.changes = Some(handle.changes().map(|_| ()).boxed());
            index.handle = Some(handle);
        }
        let Some(handle) = &index.handle else {
            return ShareConfig::none();
        };
        let doc = self.doc.to_string();
        let listed = handle.with_document(|d| lists(d, &doc));
        if !listed {
            return ShareConfig::none();
        }
        let ws = grant.workspace_id.clone();
        let owner = self
            .access
            .inner
            .store
            .blocking(move |c| invitations::claim_document(c, &doc, &ws))
            .await;
        match owner {
            Ok(owner) if owner == grant.workspace_id => config(grant.access),
            Ok(_) => ShareConfig::none(),
            Err(e) => {
                tracing::warn!(error = %e, "could not check a document's workspace");
                ShareConfig::none()
            }
        }
    }
}

/// Whether the index document's `documents` map has this document id as a key.
fn lists(index: &automerge::Automerge, doc_id: &str) -> bool {
    match index.get(automerge::ROOT, "documents") {
        Ok(Some((automerge::Value::Object(automerge::ObjType::Map), obj))) => {
            matches!(index.get(&obj, doc_id), Ok(Some(_)))
        }
        _ => false,
    }
}
