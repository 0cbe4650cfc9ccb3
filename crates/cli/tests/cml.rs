//! `triloop cml check|roundtrip|ddl|svg` on the shared fixtures and on bad files, through
//! the real binary.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::triloop;

fn fixtures() -> Vec<PathBuf> {
    common::files(&common::fixtures("cml"), "cml")
}

fn fixture(name: &str) -> PathBuf {
    common::fixtures("cml").join(name)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

#[test]
fn check_prints_counts_problems_and_warnings_for_every_fixture() {
    for file in fixtures() {
        let o = triloop(&["cml", "check", file.to_str().unwrap()]);
        assert!(o.status.success(), "{}: {}", file.display(), stderr(&o));
        let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert!(
            report["counts"]["contexts"].as_u64().unwrap() >= 1,
            "{}",
            file.display()
        );
        assert!(report["problems"].is_array() && report["warnings"].is_array());
        for w in report["warnings"].as_array().unwrap() {
            assert!(w["line"].as_u64().unwrap() >= 1);
        }
    }
}

#[test]
fn check_reports_an_undefined_type_as_warning_and_problem() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("m.cml");
    std::fs::write(
        &f,
        "BoundedContext 客户 {\n  Aggregate A {\n    Entity E {\n      aggregateRoot\n      String id key\n      - Nowhere place\n    }\n  }\n}\n",
    )
    .unwrap();
    let o = triloop(&["cml", "check", f.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["counts"]["entity"], 1);
    let w = &report["warnings"][0];
    assert_eq!(
        (w["line"].as_u64(), w["column"].as_u64()),
        (Some(6), Some(9))
    );
    assert!(w["message"].as_str().unwrap().contains("Nowhere"));
    let problems = report["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0]["code"], "unresolvedType");
    assert!(problems[0]["message"].as_str().unwrap().contains("E.place"));
}

#[test]
fn unreadable_and_bad_files_exit_1_with_line_and_column() {
    let o = triloop(&["cml", "check", "/nonexistent/x.cml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("/nonexistent/x.cml"), "{}", stderr(&o));

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.cml");
    std::fs::write(
        &bad,
        "ContextMap {\n  A [U]->[D] B\n}\nBoundedContext A {\n  Aggregate {\n}\n",
    )
    .unwrap();
    let o = triloop(&["cml", "check", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("line 5, column 13"), "{}", stderr(&o));
    assert!(o.stdout.is_empty(), "nothing is imported");

    let bin = dir.path().join("bin.cml");
    std::fs::write(&bin, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    for args in [
        vec!["cml", "check", bin.to_str().unwrap()],
        vec!["cml", "ddl", bin.to_str().unwrap(), "--dialect", "sqlite"],
    ] {
        let o = triloop(&args);
        assert_eq!(o.status.code(), Some(1));
        assert!(stderr(&o).contains("line 1, column"), "{}", stderr(&o));
    }
    // A round trip of a bad file writes nothing.
    let out = dir.path().join("out.cml");
    let o = triloop(&[
        "cml",
        "roundtrip",
        bad.to_str().unwrap(),
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!out.exists());
}

#[test]
fn roundtrip_writes_cml_that_imports_to_the_same_counts() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture("ddd-sample__DDD-Sample-Stage-5.cml");
    let out = dir.path().join("out.cml");
    let o = triloop(&[
        "cml",
        "roundtrip",
        input.to_str().unwrap(),
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let check = |p: &Path| {
        let o = triloop(&["cml", "check", p.to_str().unwrap()]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["counts"].clone()
    };
    assert_eq!(check(&input), check(&out));
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("Repository CargoRepository")
    );
}

#[test]
fn ddl_prints_sql_for_each_dialect_and_refuses_others() {
    let input = fixture("insurance-example__Insurance-Example_Team-Map.cml");
    for (dialect, marker) in [
        ("postgres", "CREATE SCHEMA IF NOT EXISTS"),
        ("mysql", "ENGINE=InnoDB"),
        ("sqlite", "AUTOINCREMENT"),
        ("oracle", "VARCHAR2("),
    ] {
        let o = triloop(&["cml", "ddl", input.to_str().unwrap(), "--dialect", dialect]);
        assert!(o.status.success(), "{dialect}: {}", stderr(&o));
        let sql = String::from_utf8(o.stdout).unwrap();
        assert!(
            sql.contains("CREATE TABLE") && sql.contains(marker),
            "{dialect}:\n{sql}"
        );
    }
    let o = triloop(&["cml", "ddl", input.to_str().unwrap(), "--dialect", "db2"]);
    assert!(!o.status.success());
}

#[test]
fn svg_draws_the_context_map() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture("insurance-example__Insurance-Example-Stage-2.cml");
    let out = dir.path().join("map.svg");
    let o = triloop(&["cml", "svg", input.to_str().unwrap(), out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(svg.starts_with("<svg"));
    assert_eq!(svg.matches(r#"class="context""#).count(), 6);
    assert_eq!(svg.matches(r#"class="relationship""#).count(), 7);
    assert!(svg.contains(">U,OHS,PL<") && svg.contains(">D,ACL<") && svg.contains(">SK<"));
}
