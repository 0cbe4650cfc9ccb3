//! Structural validation of business flows, over a small graph that every source of flows
//! (a flow document, an imported BPMN file) can produce. A flow with problems is still a
//! flow: validation returns diagnostics next to it and never fails.
//!
//! This is the one place where flow rules live. Besides Triloop's own checks (reachability,
//! pools crossed, parallel branches joined by an exclusive gateway, broken references), it
//! implements every rule of bpmnlint's recommended configuration (the linter Camunda Modeler
//! users rely on), each with the severity bpmnlint gives it by default; [`ProblemCode::rules`]
//! names the bpmnlint rules a code stands for.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::Bfs;
use serde::{Deserialize, Serialize};

use crate::flow::{EventDefinition, NodeKind};

/// What validation needs to know of a flow node (an event, activity or gateway).
#[derive(Clone, Debug, PartialEq)]
pub struct GraphNode {
    pub id: String,
    pub kind: NodeKind,
    /// The label; rules only ask whether it is blank.
    pub name: String,
    /// The process or sub-process whose sequence flows this node takes part in.
    pub scope: String,
    /// The process (pool) the node belongs to, for flows that cross pools.
    pub process: String,
    /// For boundary events: the activity they are attached to.
    pub attached_to: Option<String>,
    /// The sequence flow marked as the default of this gateway or activity.
    pub default_flow: Option<String>,
    /// The event definitions of an event, in order (empty for a blank event).
    pub event_definitions: Vec<EventDefinition>,
    /// The `name` of a link event's link event definition (empty when it has none).
    pub link_name: Option<String>,
    /// `isForCompensation` of an activity: it is started by compensation, not by flows.
    pub for_compensation: bool,
    /// For boundary events `cancelActivity`, for start events `isInterrupting` (both true
    /// unless the file says otherwise).
    pub interrupting: bool,
}

impl GraphNode {
    /// A node of this kind in `scope` of `process`, with nothing else set.
    pub fn new(
        id: impl Into<String>,
        kind: NodeKind,
        scope: impl Into<String>,
        process: impl Into<String>,
    ) -> Self {
        GraphNode {
            id: id.into(),
            kind,
            name: String::new(),
            scope: scope.into(),
            process: process.into(),
            attached_to: None,
            default_flow: None,
            event_definitions: Vec::new(),
            link_name: None,
            for_compensation: false,
            interrupting: true,
        }
    }

    fn is_blank_event(&self) -> bool {
        self.event_definitions.is_empty()
    }

    /// A boundary event whose only event definition is compensation: it is linked to its
    /// compensation activity by an association, not by sequence flows.
    fn is_compensation_boundary(&self) -> bool {
        self.kind == NodeKind::BoundaryEvent
            && self.event_definitions == [EventDefinition::Compensate]
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct GraphFlow {
    pub id: String,
    pub source: String,
    pub target: String,
    pub has_condition: bool,
    /// The condition's text, for telling duplicate flows from conditional alternatives.
    pub condition: String,
    pub name: String,
}

impl GraphFlow {
    pub fn new(
        id: impl Into<String>,
        source: impl Into<String>,
        target: impl Into<String>,
    ) -> Self {
        GraphFlow {
            id: id.into(),
            source: source.into(),
            target: target.into(),
            has_condition: false,
            condition: String::new(),
            name: String::new(),
        }
    }
}

/// The kind of a scope: a process or one of the sub-process kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    Process,
    SubProcess,
    Transaction,
    AdHocSubProcess,
    /// A sub-process with `triggeredByEvent`: started by its start event, not by flows.
    EventSubProcess,
}

/// A process or sub-process: the scope its flow nodes share.
#[derive(Clone, Debug, PartialEq)]
pub struct GraphScope {
    pub id: String,
    pub kind: ScopeKind,
    /// The scope the sub-process lies in (`None` for a process).
    pub parent: Option<String>,
    /// For event sub-processes: whether its start event interrupts the scope around it.
    pub interrupting: bool,
}

/// Global elements that events and tasks refer to by id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum GlobalKind {
    Message,
    Error,
    Signal,
    Escalation,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GlobalElement {
    pub id: String,
    pub kind: GlobalKind,
    pub name: Option<String>,
    /// Whether an event definition, a message flow, a send or receive task refers to it.
    pub referenced: bool,
}

/// An axis-aligned rectangle of the diagram.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    /// Whether two rectangles overlap or touch.
    fn meets(&self, o: &Rect) -> bool {
        self.x + self.w >= o.x
            && o.x + o.w >= self.x
            && self.y + self.h >= o.y
            && o.y + o.h >= self.y
    }

    fn contains(&self, o: &Rect) -> bool {
        o.x >= self.x
            && o.y >= self.y
            && o.x + o.w <= self.x + self.w
            && o.y + o.h <= self.y + self.h
    }
}

