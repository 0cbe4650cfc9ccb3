//! Typed links between elements, across documents of a workspace: the traceability model.
//!
//! A link lives in the document of the element it starts from, in that document's `links`
//! root map (`{linkId: {kind, from, toDocument, toElement}}`), so it syncs and merges with
//! that document. Every document kind has the map from creation (root containers are
//! created once, by the creator). Backlinks are found by scanning the workspace's documents.

use automerge::{Automerge, ObjType, ROOT, ReadDoc, transaction::Transactable};
use serde::{Deserialize, Serialize};

use crate::schema::{ModelError, get_map, get_str};

pub const KEY_LINKS: &str = "links";
const KEY_KIND: &str = "kind";
const KEY_FROM: &str = "from";
const KEY_TO_DOCUMENT: &str = "toDocument";
const KEY_TO_ELEMENT: &str = "toElement";

/// What a link says about its two ends ("from" verb "to").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum LinkKind {
    /// A flow task realizes a story; a screen realizes a feature.
    Realizes,
    /// A flow task or screen action invokes a domain command or a service.
    Invokes,
    /// A screen shows an entity or attribute.
    Shows,
    /// An initiative or feature should move an outcome metric.
    Measures,
    /// A story is refined from an epic, a feature or a raw requirement.
    Refines,
    /// A story is tracked by a ticket in the delivery system.
    Tracks,
    /// Any other relation worth keeping.
    RelatesTo,
}

impl LinkKind {
    pub const ALL: [LinkKind; 7] = [
        LinkKind::Realizes,
        LinkKind::Invokes,
        LinkKind::Shows,
        LinkKind::Measures,
        LinkKind::Refines,
        LinkKind::Tracks,
        LinkKind::RelatesTo,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Realizes => "realizes",
            LinkKind::Invokes => "invokes",
            LinkKind::Shows => "shows",
            LinkKind::Measures => "measures",
            LinkKind::Refines => "refines",
            LinkKind::Tracks => "tracks",
            LinkKind::RelatesTo => "relatesTo",
        }
    }

    pub fn parse(s: &str) -> Option<LinkKind> {
        LinkKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A link stored in the document that holds its `from` element.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Link {
    pub id: String,
    pub kind: LinkKind,
    /// The element in this document the link starts from.
    pub from: String,
    /// The document (automerge-repo id) of the element the link points to.
    pub to_document: String,
    pub to_element: String,
}

/// Creates the `links` root map. Part of every document kind's `init`.
pub(crate) fn init(tx: &mut impl Transactable) -> Result<(), ModelError> {
    tx.put_object(ROOT, KEY_LINKS, ObjType::Map)?;
    Ok(())
}

/// The document's links, sorted by id. A link with an unknown kind (from a newer build) is
/// skipped, not fatal.
pub fn read(doc: &Automerge) -> Result<Vec<Link>, ModelError> {
    let links = get_map(doc, &ROOT, KEY_LINKS)?;
    let mut out = Vec::new();
    for id in doc.keys(&links) {
        let Ok(obj) = get_map(doc, &links, &id) else {
            continue;
        };
        let Some(kind) = get_str(doc, &obj, KEY_KIND)?.and_then(|k| LinkKind::parse(&k)) else {
            continue;
        };
        let (Some(from), Some(to_document), Some(to_element)) = (
            get_str(doc, &obj, KEY_FROM)?,
            get_str(doc, &obj, KEY_TO_DOCUMENT)?,
            get_str(doc, &obj, KEY_TO_ELEMENT)?,
        ) else {
            continue;
        };
        out.push(Link {
            id,
            kind,
            from,
            to_document,
            to_element,
        });
    }
    Ok(out)
}

/// Adds `link`. The caller checks that both ends exist (that needs other documents).
pub fn add(doc: &mut Automerge, link: &Link) -> Result<(), ModelError> {
    let links = get_map(doc, &ROOT, KEY_LINKS)?;
    if link.id.is_empty()
        || link.from.is_empty()
        || link.to_document.is_empty()
        || link.to_element.is_empty()
    {
        return Err(ModelError::InvalidEdit(
            "a link needs an id and both ends".into(),
        ));
    }
    if get_map(doc, &links, &link.id).is_ok() {
        return Err(ModelError::DuplicateId(link.id.clone()));
    }
    let mut tx = doc.transaction();
    let obj = tx.put_object(&links, &link.id, ObjType::Map)?;
    tx.put(&obj, KEY_KIND, link.kind.as_str())?;
    tx.put(&obj, KEY_FROM, link.from.as_str())?;
    tx.put(&obj, KEY_TO_DOCUMENT, link.to_document.as_str())?;
    tx.put(&obj, KEY_TO_ELEMENT, link.to_element.as_str())?;
    tx.commit();
    Ok(())
}

pub fn remove(doc: &mut Automerge, id: &str) -> Result<Link, ModelError> {
    let link = read(doc)?
        .into_iter()
        .find(|l| l.id == id)
        .ok_or_else(|| ModelError::NoSuchElement(id.to_string()))?;
    let links = get_map(doc, &ROOT, KEY_LINKS)?;
    let mut tx = doc.transaction();
    tx.delete(&links, id)?;
    tx.commit();
    Ok(link)
}
