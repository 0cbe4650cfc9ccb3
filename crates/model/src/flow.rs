//! The business-flow document: nodes (events, tasks, gateways), sequence flows and lanes.
//!
//! Layout of the Automerge document (keys are the constants below):
//! `{ schema, schemaVersion, nodes: {id: {kind, name, x, y, w, h}}, edges: {id: {kind,
//! source, target, name}}, lanes: {id: {name, y, h}} }`. Elements are keyed by id in maps so
//! that concurrent additions by different peers never collide.

use std::collections::BTreeSet;

use automerge::{Automerge, ObjType, ROOT, ReadDoc, transaction::Transactable};
use serde::{Deserialize, Serialize};

use crate::schema::{
    DocKind, KEY_SCHEMA, KEY_SCHEMA_VERSION, ModelError, check_schema, get_f64, get_map, get_str,
};

const KEY_NODES: &str = "nodes";
const KEY_EDGES: &str = "edges";
const KEY_LANES: &str = "lanes";
const KEY_KIND: &str = "kind";
const KEY_NAME: &str = "name";
const KEY_X: &str = "x";
const KEY_Y: &str = "y";
const KEY_W: &str = "w";
const KEY_H: &str = "h";
const KEY_SOURCE: &str = "source";
const KEY_TARGET: &str = "target";

/// The BPMN element types the canvas can place so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum NodeKind {
    StartEvent,
    EndEvent,
    IntermediateEvent,
    Task,
    UserTask,
    ServiceTask,
    ExclusiveGateway,
    ParallelGateway,
}

impl NodeKind {
    pub const ALL: [NodeKind; 8] = [
        NodeKind::StartEvent,
        NodeKind::EndEvent,
        NodeKind::IntermediateEvent,
        NodeKind::Task,
        NodeKind::UserTask,
        NodeKind::ServiceTask,
        NodeKind::ExclusiveGateway,
        NodeKind::ParallelGateway,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::StartEvent => "startEvent",
            NodeKind::EndEvent => "endEvent",
            NodeKind::IntermediateEvent => "intermediateEvent",
            NodeKind::Task => "task",
            NodeKind::UserTask => "userTask",
            NodeKind::ServiceTask => "serviceTask",
            NodeKind::ExclusiveGateway => "exclusiveGateway",
            NodeKind::ParallelGateway => "parallelGateway",
        }
    }

    pub fn parse(s: &str) -> Option<NodeKind> {
        NodeKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The default size of a new element of this kind, in canvas units.
    pub fn default_size(self) -> (f64, f64) {
        match self {
            NodeKind::StartEvent | NodeKind::EndEvent | NodeKind::IntermediateEvent => (36.0, 36.0),
            NodeKind::ExclusiveGateway | NodeKind::ParallelGateway => (50.0, 50.0),
            _ => (120.0, 72.0),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum EdgeKind {
    SequenceFlow,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct FlowNode {
    pub id: String,
    pub kind: NodeKind,
    pub name: String,
    /// Finite (checked on write, defaulted on read); exported to TypeScript as `number`.
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub x: f64,
    /// Finite (checked on write, defaulted on read); exported to TypeScript as `number`.
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub y: f64,
    /// Finite (checked on write, defaulted on read); exported to TypeScript as `number`.
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub w: f64,
    /// Finite (checked on write, defaulted on read); exported to TypeScript as `number`.
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub h: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct FlowEdge {
    pub id: String,
    pub kind: EdgeKind,
    pub source: String,
    pub target: String,
    pub name: String,
}

/// A lane: a horizontal band named after a role (客户经理, 产品经理, ...).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Lane {
    pub id: String,
    pub name: String,
    /// Finite (checked on write, defaulted on read); exported to TypeScript as `number`.
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub y: f64,
    /// Finite (checked on write, defaulted on read); exported to TypeScript as `number`.
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub h: f64,
}

/// A whole flow as read from its document.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Flow {
    pub nodes: Vec<FlowNode>,
    pub edges: Vec<FlowEdge>,
    pub lanes: Vec<Lane>,
}

/// One edit of a flow. A user action is a list of these applied as one Automerge change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "op", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum FlowOp {
    AddNode {
        node: FlowNode,
    },
    /// Removes the node and every edge that touches it.
    RemoveNode {
        id: String,
    },
    MoveNode {
        id: String,
        #[cfg_attr(feature = "specta", specta(type = i32))]
        x: f64,
        #[cfg_attr(feature = "specta", specta(type = i32))]
        y: f64,
    },
    RenameNode {
        id: String,
        name: String,
    },
    AddEdge {
        edge: FlowEdge,
    },
    RemoveEdge {
        id: String,
    },
    RenameEdge {
        id: String,
        name: String,
    },
    AddLane {
        lane: Lane,
    },
    RemoveLane {
        id: String,
    },
    RenameLane {
        id: String,
        name: String,
    },
}

/// What an applied edit changed, as current view data: small enough to send to the UI.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct FlowPatch {
    pub nodes: Vec<FlowNode>,
    pub removed_nodes: Vec<String>,
    pub edges: Vec<FlowEdge>,
    pub removed_edges: Vec<String>,
    pub lanes: Vec<Lane>,
    pub removed_lanes: Vec<String>,
}

impl FlowPatch {
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
            && self.removed_nodes.is_empty()
            && self.edges.is_empty()
            && self.removed_edges.is_empty()
            && self.lanes.is_empty()
            && self.removed_lanes.is_empty()
    }
}

