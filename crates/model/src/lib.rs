//! Triloop's document kinds as typed Rust over Automerge.
//!
//! Every document kind has a schema name and version written into its root when the
//! document is created (and only then: root containers are created once, by the creator),
//! typed readers, and operations that return their own inverse so that a session can
//! undo its own edits on top of whatever peers did meanwhile. No I/O happens here.

pub mod domain;
pub mod domain_gen;
pub mod flow;
pub mod kinds;
pub mod links;
pub mod prototype;
pub mod prototype_gen;
pub mod record;
pub mod sample;
pub mod schema;
pub mod shelf;
pub mod validate;
pub mod workspace;

pub use flow::{
    EdgeKind, EventDefinition, Flow, FlowEdge, FlowNode, FlowOp, FlowPatch, Lane, NodeKind, Point,
};
pub use schema::{DocKind, ModelError};
pub use workspace::{DocumentEntry, WorkspaceIndex};
