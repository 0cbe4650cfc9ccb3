//! Model tests: flow edits, their inverses, schema checks and the workspace index.

use automerge::Automerge;
use model::flow::{self, FlowOp};
use model::{DocKind, EdgeKind, FlowEdge, FlowNode, ModelError, NodeKind, workspace};

fn node(id: &str, kind: NodeKind, x: f64) -> FlowNode {
    FlowNode::new(id, kind, id.to_uppercase(), x, 10.0)
}

fn edge(id: &str, s: &str, t: &str) -> FlowEdge {
    FlowEdge {
        ..FlowEdge::new(id, EdgeKind::SequenceFlow, s, t)
    }
}

fn new_flow() -> Automerge {
    let mut doc = Automerge::new();
    flow::init(&mut doc).unwrap();
    doc
}

#[test]
fn add_connect_rename_and_read_back() {
    let mut doc = new_flow();
    let applied = flow::apply(
        &mut doc,
        &[
            FlowOp::AddNode {
                node: node("a", NodeKind::StartEvent, 0.0),
            },
            FlowOp::AddNode {
                node: node("b", NodeKind::Task, 100.0),
            },
            FlowOp::AddEdge {
                edge: edge("e1", "a", "b"),
            },
            FlowOp::RenameNode {
                id: "b".into(),
                name: "审核资料".into(),
            },
        ],
    )
    .unwrap();
    assert_eq!(applied.patch.nodes.len(), 2);
    assert_eq!(applied.patch.edges.len(), 1);
    let f = flow::read(&doc).unwrap();
    assert_eq!(f.nodes.len(), 2);
    assert_eq!(
        f.nodes.iter().find(|n| n.id == "b").unwrap().name,
        "审核资料"
    );
    assert_eq!(f.edges, vec![edge("e1", "a", "b")]);
    // The whole edit was one change.
    assert_eq!(doc.get_changes(&[]).len(), 2);
}

#[test]
fn inverse_of_remove_restores_node_and_its_edges() {
    let mut doc = new_flow();
    flow::apply(
        &mut doc,
        &[
            FlowOp::AddNode {
                node: node("a", NodeKind::Task, 0.0),
            },
            FlowOp::AddNode {
                node: node("b", NodeKind::Task, 100.0),
            },
            FlowOp::AddNode {
                node: node("c", NodeKind::EndEvent, 200.0),
            },
            FlowOp::AddEdge {
                edge: edge("e1", "a", "b"),
            },
            FlowOp::AddEdge {
                edge: edge("e2", "b", "c"),
            },
        ],
    )
    .unwrap();
    let before = flow::read(&doc).unwrap();
    let removed = flow::apply(&mut doc, &[FlowOp::RemoveNode { id: "b".into() }]).unwrap();
    let after = flow::read(&doc).unwrap();
    assert_eq!(after.nodes.len(), 2);
    assert!(
        after.edges.is_empty(),
        "edges touching a removed node go with it"
    );
    assert_eq!(
        removed.patch.removed_edges,
        vec!["e1".to_string(), "e2".to_string()]
    );
    let undone = flow::apply(&mut doc, &removed.inverse).unwrap();
    assert_eq!(flow::read(&doc).unwrap(), before);
    // Redo is the inverse of the inverse.
    flow::apply(&mut doc, &undone.inverse).unwrap();
    assert_eq!(flow::read(&doc).unwrap(), after);
}

#[test]
fn failed_edit_changes_nothing() {
    let mut doc = new_flow();
    flow::apply(
        &mut doc,
        &[FlowOp::AddNode {
            node: node("a", NodeKind::Task, 0.0),
        }],
    )
    .unwrap();
    let heads = doc.get_heads();
    let err = flow::apply(
        &mut doc,
        &[
            FlowOp::MoveNode {
                id: "a".into(),
                x: 5.0,
                y: 5.0,
            },
            FlowOp::AddEdge {
                edge: edge("e", "a", "missing"),
            },
        ],
    )
    .unwrap_err();
    assert_eq!(err, ModelError::NoSuchElement("missing".into()));
    assert_eq!(doc.get_heads(), heads);
    assert_eq!(flow::read(&doc).unwrap().nodes[0].x, 0.0);
    let dup = flow::apply(
        &mut doc,
        &[FlowOp::AddNode {
            node: node("a", NodeKind::Task, 0.0),
        }],
    );
    assert_eq!(dup.unwrap_err(), ModelError::DuplicateId("a".into()));
    let nan = flow::apply(
        &mut doc,
        &[FlowOp::MoveNode {
            id: "a".into(),
            x: f64::NAN,
            y: 0.0,
        }],
    );
    assert!(matches!(nan, Err(ModelError::InvalidEdit(_))));
}

