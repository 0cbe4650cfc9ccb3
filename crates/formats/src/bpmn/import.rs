//! BPMN 2.0 XML to [`BpmnModel`]: encoding and well-formedness checks, the root check,
//! duplicate ids, then the typed conversion that keeps everything it does not type.

// The converters return `Err(node)` to hand back an element that stays raw; that is not an
// error path, and boxing it would only add an allocation.
#![allow(clippy::result_large_err)]

use std::borrow::Cow;
use std::collections::HashMap;

use super::error::BpmnError;
use super::model::*;
use super::xml::{self, LineIndex, PElem, PNode, is_xml_char, is_xml_space};

/// Reads a BPMN 2.0 XML document.
///
/// Fails, with a message that names the problem and its line and column, on input that is
/// not UTF-8 XML, not namespace-well-formed, not a BPMN 2.0 `definitions` document, or that
/// uses an id twice: nothing of such a file is imported. What can be read but is odd
/// (unknown elements, references to ids that no element has, required references that are
/// missing, DI without `bpmnElement`, values the model cannot read) is kept as it came and
/// reported in [`BpmnModel::warnings`], each warning naming the element, the attribute and
/// the line.
pub fn import(bytes: &[u8]) -> Result<BpmnModel, BpmnError> {
    let text = decode(bytes)?;
    let text: &str = &text;
    let lines = LineIndex::new(text);
    check_chars(text, &lines)?;
    if let Some((offset, c)) = text.char_indices().find(|(_, c)| !is_xml_space(*c))
        && c != '<'
    {
        let (line, column) = lines.position(offset);
        let snippet: String = text[offset..].chars().take(20).collect();
        return Err(BpmnError::NotXml {
            found: format!("text \"{snippet}\" where markup ('<') should start"),
            line,
            column,
        });
    }
    let doc = xml::parse(text, &lines)?;
    let root = &doc.root;
    if root.ns.as_deref() != Some(MODEL_NS) || root.local != "definitions" {
        let (line, column) = lines.position(root.offset);
        let namespace = match &root.ns {
            Some(ns) => format!("in the namespace {ns}"),
            None => "in no namespace".to_string(),
        };
        return Err(BpmnError::NotBpmn {
            element: root.qname(),
            namespace,
            line,
            column,
        });
    }
    let mut cx = Cx {
        lines: &lines,
        ids: HashMap::new(),
        warnings: Vec::new(),
    };
    cx.collect_ids(root)?;
    let mut model = cx.definitions(doc.root)?;
    model.prolog = doc.prolog;
    model.epilog = doc.epilog;
    model.warnings = cx.warnings;
    Ok(model)
}

fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG", "a PNG image"),
        (b"GIF8", "a GIF image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"%PDF", "a PDF document"),
        (b"PK\x03\x04", "a ZIP archive"),
    ];
    for (magic, what) in MAGIC {
        if bytes.starts_with(magic) {
            return Some(what);
        }
    }
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Some("it contains NUL bytes");
    }
    None
}

/// The document as text: UTF-8 (with or without a byte order mark), US-ASCII or ISO-8859-1
/// as its XML declaration says; any other declared encoding is refused.
fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, BpmnError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(BpmnError::Empty);
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(BpmnError::UnsupportedEncoding {
            encoding: "UTF-16".to_string(),
            line: 1,
            column: 1,
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Some(what) = binary_kind(bytes) {
        return Err(BpmnError::Binary {
            what: what.to_string(),
        });
    }
    if let Some((encoding, offset)) = declared_encoding(bytes) {
        match encoding.to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" | "us-ascii" | "ascii" => {}
            "iso-8859-1" | "iso8859-1" | "latin1" | "latin-1" | "l1" => {
                // Every byte is the code point of the same number.
                return Ok(Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()));
            }
            _ => {
                return Err(BpmnError::UnsupportedEncoding {
                    encoding,
                    line: 1,
                    column: offset + 1,
                });
            }
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(Cow::Borrowed(s)),
        Err(e) => {
            let valid = e.valid_up_to();
            // The prefix up to `valid` is UTF-8 by definition.
            let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or("");
            let (line, column) = LineIndex::new(prefix).position(valid);
            Err(BpmnError::InvalidUtf8 {
                byte: bytes[valid],
                line,
                column,
            })
        }
    }
}

/// The `encoding` pseudo-attribute of the XML declaration and its byte offset.
fn declared_encoding(bytes: &[u8]) -> Option<(String, usize)> {
    if !bytes.starts_with(b"<?xml") {
        return None;
    }
    let end = bytes.windows(2).take(1024).position(|w| w == b"?>")?;
    let decl = &bytes[..end];
    let key = decl.windows(8).position(|w| w == b"encoding")?;
    let mut i = key + 8;
    while i < decl.len() && (decl[i] == b' ' || decl[i] == b'=' || decl[i].is_ascii_whitespace()) {
        i += 1;
    }
    let quote = *decl.get(i)?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let start = i + 1;
    let len = decl[start..].iter().position(|&b| b == quote)?;
    let value = String::from_utf8_lossy(&decl[start..start + len]).into_owned();
    Some((value, start))
}

fn check_chars(text: &str, lines: &LineIndex<'_>) -> Result<(), BpmnError> {
    if let Some((offset, c)) = text.char_indices().find(|(_, c)| !is_xml_char(*c)) {
        let (line, column) = lines.position(offset);
        return Err(BpmnError::Malformed {
            message: format!("the character U+{:04X} is not allowed in XML", c as u32),
            line,
            column,
        });
    }
    Ok(())
}

