//! The validation graph of an imported BPMN model, for `model::validate` (where the rules
//! live): one scope per process and per sub-process, the nodes with their kinds, labels and
//! event definitions, the sequence flows with their conditions, pools and lanes, the global
//! elements (messages, errors, signals, escalations) and whether they are used, what the
//! diagrams draw and where, and the references that point nowhere.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use ::model::flow::NodeKind;
use ::model::validate::{
    FlowGraph, GlobalElement, GlobalKind, GraphFlow, GraphNode, GraphScope, GraphShape, Rect,
    ScopeKind,
};

use super::flowdoc::bpmn_to_def;
use super::model::*;

pub fn validation_graph(model: &BpmnModel) -> FlowGraph {
    let ids = model.ids();
    let resolves = |r: &str| {
        let r = r.trim();
        ids.contains(r)
            || r.split_once(':')
                .is_some_and(|(_, local)| ids.contains(local))
    };
    let mut b = Builder {
        g: FlowGraph::default(),
        bounds: drawn_bounds(model),
        expanded_shapes: shapes(model)
            .filter(|s| s.is_expanded == Some(true))
            .filter_map(|s| s.bpmn_element.as_deref())
            .collect(),
        expanded: BTreeMap::new(),
        drawn: drawn_elements(model),
        referenced: BTreeSet::new(),
        resolves: &resolves,
    };
    for col in model.collaborations() {
        b.collaboration(col);
    }
    for p in model.processes() {
        b.g.scopes.push(GraphScope {
            id: p.id.clone(),
            kind: ScopeKind::Process,
            parent: None,
            interrupting: false,
        });
        b.walk(&p.id, &p.id, &p.content);
    }
    for (process, pool) in pools(model) {
        if let Some(r) = b.bounds.get(pool) {
            b.g.container_bounds.insert(process.to_string(), *r);
        }
    }
    for (id, r) in std::mem::take(&mut b.expanded) {
        b.g.container_bounds.insert(id, r);
    }
    b.globals(model);
    b.diagram_references(model);
    b.g
}

struct Builder<'m, 'r> {
    g: FlowGraph,
    /// The bounds of every shape of every diagram, by model element.
    bounds: HashMap<&'m str, Rect>,
    /// The elements whose shape says `isExpanded="true"`.
    expanded_shapes: BTreeSet<&'m str>,
    /// Expanded sub-processes and their bounds.
    expanded: BTreeMap<String, Rect>,
    /// The model elements some diagram draws.
    drawn: BTreeSet<&'m str>,
    /// The ids that `messageRef`, `errorRef`, `signalRef`, `escalationRef` name.
    referenced: BTreeSet<String>,
    resolves: &'r dyn Fn(&str) -> bool,
}

/// The id part of a reference written as a QName (`tns:Message_1`).
fn local_id(r: &str) -> &str {
    let r = r.trim();
    r.split_once(':').map_or(r, |(_, l)| l)
}

