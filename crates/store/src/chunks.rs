//! The samod [`Storage`] implementation over the `chunk` table, and the corruption check
//! that runs before samod is allowed to load a document.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};
use samod::storage::{Storage, StorageKey};

use crate::{PendingWrite, Store, StoreError, failure_of};

/// The first component of a key is the document id (or `storage-adapter-id`).
fn doc_of(key: &StorageKey) -> String {
    key.clone().into_iter().next().unwrap_or_default()
}

fn parse_key(s: &str) -> Option<StorageKey> {
    StorageKey::from_parts(s.split('/')).ok()
}

impl Storage for Store {
    async fn load(&self, key: StorageKey) -> Option<Vec<u8>> {
        let k = key.to_string();
        let r = self
            .blocking(move |c| {
                c.query_row("SELECT data FROM chunk WHERE key = ?1", [&k], |r| {
                    r.get::<_, Vec<u8>>(0)
                })
                .optional()
            })
            .await;
        r.unwrap_or_else(|e| {
            tracing::error!(%key, error = %e, "loading a chunk failed");
            None
        })
    }

    async fn load_range(&self, prefix: StorageKey) -> HashMap<StorageKey, Vec<u8>> {
        let p = prefix.to_string();
        let r = self.blocking(move |c| load_prefix(c, &p)).await;
        match r {
            Ok(rows) => rows
                .into_iter()
                .filter_map(|(k, v)| parse_key(&k).map(|k| (k, v)))
                .collect(),
            Err(e) => {
                tracing::error!(%prefix, error = %e, "loading chunks failed");
                HashMap::new()
            }
        }
    }

    async fn put(&self, key: StorageKey, data: Vec<u8>) {
        // Before any await: the place in the write order is taken at the first poll.
        let ticket = self.write_ticket();
        let k = key.to_string();
        let doc = doc_of(&key);
        let op = PendingWrite::Put {
            key: k.clone(),
            doc,
            data,
        };
        let store = self.clone();
        let r = self
            .ordered_write(ticket, move |c| store.write_in_order(c, op))
            .await;
        match r {
            Ok(keys) => {
                for key in keys {
                    self.mark_persisted(key);
                }
            }
            Err(e) => {
                // Kept, and committed before the next write (see `write_in_order`).
                tracing::error!(key = %k, error = %e, "writing a chunk failed");
                self.mark_write_failed((failure_of(&e), format!("writing {k}: {e}")));
            }
        }
    }

    async fn delete(&self, key: StorageKey) {
        let ticket = self.write_ticket();
        let op = PendingWrite::Delete {
            key: key.to_string(),
        };
        let store = self.clone();
        let r = self
            .ordered_write(ticket, move |c| store.write_in_order(c, op))
            .await;
        match r {
            Ok(keys) => {
                for key in keys {
                    self.mark_persisted(key);
                }
            }
            Err(e) => tracing::error!(%key, error = %e, "deleting a chunk failed (kept for later)"),
        }
    }
}

/// Every chunk of a document (keys `<doc_id>/…`), in key order.
pub fn document_chunks(
    c: &mut rusqlite::Connection,
    doc_id: &str,
) -> rusqlite::Result<Vec<(String, Vec<u8>)>> {
    load_prefix(c, doc_id)
}

/// Writes one chunk of `doc_id` under `key`, replacing a chunk with the same key.
pub fn put_chunk(
    c: &rusqlite::Connection,
    key: &str,
    doc_id: &str,
    data: &[u8],
) -> rusqlite::Result<usize> {
    c.execute(
        "INSERT INTO chunk (key, doc_id, data) VALUES (?1, ?2, ?3)
         ON CONFLICT(key) DO UPDATE SET data = excluded.data",
        params![key, doc_id, data],
    )
}

