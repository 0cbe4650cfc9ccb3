//! Helpers shared by the server's integration tests and its sync benchmark
//! (`examples/bench_sync.rs` includes this file by path).

use std::path::Path;
use std::process::Command;

use samod::DocumentId;

/// A new read-write invitation to `workspace`, made with `triloop-server invite` (the
/// binary at `bin`) on the database `db`; its token.
pub fn invite(bin: &Path, db: &Path, workspace: &DocumentId, name: &str) -> String {
    let out = Command::new(bin)
        .args(["invite", "--database"])
        .arg(db)
        .args([
            "--workspace",
            &workspace.to_string(),
            "--name",
            name,
            "--json",
        ])
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
    assert!(
        out.status.success(),
        "invite: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["token"].as_str().unwrap().to_string()
}
