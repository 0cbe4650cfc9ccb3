//! The workspace exchange format: a folder of JSON files that `triloop export` writes,
//! `triloop import` reads, and from which the demo workspace (in `assets/demo/`) is built.
//!
//! ```text
//! workspace.json            {"format": "triloop-workspace", "formatVersion": 1, "name": ...,
//!                            "documents": [{"title", "kind", "file"}]}
//! documents/01-<kind>.json  {"kind": "businessFlow", "lanes": [...], "nodes": [...], "edges": [...]}
//!                           {"kind": "domainModel", "contexts": [...], "elements": [...], ...}
//!                           {"kind": "sandboxPrototype", "screens": [...], "components": [...],
//!                            "actions": [...], "walks": [...]}
//! ```
//!
//! A prototype names domain models by document id (its bindings and command steps); like
//! links, those ids are the bundle's and an import points them at the new documents.

use std::path::{Path, PathBuf};

use model::{DocKind, Flow, FlowOp, flow};
use serde::{Deserialize, Serialize};

use crate::types::{ApiError, ErrorCode};

pub const FORMAT: &str = "triloop-workspace";
pub const FORMAT_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq)]
pub struct Bundle {
    pub name: String,
    pub documents: Vec<BundleDocument>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BundleDocument {
    /// The id the document had where it was exported (informational; imports get new ids).
    pub id: String,
    pub title: String,
    pub content: Content,
    /// Links from this document's elements; `to_document` names a document of the bundle by
    /// its `id` (imports point them at the new documents).
    pub links: Vec<model::links::Link>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Content {
    /// A business flow and, when it was imported from BPMN, that file (what the canvas does
    /// not model is kept there and written back by BPMN export).
    BusinessFlow {
        flow: Flow,
        bpmn_source: Option<String>,
    },
    /// A domain model, its records grouped by type.
    DomainModel { model: model::domain::DomainModel },
    /// A sandbox prototype, its records grouped by type; the domain model documents it
    /// names are the bundle's ids (an import points them at the new documents).
    SandboxPrototype {
        prototype: model::prototype::Prototype,
    },
}

impl Content {
    pub fn kind(&self) -> DocKind {
        match self {
            Content::BusinessFlow { .. } => DocKind::BusinessFlow,
            Content::DomainModel { .. } => DocKind::DomainModel,
            Content::SandboxPrototype { .. } => DocKind::SandboxPrototype,
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Manifest {
    format: String,
    format_version: u32,
    name: String,
    documents: Vec<ManifestEntry>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ManifestEntry {
    #[serde(default)]
    id: String,
    title: String,
    kind: DocKind,
    file: String,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DomainFile {
    kind: DocKind,
    #[serde(flatten)]
    model: model::domain::DomainModel,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    links: Vec<model::links::Link>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PrototypeFile {
    kind: DocKind,
    #[serde(flatten)]
    prototype: model::prototype::Prototype,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    links: Vec<model::links::Link>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FlowFile {
    kind: DocKind,
    #[serde(default)]
    lanes: Vec<model::Lane>,
    #[serde(default)]
    nodes: Vec<model::FlowNode>,
    #[serde(default, deserialize_with = "edges_with_routes")]
    edges: Vec<model::FlowEdge>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    bpmn_source: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    links: Vec<model::links::Link>,
}

/// Edges as written before routes existed have no `waypoints`: an empty route.
fn edges_with_routes<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Vec<model::FlowEdge>, D::Error> {
    let mut raw: Vec<serde_json::Value> = Deserialize::deserialize(d)?;
    for e in &mut raw {
        if let Some(o) = e.as_object_mut() {
            o.entry("waypoints")
                .or_insert_with(|| serde_json::Value::Array(Vec::new()));
        }
    }
    raw.into_iter()
        .map(|v| serde_json::from_value(v).map_err(serde::de::Error::custom))
        .collect()
}

fn bad(detail: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::BadFile, detail)
}

impl Bundle {
    /// Checks every document by applying it to a scratch document, so that an import
    /// fails before it creates anything.
    pub fn validate(&self) -> Result<(), ApiError> {
        if self.name.trim().is_empty() {
            return Err(bad("the workspace has no name"));
        }
        for d in &self.documents {
            match &d.content {
                Content::BusinessFlow {
                    flow: f,
                    bpmn_source,
                } => {
                    if let Some(xml) = bpmn_source {
                        formats::bpmn::import(xml.as_bytes()).map_err(|e| {
                            bad(format!("document {:?}: its BPMN source: {e}", d.title))
                        })?;
                    }
                    let mut scratch = automerge::Automerge::new();
                    flow::init(&mut scratch)?;
                    flow::apply(&mut scratch, &flow_ops(f))
                        .map_err(|e| bad(format!("document {:?}: {e}", d.title)))?;
                }
                Content::DomainModel { model } => {
                    let mut scratch = automerge::Automerge::new();
                    model::domain::init(&mut scratch)?;
                    model::domain::apply(&mut scratch, &domain_ops(model))
                        .map_err(|e| bad(format!("document {:?}: {e}", d.title)))?;
                }
                Content::SandboxPrototype { prototype } => {
                    let mut scratch = automerge::Automerge::new();
                    model::prototype::init(&mut scratch)?;
                    model::prototype::apply(&mut scratch, &prototype_ops(prototype))
                        .map_err(|e| bad(format!("document {:?}: {e}", d.title)))?;
                }
            }
        }
        Ok(())
    }
}

pub(crate) fn flow_ops(f: &Flow) -> Vec<FlowOp> {
    let mut ops = Vec::new();
    ops.extend(f.lanes.iter().cloned().map(|lane| FlowOp::AddLane { lane }));
    ops.extend(f.nodes.iter().cloned().map(|node| FlowOp::AddNode { node }));
    ops.extend(f.edges.iter().cloned().map(|edge| FlowOp::AddEdge { edge }));
    ops
}

pub(crate) fn domain_ops(m: &model::domain::DomainModel) -> Vec<model::domain::DomainOp> {
    m.clone()
        .into_records()
        .into_iter()
        .map(|record| model::record::RecordOp::Add { record })
        .collect()
}

pub(crate) fn prototype_ops(p: &model::prototype::Prototype) -> Vec<model::prototype::PrototypeOp> {
    p.clone()
        .into_records()
        .into_iter()
        .map(|record| model::record::RecordOp::Add { record })
        .collect()
}

/// Parses a bundle whose files are read by `read(relative_path)`.
fn parse(read: &dyn Fn(&str) -> Result<String, ApiError>) -> Result<Bundle, ApiError> {
    let text = read("workspace.json")?;
    let manifest: Manifest =
        serde_json::from_str(&text).map_err(|e| bad(format!("workspace.json: {e}")))?;
    if manifest.format != FORMAT {
        return Err(bad(format!(
            "workspace.json: format is {:?}, expected {FORMAT:?}",
            manifest.format
        )));
    }
    if manifest.format_version > FORMAT_VERSION {
        return Err(ApiError::new(
            ErrorCode::TooNew,
            format!(
                "workspace.json: format version {} is newer than this build reads ({FORMAT_VERSION})",
                manifest.format_version
            ),
        ));
    }
    let mut documents = Vec::new();
    for entry in manifest.documents {
        if entry.file.contains("..") || entry.file.starts_with('/') || entry.file.contains('\\') {
            return Err(bad(format!(
                "workspace.json: file name {:?} leaves the folder",
                entry.file
            )));
        }
        let text = read(&entry.file)?;
        let links;
        let content = match entry.kind {
            DocKind::BusinessFlow => {
                let f: FlowFile =
                    serde_json::from_str(&text).map_err(|e| bad(format!("{}: {e}", entry.file)))?;
                if f.kind != DocKind::BusinessFlow {
                    return Err(bad(format!(
                        "{}: kind {:?} does not match workspace.json",
                        entry.file, f.kind
                    )));
                }
                links = f.links;
                Content::BusinessFlow {
                    flow: Flow {
                        nodes: f.nodes,
                        edges: f.edges,
                        lanes: f.lanes,
                    },
                    bpmn_source: f.bpmn_source,
                }
            }
            DocKind::DomainModel => {
                let f: DomainFile =
                    serde_json::from_str(&text).map_err(|e| bad(format!("{}: {e}", entry.file)))?;
                if f.kind != DocKind::DomainModel {
                    return Err(bad(format!(
                        "{}: kind {:?} does not match workspace.json",
                        entry.file, f.kind
                    )));
                }
                links = f.links;
                Content::DomainModel { model: f.model }
            }
            DocKind::SandboxPrototype => {
                let f: PrototypeFile =
                    serde_json::from_str(&text).map_err(|e| bad(format!("{}: {e}", entry.file)))?;
                if f.kind != DocKind::SandboxPrototype {
                    return Err(bad(format!(
                        "{}: kind {:?} does not match workspace.json",
                        entry.file, f.kind
                    )));
                }
                links = f.links;
                Content::SandboxPrototype {
                    prototype: f.prototype,
                }
            }
            other => {
                return Err(bad(format!(
                    "{}: documents of kind {} cannot be imported yet",
                    entry.file,
                    other.as_str()
                )));
            }
        };
        documents.push(BundleDocument {
            id: entry.id,
            title: entry.title,
            content,
            links,
        });
    }
    Ok(Bundle {
        name: manifest.name,
        documents,
    })
}

pub fn read_folder(dir: &Path) -> Result<Bundle, ApiError> {
    if !dir.join("workspace.json").is_file() {
        return Err(bad(format!(
            "{} has no workspace.json: not an exported workspace",
            dir.display()
        )));
    }
    parse(&|rel: &str| {
        let p = dir.join(rel);
        std::fs::read_to_string(&p).map_err(|e| bad(format!("{}: {e}", p.display())))
    })
}

/// Writes the bundle into `dir` (created if missing; existing files of the same names
/// are replaced). Returns the files written.
pub fn write_folder(bundle: &Bundle, dir: &Path) -> Result<Vec<PathBuf>, ApiError> {
    let io = |p: &Path, e: std::io::Error| {
        ApiError::new(ErrorCode::Storage, format!("{}: {e}", p.display()))
    };
    let docs_dir = dir.join("documents");
    std::fs::create_dir_all(&docs_dir).map_err(|e| io(&docs_dir, e))?;
    let mut written = Vec::new();
    let mut entries = Vec::new();
    for (i, d) in bundle.documents.iter().enumerate() {
        let kind = d.content.kind();
        let rel = format!("documents/{:02}-{}.json", i + 1, kind.as_str());
        let p = dir.join(&rel);
        match &d.content {
            Content::BusinessFlow {
                flow: f,
                bpmn_source,
            } => {
                let file = FlowFile {
                    kind,
                    lanes: f.lanes.clone(),
                    nodes: f.nodes.clone(),
                    edges: f.edges.clone(),
                    bpmn_source: bpmn_source.clone(),
                    links: d.links.clone(),
                };
                write_json(&p, &file).map_err(|e| io(&p, e))?;
            }
            Content::DomainModel { model } => {
                let file = DomainFile {
                    kind,
                    model: model.clone(),
                    links: d.links.clone(),
                };
                write_json(&p, &file).map_err(|e| io(&p, e))?;
            }
            Content::SandboxPrototype { prototype } => {
                let file = PrototypeFile {
                    kind,
                    prototype: prototype.clone(),
                    links: d.links.clone(),
                };
                write_json(&p, &file).map_err(|e| io(&p, e))?;
            }
        }
        written.push(p);
        entries.push(ManifestEntry {
            id: d.id.clone(),
            title: d.title.clone(),
            kind,
            file: rel,
        });
    }
    let manifest = Manifest {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        name: bundle.name.clone(),
        documents: entries,
    };
    let p = dir.join("workspace.json");
    write_json(&p, &manifest).map_err(|e| io(&p, e))?;
    written.push(p);
    Ok(written)
}

/// Writes through a temporary file and a rename, so a crash never leaves half a file.
fn write_json<T: Serialize>(path: &Path, value: &T) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(std::io::Error::other)?;
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, text + "\n")?;
    std::fs::rename(&tmp, path)
}

/// The demo workspace that a first start opens, built into the binary from `assets/demo`.
const DEMO_FILES: &[(&str, &str)] = &[
    (
        "workspace.json",
        include_str!("../../../assets/demo/workspace.json"),
    ),
    (
        "documents/01-businessFlow.json",
        include_str!("../../../assets/demo/documents/01-businessFlow.json"),
    ),
    (
        "documents/02-businessFlow.json",
        include_str!("../../../assets/demo/documents/02-businessFlow.json"),
    ),
    (
        "documents/03-domainModel.json",
        include_str!("../../../assets/demo/documents/03-domainModel.json"),
    ),
    (
        "documents/04-sandboxPrototype.json",
        include_str!("../../../assets/demo/documents/04-sandboxPrototype.json"),
    ),
];

pub fn demo_bundle() -> Result<Bundle, ApiError> {
    parse(&|rel: &str| {
        DEMO_FILES
            .iter()
            .find(|(name, _)| *name == rel)
            .map(|(_, text)| text.to_string())
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::Internal,
                    format!("demo file {rel} is not built in"),
                )
            })
    })
}
