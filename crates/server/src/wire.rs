//! The automerge-repo wire protocol, as far as a sync server needs it: CBOR maps with a
//! `type` field (`join`, `peer`, `request`, `sync`, `doc-unavailable`, `ephemeral`,
//! `leave`, `error`, and the remote-heads messages, which the server ignores).
//!
//! Decoding is strict about the fields a message must carry and their types, skips fields
//! it does not know, and never trusts a length it has not seen the bytes for (minicbor
//! checks a claimed length against the input before it allocates).

/// The protocol version this server speaks (automerge-repo's "1").
pub const PROTOCOL_VERSION: &str = "1";

/// A message from a peer.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    Join {
        sender: String,
        versions: Vec<String>,
    },
    Leave {
        sender: String,
    },
    /// `request` (the peer has nothing of the document) or `sync`.
    Doc {
        request: bool,
        document: String,
        sender: String,
        data: Vec<u8>,
    },
    DocUnavailable {
        document: String,
        sender: String,
    },
    Ephemeral {
        document: String,
        sender: String,
        session: String,
        count: u64,
        data: Vec<u8>,
    },
    /// A message type the server does not act on (`remote-heads-changed`, `error`, …).
    Other {
        kind: String,
        sender: Option<String>,
    },
}

impl Incoming {
    /// The peer id the message claims to come from.
    pub fn sender(&self) -> Option<&str> {
        match self {
            Incoming::Join { sender, .. }
            | Incoming::Leave { sender }
            | Incoming::Doc { sender, .. }
            | Incoming::DocUnavailable { sender, .. }
            | Incoming::Ephemeral { sender, .. } => Some(sender),
            Incoming::Other { sender, .. } => sender.as_deref(),
        }
    }
}

#[derive(Default)]
struct Fields {
    kind: Option<String>,
    sender: Option<String>,
    document: Option<String>,
    session: Option<String>,
    count: Option<u64>,
    data: Option<Vec<u8>>,
    versions: Option<Vec<String>>,
}

/// More fields than any automerge-repo message has: a map claiming more is refused before
/// it is read.
const MAX_FIELDS: u64 = 32;
const MAX_VERSIONS: u64 = 16;

/// Decodes one frame. The error says what is wrong with it.
pub fn decode(bytes: &[u8]) -> Result<Incoming, String> {
    let mut d = minicbor::Decoder::new(bytes);
    let n = match d.map() {
        Ok(Some(n)) => n,
        Ok(None) => return Err("a map of indefinite length".into()),
        Err(e) => return Err(format!("not a CBOR map: {e}")),
    };
    if n > MAX_FIELDS {
        return Err(format!("a map of {n} entries"));
    }
    let mut f = Fields::default();
    for _ in 0..n {
        let key = d.str().map_err(|e| format!("a key: {e}"))?;
        let bad = |e: minicbor::decode::Error| format!("field {key:?}: {e}");
        match key {
            "type" => f.kind = Some(d.str().map_err(bad)?.to_string()),
            "senderId" => f.sender = Some(d.str().map_err(bad)?.to_string()),
            "documentId" => f.document = Some(d.str().map_err(bad)?.to_string()),
            "sessionId" => f.session = Some(d.str().map_err(bad)?.to_string()),
            "count" => f.count = Some(d.u64().map_err(bad)?),
            "data" => f.data = Some(d.bytes().map_err(bad)?.to_vec()),
            "supportedProtocolVersions" => {
                let len = match d.array().map_err(bad)? {
                    Some(len) if len <= MAX_VERSIONS => len,
                    _ => return Err(format!("field {key:?}: not a short array")),
                };
                let mut versions = Vec::with_capacity(len as usize);
                for _ in 0..len {
                    versions.push(d.str().map_err(bad)?.to_string());
                }
                f.versions = Some(versions);
            }
            _ => d.skip().map_err(bad)?,
        }
    }
    if d.position() != bytes.len() {
        return Err("bytes after the message".into());
    }
    let kind = f.kind.ok_or("no type")?;
    let need = |v: Option<String>, what: &str| v.ok_or_else(|| format!("{kind}: no {what}"));
    Ok(match kind.as_str() {
        "join" => Incoming::Join {
            sender: need(f.sender, "senderId")?,
            versions: f.versions.unwrap_or_default(),
        },
        "leave" => Incoming::Leave {
            sender: need(f.sender, "senderId")?,
        },
        "request" | "sync" => Incoming::Doc {
            request: kind == "request",
            document: need(f.document, "documentId")?,
            sender: need(f.sender, "senderId")?,
            data: f.data.ok_or_else(|| format!("{kind}: no data"))?,
        },
        "doc-unavailable" => Incoming::DocUnavailable {
            document: need(f.document, "documentId")?,
            sender: need(f.sender, "senderId")?,
        },
        "ephemeral" => Incoming::Ephemeral {
            document: need(f.document, "documentId")?,
            sender: need(f.sender, "senderId")?,
            session: need(f.session, "sessionId")?,
            count: f.count.ok_or("ephemeral: no count")?,
            data: f.data.ok_or("ephemeral: no data")?,
        },
        _ => Incoming::Other {
            kind,
            sender: f.sender,
        },
    })
}