#[test]
fn concurrent_edits_from_two_peers_merge() {
    let mut a = new_flow();
    flow::apply(
        &mut a,
        &[FlowOp::AddNode {
            node: node("n", NodeKind::Task, 0.0),
        }],
    )
    .unwrap();
    let mut b = a.fork();
    flow::apply(
        &mut a,
        &[FlowOp::RenameNode {
            id: "n".into(),
            name: "A".into(),
        }],
    )
    .unwrap();
    flow::apply(
        &mut b,
        &[FlowOp::MoveNode {
            id: "n".into(),
            x: 50.0,
            y: 60.0,
        }],
    )
    .unwrap();
    flow::apply(
        &mut b,
        &[FlowOp::AddNode {
            node: node("m", NodeKind::EndEvent, 9.0),
        }],
    )
    .unwrap();
    a.merge(&mut b).unwrap();
    let f = flow::read(&a).unwrap();
    let n = f.nodes.iter().find(|n| n.id == "n").unwrap();
    assert_eq!((n.name.as_str(), n.x, n.y), ("A", 50.0, 60.0));
    assert_eq!(f.nodes.len(), 2);
}

#[test]
fn schema_is_checked() {
    let mut doc = Automerge::new();
    workspace::init(&mut doc, "W").unwrap();
    assert!(matches!(
        flow::read(&doc),
        Err(ModelError::WrongKind { .. })
    ));
    let mut newer = new_flow();
    {
        use automerge::transaction::Transactable;
        let mut tx = newer.transaction();
        tx.put(automerge::ROOT, "schemaVersion", 99u64).unwrap();
        tx.commit();
    }
    assert_eq!(
        flow::read(&newer).unwrap_err(),
        ModelError::TooNew {
            found: 99,
            supported: 2
        }
    );
}

#[test]
fn workspace_index_lists_renames_and_removes() {
    let mut doc = Automerge::new();
    workspace::init(&mut doc, "SCRM").unwrap();
    let entry = |id: &str, t: f64| model::DocumentEntry {
        id: id.into(),
        kind: DocKind::BusinessFlow,
        title: format!("flow {id}"),
        created_at: t,
    };
    workspace::add_document(&mut doc, &entry("x", 2.0)).unwrap();
    workspace::add_document(&mut doc, &entry("y", 1.0)).unwrap();
    assert!(workspace::add_document(&mut doc, &entry("x", 3.0)).is_err());
    workspace::rename_document(&mut doc, "x", "获客流程").unwrap();
    workspace::rename(&mut doc, "SCRM 专题").unwrap();
    let idx = workspace::read(&doc).unwrap();
    assert_eq!(idx.name, "SCRM 专题");
    assert_eq!(
        idx.documents
            .iter()
            .map(|d| d.id.as_str())
            .collect::<Vec<_>>(),
        ["y", "x"]
    );
    assert_eq!(idx.documents[1].title, "获客流程");
    workspace::remove_document(&mut doc, "y").unwrap();
    assert_eq!(workspace::read(&doc).unwrap().documents.len(), 1);
    assert!(workspace::remove_document(&mut doc, "y").is_err());
}

