//! The typed, lossless in-memory model of a BPMN 2.0 `definitions` document.
//!
//! Everything the model types (flow nodes, flows, lanes, data, artifacts, collaborations, DI
//! shapes and edges) is a Rust field; everything else (documentation, extensionElements,
//! ioSpecification, vendor attributes, root elements such as `message` or `itemDefinition`,
//! unknown elements, comments) is kept as a raw [`XmlNode`] tree or [`XmlAttr`] where it
//! appeared, and [`super::export`] writes it back in place.
//!
//! Containers keep their children in document order in one list (`content`), so that typed
//! and raw children interleave exactly as they did in the file. Leaf elements whose typed
//! children have a fixed place in the schema keep their raw children in `before` (raw children
//! seen before the first typed child) and `after` (raw children seen after it).

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

/// The BPMN 2.0 model namespace.
pub const MODEL_NS: &str = "http://www.omg.org/spec/BPMN/20100524/MODEL";
/// The BPMN 2.0 diagram interchange namespace (BPMNDiagram, BPMNShape, …).
pub const BPMNDI_NS: &str = "http://www.omg.org/spec/BPMN/20100524/DI";
/// The OMG diagram common namespace (Bounds, Point, Font).
pub const DC_NS: &str = "http://www.omg.org/spec/DD/20100524/DC";
/// The OMG diagram interchange namespace (waypoint, extension).
pub const DI_NS: &str = "http://www.omg.org/spec/DD/20100524/DI";
/// The XML Schema instance namespace (`xsi:type`, `xsi:schemaLocation`).
pub const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// The namespace bound to the reserved `xml` prefix.
pub const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

// ---------------------------------------------------------------------------------------------
// Generic XML, for what the model does not type.
// ---------------------------------------------------------------------------------------------

/// A namespace declaration: `xmlns:prefix="uri"`, or `xmlns="uri"` when `prefix` is empty.
/// An empty `uri` with an empty prefix is `xmlns=""` (no default namespace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NsDecl {
    pub prefix: String,
    pub uri: String,
}

/// An attribute: its namespace URI (none for unprefixed attributes), the prefix it was
/// written with, its local name and its (unescaped) value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct XmlAttr {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ns: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    pub local: String,
    pub value: String,
}

impl XmlAttr {
    /// An attribute in no namespace.
    pub fn new(local: impl Into<String>, value: impl Into<String>) -> Self {
        XmlAttr {
            ns: None,
            prefix: None,
            local: local.into(),
            value: value.into(),
        }
    }

    /// The name as written: `prefix:local` or `local`.
    pub fn qname(&self) -> String {
        match &self.prefix {
            Some(p) if !p.is_empty() => format!("{p}:{}", self.local),
            _ => self.local.clone(),
        }
    }
}

/// An element kept as it was: resolved namespace, the prefix it was written with, its own
/// namespace declarations, attributes and children, in document order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct XmlElement {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ns: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    pub local: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ns_decls: Vec<NsDecl>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attrs: Vec<XmlAttr>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<XmlNode>,
}

impl XmlElement {
    /// The name as written: `prefix:local` or `local`.
    pub fn qname(&self) -> String {
        match &self.prefix {
            Some(p) if !p.is_empty() => format!("{p}:{}", self.local),
            _ => self.local.clone(),
        }
    }

    /// The value of the attribute with this local name and no namespace.
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.ns.is_none() && a.local == local)
            .map(|a| a.value.as_str())
    }

    /// The concatenated text and CDATA content of this element and its descendants.
    pub fn text(&self) -> String {
        let mut s = String::new();
        collect_text(&self.children, &mut s);
        s
    }
}

fn collect_text(nodes: &[XmlNode], out: &mut String) {
    for n in nodes {
        match n {
            XmlNode::Text(t) | XmlNode::CData(t) => out.push_str(t),
            XmlNode::Element(e) => collect_text(&e.children, out),
            XmlNode::Comment(_) | XmlNode::ProcessingInstruction(_) => {}
        }
    }
}

/// A node of kept XML content.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum XmlNode {
    Element(XmlElement),
    Text(String),
    CData(String),
    Comment(String),
    /// The content between `<?` and `?>`.
    ProcessingInstruction(String),
}

