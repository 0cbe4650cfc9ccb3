//! The app killed: the core the window uses (`api::Core`) in a child process, SIGKILLed at
//! a random moment during edits of a flow and of a domain model, during BPMN imports,
//! during sync with a real `triloop-server`, and during bursts of edits on a large flow
//! (samod compacts a document's chunks whenever more than ten are on disk, so every burst
//! compacts). After each kill the driver reopens the data folder with `Core` and checks
//! that every acknowledged edit is there, every document loads and nothing was quarantined.
//!
//! The child prints `TRY <key> <value>` before each call and `ACK <key> <value>` once
//! `Core` returned `Ok` (the edit is acknowledged: the window would show it as saved).
//! After a kill, each key must hold its last acknowledged value, or the value of a later
//! edit that was tried but not acknowledged (it may have reached the disk just before the
//! kill).

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use api::{Config, Core, DocKind, DocOps};
use model::domain::{BoundedContext, DomainRecord};
use model::flow::FlowOp;
use model::kinds::DocContent;
use model::record::RecordOp;
use model::{FlowNode, NodeKind};

use crate::{Rng, Row, derive_seed};

const SCENARIOS: [&str; 5] = [
    "flow-edits",
    "domain-edits",
    "bpmn-import",
    "sync",
    "compaction",
];

/// What a scenario's data folder holds, made once by the driver before the first child.
#[derive(Clone)]
struct Setup {
    workspace: String,
    flow: String,
    domain: String,
}

// ---------------------------------------------------------------------------------------
// The child
// ---------------------------------------------------------------------------------------

pub fn child(args: &[String]) -> anyhow::Result<bool> {
    let mut data = None;
    let mut scenario = String::new();
    let mut seed = 1u64;
    let mut ids = Vec::new();
    let mut fixtures = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let v = it
            .next()
            .ok_or_else(|| anyhow::anyhow!("{a} needs a value"))?;
        match a.as_str() {
            "--data" => data = Some(PathBuf::from(v)),
            "--scenario" => scenario = v.clone(),
            "--seed" => seed = v.parse()?,
            "--ids" => ids = v.split(',').map(String::from).collect(),
            "--fixtures" => {
                fixtures = std::fs::read_to_string(v)?
                    .lines()
                    .map(PathBuf::from)
                    .collect()
            }
            other => anyhow::bail!("unknown option {other}"),
        }
    }
    let data = data.ok_or_else(|| anyhow::anyhow!("--data is needed"))?;
    let [workspace, flow, domain] =
        <[String; 3]>::try_from(ids).map_err(|_| anyhow::anyhow!("--ids workspace,flow,domain"))?;
    let setup = Setup {
        workspace,
        flow,
        domain,
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(child_loop(data, &scenario, seed, setup, fixtures))
}

fn say(what: &str, key: &str, value: &str) {
    // stdout is line-buffered: each line reaches the pipe when it is printed.
    println!("{what} {key} {value}");
}

