//! The capability shelf (能力货架): the parts people place on prototype screens. One shelf
//! per organisation. Built-in parts ship with the app (`assets/shelf/*.json`, embedded:
//! [`builtin_parts`]); the parts people add (a selection of components saved as a new part)
//! live in the organisation's shelf document, a record kind on the
//! [`record`](crate::record) kernel: `{ schema, schemaVersion, links, parts }`.
//!
//! A part is one of: a UI component, a business component (a small component tree such as
//! a customer card), a capability (a component tree plus a service contract: SMS
//! verification, ID-card OCR, …) or a product template (screens, entities and flows a new
//! workspace can start from). Placing a part *copies* its component tree into the screen
//! ([`place`]); the placed components remember the part's id but need nothing from it, so a
//! part removed from the shelf keeps working in the screens that use it.

use std::collections::{BTreeMap, BTreeSet};

use automerge::{Automerge, ReadDoc};
use serde::{Deserialize, Serialize};

use crate::prototype::{
    Component, ComponentKind, ContractField, Device, ServiceContract, StackLayout,
};
use crate::record::{Record, RecordKind, RecordOp, RecordPatch, Records};
use crate::schema::{DocKind, ModelError};

pub const PARTS: &str = "parts";

/// What a part of the shelf is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum PartCategory {
    /// A UI component (text, button, form, …).
    UiComponent,
    /// A business component: a component tree for a business object (customer card, …).
    BusinessComponent,
    /// A common capability with a service contract (SMS verification, payment, …).
    Capability,
    /// A product template: a starter kit of screens, entities and flows.
    Template,
}

/// A component of a part's tree, in the part's own coordinates (the part's top-left is 0,0).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PartComponent {
    /// Unique within the part; placement gives each placed component a new id.
    pub key: String,
    /// The key of its container within the part; absent for the part's roots.
    pub parent: Option<String>,
    pub kind: ComponentKind,
    pub name: String,
    pub text: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub x: f64,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub y: f64,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub w: f64,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub h: f64,
    #[serde(default)]
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub order: f64,
    pub layout: Option<StackLayout>,
    #[serde(default)]
    pub props: BTreeMap<String, String>,
}

/// A screen a template starts with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct TemplateScreen {
    pub key: String,
    pub name: String,
    pub device: Device,
    #[serde(default)]
    pub components: Vec<PartComponent>,
    /// What its triggers do.
    #[serde(default)]
    pub actions: Vec<TemplateAction>,
    /// What its components show of the template's entities.
    #[serde(default)]
    pub bindings: Vec<TemplateBinding>,
}

/// A trigger of a template screen: calls a command of the template's entities (by name),
/// then goes to a screen (by key); or just goes there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct TemplateAction {
    /// The trigger's key among the screen's components.
    pub component: String,
    pub command: Option<String>,
    pub screen: Option<String>,
}

/// A component of a template screen bound to an entity of the template (by names).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct TemplateBinding {
    pub component: String,
    pub entity: String,
    pub attribute: Option<String>,
    #[serde(default)]
    pub collection: bool,
}

/// An entity a template's domain model starts with: its attributes (the first is its
/// identifier) and the commands its aggregate handles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct TemplateEntity {
    pub name: String,
    #[serde(default)]
    pub attributes: Vec<ContractField>,
    #[serde(default)]
    pub commands: Vec<String>,
}

/// What a product template starts: screens, the entities of a domain model, and the names
/// of the business flows (each with its steps in order).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Template {
    #[serde(default)]
    pub screens: Vec<TemplateScreen>,
    #[serde(default)]
    pub entities: Vec<TemplateEntity>,
    #[serde(default)]
    pub flows: Vec<TemplateFlow>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct TemplateFlow {
    pub name: String,
    #[serde(default)]
    pub steps: Vec<String>,
}

/// A part of the shelf (货架部件), named in both languages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Part {
    pub id: String,
    pub category: PartCategory,
    pub name_zh: String,
    pub name_en: String,
    pub description: Option<String>,
    /// More words it is found by (either language).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// What placing it puts on the screen (empty for templates).
    #[serde(default)]
    pub components: Vec<PartComponent>,
    /// Capabilities: the service contract.
    pub contract: Option<ServiceContract>,
    /// Templates: what the template starts.
    pub template: Option<Template>,
}