/// Writes the root of a new flow document. Call once, when the document is created.
pub fn init(doc: &mut Automerge) -> Result<(), ModelError> {
    let mut tx = doc.transaction();
    tx.put(ROOT, KEY_SCHEMA, DocKind::BusinessFlow.schema_name())?;
    tx.put(
        ROOT,
        KEY_SCHEMA_VERSION,
        DocKind::BusinessFlow.current_version(),
    )?;
    tx.put_object(ROOT, KEY_NODES, ObjType::Map)?;
    tx.put_object(ROOT, KEY_EDGES, ObjType::Map)?;
    tx.put_object(ROOT, KEY_LANES, ObjType::Map)?;
    crate::links::init(&mut tx)?;
    tx.commit();
    Ok(())
}

/// Reads the whole flow. Elements come out sorted by id so reads are deterministic.
pub fn read(doc: &Automerge) -> Result<Flow, ModelError> {
    check_schema(doc, DocKind::BusinessFlow)?;
    let nodes_obj = get_map(doc, &ROOT, KEY_NODES)?;
    let edges_obj = get_map(doc, &ROOT, KEY_EDGES)?;
    let lanes_obj = get_map(doc, &ROOT, KEY_LANES)?;
    let mut flow = Flow::default();
    for id in doc.keys(&nodes_obj) {
        if let Some(n) = read_node(doc, &nodes_obj, &id)? {
            flow.nodes.push(n);
        }
    }
    for id in doc.keys(&edges_obj) {
        if let Some(e) = read_edge(doc, &edges_obj, &id)? {
            flow.edges.push(e);
        }
    }
    for id in doc.keys(&lanes_obj) {
        if let Some(l) = read_lane(doc, &lanes_obj, &id)? {
            flow.lanes.push(l);
        }
    }
    flow.lanes
        .sort_by(|a, b| a.y.total_cmp(&b.y).then(a.id.cmp(&b.id)));
    Ok(flow)
}

fn read_node(
    doc: &impl ReadDoc,
    nodes: &automerge::ObjId,
    id: &str,
) -> Result<Option<FlowNode>, ModelError> {
    let Ok(obj) = get_map(doc, nodes, id) else {
        return Ok(None);
    };
    let kind = get_str(doc, &obj, KEY_KIND)?
        .and_then(|k| NodeKind::parse(&k))
        .ok_or_else(|| ModelError::Malformed(format!("node {id} has no known kind")))?;
    let (dw, dh) = kind.default_size();
    Ok(Some(FlowNode {
        id: id.to_string(),
        kind,
        name: get_str(doc, &obj, KEY_NAME)?.unwrap_or_default(),
        x: get_f64(doc, &obj, KEY_X)?.unwrap_or(0.0),
        y: get_f64(doc, &obj, KEY_Y)?.unwrap_or(0.0),
        w: get_f64(doc, &obj, KEY_W)?.unwrap_or(dw),
        h: get_f64(doc, &obj, KEY_H)?.unwrap_or(dh),
    }))
}

