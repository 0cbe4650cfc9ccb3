//! Import and export times for the largest MIWG reference model and a generated flow of
//! about 5,000 flow elements (2,500 nodes, 2,499 sequence flows, with lanes and DI).
//!
//!     cargo run --release -p formats --example bench_bpmn

#[path = "../tests/common/generate.rs"]
mod generate;

use std::path::Path;
use std::time::{Duration, Instant};

use formats::bpmn::{export, import};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn bench(label: &str, bytes: &[u8], runs: usize) {
    let mut imports = Vec::new();
    let mut exports = Vec::new();
    let mut model = import(bytes).expect("import");
    for _ in 0..runs {
        let t = Instant::now();
        let m = import(bytes).expect("import");
        imports.push(t.elapsed());
        // The previous model is dropped here, outside the timing.
        model = m;
        let t = Instant::now();
        let out = export(&model);
        exports.push(t.elapsed());
        std::hint::black_box(out);
    }
    let counts = model.counts();
    let elements: usize = counts.values().sum();
    println!(
        "{label}: {} KiB, {elements} elements ({} flow elements): import {:.2} ms, export {:.2} ms (median of {runs})",
        bytes.len() / 1024,
        model.flow_elements().len(),
        median(imports).as_secs_f64() * 1e3,
        median(exports).as_secs_f64() * 1e3,
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
    let bytes = std::fs::read(&largest).expect("read");
    let name = largest
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("?")
        .to_string();
    bench(&format!("MIWG {name}"), &bytes, 50);
    let generated = generate::chain(2500);
    bench("generated 5,000-element flow", generated.as_bytes(), 20);
}
