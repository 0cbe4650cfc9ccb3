//! The validation graph of an imported BPMN model, for `model::validate`: one scope per
//! process and per sub-process, the process each node belongs to (sequence flows across
//! pools), boundary attachments, defaults and conditions.

use ::model::validate::{FlowGraph, GraphFlow, GraphNode, NodeRole};

use super::model::{BpmnModel, FlowContent, FlowNodeKind};

pub fn validation_graph(model: &BpmnModel) -> FlowGraph {
    let mut g = FlowGraph::default();
    for p in model.processes() {
        walk(&p.id, &p.id, &p.content, &mut g);
    }
    g
}

fn walk(process: &str, scope: &str, content: &[FlowContent], g: &mut FlowGraph) {
    for c in content {
        match c {
            FlowContent::FlowNode(n) => {
                let event_sub_process =
                    n.kind.is_sub_process() && n.triggered_by_event == Some(true);
                if n.kind.is_sub_process() {
                    // Ad-hoc and event sub-processes need no start or end of their own.
                    if n.kind == FlowNodeKind::AdHocSubProcess || event_sub_process {
                        g.exempt_scopes.insert(n.id.clone());
                    }
                    walk(process, &n.id, &n.children, g);
                }
                // An event sub-process is started by its event, not by sequence flows.
                if event_sub_process {
                    continue;
                }
                g.nodes.push(GraphNode {
                    id: n.id.clone(),
                    role: match n.kind {
                        FlowNodeKind::StartEvent => NodeRole::Start,
                        FlowNodeKind::EndEvent => NodeRole::End,
                        FlowNodeKind::BoundaryEvent => NodeRole::Boundary,
                        FlowNodeKind::ExclusiveGateway => NodeRole::ExclusiveGateway,
                        FlowNodeKind::InclusiveGateway => NodeRole::InclusiveGateway,
                        FlowNodeKind::ParallelGateway => NodeRole::ParallelGateway,
                        _ => NodeRole::Other,
                    },
                    scope: scope.to_string(),
                    process: process.to_string(),
                    attached_to: n.attached_to_ref.clone(),
                    default_flow: n.default_flow.clone(),
                });
            }
            FlowContent::SequenceFlow(f) => g.flows.push(GraphFlow {
                id: f.id.clone(),
                source: f.source().to_string(),
                target: f.target().to_string(),
                has_condition: f.condition.is_some(),
            }),
            _ => {}
        }
    }
}
