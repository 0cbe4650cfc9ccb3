//! The domain model (领域设计): subdomains, bounded contexts and their context map,
//! aggregates, entities, value objects with typed attributes, enumerations, commands,
//! domain events, policies, read models, domain services, external systems and actors;
//! and the data model's per-column overrides. A record kind on the [`record`](crate::record)
//! kernel: edits, undo, patches and merges are the kernel's; this module holds the records,
//! the structural rules of a write, what goes with a removed record, and validation.
//!
//! Layout: `{ schema, schemaVersion, links, subdomains, contexts, relationships, elements,
//! attributes, overrides, extras }`, each a map `{id: record}`. Attributes are records of
//! their own (ordered by `order`), so two people adding attributes to one entity, or one
//! renaming an attribute while another changes its type, merge without loss.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use automerge::{Automerge, ReadDoc};
use petgraph::graph::DiGraph;
use serde::{Deserialize, Serialize};

use crate::record::{Record, RecordKind, RecordOp, RecordPatch, Records};
use crate::schema::{DocKind, ModelError};

pub const SUBDOMAINS: &str = "subdomains";
pub const CONTEXTS: &str = "contexts";
pub const RELATIONSHIPS: &str = "relationships";
pub const ELEMENTS: &str = "elements";
pub const ATTRIBUTES: &str = "attributes";
pub const OVERRIDES: &str = "overrides";
pub const EXTRAS: &str = "extras";

/// What a subdomain is to the business (核心子域 / 支撑子域 / 通用子域).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum SubdomainKind {
    Core,
    Supporting,
    Generic,
}

/// A part of the problem space; bounded contexts implement it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Subdomain {
    pub id: String,
    pub name: String,
    pub kind: SubdomainKind,
    /// The domain the subdomain belongs to (CML's `Domain`), if one was named.
    pub domain: Option<String>,
    pub description: Option<String>,
    /// What the file said of it that Triloop does not model (CML source), written back on export.
    pub kept: Option<String>,
}

/// A bounded context (限界上下文), drawn on the context map.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct BoundedContext {
    pub id: String,
    pub name: String,
    /// The subdomain it implements.
    pub subdomain: Option<String>,
    /// The domain vision statement.
    pub vision: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub x: f64,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub y: f64,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub w: f64,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub h: f64,
    pub kept: Option<String>,
}

/// The pattern of a relationship on the context map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum RelationshipPattern {
    /// Symmetric: the two ends succeed or fail together.
    Partnership,
    /// Symmetric: the two ends share part of their model.
    SharedKernel,
    /// Asymmetric: upstream and downstream, the downstream's needs weigh in the upstream's plans.
    CustomerSupplier,
    /// Asymmetric: upstream and downstream, with the roles on each end saying how.
    UpstreamDownstream,
    /// No integration.
    SeparateWays,
}

impl RelationshipPattern {
    pub fn is_symmetric(self) -> bool {
        matches!(
            self,
            RelationshipPattern::Partnership
                | RelationshipPattern::SharedKernel
                | RelationshipPattern::SeparateWays
        )
    }
}

/// How an upstream context offers itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum UpstreamRole {
    OpenHostService,
    PublishedLanguage,
}

/// How a downstream context takes what the upstream offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum DownstreamRole {
    Conformist,
    AnticorruptionLayer,
}

/// A relationship between two bounded contexts. For symmetric patterns `upstream` and
/// `downstream` are just the two ends, in the order they were written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Relationship {
    pub id: String,
    pub pattern: RelationshipPattern,
    pub upstream: String,
    pub downstream: String,
    #[serde(default)]
    pub upstream_roles: Vec<UpstreamRole>,
    #[serde(default)]
    pub downstream_roles: Vec<DownstreamRole>,
    pub name: Option<String>,
    pub kept: Option<String>,
}

/// What a domain element is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum ElementKind {
    Aggregate,
    Entity,
    ValueObject,
    Enumeration,
    Command,
    DomainEvent,
    Policy,
    ReadModel,
    DomainService,
    ExternalSystem,
    Actor,
}

