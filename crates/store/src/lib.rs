//! Triloop's local store: one SQLite database per laptop.
//!
//! It holds the chunks that samod writes (the [`samod::Storage`] implementation is
//! [`Store`] itself), the local workspace catalogue, settings, and quarantined bytes of
//! documents that could not be loaded. Schema migrations are append-only and checked at
//! every open (see [`migrations`]).

mod catalogue;
mod chunks;
pub mod migrations;

use std::collections::{BTreeSet, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};

use rusqlite::Connection;

pub use catalogue::{QuarantinedChunk, RemoteRow, WorkspaceRow};
pub use chunks::{document_chunks, put_chunk};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "the database {path} was written by a newer Triloop (schema version {found}, this build knows up to {known})"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error(
        "the database {path} has a migration {version} that differs from this build's ({detail})"
    )]
    MigrationMismatch {
        path: PathBuf,
        version: i64,
        detail: String,
    },
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("document {doc_id} cannot be loaded: {reason}; its bytes are kept in quarantine")]
    Corrupt { doc_id: String, reason: String },
    #[error("a write to the database failed: {0}")]
    WriteFailed(String),
    #[error("timed out waiting for a change to reach the database")]
    DurabilityTimeout,
}

/// A handle on the database. Cheap to clone; all clones share one connection.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    conn: Mutex<Connection>,
    /// Keys whose `put` committed recently, so that an edit can wait until its change is
    /// durable. Bounded: old entries fall off (a waiter looks only for fresh keys).
    persisted: Mutex<Persisted>,
    persisted_changed: tokio::sync::Notify,
    /// Documents whose stored chunks were checked to load cleanly in this process.
    checked: Mutex<HashSet<String>>,
    /// Chunk writes commit in the order samod issued them (see [`Store::ordered_write`]).
    write_order: Mutex<WriteOrder>,
    write_turn: Condvar,
}

/// Tickets for chunk writes: ticket `n` may commit once every lower ticket is done.
#[derive(Default)]
struct WriteOrder {
    next: u64,
    /// Every ticket below this is done.
    done_below: u64,
    /// Tickets done out of turn (dropped without running).
    done: BTreeSet<u64>,
}

/// A place in the write order; its turn passes on when it is dropped, run or not.
pub(crate) struct WriteTicket {
    store: Store,
    n: u64,
}

impl Drop for WriteTicket {
    fn drop(&mut self) {
        let mut o = self
            .store
            .inner
            .write_order
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        o.done.insert(self.n);
        loop {
            let next = o.done_below;
            if !o.done.remove(&next) {
                break;
            }
            o.done_below += 1;
        }
        drop(o);
        self.store.inner.write_turn.notify_all();
    }
}

#[derive(Default)]
struct Persisted {
    keys: HashSet<String>,
    order: VecDeque<String>,
    last_error: Option<String>,
}

const PERSISTED_CAP: usize = 65_536;

impl Store {
    /// Opens (creating if needed) the database at `path`, in WAL mode with full fsync, and
    /// applies or checks the migrations.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let mut conn = Connection::open(path).map_err(open_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(open_err)?;
        // WAL keeps readers off the writer's back; FULL sync makes a committed change
        // survive a power cut, not only a killed process.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(open_err)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(open_err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(open_err)?;
        migrations::migrate(&mut conn, path)?;
        Ok(Store {
            inner: Arc::new(Inner {
                path: path.to_path_buf(),
                conn: Mutex::new(conn),
                persisted: Mutex::new(Persisted::default()),
                persisted_changed: tokio::sync::Notify::new(),
                checked: Mutex::new(HashSet::new()),
                write_order: Mutex::new(WriteOrder::default()),
                write_turn: Condvar::new(),
            }),
        })
    }

    /// Takes the next place in the chunk write order. Called when samod first polls a
    /// write, which it does in the order it issued them (its storage tasks are one
    /// `FuturesUnordered`, polled first in push order), so that writes commit in that
    /// order: a change is never on disk without the changes samod wrote before it (its
    /// history), even if the process dies between two commits.
    pub(crate) fn write_ticket(&self) -> WriteTicket {
        let mut o = self
            .inner
            .write_order
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let n = o.next;
        o.next += 1;
        WriteTicket {
            store: self.clone(),
            n,
        }
    }

    /// Runs a chunk write when its ticket's turn has come.
    pub(crate) async fn ordered_write<R: Send + 'static>(
        &self,
        ticket: WriteTicket,
        f: impl FnOnce(&mut Connection) -> R + Send + 'static,
    ) -> R {
        let store = self.clone();
        let job = move || {
            {
                let mut o = store
                    .inner
                    .write_order
                    .lock()
                    .unwrap_or_else(|p| p.into_inner());
                while o.done_below < ticket.n {
                    o = store
                        .inner
                        .write_turn
                        .wait(o)
                        .unwrap_or_else(|p| p.into_inner());
                }
            }
            let r = store.with_conn(f);
            drop(ticket);
            r
        };
        match tokio::task::spawn_blocking(job).await {
            Ok(r) => r,
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Runs `f` with the connection. Callers in async code use [`Store::blocking`].
    pub fn with_conn<R>(&self, f: impl FnOnce(&mut Connection) -> R) -> R {
        let mut conn = self.inner.conn.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut conn)
    }

    /// Runs `f` with the connection on tokio's blocking pool.
    pub async fn blocking<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> R + Send + 'static,
    ) -> R {
        let store = self.clone();
        match tokio::task::spawn_blocking(move || store.with_conn(f)).await {
            Ok(r) => r,
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }

    fn mark_persisted(&self, key: String) {
        let mut p = self
            .inner
            .persisted
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if p.keys.insert(key.clone()) {
            p.order.push_back(key);
            while p.order.len() > PERSISTED_CAP {
                if let Some(old) = p.order.pop_front() {
                    p.keys.remove(&old);
                }
            }
        }
        drop(p);
        self.inner.persisted_changed.notify_waiters();
    }

    fn mark_write_failed(&self, error: String) {
        self.inner
            .persisted
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .last_error = Some(error);
        self.inner.persisted_changed.notify_waiters();
    }

    /// Waits until any one of `keys` has been committed by a `put`, i.e. the change that
    /// key holds is durable. Fails when a write failed meanwhile or after `timeout`.
    pub async fn wait_persisted(
        &self,
        keys: &[String],
        timeout: std::time::Duration,
    ) -> Result<(), StoreError> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.inner.persisted_changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let mut p = self
                    .inner
                    .persisted
                    .lock()
                    .unwrap_or_else(|p| p.into_inner());
                if keys.iter().any(|k| p.keys.contains(k)) {
                    return Ok(());
                }
                if let Some(e) = p.last_error.take() {
                    return Err(StoreError::WriteFailed(e));
                }
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return Err(StoreError::DurabilityTimeout);
            }
        }
    }
}
