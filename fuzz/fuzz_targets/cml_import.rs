//! Any bytes: CML import must not panic; what it accepts must export, import again, export
//! to the same text, and derive DDL for every dialect.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(imported) = formats::cml::import(data) {
        let out = formats::cml::export(&imported.model);
        let again = formats::cml::import(out.as_bytes())
            .unwrap_or_else(|e| panic!("the export of an accepted input does not import: {e}"));
        assert_eq!(
            formats::cml::export(&again.model),
            out,
            "export is not stable"
        );
        let data_model = formats::ddl::derive(&again.model);
        for dialect in formats::ddl::Dialect::ALL {
            let _ = formats::ddl::to_sql(&data_model, dialect);
        }
    }
});
