//! One dispatch over every editable document kind: what the core's generic use cases
//! (create, open, edit, undo, redo, link targets) call, so that a new kind adds a variant
//! here and no Tauri command, undo stack or patch type of its own.
//!
//! Adding a kind: write its module (records and a [`RecordKind`](crate::record::RecordKind)
//! impl, as `domain` does), then add one arm to each `match` below; the compiler lists them.

use automerge::Automerge;
use serde::{Deserialize, Serialize};

use crate::domain::{self, DomainModel, DomainOp, DomainPatch};
use crate::flow::{self, Flow, FlowOp, FlowPatch};
use crate::prototype::{self, Prototype, PrototypeOp, PrototypePatch};
use crate::schema::{DocKind, ModelError};
use crate::shelf::{self, Shelf, ShelfOp, ShelfPatch};

/// One edit of one document: its kind and its ops, applied as one change and one undo step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", content = "ops", rename_all = "camelCase")]
pub enum DocOps {
    BusinessFlow(Vec<FlowOp>),
    DomainModel(Vec<DomainOp>),
    SandboxPrototype(Vec<PrototypeOp>),
    CapabilityShelf(Vec<ShelfOp>),
}

/// What an edit changed, per kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", content = "patch", rename_all = "camelCase")]
pub enum DocPatch {
    BusinessFlow(FlowPatch),
    DomainModel(DomainPatch),
    SandboxPrototype(PrototypePatch),
    CapabilityShelf(ShelfPatch),
}

/// A whole document's content, per kind (sent once, when the document opens).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", content = "content", rename_all = "camelCase")]
pub enum DocContent {
    BusinessFlow(Flow),
    DomainModel(DomainModel),
    SandboxPrototype(Prototype),
    CapabilityShelf(Shelf),
}

/// An element a link can point at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub id: String,
    pub name: String,
    /// Its type within the document (a BPMN node kind, a domain element kind).
    pub kind: String,
}

impl DocOps {
    pub fn kind(&self) -> DocKind {
        match self {
            DocOps::BusinessFlow(_) => DocKind::BusinessFlow,
            DocOps::DomainModel(_) => DocKind::DomainModel,
            DocOps::SandboxPrototype(_) => DocKind::SandboxPrototype,
            DocOps::CapabilityShelf(_) => DocKind::CapabilityShelf,
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            DocOps::BusinessFlow(o) => o.is_empty(),
            DocOps::DomainModel(o) => o.is_empty(),
            DocOps::SandboxPrototype(o) => o.is_empty(),
            DocOps::CapabilityShelf(o) => o.is_empty(),
        }
    }
}

/// Whether documents of `kind` can be created and edited by this build.
pub fn is_editable(kind: DocKind) -> bool {
    matches!(
        kind,
        DocKind::BusinessFlow
            | DocKind::DomainModel
            | DocKind::SandboxPrototype
            | DocKind::CapabilityShelf
    )
}

/// Writes the root of a new document of `kind`.
pub fn init(kind: DocKind, doc: &mut Automerge) -> Result<(), ModelError> {
    match kind {
        DocKind::BusinessFlow => flow::init(doc),
        DocKind::DomainModel => domain::init(doc),
        DocKind::SandboxPrototype => prototype::init(doc),
        DocKind::CapabilityShelf => shelf::init(doc),
        other => Err(ModelError::InvalidEdit(format!(
            "documents of kind {} cannot be created yet",
            other.as_str()
        ))),
    }
}

/// Applies an edit; returns the edit that undoes it and what changed.
pub fn apply(doc: &mut Automerge, ops: &DocOps) -> Result<(DocOps, DocPatch), ModelError> {
    Ok(match ops {
        DocOps::BusinessFlow(ops) => {
            let a = flow::apply(doc, ops)?;
            (
                DocOps::BusinessFlow(a.inverse),
                DocPatch::BusinessFlow(a.patch),
            )
        }
        DocOps::DomainModel(ops) => {
            let a = domain::apply(doc, ops)?;
            (
                DocOps::DomainModel(a.inverse),
                DocPatch::DomainModel(a.patch),
            )
        }
        DocOps::SandboxPrototype(ops) => {
            let a = prototype::apply(doc, ops)?;
            (
                DocOps::SandboxPrototype(a.inverse),
                DocPatch::SandboxPrototype(a.patch),
            )
        }
        DocOps::CapabilityShelf(ops) => {
            let a = shelf::apply(doc, ops)?;
            (
                DocOps::CapabilityShelf(a.inverse),
                DocPatch::CapabilityShelf(a.patch),
            )
        }
    })
}

/// Reads a whole document of `kind`.
pub fn read(kind: DocKind, doc: &Automerge) -> Result<DocContent, ModelError> {
    match kind {
        DocKind::BusinessFlow => Ok(DocContent::BusinessFlow(flow::read(doc)?)),
        DocKind::DomainModel => Ok(DocContent::DomainModel(domain::read(doc)?)),
        DocKind::SandboxPrototype => Ok(DocContent::SandboxPrototype(prototype::read(doc)?)),
        DocKind::CapabilityShelf => Ok(DocContent::CapabilityShelf(shelf::read(doc)?)),
        other => Err(ModelError::InvalidEdit(format!(
            "documents of kind {} cannot be opened yet",
            other.as_str()
        ))),
    }
}

/// The name of element `id` of a document of `kind`, if it has one.
pub fn element_name(
    kind: DocKind,
    doc: &Automerge,
    id: &str,
) -> Result<Option<String>, ModelError> {
    match kind {
        DocKind::BusinessFlow => flow::element_name(doc, id),
        DocKind::DomainModel => Ok(domain::element_name(doc, id)?.map(|(name, _)| name)),
        DocKind::SandboxPrototype => Ok(prototype::element_name(doc, id)?.map(|(name, _)| name)),
        DocKind::CapabilityShelf => Ok(shelf::element_name(doc, id)?.map(|(name, _)| name)),
        _ => Ok(None),
    }
}

/// The elements of a document that links may point at.
pub fn link_targets(kind: DocKind, doc: &Automerge) -> Result<Vec<Target>, ModelError> {
    match kind {
        DocKind::BusinessFlow => Ok(flow::read(doc)?
            .nodes
            .into_iter()
            .map(|n| Target {
                id: n.id,
                name: n.name,
                kind: n.kind.as_str().to_string(),
            })
            .collect()),
        DocKind::DomainModel => Ok(domain::read(doc)?
            .into_records()
            .into_iter()
            .filter(|r| {
                matches!(
                    r,
                    domain::DomainRecord::Context(_)
                        | domain::DomainRecord::Element(_)
                        | domain::DomainRecord::Attribute(_)
                )
            })
            .map(|r| {
                let (name, kind) = domain::describe(&r);
                Target {
                    id: crate::record::Record::id(&r).to_string(),
                    name,
                    kind,
                }
            })
            .collect()),
        // Screens, components and actions (walks are found through the stories that
        // link them, later).
        DocKind::SandboxPrototype => Ok(prototype::read(doc)?
            .into_records()
            .into_iter()
            .filter(|r| !matches!(r, prototype::PrototypeRecord::Walk(_)))
            .map(|r| {
                let (name, kind) = prototype::describe(&r);
                Target {
                    id: crate::record::Record::id(&r).to_string(),
                    name,
                    kind,
                }
            })
            .collect()),
        _ => Ok(Vec::new()),
    }
}
