//! Helpers shared by the integration tests: fixture paths (BPMN and CML), an independent XML
//! reading (quick-xml's namespace reader, not the crate's) to compare documents, normalized
//! model summaries, and xmllint.

#![allow(dead_code)]

pub mod generate;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use formats::bpmn::*;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

/// `shared/fixtures/bpmn`, beside the checkout.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/bpmn")
}

/// The Context Mapper examples in `shared/fixtures/cml`, sorted.
pub fn cml_fixtures() -> Vec<PathBuf> {
    let v = files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/cml"),
        ".cml",
    );
    assert_eq!(v.len(), 37, "the shared fixtures hold 37 CML files");
    v
}

/// The files directly in `dir` whose name ends with `suffix`, sorted.
pub fn files(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_file() && p.to_string_lossy().ends_with(suffix))
        .collect();
    v.sort();
    v
}

pub fn name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

// ------------------------------------------------------------------------------------------
// An independent view of an XML document.
// ------------------------------------------------------------------------------------------

/// An XML node as a namespace-aware reader sees it, normalized for comparison: names are
/// (namespace URI, local name), attributes are sorted and exclude namespace declarations,
/// DI coordinates are compared as numbers, whitespace between elements is dropped, and text
/// and CDATA are one text.
#[derive(Debug, PartialEq)]
pub enum Inf {
    Elem {
        name: (String, String),
        attrs: BTreeMap<(String, String), String>,
        children: Vec<Inf>,
    },
    Text(String),
    Comment(String),
    Pi(String),
}

fn ns_of(r: ResolveResult<'_>) -> String {
    match r {
        ResolveResult::Bound(ns) => ns.0.to_string(),
        ResolveResult::Unbound => String::new(),
        ResolveResult::Unknown(p) => panic!("unknown prefix {p}"),
    }
}

fn normalize_value(local: &str, v: &str) -> String {
    if matches!(local, "x" | "y" | "width" | "height")
        && let Ok(f) = v.trim().parse::<f64>()
    {
        return format!("{f}");
    }
    v.to_string()
}

