//! Between a BPMN file and a flow document's canvas.
//!
//! [`to_flow`] takes what the first diagram draws (pools, lanes, flow nodes, data, artifacts
//! and their connections, with bounds and waypoints) into a [`Flow`]. [`from_flow`] writes a
//! flow back as BPMN: starting from the model it was imported from (kept in the document),
//! it updates what the canvas changed (names, kinds, event definitions, conditions,
//! defaults, containers, lanes, bounds, waypoints), removes what the canvas removed, adds
//! what it added, and leaves everything else as it was: extension elements, vendor
//! attributes, documentation, root elements, elements the first diagram does not draw.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use model::flow::{
    EdgeKind, EventDefinition, Flow, FlowEdge, FlowNode, Lane, NodeKind, Point as FlowPoint,
};

use super::model::*;

/// The element kinds of the canvas and of BPMN name the same things; this maps the
/// flow-node kinds one to one.
fn node_kind_to_bpmn(k: NodeKind) -> Option<FlowNodeKind> {
    FlowNodeKind::from_local_name(k.as_str())
}

fn bpmn_to_node_kind(k: FlowNodeKind) -> NodeKind {
    NodeKind::parse(k.local_name()).unwrap_or(NodeKind::Task)
}

fn def_to_bpmn(d: EventDefinition) -> EventDefinitionKind {
    match d {
        EventDefinition::Message => EventDefinitionKind::Message,
        EventDefinition::Timer => EventDefinitionKind::Timer,
        EventDefinition::Error => EventDefinitionKind::Error,
        EventDefinition::Signal => EventDefinitionKind::Signal,
        EventDefinition::Escalation => EventDefinitionKind::Escalation,
        EventDefinition::Compensate => EventDefinitionKind::Compensate,
        EventDefinition::Conditional => EventDefinitionKind::Conditional,
        EventDefinition::Link => EventDefinitionKind::Link,
        EventDefinition::Terminate => EventDefinitionKind::Terminate,
        EventDefinition::Cancel => EventDefinitionKind::Cancel,
    }
}

pub(super) fn bpmn_to_def(d: EventDefinitionKind) -> EventDefinition {
    match d {
        EventDefinitionKind::Message => EventDefinition::Message,
        EventDefinitionKind::Timer => EventDefinition::Timer,
        EventDefinitionKind::Error => EventDefinition::Error,
        EventDefinitionKind::Signal => EventDefinition::Signal,
        EventDefinitionKind::Escalation => EventDefinition::Escalation,
        EventDefinitionKind::Compensate => EventDefinition::Compensate,
        EventDefinitionKind::Conditional => EventDefinition::Conditional,
        EventDefinitionKind::Link => EventDefinition::Link,
        EventDefinitionKind::Terminate => EventDefinition::Terminate,
        EventDefinitionKind::Cancel => EventDefinition::Cancel,
    }
}

/// The DI of the first diagram, by model element id.
#[derive(Default)]
struct Drawn<'a> {
    shapes: HashMap<&'a str, &'a Shape>,
    edges: HashMap<&'a str, &'a Edge>,
}

fn first_plane(model: &BpmnModel) -> Option<&Plane> {
    model.diagrams().next().and_then(|d| d.plane.as_ref())
}

fn drawn(model: &BpmnModel) -> Drawn<'_> {
    let mut d = Drawn::default();
    if let Some(plane) = first_plane(model) {
        for c in &plane.content {
            match c {
                PlaneContent::Shape(s) => {
                    if let (Some(id), Some(_)) = (s.bpmn_element.as_deref(), s.bounds) {
                        d.shapes.entry(id).or_insert(s);
                    }
                }
                PlaneContent::Edge(e) => {
                    if let Some(id) = e.bpmn_element.as_deref() {
                        d.edges.entry(id).or_insert(e);
                    }
                }
                PlaneContent::Raw(_) => {}
            }
        }
    }
    d
}

/// Whether the file has any diagram information; a file without needs a layout first.
pub fn has_diagram(model: &BpmnModel) -> bool {
    first_plane(model).is_some_and(|p| {
        p.content
            .iter()
            .any(|c| matches!(c, PlaneContent::Shape(s) if s.bounds.is_some()))
    })
}

fn node_at(id: &str, kind: NodeKind, name: Option<&str>, b: Bounds) -> FlowNode {
    let mut n = FlowNode::new(id, kind, name.unwrap_or_default(), b.x, b.y);
    n.w = if b.width > 0.0 { b.width } else { n.w };
    n.h = if b.height > 0.0 { b.height } else { n.h };
    n
}

fn points(e: &Edge) -> Vec<FlowPoint> {
    e.waypoints
        .iter()
        .filter(|p| p.x.is_finite() && p.y.is_finite())
        .map(|p| FlowPoint { x: p.x, y: p.y })
        .collect()
}

/// The canvas of a BPMN model: every element its first diagram draws.
pub fn to_flow(model: &BpmnModel) -> Flow {
    let d = drawn(model);
    let mut flow = Flow::default();
    let mut edges: Vec<FlowEdge> = Vec::new();
    let mut pool_of_process: HashMap<&str, &str> = HashMap::new();

    for col in model.collaborations() {
        for c in &col.content {
            match c {
                CollaborationContent::Participant(p) => {
                    if let Some(s) = d.shapes.get(p.id.as_str()) {
                        let mut n = node_at(
                            &p.id,
                            NodeKind::Pool,
                            p.name.as_deref(),
                            s.bounds.unwrap_or_default(),
                        );
                        n.process_ref = p.process_ref.clone();
                        if let Some(pr) = p.process_ref.as_deref() {
                            pool_of_process.insert(pr, &p.id);
                        }
                        flow.nodes.push(n);
                    }
                }
                CollaborationContent::MessageFlow(m) => edges.push(FlowEdge {
                    name: m.name.clone().unwrap_or_default(),
                    waypoints: d
                        .edges
                        .get(m.id.as_str())
                        .map(|e| points(e))
                        .unwrap_or_default(),
                    ..FlowEdge::new(&m.id, EdgeKind::MessageFlow, m.source(), m.target())
                }),
                CollaborationContent::TextAnnotation(t) => annotation(&d, t, None, &mut flow),
                CollaborationContent::Association(a) => association(&d, a, &mut edges),
                CollaborationContent::Group(g) => group(&d, g, None, &mut flow),
                CollaborationContent::Raw(_) => {}
            }
        }
    }
    for p in model.processes() {
        walk_flow(
            &d,
            &p.id,
            pool_of_process.get(p.id.as_str()).copied(),
            &p.content,
            &mut flow,
            &mut edges,
        );
    }
    // Only connections the diagram draws, whose ends are both on the canvas.
    edges.retain(|e| d.edges.contains_key(e.id.as_str()));
    let on_canvas: BTreeSet<&str> = flow.nodes.iter().map(|n| n.id.as_str()).collect();
    edges.retain(|e| {
        on_canvas.contains(e.source.as_str())
            && on_canvas.contains(e.target.as_str())
            && e.source != e.target
    });
    let mut seen = BTreeSet::new();
    edges.retain(|e| seen.insert(e.id.clone()));
    flow.edges = edges;
    flow
}

