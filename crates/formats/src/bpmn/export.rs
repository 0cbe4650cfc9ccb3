//! [`BpmnModel`] to BPMN 2.0 XML with diagram interchange.
//!
//! The writer keeps the namespace declarations of the model where they were and tracks the
//! namespaces in scope: every element and attribute is written with a prefix that is bound
//! to its namespace there, declaring one only when none is (a model built in code, or raw
//! content moved elsewhere). It never rebinds a prefix that is in scope, so QName values
//! such as `xsi:type="bpmn:tFormalExpression"` keep their meaning.

use std::fmt::Write as _;

use super::model::*;

/// Writes the model as BPMN 2.0 XML (UTF-8, two-space indentation).
pub fn export(model: &BpmnModel) -> String {
    let mut w = Writer {
        out: String::with_capacity(4096),
        scopes: Vec::new(),
        open: Vec::new(),
        model_prefix: model.prefix.clone(),
        bpmndi_prefix: preferred(model, BPMNDI_NS, "bpmndi"),
        dc_prefix: preferred(model, DC_NS, "dc"),
        di_prefix: preferred(model, DI_NS, "di"),
    };
    w.out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    for n in &model.prolog {
        w.out.push('\n');
        w.node(n);
    }
    w.out.push('\n');
    w.definitions(model);
    for n in &model.epilog {
        w.out.push('\n');
        w.node(n);
    }
    w.out.push('\n');
    w.out
}

fn preferred(model: &BpmnModel, uri: &str, fallback: &str) -> String {
    model
        .namespaces
        .iter()
        .find(|d| d.uri == uri && !d.prefix.is_empty())
        .map(|d| d.prefix.clone())
        .unwrap_or_else(|| fallback.to_string())
}

