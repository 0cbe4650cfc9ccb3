//! Automatic layout (`formats::bpmn::layout::ensure_layout`): every MIWG reference model with
//! its diagrams removed, a hand-written model with lanes and a loop, a generated process of
//! a few thousand nodes, models that already have DI, and models that have part of it.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use common::*;
use formats::bpmn::layout::{LayoutReport, ensure_layout};
use formats::bpmn::*;
use petgraph::graph::{DiGraph, NodeIndex};

fn strip_di(m: &BpmnModel) -> BpmnModel {
    let mut m = m.clone();
    m.content
        .retain(|c| !matches!(c, DefinitionsContent::Diagram(_)));
    m
}

/// Every shape and edge of every diagram, by the element it draws.
fn shapes(m: &BpmnModel) -> HashMap<String, Vec<Shape>> {
    let mut out: HashMap<String, Vec<Shape>> = HashMap::new();
    for d in m.diagrams() {
        for c in d.plane.iter().flat_map(|p| p.content.iter()) {
            if let PlaneContent::Shape(s) = c
                && let Some(e) = &s.bpmn_element
            {
                out.entry(e.clone()).or_default().push(s.clone());
            }
        }
    }
    out
}

fn edges(m: &BpmnModel) -> HashMap<String, Vec<Edge>> {
    let mut out: HashMap<String, Vec<Edge>> = HashMap::new();
    for d in m.diagrams() {
        for c in d.plane.iter().flat_map(|p| p.content.iter()) {
            if let PlaneContent::Edge(e) = c
                && let Some(el) = &e.bpmn_element
            {
                out.entry(el.clone()).or_default().push(e.clone());
            }
        }
    }
    out
}

fn bounds_of(m: &BpmnModel, id: &str) -> Bounds {
    let s = shapes(m);
    let v = s.get(id).unwrap_or_else(|| panic!("no shape for {id}"));
    assert_eq!(v.len(), 1, "{id}: {} shapes", v.len());
    v[0].bounds.expect("bounds")
}

/// The elements the layout must draw when their shape is missing: flow nodes, data
/// references and annotations (and, in MIWG, a process's data inputs and outputs).
fn is_checked_kind(m: &BpmnModel, id: &str) -> bool {
    m.flow_elements().iter().any(|c| {
        c.element.id() == Some(id)
            && matches!(
                c.element,
                FlowContent::FlowNode(_)
                    | FlowContent::DataObjectReference(_)
                    | FlowContent::DataStoreReference(_)
                    | FlowContent::TextAnnotation(_)
            )
    }) || m.collaborations().any(|col| {
        col.content
            .iter()
            .any(|c| matches!(c, CollaborationContent::TextAnnotation(t) if t.id == id))
    })
}

fn on_border(p: &Point, b: &Bounds) -> bool {
    let t = 1.0;
    let within =
        p.x >= b.x - t && p.x <= b.x + b.width + t && p.y >= b.y - t && p.y <= b.y + b.height + t;
    let strictly_inside =
        p.x > b.x + t && p.x < b.x + b.width - t && p.y > b.y + t && p.y < b.y + b.height - t;
    within && !strictly_inside
}

fn overlap(a: &Bounds, b: &Bounds) -> bool {
    let e = 0.01;
    a.x < b.x + b.width - e
        && b.x < a.x + a.width - e
        && a.y < b.y + b.height - e
        && b.y < a.y + a.height - e
}

fn inside(inner: &Bounds, outer: &Bounds) -> bool {
    let e = 0.5;
    inner.x >= outer.x - e
        && inner.y >= outer.y - e
        && inner.x + inner.width <= outer.x + outer.width + e
        && inner.y + inner.height <= outer.y + outer.height + e
}

/// Flow nodes of a process at every depth, with the ids of their enclosing sub-processes.
fn nodes_with_ancestors<'a>(
    content: &'a [FlowContent],
    ancestors: &mut Vec<&'a str>,
    out: &mut Vec<(&'a FlowNode, Vec<&'a str>)>,
) {
    for c in content {
        if let FlowContent::FlowNode(n) = c {
            out.push((n, ancestors.clone()));
            ancestors.push(&n.id);
            nodes_with_ancestors(&n.children, ancestors, out);
            ancestors.pop();
        }
    }
}

