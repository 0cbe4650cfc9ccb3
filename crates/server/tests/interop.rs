//! Interoperability with the JavaScript automerge-repo (npm packages pinned in `tests/js`,
//! installed by `scripts/setup`):
//!
//! - two Triloop (Rust samod) clients sync a flow document through the JS sync server;
//! - a JS automerge-repo client syncs a flow document with a Rust client through the real
//!   `triloop-server` process, authenticated by an invitation token in the query string.
//!
//! The JS sync server listens on every interface, so its test runs in a private network
//! namespace: the test re-runs itself under `unshare -n` (with `lo` up) and there starts the
//! server and its Rust clients, which talk to it on 127.0.0.1. Every test talks only to
//! loopback.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use automerge::Automerge;
use model::flow::{self, FlowOp};
use model::{EdgeKind, FlowEdge, FlowNode, NodeKind, workspace};
use samod::{BackoffConfig, DocHandle, DocumentId, Repo};

/// Set in the re-run of a test inside its private network namespace.
const IN_NETNS: &str = "TRILOOP_INTEROP_IN_NETNS";

fn js_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/js")
}

/// Fails clearly when node or the npm packages are missing (never skips).
fn require_js() -> PathBuf {
    let dir = js_dir();
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.as_ref().is_ok_and(|o| o.status.success()),
        "the interop tests need `node` (Node.js 20) on PATH: {node:?}"
    );
    for pkg in [
        "@automerge/automerge-repo",
        "@automerge/automerge-repo-network-websocket",
        "@automerge/automerge-repo-sync-server",
    ] {
        assert!(
            dir.join("node_modules").join(pkg).is_dir(),
            "{} is missing: run scripts/setup (it runs `npm ci` in tests/js)",
            dir.join("node_modules").join(pkg).display()
        );
    }
    dir
}

/// Whether this process sees no network interface but loopback (a private namespace).
fn only_loopback() -> bool {
    let dev = std::fs::read_to_string("/proc/self/net/dev").unwrap_or_default();
    dev.lines()
        .skip(2)
        .filter_map(|l| l.split(':').next())
        .all(|name| name.trim() == "lo")
}

/// Runs the test `name` of this binary again inside a new network namespace with only `lo`
/// (up), and asserts that it passed there.
fn rerun_in_private_netns(name: &str) {
    let exe = std::env::current_exe().unwrap();
    let out = Command::new("unshare")
        .args(["-n", "sh", "-c", "ip link set lo up && exec \"$0\" \"$@\""])
        .arg(&exe)
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(IN_NETNS, "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run `unshare` (util-linux): {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "`{name}` failed inside its private network namespace ({}); it needs \
         `unshare -n` (root or user namespaces) and `ip`.\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        out.status
    );
    assert!(
        stdout.contains("1 passed"),
        "the re-run did not run the test:\n{stdout}"
    );
}

/// The JS sync server (npm @automerge/automerge-repo-sync-server) on a port of loopback.
struct JsSyncServer {
    child: Child,
    port: u16,
    _data: tempfile::TempDir,
}