/// A drawn element, for overlap checks: its bounds and the container it is drawn in (a
/// process, an expanded sub-process, or a collaboration for pools).
#[derive(Clone, Debug, PartialEq)]
pub struct GraphShape {
    pub id: String,
    pub container: String,
    pub bounds: Rect,
    /// A boundary event's host, which it overlaps by design.
    pub host: Option<String>,
    /// Whether the element must lie inside its container's bounds (data store references
    /// are often drawn outside their pool, and bpmnlint does not ask it of them).
    pub inside_container: bool,
}

/// The input of [`validate`]. `scopes` lists every process and sub-process (when empty, the
/// scopes are the ones the nodes name, each treated as a process); a scope in
/// `exempt_scopes` is skipped for start/end and reachability checks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FlowGraph {
    pub nodes: Vec<GraphNode>,
    pub flows: Vec<GraphFlow>,
    pub scopes: Vec<GraphScope>,
    pub exempt_scopes: BTreeSet<String>,
    /// Pools and lanes, with their labels.
    pub lanes_and_pools: Vec<(String, String)>,
    pub globals: Vec<GlobalElement>,
    /// Elements with a visual representation that no diagram draws (only filled in when the
    /// source of the graph has diagrams at all, i.e. a BPMN file).
    pub undrawn: Vec<String>,
    pub shapes: Vec<GraphShape>,
    /// The bounds of the containers that `shapes` lie in, where they are drawn.
    pub container_bounds: BTreeMap<String, Rect>,
    /// Elements with a reference to an id that does not exist, or without a reference they
    /// need (a boundary event's host, a lane's node, a DI shape's element, a default flow, a
    /// message flow's end).
    pub broken_references: Vec<String>,
}

/// How serious a problem is: errors break the flow's structure or the BPMN standard;
/// warnings are flows that run, but probably not as meant, or are hard to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    Error,
    Warning,
}