impl ElementKind {
    pub const ALL: [ElementKind; 11] = [
        ElementKind::Aggregate,
        ElementKind::Entity,
        ElementKind::ValueObject,
        ElementKind::Enumeration,
        ElementKind::Command,
        ElementKind::DomainEvent,
        ElementKind::Policy,
        ElementKind::ReadModel,
        ElementKind::DomainService,
        ElementKind::ExternalSystem,
        ElementKind::Actor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ElementKind::Aggregate => "aggregate",
            ElementKind::Entity => "entity",
            ElementKind::ValueObject => "valueObject",
            ElementKind::Enumeration => "enumeration",
            ElementKind::Command => "command",
            ElementKind::DomainEvent => "domainEvent",
            ElementKind::Policy => "policy",
            ElementKind::ReadModel => "readModel",
            ElementKind::DomainService => "domainService",
            ElementKind::ExternalSystem => "externalSystem",
            ElementKind::Actor => "actor",
        }
    }

    /// Kinds that hold attributes.
    pub fn has_attributes(self) -> bool {
        matches!(
            self,
            ElementKind::Entity
                | ElementKind::ValueObject
                | ElementKind::Command
                | ElementKind::DomainEvent
                | ElementKind::ReadModel
        )
    }
}

/// An element inside a bounded context, drawn on the context's canvas.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DomainElement {
    pub id: String,
    pub context: String,
    pub kind: ElementKind,
    pub name: String,
    pub description: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub x: f64,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub y: f64,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub w: f64,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub h: f64,
    /// Entities, value objects, enumerations, commands, events: the aggregate holding them.
    pub aggregate: Option<String>,
    /// Aggregates: the root entity.
    pub root: Option<String>,
    /// Aggregates: the rules it always keeps (不变量).
    #[serde(default)]
    pub invariants: Vec<String>,
    /// Enumerations: their values, in order.
    #[serde(default)]
    pub values: Vec<String>,
    /// Commands: the aggregate that handles it.
    pub handled_by: Option<String>,
    /// Commands, aggregates, services, external systems, policies: the events they emit.
    #[serde(default)]
    pub emits: Vec<String>,
    /// Policies: the event that triggers them ("when this event…").
    pub trigger: Option<String>,
    /// Policies: the command they issue ("…issue that command").
    pub issues: Option<String>,
    /// Read models: the events they are built from.
    #[serde(default)]
    pub sources: Vec<String>,
    pub kept: Option<String>,
}

impl DomainElement {
    /// A new element of `kind` in `context`, at (x, y), with the kind's default size.
    pub fn new(
        id: impl Into<String>,
        context: impl Into<String>,
        kind: ElementKind,
        name: impl Into<String>,
        x: f64,
        y: f64,
    ) -> Self {
        let (w, h) = match kind {
            ElementKind::Aggregate => (360.0, 240.0),
            ElementKind::Entity | ElementKind::ValueObject => (180.0, 120.0),
            _ => (140.0, 80.0),
        };
        DomainElement {
            id: id.into(),
            context: context.into(),
            kind,
            name: name.into(),
            description: None,
            x,
            y,
            w,
            h,
            aggregate: None,
            root: None,
            invariants: Vec::new(),
            values: Vec::new(),
            handled_by: None,
            emits: Vec::new(),
            trigger: None,
            issues: None,
            sources: Vec::new(),
            kept: None,
        }
    }
}

/// The type of an attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum DataType {
    Text,
    Integer,
    Decimal,
    Money,
    Date,
    DateTime,
    Boolean,
    /// One of an enumeration's values (`target` names the enumeration).
    Enumeration,
    /// An entity or value object (`target` names it).
    Reference,
}

impl DataType {
    pub fn as_str(self) -> &'static str {
        match self {
            DataType::Text => "text",
            DataType::Integer => "integer",
            DataType::Decimal => "decimal",
            DataType::Money => "money",
            DataType::Date => "date",
            DataType::DateTime => "dateTime",
            DataType::Boolean => "boolean",
            DataType::Enumeration => "enumeration",
            DataType::Reference => "reference",
        }
    }
}

/// An attribute of an entity, value object, command, event or read model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Attribute {
    pub id: String,
    /// The element holding it.
    pub owner: String,
    pub name: String,
    pub data_type: DataType,
    /// For enumerations and references: the element the type names.
    pub target: Option<String>,
    /// The type's name as a file wrote it, when it names nothing the model defines (a
    /// reference to a name the file does not define: shown as a problem until fixed).
    pub type_name: Option<String>,
    /// A list of the type rather than one.
    #[serde(default)]
    pub list: bool,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub unique: bool,
    /// Part of the element's identity (its key).
    #[serde(default)]
    pub identifier: bool,
    pub description: Option<String>,
    /// Position among the owner's attributes (fractional, so inserts between two merge).
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub order: f64,
    pub kept: Option<String>,
}