fn annotation(d: &Drawn, t: &TextAnnotation, parent: Option<&str>, flow: &mut Flow) {
    if let Some(s) = d.shapes.get(t.id.as_str()) {
        let text = t.text.as_ref().map(|m| m.to_text()).unwrap_or_default();
        let mut n = node_at(
            &t.id,
            NodeKind::TextAnnotation,
            Some(&text),
            s.bounds.unwrap_or_default(),
        );
        n.parent = parent.map(str::to_string);
        flow.nodes.push(n);
    }
}

fn group(d: &Drawn, g: &Group, parent: Option<&str>, flow: &mut Flow) {
    if let Some(s) = d.shapes.get(g.id.as_str()) {
        let mut n = node_at(
            &g.id,
            NodeKind::Group,
            g.extra.attr("name"),
            s.bounds.unwrap_or_default(),
        );
        n.parent = parent.map(str::to_string);
        flow.nodes.push(n);
    }
}

fn association(d: &Drawn, a: &Association, edges: &mut Vec<FlowEdge>) {
    if let (Some(s), Some(t)) = (&a.source_ref, &a.target_ref) {
        edges.push(FlowEdge {
            waypoints: d
                .edges
                .get(a.id.as_str())
                .map(|e| points(e))
                .unwrap_or_default(),
            ..FlowEdge::new(&a.id, EdgeKind::Association, s, t)
        });
    }
}

fn walk_flow(
    d: &Drawn,
    container: &str,
    pool: Option<&str>,
    content: &[FlowContent],
    flow: &mut Flow,
    edges: &mut Vec<FlowEdge>,
) {
    for c in content {
        match c {
            FlowContent::LaneSet(ls) => lanes(d, ls, pool, None, flow),
            FlowContent::FlowNode(n) => {
                if let Some(s) = d.shapes.get(n.id.as_str()) {
                    let mut f = node_at(
                        &n.id,
                        bpmn_to_node_kind(n.kind),
                        n.name.as_deref(),
                        s.bounds.unwrap_or_default(),
                    );
                    f.parent = Some(container.to_string());
                    f.event_definition = n.event_definitions().next().map(|e| bpmn_to_def(e.kind));
                    f.attached_to = n.attached_to_ref.clone();
                    f.default_flow = n.default_flow.clone();
                    f.triggered_by_event = n.triggered_by_event;
                    if n.kind.is_sub_process() {
                        f.expanded = Some(s.is_expanded.unwrap_or(!n.children.is_empty()));
                    }
                    f.interrupting = match n.kind {
                        FlowNodeKind::BoundaryEvent => n.cancel_activity,
                        FlowNodeKind::StartEvent => {
                            n.extra.attr("isInterrupting").map(|v| v.trim() != "false")
                        }
                        _ => None,
                    };
                    flow.nodes.push(f);
                }
                for item in &n.content {
                    match item {
                        NodeContent::DataInputAssociation(a) => {
                            if let (Some(id), Some(src)) = (&a.id, a.source_refs.first()) {
                                edges.push(FlowEdge {
                                    waypoints: d
                                        .edges
                                        .get(id.as_str())
                                        .map(|e| points(e))
                                        .unwrap_or_default(),
                                    ..FlowEdge::new(id, EdgeKind::DataInputAssociation, src, &n.id)
                                });
                            }
                        }
                        NodeContent::DataOutputAssociation(a) => {
                            if let (Some(id), Some(tgt)) = (&a.id, &a.target_ref) {
                                edges.push(FlowEdge {
                                    waypoints: d
                                        .edges
                                        .get(id.as_str())
                                        .map(|e| points(e))
                                        .unwrap_or_default(),
                                    ..FlowEdge::new(id, EdgeKind::DataOutputAssociation, &n.id, tgt)
                                });
                            }
                        }
                        _ => {}
                    }
                }
                if !n.children.is_empty() {
                    walk_flow(d, &n.id, pool, &n.children, flow, edges);
                }
            }
            FlowContent::SequenceFlow(f) => edges.push(FlowEdge {
                name: f.name.clone().unwrap_or_default(),
                condition: f.condition.as_ref().map(|c| c.to_text()),
                waypoints: d
                    .edges
                    .get(f.id.as_str())
                    .map(|e| points(e))
                    .unwrap_or_default(),
                ..FlowEdge::new(&f.id, EdgeKind::SequenceFlow, f.source(), f.target())
            }),
            FlowContent::DataObjectReference(r) => {
                if let Some(s) = d.shapes.get(r.id.as_str()) {
                    let mut f = node_at(
                        &r.id,
                        NodeKind::DataObjectReference,
                        r.name.as_deref(),
                        s.bounds.unwrap_or_default(),
                    );
                    f.parent = Some(container.to_string());
                    flow.nodes.push(f);
                }
            }
            FlowContent::DataStoreReference(r) => {
                if let Some(s) = d.shapes.get(r.id.as_str()) {
                    let mut f = node_at(
                        &r.id,
                        NodeKind::DataStoreReference,
                        r.name.as_deref(),
                        s.bounds.unwrap_or_default(),
                    );
                    f.parent = Some(container.to_string());
                    flow.nodes.push(f);
                }
            }
            FlowContent::TextAnnotation(t) => annotation(d, t, Some(container), flow),
            FlowContent::Association(a) => association(d, a, edges),
            FlowContent::Group(g) => group(d, g, Some(container), flow),
            FlowContent::DataObject(_) | FlowContent::Raw(_) => {}
        }
    }
}