/// Reads a document with quick-xml's `NsReader` into [`Inf`] nodes (the root's children
/// and the root itself, prolog and epilog comments included).
pub fn infoset(text: &str) -> Vec<Inf> {
    let mut r = NsReader::from_str(text);
    let mut stack: Vec<Inf> = vec![Inf::Elem {
        name: (String::new(), "#document".into()),
        attrs: BTreeMap::new(),
        children: vec![],
    }];
    fn push(stack: &mut [Inf], n: Inf) {
        if let Some(Inf::Elem { children, .. }) = stack.last_mut() {
            if let (Inf::Text(t), Some(Inf::Text(prev))) = (&n, children.last_mut()) {
                prev.push_str(t);
                return;
            }
            children.push(n);
        }
    }
    fn finish(mut e: Inf) -> Inf {
        if let Inf::Elem { children, .. } = &mut e {
            let meaningful = children
                .iter()
                .any(|c| matches!(c, Inf::Text(t) if !t.trim().is_empty()));
            if !meaningful {
                children.retain(|c| !matches!(c, Inf::Text(_)));
            }
        }
        e
    }
    loop {
        let (res, ev) = r.read_resolved_event().expect("well-formed XML");
        let ns = match &ev {
            Event::Start(_) | Event::Empty(_) => ns_of(res),
            _ => String::new(),
        };
        match ev {
            ev @ (Event::Start(_) | Event::Empty(_)) => {
                let (is_empty, e) = match ev {
                    Event::Empty(e) => (true, e),
                    Event::Start(e) => (false, e),
                    _ => unreachable!(),
                };
                let mut attrs = BTreeMap::new();
                for a in e.attributes() {
                    let a = a.expect("attribute");
                    let key = a.key.0;
                    if key == "xmlns" || key.starts_with("xmlns:") {
                        continue;
                    }
                    let (ans, local) = r.resolver().resolve_attribute(a.key);
                    let ans = match ans {
                        ResolveResult::Bound(n) => n.0.to_string(),
                        _ => String::new(),
                    };
                    let v = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .expect("value");
                    let local = local.as_ref().to_string();
                    let v = normalize_value(&local, &v);
                    attrs.insert((ans, local), v);
                }
                let node = Inf::Elem {
                    name: (ns, e.local_name().as_ref().to_string()),
                    attrs,
                    children: vec![],
                };
                stack.push(node);
                if is_empty {
                    let done = stack.pop().map(finish).expect("open element");
                    push(&mut stack, done);
                }
            }
            Event::End(_) => {
                let done = stack.pop().map(finish).expect("open element");
                push(&mut stack, done);
            }
            Event::Text(t) => push(&mut stack, Inf::Text(t.xml10_content().into_owned())),
            Event::CData(t) => push(&mut stack, Inf::Text(t.xml10_content().into_owned())),
            Event::GeneralRef(g) => {
                let c = match g.resolve_char_ref().expect("char ref") {
                    Some(c) => c.to_string(),
                    None => match g.clone().into_inner().as_ref() {
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "amp" => "&".into(),
                        "apos" => "'".into(),
                        "quot" => "\"".into(),
                        other => panic!("entity {other}"),
                    },
                };
                push(&mut stack, Inf::Text(c));
            }
            Event::Comment(c) => push(&mut stack, Inf::Comment(c.xml10_content().into_owned())),
            Event::PI(p) => push(&mut stack, Inf::Pi(p.into_inner().into_owned())),
            Event::Decl(_) | Event::DocType(_) => {}
            Event::Eof => break,
        }
    }
    match stack.pop().map(finish) {
        Some(Inf::Elem { children, .. }) => children,
        _ => vec![],
    }
}

/// The first place where two infosets differ, as a path.
pub fn first_difference(a: &[Inf], b: &[Inf], path: &str) -> Option<String> {
    for i in 0..a.len().max(b.len()) {
        match (a.get(i), b.get(i)) {
            (
                Some(Inf::Elem {
                    name: n1,
                    attrs: a1,
                    children: c1,
                }),
                Some(Inf::Elem {
                    name: n2,
                    attrs: a2,
                    children: c2,
                }),
            ) => {
                let here = format!("{path}/{}[{i}]", n1.1);
                if n1 != n2 {
                    return Some(format!("{here}: element {n1:?} became {n2:?}"));
                }
                if a1 != a2 {
                    return Some(format!("{here}: attributes {a1:?} became {a2:?}"));
                }
                if let Some(d) = first_difference(c1, c2, &here) {
                    return Some(d);
                }
            }
            (x, y) if x == y => {}
            (x, y) => return Some(format!("{path}[{i}]: {x:?} became {y:?}")),
        }
    }
    None
}