impl<'m> Builder<'m, '_> {
    fn undrawn(&mut self, id: &str) {
        if !self.drawn.contains(id) {
            self.g.undrawn.push(id.to_string());
        }
    }

    fn broken(&mut self, id: &str) {
        self.g.broken_references.push(id.to_string());
    }

    fn shape(&mut self, id: &str, container: &str, host: Option<&str>, inside: bool) {
        if let Some(r) = self.bounds.get(id) {
            self.g.shapes.push(GraphShape {
                id: id.to_string(),
                container: container.to_string(),
                bounds: *r,
                host: host.map(str::to_string),
                inside_container: inside,
            });
        }
    }

    fn refers(&mut self, extra: &Extra, attr: &str) {
        if let Some(v) = extra.attr(attr) {
            self.referenced.insert(local_id(v).to_string());
        }
    }

    fn collaboration(&mut self, col: &'m Collaboration) {
        for c in &col.content {
            match c {
                CollaborationContent::Participant(p) => {
                    self.g
                        .lanes_and_pools
                        .push((p.id.clone(), p.name.clone().unwrap_or_default()));
                    self.undrawn(&p.id);
                    self.shape(&p.id, &col.id, None, false);
                    if p.process_ref
                        .as_deref()
                        .is_some_and(|r| !(self.resolves)(r))
                    {
                        self.broken(&p.id);
                    }
                }
                CollaborationContent::MessageFlow(m) => {
                    self.undrawn(&m.id);
                    self.refers(&m.extra, "messageRef");
                    if !(self.resolves)(m.source()) || !(self.resolves)(m.target()) {
                        self.broken(&m.id);
                    }
                }
                CollaborationContent::TextAnnotation(t) => self.undrawn(&t.id),
                CollaborationContent::Association(a) => self.undrawn(&a.id),
                CollaborationContent::Group(g) => self.undrawn(&g.id),
                CollaborationContent::Raw(_) => {}
            }
        }
    }

    fn lanes(&mut self, ls: &LaneSet) {
        for l in &ls.lanes {
            self.g
                .lanes_and_pools
                .push((l.id.clone(), l.name.clone().unwrap_or_default()));
            self.undrawn(&l.id);
            if l.flow_node_refs.iter().any(|r| !(self.resolves)(r)) {
                self.broken(&l.id);
            }
            if let Some(child) = &l.child_lane_set {
                self.lanes(child);
            }
        }
    }

    fn walk(&mut self, process: &str, scope: &str, content: &'m [FlowContent]) {
        for c in content {
            match c {
                FlowContent::FlowNode(n) => self.node(process, scope, n),
                FlowContent::SequenceFlow(f) => {
                    self.undrawn(&f.id);
                    self.g.flows.push(GraphFlow {
                        has_condition: f.condition.is_some(),
                        condition: f
                            .condition
                            .as_ref()
                            .map(|c| c.to_text().trim().to_string())
                            .unwrap_or_default(),
                        name: f.name.clone().unwrap_or_default(),
                        ..GraphFlow::new(&f.id, f.source(), f.target())
                    });
                }
                FlowContent::LaneSet(ls) => self.lanes(ls),
                FlowContent::DataObjectReference(d) => {
                    self.undrawn(&d.id);
                    self.shape(&d.id, scope, None, true);
                }
                FlowContent::DataStoreReference(d) => {
                    self.undrawn(&d.id);
                    self.shape(&d.id, scope, None, false);
                }
                FlowContent::TextAnnotation(t) => self.undrawn(&t.id),
                FlowContent::Association(a) => self.undrawn(&a.id),
                FlowContent::Group(g) => self.undrawn(&g.id),
                FlowContent::DataObject(_) | FlowContent::Raw(_) => {}
            }
        }
    }

    fn node(&mut self, process: &str, scope: &str, n: &'m FlowNode) {
        self.undrawn(&n.id);
        self.shape(&n.id, scope, n.attached_to_ref.as_deref(), true);
        for d in n.event_definitions() {
            for attr in ["messageRef", "errorRef", "signalRef", "escalationRef"] {
                self.refers(&d.extra, attr);
            }
        }
        if matches!(n.kind, FlowNodeKind::SendTask | FlowNodeKind::ReceiveTask) {
            self.refers(&n.extra, "messageRef");
        }
        if n.default_flow
            .as_deref()
            .is_some_and(|r| !(self.resolves)(r))
        {
            self.broken(&n.id);
        }
        let event_sub_process = n.kind.is_sub_process() && n.triggered_by_event == Some(true);
        if n.kind.is_sub_process() {
            let kind = match n.kind {
                _ if event_sub_process => ScopeKind::EventSubProcess,
                FlowNodeKind::AdHocSubProcess => ScopeKind::AdHocSubProcess,
                FlowNodeKind::Transaction => ScopeKind::Transaction,
                _ => ScopeKind::SubProcess,
            };
            // Ad-hoc sub-processes run their activities in any order, without sequence.
            if kind == ScopeKind::AdHocSubProcess {
                self.g.exempt_scopes.insert(n.id.clone());
            }
            // A start event interrupts unless it says otherwise.
            let interrupting = n.children.iter().any(|c| {
                matches!(c, FlowContent::FlowNode(s) if s.kind == FlowNodeKind::StartEvent
                    && s.extra.attr("isInterrupting").map(str::trim) != Some("false"))
            });
            self.g.scopes.push(GraphScope {
                id: n.id.clone(),
                kind,
                parent: Some(scope.to_string()),
                interrupting,
            });
            // Its children must lie inside it when its shape says it is drawn expanded.
            if let Some(r) = self.bounds.get(n.id.as_str()).copied()
                && self.expanded_shapes.contains(n.id.as_str())
            {
                self.expanded.insert(n.id.clone(), r);
            }
            self.walk(process, &n.id, &n.children);
        }
        // An event sub-process is started by its event, not by sequence flows.
        if event_sub_process {
            return;
        }
        if n.kind == FlowNodeKind::BoundaryEvent
            && n.attached_to_ref
                .as_deref()
                .is_none_or(|r| !(self.resolves)(r))
        {
            self.broken(&n.id);
        }
        let kind = NodeKind::parse(n.kind.local_name()).unwrap_or(NodeKind::Task);
        let link_name = n
            .event_definitions()
            .find(|d| d.kind == EventDefinitionKind::Link)
            .map(|d| d.extra.attr("name").unwrap_or_default().to_string());
        self.g.nodes.push(GraphNode {
            name: n.name.clone().unwrap_or_default(),
            attached_to: n.attached_to_ref.clone(),
            default_flow: n.default_flow.clone(),
            event_definitions: n.event_definitions().map(|d| bpmn_to_def(d.kind)).collect(),
            link_name,
            for_compensation: n.extra.attr("isForCompensation").map(str::trim) == Some("true"),
            interrupting: match n.kind {
                FlowNodeKind::BoundaryEvent => n.cancel_activity != Some(false),
                _ => n.extra.attr("isInterrupting").map(str::trim) != Some("false"),
            },
            ..GraphNode::new(&n.id, kind, scope, process)
        });
    }

    /// Messages, errors, signals and escalations among the root elements.
    fn globals(&mut self, model: &BpmnModel) {
        for c in &model.content {
            let DefinitionsContent::Raw(XmlNode::Element(e)) = c else {
                continue;
            };
            if e.ns.as_deref() != Some(MODEL_NS) {
                continue;
            }
            let kind = match e.local.as_str() {
                "message" => GlobalKind::Message,
                "error" => GlobalKind::Error,
                "signal" => GlobalKind::Signal,
                "escalation" => GlobalKind::Escalation,
                _ => continue,
            };
            let Some(id) = e.attr("id") else {
                continue;
            };
            self.g.globals.push(GlobalElement {
                id: id.to_string(),
                kind,
                name: e.attr("name").map(str::to_string),
                referenced: self.referenced.contains(id),
            });
        }
    }

    /// DI shapes and edges whose `bpmnElement` names nothing.
    fn diagram_references(&mut self, model: &BpmnModel) {
        for d in model.diagrams() {
            let Some(plane) = &d.plane else {
                continue;
            };
            for c in &plane.content {
                let (id, element) = match c {
                    PlaneContent::Shape(s) => (s.id.as_deref(), s.bpmn_element.as_deref()),
                    PlaneContent::Edge(e) => (e.id.as_deref(), e.bpmn_element.as_deref()),
                    PlaneContent::Raw(_) => continue,
                };
                if let Some(r) = element
                    && !(self.resolves)(r)
                {
                    self.broken(id.unwrap_or(r));
                }
            }
        }
    }
}