fn lanes(d: &Drawn, ls: &LaneSet, pool: Option<&str>, parent: Option<&str>, flow: &mut Flow) {
    for l in &ls.lanes {
        if let Some(s) = d.shapes.get(l.id.as_str()) {
            let b = s.bounds.unwrap_or_default();
            flow.lanes.push(Lane {
                id: l.id.clone(),
                name: l.name.clone().unwrap_or_default(),
                x: Some(b.x),
                y: b.y,
                w: Some(b.width).filter(|w| *w > 0.0),
                h: if b.height > 0.0 { b.height } else { 100.0 },
                pool: pool.map(str::to_string),
                parent_lane: parent.map(str::to_string),
            });
        }
        if let Some(child) = &l.child_lane_set {
            lanes(d, child, pool, Some(&l.id), flow);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------------

/// The process a canvas drawn in Triloop (without pools) is written as.
pub const DEFAULT_PROCESS_ID: &str = "Process_1";
const COLLABORATION_ID: &str = "Collaboration_1";

/// A flow as a BPMN model, on top of the model it was imported from (`source`), if any.
pub fn from_flow(flow: &Flow, source: Option<&BpmnModel>) -> BpmnModel {
    let mut model = source.cloned().unwrap_or_else(|| {
        let mut m = BpmnModel::new("Definitions_1", "http://triloop.app/bpmn");
        m.exporter = Some("Triloop".into());
        m
    });
    model.warnings.clear();
    let canvas = Canvas::new(flow);
    // What the canvas showed when it was imported: an element the canvas no longer has
    // was removed; an element it never showed is kept as it is.
    let shown: BTreeSet<String> = source
        .map(|m| {
            let f = to_flow(m);
            f.nodes
                .iter()
                .map(|n| n.id.clone())
                .chain(f.edges.iter().map(|e| e.id.clone()))
                .chain(f.lanes.iter().map(|l| l.id.clone()))
                .collect()
        })
        .unwrap_or_default();
    let old_bounds: HashMap<String, Bounds> = source
        .map(|m| {
            drawn(m)
                .shapes
                .iter()
                .filter_map(|(id, s)| Some((id.to_string(), s.bounds?)))
                .collect()
        })
        .unwrap_or_default();

    // Where every canvas element belongs now.
    let containers = canvas.containers(&model, &old_bounds);
    let prefixes = prefixes(&mut model);
    ensure_processes(&mut model, &canvas, &containers);

    // 1. Update or remove what was there; collect what must move to another container.
    let mut moving: Vec<(String, FlowContent)> = Vec::new();
    let mut placed: BTreeSet<String> = BTreeSet::new();
    for c in model.content.iter_mut() {
        match c {
            DefinitionsContent::Process(p) => {
                let pid = p.id.clone();
                update_flow_content(
                    &pid,
                    &mut p.content,
                    &canvas,
                    &shown,
                    &containers,
                    &mut moving,
                    &mut placed,
                    &prefixes,
                );
            }
            DefinitionsContent::Collaboration(col) => {
                update_collaboration(col, &canvas, &shown, &mut placed);
            }
            _ => {}
        }
    }
    // 2. Add what is new, and what moved, to its container.
    for n in &flow.nodes {
        if placed.contains(&n.id) || n.kind == NodeKind::Pool {
            continue;
        }
        if let Some(item) = new_node_content(n) {
            moving.push((
                containers
                    .get(&n.id)
                    .cloned()
                    .unwrap_or_else(|| DEFAULT_PROCESS_ID.into()),
                item,
            ));
        }
    }
    for e in &flow.edges {
        if placed.contains(&e.id) {
            continue;
        }
        match e.kind {
            EdgeKind::SequenceFlow | EdgeKind::Association => {
                let target = containers
                    .get(&e.source)
                    .or_else(|| containers.get(&e.target))
                    .cloned()
                    .unwrap_or_else(|| DEFAULT_PROCESS_ID.into());
                moving.push((target, new_edge_content(e, &prefixes)));
            }
            _ => {}
        }
    }
    // Grouped by container, so that each container is found and filled once: one at a
    // time, a flow of 10,000 new elements took quadratic time here.
    let mut by_container: Vec<(String, Vec<FlowContent>)> = Vec::new();
    let mut slot: HashMap<String, usize> = HashMap::new();
    for (container, item) in moving {
        let i = *slot.entry(container.clone()).or_insert_with(|| {
            by_container.push((container, Vec::new()));
            by_container.len() - 1
        });
        by_container[i].1.push(item);
    }
    for (container, items) in by_container {
        if let Some(content) = container_content(&mut model, &container) {
            insert_ordered(content, items);
        }
    }
    add_new_data_associations(&mut model, flow, &placed);
    add_new_collaboration_items(&mut model, flow, &placed);
    update_lanes(&mut model, &canvas, &shown, &old_bounds);
    write_diagram(&mut model, flow, &canvas, &shown, source.is_some());
    model
}

/// The canvas by id, with the geometry questions export asks.
struct Canvas<'a> {
    nodes: BTreeMap<&'a str, &'a FlowNode>,
    edges: BTreeMap<&'a str, &'a FlowEdge>,
    lanes: BTreeMap<&'a str, &'a Lane>,
    /// The pools and the expanded sub-processes, found once: every element asks which of
    /// them it lies in (asking all nodes each time made export quadratic).
    pools: Vec<&'a FlowNode>,
    expanded_subs: Vec<&'a FlowNode>,
    flow: &'a Flow,
}

fn centre(n: &FlowNode) -> (f64, f64) {
    (n.x + n.w / 2.0, n.y + n.h / 2.0)
}

fn inside(n: &FlowNode, (x, y): (f64, f64)) -> bool {
    x >= n.x && x <= n.x + n.w && y >= n.y && y <= n.y + n.h
}

impl<'a> Canvas<'a> {
    fn new(flow: &'a Flow) -> Self {
        Canvas {
            nodes: flow.nodes.iter().map(|n| (n.id.as_str(), n)).collect(),
            edges: flow.edges.iter().map(|e| (e.id.as_str(), e)).collect(),
            lanes: flow.lanes.iter().map(|l| (l.id.as_str(), l)).collect(),
            pools: flow
                .nodes
                .iter()
                .filter(|n| n.kind == NodeKind::Pool)
                .collect(),
            expanded_subs: flow
                .nodes
                .iter()
                .filter(|s| s.kind.is_sub_process() && s.expanded == Some(true))
                .collect(),
            flow,
        }
    }

    /// The process a pool holds (`Process_<pool id>` when none is set).
    fn pool_process(pool: &FlowNode) -> String {
        pool.process_ref
            .clone()
            .unwrap_or_else(|| format!("Process_{}", pool.id))
    }

    /// The smallest pool around a point.
    fn pool_at(&self, p: (f64, f64)) -> Option<&'a FlowNode> {
        self.pools
            .iter()
            .copied()
            .filter(|n| inside(n, p))
            .min_by(|a, b| (a.w * a.h).total_cmp(&(b.w * b.h)))
    }

    /// Where each canvas element (other than pools) belongs: a process or sub-process id.
    /// A node keeps the sub-process it was in; otherwise the innermost expanded
    /// sub-process around it, else the pool around it, else the process it came from, else
    /// the flow's own process.
    fn containers(
        &self,
        model: &BpmnModel,
        old_bounds: &HashMap<String, Bounds>,
    ) -> BTreeMap<String, String> {
        let processes: BTreeSet<&str> = model.processes().map(|p| p.id.as_str()).collect();
        let known: BTreeSet<String> = model
            .flow_elements()
            .iter()
            .filter_map(|c| c.element.id().map(str::to_string))
            .chain(processes.iter().map(|p| p.to_string()))
            .collect();
        let mut out = BTreeMap::new();
        for n in &self.flow.nodes {
            if n.kind == NodeKind::Pool {
                continue;
            }
            let kept_sub = n
                .parent
                .as_deref()
                .filter(|p| self.nodes.get(p).is_some_and(|s| s.kind.is_sub_process()));
            let c = centre(n);
            let unmoved = old_bounds
                .get(&n.id)
                .is_some_and(|b| same_bounds(*b, bounds_of(n)));
            let container = if let Some(sub) = kept_sub {
                sub.to_string()
            } else if let Some(p) = n
                .parent
                .as_deref()
                .filter(|p| unmoved && known.contains(*p))
            {
                // Where the file put it, as long as it has not been moved.
                p.to_string()
            } else if let Some(host) = n.attached_to.as_deref().and_then(|h| self.nodes.get(h)) {
                // A boundary event lives where its activity does; resolved below.
                format!("@{}", host.id)
            } else if let Some(sub) = self
                .expanded_subs
                .iter()
                .copied()
                .filter(|s| s.id != n.id && inside(s, c) && (s.w * s.h) > (n.w * n.h))
                .min_by(|a, b| (a.w * a.h).total_cmp(&(b.w * b.h)))
            {
                sub.id.clone()
            } else if let Some(pool) = self.pool_at(c) {
                Self::pool_process(pool)
            } else if let Some(p) = n.parent.as_deref().filter(|p| processes.contains(p)) {
                p.to_string()
            } else {
                DEFAULT_PROCESS_ID.to_string()
            };
            out.insert(n.id.clone(), container);
        }
        // Boundary events follow their host.
        let hosts: Vec<(String, String)> = out
            .iter()
            .filter_map(|(id, c)| c.strip_prefix('@').map(|h| (id.clone(), h.to_string())))
            .collect();
        for (id, host) in hosts {
            let c = out
                .get(&host)
                .cloned()
                .filter(|c| !c.starts_with('@'))
                .unwrap_or_else(|| DEFAULT_PROCESS_ID.into());
            out.insert(id, c);
        }
        out
    }
}

/// Creates the processes (and the collaboration for pools) the canvas needs.
fn ensure_processes(model: &mut BpmnModel, canvas: &Canvas, containers: &BTreeMap<String, String>) {
    let existing: BTreeSet<String> = model.processes().map(|p| p.id.clone()).collect();
    let mut needed: BTreeSet<String> = containers
        .values()
        .filter(|c| !canvas.nodes.contains_key(c.as_str()))
        .cloned()
        .collect();
    for n in canvas
        .flow
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Pool)
    {
        needed.insert(Canvas::pool_process(n));
    }
    // The flow's own process exists as soon as the canvas has anything outside pools.
    let mut insert_at = model
        .content
        .iter()
        .position(|c| matches!(c, DefinitionsContent::Diagram(_)))
        .unwrap_or(model.content.len());
    for id in needed {
        if existing.contains(&id) {
            continue;
        }
        let name = canvas
            .flow
            .nodes
            .iter()
            .find(|n| n.kind == NodeKind::Pool && Canvas::pool_process(n) == id)
            .map(|p| p.name.clone())
            .filter(|n| !n.is_empty());
        model.content.insert(
            insert_at,
            DefinitionsContent::Process(Process {
                id,
                name,
                is_executable: Some(false),
                ..Process::default()
            }),
        );
        insert_at += 1;
    }
}

