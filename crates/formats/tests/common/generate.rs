//! Generates BPMN documents for tests and the benchmark (`examples/bench_bpmn.rs` includes
//! this file).

#![allow(dead_code)]

use std::fmt::Write as _;

const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:vendor="http://vendor.example/bpmn" id="Defs" targetNamespace="http://triloop.example/gen" exporter="triloop-gen" exporterVersion="1">"#;

/// A pool with two lanes holding a chain of `nodes` flow nodes (start event, tasks of
/// several kinds with a gateway every tenth, end event) joined by `nodes - 1` sequence
/// flows, each with a DI shape or edge: about `2 * nodes` flow elements and as many DI
/// elements.
pub fn chain(nodes: usize) -> String {
    let nodes = nodes.max(2);
    let mut s = String::with_capacity(nodes * 700);
    s.push_str(HEAD);
    s.push_str(
        "\n  <bpmn:collaboration id=\"C\">\n    <bpmn:participant id=\"Pool\" name=\"Pool\" processRef=\"P\"/>\n  </bpmn:collaboration>\n",
    );
    s.push_str("  <bpmn:process id=\"P\" isExecutable=\"false\">\n    <bpmn:laneSet id=\"LS\">\n");
    for lane in 0..2 {
        let _ = writeln!(
            s,
            "      <bpmn:lane id=\"Lane{lane}\" name=\"Lane {lane}\">"
        );
        for i in (lane..nodes).step_by(2) {
            let _ = writeln!(s, "        <bpmn:flowNodeRef>N{i}</bpmn:flowNodeRef>");
        }
        s.push_str("      </bpmn:lane>\n");
    }
    s.push_str("    </bpmn:laneSet>\n");
    let kind = |i: usize| {
        if i == 0 {
            "startEvent"
        } else if i == nodes - 1 {
            "endEvent"
        } else if i % 10 == 5 {
            "exclusiveGateway"
        } else {
            ["task", "userTask", "serviceTask", "manualTask"][i % 4]
        }
    };
    for i in 0..nodes {
        let k = kind(i);
        let _ = write!(s, "    <bpmn:{k} id=\"N{i}\" name=\"Step {i}\"");
        if i % 7 == 3 {
            let _ = write!(s, " vendor:prio=\"{i}\"");
        }
        s.push_str(">\n");
        if i > 0 {
            let _ = writeln!(s, "      <bpmn:incoming>F{}</bpmn:incoming>", i - 1);
        }
        if i + 1 < nodes {
            let _ = writeln!(s, "      <bpmn:outgoing>F{i}</bpmn:outgoing>");
        }
        let _ = writeln!(s, "    </bpmn:{k}>");
    }
    for i in 0..nodes - 1 {
        let _ = write!(
            s,
            "    <bpmn:sequenceFlow id=\"F{i}\" sourceRef=\"N{i}\" targetRef=\"N{}\"",
            i + 1
        );
        if kind(i) == "exclusiveGateway" {
            s.push_str(">\n      <bpmn:conditionExpression xsi:type=\"bpmn:tFormalExpression\">${ok}</bpmn:conditionExpression>\n    </bpmn:sequenceFlow>\n");
        } else {
            s.push_str("/>\n");
        }
    }
    s.push_str("  </bpmn:process>\n");
    s.push_str(
        "  <bpmndi:BPMNDiagram id=\"D\">\n    <bpmndi:BPMNPlane id=\"DP\" bpmnElement=\"C\">\n",
    );
    let height = 400.0;
    let _ = writeln!(
        s,
        "      <bpmndi:BPMNShape id=\"Pool_di\" bpmnElement=\"Pool\" isHorizontal=\"true\"><dc:Bounds x=\"0\" y=\"0\" width=\"{}\" height=\"{height}\"/></bpmndi:BPMNShape>",
        nodes as f64 * 150.0 + 100.0
    );
    let pos = |i: usize| {
        (
            60.0 + i as f64 * 150.0,
            if i.is_multiple_of(2) { 60.0 } else { 260.0 },
        )
    };
    for i in 0..nodes {
        let (x, y) = pos(i);
        let (w, h) = match kind(i) {
            "startEvent" | "endEvent" => (36.0, 36.0),
            "exclusiveGateway" => (50.0, 50.0),
            _ => (100.0, 80.0),
        };
        let _ = writeln!(
            s,
            "      <bpmndi:BPMNShape id=\"N{i}_di\" bpmnElement=\"N{i}\"><dc:Bounds x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\"/><bpmndi:BPMNLabel><dc:Bounds x=\"{x}\" y=\"{}\" width=\"80\" height=\"14\"/></bpmndi:BPMNLabel></bpmndi:BPMNShape>",
            y + h + 5.0
        );
    }
    for i in 0..nodes - 1 {
        let (x1, y1) = pos(i);
        let (x2, y2) = pos(i + 1);
        let _ = writeln!(
            s,
            "      <bpmndi:BPMNEdge id=\"F{i}_di\" bpmnElement=\"F{i}\"><di:waypoint x=\"{}\" y=\"{}\"/><di:waypoint x=\"{}\" y=\"{}\"/><di:waypoint x=\"{x2}\" y=\"{}\"/></bpmndi:BPMNEdge>",
            x1 + 36.0,
            y1 + 18.0,
            x1 + 90.0,
            y1 + 18.0,
            y2 + 18.0
        );
    }
    s.push_str("    </bpmndi:BPMNPlane>\n  </bpmndi:BPMNDiagram>\n</bpmn:definitions>\n");
    s
}