/// What every typed element keeps besides its typed fields: namespace declarations made on
/// it and the attributes the model does not type (vendor attributes, `xsi:type`, …).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extra {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ns_decls: Vec<NsDecl>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attrs: Vec<XmlAttr>,
}

impl Extra {
    pub fn is_empty(&self) -> bool {
        self.ns_decls.is_empty() && self.attrs.is_empty()
    }

    /// The value of a kept attribute with this local name and no namespace.
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.ns.is_none() && a.local == local)
            .map(|a| a.value.as_str())
    }
}

/// Mixed content kept exactly (text, CDATA, elements): a `conditionExpression`, a text
/// annotation's `text`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MixedContent {
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub content: Vec<XmlNode>,
}

impl MixedContent {
    /// Plain text content.
    pub fn text(text: impl Into<String>) -> Self {
        MixedContent {
            extra: Extra::default(),
            content: vec![XmlNode::Text(text.into())],
        }
    }

    /// The concatenated text and CDATA content.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        collect_text(&self.content, &mut s);
        s
    }
}

// ---------------------------------------------------------------------------------------------
// Definitions
// ---------------------------------------------------------------------------------------------

/// A BPMN 2.0 `definitions` document.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BpmnModel {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_namespace: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exporter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exporter_version: Option<String>,
    /// The prefix the root element was written with (`bpmn`, `bpmn2`, `semantic`, or empty
    /// for the default namespace); the export uses it for every BPMN model element.
    #[serde(default)]
    pub prefix: String,
    /// Namespace declarations on the root element, in document order.
    #[serde(default)]
    pub namespaces: Vec<NsDecl>,
    /// Every other attribute of the root element, in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attrs: Vec<XmlAttr>,
    /// The children of `definitions`, in document order.
    #[serde(default)]
    pub content: Vec<DefinitionsContent>,
    /// Comments and processing instructions before the root element.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prolog: Vec<XmlNode>,
    /// Comments and processing instructions after the root element.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub epilog: Vec<XmlNode>,
    /// What the import tolerated (see the crate README); empty for a clean file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
}

/// A child of `definitions`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DefinitionsContent {
    Process(Process),
    Collaboration(Collaboration),
    DataStore(DataStore),
    Diagram(Diagram),
    /// Root elements the model does not type (message, signal, error, escalation,
    /// itemDefinition, category, interface, choreography, …), imports, extensions,
    /// relationships, unknown elements and comments.
    Raw(XmlNode),
}

/// Something the import tolerated and reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Warning {
    pub kind: WarningKind,
    pub message: String,
    pub line: usize,
    pub column: usize,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum WarningKind {
    /// An element in the BPMN namespaces that BPMN 2.0 does not define; kept as is.
    UnknownElement,
    /// An element in no namespace or a foreign namespace where BPMN content is expected
    /// (outside extensionElements); kept as is.
    ForeignElement,
    /// A BPMN element where BPMN 2.0 does not allow it (e.g. `categoryValue` directly in
    /// `definitions`); kept as is.
    MisplacedElement,
    /// A reference to an id that no element in the file has.
    UnresolvedReference,
    /// A reference BPMN requires is missing (a sequence flow's `sourceRef` or `targetRef`, a
    /// boundary event's `attachedToRef`, a message flow's ends); the element is kept as it
    /// came and not drawn.
    MissingReference,
    /// A DI shape or edge without `bpmnElement`.
    MissingBpmnElement,
    /// A value the model could not read (a number, a boolean) or an element without the id
    /// the model needs; kept as is, untyped.
    InvalidValue,
}

/// A `process`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Process {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_executable: Option<bool>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
    /// Lane sets, flow elements, artifacts and kept raw children, in document order.
    #[serde(default)]
    pub content: Vec<FlowContent>,
}

/// A child of a process or of an expanded sub-process.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FlowContent {
    LaneSet(LaneSet),
    FlowNode(FlowNode),
    SequenceFlow(SequenceFlow),
    DataObject(DataObject),
    DataObjectReference(DataObjectReference),
    DataStoreReference(DataStoreReference),
    TextAnnotation(TextAnnotation),
    Association(Association),
    Group(Group),
    Raw(XmlNode),
}

