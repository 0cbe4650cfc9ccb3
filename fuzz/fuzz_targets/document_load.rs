//! Any bytes as a stored document: the store's load path (Automerge's incremental load of a
//! chunk, the missing-history check) and then the model's (the kind the document names, its
//! schema check, the kind's read, and the workspace index's read) must not panic. What
//! loads must save and load again to the same heads.
#![no_main]

use automerge::{Automerge, ReadDoc};
use libfuzzer_sys::fuzz_target;
use model::{kinds, schema, workspace};

fuzz_target!(|data: &[u8]| {
    let mut doc = Automerge::new();
    if doc.load_incremental(data).is_err() {
        return;
    }
    let _ = doc.get_missing_deps(&[]);
    if let Some(kind) = schema::kind_of(&doc)
        && schema::check_schema(&doc, kind).is_ok()
    {
        let _ = kinds::read(kind, &doc);
    }
    let _ = workspace::read(&doc);
    let saved = doc.save();
    let again = Automerge::load(&saved).expect("a saved document loads");
    assert_eq!(
        again.get_heads(),
        doc.get_heads(),
        "save and load keep the heads"
    );
});
