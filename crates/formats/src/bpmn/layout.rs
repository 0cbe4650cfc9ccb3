//! Automatic layout for BPMN models without (complete) diagram interchange.
//!
//! [`ensure_layout`] gives every drawable element that has no shape or edge in the first
//! diagram one, creating the diagram and its plane when the model has none; elements that
//! already have DI keep it exactly.
//!
//! What is drawn: pools (participants, horizontal, stacked vertically, each wrapping its
//! process), lanes (horizontal bands; nested lanes as bands inside their parent's band), every
//! flow node, expanded sub-processes with their children laid out inside them (a sub-process
//! that the existing diagram draws collapsed keeps its children undrawn), boundary events on
//! the bottom border of their host, data object and data store references, the data inputs
//! and outputs of a process's `ioSpecification`, text annotations; sequence flows, message
//! flows, associations and data associations (with an id) as orthogonal edges whose ends
//! touch the borders of the shapes they join. Groups and labels are not drawn.
//!
//! How: each process (and each expanded sub-process, recursively) is a layered drawing read
//! left to right. Cycles are broken by reversing the back edges of a depth-first search that
//! starts at the start events; nodes are ranked by the longest path from the sources;
//! long edges get one dummy per rank they cross; the order within a rank comes from a few
//! barycentre sweeps (keeping the order with the fewest crossings), grouped by lane band.
//! Columns are ranks (gap 50); rows are slots within a lane band, aligned with the
//! predecessor where the order allows. Nodes without sequence flows (event sub-processes,
//! the activities of an ad-hoc sub-process) go in rows below the columns of their band;
//! annotations and data go just below the node they are associated with.
//!
//! When the first diagram already draws some elements, the missing ones are laid out as above
//! and placed below everything it draws; edges to existing shapes are routed to where those
//! shapes are.

use std::collections::{HashMap, HashSet};

use petgraph::Direction;
use petgraph::algo::toposort;
use petgraph::graph::{DiGraph, NodeIndex};
use serde::{Deserialize, Serialize};

use super::model::*;

const EVENT: (f64, f64) = (36.0, 36.0);
const GATEWAY: (f64, f64) = (50.0, 50.0);
const TASK: (f64, f64) = (100.0, 80.0);
const DATA_OBJECT: (f64, f64) = (36.0, 50.0);
const DATA_STORE: (f64, f64) = (50.0, 50.0);
const ANNOTATION: (f64, f64) = (100.0, 30.0);
const LANE_HEADER: f64 = 30.0;
const POOL_HEADER: f64 = 30.0;
/// Between columns (ranks).
const COLUMN_GAP: f64 = 50.0;
/// Between rows of a band.
const ROW_GAP: f64 = 50.0;
/// Above and below the rows of a lane, and of a pool without lanes.
const BAND_PAD: f64 = 30.0;
/// Left and right of the columns in a lane, and of a pool without lanes.
const CONTENT_PAD: f64 = 30.0;
const MIN_LANE_HEIGHT: f64 = 120.0;
const MIN_POOL_WIDTH: f64 = 600.0;
const BLACK_BOX_HEIGHT: f64 = 80.0;
const POOL_GAP: f64 = 60.0;
/// Padding of an expanded sub-process around its children: sides, top (its label), bottom
/// (room for the children's boundary events).
const SUB_PAD: f64 = 30.0;
const SUB_TOP: f64 = 30.0;
const SUB_BOTTOM: f64 = 50.0;
/// Distance between the left borders of two boundary events on one host.
const BOUNDARY_STEP: f64 = 46.0;
/// Between a node and the artifacts below it, and between those artifacts.
const ART_GAP: f64 = 30.0;
const ART_GAP_X: f64 = 20.0;
/// Rows of nodes without sequence flows wrap at this width (or the columns' width).
const FOOTER_WRAP: f64 = 600.0;
const ORIGIN: f64 = 20.0;
/// Below the existing drawing, where the elements it lacks go.
const PARTIAL_GAP: f64 = 100.0;
/// Barycentre sweeps (alternately down and up).
const SWEEPS: usize = 8;

/// What [`ensure_layout`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LayoutReport {
    /// Shapes added (pools, lanes, flow nodes, data, annotations).
    pub shapes_added: usize,
    /// Edges added (sequence flows, message flows, associations, data associations).
    pub edges_added: usize,
    /// Whether the model had no diagram (or no plane) and one was created.
    pub diagram_created: bool,
    /// Sequence flows among those added that are drawn right to left (or back into their
    /// own source): the back edges the cycle breaking reversed, self-loops, flows from a
    /// boundary event to its own host. Every other added sequence flow whose ends the layout
    /// placed goes left to right.
    pub backward_flows: Vec<String>,
    /// Drawable connections that got no edge because one of their ends has no shape.
    pub skipped: Vec<String>,
}

impl std::fmt::Display for LayoutReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n =
            |k: usize, one: &str, many: &str| format!("{k} {}", if k == 1 { one } else { many });
        write!(
            f,
            "added {} and {}",
            n(self.shapes_added, "shape", "shapes"),
            n(self.edges_added, "edge", "edges")
        )?;
        if self.diagram_created {
            write!(f, " in a new diagram")?;
        }
        if !self.backward_flows.is_empty() {
            let k = self.backward_flows.len();
            write!(
                f,
                ", {} drawn right to left (loops)",
                n(k, "sequence flow", "sequence flows")
            )?;
        }
        if !self.skipped.is_empty() {
            let k = self.skipped.len();
            write!(
                f,
                ", {} skipped (an end has no shape)",
                n(k, "connection", "connections")
            )?;
        }
        Ok(())
    }
}

/// Gives every drawable element that has no DI shape/edge in the first diagram a shape or
/// edge, creating the diagram and plane when the model has none. Elements that already have
/// DI keep it. Returns how many shapes and edges it added. A model that needs nothing is
/// left unchanged (no empty diagram is created).
pub fn ensure_layout(model: &mut BpmnModel) -> LayoutReport {
    let plan = plan(model);
    let mut report = plan.report;
    if plan.shapes.is_empty() && plan.edges.is_empty() {
        return report;
    }
    report.shapes_added = plan.shapes.len();
    report.edges_added = plan.edges.len();
    // Declare the DI namespaces on the root, as tools do, so that the export reads back as
    // the same model.
    for (prefix, uri) in [("bpmndi", BPMNDI_NS), ("dc", DC_NS), ("di", DI_NS)] {
        if model
            .namespaces
            .iter()
            .any(|d| d.uri == uri && !d.prefix.is_empty())
        {
            continue;
        }
        let mut p = prefix.to_string();
        let mut k = 2;
        while model.namespaces.iter().any(|d| d.prefix == p) {
            p = format!("{prefix}{k}");
            k += 1;
        }
        model.namespaces.push(NsDecl {
            prefix: p,
            uri: uri.to_string(),
        });
    }
    let new_items = plan
        .shapes
        .into_iter()
        .map(PlaneContent::Shape)
        .chain(plan.edges.into_iter().map(PlaneContent::Edge));
    let diagram = model.content.iter_mut().find_map(|c| match c {
        DefinitionsContent::Diagram(d) => Some(d),
        _ => None,
    });
    match diagram {
        Some(d) => {
            if d.plane.is_none() {
                report.diagram_created = true;
                d.plane = Some(Plane {
                    id: Some(plan.plane_id),
                    bpmn_element: plan.plane_element,
                    ..Plane::default()
                });
            }
            if let Some(p) = d.plane.as_mut() {
                p.content.extend(new_items);
            }
        }
        None => {
            report.diagram_created = true;
            let d = Diagram {
                id: Some(plan.diagram_id),
                plane: Some(Plane {
                    id: Some(plan.plane_id),
                    bpmn_element: plan.plane_element,
                    content: new_items.collect(),
                    ..Plane::default()
                }),
                ..Diagram::default()
            };
            // Diagrams follow the root elements and precede relationships.
            let at = model
                .content
                .iter()
                .position(|c| {
                    matches!(c, DefinitionsContent::Raw(XmlNode::Element(e))
                        if e.local == "relationship" && e.ns.as_deref() == Some(MODEL_NS))
                })
                .unwrap_or(model.content.len());
            model.content.insert(at, DefinitionsContent::Diagram(d));
        }
    }
    report
}

// ---------------------------------------------------------------------------------------------
// Geometry helpers
// ---------------------------------------------------------------------------------------------

type Pt = (f64, f64);

fn bounds(x: f64, y: f64, width: f64, height: f64) -> Bounds {
    Bounds {
        x,
        y,
        width,
        height,
    }
}

fn finite(b: &Bounds) -> bool {
    b.x.is_finite() && b.y.is_finite() && b.width.is_finite() && b.height.is_finite()
}

fn cx(b: &Bounds) -> f64 {
    b.x + b.width / 2.0
}

fn cy(b: &Bounds) -> f64 {
    b.y + b.height / 2.0
}

fn x2(b: &Bounds) -> f64 {
    b.x + b.width
}

fn y2(b: &Bounds) -> f64 {
    b.y + b.height
}

