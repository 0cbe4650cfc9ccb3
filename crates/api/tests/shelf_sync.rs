//! The organisation's capability shelf travels with a workspace linked to a server: linking
//! lists the laptop's shelf in the workspace's index, and a laptop that joins finds the
//! parts in its own shelf panel. The shelf is never deleted with a workspace or a listing.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use api::{Config, Core, DocKind, DocOps, PartCategory, SyncState};
use model::record::RecordOp;
use model::shelf::{Part, ShelfRecord};
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

fn part(id: &str, zh: &str, en: &str) -> Part {
    let mut p = model::shelf::builtin_parts()
        .unwrap()
        .into_iter()
        .find(|p| p.id == "builtin:customerCard")
        .unwrap();
    p.id = id.into();
    p.name_zh = zh.into();
    p.name_en = en.into();
    p.category = PartCategory::BusinessComponent;
    p
}

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

#[tokio::test(flavor = "multi_thread")]
async fn a_shelf_part_reaches_the_laptop_that_joins_the_linked_workspace() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("server.db");
    let server = Server::start(ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        database: db.clone(),
    })
    .await
    .unwrap();
    let url = format!("ws://{}", server.local_addr);
    let invite = |ws: &str, name: &str| {
        let store = server::open_database(&db).unwrap();
        store
            .with_conn(|c| invitations::create(c, ws, name, Access::ReadWrite))
            .unwrap()
            .1
    };

    let alice = core(&tmp.path().join("alice")).await;
    let ws = alice.create_workspace("私域运营").await.unwrap();
    let shelf = alice.shelf_document().await.unwrap();
    alice
        .edit_document(
            &shelf,
            DocOps::CapabilityShelf(vec![RecordOp::Add {
                record: ShelfRecord::Part(part("vip-card", "贵宾客户卡", "VIP customer card")),
            }]),
        )
        .await
        .unwrap();
    let token = invite(&ws.id, "Alice");
    alice.connect_workspace(&ws.id, &url, &token).await.unwrap();
    let listed = alice.open_workspace(&ws.id).await.unwrap();
    assert!(
        listed
            .documents
            .iter()
            .any(|d| d.id == shelf && d.kind == DocKind::CapabilityShelf)
    );
    // Linking again lists it once.
    alice.share_shelf(&ws.id).await.unwrap();
    let n = alice
        .open_workspace(&ws.id)
        .await
        .unwrap()
        .documents
        .iter()
        .filter(|d| d.kind == DocKind::CapabilityShelf)
        .count();
    assert_eq!(n, 1);

    eventually("Alice's workspace is on the server", 30, || async {
        alice.sync_status(&ws.id).unwrap().state == SyncState::UpToDate
    })
    .await;
    let bob = core(&tmp.path().join("bob")).await;
    let bob_token = invite(&ws.id, "Bob");
    let joined = bob.join_workspace(&url, &bob_token).await.unwrap();
    assert_eq!(joined.id, ws.id);
    eventually("Bob finds Alice's part on his shelf", 30, || async {
        bob.list_shelf("贵宾")
            .await
            .is_ok_and(|parts| parts.len() == 1 && parts[0].part.id == "vip-card")
    })
    .await;
    let found = bob.list_shelf("VIP").await.unwrap();
    assert_eq!(found[0].document.as_deref(), Some(shelf.as_str()));
    assert!(!found[0].builtin);
    // Bob's own shelf is another document; what he adds goes there.
    assert_ne!(bob.shelf_document().await.unwrap(), shelf);

    // Bob places it on a screen of his.
    let doc = bob
        .create_document(&ws.id, DocKind::SandboxPrototype, "Bob 的原型")
        .await
        .unwrap();
    bob.edit_document(
        &doc.id,
        DocOps::SandboxPrototype(vec![RecordOp::Add {
            record: model::prototype::PrototypeRecord::Screen(model::prototype::Screen::new(
                "s1",
                "首页",
                model::prototype::Device::Phone,
                0.0,
                0.0,
            )),
        }]),
    )
    .await
    .unwrap();
    bob.place_shelf_part(&doc.id, "vip-card", "s1", None, 0.0, 0.0)
        .await
        .unwrap();
    assert_ne!(bob.sync_status(&ws.id).unwrap().state, SyncState::Error);

    alice.close().await;
    bob.close().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_a_workspace_or_its_listing_of_the_shelf_keeps_the_shelf() {
    let tmp = tempfile::tempdir().unwrap();
    let c = core(tmp.path()).await;
    let ws = c.create_workspace("甲").await.unwrap();
    let shelf = c.shelf_document().await.unwrap();
    c.edit_document(
        &shelf,
        DocOps::CapabilityShelf(vec![RecordOp::Add {
            record: ShelfRecord::Part(part("mine", "我的卡片", "My card")),
        }]),
    )
    .await
    .unwrap();
    c.share_shelf(&ws.id).await.unwrap();
    // Removing the listing from the workspace keeps the shelf.
    c.delete_document(&ws.id, &shelf).await.unwrap();
    assert_eq!(c.list_shelf("My card").await.unwrap().len(), 1);
    // So does deleting a workspace that lists it.
    c.share_shelf(&ws.id).await.unwrap();
    c.delete_workspace(&ws.id).await.unwrap();
    assert_eq!(c.shelf_document().await.unwrap(), shelf);
    assert_eq!(c.list_shelf("我的").await.unwrap().len(), 1);
    // Removing the part works wherever it is kept.
    c.remove_shelf_part("mine").await.unwrap();
    assert!(c.list_shelf("我的").await.unwrap().is_empty());
    c.close().await;
}
