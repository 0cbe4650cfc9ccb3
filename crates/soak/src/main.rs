//! `soak`: the soak and fault campaign behind `scripts/soak` (see the README's "Soak").
//!
//! `soak run [--minutes N] [--seed S] [--only app,server,hostile,fuzz]` runs every campaign
//! and ends with one table of figures; it exits non-zero when a figure that must be zero
//! is not. Every randomized part draws its seed from the master seed `S` (printed), so
//! `soak run --seed S --only <campaign>` repeats it (the moments of the kills are real
//! time, so a repeat is the same edits and the same delays, not the same instructions).
//!
//! `soak app-child …` is the app's core in a child process that the driver SIGKILLs.

mod app;
mod fuzz;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// The checkout (the driver runs cargo there for the reliability tests and cargo-fuzz).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The fixtures beside the checkout.
pub fn fixtures() -> PathBuf {
    std::env::var_os("TRILOOP_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared/fixtures"))
}

/// splitmix64: a campaign's seed from the master seed.
pub fn derive_seed(master: u64, n: u64) -> u64 {
    let mut z = master.wrapping_add(n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (z ^ (z >> 31)) | 1
}

/// A small seeded PRNG (xorshift64*).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// One row of the table.
#[derive(Default, Clone)]
pub struct Row {
    pub campaign: String,
    pub runs: u64,
    pub kills: u64,
    pub acked: u64,
    pub lost: u64,
    pub bad_docs: u64,
    pub frames: u64,
    pub executions: u64,
    pub crashes: u64,
    pub seed: String,
    pub note: String,
}

struct Options {
    minutes: u64,
    seed: u64,
    only: Vec<String>,
    app_kills: u64,
    server_kills: u64,
    frames: u64,
    fuzz_runs: u64,
    work: PathBuf,
}

fn parse(args: &[String]) -> anyhow::Result<Options> {
    let mut o = Options {
        minutes: 30,
        seed: random_seed(),
        only: ["app", "server", "hostile", "fuzz"]
            .map(String::from)
            .to_vec(),
        app_kills: 125,
        server_kills: 100,
        frames: 100_000,
        fuzz_runs: 1_000_000,
        work: repo_root().join("target/soak"),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| anyhow::anyhow!("{a} needs a value"))
        };
        match a.as_str() {
            "--minutes" => o.minutes = value()?.parse()?,
            "--seed" => o.seed = value()?.parse()?,
            "--only" => o.only = value()?.split(',').map(String::from).collect(),
            "--app-kills" => o.app_kills = value()?.parse()?,
            "--server-kills" => o.server_kills = value()?.parse()?,
            "--frames" => o.frames = value()?.parse()?,
            "--fuzz-runs" => o.fuzz_runs = value()?.parse()?,
            "--work" => o.work = PathBuf::from(value()?),
            other => anyhow::bail!("unknown option {other}"),
        }
    }
    Ok(o)
}

fn random_seed() -> u64 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(1);
    derive_seed(t ^ u64::from(std::process::id()), 0)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("app-child") => app::child(&args[1..]),
        Some("run") => run(&args[1..]),
        None => run(&[]),
        Some(other) => Err(anyhow::anyhow!(
            "usage: soak [run] [--minutes N] [--seed S] [--only app,server,hostile,fuzz] \
             [--app-kills N] [--server-kills N] [--frames N] [--fuzz-runs N]; not {other:?}"
        )),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("soak: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> anyhow::Result<bool> {
    let o = parse(args)?;
    let started = Instant::now();
    let budget = Duration::from_secs(o.minutes * 60);
    let _ = std::fs::remove_dir_all(&o.work);
    std::fs::create_dir_all(&o.work)?;
    eprintln!(
        "soak: {} minutes, master seed {} (repeat: scripts/soak --seed {} --only {}), work in {}",
        o.minutes,
        o.seed,
        o.seed,
        o.only.join(","),
        o.work.display()
    );
    let mut rows: Vec<Row> = Vec::new();
    let wants = |c: &str| o.only.iter().any(|x| x == c);
    // Shares of the budget: the fuzzers get what the count-driven campaigns leave.
    if wants("app") {
        let share = budget.mul_f64(0.25);
        rows.extend(app::campaign(
            &o.work.join("app"),
            o.app_kills,
            derive_seed(o.seed, 1),
            share,
        )?);
    }
    if wants("server") {
        rows.push(server_kills(o.server_kills, derive_seed(o.seed, 2)));
    }
    if wants("hostile") {
        rows.push(hostile(o.frames, derive_seed(o.seed, 3)));
    }
    if wants("fuzz") {
        let left = budget.saturating_sub(started.elapsed());
        rows.extend(fuzz::campaign(
            &o.work.join("fuzz"),
            o.fuzz_runs,
            left.max(Duration::from_secs(240)),
            o.seed,
        )?);
    }
    let ok = print_table(&rows, o.seed, started.elapsed());
    Ok(ok)
}