macro_rules! problem_codes {
    ($($(#[$m:meta])* $code:ident => [$($rule:literal),*], $severity:ident;)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        #[serde(rename_all = "camelCase")]
        pub enum ProblemCode {
            $($(#[$m])* $code,)*
        }

        impl ProblemCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ProblemCode] = &[$(ProblemCode::$code),*];

            /// The bpmnlint rules (of its recommended configuration) this code stands for;
            /// none for Triloop's own checks.
            pub fn rules(self) -> &'static [&'static str] {
                match self { $(ProblemCode::$code => &[$($rule),*],)* }
            }

            /// The severity: bpmnlint's default for the rule's codes, Triloop's own for
            /// the others.
            pub fn severity(self) -> Severity {
                match self { $(ProblemCode::$code => Severity::$severity,)* }
            }
        }
    };
}

problem_codes! {
    /// No start event can reach this element (a node without incoming sequence flow is an
    /// implicit start).
    Unreachable => ["no-implicit-start"], Error;
    /// The element has no outgoing sequence flow and is not an end event (an implicit end).
    DeadEnd => ["no-implicit-end"], Error;
    /// A process or sub-process has no start event.
    NoStart => ["start-event-required"], Error;
    /// A process or sub-process has no end event.
    NoEnd => ["end-event-required"], Error;
    /// A sequence flow connects elements of different pools (use a message flow).
    CrossesPool => [], Error;
    /// A gateway or activity splits conditionally (a flow has a condition, a default is
    /// set, or it is an exclusive or inclusive gateway), but one of its outgoing flows has
    /// no condition and is not the default.
    MissingConditions => ["conditional-flows"], Error;
    /// Branches of a parallel split meet again at an exclusive gateway, which would
    /// continue once per branch instead of waiting for all.
    ParallelJoinedByExclusive => [], Warning;
    /// A sequence flow whose source or target is missing or not a flow node of this flow.
    DanglingFlow => [], Error;
    /// An element refers to an id that does not exist, or lacks a reference it needs.
    BrokenReference => [], Error;
    /// A start or end event inside an ad-hoc sub-process.
    EventInAdHocSubProcess => ["ad-hoc-sub-process"], Error;
    /// An intermediate catch event inside an ad-hoc sub-process without outgoing flow.
    AdHocCatchWithoutOutgoing => ["ad-hoc-sub-process"], Error;
    /// An event-based gateway with fewer than two outgoing sequence flows.
    EventGatewayTooFewFlows => ["event-based-gateway"], Error;
    /// A sequence flow with a condition after an event-based gateway.
    EventGatewayConditionalFlow => ["event-based-gateway"], Error;
    /// A start event of an event sub-process without an event definition.
    UntypedEventSubProcessStart => ["event-sub-process-typed-start-event"], Error;
    /// A task or event with several incoming flows: it does not wait for all of them.
    FakeJoin => ["fake-join"], Warning;
    /// A message, error, signal or escalation without a name.
    GlobalUnnamed => ["global"], Warning;
    /// A message, error, signal or escalation nothing refers to.
    GlobalUnused => ["global"], Warning;
    /// Two messages (errors, signals, escalations) with the same name.
    GlobalDuplicateName => ["global"], Warning;
    /// A flow node, conditional flow, pool or lane without a label.
    LabelMissing => ["label-required"], Error;
    /// A link event whose link has no name.
    LinkNameMissing => ["link-event"], Error;
    /// A link event without its counterpart (throw or catch) of the same name in its
    /// scope, or one of several catch events of that name.
    LinkUnmatched => ["link-event"], Error;
    /// An element that no diagram draws.
    NotDrawn => ["no-bpmndi"], Error;
    /// A complex gateway.
    ComplexGateway => ["no-complex-gateway"], Error;
    /// A flow node with neither incoming nor outgoing sequence flows. It is reported once,
    /// as this, also when it is an implicit start or end (which bpmnlint reports besides).
    Disconnected => ["no-disconnected"], Error;
    /// A sequence flow with the same source, target and condition as another.
    DuplicateFlow => ["no-duplicate-sequence-flows"], Error;
    /// A gateway that joins and forks at once.
    GatewayJoinFork => ["no-gateway-join-fork"], Error;
    /// A task or event with several unconditional outgoing flows: a parallel split
    /// without a gateway.
    ImplicitSplit => ["no-implicit-split"], Error;
    /// An inclusive gateway.
    InclusiveGateway => ["no-inclusive-gateway"], Warning;
    /// Two elements drawn over each other.
    Overlapping => ["no-overlapping-elements"], Warning;
    /// An element drawn outside the pool or expanded sub-process it belongs to.
    OutsideParent => ["no-overlapping-elements"], Warning;
    /// A process or sub-process with more than one blank start event.
    SeveralBlankStarts => ["single-blank-start-event"], Error;
    /// An event with more than one event definition.
    SeveralEventDefinitions => ["single-event-definition"], Error;
    /// A start event with an event definition inside a (non-event) sub-process.
    TypedSubProcessStart => ["sub-process-blank-start-event"], Error;
    /// A gateway with one incoming and one outgoing flow: it does nothing.
    SuperfluousGateway => ["superfluous-gateway"], Warning;
    /// A terminate end event where no other token can be left to terminate.
    SuperfluousTermination => ["superfluous-termination"], Warning;
}

impl ProblemCode {
    /// The message in English or Simplified Chinese (`zh` true), naming the element.
    pub fn message(self, element: &str, zh: bool) -> String {
        use ProblemCode::*;
        let e = element;
        match (self, zh) {
            (Unreachable, false) => format!("{e} cannot be reached from any start event"),
            (Unreachable, true) => format!("{e} 无法从任何开始事件到达"),
            (DeadEnd, false) => {
                format!("{e} has no outgoing sequence flow and is not an end event")
            }
            (DeadEnd, true) => format!("{e} 没有出向顺序流，且不是结束事件"),
            (NoStart, false) => format!("{e} has no start event"),
            (NoStart, true) => format!("{e} 缺少开始事件"),
            (NoEnd, false) => format!("{e} has no end event"),
            (NoEnd, true) => format!("{e} 缺少结束事件"),
            (CrossesPool, false) => {
                format!("sequence flow {e} crosses a pool's border; use a message flow")
            }
            (CrossesPool, true) => format!("顺序流 {e} 跨越了池的边界，应使用消息流"),
            (MissingConditions, false) => format!(
                "{e} splits conditionally, but an outgoing flow has no condition and is not the default flow"
            ),
            (MissingConditions, true) => {
                format!("{e} 按条件分支，但有出向顺序流既没有条件也不是默认流")
            }
            (ParallelJoinedByExclusive, false) => {
                format!("exclusive gateway {e} joins the branches of a parallel split")
            }
            (ParallelJoinedByExclusive, true) => format!("排他网关 {e} 汇合了并行分支"),
            (DanglingFlow, false) => {
                format!("sequence flow {e} does not connect two flow nodes")
            }
            (DanglingFlow, true) => format!("顺序流 {e} 没有连接两个流程节点"),
            (BrokenReference, false) => format!(
                "{e} refers to an element that does not exist, or lacks a reference it needs"
            ),
            (BrokenReference, true) => format!("{e} 引用了不存在的元素，或缺少必需的引用"),
            (EventInAdHocSubProcess, false) => {
                format!("{e}: an ad-hoc sub-process must not contain start or end events")
            }
            (EventInAdHocSubProcess, true) => format!("{e}：自由子流程中不得包含开始或结束事件"),
            (AdHocCatchWithoutOutgoing, false) => format!(
                "intermediate catch event {e} in an ad-hoc sub-process needs an outgoing sequence flow"
            ),
            (AdHocCatchWithoutOutgoing, true) => {
                format!("自由子流程中的中间捕获事件 {e} 需要出向顺序流")
            }
            (EventGatewayTooFewFlows, false) => {
                format!("event-based gateway {e} needs at least two outgoing sequence flows")
            }
            (EventGatewayTooFewFlows, true) => format!("事件网关 {e} 至少需要两条出向顺序流"),
            (EventGatewayConditionalFlow, false) => {
                format!(
                    "sequence flow {e} leaves an event-based gateway and must not have a condition"
                )
            }
            (EventGatewayConditionalFlow, true) => {
                format!("顺序流 {e} 从事件网关出发，不得带条件")
            }
            (UntypedEventSubProcessStart, false) => {
                format!("start event {e} of an event sub-process needs an event definition")
            }
            (UntypedEventSubProcessStart, true) => {
                format!("事件子流程的开始事件 {e} 必须定义事件类型")
            }
            (FakeJoin, false) => format!(
                "{e} has several incoming flows but does not wait for them; use a parallel gateway to join"
            ),
            (FakeJoin, true) => format!("{e} 有多条入向顺序流但不会等待汇合，请用并行网关汇合"),
            (GlobalUnnamed, false) => format!("{e} has no name"),
            (GlobalUnnamed, true) => format!("{e} 没有名称"),
            (GlobalUnused, false) => format!("{e} is not used by any element"),
            (GlobalUnused, true) => format!("{e} 未被任何元素使用"),
            (GlobalDuplicateName, false) => format!("{e} has the same name as another of its kind"),
            (GlobalDuplicateName, true) => format!("{e} 与同类元素重名"),
            (LabelMissing, false) => format!("{e} has no label"),
            (LabelMissing, true) => format!("{e} 缺少名称"),
            (LinkNameMissing, false) => format!("link event {e} has no link name"),
            (LinkNameMissing, true) => format!("链接事件 {e} 缺少链接名称"),
            (LinkUnmatched, false) => format!(
                "link event {e} has no matching throw or catch event of its name in its scope, or shares its name with another catch event"
            ),
            (LinkUnmatched, true) => {
                format!("链接事件 {e} 在同一范围内没有同名的抛出或捕获事件，或与其他捕获事件重名")
            }
            (NotDrawn, false) => format!("{e} is not drawn in any diagram"),
            (NotDrawn, true) => format!("{e} 没有出现在任何图中"),
            (ComplexGateway, false) => format!("{e} is a complex gateway, which is not allowed"),
            (ComplexGateway, true) => format!("{e} 是复杂网关，不允许使用"),
            (Disconnected, false) => format!("{e} is not connected by any sequence flow"),
            (Disconnected, true) => format!("{e} 没有任何顺序流连接"),
            (DuplicateFlow, false) => {
                format!("sequence flow {e} duplicates another with the same ends and condition")
            }
            (DuplicateFlow, true) => format!("顺序流 {e} 与另一条起止与条件相同的顺序流重复"),
            (GatewayJoinFork, false) => format!("gateway {e} joins and forks at the same time"),
            (GatewayJoinFork, true) => format!("网关 {e} 同时汇合又分支"),
            (ImplicitSplit, false) => {
                format!("{e} splits into several flows without conditions; use a parallel gateway")
            }
            (ImplicitSplit, true) => format!("{e} 分出多条无条件顺序流，请使用并行网关"),
            (InclusiveGateway, false) => {
                format!("{e} is an inclusive gateway, whose joins are hard to follow")
            }
            (InclusiveGateway, true) => format!("{e} 是包容网关，其汇合语义难以理解"),
            (Overlapping, false) => format!("{e} overlaps another element"),
            (Overlapping, true) => format!("{e} 与其他元素重叠"),
            (OutsideParent, false) => {
                format!("{e} lies outside the pool or sub-process it belongs to")
            }
            (OutsideParent, true) => format!("{e} 位于所属的池或子流程边界之外"),
            (SeveralBlankStarts, false) => {
                format!("{e} is one of several blank start events of its process")
            }
            (SeveralBlankStarts, true) => format!("{e} 所在流程有多个空白开始事件"),
            (SeveralEventDefinitions, false) => format!("{e} has more than one event definition"),
            (SeveralEventDefinitions, true) => format!("{e} 定义了多个事件类型"),
            (TypedSubProcessStart, false) => {
                format!("start event {e} of a sub-process must be blank")
            }
            (TypedSubProcessStart, true) => format!("子流程的开始事件 {e} 必须是空白事件"),
            (SuperfluousGateway, false) => {
                format!("gateway {e} has only one incoming and one outgoing flow and does nothing")
            }
            (SuperfluousGateway, true) => format!("网关 {e} 只有一进一出，没有作用"),
            (SuperfluousTermination, false) => {
                format!(
                    "terminate end event {e} has no other token to terminate; use a plain end event"
                )
            }
            (SuperfluousTermination, true) => {
                format!("终止结束事件 {e} 没有可终止的其他令牌，请使用普通结束事件")
            }
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
    /// The code's severity (`code.severity()`), so that the UI need not keep a copy.
    pub severity: Severity,
}

impl Problem {
    pub fn new(code: ProblemCode, element: impl Into<String>) -> Self {
        Problem {
            code,
            element: element.into(),
            severity: code.severity(),
        }
    }
}

/// The graph of sequence flows between the nodes, and what the rules ask of it.
struct Checked<'g> {
    graph: &'g FlowGraph,
    g: DiGraph<usize, usize>,
    index: HashMap<&'g str, NodeIndex>,
    problems: BTreeSet<Problem>,
}

impl<'g> Checked<'g> {
    fn node(&self, ix: NodeIndex) -> &'g GraphNode {
        &self.graph.nodes[self.g[ix]]
    }

    fn outgoing(&self, ix: NodeIndex) -> impl Iterator<Item = &'g GraphFlow> + '_ {
        self.g
            .edges_directed(ix, Direction::Outgoing)
            .map(|e| &self.graph.flows[*e.weight()])
    }

    fn in_degree(&self, ix: NodeIndex) -> usize {
        self.g.edges_directed(ix, Direction::Incoming).count()
    }

    fn out_degree(&self, ix: NodeIndex) -> usize {
        self.g.edges_directed(ix, Direction::Outgoing).count()
    }

    fn report(&mut self, code: ProblemCode, element: &str) {
        self.problems.insert(Problem::new(code, element));
    }

    /// Whether `flow` is the default flow of `source`.
    fn is_default(&self, source: &GraphNode, flow: &GraphFlow) -> bool {
        source.default_flow.as_deref() == Some(flow.id.as_str())
    }
}

/// Checks `graph` and returns its problems, sorted and without duplicates.
pub fn validate(graph: &FlowGraph) -> Vec<Problem> {
    let mut c = Checked {
        graph,
        g: DiGraph::new(),
        index: HashMap::new(),
        problems: BTreeSet::new(),
    };
    for (i, n) in graph.nodes.iter().enumerate() {
        let ix = c.g.add_node(i);
        c.index.insert(n.id.as_str(), ix);
    }
    for (i, f) in graph.flows.iter().enumerate() {
        let (Some(&s), Some(&t)) = (
            c.index.get(f.source.as_str()),
            c.index.get(f.target.as_str()),
        ) else {
            c.report(ProblemCode::DanglingFlow, &f.id);
            continue;
        };
        if c.node(s).process != c.node(t).process {
            c.report(ProblemCode::CrossesPool, &f.id);
        }
        c.g.add_edge(s, t, i);
    }
    for e in &graph.broken_references {
        c.report(ProblemCode::BrokenReference, e);
    }
    let scopes = scopes(graph);
    starts_and_ends(&mut c, &scopes);
    connections(&mut c, &scopes);
    splits_and_joins(&mut c);
    parallel_joined_by_exclusive(&mut c);
    events(&mut c);
    links(&mut c);
    labels(&mut c);
    globals(&mut c);
    diagram(&mut c);
    c.problems.into_iter().collect()
}

/// The scopes to check, by id: the listed ones, or one process per scope the nodes name.
fn scopes(graph: &FlowGraph) -> BTreeMap<&str, GraphScope> {
    let mut out: BTreeMap<&str, GraphScope> = graph
        .scopes
        .iter()
        .map(|s| (s.id.as_str(), s.clone()))
        .collect();
    for n in &graph.nodes {
        out.entry(n.scope.as_str()).or_insert_with(|| GraphScope {
            id: n.scope.clone(),
            kind: ScopeKind::Process,
            parent: None,
            interrupting: false,
        });
    }
    out
}

/// Start and end events per scope: required (except in ad-hoc sub-processes, which must
/// have neither), a single blank start, typed starts in event sub-processes, blank starts
/// in other sub-processes, and terminations that terminate nothing.
fn starts_and_ends(c: &mut Checked, scopes: &BTreeMap<&str, GraphScope>) {
    let mut members: BTreeMap<&str, Vec<NodeIndex>> = BTreeMap::new();
    for ix in c.g.node_indices() {
        members
            .entry(c.node(ix).scope.as_str())
            .or_default()
            .push(ix);
    }
    for (id, scope) in scopes {
        let nodes = members.get(id).cloned().unwrap_or_default();
        let starts: Vec<NodeIndex> = nodes
            .iter()
            .copied()
            .filter(|&ix| c.node(ix).kind == NodeKind::StartEvent)
            .collect();
        let has_end = nodes
            .iter()
            .any(|&ix| c.node(ix).kind == NodeKind::EndEvent);
        if scope.kind == ScopeKind::AdHocSubProcess {
            for &ix in &nodes {
                let n = c.node(ix);
                if matches!(n.kind, NodeKind::StartEvent | NodeKind::EndEvent) {
                    c.report(ProblemCode::EventInAdHocSubProcess, &n.id);
                }
                if n.kind == NodeKind::StartEvent && !n.is_blank_event() {
                    c.report(ProblemCode::TypedSubProcessStart, &n.id);
                }
                if n.kind == NodeKind::IntermediateCatchEvent && c.out_degree(ix) == 0 {
                    c.report(ProblemCode::AdHocCatchWithoutOutgoing, &n.id);
                }
            }
            continue;
        }
        if c.graph.exempt_scopes.contains(*id) {
            continue;
        }
        if starts.is_empty() {
            c.report(ProblemCode::NoStart, id);
        }
        if !has_end {
            c.report(ProblemCode::NoEnd, id);
        }
        let blank: Vec<&GraphNode> = starts
            .iter()
            .map(|&ix| c.node(ix))
            .filter(|n| n.is_blank_event())
            .collect();
        if blank.len() > 1 {
            for n in blank {
                c.report(ProblemCode::SeveralBlankStarts, &n.id);
            }
        }
        for &ix in &starts {
            let n = c.node(ix);
            match scope.kind {
                ScopeKind::EventSubProcess if n.is_blank_event() => {
                    c.report(ProblemCode::UntypedEventSubProcessStart, &n.id)
                }
                ScopeKind::SubProcess | ScopeKind::Transaction if !n.is_blank_event() => {
                    c.report(ProblemCode::TypedSubProcessStart, &n.id)
                }
                _ => {}
            }
        }
        // A termination is superfluous when no other token can be left in the scope to
        // terminate: nothing in it forks tokens that run at the same time, and none of its
        // event sub-processes runs beside it.
        let concurrent = nodes.iter().any(|&ix| forks_tokens(c, ix))
            || scopes.values().any(|s| {
                s.kind == ScopeKind::EventSubProcess
                    && s.parent.as_deref() == Some(*id)
                    && !s.interrupting
            });
        if !concurrent {
            for &ix in &nodes {
                let n = c.node(ix);
                if n.kind == NodeKind::EndEvent
                    && n.event_definitions.contains(&EventDefinition::Terminate)
                {
                    c.report(ProblemCode::SuperfluousTermination, &n.id);
                }
            }
        }
    }
}

/// Whether the node can start tokens that run at the same time as others: a parallel,
/// inclusive or complex gateway that forks, an activity or event with several outgoing
/// flows (each taken when its condition holds), a non-interrupting boundary event.
fn forks_tokens(c: &Checked, ix: NodeIndex) -> bool {
    let n = c.node(ix);
    match n.kind {
        NodeKind::ExclusiveGateway | NodeKind::EventBasedGateway => false,
        k if k.is_gateway() => c.out_degree(ix) > 1,
        NodeKind::BoundaryEvent if !n.interrupting => true,
        _ => c.out_degree(ix) > 1,
    }
}

/// Whether sequence flows do not concern the node: compensation activities, compensation
/// boundary events, and the activities of an ad-hoc sub-process (any order) are started
/// and left otherwise.
fn outside_sequence(n: &GraphNode, scopes: &BTreeMap<&str, GraphScope>) -> bool {
    let ad_hoc = scopes
        .get(n.scope.as_str())
        .is_some_and(|s| s.kind == ScopeKind::AdHocSubProcess);
    n.for_compensation || n.is_compensation_boundary() || (ad_hoc && n.kind.is_activity())
}

/// Reachability from the start events, implicit starts and ends, disconnected nodes. A
/// node that no flow touches is reported once, as disconnected.
fn connections(c: &mut Checked, scopes: &BTreeMap<&str, GraphScope>) {
    // Boundary events are reached through their host; a link catch event through a throw
    // event of the same link name in its scope.
    let mut reached: BTreeSet<NodeIndex> = BTreeSet::new();
    let mut roots: Vec<NodeIndex> =
        c.g.node_indices()
            .filter(|&ix| c.node(ix).kind == NodeKind::StartEvent)
            .collect();
    let thrown = |reached: &BTreeSet<NodeIndex>, n: &GraphNode| {
        reached.iter().any(|&r| {
            let t = c.node(r);
            t.kind == NodeKind::IntermediateThrowEvent
                && t.scope == n.scope
                && t.link_name.is_some()
                && t.link_name == n.link_name
        })
    };
    loop {
        for root in roots.drain(..) {
            let mut bfs = Bfs::new(&c.g, root);
            while let Some(ix) = bfs.next(&c.g) {
                reached.insert(ix);
            }
        }
        roots =
            c.g.node_indices()
                .filter(|&ix| {
                    let n = c.node(ix);
                    !reached.contains(&ix)
                        && match n.kind {
                            NodeKind::BoundaryEvent => n
                                .attached_to
                                .as_deref()
                                .and_then(|h| c.index.get(h))
                                .is_some_and(|h| reached.contains(h)),
                            NodeKind::IntermediateCatchEvent if n.link_name.is_some() => {
                                thrown(&reached, n)
                            }
                            _ => false,
                        }
                })
                .collect();
        if roots.is_empty() {
            break;
        }
    }
    let has_start: BTreeSet<&str> = c
        .graph
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::StartEvent)
        .map(|n| n.scope.as_str())
        .collect();
    for ix in c.g.node_indices() {
        let n = c.node(ix);
        if outside_sequence(n, scopes) {
            continue;
        }
        let (incoming, outgoing) = (c.in_degree(ix), c.out_degree(ix));
        if incoming == 0 && outgoing == 0 {
            c.report(ProblemCode::Disconnected, &n.id);
            continue;
        }
        // Without a start event the whole scope is already reported once as NoStart; an
        // implicit start (no incoming flow) is unreachable too.
        if !reached.contains(&ix)
            && has_start.contains(n.scope.as_str())
            && !c.graph.exempt_scopes.contains(&n.scope)
        {
            c.report(ProblemCode::Unreachable, &n.id);
        }
        let left = n.kind == NodeKind::EndEvent
            || (n.kind == NodeKind::IntermediateThrowEvent && n.link_name.is_some());
        if outgoing == 0 && !left {
            c.report(ProblemCode::DeadEnd, &n.id);
        }
    }
}

