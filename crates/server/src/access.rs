//! Who may see which document.
//!
//! An invitation opens one workspace: its index document (whose id is the workspace id)
//! and the documents the index's `documents` map lists, provided the document belongs to
//! that workspace (`document_owner`: the first workspace whose index listed it, so an index
//! cannot claim another workspace's document by listing its id). The document actors of
//! index documents publish their listing here whenever it changes ([`AccessControl::
//! publish_listing`]); decisions ([`AccessControl::access_now`]) are then plain lookups,
//! made on every message in and every message out, so a document that leaves the index, or
//! an invitation that is revoked, stops at once. A peer without access gets
//! `doc-unavailable`, exactly the answer for a document that exists nowhere.
//!
//! Peer ids are what the client claims in its `join` message. A peer id is bound to one
//! invitation while it has live connections: a second connection claiming the same peer id
//! with another invitation is refused, so a token cannot borrow the rights of someone
//! else's peer id. Revocation marks the invitation revoked (every decision becomes "none")
//! and closes its connections.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use store::Store;
use tokio::sync::oneshot;

use crate::invitations::{self, Access, Grant};

#[derive(Clone)]
pub(crate) struct AccessControl {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    peers: HashMap<String, Binding>,
    connections: HashMap<u64, Live>,
    next_connection: u64,
    /// Invitations revoked while this server runs (their decisions are all "none").
    revoked: HashSet<String>,
    /// Per workspace whose index has been loaded: the document ids it lists.
    listings: HashMap<String, HashSet<String>>,
    /// Per document id: the workspace it belongs to (see the module documentation).
    owners: HashMap<String, String>,
}

struct Binding {
    invitation_id: Option<String>,
    connections: usize,
}

struct Live {
    invitation_id: String,
    kill: Option<oneshot::Sender<()>>,
}

/// A live connection's registration; unbinds on drop.
pub(crate) struct Registration {
    access: AccessControl,
    peer: String,
    connection: u64,
}

impl Registration {
    /// The connection's number, unique while the server runs.
    pub(crate) fn id(&self) -> u64 {
        self.connection
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut state = self.access.lock();
        state.connections.remove(&self.connection);
        if let Some(b) = state.peers.get_mut(&self.peer) {
            b.connections = b.connections.saturating_sub(1);
            if b.connections == 0 {
                b.invitation_id = None;
            }
        }
    }
}

impl AccessControl {
    pub(crate) fn new(store: Store) -> AccessControl {
        AccessControl {
            inner: Arc::new(Inner {
                store,
                state: Mutex::new(State::default()),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.inner.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Binds a connection claiming `peer` to its invitation's grant. `None` when the peer
    /// id is in use by a live connection of another invitation. The receiver fires when the
    /// invitation is revoked.
    pub(crate) fn register(
        &self,
        peer: &str,
        grant: Grant,
    ) -> Option<(Registration, oneshot::Receiver<()>)> {
        let mut state = self.lock();
        let binding = state
            .peers
            .entry(peer.to_string())
            .or_insert_with(|| Binding {
                invitation_id: None,
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
                peer: peer.to_string(),
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
        state.revoked.insert(invitation_id.to_string());
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

    /// What `grant` may do with `doc` now: `None` when it may not see it.
    pub(crate) fn access_now(&self, grant: &Grant, doc: &str) -> Option<Access> {
        let state = self.lock();
        if state.revoked.contains(&grant.invitation_id) {
            return None;
        }
        if grant.workspace_id == doc {
            return Some(grant.access);
        }
        let listed = state
            .listings
            .get(&grant.workspace_id)
            .is_some_and(|l| l.contains(doc));
        let owned = state.owners.get(doc) == Some(&grant.workspace_id);
        (listed && owned).then_some(grant.access)
    }

    /// Whether the listing of `workspace` is known (its index was loaded).
    pub(crate) fn has_listing(&self, workspace: &str) -> bool {
        self.lock().listings.contains_key(workspace)
    }

    /// Records what the index of `workspace` lists now (claiming the documents no workspace
    /// owns yet for it). Returns the documents that became visible to the workspace.
    pub(crate) async fn publish_listing(
        &self,
        workspace: &str,
        listed: HashSet<String>,
    ) -> Vec<String> {
        let unclaimed: Vec<String> = {
            let state = self.lock();
            if state.listings.get(workspace) == Some(&listed) {
                return Vec::new();
            }
            listed
                .iter()
                .filter(|d| !state.owners.contains_key(*d))
                .cloned()
                .collect()
        };
        let mut claimed = Vec::new();
        if !unclaimed.is_empty() {
            let ws = workspace.to_string();
            let r = self
                .inner
                .store
                .blocking(move |c| {
                    unclaimed
                        .into_iter()
                        .map(|d| invitations::claim_document(c, &d, &ws).map(|o| (d, o)))
                        .collect::<rusqlite::Result<Vec<_>>>()
                })
                .await;
            match r {
                Ok(c) => claimed = c,
                Err(e) => tracing::warn!(error = %e, "could not record documents' workspaces"),
            }
        }
        let mut state = self.lock();
        state.owners.extend(claimed);
        let before = state.listings.get(workspace).cloned().unwrap_or_default();
        let visible: Vec<String> = listed
            .iter()
            .filter(|d| {
                !before.contains(*d) && state.owners.get(*d).map(String::as_str) == Some(workspace)
            })
            .cloned()
            .collect();
        state.listings.insert(workspace.to_string(), listed);
        visible
    }
}

/// The ids an index document's `documents` map lists (ids that are not automerge-repo
/// document ids are ignored). `None` when the document is not an index.
pub(crate) fn listing(index: &automerge::Automerge) -> Option<HashSet<String>> {
    use automerge::ReadDoc;
    match index.get(automerge::ROOT, "documents") {
        Ok(Some((automerge::Value::Object(automerge::ObjType::Map), obj))) => {
            Some(index.keys(&obj).filter(|k| is_document_id(k)).collect())
        }
        _ => None,
    }
}

/// An automerge-repo document id: base58 characters only (it is a storage key's first part).
pub(crate) fn is_document_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric())
}
