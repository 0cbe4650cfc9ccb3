//! Every element kind the model types, in one generated document, and a generated chain:
//! import without warnings, count, round trip, and validate the export against the XSD.

mod common;

use std::fmt::Write as _;

use common::*;
use formats::bpmn::*;

/// One flow node of every kind (sub-processes with a child, boundary events on a task,
/// events with every event definition), all joined by sequence flows, plus data, artifacts,
/// nested lanes, a collaboration and DI for every node and flow.
fn every_kind() -> String {
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="Defs" targetNamespace="http://t">
  <bpmn:category id="Cat"><bpmn:categoryValue id="CV" value="grouped"/></bpmn:category>
  <bpmn:message id="Msg" name="m"/>
  <bpmn:dataStore id="Store" name="store"/>
  <bpmn:collaboration id="C">
    <bpmn:participant id="Pool" processRef="P"/>
    <bpmn:participant id="Other" name="other"/>
    <bpmn:messageFlow id="MF" sourceRef="Other" targetRef="task" messageRef="Msg"/>
  </bpmn:collaboration>
  <bpmn:process id="P" isExecutable="true">
    <bpmn:laneSet id="LS">
      <bpmn:lane id="L1" name="outer">
        <bpmn:childLaneSet id="LS2"><bpmn:lane id="L2" name="inner"><bpmn:flowNodeRef>task</bpmn:flowNodeRef></bpmn:lane></bpmn:childLaneSet>
      </bpmn:lane>
    </bpmn:laneSet>
"#,
    );
    let mut chain = Vec::new();
    let mut defs = EventDefinitionKind::ALL.iter().cycle();
    for kind in FlowNodeKind::ALL {
        let l = kind.local_name();
        if *kind == FlowNodeKind::BoundaryEvent {
            for (i, d) in EventDefinitionKind::ALL.iter().enumerate() {
                let _ = writeln!(
                    s,
                    "    <bpmn:boundaryEvent id=\"boundary{i}\" attachedToRef=\"task\" cancelActivity=\"{}\">{}</bpmn:boundaryEvent>",
                    i % 2 == 0,
                    definition(*d, &format!("bdef{i}"))
                );
            }
            continue;
        }
        chain.push(l);
        let _ = write!(s, "    <bpmn:{l} id=\"{l}\" name=\"{l} node\"");
        if *kind == FlowNodeKind::CallActivity {
            s.push_str(" calledElement=\"P2\"");
        }
        if kind.is_sub_process() {
            s.push_str(" triggeredByEvent=\"false\"");
        }
        s.push('>');
        if kind.is_event() && *kind != FlowNodeKind::StartEvent {
            let d = defs.next().expect("cycle");
            s.push_str(&definition(*d, &format!("{l}_def")));
        }
        if kind.is_sub_process() {
            let _ = write!(s, "<bpmn:task id=\"{l}_child\"/>");
        }
        if *kind == FlowNodeKind::Task {
            s.push_str("<bpmn:dataInputAssociation id=\"DIA\"><bpmn:sourceRef>DOR</bpmn:sourceRef><bpmn:targetRef>task</bpmn:targetRef></bpmn:dataInputAssociation>");
            s.push_str("<bpmn:dataOutputAssociation id=\"DOA\"><bpmn:targetRef>DSR</bpmn:targetRef></bpmn:dataOutputAssociation>");
        }
        let _ = writeln!(s, "</bpmn:{l}>");
    }
    for (i, w) in chain.windows(2).enumerate() {
        let _ = writeln!(
            s,
            "    <bpmn:sequenceFlow id=\"F{i}\" sourceRef=\"{}\" targetRef=\"{}\"><bpmn:conditionExpression xsi:type=\"bpmn:tFormalExpression\">${{x &lt; {i}}}</bpmn:conditionExpression></bpmn:sequenceFlow>",
            w[0], w[1]
        );
    }
    s.push_str(
        r#"    <bpmn:dataObject id="DO" name="data"/>
    <bpmn:dataObjectReference id="DOR" dataObjectRef="DO"/>
    <bpmn:dataStoreReference id="DSR" dataStoreRef="Store"/>
    <bpmn:textAnnotation id="TA"><bpmn:text>a note</bpmn:text></bpmn:textAnnotation>
    <bpmn:association id="A" sourceRef="TA" targetRef="task"/>
    <bpmn:group id="G" categoryValueRef="CV"/>
  </bpmn:process>
  <bpmn:process id="P2"/>
  <bpmndi:BPMNDiagram id="D" name="every kind">
    <bpmndi:BPMNPlane id="DP" bpmnElement="C">
"#,
    );
    let mut shapes: Vec<String> = chain.iter().map(|l| l.to_string()).collect();
    shapes.extend(
        ["Pool", "L1", "L2", "DOR", "DSR", "TA", "G"]
            .into_iter()
            .map(String::from),
    );
    shapes.extend((0..EventDefinitionKind::ALL.len()).map(|i| format!("boundary{i}")));
    for (i, id) in shapes.iter().enumerate() {
        let _ = writeln!(
            s,
            "      <bpmndi:BPMNShape id=\"{id}_di\" bpmnElement=\"{id}\" isExpanded=\"true\"><dc:Bounds x=\"{}\" y=\"10.5\" width=\"100\" height=\"80\"/><bpmndi:BPMNLabel><dc:Bounds x=\"1\" y=\"2\" width=\"3\" height=\"4\"/></bpmndi:BPMNLabel></bpmndi:BPMNShape>",
            i * 120
        );
    }
    for i in 0..chain.len() - 1 {
        let _ = writeln!(
            s,
            "      <bpmndi:BPMNEdge id=\"F{i}_di\" bpmnElement=\"F{i}\"><di:waypoint x=\"{}\" y=\"50\"/><di:waypoint x=\"{}\" y=\"50\"/></bpmndi:BPMNEdge>",
            i * 120 + 100,
            i * 120 + 120
        );
    }
    for e in ["MF", "A"] {
        let _ = writeln!(
            s,
            "      <bpmndi:BPMNEdge id=\"{e}_di\" bpmnElement=\"{e}\"><di:waypoint x=\"0\" y=\"0\"/><di:waypoint x=\"1\" y=\"1\"/><bpmndi:BPMNLabel><dc:Bounds x=\"0\" y=\"0\" width=\"1\" height=\"1\"/></bpmndi:BPMNLabel></bpmndi:BPMNEdge>"
        );
    }
    s.push_str("    </bpmndi:BPMNPlane>\n  </bpmndi:BPMNDiagram>\n</bpmn:definitions>\n");
    s
}

