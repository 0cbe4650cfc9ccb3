//! Automatic layout times: the largest MIWG reference model with its diagram removed, and a
//! generated process without DI of about 5,000 flow nodes (three lanes, gateways, loops,
//! boundary events, data and annotations).
//!
//!     cargo run --release -p formats --example bench_layout

#[path = "../tests/common/generate.rs"]
mod generate;

use std::path::Path;
use std::time::{Duration, Instant};

use formats::bpmn::layout::ensure_layout;
use formats::bpmn::{BpmnModel, DefinitionsContent, FlowContent, import};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn bench(label: &str, model: &BpmnModel, runs: usize) {
    let mut times = Vec::new();
    let mut report = None;
    for _ in 0..runs {
        let mut m = model.clone();
        let t = Instant::now();
        let r = ensure_layout(&mut m);
        times.push(t.elapsed());
        report = Some(r);
        std::hint::black_box(m);
    }
    let nodes = model
        .flow_elements()
        .iter()
        .filter(|c| matches!(c.element, FlowContent::FlowNode(_)))
        .count();
    println!(
        "{label}: {nodes} flow nodes, {}: layout {:.2} ms (median of {runs})",
        report.map(|r| r.to_string()).unwrap_or_default(),
        median(times).as_secs_f64() * 1e3,
    );
}

fn main() {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/bpmn/miwg-reference");
    let largest = std::fs::read_dir(&dir)
        .expect("MIWG fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "bpmn"))
        .max_by_key(|p| p.metadata().map(|m| m.len()).unwrap_or(0))
        .expect("a MIWG model");
    let mut m = import(&std::fs::read(&largest).expect("read")).expect("import");
    m.content
        .retain(|c| !matches!(c, DefinitionsContent::Diagram(_)));
    let name = largest
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("?")
        .to_string();
    bench(&format!("MIWG {name} without DI"), &m, 50);
    let generated = import(generate::without_di(5_000).as_bytes()).expect("import");
    bench("generated process without DI", &generated, 5);
}
