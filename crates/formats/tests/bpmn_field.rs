//! BPMN from the field: files other tools really write, with references to elements they
//! dropped or without references BPMN requires. They import with a warning for each oddity,
//! round-trip exactly as they came, are not drawn where they cannot be, and a person's fix on
//! the canvas writes a correct reference.

mod common;

use std::path::PathBuf;

use common::{first_difference, infoset, without_warnings};
use formats::bpmn::flowdoc::{from_flow, to_flow};
use formats::bpmn::{
    BpmnModel, CollaborationContent, FlowContent, WarningKind, export, import, validation_graph,
};
use model::flow::{EdgeKind, FlowEdge};
use model::validate::{ProblemCode, validate};

fn fixture(name: &str) -> (String, BpmnModel) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let model = import(text.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
    (text, model)
}

/// The 1-based line of the first line of `text` that contains `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    1 + text
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} is not in the file"))
}

/// Checks the warnings of a fixture: each expected one is (kind, what the message must say,
/// the text of the line it must point at), in order, and there are no others.
fn check_warnings(name: &str, expected: &[(WarningKind, &[&str], &str)]) -> (String, BpmnModel) {
    let (text, m) = fixture(name);
    assert_eq!(
        m.warnings.len(),
        expected.len(),
        "{name}: {:#?}",
        m.warnings
    );
    for (w, (kind, says, at)) in m.warnings.iter().zip(expected) {
        assert_eq!(w.kind, *kind, "{name}: {w}");
        for s in *says {
            assert!(w.message.contains(s), "{name}: {w} does not say {s:?}");
        }
        assert_eq!(w.line, line_of(&text, at), "{name}: {w}");
    }
    (text, m)
}

/// Import, export: an independent XML reader sees the same elements, attributes and text.
fn round_trips_as_it_came(name: &str, text: &str, m: &BpmnModel) {
    let out = export(m);
    if let Some(d) = first_difference(&infoset(text), &infoset(&out), "") {
        panic!("{name}: {d}\n{out}");
    }
    // An untouched canvas writes the same model back.
    let back = from_flow(&to_flow(m), Some(m));
    assert_eq!(without_warnings(&back), without_warnings(m), "{name}");
}