/// All chunks whose key is `prefix` or starts with `prefix/`, in key order.
fn load_prefix(
    c: &mut rusqlite::Connection,
    prefix: &str,
) -> rusqlite::Result<Vec<(String, Vec<u8>)>> {
    // '/' + 1 == '0': the half-open range [prefix/, prefix0) is exactly the keys below prefix.
    let lo = format!("{prefix}/");
    let hi = format!("{prefix}0");
    let mut stmt = c.prepare_cached(
        "SELECT key, data FROM chunk WHERE key = ?1 OR (key >= ?2 AND key < ?3) ORDER BY key",
    )?;
    let rows = stmt.query_map(params![prefix, lo, hi], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

impl Store {
    /// Whether the store holds any chunk of `doc_id`.
    pub fn has_document(&self, doc_id: &str) -> Result<bool, StoreError> {
        Ok(self
            .with_conn(|c| {
                c.query_row(
                    "SELECT 1 FROM chunk WHERE doc_id = ?1 LIMIT 1",
                    [doc_id],
                    |_| Ok(()),
                )
                .optional()
            })?
            .is_some())
    }

    /// Checks that every stored chunk of `doc_id` loads. samod skips chunks it cannot load
    /// and may later compact over them, losing them; so a document that fails this check
    /// is never handed to samod. Its chunks stay where they are and are also copied to the
    /// `quarantine` table for recovery. Checked documents are remembered for the process.
    pub fn check_document(&self, doc_id: &str, now_ms: i64) -> Result<(), StoreError> {
        if self
            .inner
            .checked
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(doc_id)
        {
            return Ok(());
        }
        let chunks = self.with_conn(|c| load_prefix(c, doc_id))?;
        let mut doc = automerge::Automerge::new();
        for (key, data) in &chunks {
            // automerge 0.12 panics on some damaged chunks (found by the `document_load`
            // fuzz target): a panic is damage too, and must not take the app down.
            let loaded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                doc.load_incremental(data).map_err(|e| e.to_string())
            }))
            .unwrap_or_else(|_| Err("Automerge panicked reading it".to_string()));
            if let Err(e) = loaded {
                let reason = e;
                let reason = format!("chunk {key}: {reason}");
                self.quarantine(doc_id, &chunks, &reason, now_ms)?;
                return Err(StoreError::Corrupt {
                    doc_id: doc_id.to_string(),
                    reason,
                });
            }
        }
        // A chunk that parses but whose changes depend on history that is not stored
        // leaves them queued: that too is damage.
        if !chunks.is_empty() && !automerge::ReadDoc::get_missing_deps(&doc, &[]).is_empty() {
            let reason = "changes refer to history that is missing from the store".to_string();
            self.quarantine(doc_id, &chunks, &reason, now_ms)?;
            return Err(StoreError::Corrupt {
                doc_id: doc_id.to_string(),
                reason,
            });
        }
        self.inner
            .checked
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(doc_id.to_string());
        Ok(())
    }

    fn quarantine(
        &self,
        doc_id: &str,
        chunks: &[(String, Vec<u8>)],
        reason: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        tracing::error!(
            doc_id,
            reason,
            "document is corrupt; keeping its bytes in quarantine"
        );
        self.with_conn(|c| {
            let tx = c.transaction()?;
            for (key, data) in chunks {
                tx.execute(
                    "INSERT OR IGNORE INTO quarantine (doc_id, key, data, reason, at) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![doc_id, key, data, reason, now_ms],
                )?;
            }
            tx.commit()
        })?;
        Ok(())
    }

    /// Removes every chunk of a document (the quarantine keeps its copies).
    pub fn delete_document_chunks(&self, doc_id: &str) -> Result<usize, StoreError> {
        Ok(self.with_conn(|c| c.execute("DELETE FROM chunk WHERE doc_id = ?1", [doc_id]))?)
    }

    /// Total bytes and chunk count stored for a document (for diagnostics and benchmarks).
    pub fn document_size(&self, doc_id: &str) -> Result<(i64, i64), StoreError> {
        Ok(self.with_conn(|c| {
            c.query_row(
                "SELECT count(*), coalesce(sum(length(data)), 0) FROM chunk WHERE doc_id = ?1",
                [doc_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
        })?)
    }
}
