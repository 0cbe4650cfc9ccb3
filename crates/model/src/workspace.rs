//! The workspace index document: the workspace's name and the documents it holds.
//!
//! Layout: `{ schema, schemaVersion, name, documents: {docId: {kind, title, createdAt}} }`.

use automerge::{Automerge, ObjType, ROOT, ReadDoc, transaction::Transactable};
use serde::{Deserialize, Serialize};

use crate::schema::{
    DocKind, KEY_SCHEMA, KEY_SCHEMA_VERSION, ModelError, check_schema, get_f64, get_map, get_str,
};

const KEY_NAME: &str = "name";
const KEY_DOCUMENTS: &str = "documents";
const KEY_KIND: &str = "kind";
const KEY_TITLE: &str = "title";
const KEY_CREATED_AT: &str = "createdAt";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentEntry {
    /// The document's automerge-repo id (bs58check), also its key in `documents`.
    pub id: String,
    pub kind: DocKind,
    pub title: String,
    /// Milliseconds since the Unix epoch, passed in by the caller.
    pub created_at: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceIndex {
    pub name: String,
    /// Sorted by creation time, then id.
    pub documents: Vec<DocumentEntry>,
}

/// Writes the root of a new workspace index. Call once, when the document is created.
pub fn init(doc: &mut Automerge, name: &str) -> Result<(), ModelError> {
    let mut tx = doc.transaction();
    tx.put(ROOT, KEY_SCHEMA, DocKind::WorkspaceIndex.schema_name())?;
    tx.put(
        ROOT,
        KEY_SCHEMA_VERSION,
        DocKind::WorkspaceIndex.current_version(),
    )?;
    tx.put(ROOT, KEY_NAME, name)?;
    tx.put_object(ROOT, KEY_DOCUMENTS, ObjType::Map)?;
    crate::links::init(&mut tx)?;
    tx.commit();
    Ok(())
}

pub fn read(doc: &Automerge) -> Result<WorkspaceIndex, ModelError> {
    check_schema(doc, DocKind::WorkspaceIndex)?;
    let docs = get_map(doc, &ROOT, KEY_DOCUMENTS)?;
    let mut documents = Vec::new();
    for id in doc.keys(&docs) {
        let Ok(obj) = get_map(doc, &docs, &id) else {
            continue;
        };
        let Some(kind) = get_str(doc, &obj, KEY_KIND)?.and_then(|k| DocKind::parse(&k)) else {
            // A kind from a newer build: skip it rather than fail the whole workspace.
            continue;
        };
        documents.push(DocumentEntry {
            id: id.clone(),
            kind,
            title: get_str(doc, &obj, KEY_TITLE)?.unwrap_or_default(),
            created_at: get_f64(doc, &obj, KEY_CREATED_AT)?.unwrap_or(0.0),
        });
    }
    documents.sort_by(|a, b| a.created_at.total_cmp(&b.created_at).then(a.id.cmp(&b.id)));
    Ok(WorkspaceIndex {
        name: get_str(doc, &ROOT, KEY_NAME)?.unwrap_or_default(),
        documents,
    })
}

pub fn rename(doc: &mut Automerge, name: &str) -> Result<(), ModelError> {
    check_schema(doc, DocKind::WorkspaceIndex)?;
    let mut tx = doc.transaction();
    tx.put(ROOT, KEY_NAME, name)?;
    tx.commit();
    Ok(())
}

pub fn add_document(doc: &mut Automerge, entry: &DocumentEntry) -> Result<(), ModelError> {
    check_schema(doc, DocKind::WorkspaceIndex)?;
    let docs = get_map(doc, &ROOT, KEY_DOCUMENTS)?;
    if get_map(doc, &docs, &entry.id).is_ok() {
        return Err(ModelError::DuplicateId(entry.id.clone()));
    }
    let mut tx = doc.transaction();
    let obj = tx.put_object(&docs, &entry.id, ObjType::Map)?;
    tx.put(&obj, KEY_KIND, entry.kind.as_str())?;
    tx.put(&obj, KEY_TITLE, entry.title.as_str())?;
    tx.put(&obj, KEY_CREATED_AT, entry.created_at)?;
    tx.commit();
    Ok(())
}

pub fn rename_document(doc: &mut Automerge, id: &str, title: &str) -> Result<(), ModelError> {
    check_schema(doc, DocKind::WorkspaceIndex)?;
    let docs = get_map(doc, &ROOT, KEY_DOCUMENTS)?;
    let obj = get_map(doc, &docs, id).map_err(|_| ModelError::NoSuchElement(id.to_string()))?;
    let mut tx = doc.transaction();
    tx.put(&obj, KEY_TITLE, title)?;
    tx.commit();
    Ok(())
}

pub fn remove_document(doc: &mut Automerge, id: &str) -> Result<(), ModelError> {
    check_schema(doc, DocKind::WorkspaceIndex)?;
    let docs = get_map(doc, &ROOT, KEY_DOCUMENTS)?;
    get_map(doc, &docs, id).map_err(|_| ModelError::NoSuchElement(id.to_string()))?;
    let mut tx = doc.transaction();
    tx.delete(&docs, id)?;
    tx.commit();
    Ok(())
}
