//! Transcripts of scripted sessions against the real core, which the UI's in-memory test
//! double replays (`ui/src/contract.test.ts`): every step's result (its patch, or its error
//! code) and the document's content after it. The double cannot drift from the core
//! unseen: when the core's behaviour changes, this test fails until the transcripts are
//! written again (`UPDATE_CONTRACTS=1 cargo test -p api --test contract`), and then the
//! vitest test fails until the double follows.

use std::path::{Path, PathBuf};

use api::{Config, Core, DocContent, DocKind, DocOps, DocPatch, EditResult};
use model::domain::{
    Attribute, BoundedContext, DataType, DomainElement, DomainRecord, ElementKind, Relationship,
    RelationshipPattern,
};
use model::record::{Record, RecordOp};
use model::{EdgeKind, FlowEdge, FlowNode, FlowOp, Lane, NodeKind};
use serde_json::{Value, json};

/// One step of a session: an edit, or an undo or redo.
enum Step {
    Edit(DocOps),
    Undo,
    Redo,
}

fn transcript_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/test/contract")
}

/// Runs `steps` on a new document of `kind` and returns the transcript.
async fn record(kind: DocKind, steps: Vec<Step>) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let c = Core::open(Config {
        data_dir: dir.path().to_path_buf(),
        seed_demo: false,
    })
    .await
    .unwrap();
    let ws = c.create_workspace("contract").await.unwrap();
    let d = c.create_document(&ws.id, kind, "contract").await.unwrap();
    let mut out = Vec::new();
    for step in steps {
        let (call, ops, result) = match step {
            Step::Edit(ops) => {
                let sent = serde_json::to_value(&ops).unwrap();
                ("edit", sent, c.edit_document(&d.id, ops).await)
            }
            Step::Undo => ("undo", Value::Null, c.undo_document(&d.id).await),
            Step::Redo => ("redo", Value::Null, c.redo_document(&d.id).await),
        };
        let outcome = match result {
            Ok(r) => {
                json!({ "patch": patch_summary(&r), "canUndo": r.can_undo, "canRedo": r.can_redo })
            }
            Err(e) => json!({ "error": e.code }),
        };
        let content = match c.open_document(&d.id).await.unwrap().content {
            DocContent::BusinessFlow(f) => serde_json::to_value(f).unwrap(),
            DocContent::DomainModel(m) => serde_json::to_value(m).unwrap(),
            DocContent::SandboxPrototype(p) => serde_json::to_value(p).unwrap(),
            DocContent::CapabilityShelf(s) => serde_json::to_value(s).unwrap(),
        };
        out.push(json!({ "call": call, "ops": ops, "outcome": outcome, "content": content }));
    }
    c.close().await;
    json!({ "kind": kind, "steps": out })
}

/// What a patch touched: upserted and removed ids, sorted (their values are in `content`).
fn patch_summary(r: &EditResult) -> Value {
    let (mut upserts, mut removed): (Vec<String>, Vec<String>) = match &r.patch {
        DocPatch::BusinessFlow(p) => (
            p.nodes
                .iter()
                .map(|n| n.id.clone())
                .chain(p.edges.iter().map(|e| e.id.clone()))
                .chain(p.lanes.iter().map(|l| l.id.clone()))
                .collect(),
            [&p.removed_nodes, &p.removed_edges, &p.removed_lanes]
                .into_iter()
                .flatten()
                .cloned()
                .collect(),
        ),
        DocPatch::DomainModel(p) => (
            p.upserts.iter().map(|r| r.id().to_string()).collect(),
            p.removed.clone(),
        ),
        DocPatch::SandboxPrototype(p) => (
            p.upserts.iter().map(|r| r.id().to_string()).collect(),
            p.removed.clone(),
        ),
        DocPatch::CapabilityShelf(p) => (
            p.upserts.iter().map(|r| r.id().to_string()).collect(),
            p.removed.clone(),
        ),
    };
    upserts.sort();
    removed.sort();
    json!({ "upserts": upserts, "removed": removed })
}

fn check(name: &str, transcript: Value) {
    let path = transcript_dir().join(format!("{name}.json"));
    let text = serde_json::to_string_pretty(&transcript).unwrap() + "\n";
    if std::env::var_os("UPDATE_CONTRACTS").is_some() {
        std::fs::create_dir_all(transcript_dir()).unwrap();
        std::fs::write(&path, text).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == text,
        "{} is stale: the core behaves differently now. Run \
         UPDATE_CONTRACTS=1 cargo test -p api --test contract, then make the UI's memoryBackend \
         pass ui/src/contract.test.ts",
        path.display()
    );
}

