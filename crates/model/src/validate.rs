//! Structural validation of business flows, over a small graph that every source of flows
//! (a flow document, an imported BPMN file) can produce. A flow with problems is still a
//! flow: validation returns diagnostics next to it and never fails.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::Bfs;
use serde::{Deserialize, Serialize};

/// What validation needs to know of a flow node.
#[derive(Clone, Debug, PartialEq)]
pub struct GraphNode {
    pub id: String,
    pub role: NodeRole,
    /// The process or sub-process whose sequence flows this node takes part in.
    pub scope: String,
    /// The process (pool) the node belongs to, for flows that cross pools.
    pub process: String,
    /// For boundary events: the activity they are attached to.
    pub attached_to: Option<String>,
    /// The sequence flow marked as the default of this gateway or activity.
    pub default_flow: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeRole {
    Start,
    End,
    Boundary,
    ExclusiveGateway,
    InclusiveGateway,
    ParallelGateway,
    /// Tasks, sub-processes, call activities, intermediate events, other gateways.
    Other,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GraphFlow {
    pub id: String,
    pub source: String,
    pub target: String,
    pub has_condition: bool,
}

/// The input of [`validate`]: a scope is skipped for start/end checks when listed in
/// `exempt_scopes` (ad-hoc and event sub-processes need neither).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FlowGraph {
    pub nodes: Vec<GraphNode>,
    pub flows: Vec<GraphFlow>,
    pub exempt_scopes: BTreeSet<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum ProblemCode {
    /// No start event can reach this element.
    Unreachable,
    /// The element has no outgoing sequence flow and is not an end event.
    DeadEnd,
    /// A process or sub-process has flow elements but no start event.
    NoStart,
    /// A process or sub-process has flow elements but no end event.
    NoEnd,
    /// A sequence flow connects elements of different pools (use a message flow).
    CrossesPool,
    /// An exclusive or inclusive gateway splits into flows without conditions and has no default.
    MissingConditions,
    /// Branches of a parallel split meet again at an exclusive gateway, which would
    /// continue once per branch instead of waiting for all.
    ParallelJoinedByExclusive,
    /// A sequence flow whose source or target is not a flow node of this flow.
    DanglingFlow,
}

impl ProblemCode {
    /// The message in English or Simplified Chinese (`zh` true), naming the element.
    pub fn message(self, element: &str, zh: bool) -> String {
        match (self, zh) {
            (ProblemCode::Unreachable, false) => {
                format!("{element} cannot be reached from any start event")
            }
            (ProblemCode::Unreachable, true) => format!("{element} 无法从任何开始事件到达"),
            (ProblemCode::DeadEnd, false) => {
                format!("{element} has no outgoing sequence flow and is not an end event")
            }
            (ProblemCode::DeadEnd, true) => format!("{element} 没有出向顺序流，且不是结束事件"),
            (ProblemCode::NoStart, false) => format!("{element} has no start event"),
            (ProblemCode::NoStart, true) => format!("{element} 缺少开始事件"),
            (ProblemCode::NoEnd, false) => format!("{element} has no end event"),
            (ProblemCode::NoEnd, true) => format!("{element} 缺少结束事件"),
            (ProblemCode::CrossesPool, false) => {
                format!("sequence flow {element} crosses a pool's border; use a message flow")
            }
            (ProblemCode::CrossesPool, true) => {
                format!("顺序流 {element} 跨越了池的边界，应使用消息流")
            }
            (ProblemCode::MissingConditions, false) => {
                format!(
                    "gateway {element} splits into flows without conditions and has no default flow"
                )
            }
            (ProblemCode::MissingConditions, true) => {
                format!("网关 {element} 的出向顺序流缺少条件，且没有默认流")
            }
            (ProblemCode::ParallelJoinedByExclusive, false) => {
                format!("exclusive gateway {element} joins the branches of a parallel split")
            }
            (ProblemCode::ParallelJoinedByExclusive, true) => {
                format!("排他网关 {element} 汇合了并行分支")
            }
            (ProblemCode::DanglingFlow, false) => {
                format!("sequence flow {element} does not connect two flow nodes")
            }
            (ProblemCode::DanglingFlow, true) => format!("顺序流 {element} 没有连接两个流程节点"),
        }
    }
}

/// One problem, on one element (a node, a flow, or a process/sub-process id).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    pub code: ProblemCode,
    pub element: String,
}

/// Checks `graph` and returns its problems, sorted and without duplicates.
pub fn validate(graph: &FlowGraph) -> Vec<Problem> {
    let mut problems = BTreeSet::new();
    let mut g: DiGraph<usize, usize> = DiGraph::new();
    let mut index: HashMap<&str, NodeIndex> = HashMap::new();
    for (i, n) in graph.nodes.iter().enumerate() {
        index.insert(n.id.as_str(), g.add_node(i));
    }
    for (i, f) in graph.flows.iter().enumerate() {
        let (Some(&s), Some(&t)) = (index.get(f.source.as_str()), index.get(f.target.as_str()))
        else {
            problems.insert(Problem {
                code: ProblemCode::DanglingFlow,
                element: f.id.clone(),
            });
            continue;
        };
        if graph.nodes[g[s]].process != graph.nodes[g[t]].process {
            problems.insert(Problem {
                code: ProblemCode::CrossesPool,
                element: f.id.clone(),
            });
        }
        g.add_edge(s, t, i);
    }
    let g = g;
    let node = |ix: NodeIndex| &graph.nodes[g[ix]];

    // Start and end per scope.
    let mut scopes: BTreeMap<&str, (bool, bool)> = BTreeMap::new();
    for n in &graph.nodes {
        let e = scopes.entry(n.scope.as_str()).or_default();
        e.0 |= n.role == NodeRole::Start;
        e.1 |= n.role == NodeRole::End;
    }
    for (scope, (has_start, has_end)) in &scopes {
        if graph.exempt_scopes.contains(*scope) {
            continue;
        }
        if !has_start {
            problems.insert(Problem {
                code: ProblemCode::NoStart,
                element: scope.to_string(),
            });
        }
        if !has_end {
            problems.insert(Problem {
                code: ProblemCode::NoEnd,
                element: scope.to_string(),
            });
        }
    }

    // Reachability from start events; boundary events are reached through their host.
    let mut reached: BTreeSet<NodeIndex> = BTreeSet::new();
    let mut roots: Vec<NodeIndex> = g
        .node_indices()
        .filter(|&ix| node(ix).role == NodeRole::Start)
        .collect();
    loop {
        for root in roots.drain(..) {
            let mut bfs = Bfs::new(&g, root);
            while let Some(ix) = bfs.next(&g) {
                reached.insert(ix);
            }
        }
        // Boundary events whose host is reached become roots; repeat until nothing new.
        roots = g
            .node_indices()
            .filter(|&ix| {
                let n = node(ix);
                !reached.contains(&ix)
                    && n.role == NodeRole::Boundary
                    && n.attached_to
                        .as_deref()
                        .and_then(|h| index.get(h))
                        .is_some_and(|h| reached.contains(h))
            })
            .collect();
        if roots.is_empty() {
            break;
        }
    }
    for ix in g.node_indices() {
        let n = node(ix);
        let scope_has_start = scopes.get(n.scope.as_str()).is_some_and(|s| s.0);
        // Without a start event the whole scope is already reported once as NoStart.
        if !reached.contains(&ix) && scope_has_start && !graph.exempt_scopes.contains(&n.scope) {
            problems.insert(Problem {
                code: ProblemCode::Unreachable,
                element: n.id.clone(),
            });
        }
        if n.role != NodeRole::End && g.edges_directed(ix, Direction::Outgoing).next().is_none() {
            problems.insert(Problem {
                code: ProblemCode::DeadEnd,
                element: n.id.clone(),
            });
        }
    }

    // Gateways that split without conditions or default.
    for ix in g.node_indices() {
        let n = node(ix);
        if !matches!(
            n.role,
            NodeRole::ExclusiveGateway | NodeRole::InclusiveGateway
        ) {
            continue;
        }
        let out: Vec<&GraphFlow> = g
            .edges_directed(ix, Direction::Outgoing)
            .map(|e| &graph.flows[*e.weight()])
            .collect();
        if out.len() > 1 && n.default_flow.is_none() && out.iter().any(|f| !f.has_condition) {
            problems.insert(Problem {
                code: ProblemCode::MissingConditions,
                element: n.id.clone(),
            });
        }
    }

    // Parallel splits whose branches meet at an exclusive join. Each branch is followed
    // until a proper parallel join (which synchronises it) or the end.
    for split in g.node_indices() {
        if node(split).role != NodeRole::ParallelGateway {
            continue;
        }
        let branches: Vec<NodeIndex> = g.neighbors_directed(split, Direction::Outgoing).collect();
        if branches.len() < 2 {
            continue;
        }
        let mut meets: HashMap<NodeIndex, BTreeSet<usize>> = HashMap::new();
        for (b, &first) in branches.iter().enumerate() {
            let mut seen = BTreeSet::new();
            let mut stack = vec![first];
            while let Some(ix) = stack.pop() {
                if ix == split || !seen.insert(ix) {
                    continue;
                }
                let n = node(ix);
                let incoming = g.edges_directed(ix, Direction::Incoming).count();
                if n.role == NodeRole::ParallelGateway && incoming > 1 {
                    continue;
                }
                if n.role == NodeRole::ExclusiveGateway && incoming > 1 {
                    meets.entry(ix).or_default().insert(b);
                }
                stack.extend(g.neighbors_directed(ix, Direction::Outgoing));
            }
        }
        for (ix, from) in meets {
            if from.len() > 1 {
                problems.insert(Problem {
                    code: ProblemCode::ParallelJoinedByExclusive,
                    element: node(ix).id.clone(),
                });
            }
        }
    }
    problems.into_iter().collect()
}
