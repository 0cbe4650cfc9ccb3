//! `triloop prototype openapi|html` and `triloop gen-prototype` on a real store in a temp
//! folder, with the demo workspace imported.

use std::path::Path;
use std::process::{Command, Output};

fn triloop(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_triloop"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("TRILOOP_DATA_DIR")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A store with the demo workspace imported; returns the workspace's name.
fn demo_store(data: &Path) -> &'static str {
    let demo = root().join("assets/demo");
    let o = triloop(data, &["import", demo.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    "SCRM 企微私域运营专题"
}

#[test]
fn prototype_openapi_prints_a_valid_openapi_document() {
    let data = tempfile::tempdir().unwrap();
    let ws = demo_store(data.path());
    let o = triloop(data.path(), &["prototype", "openapi", ws, "SCRM 沙箱原型"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let spec: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(spec["openapi"], "3.1.0");
    assert_eq!(spec["info"]["title"], "SCRM 沙箱原型");
    assert_eq!(spec["paths"].as_object().unwrap().len(), 4);
    // Checked by the real validator.
    let validator = root().join(".venv-tools/bin/openapi-spec-validator");
    assert!(
        validator.exists(),
        "run scripts/setup: {} is missing",
        validator.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, stdout(&o)).unwrap();
    let v = Command::new(validator).arg(&file).output().unwrap();
    assert!(v.status.success(), "{}{}", stdout(&v), stderr(&v));

    // Unknown documents and documents of another kind are clear errors.
    let o = triloop(data.path(), &["prototype", "openapi", ws, "没有这个原型"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("has no sandboxPrototype"),
        "{}",
        stderr(&o)
    );
    let o = triloop(data.path(), &["prototype", "openapi", ws, "SCRM 领域模型"]);
    assert!(!o.status.success());
}

#[test]
fn prototype_html_writes_one_self_contained_file() {
    let data = tempfile::tempdir().unwrap();
    let ws = demo_store(data.path());
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("原型.html");
    let o = triloop(
        data.path(),
        &[
            "prototype",
            "html",
            ws,
            "SCRM 沙箱原型",
            file.to_str().unwrap(),
            "--seed",
            "7",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(&file).unwrap();
    assert!(html.starts_with("<!doctype html>"));
    // The bundle is in it, and parses.
    let start = html
        .find(r#"<script type="application/json" id="triloop-bundle">"#)
        .unwrap();
    let body = &html[start..];
    let json = &body[body.find('>').unwrap() + 1..body.find("</script>").unwrap()];
    let bundle: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(bundle["title"], "SCRM 沙箱原型");
    assert_eq!(bundle["seed"], 7);
    assert_eq!(bundle["screens"].as_array().unwrap().len(), 4);
    assert!(!bundle["samples"].as_array().unwrap().is_empty());
    // The player is in it.
    assert!(html.contains(include_str!("../../../assets/player/player.js")));
    // Nothing outside the file: no scripts, styles, images or fonts from elsewhere.
    let lower = html.to_lowercase();
    for bad in [
        "src=\"http",
        "src='http",
        "href=\"http",
        "href='http",
        "src=\"//",
        "href=\"//",
        "url(http",
        "url(//",
        "@import",
        "<link",
        "<iframe",
    ] {
        assert!(
            !lower.contains(bad),
            "the file refers outside itself: {bad}"
        );
    }
    assert!(!lower.contains("<script src"));
    // The same seed writes the same file.
    let again = out.path().join("again.html");
    let o = triloop(
        data.path(),
        &[
            "prototype",
            "html",
            ws,
            "SCRM 沙箱原型",
            again.to_str().unwrap(),
            "--seed",
            "7",
        ],
    );
    assert!(o.status.success());
    assert_eq!(std::fs::read_to_string(&again).unwrap(), html);
}

#[test]
fn gen_prototype_makes_a_workspace_with_a_prototype_of_the_size_asked() {
    let data = tempfile::tempdir().unwrap();
    let o = triloop(
        data.path(),
        &[
            "gen-prototype",
            "--screens",
            "6",
            "--components",
            "20",
            "--name",
            "基准",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let (ws, doc) = out.trim().split_once('\t').unwrap();
    let o = triloop(data.path(), &["--json", "documents", ws]);
    let docs: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(docs[0]["id"], doc);
    assert_eq!(docs[0]["kind"], "sandboxPrototype");
    // Its OpenAPI has nothing to offer (navigation only) but is a document.
    let o = triloop(data.path(), &["prototype", "openapi", ws, doc]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = tempfile::tempdir().unwrap();
    let o = triloop(data.path(), &["export", ws, out.path().to_str().unwrap()]);
    assert!(o.status.success());
    let file: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.path().join("documents/01-sandboxPrototype.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(file["screens"].as_array().unwrap().len(), 6);
    assert_eq!(file["components"].as_array().unwrap().len(), 120);
    assert_eq!(file["actions"].as_array().unwrap().len(), 6);
}
