//! Integration tests of the use cases against a real SQLite store in a temp folder.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use api::{
    Clock, Config, Core, DocKind, EdgeKind, ErrorCode, FlowEdge, FlowNode, FlowOp, NodeKind,
};

struct TestClock(AtomicI64);
impl Clock for TestClock {
    fn now_ms(&self) -> i64 {
        self.0.fetch_add(1, Ordering::SeqCst)
    }
}

async fn core(dir: &Path, seed_demo: bool) -> Core {
    let config = Config {
        data_dir: dir.to_path_buf(),
        seed_demo,
    };
    Core::open_with_clock(
        config,
        Arc::new(TestClock(AtomicI64::new(1_700_000_000_000))),
    )
    .await
    .unwrap()
}

fn node(id: &str, kind: NodeKind, x: f64) -> FlowNode {
    FlowNode::new(id, kind, format!("节点 {id}"), x, 40.0)
}

fn edge(id: &str, s: &str, t: &str) -> FlowEdge {
    FlowEdge {
        ..FlowEdge::new(id, EdgeKind::SequenceFlow, s, t)
    }
}

/// Reads a flow straight from the SQLite file, without samod or the core, to prove that
/// what the core acknowledged is on disk.
fn flow_on_disk(db: &Path, doc_id: &str) -> model::Flow {
    let conn = disk::open(db);
    let mut doc = automerge::Automerge::new();
    for chunk in disk::chunks(&conn, doc_id) {
        doc.load_incremental(&chunk).unwrap();
    }
    model::flow::read(&doc).unwrap()
}