/// Names BPMN 2.0 defines in its model namespace (from Semantic.xsd and BPMN20.xsd).
const MODEL_NAMES: &[&str] = &[
    "activationCondition",
    "activity",
    "adHocSubProcess",
    "artifact",
    "assignment",
    "association",
    "auditing",
    "baseElement",
    "baseElementWithMixedContent",
    "boundaryEvent",
    "businessRuleTask",
    "callActivity",
    "callChoreography",
    "callConversation",
    "callableElement",
    "cancelEventDefinition",
    "catchEvent",
    "category",
    "categoryValue",
    "categoryValueRef",
    "childLaneSet",
    "choreography",
    "choreographyActivity",
    "choreographyRef",
    "choreographyTask",
    "collaboration",
    "compensateEventDefinition",
    "completionCondition",
    "complexBehaviorDefinition",
    "complexGateway",
    "condition",
    "conditionExpression",
    "conditionalEventDefinition",
    "conversation",
    "conversationAssociation",
    "conversationLink",
    "conversationNode",
    "correlationKey",
    "correlationProperty",
    "correlationPropertyBinding",
    "correlationPropertyRef",
    "correlationPropertyRetrievalExpression",
    "correlationSubscription",
    "dataAssociation",
    "dataInput",
    "dataInputAssociation",
    "dataInputRefs",
    "dataObject",
    "dataObjectReference",
    "dataOutput",
    "dataOutputAssociation",
    "dataOutputRefs",
    "dataPath",
    "dataState",
    "dataStore",
    "dataStoreReference",
    "definitions",
    "documentation",
    "endEvent",
    "endPoint",
    "endPointRef",
    "error",
    "errorEventDefinition",
    "errorRef",
    "escalation",
    "escalationEventDefinition",
    "event",
    "eventBasedGateway",
    "eventDefinition",
    "eventDefinitionRef",
    "exclusiveGateway",
    "expression",
    "extension",
    "extensionElements",
    "flowElement",
    "flowNode",
    "flowNodeRef",
    "formalExpression",
    "from",
    "gateway",
    "globalBusinessRuleTask",
    "globalChoreographyTask",
    "globalConversation",
    "globalManualTask",
    "globalScriptTask",
    "globalTask",
    "globalUserTask",
    "group",
    "humanPerformer",
    "implicitThrowEvent",
    "import",
    "inMessageRef",
    "inclusiveGateway",
    "incoming",
    "innerParticipantRef",
    "inputDataItem",
    "inputSet",
    "inputSetRefs",
    "interface",
    "interfaceRef",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "ioBinding",
    "ioSpecification",
    "itemDefinition",
    "lane",
    "laneSet",
    "linkEventDefinition",
    "loopCardinality",
    "loopCharacteristics",
    "loopCondition",
    "loopDataInputRef",
    "loopDataOutputRef",
    "manualTask",
    "message",
    "messageEventDefinition",
    "messageFlow",
    "messageFlowAssociation",
    "messageFlowRef",
    "messagePath",
    "monitoring",
    "multiInstanceLoopCharacteristics",
    "operation",
    "operationRef",
    "optionalInputRefs",
    "optionalOutputRefs",
    "outMessageRef",
    "outerParticipantRef",
    "outgoing",
    "outputDataItem",
    "outputSet",
    "outputSetRefs",
    "parallelGateway",
    "participant",
    "participantAssociation",
    "participantMultiplicity",
    "participantRef",
    "partitionElement",
    "partnerEntity",
    "partnerRole",
    "performer",
    "potentialOwner",
    "process",
    "property",
    "receiveTask",
    "relationship",
    "rendering",
    "resource",
    "resourceAssignmentExpression",
    "resourceParameter",
    "resourceParameterBinding",
    "resourceRef",
    "resourceRole",
    "rootElement",
    "script",
    "scriptTask",
    "sendTask",
    "sequenceFlow",
    "serviceTask",
    "signal",
    "signalEventDefinition",
    "source",
    "sourceRef",
    "standardLoopCharacteristics",
    "startEvent",
    "subChoreography",
    "subConversation",
    "subProcess",
    "supportedInterfaceRef",
    "supports",
    "target",
    "targetRef",
    "task",
    "terminateEventDefinition",
    "text",
    "textAnnotation",
    "throwEvent",
    "timeCycle",
    "timeDate",
    "timeDuration",
    "timerEventDefinition",
    "to",
    "transaction",
    "transformation",
    "userTask",
    "whileExecutingInputRefs",
    "whileExecutingOutputRefs",
];

/// What BPMN 2.0 allows as a child of `definitions` in its model namespace.
const ROOT_ELEMENTS: &[&str] = &[
    "import",
    "extension",
    "relationship",
    "category",
    "collaboration",
    "globalConversation",
    "correlationProperty",
    "dataStore",
    "endPoint",
    "error",
    "escalation",
    "eventDefinition",
    "cancelEventDefinition",
    "compensateEventDefinition",
    "conditionalEventDefinition",
    "errorEventDefinition",
    "escalationEventDefinition",
    "linkEventDefinition",
    "messageEventDefinition",
    "signalEventDefinition",
    "terminateEventDefinition",
    "timerEventDefinition",
    "globalTask",
    "globalBusinessRuleTask",
    "globalManualTask",
    "globalScriptTask",
    "globalUserTask",
    "interface",
    "itemDefinition",
    "message",
    "partnerEntity",
    "partnerRole",
    "process",
    "resource",
    "signal",
    "choreography",
    "globalChoreographyTask",
];

const BPMNDI_NAMES: &[&str] = &[
    "BPMNDiagram",
    "BPMNPlane",
    "BPMNShape",
    "BPMNEdge",
    "BPMNLabel",
    "BPMNLabelStyle",
];
const DC_NAMES: &[&str] = &["Bounds", "Font", "Point"];
const DI_NAMES: &[&str] = &[
    "waypoint",
    "extension",
    "Diagram",
    "DiagramElement",
    "Edge",
    "Label",
    "LabeledEdge",
    "LabeledShape",
    "Node",
    "Plane",
    "Shape",
    "Style",
];

/// Flow elements the model keeps raw; they still start the children of a sub-process.
const RAW_FLOW_ELEMENTS: &[&str] = &[
    "implicitThrowEvent",
    "callChoreography",
    "choreographyTask",
    "subChoreography",
];

fn is_known(ns: Option<&str>, local: &str) -> Option<bool> {
    match ns {
        Some(MODEL_NS) => Some(MODEL_NAMES.contains(&local)),
        Some(BPMNDI_NS) => Some(BPMNDI_NAMES.contains(&local)),
        Some(DC_NS) => Some(DC_NAMES.contains(&local)),
        Some(DI_NS) => Some(DI_NAMES.contains(&local)),
        _ => None,
    }
}

fn is_bpmn_ns(ns: Option<&str>) -> bool {
    matches!(ns, Some(MODEL_NS | BPMNDI_NS | DC_NS | DI_NS))
}

