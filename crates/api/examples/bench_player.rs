//! What starting play mode costs in the core: the player's bundle (`player_bundle`: the
//! prototype read, validated against the workspace's domain model, bindings and commands
//! resolved, sample rows generated) and opening the prototype, for a generated prototype of
//! 200 screens x 50 components whose lists are bound to the demo's customer entity.
//!
//! `cargo run --release -p api --example bench_player [-- --screens 200 --components 50]`

use std::time::{Duration, Instant};

use api::{Config, Core, DocKind, DocOps};
use model::prototype::{Binding, ComponentKind, PrototypeRecord};
use model::record::RecordOp;

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let (screens, per_screen) = (arg("--screens", 200), arg("--components", 50));
    let dir = tempfile::tempdir().unwrap();
    let c = Core::open(Config {
        data_dir: dir.path().to_path_buf(),
        seed_demo: false,
    })
    .await
    .unwrap();
    let ws = c
        .import_bundle(&api::exchange::demo_bundle().unwrap())
        .await
        .unwrap();
    let view = c.open_workspace(&ws.id).await.unwrap();
    let dm = view
        .documents
        .iter()
        .find(|d| d.kind == DocKind::DomainModel)
        .unwrap()
        .id
        .clone();
    let doc = c
        .create_document(&ws.id, DocKind::SandboxPrototype, "bench")
        .await
        .unwrap();
    let mut p = model::prototype_gen::generated(screens, per_screen);
    for comp in &mut p.components {
        if comp.kind == ComponentKind::List {
            comp.binding = Some(Binding {
                document: dm.clone(),
                entity: "ent_customer".into(),
                attribute: None,
                collection: true,
            });
        }
    }
    let records = p.into_records();
    let n = records.len();
    for chunk in records.chunks(2000) {
        let ops: Vec<RecordOp<PrototypeRecord>> = chunk
            .iter()
            .cloned()
            .map(|record| RecordOp::Add { record })
            .collect();
        c.edit_document(&doc.id, DocOps::SandboxPrototype(ops))
            .await
            .unwrap();
    }
    let mut open = Vec::new();
    let mut bundle = Vec::new();
    let mut size = 0;
    for _ in 0..7 {
        let t = Instant::now();
        c.open_document(&doc.id).await.unwrap();
        open.push(t.elapsed());
        let t = Instant::now();
        let b = c.player_bundle(&doc.id, 1).await.unwrap();
        bundle.push(t.elapsed());
        size = serde_json::to_string(&b).unwrap().len();
    }
    println!(
        "prototype of {screens} screens x {per_screen} components ({n} records): open_document {}, player_bundle {} ({:.1} MB of JSON), medians of 7",
        ms(median(open)),
        ms(median(bundle)),
        size as f64 / 1e6
    );
    c.close().await;
}