fn lanes<'a>(ls: &'a LaneSet, out: &mut Vec<&'a Lane>) {
    for l in &ls.lanes {
        out.push(l);
        if let Some(c) = &l.child_lane_set {
            lanes(c, out);
        }
    }
}

fn all_lanes(content: &[FlowContent]) -> Vec<&Lane> {
    let mut out = Vec::new();
    for c in content {
        match c {
            FlowContent::LaneSet(ls) => lanes(ls, &mut out),
            FlowContent::FlowNode(n) => out.extend(all_lanes(&n.children)),
            _ => {}
        }
    }
    out
}

/// The sequence-flow graph with an edge from every host to its boundary events.
fn flow_graph(m: &BpmnModel) -> (DiGraph<String, String>, HashMap<String, NodeIndex>) {
    let mut g = DiGraph::new();
    let mut ix: HashMap<String, NodeIndex> = HashMap::new();
    let mut node = |g: &mut DiGraph<String, String>, id: &str| {
        *ix.entry(id.to_string())
            .or_insert_with(|| g.add_node(id.to_string()))
    };
    for c in m.flow_elements() {
        match c.element {
            FlowContent::SequenceFlow(f) => {
                let (a, b) = (node(&mut g, f.source()), node(&mut g, f.target()));
                g.add_edge(a, b, f.id.clone());
            }
            FlowContent::FlowNode(n) => {
                if let (FlowNodeKind::BoundaryEvent, Some(h)) = (n.kind, &n.attached_to_ref) {
                    let (a, b) = (node(&mut g, h), node(&mut g, &n.id));
                    g.add_edge(a, b, format!("attached {}", n.id));
                }
            }
            _ => {}
        }
    }
    (g, ix)
}