fn encoder() -> minicbor::Encoder<Vec<u8>> {
    minicbor::Encoder::new(Vec::with_capacity(128))
}

// Writing into a Vec cannot fail: the encoder's `expect`s below are that invariant.
const VEC_WRITE: &str = "writing CBOR into a Vec";

/// The answer to a `join`.
pub fn peer(server: &str, target: &str, storage_id: &str) -> Vec<u8> {
    let mut e = encoder();
    e.map(5)
        .and_then(|e| e.str("type")?.str("peer"))
        .and_then(|e| e.str("senderId")?.str(server))
        .and_then(|e| e.str("selectedProtocolVersion")?.str(PROTOCOL_VERSION))
        .and_then(|e| e.str("targetId")?.str(target))
        .and_then(|e| {
            e.str("peerMetadata")?
                .map(2)?
                .str("storageId")?
                .str(storage_id)?
                .str("isEphemeral")?
                .bool(false)
        })
        .expect(VEC_WRITE);
    e.into_writer()
}

/// A `sync` message for one document.
pub fn sync(server: &str, target: &str, document: &str, data: &[u8]) -> Vec<u8> {
    let mut e = encoder();
    e.map(5)
        .and_then(|e| e.str("type")?.str("sync"))
        .and_then(|e| e.str("documentId")?.str(document))
        .and_then(|e| e.str("senderId")?.str(server))
        .and_then(|e| e.str("targetId")?.str(target))
        .and_then(|e| e.str("data")?.bytes(data))
        .expect(VEC_WRITE);
    e.into_writer()
}

/// "This server has nothing for you under that id": the same answer whether the document
/// does not exist or the peer may not see it.
pub fn doc_unavailable(server: &str, target: &str, document: &str) -> Vec<u8> {
    let mut e = encoder();
    e.map(4)
        .and_then(|e| e.str("type")?.str("doc-unavailable"))
        .and_then(|e| e.str("senderId")?.str(server))
        .and_then(|e| e.str("targetId")?.str(target))
        .and_then(|e| e.str("documentId")?.str(document))
        .expect(VEC_WRITE);
    e.into_writer()
}

/// An ephemeral message relayed to `target`, with its original sender, session and count.
pub fn ephemeral(
    sender: &str,
    target: &str,
    document: &str,
    session: &str,
    count: u64,
    data: &[u8],
) -> Vec<u8> {
    let mut e = encoder();
    e.map(7)
        .and_then(|e| e.str("type")?.str("ephemeral"))
        .and_then(|e| e.str("senderId")?.str(sender))
        .and_then(|e| e.str("targetId")?.str(target))
        .and_then(|e| e.str("count")?.u64(count))
        .and_then(|e| e.str("sessionId")?.str(session))
        .and_then(|e| e.str("documentId")?.str(document))
        .and_then(|e| e.str("data")?.bytes(data))
        .expect(VEC_WRITE);
    e.into_writer()
}