impl Attribute {
    pub fn new(
        id: impl Into<String>,
        owner: impl Into<String>,
        name: impl Into<String>,
        data_type: DataType,
        order: f64,
    ) -> Self {
        Attribute {
            id: id.into(),
            owner: owner.into(),
            name: name.into(),
            data_type,
            target: None,
            type_name: None,
            list: false,
            required: false,
            unique: false,
            identifier: false,
            description: None,
            order,
            kept: None,
        }
    }
}

/// A person's override of one derived column (or table, when `column` is absent): kept
/// across re-derivations because it is keyed by the derived column's stable key (made of
/// element and attribute ids), not by its name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ColumnOverride {
    pub id: String,
    /// The derived table's key.
    pub table: String,
    /// The derived column's key; absent for an override of the table itself (its name).
    pub column: Option<String>,
    pub name: Option<String>,
    /// An SQL type written as the person wants it (dialect-neutral, e.g. `varchar`).
    pub sql_type: Option<String>,
    pub length: Option<u32>,
    pub index: Option<bool>,
}

/// A part of an imported file that Triloop does not model (for CML: use cases, user
/// stories, stakeholders, value registers, …), kept as written and written back on export.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Extra {
    pub id: String,
    /// What it is, for the exporter (e.g. `cml:contextMap`, `cml:block`).
    pub key: String,
    pub source: String,
    /// Position among the extras, as the file had them.
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub order: f64,
}

/// Any record of a domain model document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "record", rename_all = "camelCase")]
pub enum DomainRecord {
    Subdomain(Subdomain),
    Context(BoundedContext),
    Relationship(Relationship),
    Element(DomainElement),
    Attribute(Attribute),
    Override(ColumnOverride),
    Extra(Extra),
}

impl Record for DomainRecord {
    fn id(&self) -> &str {
        match self {
            DomainRecord::Subdomain(r) => &r.id,
            DomainRecord::Context(r) => &r.id,
            DomainRecord::Relationship(r) => &r.id,
            DomainRecord::Element(r) => &r.id,
            DomainRecord::Attribute(r) => &r.id,
            DomainRecord::Override(r) => &r.id,
            DomainRecord::Extra(r) => &r.id,
        }
    }

    fn collection(&self) -> &'static str {
        match self {
            DomainRecord::Subdomain(_) => SUBDOMAINS,
            DomainRecord::Context(_) => CONTEXTS,
            DomainRecord::Relationship(_) => RELATIONSHIPS,
            DomainRecord::Element(_) => ELEMENTS,
            DomainRecord::Attribute(_) => ATTRIBUTES,
            DomainRecord::Override(_) => OVERRIDES,
            DomainRecord::Extra(_) => EXTRAS,
        }
    }
}

pub type DomainOp = RecordOp<DomainRecord>;
pub type DomainPatch = RecordPatch<DomainRecord>;

/// The domain model as a [`RecordKind`].
pub struct Domain;