/// A pool with three lanes and no diagram information: about `nodes` flow nodes in segments
/// of nine (a task, an exclusive split into two tasks and its join, a task with a timer
/// boundary event, a decision that loops back to the segment's first task or goes on), with
/// a data object written by every third segment and an annotation on every fifth, between a
/// start and an end event. Every segment has one loop, so the graph has cycles.
pub fn without_di(nodes: usize) -> String {
    let segments = (nodes / 9).max(1);
    let mut s = String::with_capacity(segments * 2500);
    s.push_str(HEAD);
    s.push_str(
        "\n  <bpmn:collaboration id=\"C\">\n    <bpmn:participant id=\"Pool\" name=\"Pool\" processRef=\"P\"/>\n  </bpmn:collaboration>\n",
    );
    s.push_str("  <bpmn:process id=\"P\" isExecutable=\"false\">\n    <bpmn:laneSet id=\"LS\">\n");
    let lane_of = |name: &str| match name {
        "A" | "D" => 0,
        "G1" | "B1" | "B2" | "G2" => 1,
        _ => 2,
    };
    let names = ["A", "G1", "B1", "B2", "G2", "C", "BE", "G3", "D"];
    for lane in 0..3 {
        let _ = writeln!(
            s,
            "      <bpmn:lane id=\"Lane{lane}\" name=\"Lane {lane}\">"
        );
        if lane == 0 {
            s.push_str("        <bpmn:flowNodeRef>Start</bpmn:flowNodeRef>\n        <bpmn:flowNodeRef>End</bpmn:flowNodeRef>\n");
        }
        for k in 0..segments {
            for n in names.iter().filter(|n| lane_of(n) == lane) {
                let _ = writeln!(s, "        <bpmn:flowNodeRef>S{k}_{n}</bpmn:flowNodeRef>");
            }
        }
        s.push_str("      </bpmn:lane>\n");
    }
    s.push_str("    </bpmn:laneSet>\n    <bpmn:startEvent id=\"Start\"/>\n");
    let mut flows: Vec<(String, String)> = vec![("Start".into(), "S0_A".into())];
    for k in 0..segments {
        let id = |n: &str| format!("S{k}_{n}");
        let _ = writeln!(
            s,
            "    <bpmn:userTask id=\"{}\" name=\"Prepare {k}\"/>",
            id("A")
        );
        let _ = writeln!(s, "    <bpmn:exclusiveGateway id=\"{}\"/>", id("G1"));
        let _ = writeln!(
            s,
            "    <bpmn:task id=\"{}\" name=\"Path one {k}\"/>",
            id("B1")
        );
        let _ = writeln!(
            s,
            "    <bpmn:serviceTask id=\"{}\" name=\"Path two {k}\"/>",
            id("B2")
        );
        let _ = writeln!(s, "    <bpmn:exclusiveGateway id=\"{}\"/>", id("G2"));
        if k % 3 == 0 {
            let _ = writeln!(
                s,
                "    <bpmn:task id=\"{}\" name=\"Check {k}\"><bpmn:dataOutputAssociation id=\"{}\"><bpmn:targetRef>{}</bpmn:targetRef></bpmn:dataOutputAssociation></bpmn:task>",
                id("C"),
                id("DOA"),
                id("DR")
            );
            let _ = writeln!(
                s,
                "    <bpmn:dataObjectReference id=\"{}\" dataObjectRef=\"{}\"/>\n    <bpmn:dataObject id=\"{}\"/>",
                id("DR"),
                id("DO"),
                id("DO")
            );
        } else {
            let _ = writeln!(s, "    <bpmn:task id=\"{}\" name=\"Check {k}\"/>", id("C"));
        }
        let _ = writeln!(
            s,
            "    <bpmn:boundaryEvent id=\"{}\" attachedToRef=\"{}\" cancelActivity=\"false\"><bpmn:timerEventDefinition/></bpmn:boundaryEvent>",
            id("BE"),
            id("C")
        );
        let _ = writeln!(
            s,
            "    <bpmn:exclusiveGateway id=\"{}\" name=\"ok?\"/>",
            id("G3")
        );
        let _ = writeln!(s, "    <bpmn:task id=\"{}\" name=\"Record {k}\"/>", id("D"));
        if k % 5 == 0 {
            let _ = writeln!(
                s,
                "    <bpmn:textAnnotation id=\"{}\"><bpmn:text>note {k}</bpmn:text></bpmn:textAnnotation>\n    <bpmn:association id=\"{}\" sourceRef=\"{}\" targetRef=\"{}\"/>",
                id("N"),
                id("AS"),
                id("A"),
                id("N")
            );
        }
        for (a, b) in [
            ("A", "G1"),
            ("G1", "B1"),
            ("G1", "B2"),
            ("B1", "G2"),
            ("B2", "G2"),
            ("G2", "C"),
            ("C", "G3"),
            ("G3", "D"),
            ("G3", "A"),
            ("BE", "D"),
        ] {
            flows.push((id(a), id(b)));
        }
        let next = if k + 1 < segments {
            format!("S{}_A", k + 1)
        } else {
            "End".to_string()
        };
        flows.push((id("D"), next));
    }
    s.push_str("    <bpmn:endEvent id=\"End\"/>\n");
    for (i, (a, b)) in flows.iter().enumerate() {
        let _ = writeln!(
            s,
            "    <bpmn:sequenceFlow id=\"F{i}\" sourceRef=\"{a}\" targetRef=\"{b}\"/>"
        );
    }
    s.push_str("  </bpmn:process>\n</bpmn:definitions>\n");
    s
}
