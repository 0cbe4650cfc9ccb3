//! Architecture invariant: the core crates never depend on Tauri (or any webview), so that
//! they build and test headless and serve the CLI and servers as well as the window.

use std::collections::{HashMap, HashSet};
use std::process::Command;

#[test]
fn core_crates_do_not_depend_on_tauri() {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("running cargo metadata");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: HashMap<&str, &str> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    let nodes: HashMap<&str, Vec<&str>> = meta["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let deps = n["deps"]
                .as_array()
                .unwrap()
                .iter()
                // Normal and build dependencies ship; dev-dependencies do not.
                .filter(|d| {
                    d["dep_kinds"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|k| k["kind"].as_str() != Some("dev"))
                })
                .map(|d| d["pkg"].as_str().unwrap())
                .collect();
            (n["id"].as_str().unwrap(), deps)
        })
        .collect();
    let forbidden = |name: &str| {
        name.starts_with("tauri")
            || name.starts_with("wry")
            || name.starts_with("webkit2gtk")
            || name == "triloop-app"
    };
    let core = ["model", "formats", "store", "api", "cli", "server"];
    let mut checked = 0;
    for (id, name) in &names {
        if !core.contains(name) || !nodes.contains_key(id) {
            continue;
        }
        checked += 1;
        let mut seen = HashSet::new();
        let mut stack = vec![(*id, vec![*name])];
        while let Some((at, path)) = stack.pop() {
            for dep in nodes.get(at).map(|v| v.as_slice()).unwrap_or(&[]) {
                if !seen.insert(*dep) {
                    continue;
                }
                let dep_name = names[dep];
                let mut p = path.clone();
                p.push(dep_name);
                assert!(
                    !forbidden(dep_name),
                    "{name} depends on {dep_name}: {}",
                    p.join(" -> ")
                );
                stack.push((*dep, p));
            }
        }
    }
    assert_eq!(
        checked,
        core.len(),
        "every core crate was found in cargo metadata"
    );
}