async fn child_loop(
    data: PathBuf,
    scenario: &str,
    seed: u64,
    setup: Setup,
    fixtures: Vec<PathBuf>,
) -> anyhow::Result<bool> {
    let core = Core::open(Config {
        data_dir: data,
        seed_demo: false,
    })
    .await
    .map_err(|e| anyhow::anyhow!("opening the core: {e:?}"))?;
    println!("READY");
    // The driver's self-test: an acknowledgement of an edit that was never made must be
    // reported as lost (`SOAK_SELF_TEST=1 scripts/soak --only app` fails).
    if std::env::var("SOAK_SELF_TEST").as_deref() == Ok("1") {
        say(
            "ACK",
            &format!("{}/node/never-made", setup.flow),
            "never-made",
        );
    }
    let mut rng = Rng(seed);
    let tag = seed % 1_000_000;
    let mut own_nodes: Vec<String> = Vec::new();
    let mut own_contexts: Vec<BoundedContext> = Vec::new();
    let mut k = 0u64;
    loop {
        k += 1;
        let what = match scenario {
            "domain-edits" => 1,
            "bpmn-import" if k % 2 == 0 => 2,
            _ => 0,
        };
        match what {
            0 => {
                // Flow edits: add own tasks, rename and move them. On the compaction
                // scenario's large flow, in bursts without pause.
                let r = rng.below(4);
                let op = if own_nodes.is_empty() || r < 2 {
                    let id = format!("n{tag}-{k}");
                    let name = format!("add-{tag}-{k}");
                    let node = FlowNode::new(
                        &id,
                        NodeKind::Task,
                        &name,
                        (rng.below(4000)) as f64,
                        (6000 + rng.below(4000)) as f64,
                    );
                    own_nodes.push(id.clone());
                    (
                        format!("{}/node/{id}", setup.flow),
                        name,
                        FlowOp::AddNode { node },
                    )
                } else {
                    let id = own_nodes[rng.below(own_nodes.len() as u64) as usize].clone();
                    if r == 2 {
                        let name = format!("ren-{tag}-{k}");
                        (
                            format!("{}/node/{id}", setup.flow),
                            name.clone(),
                            FlowOp::RenameNode { id, name },
                        )
                    } else {
                        let (x, y) = (rng.below(4000), 6000 + rng.below(4000));
                        (
                            format!("{}/pos/{id}", setup.flow),
                            format!("{x},{y}"),
                            FlowOp::MoveNode {
                                id,
                                x: x as f64,
                                y: y as f64,
                            },
                        )
                    }
                };
                let (key, value, op) = op;
                say("TRY", &key, &value);
                match core
                    .edit_document(&setup.flow, DocOps::BusinessFlow(vec![op]))
                    .await
                {
                    Ok(_) => say("ACK", &key, &value),
                    Err(e) => anyhow::bail!("a flow edit failed: {e:?}"),
                }
            }
            1 => {
                let op = if own_contexts.is_empty() || rng.below(2) == 0 {
                    let c = BoundedContext {
                        id: format!("c{tag}-{k}"),
                        name: format!("ctx-{tag}-{k}"),
                        subdomain: None,
                        vision: Some(format!("vision {k}")),
                        x: rng.below(3000) as f64,
                        y: rng.below(3000) as f64,
                        w: 200.0,
                        h: 120.0,
                        kept: None,
                    };
                    own_contexts.push(c.clone());
                    RecordOp::Add {
                        record: DomainRecord::Context(c),
                    }
                } else {
                    let i = rng.below(own_contexts.len() as u64) as usize;
                    own_contexts[i].name = format!("upd-{tag}-{k}");
                    RecordOp::Update {
                        record: DomainRecord::Context(own_contexts[i].clone()),
                    }
                };
                let (key, value) = match &op {
                    RecordOp::Add {
                        record: DomainRecord::Context(c),
                    }
                    | RecordOp::Update {
                        record: DomainRecord::Context(c),
                    } => (format!("{}/ctx/{}", setup.domain, c.id), c.name.clone()),
                    _ => unreachable!("only contexts are edited"),
                };
                say("TRY", &key, &value);
                match core
                    .edit_document(&setup.domain, DocOps::DomainModel(vec![op]))
                    .await
                {
                    Ok(_) => say("ACK", &key, &value),
                    Err(e) => anyhow::bail!("a domain edit failed: {e:?}"),
                }
            }
            _ => {
                let f = &fixtures[rng.below(fixtures.len() as u64) as usize];
                let bytes = std::fs::read(f)?;
                let title = format!("import-{tag}-{k}");
                say("TRY", "import", &f.display().to_string());
                match core.import_bpmn(&setup.workspace, bytes, Some(title)).await {
                    Ok(s) => say("ACK", &format!("import/{}", s.id), &f.display().to_string()),
                    // A fixture that does not import is refused before anything is made.
                    Err(e) if e.code == api::ErrorCode::BadFile => {}
                    Err(e) => anyhow::bail!("a BPMN import failed: {e:?}"),
                }
            }
        }
        if scenario != "compaction" && rng.below(4) == 0 {
            tokio::time::sleep(Duration::from_millis(rng.below(30))).await;
        }
    }
}

// ---------------------------------------------------------------------------------------
// The driver
// ---------------------------------------------------------------------------------------

/// What the children acknowledged in one data folder, across all its kills.
#[derive(Default)]
struct Ledger {
    /// key → (last acknowledged value, values tried after it).
    keys: HashMap<String, (Option<String>, Vec<String>)>,
    /// Imported documents and the fixture each came from.
    imports: Vec<(String, PathBuf)>,
    acked: u64,
    /// The flow the driver made (empty until edited: not a half-made import).
    setup_flow: String,
}