fn merge_name(new: &str, old: Option<&str>) -> Option<String> {
    if new.is_empty() {
        old.filter(|o| o.is_empty()).map(str::to_string)
    } else {
        Some(new.to_string())
    }
}

/// `xsi:type="…:tFormalExpression"` with the prefixes the file declares on its root.
fn xsi_type_expression(prefixes: &Prefixes) -> Extra {
    let value = if prefixes.model.is_empty() {
        "tFormalExpression".to_string()
    } else {
        format!("{}:tFormalExpression", prefixes.model)
    };
    Extra {
        ns_decls: Vec::new(),
        attrs: vec![XmlAttr {
            ns: Some(XSI_NS.into()),
            prefix: Some(prefixes.xsi.clone()),
            local: "type".into(),
            value,
        }],
    }
}

/// The prefixes new elements and attributes are written with.
struct Prefixes {
    model: String,
    xsi: String,
}

/// Declares the XML Schema instance namespace on the root when the file has not.
fn prefixes(model: &mut BpmnModel) -> Prefixes {
    let xsi = match model
        .namespaces
        .iter()
        .find(|d| d.uri == XSI_NS && !d.prefix.is_empty())
    {
        Some(d) => d.prefix.clone(),
        None => {
            let mut p = "xsi".to_string();
            while model.namespaces.iter().any(|d| d.prefix == p) {
                p.push('_');
            }
            model.namespaces.push(NsDecl {
                prefix: p.clone(),
                uri: XSI_NS.into(),
            });
            p
        }
    };
    Prefixes {
        model: model.prefix.clone(),
        xsi,
    }
}

/// The typed fields of a flow node set from the canvas.
fn update_node(n: &mut FlowNode2, f: &FlowNode) {
    if let Some(kind) = node_kind_to_bpmn(f.kind) {
        n.kind = kind;
    }
    n.name = merge_name(&f.name, n.name.as_deref());
    n.default_flow = f.default_flow.clone();
    if n.kind == FlowNodeKind::BoundaryEvent {
        n.attached_to_ref = f.attached_to.clone().or(n.attached_to_ref.take());
        n.cancel_activity = f.interrupting;
    } else {
        n.attached_to_ref = None;
        n.cancel_activity = None;
    }
    if n.kind.is_sub_process() {
        n.triggered_by_event = f.triggered_by_event;
    }
    if n.kind.is_event() {
        let current = n.event_definitions().next().map(|d| d.kind);
        let wanted = f.event_definition.map(def_to_bpmn);
        if current != wanted {
            n.content
                .retain(|c| !matches!(c, NodeContent::EventDefinition(_)));
            if let Some(kind) = wanted {
                // Event definitions come after documentation, extensions and data
                // associations, as BPMN's schema orders them.
                let at = n
                    .content
                    .iter()
                    .position(|c| matches!(c, NodeContent::Raw(XmlNode::Element(e)) if e.local == "eventDefinitionRef"))
                    .unwrap_or(n.content.len());
                n.content.insert(
                    at,
                    NodeContent::EventDefinition(EventDefinition2 {
                        kind,
                        id: Some(format!("{}_{}", n.id, kind.local_name())),
                        extra: Extra::default(),
                        content: Vec::new(),
                    }),
                );
            }
        }
    } else {
        n.content
            .retain(|c| !matches!(c, NodeContent::EventDefinition(_)));
    }
}

type FlowNode2 = super::model::FlowNode;
type EventDefinition2 = super::model::EventDefinition;

fn new_node_content(n: &FlowNode) -> Option<FlowContent> {
    let name = (!n.name.is_empty()).then(|| n.name.clone());
    Some(match n.kind {
        NodeKind::Pool => return None,
        NodeKind::DataObjectReference => FlowContent::DataObjectReference(DataObjectReference {
            id: n.id.clone(),
            name,
            ..DataObjectReference::default()
        }),
        NodeKind::DataStoreReference => FlowContent::DataStoreReference(DataStoreReference {
            id: n.id.clone(),
            name,
            ..DataStoreReference::default()
        }),
        NodeKind::TextAnnotation => FlowContent::TextAnnotation(TextAnnotation {
            id: n.id.clone(),
            text: Some(MixedContent::text(n.name.clone())),
            ..TextAnnotation::default()
        }),
        NodeKind::Group => FlowContent::Group(Group {
            id: n.id.clone(),
            ..Group::default()
        }),
        k => {
            let mut node = FlowNode2::new(node_kind_to_bpmn(k)?, n.id.clone());
            update_node(&mut node, n);
            FlowContent::FlowNode(node)
        }
    })
}

