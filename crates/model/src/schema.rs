//! Keys and versions shared by all document kinds, and the model's error type.

use automerge::{Automerge, ObjType, ROOT, ReadDoc, ScalarValue, Value};
use serde::{Deserialize, Serialize};

/// Root key holding the document kind's schema name, e.g. `triloop/flow`.
pub const KEY_SCHEMA: &str = "schema";
/// Root key holding the schema version the document was last migrated to.
pub const KEY_SCHEMA_VERSION: &str = "schemaVersion";

/// The kinds of document a workspace holds. Only some are editable yet; the rest are
/// named here so that the index, the export format and the UI already know them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum DocKind {
    WorkspaceIndex,
    BusinessFlow,
    ValueTree,
    RequirementPool,
    UserJourney,
    DomainModel,
    SandboxPrototype,
    /// The organisation's capability shelf (one per organisation, not per workspace).
    CapabilityShelf,
}

impl DocKind {
    pub fn schema_name(self) -> &'static str {
        match self {
            DocKind::WorkspaceIndex => "triloop/workspace",
            DocKind::BusinessFlow => "triloop/flow",
            DocKind::ValueTree => "triloop/value-tree",
            DocKind::RequirementPool => "triloop/requirements",
            DocKind::UserJourney => "triloop/journey",
            DocKind::DomainModel => "triloop/domain",
            DocKind::SandboxPrototype => "triloop/prototype",
            DocKind::CapabilityShelf => "triloop/shelf",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::WorkspaceIndex => "workspaceIndex",
            DocKind::BusinessFlow => "businessFlow",
            DocKind::ValueTree => "valueTree",
            DocKind::RequirementPool => "requirementPool",
            DocKind::UserJourney => "userJourney",
            DocKind::DomainModel => "domainModel",
            DocKind::SandboxPrototype => "sandboxPrototype",
            DocKind::CapabilityShelf => "capabilityShelf",
        }
    }

    pub const ALL: [DocKind; 8] = [
        DocKind::WorkspaceIndex,
        DocKind::BusinessFlow,
        DocKind::ValueTree,
        DocKind::RequirementPool,
        DocKind::UserJourney,
        DocKind::DomainModel,
        DocKind::SandboxPrototype,
        DocKind::CapabilityShelf,
    ];

    pub fn parse(s: &str) -> Option<DocKind> {
        DocKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The newest schema version of this kind that this build understands.
    pub fn current_version(self) -> u64 {
        match self {
            // 2: the whole BPMN element set (pools, sub-processes, event definitions, data,
            // artifacts, message flows, waypoints, conditions) and the kept BPMN source.
            DocKind::BusinessFlow => 2,
            _ => 1,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ModelError {
    #[error("the document is not a {expected} document (its schema is {found:?})")]
    WrongKind {
        expected: &'static str,
        found: Option<String>,
    },
    #[error(
        "the document was written by a newer Triloop (schema version {found}, this build reads up to {supported})"
    )]
    TooNew { found: u64, supported: u64 },
    #[error("the document is malformed: {0}")]
    Malformed(String),
    #[error("no element with id {0}")]
    NoSuchElement(String),
    #[error("an element with id {0} already exists")]
    DuplicateId(String),
    #[error("invalid edit: {0}")]
    InvalidEdit(String),
    #[error("automerge: {0}")]
    Automerge(String),
}

impl From<automerge::AutomergeError> for ModelError {
    fn from(e: automerge::AutomergeError) -> Self {
        ModelError::Automerge(e.to_string())
    }
}

/// The kind a document says it is (its schema name), if this build knows it.
pub fn kind_of(doc: &impl ReadDoc) -> Option<DocKind> {
    let name = get_str(doc, &ROOT, KEY_SCHEMA).ok()??;
    DocKind::ALL.into_iter().find(|k| k.schema_name() == name)
}

/// Checks that `doc` is of `kind` at a version this build can read.
pub fn check_schema(doc: &Automerge, kind: DocKind) -> Result<u64, ModelError> {
    let found = get_str(doc, &ROOT, KEY_SCHEMA)?;
    if found.as_deref() != Some(kind.schema_name()) {
        return Err(ModelError::WrongKind {
            expected: kind.schema_name(),
            found,
        });
    }
    let version = get_u64(doc, &ROOT, KEY_SCHEMA_VERSION)?.unwrap_or(0);
    if version > kind.current_version() {
        return Err(ModelError::TooNew {
            found: version,
            supported: kind.current_version(),
        });
    }
    Ok(version)
}

pub(crate) fn get_str(
    doc: &impl ReadDoc,
    obj: &automerge::ObjId,
    key: &str,
) -> Result<Option<String>, ModelError> {
    match doc.get(obj, key)? {
        Some((Value::Scalar(s), _)) => match s.as_ref() {
            ScalarValue::Str(s) => Ok(Some(s.to_string())),
            _ => Ok(None),
        },
        Some((Value::Object(ObjType::Text), id)) => Ok(Some(doc.text(&id)?)),
        _ => Ok(None),
    }
}

pub(crate) fn get_f64(
    doc: &impl ReadDoc,
    obj: &automerge::ObjId,
    key: &str,
) -> Result<Option<f64>, ModelError> {
    match doc.get(obj, key)? {
        Some((Value::Scalar(s), _)) => Ok(match s.as_ref() {
            // A peer may have written NaN or infinity; treat it as absent.
            ScalarValue::F64(f) if f.is_finite() => Some(*f),
            ScalarValue::Int(i) => Some(*i as f64),
            ScalarValue::Uint(u) => Some(*u as f64),
            _ => None,
        }),
        _ => Ok(None),
    }
}

pub(crate) fn get_u64(
    doc: &impl ReadDoc,
    obj: &automerge::ObjId,
    key: &str,
) -> Result<Option<u64>, ModelError> {
    match doc.get(obj, key)? {
        Some((Value::Scalar(s), _)) => Ok(match s.as_ref() {
            ScalarValue::Uint(u) => Some(*u),
            ScalarValue::Int(i) if *i >= 0 => Some(*i as u64),
            _ => None,
        }),
        _ => Ok(None),
    }
}

pub(crate) fn get_map(
    doc: &impl ReadDoc,
    obj: &automerge::ObjId,
    key: &str,
) -> Result<automerge::ObjId, ModelError> {
    match doc.get(obj, key)? {
        Some((Value::Object(ObjType::Map), id)) => Ok(id),
        _ => Err(ModelError::Malformed(format!("missing map {key:?}"))),
    }
}