impl RecordKind for Domain {
    const DOC: DocKind = DocKind::DomainModel;
    const COLLECTIONS: &'static [&'static str] = &[
        SUBDOMAINS,
        CONTEXTS,
        RELATIONSHIPS,
        ELEMENTS,
        ATTRIBUTES,
        OVERRIDES,
        EXTRAS,
    ];
    type Record = DomainRecord;

    fn check(doc: &Records<'_, impl ReadDoc>, record: &DomainRecord) -> Result<(), ModelError> {
        let need = |id: &str, what: &str, ok: &dyn Fn(&DomainRecord) -> bool| match doc
            .get::<DomainRecord>(
            id,
        )? {
            Some(r) if ok(&r) => Ok(()),
            _ => Err(ModelError::InvalidEdit(format!("{id} is not a {what}"))),
        };
        let is_context = |r: &DomainRecord| matches!(r, DomainRecord::Context(_));
        match record {
            DomainRecord::Element(e) => {
                nonempty(&e.name, &e.id)?;
                sizes(&[e.x, e.y], &[e.w, e.h])?;
                need(&e.context, "bounded context", &is_context)
            }
            DomainRecord::Context(c) => {
                nonempty(&c.name, &c.id)?;
                sizes(&[c.x, c.y], &[c.w, c.h])
            }
            DomainRecord::Subdomain(s) => nonempty(&s.name, &s.id),
            DomainRecord::Relationship(r) => {
                if r.upstream == r.downstream {
                    return Err(ModelError::InvalidEdit(format!(
                        "relationship {} connects {} to itself",
                        r.id, r.upstream
                    )));
                }
                need(&r.upstream, "bounded context", &is_context)?;
                need(&r.downstream, "bounded context", &is_context)
            }
            DomainRecord::Attribute(a) => {
                nonempty(&a.name, &a.id)?;
                if !a.order.is_finite() {
                    return Err(ModelError::InvalidEdit("order must be finite".into()));
                }
                need(
                    &a.owner,
                    "element that holds attributes",
                    &|r| matches!(r, DomainRecord::Element(e) if e.kind.has_attributes()),
                )
            }
            DomainRecord::Override(_) | DomainRecord::Extra(_) => Ok(()),
        }
    }

    fn dependents(
        doc: &Records<'_, impl ReadDoc>,
        removed: &DomainRecord,
    ) -> Result<Vec<DomainRecord>, ModelError> {
        Ok(match removed {
            DomainRecord::Context(c) => {
                let mut out: Vec<DomainRecord> = doc
                    .all::<DomainRecord>(ELEMENTS)?
                    .into_iter()
                    .filter(|r| matches!(r, DomainRecord::Element(e) if e.context == c.id))
                    .collect();
                out.extend(doc.all::<DomainRecord>(RELATIONSHIPS)?.into_iter().filter(
                    |r| matches!(r, DomainRecord::Relationship(x) if x.upstream == c.id || x.downstream == c.id),
                ));
                out
            }
            DomainRecord::Element(e) => {
                let mut out: Vec<DomainRecord> = doc
                    .all::<DomainRecord>(ATTRIBUTES)?
                    .into_iter()
                    .filter(|r| matches!(r, DomainRecord::Attribute(a) if a.owner == e.id))
                    .collect();
                // An aggregate's members go with it.
                if e.kind == ElementKind::Aggregate {
                    out.extend(doc.all::<DomainRecord>(ELEMENTS)?.into_iter().filter(|r| {
                        matches!(r, DomainRecord::Element(m) if m.aggregate.as_deref() == Some(e.id.as_str()))
                    }));
                }
                out
            }
            _ => Vec::new(),
        })
    }
}

use crate::record::{nonempty, sizes};

/// Writes the root of a new domain model document. Call once, when it is created.
pub fn init(doc: &mut Automerge) -> Result<(), ModelError> {
    crate::record::init::<Domain>(doc)
}

/// Applies `ops` as one change (see [`crate::record::apply`]).
pub fn apply(
    doc: &mut Automerge,
    ops: &[DomainOp],
) -> Result<crate::record::Applied<DomainRecord>, ModelError> {
    crate::record::apply::<Domain>(doc, ops)
}

/// The whole model, grouped by record type: what importers, exporters and derivations
/// work on.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DomainModel {
    pub subdomains: Vec<Subdomain>,
    pub contexts: Vec<BoundedContext>,
    pub relationships: Vec<Relationship>,
    pub elements: Vec<DomainElement>,
    /// Sorted by owner, then order.
    pub attributes: Vec<Attribute>,
    pub overrides: Vec<ColumnOverride>,
    /// Sorted by order.
    pub extras: Vec<Extra>,
}