/// Forks, joins and conditions on them.
fn splits_and_joins(c: &mut Checked) {
    // Flows that dangle are reported as such; among the others a second flow with the same
    // ends and condition is a duplicate.
    let mut seen: HashSet<(&str, &str, &str)> = HashSet::new();
    for f in &c.graph.flows {
        if c.index.contains_key(f.source.as_str())
            && c.index.contains_key(f.target.as_str())
            && !seen.insert((&f.source, &f.target, &f.condition))
        {
            c.report(ProblemCode::DuplicateFlow, &f.id);
        }
    }
    for ix in c.g.node_indices() {
        let n = c.node(ix);
        let out: Vec<&GraphFlow> = c.outgoing(ix).collect();
        let (incoming, outgoing) = (c.in_degree(ix), out.len());
        let gateway = n.kind.is_gateway();
        match n.kind {
            NodeKind::ComplexGateway => c.report(ProblemCode::ComplexGateway, &n.id),
            NodeKind::InclusiveGateway => c.report(ProblemCode::InclusiveGateway, &n.id),
            NodeKind::EventBasedGateway => {
                if outgoing < 2 {
                    c.report(ProblemCode::EventGatewayTooFewFlows, &n.id);
                }
                for f in out.iter().filter(|f| f.has_condition) {
                    c.report(ProblemCode::EventGatewayConditionalFlow, &f.id);
                }
            }
            _ => {}
        }
        if gateway && incoming > 1 && outgoing > 1 {
            c.report(ProblemCode::GatewayJoinFork, &n.id);
        }
        if gateway && incoming == 1 && outgoing == 1 {
            c.report(ProblemCode::SuperfluousGateway, &n.id);
        }
        if !gateway && incoming > 1 {
            c.report(ProblemCode::FakeJoin, &n.id);
        }
        let plain = out
            .iter()
            .filter(|f| !f.has_condition && !c.is_default(n, f))
            .count();
        if !gateway && plain > 1 {
            c.report(ProblemCode::ImplicitSplit, &n.id);
        }
        let conditional_fork = n.default_flow.is_some()
            || (matches!(
                n.kind,
                NodeKind::ExclusiveGateway | NodeKind::InclusiveGateway
            ) && outgoing > 1)
            || out.iter().any(|f| f.has_condition);
        if conditional_fork && plain > 0 {
            c.report(ProblemCode::MissingConditions, &n.id);
        }
    }
}