fn bool_str(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

fn num(f: f64) -> String {
    // Display gives the shortest text that reads back as the same f64 ("412", "0.5").
    format!("{f}")
}

struct Open {
    qname: String,
    has_children: bool,
    inline: bool,
}

struct Writer {
    out: String,
    scopes: Vec<Vec<NsDecl>>,
    open: Vec<Open>,
    model_prefix: String,
    bpmndi_prefix: String,
    dc_prefix: String,
    di_prefix: String,
}

/// Which namespace a typed element is in.
#[derive(Clone, Copy)]
enum Ns {
    Model,
    BpmnDi,
    Dc,
    Di,
}

impl Writer {
    // ------------------------------------------------------------------ namespace scope

    fn lookup<'a>(&'a self, local: &'a [NsDecl], prefix: &str) -> Option<&'a str> {
        if prefix == "xml" {
            return Some(XML_NS);
        }
        local
            .iter()
            .rev()
            .chain(self.scopes.iter().rev().flat_map(|s| s.iter().rev()))
            .find(|d| d.prefix == prefix)
            .map(|d| d.uri.as_str())
            .filter(|u| !u.is_empty())
    }

    /// A prefix in scope (in `local` or the open elements) bound to `uri`; `allow_default`
    /// admits the default namespace (for element names).
    fn find_prefix(&self, local: &[NsDecl], uri: &str, allow_default: bool) -> Option<String> {
        local
            .iter()
            .rev()
            .chain(self.scopes.iter().rev().flat_map(|s| s.iter().rev()))
            .filter(|d| d.uri == uri && (allow_default || !d.prefix.is_empty()))
            .find(|d| self.lookup(local, &d.prefix) == Some(uri))
            .map(|d| d.prefix.clone())
    }

    fn fresh_prefix(&self, local: &[NsDecl], wanted: Option<&str>) -> String {
        if let Some(w) = wanted
            && !w.is_empty()
            && w != "xml"
            && !w.starts_with("xmlns")
            && self.lookup(local, w).is_none()
        {
            return w.to_string();
        }
        (0..)
            .map(|i| format!("ns{i}"))
            .find(|p| self.lookup(local, p).is_none())
            .unwrap_or_else(|| "ns".to_string())
    }

    /// The prefix to write an element in `ns` with (`""` for none), adding a declaration to
    /// `local` when no prefix in scope is bound to it.
    fn element_prefix(
        &self,
        local: &mut Vec<NsDecl>,
        ns: Option<&str>,
        wanted: Option<&str>,
    ) -> String {
        let Some(uri) = ns else {
            if self.lookup(local, "").is_some() {
                local.push(NsDecl {
                    prefix: String::new(),
                    uri: String::new(),
                });
            }
            return String::new();
        };
        if let Some(w) = wanted
            && self.lookup(local, w) == Some(uri)
        {
            return w.to_string();
        }
        if self.lookup(local, "") == Some(uri) {
            return String::new();
        }
        if let Some(p) = self.find_prefix(local, uri, true) {
            return p;
        }
        let p = if wanted == Some("") && self.lookup(local, "").is_none() {
            String::new()
        } else {
            self.fresh_prefix(local, wanted)
        };
        local.push(NsDecl {
            prefix: p.clone(),
            uri: uri.to_string(),
        });
        p
    }

    /// The prefix to write an attribute in `ns` with (never the default namespace).
    fn attr_prefix(&self, local: &mut Vec<NsDecl>, uri: &str, wanted: Option<&str>) -> String {
        if uri == XML_NS {
            return "xml".to_string();
        }
        if let Some(w) = wanted
            && !w.is_empty()
            && self.lookup(local, w) == Some(uri)
        {
            return w.to_string();
        }
        if let Some(p) = self.find_prefix(local, uri, false) {
            return p;
        }
        let p = self.fresh_prefix(local, wanted);
        local.push(NsDecl {
            prefix: p.clone(),
            uri: uri.to_string(),
        });
        p
    }

    // ------------------------------------------------------------------ output

    fn newline(&mut self, depth: usize) {
        self.out.push('\n');
        for _ in 0..depth {
            self.out.push_str("  ");
        }
    }

    /// Closes the parent's start tag and moves to the child's line.
    fn before_child(&mut self) {
        let depth = self.open.len();
        let Some(top) = self.open.last_mut() else {
            return;
        };
        if !top.has_children {
            self.out.push('>');
            top.has_children = true;
        }
        if !top.inline {
            self.newline(depth);
        }
    }

    fn before_text(&mut self) {
        if let Some(top) = self.open.last_mut()
            && !top.has_children
        {
            self.out.push('>');
            top.has_children = true;
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn start(
        &mut self,
        ns: Option<&str>,
        wanted: Option<&str>,
        local: &str,
        decls: &[NsDecl],
        extra_decls: &[(&str, &str)],
        typed: &[(&str, Option<&str>)],
        attrs: &[XmlAttr],
        inline: bool,
    ) {
        self.before_child();
        let mut scope: Vec<NsDecl> = decls.to_vec();
        let prefix = self.element_prefix(&mut scope, ns, wanted);
        for (p, u) in extra_decls {
            if self.find_prefix(&scope, u, false).is_none() {
                let p = self.fresh_prefix(&scope, Some(p));
                scope.push(NsDecl {
                    prefix: p,
                    uri: (*u).to_string(),
                });
            }
        }
        let mut written: Vec<(String, &str)> = Vec::with_capacity(attrs.len());
        for a in attrs {
            let name = match &a.ns {
                Some(uri) => {
                    let p = self.attr_prefix(&mut scope, uri, a.prefix.as_deref());
                    format!("{p}:{}", a.local)
                }
                None => a.local.clone(),
            };
            written.push((name, &a.value));
        }
        let qname = if prefix.is_empty() {
            local.to_string()
        } else {
            format!("{prefix}:{local}")
        };
        self.out.push('<');
        self.out.push_str(&qname);
        for d in &scope {
            if d.prefix.is_empty() {
                self.out.push_str(" xmlns=\"");
            } else {
                let _ = write!(self.out, " xmlns:{}=\"", d.prefix);
            }
            escape_attr(&mut self.out, &d.uri);
            self.out.push('"');
        }
        for (k, v) in typed {
            if let Some(v) = v {
                let _ = write!(self.out, " {k}=\"");
                escape_attr(&mut self.out, v);
                self.out.push('"');
            }
        }
        for (k, v) in written {
            let _ = write!(self.out, " {k}=\"");
            escape_attr(&mut self.out, v);
            self.out.push('"');
        }
        let parent_inline = self.open.last().is_some_and(|o| o.inline);
        self.scopes.push(scope);
        self.open.push(Open {
            qname,
            has_children: false,
            inline: inline || parent_inline,
        });
    }

    fn end(&mut self) {
        let Some(open) = self.open.pop() else {
            return;
        };
        self.scopes.pop();
        if !open.has_children {
            self.out.push_str("/>");
            return;
        }
        if !open.inline {
            self.newline(self.open.len());
        }
        self.out.push_str("</");
        self.out.push_str(&open.qname);
        self.out.push('>');
    }

    fn typed(
        &mut self,
        ns: Ns,
        local: &str,
        typed: &[(&str, Option<&str>)],
        extra: &Extra,
        inline: bool,
    ) {
        let (uri, wanted) = match ns {
            Ns::Model => (MODEL_NS, self.model_prefix.clone()),
            Ns::BpmnDi => (BPMNDI_NS, self.bpmndi_prefix.clone()),
            Ns::Dc => (DC_NS, self.dc_prefix.clone()),
            Ns::Di => (DI_NS, self.di_prefix.clone()),
        };
        self.start(
            Some(uri),
            Some(&wanted),
            local,
            &extra.ns_decls,
            &[],
            typed,
            &extra.attrs,
            inline,
        );
    }

    fn text(&mut self, s: &str) {
        self.before_text();
        escape_text(&mut self.out, s);
    }

    fn nodes(&mut self, nodes: &[XmlNode]) {
        for n in nodes {
            self.node(n);
        }
    }

    fn node(&mut self, n: &XmlNode) {
        match n {
            XmlNode::Element(e) => {
                let inline = e
                    .children
                    .iter()
                    .any(|c| matches!(c, XmlNode::Text(_) | XmlNode::CData(_)));
                self.start(
                    e.ns.as_deref(),
                    Some(e.prefix.as_deref().unwrap_or("")),
                    &e.local,
                    &e.ns_decls,
                    &[],
                    &[],
                    &e.attrs,
                    inline,
                );
                self.nodes(&e.children);
                self.end();
            }
            XmlNode::Text(t) => self.text(t),
            XmlNode::CData(t) => {
                self.before_text();
                self.out.push_str("<![CDATA[");
                self.out.push_str(&t.replace("]]>", "]]]]><![CDATA[>"));
                self.out.push_str("]]>");
            }
            XmlNode::Comment(t) => {
                self.before_child();
                self.out.push_str("<!--");
                self.out.push_str(t);
                self.out.push_str("-->");
            }
            XmlNode::ProcessingInstruction(t) => {
                self.before_child();
                self.out.push_str("<?");
                self.out.push_str(t);
                self.out.push_str("?>");
            }
        }
    }

    /// A simple text element such as `flowNodeRef` or `sourceRef`.
    fn text_elem(&mut self, local: &str, text: &str) {
        self.typed(Ns::Model, local, &[], &Extra::default(), true);
        self.text(text);
        self.end();
    }

    fn mixed(&mut self, local: &str, m: &MixedContent) {
        self.typed(Ns::Model, local, &[], &m.extra, true);
        self.nodes(&m.content);
        self.end();
    }

    // ------------------------------------------------------------------ BPMN

    fn definitions(&mut self, m: &BpmnModel) {
        self.start(
            Some(MODEL_NS),
            Some(&m.prefix.clone()),
            "definitions",
            &m.namespaces,
            &[],
            &[
                ("id", m.id.as_deref()),
                ("name", m.name.as_deref()),
                ("targetNamespace", m.target_namespace.as_deref()),
                ("exporter", m.exporter.as_deref()),
                ("exporterVersion", m.exporter_version.as_deref()),
            ],
            &m.attrs,
            false,
        );
        for c in &m.content {
            match c {
                DefinitionsContent::Process(p) => self.process(p),
                DefinitionsContent::Collaboration(c) => self.collaboration(c),
                DefinitionsContent::DataStore(d) => {
                    self.typed(
                        Ns::Model,
                        "dataStore",
                        &[("id", Some(&d.id)), ("name", d.name.as_deref())],
                        &d.extra,
                        false,
                    );
                    self.nodes(&d.raw);
                    self.end();
                }
                DefinitionsContent::Diagram(d) => self.diagram(d),
                DefinitionsContent::Raw(n) => self.node(n),
            }
        }
        self.end();
    }

    fn process(&mut self, p: &Process) {
        self.typed(
            Ns::Model,
            "process",
            &[
                ("id", Some(&p.id)),
                ("name", p.name.as_deref()),
                ("isExecutable", p.is_executable.map(bool_str)),
            ],
            &p.extra,
            false,
        );
        self.flow(&p.content);
        self.end();
    }

    fn flow(&mut self, content: &[FlowContent]) {
        for c in content {
            match c {
                FlowContent::LaneSet(l) => self.lane_set("laneSet", l),
                FlowContent::FlowNode(n) => self.flow_node(n),
                FlowContent::SequenceFlow(f) => {
                    self.typed(
                        Ns::Model,
                        "sequenceFlow",
                        &[
                            ("id", Some(&f.id)),
                            ("name", f.name.as_deref()),
                            ("sourceRef", f.source_ref.as_deref()),
                            ("targetRef", f.target_ref.as_deref()),
                        ],
                        &f.extra,
                        false,
                    );
                    self.nodes(&f.before);
                    if let Some(c) = &f.condition {
                        self.mixed("conditionExpression", c);
                    }
                    self.nodes(&f.after);
                    self.end();
                }
                FlowContent::DataObject(d) => {
                    self.typed(
                        Ns::Model,
                        "dataObject",
                        &[("id", Some(&d.id)), ("name", d.name.as_deref())],
                        &d.extra,
                        false,
                    );
                    self.nodes(&d.raw);
                    self.end();
                }
                FlowContent::DataObjectReference(d) => {
                    self.typed(
                        Ns::Model,
                        "dataObjectReference",
                        &[
                            ("id", Some(&d.id)),
                            ("name", d.name.as_deref()),
                            ("dataObjectRef", d.data_object_ref.as_deref()),
                        ],
                        &d.extra,
                        false,
                    );
                    self.nodes(&d.raw);
                    self.end();
                }
                FlowContent::DataStoreReference(d) => {
                    self.typed(
                        Ns::Model,
                        "dataStoreReference",
                        &[
                            ("id", Some(&d.id)),
                            ("name", d.name.as_deref()),
                            ("dataStoreRef", d.data_store_ref.as_deref()),
                        ],
                        &d.extra,
                        false,
                    );
                    self.nodes(&d.raw);
                    self.end();
                }
                FlowContent::TextAnnotation(t) => self.text_annotation(t),
                FlowContent::Association(a) => self.association(a),
                FlowContent::Group(g) => self.group(g),
                FlowContent::Raw(n) => self.node(n),
            }
        }
    }

    fn flow_node(&mut self, n: &FlowNode) {
        self.typed(
            Ns::Model,
            n.kind.local_name(),
            &[
                ("id", Some(&n.id)),
                ("name", n.name.as_deref()),
                ("default", n.default_flow.as_deref()),
                ("attachedToRef", n.attached_to_ref.as_deref()),
                ("cancelActivity", n.cancel_activity.map(bool_str)),
                ("calledElement", n.called_element.as_deref()),
                ("triggeredByEvent", n.triggered_by_event.map(bool_str)),
            ],
            &n.extra,
            false,
        );
        for c in &n.content {
            match c {
                NodeContent::EventDefinition(d) => {
                    self.typed(
                        Ns::Model,
                        d.kind.local_name(),
                        &[("id", d.id.as_deref())],
                        &d.extra,
                        false,
                    );
                    self.nodes(&d.content);
                    self.end();
                }
                NodeContent::DataInputAssociation(a) => {
                    self.data_association("dataInputAssociation", a)
                }
                NodeContent::DataOutputAssociation(a) => {
                    self.data_association("dataOutputAssociation", a)
                }
                NodeContent::Raw(r) => self.node(r),
            }
        }
        self.flow(&n.children);
        self.end();
    }

    fn data_association(&mut self, local: &str, a: &DataAssociation) {
        self.typed(
            Ns::Model,
            local,
            &[("id", a.id.as_deref())],
            &a.extra,
            false,
        );
        self.nodes(&a.before);
        for s in &a.source_refs {
            self.text_elem("sourceRef", s);
        }
        if let Some(t) = &a.target_ref {
            self.text_elem("targetRef", t);
        }
        self.nodes(&a.after);
        self.end();
    }

    fn text_annotation(&mut self, t: &TextAnnotation) {
        self.typed(
            Ns::Model,
            "textAnnotation",
            &[("id", Some(&t.id))],
            &t.extra,
            false,
        );
        self.nodes(&t.before);
        if let Some(text) = &t.text {
            self.mixed("text", text);
        }
        self.nodes(&t.after);
        self.end();
    }

    fn association(&mut self, a: &Association) {
        self.typed(
            Ns::Model,
            "association",
            &[
                ("id", Some(&a.id)),
                ("sourceRef", a.source_ref.as_deref()),
                ("targetRef", a.target_ref.as_deref()),
            ],
            &a.extra,
            false,
        );
        self.nodes(&a.raw);
        self.end();
    }

    fn group(&mut self, g: &Group) {
        self.typed(
            Ns::Model,
            "group",
            &[
                ("id", Some(&g.id)),
                ("categoryValueRef", g.category_value_ref.as_deref()),
            ],
            &g.extra,
            false,
        );
        self.nodes(&g.raw);
        self.end();
    }

    fn lane_set(&mut self, local: &str, l: &LaneSet) {
        self.typed(
            Ns::Model,
            local,
            &[("id", l.id.as_deref()), ("name", l.name.as_deref())],
            &l.extra,
            false,
        );
        self.nodes(&l.before);
        for lane in &l.lanes {
            self.typed(
                Ns::Model,
                "lane",
                &[("id", Some(&lane.id)), ("name", lane.name.as_deref())],
                &lane.extra,
                false,
            );
            self.nodes(&lane.before);
            for r in &lane.flow_node_refs {
                self.text_elem("flowNodeRef", r);
            }
            if let Some(child) = &lane.child_lane_set {
                self.lane_set("childLaneSet", child);
            }
            self.nodes(&lane.after);
            self.end();
        }
        self.nodes(&l.after);
        self.end();
    }

    fn collaboration(&mut self, c: &Collaboration) {
        self.typed(
            Ns::Model,
            "collaboration",
            &[("id", Some(&c.id)), ("name", c.name.as_deref())],
            &c.extra,
            false,
        );
        for item in &c.content {
            match item {
                CollaborationContent::Participant(p) => {
                    self.typed(
                        Ns::Model,
                        "participant",
                        &[
                            ("id", Some(&p.id)),
                            ("name", p.name.as_deref()),
                            ("processRef", p.process_ref.as_deref()),
                        ],
                        &p.extra,
                        false,
                    );
                    self.nodes(&p.raw);
                    self.end();
                }
                CollaborationContent::MessageFlow(m) => {
                    self.typed(
                        Ns::Model,
                        "messageFlow",
                        &[
                            ("id", Some(&m.id)),
                            ("name", m.name.as_deref()),
                            ("sourceRef", m.source_ref.as_deref()),
                            ("targetRef", m.target_ref.as_deref()),
                        ],
                        &m.extra,
                        false,
                    );
                    self.nodes(&m.raw);
                    self.end();
                }
                CollaborationContent::TextAnnotation(t) => self.text_annotation(t),
                CollaborationContent::Association(a) => self.association(a),
                CollaborationContent::Group(g) => self.group(g),
                CollaborationContent::Raw(n) => self.node(n),
            }
        }
        self.end();
    }

    // ------------------------------------------------------------------ DI

    fn diagram(&mut self, d: &Diagram) {
        // Declare DC and DI once on the diagram when the file did not declare them in scope.
        let mut needs: Vec<(&str, &str)> = Vec::new();
        if let Some(p) = &d.plane {
            let has_bounds = p.content.iter().any(|c| match c {
                PlaneContent::Shape(s) => {
                    s.bounds.is_some() || s.label.as_ref().is_some_and(|l| l.bounds.is_some())
                }
                PlaneContent::Edge(e) => e.label.as_ref().is_some_and(|l| l.bounds.is_some()),
                PlaneContent::Raw(_) => false,
            });
            let has_waypoints = p.content.iter().any(|c| match c {
                PlaneContent::Edge(e) => !e.waypoints.is_empty(),
                _ => false,
            });
            if has_bounds {
                needs.push((self.dc_prefix.as_str(), DC_NS));
            }
            if has_waypoints {
                needs.push((self.di_prefix.as_str(), DI_NS));
            }
        }
        let needs: Vec<(String, &str)> =
            needs.into_iter().map(|(p, u)| (p.to_string(), u)).collect();
        let needs_ref: Vec<(&str, &str)> = needs.iter().map(|(p, u)| (p.as_str(), *u)).collect();
        let wanted = self.bpmndi_prefix.clone();
        self.start(
            Some(BPMNDI_NS),
            Some(&wanted),
            "BPMNDiagram",
            &d.extra.ns_decls,
            &needs_ref,
            &[("id", d.id.as_deref()), ("name", d.name.as_deref())],
            &d.extra.attrs,
            false,
        );
        self.nodes(&d.before);
        if let Some(p) = &d.plane {
            self.typed(
                Ns::BpmnDi,
                "BPMNPlane",
                &[
                    ("id", p.id.as_deref()),
                    ("bpmnElement", p.bpmn_element.as_deref()),
                ],
                &p.extra,
                false,
            );
            for c in &p.content {
                match c {
                    PlaneContent::Shape(s) => self.shape(s),
                    PlaneContent::Edge(e) => self.edge(e),
                    PlaneContent::Raw(n) => self.node(n),
                }
            }
            self.end();
        }
        self.nodes(&d.after);
        self.end();
    }

    fn bounds(&mut self, b: &Bounds) {
        let (x, y, w, h) = (num(b.x), num(b.y), num(b.width), num(b.height));
        self.typed(
            Ns::Dc,
            "Bounds",
            &[
                ("x", Some(&x)),
                ("y", Some(&y)),
                ("width", Some(&w)),
                ("height", Some(&h)),
            ],
            &Extra::default(),
            false,
        );
        self.end();
    }

    fn label(&mut self, l: &Label) {
        self.typed(
            Ns::BpmnDi,
            "BPMNLabel",
            &[
                ("id", l.id.as_deref()),
                ("labelStyle", l.label_style.as_deref()),
            ],
            &l.extra,
            false,
        );
        self.nodes(&l.before);
        if let Some(b) = &l.bounds {
            self.bounds(b);
        }
        self.nodes(&l.after);
        self.end();
    }

    fn shape(&mut self, s: &Shape) {
        self.typed(
            Ns::BpmnDi,
            "BPMNShape",
            &[
                ("id", s.id.as_deref()),
                ("bpmnElement", s.bpmn_element.as_deref()),
                ("isHorizontal", s.is_horizontal.map(bool_str)),
                ("isExpanded", s.is_expanded.map(bool_str)),
                ("isMarkerVisible", s.is_marker_visible.map(bool_str)),
            ],
            &s.extra,
            false,
        );
        self.nodes(&s.before);
        if let Some(b) = &s.bounds {
            self.bounds(b);
        }
        if let Some(l) = &s.label {
            self.label(l);
        }
        self.nodes(&s.after);
        self.end();
    }

    fn edge(&mut self, e: &Edge) {
        self.typed(
            Ns::BpmnDi,
            "BPMNEdge",
            &[
                ("id", e.id.as_deref()),
                ("bpmnElement", e.bpmn_element.as_deref()),
                ("sourceElement", e.source_element.as_deref()),
                ("targetElement", e.target_element.as_deref()),
            ],
            &e.extra,
            false,
        );
        self.nodes(&e.before);
        for p in &e.waypoints {
            let (x, y) = (num(p.x), num(p.y));
            self.typed(
                Ns::Di,
                "waypoint",
                &[("x", Some(&x)), ("y", Some(&y))],
                &p.extra,
                false,
            );
            self.end();
        }
        if let Some(l) = &e.label {
            self.label(l);
        }
        self.nodes(&e.after);
        self.end();
    }
}

fn escape_attr(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
}

fn escape_text(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
}