impl FlowContent {
    /// The BPMN local name of the element (`userTask`, `sequenceFlow`, …); `None` for raw
    /// content that is not an element.
    pub fn local_name(&self) -> Option<&str> {
        Some(match self {
            FlowContent::LaneSet(_) => "laneSet",
            FlowContent::FlowNode(n) => n.kind.local_name(),
            FlowContent::SequenceFlow(_) => "sequenceFlow",
            FlowContent::DataObject(_) => "dataObject",
            FlowContent::DataObjectReference(_) => "dataObjectReference",
            FlowContent::DataStoreReference(_) => "dataStoreReference",
            FlowContent::TextAnnotation(_) => "textAnnotation",
            FlowContent::Association(_) => "association",
            FlowContent::Group(_) => "group",
            FlowContent::Raw(XmlNode::Element(e)) => e.local.as_str(),
            FlowContent::Raw(_) => return None,
        })
    }

    /// The element's id, when it has one.
    pub fn id(&self) -> Option<&str> {
        match self {
            FlowContent::LaneSet(l) => l.id.as_deref(),
            FlowContent::FlowNode(n) => Some(&n.id),
            FlowContent::SequenceFlow(f) => Some(&f.id),
            FlowContent::DataObject(d) => Some(&d.id),
            FlowContent::DataObjectReference(d) => Some(&d.id),
            FlowContent::DataStoreReference(d) => Some(&d.id),
            FlowContent::TextAnnotation(t) => Some(&t.id),
            FlowContent::Association(a) => Some(&a.id),
            FlowContent::Group(g) => Some(&g.id),
            FlowContent::Raw(XmlNode::Element(e)) => e.attr("id"),
            FlowContent::Raw(_) => None,
        }
    }

    /// The element's name, when it has one.
    pub fn name(&self) -> Option<&str> {
        match self {
            FlowContent::LaneSet(l) => l.name.as_deref(),
            FlowContent::FlowNode(n) => n.name.as_deref(),
            FlowContent::SequenceFlow(f) => f.name.as_deref(),
            FlowContent::DataObject(d) => d.name.as_deref(),
            FlowContent::DataObjectReference(d) => d.name.as_deref(),
            FlowContent::DataStoreReference(d) => d.name.as_deref(),
            FlowContent::TextAnnotation(_) => None,
            FlowContent::Association(_) => None,
            FlowContent::Group(_) => None,
            FlowContent::Raw(XmlNode::Element(e)) => e.attr("name"),
            FlowContent::Raw(_) => None,
        }
    }
}

macro_rules! kinds {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $local:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The BPMN element's local name.
            pub fn local_name(self) -> &'static str {
                match self { $($name::$variant => $local),* }
            }

            /// The kind for a BPMN element's local name.
            pub fn from_local_name(s: &str) -> Option<$name> {
                match s { $($local => Some($name::$variant),)* _ => None }
            }
        }
    };
}

kinds! {
    /// The flow node kinds the model types.
    FlowNodeKind {
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
    }
}

impl FlowNodeKind {
    pub fn is_event(self) -> bool {
        matches!(
            self,
            FlowNodeKind::StartEvent
                | FlowNodeKind::EndEvent
                | FlowNodeKind::IntermediateCatchEvent
                | FlowNodeKind::IntermediateThrowEvent
                | FlowNodeKind::BoundaryEvent
        )
    }

    pub fn is_gateway(self) -> bool {
        matches!(
            self,
            FlowNodeKind::ExclusiveGateway
                | FlowNodeKind::ParallelGateway
                | FlowNodeKind::InclusiveGateway
                | FlowNodeKind::EventBasedGateway
                | FlowNodeKind::ComplexGateway
        )
    }

    pub fn is_activity(self) -> bool {
        !self.is_event() && !self.is_gateway()
    }

    /// Sub-process kinds, which contain flow elements.
    pub fn is_sub_process(self) -> bool {
        matches!(
            self,
            FlowNodeKind::SubProcess | FlowNodeKind::Transaction | FlowNodeKind::AdHocSubProcess
        )
    }
}

kinds! {
    /// The event definition kinds.
    EventDefinitionKind {
        Message => "messageEventDefinition",
        Timer => "timerEventDefinition",
        Error => "errorEventDefinition",
        Signal => "signalEventDefinition",
        Escalation => "escalationEventDefinition",
        Compensate => "compensateEventDefinition",
        Conditional => "conditionalEventDefinition",
        Link => "linkEventDefinition",
        Terminate => "terminateEventDefinition",
        Cancel => "cancelEventDefinition",
    }
}

