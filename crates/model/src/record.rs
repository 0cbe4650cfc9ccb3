//! The record kernel: a document kind as collections of records, edited by four generic
//! operations whose inverses, patches and merge rules are written once, here.
//!
//! Layout: every collection is a root map `{id: {field: value}}` created once by the kind's
//! `init`. A record is any serde type; its fields are stored as Automerge scalars (strings,
//! numbers, booleans) or nested lists and maps. An edit writes only the fields whose value
//! changed, so concurrent edits of other fields of the same record survive the merge, and
//! keys this build does not know (written by a newer one) are never touched.
//!
//! Undo needs no code per kind: `Add` and `Remove` invert each other, `Update` inverts to a
//! `Restore` that puts each field back only where it still holds the edit's value (fields
//! others changed since are left alone), as tldraw's and Excalidraw's record diffs do.
//! A kind brings what is its own through [`RecordKind`]: which collections it has, what a
//! write must satisfy, and which records go with a removed one.

use std::collections::BTreeSet;

use automerge::{
    Automerge, ObjId, ObjType, ROOT, ReadDoc, ScalarValue, Value,
    transaction::{Transactable, Transaction},
};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::{Map, Number, Value as Json};

use crate::schema::{DocKind, KEY_SCHEMA, KEY_SCHEMA_VERSION, ModelError, check_schema, get_map};

/// A record of some document kind: a serde type with an id, living in one collection.
pub trait Record: Serialize + DeserializeOwned + Clone + PartialEq + std::fmt::Debug {
    fn id(&self) -> &str;
    /// The root map the record lives in.
    fn collection(&self) -> &'static str;
}

/// What a record-based document kind brings to the kernel.
pub trait RecordKind {
    const DOC: DocKind;
    /// Every collection of the kind; `init` creates them once.
    const COLLECTIONS: &'static [&'static str];
    type Record: Record;

    /// Checks a record about to be added or updated, against the document as the edit's
    /// earlier operations left it (structural rules only: what must exist for the record to
    /// be drawn at all; everything else is validation's, which never refuses).
    fn check(doc: &Records<'_, impl ReadDoc>, record: &Self::Record) -> Result<(), ModelError>;

    /// The records that go when `removed` goes (a context's elements, an entity's
    /// attributes). The kernel removes them first and brings them back after it on undo.
    fn dependents(
        doc: &Records<'_, impl ReadDoc>,
        removed: &Self::Record,
    ) -> Result<Vec<Self::Record>, ModelError>;

    /// Upgrades a document written at schema version `from`, inside the first edit's
    /// transaction. Migrations must be additive and idempotent: two peers may run the same
    /// one at once, and root containers are never created again.
    fn migrate(_tx: &mut Transaction<'_>, _from: u64) -> Result<(), ModelError> {
        Ok(())
    }
}

/// The structural rule every kind shares for names: a record that is drawn with a name needs
/// one that is not blank.
pub(crate) fn nonempty(name: &str, id: &str) -> Result<(), ModelError> {
    if name.trim().is_empty() {
        return Err(ModelError::InvalidEdit(format!("{id} needs a name")));
    }
    Ok(())
}

/// The structural rule every kind shares for geometry: finite coordinates, positive sizes.
pub(crate) fn sizes(coords: &[f64], sizes: &[f64]) -> Result<(), ModelError> {
    if coords.iter().any(|v| !v.is_finite()) {
        return Err(ModelError::InvalidEdit("coordinates must be finite".into()));
    }
    if sizes.iter().any(|v| !(v.is_finite() && *v > 0.0)) {
        return Err(ModelError::InvalidEdit("sizes must be positive".into()));
    }
    Ok(())
}

/// One edit of a record-based document. A user action is a list of these, applied as one
/// Automerge change and one undo step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "op", rename_all = "camelCase")]
pub enum RecordOp<R> {
    /// Creates the record; its id must be new in the document.
    Add { record: R },
    /// Sets the record's fields to these (its id names it); only fields that differ are
    /// written.
    Update { record: R },
    /// Removes the record and its dependents.
    Remove { id: String },
    /// Undoes an `Update` that took the record from `before` to `after`, field by field,
    /// where the field still holds `after`'s value. The inverse of `Update`; UIs do not
    /// send it.
    Restore { before: R, after: R },
}

