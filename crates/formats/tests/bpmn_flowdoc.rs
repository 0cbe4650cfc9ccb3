//! The flow document's canvas and BPMN files: every MIWG reference model goes to the
//! canvas and back without losing anything, edits on the canvas reach the file, and a
//! canvas drawn from nothing exports as valid BPMN.

mod common;

use common::{files, fixtures, name, summary, without_warnings, xmllint};
use formats::bpmn::flowdoc::{from_flow, to_flow};
use formats::bpmn::{BpmnModel, export, import};
use model::flow::{EdgeKind, EventDefinition, Flow, FlowEdge, FlowNode, Lane, NodeKind, Point};

fn miwg() -> Vec<(String, BpmnModel)> {
    let paths = files(&fixtures().join("miwg-reference"), ".bpmn");
    assert!(paths.len() >= 16, "MIWG fixtures missing");
    paths
        .iter()
        .map(|p| (name(p), import(&std::fs::read(p).unwrap()).unwrap()))
        .collect()
}

#[test]
fn every_miwg_model_goes_to_the_canvas_and_back_unchanged() {
    for (file, m) in miwg() {
        let flow = to_flow(&m);
        assert!(!flow.nodes.is_empty(), "{file}: nothing on the canvas");
        // Through JSON, as the flow travels to the UI and back.
        let flow: Flow = serde_json::from_str(&serde_json::to_string(&flow).unwrap()).unwrap();
        let back = from_flow(&flow, Some(&m));
        if let Some(d) = json_diff(&without_warnings(&m), &without_warnings(&back), "") {
            panic!("{file}: the untouched canvas changed the model: {d}");
        }
        let again = import(export(&back).as_bytes()).unwrap();
        assert_eq!(summary(&again), summary(&m), "{file}");
    }
}

#[test]
fn the_canvas_shows_what_the_first_diagram_draws() {
    for (file, m) in miwg() {
        let flow = to_flow(&m);
        let plane = m.diagrams().next().and_then(|d| d.plane.as_ref()).unwrap();
        let drawn: std::collections::BTreeSet<&str> = plane
            .content
            .iter()
            .filter_map(|c| match c {
                formats::bpmn::PlaneContent::Shape(s) => s.bpmn_element.as_deref(),
                _ => None,
            })
            .collect();
        for n in &flow.nodes {
            assert!(
                drawn.contains(n.id.as_str()),
                "{file}: {} is not drawn",
                n.id
            );
            assert!(n.w > 0.0 && n.h > 0.0, "{file}: {} has no size", n.id);
        }
        for l in &flow.lanes {
            assert!(drawn.contains(l.id.as_str()), "{file}: lane {}", l.id);
        }
        // Every drawn element is on the canvas as a node or a lane, but for what the
        // canvas does not draw (a process as the plane, a data object without reference).
        let typed: std::collections::BTreeSet<&str> = m
            .flow_elements()
            .iter()
            .filter_map(|c| c.element.id())
            .collect();
        let missing: Vec<&&str> = drawn
            .iter()
            .filter(|id| typed.contains(**id))
            .filter(|id| {
                !flow.nodes.iter().any(|n| n.id == **id) && !flow.lanes.iter().any(|l| l.id == **id)
            })
            .collect();
        assert!(missing.is_empty(), "{file}: not on the canvas: {missing:?}");
        for e in &flow.edges {
            assert!(
                flow.nodes.iter().any(|n| n.id == e.source),
                "{file}: {} dangles",
                e.id
            );
            assert!(
                flow.nodes.iter().any(|n| n.id == e.target),
                "{file}: {} dangles",
                e.id
            );
        }
    }
}