/// Parallel splits whose branches meet at an exclusive join. Each branch is followed until a
/// proper parallel join (which synchronises it) or the end.
fn parallel_joined_by_exclusive(c: &mut Checked) {
    let mut found = Vec::new();
    for split in c.g.node_indices() {
        if c.node(split).kind != NodeKind::ParallelGateway {
            continue;
        }
        let branches: Vec<NodeIndex> = c.g.neighbors_directed(split, Direction::Outgoing).collect();
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
                let kind = c.node(ix).kind;
                let incoming = c.in_degree(ix);
                if kind == NodeKind::ParallelGateway && incoming > 1 {
                    continue;
                }
                if kind == NodeKind::ExclusiveGateway && incoming > 1 {
                    meets.entry(ix).or_default().insert(b);
                }
                stack.extend(c.g.neighbors_directed(ix, Direction::Outgoing));
            }
        }
        found.extend(
            meets
                .into_iter()
                .filter(|(_, from)| from.len() > 1)
                .map(|(ix, _)| ix),
        );
    }
    for ix in found {
        let id = &c.node(ix).id;
        c.report(ProblemCode::ParallelJoinedByExclusive, id);
    }
}

/// Event definitions: at most one per event.
fn events(c: &mut Checked) {
    for n in &c.graph.nodes {
        if n.kind.is_event() && n.event_definitions.len() > 1 {
            c.report(ProblemCode::SeveralEventDefinitions, &n.id);
        }
    }
}

