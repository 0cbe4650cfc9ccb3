//! Any bytes: import must not panic; what it accepts must export, import again and export
//! to the same text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(model) = formats::bpmn::import(data) {
        let out = formats::bpmn::export(&model);
        let again = formats::bpmn::import(out.as_bytes())
            .unwrap_or_else(|e| panic!("the export of an accepted input does not import: {e}"));
        assert_eq!(formats::bpmn::export(&again), out, "export is not stable");
    }
});
