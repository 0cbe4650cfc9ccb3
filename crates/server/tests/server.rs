//! The real `triloop-server` process on loopback, with samod clients speaking the
//! automerge-repo protocol to it over WebSocket, authenticated by invitation tokens.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use automerge::Automerge;
use futures::future::BoxFuture;
use futures::{FutureExt, SinkExt, StreamExt};
use model::flow::{self, FlowOp};
use model::{EdgeKind, FlowEdge, FlowNode, NodeKind, workspace};
use samod::{BackoffConfig, DialError, DocHandle, DocumentId, Repo, Transport};
use tokio_tungstenite::tungstenite;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

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

    fn url_with_token(&self, token: &str) -> url::Url {
        format!("ws://{}/sync?token={token}", self.addr)
            .parse()
            .unwrap()
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

/// Runs `triloop-server` with these arguments; its stdout.
fn admin(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_triloop-server"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "triloop-server {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

struct Invite {
    id: String,
    token: String,
}

fn invite(db: &std::path::Path, workspace: &DocumentId, name: &str, read_only: bool) -> Invite {
    let ws = workspace.to_string();
    let mut args = vec![
        "invite",
        "--database",
        db.to_str().unwrap(),
        "--workspace",
        &ws,
        "--name",
        name,
        "--json",
    ];
    if read_only {
        args.push("--read-only");
    }
    let v: serde_json::Value = serde_json::from_str(admin(&args).trim()).unwrap();
    assert_eq!(v["workspace_id"], ws);
    assert_eq!(
        v["access"],
        if read_only { "read_only" } else { "read_write" }
    );
    Invite {
        id: v["id"].as_str().unwrap().to_string(),
        token: v["token"].as_str().unwrap().to_string(),
    }
}

/// A repo connected with the token in the query string (what a browser does).
async fn client(server: &ServerProcess, token: &str) -> Repo {
    let repo = Repo::build_tokio().load().await;
    connect(&repo, server, token).await;
    repo
}

async fn connect(repo: &Repo, server: &ServerProcess, token: &str) {
    let dialer = repo
        .dial_websocket(server.url_with_token(token), BackoffConfig::default())
        .unwrap();
    tokio::time::timeout(Duration::from_secs(10), dialer.established())
        .await
        .unwrap()
        .unwrap();
}

/// Dials with `Authorization: Bearer <token>` (what a native client does).
struct BearerDialer {
    url: url::Url,
    token: String,
}

impl samod::Dialer for BearerDialer {
    type Error = std::convert::Infallible;

    fn url(&self) -> url::Url {
        self.url.clone()
    }

    fn connect(&self) -> BoxFuture<'static, Result<Transport, DialError<Self::Error>>> {
        let url = self.url.clone();
        let token = self.token.clone();
        async move {
            let mut request = url.as_str().into_client_request().unwrap();
            request
                .headers_mut()
                .insert("authorization", format!("Bearer {token}").parse().unwrap());
            let (ws, _) = tokio_tungstenite::connect_async(request)
                .await
                .map_err(DialError::transient)?;
            let (sink, stream) = ws.split();
            let stream = stream.filter_map(|m| async move {
                match m {
                    Ok(tungstenite::Message::Binary(b)) => Some(Ok(b.to_vec())),
                    Ok(_) => None,
                    Err(e) => Some(Err(e)),
                }
            });
            let sink = sink.with(|b: Vec<u8>| async move {
                Ok::<_, tungstenite::Error>(tungstenite::Message::Binary(b.into()))
            });
            Ok(Transport::new(Box::pin(stream), Box::pin(sink)))
        }
        .boxed()
    }
}

async fn bearer_client(server: &ServerProcess, token: &str) -> Repo {
    let repo = Repo::build_tokio().load().await;
    let dialer = repo
        .dial(
            BackoffConfig::default(),
            Arc::new(BearerDialer {
                url: server.url(),
                token: token.to_string(),
            }),
        )
        .unwrap();
    tokio::time::timeout(Duration::from_secs(10), dialer.established())
        .await
        .unwrap()
        .unwrap();
    repo
}

/// A workspace made offline: its index document and one flow listed in it.
async fn workspace_with_flow(repo: &Repo, name: &str, first_task: &str) -> (DocHandle, DocHandle) {
    let mut index = Automerge::new();
    workspace::init(&mut index, name).unwrap();
    let index = repo.create(index).await.unwrap();
    let mut doc = Automerge::new();
    flow::init(&mut doc).unwrap();
    let f = repo.create(doc).await.unwrap();
    f.with_document(|d| flow::apply(d, &[task(first_task, 0.0)]).unwrap());
    index.with_document(|d| workspace::add_document(d, &entry(f.document_id(), 1.0)).unwrap());
    (index, f)
}

fn entry(id: &DocumentId, created_at: f64) -> workspace::DocumentEntry {
    workspace::DocumentEntry {
        id: id.to_string(),
        kind: model::DocKind::BusinessFlow,
        title: "flow".into(),
        created_at,
    }
}

/// `find` with a deadline for the answer; `None` is "unavailable".
async fn find_once(repo: &Repo, id: &DocumentId) -> Option<DocHandle> {
    tokio::time::timeout(Duration::from_secs(15), repo.find(id.clone()))
        .await
        .expect("an answer, not silence")
        .unwrap()
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

    let alice = Repo::build_tokio().load().await;
    let (index, a) = workspace_with_flow(&alice, "ws", "a1").await;
    let id = a.document_id().clone();
    let inv = invite(&db, index.document_id(), "Alice", false);
    connect(&alice, &server, &inv.token).await;
    let bob = bearer_client(&server, &inv.token).await;
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
    let carol = client(&server, &inv.token).await;
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

fn node_ids(h: &DocHandle) -> Vec<String> {
    h.with_document(|d| flow::read(d).unwrap())
        .nodes
        .into_iter()
        .map(|n| n.id)
        .collect()
}

async fn wait_for_node(h: &DocHandle, id: &str) {
    let deadline = Instant::now() + Duration::from_secs(15);
    // Until its first changes arrive, a found document is empty: not yet a flow.
    let has = |h: &DocHandle| {
        h.with_document(|d| flow::read(d).map(|f| f.nodes.iter().any(|n| n.id == id)))
            .unwrap_or(false)
    };
    while !has(h) {
        assert!(Instant::now() < deadline, "node {id} never arrived");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_opens_its_workspace_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let server = ServerProcess::start(&db);

    // Workspace A (Alice) and workspace B (Carol), each pushed with its own token.
    let alice = Repo::build_tokio().load().await;
    let (index_a, flow_a) = workspace_with_flow(&alice, "A", "a1").await;
    let inv_a = invite(&db, index_a.document_id(), "Alice", false);
    connect(&alice, &server, &inv_a.token).await;
    let carol = Repo::build_tokio().load().await;
    let (index_b, flow_b) = workspace_with_flow(&carol, "B", "b1").await;
    let inv_b = invite(&db, index_b.document_id(), "Carol", false);
    connect(&carol, &server, &inv_b.token).await;

    // B's flow is on the server: another B member gets it.
    let dave = bearer_client(&server, &inv_b.token).await;
    let d = find(&dave, flow_b.document_id()).await;
    wait_for_node(&d, "b1").await;

    // Bob, invited to A (header token), gets A's index and flow, and edits sync both ways.
    let inv_bob = invite(&db, index_a.document_id(), "Bob", false);
    let bob = bearer_client(&server, &inv_bob.token).await;
    let bi = find(&bob, index_a.document_id()).await;
    let bf = find(&bob, flow_a.document_id()).await;
    wait_for_node(&bf, "a1").await;
    assert!(
        bi.with_document(|d| workspace::read(d).unwrap())
            .documents
            .iter()
            .any(|e| e.id == flow_a.document_id().to_string())
    );
    bf.with_document(|d| flow::apply(d, &[task("bob", 50.0)]).unwrap());
    wait_for_node(&flow_a, "bob").await;

    // B's documents are unavailable to Bob, exactly like an id that exists nowhere.
    let nowhere = random_id();
    let started = Instant::now();
    assert!(find_once(&bob, flow_b.document_id()).await.is_none());
    assert!(find_once(&bob, index_b.document_id()).await.is_none());
    let forbidden_took = started.elapsed();
    assert!(find_once(&bob, &nowhere).await.is_none());
    // The same through a fresh query-token connection (nothing cached on the client).
    let erin = client(&server, &inv_a.token).await;
    assert!(find_once(&erin, flow_b.document_id()).await.is_none());
    assert!(find_once(&erin, &nowhere).await.is_none());
    assert!(forbidden_took < Duration::from_secs(10));

    // A flow Alice creates while connected is refused until A's index lists it, then syncs.
    let mut doc = Automerge::new();
    flow::init(&mut doc).unwrap();
    let f2 = alice.create(doc).await.unwrap();
    f2.with_document(|d| flow::apply(d, &[task("late", 0.0)]).unwrap());
    tokio::time::sleep(Duration::from_millis(300)).await;
    index_a.with_document(|d| workspace::add_document(d, &entry(f2.document_id(), 2.0)).unwrap());
    let bf2 = find(&bob, f2.document_id()).await;
    wait_for_node(&bf2, "late").await;

    // Listing B's flow in A's index (Bob can write A's index) does not open it: a
    // document belongs to the workspace that listed it first.
    bi.with_document(|d| workspace::add_document(d, &entry(flow_b.document_id(), 3.0)).unwrap());
    let listed = flow_b.document_id().to_string();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !index_a.with_document(|d| {
        workspace::read(d)
            .unwrap()
            .documents
            .iter()
            .any(|e| e.id == listed)
    }) {
        assert!(
            Instant::now() < deadline,
            "A's index change never reached Alice"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let frank = client(&server, &inv_a.token).await;
    assert!(find_once(&frank, flow_b.document_id()).await.is_none());
    frank.stop().await;

    // Carol's B flow never got Bob's or Alice's edits, nor they hers.
    assert_eq!(node_ids(&d), vec!["b1".to_string()]);
    for r in [alice, bob, carol, dave, erin] {
        r.stop().await;
    }
}

/// A fresh random document id (one that exists nowhere).
fn random_id() -> DocumentId {
    let mut bytes = vec![0u8; 16];
    getrandom::fill(&mut bytes).unwrap();
    DocumentId::try_from(bytes).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_live_token_the_upgrade_is_refused_with_401() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let server = ServerProcess::start(&db);
    let ws: DocumentId = random_id();
    let inv = invite(&db, &ws, "Alice", false);

    let status = |r: Result<_, tungstenite::Error>| match r {
        Err(tungstenite::Error::Http(resp)) => resp.status().as_u16(),
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => 101,
    };
    // No token, a wrong token (header or query), a token for nothing.
    let no_token = tokio_tungstenite::connect_async(server.url().as_str()).await;
    assert_eq!(status(no_token.map(|_| ())), 401);
    let mut req = server.url().as_str().into_client_request().unwrap();
    req.headers_mut()
        .insert("authorization", "Bearer not-a-token".parse().unwrap());
    assert_eq!(
        status(tokio_tungstenite::connect_async(req).await.map(|_| ())),
        401
    );
    let wrong = server.url_with_token("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    assert_eq!(
        status(
            tokio_tungstenite::connect_async(wrong.as_str())
                .await
                .map(|_| ())
        ),
        401
    );
    // The right one, both ways, upgrades.
    let good = server.url_with_token(&inv.token);
    assert_eq!(
        status(
            tokio_tungstenite::connect_async(good.as_str())
                .await
                .map(|_| ())
        ),
        101
    );
    let mut req = server.url().as_str().into_client_request().unwrap();
    req.headers_mut().insert(
        "authorization",
        format!("Bearer {}", inv.token).parse().unwrap(),
    );
    assert_eq!(
        status(tokio_tungstenite::connect_async(req).await.map(|_| ())),
        101
    );
    // /health stays open.
    let health = reqwest::get(format!("http://{}/health", server.addr))
        .await
        .unwrap();
    assert!(health.status().is_success());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_read_only_person_s_edits_reach_nobody() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let server = ServerProcess::start(&db);
    let alice = Repo::build_tokio().load().await;
    let (index, fa) = workspace_with_flow(&alice, "A", "a1").await;
    let writer = invite(&db, index.document_id(), "Alice", false);
    let reader = invite(&db, index.document_id(), "Rita", true);
    connect(&alice, &server, &writer.token).await;

    let rita = client(&server, &reader.token).await;
    let fr = find(&rita, fa.document_id()).await;
    wait_for_node(&fr, "a1").await;
    // Rita edits; then Alice edits, and Rita receives Alice's edit.
    fr.with_document(|d| flow::apply(d, &[task("rita", 10.0)]).unwrap());
    tokio::time::sleep(Duration::from_millis(300)).await;
    fa.with_document(|d| flow::apply(d, &[task("a2", 20.0)]).unwrap());
    wait_for_node(&fr, "a2").await;
    // Another read-write member connecting now sees Alice's edits but not Rita's.
    let bob = bearer_client(&server, &writer.token).await;
    let fb = find(&bob, fa.document_id()).await;
    wait_for_node(&fb, "a2").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(!node_ids(&fa).contains(&"rita".to_string()));
    assert!(!node_ids(&fb).contains(&"rita".to_string()));

    // Nor is it in the server's database.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(server.terminate().success());
    for r in [alice, rita, bob] {
        r.stop().await;
    }
    let server = ServerProcess::start(&db);
    let carol = client(&server, &writer.token).await;
    let fc = find(&carol, fa.document_id()).await;
    wait_for_node(&fc, "a2").await;
    assert!(!node_ids(&fc).contains(&"rita".to_string()));
    carol.stop().await;
}

fn join_message(peer: &str) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut e = minicbor::Encoder::new(&mut buf);
    e.map(3).unwrap();
    e.str("type").unwrap().str("join").unwrap();
    e.str("senderId").unwrap().str(peer).unwrap();
    e.str("supportedProtocolVersions").unwrap();
    e.array(1).unwrap().str("1").unwrap();
    buf
}

/// A `request` or `sync` message from `sender` to the server about `doc`.
fn doc_frame(kind: &str, doc: &str, sender: &str, data: &[u8]) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut e = minicbor::Encoder::new(&mut buf);
    e.map(5).unwrap();
    e.str("type").unwrap().str(kind).unwrap();
    e.str("documentId").unwrap().str(doc).unwrap();
    e.str("senderId").unwrap().str(sender).unwrap();
    e.str("targetId").unwrap().str("triloop-server").unwrap();
    e.str("data").unwrap().bytes(data).unwrap();
    buf
}

#[tokio::test(flavor = "multi_thread")]
async fn a_revoked_invitation_is_cut_off_at_once_and_cannot_reconnect() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let server = ServerProcess::start(&db);
    let ws: DocumentId = random_id();
    let inv = invite(&db, &ws, "Mallory", false);
    let keep = invite(&db, &ws, "Alice", false);

    // Two raw automerge-repo connections: the one to revoke and one that stays.
    let open = |token: String, peer: &'static str| {
        let url = server.url_with_token(&token);
        async move {
            let (mut ws, _) = tokio_tungstenite::connect_async(url.as_str())
                .await
                .unwrap();
            ws.send(tungstenite::Message::Binary(join_message(peer).into()))
                .await
                .unwrap();
            // The server answers `peer`.
            let reply = tokio::time::timeout(Duration::from_secs(5), ws.next())
                .await
                .unwrap()
                .unwrap()
                .unwrap();
            assert!(
                matches!(reply, tungstenite::Message::Binary(_)),
                "{reply:?}"
            );
            ws
        }
    };
    let mut revoked_ws = open(inv.token.clone(), "mallory-peer").await;
    let mut kept_ws = open(keep.token.clone(), "alice-peer").await;

    // A token cannot take over a peer id that another invitation's live connection uses.
    let (mut thief, _) =
        tokio_tungstenite::connect_async(server.url_with_token(&inv.token).as_str())
            .await
            .unwrap();
    thief
        .send(tungstenite::Message::Binary(
            join_message("alice-peer").into(),
        ))
        .await
        .unwrap();
    match tokio::time::timeout(Duration::from_secs(5), thief.next())
        .await
        .unwrap()
    {
        Some(Ok(tungstenite::Message::Close(_))) | None | Some(Err(_)) => {}
        Some(Ok(other)) => panic!("a second invitation used a bound peer id: {other:?}"),
    }

    let started = Instant::now();
    admin(&[
        "revoke",
        "--database",
        db.to_str().unwrap(),
        "--invitation",
        &inv.id,
    ]);
    // Disconnected within about two seconds (the server polls revocations).
    loop {
        let next = tokio::time::timeout(Duration::from_secs(3), revoked_ws.next())
            .await
            .expect("the revoked connection stays open");
        match next {
            Some(Ok(tungstenite::Message::Close(_))) | None | Some(Err(_)) => break,
            Some(Ok(_)) => {}
        }
    }
    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "cut off after {:?}",
        started.elapsed()
    );
    // The other invitation's connection is untouched.
    assert!(
        tokio::time::timeout(Duration::from_millis(300), kept_ws.next())
            .await
            .is_err()
    );
    // The token no longer opens anything.
    match tokio_tungstenite::connect_async(server.url_with_token(&inv.token).as_str()).await {
        Err(tungstenite::Error::Http(resp)) => assert_eq!(resp.status().as_u16(), 401),
        other => panic!("a revoked token reconnected: {:?}", other.map(|_| ())),
    }
    // The list shows it revoked, without tokens.
    let list = admin(&["invitations", "--database", db.to_str().unwrap(), "--json"]);
    let v: serde_json::Value = serde_json::from_str(list.trim()).unwrap();
    let row = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == inv.id)
        .unwrap();
    assert!(row["revoked_at"].is_i64());
    assert!(!list.contains(&inv.token) && !list.contains(&keep.token));
}