fn add(r: DomainRecord) -> RecordOp<DomainRecord> {
    RecordOp::Add { record: r }
}

fn domain(ops: Vec<RecordOp<DomainRecord>>) -> Step {
    Step::Edit(DocOps::DomainModel(ops))
}

#[tokio::test(flavor = "multi_thread")]
async fn domain_model_transcript() {
    let ctx = |id: &str, name: &str, x: f64| {
        DomainRecord::Context(BoundedContext {
            id: id.into(),
            name: name.into(),
            subdomain: None,
            vision: None,
            x,
            y: 0.0,
            w: 400.0,
            h: 300.0,
            kept: None,
        })
    };
    let mut agg = DomainElement::new("agg", "c1", ElementKind::Aggregate, "客户", 10.0, 10.0);
    agg.root = Some("cust".into());
    let mut cust = DomainElement::new("cust", "c1", ElementKind::Entity, "客户", 20.0, 40.0);
    cust.aggregate = Some("agg".into());
    let mut id_attr = Attribute::new("a1", "cust", "客户号", DataType::Text, 1.0);
    id_attr.identifier = true;
    let name_attr = Attribute::new("a2", "cust", "姓名", DataType::Text, 2.0);
    let mut renamed = name_attr.clone();
    renamed.name = "全名".into();
    renamed.required = true;
    let rel = DomainRecord::Relationship(Relationship {
        id: "r1".into(),
        pattern: RelationshipPattern::UpstreamDownstream,
        upstream: "c1".into(),
        downstream: "c2".into(),
        upstream_roles: vec![model::domain::UpstreamRole::OpenHostService],
        downstream_roles: vec![model::domain::DownstreamRole::AnticorruptionLayer],
        name: None,
        kept: None,
    });
    let steps = vec![
        domain(vec![
            add(ctx("c1", "客户", 0.0)),
            add(ctx("c2", "交易", 500.0)),
        ]),
        domain(vec![
            add(DomainRecord::Element(agg)),
            add(DomainRecord::Element(cust.clone())),
            add(DomainRecord::Attribute(id_attr)),
            add(DomainRecord::Attribute(name_attr)),
            add(rel),
        ]),
        domain(vec![RecordOp::Update {
            record: DomainRecord::Attribute(renamed),
        }]),
        // Refused: an element of a context that does not exist; a duplicate id; an
        // attribute on a context; a relationship from a context to itself.
        domain(vec![add(DomainRecord::Element(DomainElement::new(
            "x",
            "nowhere",
            ElementKind::Command,
            "开户",
            0.0,
            0.0,
        )))]),
        domain(vec![add(ctx("cust", "重复", 0.0))]),
        domain(vec![add(DomainRecord::Attribute(Attribute::new(
            "a3",
            "c1",
            "不行",
            DataType::Text,
            3.0,
        )))]),
        domain(vec![RecordOp::Update {
            record: DomainRecord::Element(DomainElement {
                name: " ".into(),
                ..cust.clone()
            }),
        }]),
        Step::Undo,
        Step::Redo,
        // Removing the context takes its elements, their attributes and its relationships.
        domain(vec![RecordOp::Remove { id: "c1".into() }]),
        Step::Undo,
        domain(vec![RecordOp::Remove { id: "agg".into() }]),
        domain(vec![RecordOp::Remove { id: "nope".into() }]),
        Step::Undo,
        Step::Undo,
        Step::Undo,
        Step::Undo,
        Step::Redo,
    ];
    check("domainModel", record(DocKind::DomainModel, steps).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn business_flow_transcript() {
    let flow = |ops: Vec<FlowOp>| Step::Edit(DocOps::BusinessFlow(ops));
    let node =
        |id: &str, kind: NodeKind, x: f64| FlowNode::new(id, kind, id.to_uppercase(), x, 40.0);
    let steps = vec![
        flow(vec![
            FlowOp::AddLane {
                lane: Lane {
                    id: "l1".into(),
                    name: "客户经理".into(),
                    x: None,
                    y: 0.0,
                    w: None,
                    h: 180.0,
                    pool: None,
                    parent_lane: None,
                },
            },
            FlowOp::AddNode {
                node: node("s", NodeKind::StartEvent, 0.0),
            },
            FlowOp::AddNode {
                node: node("t", NodeKind::UserTask, 150.0),
            },
            FlowOp::AddEdge {
                edge: FlowEdge::new("e", EdgeKind::SequenceFlow, "s", "t"),
            },
        ]),
        flow(vec![
            FlowOp::RenameNode {
                id: "t".into(),
                name: "填写资料".into(),
            },
            FlowOp::MoveNode {
                id: "s".into(),
                x: 10.0,
                y: 60.0,
            },
        ]),
        flow(vec![FlowOp::AddEdge {
            edge: FlowEdge::new("bad", EdgeKind::SequenceFlow, "t", "nope"),
        }]),
        flow(vec![FlowOp::RemoveNode { id: "s".into() }]),
        Step::Undo,
        Step::Undo,
        Step::Redo,
        flow(vec![FlowOp::RemoveLane { id: "l1".into() }]),
    ];
    check("businessFlow", record(DocKind::BusinessFlow, steps).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn sandbox_prototype_transcript() {
    use model::prototype::{
        Action, ActionStep, Binding, Component, ComponentKind, Device, Direction,
        PrototypeRecord as R, Screen, StackLayout,
    };
    let edit = |ops: Vec<RecordOp<R>>| Step::Edit(DocOps::SandboxPrototype(ops));
    let add = |r: R| RecordOp::Add { record: r };
    let mut form = Component::new(
        "form",
        "s2",
        ComponentKind::Form,
        "客户表单",
        16.0,
        72.0,
        343.0,
        300.0,
    );
    form.layout = Some(StackLayout {
        direction: Direction::Column,
        gap: 12.0,
        padding: 16.0,
    });
    form.binding = Some(Binding {
        document: "dm".into(),
        entity: "cust".into(),
        attribute: None,
        collection: false,
    });
    let mut name = Component::new(
        "name",
        "s2",
        ComponentKind::Input,
        "姓名",
        0.0,
        0.0,
        311.0,
        40.0,
    );
    name.parent = Some("form".into());
    name.order = 1.0;
    let mut save = Component::new(
        "save",
        "s2",
        ComponentKind::Button,
        "保存",
        0.0,
        0.0,
        311.0,
        44.0,
    );
    save.parent = Some("form".into());
    save.order = 2.0;
    save.text = Some("保存".into());
    let mut relabelled = name.clone();
    relabelled.text = Some("客户姓名".into());
    relabelled
        .props
        .insert("placeholder".into(), "请输入".into());
    let mut start = Screen::new("s1", "客户列表", Device::Phone, 0.0, 0.0);
    start.start = true;
    let list = Component::new(
        "list",
        "s1",
        ComponentKind::List,
        "客户列表",
        16.0,
        72.0,
        343.0,
        600.0,
    );
    let submit = Action {
        id: "submit".into(),
        component: "save".into(),
        name: Some("提交".into()),
        steps: vec![ActionStep::Command {
            document: "dm".into(),
            command: "register".into(),
        }],
        success: Some("s1".into()),
        failure: Some("保存失败".into()),
    };
    let mut inside_button =
        Component::new("x", "s2", ComponentKind::Text, "x", 0.0, 0.0, 10.0, 10.0);
    inside_button.parent = Some("save".into());
    let steps = vec![
        edit(vec![
            add(R::Screen(start)),
            add(R::Screen(Screen::new(
                "s2",
                "新建客户",
                Device::Phone,
                500.0,
                0.0,
            ))),
            add(R::Component(list)),
        ]),
        edit(vec![
            add(R::Component(form)),
            add(R::Component(name.clone())),
            add(R::Component(save)),
            add(R::Action(submit)),
        ]),
        edit(vec![RecordOp::Update {
            record: R::Component(relabelled),
        }]),
        // Refused: a component inside a button; on a screen that does not exist; an action
        // going to a screen that does not exist; a duplicate id.
        edit(vec![add(R::Component(inside_button))]),
        edit(vec![add(R::Component(Component::new(
            "y",
            "nowhere",
            ComponentKind::Text,
            "y",
            0.0,
            0.0,
            10.0,
            10.0,
        )))]),
        edit(vec![add(R::Action(Action {
            id: "bad".into(),
            component: "save".into(),
            name: None,
            steps: vec![ActionStep::Navigate {
                screen: "gone".into(),
            }],
            success: None,
            failure: None,
        }))]),
        edit(vec![add(R::Screen(Screen::new(
            "name",
            "重复",
            Device::Tablet,
            0.0,
            0.0,
        )))]),
        Step::Undo,
        Step::Redo,
        // Removing the form takes its fields and the button's action.
        edit(vec![RecordOp::Remove { id: "form".into() }]),
        Step::Undo,
        edit(vec![RecordOp::Remove { id: "s2".into() }]),
        edit(vec![RecordOp::Remove { id: "nope".into() }]),
        Step::Undo,
        Step::Undo,
        Step::Redo,
    ];
    check(
        "sandboxPrototype",
        record(DocKind::SandboxPrototype, steps).await,
    );
}
