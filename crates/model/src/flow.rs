//! The business-flow document: a BPMN 2.0 diagram as a CRDT.
//!
//! Layout of the Automerge document (keys are the constants below):
//! ```text
//! { schema, schemaVersion,
//!   nodes: { id: { kind, name, x, y, w, h, eventDefinition?, parent?, attachedTo?,
//!                  processRef?, defaultFlow?, expanded?, interrupting?, triggeredByEvent? } },
//!   edges: { id: { kind, source, target, name, condition?, waypoints? } },
//!   lanes: { id: { name, x?, y, w?, h, pool?, parentLane? } },
//!   links: { … }                       (see `links`)
//!   bpmn:  { source }                  (optional: the BPMN XML the flow was imported from)
//! }
//! ```
//! Elements are keyed by id in maps so that concurrent additions by different peers never
//! collide; every field is its own map key, so concurrent edits of different fields of one
//! element merge. Waypoints are one string (`"x,y x,y …"`), replaced as a whole: a route is
//! meaningful only as a whole.
//!
//! What the canvas does not model (extension elements, vendor attributes, documentation,
//! root elements such as messages) stays in the BPMN source kept under `bpmn.source` and is
//! written back on export (`formats::bpmn::flowdoc`).
//!
//! Version 1 documents (events, tasks, two gateways, sequence flows, full-width lanes) read
//! as version 2 without change; the first edit marks them version 2.

use std::collections::{BTreeMap, BTreeSet};

use automerge::{Automerge, ObjType, ROOT, ReadDoc, transaction::Transactable};
use serde::{Deserialize, Serialize};

use crate::schema::{
    DocKind, KEY_SCHEMA, KEY_SCHEMA_VERSION, ModelError, check_schema, get_f64, get_map, get_str,
};

const KEY_NODES: &str = "nodes";
const KEY_EDGES: &str = "edges";
const KEY_LANES: &str = "lanes";
const KEY_BPMN: &str = "bpmn";
const KEY_SOURCE_XML: &str = "source";
const KEY_KIND: &str = "kind";
const KEY_NAME: &str = "name";
const KEY_X: &str = "x";
const KEY_Y: &str = "y";
const KEY_W: &str = "w";
const KEY_H: &str = "h";
const KEY_EVENT_DEFINITION: &str = "eventDefinition";
const KEY_PARENT: &str = "parent";
const KEY_ATTACHED_TO: &str = "attachedTo";
const KEY_PROCESS_REF: &str = "processRef";
const KEY_DEFAULT_FLOW: &str = "defaultFlow";
const KEY_EXPANDED: &str = "expanded";
const KEY_INTERRUPTING: &str = "interrupting";
const KEY_TRIGGERED_BY_EVENT: &str = "triggeredByEvent";
const KEY_SOURCE: &str = "source";
const KEY_TARGET: &str = "target";
const KEY_CONDITION: &str = "condition";
const KEY_WAYPOINTS: &str = "waypoints";
const KEY_POOL: &str = "pool";
const KEY_PARENT_LANE: &str = "parentLane";

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $s:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        #[serde(rename_all = "camelCase")]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The name stored in the document (and BPMN's local name, for element kinds).
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),* }
            }
        }
    };
}

string_enum! {
    /// The kinds of element a flow's canvas holds, named as BPMN names them (`Pool` is
    /// BPMN's participant: a pool of the collaboration, holding one process).
    NodeKind {
        StartEvent => "startEvent",
        EndEvent => "endEvent",
        IntermediateCatchEvent => "intermediateCatchEvent",
        IntermediateThrowEvent => "intermediateThrowEvent",
        BoundaryEvent => "boundaryEvent",
        Task => "task",
        UserTask => "userTask",
        ServiceTask => "serviceTask",
        ManualTask => "manualTask",
        BusinessRuleTask => "businessRuleTask",
        ScriptTask => "scriptTask",
        SendTask => "sendTask",
        ReceiveTask => "receiveTask",
        SubProcess => "subProcess",
        Transaction => "transaction",
        AdHocSubProcess => "adHocSubProcess",
        CallActivity => "callActivity",
        ExclusiveGateway => "exclusiveGateway",
        ParallelGateway => "parallelGateway",
        InclusiveGateway => "inclusiveGateway",
        EventBasedGateway => "eventBasedGateway",
        ComplexGateway => "complexGateway",
        DataObjectReference => "dataObjectReference",
        DataStoreReference => "dataStoreReference",
        TextAnnotation => "textAnnotation",
        Group => "group",
        Pool => "participant",
    }
}

string_enum! {
    /// What triggers or results from an event (BPMN event definitions).
    EventDefinition {
        Message => "message",
        Timer => "timer",
        Error => "error",
        Signal => "signal",
        Escalation => "escalation",
        Compensate => "compensate",
        Conditional => "conditional",
        Link => "link",
        Terminate => "terminate",
        Cancel => "cancel",
    }
}

string_enum! {
    /// The connecting objects of BPMN.
    EdgeKind {
        SequenceFlow => "sequenceFlow",
        MessageFlow => "messageFlow",
        Association => "association",
        DataInputAssociation => "dataInputAssociation",
        DataOutputAssociation => "dataOutputAssociation",
    }
}