impl DomainModel {
    pub fn from_records(records: impl IntoIterator<Item = DomainRecord>) -> DomainModel {
        let mut m = DomainModel::default();
        for r in records {
            match r {
                DomainRecord::Subdomain(x) => m.subdomains.push(x),
                DomainRecord::Context(x) => m.contexts.push(x),
                DomainRecord::Relationship(x) => m.relationships.push(x),
                DomainRecord::Element(x) => m.elements.push(x),
                DomainRecord::Attribute(x) => m.attributes.push(x),
                DomainRecord::Override(x) => m.overrides.push(x),
                DomainRecord::Extra(x) => m.extras.push(x),
            }
        }
        m.attributes.sort_by(|a, b| {
            (a.owner.as_str(), a.order, a.id.as_str())
                .partial_cmp(&(b.owner.as_str(), b.order, b.id.as_str()))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        m.extras
            .sort_by(|a, b| a.order.total_cmp(&b.order).then(a.id.cmp(&b.id)));
        m
    }

    /// Every record, parents before their children (the order `Add` ops need).
    pub fn into_records(self) -> Vec<DomainRecord> {
        let mut out = Vec::new();
        out.extend(self.subdomains.into_iter().map(DomainRecord::Subdomain));
        out.extend(self.contexts.into_iter().map(DomainRecord::Context));
        out.extend(
            self.relationships
                .into_iter()
                .map(DomainRecord::Relationship),
        );
        out.extend(self.elements.into_iter().map(DomainRecord::Element));
        out.extend(self.attributes.into_iter().map(DomainRecord::Attribute));
        out.extend(self.overrides.into_iter().map(DomainRecord::Override));
        out.extend(self.extras.into_iter().map(DomainRecord::Extra));
        out
    }

    pub fn element(&self, id: &str) -> Option<&DomainElement> {
        self.elements.iter().find(|e| e.id == id)
    }

    pub fn context(&self, id: &str) -> Option<&BoundedContext> {
        self.contexts.iter().find(|c| c.id == id)
    }

    /// The attributes of `owner`, in order.
    pub fn attributes_of<'a>(&'a self, owner: &'a str) -> impl Iterator<Item = &'a Attribute> {
        self.attributes.iter().filter(move |a| a.owner == owner)
    }

    /// Counts per record type and element kind, e.g. `{"contexts": 4, "entity": 9}`.
    pub fn counts(&self) -> BTreeMap<String, usize> {
        let mut c = BTreeMap::new();
        c.insert("subdomains".to_string(), self.subdomains.len());
        c.insert("contexts".to_string(), self.contexts.len());
        c.insert("relationships".to_string(), self.relationships.len());
        c.insert("attributes".to_string(), self.attributes.len());
        for k in ElementKind::ALL {
            c.insert(k.as_str().to_string(), 0);
        }
        for e in &self.elements {
            *c.entry(e.kind.as_str().to_string()).or_default() += 1;
        }
        c
    }
}

/// Reads the whole model.
pub fn read(doc: &Automerge) -> Result<DomainModel, ModelError> {
    Ok(DomainModel::from_records(crate::record::read::<Domain>(
        doc,
    )?))
}

/// The display name and kind of record `id`, if the document has it.
pub fn element_name(doc: &Automerge, id: &str) -> Result<Option<(String, String)>, ModelError> {
    let records = Records::open(doc, Domain::COLLECTIONS)?;
    Ok(records.get::<DomainRecord>(id)?.map(|r| describe(&r)))
}

/// A record's name and what it is (an element kind, or `context`, `attribute`, …).
pub fn describe(r: &DomainRecord) -> (String, String) {
    match r {
        DomainRecord::Subdomain(s) => (s.name.clone(), "subdomain".into()),
        DomainRecord::Context(c) => (c.name.clone(), "context".into()),
        DomainRecord::Relationship(x) => {
            (x.name.clone().unwrap_or_default(), "relationship".into())
        }
        DomainRecord::Element(e) => (e.name.clone(), e.kind.as_str().into()),
        DomainRecord::Attribute(a) => (a.name.clone(), "attribute".into()),
        DomainRecord::Override(o) => (o.name.clone().unwrap_or_default(), "override".into()),
        DomainRecord::Extra(x) => (x.key.clone(), "extra".into()),
    }
}

// ---- validation ---------------------------------------------------------------------------

/// What can be wrong in a domain model. A model with problems still opens and saves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum DomainProblemCode {
    /// An aggregate names no root entity (or one that is not an entity of it).
    AggregateWithoutRoot,
    /// An entity has no identifier attribute.
    EntityWithoutIdentifier,
    /// Two elements of one context have the same name.
    DuplicateName,
    /// An attribute refers to an element of another context, and the context map has no
    /// relationship between the two contexts.
    ReferenceWithoutRelationship,
    /// No aggregate handles this command.
    CommandNotHandled,
    /// Nothing emits this domain event.
    EventNotEmitted,
    /// A policy lacks its triggering event or the command it issues.
    PolicyIncomplete,
    /// Value objects hold each other by value in a cycle (it could never be stored).
    ValueCycle,
    /// An attribute's type names something the model does not define.
    UnresolvedType,
    /// A field names an element that no longer exists (for example deleted by a peer).
    DanglingReference,
}

impl DomainProblemCode {
    /// The message in English or Simplified Chinese (`zh` true), naming the element.
    pub fn message(self, element: &str, zh: bool) -> String {
        use DomainProblemCode::*;
        match (self, zh) {
            (AggregateWithoutRoot, false) => format!("aggregate {element} has no root entity"),
            (AggregateWithoutRoot, true) => format!("聚合 {element} 缺少根实体"),
            (EntityWithoutIdentifier, false) => format!("entity {element} has no identifier"),
            (EntityWithoutIdentifier, true) => format!("实体 {element} 缺少标识属性"),
            (DuplicateName, false) => {
                format!("another element of this context is also named {element}")
            }
            (DuplicateName, true) => format!("同一限界上下文中另有元素也叫 {element}"),
            (ReferenceWithoutRelationship, false) => format!(
                "{element} refers to another bounded context with no relationship on the context map"
            ),
            (ReferenceWithoutRelationship, true) => {
                format!("{element} 引用了另一个限界上下文，但上下文映射中二者没有关系")
            }
            (CommandNotHandled, false) => format!("no aggregate handles command {element}"),
            (CommandNotHandled, true) => format!("命令 {element} 没有聚合处理"),
            (EventNotEmitted, false) => format!("nothing emits domain event {element}"),
            (EventNotEmitted, true) => format!("没有任何元素发出领域事件 {element}"),
            (PolicyIncomplete, false) => {
                format!(
                    "policy {element} needs the event that triggers it and the command it issues"
                )
            }
            (PolicyIncomplete, true) => format!("策略 {element} 需要触发它的事件和它发出的命令"),
            (ValueCycle, false) => {
                format!("value object {element} holds itself by value through a cycle")
            }
            (ValueCycle, true) => format!("值对象 {element} 通过循环按值包含了自身"),
            (UnresolvedType, false) => {
                format!("the type of {element} names nothing this model defines")
            }
            (UnresolvedType, true) => format!("{element} 的类型引用了模型中未定义的名称"),
            (DanglingReference, false) => {
                format!("{element} refers to an element that no longer exists")
            }
            (DanglingReference, true) => format!("{element} 引用的元素已不存在"),
        }
    }
}

/// One problem, on one record.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DomainProblem {
    pub code: DomainProblemCode,
    pub element: String,
}

