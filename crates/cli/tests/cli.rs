//! Runs the real `triloop` binary against a store in a temp folder.

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

#[test]
fn list_export_import_round_trip() {
    let data = tempfile::tempdir().unwrap();
    let o = triloop(data.path(), &["workspaces"]);
    assert!(o.status.success());
    assert_eq!(stdout(&o).trim(), "no workspaces");

    // Import the demo folder that ships with the app.
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo");
    let o = triloop(data.path(), &["--json", "import", demo.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let ws: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let id = ws["id"].as_str().unwrap().to_string();
    assert_eq!(ws["documentCount"], 4);

    let o = triloop(data.path(), &["--json", "workspaces"]);
    let list: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(list[0]["name"], "SCRM 企微私域运营专题");

    let o = triloop(data.path(), &["documents", "SCRM 企微私域运营专题"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("新客户引流与认证"), "{}", stdout(&o));

    let out = tempfile::tempdir().unwrap();
    let o = triloop(data.path(), &["export", &id, out.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let exported: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.path().join("documents/01-businessFlow.json")).unwrap(),
    )
    .unwrap();
    let original: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(demo.join("documents/01-businessFlow.json")).unwrap(),
    )
    .unwrap();
    let mut a = exported["nodes"].as_array().unwrap().clone();
    let mut b = original["nodes"].as_array().unwrap().clone();
    a.sort_by_key(|n| n["id"].as_str().unwrap().to_string());
    b.sort_by_key(|n| n["id"].as_str().unwrap().to_string());
    // Absent optional fields are written as null.
    for n in a.iter_mut() {
        n.as_object_mut().unwrap().retain(|_, v| !v.is_null());
    }
    assert_eq!(a, b);

    let o = triloop(data.path(), &["import", out.path().to_str().unwrap()]);
    assert!(o.status.success());
    let o = triloop(data.path(), &["--json", "workspaces"]);
    let list: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
}

#[test]
fn errors_are_clear_and_exit_non_zero() {
    let data = tempfile::tempdir().unwrap();
    let o = triloop(data.path(), &["documents", "no such"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("no workspace with id or name \"no such\"")
    );

    let empty = tempfile::tempdir().unwrap();
    let o = triloop(data.path(), &["import", empty.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no workspace.json"));

    // A database from a newer Triloop is refused, not touched.
    let newer = tempfile::tempdir().unwrap();
    assert!(triloop(newer.path(), &["workspaces"]).status.success());
    let s = store::Store::open(&newer.path().join("triloop.db")).unwrap();
    s.with_conn(|c| {
        c.execute(
            "INSERT INTO schema_migration VALUES (999, 'future', 'h', 0)",
            [],
        )
    })
    .unwrap();
    drop(s);
    let o = triloop(newer.path(), &["workspaces"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("newer Triloop"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    let o = Command::new(env!("CARGO_BIN_EXE_triloop"))
        .arg("frobnicate")
        .output()
        .unwrap();
    assert!(!o.status.success());
}

#[test]
fn domain_ddl_prints_the_data_model_of_a_stored_domain_model() {
    let data = tempfile::tempdir().unwrap();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo");
    let o = triloop(data.path(), &["import", demo.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = triloop(
        data.path(),
        &[
            "domain",
            "ddl",
            "SCRM 企微私域运营专题",
            "SCRM 领域模型",
            "--dialect",
            "sqlite",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let sql = stdout(&o);
    // The demo's data model runs on a real SQLite.
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.execute_batch(&sql)
        .unwrap_or_else(|e| panic!("{e}\n{sql}"));
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(tables >= 7, "{tables} tables\n{sql}");
    assert!(sql.contains("客户"), "{sql}");
    let o = triloop(
        data.path(),
        &[
            "domain",
            "ddl",
            "SCRM 企微私域运营专题",
            "nope",
            "--dialect",
            "postgres",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no domain model"));
}

#[test]
fn a_data_folder_in_use_by_another_triloop_is_refused_clearly() {
    let data = tempfile::tempdir().unwrap();
    assert!(triloop(data.path(), &["workspaces"]).status.success());
    // Another process (here: this test) holds the folder, as a running app does.
    let held = store::Store::open_exclusive(&data.path().join("triloop.db")).unwrap();
    let o = triloop(data.path(), &["workspaces"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("is in use by another Triloop") && err.contains("close that one first"),
        "{err}"
    );
    drop(held);
    assert!(triloop(data.path(), &["workspaces"]).status.success());
}
