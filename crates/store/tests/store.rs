//! Store tests: migrations are checked, WAL is on, and samod's storage contract holds.

use samod::storage::{Storage, StorageKey};
use store::{Store, StoreError};

fn key(parts: &[&str]) -> StorageKey {
    StorageKey::from_parts(parts.iter().copied()).unwrap()
}

#[test]
fn opens_in_wal_mode_and_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let s = Store::open(&path).unwrap();
    let mode: String = s
        .with_conn(|c| c.query_row("PRAGMA journal_mode", [], |r| r.get(0)))
        .unwrap();
    assert_eq!(mode, "wal");
    let sync: i64 = s
        .with_conn(|c| c.query_row("PRAGMA synchronous", [], |r| r.get(0)))
        .unwrap();
    assert_eq!(sync, 2, "synchronous=FULL");
    drop(s);
    Store::open(&path).unwrap();
}

#[test]
fn a_changed_migration_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let s = Store::open(&path).unwrap();
    s.with_conn(|c| {
        c.execute(
            "UPDATE schema_migration SET sha256 = 'x' WHERE version = 2",
            [],
        )
    })
    .unwrap();
    drop(s);
    match Store::open(&path) {
        Err(StoreError::MigrationMismatch { version: 2, .. }) => {}
        Err(other) => panic!("unexpected error {other}"),
        Ok(_) => panic!("a changed migration was accepted"),
    }
}

#[test]
fn a_newer_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let s = Store::open(&path).unwrap();
    s.with_conn(|c| {
        c.execute(
            "INSERT INTO schema_migration VALUES (999, 'future', 'h', 0)",
            [],
        )
    })
    .unwrap();
    drop(s);
    let err = Store::open(&path)
        .err()
        .expect("a newer database must be refused");
    assert!(
        matches!(err, StoreError::TooNew { found: 999, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("newer Triloop"));
}

#[test]
fn a_file_that_is_not_a_database_gives_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let garbage = b"this is not sqlite, just text that is long enough to look like a header";
    std::fs::write(&path, garbage).unwrap();
    let err = Store::open(&path).err().expect("garbage must not open");
    assert!(err.to_string().contains("t.db"), "{err}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        garbage,
        "the file is left as it was"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn storage_contract_load_range_put_delete() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("t.db")).unwrap();
    s.put(key(&["doc1", "incremental", "a"]), vec![1]).await;
    s.put(key(&["doc1", "snapshot", "b"]), vec![2]).await;
    s.put(key(&["doc10", "incremental", "c"]), vec![3]).await;
    s.put(key(&["doc1", "incremental", "a"]), vec![4]).await;
    assert_eq!(
        s.load(key(&["doc1", "incremental", "a"])).await,
        Some(vec![4])
    );
    assert_eq!(s.load(key(&["nope"])).await, None);
    let range = s.load_range(key(&["doc1"])).await;
    assert_eq!(range.len(), 2, "doc10 is not under doc1: {range:?}");
    let inc = s.load_range(key(&["doc1", "incremental"])).await;
    assert_eq!(inc.into_values().collect::<Vec<_>>(), vec![vec![4]]);
    s.delete(key(&["doc1", "snapshot", "b"])).await;
    assert_eq!(s.load_range(key(&["doc1"])).await.len(), 1);
    s.wait_persisted(
        &["doc10/incremental/c".to_string()],
        std::time::Duration::from_secs(1),
    )
    .await
    .unwrap();
    let waited = s
        .wait_persisted(&["never".to_string()], std::time::Duration::from_millis(50))
        .await;
    assert!(matches!(waited, Err(StoreError::DurabilityTimeout)));
}

/// samod runs its storage writes as one `FuturesUnordered`, polled first in the order it
/// issued them; they must commit in that order, so that a change is never on disk without
/// what was written before it (its history), whatever moment the process dies at.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writes_commit_in_the_order_they_were_issued() {
    use futures::StreamExt;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("t.db")).unwrap();
    let n = 300;
    let mut running = futures::stream::FuturesUnordered::new();
    for i in 0..n {
        let s = store.clone();
        // Bigger payloads early, so that later writes would overtake if they could.
        let data = vec![i as u8; if i % 3 == 0 { 256 * 1024 } else { 16 }];
        running.push(async move {
            s.put(key(&["doc", "incremental", &format!("{i:04}")]), data)
                .await
        });
    }
    while running.next().await.is_some() {}
    let order: Vec<String> = store.with_conn(|c| {
        let mut stmt = c.prepare("SELECT key FROM chunk ORDER BY rowid").unwrap();
        stmt.query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    });
    let expected: Vec<String> = (0..n).map(|i| format!("doc/incremental/{i:04}")).collect();
    assert_eq!(order, expected);
}

/// A chunk on which Automerge's load panics (an input the `document_load` fuzz target
/// found) is damage like any other: quarantined, with a clear error, and no panic.
#[test]
fn a_chunk_that_makes_automerge_panic_is_quarantined() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("t.db")).unwrap();
    let bytes = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/automerge-load-panic.chunk"),
    )
    .unwrap();
    let doc = "2y6Yb8KZQbCQTNqfjrfztXr1a6Xw";
    store
        .with_conn(|c| store::put_chunk(c, &format!("{doc}/incremental/x"), doc, &bytes))
        .unwrap();
    let err = store.check_document(doc, 0).unwrap_err();
    assert!(err.to_string().contains("panicked"), "{err}");
    assert_eq!(store.quarantined(doc).unwrap().len(), 1);
}