fn new_edge_content(e: &FlowEdge, prefixes: &Prefixes) -> FlowContent {
    match e.kind {
        EdgeKind::Association => FlowContent::Association(Association {
            id: e.id.clone(),
            source_ref: Some(e.source.clone()),
            target_ref: Some(e.target.clone()),
            ..Association::default()
        }),
        _ => {
            let mut f = SequenceFlow::new(&e.id, &e.source, &e.target);
            update_sequence_flow(&mut f, e, prefixes);
            FlowContent::SequenceFlow(f)
        }
    }
}

fn update_sequence_flow(f: &mut SequenceFlow, e: &FlowEdge, prefixes: &Prefixes) {
    f.name = merge_name(&e.name, f.name.as_deref());
    // Written from the canvas: a flow imported without proper ends gets them here once a
    // person connects it.
    f.source_ref = Some(e.source.clone());
    f.target_ref = Some(e.target.clone());
    match e.condition.as_deref() {
        None => f.condition = None,
        Some(text) => match &mut f.condition {
            Some(c) if c.to_text() == text => {}
            Some(c) => c.content = vec![XmlNode::Text(text.to_string())],
            None => {
                f.condition = Some(MixedContent {
                    extra: xsi_type_expression(prefixes),
                    content: vec![XmlNode::Text(text.to_string())],
                })
            }
        },
    }
}

/// Walks a process's or sub-process's content: updates the elements the canvas has,
/// drops those it removed, and takes out those that now belong elsewhere.
#[allow(clippy::too_many_arguments)]
fn update_flow_content(
    container: &str,
    content: &mut Vec<FlowContent>,
    canvas: &Canvas,
    shown: &BTreeSet<String>,
    containers: &BTreeMap<String, String>,
    moving: &mut Vec<(String, FlowContent)>,
    placed: &mut BTreeSet<String>,
    prefixes: &Prefixes,
) {
    let old = std::mem::take(content);
    for mut item in old {
        let id = match &item {
            FlowContent::LaneSet(_) | FlowContent::DataObject(_) | FlowContent::Raw(_) => None,
            other => other.id().map(str::to_string),
        };
        let Some(id) = id else {
            content.push(item);
            continue;
        };
        let on_canvas_node = canvas.nodes.get(id.as_str()).copied();
        let on_canvas_edge = canvas.edges.get(id.as_str()).copied();
        if on_canvas_node.is_none() && on_canvas_edge.is_none() {
            if shown.contains(&id) {
                continue; // removed on the canvas
            }
            // Never shown: kept as it is, with its own content walked (a collapsed
            // sub-process drawn elsewhere keeps its children).
            content.push(item);
            continue;
        }
        match (&mut item, on_canvas_node, on_canvas_edge) {
            (FlowContent::FlowNode(n), Some(f), _) => {
                update_node(n, f);
                if !n.children.is_empty() || f.kind.is_sub_process() {
                    let own = n.id.clone();
                    update_flow_content(
                        &own,
                        &mut n.children,
                        canvas,
                        shown,
                        containers,
                        moving,
                        placed,
                        prefixes,
                    );
                }
            }
            (FlowContent::DataObjectReference(r), Some(f), _) => {
                r.name = merge_name(&f.name, r.name.as_deref())
            }
            (FlowContent::DataStoreReference(r), Some(f), _) => {
                r.name = merge_name(&f.name, r.name.as_deref())
            }
            (FlowContent::TextAnnotation(t), Some(f), _) => {
                let same = t.text.as_ref().map(|m| m.to_text()).unwrap_or_default() == f.name;
                if !same {
                    let extra = t.text.take().map(|m| m.extra).unwrap_or_default();
                    t.text = Some(MixedContent {
                        extra,
                        content: vec![XmlNode::Text(f.name.clone())],
                    });
                }
            }
            (FlowContent::SequenceFlow(s), _, Some(e)) => update_sequence_flow(s, e, prefixes),
            (FlowContent::Association(a), _, Some(e)) => {
                a.source_ref = Some(e.source.clone());
                a.target_ref = Some(e.target.clone());
            }
            _ => {}
        }
        placed.insert(id.clone());
        // Where it belongs now: nodes by the canvas, connections with their source.
        let wanted = match (on_canvas_node, on_canvas_edge) {
            (Some(_), _) => containers.get(&id).cloned(),
            (_, Some(e)) if matches!(e.kind, EdgeKind::SequenceFlow) => {
                containers.get(&e.source).cloned()
            }
            _ => None,
        };
        match wanted {
            Some(w) if w != container => moving.push((w, item)),
            _ => content.push(item),
        }
    }
    // Data associations live inside their activity.
    for item in content.iter_mut() {
        if let FlowContent::FlowNode(n) = item {
            n.content.retain(|c| match c {
                NodeContent::DataInputAssociation(a) | NodeContent::DataOutputAssociation(a) => {
                    match &a.id {
                        Some(id)
                            if shown.contains(id) && !canvas.edges.contains_key(id.as_str()) =>
                        {
                            false
                        }
                        Some(id) => {
                            if canvas.edges.contains_key(id.as_str()) {
                                placed.insert(id.clone());
                            }
                            true
                        }
                        None => true,
                    }
                }
                _ => true,
            });
        }
    }
}

fn update_collaboration(
    col: &mut Collaboration,
    canvas: &Canvas,
    shown: &BTreeSet<String>,
    placed: &mut BTreeSet<String>,
) {
    col.content.retain_mut(|c| {
        let id = match c {
            CollaborationContent::Participant(p) => p.id.clone(),
            CollaborationContent::MessageFlow(m) => m.id.clone(),
            CollaborationContent::TextAnnotation(t) => t.id.clone(),
            CollaborationContent::Association(a) => a.id.clone(),
            CollaborationContent::Group(g) => g.id.clone(),
            CollaborationContent::Raw(_) => return true,
        };
        let node = canvas.nodes.get(id.as_str()).copied();
        let edge = canvas.edges.get(id.as_str()).copied();
        if node.is_none() && edge.is_none() {
            return !shown.contains(&id);
        }
        placed.insert(id);
        match (c, node, edge) {
            (CollaborationContent::Participant(p), Some(f), _) => {
                p.name = merge_name(&f.name, p.name.as_deref());
                if f.process_ref.is_some() {
                    p.process_ref = f.process_ref.clone();
                } else if p.process_ref.is_none() {
                    p.process_ref = Some(Canvas::pool_process(f));
                }
            }
            (CollaborationContent::MessageFlow(m), _, Some(e)) => {
                m.name = merge_name(&e.name, m.name.as_deref());
                m.source_ref = Some(e.source.clone());
                m.target_ref = Some(e.target.clone());
            }
            (CollaborationContent::TextAnnotation(t), Some(f), _) => {
                if t.text.as_ref().map(|m| m.to_text()).unwrap_or_default() != f.name {
                    let extra = t.text.take().map(|m| m.extra).unwrap_or_default();
                    t.text = Some(MixedContent {
                        extra,
                        content: vec![XmlNode::Text(f.name.clone())],
                    });
                }
            }
            (CollaborationContent::Association(a), _, Some(e)) => {
                a.source_ref = Some(e.source.clone());
                a.target_ref = Some(e.target.clone());
            }
            _ => {}
        }
        true
    });
}