#[test]
fn links_from_two_peers_merge_and_unknown_kinds_are_skipped() {
    use model::links::{self, Link, LinkKind};
    let mut a = new_flow();
    let mut b = a.fork();
    let link = |id: &str, kind| Link {
        id: id.into(),
        kind,
        from: "n1".into(),
        to_document: "doc2".into(),
        to_element: "s1".into(),
    };
    links::add(&mut a, &link("l1", LinkKind::Realizes)).unwrap();
    links::add(&mut b, &link("l2", LinkKind::Invokes)).unwrap();
    a.merge(&mut b).unwrap();
    let all = links::read(&a).unwrap();
    assert_eq!(
        all,
        vec![
            link("l1", LinkKind::Realizes),
            link("l2", LinkKind::Invokes)
        ]
    );
    assert!(
        links::add(&mut a, &link("l1", LinkKind::Tracks)).is_err(),
        "ids are unique"
    );
    {
        use automerge::transaction::Transactable;
        let map = match automerge::ReadDoc::get(&a, automerge::ROOT, "links").unwrap() {
            Some((_, id)) => id,
            None => panic!("links map"),
        };
        let mut tx = a.transaction();
        let obj = tx.put_object(&map, "l3", automerge::ObjType::Map).unwrap();
        for (k, v) in [
            ("kind", "fromTheFuture"),
            ("from", "n1"),
            ("toDocument", "d"),
            ("toElement", "e"),
        ] {
            tx.put(&obj, k, v).unwrap();
        }
        tx.commit();
    }
    assert_eq!(
        links::read(&a).unwrap().len(),
        2,
        "a link kind from a newer build is skipped"
    );
    assert_eq!(
        links::remove(&mut a, "l1").unwrap().kind,
        LinkKind::Realizes
    );
    assert_eq!(links::read(&a).unwrap().len(), 1);
}

#[test]
fn a_version_1_flow_reads_and_becomes_version_2_at_its_first_edit() {
    use automerge::ReadDoc;
    use automerge::transaction::Transactable;
    // As session 1 wrote it: version 1, an "intermediateEvent", no v2 fields.
    let mut doc = Automerge::new();
    {
        let mut tx = doc.transaction();
        tx.put(automerge::ROOT, "schema", "triloop/flow").unwrap();
        tx.put(automerge::ROOT, "schemaVersion", 1u64).unwrap();
        let nodes = tx
            .put_object(automerge::ROOT, "nodes", automerge::ObjType::Map)
            .unwrap();
        tx.put_object(automerge::ROOT, "edges", automerge::ObjType::Map)
            .unwrap();
        tx.put_object(automerge::ROOT, "lanes", automerge::ObjType::Map)
            .unwrap();
        let n = tx.put_object(&nodes, "i", automerge::ObjType::Map).unwrap();
        tx.put(&n, "kind", "intermediateEvent").unwrap();
        tx.put(&n, "name", "等待").unwrap();
        tx.put(&n, "x", 10.0).unwrap();
        tx.put(&n, "y", 20.0).unwrap();
        tx.commit();
    }
    let f = flow::read(&doc).unwrap();
    assert_eq!(f.nodes[0].kind, NodeKind::IntermediateThrowEvent);
    assert_eq!((f.nodes[0].w, f.nodes[0].h), (36.0, 36.0));
    assert_eq!(f.nodes[0].event_definition, None);
    let version = |d: &Automerge| match d.get(automerge::ROOT, "schemaVersion").unwrap() {
        Some((automerge::Value::Scalar(s), _)) => s.as_u64().unwrap(),
        _ => 0,
    };
    assert_eq!(version(&doc), 1, "reading does not migrate");
    flow::apply(
        &mut doc,
        &[FlowOp::RenameNode {
            id: "i".into(),
            name: "等待回执".into(),
        }],
    )
    .unwrap();
    assert_eq!(version(&doc), 2);
}