fn read_edge(
    doc: &impl ReadDoc,
    edges: &automerge::ObjId,
    id: &str,
) -> Result<Option<FlowEdge>, ModelError> {
    let Ok(obj) = get_map(doc, edges, id) else {
        return Ok(None);
    };
    let source = get_str(doc, &obj, KEY_SOURCE)?;
    let target = get_str(doc, &obj, KEY_TARGET)?;
    let (Some(source), Some(target)) = (source, target) else {
        return Err(ModelError::Malformed(format!("edge {id} lacks an end")));
    };
    Ok(Some(FlowEdge {
        id: id.to_string(),
        kind: EdgeKind::SequenceFlow,
        source,
        target,
        name: get_str(doc, &obj, KEY_NAME)?.unwrap_or_default(),
    }))
}

fn read_lane(
    doc: &impl ReadDoc,
    lanes: &automerge::ObjId,
    id: &str,
) -> Result<Option<Lane>, ModelError> {
    let Ok(obj) = get_map(doc, lanes, id) else {
        return Ok(None);
    };
    Ok(Some(Lane {
        id: id.to_string(),
        name: get_str(doc, &obj, KEY_NAME)?.unwrap_or_default(),
        y: get_f64(doc, &obj, KEY_Y)?.unwrap_or(0.0),
        h: get_f64(doc, &obj, KEY_H)?.unwrap_or(200.0),
    }))
}

/// The result of applying an edit: the ops that undo it and what changed.
#[derive(Debug, Default)]
pub struct Applied {
    pub inverse: Vec<FlowOp>,
    pub patch: FlowPatch,
}

