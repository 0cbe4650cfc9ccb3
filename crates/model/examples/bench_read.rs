//! How long reading a large flow document takes (what `open_flow` does before JSON).
//! `cargo run --release -p model --example bench_read [-- NODES]`

use std::time::Instant;

use automerge::Automerge;
use model::flow::{self, FlowOp};
use model::{EdgeKind, FlowEdge, FlowNode, NodeKind};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let mut doc = Automerge::new();
    flow::init(&mut doc).unwrap();
    let mut ops = Vec::new();
    for i in 0..n {
        ops.push(FlowOp::AddNode {
            node: FlowNode::new(
                format!("n{i}"),
                NodeKind::Task,
                format!("任务 {i}"),
                (i % 100) as f64 * 170.0,
                (i / 100) as f64 * 110.0,
            ),
        });
        if i > 0 {
            ops.push(FlowOp::AddEdge {
                edge: FlowEdge::new(
                    format!("e{i}"),
                    EdgeKind::SequenceFlow,
                    format!("n{}", i - 1),
                    format!("n{i}"),
                ),
            });
        }
    }
    let t = Instant::now();
    flow::apply(&mut doc, &ops).unwrap();
    println!(
        "{n} nodes: building the document {:.0} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let mut best = f64::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        let f = flow::read(&doc).unwrap();
        assert_eq!(f.nodes.len(), n);
        best = best.min(t.elapsed().as_secs_f64() * 1e3);
    }
    println!("{n} nodes: flow::read best of 5 {best:.0} ms");
    let t = Instant::now();
    let json = serde_json::to_string(&flow::read(&doc).unwrap()).unwrap();
    println!(
        "read + JSON ({} KiB) {:.0} ms",
        json.len() / 1024,
        t.elapsed().as_secs_f64() * 1e3
    );
}
