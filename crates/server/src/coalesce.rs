//! Per-document throttling of the sync messages between the server and one peer.
//!
//! samod 0.16 generates a sync message for *every* connected peer of a document after
//! *every* input to that document's actor (samod-core `DocumentActor::step` →
//! `generate_sync_messages`, over all `peer_connections`), and automerge sends a new message
//! whenever the document's heads moved. With many editors on one document every change the
//! server receives goes out to every peer at once; every peer answers; every answer is
//! another input that runs `generate_sync_message` for every peer again: the server's work
//! grows with the cube of the number of editors (see the README's "Sync benchmark").
//!
//! The JavaScript automerge-repo avoids this by throttling a document's sync with its peers
//! (100 ms). This stream does the same at the edge of the connection, without changing
//! samod, in both directions (the server wraps what samod sends to a peer and what the peer
//! sends to samod): for each document, the first sync message passes at once; those that
//! follow within `period` are merged into one message released when the period ends. Merging two
//! automerge sync messages is what the receiver would have ended with after both: the
//! changes of both (in order), and the sender's latest heads, needs and bloom filter. Fewer
//! messages reach the peers, so fewer answers come back and the document actor runs far
//! fewer steps. Anything that is not a plain sync message (requests, resets, whole-document
//! messages, ephemeral or control messages) is never held or merged; it first releases the
//! held message of its document, so the order per document is kept.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use automerge::sync::{self, MessageVersion};
use futures::{Stream, StreamExt};
use tokio::time::Instant;

/// JavaScript automerge-repo's default per-document sync throttle.
pub const DEFAULT_PERIOD: Duration = Duration::from_millis(100);

/// Throttles and merges the automerge-repo messages of `input` (CBOR frames, as samod sends
/// them to one peer) per document; see the module documentation.
pub fn throttle_sync<S>(
    input: S,
    period: Duration,
) -> impl Stream<Item = Vec<u8>> + Send + Unpin + 'static
where
    S: Stream<Item = Vec<u8>> + Send + Unpin + 'static,
{
    let (tx, rx) = futures::channel::mpsc::unbounded();
    tokio::spawn(run(input, tx, period));
    rx
}

struct Held {
    frame: Frame,
    message: sync::Message,
    due: Instant,
}

async fn run<S>(
    mut input: S,
    tx: futures::channel::mpsc::UnboundedSender<Vec<u8>>,
    period: Duration,
) where
    S: Stream<Item = Vec<u8>> + Unpin,
{
    let mut held: HashMap<String, Held> = HashMap::new();
    let mut last_sent: HashMap<String, Instant> = HashMap::new();
    loop {
        let next_due = held.values().map(|h| h.due).min();
        let frame = tokio::select! {
            frame = input.next() => frame,
            _ = async {
                match next_due {
                    Some(due) => tokio::time::sleep_until(due).await,
                    None => std::future::pending().await,
                }
            } => {
                let now = Instant::now();
                let due: Vec<String> =
                    held.iter().filter(|(_, h)| h.due <= now).map(|(d, _)| d.clone()).collect();
                for doc in due {
                    let h = held.remove(&doc).expect("listed");
                    last_sent.insert(doc, now);
                    if tx.unbounded_send(h.frame.with_data(&h.message.encode())).is_err() {
                        return;
                    }
                }
                // Forget documents that have been quiet for a while.
                last_sent.retain(|_, t| now.duration_since(*t) < period * 10);
                continue;
            }
        };
        let Some(bytes) = frame else {
            // The connection is closing: release what is held, then end.
            for (_, h) in held.drain() {
                let _ = tx.unbounded_send(h.frame.with_data(&h.message.encode()));
            }
            return;
        };
        let now = Instant::now();
        let parsed = Frame::parse(&bytes);
        let doc = parsed.as_ref().and_then(|f| f.document_id.clone());
        let is_sync = parsed.as_ref().is_some_and(|f| f.kind == "sync");
        // Only a plain sync message that names its document is held (a malformed one passes
        // through untouched, for samod to refuse).
        let mergeable = parsed.filter(|f| f.kind == "sync").and_then(|f| {
            let d = f.document_id.clone()?;
            let m = sync::Message::decode(f.data()?).ok()?;
            plain(&m).then_some((d, f, m))
        });
        let Some((doc, frame, message)) = mergeable else {
            // Not held: release this document's held message first, to keep the order.
            if let Some(doc) = doc {
                if let Some(h) = held.remove(&doc)
                    && tx
                        .unbounded_send(h.frame.with_data(&h.message.encode()))
                        .is_err()
                {
                    return;
                }
                if is_sync {
                    last_sent.insert(doc, now);
                }
            }
            if tx.unbounded_send(bytes).is_err() {
                return;
            }
            continue;
        };
        if let Some(h) = held.get_mut(&doc) {
            if let Some(merged) = merge(&h.message, &message) {
                h.message = merged;
                h.frame = frame;
                continue;
            }
            // Another format: release the held one, hold this one in its place.
            let due = h.due;
            let h = held
                .insert(
                    doc.clone(),
                    Held {
                        frame,
                        message,
                        due,
                    },
                )
                .expect("held");
            if tx
                .unbounded_send(h.frame.with_data(&h.message.encode()))
                .is_err()
            {
                return;
            }
            continue;
        }
        match last_sent.get(&doc) {
            Some(t) if now.duration_since(*t) < period => {
                let due = *t + period;
                held.insert(
                    doc,
                    Held {
                        frame,
                        message,
                        due,
                    },
                );
            }
            _ => {
                last_sent.insert(doc, now);
                if tx.unbounded_send(bytes).is_err() {
                    return;
                }
            }
        }
    }
}