impl Part {
    /// The part's size: the bounding box of its root components.
    pub fn size(&self) -> (f64, f64) {
        let roots = self.components.iter().filter(|c| c.parent.is_none());
        roots.fold((0.0f64, 0.0f64), |(w, h), c| {
            (w.max(c.x + c.w), h.max(c.y + c.h))
        })
    }

    /// Whether `query` (trimmed, any case) is part of its name in either language, its id or
    /// one of its keywords. An empty query matches everything.
    pub fn matches(&self, query: &str) -> bool {
        let q = query.trim().to_lowercase();
        if q.is_empty() {
            return true;
        }
        [&self.name_zh, &self.name_en, &self.id]
            .into_iter()
            .chain(self.keywords.iter())
            .any(|s| s.to_lowercase().contains(&q))
    }
}

/// Any record of a shelf document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "record", rename_all = "camelCase")]
pub enum ShelfRecord {
    Part(Part),
}

impl Record for ShelfRecord {
    fn id(&self) -> &str {
        match self {
            ShelfRecord::Part(p) => &p.id,
        }
    }

    fn collection(&self) -> &'static str {
        PARTS
    }
}

pub type ShelfOp = RecordOp<ShelfRecord>;
pub type ShelfPatch = RecordPatch<ShelfRecord>;

/// The organisation's shelf as a [`RecordKind`].
pub struct CapabilityShelf;

impl RecordKind for CapabilityShelf {
    const DOC: DocKind = DocKind::CapabilityShelf;
    const COLLECTIONS: &'static [&'static str] = &[PARTS];
    type Record = ShelfRecord;

    fn check(_doc: &Records<'_, impl ReadDoc>, record: &ShelfRecord) -> Result<(), ModelError> {
        let ShelfRecord::Part(p) = record;
        check_part(p)
    }

    fn dependents(
        _doc: &Records<'_, impl ReadDoc>,
        _removed: &ShelfRecord,
    ) -> Result<Vec<ShelfRecord>, ModelError> {
        Ok(Vec::new())
    }
}

/// What a part must satisfy: names in both languages, a well-formed component tree, a
/// contract for a capability.
pub fn check_part(p: &Part) -> Result<(), ModelError> {
    if p.name_zh.trim().is_empty() || p.name_en.trim().is_empty() {
        return Err(ModelError::InvalidEdit(format!(
            "part {} needs a name in both languages",
            p.id
        )));
    }
    check_tree(&p.id, &p.components)?;
    if p.category == PartCategory::Capability {
        match &p.contract {
            Some(c) if !c.operation.trim().is_empty() => {}
            _ => {
                return Err(ModelError::InvalidEdit(format!(
                    "capability {} needs a service contract",
                    p.id
                )));
            }
        }
    }
    if let Some(t) = &p.template {
        check_template(&p.id, t)?;
    }
    Ok(())
}

fn check_template(id: &str, t: &Template) -> Result<(), ModelError> {
    let bad = |what: String| Err(ModelError::InvalidEdit(format!("template {id}: {what}")));
    let keys: BTreeSet<&str> = t.screens.iter().map(|s| s.key.as_str()).collect();
    if keys.len() != t.screens.len() {
        return bad("two screens with one key".into());
    }
    let commands: BTreeSet<&str> = t
        .entities
        .iter()
        .flat_map(|e| e.commands.iter().map(String::as_str))
        .collect();
    for e in &t.entities {
        if e.name.trim().is_empty() || e.attributes.is_empty() {
            return bad(
                "an entity needs a name and attributes (the first is its identifier)".into(),
            );
        }
    }
    for s in &t.screens {
        check_tree(&format!("{id}/{}", s.key), &s.components)?;
        let has = |k: &str| s.components.iter().any(|c| c.key == k);
        for a in &s.actions {
            if !has(&a.component) {
                return bad(format!("{}: no trigger {}", s.key, a.component));
            }
            if let Some(to) = &a.screen
                && !keys.contains(to.as_str())
            {
                return bad(format!("{}: no screen {to}", s.key));
            }
            if let Some(c) = &a.command
                && !commands.contains(c.as_str())
            {
                return bad(format!("{}: no command {c}", s.key));
            }
        }
        for b in &s.bindings {
            let Some(e) = t.entities.iter().find(|e| e.name == b.entity) else {
                return bad(format!("{}: no entity {}", s.key, b.entity));
            };
            if !has(&b.component) {
                return bad(format!("{}: no component {}", s.key, b.component));
            }
            if let Some(a) = &b.attribute
                && !e.attributes.iter().any(|x| x.name == *a)
            {
                return bad(format!("{}: {} has no attribute {a}", s.key, b.entity));
            }
        }
    }
    Ok(())
}

