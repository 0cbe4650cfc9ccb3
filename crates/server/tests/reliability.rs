//! Reliability of the real `triloop-server` process on loopback, with samod clients (and raw
//! WebSocket connections) talking to it:
//!
//! - many clients editing one flow at once converge, the server's copy included;
//! - a client's 1,000 offline edits (in its own SQLite store) merge without loss;
//! - a SIGKILL during heavy sync loses no edit the server acknowledged;
//! - malformed and hostile WebSocket traffic neither crashes the server nor corrupts data.
//!
//! The tests are heavy for a 2-core machine, so they run one at a time (`SERIAL`).

mod common;

use std::collections::{BTreeSet, HashSet};
use std::convert::Infallible;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use automerge::sync::{ChunkList, MessageVersion, SyncDoc};
use automerge::{Automerge, ChangeHash, ReadDoc};
use futures::{SinkExt, StreamExt};
use model::flow::{self, FlowOp};
use model::{EdgeKind, FlowEdge, FlowNode, NodeKind, workspace};
use samod::storage::{Storage, StorageKey};
use samod::{BackoffConfig, DialerHandle, DocHandle, DocumentId, Repo};
use tokio_tungstenite::tungstenite::{self, Message};

static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

// ---------------------------------------------------------------------------------------
// The server process
// ---------------------------------------------------------------------------------------

struct ServerProcess {
    child: Child,
    addr: SocketAddr,
    log: PathBuf,
}

