//! Small data-driven cases for the tricky parts: namespaces, expressions, lanes,
//! sub-processes, boundary events, errors with positions, and the namespace-aware writer.

use super::*;

const NS: &str = r#"xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance""#;

fn doc(body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<bpmn:definitions {NS} id=\"D\" targetNamespace=\"http://t\">\n{body}\n</bpmn:definitions>\n"
    )
}

/// Imports, checks, exports, imports again and checks that nothing changed.
fn round_trip(xml: &str) -> BpmnModel {
    let m = import(xml.as_bytes()).unwrap_or_else(|e| panic!("import failed: {e}\n{xml}"));
    let out = export(&m);
    let m2 = import(out.as_bytes()).unwrap_or_else(|e| panic!("re-import failed: {e}\n{out}"));
    let strip = |m: &BpmnModel| BpmnModel {
        warnings: Vec::new(),
        ..m.clone()
    };
    assert_eq!(
        strip(&m),
        strip(&m2),
        "round trip changed the model:\n{out}"
    );
    assert_eq!(export(&m2), out, "export is not stable");
    m
}

fn node<'a>(m: &'a BpmnModel, id: &str) -> (&'a str, &'a FlowNode) {
    m.flow_elements()
        .into_iter()
        .find_map(|c| match c.element {
            FlowContent::FlowNode(n) if n.id == id => Some((c.container, n)),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no flow node {id}"))
}

struct Case {
    name: &'static str,
    xml: String,
    check: fn(&BpmnModel, &str),
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "default namespace",
            xml: r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="t">
  <process id="P" isExecutable="true"><startEvent id="S" name="go"/><task id="T"/>
  <sequenceFlow id="F" sourceRef="S" targetRef="T"/></process></definitions>"#
                .to_string(),
            check: |m, out| {
                assert_eq!(m.prefix, "");
                let p = m.processes().next().expect("process");
                assert_eq!(p.is_executable, Some(true));
                assert_eq!(node(m, "S").1.name.as_deref(), Some("go"));
                assert!(out.contains("<startEvent id=\"S\" name=\"go\"/>"), "{out}");
                assert_eq!(m.counts()["sequenceFlow"], 1);
            },
        },
        Case {
            name: "a prefix other than bpmn",
            xml: r#"<semantic:definitions xmlns:semantic="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="t">
  <semantic:process id="P"><semantic:userTask id="U" name="Do it"/></semantic:process></semantic:definitions>"#
                .to_string(),
            check: |m, out| {
                assert_eq!(m.prefix, "semantic");
                assert_eq!(node(m, "U").1.kind, FlowNodeKind::UserTask);
                assert!(out.contains("<semantic:userTask id=\"U\" name=\"Do it\"/>"), "{out}");
                assert_eq!(m.id, None);
            },
        },
        Case {
            name: "conditionExpression with xsi:type",
            xml: doc(r#"<bpmn:process id="P"><bpmn:exclusiveGateway id="G" default="F2"/><bpmn:task id="T"/>
  <bpmn:sequenceFlow id="F" sourceRef="G" targetRef="T">
    <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" language="juel">${a &gt; b &amp;&amp; c}</bpmn:conditionExpression>
  </bpmn:sequenceFlow>
  <bpmn:sequenceFlow id="F2" sourceRef="G" targetRef="T"><bpmn:conditionExpression><![CDATA[x < 1]]></bpmn:conditionExpression></bpmn:sequenceFlow>
</bpmn:process>"#),
            check: |m, out| {
                let flows: Vec<&SequenceFlow> = m
                    .flow_elements()
                    .into_iter()
                    .filter_map(|c| match c.element {
                        FlowContent::SequenceFlow(f) => Some(f),
                        _ => None,
                    })
                    .collect();
                let c = flows[0].condition.as_ref().expect("condition");
                assert_eq!(c.to_text(), "${a > b && c}");
                let t = &c.extra.attrs[0];
                assert_eq!((t.ns.as_deref(), t.local.as_str()), (Some(XSI_NS), "type"));
                assert_eq!(t.value, "bpmn:tFormalExpression");
                assert_eq!(c.extra.attr("language"), Some("juel"));
                assert_eq!(flows[1].condition.as_ref().map(|c| c.to_text()).as_deref(), Some("x < 1"));
                assert_eq!(node(m, "G").1.default_flow.as_deref(), Some("F2"));
                assert!(out.contains("xsi:type=\"bpmn:tFormalExpression\""), "{out}");
                assert!(out.contains("${a &gt; b &amp;&amp; c}"), "{out}");
                assert!(out.contains("<![CDATA[x < 1]]>"), "{out}");
            },
        },
        Case {
            name: "nested lanes",
            xml: doc(r#"<bpmn:process id="P">
  <bpmn:laneSet id="LS">
    <bpmn:lane id="L1" name="Outer">
      <bpmn:flowNodeRef>A</bpmn:flowNodeRef>
      <bpmn:childLaneSet xsi:type="bpmn:tLaneSet" id="LS2">
        <bpmn:lane id="L2" name="Inner"><bpmn:flowNodeRef>A</bpmn:flowNodeRef></bpmn:lane>
        <bpmn:lane id="L3"><bpmn:flowNodeRef> B </bpmn:flowNodeRef></bpmn:lane>
      </bpmn:childLaneSet>
    </bpmn:lane>
  </bpmn:laneSet>
  <bpmn:task id="A"/><bpmn:task id="B"/>
</bpmn:process>"#),
            check: |m, out| {
                let p = m.processes().next().expect("process");
                let FlowContent::LaneSet(ls) = &p.content[0] else {
                    panic!("lane set first")
                };
                let outer = &ls.lanes[0];
                assert_eq!(outer.flow_node_refs, ["A"]);
                let child = outer.child_lane_set.as_ref().expect("child lane set");
                assert_eq!(child.id.as_deref(), Some("LS2"));
                assert_eq!(child.extra.attrs[0].local, "type");
                assert_eq!(child.lanes[1].flow_node_refs, ["B"]);
                assert_eq!(m.counts()["lane"], 3);
                assert_eq!(m.counts()["childLaneSet"], 1);
                assert!(out.contains("<bpmn:childLaneSet"), "{out}");
            },
        },
        Case {
            name: "expanded sub-process with children",
            xml: doc(r#"<bpmn:process id="P">
  <bpmn:subProcess id="S" triggeredByEvent="false">
    <bpmn:documentation>doc</bpmn:documentation>
    <bpmn:incoming>x</bpmn:incoming>
    <bpmn:startEvent id="S1"/>
    <bpmn:subProcess id="S2"><bpmn:task id="T"/></bpmn:subProcess>
    <bpmn:sequenceFlow id="F" sourceRef="S1" targetRef="S2"/>
    <bpmn:textAnnotation id="A"><bpmn:text>note</bpmn:text></bpmn:textAnnotation>
  </bpmn:subProcess>
</bpmn:process>
<bpmndi:BPMNDiagram id="DI"><bpmndi:BPMNPlane id="PL" bpmnElement="P">
  <bpmndi:BPMNShape id="S_di" bpmnElement="S" isExpanded="true"><dc:Bounds x="1" y="2.5" width="300" height="200"/></bpmndi:BPMNShape>
</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>"#),
            check: |m, _| {
                assert_eq!(node(m, "S").0, "P");
                assert_eq!(node(m, "S1").0, "S");
                assert_eq!(node(m, "T").0, "S2");
                let s = node(m, "S").1;
                assert_eq!(s.triggered_by_event, Some(false));
                assert_eq!(s.content.len(), 2, "documentation and incoming stay with the node");
                assert_eq!(s.children.len(), 4);
                let d = m.diagrams().next().expect("diagram");
                let PlaneContent::Shape(shape) = &d.plane.as_ref().expect("plane").content[0] else {
                    panic!("shape")
                };
                assert_eq!(shape.is_expanded, Some(true));
                assert_eq!(shape.bounds.map(|b| b.y), Some(2.5));
            },
        },
        Case {
            name: "boundary events",
            xml: doc(r#"<bpmn:process id="P">
  <bpmn:task id="T"/>
  <bpmn:boundaryEvent id="B1" attachedToRef="T" cancelActivity="false">
    <bpmn:timerEventDefinition id="TD"><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>
  </bpmn:boundaryEvent>
  <bpmn:boundaryEvent id="B2" attachedToRef="T"><bpmn:errorEventDefinition errorRef="E"/></bpmn:boundaryEvent>
</bpmn:process>
<bpmn:error id="E" errorCode="42"/>"#),
            check: |m, out| {
                let b1 = node(m, "B1").1;
                assert_eq!(b1.attached_to_ref.as_deref(), Some("T"));
                assert_eq!(b1.cancel_activity, Some(false));
                let d = b1.event_definitions().next().expect("definition");
                assert_eq!(d.kind, EventDefinitionKind::Timer);
                assert_eq!(d.id.as_deref(), Some("TD"));
                assert_eq!(d.content.len(), 1);
                let b2 = node(m, "B2").1;
                assert_eq!(b2.cancel_activity, None);
                let d2 = b2.event_definitions().next().expect("definition");
                assert_eq!(d2.extra.attr("errorRef"), Some("E"));
                assert!(m.warnings.is_empty(), "{:?}", m.warnings);
                assert!(out.contains("cancelActivity=\"false\""), "{out}");
                assert_eq!(m.counts()["error"], 1);
            },
        },
        Case {
            name: "vendor attributes, extensions and comments stay in place",
            xml: r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- before -->
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="t" camunda:x="1">
  <bpmn:process id="P">
    <!-- a comment -->
    <bpmn:serviceTask id="S" camunda:type="external" camunda:topic="t&#10;2">
      <bpmn:extensionElements><camunda:properties><camunda:property name="a" value="b"/></camunda:properties></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:task id="T"><bpmn:documentation>Some <b xmlns="http://www.w3.org/1999/xhtml">bold</b> text</bpmn:documentation></bpmn:task>
  </bpmn:process>
</bpmn:definitions>
<!-- after -->"#
                .to_string(),
            check: |m, out| {
                let s = node(m, "S").1;
                assert_eq!(s.extra.attrs.len(), 2);
                assert_eq!(s.extra.attrs[1].value, "t\n2");
                assert!(matches!(&s.content[0], NodeContent::Raw(XmlNode::Element(e)) if e.local == "extensionElements"));
                assert_eq!(m.prolog, vec![XmlNode::Comment(" before ".into())]);
                assert_eq!(m.epilog, vec![XmlNode::Comment(" after ".into())]);
                assert!(out.contains("camunda:topic=\"t&#10;2\""), "{out}");
                assert!(out.contains("<bpmn:documentation>Some <b xmlns=\"http://www.w3.org/1999/xhtml\">bold</b> text</bpmn:documentation>"), "{out}");
                assert!(out.contains("<!-- a comment -->"), "{out}");
            },
        },
        Case {
            name: "ISO-8859-1",
            xml: "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" targetNamespace=\"t\"><process id=\"P\" name=\"caf\u{e9}\"/></definitions>".to_string(),
            check: |m, out| {
                assert_eq!(m.processes().next().and_then(|p| p.name.as_deref()), Some("café"));
                assert!(out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
            },
        },
    ]
}

#[test]
fn tricky_cases_import_and_round_trip() {
    for case in cases() {
        let bytes: Vec<u8> = if case.name == "ISO-8859-1" {
            // Encode as Latin-1: every char here is below U+0100.
            case.xml.chars().map(|c| c as u32 as u8).collect()
        } else {
            case.xml.clone().into_bytes()
        };
        let m = import(&bytes).unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let out = export(&m);
        if case.name != "ISO-8859-1" {
            round_trip(&case.xml);
        }
        (case.check)(&m, &out);
    }
}

#[test]
fn errors_name_the_problem_and_the_line() {
    /// (case, input, what the message mentions, the line it points at)
    type ErrorCase<'a> = (&'a str, &'a [u8], &'a [&'a str], Option<usize>);
    let cases: &[ErrorCase] = &[
        ("empty", b"  \n", &["empty"], None),
        ("utf16", b"\xFF\xFE<\x00", &["UTF-16"], Some(1)),
        ("bad utf8", b"<a>\n\xC3\x28</a>", &["not valid UTF-8", "0xC3"], Some(2)),
        (
            "unclosed",
            b"<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">\n<process id=\"P\">\n",
            &["<process>", "not closed", "line 2"],
            Some(3),
        ),
        (
            "mismatched end",
            b"<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">\n\n<process id=\"P\"></task></definitions>",
            &["malformed XML", "process"],
            Some(3),
        ),
        (
            "undeclared prefix",
            b"<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">\n  <x:foo/></bpmn:definitions>",
            &["prefix \"x\"", "not declared"],
            Some(2),
        ),
        (
            "doctype",
            b"<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY a \"b\">]><x/>",
            &["DOCTYPE"],
            Some(2),
        ),
        (
            "unknown entity",
            b"<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">&nbsp;</definitions>",
            &["&nbsp;"],
            Some(1),
        ),
        ("control character", b"<a>\x01</a>", &["U+0001"], Some(1)),
        ("control character reference", b"<a>&#5;</a>", &["&#5;"], Some(1)),
        ("control character reference in an attribute", b"<a\n b=\"&#5;\"/>", &["U+0005"], Some(2)),
        (
            "two roots",
            b"<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"/>\n<definitions/>",
            &["second root"],
            Some(2),
        ),
        (
            "text after the root",
            b"<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"/>\nhello",
            &["text after"],
            Some(2),
        ),
        (
            "not definitions",
            b"<bpmn:process xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" id=\"P\"/>",
            &["root element <bpmn:process>", "expected <definitions>"],
            Some(1),
        ),
        (
            "BPMN 1 namespace",
            b"<definitions xmlns=\"http://schema.omg.org/spec/BPMN/2.0\"/>",
            &["http://schema.omg.org/spec/BPMN/2.0"],
            Some(1),
        ),
        (
            "duplicate id across DI",
            b"<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" xmlns:di=\"http://www.omg.org/spec/BPMN/20100524/DI\">\n<process id=\"A\"/>\n<di:BPMNDiagram id=\"A\"/></definitions>",
            &["duplicate id \"A\"", "line 3", "line 2"],
            Some(3),
        ),
    ];
    // Found by cargo fuzz: an error message cut a name inside a character.
    let long = format!("<a x{0}é=\"1\" x{0}é=\"1\"/>", "x".repeat(38));
    let err = import(long.as_bytes()).expect_err("duplicate attribute");
    assert!(err.to_string().contains("given twice"), "{err}");
    for (name, input, needles, line) in cases {
        let err = match import(input) {
            Ok(_) => panic!("{name}: imported"),
            Err(e) => e,
        };
        let msg = err.to_string();
        for n in *needles {
            assert!(msg.contains(n), "{name}: {msg:?} does not mention {n:?}");
        }
        assert_eq!(err.line(), *line, "{name}: {msg}");
    }
}

#[test]
fn sequence_flows_without_proper_ends_import_with_a_warning() {
    // These were refused whole before issue 14: tools drop an element and leave its flows.
    let cases: &[(&str, &[u8], &[&str])] = &[
        (
            "sequence flow to nowhere",
            b"<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">\n<process id=\"P\"><task id=\"T\"/>\n<sequenceFlow id=\"F\" sourceRef=\"T\" targetRef=\"Nope\"/></process></definitions>",
            &["sequenceFlow id=\"F\"", "targetRef \"Nope\""],
        ),
        (
            "sequence flow without source",
            b"<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">\n<process id=\"P\"><task id=\"T\"/>\n<sequenceFlow id=\"F\" targetRef=\"T\"/></process></definitions>",
            &["sequenceFlow id=\"F\"", "has no sourceRef"],
        ),
    ];
    for (name, input, needles) in cases {
        let m = import(input).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(m.warnings.len(), 1, "{name}: {:#?}", m.warnings);
        let w = &m.warnings[0];
        assert_eq!(w.line, 3, "{name}: {w}");
        for n in *needles {
            assert!(w.message.contains(n), "{name}: {w} does not mention {n:?}");
        }
        // Kept as it came: the export has the same attributes, nothing invented.
        let out = export(&m);
        let mut again = import(out.as_bytes()).unwrap();
        assert_eq!(again.warnings.len(), 1, "{name}: {out}");
        again.warnings = m.warnings.clone();
        assert_eq!(again, m, "{name}: {out}");
    }
}

#[test]
fn tolerated_problems_are_warnings() {
    let xml = doc(r#"<bpmn:process id="P">
  <bpmn:task id="T"/><bpmn:lane id="stray"/>
  <bpmn:boundaryEvent id="B" attachedToRef="Gone"/>
  <bpmn:task/>
</bpmn:process>
<bpmndi:BPMNDiagram><bpmndi:BPMNPlane bpmnElement="P">
  <bpmndi:BPMNShape id="s1" bpmnElement="T" isHorizontal="maybe"><dc:Bounds x="1" y="a" width="1" height="1"/></bpmndi:BPMNShape>
  <bpmndi:BPMNShape id="s2"/>
  <bpmndi:BPMNEdge id="e1" bpmnElement="Missing"><di:waypoint x="1" y="2"/></bpmndi:BPMNEdge>
</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>"#);
    let m = round_trip(&xml);
    let kinds: Vec<WarningKind> = m.warnings.iter().map(|w| w.kind).collect();
    use WarningKind::*;
    assert_eq!(
        kinds,
        [
            UnresolvedReference,
            InvalidValue,
            InvalidValue,
            InvalidValue,
            MissingBpmnElement,
            UnresolvedReference
        ],
        "{:#?}",
        m.warnings
    );
    assert!(m.warnings[0].message.contains("\"Gone\""));
    assert_eq!(m.warnings[0].line, 5);
    // The untyped task, the unreadable bool and bounds are kept and written back.
    let out = export(&m);
    assert!(out.contains("<bpmn:task/>"), "{out}");
    assert!(out.contains("isHorizontal=\"maybe\""), "{out}");
    assert!(out.contains("y=\"a\""), "{out}");
}

#[test]
fn a_model_built_in_code_exports_with_namespaces() {
    let mut m = BpmnModel {
        namespaces: Vec::new(),
        prefix: "bpmn".into(),
        ..BpmnModel::default()
    };
    m.target_namespace = Some("http://triloop".into());
    let mut start = FlowNode::new(FlowNodeKind::StartEvent, "S");
    start.name = Some("A & B".into());
    m.content.push(DefinitionsContent::Process(Process {
        id: "P".into(),
        content: vec![
            FlowContent::FlowNode(start),
            FlowContent::FlowNode(FlowNode::new(FlowNodeKind::EndEvent, "E")),
            FlowContent::SequenceFlow(SequenceFlow::new("F", "S", "E")),
        ],
        ..Process::default()
    }));
    m.content.push(DefinitionsContent::Diagram(Diagram {
        id: Some("D".into()),
        plane: Some(Plane {
            id: Some("PL".into()),
            bpmn_element: Some("P".into()),
            content: vec![
                PlaneContent::Shape(Shape {
                    id: Some("S_di".into()),
                    bpmn_element: Some("S".into()),
                    bounds: Some(Bounds {
                        x: 10.0,
                        y: 20.0,
                        width: 36.0,
                        height: 36.0,
                    }),
                    ..Shape::default()
                }),
                PlaneContent::Edge(Edge {
                    id: Some("F_di".into()),
                    bpmn_element: Some("F".into()),
                    waypoints: vec![
                        Point {
                            x: 46.0,
                            y: 38.0,
                            extra: Extra::default(),
                        },
                        Point {
                            x: 100.5,
                            y: 38.0,
                            extra: Extra::default(),
                        },
                    ],
                    ..Edge::default()
                }),
            ],
            ..Plane::default()
        }),
        ..Diagram::default()
    }));
    let out = export(&m);
    assert!(
        out.contains(
            "<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\""
        ),
        "{out}"
    );
    assert!(out.contains("<bpmndi:BPMNDiagram xmlns:bpmndi=\"http://www.omg.org/spec/BPMN/20100524/DI\" xmlns:dc=\"http://www.omg.org/spec/DD/20100524/DC\" xmlns:di=\"http://www.omg.org/spec/DD/20100524/DI\""), "{out}");
    assert!(out.contains("name=\"A &amp; B\""), "{out}");
    assert!(out.contains("<di:waypoint x=\"100.5\" y=\"38\"/>"), "{out}");
    let back = import(out.as_bytes()).expect("re-import");
    assert!(back.warnings.is_empty(), "{:?}", back.warnings);
    assert_eq!(back.counts()["BPMNShape"], 1);
    assert_eq!(node(&back, "S").1.name.as_deref(), Some("A & B"));
}

#[test]
fn raw_content_moved_out_of_its_scope_declares_its_namespace() {
    let xml = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="t">
  <process id="P"><task id="T"><extensionElements xmlns:v="http://vendor"><v:x v:a="1"/></extensionElements></task></process>
</definitions>"#;
    let mut m = import(xml.as_bytes()).expect("import");
    // Move the vendor element to the definitions, away from the xmlns:v on extensionElements.
    let FlowContent::FlowNode(t) = &m.processes().next().expect("process").content[0] else {
        panic!("task")
    };
    let NodeContent::Raw(XmlNode::Element(ext)) = &t.content[0] else {
        panic!("extensionElements")
    };
    let moved = ext.children[0].clone();
    m.content.push(DefinitionsContent::Raw(moved));
    let out = export(&m);
    assert!(
        out.contains("<v:x xmlns:v=\"http://vendor\" v:a=\"1\"/>"),
        "{out}"
    );
    // A no-namespace element under a default namespace gets xmlns="".
    let mut m = import(xml.as_bytes()).expect("import");
    m.content
        .push(DefinitionsContent::Raw(XmlNode::Element(XmlElement {
            ns: None,
            prefix: None,
            local: "plain".into(),
            ns_decls: vec![],
            attrs: vec![],
            children: vec![],
        })));
    let out = export(&m);
    assert!(out.contains("<plain xmlns=\"\"/>"), "{out}");
    let back = import(out.as_bytes()).expect("re-import");
    assert!(
        matches!(back.content.last(), Some(DefinitionsContent::Raw(XmlNode::Element(e))) if e.ns.is_none())
    );
}

#[test]
fn line_index_counts_characters() {
    let text = "ab\ncé\u{1F600}x\n";
    let idx = super::xml::LineIndex::new(text);
    assert_eq!(idx.position(0), (1, 1));
    assert_eq!(idx.position(3), (2, 1));
    let x = text.find('x').expect("x");
    assert_eq!(idx.position(x), (2, 4));
    assert_eq!(idx.position(text.len()), (3, 1));
}

#[test]
fn serde_round_trip_of_the_model() {
    let xml = doc(
        r#"<bpmn:process id="P"><bpmn:task id="T"><bpmn:extensionElements><x:y xmlns:x="http://x">1</x:y></bpmn:extensionElements></bpmn:task></bpmn:process>"#,
    );
    let m = import(xml.as_bytes()).expect("import");
    let json = serde_json::to_string(&m).expect("serialize");
    let back: BpmnModel = serde_json::from_str(&json).expect("deserialize");
    assert_eq!(back, m);
    assert_eq!(export(&back), export(&m));
}
