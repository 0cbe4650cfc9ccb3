//! Where a flow's validation spends its time: the flow written as a BPMN model
//! (`flowdoc::from_flow`), the validation graph, and the checks, at 1,000 and 10,000 nodes.
//!
//!     cargo run --release -p formats --example bench_validate

use std::time::Instant;

use formats::bpmn::{flowdoc, validation_graph};
use model::{EdgeKind, Flow, FlowEdge, FlowNode, NodeKind};

fn flow(n: usize) -> Flow {
    let mut f = Flow::default();
    f.nodes.push(FlowNode::new(
        "start",
        NodeKind::StartEvent,
        "开始",
        -100.0,
        0.0,
    ));
    for i in 0..n {
        f.nodes.push(FlowNode::new(
            format!("n{i}"),
            NodeKind::Task,
            "任务",
            (i % 100) as f64 * 150.0,
            (i / 100) as f64 * 100.0,
        ));
        let from = if i == 0 {
            "start".to_string()
        } else {
            format!("n{}", i - 1)
        };
        f.edges.push(FlowEdge::new(
            format!("e{i}"),
            EdgeKind::SequenceFlow,
            from,
            format!("n{i}"),
        ));
    }
    f
}

fn main() {
    for n in [1_000, 10_000] {
        let f = flow(n);
        let t = Instant::now();
        let m = flowdoc::from_flow(&f, None);
        let a = t.elapsed();
        let t = Instant::now();
        let g = validation_graph(&m);
        let b = t.elapsed();
        let t = Instant::now();
        let p = model::validate::validate(&g);
        let c = t.elapsed();
        println!(
            "{n:>6} nodes: from_flow {a:?}, validation_graph {b:?}, validate {c:?} ({} problems)",
            p.len()
        );
    }
}