#[test]
fn canvas_edits_reach_the_file_and_keep_the_rest() {
    // C.1.0: a collaboration with pools, lanes, events, gateways, extension content.
    let (file, m) = miwg()
        .into_iter()
        .find(|(f, _)| f.starts_with("C.1.0"))
        .unwrap();
    let mut flow = to_flow(&m);
    let task = flow
        .nodes
        .iter()
        .position(|n| n.kind.is_activity())
        .unwrap_or_else(|| panic!("{file}: no task"));
    let task_id = flow.nodes[task].id.clone();
    flow.nodes[task].name = "审核资料".into();
    flow.nodes[task].kind = NodeKind::UserTask;
    flow.nodes[task].x += 5.0;
    // Remove one sequence flow; add a new task and a flow to it.
    let removed = flow
        .edges
        .iter()
        .find(|e| e.kind == EdgeKind::SequenceFlow)
        .unwrap()
        .id
        .clone();
    flow.edges.retain(|e| e.id != removed);
    // What removing that flow alone leaves of the extension content.
    let before_foreign = common::foreign_content(&from_flow(&flow, Some(&m)));
    let host = flow.nodes[task].clone();
    let mut added = FlowNode::new(
        "T_new",
        NodeKind::ServiceTask,
        "发送通知",
        host.x + 20.0,
        host.y + 20.0,
    );
    added.parent = host.parent.clone();
    flow.nodes.push(added);
    flow.edges.push(FlowEdge {
        condition: Some("${approved}".into()),
        ..FlowEdge::new("F_new", EdgeKind::SequenceFlow, &task_id, "T_new")
    });
    let out = from_flow(&flow, Some(&m));
    let xml = export(&out);
    let again = import(xml.as_bytes()).unwrap();
    let s = summary(&again).join("\n");
    assert!(
        s.contains(&format!("userTask Some(\"{task_id}\") Some(\"审核资料\")")),
        "{s}"
    );
    assert!(
        !s.contains(&format!("Some(\"{removed}\")")),
        "{removed} still there:\n{s}"
    );
    assert!(
        s.contains("serviceTask Some(\"T_new\") Some(\"发送通知\")"),
        "{s}"
    );
    assert!(s.contains("cond=Some(\"${approved}\")"), "{s}");
    // The new task is drawn, and its flow has a route.
    let back = to_flow(&again);
    assert!(back.nodes.iter().any(|n| n.id == "T_new"));
    let e = back
        .edges
        .iter()
        .find(|e| e.id == "F_new")
        .expect("F_new drawn");
    assert!(e.waypoints.len() >= 2);
    // Extension content and vendor attributes are still there.
    let mut after_foreign = common::foreign_content(&again);
    let mut before_foreign = before_foreign;
    after_foreign.sort();
    before_foreign.sort();
    let lost: Vec<_> = before_foreign
        .iter()
        .filter(|f| !after_foreign.contains(f))
        .collect();
    let new: Vec<_> = after_foreign
        .iter()
        .filter(|f| !before_foreign.contains(f))
        .collect();
    assert!(
        after_foreign == before_foreign,
        "extension content changed: lost {lost:?}, new {new:?}"
    );
    // The new task is in the same process and lane as the task it follows.
    let container = |m: &BpmnModel, id: &str| {
        m.flow_elements()
            .iter()
            .find(|c| c.element.id() == Some(id))
            .map(|c| c.container.to_string())
    };
    assert_eq!(container(&again, "T_new"), container(&again, &task_id));
    validates(&xml, "canvas-edits");
}

fn validates(xml: &str, what: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{what}.bpmn"));
    std::fs::write(&path, xml).unwrap();
    let r = xmllint(std::slice::from_ref(&path));
    assert!(r[0].is_ok(), "{what} does not validate: {:?}\n{xml}", r[0]);
}

