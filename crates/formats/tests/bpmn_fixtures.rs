//! Data-driven tests over the third-party BPMN fixtures in `shared/fixtures/bpmn`:
//! import, round trip (model, summary, extension content, counts, the document itself),
//! XSD validation of every export, fragments, and the malformed files in moddle/error.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::*;
use formats::bpmn::*;

/// Imports a fixture and checks that the export keeps everything: the re-imported model is
/// equal (warnings aside, whose positions follow the layout), so are the normalized summary,
/// the foreign content, the counts and the document as an independent XML reader sees it;
/// exporting again gives the same text.
fn round_trip(path: &Path) -> (BpmnModel, String) {
    let bytes = std::fs::read(path).expect("read fixture");
    let file = name(path);
    let m1 = import(&bytes).unwrap_or_else(|e| panic!("{file}: {e}"));
    let out1 = export(&m1);
    let m2 = import(out1.as_bytes()).unwrap_or_else(|e| panic!("{file}: re-import: {e}\n{out1}"));

    assert_eq!(summary(&m1), summary(&m2), "{file}: summary changed");
    assert_eq!(
        foreign_content(&m1),
        foreign_content(&m2),
        "{file}: extension content changed"
    );
    assert!(
        without_warnings(&m1) == without_warnings(&m2),
        "{file}: the re-imported model differs"
    );
    let warn = |m: &BpmnModel| -> Vec<(WarningKind, String)> {
        m.warnings
            .iter()
            .map(|w| (w.kind, w.message.clone()))
            .collect()
    };
    assert_eq!(warn(&m1), warn(&m2), "{file}: warnings changed");
    assert_eq!(export(&m2), out1, "{file}: export is not stable");

    // Nothing dropped or changed, as an independent reader sees the documents.
    let original = String::from_utf8_lossy(&bytes).into_owned();
    let before = infoset(&original);
    let after = infoset(&out1);
    if let Some(d) = first_difference(&before, &after, "") {
        panic!("{file}: the exported document differs from the original at {d}");
    }
    assert_eq!(m1.counts(), infoset_counts(&before), "{file}: counts");
    assert_eq!(m1.counts(), m2.counts(), "{file}: counts after round trip");
    (m1, out1)
}

fn kinds(m: &BpmnModel) -> Vec<WarningKind> {
    m.warnings.iter().map(|w| w.kind).collect()
}

#[test]
fn miwg_reference_models_import_and_round_trip() {
    let dir = fixtures().join("miwg-reference");
    let paths = files(&dir, ".bpmn");
    assert!(
        paths.len() >= 16,
        "MIWG fixtures missing in {}",
        dir.display()
    );
    let mut total = 0;
    for p in &paths {
        let (m, _) = round_trip(p);
        let expected: Vec<WarningKind> = match name(p).as_str() {
            // An edge without bpmnElement (a label connector of the tool that wrote it).
            "C.7.0.bpmn" => vec![WarningKind::MissingBpmnElement],
            _ => vec![],
        };
        assert_eq!(kinds(&m), expected, "{}: {:#?}", name(p), m.warnings);
        let c = m.counts();
        assert!(
            c.get("BPMNShape").copied().unwrap_or(0) > 0,
            "{}: no shapes",
            name(p)
        );
        total += c.values().sum::<usize>();
    }
    assert!(total > 5000, "only {total} elements in the MIWG models");
}

