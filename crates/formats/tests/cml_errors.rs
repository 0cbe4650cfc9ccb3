//! Bad CML files (in tests/fixtures/cml): syntax errors, binary data and other encodings
//! fail with the line and column and import nothing; names a file does not define import
//! with warnings and show as problems. And no damaged fixture makes the importer panic.

mod common;

use std::path::Path;

use common::cml_fixtures;
use formats::cml;
use model::domain::{DomainProblemCode, validate};

fn fixture(name: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cml")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn bad_files_fail_with_line_and_column() {
    let cases = [
        ("binary.cml", 1, 1, "binary data"),
        ("latin1.cml", 1, 19, "not UTF-8"),
        (
            "unclosed-brace.cml",
            20,
            1,
            "close bounded context A (opened at line 6",
        ),
        ("unclosed-string.cml", 2, 26, "never closed"),
        ("unknown-role.cml", 3, 7, "`XYZ` is not an upstream role"),
        ("reference-without-type.cml", 5, 4, "expected a reference"),
        (
            "relationship-without-end.cml",
            3,
            1,
            "second bounded context",
        ),
    ];
    for (file, line, column, text) in cases {
        let e = cml::import(&fixture(file)).expect_err(file);
        assert_eq!((e.line, e.column), (line, column), "{file}: {e}");
        assert!(e.message.contains(text), "{file}: {e}");
        assert!(
            e.to_string()
                .starts_with(&format!("line {line}, column {column}: "))
        );
    }
}

#[test]
fn undefined_names_import_with_warnings_and_problems() {
    let imported = cml::import(&fixture("undefined-names.cml")).unwrap();
    let messages: Vec<String> = imported
        .warnings
        .iter()
        .map(|w| format!("{}:{} {}", w.line, w.column, w.message))
        .collect();
    for name in ["Shipping", "Retail", "OrderNumber", "Customer"] {
        assert!(
            messages.iter().any(|m| m.contains(name)),
            "no warning names {name}: {messages:#?}"
        );
    }
    let m = &imported.model;
    let number = m.attributes.iter().find(|a| a.name == "number").unwrap();
    assert_eq!(number.type_name.as_deref(), Some("OrderNumber"));
    assert!(number.target.is_none());
    let problems = validate(m);
    let unresolved: Vec<&str> = problems
        .iter()
        .filter(|p| p.code == DomainProblemCode::UnresolvedType)
        .map(|p| p.element.as_str())
        .collect();
    assert_eq!(unresolved.len(), 2, "{problems:?}");
    // The relationship to the undefined context is kept as written and comes back.
    assert_eq!(m.relationships.len(), 1);
    let out = cml::export(m);
    assert!(out.contains("Sales [U]->[D] Shipping"), "{out}");
    let again = cml::import(out.as_bytes()).unwrap();
    assert_eq!(&again.model, m, "{out}");
    assert_eq!(again.warnings.len(), imported.warnings.len());
}

/// Truncations, deleted characters and swapped brackets of every fixture: the import
/// never panics, and whatever it accepts exports to CML that imports to the same model.
#[test]
fn damaged_fixtures_never_panic_and_what_imports_round_trips() {
    let mut accepted = 0;
    let mut refused = 0;
    for f in cml_fixtures() {
        let src = std::fs::read_to_string(&f).unwrap();
        let bytes = src.as_bytes();
        let step = (bytes.len() / 80).max(1);
        let mut variants: Vec<Vec<u8>> = Vec::new();
        for cut in (0..bytes.len()).step_by(step) {
            variants.push(bytes[..cut].to_vec());
            let mut deleted = bytes.to_vec();
            deleted.remove(cut);
            variants.push(deleted);
            let mut swapped = bytes.to_vec();
            swapped[cut] = match swapped[cut] {
                b'{' => b'}',
                b'}' => b'{',
                b'[' => b'(',
                b'"' => b'\'',
                b'-' => b'>',
                _ => b'{',
            };
            variants.push(swapped);
        }
        for v in variants {
            match cml::import(&v) {
                Ok(imported) => {
                    accepted += 1;
                    let out = cml::export(&imported.model);
                    let again = cml::import(out.as_bytes()).unwrap_or_else(|e| {
                        panic!(
                            "{}: an accepted variant exports CML that fails: {e}\n{out}",
                            f.display()
                        )
                    });
                    if again.model != imported.model {
                        let (a, b) = (
                            imported.model.clone().into_records(),
                            again.model.clone().into_records(),
                        );
                        for (x, y) in a.iter().zip(&b) {
                            assert_eq!(
                                x,
                                y,
                                "{}: a variant does not round-trip\n{out}",
                                f.display()
                            );
                        }
                        panic!(
                            "{}: a variant's round trip changes the record count",
                            f.display()
                        );
                    }
                }
                Err(e) => {
                    refused += 1;
                    assert!(e.line >= 1 && e.column >= 1);
                }
            }
        }
    }
    println!("damaged variants: {accepted} accepted, {refused} refused");
    assert!(refused > 0 && accepted > 0);
}