/// Elements per local name in the BPMN, BPMNDI, DC and DI namespaces.
pub fn infoset_counts(nodes: &[Inf]) -> BTreeMap<String, usize> {
    fn walk(nodes: &[Inf], out: &mut BTreeMap<String, usize>) {
        for n in nodes {
            if let Inf::Elem { name, children, .. } = n {
                if [MODEL_NS, BPMNDI_NS, DC_NS, DI_NS].contains(&name.0.as_str()) {
                    *out.entry(name.1.clone()).or_default() += 1;
                }
                walk(children, out);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(nodes, &mut out);
    out
}

// ------------------------------------------------------------------------------------------
// Normalized model summaries.
// ------------------------------------------------------------------------------------------

fn b(b: &Option<Bounds>) -> String {
    match b {
        Some(b) => format!("[{} {} {} {}]", b.x, b.y, b.width, b.height),
        None => "-".into(),
    }
}

fn label(l: &Option<Label>) -> String {
    match l {
        Some(l) => format!("label{}", b(&l.bounds)),
        None => "nolabel".into(),
    }
}

fn lanes(ls: &LaneSet, container: &str, out: &mut Vec<String>) {
    out.push(format!("{container} laneSet {:?} {:?}", ls.id, ls.name));
    for l in &ls.lanes {
        out.push(format!(
            "{container} lane {} {:?} refs={:?}",
            l.id, l.name, l.flow_node_refs
        ));
        if let Some(c) = &l.child_lane_set {
            lanes(c, &l.id, out);
        }
    }
}

/// One line per element: container, type, id, name and what the model types about it;
/// DI shapes with bounds and label bounds, edges with waypoints and label bounds.
pub fn summary(m: &BpmnModel) -> Vec<String> {
    let mut out = vec![format!(
        "definitions {:?} {:?} {:?} ns={:?}",
        m.id, m.name, m.target_namespace, m.namespaces
    )];
    for p in m.processes() {
        out.push(format!(
            "process {} {:?} {:?}",
            p.id, p.name, p.is_executable
        ));
    }
    for c in m.flow_elements() {
        let head = format!(
            "{} {} {:?} {:?}",
            c.container,
            c.element.local_name().unwrap_or("#node"),
            c.element.id(),
            c.element.name()
        );
        let detail = match c.element {
            FlowContent::FlowNode(n) => format!(
                "default={:?} attached={:?} cancel={:?} called={:?} triggered={:?} defs={:?}",
                n.default_flow,
                n.attached_to_ref,
                n.cancel_activity,
                n.called_element,
                n.triggered_by_event,
                n.event_definitions()
                    .map(|d| (d.kind.local_name(), d.id.clone()))
                    .collect::<Vec<_>>()
            ),
            FlowContent::SequenceFlow(f) => format!(
                "{:?} -> {:?} cond={:?}",
                f.source_ref,
                f.target_ref,
                f.condition.as_ref().map(|c| c.to_text())
            ),
            FlowContent::LaneSet(l) => {
                let mut v = Vec::new();
                lanes(l, c.container, &mut v);
                v.join("; ")
            }
            FlowContent::DataObjectReference(d) => format!("{:?}", d.data_object_ref),
            FlowContent::DataStoreReference(d) => format!("{:?}", d.data_store_ref),
            FlowContent::TextAnnotation(t) => {
                format!("{:?}", t.text.as_ref().map(|t| t.to_text()))
            }
            FlowContent::Association(a) => format!("{:?} -> {:?}", a.source_ref, a.target_ref),
            FlowContent::Group(g) => format!("{:?}", g.category_value_ref),
            _ => String::new(),
        };
        out.push(format!("{head} {detail}"));
    }
    for col in m.collaborations() {
        out.push(format!("collaboration {} {:?}", col.id, col.name));
        for c in &col.content {
            match c {
                CollaborationContent::Participant(p) => out.push(format!(
                    "{} participant {} {:?} {:?}",
                    col.id, p.id, p.name, p.process_ref
                )),
                CollaborationContent::MessageFlow(f) => out.push(format!(
                    "{} messageFlow {} {:?} {:?} -> {:?}",
                    col.id, f.id, f.name, f.source_ref, f.target_ref
                )),
                CollaborationContent::TextAnnotation(t) => out.push(format!(
                    "{} textAnnotation {} {:?}",
                    col.id,
                    t.id,
                    t.text.as_ref().map(|t| t.to_text())
                )),
                CollaborationContent::Association(a) => out.push(format!(
                    "{} association {} {:?} -> {:?}",
                    col.id, a.id, a.source_ref, a.target_ref
                )),
                CollaborationContent::Group(g) => out.push(format!(
                    "{} group {} {:?}",
                    col.id, g.id, g.category_value_ref
                )),
                CollaborationContent::Raw(_) => {}
            }
        }
    }
    for d in m.diagrams() {
        out.push(format!("diagram {:?} {:?}", d.id, d.name));
        let Some(p) = &d.plane else { continue };
        out.push(format!("plane {:?} {:?}", p.id, p.bpmn_element));
        for c in &p.content {
            match c {
                PlaneContent::Shape(s) => out.push(format!(
                    "shape {:?} el={:?} {} {} h={:?} e={:?} m={:?}",
                    s.id,
                    s.bpmn_element,
                    b(&s.bounds),
                    label(&s.label),
                    s.is_horizontal,
                    s.is_expanded,
                    s.is_marker_visible
                )),
                PlaneContent::Edge(e) => out.push(format!(
                    "edge {:?} el={:?} {:?}->{:?} wp={:?} {}",
                    e.id,
                    e.bpmn_element,
                    e.source_element,
                    e.target_element,
                    e.waypoints.iter().map(|p| (p.x, p.y)).collect::<Vec<_>>(),
                    label(&e.label)
                )),
                PlaneContent::Raw(_) => {}
            }
        }
    }
    out
}

/// Everything kept that is not BPMN: foreign-namespace elements (extension content) and
/// attributes (vendor attributes), with their values, in model order.
pub fn foreign_content(m: &BpmnModel) -> Vec<String> {
    let v = serde_json::to_value(m).expect("serialize");
    let mut out = Vec::new();
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(o) => {
                if let Some(serde_json::Value::String(local)) = o.get("local") {
                    let ns = o.get("ns").and_then(|n| n.as_str()).unwrap_or("");
                    let bpmn = [MODEL_NS, BPMNDI_NS, DC_NS, DI_NS, XSI_NS, XML_NS, ""];
                    if !bpmn.contains(&ns) {
                        let value = o.get("value").map(|v| v.to_string()).unwrap_or_default();
                        out.push(format!("{{{ns}}}{local}={value}"));
                    }
                }
                for (k, v) in o {
                    if k != "warnings" {
                        walk(v, out);
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    walk(&v, &mut out);
    out
}

/// The model as JSON without the warnings (their positions follow the file's layout).
pub fn without_warnings(m: &BpmnModel) -> serde_json::Value {
    let mut v = serde_json::to_value(m).expect("serialize");
    if let Some(o) = v.as_object_mut() {
        o.remove("warnings");
    }
    v
}

// ------------------------------------------------------------------------------------------
// xmllint
// ------------------------------------------------------------------------------------------

/// Validates files against BPMN20.xsd with one xmllint run. Returns, per file, `Ok` or the
/// schema errors with the file and line prefix removed. Fails the test when xmllint is not
/// installed (the setup script installs libxml2-utils).
pub fn xmllint(files: &[PathBuf]) -> Vec<Result<(), Vec<String>>> {
    let xsd = fixtures().join("xsd/BPMN20.xsd");
    let output = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&xsd)
        .args(files)
        .output()
        .unwrap_or_else(|e| {
            panic!("xmllint could not be run ({e}): install libxml2-utils (apt-get install libxml2-utils)")
        });
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        !stderr.contains("failed to compile") && !stderr.contains("Schemas parser error"),
        "the schema does not compile: {stderr}"
    );
    files
        .iter()
        .map(|f| {
            let f = f.to_string_lossy();
            if stderr.lines().any(|l| l == format!("{f} validates")) {
                return Ok(());
            }
            let errors: Vec<String> = stderr
                .lines()
                .filter_map(|l| l.strip_prefix(&format!("{f}:")))
                .map(|l| {
                    l.split_once(':')
                        .map_or(l, |(_, rest)| rest)
                        .trim()
                        .to_string()
                })
                .collect();
            assert!(
                stderr
                    .lines()
                    .any(|l| l == format!("{f} fails to validate"))
                    || !errors.is_empty(),
                "no verdict for {f} in xmllint's output:\n{stderr}"
            );
            Err(errors)
        })
        .collect()
}