#[test]
fn miwg_models_keep_their_typed_content() {
    // The typed model sees what the reference models contain.
    let mut all: BTreeMap<String, usize> = BTreeMap::new();
    for p in files(&fixtures().join("miwg-reference"), ".bpmn") {
        let m = import(&std::fs::read(&p).expect("read")).expect("import");
        for (k, v) in m.counts() {
            *all.entry(k).or_default() += v;
        }
        let untyped: Vec<String> = m
            .flow_elements()
            .iter()
            .filter_map(|e| match e.element {
                FlowContent::Raw(XmlNode::Element(x)) if x.attr("id").is_some() => {
                    Some(x.local.clone())
                }
                _ => None,
            })
            .filter(|l| FlowNodeKind::from_local_name(l).is_some() || l == "sequenceFlow")
            .collect();
        assert!(untyped.is_empty(), "{}: untyped {untyped:?}", name(&p));
        // Every typed flow node that has a shape points at an existing node, and every
        // sequence flow joins typed or kept elements.
        let ids: Vec<&str> = m
            .flow_elements()
            .iter()
            .filter_map(|e| e.element.id())
            .collect();
        for e in m.flow_elements() {
            if let FlowContent::SequenceFlow(f) = e.element {
                assert!(ids.contains(&f.source()), "{}: {}", name(&p), f.id);
                assert!(ids.contains(&f.target()), "{}: {}", name(&p), f.id);
            }
        }
    }
    for k in [
        "startEvent",
        "endEvent",
        "intermediateCatchEvent",
        "intermediateThrowEvent",
        "boundaryEvent",
        "task",
        "userTask",
        "serviceTask",
        "manualTask",
        "businessRuleTask",
        "sendTask",
        "subProcess",
        "callActivity",
        "exclusiveGateway",
        "parallelGateway",
        "eventBasedGateway",
        "messageEventDefinition",
        "timerEventDefinition",
        "errorEventDefinition",
        "signalEventDefinition",
        "escalationEventDefinition",
        "compensateEventDefinition",
        "terminateEventDefinition",
        "sequenceFlow",
        "dataObject",
        "dataObjectReference",
        "dataStoreReference",
        "dataInputAssociation",
        "dataOutputAssociation",
        "textAnnotation",
        "association",
        "group",
        "laneSet",
        "lane",
        "collaboration",
        "participant",
        "messageFlow",
        "BPMNShape",
        "BPMNEdge",
        "BPMNLabel",
        "BPMNLabelStyle",
    ] {
        assert!(
            all.get(k).copied().unwrap_or(0) > 0,
            "no {k} in the MIWG models: {all:?}"
        );
    }
    // In B.1.0 every flow node of the pools' processes has a shape.
    let m = import(&std::fs::read(fixtures().join("miwg-reference/B.1.0.bpmn")).expect("read"))
        .expect("import");
    let plane = m
        .diagrams()
        .next()
        .and_then(|d| d.plane.as_ref())
        .expect("plane");
    let shown: Vec<&str> = plane
        .content
        .iter()
        .filter_map(|c| match c {
            PlaneContent::Shape(s) => s.bpmn_element.as_deref(),
            _ => None,
        })
        .collect();
    let pools: Vec<&str> = m
        .collaborations()
        .flat_map(|c| &c.content)
        .filter_map(|c| match c {
            CollaborationContent::Participant(p) => p.process_ref.as_deref(),
            _ => None,
        })
        .collect();
    fn nodes<'a>(content: &'a [FlowContent], out: &mut Vec<&'a FlowNode>) {
        for c in content {
            if let FlowContent::FlowNode(n) = c {
                out.push(n);
                nodes(&n.children, out);
            }
        }
    }
    let mut shown_nodes = Vec::new();
    for p in m.processes().filter(|p| pools.contains(&p.id.as_str())) {
        nodes(&p.content, &mut shown_nodes);
    }
    assert!(shown_nodes.len() > 20, "{}", shown_nodes.len());
    for n in shown_nodes {
        assert!(
            shown.contains(&n.id.as_str()),
            "B.1.0: {} has no shape",
            n.id
        );
    }
}

/// moddle files that are not BPMN documents by design, or not well-formed.
fn moddle_expected_error(file: &str) -> Option<&'static str> {
    match file {
        // `xmlns:.color` and `.color` are not XML names: the file is not well-formed.
        "attrs.bpmn" => Some("invalid attribute name \"xmlns:.color\""),
        _ => None,
    }
}

/// Warnings the tolerant import reports on moddle files.
fn moddle_expected_warnings(file: &str) -> Vec<WarningKind> {
    use WarningKind::*;
    match file {
        // DI-only test files whose BPMN elements are not in the file.
        "di-extension.bpmn" | "namespace-prefix-collision.bpmn" => vec![UnresolvedReference; 4],
        // extensionElements directly in definitions: not allowed by BPMN 2.0.
        "extension-elements.bpmn" => vec![MisplacedElement],
        // A process, collaboration or text annotation without id stays raw.
        "operation-ref-as-attribute.bpmn"
        | "participant-interfaceRef.bpmn"
        | "process-children.bpmn" => vec![InvalidValue],
        _ => vec![],
    }
}

fn moddle_documents() -> Vec<PathBuf> {
    let dir = fixtures().join("moddle");
    let mut v: Vec<PathBuf> = files(&dir, ".bpmn")
        .into_iter()
        .filter(|p| !name(p).ends_with(".part.bpmn"))
        .collect();
    v.extend(
        files(&dir.join("extension/camunda"), ".bpmn")
            .into_iter()
            .filter(|p| !name(p).ends_with(".part.bpmn")),
    );
    v
}

#[test]
fn moddle_models_import_and_round_trip() {
    let paths = moddle_documents();
    assert!(paths.len() >= 40, "moddle fixtures missing");
    let mut imported = 0;
    for p in &paths {
        let file = name(p);
        if let Some(needle) = moddle_expected_error(&file) {
            let err = import(&std::fs::read(p).expect("read")).expect_err(&file);
            assert!(err.to_string().contains(needle), "{file}: {err}");
            continue;
        }
        let (m, _) = round_trip(p);
        assert_eq!(
            kinds(&m),
            moddle_expected_warnings(&file),
            "{file}: {:#?}",
            m.warnings
        );
        imported += 1;
    }
    assert!(imported >= 40);
}