/// Checks a laid-out model: `expected` are the elements that must now have exactly one shape.
fn check_layout(file: &str, expected: &BTreeSet<String>, m: &BpmnModel, report: &LayoutReport) {
    let shapes = shapes(m);
    let edges = edges(m);
    let one = |id: &str| -> Bounds {
        let v = shapes
            .get(id)
            .unwrap_or_else(|| panic!("{file}: {id} has no shape"));
        assert_eq!(v.len(), 1, "{file}: {id} has {} shapes", v.len());
        let b = v[0]
            .bounds
            .unwrap_or_else(|| panic!("{file}: {id} without bounds"));
        assert!(
            [b.x, b.y, b.width, b.height].iter().all(|v| v.is_finite())
                && b.width > 0.0
                && b.height > 0.0
                && b.x >= 0.0
                && b.y >= 0.0,
            "{file}: {id} has bounds {b:?}"
        );
        b
    };
    for id in expected {
        one(id);
    }
    // Every edge is orthogonal with at least two waypoints.
    for (id, v) in &edges {
        for e in v {
            assert!(
                e.waypoints.len() >= 2,
                "{file}: {id} has {} waypoints",
                e.waypoints.len()
            );
            for w in e.waypoints.windows(2) {
                assert!(
                    (w[0].x - w[1].x).abs() < 1e-6 || (w[0].y - w[1].y).abs() < 1e-6,
                    "{file}: {id} is not orthogonal: {:?}",
                    e.waypoints
                );
            }
        }
    }
    // Sequence flows: one edge from the border of the source to the border of the target.
    let backward: BTreeSet<&str> = report.backward_flows.iter().map(|s| s.as_str()).collect();
    let mut flows = 0;
    for c in m.flow_elements() {
        let FlowContent::SequenceFlow(f) = c.element else {
            continue;
        };
        flows += 1;
        let v = edges
            .get(&f.id)
            .unwrap_or_else(|| panic!("{file}: flow {} has no edge", f.id));
        assert_eq!(v.len(), 1, "{file}: flow {}", f.id);
        let w = &v[0].waypoints;
        let (s, t) = (one(f.source()), one(f.target()));
        assert!(
            on_border(&w[0], &s),
            "{file}: flow {} starts at {:?}, not on {s:?}",
            f.id,
            w[0]
        );
        assert!(
            on_border(&w[w.len() - 1], &t),
            "{file}: flow {} ends at {:?}, not on {t:?}",
            f.id,
            w[w.len() - 1]
        );
        if !backward.contains(f.id.as_str()) {
            assert!(
                t.x >= s.x + s.width - 1e-6,
                "{file}: flow {} goes right to left: {s:?} → {t:?}",
                f.id
            );
        }
    }
    // Reversed flows close a cycle; an acyclic graph has none.
    let (g, ix) = flow_graph(m);
    if !petgraph::algo::is_cyclic_directed(&g) {
        assert!(
            report.backward_flows.is_empty(),
            "{file}: acyclic, yet {:?} reversed",
            report.backward_flows
        );
    }
    for id in &report.backward_flows {
        let f = m
            .flow_elements()
            .into_iter()
            .find_map(|c| match c.element {
                FlowContent::SequenceFlow(f) if &f.id == id => Some(f),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{file}: backward flow {id} is not a sequence flow"));
        assert!(
            petgraph::algo::has_path_connecting(&g, ix[f.target()], ix[f.source()], None),
            "{file}: {id} was reversed but closes no cycle"
        );
    }
    // No two flow nodes of one process overlap (boundary events on their host and children in
    // their sub-process aside).
    for p in m.processes() {
        let mut nodes = Vec::new();
        nodes_with_ancestors(&p.content, &mut Vec::new(), &mut nodes);
        let placed: Vec<(&FlowNode, &Vec<&str>, Bounds)> = nodes
            .iter()
            .filter(|(n, _)| shapes.contains_key(&n.id))
            .map(|(n, a)| (*n, a, one(&n.id)))
            .collect();
        for (i, (a, aa, ab)) in placed.iter().enumerate() {
            for (b, ba, bb) in &placed[i + 1..] {
                let attached = a.attached_to_ref.as_deref() == Some(&b.id)
                    || b.attached_to_ref.as_deref() == Some(&a.id);
                let nested = aa.contains(&b.id.as_str()) || ba.contains(&a.id.as_str());
                if attached || nested {
                    continue;
                }
                assert!(
                    !overlap(ab, bb),
                    "{file}: {} {ab:?} overlaps {} {bb:?}",
                    a.id,
                    b.id
                );
            }
        }
        // Boundary events sit on the bottom border of their host.
        for (n, _, b) in &placed {
            if let Some(h) = &n.attached_to_ref
                && shapes.contains_key(h)
            {
                let hb = one(h);
                assert!(
                    (b.y + b.height / 2.0 - (hb.y + hb.height)).abs() < 1e-6
                        && b.x >= hb.x - 1e-6
                        && b.x + b.width <= hb.x + hb.width + 1e-6,
                    "{file}: boundary {} {b:?} not on the bottom of {h} {hb:?}",
                    n.id
                );
            }
        }
        // Every node a lane names lies inside the lane's band.
        for lane in all_lanes(&p.content) {
            let lb = one(&lane.id);
            for r in &lane.flow_node_refs {
                let r = r.trim();
                if shapes.contains_key(r) {
                    let nb = one(r);
                    assert!(
                        inside(&nb, &lb),
                        "{file}: {r} {nb:?} is outside its lane {} {lb:?}",
                        lane.id
                    );
                }
            }
        }
    }
    // Pools are horizontal and wrap their process's lanes.
    for col in m.collaborations() {
        for c in &col.content {
            let CollaborationContent::Participant(pa) = c else {
                continue;
            };
            if !shapes.contains_key(&pa.id) {
                continue;
            }
            let pb = one(&pa.id);
            let Some(p) = pa
                .process_ref
                .as_deref()
                .and_then(|r| m.processes().find(|p| p.id == r))
            else {
                continue;
            };
            if shapes[&pa.id][0].is_horizontal != Some(true) {
                continue; // drawn by the original file
            }
            for lane in all_lanes(&p.content) {
                if let Some(v) = shapes.get(&lane.id) {
                    let lb = v[0].bounds.expect("bounds");
                    assert!(
                        inside(&lb, &pb),
                        "{file}: lane {} outside pool {}",
                        lane.id,
                        pa.id
                    );
                    assert_eq!(v[0].is_horizontal, Some(true), "{file}: lane {}", lane.id);
                }
            }
        }
    }
    let _ = flows;
}

/// Export → import gives the same model, and the export is stable.
fn check_round_trip(file: &str, m: &BpmnModel) -> String {
    let out = export(m);
    let back = import(out.as_bytes()).unwrap_or_else(|e| panic!("{file}: re-import: {e}"));
    let strip = |m: &BpmnModel| BpmnModel {
        warnings: Vec::new(),
        ..m.clone()
    };
    assert!(
        strip(&back) == strip(m),
        "{file}: the laid-out model does not round-trip"
    );
    assert_eq!(export(&back), out, "{file}: export not stable");
    out
}

#[test]
fn miwg_models_without_di_get_a_complete_layout() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let paths = files(&fixtures().join("miwg-reference"), ".bpmn");
    assert!(paths.len() >= 16, "MIWG fixtures missing");
    let mut exported = Vec::new();
    let mut totals = (0, 0);
    for p in &paths {
        let file = name(p);
        let original = import(&std::fs::read(p).expect("read")).expect("import");
        let drawn: BTreeSet<String> = shapes(&original)
            .into_keys()
            .filter(|id| is_checked_kind(&original, id))
            .collect();
        assert!(!drawn.is_empty(), "{file}: nothing drawn in the original");
        let mut m = strip_di(&original);
        let report = ensure_layout(&mut m);
        assert!(report.diagram_created, "{file}");
        assert!(
            report.skipped.is_empty(),
            "{file}: skipped {:?}",
            report.skipped
        );
        assert_eq!(m.diagrams().count(), 1, "{file}");
        check_layout(&file, &drawn, &m, &report);
        // Every sequence flow, message flow and association of the original got an edge too.
        let e = edges(&m);
        for id in edges(&original).into_keys() {
            assert!(
                e.contains_key(&id),
                "{file}: {id} had an edge and has none now"
            );
        }
        let s = shapes(&m);
        for id in shapes(&original).into_keys() {
            let group = m
                .flow_elements()
                .iter()
                .any(|c| matches!(c.element, FlowContent::Group(g) if g.id == id))
                || m.collaborations().any(|col| {
                    col.content
                        .iter()
                        .any(|c| matches!(c, CollaborationContent::Group(g) if g.id == id))
                });
            // Groups are not drawn.
            if !group {
                assert!(
                    s.contains_key(&id),
                    "{file}: {id} had a shape and has none now"
                );
            }
        }
        totals.0 += report.shapes_added;
        totals.1 += report.edges_added;
        let out = check_round_trip(&file, &m);
        let path = tmp.path().join(&file);
        std::fs::write(&path, out).expect("write");
        exported.push(path);
        // A second pass has nothing left to do.
        let before = m.clone();
        let again = ensure_layout(&mut m);
        assert_eq!(again, LayoutReport::default(), "{file}");
        assert!(m == before, "{file}: a second layout changed the model");
    }
    assert!(totals.0 > 300 && totals.1 > 300, "{totals:?}");
    for (p, r) in exported.iter().zip(xmllint(&exported)) {
        if let Err(e) = r {
            panic!("{}: the laid-out export does not validate: {e:#?}", name(p));
        }
    }
}

const LANES: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Loan" targetNamespace="http://triloop.example/loan">
  <bpmn:collaboration id="Collab">
    <bpmn:participant id="Bank" name="银行" processRef="Loan_P"/>
  </bpmn:collaboration>
  <bpmn:process id="Loan_P" isExecutable="false">
    <bpmn:laneSet id="LS">
      <bpmn:lane id="L_cm" name="客户经理">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>collect</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>notify</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end</bpmn:flowNodeRef>
      </bpmn:lane>
      <bpmn:lane id="L_risk" name="风险经理">
        <bpmn:flowNodeRef>assess</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>ok</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" name="收到申请"/>
    <bpmn:userTask id="collect" name="收集资料"/>
    <bpmn:userTask id="assess" name="风险评估"/>
    <bpmn:exclusiveGateway id="ok" name="资料齐全?" default="f_no"/>
    <bpmn:userTask id="notify" name="通知客户"/>
    <bpmn:endEvent id="end" name="完成"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="collect"/>
    <bpmn:sequenceFlow id="f2" sourceRef="collect" targetRef="assess"/>
    <bpmn:sequenceFlow id="f3" sourceRef="assess" targetRef="ok"/>
    <bpmn:sequenceFlow id="f_yes" name="是" sourceRef="ok" targetRef="notify"/>
    <bpmn:sequenceFlow id="f_no" name="否" sourceRef="ok" targetRef="collect"/>
    <bpmn:sequenceFlow id="f5" sourceRef="notify" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
"#;

#[test]
fn lanes_and_a_loop_in_a_hand_written_model() {
    let mut m = import(LANES.as_bytes()).expect("import");
    let report = ensure_layout(&mut m);
    assert_eq!(report.shapes_added, 1 + 2 + 6, "{report}");
    assert_eq!(report.edges_added, 6, "{report}");
    assert_eq!(report.backward_flows, ["f_no"]);
    let all: BTreeSet<String> = ["start", "collect", "assess", "ok", "notify", "end"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    check_layout("lanes", &all, &m, &report);

    let b = |id: &str| bounds_of(&m, id);
    let (pool, cm, risk) = (b("Bank"), b("L_cm"), b("L_risk"));
    // The pool wraps both lanes, stacked in document order, each 30 in from the pool's left.
    assert!(inside(&cm, &pool) && inside(&risk, &pool));
    assert!(cm.y + cm.height <= risk.y + 1e-6, "{cm:?} {risk:?}");
    assert_eq!(cm.x, pool.x + 30.0);
    assert_eq!(risk.x, pool.x + 30.0);
    assert_eq!(cm.x + cm.width, pool.x + pool.width);
    for id in ["start", "collect", "notify", "end"] {
        assert!(inside(&b(id), &cm), "{id} not in 客户经理");
    }
    for id in ["assess", "ok"] {
        assert!(inside(&b(id), &risk), "{id} not in 风险经理");
    }
    // Left to right along the flow, each strictly after the previous one.
    let chain = ["start", "collect", "assess", "ok", "notify", "end"];
    for w in chain.windows(2) {
        let (s, t) = (b(w[0]), b(w[1]));
        assert!(
            t.x >= s.x + s.width + 40.0,
            "{} {s:?} then {} {t:?}",
            w[0],
            w[1]
        );
    }
    // The loop leaves the gateway and enters the task from below.
    let e = &edges(&m)["f_no"][0];
    let (g, c) = (b("ok"), b("collect"));
    let first = &e.waypoints[0];
    let last = &e.waypoints[e.waypoints.len() - 1];
    assert_eq!((first.x, first.y), (g.x + g.width / 2.0, g.y + g.height));
    assert_eq!((last.x, last.y), (c.x + c.width / 2.0, c.y + c.height));
    // It runs below the gateway, then up into the task (in the lane above).
    let below = e.waypoints[1].y;
    assert!(below > g.y + g.height, "{:?}", e.waypoints);
    assert_eq!(e.waypoints.len(), 4, "{:?}", e.waypoints);
    assert_eq!(e.waypoints[2].y, below);
    // The gateway shows its marker; the pool and lanes are horizontal.
    let s = shapes(&m);
    assert_eq!(s["ok"][0].is_marker_visible, Some(true));
    assert_eq!(s["Bank"][0].is_horizontal, Some(true));
    assert_eq!(s["L_cm"][0].is_horizontal, Some(true));
    assert_eq!(s["collect"][0].id.as_deref(), Some("collect_di"));
    let plane = m
        .diagrams()
        .next()
        .and_then(|d| d.plane.as_ref())
        .expect("plane");
    assert_eq!(plane.bpmn_element.as_deref(), Some("Collab"));
    // The export validates and the names survive.
    let out = check_round_trip("lanes", &m);
    assert!(out.contains("name=\"风险经理\""));
    let tmp = tempfile::tempdir().expect("temp dir");
    let path = tmp.path().join("lanes.bpmn");
    std::fs::write(&path, &out).expect("write");
    assert_eq!(xmllint(&[path]), vec![Ok(())]);
}

#[test]
fn a_model_with_full_di_is_unchanged() {
    // A laid-out model, and MIWG models whose first diagram draws everything the layout
    // draws.
    let mut m = import(LANES.as_bytes()).expect("import");
    ensure_layout(&mut m);
    let before = m.clone();
    assert_eq!(ensure_layout(&mut m), LayoutReport::default());
    assert!(m == before);
    for file in ["A.1.0.bpmn", "A.2.0.bpmn", "A.3.0.bpmn", "C.3.0.bpmn"] {
        let bytes = std::fs::read(fixtures().join("miwg-reference").join(file)).expect("read");
        let mut m = import(&bytes).expect("import");
        let before = m.clone();
        let report = ensure_layout(&mut m);
        assert_eq!(report, LayoutReport::default(), "{file}");
        assert!(m == before, "{file} changed");
        assert_eq!(export(&m), export(&before));
    }
}

#[test]
fn existing_di_is_kept_and_only_the_missing_elements_are_added() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut exported = Vec::new();
    for p in files(&fixtures().join("miwg-reference"), ".bpmn") {
        let file = name(&p);
        let original = import(&std::fs::read(&p).expect("read")).expect("import");
        let mut m = original.clone();
        let report = ensure_layout(&mut m);
        // The original diagrams are a prefix of the new ones, untouched.
        let (old, new): (Vec<&Diagram>, Vec<&Diagram>) =
            (original.diagrams().collect(), m.diagrams().collect());
        assert_eq!(old.len(), new.len(), "{file}");
        for (i, (a, b)) in old.iter().zip(&new).enumerate() {
            let (pa, pb) = (
                a.plane.as_ref().expect("plane"),
                b.plane.as_ref().expect("plane"),
            );
            assert_eq!(pa.content[..], pb.content[..pa.content.len()], "{file}");
            if i > 0 {
                assert!(a == b, "{file}: diagram {i} changed");
            }
            let added = pb.content.len() - pa.content.len();
            if i == 0 {
                assert_eq!(added, report.shapes_added + report.edges_added, "{file}");
            }
        }
        assert!(!report.diagram_created, "{file}");
        if report.shapes_added + report.edges_added > 0 {
            let path = tmp.path().join(&file);
            std::fs::write(&path, check_round_trip(&file, &m)).expect("write");
            exported.push(path);
        }
    }
    for (p, r) in exported.iter().zip(xmllint(&exported)) {
        assert!(r.is_ok(), "{}: {r:?}", name(p));
    }

    // Remove one task's shape and the edge of its incoming flow from a laid-out model: only
    // those come back, the task below the existing drawing, the flow joining the shapes.
    let mut m = import(LANES.as_bytes()).expect("import");
    ensure_layout(&mut m);
    let Some(DefinitionsContent::Diagram(d)) = m
        .content
        .iter_mut()
        .find(|c| matches!(c, DefinitionsContent::Diagram(_)))
    else {
        panic!("diagram")
    };
    let plane = d.plane.as_mut().expect("plane");
    plane.content.retain(|c| match c {
        PlaneContent::Shape(s) => s.bpmn_element.as_deref() != Some("notify"),
        PlaneContent::Edge(e) => e.bpmn_element.as_deref() != Some("f_yes"),
        PlaneContent::Raw(_) => true,
    });
    let kept = plane.content.clone();
    let bottom = kept
        .iter()
        .filter_map(|c| match c {
            PlaneContent::Shape(s) => s.bounds.map(|b| b.y + b.height),
            _ => None,
        })
        .fold(0.0, f64::max);
    let report = ensure_layout(&mut m);
    assert_eq!(
        (report.shapes_added, report.edges_added),
        (1, 1),
        "{report}"
    );
    let plane = m
        .diagrams()
        .next()
        .and_then(|d| d.plane.as_ref())
        .expect("plane");
    assert_eq!(plane.content[..kept.len()], kept[..]);
    let notify = bounds_of(&m, "notify");
    assert!(notify.y > bottom, "{notify:?} not below {bottom}");
    let e = &edges(&m)["f_yes"][0];
    assert!(on_border(&e.waypoints[0], &bounds_of(&m, "ok")));
    assert!(on_border(e.waypoints.last().expect("end"), &notify));
}

#[test]
fn new_di_ids_do_not_collide() {
    let xml = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="BPMNDiagram_1" targetNamespace="t">
  <process id="P"><task id="T"/><task id="T_di"/><task id="BPMNPlane_1"/><sequenceFlow id="F" sourceRef="T" targetRef="T_di"/></process>
</definitions>"#;
    let mut m = import(xml.as_bytes()).expect("import");
    let report = ensure_layout(&mut m);
    assert_eq!((report.shapes_added, report.edges_added), (3, 1));
    let d = m.diagrams().next().expect("diagram");
    assert_eq!(d.id.as_deref(), Some("BPMNDiagram_1_2"));
    let p = d.plane.as_ref().expect("plane");
    assert_eq!(p.id.as_deref(), Some("BPMNPlane_1_2"));
    assert_eq!(p.bpmn_element.as_deref(), Some("P"));
    let s = shapes(&m);
    assert_eq!(s["T"][0].id.as_deref(), Some("T_di_2"));
    assert_eq!(s["T_di"][0].id.as_deref(), Some("T_di_di"));
    let mut all: Vec<String> = p
        .content
        .iter()
        .filter_map(|c| match c {
            PlaneContent::Shape(s) => s.id.clone(),
            PlaneContent::Edge(e) => e.id.clone(),
            PlaneContent::Raw(_) => None,
        })
        .collect();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 4);
    check_round_trip("ids", &m);
}