fn is_artifact(c: &FlowContent) -> bool {
    matches!(
        c,
        FlowContent::TextAnnotation(_) | FlowContent::Association(_) | FlowContent::Group(_)
    )
}

/// Adds to a process's content where BPMN's schema wants it: lane sets first, then flow
/// elements, then artifacts; each in the order given.
fn insert_ordered(content: &mut Vec<FlowContent>, items: Vec<FlowContent>) {
    let (artifacts, elements): (Vec<_>, Vec<_>) = items.into_iter().partition(is_artifact);
    let at = content
        .iter()
        .position(is_artifact)
        .unwrap_or(content.len());
    content.splice(at..at, elements);
    content.extend(artifacts);
}

/// Equal up to what a trip through JSON and JavaScript may change.
fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

fn same_bounds(a: Bounds, b: Bounds) -> bool {
    same(a.x, b.x) && same(a.y, b.y) && same(a.width, b.width) && same(a.height, b.height)
}

/// The content list of a process or (sub-process) flow node, by id.
fn container_content<'m>(model: &'m mut BpmnModel, id: &str) -> Option<&'m mut Vec<FlowContent>> {
    fn find<'c>(content: &'c mut [FlowContent], id: &str) -> Option<&'c mut Vec<FlowContent>> {
        for c in content.iter_mut() {
            if let FlowContent::FlowNode(n) = c {
                if n.id == id {
                    return Some(&mut n.children);
                }
                if let Some(found) = find(&mut n.children, id) {
                    return Some(found);
                }
            }
        }
        None
    }
    fn holds(content: &[FlowContent], id: &str) -> bool {
        content.iter().any(|c| match c {
            FlowContent::FlowNode(n) => n.id == id || holds(&n.children, id),
            _ => false,
        })
    }
    let i = model.content.iter().position(
        |c| matches!(c, DefinitionsContent::Process(p) if p.id == id || holds(&p.content, id)),
    )?;
    match &mut model.content[i] {
        DefinitionsContent::Process(p) => {
            if p.id == id {
                Some(&mut p.content)
            } else {
                find(&mut p.content, id)
            }
        }
        _ => None,
    }
}

fn flow_node_mut<'m>(model: &'m mut BpmnModel, id: &str) -> Option<&'m mut FlowNode2> {
    fn find<'c>(content: &'c mut [FlowContent], id: &str) -> Option<&'c mut FlowNode2> {
        for c in content.iter_mut() {
            if let FlowContent::FlowNode(n) = c {
                if n.id == id {
                    return Some(n);
                }
                if let Some(found) = find(&mut n.children, id) {
                    return Some(found);
                }
            }
        }
        None
    }
    model.content.iter_mut().find_map(|c| match c {
        DefinitionsContent::Process(p) => find(&mut p.content, id),
        _ => None,
    })
}

fn add_new_data_associations(model: &mut BpmnModel, flow: &Flow, placed: &BTreeSet<String>) {
    let model_prefix = model.prefix.clone();
    for e in &flow.edges {
        if placed.contains(&e.id) {
            continue;
        }
        let (owner, item) = match e.kind {
            EdgeKind::DataInputAssociation => (
                &e.target,
                NodeContent::DataInputAssociation(DataAssociation {
                    id: Some(e.id.clone()),
                    source_refs: vec![e.source.clone()],
                    // BPMN wants a target inside the activity: a property, as other
                    // modelers write it.
                    target_ref: Some(format!("{}_target", e.id)),
                    ..DataAssociation::default()
                }),
            ),
            EdgeKind::DataOutputAssociation => (
                &e.source,
                NodeContent::DataOutputAssociation(DataAssociation {
                    id: Some(e.id.clone()),
                    target_ref: Some(e.target.clone()),
                    ..DataAssociation::default()
                }),
            ),
            _ => continue,
        };
        if let Some(n) = flow_node_mut(model, owner) {
            if let NodeContent::DataInputAssociation(a) = &item
                && let Some(target) = &a.target_ref
            {
                let property = XmlElement {
                    ns: Some(MODEL_NS.into()),
                    prefix: Some(model_prefix.clone()),
                    local: "property".into(),
                    ns_decls: Vec::new(),
                    attrs: vec![
                        XmlAttr::new("id", target.clone()),
                        XmlAttr::new("name", "__targetRef_placeholder"),
                    ],
                    children: Vec::new(),
                };
                // Properties come before the data associations.
                let at = n
                    .content
                    .iter()
                    .position(|c| {
                        matches!(
                            c,
                            NodeContent::DataInputAssociation(_)
                                | NodeContent::DataOutputAssociation(_)
                                | NodeContent::EventDefinition(_)
                        )
                    })
                    .unwrap_or(n.content.len());
                n.content
                    .insert(at, NodeContent::Raw(XmlNode::Element(property)));
            }
            // Data associations come after the other children but before event definitions.
            let at = n
                .content
                .iter()
                .position(|c| matches!(c, NodeContent::EventDefinition(_)))
                .unwrap_or(n.content.len());
            n.content.insert(at, item);
        }
    }
}

fn add_new_collaboration_items(model: &mut BpmnModel, flow: &Flow, placed: &BTreeSet<String>) {
    let new_pools: Vec<&FlowNode> = flow
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Pool && !placed.contains(&n.id))
        .collect();
    let new_messages: Vec<&FlowEdge> = flow
        .edges
        .iter()
        .filter(|e| e.kind == EdgeKind::MessageFlow && !placed.contains(&e.id))
        .collect();
    if new_pools.is_empty() && new_messages.is_empty() {
        return;
    }
    if model.collaborations().next().is_none() {
        let at = model
            .content
            .iter()
            .position(|c| {
                matches!(
                    c,
                    DefinitionsContent::Process(_) | DefinitionsContent::Diagram(_)
                )
            })
            .unwrap_or(model.content.len());
        model.content.insert(
            at,
            DefinitionsContent::Collaboration(Collaboration {
                id: COLLABORATION_ID.into(),
                ..Collaboration::default()
            }),
        );
    }
    let Some(col) = model.content.iter_mut().find_map(|c| match c {
        DefinitionsContent::Collaboration(c) => Some(c),
        _ => None,
    }) else {
        return;
    };
    // Participants come before message flows.
    let mut at = col
        .content
        .iter()
        .rposition(|c| matches!(c, CollaborationContent::Participant(_)))
        .map(|i| i + 1)
        .unwrap_or(0);
    for p in new_pools {
        col.content.insert(
            at,
            CollaborationContent::Participant(Participant {
                id: p.id.clone(),
                name: (!p.name.is_empty()).then(|| p.name.clone()),
                process_ref: Some(Canvas::pool_process(p)),
                ..Participant::default()
            }),
        );
        at += 1;
    }
    for m in new_messages {
        col.content.insert(
            at,
            CollaborationContent::MessageFlow(MessageFlow {
                id: m.id.clone(),
                name: (!m.name.is_empty()).then(|| m.name.clone()),
                source_ref: Some(m.source.clone()),
                target_ref: Some(m.target.clone()),
                ..MessageFlow::default()
            }),
        );
        at += 1;
    }
}

