//! The server acknowledges only changes that are committed to SQLite.
//!
//! samod answers a peer's changes in the same step that asks storage to write them, and
//! sends that answer without waiting for the write (samod-core 0.16,
//! `DocumentActor::step`: `generate_sync_messages`, then `save_new_changes`; the messages go
//! to the connection while the writes wait on the I/O loop). The answer is a sync message
//! carrying the server's heads, which the peer takes as "the server has these changes"
//! (`DocHandle::they_have_our_changes` resolves on it). A server killed between the two
//! lost edits its peers had been told it had: without this module, every one of seven runs
//! of `a_sigkill_during_heavy_sync_loses_no_acknowledged_edit` (tests/reliability.rs) found
//! between 2 and 37 of 116 to 316 acknowledged edits missing from the database.
//!
//! So every outgoing `sync`/`request` message waits until the changes up to the heads it
//! announces are committed. [`DurableStorage`] wraps the store and keeps, per document, an
//! Automerge document built only from chunks that were committed (or loaded from disk); a
//! change is durable once it is applied there, and automerge applies a change only after
//! its dependencies, so its whole history is durable too. The cost is one more in-memory
//! copy per open document and parsing each chunk written once more.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use automerge::{Automerge, ChangeHash};
use samod::storage::{Storage, StorageKey};
use store::Store;
use tokio::sync::Notify;

/// The server's storage: the store, plus what is known to be committed.
#[derive(Clone)]
pub(crate) struct DurableStorage {
    store: Store,
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    /// Per document id: the changes committed so far.
    committed: Mutex<HashMap<String, Arc<Mutex<Automerge>>>>,
    changed: Notify,
}

impl DurableStorage {
    pub(crate) fn new(store: Store) -> DurableStorage {
        DurableStorage {
            store,
            inner: Arc::default(),
        }
    }

    fn committed(&self, doc_id: &str) -> Arc<Mutex<Automerge>> {
        let mut all = self
            .inner
            .committed
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        all.entry(doc_id.to_string()).or_default().clone()
    }

    /// Records chunks of `doc_id` as committed.
    async fn record(&self, doc_id: String, chunks: Vec<Vec<u8>>) {
        let doc = self.committed(&doc_id);
        let _ = tokio::task::spawn_blocking(move || {
            let mut doc = doc.lock().unwrap_or_else(|p| p.into_inner());
            for chunk in chunks {
                if let Err(e) = doc.load_incremental(&chunk) {
                    tracing::warn!(doc = %doc_id, error = %e, "a stored chunk does not load");
                }
            }
        })
        .await;
        self.inner.changed.notify_waiters();
    }

    fn is_durable(&self, doc_id: &str, heads: &[ChangeHash]) -> bool {
        if heads.is_empty() {
            return true;
        }
        let doc = {
            let all = self
                .inner
                .committed
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            match all.get(doc_id) {
                Some(doc) => doc.clone(),
                None => return false,
            }
        };
        let doc = doc.lock().unwrap_or_else(|p| p.into_inner());
        heads
            .iter()
            .all(|h| doc.get_change_meta_by_hash(h).is_some())
    }

    /// Waits until the changes an outgoing automerge-repo message announces are committed;
    /// `false` after `timeout`. Messages that announce nothing pass at once.
    pub(crate) async fn before_sending(&self, message: &[u8], timeout: Duration) -> bool {
        let Some((doc_id, heads)) = announced_heads(message) else {
            return true;
        };
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.inner.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.is_durable(&doc_id, &heads) {
                return true;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.is_durable(&doc_id, &heads);
            }
        }
    }
}

/// The document of a chunk key (`<doc>/incremental/<hash>` or `<doc>/snapshot/<hash>`).
fn doc_of(key: &StorageKey) -> Option<String> {
    let mut parts = key.clone().into_iter();
    let doc = parts.next()?;
    matches!(parts.next()?.as_str(), "incremental" | "snapshot").then_some(doc)
}

impl Storage for DurableStorage {
    async fn load(&self, key: StorageKey) -> Option<Vec<u8>> {
        self.store.load(key).await
    }