impl Ledger {
    fn line(&mut self, line: &str) {
        let mut parts = line.splitn(3, ' ');
        let (Some(what), Some(key), Some(value)) = (parts.next(), parts.next(), parts.next())
        else {
            return;
        };
        if let Some(doc) = key.strip_prefix("import/") {
            if what == "ACK" {
                self.imports.push((doc.to_string(), PathBuf::from(value)));
                self.acked += 1;
            }
            return;
        }
        if key == "import" {
            return;
        }
        let e = self.keys.entry(key.to_string()).or_default();
        match what {
            "TRY" => e.1.push(value.to_string()),
            "ACK" => {
                e.0 = Some(value.to_string());
                e.1.clear();
                self.acked += 1;
            }
            _ => {}
        }
    }
}

#[derive(Default)]
struct Check {
    lost: u64,
    bad_docs: u64,
    half_imports: u64,
    problems: Vec<String>,
}

/// The value of `key` (`doc/node/id`, `doc/pos/id`, `doc/ctx/id`) in `docs`.
fn value_of(docs: &HashMap<String, DocContent>, key: &str) -> Option<String> {
    let mut p = key.splitn(3, '/');
    let (doc, field, id) = (p.next()?, p.next()?, p.next()?);
    match (docs.get(doc)?, field) {
        (DocContent::BusinessFlow(f), "node") => {
            f.nodes.iter().find(|n| n.id == id).map(|n| n.name.clone())
        }
        (DocContent::BusinessFlow(f), "pos") => f
            .nodes
            .iter()
            .find(|n| n.id == id)
            .map(|n| format!("{},{}", n.x as i64, n.y as i64)),
        (DocContent::DomainModel(m), "ctx") => m
            .contexts
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.name.clone()),
        _ => None,
    }
}

/// The number of nodes the import of `file` makes (the same pipeline as `import_bpmn`).
fn expected_nodes(file: &Path) -> Option<usize> {
    let bytes = std::fs::read(file).ok()?;
    let mut model = formats::bpmn::import(&bytes).ok()?;
    if !formats::bpmn::flowdoc::has_diagram(&model) {
        formats::bpmn::layout::ensure_layout(&mut model);
    }
    Some(formats::bpmn::flowdoc::to_flow(&model).nodes.len())
}

/// Opens the data folder with `Core` (as the app does after the crash) and checks it.
async fn check(data: &Path, ledger: &Ledger, expected: &mut HashMap<PathBuf, usize>) -> Check {
    let mut c = Check::default();
    let core = match Core::open(Config {
        data_dir: data.to_path_buf(),
        seed_demo: false,
    })
    .await
    {
        Ok(core) => core,
        Err(e) => {
            c.bad_docs += 1;
            c.problems.push(format!("the core does not open: {e:?}"));
            return c;
        }
    };
    let docs = read_all(&core, &mut c).await;
    check_ledger(&docs, ledger, expected, &mut c);
    core.close().await;
    c
}

/// Every document of every workspace, opened; failures and quarantines counted in `c`.
async fn read_all(core: &Core, c: &mut Check) -> HashMap<String, DocContent> {
    let mut docs = HashMap::new();
    let workspaces = match core.list_workspaces().await {
        Ok(w) => w,
        Err(e) => {
            c.bad_docs += 1;
            c.problems.push(format!("list_workspaces: {e:?}"));
            return docs;
        }
    };
    for ws in workspaces {
        let view = match core.open_workspace(&ws.id).await {
            Ok(v) => v,
            Err(e) => {
                c.bad_docs += 1;
                c.problems.push(format!("workspace {}: {e:?}", ws.id));
                continue;
            }
        };
        for d in view.documents {
            match core.open_document(&d.id).await {
                Ok(v) => {
                    docs.insert(d.id.clone(), v.content);
                }
                Err(e) => {
                    c.bad_docs += 1;
                    c.problems
                        .push(format!("document {} does not open: {e:?}", d.id));
                }
            }
            if core
                .store()
                .quarantined(&d.id)
                .map(|q| !q.is_empty())
                .unwrap_or(true)
            {
                c.bad_docs += 1;
                c.problems
                    .push(format!("document {} was quarantined", d.id));
            }
        }
    }
    docs
}

