//! Every importer and decoder under cargo-fuzz (libFuzzer): `bpmn_import`, `cml_import`,
//! `document_load` and `wire_decode` (see `fuzz/`), each for `--fuzz-runs` executions or
//! its share of the time, whichever comes first.
//!
//! Built with `-s none` (no AddressSanitizer) into `fuzz/target/soak` (apart from CI's
//! ASan build): the targets are safe Rust, where ASan finds little that a panic does not,
//! and it halves the rate. Two libFuzzer processes at a time, one per core: `bpmn_import`
//! (the slowest) in one lane, the other targets one after another in the other. A crash is a finding: libFuzzer saves its input under
//! `fuzz/artifacts/<target>/`, the soak counts it and goes on fuzzing (up to 8 restarts).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use automerge::Automerge;
use automerge::sync::SyncDoc;
use model::flow::FlowOp;

use crate::{Row, derive_seed};

const TARGETS: [&str; 4] = ["bpmn_import", "cml_import", "document_load", "wire_decode"];

fn files_under(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p, ext));
        } else if p.extension().is_some_and(|e| e == ext) {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Seeds each corpus from `../shared/fixtures` (the files themselves for the importers;
/// for `document_load`, documents made from them; for `wire_decode`, messages about them).
fn seed_corpus(fuzz_dir: &Path, target: &str) -> anyhow::Result<PathBuf> {
    let dir = fuzz_dir.join("corpus").join(target);
    std::fs::create_dir_all(&dir)?;
    let fx = crate::fixtures();
    let write = |name: String, bytes: &[u8]| std::fs::write(dir.join(name), bytes);
    match target {
        "bpmn_import" => {
            for f in files_under(&fx.join("bpmn"), "bpmn") {
                let name = f
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned();
                write(name, &std::fs::read(&f)?)?;
            }
        }
        "cml_import" => {
            for f in files_under(&fx.join("cml"), "cml") {
                let name = f
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned();
                write(name, &std::fs::read(&f)?)?;
            }
        }
        "document_load" => {
            for (i, doc) in documents(&fx).iter().enumerate() {
                write(format!("doc-{i}.automerge"), &doc.save())?;
                // What the store holds too: incremental chunks of single changes.
                for (j, c) in doc.get_changes(&[]).iter().take(3).enumerate() {
                    write(format!("doc-{i}-change-{j}.chunk"), c.raw_bytes())?;
                }
            }
        }
        "wire_decode" => {
            let docs = documents(&fx);
            for (i, doc) in docs.iter().take(20).enumerate() {
                let sync = doc
                    .clone()
                    .generate_sync_message(&mut automerge::sync::State::new())
                    .map(|m| m.encode())
                    .unwrap_or_default();
                let id = format!("{:032x}", derive_seed(i as u64, 9));
                write(
                    format!("sync-{i}"),
                    &server::wire::sync("peer", "triloop-server", &id, &sync),
                )?;
                write(
                    format!("unavailable-{i}"),
                    &server::wire::doc_unavailable("peer", "triloop-server", &id),
                )?;
                write(
                    format!("ephemeral-{i}"),
                    &server::wire::ephemeral("peer", "triloop-server", &id, "s", i as u64, b"{}"),
                )?;
            }
            write(
                "peer".into(),
                &server::wire::peer("triloop-server", "p", "store"),
            )?;
            write("error".into(), &server::wire::error("bad"))?;
            let mut join = Vec::new();
            minicbor::Encoder::new(&mut join)
                .map(3)
                .and_then(|e| e.str("type")?.str("join"))
                .and_then(|e| e.str("senderId")?.str("peer"))
                .and_then(|e| e.str("supportedProtocolVersions")?.array(1)?.str("1"))
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            write("join".into(), &join)?;
        }
        _ => {}
    }
    Ok(dir)
}

/// Documents of every kind made from the fixtures: flows from BPMN files, domain models
/// from CML files, and a workspace index listing them.
fn documents(fx: &Path) -> Vec<Automerge> {
    let mut docs = Vec::new();
    let mut index = Automerge::new();
    let _ = model::workspace::init(&mut index, "fixtures");
    for f in files_under(&fx.join("bpmn"), "bpmn").into_iter().take(25) {
        let Ok(mut m) = std::fs::read(&f)
            .map_err(|_| ())
            .and_then(|b| formats::bpmn::import(&b).map_err(|_| ()))
        else {
            continue;
        };
        if !formats::bpmn::flowdoc::has_diagram(&m) {
            formats::bpmn::layout::ensure_layout(&mut m);
        }
        let flow = formats::bpmn::flowdoc::to_flow(&m);
        let mut ops = Vec::new();
        ops.extend(flow.lanes.into_iter().map(|lane| FlowOp::AddLane { lane }));
        ops.extend(flow.nodes.into_iter().map(|node| FlowOp::AddNode { node }));
        ops.extend(flow.edges.into_iter().map(|edge| FlowOp::AddEdge { edge }));
        let mut doc = Automerge::new();
        if model::flow::init(&mut doc).is_ok() && model::flow::apply(&mut doc, &ops).is_ok() {
            docs.push(doc);
        }
    }
    for f in files_under(&fx.join("cml"), "cml") {
        let Ok(imported) = std::fs::read(&f)
            .map_err(|_| ())
            .and_then(|b| formats::cml::import(&b).map_err(|_| ()))
        else {
            continue;
        };
        let ops: Vec<_> = imported
            .model
            .into_records()
            .into_iter()
            .map(|record| model::record::RecordOp::Add { record })
            .collect();
        let mut doc = Automerge::new();
        if model::domain::init(&mut doc).is_ok() && model::domain::apply(&mut doc, &ops).is_ok() {
            docs.push(doc);
        }
    }
    docs.push(index);
    docs
}

fn artifacts(fuzz_dir: &Path, target: &str) -> HashSet<PathBuf> {
    std::fs::read_dir(fuzz_dir.join("artifacts").join(target))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect()
}

pub fn campaign(work: &Path, runs: u64, time: Duration, master: u64) -> anyhow::Result<Vec<Row>> {
    std::fs::create_dir_all(work)?;
    let fuzz_dir = crate::repo_root().join("fuzz");
    eprintln!("soak: building the fuzz targets (cargo +nightly fuzz build -s none)");
    let built = Command::new("cargo")
        .current_dir(&fuzz_dir)
        .args([
            "+nightly",
            "fuzz",
            "build",
            "-s",
            "none",
            "--target-dir",
            "target/soak",
        ])
        .status()?;
    anyhow::ensure!(built.success(), "cargo fuzz build failed");
    // Two lanes, one per core: the slowest target alone, the others one after another.
    let lanes: [&[&'static str]; 2] = [&TARGETS[..1], &TARGETS[1..]];
    let started = Instant::now();
    let results: Vec<anyhow::Result<Vec<Row>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = lanes
            .iter()
            .map(|lane| {
                let (fuzz_dir, started) = (&fuzz_dir, &started);
                scope.spawn(move || {
                    let mut rows = Vec::new();
                    for (i, target) in lane.iter().enumerate() {
                        let left = time.saturating_sub(started.elapsed());
                        let cap = left / (lane.len() - i) as u32;
                        let n = TARGETS.iter().position(|t| t == target).unwrap_or(0);
                        rows.push(fuzz_one(fuzz_dir, work, target, n, runs, cap, master)?);
                    }
                    Ok(rows)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a fuzz lane panicked")))
            })
            .collect()
    });
    let mut rows = Vec::new();
    for r in results {
        rows.extend(r?);
    }
    rows.sort_by_key(|r| TARGETS.iter().position(|t| r.campaign.ends_with(t)));
    Ok(rows)
}

/// Fuzzes one target for `runs` executions or `per`, whichever comes first.
fn fuzz_one(
    fuzz_dir: &Path,
    work: &Path,
    target: &str,
    n: usize,
    runs: u64,
    per: Duration,
    master: u64,
) -> anyhow::Result<Row> {
    {
        let seed = (derive_seed(master, 200 + n as u64) % u64::from(u32::MAX)) as u32;
        let corpus = seed_corpus(&fuzz_dir, target)?;
        let before = artifacts(&fuzz_dir, target);
        let started = Instant::now();
        let mut row = Row {
            campaign: format!("fuzz: {target}"),
            seed: seed.to_string(),
            ..Row::default()
        };
        let mut restarts = 0;
        while row.executions < runs && started.elapsed() < per && restarts <= 8 {
            let left = per.saturating_sub(started.elapsed()).as_secs().max(10);
            let log = work.join(format!("{target}-{restarts}.log"));
            let out = Command::new("cargo")
                .current_dir(&fuzz_dir)
                .args([
                    "+nightly",
                    "fuzz",
                    "run",
                    "-s",
                    "none",
                    "--target-dir",
                    "target/soak",
                    target,
                ])
                .arg(&corpus)
                .arg("--")
                .arg(format!("-runs={}", runs - row.executions))
                .arg(format!("-max_total_time={left}"))
                .arg(format!("-seed={}", seed.wrapping_add(restarts)))
                .args([
                    "-max_len=65536",
                    "-print_final_stats=1",
                    "-timeout=20",
                    "-rss_limit_mb=3072",
                ])
                .output()?;
            let text = String::from_utf8_lossy(&out.stderr).into_owned();
            std::fs::write(&log, &text)?;
            let executed = text
                .lines()
                .filter_map(|l| l.strip_prefix("stat::number_of_executed_units:"))
                .filter_map(|v| v.trim().parse::<u64>().ok())
                .next_back()
                .unwrap_or(0);
            row.runs += 1;
            row.executions += executed;
            if out.status.success() {
                break;
            }
            restarts += 1;
            if executed == 0 && !text.contains("Test unit written") {
                row.crashes += 1;
                row.note = format!("libFuzzer failed, see {}", log.display());
                break;
            }
        }
        let found: Vec<PathBuf> = artifacts(&fuzz_dir, target)
            .difference(&before)
            .cloned()
            .collect();
        row.crashes += found.len() as u64;
        let rate = row.executions as f64 / started.elapsed().as_secs_f64().max(0.001);
        let mut note = format!(
            "{:.0} exec/s, {:.0} s",
            rate,
            started.elapsed().as_secs_f64()
        );
        if row.executions < runs {
            note.push_str(&format!(
                "; short of {runs} (time share {} s)",
                per.as_secs()
            ));
        }
        if let Some(f) = found.first() {
            note.push_str(&format!(
                "; {} finding(s), e.g. {} (repeat: cd fuzz && cargo +nightly fuzz run {target} {})",
                found.len(),
                f.display(),
                f.display()
            ));
        }
        if row.note.is_empty() {
            row.note = note;
        } else {
            row.note = format!("{}; {note}", row.note);
        }
        eprintln!(
            "soak: fuzz {target}: {} executions, {} crashes",
            row.executions, row.crashes
        );
        Ok(row)
    }
}