impl NodeKind {
    pub fn parse(s: &str) -> Option<NodeKind> {
        match s {
            // Version 1 had one "intermediate event": a none event, which BPMN draws as a
            // throwing intermediate event.
            "intermediateEvent" => Some(NodeKind::IntermediateThrowEvent),
            _ => NodeKind::ALL.iter().copied().find(|k| k.as_str() == s),
        }
    }

    pub fn is_event(self) -> bool {
        matches!(
            self,
            NodeKind::StartEvent
                | NodeKind::EndEvent
                | NodeKind::IntermediateCatchEvent
                | NodeKind::IntermediateThrowEvent
                | NodeKind::BoundaryEvent
        )
    }

    pub fn is_gateway(self) -> bool {
        matches!(
            self,
            NodeKind::ExclusiveGateway
                | NodeKind::ParallelGateway
                | NodeKind::InclusiveGateway
                | NodeKind::EventBasedGateway
                | NodeKind::ComplexGateway
        )
    }

    pub fn is_sub_process(self) -> bool {
        matches!(
            self,
            NodeKind::SubProcess | NodeKind::Transaction | NodeKind::AdHocSubProcess
        )
    }

    /// Tasks, sub-processes and call activities.
    pub fn is_activity(self) -> bool {
        matches!(
            self,
            NodeKind::Task
                | NodeKind::UserTask
                | NodeKind::ServiceTask
                | NodeKind::ManualTask
                | NodeKind::BusinessRuleTask
                | NodeKind::ScriptTask
                | NodeKind::SendTask
                | NodeKind::ReceiveTask
                | NodeKind::CallActivity
        ) || self.is_sub_process()
    }

    /// Events, activities and gateways: what sequence flows connect.
    pub fn is_flow_node(self) -> bool {
        self.is_event() || self.is_gateway() || self.is_activity()
    }

    /// The default size of a new element of this kind, in canvas units.
    pub fn default_size(self) -> (f64, f64) {
        match self {
            k if k.is_event() => (36.0, 36.0),
            k if k.is_gateway() => (50.0, 50.0),
            NodeKind::DataObjectReference => (36.0, 50.0),
            NodeKind::DataStoreReference => (50.0, 50.0),
            NodeKind::TextAnnotation => (120.0, 40.0),
            NodeKind::Group => (300.0, 200.0),
            NodeKind::Pool => (900.0, 250.0),
            _ => (120.0, 72.0),
        }
    }
}

/// A point of an edge's route, in canvas units.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Point {
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub x: f64,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub y: f64,
}

/// An element on the canvas: a flow node, a data reference, an artifact or a pool.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct FlowNode {
    pub id: String,
    pub kind: NodeKind,
    /// The name; for a text annotation, its text.
    pub name: String,
    /// Finite (checked on write, defaulted on read); exported to TypeScript as `number`.
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub x: f64,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub y: f64,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub w: f64,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub h: f64,
    /// Events: what triggers them (`None`: a none event).
    pub event_definition: Option<EventDefinition>,
    /// The process or sub-process the element belongs to, as imported. `None`: decided by
    /// where it lies (the pool around it, else the flow's own process).
    pub parent: Option<String>,
    /// Boundary events: the activity they sit on.
    pub attached_to: Option<String>,
    /// Pools: the process they hold.
    pub process_ref: Option<String>,
    /// Gateways and activities: the sequence flow taken when no condition holds.
    pub default_flow: Option<String>,
    /// Sub-processes: drawn expanded (its content inside) rather than collapsed.
    pub expanded: Option<bool>,
    /// Boundary events (`cancelActivity`) and event sub-process start events
    /// (`isInterrupting`); `None` means BPMN's default, interrupting.
    pub interrupting: Option<bool>,
    /// Sub-processes: an event sub-process.
    pub triggered_by_event: Option<bool>,
}

impl FlowNode {
    /// A new element of `kind` at (x, y) with the kind's default size.
    pub fn new(
        id: impl Into<String>,
        kind: NodeKind,
        name: impl Into<String>,
        x: f64,
        y: f64,
    ) -> Self {
        let (w, h) = kind.default_size();
        FlowNode {
            id: id.into(),
            kind,
            name: name.into(),
            x,
            y,
            w,
            h,
            event_definition: None,
            parent: None,
            attached_to: None,
            process_ref: None,
            default_flow: None,
            expanded: None,
            interrupting: None,
            triggered_by_event: None,
        }
    }
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
    /// Sequence flows: the condition expression's text.
    pub condition: Option<String>,
    /// The route, ends on the borders of source and target; empty: drawn straight or
    /// routed by whoever draws it. (Required in JSON: specta would otherwise split the
    /// TypeScript type in two; files from before it existed are completed on import.)
    pub waypoints: Vec<Point>,
}

impl FlowEdge {
    pub fn new(
        id: impl Into<String>,
        kind: EdgeKind,
        source: impl Into<String>,
        target: impl Into<String>,
    ) -> Self {
        FlowEdge {
            id: id.into(),
            kind,
            source: source.into(),
            target: target.into(),
            name: String::new(),
            condition: None,
            waypoints: Vec::new(),
        }
    }
}

/// A lane: a band named after a role (客户经理, 产品经理, ...). Without a pool it spans
/// the whole flow horizontally (`x`, `w` absent).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Lane {
    pub id: String,
    pub name: String,
    #[cfg_attr(feature = "specta", specta(type = Option<i32>))]
    pub x: Option<f64>,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub y: f64,
    #[cfg_attr(feature = "specta", specta(type = Option<i32>))]
    pub w: Option<f64>,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub h: f64,
    /// The pool the lane divides.
    pub pool: Option<String>,
    /// The lane this one subdivides (nested lanes).
    pub parent_lane: Option<String>,
}

