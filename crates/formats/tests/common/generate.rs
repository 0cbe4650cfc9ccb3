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