/// Checks the model; returns its problems sorted and without duplicates. Never fails.
pub fn validate(m: &DomainModel) -> Vec<DomainProblem> {
    let mut out = BTreeSet::new();
    let mut add = |code, element: &str| {
        out.insert(DomainProblem {
            code,
            element: element.to_string(),
        });
    };
    let elements: HashMap<&str, &DomainElement> =
        m.elements.iter().map(|e| (e.id.as_str(), e)).collect();
    let contexts: BTreeSet<&str> = m.contexts.iter().map(|c| c.id.as_str()).collect();
    let kind_of = |id: &str| elements.get(id).map(|e| e.kind);

    // Names within a context. An aggregate is usually named after its root entity, so
    // aggregates are compared with aggregates only.
    let mut names: HashMap<(&str, bool, String), Vec<&str>> = HashMap::new();
    for e in &m.elements {
        names
            .entry((
                e.context.as_str(),
                e.kind == ElementKind::Aggregate,
                e.name.trim().to_lowercase(),
            ))
            .or_default()
            .push(&e.id);
    }
    for ids in names.values().filter(|ids| ids.len() > 1) {
        for id in ids {
            add(DomainProblemCode::DuplicateName, id);
        }
    }

    let mut by_owner: HashMap<&str, Vec<&Attribute>> = HashMap::new();
    for a in &m.attributes {
        by_owner.entry(a.owner.as_str()).or_default().push(a);
    }
    let emitted: BTreeSet<&str> = m
        .elements
        .iter()
        .flat_map(|e| e.emits.iter().map(String::as_str))
        .collect();

    for e in &m.elements {
        if !contexts.contains(e.context.as_str()) {
            add(DomainProblemCode::DanglingReference, &e.id);
        }
        for r in [&e.aggregate, &e.root, &e.handled_by, &e.trigger, &e.issues]
            .into_iter()
            .flatten()
            .chain(e.emits.iter())
            .chain(e.sources.iter())
        {
            if !elements.contains_key(r.as_str()) {
                add(DomainProblemCode::DanglingReference, &e.id);
            }
        }
        match e.kind {
            ElementKind::Aggregate => {
                let root_ok = e
                    .root
                    .as_deref()
                    .and_then(|r| elements.get(r))
                    .is_some_and(|r| {
                        r.kind == ElementKind::Entity
                            && r.aggregate.as_deref() == Some(e.id.as_str())
                    });
                if !root_ok {
                    add(DomainProblemCode::AggregateWithoutRoot, &e.id);
                }
            }
            ElementKind::Entity => {
                let has_id = by_owner
                    .get(e.id.as_str())
                    .is_some_and(|attrs| attrs.iter().any(|a| a.identifier));
                if !has_id {
                    add(DomainProblemCode::EntityWithoutIdentifier, &e.id);
                }
            }
            ElementKind::Command => {
                let handled = e
                    .handled_by
                    .as_deref()
                    .is_some_and(|h| kind_of(h) == Some(ElementKind::Aggregate))
                    || e.aggregate
                        .as_deref()
                        .is_some_and(|h| kind_of(h) == Some(ElementKind::Aggregate));
                if !handled {
                    add(DomainProblemCode::CommandNotHandled, &e.id);
                }
            }
            ElementKind::DomainEvent => {
                if !emitted.contains(e.id.as_str()) {
                    add(DomainProblemCode::EventNotEmitted, &e.id);
                }
            }
            ElementKind::Policy => {
                let trigger = e
                    .trigger
                    .as_deref()
                    .is_some_and(|t| kind_of(t) == Some(ElementKind::DomainEvent));
                let issues = e
                    .issues
                    .as_deref()
                    .is_some_and(|c| kind_of(c) == Some(ElementKind::Command));
                if !(trigger && issues) {
                    add(DomainProblemCode::PolicyIncomplete, &e.id);
                }
            }
            _ => {}
        }
    }

    // Which contexts the context map relates (either way).
    let related: BTreeSet<(&str, &str)> = m
        .relationships
        .iter()
        .filter(|r| r.pattern != RelationshipPattern::SeparateWays)
        .flat_map(|r| {
            [
                (r.upstream.as_str(), r.downstream.as_str()),
                (r.downstream.as_str(), r.upstream.as_str()),
            ]
        })
        .collect();
    // Value objects holding value objects: a graph whose cycles cannot be stored.
    let mut g: DiGraph<&str, ()> = DiGraph::new();
    let mut ix = HashMap::new();
    for a in &m.attributes {
        let Some(owner) = elements.get(a.owner.as_str()) else {
            add(DomainProblemCode::DanglingReference, &a.id);
            continue;
        };
        let needs_target = matches!(a.data_type, DataType::Reference | DataType::Enumeration);
        match (needs_target, a.target.as_deref()) {
            (true, None) => add(DomainProblemCode::UnresolvedType, &a.id),
            (true, Some(t)) => match elements.get(t) {
                None => add(DomainProblemCode::DanglingReference, &a.id),
                Some(target) => {
                    if target.context != owner.context
                        && !related.contains(&(owner.context.as_str(), target.context.as_str()))
                    {
                        add(DomainProblemCode::ReferenceWithoutRelationship, &a.id);
                    }
                    if owner.kind == ElementKind::ValueObject
                        && target.kind == ElementKind::ValueObject
                        && !a.list
                    {
                        let s = *ix
                            .entry(owner.id.as_str())
                            .or_insert_with(|| g.add_node(owner.id.as_str()));
                        let t = *ix
                            .entry(target.id.as_str())
                            .or_insert_with(|| g.add_node(target.id.as_str()));
                        g.add_edge(s, t, ());
                    }
                }
            },
            (false, _) => {}
        }
    }
    for scc in petgraph::algo::tarjan_scc(&g) {
        let cyclic = scc.len() > 1 || scc.iter().any(|&n| g.contains_edge(n, n));
        if cyclic {
            for n in scc {
                add(DomainProblemCode::ValueCycle, g[n]);
            }
        }
    }
    out.into_iter().collect()
}