#[test]
fn a_canvas_drawn_in_triloop_exports_as_valid_bpmn() {
    let mut pool = FlowNode::new("Pool_bank", NodeKind::Pool, "银行", 0.0, 0.0);
    pool.w = 900.0;
    pool.h = 400.0;
    pool.process_ref = Some("Process_bank".into());
    let mut customer = FlowNode::new("Pool_customer", NodeKind::Pool, "客户", 0.0, 500.0);
    customer.w = 900.0;
    customer.h = 150.0;
    let mut start = FlowNode::new("S", NodeKind::StartEvent, "收到申请", 80.0, 80.0);
    start.event_definition = Some(EventDefinition::Message);
    let task = FlowNode::new("T", NodeKind::UserTask, "审核", 200.0, 62.0);
    let mut gw = FlowNode::new("G", NodeKind::ExclusiveGateway, "通过?", 380.0, 73.0);
    gw.default_flow = Some("F3".into());
    let end = FlowNode::new("E", NodeKind::EndEvent, "", 500.0, 80.0);
    let end2 = FlowNode::new("E2", NodeKind::EndEvent, "拒绝", 500.0, 260.0);
    let mut timer = FlowNode::new("B", NodeKind::BoundaryEvent, "", 260.0, 116.0);
    timer.attached_to = Some("T".into());
    timer.event_definition = Some(EventDefinition::Timer);
    timer.interrupting = Some(false);
    let data = FlowNode::new("D", NodeKind::DataObjectReference, "申请表", 220.0, 250.0);
    let note = FlowNode::new("N", NodeKind::TextAnnotation, "两个工作日内", 600.0, 250.0);
    let mut sub = FlowNode::new("SP", NodeKind::SubProcess, "补件", 650.0, 60.0);
    sub.expanded = Some(false);
    let asker = FlowNode::new("C1", NodeKind::SendTask, "提交", 100.0, 540.0);
    let flow = Flow {
        nodes: vec![
            pool, customer, start, task, gw, end, end2, timer, data, note, sub, asker,
        ],
        edges: vec![
            FlowEdge::new("F1", EdgeKind::SequenceFlow, "S", "T"),
            FlowEdge::new("F2", EdgeKind::SequenceFlow, "T", "G"),
            FlowEdge::new("F3", EdgeKind::SequenceFlow, "G", "E"),
            FlowEdge {
                condition: Some("${rejected}".into()),
                name: "否".into(),
                waypoints: vec![
                    Point { x: 405.0, y: 123.0 },
                    Point { x: 405.0, y: 278.0 },
                    Point { x: 500.0, y: 278.0 },
                ],
                ..FlowEdge::new("F4", EdgeKind::SequenceFlow, "G", "E2")
            },
            FlowEdge::new("F5", EdgeKind::SequenceFlow, "B", "SP"),
            FlowEdge::new("M1", EdgeKind::MessageFlow, "C1", "S"),
            FlowEdge::new("A1", EdgeKind::DataInputAssociation, "D", "T"),
            FlowEdge::new("A2", EdgeKind::Association, "N", "G"),
        ],
        lanes: vec![
            Lane {
                x: Some(30.0),
                w: Some(870.0),
                pool: Some("Pool_bank".into()),
                ..Lane::band("L1", "客户经理", 0.0, 200.0)
            },
            Lane {
                x: Some(30.0),
                w: Some(870.0),
                pool: Some("Pool_bank".into()),
                ..Lane::band("L2", "风险经理", 200.0, 200.0)
            },
        ],
    };
    let m = from_flow(&flow, None);
    let xml = export(&m);
    validates(&xml, "drawn");
    let again = import(xml.as_bytes()).unwrap();
    let s = summary(&again).join("\n");
    for expected in [
        "Process_bank startEvent Some(\"S\") Some(\"收到申请\")",
        "messageEventDefinition",
        "Process_bank boundaryEvent Some(\"B\")",
        "attached=Some(\"T\") cancel=Some(false)",
        "timerEventDefinition",
        "Process_bank exclusiveGateway Some(\"G\") Some(\"通过?\") default=Some(\"F3\")",
        "cond=Some(\"${rejected}\")",
        "Process_Pool_customer sendTask Some(\"C1\")",
        "Process_bank lane L1 Some(\"客户经理\")",
    ] {
        assert!(s.contains(expected), "missing {expected:?} in\n{s}");
    }
    // Lanes hold the nodes whose centre they contain.
    let refs = |lane: &str| -> Vec<String> {
        let p = again.processes().find(|p| p.id == "Process_bank").unwrap();
        p.content
            .iter()
            .find_map(|c| match c {
                formats::bpmn::FlowContent::LaneSet(ls) => ls
                    .lanes
                    .iter()
                    .find(|l| l.id == lane)
                    .map(|l| l.flow_node_refs.clone()),
                _ => None,
            })
            .unwrap()
    };
    assert_eq!(refs("L1"), ["S", "T", "G", "E", "B", "SP"]);
    assert_eq!(refs("L2"), ["E2"]);
    // And back onto a canvas: same elements, same geometry.
    let back = to_flow(&again);
    for n in &flow.nodes {
        let b = back
            .nodes
            .iter()
            .find(|b| b.id == n.id)
            .unwrap_or_else(|| panic!("{} lost", n.id));
        assert_eq!(
            (b.kind, b.x, b.y, b.w, b.h, &b.name),
            (n.kind, n.x, n.y, n.w, n.h, &n.name),
            "{}",
            n.id
        );
        assert_eq!(b.event_definition, n.event_definition, "{}", n.id);
    }
    for e in &flow.edges {
        let b = back
            .edges
            .iter()
            .find(|b| b.id == e.id)
            .unwrap_or_else(|| panic!("{} lost", e.id));
        assert_eq!(
            (b.kind, &b.source, &b.target),
            (e.kind, &e.source, &e.target),
            "{}",
            e.id
        );
        assert!(b.waypoints.len() >= 2, "{} has no route", e.id);
    }
    assert_eq!(
        back.edges.iter().find(|e| e.id == "F4").unwrap().waypoints,
        flow.edges[3].waypoints
    );
    assert_eq!(back.lanes.len(), 2);
}

/// The first place two JSON values differ, as a path and the two values (shortened).
fn json_diff(a: &serde_json::Value, b: &serde_json::Value, path: &str) -> Option<String> {
    use serde_json::Value;
    let short = |v: &Value| {
        let s = v.to_string();
        if s.len() > 300 {
            format!(
                "{}…",
                &s[..s.char_indices().nth(300).map_or(s.len(), |(i, _)| i)]
            )
        } else {
            s
        }
    };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                let (va, vb) = (
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                );
                if let Some(d) = json_diff(va, vb, &format!("{path}.{k}")) {
                    return Some(d);
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                if let Some(d) = json_diff(va, vb, &format!("{path}[{i}]")) {
                    return Some(d);
                }
            }
            (x.len() != y.len()).then(|| format!("{path}: {} vs {} items", x.len(), y.len()))
        }
        _ => (a != b).then(|| format!("{path}: {} vs {}", short(a), short(b))),
    }
}