/// Reads the chunk table through a second, independent connection.
mod disk {
    use std::path::Path;
    pub fn open(db: &Path) -> store::Store {
        store::Store::open(db).unwrap()
    }
    pub fn chunks(store: &store::Store, doc_id: &str) -> Vec<Vec<u8>> {
        store.with_conn(|c| {
            let mut stmt = c
                .prepare("SELECT data FROM chunk WHERE doc_id = ?1 ORDER BY key")
                .unwrap();
            stmt.query_map([doc_id], |r| r.get::<_, Vec<u8>>(0))
                .unwrap()
                .map(|r| r.unwrap())
                .collect()
        })
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn first_start_creates_the_demo_workspace_once() {
    let dir = tempfile::tempdir().unwrap();
    let c = core(dir.path(), true).await;
    let list = c.list_workspaces().await.unwrap();
    assert_eq!(list.len(), 1);
    assert!(list[0].name.contains("SCRM"), "{}", list[0].name);
    let ws = c.open_workspace(&list[0].id).await.unwrap();
    assert!(ws.documents.len() >= 2);
    let flow = c.open_flow(&ws.documents[0].id).await.unwrap();
    let lanes: Vec<_> = flow.lanes.iter().map(|l| l.name.as_str()).collect();
    assert!(
        lanes.contains(&"客户经理") && lanes.contains(&"风险经理"),
        "{lanes:?}"
    );
    assert!(flow.nodes.iter().any(|n| n.kind == NodeKind::StartEvent));
    assert!(flow.edges.len() >= 5);
    c.delete_workspace(&list[0].id).await.unwrap();
    c.close().await;
    drop(c);
    // Deleting the demo does not bring it back at the next start.
    let c = core(dir.path(), true).await;
    assert!(c.list_workspaces().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn workspace_and_document_lifecycle() {
    let dir = tempfile::tempdir().unwrap();
    let c = core(dir.path(), false).await;
    assert!(c.list_workspaces().await.unwrap().is_empty());
    let ws = c.create_workspace("  开户专题 ").await.unwrap();
    assert_eq!(ws.name, "开户专题");
    assert_eq!(
        c.create_workspace("   ").await.unwrap_err().code,
        ErrorCode::InvalidInput
    );
    c.rename_workspace(&ws.id, "线上开户专题").await.unwrap();
    let d1 = c
        .create_document(&ws.id, DocKind::BusinessFlow, "开户流程")
        .await
        .unwrap();
    let d2 = c
        .create_document(&ws.id, DocKind::BusinessFlow, "销户流程")
        .await
        .unwrap();
    let err = c
        .create_document(&ws.id, DocKind::ValueTree, "价值树")
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    c.rename_document(&ws.id, &d2.id, "注销流程").await.unwrap();
    let view = c.open_workspace(&ws.id).await.unwrap();
    assert_eq!(view.name, "线上开户专题");
    assert_eq!(
        view.documents
            .iter()
            .map(|d| d.title.as_str())
            .collect::<Vec<_>>(),
        ["开户流程", "注销流程"]
    );
    c.delete_document(&ws.id, &d1.id).await.unwrap();
    assert_eq!(
        c.open_flow(&d1.id).await.unwrap_err().code,
        ErrorCode::NotFound
    );
    assert_eq!(c.open_workspace(&ws.id).await.unwrap().documents.len(), 1);
    assert_eq!(c.list_workspaces().await.unwrap()[0].document_count, 1);
    c.close().await;
    drop(c);

    let c = core(dir.path(), false).await;
    let list = c.list_workspaces().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].name, "线上开户专题");
    c.delete_workspace(&ws.id).await.unwrap();
    assert!(c.list_workspaces().await.unwrap().is_empty());
    assert_eq!(
        c.open_flow(&d2.id).await.unwrap_err().code,
        ErrorCode::NotFound
    );
    assert_eq!(
        c.open_workspace(&ws.id).await.unwrap_err().code,
        ErrorCode::NotFound
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_acknowledged_edit_is_already_in_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let c = core(dir.path(), false).await;
    let ws = c.create_workspace("W").await.unwrap();
    let d = c
        .create_document(&ws.id, DocKind::BusinessFlow, "F")
        .await
        .unwrap();
    // More than ten edits so that samod compacts into snapshots along the way.
    for i in 0..25 {
        let id = format!("n{i}");
        c.edit_flow(
            &d.id,
            vec![FlowOp::AddNode {
                node: node(&id, NodeKind::Task, i as f64 * 10.0),
            }],
        )
        .await
        .unwrap();
        let on_disk = flow_on_disk(&c.config_db(), &d.id);
        assert!(
            on_disk.nodes.iter().any(|n| n.id == id),
            "edit {i} acknowledged but not on disk"
        );
    }
}

trait DbPath {
    fn config_db(&self) -> std::path::PathBuf;
}
impl DbPath for Core {
    fn config_db(&self) -> std::path::PathBuf {
        self.store().path().to_path_buf()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn edits_undo_redo_and_survive_restart() {
    let dir = tempfile::tempdir().unwrap();
    let c = core(dir.path(), false).await;
    let ws = c.create_workspace("W").await.unwrap();
    let d = c
        .create_document(&ws.id, DocKind::BusinessFlow, "F")
        .await
        .unwrap();
    let r = c
        .edit_flow(
            &d.id,
            vec![
                FlowOp::AddNode {
                    node: node("s", NodeKind::StartEvent, 0.0),
                },
                FlowOp::AddNode {
                    node: node("t", NodeKind::UserTask, 100.0),
                },
                FlowOp::AddEdge {
                    edge: edge("e", "s", "t"),
                },
            ],
        )
        .await
        .unwrap();
    assert!(r.can_undo && !r.can_redo);
    assert_eq!(flow_patch(&r.patch).nodes.len(), 2);
    c.edit_flow(
        &d.id,
        vec![FlowOp::RenameNode {
            id: "t".into(),
            name: "填写开户资料".into(),
        }],
    )
    .await
    .unwrap();
    c.edit_flow(&d.id, vec![FlowOp::RemoveNode { id: "s".into() }])
        .await
        .unwrap();
    assert!(c.open_flow(&d.id).await.unwrap().edges.is_empty());
    let u = c.undo_document(&d.id).await.unwrap();
    assert_eq!(
        flow_patch(&u.patch).edges.len(),
        1,
        "undoing the removal brings the edge back"
    );
    assert!(u.can_redo);
    c.undo_document(&d.id).await.unwrap();
    assert_eq!(
        c.open_flow(&d.id)
            .await
            .unwrap()
            .nodes
            .iter()
            .find(|n| n.id == "t")
            .unwrap()
            .name,
        "节点 t"
    );
    c.redo_document(&d.id).await.unwrap();
    let bad = c
        .edit_flow(
            &d.id,
            vec![FlowOp::AddEdge {
                edge: edge("x", "t", "nope"),
            }],
        )
        .await
        .unwrap_err();
    assert_eq!(bad.code, ErrorCode::NotFound);
    assert_eq!(
        c.edit_flow(&d.id, vec![]).await.unwrap_err().code,
        ErrorCode::InvalidInput
    );
    let before = c.open_flow(&d.id).await.unwrap();
    c.close().await;
    drop(c);

    let c = core(dir.path(), false).await;
    let after = c.open_flow(&d.id).await.unwrap();
    assert_eq!(after.nodes, before.nodes);
    assert_eq!(after.edges, before.edges);
    assert!(!after.can_undo, "undo history is per session");
    assert_eq!(
        after.nodes.iter().find(|n| n.id == "t").unwrap().name,
        "填写开户资料"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_corrupt_document_fails_alone_and_its_bytes_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let c = core(dir.path(), false).await;
    let ws = c.create_workspace("W").await.unwrap();
    let good = c
        .create_document(&ws.id, DocKind::BusinessFlow, "good")
        .await
        .unwrap();
    let bad = c
        .create_document(&ws.id, DocKind::BusinessFlow, "bad")
        .await
        .unwrap();
    c.edit_flow(
        &good.id,
        vec![FlowOp::AddNode {
            node: node("g", NodeKind::Task, 0.0),
        }],
    )
    .await
    .unwrap();
    c.edit_flow(
        &bad.id,
        vec![FlowOp::AddNode {
            node: node("b", NodeKind::Task, 0.0),
        }],
    )
    .await
    .unwrap();
    let db = c.config_db();
    c.close().await;
    drop(c);

    // Truncate every chunk of the bad document, as a torn write or a bad disk would.
    let damaged: Vec<(String, Vec<u8>)> = {
        let s = store::Store::open(&db).unwrap();
        s.with_conn(|conn| {
            conn.execute(
                "UPDATE chunk SET data = substr(data, 1, length(data) / 2) WHERE doc_id = ?1",
                [&bad.id],
            )
            .unwrap();
            let mut stmt = conn
                .prepare("SELECT key, data FROM chunk WHERE doc_id = ?1 ORDER BY key")
                .unwrap();
            stmt.query_map([&bad.id], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .map(|r| r.unwrap())
                .collect()
        })
    };
    assert!(!damaged.is_empty());

    let c = core(dir.path(), false).await;
    let view = c.open_workspace(&ws.id).await.unwrap();
    assert_eq!(
        view.documents.len(),
        2,
        "the workspace still opens and lists both"
    );
    let err = c.open_flow(&bad.id).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::DocumentCorrupt);
    assert!(err.detail.contains(&bad.id), "{}", err.detail);
    assert_eq!(
        c.edit_flow(&bad.id, vec![FlowOp::RemoveNode { id: "b".into() }])
            .await
            .unwrap_err()
            .code,
        ErrorCode::DocumentCorrupt
    );
    let ok = c.open_flow(&good.id).await.unwrap();
    assert_eq!(ok.nodes.len(), 1);
    c.edit_flow(
        &good.id,
        vec![FlowOp::MoveNode {
            id: "g".into(),
            x: 5.0,
            y: 5.0,
        }],
    )
    .await
    .unwrap();
    let quarantined = c.store().quarantined(&bad.id).unwrap();
    assert_eq!(quarantined.len(), damaged.len());
    c.close().await;
    drop(c);

    // Nothing overwrote the damaged bytes.
    let s = store::Store::open(&db).unwrap();
    let now: Vec<(String, Vec<u8>)> = s.with_conn(|conn| {
        let mut stmt = conn
            .prepare("SELECT key, data FROM chunk WHERE doc_id = ?1 ORDER BY key")
            .unwrap();
        stmt.query_map([&bad.id], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    });
    assert_eq!(now, damaged);
}

#[tokio::test(flavor = "multi_thread")]
async fn export_then_import_gives_the_same_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let c = core(dir.path(), true).await;
    let demo = c.list_workspaces().await.unwrap().remove(0);
    let out = tempfile::tempdir().unwrap();
    let files = c.export_folder(&demo.id, out.path()).await.unwrap();
    assert!(files.iter().any(|f| f.ends_with("workspace.json")));
    let copy = c.import_folder(out.path()).await.unwrap();
    assert_ne!(copy.id, demo.id);
    let a = c.export_bundle(&demo.id).await.unwrap();
    let b = c.export_bundle(&copy.id).await.unwrap();
    assert_eq!(a.name, b.name);
    assert_eq!(a.documents.len(), b.documents.len());
    // A prototype names the domain model by its document id, which the copy has new.
    let ids: std::collections::HashMap<&str, &str> = a
        .documents
        .iter()
        .zip(&b.documents)
        .map(|(x, y)| (x.id.as_str(), y.id.as_str()))
        .collect();
    for (x, y) in a.documents.iter().zip(&b.documents) {
        let content = match &x.content {
            api::exchange::Content::SandboxPrototype { prototype } => {
                api::exchange::Content::SandboxPrototype {
                    prototype: prototype
                        .clone()
                        .rename_documents(|d| ids.get(d).map(|n| n.to_string())),
                }
            }
            other => other.clone(),
        };
        assert_eq!((&x.title, &content), (&y.title, &y.content));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_import_says_why_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let c = core(dir.path(), true).await;
    let demo = c.list_workspaces().await.unwrap().remove(0);
    let out = tempfile::tempdir().unwrap();
    c.export_folder(&demo.id, out.path()).await.unwrap();

    // An edge to a node that is not there, in the second document.
    let f = out.path().join("documents/02-businessFlow.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
    v["edges"][0]["target"] = "missing-node".into();
    std::fs::write(&f, v.to_string()).unwrap();
    let err = c.import_folder(out.path()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::BadFile);
    assert!(err.detail.contains("missing-node"), "{}", err.detail);

    std::fs::write(&f, "{ not json").unwrap();
    let err = c.import_folder(out.path()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::BadFile);
    assert!(
        err.detail.contains("02-businessFlow.json"),
        "{}",
        err.detail
    );

    let err = c
        .import_folder(&out.path().join("documents"))
        .await
        .unwrap_err();
    assert!(err.detail.contains("workspace.json"), "{}", err.detail);
    assert_eq!(
        c.list_workspaces().await.unwrap().len(),
        1,
        "nothing half-imported"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn locale_setting_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let c = core(dir.path(), false).await;
    assert_eq!(c.app_info().unwrap().locale, None);
    c.set_locale("en").unwrap();
    assert_eq!(
        c.set_locale("fr").unwrap_err().code,
        ErrorCode::InvalidInput
    );
    assert_eq!(c.app_info().unwrap().locale.as_deref(), Some("en"));
}

#[tokio::test(flavor = "multi_thread")]
async fn validation_reports_problems_and_the_flow_still_saves() {
    let dir = tempfile::tempdir().unwrap();
    let c = core(dir.path(), true).await;
    let ws = c.list_workspaces().await.unwrap().remove(0);
    let view = c.open_workspace(&ws.id).await.unwrap();
    for d in view
        .documents
        .iter()
        .filter(|d| d.kind == DocKind::BusinessFlow)
    {
        assert_eq!(
            c.validate_flow(&d.id).await.unwrap(),
            vec![],
            "the demo flow {} is clean",
            d.title
        );
    }
    let d = &view.documents[0];
    c.edit_flow(
        &d.id,
        vec![FlowOp::AddNode {
            node: node("orphan", NodeKind::Task, 900.0),
        }],
    )
    .await
    .unwrap();
    let problems = c.validate_flow(&d.id).await.unwrap();
    let codes: Vec<_> = problems
        .iter()
        .map(|p| (p.code, p.element.as_str()))
        .collect();
    // A task that no flow touches is reported once, as disconnected; it is dropped onto the
    // merge gateway, which bpmnlint's no-overlapping-elements reports too.
    assert_eq!(
        codes,
        vec![
            (api::ProblemCode::Disconnected, "orphan"),
            (api::ProblemCode::Overlapping, "gw_merge"),
            (api::ProblemCode::Overlapping, "orphan"),
        ]
    );
    assert_eq!(problems[0].severity, api::Severity::Error);
    assert_eq!(problems[1].severity, api::Severity::Warning);
}

#[tokio::test(flavor = "multi_thread")]
async fn typed_links_between_flows_resolve_both_ways_and_survive_restart() {
    let dir = tempfile::tempdir().unwrap();
    let c = core(dir.path(), true).await;
    let ws = c.list_workspaces().await.unwrap().remove(0);
    let docs = c.open_workspace(&ws.id).await.unwrap().documents;
    let (a, b) = (&docs[0], &docs[1]);
    // 识别客户身份 (first flow) relates to 精准内容触达 (second flow).
    let link = c
        .add_link(
            &ws.id,
            &a.id,
            "task_identify",
            api::LinkKind::Realizes,
            &b.id,
            "task_reach",
        )
        .await
        .unwrap();
    let bad = c
        .add_link(
            &ws.id,
            &a.id,
            "task_identify",
            api::LinkKind::Invokes,
            &b.id,
            "nope",
        )
        .await
        .unwrap_err();
    assert_eq!(bad.code, ErrorCode::NotFound);
    let other = c.create_workspace("other").await.unwrap();
    let foreign = c
        .create_document(&other.id, DocKind::BusinessFlow, "x")
        .await
        .unwrap();
    let err = c
        .add_link(
            &ws.id,
            &a.id,
            "task_identify",
            api::LinkKind::Invokes,
            &foreign.id,
            "n",
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.code,
        ErrorCode::NotFound,
        "links stay inside the workspace: {}",
        err.detail
    );

    // The demo's task also invokes a domain command; the new link is the one to the flow.
    let out: Vec<_> = c
        .links_of(&ws.id, &a.id, "task_identify")
        .await
        .unwrap()
        .into_iter()
        .filter(|l| l.link.kind != model::links::LinkKind::Invokes)
        .collect();
    assert_eq!(out.len(), 1);
    assert!(!out[0].incoming && !out[0].broken);
    assert_eq!(out[0].to_name.as_deref(), Some("精准内容触达"));
    assert_eq!(out[0].other_title.as_deref(), Some(b.title.as_str()));
    let back: Vec<_> = c
        .links_of(&ws.id, &b.id, "task_reach")
        .await
        .unwrap()
        .into_iter()
        .filter(|l| l.link.kind != model::links::LinkKind::Invokes)
        .collect();
    assert_eq!(back.len(), 1);
    assert!(back[0].incoming);
    assert_eq!(back[0].from_name.as_deref(), Some("识别客户身份"));
    assert_eq!(back[0].link, link);
    c.close().await;
    drop(c);

    let c = core(dir.path(), true).await;
    // Deleting the target element leaves the link, marked broken.
    c.edit_flow(
        &b.id,
        vec![FlowOp::RemoveNode {
            id: "task_reach".into(),
        }],
    )
    .await
    .unwrap();
    let out = c.links_of(&ws.id, &a.id, "task_identify").await.unwrap();
    assert!(out.iter().find(|l| l.link.id == link.id).unwrap().broken);
    c.remove_link(&a.id, &link.id).await.unwrap();
    // What is left is the demo's link to the domain command.
    let left = c.links_of(&ws.id, &a.id, "task_identify").await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].link.kind, model::links::LinkKind::Invokes);
    assert_eq!(
        c.remove_link(&a.id, &link.id).await.unwrap_err().code,
        ErrorCode::NotFound
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn link_targets_list_the_elements_of_every_flow() {
    let dir = tempfile::tempdir().unwrap();
    let c = core(dir.path(), true).await;
    let ws = c.list_workspaces().await.unwrap().remove(0);
    let targets = c.link_targets(&ws.id).await.unwrap();
    let docs: std::collections::BTreeSet<_> =
        targets.iter().map(|t| t.document_title.as_str()).collect();
    // Two flows, the domain model and the prototype.
    assert_eq!(docs.len(), 4, "{docs:?}");
    let t = targets
        .iter()
        .find(|t| t.element_id == "task_risk")
        .unwrap();
    assert_eq!(
        (t.name.as_str(), t.element_kind.as_str()),
        ("反洗钱与风险校验", "userTask")
    );
}

fn miwg(name: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/bpmn/miwg-reference")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bpmn_file_becomes_a_flow_document_and_exports_with_the_edits() {
    let dir = tempfile::tempdir().unwrap();
    let core = core(dir.path(), false).await;
    let ws = core.create_workspace("BPMN").await.unwrap();
    let bytes = miwg("C.1.0.bpmn");
    let original = formats::bpmn::import(&bytes).unwrap();
    let doc = core.import_bpmn(&ws.id, bytes, None).await.unwrap();
    let view = core.open_flow(&doc.id).await.unwrap();
    assert!(
        view.nodes.iter().any(|n| n.kind == NodeKind::Pool),
        "pools on the canvas"
    );
    assert!(!view.lanes.is_empty(), "lanes on the canvas");
    assert!(view.edges.iter().any(|e| e.kind == EdgeKind::MessageFlow));
    // Untouched, the export is the file (same summary of every element and its DI).
    let untouched =
        formats::bpmn::import(core.export_bpmn(&doc.id).await.unwrap().as_bytes()).unwrap();
    assert_eq!(
        formats::bpmn::flowdoc::to_flow(&untouched),
        formats::bpmn::flowdoc::to_flow(&original)
    );
    assert_eq!(untouched.counts(), original.counts());
    // Rename a task and move it; the export carries both and keeps the rest.
    let task = view
        .nodes
        .iter()
        .find(|n| n.kind.is_activity())
        .unwrap()
        .clone();
    core.edit_flow(
        &doc.id,
        vec![
            FlowOp::RenameNode {
                id: task.id.clone(),
                name: "审核资料".into(),
            },
            FlowOp::MoveNode {
                id: task.id.clone(),
                x: task.x + 10.0,
                y: task.y,
            },
        ],
    )
    .await
    .unwrap();
    let edited =
        formats::bpmn::import(core.export_bpmn(&doc.id).await.unwrap().as_bytes()).unwrap();
    let canvas = formats::bpmn::flowdoc::to_flow(&edited);
    let t = canvas.nodes.iter().find(|n| n.id == task.id).unwrap();
    assert_eq!((t.name.as_str(), t.x), ("审核资料", task.x + 10.0));
    // Everything is still there (a moved flow's label loses its old position: one Bounds).
    let without_bounds = |m: &formats::bpmn::BpmnModel| {
        let mut c = m.counts();
        c.remove("Bounds");
        c
    };
    assert_eq!(without_bounds(&edited), without_bounds(&original));
    // The kept source travels with a workspace export and import.
    let out = tempfile::tempdir().unwrap();
    core.export_folder(&ws.id, out.path()).await.unwrap();
    let copy = core.import_folder(out.path()).await.unwrap();
    let copied = core.open_workspace(&copy.id).await.unwrap();
    let again = core.export_bpmn(&copied.documents[0].id).await.unwrap();
    assert_eq!(
        without_bounds(&formats::bpmn::import(again.as_bytes()).unwrap()),
        without_bounds(&original)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_bpmn_file_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let core = core(dir.path(), false).await;
    let ws = core.create_workspace("BPMN").await.unwrap();
    let err = core
        .import_bpmn(
            &ws.id,
            b"<definitions><process id=\"p\"><task id=\"t\"></process>".to_vec(),
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::BadFile);
    assert!(err.detail.contains("line"), "{}", err.detail);
    assert!(
        core.open_workspace(&ws.id)
            .await
            .unwrap()
            .documents
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bpmn_file_with_a_flow_left_behind_opens_and_lists_it() {
    let dir = tempfile::tempdir().unwrap();
    let core = core(dir.path(), false).await;
    let ws = core.create_workspace("BPMN").await.unwrap();
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../formats/tests/fixtures/signavio-dangling-source.bpmn");
    let doc = core
        .import_bpmn(&ws.id, std::fs::read(&p).unwrap(), None)
        .await
        .unwrap();
    // The flow whose source was deleted is not drawn, but the problems list shows it.
    let view = core.open_flow(&doc.id).await.unwrap();
    assert!(view.edges.iter().all(|e| e.id != "sid-flow-2"));
    let problems = core.validate_flow(&doc.id).await.unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p.code == api::ProblemCode::DanglingFlow && p.element == "sid-flow-2"),
        "{problems:?}"
    );
    // It is exported as it came.
    let out = core.export_bpmn(&doc.id).await.unwrap();
    let line = out.lines().find(|l| l.contains("\"sid-flow-2\"")).unwrap();
    assert!(line.contains("sourceRef=\"sid-check-credit\""), "{line}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bpmn_file_without_diagram_is_laid_out() {
    let dir = tempfile::tempdir().unwrap();
    let core = core(dir.path(), false).await;
    let ws = core.create_workspace("BPMN").await.unwrap();
    let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="http://t">
  <process id="p" name="开户">
    <startEvent id="s"/><userTask id="t" name="填写资料"/><endEvent id="e"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="t"/><sequenceFlow id="f2" sourceRef="t" targetRef="e"/>
  </process>
</definitions>"#;
    let doc = core
        .import_bpmn(&ws.id, xml.as_bytes().to_vec(), None)
        .await
        .unwrap();
    assert_eq!(doc.title, "开户");
    let view = core.open_flow(&doc.id).await.unwrap();
    assert_eq!(view.nodes.len(), 3);
    assert_eq!(view.edges.len(), 2);
    let x = |id: &str| view.nodes.iter().find(|n| n.id == id).unwrap().x;
    assert!(x("s") < x("t") && x("t") < x("e"), "left to right");
}

fn flow_patch(p: &api::DocPatch) -> &model::FlowPatch {
    match p {
        api::DocPatch::BusinessFlow(f) => f,
        other => panic!("not a flow patch: {other:?}"),
    }
}
