//! Structural validation: each case is a tiny flow written as text and its expected problems.

use model::flow::{EventDefinition, NodeKind};
use model::validate::{FlowGraph, GraphFlow, GraphNode, ProblemCode, Severity, validate};

/// Nodes as `id:role[@scope][/process][^host][!default][~link]`, flows as `a>b` (`a>b?` has a
/// condition). Roles: start, end, terminate (an end event that terminates), boundary, xor,
/// or, and, task, throw and catch (intermediate events; with `~link` link events).
fn graph(nodes: &str, flows: &str) -> FlowGraph {
    let mut g = FlowGraph::default();
    for spec in nodes.split_whitespace() {
        let (id, rest) = spec.split_once(':').unwrap();
        let mut role_part = rest.to_string();
        let mut take = |sep: char| -> Option<String> {
            let i = role_part.find(sep)?;
            let tail = role_part[i + 1..].to_string();
            let end = tail.find(['@', '/', '^', '!', '~']).unwrap_or(tail.len());
            let value = tail[..end].to_string();
            role_part = format!("{}{}", &role_part[..i], &tail[end..]);
            Some(value)
        };
        let scope = take('@');
        let process = take('/').unwrap_or("p".into());
        // A node's scope is its process unless it says otherwise.
        let scope = scope.unwrap_or_else(|| process.clone());
        let attached_to = take('^');
        let default_flow = take('!');
        let link_name = take('~');
        let kind = match role_part.as_str() {
            "start" => NodeKind::StartEvent,
            "end" | "terminate" => NodeKind::EndEvent,
            "throw" => NodeKind::IntermediateThrowEvent,
            "catch" => NodeKind::IntermediateCatchEvent,
            "boundary" => NodeKind::BoundaryEvent,
            "xor" => NodeKind::ExclusiveGateway,
            "or" => NodeKind::InclusiveGateway,
            "and" => NodeKind::ParallelGateway,
            "task" => NodeKind::Task,
            other => panic!("unknown role {other}"),
        };
        // Every node is labelled (with its id), so that label checks stay quiet.
        let mut event_definitions = Vec::new();
        if role_part == "terminate" {
            event_definitions.push(EventDefinition::Terminate);
        }
        if link_name.is_some() {
            event_definitions.push(EventDefinition::Link);
        }
        g.nodes.push(GraphNode {
            name: id.into(),
            attached_to,
            default_flow,
            event_definitions,
            link_name,
            ..GraphNode::new(id, kind, scope, process)
        });
    }
    for (i, spec) in flows.split_whitespace().enumerate() {
        let has_condition = spec.ends_with('?');
        let (s, t) = spec.trim_end_matches('?').split_once('>').unwrap();
        g.flows.push(GraphFlow {
            has_condition,
            condition: if has_condition {
                format!("c{i}")
            } else {
                String::new()
            },
            name: format!("f{}", i + 1),
            ..GraphFlow::new(format!("f{}", i + 1), s, t)
        });
    }
    g
}

fn check(nodes: &str, flows: &str, expected: &[(ProblemCode, &str)]) {
    let got: Vec<(ProblemCode, String)> = validate(&graph(nodes, flows))
        .into_iter()
        .map(|p| (p.code, p.element))
        .collect();
    let mut want: Vec<(ProblemCode, String)> =
        expected.iter().map(|(c, e)| (*c, e.to_string())).collect();
    want.sort();
    assert_eq!(got, want, "nodes: {nodes}\nflows: {flows}");
}

use ProblemCode::*;

#[test]
fn a_clean_flow_has_no_problems() {
    check("s:start t:task e:end", "s>t t>e", &[]);
}

#[test]
fn missing_start_and_end() {
    check(
        "t:task u:task",
        "t>u",
        &[(NoStart, "p"), (NoEnd, "p"), (DeadEnd, "u")],
    );
}

#[test]
fn unreachable_and_dead_end() {
    check(
        "s:start t:task e:end x:task y:task",
        "s>t t>e x>y",
        &[(Unreachable, "x"), (Unreachable, "y"), (DeadEnd, "y")],
    );
}

#[test]
fn boundary_events_are_reached_through_their_host() {
    // Two flows into one end event are a fake join (a warning, as bpmnlint's fake-join).
    check(
        "s:start t:task b:boundary^t h:task e:end",
        "s>t t>e b>h h>e",
        &[(FakeJoin, "e")],
    );
    check(
        "s:start t:task e:end u:task b:boundary^u h:task",
        "s>t t>e b>h h>e u>e",
        &[
            (Unreachable, "u"),
            (Unreachable, "b"),
            (Unreachable, "h"),
            (FakeJoin, "e"),
        ],
    );
}

#[test]
fn sequence_flow_across_pools() {
    check(
        "s:start/a e:end/a s2:start/b e2:end/b",
        "s>e2 s2>e",
        &[(CrossesPool, "f1"), (CrossesPool, "f2")],
    );
}