fn check_ledger(
    docs: &HashMap<String, DocContent>,
    ledger: &Ledger,
    expected: &mut HashMap<PathBuf, usize>,
    c: &mut Check,
) {
    for (key, (acked, tried)) in &ledger.keys {
        let Some(acked) = acked else { continue };
        let now = value_of(docs, key);
        let ok = now
            .as_ref()
            .is_some_and(|v| v == acked || tried.contains(v));
        if !ok {
            c.lost += 1;
            c.problems.push(format!(
                "acknowledged {key} = {acked}, found {now:?} (tried later: {tried:?})"
            ));
        }
    }
    for (doc, file) in &ledger.imports {
        let want = *expected
            .entry(file.clone())
            .or_insert_with(|| expected_nodes(file).unwrap_or(usize::MAX));
        match docs.get(doc) {
            Some(DocContent::BusinessFlow(f)) if f.nodes.len() == want => {}
            other => {
                c.lost += 1;
                c.problems.push(format!(
                    "the acknowledged import {doc} of {} ({want} nodes) reads {:?} nodes",
                    file.display(),
                    other.map(|d| match d {
                        DocContent::BusinessFlow(f) => f.nodes.len(),
                        _ => 0,
                    })
                ));
            }
        }
    }
    // Flows made by an import the kill interrupted (created, not yet filled): not an
    // acknowledged edit, but left behind; counted in the note.
    let imported: std::collections::HashSet<&str> =
        ledger.imports.iter().map(|(d, _)| d.as_str()).collect();
    c.half_imports = docs
        .iter()
        .filter(|(id, d)| {
            !imported.contains(id.as_str())
                && **id != ledger.setup_flow
                && matches!(d, DocContent::BusinessFlow(f) if f.nodes.is_empty())
        })
        .count() as u64;
}

/// A `triloop-server` process for the sync scenario (running across all the app's kills).
struct ServerProc {
    child: Child,
    url: String,
}

impl Drop for ServerProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn server_bin() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    exe.with_file_name("triloop-server")
}

fn start_server(dir: &Path) -> anyhow::Result<ServerProc> {
    let log = std::fs::File::create(dir.join("server.log"))?;
    let mut child = Command::new(server_bin())
        .args(["--listen", "127.0.0.1:0", "--database"])
        .arg(dir.join("server.db"))
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .map_err(|e| anyhow::anyhow!("cannot start {}: {e}", server_bin().display()))?;
    let mut line = String::new();
    if let Some(out) = child.stdout.take() {
        BufReader::new(out).read_line(&mut line)?;
    }
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .ok_or_else(|| anyhow::anyhow!("triloop-server did not start: {line:?}"))?
        .to_string();
    Ok(ServerProc {
        child,
        url: format!("http://{addr}"),
    })
}

fn invite(dir: &Path, workspace: &str, name: &str) -> anyhow::Result<String> {
    let store = server::open_database(&dir.join("server.db"))
        .map_err(|e| anyhow::anyhow!("the server's database: {}", e.0))?;
    let (_, token) = store.with_conn(|c| {
        server::invitations::create(c, workspace, name, server::invitations::Access::ReadWrite)
    })?;
    Ok(token)
}

fn api_err(e: api::ApiError) -> anyhow::Error {
    anyhow::anyhow!("{:?}: {}", e.code, e.detail)
}

/// Makes the scenario's workspace (and for `compaction` a large imported flow to edit).
async fn prepare(
    data: &Path,
    scenario: &str,
    server: Option<(&ServerProc, String)>,
    big: &Path,
) -> anyhow::Result<Setup> {
    let core = Core::open(Config {
        data_dir: data.to_path_buf(),
        seed_demo: false,
    })
    .await
    .map_err(api_err)?;
    let ws = core.create_workspace("soak").await.map_err(api_err)?;
    let flow = if scenario == "compaction" {
        core.import_bpmn(&ws.id, std::fs::read(big)?, None)
            .await
            .map_err(api_err)?
    } else {
        core.create_document(&ws.id, DocKind::BusinessFlow, "flow")
            .await
            .map_err(api_err)?
    };
    let domain = core
        .create_document(&ws.id, DocKind::DomainModel, "domain")
        .await
        .map_err(api_err)?;
    if let Some((server, dir)) = server {
        let token = invite(Path::new(&dir), &ws.id, "soak")?;
        core.connect_workspace(&ws.id, &server.url, &token)
            .await
            .map_err(api_err)?;
        std::fs::write(data.join("token"), token)?;
    }
    core.close().await;
    Ok(Setup {
        workspace: ws.id,
        flow: flow.id,
        domain: domain.id,
    })
}