/// A flow node: an event, an activity or a gateway. Kind-specific attributes are typed
/// fields that stay `None` on kinds that do not have them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowNode {
    pub kind: FlowNodeKind,
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `default`: the default sequence flow of a gateway or activity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_flow: Option<String>,
    /// `attachedToRef` of a boundary event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attached_to_ref: Option<String>,
    /// `cancelActivity` of a boundary event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_activity: Option<bool>,
    /// `calledElement` of a call activity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub called_element: Option<String>,
    /// `triggeredByEvent` of a sub-process (an event sub-process).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub triggered_by_event: Option<bool>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
    /// The node's own children in document order: event definitions, data associations and
    /// kept raw children (documentation, extensionElements, incoming, outgoing,
    /// ioSpecification, loopCharacteristics, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub content: Vec<NodeContent>,
    /// The flow elements of a sub-process, transaction or ad-hoc sub-process, written after
    /// `content`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<FlowContent>,
}

impl FlowNode {
    pub fn new(kind: FlowNodeKind, id: impl Into<String>) -> Self {
        FlowNode {
            kind,
            id: id.into(),
            name: None,
            default_flow: None,
            attached_to_ref: None,
            cancel_activity: None,
            called_element: None,
            triggered_by_event: None,
            extra: Extra::default(),
            content: Vec::new(),
            children: Vec::new(),
        }
    }

    /// The event definitions of an event, in order.
    pub fn event_definitions(&self) -> impl Iterator<Item = &EventDefinition> {
        self.content.iter().filter_map(|c| match c {
            NodeContent::EventDefinition(d) => Some(d),
            _ => None,
        })
    }
}

/// A child of a flow node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum NodeContent {
    EventDefinition(EventDefinition),
    DataInputAssociation(DataAssociation),
    DataOutputAssociation(DataAssociation),
    Raw(XmlNode),
}

/// An event definition on an event. Its attributes (messageRef, errorRef, signalRef,
/// escalationRef, activityRef, waitForCompletion, …) are in `extra`; its children (timeDate,
/// timeCycle, timeDuration, condition, source, target, …) are kept raw in `content`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventDefinition {
    pub kind: EventDefinitionKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub content: Vec<XmlNode>,
}

/// A `sequenceFlow`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SequenceFlow {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `sourceRef` as the file gave it: `None` when the attribute is missing, and it may name
    /// an id that no element has (tools drop an element and leave its flows behind). Such a
    /// flow is kept and written back as it came; the canvas does not draw it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_ref: Option<String>,
    /// `targetRef`, like `source_ref`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_ref: Option<String>,
    /// The `conditionExpression`, its attributes (`xsi:type`, `language`) and content kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<MixedContent>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub before: Vec<XmlNode>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<XmlNode>,
}

impl SequenceFlow {
    /// A flow from `source` to `target`, as the canvas or code draws one.
    pub fn new(
        id: impl Into<String>,
        source: impl Into<String>,
        target: impl Into<String>,
    ) -> Self {
        SequenceFlow {
            id: id.into(),
            source_ref: Some(source.into()),
            target_ref: Some(target.into()),
            ..SequenceFlow::default()
        }
    }

    /// The id `sourceRef` names, empty when the file gave none (no element has that id).
    pub fn source(&self) -> &str {
        end_id(&self.source_ref)
    }

    /// The id `targetRef` names, empty when the file gave none.
    pub fn target(&self) -> &str {
        end_id(&self.target_ref)
    }
}

/// The id a flow's end reference names (trimmed), or empty when there is none.
fn end_id(r: &Option<String>) -> &str {
    r.as_deref().map(str::trim).unwrap_or_default()
}

impl MessageFlow {
    /// The id `sourceRef` names, empty when the file gave none.
    pub fn source(&self) -> &str {
        end_id(&self.source_ref)
    }

    /// The id `targetRef` names, empty when the file gave none.
    pub fn target(&self) -> &str {
        end_id(&self.target_ref)
    }
}

/// A `dataObject`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataObject {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub raw: Vec<XmlNode>,
}

/// A `dataObjectReference`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataObjectReference {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_object_ref: Option<String>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub raw: Vec<XmlNode>,
}

/// A `dataStore` (a root element).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataStore {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub raw: Vec<XmlNode>,
}