/// Lanes: names from the canvas; removed lanes go; new lanes join their pool's process; a
/// flow node that moved or is new belongs to the lanes around its centre.
fn update_lanes(
    model: &mut BpmnModel,
    canvas: &Canvas,
    shown: &BTreeSet<String>,
    old_bounds: &HashMap<String, Bounds>,
) {
    let moved: BTreeSet<&str> = canvas
        .flow
        .nodes
        .iter()
        .filter(|n| n.kind.is_flow_node())
        .filter(|n| match old_bounds.get(&n.id) {
            Some(b) => !same_bounds(*b, bounds_of(n)),
            None => true,
        })
        .map(|n| n.id.as_str())
        .collect();
    let lane_has = |l: &model::flow::Lane, n: &FlowNode| {
        let (x, y) = centre(n);
        let (lx, lw) = (l.x.unwrap_or(f64::MIN / 4.0), l.w.unwrap_or(f64::MAX / 2.0));
        x >= lx && x <= lx + lw && y >= l.y && y <= l.y + l.h
    };
    fn walk(ls: &mut LaneSet, f: &mut dyn FnMut(&mut super::model::Lane) -> bool) {
        ls.lanes.retain_mut(|l| {
            let keep = f(l);
            if let Some(child) = &mut l.child_lane_set {
                walk(child, f);
            }
            keep
        });
    }
    let mut present: BTreeSet<String> = BTreeSet::new();
    for c in model.content.iter_mut() {
        let DefinitionsContent::Process(p) = c else {
            continue;
        };
        for item in p.content.iter_mut() {
            let FlowContent::LaneSet(ls) = item else {
                continue;
            };
            walk(ls, &mut |l| {
                let Some(cl) = canvas.lanes.get(l.id.as_str()) else {
                    return !shown.contains(&l.id);
                };
                present.insert(l.id.clone());
                l.name = merge_name(&cl.name, l.name.as_deref());
                l.flow_node_refs.retain(|r| {
                    !moved.contains(r.as_str())
                        && (canvas.nodes.contains_key(r.as_str()) || !shown.contains(r))
                });
                for n in canvas
                    .flow
                    .nodes
                    .iter()
                    .filter(|n| moved.contains(n.id.as_str()))
                {
                    if lane_has(cl, n) && !l.flow_node_refs.contains(&n.id) {
                        l.flow_node_refs.push(n.id.clone());
                    }
                }
                true
            });
        }
    }
    // New lanes: into their pool's process (or the flow's own process), nested under
    // their parent lane when it exists.
    for l in canvas
        .flow
        .lanes
        .iter()
        .filter(|l| !present.contains(&l.id))
    {
        let process = l
            .pool
            .as_deref()
            .and_then(|p| canvas.nodes.get(p))
            .map(|p| Canvas::pool_process(p))
            .unwrap_or_else(|| DEFAULT_PROCESS_ID.into());
        let refs: Vec<String> = canvas
            .flow
            .nodes
            .iter()
            .filter(|n| n.kind.is_flow_node() && lane_has(l, n))
            .map(|n| n.id.clone())
            .collect();
        let lane = super::model::Lane {
            id: l.id.clone(),
            name: (!l.name.is_empty()).then(|| l.name.clone()),
            flow_node_refs: refs,
            ..super::model::Lane::default()
        };
        let Some(content) = container_content(model, &process) else {
            continue;
        };
        // The process's lane set, created first (BPMN wants lane sets before flow elements).
        if !content.iter().any(|c| matches!(c, FlowContent::LaneSet(_))) {
            content.insert(
                0,
                FlowContent::LaneSet(LaneSet {
                    id: Some(format!("LaneSet_{process}")),
                    ..LaneSet::default()
                }),
            );
        }
        if let Some(set) = content.iter_mut().find_map(|c| match c {
            FlowContent::LaneSet(ls) => Some(ls),
            _ => None,
        }) {
            set.lanes.push(lane);
        }
    }
}

fn bounds_of(n: &FlowNode) -> Bounds {
    Bounds {
        x: n.x,
        y: n.y,
        width: n.w,
        height: n.h,
    }
}

/// An orthogonal route between two shapes, from border to border.
pub fn route(a: Bounds, b: Bounds) -> Vec<(f64, f64)> {
    let (ax, ay) = (a.x + a.width / 2.0, a.y + a.height / 2.0);
    let (bx, by) = (b.x + b.width / 2.0, b.y + b.height / 2.0);
    if b.x >= a.x + a.width {
        // Left to right: leave on the right, enter on the left, one elbow in the middle.
        let (sx, tx) = (a.x + a.width, b.x);
        if (ay - by).abs() < 1.0 {
            return vec![(sx, ay), (tx, ay)];
        }
        let mx = (sx + tx) / 2.0;
        vec![(sx, ay), (mx, ay), (mx, by), (tx, by)]
    } else if a.x >= b.x + b.width {
        let (sx, tx) = (a.x, b.x + b.width);
        if (ay - by).abs() < 1.0 {
            return vec![(sx, ay), (tx, ay)];
        }
        let mx = (sx + tx) / 2.0;
        vec![(sx, ay), (mx, ay), (mx, by), (tx, by)]
    } else if by >= ay {
        // Overlapping columns: vertical, from bottom to top.
        let (sy, ty) = (a.y + a.height, b.y);
        let my = (sy + ty) / 2.0;
        if (ax - bx).abs() < 1.0 {
            return vec![(ax, sy), (bx, ty)];
        }
        vec![(ax, sy), (ax, my), (bx, my), (bx, ty)]
    } else {
        let (sy, ty) = (a.y, b.y + b.height);
        let my = (sy + ty) / 2.0;
        if (ax - bx).abs() < 1.0 {
            return vec![(ax, sy), (bx, ty)];
        }
        vec![(ax, sy), (ax, my), (bx, my), (bx, ty)]
    }
}