/// Which process each pool (participant) holds.
fn pools(model: &BpmnModel) -> Vec<(&str, &str)> {
    model
        .collaborations()
        .flat_map(|c| &c.content)
        .filter_map(|c| match c {
            CollaborationContent::Participant(p) => {
                Some((p.process_ref.as_deref()?, p.id.as_str()))
            }
            _ => None,
        })
        .collect()
}

fn shapes(model: &BpmnModel) -> impl Iterator<Item = &Shape> {
    model
        .diagrams()
        .filter_map(|d| d.plane.as_ref())
        .flat_map(|p| &p.content)
        .filter_map(|c| match c {
            PlaneContent::Shape(s) => Some(s),
            _ => None,
        })
}

fn drawn_bounds(model: &BpmnModel) -> HashMap<&str, Rect> {
    let mut out = HashMap::new();
    for s in shapes(model) {
        if let (Some(id), Some(b)) = (s.bpmn_element.as_deref(), s.bounds) {
            out.entry(id).or_insert(Rect {
                x: b.x,
                y: b.y,
                w: b.width,
                h: b.height,
            });
        }
    }
    out
}

fn drawn_elements(model: &BpmnModel) -> BTreeSet<&str> {
    model
        .diagrams()
        .filter_map(|d| d.plane.as_ref())
        .flat_map(|p| &p.content)
        .filter_map(|c| match c {
            PlaneContent::Shape(s) => s.bpmn_element.as_deref(),
            PlaneContent::Edge(e) => e.bpmn_element.as_deref(),
            PlaneContent::Raw(_) => None,
        })
        .collect()
}