/// Link events: named, and paired with a counterpart of the same name in their scope (one
/// catch event per name).
fn links(c: &mut Checked) {
    let mut by_name: BTreeMap<(&str, &str), Vec<&GraphNode>> = BTreeMap::new();
    for n in &c.graph.nodes {
        let Some(name) = n.link_name.as_deref() else {
            continue;
        };
        if name.trim().is_empty() {
            c.report(ProblemCode::LinkNameMissing, &n.id);
        } else {
            by_name.entry((&n.scope, name)).or_default().push(n);
        }
    }
    for events in by_name.values() {
        let catches: Vec<&&GraphNode> = events
            .iter()
            .filter(|n| n.kind == NodeKind::IntermediateCatchEvent)
            .collect();
        let unmatched: Vec<&str> = if events.len() == 1 || catches.is_empty() {
            events.iter().map(|n| n.id.as_str()).collect()
        } else if catches.len() > 1 {
            catches.iter().map(|n| n.id.as_str()).collect()
        } else {
            Vec::new()
        };
        for id in unmatched {
            c.report(ProblemCode::LinkUnmatched, id);
        }
    }
}

/// Labels: every flow node but sub-processes, parallel and event-based gateways and
/// gateways that only join; conditional sequence flows; pools and lanes.
fn labels(c: &mut Checked) {
    let mut missing = Vec::new();
    for ix in c.g.node_indices() {
        let n = c.node(ix);
        // Sub-processes show their content (bpmnlint does not ask them for a label either).
        let exempt = matches!(
            n.kind,
            NodeKind::ParallelGateway | NodeKind::EventBasedGateway
        ) || (n.kind.is_gateway() && c.out_degree(ix) < 2)
            || n.kind.is_sub_process();
        if !exempt && n.name.trim().is_empty() {
            missing.push(n.id.as_str());
        }
    }
    for f in &c.graph.flows {
        if f.has_condition && f.name.trim().is_empty() {
            missing.push(&f.id);
        }
    }
    for (id, name) in &c.graph.lanes_and_pools {
        if name.trim().is_empty() {
            missing.push(id);
        }
    }
    for id in missing {
        c.report(ProblemCode::LabelMissing, id);
    }
}