/// Drops repeated points and middle points of straight runs; keeps at least two points.
fn clean(points: Vec<Pt>) -> Vec<Pt> {
    let same = |a: Pt, b: Pt| (a.0 - b.0).abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9;
    let mut v: Vec<Pt> = Vec::with_capacity(points.len());
    for p in points {
        if v.last().is_none_or(|&q| !same(p, q)) {
            v.push(p);
        }
    }
    let mut out: Vec<Pt> = Vec::with_capacity(v.len());
    for (i, &p) in v.iter().enumerate() {
        if i > 0 && i + 1 < v.len() {
            let (a, b) = (out[out.len() - 1], v[i + 1]);
            let straight = ((a.0 - p.0).abs() < 1e-9 && (p.0 - b.0).abs() < 1e-9)
                || ((a.1 - p.1).abs() < 1e-9 && (p.1 - b.1).abs() < 1e-9);
            if straight {
                continue;
            }
        }
        out.push(p);
    }
    if out.len() == 1 {
        out.push(out[0]);
    }
    out
}

/// An orthogonal route between two boxes, leaving and entering through their borders:
/// vertical (bottom to top) when they are apart vertically and `vertical_first` or they
/// overlap horizontally; else horizontal (right to left); around the top when they overlap.
fn route_between(a: &Bounds, b: &Bounds, vertical_first: bool) -> Vec<Pt> {
    route_via(a, b, vertical_first, None)
}

/// [`route_between`], with the horizontal middle segment of a vertical route at `level` when
/// that lies between the boxes.
fn route_via(a: &Bounds, b: &Bounds, vertical_first: bool, level: Option<f64>) -> Vec<Pt> {
    let x_overlap = (a.x.max(b.x), x2(a).min(x2(b)));
    let y_overlap = (a.y.max(b.y), y2(a).min(y2(b)));
    let v_sep = y2(a) <= b.y || y2(b) <= a.y;
    let h_sep = x2(a) <= b.x || x2(b) <= a.x;
    if v_sep && (vertical_first || !h_sep) {
        let (ya, yb) = if y2(a) <= b.y {
            (y2(a), b.y)
        } else {
            (a.y, y2(b))
        };
        if x_overlap.0 <= x_overlap.1 {
            let x = (x_overlap.0 + x_overlap.1) / 2.0;
            return clean(vec![(x, ya), (x, yb)]);
        }
        let my = level
            .filter(|l| (ya.min(yb)..=ya.max(yb)).contains(l))
            .unwrap_or((ya + yb) / 2.0);
        return clean(vec![(cx(a), ya), (cx(a), my), (cx(b), my), (cx(b), yb)]);
    }
    if h_sep {
        let (xa, xb) = if x2(a) <= b.x {
            (x2(a), b.x)
        } else {
            (a.x, x2(b))
        };
        if y_overlap.0 <= y_overlap.1 {
            let y = (y_overlap.0 + y_overlap.1) / 2.0;
            return clean(vec![(xa, y), (xb, y)]);
        }
        let mx = (xa + xb) / 2.0;
        return clean(vec![(xa, cy(a)), (mx, cy(a)), (mx, cy(b)), (xb, cy(b))]);
    }
    let top = a.y.min(b.y) - 20.0;
    clean(vec![(cx(a), a.y), (cx(a), top), (cx(b), top), (cx(b), b.y)])
}