fn check_tree(owner: &str, tree: &[PartComponent]) -> Result<(), ModelError> {
    let mut keys = BTreeMap::new();
    for c in tree {
        crate::record::sizes(&[c.x, c.y, c.order], &[c.w, c.h])?;
        if keys.insert(c.key.as_str(), c).is_some() {
            return Err(ModelError::InvalidEdit(format!(
                "{owner}: two components with key {}",
                c.key
            )));
        }
    }
    for c in tree {
        // Up the parents: each a container of the part, never back to the start.
        let mut at = c.parent.as_deref();
        let mut steps = 0;
        while let Some(k) = at {
            let Some(p) = keys.get(k) else {
                return Err(ModelError::InvalidEdit(format!(
                    "{owner}: {} is inside {k}, which the part has not",
                    c.key
                )));
            };
            if !p.kind.is_container() {
                return Err(ModelError::InvalidEdit(format!(
                    "{owner}: {k} ({}) holds no components",
                    p.kind.as_str()
                )));
            }
            steps += 1;
            if k == c.key || steps > tree.len() {
                return Err(ModelError::InvalidEdit(format!(
                    "{owner}: {} is inside itself",
                    c.key
                )));
            }
            at = p.parent.as_deref();
        }
    }
    Ok(())
}

/// Writes the root of a new shelf document. Call once, when it is created.
pub fn init(doc: &mut Automerge) -> Result<(), ModelError> {
    crate::record::init::<CapabilityShelf>(doc)
}

/// Applies `ops` as one change (see [`crate::record::apply`]).
pub fn apply(
    doc: &mut Automerge,
    ops: &[ShelfOp],
) -> Result<crate::record::Applied<ShelfRecord>, ModelError> {
    crate::record::apply::<CapabilityShelf>(doc, ops)
}

/// The parts of a shelf document.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Shelf {
    /// Sorted by id.
    pub parts: Vec<Part>,
}

pub fn read(doc: &Automerge) -> Result<Shelf, ModelError> {
    let parts = crate::record::read::<CapabilityShelf>(doc)?
        .into_iter()
        .map(|ShelfRecord::Part(p)| p)
        .collect();
    Ok(Shelf { parts })
}

/// The display name (Chinese, then English) and category of part `id`.
pub fn element_name(doc: &Automerge, id: &str) -> Result<Option<(String, String)>, ModelError> {
    let records = Records::open(doc, CapabilityShelf::COLLECTIONS)?;
    Ok(records.get::<ShelfRecord>(id)?.map(|ShelfRecord::Part(p)| {
        (
            format!("{} / {}", p.name_zh, p.name_en),
            format!("{:?}", p.category),
        )
    }))
}

/// The id prefix of built-in parts; no shelf document holds them.
pub const BUILTIN_PREFIX: &str = "builtin:";

const BUILTIN_FILES: &[(&str, &str)] = &[
    ("ui.json", include_str!("../../../assets/shelf/ui.json")),
    (
        "business.json",
        include_str!("../../../assets/shelf/business.json"),
    ),
    (
        "capabilities.json",
        include_str!("../../../assets/shelf/capabilities.json"),
    ),
    (
        "templates.json",
        include_str!("../../../assets/shelf/templates.json"),
    ),
];

/// The parts that ship with the app (`assets/shelf/*.json`), in the files' order.
pub fn builtin_parts() -> Result<Vec<Part>, ModelError> {
    let mut out: Vec<Part> = Vec::new();
    for (name, text) in BUILTIN_FILES {
        let parts: Vec<Part> = serde_json::from_str(text)
            .map_err(|e| ModelError::Malformed(format!("assets/shelf/{name}: {e}")))?;
        for p in parts {
            if !p.id.starts_with(BUILTIN_PREFIX) {
                return Err(ModelError::Malformed(format!(
                    "assets/shelf/{name}: built-in part {} must start with {BUILTIN_PREFIX}",
                    p.id
                )));
            }
            check_part(&p)
                .map_err(|e| ModelError::Malformed(format!("assets/shelf/{name}: {e}")))?;
            if out.iter().any(|q| q.id == p.id) {
                return Err(ModelError::Malformed(format!(
                    "assets/shelf/{name}: part {} twice",
                    p.id
                )));
            }
            out.push(p);
        }
    }
    Ok(out)
}