fn sequence_flow<'a>(m: &'a BpmnModel, id: &str) -> &'a formats::bpmn::SequenceFlow {
    m.flow_elements()
        .into_iter()
        .find_map(|c| match c.element {
            FlowContent::SequenceFlow(f) if f.id == id => Some(f),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no sequence flow {id}"))
}

fn problems(m: &BpmnModel) -> Vec<(ProblemCode, String)> {
    validate(&validation_graph(m))
        .into_iter()
        .map(|p| (p.code, p.element))
        .collect()
}

#[test]
fn a_flow_whose_source_was_deleted_opens_and_comes_back_as_it_was() {
    let (text, m) = check_warnings(
        "signavio-dangling-source.bpmn",
        &[(
            WarningKind::UnresolvedReference,
            &[
                "sequenceFlow id=\"sid-flow-2\"",
                "sourceRef \"sid-check-credit\"",
            ],
            "id=\"sid-flow-2\"",
        )],
    );
    let f = sequence_flow(&m, "sid-flow-2");
    assert_eq!(f.source_ref.as_deref(), Some("sid-check-credit"));
    assert_eq!(f.target_ref.as_deref(), Some("sid-review"));
    round_trips_as_it_came("signavio-dangling-source.bpmn", &text, &m);

    // The canvas does not draw a flow with one end; the rest is there.
    let flow = to_flow(&m);
    let edges: Vec<&str> = flow.edges.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(edges, ["sid-flow-1", "sid-flow-3"]);
    assert_eq!(flow.nodes.len(), 3);

    // The problems list shows it, so that a person can fix it.
    assert!(
        problems(&m).contains(&(ProblemCode::DanglingFlow, "sid-flow-2".into())),
        "{:?}",
        problems(&m)
    );
}

#[test]
fn a_flow_without_ends_opens_and_a_fix_on_the_canvas_writes_correct_references() {
    let (text, m) = check_warnings(
        "signavio-flow-without-ends.bpmn",
        &[
            (
                WarningKind::MissingReference,
                &["sequenceFlow id=\"sid-orphan\"", "has no sourceRef"],
                "id=\"sid-orphan\"",
            ),
            (
                WarningKind::MissingReference,
                &["sequenceFlow id=\"sid-orphan\"", "has no targetRef"],
                "id=\"sid-orphan\"",
            ),
        ],
    );
    let f = sequence_flow(&m, "sid-orphan");
    assert_eq!(
        (f.source_ref.as_deref(), f.target_ref.as_deref()),
        (None, None)
    );
    round_trips_as_it_came("signavio-flow-without-ends.bpmn", &text, &m);
    // Nothing invented: the export has no sourceRef or targetRef on it.
    let out = export(&m);
    let line = out.lines().find(|l| l.contains("\"sid-orphan\"")).unwrap();
    assert!(
        !line.contains("sourceRef") && !line.contains("targetRef"),
        "{line}"
    );

    let mut flow = to_flow(&m);
    assert!(flow.edges.iter().all(|e| e.id != "sid-orphan"));
    assert!(problems(&m).contains(&(ProblemCode::DanglingFlow, "sid-orphan".into())));

    // A person connects it on the canvas (the problems list's fix gives it the same id).
    flow.edges.push(FlowEdge {
        name: "leftover".into(),
        ..FlowEdge::new("sid-orphan", EdgeKind::SequenceFlow, "sid-start", "sid-end")
    });
    let fixed = from_flow(&flow, Some(&m));
    let f = sequence_flow(&fixed, "sid-orphan");
    assert_eq!(f.source_ref.as_deref(), Some("sid-start"));
    assert_eq!(f.target_ref.as_deref(), Some("sid-end"));
    let again = import(export(&fixed).as_bytes()).unwrap();
    assert_eq!(again.warnings, [], "{}", export(&fixed));
    assert!(!problems(&again).contains(&(ProblemCode::DanglingFlow, "sid-orphan".into())));
    let count = again
        .flow_elements()
        .iter()
        .filter(|c| c.element.id() == Some("sid-orphan"))
        .count();
    assert_eq!(count, 1, "the fix replaced the flow, it did not add one");
}

#[test]
fn every_other_broken_reference_is_a_warning_and_a_problem() {
    let (text, m) = check_warnings(
        "broken-references.bpmn",
        &[
            (
                WarningKind::MissingReference,
                &["messageFlow id=\"Message_lost\"", "has no targetRef"],
                "id=\"Message_lost\"",
            ),
            (
                WarningKind::UnresolvedReference,
                &["lane id=\"Lane_clerk\"", "flowNodeRef \"Task_deleted\""],
                ">Task_deleted<",
            ),
            (
                WarningKind::UnresolvedReference,
                &[
                    "exclusiveGateway id=\"Decide\"",
                    "default flow \"Flow_gone\"",
                ],
                "id=\"Decide\"",
            ),
            (
                WarningKind::MissingReference,
                &["boundaryEvent id=\"Timeout\"", "has no attachedToRef"],
                "id=\"Timeout\"",
            ),
            (
                WarningKind::UnresolvedReference,
                &["BPMNShape id=\"Ghost_di\"", "bpmnElement \"Task_deleted\""],
                "id=\"Ghost_di\"",
            ),
        ],
    );
    round_trips_as_it_came("broken-references.bpmn", &text, &m);

    // The message flow without target is kept as it came, and not drawn; the DI shape of
    // the deleted task draws nothing.
    let kept = m
        .collaborations()
        .flat_map(|c| &c.content)
        .find_map(|c| match c {
            CollaborationContent::MessageFlow(f) if f.id == "Message_lost" => Some(f),
            _ => None,
        })
        .unwrap();
    assert_eq!(kept.source_ref.as_deref(), Some("Customer"));
    assert_eq!(kept.target_ref, None);
    let flow = to_flow(&m);
    assert!(flow.edges.iter().all(|e| e.id != "Message_lost"));
    assert!(flow.nodes.iter().all(|n| n.id != "Task_deleted"));

    let got = problems(&m);
    for element in [
        "Message_lost",
        "Lane_clerk",
        "Decide",
        "Timeout",
        "Ghost_di",
    ] {
        assert!(
            got.contains(&(ProblemCode::BrokenReference, element.to_string())),
            "{element}: {got:?}"
        );
    }
}

#[test]
fn what_cannot_be_read_is_still_refused_with_line_and_column() {
    let cases: &[(&str, &[u8], &str)] = &[
        ("not XML", b"hello, this is not a BPMN file", "line 1, column 1"),
        (
            "not BPMN",
            b"<?xml version=\"1.0\"?>\n<definitions xmlns=\"http://not-bpmn\"/>",
            "line 2",
        ),
        (
            "bad encoding",
            b"<?xml version=\"1.0\" encoding=\"windows-1252\"?><definitions/>",
            "windows-1252",
        ),
        (
            "duplicate ids",
            b"<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">\n<process id=\"P\"><task id=\"T\"/>\n<sequenceFlow id=\"T\" sourceRef=\"Gone\"/></process></definitions>",
            "duplicate id \"T\" at line 3",
        ),
    ];
    for (name, input, says) in cases {
        let err = import(input).expect_err(name);
        assert!(err.to_string().contains(says), "{name}: {err}");
        assert!(err.line().is_some(), "{name}: {err}");
    }
}

#[test]
fn fixes_on_the_canvas_write_correct_references() {
    let (_, m) = fixture("broken-references.bpmn");
    let mut flow = to_flow(&m);
    // The boundary event without host is drawn where the file put it; a person attaches
    // it to the task and picks the gateway's default flow among its outgoing flows.
    let timeout = flow.nodes.iter_mut().find(|n| n.id == "Timeout").unwrap();
    assert_eq!(timeout.attached_to, None);
    timeout.attached_to = Some("Work".into());
    let decide = flow.nodes.iter_mut().find(|n| n.id == "Decide").unwrap();
    assert_eq!(decide.default_flow.as_deref(), Some("Flow_gone"));
    decide.default_flow = Some("F2".into());
    let fixed = import(export(&from_flow(&flow, Some(&m))).as_bytes()).unwrap();
    let node = |id: &str| {
        fixed
            .flow_elements()
            .into_iter()
            .find_map(|c| match c.element {
                FlowContent::FlowNode(n) if n.id == id => Some(n.clone()),
                _ => None,
            })
            .unwrap()
    };
    assert_eq!(node("Timeout").attached_to_ref.as_deref(), Some("Work"));
    assert_eq!(node("Decide").default_flow.as_deref(), Some("F2"));
    let got = problems(&fixed);
    for fixed_element in ["Timeout", "Decide"] {
        assert!(
            !got.contains(&(ProblemCode::BrokenReference, fixed_element.to_string())),
            "{fixed_element}: {got:?}"
        );
    }
    // What the canvas does not show is still there, as it came.
    assert!(got.contains(&(ProblemCode::BrokenReference, "Ghost_di".to_string())));
    assert!(got.contains(&(ProblemCode::BrokenReference, "Message_lost".to_string())));
}