#[test]
fn a_generated_process_of_thousands_of_nodes() {
    let xml = generate::without_di(2_000);
    let mut m = import(xml.as_bytes()).expect("import");
    assert!(m.diagrams().next().is_none());
    let expected: BTreeSet<String> = m
        .flow_elements()
        .iter()
        .filter(|c| {
            matches!(
                c.element,
                FlowContent::FlowNode(_)
                    | FlowContent::DataObjectReference(_)
                    | FlowContent::TextAnnotation(_)
            )
        })
        .filter_map(|c| c.element.id().map(str::to_string))
        .collect();
    assert!(expected.len() > 2_000, "{}", expected.len());
    let report = ensure_layout(&mut m);
    // One loop per segment, reversed; nothing else.
    let segments = 2_000 / 9;
    assert_eq!(report.backward_flows.len(), segments, "{report}");
    check_layout("generated", &expected, &m, &report);
    // Each segment's loop is the flow from its decision back to its first task.
    let flows: BTreeMap<String, (String, String)> = m
        .flow_elements()
        .iter()
        .filter_map(|c| match c.element {
            FlowContent::SequenceFlow(f) => Some((
                f.id.clone(),
                (f.source().to_string(), f.target().to_string()),
            )),
            _ => None,
        })
        .collect();
    for id in &report.backward_flows {
        let (s, t) = &flows[id];
        assert!(s.ends_with("_G3") && t.ends_with("_A"), "{id}: {s} → {t}");
    }
    check_round_trip("generated", &m);
}
