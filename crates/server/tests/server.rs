//! The real `triloop-server` process on loopback, with samod clients speaking the
//! automerge-repo protocol to it over WebSocket.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use automerge::Automerge;
use model::flow::{self, FlowOp};
use model::{EdgeKind, FlowEdge, FlowNode, NodeKind};
use samod::{BackoffConfig, DocHandle, Repo};

struct ServerProcess {
    child: Child,
    addr: String,
}

impl ServerProcess {
    fn start(db: &std::path::Path) -> ServerProcess {
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
        ServerProcess { child, addr }
    }

    fn url(&self) -> url::Url {
        format!("ws://{}/sync", self.addr).parse().unwrap()
    }

    /// SIGTERM, and the exit status.
    fn terminate(mut self) -> std::process::ExitStatus {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not stop on SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn client(server: &ServerProcess) -> Repo {
    let repo = Repo::build_tokio().load().await;
    let dialer = repo
        .dial_websocket(server.url(), BackoffConfig::default())
        .unwrap();
    tokio::time::timeout(Duration::from_secs(10), dialer.established())
        .await
        .unwrap()
        .unwrap();
    repo
}

async fn find(repo: &Repo, id: &samod::DocumentId) -> DocHandle {
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

async fn wait_converged(a: &DocHandle, b: &DocHandle, nodes: usize) -> model::Flow {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (fa, ha) = a.with_document(|d| (flow::read(d).unwrap(), d.get_heads()));
        let (fb, hb) = b.with_document(|d| (flow::read(d).unwrap(), d.get_heads()));
        if ha == hb && fa.nodes.len() == nodes {
            assert_eq!(fa, fb);
            return fa;
        }
        assert!(
            Instant::now() < deadline,
            "no convergence: {} vs {} nodes",
            fa.nodes.len(),
            fb.nodes.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn two_clients_converge_through_the_server_and_it_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let server = ServerProcess::start(&db);

    let health = reqwest::get(format!("http://{}/health", server.addr))
        .await
        .unwrap();
    assert!(health.status().is_success());
    assert!(health.text().await.unwrap().contains("\"ok\""));

    let alice = client(&server).await;
    let bob = client(&server).await;
    let mut doc = Automerge::new();
    flow::init(&mut doc).unwrap();
    let a = alice.create(doc).await.unwrap();
    let id = a.document_id().clone();
    a.with_document(|d| flow::apply(d, &[task("a1", 0.0)]).unwrap());
    let b = find(&bob, &id).await;

    // Both edit at once; both see both.
    a.with_document(|d| flow::apply(d, &[task("a2", 100.0)]).unwrap());
    b.with_document(|d| {
        flow::apply(
            d,
            &[
                task("b1", 200.0),
                FlowOp::AddEdge {
                    edge: FlowEdge::new("e1", EdgeKind::SequenceFlow, "a1", "b1"),
                },
            ],
        )
        .unwrap()
    });
    let merged = wait_converged(&a, &b, 3).await;
    assert_eq!(merged.edges.len(), 1);
    // Give the server a moment to receive the last sync round, then stop it gracefully.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let status = server.terminate();
    assert!(status.success(), "graceful shutdown exits 0: {status}");
    alice.stop().await;
    bob.stop().await;

    // A new client after a restart finds everything in the server's SQLite file.
    let server = ServerProcess::start(&db);
    let carol = client(&server).await;
    let c = find(&carol, &id).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let f = c.with_document(|d| flow::read(d).unwrap());
        if f.nodes.len() == 3 {
            assert_eq!(f, merged);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "after restart: {} nodes",
            f.nodes.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_server_refuses_a_bad_database_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    std::fs::write(
        &db,
        b"not a database, just some text long enough to be read as one",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_triloop-server"))
        .args(["--listen", "127.0.0.1:0", "--database"])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("server.db"), "{err}");
}