#[test]
fn routes_follow_their_ends_and_undo_brings_them_back() {
    use model::flow::Point;
    let mut doc = new_flow();
    let route = vec![
        Point { x: 120.0, y: 46.0 },
        Point { x: 160.0, y: 46.0 },
        Point { x: 160.0, y: 100.0 },
        Point { x: 200.0, y: 100.0 },
    ];
    flow::apply(
        &mut doc,
        &[
            FlowOp::AddNode {
                node: node("a", NodeKind::Task, 0.0),
            },
            FlowOp::AddNode {
                node: node("b", NodeKind::Task, 200.0),
            },
            FlowOp::AddEdge {
                edge: FlowEdge {
                    waypoints: route.clone(),
                    condition: Some("${ok}".into()),
                    ..edge("e", "a", "b")
                },
            },
        ],
    )
    .unwrap();
    // Both ends move together: the route moves with them.
    let both = flow::apply(
        &mut doc,
        &[
            FlowOp::MoveNode {
                id: "a".into(),
                x: 10.0,
                y: 15.0,
            },
            FlowOp::MoveNode {
                id: "b".into(),
                x: 210.0,
                y: 15.0,
            },
        ],
    )
    .unwrap();
    let moved: Vec<Point> = route
        .iter()
        .map(|p| Point {
            x: p.x + 10.0,
            y: p.y + 5.0,
        })
        .collect();
    let read_edge = |doc: &Automerge| flow::read(doc).unwrap().edges[0].clone();
    assert_eq!(read_edge(&doc).waypoints, moved);
    assert_eq!(both.patch.edges.len(), 1, "the moved route is in the patch");
    // One end moves: the stale route goes; the condition stays.
    let one = flow::apply(
        &mut doc,
        &[FlowOp::MoveNode {
            id: "b".into(),
            x: 300.0,
            y: 15.0,
        }],
    )
    .unwrap();
    assert!(read_edge(&doc).waypoints.is_empty());
    assert_eq!(read_edge(&doc).condition.as_deref(), Some("${ok}"));
    // Undo puts the node back and the route with it.
    flow::apply(&mut doc, &one.inverse).unwrap();
    assert_eq!(read_edge(&doc).waypoints, moved);
    flow::apply(&mut doc, &both.inverse).unwrap();
    assert_eq!(read_edge(&doc).waypoints, route);

    // A resize that keeps the corner (x, y) still changes the border the route ends on:
    // the route goes, and undo brings it back.
    let b = flow::read(&doc)
        .unwrap()
        .nodes
        .into_iter()
        .find(|n| n.id == "b")
        .unwrap();
    let resized = flow::apply(
        &mut doc,
        &[FlowOp::UpdateNode {
            node: FlowNode {
                w: b.w + 80.0,
                h: b.h + 40.0,
                ..b.clone()
            },
        }],
    )
    .unwrap();
    assert!(read_edge(&doc).waypoints.is_empty());
    assert_eq!(
        resized.patch.edges.len(),
        1,
        "the dropped route is in the patch"
    );
    flow::apply(&mut doc, &resized.inverse).unwrap();
    assert_eq!(read_edge(&doc).waypoints, route);
}

#[test]
fn update_node_writes_only_what_changed_so_concurrent_edits_merge() {
    let mut doc = new_flow();
    flow::apply(
        &mut doc,
        &[FlowOp::AddNode {
            node: node("g", NodeKind::ExclusiveGateway, 0.0),
        }],
    )
    .unwrap();
    let mut peer = doc.fork();
    // Here: the kind and default flow change; there: the node is renamed and moved.
    let mut changed = flow::read(&doc).unwrap().nodes[0].clone();
    changed.kind = NodeKind::InclusiveGateway;
    changed.default_flow = Some("f1".into());
    let applied = flow::apply(&mut doc, &[FlowOp::UpdateNode { node: changed }]).unwrap();
    flow::apply(
        &mut peer,
        &[
            FlowOp::RenameNode {
                id: "g".into(),
                name: "额度?".into(),
            },
            FlowOp::MoveNode {
                id: "g".into(),
                x: 50.0,
                y: 60.0,
            },
        ],
    )
    .unwrap();
    doc.merge(&mut peer).unwrap();
    let g = flow::read(&doc).unwrap().nodes[0].clone();
    assert_eq!(
        (g.kind, g.default_flow.as_deref(), g.name.as_str(), g.x, g.y),
        (NodeKind::InclusiveGateway, Some("f1"), "额度?", 50.0, 60.0)
    );
    // The inverse restores this side's fields only.
    flow::apply(&mut doc, &applied.inverse).unwrap();
    let g = flow::read(&doc).unwrap().nodes[0].clone();
    assert_eq!(
        (g.kind, g.default_flow, g.name.as_str()),
        (NodeKind::ExclusiveGateway, None, "额度?")
    );
}