/// An `error` message (sent before the server closes a connection it cannot serve).
pub fn error(message: &str) -> Vec<u8> {
    let mut e = encoder();
    e.map(2)
        .and_then(|e| e.str("type")?.str("error"))
        .and_then(|e| e.str("message")?.str(message))
        .expect(VEC_WRITE);
    e.into_writer()
}

#[cfg(test)]
mod tests {
    use super::*;

    type Field<'a> = (&'a str, &'a dyn Fn(&mut minicbor::Encoder<Vec<u8>>));

    fn map(entries: &[Field]) -> Vec<u8> {
        let mut e = encoder();
        e.map(entries.len() as u64).unwrap();
        for (k, v) in entries {
            e.str(k).unwrap();
            v(&mut e);
        }
        e.into_writer()
    }

    #[test]
    fn what_the_server_writes_it_reads_back() {
        let s = sync("server", "p1", "doc", b"\x42\x01");
        assert_eq!(
            decode(&s).unwrap(),
            Incoming::Doc {
                request: false,
                document: "doc".into(),
                sender: "server".into(),
                data: vec![0x42, 1],
            }
        );
        let e = ephemeral("p2", "p1", "doc", "sess", 7, b"{}");
        assert_eq!(
            decode(&e).unwrap(),
            Incoming::Ephemeral {
                document: "doc".into(),
                sender: "p2".into(),
                session: "sess".into(),
                count: 7,
                data: b"{}".to_vec(),
            }
        );
        assert_eq!(
            decode(&doc_unavailable("server", "p1", "doc")).unwrap(),
            Incoming::DocUnavailable {
                document: "doc".into(),
                sender: "server".into()
            }
        );
        assert!(matches!(
            decode(&peer("server", "p1", "sid")).unwrap(),
            Incoming::Other { kind, .. } if kind == "peer"
        ));
    }

    #[test]
    fn a_join_with_unknown_fields_decodes() {
        let join = map(&[
            ("type", &|e| {
                e.str("join").unwrap();
            }),
            ("senderId", &|e| {
                e.str("alice").unwrap();
            }),
            ("supportedProtocolVersions", &|e| {
                e.array(1).unwrap().str("1").unwrap();
            }),
            ("peerMetadata", &|e| {
                e.map(1)
                    .unwrap()
                    .str("isEphemeral")
                    .unwrap()
                    .bool(true)
                    .unwrap();
            }),
        ]);
        assert_eq!(
            decode(&join).unwrap(),
            Incoming::Join {
                sender: "alice".into(),
                versions: vec!["1".into()]
            }
        );
    }

    #[test]
    fn malformed_frames_are_refused_with_a_reason() {
        assert!(decode(b"").is_err());
        assert!(
            decode(&[0x83, 1, 2, 3])
                .unwrap_err()
                .contains("not a CBOR map")
        );
        let no_data = map(&[
            ("type", &|e| {
                e.str("sync").unwrap();
            }),
            ("documentId", &|e| {
                e.str("d").unwrap();
            }),
            ("senderId", &|e| {
                e.str("p").unwrap();
            }),
        ]);
        assert_eq!(decode(&no_data).unwrap_err(), "sync: no data");
        let number_type = map(&[("type", &|e| {
            e.u8(5).unwrap();
        })]);
        assert!(decode(&number_type).unwrap_err().contains("\"type\""));
        // A byte string claiming 2^63 bytes: refused without allocating them.
        let mut huge = map(&[("type", &|e| {
            e.str("sync").unwrap();
        })]);
        huge[0] = 0xa2;
        huge.extend([0x64]);
        huge.extend(b"data");
        huge.push(0x5b);
        huge.extend((1u64 << 63).to_be_bytes());
        assert!(decode(&huge).is_err());
        let mut many = vec![0xbb];
        many.extend(u64::MAX.to_be_bytes());
        assert!(decode(&many).unwrap_err().contains("entries"));
        let mut trailing = sync("a", "b", "c", b"");
        trailing.push(0);
        assert_eq!(decode(&trailing).unwrap_err(), "bytes after the message");
    }
}
