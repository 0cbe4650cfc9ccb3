//! `triloop bpmn check|roundtrip` on the shared fixtures, through the real binary.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{files, triloop};

fn fixtures() -> PathBuf {
    common::fixtures("bpmn")
}

fn bpmn_files(dir: &Path) -> Vec<PathBuf> {
    files(dir, "bpmn")
}

#[test]
fn check_prints_counts_and_problems_for_every_miwg_model() {
    for file in bpmn_files(&fixtures().join("miwg-reference")) {
        let o = triloop(&["bpmn", "check", file.to_str().unwrap()]);
        assert!(
            o.status.success(),
            "{}: {}",
            file.display(),
            String::from_utf8_lossy(&o.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(report["counts"]["definitions"], 1, "{}", file.display());
        assert!(
            report["counts"]["process"].as_u64().unwrap_or(0) >= 1,
            "{}",
            file.display()
        );
        assert!(report["problems"].is_array());
        for p in report["problems"].as_array().unwrap() {
            assert!(
                p["message"]
                    .as_str()
                    .unwrap()
                    .contains(p["element"].as_str().unwrap())
            );
        }
    }
}

#[test]
fn check_finds_the_problems_of_a_small_flow() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("p.bpmn");
    std::fs::write(
        &f,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <process id="p">
    <startEvent id="s"/>
    <exclusiveGateway id="g"/>
    <task id="a" name="审核"/>
    <task id="b"/>
    <task id="lost"/>
    <endEvent id="e"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="g"/>
    <sequenceFlow id="f2" sourceRef="g" targetRef="a"/>
    <sequenceFlow id="f3" sourceRef="g" targetRef="b"/>
    <sequenceFlow id="f4" sourceRef="a" targetRef="e"/>
  </process>
</definitions>"#,
    )
    .unwrap();
    let o = triloop(&["bpmn", "check", f.to_str().unwrap()]);
    assert!(o.status.success());
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let problems: Vec<(String, String)> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["code"].as_str().unwrap().to_string(),
                p["element"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // The task nothing connects is reported once, as disconnected; the file has no diagram
    // and few labels, which bpmnlint's no-bpmndi and label-required rules report.
    let mut want = vec![
        ("disconnected", "lost"),
        ("deadEnd", "b"),
        ("missingConditions", "g"),
    ];
    want.extend(["b", "e", "g", "lost", "s"].map(|e| ("labelMissing", e)));
    want.extend(["a", "b", "e", "f1", "f2", "f3", "f4", "g", "lost", "s"].map(|e| ("notDrawn", e)));
    for &(code, el) in &want {
        assert!(
            problems.contains(&(code.to_string(), el.to_string())),
            "missing {code} {el} in {problems:?}"
        );
    }
    assert_eq!(problems.len(), want.len(), "{problems:?}");
    assert_eq!(report["counts"]["task"], 3);
    let lost = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["element"] == "lost" && p["code"] == "disconnected")
        .unwrap();
    assert_eq!(lost["severity"], "error");
    assert_eq!(lost["rules"], serde_json::json!(["no-disconnected"]));
}

#[test]
fn malformed_files_fail_with_a_clear_message() {
    let cases = [
        ("duplicate-ids.bpmn", "duplicate id"),
        ("not-bpmn.bpmn", "not a BPMN"),
        ("no-xml.txt", "line 1"),
        ("binary.png", "binary"),
        ("bad-encoding.bpmn", "encoding"),
    ];
    for (file, needle) in cases {
        let path = fixtures().join("moddle/error").join(file);
        let o = triloop(&["bpmn", "check", path.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{file}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains(file) && err.to_lowercase().contains(&needle.to_lowercase()),
            "{file}: {err}"
        );
        assert!(
            o.stdout.is_empty(),
            "{file}: nothing is printed as a result"
        );
    }
    let o = triloop(&["bpmn", "check", "/no/such/file.bpmn"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn roundtrip_writes_a_file_that_validates_and_imports_the_same() {
    let out = tempfile::tempdir().unwrap();
    let xsd = fixtures().join("xsd/BPMN20.xsd");
    for name in ["A.4.1.bpmn", "B.1.0.bpmn", "C.8.0.bpmn"] {
        let input = fixtures().join("miwg-reference").join(name);
        let output = out.path().join(name);
        let o = triloop(&[
            "bpmn",
            "roundtrip",
            input.to_str().unwrap(),
            output.to_str().unwrap(),
        ]);
        assert!(
            o.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let lint = Command::new("xmllint")
            .arg("--noout")
            .arg("--schema")
            .arg(&xsd)
            .arg(&output)
            .output()
            .expect("xmllint (libxml2-utils)");
        assert!(
            lint.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&lint.stderr)
        );
        let a = triloop(&["bpmn", "check", input.to_str().unwrap()]);
        let b = triloop(&["bpmn", "check", output.to_str().unwrap()]);
        let (a, b): (serde_json::Value, serde_json::Value) = (
            serde_json::from_slice(&a.stdout).unwrap(),
            serde_json::from_slice(&b.stdout).unwrap(),
        );
        assert_eq!(a["counts"], b["counts"], "{name}");
        assert_eq!(a["problems"], b["problems"], "{name}");
    }
}

/// A fixture file, the (kind, text) of each warning it must give, the (code, element) of
/// problems it must list.
type FieldCase<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a [(&'a str, &'a str)]);

fn field_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../formats/tests/fixtures")
        .join(name)
}

#[test]
fn check_opens_files_with_broken_references_and_lists_them() {
    let cases: &[FieldCase] = &[
        (
            "signavio-dangling-source.bpmn",
            &[("unresolvedReference", "sourceRef \"sid-check-credit\"")],
            &[("danglingFlow", "sid-flow-2")],
        ),
        (
            "signavio-flow-without-ends.bpmn",
            &[
                ("missingReference", "has no sourceRef"),
                ("missingReference", "has no targetRef"),
            ],
            &[("danglingFlow", "sid-orphan")],
        ),
        (
            "broken-references.bpmn",
            &[
                ("missingReference", "messageFlow id=\"Message_lost\""),
                ("unresolvedReference", "flowNodeRef \"Task_deleted\""),
                ("unresolvedReference", "default flow \"Flow_gone\""),
                ("missingReference", "boundaryEvent id=\"Timeout\""),
                ("unresolvedReference", "BPMNShape id=\"Ghost_di\""),
            ],
            &[
                ("brokenReference", "Message_lost"),
                ("brokenReference", "Lane_clerk"),
                ("brokenReference", "Decide"),
                ("brokenReference", "Timeout"),
                ("brokenReference", "Ghost_di"),
            ],
        ),
    ];
    for (file, warnings, problems) in cases {
        let o = triloop(&["bpmn", "check", field_fixture(file).to_str().unwrap()]);
        assert!(
            o.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let got = report["warnings"].as_array().unwrap();
        assert_eq!(got.len(), warnings.len(), "{file}: {got:?}");
        for (w, (kind, says)) in got.iter().zip(*warnings) {
            assert_eq!(w["kind"], *kind, "{file}: {w}");
            assert!(w["message"].as_str().unwrap().contains(says), "{file}: {w}");
            assert!(w["line"].as_u64().unwrap() > 1, "{file}: {w}");
        }
        let listed: Vec<(String, String)> = report["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["code"].to_string(), p["element"].to_string()))
            .collect();
        for (code, element) in *problems {
            let want = (format!("\"{code}\""), format!("\"{element}\""));
            assert!(listed.contains(&want), "{file}: {want:?} not in {listed:?}");
        }
    }
}

#[test]
fn what_cannot_be_read_still_fails_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &[u8], &str)] = &[
        ("not-xml.bpmn", b"this is no XML", "line 1, column 1"),
        (
            "not-bpmn.bpmn",
            b"<?xml version=\"1.0\"?>\n<definitions xmlns=\"http://not-bpmn\"/>",
            "line 2, column 1",
        ),
        (
            "bad-encoding.bpmn",
            b"<?xml version=\"1.0\" encoding=\"windows-1252\"?>\n<definitions/>",
            "line 1, column 31",
        ),
        (
            "duplicate-id.bpmn",
            b"<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">\n<process id=\"P\">\n<task id=\"P\"/></process></definitions>",
            "line 3, column 1",
        ),
    ];
    for (name, bytes, position) in cases {
        let f = dir.path().join(name);
        std::fs::write(&f, bytes).unwrap();
        let o = triloop(&["bpmn", "check", f.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{name}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(position), "{name}: {err}");
        assert!(
            o.stdout.is_empty(),
            "{name}: nothing half-imported is printed"
        );
    }
}