/// The components that placing `part` on `screen` (inside `parent`, if given) at (x, y)
/// adds: a copy of its tree with new ids from `new_id`, each remembering the part.
pub fn place(
    part: &Part,
    screen: &str,
    parent: Option<&str>,
    x: f64,
    y: f64,
    mut new_id: impl FnMut() -> String,
) -> Vec<Component> {
    let ids: BTreeMap<&str, String> = part
        .components
        .iter()
        .map(|c| (c.key.as_str(), new_id()))
        .collect();
    // Parents before children, so that the ops apply in order.
    let mut out = Vec::new();
    let mut placed: BTreeSet<&str> = BTreeSet::new();
    let mut left: Vec<&PartComponent> = part.components.iter().collect();
    while !left.is_empty() {
        let before = left.len();
        let mut rest = Vec::new();
        for c in left {
            let ready = c.parent.as_deref().is_none_or(|p| placed.contains(p));
            if !ready {
                rest.push(c);
                continue;
            }
            let root = c.parent.is_none();
            out.push(Component {
                id: ids[c.key.as_str()].clone(),
                screen: screen.to_string(),
                parent: match &c.parent {
                    Some(p) => Some(ids[p.as_str()].clone()),
                    None => parent.map(str::to_string),
                },
                kind: c.kind,
                part: Some(part.id.clone()),
                name: c.name.clone(),
                text: c.text.clone(),
                x: if root { x + c.x } else { c.x },
                y: if root { y + c.y } else { c.y },
                w: c.w,
                h: c.h,
                order: c.order,
                layout: c.layout,
                props: c.props.clone(),
                binding: None,
            });
            placed.insert(c.key.as_str());
        }
        if rest.len() == before {
            // Parents the part has not (a checked part has none): dropped, with their subtree.
            break;
        }
        left = rest;
    }
    out
}

/// A new part made of `selection` (component ids of `prototype`) and everything inside
/// them: the selected components that are not inside another selected one become the
/// part's roots, moved so that their bounding box starts at 0,0. Bindings are not kept (a
/// part serves every workspace; a binding names one workspace's domain model).
pub fn part_from_selection(
    prototype: &crate::prototype::Prototype,
    selection: &[String],
    id: String,
    category: PartCategory,
    name_zh: String,
    name_en: String,
    description: Option<String>,
) -> Result<Part, ModelError> {
    let by_id = crate::prototype::by_id(prototype);
    let chosen: BTreeSet<&str> = selection.iter().map(String::as_str).collect();
    for s in &chosen {
        if !by_id.contains_key(s) {
            return Err(ModelError::NoSuchElement(s.to_string()));
        }
    }
    // A selected component inside another selected one comes with it.
    let inside_chosen = |c: &Component| {
        let mut at = c.parent.as_deref();
        let mut steps = 0;
        while let Some(p) = at {
            if chosen.contains(p) {
                return true;
            }
            steps += 1;
            if steps > by_id.len() {
                return false;
            }
            at = by_id.get(p).and_then(|q| q.parent.as_deref());
        }
        false
    };
    let roots: Vec<&Component> = prototype
        .components
        .iter()
        .filter(|c| chosen.contains(c.id.as_str()) && !inside_chosen(c))
        .collect();
    if roots.is_empty() {
        return Err(ModelError::InvalidEdit(
            "a part needs at least one component".into(),
        ));
    }
    if roots.iter().any(|r| r.screen != roots[0].screen) {
        return Err(ModelError::InvalidEdit(
            "a part is made of components of one screen".into(),
        ));
    }
    // Roots in screen coordinates: their parents' offsets added (a selection may be nested).
    let absolute = |c: &Component| {
        let (mut x, mut y) = (c.x, c.y);
        let mut at = c.parent.as_deref();
        let mut steps = 0;
        while let Some(p) = at.and_then(|p| by_id.get(p)) {
            x += p.x;
            y += p.y;
            at = p.parent.as_deref();
            steps += 1;
            if steps > by_id.len() {
                break;
            }
        }
        (x, y)
    };
    let (min_x, min_y) = roots
        .iter()
        .fold((f64::INFINITY, f64::INFINITY), |(mx, my), r| {
            let (x, y) = absolute(r);
            (mx.min(x), my.min(y))
        });
    let mut components = Vec::new();
    let mut queue: Vec<(&Component, bool)> = roots.iter().map(|r| (*r, true)).collect();
    let mut seen = BTreeSet::new();
    while let Some((c, root)) = queue.pop() {
        if !seen.insert(c.id.as_str()) {
            continue;
        }
        let (x, y) = if root {
            let (ax, ay) = absolute(c);
            (ax - min_x, ay - min_y)
        } else {
            (c.x, c.y)
        };
        components.push(PartComponent {
            key: c.id.clone(),
            parent: if root { None } else { c.parent.clone() },
            kind: c.kind,
            name: c.name.clone(),
            text: c.text.clone(),
            x,
            y,
            w: c.w,
            h: c.h,
            order: c.order,
            layout: c.layout,
            props: c.props.clone(),
        });
        queue.extend(
            prototype
                .components
                .iter()
                .filter(|k| k.parent.as_deref() == Some(c.id.as_str()))
                .map(|k| (k, false)),
        );
    }
    let part = Part {
        id,
        category,
        name_zh,
        name_en,
        description,
        keywords: Vec::new(),
        components,
        contract: None,
        template: None,
    };
    check_part(&part)?;
    Ok(part)
}