/// The middle of the middle segment of a polyline, as an empty box (an association's end
/// on a flow).
fn edge_middle(points: &[Pt]) -> Option<Bounds> {
    match points.len() {
        0 => None,
        1 => Some(bounds(points[0].0, points[0].1, 0.0, 0.0)),
        n => {
            let k = (n - 1) / 2;
            let (a, b) = (points[k], points[k + 1]);
            Some(bounds((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0, 0.0, 0.0))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// What the model holds, indexed
// ---------------------------------------------------------------------------------------------

struct Info<'a> {
    /// Every typed flow node, anywhere.
    nodes: HashMap<&'a str, &'a FlowNode>,
    /// Flow element or artifact id → id of the process or sub-process that contains it.
    parent: HashMap<&'a str, &'a str>,
    processes: HashMap<&'a str, &'a Process>,
    flows: HashMap<&'a str, &'a SequenceFlow>,
    /// Data reference or data input/output id → the flow nodes whose data associations
    /// name it.
    users: HashMap<&'a str, Vec<&'a str>>,
    /// Element id → the other ends of the associations that touch it.
    associated: HashMap<&'a str, Vec<&'a str>>,
    /// Data object and data store references, a process's data inputs and outputs.
    data: HashSet<&'a str>,
}

impl<'a> Info<'a> {
    fn new(model: &'a BpmnModel) -> Self {
        let mut info = Info {
            nodes: HashMap::new(),
            parent: HashMap::new(),
            processes: HashMap::new(),
            flows: HashMap::new(),
            users: HashMap::new(),
            associated: HashMap::new(),
            data: HashSet::new(),
        };
        for p in model.processes() {
            info.processes.entry(p.id.as_str()).or_insert(p);
            info.walk(&p.id, &p.content);
        }
        for col in model.collaborations() {
            for c in &col.content {
                if let CollaborationContent::Association(a) = c {
                    info.association(a);
                }
            }
        }
        info
    }

    fn association(&mut self, a: &'a Association) {
        if let (Some(s), Some(t)) = (a.source_ref.as_deref(), a.target_ref.as_deref()) {
            self.associated.entry(s).or_default().push(t);
            self.associated.entry(t).or_default().push(s);
        }
    }

    fn walk(&mut self, container: &'a str, content: &'a [FlowContent]) {
        for c in content {
            if let Some(id) = c.id() {
                self.parent.entry(id).or_insert(container);
            }
            match c {
                FlowContent::FlowNode(n) => {
                    self.nodes.entry(n.id.as_str()).or_insert(n);
                    for nc in &n.content {
                        let (NodeContent::DataInputAssociation(a)
                        | NodeContent::DataOutputAssociation(a)) = nc
                        else {
                            continue;
                        };
                        for r in a.source_refs.iter().chain(a.target_ref.iter()) {
                            self.users.entry(r.as_str()).or_default().push(&n.id);
                        }
                    }
                    self.walk(&n.id, &n.children);
                }
                FlowContent::SequenceFlow(f) => {
                    self.flows.entry(f.id.as_str()).or_insert(f);
                }
                FlowContent::Association(a) => self.association(a),
                FlowContent::DataObjectReference(d) => {
                    self.data.insert(&d.id);
                }
                FlowContent::DataStoreReference(d) => {
                    self.data.insert(&d.id);
                }
                FlowContent::Raw(XmlNode::Element(_)) => {
                    for id in io_data(c) {
                        self.parent.entry(id).or_insert(container);
                        self.data.insert(id);
                    }
                }
                _ => {}
            }
        }
    }

    /// Whether `id` lies inside one of the `hidden` sub-processes (at any depth).
    fn inside(&self, id: &str, hidden: &HashSet<&str>) -> bool {
        let mut cur = id;
        let mut steps = 0;
        while let Some(&p) = self.parent.get(cur) {
            if hidden.contains(p) {
                return true;
            }
            cur = p;
            steps += 1;
            if steps > 10_000 {
                break;
            }
        }
        false
    }

    /// `node` or the ancestor of `node` that `container` contains directly; a boundary event
    /// gives its host.
    fn lift(&self, node: &'a str, container: &str) -> Option<&'a str> {
        let mut cur = node;
        for _ in 0..10_000 {
            let p = *self.parent.get(cur)?;
            if p == container {
                if let Some(h) = self
                    .nodes
                    .get(cur)
                    .filter(|n| n.kind == FlowNodeKind::BoundaryEvent)
                    .and_then(|n| n.attached_to_ref.as_deref())
                    .filter(|h| self.parent.get(h) == Some(&container))
                {
                    return self.nodes.get(h).map(|n| n.id.as_str());
                }
                return Some(cur);
            }
            cur = p;
        }
        None
    }

    /// The flow node an artifact belongs near: a node using the data, the node (or the
    /// source of the flow) an annotation is associated with.
    fn anchor(&self, id: &str) -> Option<&'a str> {
        if let Some(u) = self.users.get(id).and_then(|u| u.first()) {
            return Some(u);
        }
        let ends = self.associated.get(id)?;
        for e in ends {
            if let Some(n) = self.nodes.get(e) {
                return Some(n.id.as_str());
            }
            if let Some(f) = self.flows.get(e) {
                return self.nodes.get(f.source()).map(|n| n.id.as_str());
            }
        }
        for e in ends {
            if let Some(u) = self.users.get(e).and_then(|u| u.first()) {
                return Some(u);
            }
        }
        None
    }
}

/// The ids of the `dataInput`s and `dataOutput`s of a raw `ioSpecification`.
fn io_data(c: &FlowContent) -> Vec<&str> {
    let FlowContent::Raw(XmlNode::Element(e)) = c else {
        return Vec::new();
    };
    if e.local != "ioSpecification" || e.ns.as_deref() != Some(MODEL_NS) {
        return Vec::new();
    }
    e.children
        .iter()
        .filter_map(|n| match n {
            XmlNode::Element(d)
                if d.ns.as_deref() == Some(MODEL_NS)
                    && (d.local == "dataInput" || d.local == "dataOutput") =>
            {
                d.attr("id")
            }
            _ => None,
        })
        .collect()
}

fn node_size(kind: FlowNodeKind) -> (f64, f64) {
    if kind.is_event() {
        EVENT
    } else if kind.is_gateway() {
        GATEWAY
    } else {
        TASK
    }
}

/// An artifact to place in a container: its id, size and the flow node it belongs near.
#[derive(Clone, Copy)]
struct Artifact<'a> {
    id: &'a str,
    size: (f64, f64),
    anchor: Option<&'a str>,
}

fn artifacts_of<'a>(info: &Info<'a>, content: &'a [FlowContent]) -> Vec<Artifact<'a>> {
    let mut out = Vec::new();
    for c in content {
        let size = match c {
            FlowContent::DataObjectReference(_) => DATA_OBJECT,
            FlowContent::DataStoreReference(_) => DATA_STORE,
            FlowContent::TextAnnotation(_) => ANNOTATION,
            FlowContent::Raw(_) => {
                for id in io_data(c) {
                    out.push(Artifact {
                        id,
                        size: DATA_OBJECT,
                        anchor: info.anchor(id),
                    });
                }
                continue;
            }
            _ => continue,
        };
        if let Some(id) = c.id() {
            out.push(Artifact {
                id,
                size,
                anchor: info.anchor(id),
            });
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Laying out one container (a process or an expanded sub-process)
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Role {
    Pool,
    Lane,
    Expanded,
    MarkedGateway,
    Other,
}

#[derive(Clone, Debug)]
struct NewShape {
    element: String,
    bounds: Bounds,
    role: Role,
    /// A lane of the outermost block, whose right border follows its pool's.
    stretch: bool,
}

/// A laid-out container in its own coordinates, origin at its top left.
#[derive(Default)]
struct Block {
    width: f64,
    height: f64,
    has_lanes: bool,
    /// In drawing order: lanes, then nodes (a sub-process before its children, a host before
    /// its boundary events), then artifacts.
    shapes: Vec<NewShape>,
    /// Sequence flow id → waypoints.
    routes: Vec<(String, Vec<Pt>)>,
    /// Sequence flows drawn right to left (reversed back edges, self-loops, flows from a
    /// boundary event back to its host).
    backward: Vec<String>,
}

impl Block {
    fn translate(&mut self, dx: f64, dy: f64) {
        for s in &mut self.shapes {
            s.bounds.x += dx;
            s.bounds.y += dy;
        }
        for (_, pts) in &mut self.routes {
            for p in pts {
                p.0 += dx;
                p.1 += dy;
            }
        }
    }

    fn absorb(&mut self, mut other: Block, dx: f64, dy: f64, stretch: bool) {
        other.translate(dx, dy);
        for mut s in other.shapes {
            s.stretch &= stretch;
            self.shapes.push(s);
        }
        self.routes.extend(other.routes);
        self.backward.extend(other.backward);
    }
}

struct Ctx<'a> {
    info: Info<'a>,
    /// Sub-processes the existing diagram draws collapsed: their children are not drawn.
    collapsed: HashSet<&'a str>,
    /// Process id → the collaboration's annotations that belong near one of its nodes.
    extra: HashMap<&'a str, Vec<Artifact<'a>>>,
}

impl<'a> Ctx<'a> {
    fn expanded(&self, n: &'a FlowNode) -> bool {
        n.kind.is_sub_process()
            && !self.collapsed.contains(n.id.as_str())
            && n.children.iter().any(|c| {
                matches!(
                    c,
                    FlowContent::FlowNode(_)
                        | FlowContent::DataObjectReference(_)
                        | FlowContent::DataStoreReference(_)
                        | FlowContent::TextAnnotation(_)
                )
            })
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ItemKind {
    Node(usize),
    Artifact(usize),
    Dummy,
}

struct Item {
    kind: ItemKind,
    /// The node's own size.
    w: f64,
    h: f64,
    /// The width of its column slot (the node, or the artifacts below it if wider).
    cw: f64,
    /// How far it reaches below its centre (boundary events and artifacts included).
    below: f64,
    band: usize,
    rank: usize,
}

struct Flow<'a> {
    id: &'a str,
    source: &'a str,
    target: &'a str,
    s: usize,
    t: usize,
    reversed: bool,
    /// Dummy items, one per rank strictly between the ends.
    dummies: Vec<usize>,
}

struct LaneEntry<'a> {
    lane: &'a Lane,
    depth: usize,
    first_leaf: usize,
    end_leaf: usize,
}

fn collect_lanes<'a>(
    ls: &'a LaneSet,
    depth: usize,
    out: &mut Vec<LaneEntry<'a>>,
    leaves: &mut usize,
) {
    for lane in &ls.lanes {
        let at = out.len();
        let first = *leaves;
        out.push(LaneEntry {
            lane,
            depth,
            first_leaf: first,
            end_leaf: first,
        });
        match lane.child_lane_set.as_deref() {
            Some(child) if !child.lanes.is_empty() => collect_lanes(child, depth + 1, out, leaves),
            _ => *leaves += 1,
        }
        out[at].end_leaf = *leaves;
    }
}

fn layout_container<'a>(
    ctx: &Ctx<'a>,
    cid: &str,
    content: &'a [FlowContent],
    extra: &[Artifact<'a>],
) -> Block {
    let info = &ctx.info;
    // ---- Flow nodes, boundary events, sizes.
    let here: HashMap<&str, &FlowNode> = content
        .iter()
        .filter_map(|c| match c {
            FlowContent::FlowNode(n) => Some((n.id.as_str(), n)),
            _ => None,
        })
        .collect();
    let mut nodes: Vec<&'a FlowNode> = Vec::new();
    let mut boundary: Vec<(&'a FlowNode, &'a str)> = Vec::new();
    for c in content {
        let FlowContent::FlowNode(n) = c else {
            continue;
        };
        let host = n
            .attached_to_ref
            .as_deref()
            .filter(|_| n.kind == FlowNodeKind::BoundaryEvent)
            .filter(|h| {
                *h != n.id
                    && here
                        .get(h)
                        .is_some_and(|hn| hn.kind != FlowNodeKind::BoundaryEvent)
            });
        match host {
            Some(h) => boundary.push((n, h)),
            None => nodes.push(n),
        }
    }
    let index: HashMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect();
    let mut on_host: Vec<Vec<&'a FlowNode>> = vec![Vec::new(); nodes.len()];
    let mut host_of: HashMap<&str, usize> = HashMap::new();
    for (b, h) in &boundary {
        let hi = index[h];
        on_host[hi].push(b);
        host_of.insert(b.id.as_str(), hi);
    }
    let resolve = |id: &str| index.get(id).or_else(|| host_of.get(id)).copied();
    let mut child_blocks: Vec<Option<Block>> = Vec::with_capacity(nodes.len());
    let mut size: Vec<(f64, f64)> = Vec::with_capacity(nodes.len());
    for (i, n) in nodes.iter().enumerate() {
        let (mut w, mut h) = node_size(n.kind);
        if ctx.expanded(n) {
            let child = layout_container(ctx, &n.id, &n.children, &[]);
            w = (child.width + 2.0 * SUB_PAD).max(TASK.0);
            h = (child.height + SUB_TOP + SUB_BOTTOM).max(TASK.1);
            child_blocks.push(Some(child));
        } else {
            child_blocks.push(None);
        }
        let k = on_host[i].len();
        if k >= 2 {
            w = w.max(k as f64 * BOUNDARY_STEP);
        }
        size.push((w, h));
    }

    // ---- Sequence flows between the nodes of this container.
    let mut flows: Vec<Flow<'a>> = Vec::new();
    let mut self_loops: Vec<&'a SequenceFlow> = Vec::new();
    let mut backward: Vec<String> = Vec::new();
    for c in content {
        let FlowContent::SequenceFlow(f) = c else {
            continue;
        };
        match (resolve(f.source()), resolve(f.target())) {
            (Some(s), Some(t)) if s == t => {
                backward.push(f.id.clone());
                if f.source() == f.target() {
                    self_loops.push(f);
                }
            }
            (Some(s), Some(t)) => flows.push(Flow {
                id: &f.id,
                source: f.source(),
                target: f.target(),
                s,
                t,
                reversed: false,
                dummies: Vec::new(),
            }),
            _ => {}
        }
    }
    let n = nodes.len();
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut in_count = vec![0usize; n];
    for (i, f) in flows.iter().enumerate() {
        out_edges[f.s].push(i);
        in_count[f.t] += 1;
    }
    // A host's own flows first, then its boundary events' (drawn below).
    for e in &mut out_edges {
        e.sort_by_key(|&i| host_of.contains_key(flows[i].source));
    }

    // ---- Break cycles: reverse the back edges of a DFS from the start events.
    let mut roots: Vec<usize> = (0..n)
        .filter(|&i| nodes[i].kind == FlowNodeKind::StartEvent)
        .collect();
    roots.extend((0..n).filter(|&i| nodes[i].kind != FlowNodeKind::StartEvent && in_count[i] == 0));
    roots.extend(0..n);
    let mut state = vec![0u8; n];
    let mut discovery: Vec<usize> = Vec::with_capacity(n);
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for r in roots {
        if state[r] != 0 {
            continue;
        }
        state[r] = 1;
        discovery.push(r);
        stack.push((r, 0));
        while let Some(top) = stack.last_mut() {
            let (v, i) = *top;
            if i < out_edges[v].len() {
                top.1 += 1;
                let e = out_edges[v][i];
                let w = flows[e].t;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        discovery.push(w);
                        stack.push((w, 0));
                    }
                    1 => flows[e].reversed = true,
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    for f in &flows {
        if f.reversed {
            backward.push(f.id.to_string());
        }
    }

    // ---- Rank by the longest path (petgraph for the acyclic graph and its order).
    let mut dag: DiGraph<(), ()> = DiGraph::with_capacity(n, flows.len());
    for _ in 0..n {
        dag.add_node(());
    }
    for f in &flows {
        let (a, b) = if f.reversed { (f.t, f.s) } else { (f.s, f.t) };
        dag.add_edge(NodeIndex::new(a), NodeIndex::new(b), ());
    }
    let topo: Vec<usize> = match toposort(&dag, None) {
        Ok(order) => order.into_iter().map(|i| i.index()).collect(),
        // Cannot happen (all back edges are reversed); keep going with the DFS order.
        Err(_) => discovery.clone(),
    };
    let mut rank = vec![0usize; n];
    for &v in &topo {
        for u in dag.neighbors_directed(NodeIndex::new(v), Direction::Incoming) {
            rank[v] = rank[v].max(rank[u.index()] + 1);
        }
    }
    // Sources other than start events move right, next to their first successor.
    for &v in topo.iter().rev() {
        let vi = NodeIndex::new(v);
        if nodes[v].kind == FlowNodeKind::StartEvent
            || dag
                .neighbors_directed(vi, Direction::Incoming)
                .next()
                .is_some()
        {
            continue;
        }
        if let Some(m) = dag
            .neighbors_directed(vi, Direction::Outgoing)
            .map(|w| rank[w.index()])
            .min()
        {
            rank[v] = m.saturating_sub(1).max(rank[v]);
        }
    }
    let connected: Vec<bool> = (0..n)
        .map(|v| {
            let vi = NodeIndex::new(v);
            dag.neighbors_undirected(vi).next().is_some()
        })
        .collect();

    // ---- Lanes: leaf bands, and the band of every node.
    let mut lanes: Vec<LaneEntry<'a>> = Vec::new();
    let mut leaves = 0usize;
    for c in content {
        if let FlowContent::LaneSet(ls) = c {
            collect_lanes(ls, 0, &mut lanes, &mut leaves);
        }
    }
    let has_lanes = leaves > 0;
    let bands = leaves.max(1);
    let max_depth = lanes.iter().map(|l| l.depth).max().unwrap_or(0);
    let mut band: Vec<Option<(usize, usize)>> = vec![None; n]; // (depth, leaf)
    if has_lanes {
        let mut best: HashMap<&str, (usize, usize)> = HashMap::new();
        for l in &lanes {
            for r in &l.lane.flow_node_refs {
                let r = r.trim();
                let cand = (l.depth, l.first_leaf);
                match best.get(r) {
                    Some(&(d, _)) if d >= l.depth => {}
                    _ => {
                        best.insert(r, cand);
                    }
                }
            }
        }
        for (i, nd) in nodes.iter().enumerate() {
            if let Some(&b) = best.get(nd.id.as_str()) {
                band[i] = Some(b);
            } else if !nd.children.is_empty() {
                // A sub-process that no lane names goes where its first named child is.
                band[i] = first_named_descendant(&nd.children, &best);
            }
        }
        // Nodes no lane names go in the band of a neighbour.
        let mut adj: Vec<Vec<usize>> = vec![Vec::new(); n];
        for f in &flows {
            adj[f.s].push(f.t);
            adj[f.t].push(f.s);
        }
        let mut queue: std::collections::VecDeque<usize> =
            (0..n).filter(|&i| band[i].is_some()).collect();
        while let Some(v) = queue.pop_front() {
            for &w in &adj[v] {
                if band[w].is_none() {
                    band[w] = band[v];
                    queue.push_back(w);
                }
            }
        }
    }
    let band_of: Vec<usize> = band.iter().map(|b| b.map_or(0, |b| b.1)).collect();

    // ---- Artifacts hang below the node they belong near; the others go in the rows below
    // the columns of the first band.
    let mut arts = artifacts_of(info, content);
    arts.extend_from_slice(extra);
    let mut hanging: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut orphan_arts: Vec<usize> = Vec::new();
    for (ai, a) in arts.iter().enumerate() {
        match a
            .anchor
            .and_then(|x| info.lift(x, cid))
            .and_then(|x| index.get(x).copied())
        {
            Some(v) => hanging[v].push(ai),
            None => orphan_arts.push(ai),
        }
    }

    // ---- Items: nodes (item v is node v) with what hangs below them, then dummies for long
    // edges, then the artifacts that belong to no node.
    let mut items: Vec<Item> = Vec::with_capacity(n + arts.len());
    for v in 0..n {
        let (w, h) = size[v];
        let mut below = h / 2.0;
        if !on_host[v].is_empty() {
            below += EVENT.1 / 2.0;
        }
        let mut cw = w;
        if !hanging[v].is_empty() {
            let row_w = hanging[v].iter().map(|&a| arts[a].size.0).sum::<f64>()
                + ART_GAP_X * (hanging[v].len() - 1) as f64;
            let row_h = hanging[v]
                .iter()
                .map(|&a| arts[a].size.1)
                .fold(0.0, f64::max);
            below += ART_GAP + row_h;
            cw = cw.max(row_w);
        }
        items.push(Item {
            kind: ItemKind::Node(v),
            w,
            cw,
            h,
            below,
            band: band_of[v],
            rank: rank[v],
        });
    }
    let max_rank = (0..n).filter(|&v| connected[v]).map(|v| rank[v]).max();
    let layer_count = max_rank.map_or(0, |r| r + 1);
    // Segments between adjacent ranks; a segment that starts at a boundary event says so.
    let mut preds: Vec<Vec<(usize, bool)>> = vec![Vec::new(); n];
    let mut succs: Vec<Vec<usize>> = vec![Vec::new(); n];
    for f in flows.iter_mut() {
        if f.reversed {
            continue;
        }
        let mut prev = f.s;
        let mut from_boundary = host_of.contains_key(f.source);
        for r in rank[f.s] + 1..rank[f.t] {
            let d = items.len();
            items.push(Item {
                kind: ItemKind::Dummy,
                w: 0.0,
                cw: 0.0,
                h: 0.0,
                below: 0.0,
                band: band_of[f.s],
                rank: r,
            });
            preds.push(vec![(prev, from_boundary)]);
            succs.push(Vec::new());
            succs[prev].push(d);
            f.dummies.push(d);
            prev = d;
            from_boundary = false;
        }
        preds[f.t].push((prev, from_boundary));
        succs[prev].push(f.t);
    }
    // Initial order: depth-first discovery, each node followed by its edges' dummies.
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); layer_count];
    {
        let mut placed = vec![false; items.len()];
        for &v in &discovery {
            if !connected[v] {
                continue;
            }
            if !placed[v] {
                placed[v] = true;
                layers[rank[v]].push(v);
            }
            for &fi in &out_edges[v] {
                for &d in &flows[fi].dummies {
                    if !placed[d] {
                        placed[d] = true;
                        layers[items[d].rank].push(d);
                    }
                }
            }
        }
        for layer in &mut layers {
            layer.sort_by_key(|&it| items[it].band);
        }
    }
    order_layers(&mut layers, &items, &preds, &succs);

    // Nodes without sequence flows, and artifacts that belong to no node, go in rows below
    // the columns of their band.
    let mut footer: Vec<Vec<usize>> = vec![Vec::new(); bands];
    for v in 0..n {
        if !connected[v] {
            footer[band_of[v]].push(v);
        }
    }
    for ai in orphan_arts {
        let it = items.len();
        let (w, h) = arts[ai].size;
        items.push(Item {
            kind: ItemKind::Artifact(ai),
            w,
            cw: w,
            h,
            below: h / 2.0,
            band: 0,
            rank: 0,
        });
        footer[0].push(it);
    }

    // ---- Columns.
    let content_x = if has_lanes {
        (max_depth + 1) as f64 * LANE_HEADER + CONTENT_PAD
    } else {
        0.0
    };
    let mut col_w = vec![0.0f64; layer_count];
    for (r, layer) in layers.iter().enumerate() {
        for &it in layer {
            col_w[r] = col_w[r].max(items[it].cw);
        }
    }
    let mut col_x = vec![0.0f64; layer_count];
    let mut x = content_x;
    for r in 0..layer_count {
        col_x[r] = x;
        x += col_w[r] + COLUMN_GAP;
    }
    let columns_w = if layer_count > 0 {
        x - COLUMN_GAP - content_x
    } else {
        0.0
    };

    // ---- Vertical centres within each band (from the band's content top): top-down in
    // each column, each item as level with its predecessors as the items above it allow;
    // then sources move level with their successors where there is room.
    let above = |it: usize| items[it].h / 2.0;
    let mut mid = vec![0.0f64; items.len()];
    for layer in &layers {
        let mut prev_bottom: Vec<Option<f64>> = vec![None; bands];
        for &it in layer {
            let b = items[it].band;
            let mut want: Vec<f64> = preds[it]
                .iter()
                .filter(|(p, _)| items[*p].band == b)
                .map(|&(p, from_boundary)| {
                    if from_boundary {
                        // Below the host and its boundary events.
                        mid[p] + items[p].h / 2.0 + EVENT.1 / 2.0 + ROW_GAP / 2.0 + above(it)
                    } else {
                        mid[p]
                    }
                })
                .collect();
            let desired = median(&mut want).unwrap_or(above(it));
            let lowest = prev_bottom[b].map_or(above(it), |pb| pb + ROW_GAP + above(it));
            mid[it] = desired.max(lowest);
            prev_bottom[b] = Some(mid[it] + items[it].below);
        }
    }
    for layer in layers.iter().rev() {
        for (i, &it) in layer.iter().enumerate() {
            let b = items[it].band;
            if preds[it].iter().any(|(p, _)| items[*p].band == b) {
                continue;
            }
            let mut want: Vec<f64> = succs[it]
                .iter()
                .filter(|&&s| items[s].band == b)
                .map(|&s| mid[s])
                .collect();
            let Some(target) = median(&mut want) else {
                continue;
            };
            let lowest = layer[..i]
                .iter()
                .rev()
                .find(|&&o| items[o].band == b)
                .map_or(above(it), |&o| {
                    mid[o] + items[o].below + ROW_GAP + above(it)
                });
            let highest = layer[i + 1..]
                .iter()
                .find(|&&o| items[o].band == b)
                .map_or(f64::INFINITY, |&o| {
                    mid[o] - above(o) - ROW_GAP - items[it].below
                });
            if lowest <= highest {
                mid[it] = target.clamp(lowest, highest);
            }
        }
    }
    let mut columns_h = vec![0.0f64; bands];
    for layer in &layers {
        for &it in layer {
            let b = items[it].band;
            columns_h[b] = columns_h[b].max(mid[it] + items[it].below);
        }
    }
    // Footer rows: (items with their x, height above the centre line, below it).
    type FooterRow = (Vec<(usize, f64)>, f64, f64);
    let wrap = columns_w.max(FOOTER_WRAP);
    let mut footer_rows: Vec<Vec<FooterRow>> = Vec::with_capacity(bands);
    let mut content_w = columns_w;
    for f in &footer {
        let mut frows: Vec<FooterRow> = Vec::new();
        let mut cur: FooterRow = (Vec::new(), 0.0, 0.0);
        let mut fx = 0.0f64;
        for &it in f {
            let w = items[it].cw;
            if !cur.0.is_empty() && fx + w > wrap {
                frows.push(std::mem::replace(&mut cur, (Vec::new(), 0.0, 0.0)));
                fx = 0.0;
            }
            cur.0.push((it, fx));
            cur.1 = cur.1.max(above(it));
            cur.2 = cur.2.max(items[it].below);
            fx += w + COLUMN_GAP;
            content_w = content_w.max(fx - COLUMN_GAP);
        }
        if !cur.0.is_empty() {
            frows.push(cur);
        }
        footer_rows.push(frows);
    }

    // ---- Bands.
    let pad = if has_lanes { BAND_PAD } else { 0.0 };
    let mut band_y = vec![0.0f64; bands];
    let mut band_h = vec![0.0f64; bands];
    let mut content_top = vec![0.0f64; bands];
    let mut footer_top = vec![0.0f64; bands];
    let mut y = 0.0;
    for b in 0..bands {
        let foot_h: f64 = footer_rows[b].iter().map(|r| r.1 + r.2).sum::<f64>()
            + ROW_GAP * (footer_rows[b].len().saturating_sub(1)) as f64;
        let gap = if columns_h[b] > 0.0 && !footer_rows[b].is_empty() {
            ROW_GAP
        } else {
            0.0
        };
        let inner = columns_h[b] + gap + foot_h;
        let h = if has_lanes {
            (inner + 2.0 * pad).max(MIN_LANE_HEIGHT)
        } else {
            inner
        };
        band_y[b] = y;
        band_h[b] = h;
        content_top[b] = y + (h - inner) / 2.0;
        footer_top[b] = content_top[b] + columns_h[b] + gap;
        y += h;
    }
    let height = y;
    let width = content_x + content_w + if has_lanes { CONTENT_PAD } else { 0.0 };

    // ---- Positions.
    let mut pos: Vec<Bounds> = vec![Bounds::default(); items.len()];
    for (r, layer) in layers.iter().enumerate() {
        for &it in layer {
            let (w, h) = (items[it].w, items[it].h);
            let c = content_top[items[it].band] + mid[it];
            pos[it] = bounds(col_x[r] + (col_w[r] - w) / 2.0, c - h / 2.0, w, h);
        }
    }
    for b in 0..bands {
        let mut t = footer_top[b];
        for (row, up, down) in &footer_rows[b] {
            for &(it, fx) in row {
                let (w, h) = (items[it].w, items[it].h);
                let x = content_x + fx + (items[it].cw - w) / 2.0;
                pos[it] = bounds(x, t + up - h / 2.0, w, h);
                mid[it] = t + up - content_top[b];
            }
            t += up + down + ROW_GAP;
        }
    }

    // ---- Shapes.
    let mut block = Block {
        width,
        height,
        has_lanes,
        ..Block::default()
    };
    for l in &lanes {
        let lx = l.depth as f64 * LANE_HEADER;
        let ly = band_y[l.first_leaf.min(bands - 1)];
        let lh: f64 = (l.first_leaf..l.end_leaf.max(l.first_leaf + 1))
            .map(|b| band_h[b.min(bands - 1)])
            .sum();
        block.shapes.push(NewShape {
            element: l.lane.id.clone(),
            bounds: bounds(lx, ly, width - lx, lh),
            role: Role::Lane,
            stretch: true,
        });
    }
    let mut elem: HashMap<&str, Bounds> = HashMap::new();
    let mut children = child_blocks;
    let mut hung: Vec<NewShape> = Vec::new();
    for (v, nd) in nodes.iter().enumerate() {
        let b = pos[v];
        elem.insert(nd.id.as_str(), b);
        let role = if children[v].is_some() {
            Role::Expanded
        } else if nd.kind == FlowNodeKind::ExclusiveGateway {
            Role::MarkedGateway
        } else {
            Role::Other
        };
        block.shapes.push(NewShape {
            element: nd.id.clone(),
            bounds: b,
            role,
            stretch: false,
        });
        if let Some(child) = children[v].take() {
            block.absorb(child, b.x + SUB_PAD, b.y + SUB_TOP, false);
        }
        let k = on_host[v].len();
        if k > 0 {
            let total = k as f64 * EVENT.0 + (k - 1) as f64 * (BOUNDARY_STEP - EVENT.0);
            let start = b.x + (b.width - total) / 2.0;
            for (i, be) in on_host[v].iter().enumerate() {
                let bb = bounds(
                    start + i as f64 * BOUNDARY_STEP,
                    y2(&b) - EVENT.1 / 2.0,
                    EVENT.0,
                    EVENT.1,
                );
                elem.insert(be.id.as_str(), bb);
                block.shapes.push(NewShape {
                    element: be.id.clone(),
                    bounds: bb,
                    role: Role::Other,
                    stretch: false,
                });
            }
        }
        if !hanging[v].is_empty() {
            let top = y2(&b) + if k > 0 { EVENT.1 / 2.0 } else { 0.0 } + ART_GAP;
            let row_w = hanging[v].iter().map(|&a| arts[a].size.0).sum::<f64>()
                + ART_GAP_X * (hanging[v].len() - 1) as f64;
            let mut ax = cx(&b) - row_w / 2.0;
            for &a in &hanging[v] {
                let (w, h) = arts[a].size;
                hung.push(NewShape {
                    element: arts[a].id.to_string(),
                    bounds: bounds(ax, top, w, h),
                    role: Role::Other,
                    stretch: false,
                });
                ax += w + ART_GAP_X;
            }
        }
    }
    block.shapes.extend(hung);
    for (it, item) in items.iter().enumerate() {
        if let ItemKind::Artifact(ai) = item.kind {
            block.shapes.push(NewShape {
                element: arts[ai].id.to_string(),
                bounds: pos[it],
                role: Role::Other,
                stretch: false,
            });
        }
    }

    // ---- Routes.
    let gap_x = |r: usize| col_x[r] - COLUMN_GAP / 2.0;
    let bottom = |it: usize| content_top[items[it].band] + mid[it] + items[it].below;
    for f in &flows {
        let (Some(sb), Some(tb)) = (elem.get(f.source), elem.get(f.target)) else {
            continue;
        };
        let pts = if f.reversed {
            // Back below everything between the ends, in the lower of their bands: out of
            // the source's bottom (or its right side and the gap after it, when something lies
            // below it), into the target's bottom (or the gap before it and its left side).
            let b = band_of[f.s].max(band_of[f.t]);
            let lowest = (rank[f.t]..=rank[f.s])
                .flat_map(|r| layers[r].iter())
                .filter(|&&it| items[it].band == b)
                .map(|&it| bottom(it))
                .fold(y2(sb).max(y2(tb)), f64::max);
            let yc = lowest + ROW_GAP / 2.0;
            // Nothing hangs below the node or lies below it in its column.
            let clear_below = |v: usize| {
                let top = pos[v].y;
                hanging[v].is_empty()
                    && on_host[v].is_empty()
                    && layers[rank[v]]
                        .iter()
                        .all(|&o| o == v || items[o].kind == ItemKind::Dummy || pos[o].y < top)
            };
            let gap_after = col_x[rank[f.s]] + col_w[rank[f.s]] + COLUMN_GAP / 2.0;
            let mut pts: Vec<Pt> = Vec::new();
            let from_boundary = host_of.contains_key(f.source);
            if clear_below(f.s) {
                pts.push((cx(sb), y2(sb)));
                pts.push((cx(sb), yc));
            } else if from_boundary {
                pts.push((cx(sb), y2(sb)));
                pts.push((cx(sb), y2(sb) + 15.0));
                pts.push((gap_after, y2(sb) + 15.0));
                pts.push((gap_after, yc));
            } else {
                pts.push((x2(sb), cy(sb)));
                pts.push((gap_after, cy(sb)));
                pts.push((gap_after, yc));
            }
            if clear_below(f.t) {
                pts.push((cx(tb), yc));
                pts.push((cx(tb), y2(tb)));
            } else {
                let gx = gap_x(rank[f.t]);
                pts.push((gx, yc));
                pts.push((gx, cy(tb)));
                pts.push((tb.x, cy(tb)));
            }
            clean(pts)
        } else {
            let mut pts: Vec<Pt> = Vec::new();
            let mut cur;
            let first_y = f
                .dummies
                .first()
                .map(|&d| cy(&pos[d]))
                .unwrap_or_else(|| cy(tb));
            if let Some(&host) = host_of.get(f.source) {
                // Down out of the boundary event, then along: straight down to the target's
                // level when nothing lies below the host in its column, else just below the
                // event and along to the next gap.
                let hb = pos[host];
                let clear = hanging[host].is_empty()
                    && layers[rank[host]]
                        .iter()
                        .all(|&o| o == host || items[o].kind == ItemKind::Dummy || pos[o].y < hb.y);
                pts.push((cx(sb), y2(sb)));
                cur = if clear && first_y > y2(sb) {
                    first_y
                } else {
                    y2(sb) + 15.0
                };
                pts.push((cx(sb), cur));
            } else {
                pts.push((x2(sb), cy(sb)));
                cur = cy(sb);
            }
            for &d in &f.dummies {
                let dy = cy(&pos[d]);
                if (dy - cur).abs() > 1e-9 {
                    let gx = gap_x(items[d].rank);
                    pts.push((gx, cur));
                    pts.push((gx, dy));
                    cur = dy;
                }
            }
            if (cy(tb) - cur).abs() > 1e-9 {
                let gx = gap_x(rank[f.t]);
                pts.push((gx, cur));
                pts.push((gx, cy(tb)));
            }
            pts.push((tb.x, cy(tb)));
            clean(pts)
        };
        block.routes.push((f.id.to_string(), pts));
    }
    for f in self_loops {
        let Some(b) = elem.get(f.source()) else {
            continue;
        };
        let (right, top) = (x2(b) + COLUMN_GAP / 2.0, b.y - 20.0);
        block.routes.push((
            f.id.clone(),
            vec![
                (x2(b), cy(b)),
                (right, cy(b)),
                (right, top),
                (cx(b), top),
                (cx(b), b.y),
            ],
        ));
    }
    block.backward.extend(backward);
    block
}

/// The lower median.
fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(v[(v.len() - 1) / 2])
}

fn first_named_descendant(
    content: &[FlowContent],
    best: &HashMap<&str, (usize, usize)>,
) -> Option<(usize, usize)> {
    for c in content {
        if let FlowContent::FlowNode(n) = c {
            if let Some(&b) = best.get(n.id.as_str()) {
                return Some(b);
            }
            if let Some(b) = first_named_descendant(&n.children, best) {
                return Some(b);
            }
        }
    }
    None
}

/// Crossings between two adjacent layers, counted as inversions (Fenwick tree).
fn crossings(upper: &[usize], lower: &[usize], succs: &[Vec<usize>], pos: &[usize]) -> usize {
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for &u in upper {
        for &v in &succs[u] {
            pairs.push((pos[u], pos[v]));
        }
    }
    pairs.sort_unstable();
    let m = lower.len() + 1;
    let mut tree = vec![0usize; m + 1];
    let mut count = 0usize;
    for (seen, &(_, p)) in pairs.iter().enumerate() {
        // Earlier pairs whose lower end lies right of p cross this one.
        let mut i = p + 1;
        let mut le = 0usize;
        while i > 0 {
            le += tree[i];
            i &= i - 1;
        }
        count += seen - le;
        let mut i = p + 1;
        while i <= m {
            tree[i] += 1;
            i += i & i.wrapping_neg();
        }
    }
    count
}

fn total_crossings(layers: &[Vec<usize>], succs: &[Vec<usize>], pos: &[usize]) -> usize {
    layers
        .windows(2)
        .map(|w| crossings(&w[0], &w[1], succs, pos))
        .sum()
}

/// Barycentre sweeps, alternately down and up, with the nodes of each layer grouped by
/// band; keeps the order with the fewest crossings.
fn order_layers(
    layers: &mut [Vec<usize>],
    items: &[Item],
    preds: &[Vec<(usize, bool)>],
    succs: &[Vec<usize>],
) {
    let mut pos = vec![0usize; items.len()];
    let set_pos = |layers: &[Vec<usize>], pos: &mut Vec<usize>| {
        for layer in layers {
            for (i, &it) in layer.iter().enumerate() {
                pos[it] = i;
            }
        }
    };
    set_pos(layers, &mut pos);
    let mut best = layers.to_vec();
    let mut best_c = total_crossings(layers, succs, &pos);
    // Sweep even without crossings: the barycentre order also puts the targets of boundary
    // events below the host's other successors. Ties go to the later order.
    for sweep in 0..SWEEPS {
        let down = sweep % 2 == 0;
        let order: Vec<usize> = if down {
            (1..layers.len()).collect()
        } else {
            (0..layers.len().saturating_sub(1)).rev().collect()
        };
        for r in order {
            let mut keyed: Vec<(usize, f64, usize)> = layers[r]
                .iter()
                .map(|&it| {
                    // A segment from a boundary event counts half a place lower: its
                    // target goes below the host's other successors.
                    let nb: Vec<f64> = if down {
                        preds[it]
                            .iter()
                            .map(|&(p, b)| pos[p] as f64 + if b { 0.5 } else { 0.0 })
                            .collect()
                    } else {
                        succs[it].iter().map(|&s| pos[s] as f64).collect()
                    };
                    let key = if nb.is_empty() {
                        pos[it] as f64
                    } else {
                        nb.iter().sum::<f64>() / nb.len() as f64
                    };
                    (items[it].band, key, it)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
            layers[r] = keyed.into_iter().map(|k| k.2).collect();
            for (i, &it) in layers[r].iter().enumerate() {
                pos[it] = i;
            }
        }
        let c = total_crossings(layers, succs, &pos);
        if c <= best_c {
            best_c = c;
            best = layers.to_vec();
            if c == 0 && sweep >= 1 {
                break;
            }
        }
    }
    layers.clone_from_slice(&best);
}

// ---------------------------------------------------------------------------------------------
// The whole model
// ---------------------------------------------------------------------------------------------

struct Plan {
    shapes: Vec<Shape>,
    edges: Vec<Edge>,
    diagram_id: String,
    plane_id: String,
    plane_element: Option<String>,
    report: LayoutReport,
}

fn fresh(ids: &mut HashSet<String>, base: &str) -> String {
    let mut id = base.to_string();
    let mut k = 2;
    while ids.contains(&id) {
        id = format!("{base}_{k}");
        k += 1;
    }
    ids.insert(id.clone());
    id
}

fn plan(model: &BpmnModel) -> Plan {
    let info = Info::new(model);
    let plane = model.diagrams().next().and_then(|d| d.plane.as_ref());
    let plane_items: &[PlaneContent] = plane.map(|p| p.content.as_slice()).unwrap_or(&[]);

    // ---- What the first diagram already draws.
    let mut existing: HashMap<&str, Bounds> = HashMap::new();
    let mut has_shape: HashSet<&str> = HashSet::new();
    let mut existing_edges: HashMap<&str, Vec<Pt>> = HashMap::new();
    let (mut max_y, mut any) = (f64::MIN, false);
    for c in plane_items {
        match c {
            PlaneContent::Shape(s) => {
                if let Some(id) = s.bpmn_element.as_deref() {
                    has_shape.insert(id);
                    if let Some(b) = s.bounds.filter(finite) {
                        existing.entry(id).or_insert(b);
                        max_y = max_y.max(y2(&b));
                        any = true;
                    }
                }
            }
            PlaneContent::Edge(e) => {
                if let Some(id) = e.bpmn_element.as_deref() {
                    let pts: Vec<Pt> = e
                        .waypoints
                        .iter()
                        .filter(|p| p.x.is_finite() && p.y.is_finite())
                        .map(|p| (p.x, p.y))
                        .collect();
                    for p in &pts {
                        max_y = max_y.max(p.1);
                        any = true;
                    }
                    existing_edges.entry(id).or_insert(pts);
                }
            }
            PlaneContent::Raw(_) => {}
        }
    }
    // Sub-processes drawn collapsed: not marked expanded and none of their children drawn.
    let mut collapsed: HashSet<&str> = HashSet::new();
    for c in plane_items {
        let PlaneContent::Shape(s) = c else { continue };
        let Some(n) = s.bpmn_element.as_deref().and_then(|id| info.nodes.get(id)) else {
            continue;
        };
        if n.kind.is_sub_process()
            && s.is_expanded != Some(true)
            && !n
                .children
                .iter()
                .any(|c| c.id().is_some_and(|id| has_shape.contains(id)))
        {
            collapsed.insert(n.id.as_str());
        }
    }

    // ---- Participants, processes, collaboration annotations.
    let participants: Vec<&Participant> = model
        .collaborations()
        .flat_map(|c| c.content.iter())
        .filter_map(|c| match c {
            CollaborationContent::Participant(p) => Some(p),
            _ => None,
        })
        .collect();
    let mut extra: HashMap<&str, Vec<Artifact>> = HashMap::new();
    let mut collab_orphans: Vec<&str> = Vec::new();
    for col in model.collaborations() {
        for c in &col.content {
            let CollaborationContent::TextAnnotation(t) = c else {
                continue;
            };
            let anchor = info.anchor(&t.id);
            let process = anchor.and_then(|a| {
                let mut cur = a;
                for _ in 0..10_000 {
                    let p = *info.parent.get(cur)?;
                    if info.processes.contains_key(p) {
                        return Some(p);
                    }
                    cur = p;
                }
                None
            });
            match process {
                Some(p) => extra.entry(p).or_default().push(Artifact {
                    id: &t.id,
                    size: ANNOTATION,
                    anchor,
                }),
                None => collab_orphans.push(&t.id),
            }
        }
    }
    let ctx = Ctx {
        info,
        collapsed,
        extra,
    };
    let info = &ctx.info;
    let hidden = |id: &str| info.inside(id, &ctx.collapsed);

    let mut blocks: HashMap<&str, Block> = HashMap::new();
    let mut order: Vec<&str> = Vec::new();
    for p in model.processes() {
        if blocks.contains_key(p.id.as_str()) {
            continue;
        }
        let extra = ctx.extra.get(p.id.as_str()).cloned().unwrap_or_default();
        blocks.insert(&p.id, layout_container(&ctx, &p.id, &p.content, &extra));
        order.push(&p.id);
    }
    let wrapped = |b: &Block| -> (f64, f64) {
        if b.has_lanes {
            (POOL_HEADER + b.width, b.height)
        } else {
            (
                POOL_HEADER + 2.0 * CONTENT_PAD + b.width,
                (2.0 * BAND_PAD + b.height).max(BLACK_BOX_HEIGHT),
            )
        }
    };
    let pool_w = blocks
        .values()
        .map(|b| wrapped(b).0)
        .fold(MIN_POOL_WIDTH, f64::max);

    // ---- Stack pools, then processes without a pool.
    let mut layout: Vec<NewShape> = Vec::new();
    let mut routes: HashMap<String, Vec<Pt>> = HashMap::new();
    let mut backward: HashSet<String> = HashSet::new();
    let mut used: HashSet<&str> = HashSet::new();
    let mut y = ORIGIN;
    let x = ORIGIN;
    let mut place = |mut block: Block, bx: f64, by: f64, right: f64, layout: &mut Vec<NewShape>| {
        block.translate(bx, by);
        for mut s in block.shapes {
            if s.stretch && s.role == Role::Lane {
                s.bounds.width = right - s.bounds.x;
            }
            layout.push(s);
        }
        for (id, pts) in block.routes {
            routes.insert(id, pts);
        }
        backward.extend(block.backward);
    };
    for p in &participants {
        let block = p
            .process_ref
            .as_deref()
            .filter(|r| !used.contains(r))
            .and_then(|r| blocks.remove_entry(r));
        match block {
            Some((pid, block)) => {
                used.insert(pid);
                let (_, h) = wrapped(&block);
                layout.push(NewShape {
                    element: p.id.clone(),
                    bounds: bounds(x, y, pool_w, h),
                    role: Role::Pool,
                    stretch: false,
                });
                let (bx, by) = if block.has_lanes {
                    (x + POOL_HEADER, y)
                } else {
                    (x + POOL_HEADER + CONTENT_PAD, y + (h - block.height) / 2.0)
                };
                place(block, bx, by, x + pool_w, &mut layout);
                y += h + POOL_GAP;
            }
            None => {
                layout.push(NewShape {
                    element: p.id.clone(),
                    bounds: bounds(x, y, pool_w, BLACK_BOX_HEIGHT),
                    role: Role::Pool,
                    stretch: false,
                });
                y += BLACK_BOX_HEIGHT + POOL_GAP;
            }
        }
    }
    for pid in &order {
        if let Some(block) = blocks.remove(pid) {
            let h = block.height;
            if block.shapes.is_empty() {
                continue;
            }
            place(block, x + POOL_HEADER, y, x + pool_w, &mut layout);
            y += h + POOL_GAP;
        }
    }
    let mut ay = ORIGIN;
    for id in &collab_orphans {
        layout.push(NewShape {
            element: id.to_string(),
            bounds: bounds(x + pool_w + COLUMN_GAP, ay, ANNOTATION.0, ANNOTATION.1),
            role: Role::Other,
            stretch: false,
        });
        ay += ANNOTATION.1 + ROW_GAP;
    }

    // ---- Keep what exists; add the rest (below the existing drawing when there is one).
    let dy = if any {
        max_y + PARTIAL_GAP - ORIGIN
    } else {
        0.0
    };
    let mut ids = model.ids();
    let mut final_bounds: HashMap<String, Bounds> =
        existing.iter().map(|(k, v)| (k.to_string(), *v)).collect();
    let mut shapes: Vec<Shape> = Vec::new();
    let mut new_elements: HashSet<String> = HashSet::new();
    for s in layout {
        if has_shape.contains(s.element.as_str()) || hidden(&s.element) {
            continue;
        }
        let mut b = s.bounds;
        b.y += dy;
        final_bounds.insert(s.element.clone(), b);
        new_elements.insert(s.element.clone());
        let id = fresh(&mut ids, &format!("{}_di", s.element));
        shapes.push(Shape {
            id: Some(id),
            bpmn_element: Some(s.element),
            is_horizontal: matches!(s.role, Role::Pool | Role::Lane).then_some(true),
            is_expanded: (s.role == Role::Expanded).then_some(true),
            is_marker_visible: (s.role == Role::MarkedGateway).then_some(true),
            bounds: Some(b),
            ..Shape::default()
        });
    }

    let mut report = LayoutReport::default();
    let mut edges: Vec<Edge> = Vec::new();
    let mut edge_points: HashMap<String, Vec<Pt>> = existing_edges
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let add_edge = |element: &str,
                    pts: Vec<Pt>,
                    edges: &mut Vec<Edge>,
                    ids: &mut HashSet<String>,
                    edge_points: &mut HashMap<String, Vec<Pt>>| {
        edge_points.insert(element.to_string(), pts.clone());
        edges.push(Edge {
            id: Some(fresh(ids, &format!("{element}_di"))),
            bpmn_element: Some(element.to_string()),
            waypoints: pts
                .into_iter()
                .map(|(x, y)| Point {
                    x,
                    y,
                    extra: Extra::default(),
                })
                .collect(),
            ..Edge::default()
        });
    };
    let end = |id: &str,
               final_bounds: &HashMap<String, Bounds>,
               edge_points: &HashMap<String, Vec<Pt>>| {
        final_bounds
            .get(id)
            .copied()
            .or_else(|| edge_points.get(id).and_then(|p| edge_middle(p)))
    };

    // Sequence flows.
    for c in model.flow_elements() {
        let FlowContent::SequenceFlow(f) = c.element else {
            continue;
        };
        if existing_edges.contains_key(f.id.as_str()) || hidden(&f.id) {
            continue;
        }
        let both_new = new_elements.contains(f.source()) && new_elements.contains(f.target());
        let pts = match routes.get(&f.id) {
            Some(pts) if both_new => {
                if backward.contains(&f.id) {
                    report.backward_flows.push(f.id.clone());
                }
                pts.iter().map(|&(x, y)| (x, y + dy)).collect()
            }
            _ => match (final_bounds.get(f.source()), final_bounds.get(f.target())) {
                (Some(a), Some(b)) => {
                    if backward.contains(&f.id) || b.x < x2(a) {
                        report.backward_flows.push(f.id.clone());
                    }
                    route_between(a, b, false)
                }
                _ => {
                    report.skipped.push(f.id.clone());
                    continue;
                }
            },
        };
        add_edge(&f.id, pts, &mut edges, &mut ids, &mut edge_points);
    }
    // Message flows.
    let pool_of = |id: &str| -> Option<&str> {
        if participants.iter().any(|p| p.id == id) {
            return Some(participants.iter().find(|p| p.id == id)?.id.as_str());
        }
        let mut cur = id;
        for _ in 0..10_000 {
            let p = *info.parent.get(cur)?;
            if info.processes.contains_key(p) {
                return participants
                    .iter()
                    .find(|x| x.process_ref.as_deref() == Some(p))
                    .map(|x| x.id.as_str());
            }
            cur = p;
        }
        None
    };
    for col in model.collaborations() {
        for c in &col.content {
            let CollaborationContent::MessageFlow(m) = c else {
                continue;
            };
            if existing_edges.contains_key(m.id.as_str()) {
                continue;
            }
            if hidden(m.source()) || hidden(m.target()) {
                continue;
            }
            match (
                end(m.source(), &final_bounds, &edge_points),
                end(m.target(), &final_bounds, &edge_points),
            ) {
                (Some(a), Some(b)) => {
                    // Along the gap next to the source's pool.
                    let level = pool_of(m.source())
                        .and_then(|p| final_bounds.get(p))
                        .map(|p| {
                            if cy(&b) > cy(&a) {
                                y2(p) + POOL_GAP / 2.0
                            } else {
                                p.y - POOL_GAP / 2.0
                            }
                        });
                    let pts = route_via(&a, &b, true, level);
                    add_edge(&m.id, pts, &mut edges, &mut ids, &mut edge_points);
                }
                _ => report.skipped.push(m.id.clone()),
            }
        }
    }
    // Associations, in processes and collaborations.
    let mut associations: Vec<&Association> = Vec::new();
    for c in model.flow_elements() {
        if let FlowContent::Association(a) = c.element
            && !hidden(&a.id)
        {
            associations.push(a);
        }
    }
    for col in model.collaborations() {
        for c in &col.content {
            if let CollaborationContent::Association(a) = c {
                associations.push(a);
            }
        }
    }
    for a in associations {
        if existing_edges.contains_key(a.id.as_str()) {
            continue;
        }
        let (Some(s), Some(t)) = (a.source_ref.as_deref(), a.target_ref.as_deref()) else {
            report.skipped.push(a.id.clone());
            continue;
        };
        if hidden(s) || hidden(t) {
            continue;
        }
        match (
            end(s, &final_bounds, &edge_points),
            end(t, &final_bounds, &edge_points),
        ) {
            (Some(x), Some(y)) => {
                let pts = route_between(&x, &y, true);
                add_edge(&a.id, pts, &mut edges, &mut ids, &mut edge_points);
            }
            _ => report.skipped.push(a.id.clone()),
        }
    }
    // Data associations (those with an id).
    for c in model.flow_elements() {
        let FlowContent::FlowNode(n) = c.element else {
            continue;
        };
        if hidden(&n.id) {
            continue;
        }
        for nc in &n.content {
            let (a, input) = match nc {
                NodeContent::DataInputAssociation(a) => (a, true),
                NodeContent::DataOutputAssociation(a) => (a, false),
                _ => continue,
            };
            let Some(id) = a.id.as_deref() else { continue };
            if existing_edges.contains_key(id) {
                continue;
            }
            // Only associations with drawn data (not an activity's own inputs and outputs,
            // properties or unresolved references) are drawn.
            let drawable: Vec<&String> = if input {
                a.source_refs.iter().collect()
            } else {
                a.target_ref.iter().collect()
            };
            let drawable: Vec<&String> = drawable
                .into_iter()
                .filter(|r| info.data.contains(r.as_str()) && !hidden(r))
                .collect();
            if drawable.is_empty() {
                continue;
            }
            let data = drawable
                .into_iter()
                .find(|r| final_bounds.contains_key(r.as_str()));
            let (Some(data), Some(node)) = (data, final_bounds.get(&n.id)) else {
                report.skipped.push(id.to_string());
                continue;
            };
            let d = final_bounds[data];
            let pts = if input {
                route_between(&d, node, true)
            } else {
                route_between(node, &d, true)
            };
            add_edge(id, pts, &mut edges, &mut ids, &mut edge_points);
        }
    }

    let plane_element = model
        .collaborations()
        .next()
        .map(|c| c.id.clone())
        .or_else(|| model.processes().next().map(|p| p.id.clone()));
    Plan {
        shapes,
        edges,
        diagram_id: fresh(&mut ids, "BPMNDiagram_1"),
        plane_id: fresh(&mut ids, "BPMNPlane_1"),
        plane_element,
        report,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_drops_repeats_and_straight_runs() {
        let pts = clean(vec![
            (0.0, 0.0),
            (0.0, 0.0),
            (5.0, 0.0),
            (10.0, 0.0),
            (10.0, 5.0),
            (10.0, 5.0),
        ]);
        assert_eq!(pts, [(0.0, 0.0), (10.0, 0.0), (10.0, 5.0)]);
        assert_eq!(
            clean(vec![(1.0, 1.0), (1.0, 1.0)]),
            [(1.0, 1.0), (1.0, 1.0)]
        );
    }

    #[test]
    fn routes_leave_and_enter_through_borders() {
        let a = bounds(0.0, 0.0, 100.0, 80.0);
        // Side by side, level: one straight segment between facing sides.
        let b = bounds(200.0, 20.0, 36.0, 36.0);
        assert_eq!(route_between(&a, &b, false), [(100.0, 38.0), (200.0, 38.0)]);
        // Apart both ways: horizontal first unless vertical is preferred.
        let c = bounds(300.0, 300.0, 50.0, 50.0);
        assert_eq!(
            route_between(&a, &c, false),
            [(100.0, 40.0), (200.0, 40.0), (200.0, 325.0), (300.0, 325.0)]
        );
        assert_eq!(
            route_between(&a, &c, true),
            [(50.0, 80.0), (50.0, 190.0), (325.0, 190.0), (325.0, 300.0)]
        );
        assert_eq!(
            route_via(&a, &c, true, Some(120.0)),
            [(50.0, 80.0), (50.0, 120.0), (325.0, 120.0), (325.0, 300.0)]
        );
        // Overlapping boxes: around the top.
        let d = bounds(70.0, 60.0, 36.0, 36.0);
        assert_eq!(
            route_between(&d, &a, false),
            [(88.0, 60.0), (88.0, -20.0), (50.0, -20.0), (50.0, 0.0)]
        );
    }

    #[test]
    fn crossings_count_inversions() {
        // Upper 0, 1; lower 2, 3. 0→3 and 1→2 cross once; 0→2, 1→3 do not.
        let succs = vec![vec![3], vec![2], vec![], vec![]];
        let pos = vec![0, 1, 0, 1];
        assert_eq!(crossings(&[0, 1], &[2, 3], &succs, &pos), 1);
        let succs = vec![vec![2], vec![3], vec![], vec![]];
        assert_eq!(crossings(&[0, 1], &[2, 3], &succs, &pos), 0);
        // Three edges fanning into reversed order cross three times.
        let succs = vec![vec![5], vec![4], vec![3], vec![], vec![], vec![]];
        let pos = vec![0, 1, 2, 0, 1, 2];
        assert_eq!(crossings(&[0, 1, 2], &[3, 4, 5], &succs, &pos), 3);
    }

    #[test]
    fn barycentre_ordering_untangles_a_crossing() {
        let item = |rank| Item {
            kind: ItemKind::Dummy,
            w: 0.0,
            h: 0.0,
            cw: 0.0,
            below: 0.0,
            band: 0,
            rank,
        };
        let items: Vec<Item> = vec![item(0), item(0), item(1), item(1)];
        // 0→3, 1→2 with the lower layer in the order 2, 3: one crossing.
        let preds = vec![vec![], vec![], vec![(1, false)], vec![(0, false)]];
        let succs = vec![vec![3], vec![2], vec![], vec![]];
        let mut layers = vec![vec![0, 1], vec![2, 3]];
        order_layers(&mut layers, &items, &preds, &succs);
        let mut pos = vec![0; 4];
        for l in &layers {
            for (i, &it) in l.iter().enumerate() {
                pos[it] = i;
            }
        }
        assert_eq!(total_crossings(&layers, &succs, &pos), 0, "{layers:?}");
    }
}