/// An event definition that the schema accepts.
fn definition(d: EventDefinitionKind, id: &str) -> String {
    let l = d.local_name();
    match d {
        EventDefinitionKind::Conditional => format!(
            "<bpmn:{l} id=\"{id}\"><bpmn:condition xsi:type=\"bpmn:tFormalExpression\">x</bpmn:condition></bpmn:{l}>"
        ),
        EventDefinitionKind::Link => format!("<bpmn:{l} id=\"{id}\" name=\"link\"/>"),
        _ => format!("<bpmn:{l} id=\"{id}\"/>"),
    }
}

fn validate(docs: &[(&str, &str)]) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let paths: Vec<_> = docs
        .iter()
        .map(|(n, text)| {
            let p = tmp.path().join(n);
            std::fs::write(&p, text).expect("write");
            p
        })
        .collect();
    for (p, r) in paths.iter().zip(xmllint(&paths)) {
        if let Err(e) = r {
            panic!("{} does not validate: {e:#?}", p.display());
        }
    }
}

#[test]
fn every_typed_kind_round_trips_and_validates() {
    let xml = every_kind();
    let m = import(xml.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    assert!(m.warnings.is_empty(), "{:#?}", m.warnings);
    let c = m.counts();
    for k in FlowNodeKind::ALL {
        let expected = match k {
            FlowNodeKind::BoundaryEvent => EventDefinitionKind::ALL.len(),
            FlowNodeKind::Task => 4, // the task and the children of three sub-processes
            _ => 1,
        };
        assert_eq!(c.get(k.local_name()), Some(&expected), "{k:?}: {c:?}");
    }
    for d in EventDefinitionKind::ALL {
        assert!(
            c.get(d.local_name()).copied().unwrap_or(0) >= 1,
            "{d:?}: {c:?}"
        );
    }
    // Typed, not raw: every flow node, flow, data element and artifact.
    let raw: Vec<String> = m
        .flow_elements()
        .iter()
        .filter_map(|e| match e.element {
            FlowContent::Raw(n) => Some(format!("{n:?}")),
            _ => None,
        })
        .collect();
    assert!(raw.is_empty(), "{raw:?}");
    let out = export(&m);
    let back = import(out.as_bytes()).expect("re-import");
    assert_eq!(back, m);
    assert_eq!(summary(&back), summary(&m));
    if let Some(d) = first_difference(&infoset(&xml), &infoset(&out), "") {
        panic!("{d}");
    }
    validate(&[("source.bpmn", &xml), ("export.bpmn", &out)]);
}

#[test]
fn a_generated_chain_round_trips_and_validates() {
    let xml = generate::chain(300);
    let m = import(xml.as_bytes()).expect("import");
    assert!(m.warnings.is_empty(), "{:#?}", m.warnings);
    let c = m.counts();
    assert_eq!(c["sequenceFlow"], 299);
    assert_eq!(c["BPMNShape"], 301);
    assert_eq!(c["BPMNEdge"], 299);
    assert_eq!(c["flowNodeRef"], 300);
    let out = export(&m);
    assert_eq!(import(out.as_bytes()).expect("re-import"), m);
    validate(&[("chain.bpmn", &xml), ("chain-export.bpmn", &out)]);
}