#[test]
fn moddle_models_keep_extensions_and_vendor_attributes() {
    let cases: &[(&str, &[&str])] = &[
        (
            "extension/camunda/inputOutput.bpmn",
            &[
                "{http://activiti.org/bpmn}inputOutput",
                "{http://activiti.org/bpmn}entry",
            ],
        ),
        (
            "extension-attributes.bpmn",
            &[
                "{http://activiti.org/bpmn}assignee=\"test\"",
                "{http://activiti.org/bpmn}priority=\"12\"",
            ],
        ),
        (
            "bpmn-in-color.bpmn",
            &["{http://www.omg.org/spec/BPMN/non-normative/color/1.0}border-color=\"#990099\""],
        ),
        (
            "nested-default-namespace-prefix.bpmn",
            &["{http://default}Entry", "{http://foo}config"],
        ),
        ("nested-no-namespace-prefix.bpmn", &["{http://foo}config"]),
        (
            "i18n.bpmn",
            &["{http://www.omg.org/spec/BPMN/non-normative/extensions/i18n/1.0}translation"],
        ),
        (
            "di-extension.bpmn",
            &["{http://vendor}baz", "{http://vendor}bar"],
        ),
    ];
    for (file, needles) in cases {
        let m = import(&std::fs::read(fixtures().join("moddle").join(file)).expect("read"))
            .expect("import");
        let kept = foreign_content(&m);
        for n in *needles {
            assert!(
                kept.iter().any(|k| k.starts_with(n)),
                "{file}: {n} not kept: {kept:#?}"
            );
        }
        let out = export(&m);
        let again = import(out.as_bytes()).expect("re-import");
        assert_eq!(foreign_content(&again), kept, "{file}");
    }
    // No-namespace children of a foreign element stay in no namespace.
    let m = import(
        &std::fs::read(fixtures().join("moddle/nested-no-namespace-prefix.bpmn")).expect("read"),
    )
    .expect("import");
    let out = export(&m);
    assert!(out.contains("<Entry key=\"A\" value=\"B\"/>"), "{out}");
}

#[test]
fn fragments_are_refused_with_their_root_named() {
    // The *.part.bpmn files are single elements (a task, a lane, a DI edge, a camunda
    // extension) used by moddle's unit tests, not definitions documents.
    let dir = fixtures().join("moddle");
    let mut paths = files(&dir, ".part.bpmn");
    paths.extend(files(&dir.join("di"), ".part.bpmn"));
    paths.extend(files(&dir.join("extension"), ".part.bpmn"));
    paths.extend(files(&dir.join("extension/camunda"), ".part.bpmn"));
    assert!(paths.len() >= 30, "{}", paths.len());
    for p in &paths {
        let text = std::fs::read_to_string(p).expect("read");
        let root = text
            .split('<')
            .find(|s| !s.starts_with('?') && !s.starts_with('!') && !s.trim().is_empty())
            .and_then(|s| {
                s.split(|c: char| c.is_whitespace() || c == '>' || c == '/')
                    .next()
            })
            .expect("root name")
            .to_string();
        match import(text.as_bytes()) {
            Err(e @ BpmnError::NotBpmn { .. }) => {
                let msg = e.to_string();
                assert!(msg.contains(&format!("<{root}>")), "{}: {msg}", name(p));
                assert!(msg.contains("expected <definitions>"), "{}: {msg}", name(p));
            }
            other => panic!("{}: {other:?}", name(p)),
        }
    }
}

/// What each file in moddle/error gives.
enum Outcome {
    /// An error whose message contains all of these and points at this line.
    Error(&'static [&'static str], Option<usize>),
    /// Imported, with these warnings (kinds) whose messages contain the text.
    Warns(&'static [WarningKind], &'static str),
}