/// A `dataStoreReference`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataStoreReference {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_store_ref: Option<String>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub raw: Vec<XmlNode>,
}

/// A `dataInputAssociation` or `dataOutputAssociation`. `transformation` and `assignment`
/// are kept raw (in `after`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataAssociation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub source_refs: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_ref: Option<String>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub before: Vec<XmlNode>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<XmlNode>,
}

/// A `textAnnotation`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TextAnnotation {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<MixedContent>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub before: Vec<XmlNode>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<XmlNode>,
}

/// An `association` (associationDirection is kept in `extra`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Association {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_ref: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_ref: Option<String>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub raw: Vec<XmlNode>,
}

/// A `group`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_value_ref: Option<String>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub raw: Vec<XmlNode>,
}

/// A `laneSet` (or a lane's `childLaneSet`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LaneSet {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    pub lanes: Vec<Lane>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub before: Vec<XmlNode>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<XmlNode>,
}

/// A `lane`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Lane {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flow_node_refs: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_lane_set: Option<Box<LaneSet>>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub before: Vec<XmlNode>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<XmlNode>,
}

// ---------------------------------------------------------------------------------------------
// Collaboration
// ---------------------------------------------------------------------------------------------

/// A `collaboration`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Collaboration {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
    #[serde(default)]
    pub content: Vec<CollaborationContent>,
}

/// A child of a collaboration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CollaborationContent {
    Participant(Participant),
    MessageFlow(MessageFlow),
    TextAnnotation(TextAnnotation),
    Association(Association),
    Group(Group),
    /// Conversations, conversation links, documentation, extensionElements, …
    Raw(XmlNode),
}

/// A `participant` (a pool).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Participant {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process_ref: Option<String>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub raw: Vec<XmlNode>,
}

/// A `messageFlow` (messageRef is kept in `extra`). Its ends are kept as the file gave them,
/// missing or naming nothing included, like a sequence flow's.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageFlow {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_ref: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_ref: Option<String>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub raw: Vec<XmlNode>,
}

// ---------------------------------------------------------------------------------------------
// Diagram interchange
// ---------------------------------------------------------------------------------------------

/// A `BPMNDiagram`. Label styles (`BPMNLabelStyle`) are kept raw in `after`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagram {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plane: Option<Plane>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub before: Vec<XmlNode>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<XmlNode>,
}

/// A `BPMNPlane`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plane {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bpmn_element: Option<String>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
    #[serde(default)]
    pub content: Vec<PlaneContent>,
}

/// A child of a plane.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PlaneContent {
    Shape(Shape),
    Edge(Edge),
    /// `di:extension` and anything else.
    Raw(XmlNode),
}

/// `dc:Bounds`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Bounds {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// A `di:waypoint` (its `xsi:type` and other attributes kept in `extra`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub x: f64,
    pub y: f64,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

/// A `BPMNLabel`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Label {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_style: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bounds: Option<Bounds>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub before: Vec<XmlNode>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<XmlNode>,
}

/// A `BPMNShape`. Colour attributes and other vendor attributes are kept in `extra`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Shape {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bpmn_element: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_horizontal: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_expanded: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_marker_visible: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bounds: Option<Bounds>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Label>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub before: Vec<XmlNode>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<XmlNode>,
}

/// A `BPMNEdge`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Edge {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bpmn_element: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_element: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_element: Option<String>,
    #[serde(default)]
    pub waypoints: Vec<Point>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Label>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub before: Vec<XmlNode>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<XmlNode>,
}

// ---------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------

/// A flow element with the id of the process or sub-process that contains it.
#[derive(Clone, Copy, Debug)]
pub struct Contained<'a> {
    pub container: &'a str,
    pub element: &'a FlowContent,
}

impl BpmnModel {
    /// An empty model with the usual namespace declarations (`bpmn`, `bpmndi`, `dc`, `di`,
    /// `xsi`) and the given ids.
    pub fn new(id: impl Into<String>, target_namespace: impl Into<String>) -> Self {
        let decl = |p: &str, u: &str| NsDecl {
            prefix: p.to_string(),
            uri: u.to_string(),
        };
        BpmnModel {
            id: Some(id.into()),
            target_namespace: Some(target_namespace.into()),
            prefix: "bpmn".to_string(),
            namespaces: vec![
                decl("bpmn", MODEL_NS),
                decl("bpmndi", BPMNDI_NS),
                decl("dc", DC_NS),
                decl("di", DI_NS),
                decl("xsi", XSI_NS),
            ],
            ..BpmnModel::default()
        }
    }