/// A message that may be held and merged: not a reset (whose empty heads or flag the
/// receiver must see as sent).
fn plain(m: &sync::Message) -> bool {
    !m.heads.is_empty()
        && !m
            .flags
            .is_some_and(|f| f.contains(sync::MessageFlags::SYNC_RESET))
}

/// What receiving `a` then `b` leaves the receiver with, as one message: both messages'
/// changes, in order, and `b`'s view of the sender (heads, needs, bloom filter, flags),
/// which is the sender's latest. The receiver loads a message's chunks as one
/// `load_incremental` of their concatenation (both formats), which skips changes it already
/// has. `None` when the two are of different formats.
fn merge(a: &sync::Message, b: &sync::Message) -> Option<sync::Message> {
    if a.version != b.version {
        return None;
    }
    let changes: sync::ChunkList = match b.version {
        // v1: a list of change chunks.
        MessageVersion::V1 => {
            let mut seen = HashSet::new();
            a.changes
                .iter()
                .chain(b.changes.iter())
                .filter(|c| seen.insert(*c))
                .map(|c| c.to_vec())
                .collect::<Vec<_>>()
                .into()
        }
        // v2: one chunk (changes or a whole document, concatenated).
        MessageVersion::V2 => {
            let joined: Vec<u8> = a
                .changes
                .iter()
                .chain(b.changes.iter())
                .flatten()
                .copied()
                .collect();
            if joined.is_empty() {
                sync::ChunkList::empty()
            } else {
                joined.into()
            }
        }
    };
    Some(sync::Message {
        heads: b.heads.clone(),
        need: b.need.clone(),
        have: b.have.clone(),
        changes,
        flags: b.flags,
        version: b.version.clone(),
    })
}

/// One automerge-repo frame (a CBOR map), kept as its raw entries so that it can be written
/// back with another `data`.
struct Frame {
    kind: String,
    document_id: Option<String>,
    /// Raw CBOR of each (key, value) entry, and the key.
    entries: Vec<(String, Vec<u8>)>,
    data: Option<Vec<u8>>,
}

impl Frame {
    fn parse(bytes: &[u8]) -> Option<Frame> {
        let mut d = minicbor::Decoder::new(bytes);
        let n = d.map().ok()??;
        let mut frame = Frame {
            kind: String::new(),
            document_id: None,
            entries: Vec::with_capacity(n as usize),
            data: None,
        };
        for _ in 0..n {
            let start = d.position();
            let key = d.str().ok()?.to_string();
            match key.as_str() {
                "type" => frame.kind = d.str().ok()?.to_string(),
                "documentId" => frame.document_id = Some(d.str().ok()?.to_string()),
                "data" => {
                    frame.data = Some(d.bytes().ok()?.to_vec());
                    frame.entries.push((key, Vec::new()));
                    continue;
                }
                _ => d.skip().ok()?,
            }
            frame
                .entries
                .push((key, bytes[start..d.position()].to_vec()));
        }
        (d.position() == bytes.len()).then_some(frame)
    }

    fn data(&self) -> Option<&[u8]> {
        self.data.as_deref()
    }