#[test]
fn tokens_are_stored_only_as_hashes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let ws: DocumentId = random_id();
    let inv = invite(&db, &ws, "Alice", true);
    assert_eq!(
        inv.token.len(),
        43,
        "32 bytes, URL-safe base64 without padding"
    );
    let text = admin(&["invitations", "--database", db.to_str().unwrap()]);
    assert!(text.contains(&inv.id) && text.contains("read_only"));
    assert!(!text.contains(&inv.token));
    // Every file of the database (WAL included) holds the hash, never the token.
    let mut hash_found = false;
    let hash = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(inv.token.as_bytes()))
    };
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let hay = String::from_utf8_lossy(&bytes);
        assert!(!hay.contains(&inv.token));
        hash_found |= hay.contains(&hash);
    }
    assert!(hash_found);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let stored: String = conn
        .query_row(
            "SELECT token_sha256 FROM invitation WHERE id = ?1",
            [&inv.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, hash);
}

/// A peer that is slow to take in changes (here: one that does not answer at all) is not
/// flooded: while it owes an answer to the changes last sent to it, the server sends it
/// nothing more (for up to `AWAIT_LIMIT`); once it answers, everything it missed arrives,
/// and it converges.
#[tokio::test(flavor = "multi_thread")]
async fn a_busy_peer_gets_fewer_larger_messages_not_a_queue() {
    use automerge::sync::SyncDoc;
    use server::wire::{self, Incoming};

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let server = ServerProcess::start(&db);
    let alice = Repo::build_tokio().load().await;
    let (index, fa) = workspace_with_flow(&alice, "A", "a1").await;
    let writer = invite(&db, index.document_id(), "Alice", false);
    let slow = invite(&db, index.document_id(), "Sam", false);
    connect(&alice, &server, &writer.token).await;
    wait_for_node(
        &find(&client(&server, &writer.token).await, fa.document_id()).await,
        "a1",
    )
    .await;

    let (mut ws, _) = tokio_tungstenite::connect_async(server.url_with_token(&slow.token).as_str())
        .await
        .unwrap();
    ws.send(tungstenite::Message::Binary(join_message("sam").into()))
        .await
        .unwrap();
    let flow_id = fa.document_id().to_string();
    let mut doc = Automerge::new();
    let mut state = automerge::sync::State::new();
    let first = doc.generate_sync_message(&mut state).unwrap().encode();
    let request = doc_frame("request", &flow_id, "sam", &first);
    ws.send(tungstenite::Message::Binary(request.into()))
        .await
        .unwrap();

    // Alice makes 20 edits over about 1.2 s while Sam does not answer.
    let editing = {
        let fa = fa.clone();
        tokio::spawn(async move {
            for i in 0..20 {
                fa.with_document(|d| flow::apply(d, &[task(&format!("e{i}"), i as f64)]).unwrap());
                tokio::time::sleep(Duration::from_millis(60)).await;
            }
        })
    };
    let mut received = Vec::new();
    let until = Instant::now() + Duration::from_millis(900);
    while let Ok(Some(Ok(m))) = tokio::time::timeout_at(until.into(), ws.next()).await {
        if let tungstenite::Message::Binary(b) = m
            && let Ok(Incoming::Doc { data, .. }) = wire::decode(&b)
        {
            received.push(data);
        }
    }
    // Without flow control a fan-out would arrive every 100 ms (8 or more by now).
    assert!(
        !received.is_empty() && received.len() <= 2,
        "{} sync messages reached a peer that owed an answer",
        received.len()
    );
    editing.await.unwrap();

    // Sam takes in what it got and answers every message from now on: it catches up.
    for data in received.drain(..) {
        doc.receive_sync_message(&mut state, automerge::sync::Message::decode(&data).unwrap())
            .unwrap();
    }
    let target = fa.with_document(|d| d.get_heads());
    let deadline = Instant::now() + Duration::from_secs(15);
    while doc.get_heads() != target {
        assert!(Instant::now() < deadline, "the slow peer never caught up");
        if let Some(m) = doc.generate_sync_message(&mut state) {
            ws.send(tungstenite::Message::Binary(
                doc_frame("sync", &flow_id, "sam", &m.encode()).into(),
            ))
            .await
            .unwrap();
        }
        match tokio::time::timeout(Duration::from_secs(2), ws.next()).await {
            Ok(Some(Ok(tungstenite::Message::Binary(b)))) => {
                if let Ok(Incoming::Doc { data, .. }) = wire::decode(&b) {
                    doc.receive_sync_message(
                        &mut state,
                        automerge::sync::Message::decode(&data).unwrap(),
                    )
                    .unwrap();
                }
            }
            Ok(other) => panic!("the server closed or failed: {other:?}"),
            Err(_) => {}
        }
    }
    let f = flow::read(&doc).unwrap();
    assert_eq!(f.nodes.len(), 21, "a1 and Alice's 20 edits");
    alice.stop().await;
}
