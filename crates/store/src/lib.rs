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
    #[error(
        "the data folder {dir} is in use by another Triloop (it holds {lock}); close that one first"
    )]
    InUse { dir: PathBuf, lock: PathBuf },
    #[error("the disk is full: {0}")]
    DiskFull(String),
    #[error("the database {path} is read-only: {detail}")]
    ReadOnly { path: PathBuf, detail: String },
    #[error("timed out waiting for a change to reach the database")]
    DurabilityTimeout,
}

/// What kind of failure a SQLite error is, for the errors people can act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    DiskFull,
    ReadOnly,
    Other,
}

/// Classifies a SQLite error: `SQLITE_FULL` is a full disk (or file-size limit);
/// `SQLITE_READONLY` and `SQLITE_PERM` a database that may not be written.
pub fn failure_of(e: &rusqlite::Error) -> Failure {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DiskFull) => Failure::DiskFull,
        Some(rusqlite::ErrorCode::ReadOnly | rusqlite::ErrorCode::PermissionDenied) => {
            Failure::ReadOnly
        }
        _ => Failure::Other,
    }
}

impl StoreError {
    /// The kind of failure, for the boundary's error codes.
    pub fn failure(&self) -> Failure {
        match self {
            StoreError::DiskFull(_) => Failure::DiskFull,
            StoreError::ReadOnly { .. } => Failure::ReadOnly,
            StoreError::Sql(e) | StoreError::Open { source: e, .. } => failure_of(e),
            _ => Failure::Other,
        }
    }
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
    /// Chunk writes and deletes that failed (a full disk…), in samod's order: each later
    /// write commits them first, in one transaction with itself, so that no chunk is ever
    /// committed without the ones before it and no compaction deletes what it replaces
    /// before the replacement is on disk.
    pending: Mutex<Vec<PendingWrite>>,
    /// The data folder's lock, held while the store is open (see [`Store::open_exclusive`]).
    lock: Mutex<Option<std::fs::File>>,
}

pub(crate) enum PendingWrite {
    Put {
        key: String,
        doc: String,
        data: Vec<u8>,
    },
    Delete {
        key: String,
    },
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
    last_error: Option<(Failure, String)>,
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
                pending: Mutex::new(Vec::new()),
                lock: Mutex::new(None),
            }),
        })
    }

    /// How long a busy data-folder lock is tried again before the folder is reported in use.
    const LOCK_PATIENCE: std::time::Duration = std::time::Duration::from_millis(1500);

    /// Opens the database like [`Store::open`], holding an exclusive lock on
    /// `<database>.lock` beside it while the store is open: one process per data folder.
    /// A second process gets [`StoreError::InUse`] and touches nothing. The lock is an OS
    /// file lock (`flock`): it goes with the process, also when the process is killed.
    pub fn open_exclusive(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let mut lock_path = path.as_os_str().to_owned();
        lock_path.push(".lock");
        let lock_path = PathBuf::from(lock_path);
        let io = |e: std::io::Error| {
            let detail = format!("{}: {e}", lock_path.display());
            match e.kind() {
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
                    StoreError::ReadOnly {
                        path: path.to_path_buf(),
                        detail,
                    }
                }
                std::io::ErrorKind::StorageFull => StoreError::DiskFull(detail),
                _ => StoreError::WriteFailed(detail),
            }
        };
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io)?;
        // A lock just released can stay held for a moment: by a process that is still exiting,
        // or by a child process forked at that instant (it shares the lock until it execs). So
        // a busy lock is tried again for a short while before the folder is called in use.
        let deadline = std::time::Instant::now() + Self::LOCK_PATIENCE;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(StoreError::InUse {
                        dir: path.parent().unwrap_or(path).to_path_buf(),
                        lock: lock_path,
                    });
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
            }
        }
        let store = Store::open(path)?;
        *store.inner.lock.lock().unwrap_or_else(|p| p.into_inner()) = Some(file);
        Ok(store)
    }

    /// Lets another process open the data folder (after the core closed).
    pub fn release_lock(&self) {
        self.inner
            .lock
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
    }

    /// Commits `op` after every write that failed before it, in one transaction; on
    /// failure keeps them all for the next write. The keys of the chunks now on disk.
    pub(crate) fn write_in_order(
        &self,
        c: &mut Connection,
        op: PendingWrite,
    ) -> rusqlite::Result<Vec<String>> {
        let mut pending = self.inner.pending.lock().unwrap_or_else(|p| p.into_inner());
        pending.push(op);
        let tx = c.transaction()?;
        for op in pending.iter() {
            match op {
                PendingWrite::Put { key, doc, data } => {
                    chunks::put_chunk(&tx, key, doc, data)?;
                }
                PendingWrite::Delete { key } => {
                    tx.execute("DELETE FROM chunk WHERE key = ?1", [key])?;
                }
            }
        }
        tx.commit()?;
        Ok(pending
            .drain(..)
            .filter_map(|op| match op {
                PendingWrite::Put { key, .. } => Some(key),
                PendingWrite::Delete { .. } => None,
            })
            .collect())
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

    fn mark_write_failed(&self, error: (Failure, String)) {
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
                if let Some((failure, e)) = p.last_error.take() {
                    return Err(match failure {
                        Failure::DiskFull => StoreError::DiskFull(e),
                        Failure::ReadOnly => StoreError::ReadOnly {
                            path: self.inner.path.clone(),
                            detail: e,
                        },
                        Failure::Other => StoreError::WriteFailed(e),
                    });
                }
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return Err(StoreError::DurabilityTimeout);
            }
        }
    }
}