/// What a template starts: its flows (titled), its domain model, its prototype.
pub type Started = (
    Vec<(String, crate::Flow)>,
    crate::domain::DomainModel,
    crate::prototype::Prototype,
);

/// What a template starts, as documents: its business flows (a start event, a task per
/// step, an end event), a domain model (one bounded context; per entity an aggregate whose
/// root it is, its attributes, the commands the aggregate handles) and a prototype (its
/// screens with their components, bindings and actions). The prototype names the domain
/// model as `domain_document` (an import points it at the new document).
pub fn instantiate(part: &Part, domain_document: &str) -> Result<Started, ModelError> {
    use crate::domain::{Attribute, BoundedContext, DataType, DomainElement, ElementKind};
    use crate::prototype::{Action, ActionStep, Binding, FieldType, Prototype, Screen};
    use crate::{EdgeKind, FlowEdge, FlowNode, NodeKind};
    let Some(t) = &part.template else {
        return Err(ModelError::InvalidEdit(format!(
            "part {} is not a template",
            part.id
        )));
    };
    check_template(&part.id, t)?;

    let flows = t
        .flows
        .iter()
        .map(|f| {
            let mut nodes = vec![FlowNode::new(
                "start",
                NodeKind::StartEvent,
                "",
                80.0,
                100.0,
            )];
            for (i, step) in f.steps.iter().enumerate() {
                nodes.push(FlowNode::new(
                    format!("task{}", i + 1),
                    NodeKind::UserTask,
                    step.clone(),
                    180.0 + i as f64 * 170.0,
                    78.0,
                ));
            }
            nodes.push(FlowNode::new(
                "end",
                NodeKind::EndEvent,
                "",
                180.0 + f.steps.len() as f64 * 170.0,
                100.0,
            ));
            let edges = nodes
                .windows(2)
                .enumerate()
                .map(|(i, w)| {
                    FlowEdge::new(format!("e{i}"), EdgeKind::SequenceFlow, &w[0].id, &w[1].id)
                })
                .collect();
            (
                f.name.clone(),
                crate::Flow {
                    nodes,
                    edges,
                    lanes: Vec::new(),
                },
            )
        })
        .collect();

    let mut m = crate::domain::DomainModel::default();
    let width = 420.0 * t.entities.len().max(1) as f64 + 40.0;
    m.contexts.push(BoundedContext {
        id: "ctx".into(),
        name: part.name_zh.clone(),
        subdomain: None,
        vision: part.description.clone(),
        x: 40.0,
        y: 40.0,
        w: width,
        h: 420.0,
        kept: None,
    });
    // Names to ids, for the bindings and actions.
    let mut entity_ids: BTreeMap<&str, String> = BTreeMap::new();
    let mut attribute_ids: BTreeMap<(&str, &str), String> = BTreeMap::new();
    let mut command_ids: BTreeMap<&str, String> = BTreeMap::new();
    for (i, e) in t.entities.iter().enumerate() {
        let (agg, ent) = (format!("agg{i}"), format!("ent{i}"));
        let x = 20.0 + i as f64 * 420.0;
        let mut a = DomainElement::new(&agg, "ctx", ElementKind::Aggregate, &e.name, x, 20.0);
        a.root = Some(ent.clone());
        let mut en = DomainElement::new(&ent, "ctx", ElementKind::Entity, &e.name, x + 20.0, 60.0);
        en.aggregate = Some(agg.clone());
        m.elements.push(a);
        m.elements.push(en);
        for (j, f) in e.attributes.iter().enumerate() {
            let id = format!("attr{i}_{j}");
            let data_type = match f.field_type {
                FieldType::String | FieldType::Binary => DataType::Text,
                FieldType::Integer => DataType::Integer,
                FieldType::Number => DataType::Decimal,
                FieldType::Boolean => DataType::Boolean,
                FieldType::Date => DataType::Date,
                FieldType::DateTime => DataType::DateTime,
            };
            let mut attr = Attribute::new(&id, &ent, &f.name, data_type, j as f64 + 1.0);
            attr.required = f.required;
            attr.identifier = j == 0;
            attr.description = f.description.clone();
            attribute_ids.insert((e.name.as_str(), f.name.as_str()), id);
            m.attributes.push(attr);
        }
        for (k, c) in e.commands.iter().enumerate() {
            let id = format!("cmd{i}_{k}");
            let mut cmd = DomainElement::new(
                &id,
                "ctx",
                ElementKind::Command,
                c,
                x + k as f64 * 150.0,
                280.0,
            );
            cmd.handled_by = Some(agg.clone());
            command_ids.insert(c.as_str(), id);
            m.elements.push(cmd);
        }
        entity_ids.insert(e.name.as_str(), ent);
    }
    let m = crate::domain::DomainModel::from_records(m.into_records());

    let mut p = Prototype::default();
    let cid = |s: &TemplateScreen, k: &str| format!("{}_{k}", s.key);
    for (i, s) in t.screens.iter().enumerate() {
        let mut screen = Screen::new(&s.key, &s.name, s.device, i as f64 * 475.0, 0.0);
        screen.start = i == 0;
        p.screens.push(screen);
        for c in &s.components {
            let binding = s
                .bindings
                .iter()
                .find(|b| b.component == c.key)
                .and_then(|b| {
                    Some(Binding {
                        document: domain_document.to_string(),
                        entity: entity_ids.get(b.entity.as_str())?.clone(),
                        attribute: match &b.attribute {
                            Some(a) => {
                                Some(attribute_ids.get(&(b.entity.as_str(), a.as_str()))?.clone())
                            }
                            None => None,
                        },
                        collection: b.collection,
                    })
                });
            p.components.push(crate::prototype::Component {
                id: cid(s, &c.key),
                screen: s.key.clone(),
                parent: c.parent.as_ref().map(|k| cid(s, k)),
                kind: c.kind,
                part: Some(part.id.clone()),
                name: c.name.clone(),
                text: c.text.clone(),
                x: c.x,
                y: c.y,
                w: c.w,
                h: c.h,
                order: c.order,
                layout: c.layout,
                props: c.props.clone(),
                binding,
            });
        }
        for a in &s.actions {
            let mut steps = Vec::new();
            let mut success = None;
            match (&a.command, &a.screen) {
                (Some(c), to) => {
                    if let Some(id) = command_ids.get(c.as_str()) {
                        steps.push(ActionStep::Command {
                            document: domain_document.to_string(),
                            command: id.clone(),
                        });
                    }
                    success = to.clone();
                }
                (None, Some(to)) => steps.push(ActionStep::Navigate { screen: to.clone() }),
                (None, None) => {}
            }
            p.actions.push(Action {
                id: format!("{}_act", cid(s, &a.component)),
                component: cid(s, &a.component),
                name: None,
                steps,
                success,
                failure: None,
            });
        }
    }
    Ok((flows, m, Prototype::from_records(p.into_records())))
}
