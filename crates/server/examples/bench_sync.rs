//! The sync benchmark: many clients editing one hot document, through `triloop-server` and
//! through the JavaScript automerge-repo sync server, side by side. Run it with
//! `scripts/bench-sync` (which builds it in release mode and runs it in a private network
//! namespace, because the JS server listens on every interface).
//!
//! For each number of clients: a fresh server; one client builds a flow document of
//! `--nodes` task nodes joined by sequence flows (with `model::flow` ops) and pushes it;
//! every other client finds it and waits until it holds the whole document. Then every
//! client makes `--edits` edits (node moves, one Automerge change each, `--edit-interval-ms`
//! apart), and the clock runs until every client holds identical heads. All clients are Rust
//! samod repos in one process; the Triloop server is the real process, each client with an
//! invitation of its own made by `triloop-server invite`. A server's peak memory is its
//! VmHWM (from /proc/<pid>/status) at the end of the run. Each size runs `--rounds` times,
//! alternating the servers; the table gives the median and the range.

#[path = "../tests/common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use automerge::{Automerge, ChangeHash};
use clap::Parser;
use futures::StreamExt;
use model::flow::{self, FlowOp};
use model::{EdgeKind, FlowEdge, FlowNode, NodeKind, workspace};
use samod::{BackoffConfig, DocHandle, DocumentId, Repo};

#[derive(Parser, Clone)]
#[command(
    about = "Sync convergence benchmark: triloop-server vs the JS automerge-repo sync server"
)]
struct Args {
    /// Numbers of clients, one run each.
    #[arg(long, value_delimiter = ',', default_value = "10,25,50")]
    clients: Vec<usize>,
    /// Edits per client.
    #[arg(long, default_value_t = 10)]
    edits: usize,
    /// Nodes in the shared flow document.
    #[arg(long, default_value_t = 1000)]
    nodes: usize,
    /// Pause between one client's edits.
    #[arg(long, default_value_t = 10)]
    edit_interval_ms: u64,
    /// Which servers: triloop, js.
    #[arg(long, value_delimiter = ',', default_value = "triloop,js")]
    servers: Vec<String>,
    /// Runs per server and size; the table shows the median and the range (the machines
    /// this runs on are shared and noisy).
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Give up on a run after this long.
    #[arg(long, default_value_t = 120)]
    timeout_secs: u64,
    /// The `triloop-server` binary (release build).
    #[arg(long)]
    triloop_bin: PathBuf,
    /// The folder with the JS packages (tests/js, after `npm ci`).
    #[arg(long, default_value = "tests/js")]
    js_dir: PathBuf,
}

struct ServerProcess {
    child: Child,
    /// The WebSocket URL, without a token.
    url: String,
    _data: tempfile::TempDir,
    db: Option<PathBuf>,
}