fn print_table(rows: &[Row], seed: u64, took: Duration) -> bool {
    let mut total = Row {
        campaign: "total".into(),
        ..Row::default()
    };
    for r in rows {
        total.runs += r.runs;
        total.kills += r.kills;
        total.acked += r.acked;
        total.lost += r.lost;
        total.bad_docs += r.bad_docs;
        total.frames += r.frames;
        total.executions += r.executions;
        total.crashes += r.crashes;
    }
    println!();
    println!(
        "{:<22} {:>5} {:>6} {:>8} {:>5} {:>8} {:>8} {:>11} {:>7}  {:<20} note",
        "campaign",
        "runs",
        "kills",
        "acked",
        "lost",
        "bad-docs",
        "frames",
        "executions",
        "crashes",
        "seed"
    );
    for r in rows.iter().chain(std::iter::once(&total)) {
        println!(
            "{:<22} {:>5} {:>6} {:>8} {:>5} {:>8} {:>8} {:>11} {:>7}  {:<20} {}",
            r.campaign,
            r.runs,
            r.kills,
            r.acked,
            r.lost,
            r.bad_docs,
            r.frames,
            r.executions,
            r.crashes,
            r.seed,
            r.note
        );
    }
    let ok = total.lost == 0 && total.bad_docs == 0 && total.crashes == 0;
    println!(
        "\nmaster seed {seed} (scripts/soak --seed {seed} repeats every campaign's random choices); \
         {:.1} minutes; must be 0: lost, bad-docs, crashes → {}",
        took.as_secs_f64() / 60.0,
        if ok { "PASS" } else { "FAIL" }
    );
    ok
}

/// Runs one of the server's reliability tests at the size given by `env`; the `SOAK`
/// line it prints (`key=value` pairs), or why there is none.
fn reliability_test(
    name: &str,
    env: &[(&str, String)],
) -> (Option<std::collections::HashMap<String, String>>, String) {
    let mut cmd = Command::new("cargo");
    cmd.current_dir(repo_root())
        .args([
            "test",
            "--quiet",
            "-p",
            "server",
            "--test",
            "reliability",
            name,
            "--",
            "--nocapture",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = match cmd.output() {
        Ok(o) => o,
        Err(e) => return (None, format!("cannot run cargo: {e}")),
    };
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The last such line: the final figures, or the loss reported before a failed assertion.
    let line = text.lines().rfind(|l| l.starts_with("SOAK "));
    let pairs = line.map(|l| {
        l.split_whitespace()
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    });
    let why = if out.status.success() {
        String::new()
    } else {
        let tail: Vec<&str> = text.lines().rev().take(25).collect();
        eprintln!(
            "{name} failed:\n{}",
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        );
        "FAILED (see above)".to_string()
    };
    (pairs, why)
}

fn get(m: &std::collections::HashMap<String, String>, k: &str) -> u64 {
    m.get(k).and_then(|v| v.parse().ok()).unwrap_or(0)
}

fn server_kills(kills: u64, seed: u64) -> Row {
    eprintln!("soak: the server SIGKILLed {kills} times during heavy sync (seed {seed})");
    let t = Instant::now();
    let (m, why) = reliability_test(
        "a_sigkill_during_heavy_sync_loses_no_acknowledged_edit",
        &[
            ("RELIABILITY_KILLS", kills.to_string()),
            ("RELIABILITY_ACKS_PER_KILL", "40".into()),
            ("RELIABILITY_FLOOD_MS", "25".into()),
            ("RELIABILITY_SEED", seed.to_string()),
        ],
    );
    let m = m.unwrap_or_default();
    let failed = !why.is_empty();
    Row {
        campaign: "server killed".into(),
        runs: 1,
        kills: get(&m, "kills"),
        acked: get(&m, "acknowledged"),
        lost: get(&m, "lost"),
        crashes: u64::from(failed),
        seed: seed.to_string(),
        note: if failed {
            why
        } else {
            format!(
                "{} clients converged on {} edits; {:.0} s",
                get(&m, "clients"),
                get(&m, "made"),
                t.elapsed().as_secs_f64()
            )
        },
        ..Row::default()
    }
}

fn hostile(frames: u64, seed: u64) -> Row {
    eprintln!("soak: {frames} hostile frames at the live server (seed {seed})");
    let t = Instant::now();
    let (m, why) = reliability_test(
        "hostile_traffic_from_many_connections_at_once_leaves_the_server_up_and_data_intact",
        &[
            ("RELIABILITY_FRAMES", frames.to_string()),
            ("RELIABILITY_CONNECTIONS", "8".into()),
            ("RELIABILITY_SEED", seed.to_string()),
        ],
    );
    let m = m.unwrap_or_default();
    let failed = !why.is_empty();
    Row {
        campaign: "hostile traffic".into(),
        runs: 1,
        frames: get(&m, "frames"),
        acked: get(&m, "edits"),
        bad_docs: get(&m, "corrupted") + get(&m, "revealed"),
        crashes: u64::from(failed),
        seed: seed.to_string(),
        note: if failed {
            why
        } else {
            format!(
                "{} connections ({} reconnects); well-behaved edits crossed in ≤ {} ms; \
                 revealed {}, corrupted {}; {:.0} s",
                get(&m, "connections"),
                get(&m, "reconnects"),
                get(&m, "slowest_ms"),
                get(&m, "revealed"),
                get(&m, "corrupted"),
                t.elapsed().as_secs_f64()
            )
        },
        ..Row::default()
    }
}
