//! Sync through a real Triloop server on loopback: two laptops (two cores, each with its
//! own SQLite store) link one workspace, see each other's edits and presence, merge after
//! working offline; a read-only person cannot edit; a revoked invitation stops the link;
//! a second workspace of the same laptop never reaches the server.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use api::{
    Config, Core, CoreEvent, DocKind, ErrorCode, FlowNode, FlowOp, NodeKind, PresencePoint,
    SyncState,
};
use server::invitations::{self, Access};
use server::{Server, ServerConfig};

async fn core(dir: &Path) -> Arc<Core> {
    Arc::new(
        Core::open(Config {
            data_dir: dir.to_path_buf(),
            seed_demo: false,
        })
        .await
        .unwrap(),
    )
}

async fn start_server(db: &Path) -> Server {
    Server::start(ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        database: db.to_path_buf(),
    })
    .await
    .unwrap()
}

fn invite(db: &Path, workspace: &str, name: &str, access: Access) -> (String, String) {
    let store = server::open_database(db).unwrap();
    let (inv, token) = store
        .with_conn(|c| invitations::create(c, workspace, name, access))
        .unwrap();
    (inv.id, token)
}

/// Polls `check` until it holds, or fails with `what`.
async fn eventually<F, Fut>(what: &str, secs: u64, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    while tokio::time::Instant::now() < deadline {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out after {secs} s waiting for: {what}");
}

async fn up_to_date(core: &Core, ws: &str) {
    eventually(&format!("workspace {ws} up to date"), 30, || async {
        core.sync_status(ws).unwrap().state == SyncState::UpToDate
    })
    .await;
}

fn task(id: &str, x: f64) -> FlowOp {
    FlowOp::AddNode {
        node: FlowNode::new(id, NodeKind::Task, format!("任务 {id}"), x, 40.0),
    }
}

async fn node_names(core: &Core, doc: &str) -> Vec<(String, String)> {
    let mut v: Vec<_> = core
        .open_flow(doc)
        .await
        .map(|f| f.nodes.into_iter().map(|n| (n.id, n.name)).collect())
        .unwrap_or_default();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_laptops_co_edit_merge_offline_work_and_see_each_other() {
    let tmp = tempfile::tempdir().unwrap();
    let server_db = tmp.path().join("server.db");
    let server = start_server(&server_db).await;
    let url = format!("ws://{}", server.local_addr);

    let alice = core(&tmp.path().join("alice")).await;
    let ws = alice.create_workspace("对公开户").await.unwrap();
    let flow = alice
        .create_document(&ws.id, DocKind::BusinessFlow, "开户流程")
        .await
        .unwrap();
    alice
        .edit_flow(&flow.id, vec![task("a1", 0.0)])
        .await
        .unwrap();
    // A second workspace of Alice's that must never reach the server.
    let private = alice.create_workspace("私人").await.unwrap();
    let private_flow = alice
        .create_document(&private.id, DocKind::BusinessFlow, "私密")
        .await
        .unwrap();

    // Invitations are for the workspace Alice made.
    let (_, alice_token) = invite(&server_db, &ws.id, "Alice 客户经理", Access::ReadWrite);
    let (bob_inv, bob_token) = invite(&server_db, &ws.id, "Bob 产品经理", Access::ReadWrite);
    let (_, carol_token) = invite(&server_db, &ws.id, "Carol", Access::ReadOnly);
    let (_, other_token) = invite(&server_db, &private_flow.id, "Mallory", Access::ReadWrite);

    // Wrong inputs are refused clearly and link nothing.
    let e = alice
        .connect_workspace(&ws.id, &url, "not-a-token")
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthorized, "{e:?}");
    let e = alice
        .connect_workspace(&ws.id, &url, &other_token)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput, "{e:?}");
    let e = alice
        .connect_workspace(&ws.id, "ftp://x", &alice_token)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput, "{e:?}");
    let e = alice
        .connect_workspace(&ws.id, "ws://127.0.0.1:9", &alice_token)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Unreachable, "{e:?}");
    assert_eq!(alice.sync_status(&ws.id).unwrap().state, SyncState::Offline);

    let mut alice_events = alice.subscribe();
    let status = alice
        .connect_workspace(&ws.id, &url, &alice_token)
        .await
        .unwrap();
    assert_eq!(status.person.as_deref(), Some("Alice 客户经理"));
    up_to_date(&alice, &ws.id).await;

    // Bob joins from nothing: the workspace, its flow and Alice's edit arrive.
    let bob = core(&tmp.path().join("bob")).await;
    let joined = bob.join_workspace(&url, &bob_token).await.unwrap();
    assert_eq!(joined.id, ws.id);
    assert_eq!(joined.name, "对公开户");
    eventually("Bob has Alice's flow", 30, || async {
        node_names(&bob, &flow.id).await == vec![("a1".into(), "任务 a1".into())]
    })
    .await;
    up_to_date(&bob, &ws.id).await;

    // Live: Bob renames, Alice gets a DocumentChanged event and sees it.
    bob.edit_flow(
        &flow.id,
        vec![FlowOp::RenameNode {
            id: "a1".into(),
            name: "核验身份".into(),
        }],
    )
    .await
    .unwrap();
    let changed = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            match alice_events.recv().await {
                Ok(CoreEvent::DocumentChanged { document_id }) if document_id == flow.id => {
                    return;
                }
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(e) => panic!("event stream ended: {e}"),
            }
        }
    })
    .await;
    assert!(
        changed.is_ok(),
        "Alice got no DocumentChanged for Bob's rename"
    );
    assert_eq!(
        node_names(&alice, &flow.id).await,
        vec![("a1".into(), "核验身份".into())]
    );

    // Presence: Alice's cursor and selection reach Bob, with her invitation's name.
    alice.set_presence(
        &ws.id,
        Some(flow.id.clone()),
        Some(PresencePoint { x: 120.0, y: 80.0 }),
        vec!["a1".into()],
    );
    eventually("Bob sees Alice's cursor", 20, || async {
        bob.presence(&ws.id).iter().any(|p| {
            p.name == "Alice 客户经理"
                && p.cursor == Some(PresencePoint { x: 120.0, y: 80.0 })
                && p.selection == vec!["a1".to_string()]
                && p.document_id.as_deref() == Some(flow.id.as_str())
        })
    })
    .await;

    // Offline: Bob disconnects and works; Alice works too; on "sync now" both merge.
    let s = bob.disconnect_workspace(&ws.id).unwrap();
    assert_eq!(s.state, SyncState::Offline);
    for i in 0..40 {
        bob.edit_flow(&flow.id, vec![task(&format!("b{i}"), 100.0 + i as f64)])
            .await
            .unwrap();
    }
    for i in 0..5 {
        alice
            .edit_flow(&flow.id, vec![task(&format!("c{i}"), 900.0 + i as f64)])
            .await
            .unwrap();
    }
    // Alice's cursor disappears from Bob's view once he is offline.
    assert!(bob.presence(&ws.id).is_empty());
    bob.sync_now(&ws.id).unwrap();
    eventually("both laptops hold the same 46 nodes", 40, || async {
        let a = node_names(&alice, &flow.id).await;
        a.len() == 46 && a == node_names(&bob, &flow.id).await
    })
    .await;
    up_to_date(&bob, &ws.id).await;

    // Carol reads but cannot write.
    let carol = core(&tmp.path().join("carol")).await;
    carol.join_workspace(&url, &carol_token).await.unwrap();
    assert!(carol.sync_status(&ws.id).unwrap().read_only);
    eventually("Carol has the flow", 30, || async {
        node_names(&carol, &flow.id).await.len() == 46
    })
    .await;
    let e = carol
        .edit_flow(&flow.id, vec![task("x", 0.0)])
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ReadOnly);
    // Disconnected, and after a restart with the link still off, her edits are refused
    // too: they would never reach anyone.
    carol.disconnect_workspace(&ws.id).unwrap();
    let e = carol
        .edit_flow(&flow.id, vec![task("x", 0.0)])
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ReadOnly);
    carol.close().await;
    drop(carol);
    let carol = core(&tmp.path().join("carol")).await;
    assert!(
        !carol
            .sync_status(&ws.id)
            .unwrap()
            .state
            .eq(&SyncState::UpToDate)
    );
    for e in [
        carol
            .edit_flow(&flow.id, vec![task("x", 0.0)])
            .await
            .unwrap_err(),
        carol
            .create_document(&ws.id, DocKind::BusinessFlow, "x")
            .await
            .unwrap_err(),
    ] {
        assert_eq!(e.code, ErrorCode::ReadOnly, "{e:?}");
    }
    assert_eq!(node_names(&carol, &flow.id).await.len(), 46);

    // Revoking Bob's invitation cuts him off with a reason.
    {
        let store = server::open_database(&server_db).unwrap();
        assert!(
            store
                .with_conn(|c| invitations::revoke(c, &bob_inv))
                .unwrap()
        );
    }
    eventually("Bob's link ends in an error", 20, || async {
        let s = bob.sync_status(&ws.id).unwrap();
        s.state == SyncState::Error && s.detail.as_deref().is_some_and(|d| d.contains("refused"))
    })
    .await;

    // The private workspace never reached the server.
    server.stop().await;
    let server_store = store::Store::open(&server_db).unwrap();
    assert!(server_store.has_document(&ws.id).unwrap());
    assert!(server_store.has_document(&flow.id).unwrap());
    assert!(!server_store.has_document(&private.id).unwrap());
    assert!(!server_store.has_document(&private_flow.id).unwrap());

    // Alice's link stays configured across a restart of her app (and reports offline now).
    alice.close().await;
    drop(alice);
    let alice = core(&tmp.path().join("alice")).await;
    let s = alice.sync_status(&ws.id).unwrap();
    assert_eq!(
        s.server_url.as_deref(),
        Some(format!("{url}/sync").as_str())
    );
    eventually(
        "Alice's restarted app finds the server gone",
        20,
        || async { alice.sync_status(&ws.id).unwrap().state == SyncState::Offline },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_meeting_room_on_the_hosts_laptop_then_on_to_the_banks_server() {
    let tmp = tempfile::tempdir().unwrap();
    let bank_db = tmp.path().join("bank.db");
    let bank = start_server(&bank_db).await;
    let bank_addr = bank.local_addr;
    let bank_url = format!("ws://{bank_addr}");

    // Alice's workspace is on the bank's server.
    let alice = core(&tmp.path().join("alice")).await;
    let ws = alice.create_workspace("贷款流程梳理").await.unwrap();
    let flow = alice
        .create_document(&ws.id, DocKind::BusinessFlow, "放款")
        .await
        .unwrap();
    alice
        .edit_flow(&flow.id, vec![task("a1", 0.0)])
        .await
        .unwrap();
    let (_, alice_token) = invite(&bank_db, &ws.id, "Alice", Access::ReadWrite);
    let (_, carol_token) = invite(&bank_db, &ws.id, "Carol", Access::ReadWrite);
    alice
        .connect_workspace(&ws.id, &bank_url, &alice_token)
        .await
        .unwrap();
    up_to_date(&alice, &ws.id).await;

    // The workshop has no internet: the bank's server is out of reach.
    bank.stop().await;
    eventually("Alice sees the bank's server gone", 20, || async {
        alice.sync_status(&ws.id).unwrap().state == SyncState::Offline
    })
    .await;

    // Alice opens a meeting room on her laptop; Bob joins it from the local network.
    let room = alice
        .start_meeting_room(&ws.id, Some("127.0.0.1:0"))
        .await
        .unwrap();
    assert_eq!(
        room.addresses,
        vec![format!("ws://127.0.0.1:{}", room.port)]
    );
    assert_eq!(
        room.previous_server.as_deref(),
        Some(format!("{bank_url}/sync").as_str())
    );
    let e = alice
        .start_meeting_room(&ws.id, Some("127.0.0.1:0"))
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput, "one room at a time");
    up_to_date(&alice, &ws.id).await;
    let bob_inv = alice.invite_to_meeting_room("Bob", false).await.unwrap();
    assert_eq!(
        alice.meeting_room().await.unwrap().invitations,
        vec![bob_inv.clone()]
    );
    let bob = core(&tmp.path().join("bob")).await;
    bob.join_workspace(&room.addresses[0], &bob_inv.token)
        .await
        .unwrap();
    eventually("Bob has the flow from the room", 30, || async {
        node_names(&bob, &flow.id).await.len() == 1
    })
    .await;
    for i in 0..3 {
        bob.edit_flow(&flow.id, vec![task(&format!("b{i}"), 100.0 * i as f64)])
            .await
            .unwrap();
    }
    eventually("Alice has Bob's work", 30, || async {
        node_names(&alice, &flow.id).await.len() == 4
    })
    .await;

    // The room closes; back at the bank (its server reachable again), Alice's laptop
    // syncs the room's work on, and Carol gets it from the bank's server.
    let bank = Server::start(ServerConfig {
        listen: bank_addr,
        database: bank_db.clone(),
    })
    .await
    .unwrap();
    let status = alice.stop_meeting_room().await.unwrap();
    assert_eq!(
        status.server_url.as_deref(),
        Some(format!("{bank_url}/sync").as_str())
    );
    assert!(alice.meeting_room().await.is_none());
    up_to_date(&alice, &ws.id).await;
    let carol = core(&tmp.path().join("carol")).await;
    carol.join_workspace(&bank_url, &carol_token).await.unwrap();
    eventually(
        "Carol has the room's work from the bank's server",
        30,
        || async {
            node_names(&carol, &flow.id).await == node_names(&alice, &flow.id).await
                && node_names(&carol, &flow.id).await.len() == 4
        },
    )
    .await;
    // Bob's link to the closed room is now offline; his work is safe at the bank.
    eventually("Bob's room link is offline", 20, || async {
        bob.sync_status(&ws.id).unwrap().state == SyncState::Offline
    })
    .await;
    bank.stop().await;
}