    pub fn processes(&self) -> impl Iterator<Item = &Process> {
        self.content.iter().filter_map(|c| match c {
            DefinitionsContent::Process(p) => Some(p),
            _ => None,
        })
    }

    pub fn collaborations(&self) -> impl Iterator<Item = &Collaboration> {
        self.content.iter().filter_map(|c| match c {
            DefinitionsContent::Collaboration(p) => Some(p),
            _ => None,
        })
    }

    pub fn diagrams(&self) -> impl Iterator<Item = &Diagram> {
        self.content.iter().filter_map(|c| match c {
            DefinitionsContent::Diagram(p) => Some(p),
            _ => None,
        })
    }

    /// Every child of every process and expanded sub-process (recursively), typed or raw,
    /// with the id of its container, in document order (a sub-process before its children).
    pub fn flow_elements(&self) -> Vec<Contained<'_>> {
        fn walk<'a>(container: &'a str, content: &'a [FlowContent], out: &mut Vec<Contained<'a>>) {
            for c in content {
                out.push(Contained {
                    container,
                    element: c,
                });
                if let FlowContent::FlowNode(n) = c {
                    walk(&n.id, &n.children, out);
                }
            }
        }
        let mut out = Vec::new();
        for p in self.processes() {
            walk(&p.id, &p.content, &mut out);
        }
        out
    }

    /// Every id in the document, of typed elements and of kept raw ones (DI included).
    pub fn ids(&self) -> HashSet<String> {
        fn raw(nodes: &[XmlNode], out: &mut HashSet<String>) {
            for n in nodes {
                if let XmlNode::Element(e) = n {
                    if let Some(id) = e.attr("id") {
                        out.insert(id.to_string());
                    }
                    raw(&e.children, out);
                }
            }
        }
        fn lane_set(ls: &LaneSet, out: &mut HashSet<String>) {
            out.extend(ls.id.clone());
            raw(&ls.before, out);
            raw(&ls.after, out);
            for l in &ls.lanes {
                out.insert(l.id.clone());
                raw(&l.before, out);
                raw(&l.after, out);
                if let Some(c) = &l.child_lane_set {
                    lane_set(c, out);
                }
            }
        }
        fn flow(content: &[FlowContent], out: &mut HashSet<String>) {
            for c in content {
                if let Some(id) = c.id() {
                    out.insert(id.to_string());
                }
                match c {
                    FlowContent::LaneSet(ls) => lane_set(ls, out),
                    FlowContent::FlowNode(n) => {
                        for nc in &n.content {
                            match nc {
                                NodeContent::EventDefinition(d) => {
                                    out.extend(d.id.clone());
                                    raw(&d.content, out);
                                }
                                NodeContent::DataInputAssociation(a)
                                | NodeContent::DataOutputAssociation(a) => {
                                    out.extend(a.id.clone());
                                    raw(&a.before, out);
                                    raw(&a.after, out);
                                }
                                NodeContent::Raw(r) => raw(std::slice::from_ref(r), out),
                            }
                        }
                        flow(&n.children, out);
                    }
                    FlowContent::SequenceFlow(f) => {
                        raw(&f.before, out);
                        raw(&f.after, out);
                    }
                    FlowContent::TextAnnotation(t) => {
                        raw(&t.before, out);
                        raw(&t.after, out);
                    }
                    FlowContent::DataObject(d) => raw(&d.raw, out),
                    FlowContent::DataObjectReference(d) => raw(&d.raw, out),
                    FlowContent::DataStoreReference(d) => raw(&d.raw, out),
                    FlowContent::Association(a) => raw(&a.raw, out),
                    FlowContent::Group(g) => raw(&g.raw, out),
                    FlowContent::Raw(r) => raw(std::slice::from_ref(r), out),
                }
            }
        }
        let mut out = HashSet::new();
        out.extend(self.id.clone());
        for c in &self.content {
            match c {
                DefinitionsContent::Process(p) => {
                    out.insert(p.id.clone());
                    flow(&p.content, &mut out);
                }
                DefinitionsContent::Collaboration(col) => {
                    out.insert(col.id.clone());
                    for cc in &col.content {
                        match cc {
                            CollaborationContent::Participant(p) => {
                                out.insert(p.id.clone());
                                raw(&p.raw, &mut out);
                            }
                            CollaborationContent::MessageFlow(m) => {
                                out.insert(m.id.clone());
                                raw(&m.raw, &mut out);
                            }
                            CollaborationContent::TextAnnotation(t) => {
                                out.insert(t.id.clone());
                                raw(&t.before, &mut out);
                                raw(&t.after, &mut out);
                            }
                            CollaborationContent::Association(a) => {
                                out.insert(a.id.clone());
                                raw(&a.raw, &mut out);
                            }
                            CollaborationContent::Group(g) => {
                                out.insert(g.id.clone());
                                raw(&g.raw, &mut out);
                            }
                            CollaborationContent::Raw(r) => raw(std::slice::from_ref(r), &mut out),
                        }
                    }
                }
                DefinitionsContent::DataStore(d) => {
                    out.insert(d.id.clone());
                    raw(&d.raw, &mut out);
                }
                DefinitionsContent::Diagram(d) => {
                    out.extend(d.id.clone());
                    raw(&d.before, &mut out);
                    raw(&d.after, &mut out);
                    if let Some(p) = &d.plane {
                        out.extend(p.id.clone());
                        for pc in &p.content {
                            match pc {
                                PlaneContent::Shape(s) => {
                                    out.extend(s.id.clone());
                                    out.extend(s.label.as_ref().and_then(|l| l.id.clone()));
                                    raw(&s.before, &mut out);
                                    raw(&s.after, &mut out);
                                }
                                PlaneContent::Edge(e) => {
                                    out.extend(e.id.clone());
                                    out.extend(e.label.as_ref().and_then(|l| l.id.clone()));
                                    raw(&e.before, &mut out);
                                    raw(&e.after, &mut out);
                                }
                                PlaneContent::Raw(r) => raw(std::slice::from_ref(r), &mut out),
                            }
                        }
                    }
                }
                DefinitionsContent::Raw(r) => raw(std::slice::from_ref(r), &mut out),
            }
        }
        out
    }

    /// The number of elements of each type in the document, by local name, over the typed
    /// model and the kept raw content in the BPMN, BPMNDI, DC and DI namespaces (elements in
    /// vendor namespaces are not counted): e.g. `"userTask": 3`, `"BPMNShape": 20`.
    pub fn counts(&self) -> BTreeMap<String, usize> {
        let mut c = Counter::default();
        c.add("definitions");
        c.nodes(&self.prolog);
        for item in &self.content {
            match item {
                DefinitionsContent::Process(p) => {
                    c.add("process");
                    c.flow(&p.content);
                }
                DefinitionsContent::Collaboration(col) => {
                    c.add("collaboration");
                    for item in &col.content {
                        match item {
                            CollaborationContent::Participant(p) => {
                                c.add("participant");
                                c.nodes(&p.raw);
                            }
                            CollaborationContent::MessageFlow(m) => {
                                c.add("messageFlow");
                                c.nodes(&m.raw);
                            }
                            CollaborationContent::TextAnnotation(t) => c.text_annotation(t),
                            CollaborationContent::Association(a) => {
                                c.add("association");
                                c.nodes(&a.raw);
                            }
                            CollaborationContent::Group(g) => {
                                c.add("group");
                                c.nodes(&g.raw);
                            }
                            CollaborationContent::Raw(n) => c.node(n),
                        }
                    }
                }
                DefinitionsContent::DataStore(d) => {
                    c.add("dataStore");
                    c.nodes(&d.raw);
                }
                DefinitionsContent::Diagram(d) => c.diagram(d),
                DefinitionsContent::Raw(n) => c.node(n),
            }
        }
        c.nodes(&self.epilog);
        c.0
    }
}