/// Applies `ops` as one Automerge change. Either all ops apply or none does.
pub fn apply(doc: &mut Automerge, ops: &[FlowOp]) -> Result<Applied, ModelError> {
    check_schema(doc, DocKind::BusinessFlow)?;
    let nodes_obj = get_map(doc, &ROOT, KEY_NODES)?;
    let edges_obj = get_map(doc, &ROOT, KEY_EDGES)?;
    let lanes_obj = get_map(doc, &ROOT, KEY_LANES)?;
    let mut inverse: Vec<FlowOp> = Vec::new();
    let mut touched_nodes = BTreeSet::new();
    let mut touched_edges = BTreeSet::new();
    let mut touched_lanes = BTreeSet::new();

    let mut tx = doc.transaction();
    let result: Result<(), ModelError> = (|| {
        for op in ops {
            match op {
                FlowOp::AddNode { node } => {
                    check_id(&node.id)?;
                    if read_node(&tx, &nodes_obj, &node.id)?.is_some() {
                        return Err(ModelError::DuplicateId(node.id.clone()));
                    }
                    let obj = tx.put_object(&nodes_obj, &node.id, ObjType::Map)?;
                    tx.put(&obj, KEY_KIND, node.kind.as_str())?;
                    tx.put(&obj, KEY_NAME, node.name.as_str())?;
                    tx.put(&obj, KEY_X, finite(node.x)?)?;
                    tx.put(&obj, KEY_Y, finite(node.y)?)?;
                    tx.put(&obj, KEY_W, positive(node.w)?)?;
                    tx.put(&obj, KEY_H, positive(node.h)?)?;
                    inverse.push(FlowOp::RemoveNode {
                        id: node.id.clone(),
                    });
                    touched_nodes.insert(node.id.clone());
                }
                FlowOp::RemoveNode { id } => {
                    let node = read_node(&tx, &nodes_obj, id)?
                        .ok_or_else(|| ModelError::NoSuchElement(id.clone()))?;
                    // Edges never dangle: removing a node removes the flows that touch it,
                    // and the inverse brings them back after the node.
                    let mut edge_inverses = Vec::new();
                    for eid in tx.keys(&edges_obj).collect::<Vec<_>>() {
                        if let Some(edge) = read_edge(&tx, &edges_obj, &eid)?
                            && (edge.source == *id || edge.target == *id)
                        {
                            tx.delete(&edges_obj, eid.as_str())?;
                            touched_edges.insert(eid.clone());
                            edge_inverses.push(FlowOp::AddEdge { edge });
                        }
                    }
                    tx.delete(&nodes_obj, id.as_str())?;
                    // Inverses run in reverse order: edges are re-added after the node.
                    inverse.extend(edge_inverses);
                    inverse.push(FlowOp::AddNode { node });
                    touched_nodes.insert(id.clone());
                }
                FlowOp::MoveNode { id, x, y } => {
                    let node = read_node(&tx, &nodes_obj, id)?
                        .ok_or_else(|| ModelError::NoSuchElement(id.clone()))?;
                    let obj = get_map(&tx, &nodes_obj, id)?;
                    tx.put(&obj, KEY_X, finite(*x)?)?;
                    tx.put(&obj, KEY_Y, finite(*y)?)?;
                    inverse.push(FlowOp::MoveNode {
                        id: id.clone(),
                        x: node.x,
                        y: node.y,
                    });
                    touched_nodes.insert(id.clone());
                }
                FlowOp::RenameNode { id, name } => {
                    let node = read_node(&tx, &nodes_obj, id)?
                        .ok_or_else(|| ModelError::NoSuchElement(id.clone()))?;
                    let obj = get_map(&tx, &nodes_obj, id)?;
                    tx.put(&obj, KEY_NAME, name.as_str())?;
                    inverse.push(FlowOp::RenameNode {
                        id: id.clone(),
                        name: node.name,
                    });
                    touched_nodes.insert(id.clone());
                }
                FlowOp::AddEdge { edge } => {
                    check_id(&edge.id)?;
                    if read_edge(&tx, &edges_obj, &edge.id)?.is_some() {
                        return Err(ModelError::DuplicateId(edge.id.clone()));
                    }
                    for end in [&edge.source, &edge.target] {
                        if read_node(&tx, &nodes_obj, end)?.is_none() {
                            return Err(ModelError::NoSuchElement(end.clone()));
                        }
                    }
                    if edge.source == edge.target {
                        return Err(ModelError::InvalidEdit(format!(
                            "sequence flow {} connects {} to itself",
                            edge.id, edge.source
                        )));
                    }
                    let obj = tx.put_object(&edges_obj, &edge.id, ObjType::Map)?;
                    tx.put(&obj, KEY_KIND, "sequenceFlow")?;
                    tx.put(&obj, KEY_SOURCE, edge.source.as_str())?;
                    tx.put(&obj, KEY_TARGET, edge.target.as_str())?;
                    tx.put(&obj, KEY_NAME, edge.name.as_str())?;
                    inverse.push(FlowOp::RemoveEdge {
                        id: edge.id.clone(),
                    });
                    touched_edges.insert(edge.id.clone());
                }
                FlowOp::RemoveEdge { id } => {
                    let edge = read_edge(&tx, &edges_obj, id)?
                        .ok_or_else(|| ModelError::NoSuchElement(id.clone()))?;
                    tx.delete(&edges_obj, id.as_str())?;
                    inverse.push(FlowOp::AddEdge { edge });
                    touched_edges.insert(id.clone());
                }
                FlowOp::RenameEdge { id, name } => {
                    let edge = read_edge(&tx, &edges_obj, id)?
                        .ok_or_else(|| ModelError::NoSuchElement(id.clone()))?;
                    let obj = get_map(&tx, &edges_obj, id)?;
                    tx.put(&obj, KEY_NAME, name.as_str())?;
                    inverse.push(FlowOp::RenameEdge {
                        id: id.clone(),
                        name: edge.name,
                    });
                    touched_edges.insert(id.clone());
                }
                FlowOp::AddLane { lane } => {
                    check_id(&lane.id)?;
                    if read_lane(&tx, &lanes_obj, &lane.id)?.is_some() {
                        return Err(ModelError::DuplicateId(lane.id.clone()));
                    }
                    let obj = tx.put_object(&lanes_obj, &lane.id, ObjType::Map)?;
                    tx.put(&obj, KEY_NAME, lane.name.as_str())?;
                    tx.put(&obj, KEY_Y, finite(lane.y)?)?;
                    tx.put(&obj, KEY_H, positive(lane.h)?)?;
                    inverse.push(FlowOp::RemoveLane {
                        id: lane.id.clone(),
                    });
                    touched_lanes.insert(lane.id.clone());
                }
                FlowOp::RemoveLane { id } => {
                    let lane = read_lane(&tx, &lanes_obj, id)?
                        .ok_or_else(|| ModelError::NoSuchElement(id.clone()))?;
                    tx.delete(&lanes_obj, id.as_str())?;
                    inverse.push(FlowOp::AddLane { lane });
                    touched_lanes.insert(id.clone());
                }
                FlowOp::RenameLane { id, name } => {
                    let lane = read_lane(&tx, &lanes_obj, id)?
                        .ok_or_else(|| ModelError::NoSuchElement(id.clone()))?;
                    let obj = get_map(&tx, &lanes_obj, id)?;
                    tx.put(&obj, KEY_NAME, name.as_str())?;
                    inverse.push(FlowOp::RenameLane {
                        id: id.clone(),
                        name: lane.name,
                    });
                    touched_lanes.insert(id.clone());
                }
            }
        }
        Ok(())
    })();
    if let Err(e) = result {
        tx.rollback();
        return Err(e);
    }
    tx.commit();
    inverse.reverse();

    let mut patch = FlowPatch::default();
    for id in touched_nodes {
        match read_node(doc, &nodes_obj, &id)? {
            Some(n) => patch.nodes.push(n),
            None => patch.removed_nodes.push(id),
        }
    }
    for id in touched_edges {
        match read_edge(doc, &edges_obj, &id)? {
            Some(e) => patch.edges.push(e),
            None => patch.removed_edges.push(id),
        }
    }
    for id in touched_lanes {
        match read_lane(doc, &lanes_obj, &id)? {
            Some(l) => patch.lanes.push(l),
            None => patch.removed_lanes.push(id),
        }
    }
    Ok(Applied { inverse, patch })
}