/// What an applied edit changed, as current records: small enough to send to the UI.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RecordPatch<R> {
    pub upserts: Vec<R>,
    pub removed: Vec<String>,
}

impl<R> Default for RecordPatch<R> {
    fn default() -> Self {
        RecordPatch {
            upserts: Vec::new(),
            removed: Vec::new(),
        }
    }
}

/// The result of applying an edit: the ops that undo it, and what changed.
#[derive(Debug)]
pub struct Applied<R> {
    pub inverse: Vec<RecordOp<R>>,
    pub patch: RecordPatch<R>,
}

/// Read access to a document's records, for the kernel and for a kind's rules.
pub struct Records<'a, D: ReadDoc> {
    doc: &'a D,
    collections: Vec<(&'static str, ObjId)>,
}

impl<'a, D: ReadDoc> Records<'a, D> {
    pub fn open(doc: &'a D, collections: &[&'static str]) -> Result<Self, ModelError> {
        let collections = collections
            .iter()
            .map(|c| Ok((*c, get_map(doc, &ROOT, c)?)))
            .collect::<Result<_, ModelError>>()?;
        Ok(Records { doc, collections })
    }

    fn obj(&self, collection: &str) -> Result<&ObjId, ModelError> {
        self.collections
            .iter()
            .find(|(c, _)| *c == collection)
            .map(|(_, o)| o)
            .ok_or_else(|| ModelError::Malformed(format!("no collection {collection:?}")))
    }

    /// The record with this id in any collection. A record that does not parse (written
    /// by a newer build, or damaged) reads as absent.
    pub fn get<R: Record>(&self, id: &str) -> Result<Option<R>, ModelError> {
        for (_, coll) in &self.collections {
            if let Some(json) = self.fields(coll, id)? {
                return Ok(serde_json::from_value(Json::Object(json)).ok());
            }
        }
        Ok(None)
    }

    /// Whether any collection has a map under this id (parsed or not).
    pub fn exists(&self, id: &str) -> Result<bool, ModelError> {
        for (_, coll) in &self.collections {
            if matches!(
                self.doc.get(coll, id)?,
                Some((Value::Object(ObjType::Map), _))
            ) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Every record of a collection that parses, sorted by id.
    pub fn all<R: Record>(&self, collection: &str) -> Result<Vec<R>, ModelError> {
        let coll = self.obj(collection)?;
        let mut out = Vec::new();
        // One pass over the collection (keys in order, each record's map at hand), rather
        // than a lookup per key.
        for item in self.doc.map_range(coll, ..) {
            let obj = item.id();
            if !matches!(item.value.into_value(), Value::Object(ObjType::Map)) {
                continue;
            }
            if let Ok(r) = serde_json::from_value(Json::Object(read_map(self.doc, &obj)?)) {
                out.push(r);
            }
        }
        Ok(out)
    }

    /// Every record of every collection, collection by collection.
    pub fn everything<R: Record>(&self) -> Result<Vec<R>, ModelError> {
        let mut out = Vec::new();
        for (c, _) in &self.collections {
            out.extend(self.all::<R>(c)?);
        }
        Ok(out)
    }

    fn fields(&self, coll: &ObjId, id: &str) -> Result<Option<Map<String, Json>>, ModelError> {
        match self.doc.get(coll, id)? {
            Some((Value::Object(ObjType::Map), obj)) => Ok(Some(read_map(self.doc, &obj)?)),
            _ => Ok(None),
        }
    }
}

fn read_map(doc: &impl ReadDoc, obj: &ObjId) -> Result<Map<String, Json>, ModelError> {
    let mut out = Map::new();
    for item in doc.map_range(obj, ..) {
        let id = item.id();
        let key = item.key.into_owned();
        let value = item.value.into_value();
        if let Some(v) = to_json(doc, value, &id)? {
            out.insert(key, v);
        }
    }
    Ok(out)
}

fn to_json(doc: &impl ReadDoc, value: Value<'_>, id: &ObjId) -> Result<Option<Json>, ModelError> {
    Ok(match value {
        Value::Scalar(s) => match s.as_ref() {
            ScalarValue::Str(s) => Some(Json::String(s.to_string())),
            ScalarValue::Int(i) => Some(Json::from(*i)),
            ScalarValue::Uint(u) => Some(Json::from(*u)),
            // A peer may have written NaN or infinity; it reads as absent.
            ScalarValue::F64(f) => Number::from_f64(*f).map(Json::Number),
            ScalarValue::Boolean(b) => Some(Json::Bool(*b)),
            ScalarValue::Timestamp(t) => Some(Json::from(*t)),
            _ => None,
        },
        Value::Object(ObjType::Text) => Some(Json::String(doc.text(id)?)),
        Value::Object(ObjType::Map | ObjType::Table) => Some(Json::Object(read_map(doc, id)?)),
        Value::Object(ObjType::List) => {
            let mut out = Vec::new();
            for item in doc.list_range(id, ..) {
                let id = item.id();
                if let Some(v) = to_json(doc, item.value.into_value(), &id)? {
                    out.push(v);
                }
            }
            Some(Json::Array(out))
        }
    })
}

fn to_fields<R: Record>(record: &R) -> Result<Map<String, Json>, ModelError> {
    match serde_json::to_value(record) {
        Ok(Json::Object(mut m)) => {
            // Absent and null are the same: an empty optional field is not stored.
            m.retain(|_, v| !v.is_null());
            Ok(m)
        }
        Ok(_) => Err(ModelError::InvalidEdit("a record must be an object".into())),
        Err(e) => Err(ModelError::InvalidEdit(e.to_string())),
    }
}

/// Writes `new`'s fields over `old`'s: only those that differ; fields `old` had and `new`
/// has not are deleted. Keys outside both (from a newer build) stay.
fn write_fields(
    tx: &mut Transaction<'_>,
    obj: &ObjId,
    new: &Map<String, Json>,
    old: &Map<String, Json>,
) -> Result<(), ModelError> {
    for (k, v) in new {
        if old.get(k) != Some(v) {
            put_json(tx, obj, k, v)?;
        }
    }
    for k in old.keys() {
        if !new.contains_key(k) {
            tx.delete(obj, k.as_str())?;
        }
    }
    Ok(())
}

fn put_json(tx: &mut Transaction<'_>, obj: &ObjId, key: &str, v: &Json) -> Result<(), ModelError> {
    match v {
        Json::Null => tx.delete(obj, key)?,
        Json::Bool(b) => tx.put(obj, key, *b)?,
        Json::Number(n) => tx.put(obj, key, number(n)?)?,
        Json::String(s) => tx.put(obj, key, s.as_str())?,
        Json::Array(items) => {
            let list = tx.put_object(obj, key, ObjType::List)?;
            for (i, item) in items.iter().enumerate() {
                insert_json(tx, &list, i, item)?;
            }
        }
        Json::Object(m) => {
            let map = tx.put_object(obj, key, ObjType::Map)?;
            for (k, item) in m {
                if !item.is_null() {
                    put_json(tx, &map, k, item)?;
                }
            }
        }
    }
    Ok(())
}

fn insert_json(
    tx: &mut Transaction<'_>,
    list: &ObjId,
    index: usize,
    v: &Json,
) -> Result<(), ModelError> {
    match v {
        Json::Null => tx.insert(list, index, ScalarValue::Null)?,
        Json::Bool(b) => tx.insert(list, index, *b)?,
        Json::Number(n) => tx.insert(list, index, number(n)?)?,
        Json::String(s) => tx.insert(list, index, s.as_str())?,
        Json::Array(items) => {
            let inner = tx.insert_object(list, index, ObjType::List)?;
            for (i, item) in items.iter().enumerate() {
                insert_json(tx, &inner, i, item)?;
            }
        }
        Json::Object(m) => {
            let map = tx.insert_object(list, index, ObjType::Map)?;
            for (k, item) in m {
                if !item.is_null() {
                    put_json(tx, &map, k, item)?;
                }
            }
        }
    }
    Ok(())
}

fn number(n: &Number) -> Result<ScalarValue, ModelError> {
    if let Some(i) = n.as_i64() {
        Ok(ScalarValue::Int(i))
    } else if let Some(u) = n.as_u64() {
        Ok(ScalarValue::Uint(u))
    } else {
        match n.as_f64() {
            Some(f) if f.is_finite() => Ok(ScalarValue::F64(f)),
            _ => Err(ModelError::InvalidEdit(format!(
                "{n} is not a finite number"
            ))),
        }
    }
}

/// Per field: back to `before` where the edit changed it and nobody changed it since.
fn restore_fields(
    current: &Map<String, Json>,
    before: &Map<String, Json>,
    after: &Map<String, Json>,
) -> Map<String, Json> {
    let mut out = current.clone();
    let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for k in keys {
        let (b, a) = (before.get(k), after.get(k));
        if b != a && current.get(k) == a {
            match b {
                Some(v) => out.insert(k.clone(), v.clone()),
                None => out.remove(k),
            };
        }
    }
    out
}

pub fn check_id(id: &str) -> Result<(), ModelError> {
    if id.is_empty() || id.len() > 128 || id.chars().any(|c| c.is_control()) {
        return Err(ModelError::InvalidEdit(format!(
            "invalid element id {id:?}"
        )));
    }
    Ok(())
}

/// Writes the root of a new document of kind `K`: its schema and its empty collections.
/// Call once, when the document is created.
pub fn init<K: RecordKind>(doc: &mut Automerge) -> Result<(), ModelError> {
    let mut tx = doc.transaction();
    tx.put(ROOT, KEY_SCHEMA, K::DOC.schema_name())?;
    tx.put(ROOT, KEY_SCHEMA_VERSION, K::DOC.current_version())?;
    for c in K::COLLECTIONS {
        tx.put_object(ROOT, *c, ObjType::Map)?;
    }
    crate::links::init(&mut tx)?;
    tx.commit();
    Ok(())
}

/// Every record of the document, collection by collection, sorted by id within each.
pub fn read<K: RecordKind>(doc: &Automerge) -> Result<Vec<K::Record>, ModelError> {
    check_schema(doc, K::DOC)?;
    Records::open(doc, K::COLLECTIONS)?.everything()
}

/// Applies `ops` as one Automerge change. Either all apply or none does. Its cost is that
/// of the records the ops touch (plus the scans a kind's `dependents` make on removal).
pub fn apply<K: RecordKind>(
    doc: &mut Automerge,
    ops: &[RecordOp<K::Record>],
) -> Result<Applied<K::Record>, ModelError> {
    let version = check_schema(doc, K::DOC)?;
    let colls: Vec<(&'static str, ObjId)> = K::COLLECTIONS
        .iter()
        .map(|c| Ok((*c, get_map(doc, &ROOT, c)?)))
        .collect::<Result<_, ModelError>>()?;
    let mut inverse = Vec::new();
    let mut touched: Vec<String> = Vec::new();
    let mut tx = doc.transaction();
    let result = (|| {
        if version < K::DOC.current_version() {
            K::migrate(&mut tx, version)?;
            tx.put(ROOT, KEY_SCHEMA_VERSION, K::DOC.current_version())?;
        }
        for op in ops {
            apply_one::<K>(&mut tx, &colls, op, &mut inverse, &mut touched)?;
        }
        Ok::<_, ModelError>(())
    })();
    if let Err(e) = result {
        tx.rollback();
        return Err(e);
    }
    tx.commit();
    inverse.reverse();
    let reader = Records {
        doc: &*doc,
        collections: colls,
    };
    let mut patch = RecordPatch::default();
    let mut seen = BTreeSet::new();
    for id in touched {
        if !seen.insert(id.clone()) {
            continue;
        }
        match reader.get::<K::Record>(&id)? {
            Some(r) => patch.upserts.push(r),
            None => patch.removed.push(id),
        }
    }
    Ok(Applied { inverse, patch })
}

fn coll_obj<'c>(colls: &'c [(&'static str, ObjId)], name: &str) -> Result<&'c ObjId, ModelError> {
    colls
        .iter()
        .find(|(c, _)| *c == name)
        .map(|(_, o)| o)
        .ok_or_else(|| ModelError::Malformed(format!("no collection {name:?}")))
}

fn reader<'a>(
    tx: &'a Transaction<'_>,
    colls: &[(&'static str, ObjId)],
) -> Records<'a, Transaction<'a>> {
    Records {
        doc: tx,
        collections: colls.to_vec(),
    }
}

/// The record's current fields and the map holding them, found in its own collection.
fn current<R: Record>(
    tx: &Transaction<'_>,
    coll: &ObjId,
    id: &str,
) -> Result<(ObjId, Map<String, Json>), ModelError> {
    match tx.get(coll, id)? {
        Some((Value::Object(ObjType::Map), obj)) => {
            let fields = read_map(tx, &obj)?;
            // What this build cannot parse it cannot edit either.
            let parsed: R = serde_json::from_value(Json::Object(fields))
                .map_err(|e| ModelError::Malformed(format!("record {id}: {e}")))?;
            Ok((obj, to_fields(&parsed)?))
        }
        _ => Err(ModelError::NoSuchElement(id.to_string())),
    }
}

fn apply_one<K: RecordKind>(
    tx: &mut Transaction<'_>,
    colls: &[(&'static str, ObjId)],
    op: &RecordOp<K::Record>,
    inverse: &mut Vec<RecordOp<K::Record>>,
    touched: &mut Vec<String>,
) -> Result<(), ModelError> {
    match op {
        RecordOp::Add { record } => {
            let id = record.id().to_string();
            check_id(&id)?;
            if reader(tx, colls).exists(&id)? {
                return Err(ModelError::DuplicateId(id));
            }
            K::check(&reader(tx, colls), record)?;
            let coll = coll_obj(colls, record.collection())?.clone();
            let obj = tx.put_object(&coll, id.as_str(), ObjType::Map)?;
            write_fields(tx, &obj, &to_fields(record)?, &Map::new())?;
            inverse.push(RecordOp::Remove { id: id.clone() });
            touched.push(id);
        }
        RecordOp::Remove { id } => {
            let mut visiting = BTreeSet::new();
            remove::<K>(tx, colls, id, inverse, touched, &mut visiting)?;
        }
        RecordOp::Update { record } => {
            let id = record.id().to_string();
            let coll = coll_obj(colls, record.collection())?.clone();
            let (obj, old) = current::<K::Record>(tx, &coll, &id)?;
            K::check(&reader(tx, colls), record)?;
            let new = to_fields(record)?;
            write_fields(tx, &obj, &new, &old)?;
            let before: K::Record = serde_json::from_value(Json::Object(old))
                .map_err(|e| ModelError::Malformed(e.to_string()))?;
            inverse.push(RecordOp::Restore {
                before,
                after: record.clone(),
            });
            touched.push(id);
        }
        RecordOp::Restore { before, after } => {
            let id = after.id().to_string();
            let coll = coll_obj(colls, after.collection())?.clone();
            let (obj, cur) = current::<K::Record>(tx, &coll, &id)?;
            let target = restore_fields(&cur, &to_fields(before)?, &to_fields(after)?);
            // The mixture must still be a record this kind accepts.
            let parsed: K::Record = serde_json::from_value(Json::Object(target.clone()))
                .map_err(|e| ModelError::InvalidEdit(format!("cannot restore {id}: {e}")))?;
            K::check(&reader(tx, colls), &parsed)?;
            write_fields(tx, &obj, &target, &cur)?;
            inverse.push(RecordOp::Restore {
                before: after.clone(),
                after: before.clone(),
            });
            touched.push(id);
        }
    }
    Ok(())
}

/// Removes a record after its dependents; the inverse brings it back before them.
fn remove<K: RecordKind>(
    tx: &mut Transaction<'_>,
    colls: &[(&'static str, ObjId)],
    id: &str,
    inverse: &mut Vec<RecordOp<K::Record>>,
    touched: &mut Vec<String>,
    visiting: &mut BTreeSet<String>,
) -> Result<(), ModelError> {
    if !visiting.insert(id.to_string()) {
        return Ok(());
    }
    let Some(record) = reader(tx, colls).get::<K::Record>(id)? else {
        return Err(ModelError::NoSuchElement(id.to_string()));
    };
    let dependents = K::dependents(&reader(tx, colls), &record)?;
    for d in dependents {
        // A dependent may already have gone with another one.
        if reader(tx, colls).exists(d.id())? {
            remove::<K>(tx, colls, d.id(), inverse, touched, visiting)?;
        }
    }
    let coll = coll_obj(colls, record.collection())?.clone();
    tx.delete(&coll, id)?;
    inverse.push(RecordOp::Add { record });
    touched.push(id.to_string());
    Ok(())
}

/// A record's display name, for links and problem lists: its `name` field if it has one.
pub fn name_of<R: Record>(record: &R) -> Option<String> {
    match serde_json::to_value(record).ok()? {
        Json::Object(m) => m.get("name").and_then(|v| v.as_str()).map(str::to_string),
        _ => None,
    }
}
