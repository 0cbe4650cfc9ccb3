//! Draws a BPMN model's first diagram as SVG from its diagram interchange: pools and lanes,
//! events, activities, gateways, data and artifacts with their BPMN shapes, edges as
//! polylines with their arrowheads, and names as labels. A picture for documents and slides,
//! not an editable format.

use std::collections::HashMap;
use std::fmt::Write;

use super::model::{
    Bounds, BpmnModel, CollaborationContent, EventDefinitionKind, FlowContent, FlowNodeKind,
    LaneSet, PlaneContent,
};

/// What the drawing needs to know of an element referenced by the diagram.
#[derive(Clone, Debug)]
struct Info {
    kind: String,
    name: String,
    event_definition: Option<EventDefinitionKind>,
}

fn index(model: &BpmnModel) -> HashMap<String, Info> {
    let mut map = HashMap::new();
    let mut put = |id: &str, kind: &str, name: Option<&str>, def: Option<EventDefinitionKind>| {
        map.insert(
            id.to_string(),
            Info {
                kind: kind.to_string(),
                name: name.unwrap_or_default().to_string(),
                event_definition: def,
            },
        );
    };
    for c in model.flow_elements() {
        match c.element {
            FlowContent::FlowNode(n) => put(
                &n.id,
                n.kind.local_name(),
                n.name.as_deref(),
                n.event_definitions().next().map(|d| d.kind),
            ),
            FlowContent::SequenceFlow(f) => put(&f.id, "sequenceFlow", f.name.as_deref(), None),
            FlowContent::TextAnnotation(t) => {
                let text = t.text.as_ref().map(|m| m.to_text());
                put(&t.id, "textAnnotation", text.as_deref(), None)
            }
            FlowContent::LaneSet(ls) => lanes(ls, &mut put),
            other => {
                if let (Some(id), Some(kind)) = (other.id(), other.local_name()) {
                    put(id, kind, other.name(), None);
                }
            }
        }
    }
    for col in model.collaborations() {
        for item in &col.content {
            match item {
                CollaborationContent::Participant(p) => {
                    put(&p.id, "participant", p.name.as_deref(), None)
                }
                CollaborationContent::MessageFlow(m) => {
                    put(&m.id, "messageFlow", m.name.as_deref(), None)
                }
                CollaborationContent::TextAnnotation(t) => {
                    let text = t.text.as_ref().map(|m| m.to_text());
                    put(&t.id, "textAnnotation", text.as_deref(), None)
                }
                CollaborationContent::Association(a) => put(&a.id, "association", None, None),
                _ => {}
            }
        }
    }
    map
}

