//! The edit path's cost in the core itself, without a window: how long one edit takes
//! until it is durable (the acknowledgement the UI waits for), for a flow and a domain model
//! of growing size, and what opening and validating them costs.
//!
//! `cargo run --release -p api --example bench_edit [-- --sizes 1000,10000 --edits 30]`

use std::time::{Duration, Instant};

use api::{Config, Core, DocKind, DocOps};
use model::domain::{Attribute, DataType, DomainRecord};
use model::record::RecordOp;
use model::{FlowNode, FlowOp, NodeKind};

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// A domain model of about `n` elements: 50 contexts, entities with 4 attributes each
/// (inside aggregates), and as many commands and events as entities.
/// A generated domain model of about `n` records, laid out as its canvases draw it.
fn domain_records(n: usize) -> Vec<DomainRecord> {
    model::domain_gen::generated(model::domain_gen::Size::about(n)).into_records()
}

async fn bench_flow(c: &Core, ws: &str, n: usize, edits: usize) {
    let d = c
        .create_document(ws, DocKind::BusinessFlow, &format!("flow {n}"))
        .await
        .unwrap();
    for chunk in (0..n).collect::<Vec<_>>().chunks(2000) {
        let ops = chunk
            .iter()
            .map(|i| FlowOp::AddNode {
                node: FlowNode::new(
                    format!("n{i}"),
                    NodeKind::Task,
                    "任务",
                    (i % 100) as f64 * 150.0,
                    (i / 100) as f64 * 100.0,
                ),
            })
            .collect();
        c.edit_flow(&d.id, ops).await.unwrap();
    }
    let t = Instant::now();
    c.open_document(&d.id).await.unwrap();
    let open = t.elapsed();
    let t = Instant::now();
    c.validate_document(&d.id).await.unwrap();
    let validate = t.elapsed();
    let mut times = Vec::new();
    for i in 0..edits {
        let t = Instant::now();
        c.edit_flow(
            &d.id,
            vec![FlowOp::AddNode {
                node: FlowNode::new(
                    format!("x{i}"),
                    NodeKind::Task,
                    "新任务",
                    -500.0,
                    i as f64 * 100.0,
                ),
            }],
        )
        .await
        .unwrap();
        times.push(t.elapsed());
    }
    println!(
        "flow     {n:>6} elements: add one node, durable: median {} (min {}, max {}); open {}; validate {}",
        ms(median(times.clone())),
        ms(*times.iter().min().unwrap()),
        ms(*times.iter().max().unwrap()),
        ms(open),
        ms(validate)
    );
}

async fn bench_domain(c: &Core, ws: &str, n: usize, edits: usize) {
    let d = c
        .create_document(ws, DocKind::DomainModel, &format!("domain {n}"))
        .await
        .unwrap();
    let records = domain_records(n);
    let count = records.len();
    for chunk in records.chunks(2000) {
        let ops = chunk
            .iter()
            .cloned()
            .map(|record| RecordOp::Add { record })
            .collect();
        c.edit_document(&d.id, DocOps::DomainModel(ops))
            .await
            .unwrap();
    }
    let t = Instant::now();
    c.open_document(&d.id).await.unwrap();
    let open = t.elapsed();
    let t = Instant::now();
    c.validate_document(&d.id).await.unwrap();
    let validate = t.elapsed();
    let mut times = Vec::new();
    for i in 0..edits {
        // The first entity's amount attribute (`model::domain_gen`'s ids), renamed each time.
        let mut a = Attribute::new(
            "ctx0/agg0/e0/n",
            "ctx0/agg0/e0",
            format!("改名{i}"),
            DataType::Money,
            1.0,
        );
        a.required = i % 2 == 0;
        let t = Instant::now();
        c.edit_document(
            &d.id,
            DocOps::DomainModel(vec![RecordOp::Update {
                record: DomainRecord::Attribute(a),
            }]),
        )
        .await
        .unwrap();
        times.push(t.elapsed());
    }
    println!(
        "domain   {count:>6} elements: edit one attribute, durable: median {} (min {}, max {}); open {}; validate {}",
        ms(median(times.clone())),
        ms(*times.iter().min().unwrap()),
        ms(*times.iter().max().unwrap()),
        ms(open),
        ms(validate)
    );
}

#[tokio::main]
async fn main() {
    let mut sizes = vec![1_000, 10_000];
    let mut edits = 30;
    let args: Vec<String> = std::env::args().collect();
    for w in args.windows(2) {
        match w[0].as_str() {
            "--sizes" => {
                sizes = w[1]
                    .split(',')
                    .map(|s| s.parse().expect("a size"))
                    .collect()
            }
            "--edits" => edits = w[1].parse().expect("a count"),
            _ => {}
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let c = Core::open(Config {
        data_dir: dir.path().to_path_buf(),
        seed_demo: false,
    })
    .await
    .unwrap();
    let ws = c.create_workspace("bench").await.unwrap();
    for &n in &sizes {
        bench_flow(&c, &ws.id, n, edits).await;
        bench_domain(&c, &ws.id, n, edits).await;
    }
    c.close().await;
}
