//! Prints the CML export of a file (for looking at what the exporter writes).
fn main() {
    let path = std::env::args().nth(1).expect("usage: cml_export FILE.cml");
    let bytes = std::fs::read(&path).expect("read");
    let imported = formats::cml::import(&bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
    for w in &imported.warnings {
        eprintln!(
            "warning: line {}, column {}: {}",
            w.line, w.column, w.message
        );
    }
    print!("{}", formats::cml::export(&imported.model));
}