/// Messages, errors, signals and escalations: named, used, and their names unique per kind.
fn globals(c: &mut Checked) {
    let mut names: BTreeMap<(GlobalKind, Option<&str>), usize> = BTreeMap::new();
    for g in &c.graph.globals {
        *names.entry((g.kind, g.name.as_deref())).or_default() += 1;
    }
    for g in &c.graph.globals {
        let unnamed = g.name.as_deref().is_none_or(|n| n.trim().is_empty());
        if unnamed {
            c.report(ProblemCode::GlobalUnnamed, &g.id);
        }
        if !g.referenced {
            c.report(ProblemCode::GlobalUnused, &g.id);
        }
        // Unnamed ones are reported as such, not also as sharing the empty name.
        if !unnamed && names[&(g.kind, g.name.as_deref())] > 1 {
            c.report(ProblemCode::GlobalDuplicateName, &g.id);
        }
    }
}

/// The diagram: what it does not draw, what it draws over each other or outside its pool or
/// expanded sub-process.
fn diagram(c: &mut Checked) {
    for id in &c.graph.undrawn {
        c.report(ProblemCode::NotDrawn, id);
    }
    let mut by_container: BTreeMap<&str, Vec<&GraphShape>> = BTreeMap::new();
    for s in &c.graph.shapes {
        by_container.entry(&s.container).or_default().push(s);
        if s.inside_container
            && let Some(parent) = c.graph.container_bounds.get(&s.container)
            && !parent.contains(&s.bounds)
        {
            c.report(ProblemCode::OutsideParent, &s.id);
        }
    }
    // A sweep along x: only shapes whose x ranges meet can overlap.
    for shapes in by_container.values_mut() {
        shapes.sort_by(|a, b| a.bounds.x.total_cmp(&b.bounds.x));
        for (i, a) in shapes.iter().enumerate() {
            for b in &shapes[i + 1..] {
                if b.bounds.x > a.bounds.x + a.bounds.w {
                    break;
                }
                let attached = a.host.as_deref() == Some(b.id.as_str())
                    || b.host.as_deref() == Some(a.id.as_str());
                if !attached && a.bounds.meets(&b.bounds) {
                    c.problems
                        .insert(Problem::new(ProblemCode::Overlapping, &a.id));
                    c.problems
                        .insert(Problem::new(ProblemCode::Overlapping, &b.id));
                }
            }
        }
    }
}