    async fn load_range(&self, prefix: StorageKey) -> HashMap<StorageKey, Vec<u8>> {
        let chunks = self.store.load_range(prefix).await;
        let mut by_doc: HashMap<String, Vec<Vec<u8>>> = HashMap::new();
        for (key, data) in &chunks {
            if let Some(doc) = doc_of(key) {
                by_doc.entry(doc).or_default().push(data.clone());
            }
        }
        for (doc, data) in by_doc {
            self.record(doc, data).await;
        }
        chunks
    }

    async fn put(&self, key: StorageKey, data: Vec<u8>) {
        let doc = doc_of(&key);
        let name = key.to_string();
        let copy = doc.is_some().then(|| data.clone());
        self.store.put(key, data).await;
        // `Store::put` marks the key persisted once its transaction committed.
        let committed = self
            .store
            .wait_persisted(&[name], Duration::ZERO)
            .await
            .is_ok();
        if let (true, Some(doc), Some(data)) = (committed, doc, copy) {
            self.record(doc, vec![data]).await;
        }
    }

    async fn delete(&self, key: StorageKey) {
        self.store.delete(key).await
    }
}

/// The document and the sender's heads of a `sync` or `request` message (the heads are the
/// first field of the automerge sync message in `data`).
fn announced_heads(message: &[u8]) -> Option<(String, Vec<ChangeHash>)> {
    let mut d = minicbor::Decoder::new(message);
    let entries = d.map().ok()??;
    let (mut kind, mut doc, mut data) = (None, None, None);
    for _ in 0..entries {
        match d.str().ok()? {
            "type" => kind = Some(d.str().ok()?),
            "documentId" => {
                doc = Some(if d.probe().str().is_ok() {
                    d.str().ok()?.to_string()
                } else {
                    samod::DocumentId::try_from(d.bytes().ok()?.to_vec())
                        .ok()?
                        .to_string()
                })
            }
            "data" => data = Some(d.bytes().ok()?),
            _ => d.skip().ok()?,
        }
    }
    if !matches!(kind, Some("sync" | "request")) {
        return None;
    }
    let data = data?;
    // A version byte, then the heads: a LEB128 count and that many 32-byte hashes.
    let mut rest = data.get(1..)?;
    let mut count = 0u64;
    let mut shift = 0;
    loop {
        let (&b, tail) = rest.split_first()?;
        rest = tail;
        count |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            break;
        }
        shift += 7;
        if shift > 63 {
            return None;
        }
    }
    let heads = (0..count)
        .map(|i| {
            let start = usize::try_from(i).ok()?.checked_mul(32)?;
            ChangeHash::try_from(rest.get(start..start + 32)?).ok()
        })
        .collect::<Option<Vec<_>>>()?;
    Some((doc?, heads))
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::sync::SyncDoc;
    use automerge::transaction::Transactable;

    #[test]
    fn reads_the_heads_an_outgoing_sync_message_announces() {
        let mut doc = Automerge::new();
        doc.transact::<_, _, automerge::AutomergeError>(|tx| {
            tx.put(automerge::ROOT, "k", 1)?;
            Ok(())
        })
        .unwrap();
        let data = doc
            .generate_sync_message(&mut automerge::sync::State::new())
            .unwrap()
            .encode();
        let id = samod::DocumentId::try_from(vec![7u8; 16]).unwrap();
        let mut msg = Vec::new();
        let mut e = minicbor::Encoder::new(&mut msg);
        e.map(4).unwrap();
        e.str("type").unwrap().str("sync").unwrap();
        e.str("senderId").unwrap().str("triloop-server").unwrap();
        e.str("documentId").unwrap().str(&id.to_string()).unwrap();
        e.str("data").unwrap().bytes(&data).unwrap();
        assert_eq!(
            announced_heads(&msg),
            Some((id.to_string(), doc.get_heads()))
        );
        assert_eq!(announced_heads(b"garbage"), None);
    }

    #[test]
    fn only_chunk_keys_belong_to_a_document() {
        let key = |parts: &[&str]| StorageKey::from_parts(parts.iter().copied()).unwrap();
        assert_eq!(
            doc_of(&key(&["d", "incremental", "h"])).as_deref(),
            Some("d")
        );
        assert_eq!(doc_of(&key(&["d", "snapshot", "h"])).as_deref(), Some("d"));
        assert_eq!(doc_of(&key(&["storage-adapter-id"])), None);
        assert_eq!(doc_of(&key(&["d", "other", "h"])), None);
    }
}