fn is_flow_content(local: &str) -> bool {
    FlowNodeKind::from_local_name(local).is_some()
        || RAW_FLOW_ELEMENTS.contains(&local)
        || matches!(
            local,
            "laneSet"
                | "sequenceFlow"
                | "dataObject"
                | "dataObjectReference"
                | "dataStoreReference"
                | "textAnnotation"
                | "association"
                | "group"
        )
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.trim() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

fn parse_num(v: &str) -> Option<f64> {
    let t = v.trim();
    // xsd:double allows INF and NaN, which a layout cannot use; keep those raw.
    t.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// The parts of an element that typed conversion consumes.
struct Parts {
    local: String,
    qname: String,
    offset: usize,
    extra: Extra,
    children: Vec<PNode>,
}

impl Parts {
    /// The parts of a typed element, whose content is elements only: whitespace around
    /// its children is layout, not content (stray text is kept, trimmed).
    fn new(mut e: PElem) -> Self {
        e.children = std::mem::take(&mut e.children)
            .into_iter()
            .filter_map(|c| match c {
                PNode::Other(XmlNode::Text(t)) => {
                    let trimmed = t.trim_matches(is_xml_space);
                    (!trimmed.is_empty()).then(|| PNode::Other(XmlNode::Text(trimmed.to_string())))
                }
                other => Some(other),
            })
            .collect();
        Self::keep_text(e)
    }

    /// The parts of an element with mixed content, every character kept.
    fn keep_text(e: PElem) -> Self {
        let qname = e.qname();
        Parts {
            local: e.local,
            qname,
            offset: e.offset,
            extra: Extra {
                ns_decls: e.ns_decls,
                attrs: e.attrs,
            },
            children: e.children,
        }
    }

    fn take(&mut self, local: &str) -> Option<String> {
        let i = self
            .extra
            .attrs
            .iter()
            .position(|a| a.ns.is_none() && a.local == local)?;
        Some(self.extra.attrs.remove(i).value)
    }

    fn peek(&self, local: &str) -> Option<&str> {
        self.extra.attr(local)
    }

    /// Back to an element, for content that stays raw.
    fn into_elem(self, ns: &str, prefix: Option<String>) -> PElem {
        PElem {
            ns: Some(ns.to_string()),
            prefix,
            local: self.local,
            ns_decls: self.extra.ns_decls,
            attrs: self.extra.attrs,
            children: self.children,
            offset: self.offset,
        }
    }
}

/// How a warning names an element: `<bpmn:sequenceFlow id="Flow_1">`, or its name alone
/// when it has no id.
fn described(qname: &str, id: Option<&str>) -> String {
    match id {
        Some(id) => format!("<{qname} id=\"{id}\">"),
        None => format!("<{qname}>"),
    }
}

struct Cx<'a, 'l> {
    lines: &'l LineIndex<'a>,
    ids: HashMap<String, usize>,
    warnings: Vec<Warning>,
}

/// The raw children of a leaf element, before and after its first typed child.
#[derive(Default)]
struct Split {
    before: Vec<XmlNode>,
    after: Vec<XmlNode>,
    seen_typed: bool,
}

impl Split {
    fn push(&mut self, node: XmlNode) {
        if self.seen_typed {
            self.after.push(node);
        } else {
            self.before.push(node);
        }
    }
}

type R<T> = Result<T, BpmnError>;

impl Cx<'_, '_> {
    fn warn(&mut self, kind: WarningKind, offset: usize, message: String) {
        let (line, column) = self.lines.position(offset);
        self.warnings.push(Warning {
            kind,
            message,
            line,
            column,
        });
    }

    fn collect_ids(&mut self, e: &PElem) -> R<()> {
        if is_bpmn_ns(e.ns.as_deref())
            && let Some(id) = e.attrs.iter().find(|a| a.ns.is_none() && a.local == "id")
        {
            if let Some(&first) = self.ids.get(&id.value) {
                let (line, column) = self.lines.position(e.offset);
                let (first_line, first_column) = self.lines.position(first);
                return Err(BpmnError::DuplicateId {
                    id: id.value.clone(),
                    line,
                    column,
                    first_line,
                    first_column,
                });
            }
            self.ids.insert(id.value.clone(), e.offset);
        }
        for c in &e.children {
            if let PNode::Elem(c) = c {
                self.collect_ids(c)?;
            }
        }
        Ok(())
    }

    fn resolves(&self, reference: &str) -> bool {
        let r = reference.trim();
        self.ids.contains_key(r)
            || r.split_once(':')
                .is_some_and(|(_, local)| self.ids.contains_key(local))
    }

    /// Warns when `value` names no element; `element` describes the referring element (see
    /// [`described`]).
    fn check_ref(&mut self, value: Option<&str>, what: &str, element: &str, offset: usize) {
        if let Some(v) = value
            && !self.resolves(v)
        {
            self.warn(
                WarningKind::UnresolvedReference,
                offset,
                format!("{element}: {what} \"{v}\" is not the id of any element in the file"),
            );
        }
    }

    /// Like [`Cx::check_ref`] for a reference BPMN requires: a missing one is warned about
    /// too. `element` describes the element with its id (`<bpmn:sequenceFlow id="F">`).
    fn require_ref(&mut self, value: Option<&str>, what: &str, element: &str, offset: usize) {
        match value {
            Some(v) if !self.resolves(v) => self.warn(
                WarningKind::UnresolvedReference,
                offset,
                format!("{element}: {what} \"{v}\" is not the id of any element in the file"),
            ),
            Some(_) => {}
            None => self.warn(
                WarningKind::MissingReference,
                offset,
                format!("{element} has no {what}; kept as it is, not drawn"),
            ),
        }
    }

    /// Raw content found where the model types elements: warns about elements that are not
    /// BPMN, then keeps the node.
    fn raw_child(&mut self, e: PElem) -> XmlNode {
        if !is_bpmn_ns(e.ns.as_deref()) {
            let ns = match &e.ns {
                Some(ns) => format!("the namespace {ns}"),
                None => "no namespace".to_string(),
            };
            self.warn(
                WarningKind::ForeignElement,
                e.offset,
                format!(
                    "<{}> in {ns} is not BPMN and is not inside extensionElements; kept as is",
                    e.qname()
                ),
            );
            return XmlNode::Element(e.into_raw());
        }
        self.check_unknown(&e);
        XmlNode::Element(e.into_raw())
    }

    /// Warns about elements in the BPMN namespaces that BPMN 2.0 does not define, in kept
    /// BPMN content (not inside extensions or foreign elements).
    fn check_unknown(&mut self, e: &PElem) {
        match is_known(e.ns.as_deref(), &e.local) {
            Some(false) => {
                self.warn(
                    WarningKind::UnknownElement,
                    e.offset,
                    format!("<{}> is not a BPMN 2.0 element; kept as is", e.qname()),
                );
                return;
            }
            Some(true) => {}
            None => return,
        }
        if e.local == "extensionElements" || e.local == "extension" || e.local == "documentation" {
            return;
        }
        for c in &e.children {
            if let PNode::Elem(c) = c {
                self.check_unknown(c);
            }
        }
    }

    fn raw_node(&mut self, n: PNode) -> XmlNode {
        match n {
            PNode::Elem(e) => self.raw_child(e),
            PNode::Other(o) => o,
        }
    }

    /// A typed element without the id the model needs stays raw.
    fn require_id(&mut self, p: &mut Parts) -> Option<String> {
        let id = p.take("id");
        if id.is_none() {
            self.warn(
                WarningKind::InvalidValue,
                p.offset,
                format!("<{}> has no id; kept as is, untyped", p.qname),
            );
        }
        id
    }

    fn bool_attr(&mut self, p: &mut Parts, local: &str) -> Option<bool> {
        let v = p.peek(local)?;
        match parse_bool(v) {
            Some(b) => {
                p.take(local);
                Some(b)
            }
            None => {
                let msg = format!(
                    "<{}>: {local}=\"{v}\" is not a boolean; kept as is",
                    p.qname
                );
                self.warn(WarningKind::InvalidValue, p.offset, msg);
                None
            }
        }
    }

    // -----------------------------------------------------------------------------------------

    fn definitions(&mut self, root: PElem) -> R<BpmnModel> {
        let prefix = root.prefix.clone().unwrap_or_default();
        let mut p = Parts::new(root);
        let mut model = BpmnModel {
            id: p.take("id"),
            name: p.take("name"),
            target_namespace: p.take("targetNamespace"),
            exporter: p.take("exporter"),
            exporter_version: p.take("exporterVersion"),
            prefix,
            namespaces: std::mem::take(&mut p.extra.ns_decls),
            attrs: std::mem::take(&mut p.extra.attrs),
            ..BpmnModel::default()
        };
        for c in std::mem::take(&mut p.children) {
            let item = match c {
                PNode::Elem(e) => match (e.ns.as_deref(), e.local.as_str()) {
                    (Some(MODEL_NS), "process") => self.process(e)?,
                    (Some(MODEL_NS), "collaboration") => self.collaboration(e)?,
                    (Some(MODEL_NS), "dataStore") => self.data_store(e),
                    (Some(BPMNDI_NS), "BPMNDiagram") => self.diagram(e),
                    (Some(MODEL_NS), "extension") => {
                        self.check_extension(&e);
                        DefinitionsContent::Raw(self.raw_child(e))
                    }
                    (Some(MODEL_NS), local)
                        if MODEL_NAMES.contains(&local) && !ROOT_ELEMENTS.contains(&local) =>
                    {
                        self.warn(
                            WarningKind::MisplacedElement,
                            e.offset,
                            format!(
                                "<{}> is not allowed directly inside definitions; kept as is",
                                e.qname()
                            ),
                        );
                        DefinitionsContent::Raw(XmlNode::Element(e.into_raw()))
                    }
                    _ => DefinitionsContent::Raw(self.raw_child(e)),
                },
                PNode::Other(o) => DefinitionsContent::Raw(o),
            };
            model.content.push(item);
        }
        Ok(model)
    }

    /// `<extension definition="prefix:id">` must name an extension definition.
    fn check_extension(&mut self, e: &PElem) {
        let Some(def) = e
            .attrs
            .iter()
            .find(|a| a.ns.is_none() && a.local == "definition")
        else {
            return;
        };
        let value = def.value.clone();
        self.check_ref(
            Some(&value),
            "the extension definition",
            &described(&e.qname(), None),
            e.offset,
        );
    }

    fn process(&mut self, e: PElem) -> R<DefinitionsContent> {
        let prefix = e.prefix.clone();
        let mut p = Parts::new(e);
        let Some(id) = self.require_id(&mut p) else {
            let e = p.into_elem(MODEL_NS, prefix);
            return Ok(DefinitionsContent::Raw(XmlNode::Element(e.into_raw())));
        };
        let name = p.take("name");
        let is_executable = self.bool_attr(&mut p, "isExecutable");
        let mut content = Vec::new();
        for c in std::mem::take(&mut p.children) {
            content.push(self.flow_child(c)?);
        }
        Ok(DefinitionsContent::Process(Process {
            id,
            name,
            is_executable,
            extra: p.extra,
            content,
        }))
    }

    fn flow_child(&mut self, c: PNode) -> R<FlowContent> {
        let e = match c {
            PNode::Elem(e) => e,
            PNode::Other(o) => return Ok(FlowContent::Raw(o)),
        };
        if e.ns.as_deref() != Some(MODEL_NS) {
            return Ok(FlowContent::Raw(self.raw_child(e)));
        }
        let local = e.local.clone();
        if let Some(kind) = FlowNodeKind::from_local_name(&local) {
            return self.flow_node(kind, e);
        }
        Ok(match local.as_str() {
            "laneSet" => FlowContent::LaneSet(self.lane_set(e)),
            "sequenceFlow" => return self.sequence_flow(e),
            "dataObject" => self.with_id(e, |_, p, id| {
                let name = p.take("name");
                FlowContent::DataObject(DataObject {
                    id,
                    name,
                    extra: std::mem::take(&mut p.extra),
                    raw: Vec::new(),
                })
            }),
            "dataObjectReference" => self.with_id(e, |cx, p, id| {
                let name = p.take("name");
                let data_object_ref = p.take("dataObjectRef");
                cx.check_ref(
                    data_object_ref.as_deref(),
                    "dataObjectRef",
                    &described(&p.qname, Some(&id)),
                    p.offset,
                );
                FlowContent::DataObjectReference(DataObjectReference {
                    id,
                    name,
                    data_object_ref,
                    extra: std::mem::take(&mut p.extra),
                    raw: Vec::new(),
                })
            }),
            "dataStoreReference" => self.with_id(e, |cx, p, id| {
                let name = p.take("name");
                let data_store_ref = p.take("dataStoreRef");
                cx.check_ref(
                    data_store_ref.as_deref(),
                    "dataStoreRef",
                    &described(&p.qname, Some(&id)),
                    p.offset,
                );
                FlowContent::DataStoreReference(DataStoreReference {
                    id,
                    name,
                    data_store_ref,
                    extra: std::mem::take(&mut p.extra),
                    raw: Vec::new(),
                })
            }),
            "textAnnotation" => match self.text_annotation(e) {
                Ok(t) => FlowContent::TextAnnotation(t),
                Err(n) => FlowContent::Raw(n),
            },
            "association" => match self.association(e) {
                Ok(a) => FlowContent::Association(a),
                Err(n) => FlowContent::Raw(n),
            },
            "group" => match self.group(e) {
                Ok(g) => FlowContent::Group(g),
                Err(n) => FlowContent::Raw(n),
            },
            _ => FlowContent::Raw(self.raw_child(e)),
        })
    }

    /// Converts an element that needs an id and keeps only raw children; without an id it
    /// stays raw. The closure builds the typed value; its `raw` field is filled here.
    fn with_id(
        &mut self,
        e: PElem,
        build: impl FnOnce(&mut Self, &mut Parts, String) -> FlowContent,
    ) -> FlowContent {
        let prefix = e.prefix.clone();
        let mut p = Parts::new(e);
        let Some(id) = self.require_id(&mut p) else {
            return FlowContent::Raw(XmlNode::Element(p.into_elem(MODEL_NS, prefix).into_raw()));
        };
        let children = std::mem::take(&mut p.children);
        let mut built = build(self, &mut p, id);
        let raw: Vec<XmlNode> = children.into_iter().map(|c| self.raw_node(c)).collect();
        match &mut built {
            FlowContent::DataObject(d) => d.raw = raw,
            FlowContent::DataObjectReference(d) => d.raw = raw,
            FlowContent::DataStoreReference(d) => d.raw = raw,
            _ => {}
        }
        built
    }

    fn flow_node(&mut self, kind: FlowNodeKind, e: PElem) -> R<FlowContent> {
        let prefix = e.prefix.clone();
        let mut p = Parts::new(e);
        let Some(id) = self.require_id(&mut p) else {
            let e = p.into_elem(MODEL_NS, prefix);
            return Ok(FlowContent::Raw(XmlNode::Element(e.into_raw())));
        };
        let mut node = FlowNode::new(kind, id);
        node.name = p.take("name");
        if kind.is_activity() || kind.is_gateway() {
            node.default_flow = p.take("default");
            self.check_ref(
                node.default_flow.as_deref(),
                "the default flow",
                &described(&p.qname, Some(&node.id)),
                p.offset,
            );
        }
        if kind == FlowNodeKind::BoundaryEvent {
            node.attached_to_ref = p.take("attachedToRef");
            self.require_ref(
                node.attached_to_ref.as_deref(),
                "attachedToRef",
                &described(&p.qname, Some(&node.id)),
                p.offset,
            );
            node.cancel_activity = self.bool_attr(&mut p, "cancelActivity");
        }
        if kind == FlowNodeKind::CallActivity {
            node.called_element = p.take("calledElement");
        }
        if kind.is_sub_process() {
            node.triggered_by_event = self.bool_attr(&mut p, "triggeredByEvent");
        }
        let mut in_children = false;
        for c in std::mem::take(&mut p.children) {
            match c {
                PNode::Elem(e) if e.ns.as_deref() == Some(MODEL_NS) => {
                    if kind.is_sub_process() && (in_children || is_flow_content(&e.local)) {
                        in_children = true;
                        node.children.push(self.flow_child(PNode::Elem(e))?);
                    } else if let Some(k) = EventDefinitionKind::from_local_name(&e.local) {
                        node.content
                            .push(NodeContent::EventDefinition(self.event_definition(k, e)));
                    } else if e.local == "dataInputAssociation" {
                        node.content
                            .push(NodeContent::DataInputAssociation(self.data_association(e)));
                    } else if e.local == "dataOutputAssociation" {
                        node.content
                            .push(NodeContent::DataOutputAssociation(self.data_association(e)));
                    } else {
                        node.content.push(NodeContent::Raw(self.raw_child(e)));
                    }
                }
                other => {
                    let raw = self.raw_node(other);
                    if in_children {
                        node.children.push(FlowContent::Raw(raw));
                    } else {
                        node.content.push(NodeContent::Raw(raw));
                    }
                }
            }
        }
        node.extra = p.extra;
        Ok(FlowContent::FlowNode(node))
    }

    fn event_definition(&mut self, kind: EventDefinitionKind, e: PElem) -> EventDefinition {
        let mut p = Parts::new(e);
        let id = p.take("id");
        let content = std::mem::take(&mut p.children)
            .into_iter()
            .map(|c| self.raw_node(c))
            .collect();
        EventDefinition {
            kind,
            id,
            extra: p.extra,
            content,
        }
    }

    /// The text of a simple element (`flowNodeRef`, `sourceRef`): no attributes, no
    /// namespace declarations, only text.
    fn simple_text(e: &PElem) -> Option<String> {
        if !e.attrs.is_empty() || !e.ns_decls.is_empty() {
            return None;
        }
        let mut s = String::new();
        for c in &e.children {
            match c {
                PNode::Other(XmlNode::Text(t)) => s.push_str(t),
                _ => return None,
            }
        }
        let t = s.trim();
        (!t.is_empty()).then(|| t.to_string())
    }

    fn data_association(&mut self, e: PElem) -> DataAssociation {
        let mut p = Parts::new(e);
        let mut a = DataAssociation {
            id: p.take("id"),
            ..DataAssociation::default()
        };
        let mut split = Split::default();
        for c in std::mem::take(&mut p.children) {
            match c {
                PNode::Elem(e)
                    if e.ns.as_deref() == Some(MODEL_NS)
                        && (e.local == "sourceRef"
                            || (e.local == "targetRef" && a.target_ref.is_none())) =>
                {
                    match Self::simple_text(&e) {
                        Some(t) => {
                            let which = described(&p.qname, a.id.as_deref());
                            self.check_ref(Some(&t), &e.local, &which, e.offset);
                            if e.local == "sourceRef" {
                                a.source_refs.push(t);
                            } else {
                                a.target_ref = Some(t);
                            }
                            split.seen_typed = true;
                        }
                        None => split.push(self.raw_child(e)),
                    }
                }
                other => {
                    let n = self.raw_node(other);
                    split.push(n);
                }
            }
        }
        a.extra = p.extra;
        a.before = split.before;
        a.after = split.after;
        a
    }

    fn mixed(&mut self, e: PElem) -> MixedContent {
        let mut p = Parts::keep_text(e);
        let content = std::mem::take(&mut p.children)
            .into_iter()
            .map(|c| match c {
                PNode::Elem(e) => XmlNode::Element(e.into_raw()),
                PNode::Other(o) => o,
            })
            .collect();
        MixedContent {
            extra: p.extra,
            content,
        }
    }

    fn sequence_flow(&mut self, e: PElem) -> R<FlowContent> {
        let prefix = e.prefix.clone();
        let mut p = Parts::new(e);
        let Some(id) = self.require_id(&mut p) else {
            let e = p.into_elem(MODEL_NS, prefix);
            return Ok(FlowContent::Raw(XmlNode::Element(e.into_raw())));
        };
        // A flow whose end is missing or names no element is what tools leave behind when
        // they drop an element: it is kept as it came, with a warning, and the canvas does
        // not draw it until someone gives it proper ends.
        let source_ref = p.take("sourceRef");
        let target_ref = p.take("targetRef");
        let which = described(&p.qname, Some(&id));
        self.require_ref(source_ref.as_deref(), "sourceRef", &which, p.offset);
        self.require_ref(target_ref.as_deref(), "targetRef", &which, p.offset);
        let mut f = SequenceFlow {
            id,
            name: p.take("name"),
            source_ref,
            target_ref,
            ..SequenceFlow::default()
        };
        let mut split = Split::default();
        for c in std::mem::take(&mut p.children) {
            match c {
                PNode::Elem(e)
                    if e.ns.as_deref() == Some(MODEL_NS)
                        && e.local == "conditionExpression"
                        && f.condition.is_none() =>
                {
                    f.condition = Some(self.mixed(e));
                    split.seen_typed = true;
                }
                other => {
                    let n = self.raw_node(other);
                    split.push(n);
                }
            }
        }
        f.extra = p.extra;
        f.before = split.before;
        f.after = split.after;
        Ok(FlowContent::SequenceFlow(f))
    }

    fn text_annotation(&mut self, e: PElem) -> Result<TextAnnotation, XmlNode> {
        let prefix = e.prefix.clone();
        let mut p = Parts::new(e);
        let Some(id) = self.require_id(&mut p) else {
            return Err(XmlNode::Element(p.into_elem(MODEL_NS, prefix).into_raw()));
        };
        let mut t = TextAnnotation {
            id,
            ..TextAnnotation::default()
        };
        let mut split = Split::default();
        for c in std::mem::take(&mut p.children) {
            match c {
                PNode::Elem(e)
                    if e.ns.as_deref() == Some(MODEL_NS)
                        && e.local == "text"
                        && t.text.is_none() =>
                {
                    t.text = Some(self.mixed(e));
                    split.seen_typed = true;
                }
                other => {
                    let n = self.raw_node(other);
                    split.push(n);
                }
            }
        }
        t.extra = p.extra;
        t.before = split.before;
        t.after = split.after;
        Ok(t)
    }

    fn association(&mut self, e: PElem) -> Result<Association, XmlNode> {
        let prefix = e.prefix.clone();
        let mut p = Parts::new(e);
        let Some(id) = self.require_id(&mut p) else {
            return Err(XmlNode::Element(p.into_elem(MODEL_NS, prefix).into_raw()));
        };
        let source_ref = p.take("sourceRef");
        let target_ref = p.take("targetRef");
        let which = described(&p.qname, Some(&id));
        self.check_ref(source_ref.as_deref(), "sourceRef", &which, p.offset);
        self.check_ref(target_ref.as_deref(), "targetRef", &which, p.offset);
        let raw = std::mem::take(&mut p.children)
            .into_iter()
            .map(|c| self.raw_node(c))
            .collect();
        Ok(Association {
            id,
            source_ref,
            target_ref,
            extra: p.extra,
            raw,
        })
    }

    fn group(&mut self, e: PElem) -> Result<Group, XmlNode> {
        let prefix = e.prefix.clone();
        let mut p = Parts::new(e);
        let Some(id) = self.require_id(&mut p) else {
            return Err(XmlNode::Element(p.into_elem(MODEL_NS, prefix).into_raw()));
        };
        let category_value_ref = p.take("categoryValueRef");
        self.check_ref(
            category_value_ref.as_deref(),
            "categoryValueRef",
            &described(&p.qname, Some(&id)),
            p.offset,
        );
        let raw = std::mem::take(&mut p.children)
            .into_iter()
            .map(|c| self.raw_node(c))
            .collect();
        Ok(Group {
            id,
            category_value_ref,
            extra: p.extra,
            raw,
        })
    }

    fn lane_set(&mut self, e: PElem) -> LaneSet {
        let mut p = Parts::new(e);
        let mut ls = LaneSet {
            id: p.take("id"),
            name: p.take("name"),
            ..LaneSet::default()
        };
        let mut split = Split::default();
        for c in std::mem::take(&mut p.children) {
            match c {
                PNode::Elem(e) if e.ns.as_deref() == Some(MODEL_NS) && e.local == "lane" => {
                    match self.lane(e) {
                        Ok(l) => {
                            ls.lanes.push(l);
                            split.seen_typed = true;
                        }
                        Err(n) => split.push(n),
                    }
                }
                other => {
                    let n = self.raw_node(other);
                    split.push(n);
                }
            }
        }
        ls.extra = p.extra;
        ls.before = split.before;
        ls.after = split.after;
        ls
    }

    fn lane(&mut self, e: PElem) -> Result<Lane, XmlNode> {
        let prefix = e.prefix.clone();
        let mut p = Parts::new(e);
        let Some(id) = self.require_id(&mut p) else {
            return Err(XmlNode::Element(p.into_elem(MODEL_NS, prefix).into_raw()));
        };
        let mut lane = Lane {
            id,
            name: p.take("name"),
            ..Lane::default()
        };
        let mut split = Split::default();
        for c in std::mem::take(&mut p.children) {
            match c {
                PNode::Elem(e) if e.ns.as_deref() == Some(MODEL_NS) && e.local == "flowNodeRef" => {
                    match Self::simple_text(&e) {
                        Some(t) => {
                            let which = described(&p.qname, Some(&lane.id));
                            self.check_ref(Some(&t), "flowNodeRef", &which, e.offset);
                            lane.flow_node_refs.push(t);
                            split.seen_typed = true;
                        }
                        None => split.push(self.raw_child(e)),
                    }
                }
                PNode::Elem(e)
                    if e.ns.as_deref() == Some(MODEL_NS)
                        && e.local == "childLaneSet"
                        && lane.child_lane_set.is_none() =>
                {
                    lane.child_lane_set = Some(Box::new(self.lane_set(e)));
                    split.seen_typed = true;
                }
                other => {
                    let n = self.raw_node(other);
                    split.push(n);
                }
            }
        }
        lane.extra = p.extra;
        lane.before = split.before;
        lane.after = split.after;
        Ok(lane)
    }

    fn data_store(&mut self, e: PElem) -> DefinitionsContent {
        let prefix = e.prefix.clone();
        let mut p = Parts::new(e);
        let Some(id) = self.require_id(&mut p) else {
            return DefinitionsContent::Raw(XmlNode::Element(
                p.into_elem(MODEL_NS, prefix).into_raw(),
            ));
        };
        let name = p.take("name");
        let raw = std::mem::take(&mut p.children)
            .into_iter()
            .map(|c| self.raw_node(c))
            .collect();
        DefinitionsContent::DataStore(DataStore {
            id,
            name,
            extra: p.extra,
            raw,
        })
    }

    fn collaboration(&mut self, e: PElem) -> R<DefinitionsContent> {
        let prefix = e.prefix.clone();
        let mut p = Parts::new(e);
        let Some(id) = self.require_id(&mut p) else {
            let e = p.into_elem(MODEL_NS, prefix);
            return Ok(DefinitionsContent::Raw(XmlNode::Element(e.into_raw())));
        };
        let name = p.take("name");
        let mut content = Vec::new();
        for c in std::mem::take(&mut p.children) {
            let item = match c {
                PNode::Elem(e) if e.ns.as_deref() == Some(MODEL_NS) => match e.local.as_str() {
                    "participant" => match self.participant(e) {
                        Ok(x) => CollaborationContent::Participant(x),
                        Err(n) => CollaborationContent::Raw(n),
                    },
                    "messageFlow" => match self.message_flow(e) {
                        Ok(x) => CollaborationContent::MessageFlow(x),
                        Err(n) => CollaborationContent::Raw(n),
                    },
                    "textAnnotation" => match self.text_annotation(e) {
                        Ok(x) => CollaborationContent::TextAnnotation(x),
                        Err(n) => CollaborationContent::Raw(n),
                    },
                    "association" => match self.association(e) {
                        Ok(x) => CollaborationContent::Association(x),
                        Err(n) => CollaborationContent::Raw(n),
                    },
                    "group" => match self.group(e) {
                        Ok(x) => CollaborationContent::Group(x),
                        Err(n) => CollaborationContent::Raw(n),
                    },
                    _ => CollaborationContent::Raw(self.raw_child(e)),
                },
                other => CollaborationContent::Raw(self.raw_node(other)),
            };
            content.push(item);
        }
        Ok(DefinitionsContent::Collaboration(Collaboration {
            id,
            name,
            extra: p.extra,
            content,
        }))
    }

    fn participant(&mut self, e: PElem) -> Result<Participant, XmlNode> {
        let prefix = e.prefix.clone();
        let mut p = Parts::new(e);
        let Some(id) = self.require_id(&mut p) else {
            return Err(XmlNode::Element(p.into_elem(MODEL_NS, prefix).into_raw()));
        };
        let name = p.take("name");
        let process_ref = p.take("processRef");
        let which = described(&p.qname, Some(&id));
        self.check_ref(process_ref.as_deref(), "processRef", &which, p.offset);
        let raw = std::mem::take(&mut p.children)
            .into_iter()
            .map(|c| self.raw_node(c))
            .collect();
        Ok(Participant {
            id,
            name,
            process_ref,
            extra: p.extra,
            raw,
        })
    }

    fn message_flow(&mut self, e: PElem) -> Result<MessageFlow, XmlNode> {
        let prefix = e.prefix.clone();
        let mut p = Parts::new(e);
        let Some(id) = self.require_id(&mut p) else {
            return Err(XmlNode::Element(p.into_elem(MODEL_NS, prefix).into_raw()));
        };
        let name = p.take("name");
        // Like a sequence flow's, missing or unknown ends are kept and warned about.
        let source_ref = p.take("sourceRef");
        let target_ref = p.take("targetRef");
        let which = described(&p.qname, Some(&id));
        self.require_ref(source_ref.as_deref(), "sourceRef", &which, p.offset);
        self.require_ref(target_ref.as_deref(), "targetRef", &which, p.offset);
        let raw = std::mem::take(&mut p.children)
            .into_iter()
            .map(|c| self.raw_node(c))
            .collect();
        Ok(MessageFlow {
            id,
            name,
            source_ref,
            target_ref,
            extra: p.extra,
            raw,
        })
    }

    // ----------------------------------------------------------------------------- DI

    fn diagram(&mut self, e: PElem) -> DefinitionsContent {
        let mut p = Parts::new(e);
        let mut d = Diagram {
            id: p.take("id"),
            name: p.take("name"),
            ..Diagram::default()
        };
        let mut split = Split::default();
        for c in std::mem::take(&mut p.children) {
            match c {
                PNode::Elem(e)
                    if e.ns.as_deref() == Some(BPMNDI_NS)
                        && e.local == "BPMNPlane"
                        && d.plane.is_none() =>
                {
                    d.plane = Some(self.plane(e));
                    split.seen_typed = true;
                }
                other => {
                    let n = self.raw_node(other);
                    split.push(n);
                }
            }
        }
        d.extra = p.extra;
        d.before = split.before;
        d.after = split.after;
        DefinitionsContent::Diagram(d)
    }

    fn plane(&mut self, e: PElem) -> Plane {
        let mut p = Parts::new(e);
        let mut plane = Plane {
            id: p.take("id"),
            bpmn_element: p.take("bpmnElement"),
            ..Plane::default()
        };
        self.check_ref(
            plane.bpmn_element.as_deref(),
            "bpmnElement",
            &described(&p.qname, plane.id.as_deref()),
            p.offset,
        );
        for c in std::mem::take(&mut p.children) {
            let item = match c {
                PNode::Elem(e) if e.ns.as_deref() == Some(BPMNDI_NS) && e.local == "BPMNShape" => {
                    PlaneContent::Shape(self.shape(e))
                }
                PNode::Elem(e) if e.ns.as_deref() == Some(BPMNDI_NS) && e.local == "BPMNEdge" => {
                    PlaneContent::Edge(self.edge(e))
                }
                other => PlaneContent::Raw(self.raw_node(other)),
            };
            plane.content.push(item);
        }
        plane.extra = p.extra;
        plane
    }

    /// The `bpmnElement` of a DI shape or edge whose id (already taken) is `id`.
    fn di_element_ref(&mut self, p: &mut Parts, id: Option<&str>) -> Option<String> {
        let r = p.take("bpmnElement");
        match &r {
            Some(v) => {
                let v = v.clone();
                self.check_ref(Some(&v), "bpmnElement", &described(&p.qname, id), p.offset);
            }
            None => {
                let which = match id {
                    Some(id) => format!("<{} id=\"{id}\">", p.qname),
                    None => format!("<{}> (without id)", p.qname),
                };
                self.warn(
                    WarningKind::MissingBpmnElement,
                    p.offset,
                    format!("{which} has no bpmnElement: it shows no BPMN element"),
                );
            }
        }
        r
    }

    fn bounds(&mut self, e: &PElem) -> Option<Bounds> {
        let ok = e.ns_decls.is_empty()
            && e.children.is_empty()
            && e.attrs.len() == 4
            && e.attrs.iter().all(|a| a.ns.is_none());
        let get = |k: &str| {
            e.attrs
                .iter()
                .find(|a| a.local == k)
                .and_then(|a| parse_num(&a.value))
        };
        let b = match (ok, get("x"), get("y"), get("width"), get("height")) {
            (true, Some(x), Some(y), Some(width), Some(height)) => Some(Bounds {
                x,
                y,
                width,
                height,
            }),
            _ => None,
        };
        if b.is_none() {
            self.warn(
                WarningKind::InvalidValue,
                e.offset,
                format!(
                    "<{}> needs exactly the numbers x, y, width and height; kept as is, untyped",
                    e.qname()
                ),
            );
        }
        b
    }

    fn point(&mut self, e: PElem) -> Result<Point, XmlNode> {
        let good = e.children.is_empty();
        let prefix = e.prefix.clone();
        let mut p = Parts::new(e);
        let x = p.peek("x").and_then(parse_num);
        let y = p.peek("y").and_then(parse_num);
        match (good, x, y) {
            (true, Some(x), Some(y)) => {
                p.take("x");
                p.take("y");
                Ok(Point {
                    x,
                    y,
                    extra: p.extra,
                })
            }
            _ => {
                self.warn(
                    WarningKind::InvalidValue,
                    p.offset,
                    format!(
                        "<{}> needs the numbers x and y; kept as is, untyped",
                        p.qname
                    ),
                );
                Err(XmlNode::Element(p.into_elem(DI_NS, prefix).into_raw()))
            }
        }
    }

    fn label(&mut self, e: PElem) -> Label {
        let mut p = Parts::new(e);
        let mut l = Label {
            id: p.take("id"),
            label_style: p.take("labelStyle"),
            ..Label::default()
        };
        let which = described(&p.qname, l.id.as_deref());
        self.check_ref(l.label_style.as_deref(), "labelStyle", &which, p.offset);
        let mut split = Split::default();
        for c in std::mem::take(&mut p.children) {
            match c {
                PNode::Elem(e)
                    if e.ns.as_deref() == Some(DC_NS)
                        && e.local == "Bounds"
                        && l.bounds.is_none() =>
                {
                    match self.bounds(&e) {
                        Some(b) => {
                            l.bounds = Some(b);
                            split.seen_typed = true;
                        }
                        None => split.push(XmlNode::Element(e.into_raw())),
                    }
                }
                other => {
                    let n = self.raw_node(other);
                    split.push(n);
                }
            }
        }
        l.extra = p.extra;
        l.before = split.before;
        l.after = split.after;
        l
    }

    fn shape(&mut self, e: PElem) -> Shape {
        let mut p = Parts::new(e);
        let mut s = Shape {
            id: p.take("id"),
            ..Shape::default()
        };
        s.bpmn_element = self.di_element_ref(&mut p, s.id.as_deref());
        s.is_horizontal = self.bool_attr(&mut p, "isHorizontal");
        s.is_expanded = self.bool_attr(&mut p, "isExpanded");
        s.is_marker_visible = self.bool_attr(&mut p, "isMarkerVisible");
        let mut split = Split::default();
        for c in std::mem::take(&mut p.children) {
            match c {
                PNode::Elem(e)
                    if e.ns.as_deref() == Some(DC_NS)
                        && e.local == "Bounds"
                        && s.bounds.is_none() =>
                {
                    match self.bounds(&e) {
                        Some(b) => {
                            s.bounds = Some(b);
                            split.seen_typed = true;
                        }
                        None => split.push(XmlNode::Element(e.into_raw())),
                    }
                }
                PNode::Elem(e)
                    if e.ns.as_deref() == Some(BPMNDI_NS)
                        && e.local == "BPMNLabel"
                        && s.label.is_none() =>
                {
                    s.label = Some(self.label(e));
                    split.seen_typed = true;
                }
                other => {
                    let n = self.raw_node(other);
                    split.push(n);
                }
            }
        }
        s.extra = p.extra;
        s.before = split.before;
        s.after = split.after;
        s
    }

    fn edge(&mut self, e: PElem) -> Edge {
        let mut p = Parts::new(e);
        let mut edge = Edge {
            id: p.take("id"),
            ..Edge::default()
        };
        edge.bpmn_element = self.di_element_ref(&mut p, edge.id.as_deref());
        edge.source_element = p.take("sourceElement");
        edge.target_element = p.take("targetElement");
        self.check_ref(
            edge.source_element.as_deref(),
            "sourceElement",
            &described(&p.qname, edge.id.as_deref()),
            p.offset,
        );
        self.check_ref(
            edge.target_element.as_deref(),
            "targetElement",
            &described(&p.qname, edge.id.as_deref()),
            p.offset,
        );
        let mut split = Split::default();
        for c in std::mem::take(&mut p.children) {
            match c {
                PNode::Elem(e)
                    if e.ns.as_deref() == Some(DI_NS)
                        && e.local == "waypoint"
                        && edge.label.is_none() =>
                {
                    match self.point(e) {
                        Ok(pt) => {
                            edge.waypoints.push(pt);
                            split.seen_typed = true;
                        }
                        Err(n) => split.push(n),
                    }
                }
                PNode::Elem(e)
                    if e.ns.as_deref() == Some(BPMNDI_NS)
                        && e.local == "BPMNLabel"
                        && edge.label.is_none() =>
                {
                    edge.label = Some(self.label(e));
                    split.seen_typed = true;
                }
                other => {
                    let n = self.raw_node(other);
                    split.push(n);
                }
            }
        }
        edge.extra = p.extra;
        edge.before = split.before;
        edge.after = split.after;
        edge
    }
}