    /// The frame with `data` replaced.
    fn with_data(&self, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(data.len() + 256);
        let mut e = minicbor::Encoder::new(&mut out);
        e.map(self.entries.len() as u64).expect("vec write");
        for (key, raw) in &self.entries {
            if key == "data" {
                e.str("data")
                    .expect("vec write")
                    .bytes(data)
                    .expect("vec write");
            } else {
                e.writer_mut().extend_from_slice(raw);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::sync::SyncDoc;
    use automerge::transaction::Transactable;
    use automerge::{Automerge, ROOT, ReadDoc};

    fn frame(kind: &str, doc: &str, data: &[u8]) -> Vec<u8> {
        let mut buf = Vec::new();
        let mut e = minicbor::Encoder::new(&mut buf);
        e.map(5).unwrap();
        e.str("type").unwrap().str(kind).unwrap();
        e.str("senderId").unwrap().str("server").unwrap();
        e.str("targetId").unwrap().str("peer").unwrap();
        e.str("documentId").unwrap().str(doc).unwrap();
        e.str("data").unwrap().bytes(data).unwrap();
        buf
    }

    fn edit(doc: &mut Automerge, key: &str) {
        let mut tx = doc.transaction();
        tx.put(ROOT, key, 1).unwrap();
        tx.commit();
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_becomes_one_message_that_brings_every_change() {
        // The sender makes three changes, generating a message after each (as samod does);
        // a receiver that gets only the throttled stream ends with all three.
        let mut sender = Automerge::new();
        for i in 0..6 {
            edit(&mut sender, &format!("base{i}"));
        }
        let mut state = sync::State::new();
        let mut receiver = Automerge::new();
        let mut rstate = sync::State::new();
        // The two know each other first (a direct exchange until both are quiet).
        loop {
            let a = sender.generate_sync_message(&mut state);
            let b = receiver.generate_sync_message(&mut rstate);
            if a.is_none() && b.is_none() {
                break;
            }
            if let Some(a) = a {
                receiver.receive_sync_message(&mut rstate, a).unwrap();
            }
            if let Some(b) = b {
                sender.receive_sync_message(&mut state, b).unwrap();
            }
        }
        assert_eq!(receiver.get_heads(), sender.get_heads());
        let (tx, rx) = futures::channel::mpsc::unbounded();
        let mut out = Box::pin(throttle_sync(rx, Duration::from_millis(100)));
        edit(&mut sender, "a");
        let m = sender.generate_sync_message(&mut state).unwrap();
        tx.unbounded_send(frame("sync", "doc1", &m.encode()))
            .unwrap();
        // The first goes out at once.
        let first = tokio::time::timeout(Duration::from_millis(1), out.next())
            .await
            .unwrap()
            .unwrap();
        for key in ["b", "c"] {
            edit(&mut sender, key);
            let m = sender.generate_sync_message(&mut state).unwrap();
            tx.unbounded_send(frame("sync", "doc1", &m.encode()))
                .unwrap();
        }
        // The next two are held for the period, then leave as one.
        assert!(
            tokio::time::timeout(Duration::from_millis(50), out.next())
                .await
                .is_err()
        );
        let second = tokio::time::timeout(Duration::from_millis(100), out.next())
            .await
            .unwrap()
            .unwrap();
        for f in [first, second] {
            let parsed = Frame::parse(&f).unwrap();
            assert_eq!(parsed.kind, "sync");
            assert_eq!(parsed.document_id.as_deref(), Some("doc1"));
            let msg = sync::Message::decode(parsed.data().unwrap()).unwrap();
            receiver.receive_sync_message(&mut rstate, msg).unwrap();
        }
        assert_eq!(receiver.get_heads(), sender.get_heads());
        for key in ["a", "b", "c"] {
            assert!(receiver.get(ROOT, key).unwrap().is_some(), "{key}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn other_messages_pass_at_once_and_keep_their_document_s_order() {
        let mut sender = Automerge::new();
        let mut state = sync::State::new();
        let (tx, rx) = futures::channel::mpsc::unbounded();
        let mut out = Box::pin(throttle_sync(rx, Duration::from_millis(100)));
        edit(&mut sender, "a");
        let m1 = sender.generate_sync_message(&mut state).unwrap();
        edit(&mut sender, "b");
        let m2 = sender.generate_sync_message(&mut state).unwrap();
        tx.unbounded_send(frame("sync", "doc1", &m1.encode()))
            .unwrap();
        tx.unbounded_send(frame("sync", "doc1", &m2.encode()))
            .unwrap(); // held
        tx.unbounded_send(frame("doc-unavailable", "doc2", b""))
            .unwrap();
        tx.unbounded_send(frame("request", "doc1", b"x")).unwrap();
        let mut kinds = Vec::new();
        for _ in 0..4 {
            let f = tokio::time::timeout(Duration::from_millis(1), out.next())
                .await
                .unwrap()
                .unwrap();
            let p = Frame::parse(&f).unwrap();
            kinds.push(format!("{}:{}", p.kind, p.document_id.unwrap()));
        }
        // The held doc1 sync left before doc1's request, without waiting for the period.
        assert_eq!(
            kinds,
            [
                "sync:doc1",
                "doc-unavailable:doc2",
                "sync:doc1",
                "request:doc1"
            ]
        );
        // A frame that is not CBOR passes untouched.
        tx.unbounded_send(b"not cbor".to_vec()).unwrap();
        assert_eq!(out.next().await.unwrap(), b"not cbor");
    }
}
