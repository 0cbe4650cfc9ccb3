//! Helpers of the file-command tests (`bpmn`, `cml`): the binary without a store, and the
//! shared fixtures.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `shared/fixtures/<kind>`, beside the checkout.
pub fn fixtures(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures")
        .join(kind)
}

/// Runs `triloop` with `args`; the store's folder does not exist, so a command that opened
/// it would fail.
pub fn triloop(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_triloop"))
        .args(args)
        .env("TRILOOP_DATA_DIR", "/nonexistent")
        .output()
        .unwrap()
}

/// The files in `dir` with extension `ext`, sorted; at least one.
pub fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no fixtures in {}", dir.display());
    v
}