/// Rewrites the first diagram's plane: shapes and edges of canvas elements get the canvas's
/// geometry (keeping their ids, labels and extras), removed elements lose theirs, new ones
/// get new DI. Other diagrams are left alone.
fn write_diagram(
    model: &mut BpmnModel,
    flow: &Flow,
    canvas: &Canvas,
    shown: &BTreeSet<String>,
    had_source: bool,
) {
    let plane_element = model
        .collaborations()
        .next()
        .map(|c| c.id.clone())
        .or_else(|| model.processes().next().map(|p| p.id.clone()));
    if first_plane(model).is_none() {
        let at = model.content.len();
        let diagram = Diagram {
            id: Some("BPMNDiagram_1".into()),
            plane: Some(Plane {
                id: Some("BPMNPlane_1".into()),
                bpmn_element: plane_element.clone(),
                ..Plane::default()
            }),
            ..Diagram::default()
        };
        // Replace an empty diagram, else add one.
        if let Some(i) = model
            .content
            .iter()
            .position(|c| matches!(c, DefinitionsContent::Diagram(_)))
        {
            model.content[i] = DefinitionsContent::Diagram(diagram);
        } else {
            model
                .content
                .insert(at, DefinitionsContent::Diagram(diagram));
        }
    }
    let Some(plane) = model.content.iter_mut().find_map(|c| match c {
        DefinitionsContent::Diagram(d) => d.plane.as_mut(),
        _ => None,
    }) else {
        return;
    };
    if plane.bpmn_element.is_none() || !had_source {
        plane.bpmn_element = plane_element.or(plane.bpmn_element.take());
    }
    let with_children: BTreeSet<String> = model_sub_processes_with_children(model);
    let Some(plane) = model.content.iter_mut().find_map(|c| match c {
        DefinitionsContent::Diagram(d) => d.plane.as_mut(),
        _ => None,
    }) else {
        return;
    };
    let node_bounds = |id: &str| canvas.nodes.get(id).map(|n| bounds_of(n));
    let mut drawn_ids: BTreeSet<String> = BTreeSet::new();
    plane.content.retain_mut(|c| match c {
        PlaneContent::Shape(s) => {
            let Some(id) = s.bpmn_element.clone() else {
                return true;
            };
            if let Some(n) = canvas.nodes.get(id.as_str()) {
                if !drawn_ids.insert(id.clone()) {
                    return true;
                }
                let new = bounds_of(n);
                if s.bounds.is_some_and(|old| same_bounds(old, new)) {
                    // Unchanged (up to rounding): the file keeps its own numbers.
                } else {
                    if let (Some(old), Some(label)) = (s.bounds, s.label.as_mut())
                        && let Some(lb) = label.bounds.as_mut()
                    {
                        lb.x += new.x - old.x;
                        lb.y += new.y - old.y;
                    }
                    s.bounds = Some(new);
                }
                // A file that leaves isExpanded out means "expanded when it has content".
                let implied = Some(with_children.contains(n.id.as_str()));
                if n.kind.is_sub_process() && (s.is_expanded.is_some() || n.expanded != implied) {
                    s.is_expanded = n.expanded.or(s.is_expanded);
                }
                true
            } else if let Some(l) = canvas.lanes.get(id.as_str()) {
                drawn_ids.insert(id.clone());
                let new = lane_bounds(l, canvas);
                if !s.bounds.is_some_and(|old| same_bounds(old, new)) {
                    s.bounds = Some(new);
                }
                true
            } else {
                !shown.contains(&id)
            }
        }
        PlaneContent::Edge(e) => {
            let Some(id) = e.bpmn_element.clone() else {
                return true;
            };
            if let Some(fe) = canvas.edges.get(id.as_str()) {
                if !drawn_ids.insert(id.clone()) {
                    return true;
                }
                let new = edge_points(fe, &node_bounds);
                let unchanged = e.waypoints.len() == new.len()
                    && e.waypoints
                        .iter()
                        .zip(&new)
                        .all(|(p, q)| same(p.x, q.0) && same(p.y, q.1));
                if !unchanged {
                    e.waypoints = new
                        .into_iter()
                        .map(|(x, y)| Point {
                            x,
                            y,
                            extra: Extra::default(),
                        })
                        .collect();
                    // The label was placed for the old route.
                    if let Some(l) = e.label.as_mut() {
                        l.bounds = None;
                    }
                }
                true
            } else {
                !shown.contains(&id)
            }
        }
        PlaneContent::Raw(_) => true,
    });
    for n in &flow.nodes {
        if drawn_ids.contains(&n.id) {
            continue;
        }
        plane.content.push(PlaneContent::Shape(Shape {
            id: Some(format!("{}_di", n.id)),
            bpmn_element: Some(n.id.clone()),
            is_horizontal: (n.kind == NodeKind::Pool).then_some(true),
            is_expanded: if n.kind.is_sub_process() {
                n.expanded
            } else {
                None
            },
            bounds: Some(bounds_of(n)),
            ..Shape::default()
        }));
    }
    for l in &flow.lanes {
        if drawn_ids.contains(&l.id) {
            continue;
        }
        plane.content.push(PlaneContent::Shape(Shape {
            id: Some(format!("{}_di", l.id)),
            bpmn_element: Some(l.id.clone()),
            is_horizontal: Some(true),
            bounds: Some(lane_bounds(l, canvas)),
            ..Shape::default()
        }));
    }
    for e in &flow.edges {
        if drawn_ids.contains(&e.id) {
            continue;
        }
        plane.content.push(PlaneContent::Edge(Edge {
            id: Some(format!("{}_di", e.id)),
            bpmn_element: Some(e.id.clone()),
            waypoints: edge_points(e, &node_bounds)
                .into_iter()
                .map(|(x, y)| Point {
                    x,
                    y,
                    extra: Extra::default(),
                })
                .collect(),
            ..Edge::default()
        }));
    }
    // Pools and lanes first, then the rest, as BPMN tools draw them (the order of the plane
    // is the drawing order).
    let rank = |c: &PlaneContent| match c {
        PlaneContent::Shape(s) => match s.bpmn_element.as_deref() {
            Some(id)
                if canvas
                    .nodes
                    .get(id)
                    .is_some_and(|n| n.kind == NodeKind::Pool) =>
            {
                0
            }
            Some(id) if canvas.lanes.contains_key(id) => 1,
            _ => 2,
        },
        _ => 2,
    };
    if !had_source {
        plane.content.sort_by_key(|c| rank(c));
    }
}

fn model_sub_processes_with_children(model: &BpmnModel) -> BTreeSet<String> {
    model
        .flow_elements()
        .iter()
        .filter_map(|c| match c.element {
            FlowContent::FlowNode(n) if !n.children.is_empty() => Some(n.id.clone()),
            _ => None,
        })
        .collect()
}

/// A lane's bounds: its own, or across its pool, or across the whole canvas.
fn lane_bounds(l: &Lane, canvas: &Canvas) -> Bounds {
    let pool = l.pool.as_deref().and_then(|p| canvas.nodes.get(p));
    let (x, w) = match (l.x, l.w, pool) {
        (Some(x), Some(w), _) => (x, w),
        (_, _, Some(p)) => (p.x + 30.0, p.w - 30.0),
        _ => {
            let min = canvas
                .flow
                .nodes
                .iter()
                .map(|n| n.x)
                .fold(f64::INFINITY, f64::min);
            let max = canvas
                .flow
                .nodes
                .iter()
                .map(|n| n.x + n.w)
                .fold(f64::NEG_INFINITY, f64::max);
            if min.is_finite() && max.is_finite() {
                (min - 80.0, max - min + 160.0)
            } else {
                (0.0, 600.0)
            }
        }
    };
    Bounds {
        x,
        y: l.y,
        width: w.max(1.0),
        height: l.h,
    }
}

fn edge_points(e: &FlowEdge, node_bounds: &dyn Fn(&str) -> Option<Bounds>) -> Vec<(f64, f64)> {
    if e.waypoints.len() >= 2 {
        return e.waypoints.iter().map(|p| (p.x, p.y)).collect();
    }
    match (node_bounds(&e.source), node_bounds(&e.target)) {
        (Some(a), Some(b)) => route(a, b),
        _ => Vec::new(),
    }
}