fn lanes(
    ls: &LaneSet,
    put: &mut impl FnMut(&str, &str, Option<&str>, Option<EventDefinitionKind>),
) {
    for lane in &ls.lanes {
        put(&lane.id, "lane", lane.name.as_deref(), None);
        if let Some(child) = &lane.child_lane_set {
            lanes(child, put);
        }
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Renders the first diagram. A model without diagram information gives an SVG that says so.
pub fn to_svg(model: &BpmnModel) -> String {
    let info = index(model);
    let plane = model.diagrams().find_map(|d| d.plane.as_ref());
    let content: &[PlaneContent] = plane.map(|p| p.content.as_slice()).unwrap_or(&[]);
    let (mut minx, mut miny, mut maxx, mut maxy) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    let mut grow = |x: f64, y: f64| {
        minx = minx.min(x);
        miny = miny.min(y);
        maxx = maxx.max(x);
        maxy = maxy.max(y);
    };
    for c in content {
        match c {
            PlaneContent::Shape(s) => {
                if let Some(b) = s.bounds {
                    grow(b.x, b.y);
                    grow(b.x + b.width, b.y + b.height);
                }
            }
            PlaneContent::Edge(e) => e.waypoints.iter().for_each(|p| grow(p.x, p.y)),
            PlaneContent::Raw(_) => {}
        }
    }
    if minx > maxx {
        (minx, miny, maxx, maxy) = (0.0, 0.0, 320.0, 60.0);
    }
    let pad = 20.0;
    let (vx, vy, vw, vh) = (
        minx - pad,
        miny - pad,
        maxx - minx + 2.0 * pad,
        maxy - miny + 2.0 * pad,
    );
    let mut out = String::new();
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="{vx} {vy} {vw} {vh}" width="{vw}" height="{vh}" font-family="Noto Sans CJK SC, Helvetica, Arial, sans-serif" font-size="11">
<defs><marker id="seq" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#222"/></marker><marker id="msg" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#fff" stroke="#222"/></marker></defs>
<rect x="{vx}" y="{vy}" width="{vw}" height="{vh}" fill="#fff"/>
"##
    );
    if content.is_empty() {
        out.push_str(r#"<text x="10" y="35">No diagram information</text>"#);
    }
    // Pools and lanes first, so that everything else draws on top of them.
    let (containers, rest): (Vec<&PlaneContent>, Vec<&PlaneContent>) = content.iter().partition(|c| {
        matches!(c, PlaneContent::Shape(s) if s.bpmn_element.as_ref().and_then(|id| info.get(id)).is_some_and(|i| i.kind == "participant" || i.kind == "lane"))
    });
    for c in containers.into_iter().chain(rest) {
        match c {
            PlaneContent::Shape(s) => {
                let Some(b) = s.bounds else { continue };
                // A shape for an element the picture does not know still draws, as a plain box.
                let unknown = Info {
                    kind: String::new(),
                    name: String::new(),
                    event_definition: None,
                };
                let i = s
                    .bpmn_element
                    .as_ref()
                    .and_then(|id| info.get(id))
                    .unwrap_or(&unknown);
                shape(&mut out, b, i, s.is_expanded.unwrap_or(false));
                let container = matches!(i.kind.as_str(), "participant" | "lane");
                if container {
                    // Pools and lanes carry their name in their vertical header.
                } else if let Some(lb) = s.label.as_ref().and_then(|l| l.bounds) {
                    label(&mut out, lb, &i.name);
                } else if !matches!(i.kind.as_str(), "participant" | "lane")
                    && !is_inner_label(&i.kind)
                    && !i.name.is_empty()
                {
                    label(
                        &mut out,
                        Bounds {
                            x: b.x - 30.0,
                            y: b.y + b.height + 2.0,
                            width: b.width + 60.0,
                            height: 14.0,
                        },
                        &i.name,
                    );
                }
            }
            PlaneContent::Edge(e) => {
                let kind = e
                    .bpmn_element
                    .as_ref()
                    .and_then(|id| info.get(id))
                    .map(|i| i.kind.as_str())
                    .unwrap_or("");
                let points: Vec<String> = e
                    .waypoints
                    .iter()
                    .map(|p| format!("{},{}", p.x, p.y))
                    .collect();
                let style = match kind {
                    "sequenceFlow" => r##"stroke="#222" marker-end="url(#seq)""##,
                    "messageFlow" => {
                        r##"stroke="#222" stroke-dasharray="6 4" marker-end="url(#msg)""##
                    }
                    _ => r##"stroke="#666" stroke-dasharray="2 3""##,
                };
                let _ = writeln!(
                    out,
                    r#"<polyline points="{}" fill="none" stroke-width="1.2" {style}/>"#,
                    points.join(" ")
                );
                let name = e
                    .bpmn_element
                    .as_ref()
                    .and_then(|id| info.get(id))
                    .map(|i| i.name.as_str())
                    .unwrap_or("");
                if let (Some(lb), false) =
                    (e.label.as_ref().and_then(|l| l.bounds), name.is_empty())
                {
                    label(&mut out, lb, name);
                }
            }
            PlaneContent::Raw(_) => {}
        }
    }
    out.push_str("</svg>\n");
    out
}

fn is_inner_label(kind: &str) -> bool {
    FlowNodeKind::from_local_name(kind).is_some_and(|k| k.is_activity()) || kind == "textAnnotation"
}

fn label(out: &mut String, b: Bounds, text: &str) {
    if text.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        r#"<text x="{}" y="{}" text-anchor="middle" dominant-baseline="middle">{}</text>"#,
        b.x + b.width / 2.0,
        b.y + b.height / 2.0,
        esc(text)
    );
}

fn shape(out: &mut String, b: Bounds, i: &Info, expanded: bool) {
    let (x, y, w, h) = (b.x, b.y, b.width, b.height);
    let (cx, cy) = (x + w / 2.0, y + h / 2.0);
    let kind = FlowNodeKind::from_local_name(&i.kind);
    match (i.kind.as_str(), kind) {
        ("participant" | "lane", _) => {
            let fill = if i.kind == "participant" {
                "#fafbfc"
            } else {
                "none"
            };
            let _ = writeln!(
                out,
                r##"<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}" stroke="#444"/>"##
            );
            let _ = writeln!(
                out,
                r#"<text transform="translate({},{}) rotate(-90)" text-anchor="middle" dominant-baseline="middle">{}</text>"#,
                x + 12.0,
                cy,
                esc(&i.name)
            );
            if i.kind == "participant" {
                let _ = writeln!(
                    out,
                    r##"<line x1="{}" y1="{y}" x2="{}" y2="{}" stroke="#444"/>"##,
                    x + 24.0,
                    x + 24.0,
                    y + h
                );
            }
        }
        (_, Some(k)) if k.is_event() => {
            let r = w.min(h) / 2.0;
            let (stroke, fill) = match k {
                FlowNodeKind::EndEvent => ("3", "#fff"),
                _ => ("1.5", "#fff"),
            };
            let _ = writeln!(
                out,
                r##"<circle cx="{cx}" cy="{cy}" r="{r}" fill="{fill}" stroke="#222" stroke-width="{stroke}"/>"##
            );
            if matches!(
                k,
                FlowNodeKind::IntermediateCatchEvent
                    | FlowNodeKind::IntermediateThrowEvent
                    | FlowNodeKind::BoundaryEvent
            ) {
                let _ = writeln!(
                    out,
                    r##"<circle cx="{cx}" cy="{cy}" r="{}" fill="none" stroke="#222"/>"##,
                    r - 3.0
                );
            }
            if let Some(d) = i.event_definition {
                let glyph = match d {
                    EventDefinitionKind::Message => "✉",
                    EventDefinitionKind::Timer => "◷",
                    EventDefinitionKind::Error => "ϟ",
                    EventDefinitionKind::Signal => "△",
                    EventDefinitionKind::Escalation => "⇑",
                    EventDefinitionKind::Compensate => "⏪",
                    EventDefinitionKind::Conditional => "≡",
                    EventDefinitionKind::Link => "➜",
                    EventDefinitionKind::Terminate => "●",
                    EventDefinitionKind::Cancel => "✕",
                };
                let _ = writeln!(
                    out,
                    r#"<text x="{cx}" y="{cy}" text-anchor="middle" dominant-baseline="central" font-size="{}">{glyph}</text>"#,
                    r
                );
            }
        }
        (_, Some(k)) if k.is_gateway() => {
            let _ = writeln!(
                out,
                r##"<polygon points="{cx},{y} {},{cy} {cx},{} {x},{cy}" fill="#fff" stroke="#222" stroke-width="1.5"/>"##,
                x + w,
                y + h
            );
            let mark = match k {
                FlowNodeKind::ExclusiveGateway => "✕",
                FlowNodeKind::ParallelGateway => "+",
                FlowNodeKind::InclusiveGateway => "○",
                FlowNodeKind::EventBasedGateway => "⬠",
                _ => "✱",
            };
            let _ = writeln!(
                out,
                r#"<text x="{cx}" y="{cy}" text-anchor="middle" dominant-baseline="central" font-size="{}">{mark}</text>"#,
                h / 2.5
            );
        }
        (_, Some(k)) => {
            let thick = if k == FlowNodeKind::CallActivity {
                "3"
            } else {
                "1.2"
            };
            let fill = if expanded { "none" } else { "#fff" };
            let _ = writeln!(
                out,
                r##"<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="8" fill="{fill}" stroke="#222" stroke-width="{thick}"/>"##
            );
            if k.is_sub_process() && !expanded {
                let _ = writeln!(
                    out,
                    r##"<rect x="{}" y="{}" width="12" height="12" fill="none" stroke="#222"/><text x="{}" y="{}" text-anchor="middle" dominant-baseline="central">+</text>"##,
                    cx - 6.0,
                    y + h - 14.0,
                    cx,
                    y + h - 8.0
                );
            }
            let ty = if expanded { y + 14.0 } else { cy };
            let _ = writeln!(
                out,
                r#"<text x="{cx}" y="{ty}" text-anchor="middle" dominant-baseline="middle">{}</text>"#,
                esc(&i.name)
            );
        }
        ("textAnnotation", _) => {
            let _ = writeln!(
                out,
                r##"<path d="M{},{y} L{x},{y} L{x},{} L{},{}" fill="none" stroke="#222"/>"##,
                x + 12.0,
                y + h,
                x + 12.0,
                y + h
            );
            let _ = writeln!(
                out,
                r#"<text x="{}" y="{cy}" dominant-baseline="middle">{}</text>"#,
                x + 4.0,
                esc(&i.name)
            );
        }
        ("dataObject" | "dataObjectReference", _) => {
            let _ = writeln!(
                out,
                r##"<path d="M{x},{y} L{},{y} L{},{} L{},{} L{x},{} z" fill="#fff" stroke="#222"/>"##,
                x + w - 10.0,
                x + w,
                y + 10.0,
                x + w,
                y + h,
                y + h
            );
        }
        ("dataStoreReference", _) => {
            let _ = writeln!(
                out,
                r##"<path d="M{x},{} A{},{} 0 0 0 {},{} L{},{} A{},{} 0 0 1 {x},{} z M{x},{} A{},{} 0 0 0 {},{}" fill="#fff" stroke="#222"/>"##,
                y + 6.0,
                w / 2.0,
                6.0,
                x + w,
                y + 6.0,
                x + w,
                y + h - 6.0,
                w / 2.0,
                6.0,
                y + h - 6.0,
                y + 6.0,
                w / 2.0,
                6.0,
                x + w,
                y + 6.0
            );
        }
        ("group", _) => {
            let _ = writeln!(
                out,
                r##"<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="6" fill="none" stroke="#666" stroke-dasharray="8 3 2 3"/>"##
            );
        }
        _ => {
            let _ = writeln!(
                out,
                r##"<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="none" stroke="#999" stroke-dasharray="2 2"/>"##
            );
        }
    }
}
