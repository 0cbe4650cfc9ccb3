//! Any bytes as a WebSocket frame: the server's automerge-repo wire decoding must not panic
//! nor allocate what the input does not hold; what decodes as a message the server answers
//! re-encodes and decodes to the same message.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The server's decoder itself (crates/server/src/wire.rs needs only minicbor): included by
// path so that the target does not build the whole server (axum, samod, SQLite) under the
// sanitizer.
#[path = "../../crates/server/src/wire.rs"]
#[allow(dead_code)]
mod wire;

fuzz_target!(|data: &[u8]| {
    let Ok(msg) = wire::decode(data) else {
        return;
    };
    if let wire::Incoming::Doc {
        request: false,
        document,
        sender,
        data,
    } = &msg
    {
        let again = wire::decode(&wire::sync(sender, "t", document, data))
            .expect("an encoded sync message decodes");
        assert_eq!(again, msg, "sync messages round-trip");
    }
});