impl ServerProcess {
    fn triloop(bin: &Path) -> ServerProcess {
        let data = tempfile::tempdir().unwrap();
        let db = data.path().join("server.db");
        let mut child = Command::new(bin)
            .args(["--listen", "127.0.0.1:0", "--database"])
            .arg(&db)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("triloop-server did not start: {line:?}"))
            .to_string();
        ServerProcess {
            child,
            url: format!("ws://{addr}/sync"),
            _data: data,
            db: Some(db),
        }
    }

    fn js(js_dir: &Path) -> ServerProcess {
        let dev = std::fs::read_to_string("/proc/self/net/dev").unwrap_or_default();
        let only_lo = dev
            .lines()
            .skip(2)
            .filter_map(|l| l.split(':').next())
            .all(|n| n.trim() == "lo");
        assert!(
            only_lo,
            "the JS sync server listens on every interface: run this benchmark through \
             scripts/bench-sync, which runs it in a private network namespace"
        );
        let js_dir =
            std::fs::canonicalize(js_dir).unwrap_or_else(|e| panic!("{}: {e}", js_dir.display()));
        let entry = js_dir.join("node_modules/@automerge/automerge-repo-sync-server/src/index.js");
        assert!(
            entry.is_file(),
            "{} is missing: run scripts/setup (npm ci in tests/js)",
            entry.display()
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let data = tempfile::tempdir().unwrap();
        let mut child = Command::new("node")
            .arg(&entry)
            .current_dir(data.path())
            .env("PORT", port.to_string())
            .env("DATA_DIR", data.path().join("amrg"))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("cannot start node");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert!(
            line.contains("Listening on port"),
            "the JS sync server did not start: {line:?}"
        );
        ServerProcess {
            child,
            url: format!("ws://127.0.0.1:{port}"),
            _data: data,
            db: None,
        }
    }

    /// Peak resident memory (VmHWM), in MiB.
    fn peak_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
            .unwrap_or(f64::NAN)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The shared document: `nodes` tasks in a row, each joined to the next by a sequence flow.
fn build_flow(doc: &mut Automerge, nodes: usize) {
    flow::init(doc).unwrap();
    let ids: Vec<String> = (0..nodes).map(|i| format!("n{i}")).collect();
    for chunk in ids.chunks(100) {
        let ops: Vec<FlowOp> = chunk
            .iter()
            .map(|id| {
                let i: usize = id[1..].parse().unwrap();
                FlowOp::AddNode {
                    node: FlowNode::new(
                        id.clone(),
                        NodeKind::Task,
                        format!("Task {i}"),
                        (i % 40) as f64 * 150.0,
                        (i / 40) as f64 * 120.0,
                    ),
                }
            })
            .collect();
        flow::apply(doc, &ops).unwrap();
    }
    let edges: Vec<FlowOp> = (1..nodes)
        .map(|i| FlowOp::AddEdge {
            edge: FlowEdge::new(
                format!("e{i}"),
                EdgeKind::SequenceFlow,
                format!("n{}", i - 1),
                format!("n{i}"),
            ),
        })
        .collect();
    for chunk in edges.chunks(200) {
        flow::apply(doc, chunk).unwrap();
    }
}

async fn dial(repo: &Repo, url: &str) {
    let dialer = repo
        .dial_websocket(url.parse().unwrap(), BackoffConfig::default())
        .unwrap();
    tokio::time::timeout(Duration::from_secs(30), dialer.established())
        .await
        .expect("connected within 30 s")
        .unwrap();
}

async fn find(repo: &Repo, id: &DocumentId) -> DocHandle {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(h) = repo.find(id.clone()).await.unwrap() {
            return h;
        }
        assert!(Instant::now() < deadline, "document {id} never arrived");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// One client's latest heads, kept current from its handle's change events.
fn track_heads(handle: &DocHandle) -> Arc<Mutex<Vec<ChangeHash>>> {
    let heads = Arc::new(Mutex::new(handle.with_document(|d| d.get_heads())));
    let mut changes = handle.changes();
    let h = heads.clone();
    tokio::spawn(async move {
        while let Some(c) = changes.next().await {
            *h.lock().unwrap() = c.new_heads;
        }
    });
    // A change between the first read and the subscription is caught by this second read.
    let now = handle.with_document(|d| d.get_heads());
    *heads.lock().unwrap() = now;
    heads
}

async fn wait_all_equal(
    heads: &[Arc<Mutex<Vec<ChangeHash>>>],
    also: impl Fn() -> bool,
    deadline: Instant,
) -> bool {
    loop {
        let first = heads[0].lock().unwrap().clone();
        if also() && heads.iter().all(|h| *h.lock().unwrap() == first) {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat.
fn cpu_secs(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name (which may contain spaces) are space-separated;
    // utime and stime are the 14th and 15th fields of the whole line.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

struct Outcome {
    converged: Option<Duration>,
    setup: Duration,
    peak_mib: f64,
    /// CPU used while converging by all the clients (this process) and by the server.
    clients_cpu: f64,
    server_cpu: f64,
}

async fn run(args: &Args, server_kind: &str, n: usize) -> Outcome {
    let server = match server_kind {
        "triloop" => ServerProcess::triloop(&args.triloop_bin),
        "js" => ServerProcess::js(&args.js_dir),
        other => panic!("unknown server {other} (triloop or js)"),
    };
    let setup_started = Instant::now();

    // The creator builds the document offline (and, for Triloop, the workspace listing it).
    let creator = Repo::build_tokio().load().await;
    let mut doc = Automerge::new();
    build_flow(&mut doc, args.nodes);
    let shared = creator.create(doc).await.unwrap();
    let doc_id = shared.document_id().clone();
    let mut urls = Vec::new();
    if let Some(db) = &server.db {
        let mut index = Automerge::new();
        workspace::init(&mut index, "bench").unwrap();
        workspace::add_document(
            &mut index,
            &workspace::DocumentEntry {
                id: doc_id.to_string(),
                kind: model::DocKind::BusinessFlow,
                title: "hot".into(),
                created_at: 1.0,
            },
        )
        .unwrap();
        let index = creator.create(index).await.unwrap();
        for i in 0..n {
            let token = common::invite(
                &args.triloop_bin,
                db,
                index.document_id(),
                &format!("client {i}"),
            );
            urls.push(format!("{}?token={token}", server.url));
        }
    } else {
        urls = vec![server.url.clone(); n];
    }
    dial(&creator, &urls[0]).await;

    // Everyone else joins and receives the whole document.
    let mut repos = vec![creator];
    let mut handles = vec![shared];
    let joined = futures::future::join_all((1..n).map(|i| {
        let url = urls[i].clone();
        let id = doc_id.clone();
        async move {
            let repo = Repo::build_tokio().load().await;
            dial(&repo, &url).await;
            let h = find(&repo, &id).await;
            (repo, h)
        }
    }))
    .await;
    for (r, h) in joined {
        repos.push(r);
        handles.push(h);
    }
    let heads: Vec<_> = handles.iter().map(track_heads).collect();
    let ready = wait_all_equal(
        &heads,
        || true,
        Instant::now() + Duration::from_secs(args.timeout_secs),
    )
    .await;
    assert!(
        ready,
        "{server_kind}, {n} clients: the initial document never reached everyone"
    );
    let setup = setup_started.elapsed();

    // The measured part: everyone edits at once.
    let server_pid = server.child.id().to_string();
    let cpu_before = (cpu_secs("self"), cpu_secs(&server_pid));
    let started = Instant::now();
    let remaining = Arc::new(std::sync::atomic::AtomicUsize::new(n));
    for (i, h) in handles.iter().enumerate() {
        let h = h.clone();
        let remaining = remaining.clone();
        let (edits, nodes, pause) = (args.edits, args.nodes, args.edit_interval_ms);
        tokio::spawn(async move {
            for k in 0..edits {
                let node = (i * edits + k) % nodes;
                h.with_document(|d| {
                    flow::apply(
                        d,
                        &[FlowOp::MoveNode {
                            id: format!("n{node}"),
                            x: (node % 40) as f64 * 150.0 + 10.0 + k as f64,
                            y: (node / 40) as f64 * 120.0 + 5.0 + i as f64,
                        }],
                    )
                    .unwrap()
                });
                tokio::time::sleep(Duration::from_millis(pause)).await;
            }
            remaining.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
        });
    }
    let done = || remaining.load(std::sync::atomic::Ordering::SeqCst) == 0;
    let converged = wait_all_equal(
        &heads,
        done,
        started + Duration::from_secs(args.timeout_secs),
    )
    .await
    .then(|| started.elapsed());
    if converged.is_some() {
        // Every client holds every edit: (edits per client) x (clients) moves.
        let moved = handles[n - 1].with_document(|d| {
            let f = flow::read(d).unwrap();
            f.nodes
                .iter()
                .filter(|node| {
                    let i: usize = node.id[1..].parse().unwrap();
                    node.x != (i % 40) as f64 * 150.0
                })
                .count()
        });
        assert_eq!(
            moved,
            (n * args.edits).min(args.nodes),
            "{server_kind}: edits lost"
        );
    }
    let clients_cpu = cpu_secs("self") - cpu_before.0;
    let server_cpu = cpu_secs(&server_pid) - cpu_before.1;
    let peak_mib = server.peak_mib();
    for r in repos {
        r.stop().await;
    }
    drop(server);
    Outcome {
        converged,
        setup,
        peak_mib,
        clients_cpu,
        server_cpu,
    }
}

fn main() {
    let args = Args::parse();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    println!(
        "sync benchmark: {} edits per client ({} ms apart) on one {}-node flow document; \
         time from the first edit until every client holds identical heads",
        args.edits, args.edit_interval_ms, args.nodes
    );
    let mut rows = Vec::new();
    for &n in &args.clients {
        // Rounds alternate between the servers, so that a noisy minute hits both.
        let mut times: Vec<(String, Vec<Option<f64>>, f64)> = args
            .servers
            .iter()
            .map(|s| (s.clone(), Vec::new(), 0.0))
            .collect();
        for round in 0..args.rounds.max(1) {
            for (server, ts, peak) in times.iter_mut() {
                let outcome = rt.block_on(run(&args, server, n));
                let t = outcome.converged.map(|d| d.as_secs_f64());
                eprintln!(
                    "  round {}: {server:8} {n:3} clients: {}, peak {:.0} MiB, CPU clients {:.1} s + \
                     server {:.1} s (setup {:.1} s)",
                    round + 1,
                    t.map(|t| format!("{t:.2} s"))
                        .unwrap_or_else(|| "no convergence".into()),
                    outcome.peak_mib,
                    outcome.clients_cpu,
                    outcome.server_cpu,
                    outcome.setup.as_secs_f64()
                );
                ts.push(t);
                *peak = peak.max(outcome.peak_mib);
            }
        }
        for (server, ts, peak) in times {
            let mut done: Vec<f64> = ts.iter().flatten().copied().collect();
            done.sort_by(f64::total_cmp);
            let time = if done.len() < ts.len() {
                format!(
                    "> {} s ({} of {} runs did not converge)",
                    args.timeout_secs,
                    ts.len() - done.len(),
                    ts.len()
                )
            } else {
                format!(
                    "{:.2} s ({:.2}–{:.2})",
                    done[done.len() / 2],
                    done[0],
                    done[done.len() - 1]
                )
            };
            rows.push((n, server, time, peak));
        }
    }
    println!();
    println!(
        "| clients | server  | converged after: median (range) | server peak memory (VmHWM) |"
    );
    println!(
        "|--------:|---------|--------------------------------:|---------------------------:|"
    );
    for (n, server, time, mib) in rows {
        let name = if server == "js" { "js" } else { "triloop" };
        println!("| {n:7} | {name:7} | {time:>31} | {:>22.0} MiB |", mib);
    }
}
