//! Inputs the `cml_import` fuzz target found (mutations of the Context Mapper examples,
//! Apache-2.0), each run through the target's property: import never panics; what
//! imports exports, imports again and exports to the same text, and derives DDL for
//! every dialect.

use std::path::Path;

use formats::{cml, ddl};

/// The fuzz target's property; `Err` when the input is refused (which is allowed).
fn property(data: &[u8]) -> Result<(), cml::CmlError> {
    let imported = cml::import(data)?;
    let out = cml::export(&imported.model);
    let again = cml::import(out.as_bytes())
        .unwrap_or_else(|e| panic!("the export of an accepted input does not import: {e}\n{out}"));
    let out2 = cml::export(&again.model);
    assert_eq!(out2, out, "export is not stable");
    let data_model = ddl::derive(&again.model);
    for dialect in ddl::Dialect::ALL {
        let _ = ddl::to_sql(&data_model, dialect);
    }
    Ok(())
}

fn run(file: &str) -> Result<(), cml::CmlError> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cml-fuzz")
        .join(file);
    property(&std::fs::read(&path).unwrap())
}

#[test]
fn every_fuzz_regression_holds_the_property() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cml-fuzz");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for f in files {
        let _ = run(&f);
    }
}

#[test]
fn contains_in_map_and_relationship_bodies() {
    let _ = run("contains-in-map-and-relationship-bodies.cml");
}

#[test]
fn entity_kept_equals_reference() {
    let _ = run("entity-kept-equals-reference.cml");
}

#[test]
fn domain_declared_twice() {
    let _ = run("domain-declared-twice.cml");
}

#[test]
fn context_and_module_declared_twice() {
    let _ = run("context-and-module-declared-twice.cml");
}

/// These damaged inputs are still CML enough to import: they must not be refused.
#[test]
fn these_regressions_import() {
    for f in [
        "contains-in-map-and-relationship-bodies.cml",
        "entity-kept-equals-reference.cml",
        "domain-declared-twice.cml",
        "context-and-module-declared-twice.cml",
    ] {
        if let Err(e) = run(f) {
            panic!("{f} is refused: {e}");
        }
    }
}