#[derive(Default)]
struct Counter(BTreeMap<String, usize>);

impl Counter {
    fn add(&mut self, name: &str) {
        *self.0.entry(name.to_string()).or_default() += 1;
    }

    fn nodes(&mut self, nodes: &[XmlNode]) {
        for n in nodes {
            self.node(n);
        }
    }

    fn node(&mut self, n: &XmlNode) {
        if let XmlNode::Element(e) = n {
            if matches!(e.ns.as_deref(), Some(MODEL_NS | BPMNDI_NS | DC_NS | DI_NS)) {
                self.add(&e.local);
            }
            self.nodes(&e.children);
        }
    }

    fn mixed(&mut self, name: &str, m: &MixedContent) {
        self.add(name);
        self.nodes(&m.content);
    }

    fn text_annotation(&mut self, t: &TextAnnotation) {
        self.add("textAnnotation");
        self.nodes(&t.before);
        if let Some(text) = &t.text {
            self.mixed("text", text);
        }
        self.nodes(&t.after);
    }

    fn lane_set(&mut self, name: &str, l: &LaneSet) {
        self.add(name);
        self.nodes(&l.before);
        for lane in &l.lanes {
            self.add("lane");
            self.nodes(&lane.before);
            for _ in &lane.flow_node_refs {
                self.add("flowNodeRef");
            }
            if let Some(child) = &lane.child_lane_set {
                self.lane_set("childLaneSet", child);
            }
            self.nodes(&lane.after);
        }
        self.nodes(&l.after);
    }