impl JsSyncServer {
    fn start(js: &Path) -> JsSyncServer {
        assert!(
            only_loopback(),
            "the JS sync server listens on every interface: start it only inside a private \
             network namespace"
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let data = tempfile::tempdir().unwrap();
        let mut child = Command::new("node")
            .arg("node_modules/@automerge/automerge-repo-sync-server/src/index.js")
            .current_dir(js)
            .env("PORT", port.to_string())
            .env("DATA_DIR", data.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert!(
            line.contains(&format!("Listening on port {port}")),
            "the JS sync server did not start: {line:?}"
        );
        JsSyncServer {
            child,
            port,
            _data: data,
        }
    }
}

impl Drop for JsSyncServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The real `triloop-server` on an ephemeral port of 127.0.0.1.
struct TriloopServer {
    child: Child,
    addr: String,
}

impl TriloopServer {
    fn start(db: &Path) -> TriloopServer {
        let mut child = Command::new(env!("CARGO_BIN_EXE_triloop-server"))
            .args(["--listen", "127.0.0.1:0", "--database"])
            .arg(db)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .trim()
            .strip_prefix("listening on ")
            .expect("the server says where it listens")
            .to_string();
        TriloopServer { child, addr }
    }

    fn url_with_token(&self, token: &str) -> url::Url {
        format!("ws://{}/sync?token={token}", self.addr)
            .parse()
            .unwrap()
    }
}

impl Drop for TriloopServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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

async fn dial(repo: &Repo, url: url::Url) {
    let dialer = repo.dial_websocket(url, BackoffConfig::default()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), dialer.established())
        .await
        .expect("connected within 10 s")
        .unwrap();
}

/// `find` until the document arrives (a find can answer "unavailable" while the server
/// itself is still receiving the document).
async fn find(repo: &Repo, id: &DocumentId) -> DocHandle {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(h) = repo.find(id.clone()).await.unwrap() {
            return h;
        }
        assert!(Instant::now() < deadline, "document {id} never arrived");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn task(id: &str, x: f64) -> FlowOp {
    FlowOp::AddNode {
        node: FlowNode::new(id, NodeKind::Task, id, x, 0.0),
    }
}

fn read(h: &DocHandle) -> model::Flow {
    h.with_document(|d| flow::read(d).unwrap())
}

/// Waits until `h`'s flow satisfies `ok`; the flow.
async fn wait_for(h: &DocHandle, what: &str, ok: impl Fn(&model::Flow) -> bool) -> model::Flow {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let f = read(h);
        if ok(&f) {
            return f;
        }
        assert!(
            Instant::now() < deadline,
            "{what} never happened; the flow has nodes {:?}",
            f.nodes.iter().map(|n| &n.id).collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn has_node(id: &'static str) -> impl Fn(&model::Flow) -> bool {
    move |f| f.nodes.iter().any(|n| n.id == id)
}

async fn same_heads(a: &DocHandle, b: &DocHandle) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let ha = a.with_document(|d| d.get_heads());
        let hb = b.with_document(|d| d.get_heads());
        if ha == hb {
            assert_eq!(read(a), read(b));
            return;
        }
        assert!(Instant::now() < deadline, "the heads never became equal");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[test]
fn rust_clients_sync_a_flow_through_the_js_sync_server() {
    let js = require_js();
    if std::env::var_os(IN_NETNS).is_none() {
        rerun_in_private_netns("rust_clients_sync_a_flow_through_the_js_sync_server");
        return;
    }
    let server = JsSyncServer::start(&js);
    let url: url::Url = format!("ws://127.0.0.1:{}", server.port).parse().unwrap();
    let server = &server;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        // Alice makes a flow with the model's ops and pushes it to the JS server.
        let alice = Repo::build_tokio().load().await;
        dial(&alice, url.clone()).await;
        let mut doc = Automerge::new();
        flow::init(&mut doc).unwrap();
        let a = alice.create(doc).await.unwrap();
        a.with_document(|d| {
            flow::apply(
                d,
                &[
                    task("a1", 0.0),
                    task("a2", 200.0),
                    FlowOp::AddEdge {
                        edge: FlowEdge::new("e1", EdgeKind::SequenceFlow, "a1", "a2"),
                    },
                ],
            )
            .unwrap()
        });

        // Bob finds it through the server and sees Alice's edits.
        let bob = Repo::build_tokio().load().await;
        dial(&bob, url.clone()).await;
        let b = find(&bob, a.document_id()).await;
        let seen = wait_for(&b, "Alice's nodes reaching Bob", has_node("a2")).await;
        assert_eq!(seen.edges.len(), 1);
        assert_eq!(seen, read(&a));

        // Bob edits; Alice sees it.
        b.with_document(|d| {
            flow::apply(
                d,
                &[
                    task("b1", 400.0),
                    FlowOp::RenameNode {
                        id: "a1".into(),
                        name: "renamed by Bob".into(),
                    },
                ],
            )
            .unwrap()
        });
        let at_alice = wait_for(&a, "Bob's edit reaching Alice", has_node("b1")).await;
        assert_eq!(
            at_alice.nodes.iter().find(|n| n.id == "a1").unwrap().name,
            "renamed by Bob"
        );

        // Both edit at once; both end with the same document.
        a.with_document(|d| flow::apply(d, &[task("a3", 600.0)]).unwrap());
        b.with_document(|d| {
            flow::apply(
                d,
                &[FlowOp::MoveNode {
                    id: "a2".into(),
                    x: 250.0,
                    y: 30.0,
                }],
            )
            .unwrap()
        });
        wait_for(&b, "Alice's second edit reaching Bob", has_node("a3")).await;
        same_heads(&a, &b).await;
        let merged = read(&a);
        assert_eq!(merged.nodes.len(), 4);
        let a2 = merged.nodes.iter().find(|n| n.id == "a2").unwrap();
        assert_eq!((a2.x, a2.y), (250.0, 30.0));
        alice.stop().await;
        bob.stop().await;
    });
    let _ = server;
}

#[test]
fn a_js_client_syncs_a_flow_through_the_triloop_server() {
    let js = require_js();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let server = TriloopServer::start(&db);
    let server = &server;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        // Rita (Rust) makes a workspace with one flow and pushes it with her invitation.
        let rita = Repo::build_tokio().load().await;
        let mut index = Automerge::new();
        workspace::init(&mut index, "interop").unwrap();
        let index = rita.create(index).await.unwrap();
        let mut doc = Automerge::new();
        flow::init(&mut doc).unwrap();
        let f = rita.create(doc).await.unwrap();
        f.with_document(|d| flow::apply(d, &[task("rust1", 0.0)]).unwrap());
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
        let rita_token = invite(&db, index.document_id(), "Rita");
        dial(&rita, server.url_with_token(&rita_token)).await;

        // Jo (JavaScript) has an invitation of her own, passed as `?token=`.
        let jo_token = invite(&db, index.document_id(), "Jo");
        let mut jo = Command::new("node")
            .arg("client.mjs")
            .arg(server.url_with_token(&jo_token).as_str())
            .arg(f.url().to_string())
            .args(["rust1", "js1", "rust2"])
            .current_dir(&js)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = BufReader::new(jo.stdout.take().unwrap());
        let (lines_tx, mut lines) = tokio::sync::mpsc::unbounded_channel::<serde_json::Value>();
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                let v = serde_json::from_str(&line)
                    .unwrap_or_else(|_| serde_json::json!({ "event": "text", "line": line }));
                if lines_tx.send(v).is_err() {
                    break;
                }
            }
        });
        let mut next = async || {
            tokio::time::timeout(Duration::from_secs(30), lines.recv())
                .await
                .expect("the JS client answers within 30 s")
                .expect("the JS client stopped early")
        };

        // Jo found Rita's document with Rita's node in it, and added her own node.
        let found = next().await;
        assert_eq!(found["event"], "found", "{found}");
        assert_eq!(found["nodes"], serde_json::json!(["rust1"]));
        assert_eq!(found["schema"], "triloop/flow");
        assert_eq!(next().await["event"], "edited");

        // Rita sees Jo's node, read through the model as a typed task.
        let at_rita = wait_for(&f, "the JS edit reaching the Rust client", has_node("js1")).await;
        let js1 = at_rita.nodes.iter().find(|n| n.id == "js1").unwrap();
        assert_eq!(js1.kind, NodeKind::Task);
        assert_eq!(js1.name, "js1 from JS");
        assert_eq!((js1.x, js1.y, js1.w, js1.h), (300.0, 40.0, 100.0, 80.0));

        // Rita edits; Jo sees it.
        f.with_document(|d| {
            flow::apply(
                d,
                &[
                    task("rust2", 500.0),
                    FlowOp::RenameNode {
                        id: "rust2".into(),
                        name: "answer from Rust".into(),
                    },
                ],
            )
            .unwrap()
        });
        let saw = next().await;
        assert_eq!(saw["event"], "saw", "{saw}");
        assert_eq!(saw["name"], "answer from Rust");
        assert_eq!(saw["nodes"], serde_json::json!(["js1", "rust1", "rust2"]));

        let status = tokio::task::spawn_blocking(move || jo.wait_with_output())
            .await
            .unwrap()
            .unwrap();
        assert!(
            status.status.success(),
            "the JS client failed: {}",
            String::from_utf8_lossy(&status.stderr)
        );
        rita.stop().await;
    });
}