#[test]
fn gateway_conditions_and_default() {
    check(
        "s:start g:xor a:task b:task e:end",
        "s>g g>a g>b a>e b>e",
        &[(MissingConditions, "g"), (FakeJoin, "e")],
    );
    check(
        "s:start g:xor a:task b:task e:end",
        "s>g g>a? g>b? a>e b>e",
        &[(FakeJoin, "e")],
    );
    check(
        "s:start g:or!f3 a:task b:task e:end",
        "s>g g>a? g>b a>e b>e",
        &[(FakeJoin, "e"), (InclusiveGateway, "g")],
    );
    check(
        "s:start g:or a:task b:task e:end",
        "s>g g>a? g>b a>e b>e",
        &[
            (MissingConditions, "g"),
            (FakeJoin, "e"),
            (InclusiveGateway, "g"),
        ],
    );
}

#[test]
fn parallel_split_joined_by_exclusive_gateway() {
    check(
        "s:start p:and a:task b:task x:xor e:end",
        "s>p p>a p>b a>x b>x x>e",
        &[(ParallelJoinedByExclusive, "x")],
    );
    check(
        "s:start p:and a:task b:task j:and e:end",
        "s>p p>a p>b a>j b>j j>e",
        &[],
    );
    // An exclusive merge after a proper parallel join is fine.
    check(
        "s:start g:xor p:and a:task b:task j:and c:task x:xor e:end",
        "s>g g>p? g>c? p>a p>b a>j b>j j>x c>x x>e",
        &[],
    );
}

#[test]
fn scopes_are_checked_separately_and_can_be_exempt() {
    let mut g = graph(
        "s:start sub:task e:end i1:task@sub i2:task@sub",
        "s>sub sub>e i1>i2",
    );
    let got: Vec<_> = validate(&g)
        .into_iter()
        .map(|p| (p.code, p.element))
        .collect();
    assert!(got.contains(&(NoStart, "sub".into())), "{got:?}");
    g.exempt_scopes.insert("sub".into());
    let got: Vec<_> = validate(&g)
        .into_iter()
        .map(|p| (p.code, p.element))
        .collect();
    assert_eq!(got, vec![(DeadEnd, "i2".to_string())]);
}

#[test]
fn dangling_flows_are_reported_not_fatal() {
    check("s:start e:end", "s>e s>ghost", &[(DanglingFlow, "f2")]);
}

#[test]
fn messages_exist_in_both_languages() {
    for &code in ProblemCode::ALL {
        let en = code.message("X", false);
        let zh = code.message("X", true);
        assert!(en.contains('X') && zh.contains('X') && en != zh);
        assert!(
            zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{zh}"
        );
    }
}

#[test]
fn a_node_no_flow_touches_is_reported_once() {
    check(
        "s:start t:task e:end lone:task",
        "s>t t>e",
        &[(Disconnected, "lone")],
    );
}

#[test]
fn link_events_carry_the_flow_to_their_catch_event() {
    check("s:start a:throw~L b:catch~L e:end", "s>a b>e", &[]);
    // Without a matching name the catch event (and what follows) is unreachable and both
    // are unmatched.
    check(
        "s:start a:throw~L b:catch~M e:end",
        "s>a b>e",
        &[
            (Unreachable, "b"),
            (Unreachable, "e"),
            (LinkUnmatched, "a"),
            (LinkUnmatched, "b"),
        ],
    );
}

#[test]
fn forks_and_joins_outside_gateways() {
    // A task that splits without conditions, and an event that joins without a gateway.
    check(
        "s:start t:task a:task b:task j:throw e:end",
        "s>t t>a t>b a>j b>j j>e",
        &[(ImplicitSplit, "t"), (FakeJoin, "j")],
    );
    // A gateway that joins and forks at once, one that does nothing, duplicate flows.
    check(
        "s:start t:task g:and h:xor a:task b:task k:and e:end",
        "s>t t>h h>g s>g g>a g>b a>k b>k k>e",
        &[
            (GatewayJoinFork, "g"),
            (SuperfluousGateway, "h"),
            (ImplicitSplit, "s"),
        ],
    );
    check(
        "s:start t:task e:end",
        "s>t t>e t>e",
        &[(DuplicateFlow, "f3"), (FakeJoin, "e"), (ImplicitSplit, "t")],
    );
}

#[test]
fn termination_is_superfluous_only_without_other_tokens() {
    check(
        "s:start x:xor a:task t:terminate e:end",
        "s>x x>a? x>t? a>e",
        &[(SuperfluousTermination, "t")],
    );
    check(
        "s:start p:and a:task t:terminate e:end",
        "s>p p>a p>t a>e",
        &[],
    );
}

#[test]
fn every_code_has_a_severity_and_the_problem_carries_it() {
    for p in validate(&graph("t:task", "")) {
        assert_eq!(p.severity, p.code.severity());
    }
    assert_eq!(FakeJoin.severity(), Severity::Warning);
    assert_eq!(Disconnected.severity(), Severity::Error);
    assert_eq!(Disconnected.rules(), ["no-disconnected"]);
    assert!(CrossesPool.rules().is_empty());
}
