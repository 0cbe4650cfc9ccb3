//! Triloop's validation against bpmnlint's own rule fixtures: for every rule of bpmnlint's
//! recommended configuration that Triloop implements (see `ProblemCode::rules`), every
//! `RULE__invalid*.bpmn` must get one of that rule's problem codes and every
//! `RULE__valid*.bpmn` (and `RULE__ignore*.bpmn`, which bpmnlint must not report) none. The
//! test prints the coverage and fails on any miss or false report.
//!
//! `cargo test -p formats --test bpmnlint -- --nocapture` shows the table.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{files, fixtures, name};
use formats::bpmn::{import, validation_graph};
use model::flow::NodeKind;
use model::validate::{FlowGraph, ProblemCode, Severity, validate};

/// Fixtures that are not namespace-well-formed XML (a prefix used without declaration),
/// which Triloop refuses like every file it cannot read, while bpmnlint's moddle reads them.
const NOT_XML: &[&str] = &["no-bpmndi__valid-no-lanes.bpmn"];

/// bpmnlint's recommended rules and their default severity, from the shared fixtures.
fn recommended() -> BTreeMap<String, String> {
    let path = fixtures().join("bpmnlint/recommended.json");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    v["rules"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect()
}

/// The codes that stand for each bpmnlint rule.
fn codes_by_rule() -> BTreeMap<&'static str, Vec<ProblemCode>> {
    let mut out: BTreeMap<&str, Vec<ProblemCode>> = BTreeMap::new();
    for &c in ProblemCode::ALL {
        for rule in c.rules() {
            out.entry(*rule).or_default().push(c);
        }
    }
    out
}

/// A disconnected node is reported once, as `Disconnected`; bpmnlint reports it besides as
/// an implicit start unless it is a start, boundary or link catch event, and as an implicit
/// end unless it is an end or link throw event.
fn disconnected_counts_for(rule: &str, graph: &FlowGraph, element: &str) -> bool {
    let Some(n) = graph.nodes.iter().find(|n| n.id == element) else {
        return false;
    };
    let link = n.link_name.is_some();
    match rule {
        "no-implicit-start" => {
            !(matches!(n.kind, NodeKind::StartEvent | NodeKind::BoundaryEvent)
                || (link && n.kind == NodeKind::IntermediateCatchEvent))
        }
        "no-implicit-end" => {
            n.kind != NodeKind::EndEvent && !(link && n.kind == NodeKind::IntermediateThrowEvent)
        }
        _ => false,
    }
}

#[test]
fn every_code_of_a_rule_has_the_rules_default_severity() {
    let rules = recommended();
    for (rule, codes) in codes_by_rule() {
        let want = match rules.get(rule).map(String::as_str) {
            Some("error") => Severity::Error,
            Some("warn") => Severity::Warning,
            other => panic!("{rule} is not a recommended rule ({other:?})"),
        };
        for c in codes {
            assert_eq!(c.severity(), want, "{c:?} ({rule})");
        }
    }
}

#[test]
fn bpmnlint_fixtures_get_the_rules_problems() {
    let rules = recommended();
    let by_rule = codes_by_rule();
    let dir = fixtures().join("bpmnlint");
    let mut flagged = 0;
    let mut invalid = 0;
    let mut false_reports = 0;
    let mut valid = 0;
    let mut failures: Vec<String> = Vec::new();
    let mut table: Vec<String> = Vec::new();
    let mut unreadable: Vec<String> = Vec::new();
    let implemented: BTreeSet<&str> = rules
        .keys()
        .map(String::as_str)
        .filter(|r| by_rule.contains_key(r))
        .collect();
    for rule in &implemented {
        let codes = &by_rule[rule];
        let (mut ok_invalid, mut n_invalid, mut ok_valid, mut n_valid) = (0, 0, 0, 0);
        for p in files(&dir, ".bpmn") {
            let file = name(&p);
            let Some((r, case)) = file.split_once("__") else {
                continue;
            };
            if r != *rule {
                continue;
            }
            let expect_problem = case.starts_with("invalid");
            let model = match import(&std::fs::read(&p).unwrap()) {
                Ok(m) => m,
                Err(e) if NOT_XML.contains(&file.as_str()) => {
                    assert!(e.to_string().contains("is not declared"), "{file}: {e}");
                    unreadable.push(file.clone());
                    continue;
                }
                Err(e) => {
                    failures.push(format!("{file}: does not import: {e}"));
                    continue;
                }
            };
            let graph = validation_graph(&model);
            let problems = validate(&graph);
            let hits: Vec<String> = problems
                .iter()
                .filter(|p| {
                    codes.contains(&p.code)
                        || (p.code == ProblemCode::Disconnected
                            && disconnected_counts_for(rule, &graph, &p.element))
                })
                .map(|p| format!("{:?} on {}", p.code, p.element))
                .collect();
            if expect_problem {
                n_invalid += 1;
                if hits.is_empty() {
                    failures.push(format!("{file}: no {rule} problem (got {problems:?})"));
                } else {
                    ok_invalid += 1;
                }
            } else {
                n_valid += 1;
                if hits.is_empty() {
                    ok_valid += 1;
                } else {
                    failures.push(format!("{file}: falsely reported {hits:?}"));
                }
            }
        }
        assert!(n_invalid > 0, "no invalid fixture for {rule}");
        table.push(format!(
            "{rule:40} {ok_invalid}/{n_invalid} invalid flagged, {ok_valid}/{n_valid} valid clean"
        ));
        flagged += ok_invalid;
        invalid += n_invalid;
        false_reports += n_valid - ok_valid;
        valid += n_valid;
    }
    let left_out: Vec<&String> = rules
        .keys()
        .filter(|r| !implemented.contains(r.as_str()))
        .collect();
    println!("{}", table.join("\n"));
    println!(
        "bpmnlint recommended: {}/{} rules, {flagged}/{invalid} invalid fixtures flagged, \
         {false_reports} of {valid} valid fixtures falsely flagged; left out: {left_out:?}; \
         not read (not namespace-well-formed XML): {unreadable:?}",
        implemented.len(),
        rules.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(
        implemented.len(),
        rules.len(),
        "rules left out: {left_out:?}"
    );
    assert_eq!(flagged, invalid);
    assert_eq!(false_reports, 0);
}