impl ServerProcess {
    /// Starts `triloop-server` on `listen` ("127.0.0.1:0": any free port); its log goes to
    /// `log` (appended, so that a restart keeps the earlier run's).
    fn start(db: &Path, listen: &str, log: &Path) -> ServerProcess {
        let log_file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_triloop-server"))
            .args(["--listen", listen, "--database"])
            .arg(db)
            .env("RUST_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(log_file)
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let Some(addr) = line.trim().strip_prefix("listening on ") else {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "triloop-server did not start on {listen}: {line:?}\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        };
        ServerProcess {
            child,
            addr: addr.parse().unwrap(),
            log: log.to_path_buf(),
        }
    }

    fn sync_url(&self, token: &str) -> url::Url {
        format!("ws://{}/sync?token={token}", self.addr)
            .parse()
            .unwrap()
    }

    fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGKILL: no shutdown, no flush.
    fn sigkill(mut self) {
        use std::os::unix::process::ExitStatusExt;
        self.child.kill().unwrap(); // SIGKILL on Unix
        let status = self.child.wait().unwrap();
        assert_eq!(status.signal(), Some(9), "killed by SIGKILL: {status}");
    }

    /// SIGTERM; asserts a clean exit (a graceful shutdown that flushed).
    fn terminate(mut self) {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not stop on SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(
            status.success(),
            "graceful shutdown exits 0, got {status}; log:\n{}",
            self.log_text()
        );
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn assert_healthy(server: &mut ServerProcess) {
    assert!(
        server.alive(),
        "the server process died; log:\n{}",
        server.log_text()
    );
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let resp = client
        .get(format!("http://{}/health", server.addr))
        .send()
        .await
        .unwrap_or_else(|e| panic!("/health does not answer: {e}"));
    assert!(resp.status().is_success(), "/health: {}", resp.status());
    assert!(resp.text().await.unwrap().contains("\"ok\""));
}

/// A new invitation to `workspace` (read-write); its token.
fn invite(db: &Path, workspace: &DocumentId, name: &str) -> String {
    common::invite(
        Path::new(env!("CARGO_BIN_EXE_triloop-server")),
        db,
        workspace,
        name,
    )
}

// ---------------------------------------------------------------------------------------
// Clients and documents
// ---------------------------------------------------------------------------------------

fn fast_backoff() -> BackoffConfig {
    BackoffConfig {
        initial_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(400),
        max_retries: None,
    }
}

/// Dials the server (reconnecting by itself if the connection drops) and waits for the
/// handshake.
async fn dial(repo: &Repo, server: &ServerProcess, token: &str) -> DialerHandle<Infallible> {
    let dialer = repo
        .dial_websocket(server.sync_url(token), fast_backoff())
        .unwrap();
    tokio::time::timeout(Duration::from_secs(10), dialer.established())
        .await
        .expect("connected to the server within 10 s")
        .expect("the dialer gave up");
    dialer
}

async fn find(repo: &Repo, id: &DocumentId) -> DocHandle {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(Ok(Some(h))) =
            tokio::time::timeout(Duration::from_secs(10), repo.find(id.clone())).await
        {
            return h;
        }
        assert!(Instant::now() < deadline, "document {id} never arrived");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Polls `check` every 25 ms until it returns `Ok`, or fails with its last complaint.
async fn eventually<T>(
    what: &str,
    within: Duration,
    mut check: impl FnMut() -> Result<T, String>,
) -> T {
    let deadline = Instant::now() + within;
    loop {
        match check() {
            Ok(v) => return v,
            Err(why) if Instant::now() >= deadline => {
                panic!("{what}: not within {within:?}: {why}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(25)).await,
        }
    }
}

fn task(id: &str, x: f64, y: f64) -> FlowOp {
    FlowOp::AddNode {
        node: FlowNode::new(id, NodeKind::Task, id, x, y),
    }
}

/// Applies `ops` as one change; that change's hash.
fn edit(h: &DocHandle, ops: &[FlowOp]) -> ChangeHash {
    h.with_document(|d| {
        flow::apply(d, ops).unwrap();
        d.get_last_local_change().unwrap().hash()
    })
}

fn heads(h: &DocHandle) -> Vec<ChangeHash> {
    h.with_document(|d| d.get_heads())
}

fn read(h: &DocHandle) -> model::Flow {
    h.with_document(|d| flow::read(d).unwrap())
}

/// A workspace made by `repo` (offline): its index and one flow, listed in the index, with
/// `shared` tasks `s0`, `s1`, ….
async fn workspace_with_flow(repo: &Repo, shared: usize) -> (DocHandle, DocHandle) {
    let mut index = Automerge::new();
    workspace::init(&mut index, "ws").unwrap();
    let index = repo.create(index).await.unwrap();
    let mut doc = Automerge::new();
    flow::init(&mut doc).unwrap();
    let f = repo.create(doc).await.unwrap();
    let ops: Vec<FlowOp> = (0..shared)
        .map(|i| task(&format!("s{i}"), i as f64 * 150.0, 0.0))
        .collect();
    edit(&f, &ops);
    index.with_document(|d| {
        workspace::add_document(
            d,
            &workspace::DocumentEntry {
                id: f.document_id().to_string(),
                kind: model::DocKind::BusinessFlow,
                title: "flow".into(),
                created_at: 1.0,
            },
        )
        .unwrap()
    });
    (index, f)
}

/// Waits until every handle has the same heads and the same flow; that flow and heads.
async fn converged(
    what: &str,
    handles: &[&DocHandle],
    within: Duration,
    mut extra: impl FnMut(&model::Flow) -> Result<(), String>,
) -> (model::Flow, Vec<ChangeHash>) {
    eventually(what, within, || {
        let first = heads(handles[0]);
        for (i, h) in handles.iter().enumerate().skip(1) {
            if heads(h) != first {
                return Err(format!("client {i}'s heads differ from client 0's"));
            }
        }
        let f = read(handles[0]);
        for (i, h) in handles.iter().enumerate().skip(1) {
            if read(h) != f {
                return Err(format!("same heads but client {i} reads another flow"));
            }
        }
        extra(&f)?;
        Ok((f, first))
    })
    .await
}

/// The document as the server's database holds it (read with the server stopped). With
/// `complete`, every stored change must have its history stored too (true after a graceful
/// stop; after a SIGKILL, samod's concurrent writes may have stored a change without one it
/// depends on: that change stays queued, invisible, until a peer sends the missing one).
async fn stored_document(db: &Path, id: &DocumentId, complete: bool) -> Automerge {
    let store = store::Store::open(db).unwrap();
    let chunks = store
        .load_range(StorageKey::from_parts([id.to_string()]).unwrap())
        .await;
    assert!(
        !chunks.is_empty(),
        "the server's database holds no chunk of {id}"
    );
    let mut doc = Automerge::new();
    for (key, bytes) in &chunks {
        doc.load_incremental(bytes)
            .unwrap_or_else(|e| panic!("stored chunk {key} does not load: {e}"));
    }
    if complete {
        assert!(
            doc.get_missing_deps(&[]).is_empty(),
            "stored changes of {id} refer to missing history"
        );
        store
            .check_document(&id.to_string(), 0)
            .unwrap_or_else(|e| panic!("{e}"));
    } else if !doc.get_missing_deps(&[]).is_empty() {
        // Reported, not failed: such a change was never acknowledged (its history was not
        // committed), and peers that have the history send it again. (The app's
        // `Core::handle` would refuse such a document as corrupt: see the report.)
        eprintln!(
            "after the kill, stored changes of {id} depend on {} changes that are not stored \
             (store::check_document: {:?})",
            doc.get_missing_deps(&[]).len(),
            store.check_document(&id.to_string(), 0).err()
        );
    }
    doc
}

/// A size from the environment: `scripts/soak` sets these to run the tests at scale; CI
/// keeps the defaults.
fn size(var: &str, default: usize) -> usize {
    match std::env::var(var) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{var}={v:?} is not a number")),
        Err(_) => default,
    }
}

/// A small seeded PRNG (xorshift64*); the seed is printed so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn new(what: &str) -> Rng {
        Rng::with_seed(what).0
    }
    /// The generator and its seed (`RELIABILITY_SEED` if set, else a random one).
    fn with_seed(what: &str) -> (Rng, u64) {
        let seed = match std::env::var("RELIABILITY_SEED") {
            Ok(s) => s.parse().unwrap(),
            Err(_) => {
                let mut b = [0u8; 8];
                getrandom::fill(&mut b).unwrap();
                u64::from_le_bytes(b) | 1
            }
        };
        eprintln!("{what}: RELIABILITY_SEED={seed}");
        (Rng(seed), seed)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn fork(&mut self) -> Rng {
        Rng(self.next() | 1)
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

// ---------------------------------------------------------------------------------------
// 1. Many clients, one flow
// ---------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_clients_editing_one_flow_at_once_converge_with_the_server() {
    const CLIENTS: usize = 8;
    const EDITS: usize = 24;
    const _: () = assert!(EDITS.is_multiple_of(4));
    const SHARED: usize = 10;
    let _serial = SERIAL.lock().await;
    let mut rng = Rng::new("many_clients");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let mut server = ServerProcess::start(&db, "127.0.0.1:0", &dir.path().join("server.log"));

    let owner = Repo::build_tokio().load().await;
    let (index, owned) = workspace_with_flow(&owner, SHARED).await;
    let flow_id = owned.document_id().clone();
    let _owner_dialer = dial(&owner, &server, &invite(&db, index.document_id(), "owner")).await;

    let mut clients = Vec::new();
    for i in 0..CLIENTS {
        let repo = Repo::build_tokio().load().await;
        let dialer = dial(
            &repo,
            &server,
            &invite(&db, index.document_id(), &format!("c{i}")),
        )
        .await;
        let h = find(&repo, &flow_id).await;
        eventually(
            "the shared tasks reach every client",
            Duration::from_secs(20),
            || {
                (read(&h).nodes.len() == SHARED)
                    .then_some(())
                    .ok_or("not yet".to_string())
            },
        )
        .await;
        clients.push((repo, dialer, h));
    }

    // All clients edit at once: add their own tasks, move and rename the shared ones
    // (conflicting with each other), rename and move their own, connect them to shared ones.
    let start = Arc::new(tokio::sync::Barrier::new(CLIENTS));
    let mut tasks = Vec::new();
    for (i, (_, _, h)) in clients.iter().enumerate() {
        let (h, start, mut rng) = (h.clone(), start.clone(), rng.fork());
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            for k in 0..EDITS {
                let own = format!("c{i}-{}", k - k % 4);
                let shared = format!("s{}", rng.below(SHARED as u64));
                let ops = match k % 4 {
                    0 => vec![task(&own, i as f64 * 200.0, k as f64 * 10.0)],
                    1 => vec![FlowOp::MoveNode {
                        id: shared,
                        x: rng.below(2000) as f64,
                        y: rng.below(2000) as f64,
                    }],
                    2 => vec![FlowOp::RenameNode {
                        id: shared,
                        name: format!("by c{i} at {k}"),
                    }],
                    _ => vec![
                        FlowOp::RenameNode {
                            id: own.clone(),
                            name: format!("{own} renamed"),
                        },
                        FlowOp::MoveNode {
                            id: own.clone(),
                            x: 5000.0 + i as f64,
                            y: k as f64,
                        },
                        FlowOp::AddEdge {
                            edge: FlowEdge::new(
                                format!("e-{own}"),
                                EdgeKind::SequenceFlow,
                                &own,
                                &shared,
                            ),
                        },
                    ],
                };
                edit(&h, &ops);
                tokio::time::sleep(Duration::from_millis(rng.below(8))).await;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }

    // Everyone converges to the same document, in which every client's own edits are what
    // that client last wrote, and every shared task has one of the names it was given.
    let mut handles: Vec<&DocHandle> = clients.iter().map(|(_, _, h)| h).collect();
    handles.push(&owned);
    let adds = EDITS.div_ceil(4);
    let (merged, merged_heads) = converged(
        "8 concurrent editors converge",
        &handles,
        Duration::from_secs(60),
        |f| {
            (f.nodes.len() == SHARED + CLIENTS * adds)
                .then_some(())
                .ok_or(format!("{} nodes", f.nodes.len()))
        },
    )
    .await;
    for i in 0..CLIENTS {
        for k in (0..EDITS).step_by(4) {
            let id = format!("c{i}-{k}");
            let n = merged
                .nodes
                .iter()
                .find(|n| n.id == id)
                .unwrap_or_else(|| panic!("{id} lost"));
            // Added at k, renamed, moved and connected at k + 3 (EDITS is a multiple of 4).
            assert_eq!(n.name, format!("{id} renamed"));
            assert_eq!((n.x, n.y), (5000.0 + i as f64, (k + 3) as f64));
            assert!(
                merged
                    .edges
                    .iter()
                    .any(|e| e.id == format!("e-{id}") && e.source == id)
            );
        }
    }
    for s in (0..SHARED).map(|s| format!("s{s}")) {
        let n = merged.nodes.iter().find(|n| n.id == s).unwrap();
        assert!(n.name == s || n.name.starts_with("by c"), "{s}: {}", n.name);
    }
    assert_eq!(merged.edges.len(), CLIENTS * (EDITS / 4));
    // Every client's every change is in the merged history.
    let total_changes = owned.with_document(|d| d.get_changes(&[]).len());
    assert_eq!(
        total_changes,
        1 + 1 + CLIENTS * EDITS,
        "init + shared tasks + all edits"
    );

    // The server's copy: what a newcomer receives, and what its database holds.
    let newcomer = Repo::build_tokio().load().await;
    let _d = dial(
        &newcomer,
        &server,
        &invite(&db, index.document_id(), "newcomer"),
    )
    .await;
    let fresh = find(&newcomer, &flow_id).await;
    eventually(
        "the server's copy has everything",
        Duration::from_secs(20),
        || {
            (heads(&fresh) == merged_heads)
                .then_some(())
                .ok_or(format!("{} nodes", read(&fresh).nodes.len()))
        },
    )
    .await;
    assert_eq!(read(&fresh), merged);
    assert_healthy(&mut server).await;
    server.terminate();
    let stored = stored_document(&db, &flow_id, true).await;
    assert_eq!(stored.get_heads(), merged_heads);
    assert_eq!(flow::read(&stored).unwrap(), merged);
    for (repo, _, _) in clients {
        repo.stop().await;
    }
    owner.stop().await;
    newcomer.stop().await;
}

// ---------------------------------------------------------------------------------------
// 2. A thousand offline edits
// ---------------------------------------------------------------------------------------

/// Offline edit `k` of 1,000: adds `o0`…`o599`, then renames `o0`…`o199`, then moves
/// `o300`…`o499`; every edit leaves a trace in the final flow.
fn offline_edit(k: usize) -> FlowOp {
    match k {
        0..600 => task(&format!("o{k}"), k as f64, 1000.0),
        600..800 => FlowOp::RenameNode {
            id: format!("o{}", k - 600),
            name: format!("r{k}"),
        },
        _ => FlowOp::MoveNode {
            id: format!("o{}", k - 500),
            x: k as f64,
            y: 7.0,
        },
    }
}

fn check_offline_edits(f: &model::Flow) -> Result<(), String> {
    for j in 0..600 {
        let id = format!("o{j}");
        let Some(n) = f.nodes.iter().find(|n| n.id == id) else {
            return Err(format!("{id} missing"));
        };
        let name = if j < 200 {
            format!("r{}", j + 600)
        } else {
            id.clone()
        };
        let pos = if (300..500).contains(&j) {
            ((j + 500) as f64, 7.0)
        } else {
            (j as f64, 1000.0)
        };
        if n.name != name || (n.x, n.y) != pos {
            return Err(format!("{id} is {:?} at ({}, {})", n.name, n.x, n.y));
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_offline_edits_merge_without_loss() {
    const OFFLINE_EDITS: usize = 1000;
    let _serial = SERIAL.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let server = ServerProcess::start(&db, "127.0.0.1:0", &dir.path().join("server.log"));

    let owner = Repo::build_tokio().load().await;
    let (index, bob_flow) = workspace_with_flow(&owner, 3).await;
    let flow_id = bob_flow.document_id().clone();
    let _bob = dial(&owner, &server, &invite(&db, index.document_id(), "bob")).await;

    // Olga's app: its own SQLite store. It fetches the flow once, then quits.
    let olga_db = dir.path().join("olga.db");
    let olga_token = invite(&db, index.document_id(), "olga");
    let olga_store = store::Store::open(&olga_db).unwrap();
    let olga = Repo::build_tokio()
        .with_storage(olga_store.clone())
        .load()
        .await;
    let _d = dial(&olga, &server, &olga_token).await;
    let h = find(&olga, &flow_id).await;
    eventually("olga gets the flow", Duration::from_secs(20), || {
        (read(&h).nodes.len() == 3)
            .then_some(())
            .ok_or("not yet".into())
    })
    .await;
    olga.stop().await;
    drop(olga_store);

    // Offline (no dialer at all), Olga makes 1,000 edits, each its own change, and quits.
    let olga_store = store::Store::open(&olga_db).unwrap();
    let olga = Repo::build_tokio()
        .with_storage(olga_store.clone())
        .load()
        .await;
    let h = olga
        .find(flow_id.clone())
        .await
        .unwrap()
        .expect("the flow is in Olga's store");
    let started = Instant::now();
    let mut olga_changes = Vec::with_capacity(OFFLINE_EDITS);
    for k in 0..OFFLINE_EDITS {
        olga_changes.push(edit(&h, &[offline_edit(k)]));
        // Meanwhile Bob edits online, also touching a node Olga moves.
        if k % 100 == 0 {
            edit(&bob_flow, &[task(&format!("b{k}"), 0.0, k as f64)]);
            edit(
                &bob_flow,
                &[FlowOp::RenameNode {
                    id: "s1".into(),
                    name: format!("bob {k}"),
                }],
            );
        }
        if k == 500 {
            edit(
                &h,
                &[FlowOp::MoveNode {
                    id: "s1".into(),
                    x: 1.0,
                    y: 2.0,
                }],
            );
        }
    }
    olga.stop().await;
    drop(olga_store);
    eprintln!("1,000 offline edits stored in {:?}", started.elapsed());

    // Her app starts again: everything is in her store; then she connects.
    let olga_store = store::Store::open(&olga_db).unwrap();
    let olga = Repo::build_tokio()
        .with_storage(olga_store.clone())
        .load()
        .await;
    let h = olga.find(flow_id.clone()).await.unwrap().unwrap();
    h.with_document(|d| {
        let missing: Vec<_> = olga_changes
            .iter()
            .filter(|c| d.get_change_by_hash(c).is_none())
            .collect();
        assert!(
            missing.is_empty(),
            "{} offline edits missing from Olga's own store",
            missing.len()
        );
    });
    check_offline_edits(&read(&h)).unwrap();
    let _d = dial(&olga, &server, &olga_token).await;

    // Bob sees all 1,000 of Olga's changes, Olga sees Bob's, and both documents are equal.
    let (merged, merged_heads) = converged(
        "olga's offline edits and bob's online ones merge",
        &[&h, &bob_flow],
        Duration::from_secs(60),
        |f| {
            let b = f.nodes.iter().filter(|n| n.id.starts_with('b')).count();
            (b == 10)
                .then_some(())
                .ok_or(format!("{b} of bob's nodes"))?;
            check_offline_edits(f)
        },
    )
    .await;
    bob_flow.with_document(|d| {
        let missing = olga_changes
            .iter()
            .filter(|c| d.get_change_by_hash(c).is_none())
            .count();
        assert_eq!(missing, 0, "offline changes missing at Bob");
    });
    assert_eq!(merged.nodes.len(), 3 + 600 + 10);
    let s1 = merged.nodes.iter().find(|n| n.id == "s1").unwrap();
    assert_eq!(
        (s1.name.as_str(), s1.x, s1.y),
        ("bob 900", 1.0, 2.0),
        "both sides' edits of s1 kept"
    );

    // The server has it all too: a newcomer gets the same document.
    let carl = Repo::build_tokio().load().await;
    let _d = dial(&carl, &server, &invite(&db, index.document_id(), "carl")).await;
    let c = find(&carl, &flow_id).await;
    eventually(
        "the server's copy has everything",
        Duration::from_secs(30),
        || {
            (heads(&c) == merged_heads)
                .then_some(())
                .ok_or("not yet".into())
        },
    )
    .await;
    for r in [olga, owner, carl] {
        r.stop().await;
    }
    server.terminate();
}

// ---------------------------------------------------------------------------------------
// 3. SIGKILL during heavy sync
// ---------------------------------------------------------------------------------------

/// What one editor did: every change it made, and those the server acknowledged.
#[derive(Default)]
struct Ledger {
    made: Vec<ChangeHash>,
    acked: Vec<ChangeHash>,
}

/// Which of `pending` the server has acknowledged on connection `conn`: those in the
/// history of the heads the server last confirmed sharing with us (`shared_heads`, set
/// from the heads the server's own sync messages announce). This is what
/// `DocHandle::they_have_our_changes` waits on, except that it does not require that
/// nothing else happened meanwhile (under constant edits it would rarely resolve).
fn acknowledged(
    h: &DocHandle,
    conn: samod::ConnectionId,
    pending: &[ChangeHash],
) -> Vec<ChangeHash> {
    let (peers, _) = h.peers();
    let Some(shared) = peers.get(&conn).and_then(|p| p.shared_heads.clone()) else {
        return Vec::new();
    };
    h.with_document(|d| {
        if shared.iter().any(|s| d.get_change_by_hash(s).is_none()) {
            return Vec::new();
        }
        let after: HashSet<ChangeHash> = d.get_changes(&shared).iter().map(|c| c.hash()).collect();
        pending
            .iter()
            .filter(|p| !after.contains(p))
            .copied()
            .collect()
    })
}

/// Edits in rounds of a few changes; after each round waits (up to 300 ms) for
/// `they_have_our_changes` on the current connection, then records as acknowledged the
/// pending changes the server has confirmed (see [`acknowledged`]), and only if that
/// connection is still the live one (an answer read after the client saw the connection
/// drop is not counted).
async fn editor(
    i: usize,
    h: DocHandle,
    dialer: DialerHandle<Infallible>,
    ledger: Arc<Mutex<Ledger>>,
    acked_total: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    mut rng: Rng,
) {
    let mut pending: Vec<ChangeHash> = Vec::new();
    let mut k = 0usize;
    while !stop.load(Ordering::SeqCst) {
        let Some(conn) = dialer.connection_id() else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        for _ in 0..4 {
            let id = format!("k{i}-{k}");
            let op = match k % 3 {
                0 | 1 => task(&id, rng.below(3000) as f64, rng.below(3000) as f64),
                _ => FlowOp::RenameNode {
                    id: format!("k{i}-{}", k - 1),
                    name: format!("renamed {k}"),
                },
            };
            let hash = edit(&h, &[op]);
            pending.push(hash);
            ledger.lock().unwrap().made.push(hash);
            k += 1;
        }
        let _ =
            tokio::time::timeout(Duration::from_millis(300), h.they_have_our_changes(conn)).await;
        let mut l = ledger.lock().unwrap();
        if dialer.connection_id() == Some(conn) {
            let acked = acknowledged(&h, conn, &pending);
            pending.retain(|p| !acked.contains(p));
            acked_total.fetch_add(acked.len(), Ordering::SeqCst);
            l.acked.extend(acked);
        }
    }
}

/// Adds a task every few milliseconds, connected or not, without waiting for anything: sync
/// traffic for the editors to contend with.
async fn flooder(h: DocHandle, ledger: Arc<Mutex<Ledger>>, stop: Arc<AtomicBool>, every_ms: u64) {
    let mut k = 0;
    while !stop.load(Ordering::SeqCst) {
        let hash = edit(&h, &[task(&format!("f{k}"), k as f64, -500.0)]);
        ledger.lock().unwrap().made.push(hash);
        k += 1;
        tokio::time::sleep(Duration::from_millis(every_ms)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sigkill_during_heavy_sync_loses_no_acknowledged_edit() {
    const EDITORS: usize = 4;
    let kills = size("RELIABILITY_KILLS", 3);
    let acks_before_kill = size("RELIABILITY_ACKS_PER_KILL", 60);
    let flood_ms = size("RELIABILITY_FLOOD_MS", 4) as u64;
    let _serial = SERIAL.lock().await;
    let (mut rng, seed) = Rng::with_seed("sigkill");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let log = dir.path().join("server.log");
    let mut server = ServerProcess::start(&db, "127.0.0.1:0", &log);
    let listen = server.addr.to_string();

    let owner = Repo::build_tokio().load().await;
    let (index, owned) = workspace_with_flow(&owner, 5).await;
    let flow_id = owned.document_id().clone();
    let token = invite(&db, index.document_id(), "everyone");
    let _owner_dialer = dial(&owner, &server, &token).await;

    let stop = Arc::new(AtomicBool::new(false));
    let acked_total = Arc::new(AtomicUsize::new(0));
    let mut editors = Vec::new();
    for i in 0..EDITORS {
        let repo = Repo::build_tokio().load().await;
        let dialer = dial(&repo, &server, &token).await;
        let h = find(&repo, &flow_id).await;
        let ledger = Arc::new(Mutex::new(Ledger::default()));
        let task = tokio::spawn(editor(
            i,
            h.clone(),
            dialer.clone(),
            ledger.clone(),
            acked_total.clone(),
            stop.clone(),
            rng.fork(),
        ));
        editors.push((repo, dialer, h, ledger, task));
    }
    let flood_repo = Repo::build_tokio().load().await;
    let _flood_dialer = dial(&flood_repo, &server, &token).await;
    let flood_handle = find(&flood_repo, &flow_id).await;
    let flood_ledger = Arc::new(Mutex::new(Ledger::default()));
    let flood = tokio::spawn(flooder(
        flood_handle.clone(),
        flood_ledger.clone(),
        stop.clone(),
        flood_ms,
    ));

    let mut checked = 0;
    let started = Instant::now();
    for kill in 0..kills {
        let before = acked_total.load(Ordering::SeqCst);
        eprintln!(
            "{:?}: waiting for acknowledgements before kill {kill}",
            started.elapsed()
        );
        eventually(
            &format!("kill {kill}: the server acknowledges edits"),
            Duration::from_secs(30),
            || {
                let now = acked_total.load(Ordering::SeqCst);
                (now >= before + acks_before_kill)
                    .then_some(())
                    .ok_or(format!(
                        "{} acknowledged since the last restart",
                        now - before
                    ))
            },
        )
        .await;
        tokio::time::sleep(Duration::from_millis(rng.below(40))).await;
        server.sigkill();
        // Once every client has seen its connection drop, no more acknowledgements of the
        // killed server can be counted.
        eventually(
            "every client notices the kill",
            Duration::from_secs(10),
            || {
                let up = editors
                    .iter()
                    .filter(|e| e.1.connection_id().is_some())
                    .count();
                (up == 0)
                    .then_some(())
                    .ok_or(format!("{up} still connected"))
            },
        )
        .await;
        let acked: Vec<ChangeHash> = editors
            .iter()
            .flat_map(|e| e.3.lock().unwrap().acked.clone())
            .collect();
        let stored = stored_document(&db, &flow_id, false).await;
        flow::read(&stored).expect("the stored flow reads");
        let lost: Vec<_> = acked
            .iter()
            .filter(|c| stored.get_change_by_hash(c).is_none())
            .collect();
        if !lost.is_empty() {
            eprintln!("SOAK server_kill lost={} seed={seed}", lost.len());
        }
        assert!(
            lost.is_empty(),
            "kill {kill}: {} of {} acknowledged edits are not in the server's database: {:?}",
            lost.len(),
            acked.len(),
            &lost[..lost.len().min(5)]
        );
        checked = acked.len();
        let (db2, listen2, log2) = (db.clone(), listen.clone(), log.clone());
        server = tokio::task::spawn_blocking(move || ServerProcess::start(&db2, &listen2, &log2))
            .await
            .unwrap();
        eventually("every client reconnects", Duration::from_secs(20), || {
            let down = editors
                .iter()
                .filter(|e| e.1.connection_id().is_none())
                .count();
            (down == 0)
                .then_some(())
                .ok_or(format!("{down} not reconnected"))
        })
        .await;
    }
    assert!(
        checked >= kills * acks_before_kill,
        "only {checked} acknowledged edits checked"
    );

    // Editing stops; everyone (and a newcomer, i.e. the server's copy) converges on a
    // document holding every change anyone made, acknowledged or not.
    eprintln!("{:?}: editing stops", started.elapsed());
    stop.store(true, Ordering::SeqCst);
    flood.await.unwrap();
    let mut made = flood_ledger.lock().unwrap().made.clone();
    let mut handles = vec![owned.clone(), flood_handle];
    for (_, _, h, ledger, task) in editors.iter_mut() {
        task.await.unwrap();
        made.extend(ledger.lock().unwrap().made.clone());
        handles.push(h.clone());
    }
    let newcomer = Repo::build_tokio().load().await;
    let _d = dial(&newcomer, &server, &token).await;
    handles.push(find(&newcomer, &flow_id).await);
    let refs: Vec<&DocHandle> = handles.iter().collect();
    let made_set: HashSet<ChangeHash> = made.iter().copied().collect();
    converged(
        "everyone converges after the kills",
        &refs,
        Duration::from_secs(60),
        |_| Ok(()),
    )
    .await;
    eprintln!("{:?}: converged", started.elapsed());
    let fresh = handles.last().unwrap();
    fresh.with_document(|d| {
        let missing = made_set
            .iter()
            .filter(|c| d.get_change_by_hash(c).is_none())
            .count();
        if missing > 0 {
            eprintln!("SOAK server_kill lost={missing} seed={seed}");
        }
        assert_eq!(missing, 0, "edits missing after reconnection");
    });
    eprintln!(
        "{} edits made, {} acknowledged before a kill and all found after it",
        made.len(),
        checked
    );
    // The line `scripts/soak` reads its figures from.
    eprintln!(
        "SOAK server_kill kills={kills} acknowledged={checked} made={} lost=0 clients={} seed={seed}",
        made.len(),
        handles.len()
    );
    assert_healthy(&mut server).await;
    for (repo, ..) in editors {
        repo.stop().await;
    }
    owner.stop().await;
    flood_repo.stop().await;
    newcomer.stop().await;
    server.terminate();
}

// ---------------------------------------------------------------------------------------
// 4. Malformed and hostile frames
// ---------------------------------------------------------------------------------------

/// A CBOR value for hand-made messages.
enum V<'a> {
    S(&'a str),
    B(&'a [u8]),
    U(u64),
    A(&'a [&'a str]),
}

fn cbor(entries: &[(&str, V)]) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut e = minicbor::Encoder::new(&mut buf);
    e.map(entries.len() as u64).unwrap();
    for (k, v) in entries {
        e.str(k).unwrap();
        match v {
            V::S(s) => e.str(s).unwrap(),
            V::B(b) => e.bytes(b).unwrap(),
            V::U(u) => e.u64(*u).unwrap(),
            V::A(a) => {
                e.array(a.len() as u64).unwrap();
                for s in *a {
                    e.str(s).unwrap();
                }
                &mut e
            }
        };
    }
    buf
}

fn join(peer: &str) -> Vec<u8> {
    cbor(&[
        ("type", V::S("join")),
        ("senderId", V::S(peer)),
        ("supportedProtocolVersions", V::A(&["1"])),
    ])
}

fn doc_message(kind: &str, doc: &str, sender: &str, data: &[u8]) -> Vec<u8> {
    cbor(&[
        ("type", V::S(kind)),
        ("documentId", V::S(doc)),
        ("senderId", V::S(sender)),
        ("targetId", V::S("triloop-server")),
        ("data", V::B(data)),
    ])
}

fn empty_sync_message() -> Vec<u8> {
    Automerge::new()
        .generate_sync_message(&mut automerge::sync::State::new())
        .unwrap()
        .encode()
}

fn message_type(bytes: &[u8]) -> Option<String> {
    let mut d = minicbor::Decoder::new(bytes);
    let n = d.map().ok()??;
    for _ in 0..n {
        if d.str().ok()? == "type" {
            return Some(d.str().ok()?.to_string());
        }
        d.skip().ok()?;
    }
    None
}

fn random_doc_id(rng: &mut Rng) -> DocumentId {
    DocumentId::try_from(rng.bytes(16)).unwrap()
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn open_ws(server: &ServerProcess, token: &str) -> Ws {
    let (ws, _) = tokio_tungstenite::connect_async(server.sync_url(token).as_str())
        .await
        .expect("a valid token upgrades");
    ws
}

/// What the server does next on this connection.
#[derive(Debug, PartialEq)]
enum Next {
    /// A binary message of this automerge-repo type.
    Reply(Option<String>),
    /// A close frame (its code) or the end of the stream.
    Closed(Option<u16>),
    Silence,
}

async fn next_event(ws: &mut Ws, within: Duration) -> Next {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, ws.next()).await {
            Err(_) => return Next::Silence,
            Ok(None) | Ok(Some(Err(_))) => return Next::Closed(None),
            Ok(Some(Ok(Message::Close(c)))) => return Next::Closed(c.map(|c| c.code.into())),
            Ok(Some(Ok(Message::Binary(b)))) => return Next::Reply(message_type(&b)),
            Ok(Some(Ok(_))) => {}
        }
    }
}

/// The next reply of one of `types`, skipping others (sync chatter); `None` if the
/// connection closed.
async fn reply_of(ws: &mut Ws, types: &[&str], what: &str) -> Option<String> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match next_event(ws, left).await {
            Next::Reply(Some(t)) if types.contains(&t.as_str()) => return Some(t),
            Next::Reply(_) => {}
            Next::Closed(_) => return None,
            Next::Silence => panic!("{what}: the server neither answered nor closed in 10 s"),
        }
    }
}

/// A connection with a valid token that has joined as `peer`.
async fn joined(server: &ServerProcess, token: &str, peer: &str) -> Ws {
    let mut ws = open_ws(server, token).await;
    ws.send(Message::Binary(join(peer).into())).await.unwrap();
    assert_eq!(
        reply_of(&mut ws, &["peer"], "join").await.as_deref(),
        Some("peer"),
        "the server answers a valid join"
    );
    ws
}

/// After garbage on a joined connection: the server still processes this connection (a
/// request for an unknown document gets `doc-unavailable`) or it has closed it. Never
/// silence.
async fn probe(ws: &mut Ws, peer: &str, rng: &mut Rng, what: &str) {
    let id = random_doc_id(rng).to_string();
    let sent = ws
        .send(Message::Binary(
            doc_message("request", &id, peer, &empty_sync_message()).into(),
        ))
        .await;
    if sent.is_err() {
        eprintln!("{what}: the server had closed the connection");
        return;
    }
    match reply_of(ws, &["doc-unavailable"], what).await {
        Some(t) => {
            assert_eq!(t, "doc-unavailable");
            eprintln!("{what}: the connection still works");
        }
        None => eprintln!("{what}: the server closed the connection"),
    }
}

/// A sync message carrying `change` (raw change bytes) for whoever receives it.
fn sync_with_change(heads: Vec<ChangeHash>, change: Vec<u8>) -> Vec<u8> {
    automerge::sync::Message {
        heads,
        need: vec![],
        have: vec![],
        changes: ChunkList::from(vec![change]),
        flags: None,
        version: MessageVersion::V1,
    }
    .encode()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_and_hostile_frames_neither_crash_the_server_nor_corrupt_data() {
    let _serial = SERIAL.lock().await;
    let mut rng = Rng::new("garbage");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let mut server = ServerProcess::start(&db, "127.0.0.1:0", &dir.path().join("server.log"));

    let alice = Repo::build_tokio().load().await;
    let (index, fa) = workspace_with_flow(&alice, 5).await;
    let flow_id = fa.document_id().clone();
    let index_id = index.document_id().clone();
    let alice_token = invite(&db, &index_id, "alice");
    let _da = dial(&alice, &server, &alice_token).await;
    let bob = Repo::build_tokio().load().await;
    let bob_token = invite(&db, &index_id, "bob");
    let _db = dial(&bob, &server, &bob_token).await;
    let fb = find(&bob, &flow_id).await;
    let (before, _) = converged(
        "bob gets the flow",
        &[&fa, &fb],
        Duration::from_secs(20),
        |f| (f.nodes.len() == 5).then_some(()).ok_or("not yet".into()),
    )
    .await;
    let index_before = index.with_document(|d| workspace::read(d).unwrap());
    let changes_before = fa.with_document(|d| d.get_changes(&[]).len());
    let mallory_token = invite(&db, &random_doc_id(&mut rng), "mallory");
    let raw_token = invite(&db, &index_id, "raw");

    // --- Without a token: raw TCP garbage and refused upgrades. ---
    for payload in [
        rng.bytes(4096),
        b"GET /sync HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nContent-Length: 99999999999999999999\r\n\r\n".to_vec(),
        b"GET /sync HTTP/1.1\r\nHost:".to_vec(),
        [b"GET /sync?token=".as_slice(), &[b'A'; 200_000], b" HTTP/1.1\r\n\r\n"].concat(),
    ] {
        let addr = server.addr;
        tokio::task::spawn_blocking(move || {
            let mut s = std::net::TcpStream::connect(addr).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            let _ = s.write_all(&payload);
            let _ = s.shutdown(std::net::Shutdown::Write);
            let mut answer = Vec::new();
            // The server answers with an error and/or closes; it does not hang on us.
            match s.read_to_end(&mut answer) {
                Ok(_) => assert!(
                    answer.is_empty() || answer.starts_with(b"HTTP/1.1 4"),
                    "{}",
                    String::from_utf8_lossy(&answer)
                ),
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
                Err(e) => panic!("garbage over TCP: {e}"),
            }
        })
        .await
        .unwrap();
    }
    for token in ["", "x", &"A".repeat(43), &mallory_token[..42]] {
        let url = format!("ws://{}/sync?token={token}", server.addr);
        match tokio_tungstenite::connect_async(url.as_str()).await {
            Err(tungstenite::Error::Http(r)) => assert_eq!(r.status().as_u16(), 401),
            other => panic!("token {token:?} upgraded: {:?}", other.map(|_| ())),
        }
    }
    assert_healthy(&mut server).await;

    // --- A valid token, garbage instead of a join: refused with 1002. ---
    let mut huge_map = vec![0xbb];
    huge_map.extend(u64::MAX.to_be_bytes());
    let mut huge_bytes = cbor(&[("type", V::S("join"))]);
    huge_bytes[0] = 0xa2; // two entries…
    huge_bytes.extend([0x68]);
    huge_bytes.extend(b"senderId");
    huge_bytes.push(0x5b); // …the second a byte string claiming 2^63 bytes
    huge_bytes.extend((1u64 << 63).to_be_bytes());
    let valid_join = join("someone");
    let not_joins: Vec<(&str, Message)> = vec![
        ("random bytes", Message::Binary(rng.bytes(1024).into())),
        ("an empty frame", Message::Binary(Vec::new().into())),
        (
            "a truncated join",
            Message::Binary(valid_join[..valid_join.len() / 2].to_vec().into()),
        ),
        (
            "type as a number",
            Message::Binary(cbor(&[("type", V::U(5)), ("senderId", V::S("p"))]).into()),
        ),
        (
            "senderId as a number",
            Message::Binary(cbor(&[("type", V::S("join")), ("senderId", V::U(7))]).into()),
        ),
        (
            "not a join",
            Message::Binary(doc_message("sync", "x", "p", b"").into()),
        ),
        (
            "a CBOR array",
            Message::Binary(vec![0x83, 0x01, 0x02, 0x03].into()),
        ),
        ("a map of 2^64-1 entries", Message::Binary(huge_map.into())),
        ("a 2^63-byte string", Message::Binary(huge_bytes.into())),
        (
            "a 2 MiB random frame",
            Message::Binary(rng.bytes(2 << 20).into()),
        ),
        (
            "a text frame",
            Message::Text(r#"{"type":"join","senderId":"t"}"#.into()),
        ),
    ];
    for (what, frame) in not_joins {
        let mut ws = open_ws(&server, &raw_token).await;
        ws.send(frame).await.unwrap();
        assert_eq!(
            next_event(&mut ws, Duration::from_secs(10)).await,
            Next::Closed(Some(1002)),
            "{what} instead of a join"
        );
    }
    // A 70 MiB frame (over axum's default 64 MiB message limit, and not a join anyway):
    // the connection ends, the server lives on.
    let mut ws = open_ws(&server, &raw_token).await;
    let _ = ws.send(Message::Binary(rng.bytes(70 << 20).into())).await;
    assert!(
        matches!(
            next_event(&mut ws, Duration::from_secs(20)).await,
            Next::Closed(_)
        ),
        "a 70 MiB frame ends the connection"
    );
    drop(ws);
    assert_healthy(&mut server).await;

    // --- Joins that claim someone else's peer id. ---
    let bob_peer = bob.peer_id().to_string();
    let mut ws = open_ws(&server, &mallory_token).await;
    ws.send(Message::Binary(join(&bob_peer).into()))
        .await
        .unwrap();
    assert!(
        matches!(
            next_event(&mut ws, Duration::from_secs(10)).await,
            Next::Closed(Some(1008))
        ),
        "another invitation cannot join as Bob's peer id"
    );
    let mut ws = open_ws(&server, &mallory_token).await;
    ws.send(Message::Binary(join("triloop-server").into()))
        .await
        .unwrap();
    let _ = next_event(&mut ws, Duration::from_secs(2)).await;
    drop(ws);

    // --- Joined with a valid token, then garbage; each case on its own connection. ---
    let a_change = fa.with_document(|d| {
        let mut fork = d.fork();
        flow::apply(&mut fork, &[task("forged", 1.0, 1.0)]).unwrap();
        let c = fork.get_last_local_change().unwrap();
        (c.hash(), c.raw_bytes().to_vec())
    });
    let mut bad_checksum = a_change.1.clone();
    bad_checksum[5] ^= 0xff; // bytes 4..8 are the chunk's checksum
    let flow_str = flow_id.to_string();
    let sync_msg = empty_sync_message();
    let mut huge_data = doc_message("sync", &flow_str, "raw-x", b"");
    huge_data.pop(); // the empty byte string…
    huge_data.push(0x5b); // …becomes one claiming 2^63 bytes
    huge_data.extend((1u64 << 63).to_be_bytes());
    let garbage: Vec<(&str, Vec<Message>)> = vec![
        ("random bytes", vec![Message::Binary(rng.bytes(512).into())]),
        (
            "random frames",
            (0..50)
                .map(|i| Message::Binary(rng.bytes(i * 37).into()))
                .collect(),
        ),
        ("a truncated sync message", {
            let m = doc_message("sync", &flow_str, "raw-x", &sync_msg);
            vec![Message::Binary(m[..m.len() - 7].to_vec().into())]
        }),
        (
            "data as a string",
            vec![Message::Binary(
                cbor(&[
                    ("type", V::S("sync")),
                    ("documentId", V::S(&flow_str)),
                    ("senderId", V::S("raw-x")),
                    ("targetId", V::S("triloop-server")),
                    ("data", V::S("not bytes")),
                ])
                .into(),
            )],
        ),
        (
            "documentId as a number",
            vec![Message::Binary(
                cbor(&[
                    ("type", V::S("request")),
                    ("documentId", V::U(42)),
                    ("senderId", V::S("raw-x")),
                    ("targetId", V::S("triloop-server")),
                    ("data", V::B(&sync_msg)),
                ])
                .into(),
            )],
        ),
        (
            "a huge data length",
            vec![Message::Binary(huge_data.clone().into())],
        ),
        (
            "random sync data for the flow",
            vec![Message::Binary(
                doc_message("sync", &flow_str, "raw-x", &rng.bytes(300)).into(),
            )],
        ),
        (
            "a change with a broken checksum",
            vec![Message::Binary(
                doc_message(
                    "sync",
                    &flow_str,
                    "raw-x",
                    &sync_with_change(vec![a_change.0], bad_checksum.clone()),
                )
                .into(),
            )],
        ),
        (
            "a change with missing history",
            vec![Message::Binary(
                doc_message(
                    "sync",
                    &flow_str,
                    "raw-x",
                    &sync_with_change(vec![a_change.0], {
                        let mut orphan = Automerge::new();
                        orphan
                            .transact::<_, _, automerge::AutomergeError>(|tx| {
                                use automerge::transaction::Transactable;
                                tx.put(automerge::ROOT, "x", 1)?;
                                Ok(())
                            })
                            .unwrap();
                        let mut child = orphan.fork();
                        child
                            .transact::<_, _, automerge::AutomergeError>(|tx| {
                                use automerge::transaction::Transactable;
                                tx.put(automerge::ROOT, "y", 2)?;
                                Ok(())
                            })
                            .unwrap();
                        child.get_last_local_change().unwrap().raw_bytes().to_vec()
                    }),
                )
                .into(),
            )],
        ),
        (
            "requests for random documents",
            (0..20)
                .map(|_| {
                    let id = random_doc_id(&mut rng).to_string();
                    Message::Binary(doc_message("request", &id, "raw-x", &rng.bytes(20)).into())
                })
                .collect(),
        ),
        (
            "sync for a random document",
            vec![Message::Binary(
                doc_message(
                    "sync",
                    &random_doc_id(&mut rng).to_string(),
                    "raw-x",
                    &sync_msg,
                )
                .into(),
            )],
        ),
        (
            "a sync claiming to be Bob",
            vec![Message::Binary(
                doc_message("sync", &flow_str, &bob_peer, &rng.bytes(64)).into(),
            )],
        ),
        (
            "a second join as Bob",
            vec![Message::Binary(join(&bob_peer).into())],
        ),
        (
            "an ephemeral message with a huge count",
            vec![Message::Binary(
                cbor(&[
                    ("type", V::S("ephemeral")),
                    ("documentId", V::S(&flow_str)),
                    ("senderId", V::S("raw-x")),
                    ("targetId", V::S("triloop-server")),
                    ("count", V::U(u64::MAX)),
                    ("sessionId", V::S("s")),
                    ("data", V::B(&rng.bytes(100))),
                ])
                .into(),
            )],
        ),
        (
            "an unknown message type",
            vec![Message::Binary(
                cbor(&[("type", V::S("explode")), ("senderId", V::S("raw-x"))]).into(),
            )],
        ),
        ("a text frame", vec![Message::Text("hello".into())]),
        (
            "a leave",
            vec![Message::Binary(
                cbor(&[("type", V::S("leave")), ("senderId", V::S("raw-x"))]).into(),
            )],
        ),
    ];
    for (what, frames) in garbage {
        let mut ws = joined(&server, &raw_token, "raw-x").await;
        for f in frames {
            if ws.send(f).await.is_err() {
                break;
            }
        }
        probe(&mut ws, "raw-x", &mut rng, what).await;
        let _ = ws.close(None).await;
        assert_healthy(&mut server).await;
    }

    // A valid change to the flow from an invitation to another workspace: refused, and the
    // document does not exist for it.
    let mut ws = joined(&server, &mallory_token, "mallory").await;
    ws.send(Message::Binary(
        doc_message(
            "sync",
            &flow_str,
            "mallory",
            &sync_with_change(vec![a_change.0], a_change.1.clone()),
        )
        .into(),
    ))
    .await
    .unwrap();
    assert_eq!(
        reply_of(&mut ws, &["doc-unavailable", "sync"], "a forged write")
            .await
            .as_deref(),
        Some("doc-unavailable")
    );
    drop(ws);

    // A burst of concurrent garbage connections.
    let mut burst = Vec::new();
    for n in 0..16 {
        let (url, mut rng) = (server.sync_url(&raw_token), rng.fork());
        burst.push(tokio::spawn(async move {
            let Ok((mut ws, _)) = tokio_tungstenite::connect_async(url.as_str()).await else {
                return;
            };
            if n % 2 == 0 {
                let _ = ws
                    .send(Message::Binary(join(&format!("burst-{n}")).into()))
                    .await;
            }
            for i in 0..30 {
                if ws
                    .send(Message::Binary(rng.bytes(i * 13 + 1).into()))
                    .await
                    .is_err()
                {
                    break;
                }
            }
        }));
    }
    for b in burst {
        b.await.unwrap();
    }
    assert_healthy(&mut server).await;

    // Legitimate clients still sync both ways…
    edit(&fa, &[task("after-a", 10.0, 500.0)]);
    edit(&fb, &[task("after-b", 20.0, 500.0)]);
    let (after, after_heads) = converged(
        "alice and bob still sync",
        &[&fa, &fb],
        Duration::from_secs(30),
        |f| {
            (f.nodes.len() == 7)
                .then_some(())
                .ok_or(format!("{} nodes", f.nodes.len()))
        },
    )
    .await;
    // …and the documents are exactly what they did: nothing forged or broken got in.
    let mut expected = before.clone();
    expected.nodes.extend(
        after
            .nodes
            .iter()
            .filter(|n| n.id.starts_with("after-"))
            .cloned(),
    );
    let ids = |f: &model::Flow| {
        f.nodes
            .iter()
            .map(|n| n.id.clone())
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(ids(&after), ids(&expected));
    for n in &before.nodes {
        assert!(after.nodes.contains(n), "{} changed", n.id);
    }
    assert_eq!(after.edges, before.edges);
    fa.with_document(|d| {
        assert_eq!(
            d.get_changes(&[]).len(),
            changes_before + 2,
            "only the two legitimate edits"
        );
        assert!(
            d.get_change_by_hash(&a_change.0).is_none(),
            "the forged change got in"
        );
        assert!(d.get(automerge::ROOT, "y").unwrap().is_none());
    });
    // A newcomer gets the same documents from the server, and so does its database.
    let carol = Repo::build_tokio().load().await;
    let _dc = dial(&carol, &server, &invite(&db, &index_id, "carol")).await;
    let fc = find(&carol, &flow_id).await;
    let ic = find(&carol, &index_id).await;
    eventually(
        "the server's copy is intact",
        Duration::from_secs(20),
        || {
            (heads(&fc) == after_heads)
                .then_some(())
                .ok_or("not yet".into())
        },
    )
    .await;
    assert_eq!(
        ic.with_document(|d| workspace::read(d).unwrap()),
        index_before
    );
    assert_healthy(&mut server).await;
    for r in [alice, bob, carol] {
        r.stop().await;
    }
    server.terminate();
    let stored = stored_document(&db, &flow_id, true).await;
    assert_eq!(stored.get_heads(), after_heads);
    assert_eq!(flow::read(&stored).unwrap(), after);
    let stored_index = stored_document(&db, &index_id, true).await;
    assert_eq!(workspace::read(&stored_index).unwrap(), index_before);
}

// ---------------------------------------------------------------------------------------
// 5. Hostile traffic at scale
// ---------------------------------------------------------------------------------------

/// What the hostile connections saw.
#[derive(Default)]
struct Hostile {
    frames: AtomicUsize,
    reconnects: AtomicUsize,
    /// Messages about a document of workspace A that reached a connection of workspace B.
    revealed: AtomicUsize,
}

/// One hostile frame, built from a valid message of this connection (`peer`) and mutated
/// in one of many ways; `forged` is a valid sync message carrying a change to the flow of
/// the other workspace (sent only on connections of that other workspace).
fn hostile_frame(rng: &mut Rng, peer: &str, docs: &[String], forged: &[u8]) -> Vec<u8> {
    let doc = &docs[rng.below(docs.len() as u64) as usize];
    let sync = empty_sync_message();
    let valid = |rng: &mut Rng| match rng.below(4) {
        0 => doc_message("sync", doc, peer, &sync),
        1 => doc_message("request", doc, peer, &sync),
        2 => cbor(&[
            ("type", V::S("ephemeral")),
            ("documentId", V::S(doc)),
            ("senderId", V::S(peer)),
            ("targetId", V::S("triloop-server")),
            ("count", V::U(rng.below(1000))),
            ("sessionId", V::S("s")),
            ("data", V::B(&rng.bytes(40))),
        ]),
        _ => doc_message("sync", doc, peer, &rng.bytes(60)),
    };
    match rng.below(10) {
        // Random bytes.
        0 => {
            let n = rng.below(2048) as usize;
            rng.bytes(n)
        }
        // A valid message with bytes flipped.
        1 => {
            let mut m = valid(rng);
            for _ in 0..1 + rng.below(4) {
                let i = rng.below(m.len() as u64) as usize;
                m[i] ^= 1 << rng.below(8);
            }
            m
        }
        // Truncated CBOR.
        2 => {
            let m = valid(rng);
            let cut = rng.below(m.len() as u64) as usize;
            m[..cut].to_vec()
        }
        // A wrong type.
        3 => {
            let kind = [
                "request",
                "sync",
                "doc-unavailable",
                "remote-heads-changed",
                "x",
                "",
            ][rng.below(6) as usize];
            doc_message(kind, doc, peer, &rng.bytes(30))
        }
        // A huge length: the data claims 2^63 bytes, or a map claims 2^64-1 entries.
        4 => {
            if rng.below(2) == 0 {
                let mut m = doc_message("sync", doc, peer, b"");
                m.pop();
                m.push(0x5b);
                m.extend((1u64 << 63).to_be_bytes());
                m
            } else {
                let mut m = vec![0xbb];
                m.extend(u64::MAX.to_be_bytes());
                m.extend(valid(rng));
                m
            }
        }
        // Fields of the wrong type.
        5 => cbor(&[
            ("type", V::S("sync")),
            ("documentId", V::U(rng.next())),
            ("senderId", V::S(peer)),
            ("data", V::S("not bytes")),
        ]),
        // Wrong document ids: random, malformed, empty.
        6 => {
            let id = match rng.below(3) {
                0 => random_doc_id(rng).to_string(),
                1 => String::from_utf8_lossy(&rng.bytes(20)).into_owned(),
                _ => String::new(),
            };
            doc_message("request", &id, peer, &sync)
        }
        // A forged write to the other workspace's flow (valid in every byte).
        7 if !forged.is_empty() => doc_message("sync", &docs[0], peer, forged),
        // Random sync data for a real document.
        _ => valid(rng),
    }
}

/// A hostile connection: joins with `token`, sends frames until `frames` are sent in all,
/// reconnecting whenever the server closes it. A reader counts any message about
/// `secret` documents (those it must never see).
#[allow(clippy::too_many_arguments)]
async fn hostile_connection(
    n: usize,
    url: url::Url,
    docs: Vec<String>,
    secret: Arc<HashSet<String>>,
    forged: Vec<u8>,
    total: usize,
    stats: Arc<Hostile>,
    mut rng: Rng,
) {
    let mut generation = 0;
    while stats.frames.load(Ordering::Relaxed) < total {
        generation += 1;
        let peer = format!("hostile-{n}-{generation}");
        let Ok((ws, _)) = tokio_tungstenite::connect_async(url.as_str()).await else {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        stats.reconnects.fetch_add(1, Ordering::Relaxed);
        let (mut tx, mut rx) = ws.split();
        if tx.send(Message::Binary(join(&peer).into())).await.is_err() {
            continue;
        }
        let (secret2, stats2) = (secret.clone(), stats.clone());
        let reader = tokio::spawn(async move {
            while let Some(Ok(m)) = rx.next().await {
                if let Message::Binary(b) = m
                    && let Ok(msg) = server::wire::decode(&b)
                    && let server::wire::Incoming::Doc { document, .. }
                    | server::wire::Incoming::Ephemeral { document, .. } = msg
                    && secret2.contains(&document)
                {
                    stats2.revealed.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
        while stats.frames.load(Ordering::Relaxed) < total {
            let sender = if rng.below(50) == 0 {
                "someone-else"
            } else {
                peer.as_str()
            };
            let frame = hostile_frame(&mut rng, sender, &docs, &forged);
            if tx.send(Message::Binary(frame.into())).await.is_err() {
                break;
            }
            stats.frames.fetch_add(1, Ordering::Relaxed);
        }
        let _ = tx.close().await;
        reader.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_traffic_from_many_connections_at_once_leaves_the_server_up_and_data_intact() {
    let frames = size("RELIABILITY_FRAMES", 3000);
    let connections = size("RELIABILITY_CONNECTIONS", 6);
    let _serial = SERIAL.lock().await;
    let (mut rng, seed) = Rng::with_seed("hostile");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let mut server = ServerProcess::start(&db, "127.0.0.1:0", &dir.path().join("server.log"));

    // Workspace A: Alice and Bob edit its flow throughout.
    let alice = Repo::build_tokio().load().await;
    let (index, fa) = workspace_with_flow(&alice, 5).await;
    let (flow_id, index_id) = (fa.document_id().clone(), index.document_id().clone());
    let _da = dial(&alice, &server, &invite(&db, &index_id, "alice")).await;
    let bob = Repo::build_tokio().load().await;
    let _dbob = dial(&bob, &server, &invite(&db, &index_id, "bob")).await;
    let fb = find(&bob, &flow_id).await;
    converged(
        "bob gets the flow",
        &[&fa, &fb],
        Duration::from_secs(20),
        |f| (f.nodes.len() == 5).then_some(()).ok_or("not yet".into()),
    )
    .await;
    // Workspace B: Mallory's own, on the same server.
    let mallory = Repo::build_tokio().load().await;
    let (m_index, m_flow) = workspace_with_flow(&mallory, 2).await;
    let mallory_token = invite(&db, m_index.document_id(), "mallory");
    let _dm = dial(&mallory, &server, &mallory_token).await;
    let a_token = invite(&db, &index_id, "raw");
    let forged = fa.with_document(|d| {
        let mut fork = d.fork();
        flow::apply(&mut fork, &[task("forged", 1.0, 1.0)]).unwrap();
        let c = fork.get_last_local_change().unwrap();
        (
            c.hash(),
            sync_with_change(vec![c.hash()], c.raw_bytes().to_vec()),
        )
    });
    let a_docs = vec![flow_id.to_string(), index_id.to_string()];
    let b_docs = vec![
        m_flow.document_id().to_string(),
        m_index.document_id().to_string(),
    ];

    let stats = Arc::new(Hostile::default());
    let secret: Arc<HashSet<String>> = Arc::new(a_docs.iter().cloned().collect());
    let mut attackers = Vec::new();
    for n in 0..connections {
        // Half with an invitation to A (garbage about A's and B's documents), half with
        // Mallory's to B (garbage, and valid writes to A's flow that must be refused).
        let (url, docs, forged, secret) = if n % 2 == 0 {
            let docs = [a_docs.clone(), b_docs.clone()].concat();
            (
                server.sync_url(&a_token),
                docs,
                Vec::new(),
                Arc::new(HashSet::new()),
            )
        } else {
            let docs = [a_docs.clone(), b_docs.clone()].concat();
            (
                server.sync_url(&mallory_token),
                docs,
                forged.1.clone(),
                secret.clone(),
            )
        };
        attackers.push(tokio::spawn(hostile_connection(
            n,
            url,
            docs,
            secret,
            forged,
            frames,
            stats.clone(),
            rng.fork(),
        )));
    }

    // Meanwhile Alice and Bob keep editing; each edit must reach the other within 15 s.
    let started = Instant::now();
    let mut k = 0;
    let mut worst = Duration::ZERO;
    while stats.frames.load(Ordering::Relaxed) < frames || k < 4 {
        let (from, to, name) = if k % 2 == 0 {
            (&fa, &fb, format!("a{k}"))
        } else {
            (&fb, &fa, format!("b{k}"))
        };
        let t0 = Instant::now();
        edit(from, &[task(&name, k as f64, 900.0)]);
        eventually(
            &format!("edit {name} crosses the server under attack"),
            Duration::from_secs(15),
            || {
                read(to)
                    .nodes
                    .iter()
                    .any(|n| n.id == name)
                    .then_some(())
                    .ok_or("not yet".into())
            },
        )
        .await;
        worst = worst.max(t0.elapsed());
        k += 1;
        if k % 10 == 0 {
            assert_healthy(&mut server).await;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for a in attackers {
        a.await.unwrap();
    }
    assert_healthy(&mut server).await;
    let sent = stats.frames.load(Ordering::Relaxed);
    let revealed = stats.revealed.load(Ordering::Relaxed);
    eprintln!(
        "{sent} hostile frames on {} connections in {:?}; {k} legitimate edits crossed, the slowest in {worst:?}",
        stats.reconnects.load(Ordering::Relaxed),
        started.elapsed()
    );

    // Everyone converges on exactly what Alice and Bob did; nothing forged got in.
    let (after, after_heads) = converged(
        "alice and bob converge",
        &[&fa, &fb],
        Duration::from_secs(30),
        |f| {
            (f.nodes.len() == 5 + k)
                .then_some(())
                .ok_or(format!("{} nodes", f.nodes.len()))
        },
    )
    .await;
    let corrupted = usize::from(fa.with_document(|d| d.get_change_by_hash(&forged.0).is_some()))
        + usize::from(after.nodes.iter().any(|n| n.id == "forged"));
    for r in [alice, bob, mallory] {
        r.stop().await;
    }
    server.terminate();
    let stored = stored_document(&db, &flow_id, true).await;
    let stored_ok = stored.get_heads() == after_heads && flow::read(&stored).ok() == Some(after);
    let stored_b = stored_document(&db, m_flow.document_id(), true).await;
    flow::read(&stored_b).expect("workspace B's flow reads");
    stored_document(&db, &index_id, true).await;
    eprintln!(
        "SOAK hostile frames={sent} connections={connections} reconnects={} edits={k} \
         slowest_ms={} revealed={revealed} corrupted={} seed={seed}",
        stats.reconnects.load(Ordering::Relaxed),
        worst.as_millis(),
        corrupted + usize::from(!stored_ok),
    );
    assert_eq!(revealed, 0, "workspace A's documents reached workspace B");
    assert_eq!(corrupted, 0, "the forged change got in");
    assert!(
        stored_ok,
        "the server's stored flow differs from the clients'"
    );
    assert!(sent >= frames);
}