fn error_fixture_outcome(file: &str) -> Outcome {
    use Outcome::*;
    use WarningKind::*;
    match file {
        "bad-encoding.bpmn" => Error(&["unsupported encoding \"windows-1252\"", "UTF-8"], Some(1)),
        "binary.png" => Error(&["binary data", "PNG"], None),
        "no-xml.txt" => Error(&["not an XML document", "this is no xml"], Some(1)),
        "not-bpmn.bpmn" => Error(&["not a BPMN 2.0 document", "http://not-bpmn"], Some(2)),
        "duplicate-ids.bpmn" => Error(&["duplicate id \"test\"", "line 7", "line 2"], Some(7)),
        "invalid-attributes.bpmn" => {
            Error(&["malformed XML", "invalid attribute name \"$a\""], Some(3))
        }
        "xmlns-redeclaration.bpmn" => Error(&["malformed XML", "given twice", "xmlns"], Some(2)),
        "di-no-bpmn-element.bpmn" => Warns(&[MissingBpmnElement], "has no bpmnElement"),
        "categoryValue.bpmn" => Warns(
            &[MisplacedElement],
            "<categoryValue> is not allowed directly inside definitions",
        ),
        "extension-definition-missing.bpmn" => Warns(&[UnresolvedReference], "\"ino:tInnovator\""),
        "undeclared-ns-child.bpmn" => Warns(&[ForeignElement], "<someElement> in no namespace"),
        "unrecognized-child.bpmn" => Warns(
            &[UnknownElement],
            "<bpmn2:unrecognized> is not a BPMN 2.0 element",
        ),
        other => panic!(
            "no expected outcome for moddle/error/{other}: add it to the table and the README"
        ),
    }
}

#[test]
fn error_fixtures_give_the_expected_outcome() {
    let paths = files(&fixtures().join("moddle/error"), "");
    assert_eq!(paths.len(), 12, "{paths:?}");
    for p in &paths {
        let file = name(p);
        let bytes = std::fs::read(p).expect("read");
        match (error_fixture_outcome(&file), import(&bytes)) {
            (Outcome::Error(needles, line), Err(e)) => {
                let msg = e.to_string();
                for n in needles {
                    assert!(msg.contains(n), "{file}: {msg:?} does not mention {n:?}");
                }
                assert_eq!(e.line(), line, "{file}: {msg}");
            }
            (Outcome::Warns(expected, needle), Ok(m)) => {
                assert_eq!(kinds(&m), expected, "{file}: {:#?}", m.warnings);
                assert!(
                    m.warnings.iter().any(|w| w.message.contains(needle)),
                    "{file}: {:#?}",
                    m.warnings
                );
                // Tolerated content is kept and round-trips.
                round_trip(p);
            }
            (Outcome::Error(..), Ok(m)) => panic!("{file}: imported: {:#?}", m.warnings),
            (Outcome::Warns(..), Err(e)) => panic!("{file}: {e}"),
        }
    }
}

#[test]
fn exports_validate_against_the_xsd() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut inputs: Vec<PathBuf> = files(&fixtures().join("miwg-reference"), ".bpmn");
    inputs.extend(moddle_documents());
    inputs.extend(files(&fixtures().join("moddle/error"), ".bpmn"));
    let mut sources = Vec::new();
    let mut exported = Vec::new();
    for (i, p) in inputs.iter().enumerate() {
        let Ok(m) = import(&std::fs::read(p).expect("read")) else {
            continue;
        };
        let out = tmp.path().join(format!("{i}-{}", name(p)));
        std::fs::write(&out, export(&m)).expect("write export");
        sources.push(p.clone());
        exported.push(out);
    }
    assert!(exported.len() >= 60, "{}", exported.len());
    let before = xmllint(&sources);
    let after = xmllint(&exported);
    // Inputs that are not valid BPMN 2.0 themselves: their content is kept, so their
    // exports are not valid either, for the same reasons.
    let invalid_inputs: BTreeMap<String, &str> = [
        ("di-extension.bpmn", "strict wildcard"),
        ("extension-elements.bpmn", "extensionElements"),
        ("categoryValue.bpmn", "categoryValue"),
        ("undeclared-ns-child.bpmn", "someElement"),
        ("unrecognized-child.bpmn", "unrecognized"),
        ("extension-definition-missing.bpmn", "ino:tInnovator"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let mut seen_invalid = Vec::new();
    for ((src, b), a) in sources.iter().zip(&before).zip(&after) {
        let file = name(src);
        match (b, a) {
            (Ok(()), Ok(())) => {}
            (Ok(()), Err(e)) => panic!("{file}: the export does not validate: {e:#?}"),
            (Err(e1), Err(e2)) => {
                let why = invalid_inputs
                    .get(&file)
                    .unwrap_or_else(|| panic!("{file}: the input does not validate: {e1:#?}"));
                assert!(e1.iter().any(|e| e.contains(why)), "{file}: {e1:#?}");
                assert_eq!(e1, e2, "{file}: the export fails differently");
                seen_invalid.push(file);
            }
            (Err(e), Ok(())) => panic!("{file}: invalid input {e:#?} gave a valid export"),
        }
    }
    seen_invalid.sort();
    let expected: Vec<String> = invalid_inputs.keys().cloned().collect();
    assert_eq!(seen_invalid, expected);
}