pub fn campaign(work: &Path, kills: u64, seed: u64, share: Duration) -> anyhow::Result<Vec<Row>> {
    std::fs::create_dir_all(work)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let mut bpmn: Vec<PathBuf> = ["bpmn/moddle", "bpmn/miwg-reference"]
        .iter()
        .flat_map(|d| {
            std::fs::read_dir(crate::fixtures().join(d))
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
        })
        .filter(|p| p.extension().is_some_and(|e| e == "bpmn"))
        .collect();
    bpmn.sort();
    anyhow::ensure!(
        !bpmn.is_empty(),
        "no BPMN fixtures under {}",
        crate::fixtures().display()
    );
    let list = work.join("fixtures.txt");
    std::fs::write(
        &list,
        bpmn.iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join("\n"),
    )?;
    let big = bpmn
        .iter()
        .max_by_key(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .cloned()
        .unwrap_or_default();
    let per = kills.div_ceil(SCENARIOS.len() as u64);
    let started = Instant::now();
    let mut rows = Vec::new();
    let mut expected = HashMap::new();
    for (n, scenario) in SCENARIOS.iter().enumerate() {
        let seed = derive_seed(seed, n as u64);
        let mut rng = Rng(seed);
        let data = work.join(scenario);
        let server_dir = work.join(format!("{scenario}-server"));
        let server = if *scenario == "sync" {
            std::fs::create_dir_all(&server_dir)?;
            Some(start_server(&server_dir)?)
        } else {
            None
        };
        let setup = rt.block_on(prepare(
            &data,
            scenario,
            server
                .as_ref()
                .map(|s| (s, server_dir.display().to_string())),
            &big,
        ))?;
        let mut row = Row {
            campaign: format!("app: {scenario}"),
            seed: seed.to_string(),
            ..Row::default()
        };
        let mut ledger = Ledger {
            setup_flow: setup.flow.clone(),
            ..Ledger::default()
        };
        let mut half = 0;
        let mut problems: Vec<String> = Vec::new();
        let t = Instant::now();
        for run in 0..per {
            // Past twice its share of the time, a scenario stops early (and says so).
            if started.elapsed() > share.mul_f64(2.0) {
                problems.push(format!("stopped after {run} runs: out of time"));
                break;
            }
            let child_seed = derive_seed(seed, 1000 + run);
            let delay = Duration::from_millis(150 + rng.below(2500));
            match kill_once(
                &data,
                scenario,
                child_seed,
                &setup,
                &list,
                delay,
                &mut ledger,
            ) {
                Ok(killed) => {
                    row.runs += 1;
                    row.kills += u64::from(killed);
                    if !killed {
                        row.crashes += 1;
                        problems.push(format!(
                            "run {run} (seed {child_seed}): the child ended by itself"
                        ));
                    }
                }
                Err(e) => {
                    row.crashes += 1;
                    problems.push(format!("run {run}: {e:#}"));
                }
            }
            let c = rt.block_on(check(&data, &ledger, &mut expected));
            row.lost = row.lost.max(c.lost);
            row.bad_docs = row.bad_docs.max(c.bad_docs);
            half = c.half_imports;
            if !c.problems.is_empty() {
                problems.extend(c.problems.iter().take(5).map(|p| format!("run {run}: {p}")));
            }
        }
        row.acked = ledger.acked;
        let mut joined_ok = false;
        if let Some(server) = &server {
            let c = rt.block_on(sync_check(work, &data, server, &setup, &ledger));
            joined_ok = c.lost == 0 && c.bad_docs == 0;
            row.lost += c.lost;
            row.bad_docs += c.bad_docs;
            problems.extend(c.problems);
        }
        row.note = format!(
            "{:.0} s{}{}",
            t.elapsed().as_secs_f64(),
            if half > 0 {
                format!("; {half} flows left empty by an interrupted import")
            } else {
                String::new()
            },
            if *scenario == "sync" && joined_ok {
                "; a fresh laptop joined and got every acknowledged edit".to_string()
            } else if *scenario == "sync" {
                "; a fresh laptop joined and MISSED acknowledged edits".to_string()
            } else {
                String::new()
            }
        );
        for p in problems.iter().take(20) {
            eprintln!("  {scenario}: {p}");
        }
        eprintln!(
            "soak: app {scenario}: {} kills, {} acknowledged, {} lost, {} bad documents",
            row.kills, row.acked, row.lost, row.bad_docs
        );
        rows.push(row);
    }
    Ok(rows)
}

/// One child: started, killed after `delay`; its lines go into the ledger. `Ok(true)` if
/// it was still running when killed.
fn kill_once(
    data: &Path,
    scenario: &str,
    seed: u64,
    setup: &Setup,
    fixtures: &Path,
    delay: Duration,
    ledger: &mut Ledger,
) -> anyhow::Result<bool> {
    let exe = std::env::current_exe()?;
    let mut child = Command::new(exe)
        .arg("app-child")
        .arg("--data")
        .arg(data)
        .args(["--scenario", scenario, "--seed", &seed.to_string()])
        .arg("--ids")
        .arg(format!(
            "{},{},{}",
            setup.workspace, setup.flow, setup.domain
        ))
        .arg("--fixtures")
        .arg(fixtures)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let out = child.stdout.take();
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let reader = {
        let lines = lines.clone();
        std::thread::spawn(move || {
            if let Some(out) = out {
                for l in BufReader::new(out).lines().map_while(Result::ok) {
                    lines.lock().unwrap_or_else(|p| p.into_inner()).push(l);
                }
            }
        })
    };
    let deadline = Instant::now() + delay;
    let mut alive = true;
    while Instant::now() < deadline {
        if child.try_wait()?.is_some() {
            alive = false;
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    if alive {
        child.kill()?; // SIGKILL
    }
    let status = child.wait()?;
    let _ = reader.join();
    for l in lines.lock().unwrap_or_else(|p| p.into_inner()).iter() {
        ledger.line(l);
    }
    if !alive {
        let mut err = String::new();
        if let Some(mut e) = child.stderr.take() {
            use std::io::Read;
            let _ = e.read_to_string(&mut err);
        }
        anyhow::bail!(
            "the child exited ({status}) before the kill: {}",
            err.trim()
        );
    }
    Ok(true)
}

/// After the sync scenario: the killed laptop's folder opens (its link to the server
/// resumes) and a fresh laptop joins the workspace; every acknowledged edit must reach it.
async fn sync_check(
    work: &Path,
    data: &Path,
    server: &ServerProc,
    setup: &Setup,
    ledger: &Ledger,
) -> Check {
    let mut c = Check::default();
    let open = |dir: PathBuf| {
        Core::open(Config {
            data_dir: dir,
            seed_demo: false,
        })
    };
    let (laptop, fresh) = match (
        open(data.to_path_buf()).await,
        open(work.join("sync-fresh")).await,
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (a, b) => {
            c.bad_docs += 1;
            c.problems.push(format!(
                "cannot open the cores: {:?} {:?}",
                a.err(),
                b.err()
            ));
            return c;
        }
    };
    let token = std::fs::read_to_string(data.join("token")).unwrap_or_default();
    let joined = match fresh.join_workspace(&server.url, &token).await {
        Ok(w) => w,
        Err(e) => {
            c.lost += 1;
            c.problems
                .push(format!("a fresh laptop cannot join: {e:?}"));
            return c;
        }
    };
    debug_assert_eq!(joined.id, setup.workspace);
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let mut probe = Check::default();
        let docs = read_all(&fresh, &mut probe).await;
        let mut none = HashMap::new();
        check_ledger(&docs, ledger, &mut none, &mut probe);
        if probe.lost == 0 && probe.bad_docs == 0 {
            break;
        }
        if Instant::now() > deadline {
            c.lost += probe.lost;
            c.bad_docs += probe.bad_docs;
            c.problems.extend(
                probe
                    .problems
                    .into_iter()
                    .take(5)
                    .map(|p| format!("at the fresh laptop after 120 s: {p}")),
            );
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    laptop.close().await;
    fresh.close().await;
    c
}