impl Lane {
    pub fn band(id: impl Into<String>, name: impl Into<String>, y: f64, h: f64) -> Self {
        Lane {
            id: id.into(),
            name: name.into(),
            x: None,
            y,
            w: None,
            h,
            pool: None,
            parent_lane: None,
        }
    }
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
    /// Sets every field of the node to `node`'s (its id names it); only the fields that
    /// differ are written, so concurrent edits of other fields survive.
    UpdateNode {
        node: FlowNode,
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
    /// Sets every field of the edge but its kind and ends (only those that differ).
    UpdateEdge {
        edge: FlowEdge,
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
    /// Sets every field of the lane (only those that differ).
    UpdateLane {
        lane: Lane,
    },
    /// Undoes an `UpdateNode` that took the node from `before` to `after`: each field that
    /// edit changed goes back to `before` if it still holds the edit's value; fields others
    /// changed since are left as they are. (The inverse of `UpdateNode`; UIs do not send it.)
    RestoreNode {
        before: FlowNode,
        after: FlowNode,
    },
    /// The same for an edge's name, condition and route.
    RestoreEdge {
        before: FlowEdge,
        after: FlowEdge,
    },
    /// The same for a lane.
    RestoreLane {
        before: Lane,
        after: Lane,
    },
}

/// Per field: back to `before` where the edit changed it and nobody changed it since.
fn restore<T: PartialEq + Clone>(current: &T, before: &T, after: &T) -> T {
    if before != after && current == after {
        before.clone()
    } else {
        current.clone()
    }
}

fn restore_node(c: &FlowNode, b: &FlowNode, a: &FlowNode) -> FlowNode {
    FlowNode {
        id: c.id.clone(),
        kind: restore(&c.kind, &b.kind, &a.kind),
        name: restore(&c.name, &b.name, &a.name),
        x: restore(&c.x, &b.x, &a.x),
        y: restore(&c.y, &b.y, &a.y),
        w: restore(&c.w, &b.w, &a.w),
        h: restore(&c.h, &b.h, &a.h),
        event_definition: restore(
            &c.event_definition,
            &b.event_definition,
            &a.event_definition,
        ),
        parent: restore(&c.parent, &b.parent, &a.parent),
        attached_to: restore(&c.attached_to, &b.attached_to, &a.attached_to),
        process_ref: restore(&c.process_ref, &b.process_ref, &a.process_ref),
        default_flow: restore(&c.default_flow, &b.default_flow, &a.default_flow),
        expanded: restore(&c.expanded, &b.expanded, &a.expanded),
        interrupting: restore(&c.interrupting, &b.interrupting, &a.interrupting),
        triggered_by_event: restore(
            &c.triggered_by_event,
            &b.triggered_by_event,
            &a.triggered_by_event,
        ),
    }
}

fn restore_edge(c: &FlowEdge, b: &FlowEdge, a: &FlowEdge) -> FlowEdge {
    FlowEdge {
        name: restore(&c.name, &b.name, &a.name),
        condition: restore(&c.condition, &b.condition, &a.condition),
        waypoints: restore(&c.waypoints, &b.waypoints, &a.waypoints),
        ..c.clone()
    }
}

fn restore_lane(c: &Lane, b: &Lane, a: &Lane) -> Lane {
    Lane {
        id: c.id.clone(),
        name: restore(&c.name, &b.name, &a.name),
        x: restore(&c.x, &b.x, &a.x),
        y: restore(&c.y, &b.y, &a.y),
        w: restore(&c.w, &b.w, &a.w),
        h: restore(&c.h, &b.h, &a.h),
        pool: restore(&c.pool, &b.pool, &a.pool),
        parent_lane: restore(&c.parent_lane, &b.parent_lane, &a.parent_lane),
    }
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

/// Keeps the BPMN XML a flow was imported from, so that export writes back what the canvas
/// does not model. Called once, by the import that creates the document.
pub fn set_bpmn_source(doc: &mut Automerge, xml: &str) -> Result<(), ModelError> {
    check_schema(doc, DocKind::BusinessFlow)?;
    let mut tx = doc.transaction();
    let bpmn = tx.put_object(ROOT, KEY_BPMN, ObjType::Map)?;
    tx.put(&bpmn, KEY_SOURCE_XML, xml)?;
    tx.commit();
    Ok(())
}

/// The BPMN XML the flow was imported from, if it was.
pub fn bpmn_source(doc: &Automerge) -> Result<Option<String>, ModelError> {
    check_schema(doc, DocKind::BusinessFlow)?;
    match get_map(doc, &ROOT, KEY_BPMN) {
        Ok(bpmn) => get_str(doc, &bpmn, KEY_SOURCE_XML),
        Err(_) => Ok(None),
    }
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

/// An element's fields, read in one pass over its map (a large flow reads tens of thousands
/// of elements: one pass each instead of one lookup per field).
struct Fields {
    obj: automerge::ObjId,
    values: Vec<(String, automerge::Value<'static>)>,
}

impl Fields {
    fn read(doc: &impl ReadDoc, obj: automerge::ObjId) -> Fields {
        let values = doc
            .map_range(&obj, ..)
            .map(|i| (i.key.into_owned(), i.value.into_value()))
            .collect();
        Fields { obj, values }
    }

    fn get(&self, key: &str) -> Option<&automerge::Value<'static>> {
        self.values.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    fn str(&self, doc: &impl ReadDoc, key: &str) -> Result<Option<String>, ModelError> {
        use automerge::{ScalarValue, Value};
        match self.get(key) {
            Some(Value::Scalar(s)) => Ok(match s.as_ref() {
                ScalarValue::Str(s) => Some(s.to_string()),
                _ => None,
            }),
            // A text object (a peer may write names as collaborative text).
            Some(Value::Object(_)) => get_str(doc, &self.obj, key),
            None => Ok(None),
        }
    }

    fn f64(&self, key: &str) -> Option<f64> {
        use automerge::{ScalarValue, Value};
        match self.get(key) {
            Some(Value::Scalar(s)) => match s.as_ref() {
                // A peer may have written NaN or infinity; treat it as absent.
                ScalarValue::F64(f) if f.is_finite() => Some(*f),
                ScalarValue::Int(i) => Some(*i as f64),
                ScalarValue::Uint(u) => Some(*u as f64),
                _ => None,
            },
            _ => None,
        }
    }

    fn bool(&self, key: &str) -> Option<bool> {
        use automerge::{ScalarValue, Value};
        match self.get(key) {
            Some(Value::Scalar(s)) => match s.as_ref() {
                ScalarValue::Boolean(b) => Some(*b),
                _ => None,
            },
            _ => None,
        }
    }
}

fn read_node(
    doc: &impl ReadDoc,
    nodes: &automerge::ObjId,
    id: &str,
) -> Result<Option<FlowNode>, ModelError> {
    let Ok(obj) = get_map(doc, nodes, id) else {
        return Ok(None);
    };
    let f = Fields::read(doc, obj);
    let kind = f
        .str(doc, KEY_KIND)?
        .and_then(|k| NodeKind::parse(&k))
        .ok_or_else(|| ModelError::Malformed(format!("node {id} has no known kind")))?;
    let (dw, dh) = kind.default_size();
    let size = |key, default: f64| f.f64(key).filter(|v| *v > 0.0).unwrap_or(default);
    Ok(Some(FlowNode {
        id: id.to_string(),
        kind,
        name: f.str(doc, KEY_NAME)?.unwrap_or_default(),
        x: f.f64(KEY_X).unwrap_or(0.0),
        y: f.f64(KEY_Y).unwrap_or(0.0),
        w: size(KEY_W, dw),
        h: size(KEY_H, dh),
        // An unknown definition (from a newer peer) reads as a none event.
        event_definition: f.str(doc, KEY_EVENT_DEFINITION)?.and_then(|s| {
            EventDefinition::ALL
                .iter()
                .copied()
                .find(|d| d.as_str() == s)
        }),
        parent: f.str(doc, KEY_PARENT)?,
        attached_to: f.str(doc, KEY_ATTACHED_TO)?,
        process_ref: f.str(doc, KEY_PROCESS_REF)?,
        default_flow: f.str(doc, KEY_DEFAULT_FLOW)?,
        expanded: f.bool(KEY_EXPANDED),
        interrupting: f.bool(KEY_INTERRUPTING),
        triggered_by_event: f.bool(KEY_TRIGGERED_BY_EVENT),
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
    let f = Fields::read(doc, obj);
    let (Some(source), Some(target)) = (f.str(doc, KEY_SOURCE)?, f.str(doc, KEY_TARGET)?) else {
        return Err(ModelError::Malformed(format!("edge {id} lacks an end")));
    };
    let kind = match f.str(doc, KEY_KIND)? {
        None => EdgeKind::SequenceFlow,
        Some(k) => EdgeKind::ALL
            .iter()
            .copied()
            .find(|e| e.as_str() == k)
            .ok_or_else(|| ModelError::Malformed(format!("edge {id} has unknown kind {k:?}")))?,
    };
    Ok(Some(FlowEdge {
        id: id.to_string(),
        kind,
        source,
        target,
        name: f.str(doc, KEY_NAME)?.unwrap_or_default(),
        condition: f.str(doc, KEY_CONDITION)?,
        waypoints: parse_points(&f.str(doc, KEY_WAYPOINTS)?.unwrap_or_default()),
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
        x: get_f64(doc, &obj, KEY_X)?,
        y: get_f64(doc, &obj, KEY_Y)?.unwrap_or(0.0),
        w: get_f64(doc, &obj, KEY_W)?.filter(|w| *w > 0.0),
        h: get_f64(doc, &obj, KEY_H)?
            .filter(|h| *h > 0.0)
            .unwrap_or(200.0),
        pool: get_str(doc, &obj, KEY_POOL)?,
        parent_lane: get_str(doc, &obj, KEY_PARENT_LANE)?,
    }))
}

/// `"x,y x,y"`, as SVG writes points; pairs that do not parse are skipped.
fn parse_points(s: &str) -> Vec<Point> {
    s.split_whitespace()
        .filter_map(|pair| {
            let (x, y) = pair.split_once(',')?;
            let (x, y) = (x.parse::<f64>().ok()?, y.parse::<f64>().ok()?);
            (x.is_finite() && y.is_finite()).then_some(Point { x, y })
        })
        .collect()
}

fn format_points(points: &[Point]) -> Result<String, ModelError> {
    let mut out = String::new();
    for p in points {
        finite(p.x)?;
        finite(p.y)?;
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&format!("{},{}", p.x, p.y));
    }
    Ok(out)
}

/// Writes the fields of an element that differ from `old` (all of them when `old` is None).
struct FieldWriter<'a, 't> {
    tx: &'a mut automerge::transaction::Transaction<'t>,
    obj: automerge::ObjId,
    fresh: bool,
}

impl FieldWriter<'_, '_> {
    fn str(&mut self, key: &str, new: &str, old: Option<&str>) -> Result<(), ModelError> {
        if self.fresh || old != Some(new) {
            self.tx.put(&self.obj, key, new)?;
        }
        Ok(())
    }

    fn opt_str(
        &mut self,
        key: &str,
        new: Option<&str>,
        old: Option<&str>,
    ) -> Result<(), ModelError> {
        if self.fresh && new.is_none() {
            return Ok(());
        }
        if self.fresh || old != new {
            match new {
                Some(v) => self.tx.put(&self.obj, key, v)?,
                None => self.tx.delete(&self.obj, key)?,
            }
        }
        Ok(())
    }

    fn num(&mut self, key: &str, new: f64, old: Option<f64>) -> Result<(), ModelError> {
        finite(new)?;
        if self.fresh || old != Some(new) {
            self.tx.put(&self.obj, key, new)?;
        }
        Ok(())
    }

    fn opt_num(&mut self, key: &str, new: Option<f64>, old: Option<f64>) -> Result<(), ModelError> {
        if let Some(v) = new {
            finite(v)?;
        }
        if self.fresh && new.is_none() {
            return Ok(());
        }
        if self.fresh || old != new {
            match new {
                Some(v) => self.tx.put(&self.obj, key, v)?,
                None => self.tx.delete(&self.obj, key)?,
            }
        }
        Ok(())
    }

    fn opt_bool(
        &mut self,
        key: &str,
        new: Option<bool>,
        old: Option<bool>,
    ) -> Result<(), ModelError> {
        if self.fresh && new.is_none() {
            return Ok(());
        }
        if self.fresh || old != new {
            match new {
                Some(v) => self.tx.put(&self.obj, key, v)?,
                None => self.tx.delete(&self.obj, key)?,
            }
        }
        Ok(())
    }
}

fn write_node(
    tx: &mut automerge::transaction::Transaction<'_>,
    obj: automerge::ObjId,
    n: &FlowNode,
    old: Option<&FlowNode>,
) -> Result<(), ModelError> {
    positive(n.w)?;
    positive(n.h)?;
    let mut w = FieldWriter {
        tx,
        obj,
        fresh: old.is_none(),
    };
    w.str(KEY_KIND, n.kind.as_str(), old.map(|o| o.kind.as_str()))?;
    w.str(KEY_NAME, &n.name, old.map(|o| o.name.as_str()))?;
    w.num(KEY_X, n.x, old.map(|o| o.x))?;
    w.num(KEY_Y, n.y, old.map(|o| o.y))?;
    w.num(KEY_W, n.w, old.map(|o| o.w))?;
    w.num(KEY_H, n.h, old.map(|o| o.h))?;
    w.opt_str(
        KEY_EVENT_DEFINITION,
        n.event_definition.map(|d| d.as_str()),
        old.and_then(|o| o.event_definition.map(|d| d.as_str())),
    )?;
    w.opt_str(
        KEY_PARENT,
        n.parent.as_deref(),
        old.and_then(|o| o.parent.as_deref()),
    )?;
    w.opt_str(
        KEY_ATTACHED_TO,
        n.attached_to.as_deref(),
        old.and_then(|o| o.attached_to.as_deref()),
    )?;
    w.opt_str(
        KEY_PROCESS_REF,
        n.process_ref.as_deref(),
        old.and_then(|o| o.process_ref.as_deref()),
    )?;
    w.opt_str(
        KEY_DEFAULT_FLOW,
        n.default_flow.as_deref(),
        old.and_then(|o| o.default_flow.as_deref()),
    )?;
    w.opt_bool(KEY_EXPANDED, n.expanded, old.and_then(|o| o.expanded))?;
    w.opt_bool(
        KEY_INTERRUPTING,
        n.interrupting,
        old.and_then(|o| o.interrupting),
    )?;
    w.opt_bool(
        KEY_TRIGGERED_BY_EVENT,
        n.triggered_by_event,
        old.and_then(|o| o.triggered_by_event),
    )?;
    Ok(())
}

fn write_edge(
    tx: &mut automerge::transaction::Transaction<'_>,
    obj: automerge::ObjId,
    e: &FlowEdge,
    old: Option<&FlowEdge>,
) -> Result<(), ModelError> {
    let points = format_points(&e.waypoints)?;
    let old_points = match old {
        Some(o) => Some(format_points(&o.waypoints)?),
        None => None,
    };
    let mut w = FieldWriter {
        tx,
        obj,
        fresh: old.is_none(),
    };
    if old.is_none() {
        w.str(KEY_KIND, e.kind.as_str(), None)?;
        w.str(KEY_SOURCE, &e.source, None)?;
        w.str(KEY_TARGET, &e.target, None)?;
    }
    w.str(KEY_NAME, &e.name, old.map(|o| o.name.as_str()))?;
    w.opt_str(
        KEY_CONDITION,
        e.condition.as_deref(),
        old.and_then(|o| o.condition.as_deref()),
    )?;
    let points = (!points.is_empty()).then_some(points);
    let old_points = old_points.filter(|p| !p.is_empty());
    w.opt_str(KEY_WAYPOINTS, points.as_deref(), old_points.as_deref())?;
    Ok(())
}

fn write_lane(
    tx: &mut automerge::transaction::Transaction<'_>,
    obj: automerge::ObjId,
    l: &Lane,
    old: Option<&Lane>,
) -> Result<(), ModelError> {
    positive(l.h)?;
    if let Some(w) = l.w {
        positive(w)?;
    }
    let mut w = FieldWriter {
        tx,
        obj,
        fresh: old.is_none(),
    };
    w.str(KEY_NAME, &l.name, old.map(|o| o.name.as_str()))?;
    w.opt_num(KEY_X, l.x, old.and_then(|o| o.x))?;
    w.num(KEY_Y, l.y, old.map(|o| o.y))?;
    w.opt_num(KEY_W, l.w, old.and_then(|o| o.w))?;
    w.num(KEY_H, l.h, old.map(|o| o.h))?;
    w.opt_str(
        KEY_POOL,
        l.pool.as_deref(),
        old.and_then(|o| o.pool.as_deref()),
    )?;
    w.opt_str(
        KEY_PARENT_LANE,
        l.parent_lane.as_deref(),
        old.and_then(|o| o.parent_lane.as_deref()),
    )?;
    Ok(())
}

/// The result of applying an edit: the ops that undo it and what changed.
#[derive(Debug, Default)]
pub struct Applied {
    pub inverse: Vec<FlowOp>,
    pub patch: FlowPatch,
}

/// Applies `ops` as one Automerge change. Either all ops apply or none does.
///
/// Routes follow their ends: after the ops, an edge whose ends both moved by the same offset
/// moves with them; an edge with only one end moved (or ends moved differently) loses its
/// stored route, which whoever draws it re-routes. Edges the ops themselves set are left
/// as set (this is what lets undo restore a route).
pub fn apply(doc: &mut Automerge, ops: &[FlowOp]) -> Result<Applied, ModelError> {
    let version = check_schema(doc, DocKind::BusinessFlow)?;
    let nodes_obj = get_map(doc, &ROOT, KEY_NODES)?;
    let edges_obj = get_map(doc, &ROOT, KEY_EDGES)?;
    let lanes_obj = get_map(doc, &ROOT, KEY_LANES)?;
    let mut inverse: Vec<FlowOp> = Vec::new();
    let mut touched_nodes = BTreeSet::new();
    let mut touched_edges = BTreeSet::new();
    let mut touched_lanes = BTreeSet::new();
    // Where each node was before this edit (x, y, w, h), for nodes whose bounds the ops
    // changed: moved or resized.
    let mut moved_from: BTreeMap<String, Bounds> = BTreeMap::new();
    // Edges the ops set themselves: their routes are not adjusted.
    let mut set_edges: BTreeSet<String> = BTreeSet::new();

    let mut tx = doc.transaction();
    let result: Result<Vec<FlowOp>, ModelError> = (|| {
        // A version 1 document becomes version 2 at its first edit, so that an older build
        // refuses it instead of misreading the new kinds and fields.
        if version < DocKind::BusinessFlow.current_version() {
            tx.put(
                ROOT,
                KEY_SCHEMA_VERSION,
                DocKind::BusinessFlow.current_version(),
            )?;
        }
        let node = |tx: &automerge::transaction::Transaction<'_>, id: &str| {
            read_node(tx, &nodes_obj, id)?.ok_or_else(|| ModelError::NoSuchElement(id.to_string()))
        };
        let edge = |tx: &automerge::transaction::Transaction<'_>, id: &str| {
            read_edge(tx, &edges_obj, id)?.ok_or_else(|| ModelError::NoSuchElement(id.to_string()))
        };
        let lane = |tx: &automerge::transaction::Transaction<'_>, id: &str| {
            read_lane(tx, &lanes_obj, id)?.ok_or_else(|| ModelError::NoSuchElement(id.to_string()))
        };
        for op in ops {
            match op {
                FlowOp::AddNode { node: n } => {
                    check_id(&n.id)?;
                    if read_node(&tx, &nodes_obj, &n.id)?.is_some() {
                        return Err(ModelError::DuplicateId(n.id.clone()));
                    }
                    let obj = tx.put_object(&nodes_obj, &n.id, ObjType::Map)?;
                    write_node(&mut tx, obj, n, None)?;
                    inverse.push(FlowOp::RemoveNode { id: n.id.clone() });
                    touched_nodes.insert(n.id.clone());
                }
                FlowOp::RemoveNode { id } => {
                    let old = node(&tx, id)?;
                    // Edges never dangle: removing a node removes the edges that touch it,
                    // and the inverse brings them back after the node.
                    let mut edge_inverses = Vec::new();
                    for eid in tx.keys(&edges_obj).collect::<Vec<_>>() {
                        if let Some(e) = read_edge(&tx, &edges_obj, &eid)?
                            && (e.source == *id || e.target == *id)
                        {
                            tx.delete(&edges_obj, eid.as_str())?;
                            touched_edges.insert(eid.clone());
                            edge_inverses.push(FlowOp::AddEdge { edge: e });
                        }
                    }
                    tx.delete(&nodes_obj, id.as_str())?;
                    // Inverses run in reverse order: edges are re-added after the node.
                    inverse.extend(edge_inverses);
                    inverse.push(FlowOp::AddNode { node: old });
                    touched_nodes.insert(id.clone());
                }
                FlowOp::MoveNode { id, x, y } => {
                    let old = node(&tx, id)?;
                    let mut new = old.clone();
                    (new.x, new.y) = (*x, *y);
                    moved_from.entry(id.clone()).or_insert(bounds(&old));
                    let obj = get_map(&tx, &nodes_obj, id)?;
                    write_node(&mut tx, obj, &new, Some(&old))?;
                    inverse.push(FlowOp::MoveNode {
                        id: id.clone(),
                        x: old.x,
                        y: old.y,
                    });
                    touched_nodes.insert(id.clone());
                }
                FlowOp::RenameNode { id, name } => {
                    let old = node(&tx, id)?;
                    let obj = get_map(&tx, &nodes_obj, id)?;
                    tx.put(&obj, KEY_NAME, name.as_str())?;
                    inverse.push(FlowOp::RenameNode {
                        id: id.clone(),
                        name: old.name,
                    });
                    touched_nodes.insert(id.clone());
                }
                FlowOp::UpdateNode { node: n } => {
                    let old = node(&tx, &n.id)?;
                    if bounds(&old) != bounds(n) {
                        moved_from.entry(n.id.clone()).or_insert(bounds(&old));
                    }
                    let obj = get_map(&tx, &nodes_obj, &n.id)?;
                    write_node(&mut tx, obj, n, Some(&old))?;
                    inverse.push(FlowOp::RestoreNode {
                        before: old,
                        after: n.clone(),
                    });
                    touched_nodes.insert(n.id.clone());
                }
                FlowOp::RestoreNode { before, after } => {
                    let current = node(&tx, &after.id)?;
                    let new = restore_node(&current, before, after);
                    if bounds(&current) != bounds(&new) {
                        moved_from.entry(new.id.clone()).or_insert(bounds(&current));
                    }
                    let obj = get_map(&tx, &nodes_obj, &new.id)?;
                    write_node(&mut tx, obj, &new, Some(&current))?;
                    inverse.push(FlowOp::RestoreNode {
                        before: after.clone(),
                        after: before.clone(),
                    });
                    touched_nodes.insert(new.id.clone());
                }
                FlowOp::AddEdge { edge: e } => {
                    check_id(&e.id)?;
                    if read_edge(&tx, &edges_obj, &e.id)?.is_some() {
                        return Err(ModelError::DuplicateId(e.id.clone()));
                    }
                    for end in [&e.source, &e.target] {
                        if read_node(&tx, &nodes_obj, end)?.is_none() {
                            return Err(ModelError::NoSuchElement(end.clone()));
                        }
                    }
                    if e.source == e.target {
                        return Err(ModelError::InvalidEdit(format!(
                            "{} {} connects {} to itself",
                            e.kind.as_str(),
                            e.id,
                            e.source
                        )));
                    }
                    let obj = tx.put_object(&edges_obj, &e.id, ObjType::Map)?;
                    write_edge(&mut tx, obj, e, None)?;
                    inverse.push(FlowOp::RemoveEdge { id: e.id.clone() });
                    touched_edges.insert(e.id.clone());
                    set_edges.insert(e.id.clone());
                }
                FlowOp::RemoveEdge { id } => {
                    let old = edge(&tx, id)?;
                    tx.delete(&edges_obj, id.as_str())?;
                    inverse.push(FlowOp::AddEdge { edge: old });
                    touched_edges.insert(id.clone());
                }
                FlowOp::RenameEdge { id, name } => {
                    let old = edge(&tx, id)?;
                    let obj = get_map(&tx, &edges_obj, id)?;
                    tx.put(&obj, KEY_NAME, name.as_str())?;
                    inverse.push(FlowOp::RenameEdge {
                        id: id.clone(),
                        name: old.name,
                    });
                    touched_edges.insert(id.clone());
                }
                FlowOp::UpdateEdge { edge: e } => {
                    let old = edge(&tx, &e.id)?;
                    if (e.kind, &e.source, &e.target) != (old.kind, &old.source, &old.target) {
                        return Err(ModelError::InvalidEdit(format!(
                            "edge {} keeps its kind and ends; remove it and add another",
                            e.id
                        )));
                    }
                    let obj = get_map(&tx, &edges_obj, &e.id)?;
                    write_edge(&mut tx, obj, e, Some(&old))?;
                    inverse.push(FlowOp::RestoreEdge {
                        before: old,
                        after: e.clone(),
                    });
                    touched_edges.insert(e.id.clone());
                    set_edges.insert(e.id.clone());
                }
                FlowOp::RestoreEdge { before, after } => {
                    let current = edge(&tx, &after.id)?;
                    let new = restore_edge(&current, before, after);
                    let obj = get_map(&tx, &edges_obj, &new.id)?;
                    write_edge(&mut tx, obj, &new, Some(&current))?;
                    inverse.push(FlowOp::RestoreEdge {
                        before: after.clone(),
                        after: before.clone(),
                    });
                    touched_edges.insert(new.id.clone());
                    set_edges.insert(new.id.clone());
                }
                FlowOp::AddLane { lane: l } => {
                    check_id(&l.id)?;
                    if read_lane(&tx, &lanes_obj, &l.id)?.is_some() {
                        return Err(ModelError::DuplicateId(l.id.clone()));
                    }
                    let obj = tx.put_object(&lanes_obj, &l.id, ObjType::Map)?;
                    write_lane(&mut tx, obj, l, None)?;
                    inverse.push(FlowOp::RemoveLane { id: l.id.clone() });
                    touched_lanes.insert(l.id.clone());
                }
                FlowOp::RemoveLane { id } => {
                    let old = lane(&tx, id)?;
                    tx.delete(&lanes_obj, id.as_str())?;
                    inverse.push(FlowOp::AddLane { lane: old });
                    touched_lanes.insert(id.clone());
                }
                FlowOp::RenameLane { id, name } => {
                    let old = lane(&tx, id)?;
                    let obj = get_map(&tx, &lanes_obj, id)?;
                    tx.put(&obj, KEY_NAME, name.as_str())?;
                    inverse.push(FlowOp::RenameLane {
                        id: id.clone(),
                        name: old.name,
                    });
                    touched_lanes.insert(id.clone());
                }
                FlowOp::UpdateLane { lane: l } => {
                    let old = lane(&tx, &l.id)?;
                    let obj = get_map(&tx, &lanes_obj, &l.id)?;
                    write_lane(&mut tx, obj, l, Some(&old))?;
                    inverse.push(FlowOp::RestoreLane {
                        before: old,
                        after: l.clone(),
                    });
                    touched_lanes.insert(l.id.clone());
                }
                FlowOp::RestoreLane { before, after } => {
                    let current = lane(&tx, &after.id)?;
                    let new = restore_lane(&current, before, after);
                    let obj = get_map(&tx, &lanes_obj, &new.id)?;
                    write_lane(&mut tx, obj, &new, Some(&current))?;
                    inverse.push(FlowOp::RestoreLane {
                        before: after.clone(),
                        after: before.clone(),
                    });
                    touched_lanes.insert(new.id.clone());
                }
            }
        }
        follow_moves(
            &mut tx,
            &nodes_obj,
            &edges_obj,
            &moved_from,
            &set_edges,
            &mut touched_edges,
        )
    })();
    let route_inverses = match result {
        Ok(r) => r,
        Err(e) => {
            tx.rollback();
            return Err(e);
        }
    };
    tx.commit();
    inverse.reverse();
    // Routes are restored after the nodes are back in place.
    inverse.extend(route_inverses);

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

/// A node's bounds: x, y, w, h.
type Bounds = (f64, f64, f64, f64);

fn bounds(n: &FlowNode) -> Bounds {
    (n.x, n.y, n.w, n.h)
}

/// Moves or drops the stored routes of edges whose ends moved or were resized; returns the
/// ops that restore the routes it changed. A route moves along only when both ends moved by
/// the same offset without changing size; otherwise it is dropped (and re-routed).
fn follow_moves(
    tx: &mut automerge::transaction::Transaction<'_>,
    nodes_obj: &automerge::ObjId,
    edges_obj: &automerge::ObjId,
    moved_from: &BTreeMap<String, Bounds>,
    set_edges: &BTreeSet<String>,
    touched_edges: &mut BTreeSet<String>,
) -> Result<Vec<FlowOp>, ModelError> {
    let mut restore = Vec::new();
    if moved_from.is_empty() {
        return Ok(restore);
    }
    // How an end moved: `Some(offset)`, or `None` when it was resized.
    let offset = |tx: &automerge::transaction::Transaction<'_>,
                  id: &str|
     -> Result<Option<(f64, f64)>, ModelError> {
        Ok(match (moved_from.get(id), read_node(tx, nodes_obj, id)?) {
            (Some(&(x0, y0, w0, h0)), Some(n)) => {
                ((n.w, n.h) == (w0, h0)).then_some((n.x - x0, n.y - y0))
            }
            _ => Some((0.0, 0.0)),
        })
    };
    for eid in tx.keys(edges_obj).collect::<Vec<_>>() {
        if set_edges.contains(&eid) {
            continue;
        }
        let Some(e) = read_edge(tx, edges_obj, &eid)? else {
            continue;
        };
        if e.waypoints.is_empty()
            || !(moved_from.contains_key(&e.source) || moved_from.contains_key(&e.target))
        {
            continue;
        }
        let (ds, dt) = (offset(tx, &e.source)?, offset(tx, &e.target)?);
        if ds == Some((0.0, 0.0)) && dt == Some((0.0, 0.0)) {
            continue;
        }
        let mut new = e.clone();
        new.waypoints = match (ds, dt) {
            (Some(ds), Some(dt)) if ds == dt => e
                .waypoints
                .iter()
                .map(|p| Point {
                    x: p.x + ds.0,
                    y: p.y + ds.1,
                })
                .collect(),
            _ => Vec::new(),
        };
        let obj = get_map(tx, edges_obj, &eid)?;
        write_edge(tx, obj, &new, Some(&e))?;
        touched_edges.insert(eid);
        restore.push(FlowOp::RestoreEdge {
            before: e,
            after: new,
        });
    }
    Ok(restore)
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

/// The display name of element `id` (node, edge or lane), if the flow has it.
pub fn element_name(doc: &Automerge, id: &str) -> Result<Option<String>, ModelError> {
    for key in [KEY_NODES, KEY_EDGES, KEY_LANES] {
        let container = get_map(doc, &ROOT, key)?;
        if let Ok(obj) = get_map(doc, &container, id) {
            return Ok(Some(get_str(doc, &obj, KEY_NAME)?.unwrap_or_default()));
        }
    }
    Ok(None)
}