fn check_id(id: &str) -> Result<(), ModelError> {
    if id.is_empty() || id.len() > 128 || id.chars().any(|c| c.is_control()) {
        return Err(ModelError::InvalidEdit(format!(
            "invalid element id {id:?}"
        )));
    }
    Ok(())
}

fn finite(v: f64) -> Result<f64, ModelError> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(ModelError::InvalidEdit(format!(
            "coordinate {v} is not finite"
        )))
    }
}

fn positive(v: f64) -> Result<f64, ModelError> {
    if v.is_finite() && v > 0.0 {
        Ok(v)
    } else {
        Err(ModelError::InvalidEdit(format!(
            "size {v} must be positive"
        )))
    }
}

/// The validation graph of a flow document's flow: one process, one scope.
pub fn graph(flow: &Flow) -> crate::validate::FlowGraph {
    use crate::validate::{FlowGraph, GraphFlow, GraphNode, NodeRole};
    const PROCESS: &str = "process";
    FlowGraph {
        nodes: flow
            .nodes
            .iter()
            .map(|n| GraphNode {
                id: n.id.clone(),
                role: match n.kind {
                    NodeKind::StartEvent => NodeRole::Start,
                    NodeKind::EndEvent => NodeRole::End,
                    NodeKind::ExclusiveGateway => NodeRole::ExclusiveGateway,
                    NodeKind::ParallelGateway => NodeRole::ParallelGateway,
                    _ => NodeRole::Other,
                },
                scope: PROCESS.into(),
                process: PROCESS.into(),
                attached_to: None,
                default_flow: None,
            })
            .collect(),
        // A named flow out of a gateway counts as conditioned until conditions are modelled.
        flows: flow
            .edges
            .iter()
            .map(|e| GraphFlow {
                id: e.id.clone(),
                source: e.source.clone(),
                target: e.target.clone(),
                has_condition: !e.name.trim().is_empty(),
            })
            .collect(),
        exempt_scopes: Default::default(),
    }
}

/// The display name of element `id` (node, sequence flow or lane), if the flow has it.
pub fn element_name(doc: &Automerge, id: &str) -> Result<Option<String>, ModelError> {
    for key in [KEY_NODES, KEY_EDGES, KEY_LANES] {
        let container = get_map(doc, &ROOT, key)?;
        if let Ok(obj) = get_map(doc, &container, id) {
            return Ok(Some(get_str(doc, &obj, KEY_NAME)?.unwrap_or_default()));
        }
    }
    Ok(None)
}