    fn association(&mut self, name: &str, a: &DataAssociation) {
        self.add(name);
        self.nodes(&a.before);
        for _ in &a.source_refs {
            self.add("sourceRef");
        }
        if a.target_ref.is_some() {
            self.add("targetRef");
        }
        self.nodes(&a.after);
    }

    fn flow(&mut self, content: &[FlowContent]) {
        for item in content {
            match item {
                FlowContent::LaneSet(l) => self.lane_set("laneSet", l),
                FlowContent::FlowNode(n) => {
                    self.add(n.kind.local_name());
                    for c in &n.content {
                        match c {
                            NodeContent::EventDefinition(d) => {
                                self.add(d.kind.local_name());
                                self.nodes(&d.content);
                            }
                            NodeContent::DataInputAssociation(a) => {
                                self.association("dataInputAssociation", a)
                            }
                            NodeContent::DataOutputAssociation(a) => {
                                self.association("dataOutputAssociation", a)
                            }
                            NodeContent::Raw(n) => self.node(n),
                        }
                    }
                    self.flow(&n.children);
                }
                FlowContent::SequenceFlow(f) => {
                    self.add("sequenceFlow");
                    self.nodes(&f.before);
                    if let Some(cond) = &f.condition {
                        self.mixed("conditionExpression", cond);
                    }
                    self.nodes(&f.after);
                }
                FlowContent::DataObject(d) => {
                    self.add("dataObject");
                    self.nodes(&d.raw);
                }
                FlowContent::DataObjectReference(d) => {
                    self.add("dataObjectReference");
                    self.nodes(&d.raw);
                }
                FlowContent::DataStoreReference(d) => {
                    self.add("dataStoreReference");
                    self.nodes(&d.raw);
                }
                FlowContent::TextAnnotation(t) => self.text_annotation(t),
                FlowContent::Association(a) => {
                    self.add("association");
                    self.nodes(&a.raw);
                }
                FlowContent::Group(g) => {
                    self.add("group");
                    self.nodes(&g.raw);
                }
                FlowContent::Raw(n) => self.node(n),
            }
        }
    }

    fn label(&mut self, l: &Label) {
        self.add("BPMNLabel");
        self.nodes(&l.before);
        if l.bounds.is_some() {
            self.add("Bounds");
        }
        self.nodes(&l.after);
    }

    fn diagram(&mut self, d: &Diagram) {
        self.add("BPMNDiagram");
        self.nodes(&d.before);
        if let Some(p) = &d.plane {
            self.add("BPMNPlane");
            for item in &p.content {
                match item {
                    PlaneContent::Shape(s) => {
                        self.add("BPMNShape");
                        self.nodes(&s.before);
                        if s.bounds.is_some() {
                            self.add("Bounds");
                        }
                        if let Some(l) = &s.label {
                            self.label(l);
                        }
                        self.nodes(&s.after);
                    }
                    PlaneContent::Edge(e) => {
                        self.add("BPMNEdge");
                        self.nodes(&e.before);
                        for _ in &e.waypoints {
                            self.add("waypoint");
                        }
                        if let Some(l) = &e.label {
                            self.label(l);
                        }
                        self.nodes(&e.after);
                    }
                    PlaneContent::Raw(n) => self.node(n),
                }
            }
        }
        self.nodes(&d.after);
    }
}
