//! The sandbox prototype (沙箱原型): screens on a storyboard, components placed in them
//! (freely, or in stacks that reflow), bound to the domain model, with actions that navigate,
//! call domain commands or use capabilities of the shelf, and walks recorded in the player.
//! A record kind on the [`record`](crate::record) kernel: edits, undo, patches and merges are
//! the kernel's; this module holds the records, the structural rules of a write, what goes
//! with a removed record, and the derivations (typed links, Given/When/Then).
//!
//! Layout: `{ schema, schemaVersion, links, screens, components, actions, walks }`, each a
//! map `{id: record}`. Every component is a record of its own, so one person moving a
//! component while another edits its label, or two people adding components to one screen,
//! merge without loss (each field is its own Automerge key).
//!
//! - [`Screen`]: a frame on the storyboard (`x`, `y`), sized for a device (`w`, `h`).
//! - [`Component`]: on a screen, inside a container component or at the screen's top level,
//!   at `x`, `y` relative to its parent (a stack lays its children out by `order` instead).
//!   `part` names the shelf part it was placed from: a placed part is *copied* into the
//!   screen's components, so a part removed from the shelf keeps working where it is used.
//!   `binding` ties it to the domain model by ids (document, entity, attribute): a renamed
//!   attribute is followed, a deleted one is a problem (validation, never a crash).
//! - [`Action`]: what a trigger component (a button, a list row) does: steps run in order
//!   (navigate, call a domain command, use a capability whose contract the step carries as a
//!   copy), then on success go to a screen, on failure show a message.
//! - [`Walk`]: a recorded walk through the player, which reads as Given/When/Then
//!   ([`gherkin`]); a story links to it by its id.
//!
//! Links: a screen `shows` the entities its components bind, an action `invokes` the domain
//! commands its steps call. They are derived from the bindings and steps ([`derived_links`]),
//! not stored, so that they can never disagree with what the screens say, merge as the
//! bindings do, and follow undo.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use automerge::{Automerge, ReadDoc};
use serde::{Deserialize, Serialize};

use crate::links::{Link, LinkKind};
use crate::record::{Record, RecordKind, RecordOp, RecordPatch, Records};
use crate::schema::{DocKind, ModelError};

pub const SCREENS: &str = "screens";
pub const COMPONENTS: &str = "components";
pub const ACTIONS: &str = "actions";
pub const WALKS: &str = "walks";

/// The device a screen is drawn for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Device {
    /// 375 x 812.
    Phone,
    /// 768 x 1024.
    Tablet,
    /// 1440 x 900.
    Desktop,
    /// Any size.
    Custom,
}

impl Device {
    /// The device's size (width, height); `None` for a custom screen.
    pub fn size(self) -> Option<(f64, f64)> {
        match self {
            Device::Phone => Some((375.0, 812.0)),
            Device::Tablet => Some((768.0, 1024.0)),
            Device::Desktop => Some((1440.0, 900.0)),
            Device::Custom => None,
        }
    }
}

/// A screen (页面): a frame on the storyboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Screen {
    pub id: String,
    pub name: String,
    pub device: Device,
    /// Its place on the storyboard.
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub x: f64,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub y: f64,
    /// The device size (or any size for a custom screen).
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub w: f64,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub h: f64,
    /// Where the player starts. When no screen is marked, the first screen of the storyboard
    /// (top to bottom, left to right) is the start.
    #[serde(default)]
    pub start: bool,
    pub description: Option<String>,
}

impl Screen {
    /// A new screen at (x, y) sized for `device` (a custom screen gets the phone's size).
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        device: Device,
        x: f64,
        y: f64,
    ) -> Screen {
        let (w, h) = device.size().unwrap_or((375.0, 812.0));
        Screen {
            id: id.into(),
            name: name.into(),
            device,
            x,
            y,
            w,
            h,
            start: false,
            description: None,
        }
    }
}

/// What a component is: the UI component kinds of the shelf. A business component of the
/// shelf is placed as a tree of these (a card holding texts and buttons, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum ComponentKind {
    Text,
    Heading,
    /// An image placeholder.
    Image,
    Button,
    Input,
    Select,
    Date,
    Checkbox,
    Table,
    /// A list; its children are the row template, repeated once per row.
    List,
    Card,
    Tabs,
    /// A form; bound to an entity, its fields come from the entity's attributes.
    Form,
    /// A chart placeholder.
    Chart,
    NavBar,
    TabBar,
    Dialog,
    /// Lays its children out in a row or a column (`layout`), by `order`; they reflow.
    Stack,
    Group,
}

impl ComponentKind {
    pub const ALL: [ComponentKind; 19] = [
        ComponentKind::Text,
        ComponentKind::Heading,
        ComponentKind::Image,
        ComponentKind::Button,
        ComponentKind::Input,
        ComponentKind::Select,
        ComponentKind::Date,
        ComponentKind::Checkbox,
        ComponentKind::Table,
        ComponentKind::List,
        ComponentKind::Card,
        ComponentKind::Tabs,
        ComponentKind::Form,
        ComponentKind::Chart,
        ComponentKind::NavBar,
        ComponentKind::TabBar,
        ComponentKind::Dialog,
        ComponentKind::Stack,
        ComponentKind::Group,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ComponentKind::Text => "text",
            ComponentKind::Heading => "heading",
            ComponentKind::Image => "image",
            ComponentKind::Button => "button",
            ComponentKind::Input => "input",
            ComponentKind::Select => "select",
            ComponentKind::Date => "date",
            ComponentKind::Checkbox => "checkbox",
            ComponentKind::Table => "table",
            ComponentKind::List => "list",
            ComponentKind::Card => "card",
            ComponentKind::Tabs => "tabs",
            ComponentKind::Form => "form",
            ComponentKind::Chart => "chart",
            ComponentKind::NavBar => "navBar",
            ComponentKind::TabBar => "tabBar",
            ComponentKind::Dialog => "dialog",
            ComponentKind::Stack => "stack",
            ComponentKind::Group => "group",
        }
    }

    /// Kinds that hold other components.
    pub fn is_container(self) -> bool {
        matches!(
            self,
            ComponentKind::Stack
                | ComponentKind::Group
                | ComponentKind::Form
                | ComponentKind::Card
                | ComponentKind::Dialog
                | ComponentKind::Tabs
                | ComponentKind::List
        )
    }

    /// Kinds a person types or picks a value into (a form field).
    pub fn is_field(self) -> bool {
        matches!(
            self,
            ComponentKind::Input
                | ComponentKind::Select
                | ComponentKind::Date
                | ComponentKind::Checkbox
        )
    }

    /// Kinds that show a collection of rows.
    pub fn is_collection(self) -> bool {
        matches!(self, ComponentKind::Table | ComponentKind::List)
    }
}

/// The direction a stack lays its children out in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    Row,
    Column,
}

/// How a stack lays its children out: by `order`, one after the other, `gap` apart, inside
/// `padding`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct StackLayout {
    pub direction: Direction,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub gap: f64,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub padding: f64,
}

/// What a component is bound to in a domain model, by ids (a renamed entity or attribute is
/// followed; a deleted one is a problem).
///
/// - a form: an entity (`attribute` absent): its fields come from the entity's attributes;
/// - a field (input, select, date, checkbox): an attribute of an entity;
/// - a table or list: a collection of an entity (`collection` true);
/// - a text or heading: an attribute, shown from the current row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Binding {
    /// The domain model document (its automerge-repo id).
    pub document: String,
    /// The entity (or value object, read model) element id.
    pub entity: String,
    /// The attribute id, when the component shows one attribute.
    pub attribute: Option<String>,
    /// The component shows the entity's rows rather than one.
    #[serde(default)]
    pub collection: bool,
}

/// A component (组件) on a screen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Component {
    pub id: String,
    pub screen: String,
    /// The container component holding it; absent at the screen's top level.
    pub parent: Option<String>,
    pub kind: ComponentKind,
    /// The shelf part it was placed from (informational: the part was copied).
    pub part: Option<String>,
    pub name: String,
    /// What it says: a text's text, a button's or field's label, a heading. `{{name}}`
    /// placeholders name attributes of the current row (inside a list's row template, or
    /// on a screen opened from a row), e.g. `{{姓名}}`.
    pub text: Option<String>,
    /// Relative to its parent (or the screen); a stack's children are laid out by `order`.
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub x: f64,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub y: f64,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub w: f64,
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub h: f64,
    /// Position among its siblings (fractional, so inserts between two merge).
    #[serde(default)]
    #[cfg_attr(feature = "specta", specta(type = i32))]
    pub order: f64,
    /// Stacks: how they lay their children out.
    pub layout: Option<StackLayout>,
    /// A small free map: `placeholder`, `options` (comma-separated), `icon`, `variant`…
    #[serde(default)]
    pub props: BTreeMap<String, String>,
    pub binding: Option<Binding>,
}

impl Component {
    /// A new top-level component of `kind` on `screen`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: impl Into<String>,
        screen: impl Into<String>,
        kind: ComponentKind,
        name: impl Into<String>,
        x: f64,
        y: f64,
        w: f64,
        h: f64,
    ) -> Component {
        Component {
            id: id.into(),
            screen: screen.into(),
            parent: None,
            kind,
            part: None,
            name: name.into(),
            text: None,
            x,
            y,
            w,
            h,
            order: 0.0,
            layout: None,
            props: BTreeMap::new(),
            binding: None,
        }
    }
}

/// A field of a service contract's request or response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum FieldType {
    String,
    Integer,
    Number,
    Boolean,
    Date,
    DateTime,
    /// Bytes (an image, a file), sent base64-encoded.
    Binary,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ContractField {
    pub name: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    #[serde(default)]
    pub required: bool,
    pub description: Option<String>,
    /// What the player answers with when it plays the capability.
    pub example: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ContractError {
    pub code: String,
    pub message_zh: String,
    pub message_en: String,
}

/// A capability's service contract (服务契约): one operation, its request and response
/// fields, and the errors it may answer with. OpenAPI export writes it as one operation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ServiceContract {
    /// The operation's name (an identifier, e.g. `sendSmsCode`).
    pub operation: String,
    pub summary: Option<String>,
    #[serde(default)]
    pub request: Vec<ContractField>,
    #[serde(default)]
    pub response: Vec<ContractField>,
    #[serde(default)]
    pub errors: Vec<ContractError>,
}

/// One step of an action.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "step", rename_all = "camelCase")]
pub enum ActionStep {
    /// Go to a screen.
    Navigate { screen: String },
    /// Go back to the screen before.
    Back,
    /// Call a command of a domain model (with the values of the form around the trigger).
    Command { document: String, command: String },
    /// Use a capability of the shelf. The step carries a copy of the part's contract, so a
    /// part removed from the shelf keeps working here.
    Capability {
        part: String,
        contract: ServiceContract,
    },
    /// Show a message.
    Message { text: String },
}

/// An action (交互): what a trigger component does when used.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Action {
    pub id: String,
    /// The trigger: a button, a list or table (a row of it), any component.
    pub component: String,
    pub name: Option<String>,
    /// Run in order; the first that fails stops the action.
    #[serde(default)]
    pub steps: Vec<ActionStep>,
    /// When every step succeeded: the screen to go to.
    pub success: Option<String>,
    /// When a step failed: the message to show (the failing step's own message otherwise).
    pub failure: Option<String>,
}

/// What happened in one step of a walk through the player.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum WalkStepKind {
    /// A screen showed (the first: where the walk starts).
    Visit,
    /// A value typed or picked into a field.
    Fill,
    /// A trigger used.
    Click,
    /// Something the person checked on the screen (a row, a message), in `value`.
    See,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct WalkStep {
    pub kind: WalkStepKind,
    pub screen: String,
    pub component: Option<String>,
    pub value: Option<String>,
}

/// A walk (走查) recorded in the player; it reads as Given/When/Then acceptance criteria.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Walk {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub steps: Vec<WalkStep>,
}

/// Any record of a sandbox prototype document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "record", rename_all = "camelCase")]
pub enum PrototypeRecord {
    Screen(Screen),
    Component(Component),
    Action(Action),
    Walk(Walk),
}

impl Record for PrototypeRecord {
    fn id(&self) -> &str {
        match self {
            PrototypeRecord::Screen(r) => &r.id,
            PrototypeRecord::Component(r) => &r.id,
            PrototypeRecord::Action(r) => &r.id,
            PrototypeRecord::Walk(r) => &r.id,
        }
    }

    fn collection(&self) -> &'static str {
        match self {
            PrototypeRecord::Screen(_) => SCREENS,
            PrototypeRecord::Component(_) => COMPONENTS,
            PrototypeRecord::Action(_) => ACTIONS,
            PrototypeRecord::Walk(_) => WALKS,
        }
    }
}

pub type PrototypeOp = RecordOp<PrototypeRecord>;
pub type PrototypePatch = RecordPatch<PrototypeRecord>;

/// The sandbox prototype as a [`RecordKind`].
pub struct SandboxPrototype;

impl RecordKind for SandboxPrototype {
    const DOC: DocKind = DocKind::SandboxPrototype;
    const COLLECTIONS: &'static [&'static str] = &[SCREENS, COMPONENTS, ACTIONS, WALKS];
    type Record = PrototypeRecord;

    fn check(doc: &Records<'_, impl ReadDoc>, record: &PrototypeRecord) -> Result<(), ModelError> {
        match record {
            PrototypeRecord::Screen(s) => {
                nonempty(&s.name, &s.id)?;
                sizes(&[s.x, s.y], &[s.w, s.h])
            }
            PrototypeRecord::Component(c) => {
                sizes(&[c.x, c.y, c.order], &[c.w, c.h])?;
                if let Some(l) = &c.layout
                    && !(l.gap.is_finite()
                        && l.gap >= 0.0
                        && l.padding.is_finite()
                        && l.padding >= 0.0)
                {
                    return Err(ModelError::InvalidEdit(format!(
                        "the stack layout of {} needs a finite gap and padding, not negative",
                        c.id
                    )));
                }
                if !matches!(
                    doc.get::<PrototypeRecord>(&c.screen)?,
                    Some(PrototypeRecord::Screen(_))
                ) {
                    return Err(ModelError::InvalidEdit(format!(
                        "{} is not a screen",
                        c.screen
                    )));
                }
                if let Some(b) = &c.binding
                    && (b.document.is_empty() || b.entity.is_empty())
                {
                    return Err(ModelError::InvalidEdit(format!(
                        "the binding of {} needs a document and an entity",
                        c.id
                    )));
                }
                let Some(parent) = &c.parent else {
                    return Ok(());
                };
                // The parent must be a container on the same screen, and not inside the
                // component itself.
                let mut at = parent.clone();
                let mut seen = BTreeSet::new();
                loop {
                    if at == c.id {
                        return Err(ModelError::InvalidEdit(format!(
                            "{} cannot be placed inside itself",
                            c.id
                        )));
                    }
                    if !seen.insert(at.clone()) {
                        // A cycle among others (made by concurrent edits): not this edit's.
                        return Ok(());
                    }
                    let Some(PrototypeRecord::Component(p)) = doc.get::<PrototypeRecord>(&at)?
                    else {
                        return Err(ModelError::InvalidEdit(format!("{at} is not a component")));
                    };
                    if at == *parent {
                        if !p.kind.is_container() {
                            return Err(ModelError::InvalidEdit(format!(
                                "{} ({}) holds no components",
                                p.id,
                                p.kind.as_str()
                            )));
                        }
                        if p.screen != c.screen {
                            return Err(ModelError::InvalidEdit(format!(
                                "{} is on another screen than {}",
                                p.id, c.id
                            )));
                        }
                    }
                    match p.parent {
                        Some(next) => at = next,
                        None => return Ok(()),
                    }
                }
            }
            PrototypeRecord::Action(a) => {
                if !matches!(
                    doc.get::<PrototypeRecord>(&a.component)?,
                    Some(PrototypeRecord::Component(_))
                ) {
                    return Err(ModelError::InvalidEdit(format!(
                        "{} is not a component",
                        a.component
                    )));
                }
                let is_screen = |id: &str| -> Result<(), ModelError> {
                    match doc.get::<PrototypeRecord>(id)? {
                        Some(PrototypeRecord::Screen(_)) => Ok(()),
                        _ => Err(ModelError::InvalidEdit(format!("{id} is not a screen"))),
                    }
                };
                for step in &a.steps {
                    match step {
                        ActionStep::Navigate { screen } => is_screen(screen)?,
                        ActionStep::Command { document, command } => {
                            if document.is_empty() || command.is_empty() {
                                return Err(ModelError::InvalidEdit(
                                    "a command step needs a document and a command".into(),
                                ));
                            }
                        }
                        ActionStep::Capability { part, contract } => {
                            if part.is_empty() || contract.operation.trim().is_empty() {
                                return Err(ModelError::InvalidEdit(
                                    "a capability step needs a part and its contract".into(),
                                ));
                            }
                        }
                        ActionStep::Back | ActionStep::Message { .. } => {}
                    }
                }
                if let Some(s) = &a.success {
                    is_screen(s)?;
                }
                Ok(())
            }
            PrototypeRecord::Walk(w) => nonempty(&w.name, &w.id),
        }
    }

    fn dependents(
        doc: &Records<'_, impl ReadDoc>,
        removed: &PrototypeRecord,
    ) -> Result<Vec<PrototypeRecord>, ModelError> {
        Ok(match removed {
            // A screen takes its components (and they their actions).
            PrototypeRecord::Screen(s) => doc
                .all::<PrototypeRecord>(COMPONENTS)?
                .into_iter()
                .filter(|r| matches!(r, PrototypeRecord::Component(c) if c.screen == s.id))
                .collect(),
            // A component takes its children and its actions.
            PrototypeRecord::Component(c) => {
                let mut out: Vec<PrototypeRecord> = doc
                    .all::<PrototypeRecord>(COMPONENTS)?
                    .into_iter()
                    .filter(|r| {
                        matches!(r, PrototypeRecord::Component(k) if k.parent.as_deref() == Some(c.id.as_str()))
                    })
                    .collect();
                out.extend(
                    doc.all::<PrototypeRecord>(ACTIONS)?
                        .into_iter()
                        .filter(|r| matches!(r, PrototypeRecord::Action(a) if a.component == c.id)),
                );
                out
            }
            PrototypeRecord::Action(_) | PrototypeRecord::Walk(_) => Vec::new(),
        })
    }
}

use crate::record::{nonempty, sizes};

/// Writes the root of a new prototype document. Call once, when it is created.
pub fn init(doc: &mut Automerge) -> Result<(), ModelError> {
    crate::record::init::<SandboxPrototype>(doc)
}

/// Applies `ops` as one change (see [`crate::record::apply`]).
pub fn apply(
    doc: &mut Automerge,
    ops: &[PrototypeOp],
) -> Result<crate::record::Applied<PrototypeRecord>, ModelError> {
    crate::record::apply::<SandboxPrototype>(doc, ops)
}

/// The whole prototype, grouped by record type.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Prototype {
    /// Sorted by id.
    pub screens: Vec<Screen>,
    /// Sorted by screen, parent, order, id.
    pub components: Vec<Component>,
    pub actions: Vec<Action>,
    pub walks: Vec<Walk>,
}

impl Prototype {
    pub fn from_records(records: impl IntoIterator<Item = PrototypeRecord>) -> Prototype {
        let mut p = Prototype::default();
        for r in records {
            match r {
                PrototypeRecord::Screen(x) => p.screens.push(x),
                PrototypeRecord::Component(x) => p.components.push(x),
                PrototypeRecord::Action(x) => p.actions.push(x),
                PrototypeRecord::Walk(x) => p.walks.push(x),
            }
        }
        p.screens.sort_by(|a, b| a.id.cmp(&b.id));
        p.components.sort_by(|a, b| {
            (a.screen.as_str(), a.parent.as_deref().unwrap_or(""))
                .cmp(&(b.screen.as_str(), b.parent.as_deref().unwrap_or("")))
                .then(a.order.total_cmp(&b.order))
                .then(a.id.cmp(&b.id))
        });
        p.actions.sort_by(|a, b| a.id.cmp(&b.id));
        p.walks.sort_by(|a, b| a.id.cmp(&b.id));
        p
    }

    /// Every record, parents before their children (the order `Add` ops need).
    pub fn into_records(self) -> Vec<PrototypeRecord> {
        let mut out: Vec<PrototypeRecord> = self
            .screens
            .into_iter()
            .map(PrototypeRecord::Screen)
            .collect();
        // Components: a parent before its children, whatever their sort order.
        let ids: BTreeSet<String> = self.components.iter().map(|c| c.id.clone()).collect();
        let mut placed: BTreeSet<String> = BTreeSet::new();
        let mut left = self.components;
        while !left.is_empty() {
            let (ready, rest): (Vec<Component>, Vec<Component>) =
                left.into_iter().partition(|c| match &c.parent {
                    None => true,
                    Some(p) => placed.contains(p) || !ids.contains(p),
                });
            if ready.is_empty() {
                // A parent cycle: write them anyway (the kernel refuses what is wrong).
                out.extend(rest.into_iter().map(PrototypeRecord::Component));
                break;
            }
            for c in ready {
                placed.insert(c.id.clone());
                out.push(PrototypeRecord::Component(c));
            }
            left = rest;
        }
        out.extend(self.actions.into_iter().map(PrototypeRecord::Action));
        out.extend(self.walks.into_iter().map(PrototypeRecord::Walk));
        out
    }

    pub fn screen(&self, id: &str) -> Option<&Screen> {
        self.screens.iter().find(|s| s.id == id)
    }

    pub fn component(&self, id: &str) -> Option<&Component> {
        self.components.iter().find(|c| c.id == id)
    }

    /// Where the player starts: the screens marked `start`, else the first screen of the
    /// storyboard (top to bottom, left to right).
    pub fn start_screens(&self) -> Vec<&Screen> {
        let marked: Vec<&Screen> = self.screens.iter().filter(|s| s.start).collect();
        if !marked.is_empty() {
            return marked;
        }
        self.screens
            .iter()
            .min_by(|a, b| {
                a.y.total_cmp(&b.y)
                    .then(a.x.total_cmp(&b.x))
                    .then(a.id.cmp(&b.id))
            })
            .into_iter()
            .collect()
    }

    /// The screen each component is on, through its parents (a component's own `screen`
    /// field names it; this is the same, indexed).
    pub fn components_of<'a>(&'a self, screen: &'a str) -> impl Iterator<Item = &'a Component> {
        self.components.iter().filter(move |c| c.screen == screen)
    }
}

/// Reads the whole prototype.
pub fn read(doc: &Automerge) -> Result<Prototype, ModelError> {
    Ok(Prototype::from_records(crate::record::read::<
        SandboxPrototype,
    >(doc)?))
}

/// The display name and kind of record `id`, if the document has it.
pub fn element_name(doc: &Automerge, id: &str) -> Result<Option<(String, String)>, ModelError> {
    let records = Records::open(doc, SandboxPrototype::COLLECTIONS)?;
    Ok(records.get::<PrototypeRecord>(id)?.map(|r| describe(&r)))
}

/// A record's name and what it is (`screen`, a component kind, `action`, `walk`).
pub fn describe(r: &PrototypeRecord) -> (String, String) {
    match r {
        PrototypeRecord::Screen(s) => (s.name.clone(), "screen".into()),
        PrototypeRecord::Component(c) => {
            let name = if c.name.trim().is_empty() {
                c.text
                    .clone()
                    .unwrap_or_else(|| c.kind.as_str().to_string())
            } else {
                c.name.clone()
            };
            (name, c.kind.as_str().into())
        }
        PrototypeRecord::Action(a) => (a.name.clone().unwrap_or_default(), "action".into()),
        PrototypeRecord::Walk(w) => (w.name.clone(), "walk".into()),
    }
}

/// The typed links the prototype implies: each screen `shows` the entities its components
/// bind (once per screen and entity), each action `invokes` the commands its steps call.
/// Their ids start with `derived:`; they are computed, never stored.
pub fn derived_links(p: &Prototype) -> Vec<Link> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for c in &p.components {
        if let Some(b) = &c.binding
            && seen.insert((c.screen.clone(), b.document.clone(), b.entity.clone()))
        {
            out.push(Link {
                id: format!("derived:shows:{}:{}", c.screen, b.entity),
                kind: LinkKind::Shows,
                from: c.screen.clone(),
                to_document: b.document.clone(),
                to_element: b.entity.clone(),
            });
        }
    }
    for a in &p.actions {
        for s in &a.steps {
            if let ActionStep::Command { document, command } = s
                && seen.insert((a.id.clone(), document.clone(), command.clone()))
            {
                out.push(Link {
                    id: format!("derived:invokes:{}:{}", a.id, command),
                    kind: LinkKind::Invokes,
                    from: a.id.clone(),
                    to_document: document.clone(),
                    to_element: command.clone(),
                });
            }
        }
    }
    out
}

/// A walk as Given/When/Then acceptance criteria, one line per step, in English or
/// Simplified Chinese (`zh`), with the names of screens and components as they are now.
pub fn gherkin(p: &Prototype, walk: &Walk, zh: bool) -> Vec<String> {
    let screen = |id: &str| {
        p.screen(id)
            .map(|s| s.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let component = |id: &Option<String>| match id {
        Some(id) => p
            .component(id)
            .map(|c| describe(&PrototypeRecord::Component(c.clone())).0)
            .unwrap_or_else(|| id.clone()),
        None => String::new(),
    };
    // Given: where the walk starts; When: what the person does; Then: what shows after.
    #[derive(PartialEq, Clone, Copy)]
    enum Phase {
        Start,
        Given,
        When,
        Then,
    }
    let mut phase = Phase::Start;
    let mut out = Vec::new();
    for step in &walk.steps {
        let (want, line) = match step.kind {
            WalkStepKind::Visit if phase == Phase::Start => (
                Phase::Given,
                if zh {
                    format!("我在「{}」页面", screen(&step.screen))
                } else {
                    format!("I am on the \"{}\" screen", screen(&step.screen))
                },
            ),
            WalkStepKind::Visit => (
                Phase::Then,
                if zh {
                    format!("我看到「{}」页面", screen(&step.screen))
                } else {
                    format!("I see the \"{}\" screen", screen(&step.screen))
                },
            ),
            WalkStepKind::Fill => {
                let v = step.value.clone().unwrap_or_default();
                (
                    Phase::When,
                    if zh {
                        format!("我在「{}」中填写「{v}」", component(&step.component))
                    } else {
                        format!("I fill in \"{}\" with \"{v}\"", component(&step.component))
                    },
                )
            }
            WalkStepKind::Click => (
                Phase::When,
                if zh {
                    format!("我点击「{}」", component(&step.component))
                } else {
                    format!("I press \"{}\"", component(&step.component))
                },
            ),
            WalkStepKind::See => {
                let v = step.value.clone().unwrap_or_default();
                (
                    Phase::Then,
                    match (&step.component, zh) {
                        (Some(_), true) => {
                            format!("我在「{}」中看到「{v}」", component(&step.component))
                        }
                        (Some(_), false) => {
                            format!("I see \"{v}\" in \"{}\"", component(&step.component))
                        }
                        (None, true) => format!("我看到「{v}」"),
                        (None, false) => format!("I see \"{v}\""),
                    },
                )
            }
        };
        // A phase keyword once; the steps after it in the same phase continue with "And".
        // Given comes first: a walk that starts with an action is given its screen.
        if phase == Phase::Start && want != Phase::Given {
            let first = if zh {
                format!("假如 我在「{}」页面", screen(&step.screen))
            } else {
                format!("Given I am on the \"{}\" screen", screen(&step.screen))
            };
            out.push(first);
            phase = Phase::Given;
        }
        let keyword = if want == phase {
            if zh { "而且" } else { "And" }
        } else {
            match (want, zh) {
                (Phase::Given, true) => "假如",
                (Phase::Given, false) => "Given",
                (Phase::When, true) => "当",
                (Phase::When, false) => "When",
                (Phase::Then, true) => "那么",
                (Phase::Then, false) => "Then",
                (Phase::Start, _) => "",
            }
        };
        // After a Then, a new When starts a new scenario step; Then after When is normal.
        phase = want;
        out.push(format!("{keyword} {line}"));
    }
    out
}

/// Index of components by id, for the checks and derivations that walk parents.
pub(crate) fn by_id(p: &Prototype) -> HashMap<&str, &Component> {
    p.components.iter().map(|c| (c.id.as_str(), c)).collect()
}

// ---- validation ---------------------------------------------------------------------------

/// What can be wrong in a prototype. A prototype with problems still opens, saves and plays
/// (a broken binding shows as such in the player).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum PrototypeProblemCode {
    /// A binding names a domain model that is not in the workspace (or cannot be read).
    BindingDocumentMissing,
    /// A binding names an entity the domain model no longer has.
    BindingEntityMissing,
    /// A binding names an attribute the entity no longer has.
    BindingAttributeMissing,
    /// A binding does not fit its component: a table or list bound to one row, a field
    /// bound to no attribute, a form bound to one attribute.
    BindingMismatch,
    /// A field inside a form binds an attribute of another entity than the form's.
    FieldOutsideFormEntity,
    /// A form's fields leave out a required attribute of its entity.
    FormMissingRequired,
    /// A form has no trigger that submits it (calls a command or a capability).
    FormWithoutSubmit,
    /// An action goes to a screen that no longer exists.
    TargetScreenMissing,
    /// An action calls a command its domain model no longer has (or the model is gone).
    CommandMissing,
    /// An action does nothing: no steps and no screen to go to.
    ActionWithoutSteps,
    /// No way leads to this screen from the start screen.
    UnreachableScreen,
    /// Two screens have the same name.
    DuplicateScreenName,
    /// A component lies wholly outside its screen or container.
    ComponentOutside,
    /// A record names one that no longer exists (its screen, parent or trigger, deleted by
    /// a peer), or parents form a cycle.
    DanglingReference,
}

impl PrototypeProblemCode {
    pub fn severity(self) -> crate::validate::Severity {
        use crate::validate::Severity;
        use PrototypeProblemCode::*;
        match self {
            BindingDocumentMissing
            | BindingEntityMissing
            | BindingAttributeMissing
            | TargetScreenMissing
            | CommandMissing
            | DanglingReference => Severity::Error,
            _ => Severity::Warning,
        }
    }

    /// The message in English or Simplified Chinese (`zh` true), naming the element.
    pub fn message(self, element: &str, zh: bool) -> String {
        use PrototypeProblemCode::*;
        match (self, zh) {
            (BindingDocumentMissing, false) => {
                format!("{element} is bound to a domain model that is not in this workspace")
            }
            (BindingDocumentMissing, true) => format!("{element} 绑定的领域模型不在此工作区中"),
            (BindingEntityMissing, false) => {
                format!("{element} is bound to an entity that no longer exists")
            }
            (BindingEntityMissing, true) => format!("{element} 绑定的实体已不存在"),
            (BindingAttributeMissing, false) => {
                format!("{element} is bound to an attribute that no longer exists")
            }
            (BindingAttributeMissing, true) => format!("{element} 绑定的属性已不存在"),
            (BindingMismatch, false) => format!("the binding of {element} does not fit it"),
            (BindingMismatch, true) => format!("{element} 的绑定与组件不相符"),
            (FieldOutsideFormEntity, false) => {
                format!("{element} binds an attribute of another entity than its form's")
            }
            (FieldOutsideFormEntity, true) => {
                format!("{element} 绑定的属性不属于其所在表单的实体")
            }
            (FormMissingRequired, false) => {
                format!("form {element} has no field for a required attribute")
            }
            (FormMissingRequired, true) => format!("表单 {element} 缺少必填属性的字段"),
            (FormWithoutSubmit, false) => format!("form {element} has no submit action"),
            (FormWithoutSubmit, true) => format!("表单 {element} 没有提交动作"),
            (TargetScreenMissing, false) => {
                format!("{element} goes to a screen that no longer exists")
            }
            (TargetScreenMissing, true) => format!("{element} 跳转的页面已不存在"),
            (CommandMissing, false) => {
                format!("{element} calls a command that no longer exists")
            }
            (CommandMissing, true) => format!("{element} 调用的命令已不存在"),
            (ActionWithoutSteps, false) => format!("action {element} does nothing"),
            (ActionWithoutSteps, true) => format!("交互 {element} 没有任何步骤"),
            (UnreachableScreen, false) => {
                format!("no way leads to screen {element} from the start screen")
            }
            (UnreachableScreen, true) => format!("从起始页面无法到达页面 {element}"),
            (DuplicateScreenName, false) => format!("another screen is also named {element}"),
            (DuplicateScreenName, true) => format!("另有页面也叫 {element}"),
            (ComponentOutside, false) => {
                format!("{element} lies outside its screen or container")
            }
            (ComponentOutside, true) => format!("{element} 位于其页面或容器之外"),
            (DanglingReference, false) => {
                format!("{element} refers to an element that no longer exists")
            }
            (DanglingReference, true) => format!("{element} 引用的元素已不存在"),
        }
    }
}

/// One problem, on one record of the prototype.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PrototypeProblem {
    pub code: PrototypeProblemCode,
    /// The screen, component or action the problem is on.
    pub element: String,
    /// The screen it shows on (for a component or action: its screen; empty when the
    /// record's screen is gone).
    pub screen: String,
    pub severity: crate::validate::Severity,
}

/// What validation needs from outside the prototype: the workspace's domain models by
/// document id (a binding to a document absent here is broken).
pub type DomainModels = BTreeMap<String, crate::domain::DomainModel>;

/// Checks the prototype against itself and the workspace's domain models; returns its
/// problems sorted and without duplicates. Never fails.
pub fn validate(p: &Prototype, domains: &DomainModels) -> Vec<PrototypeProblem> {
    use crate::domain::ElementKind;
    use PrototypeProblemCode::*;
    let comps = by_id(p);
    let screens: HashMap<&str, &Screen> = p.screens.iter().map(|s| (s.id.as_str(), s)).collect();
    let mut out = BTreeSet::new();
    let mut add = |code: PrototypeProblemCode, element: &str, screen: Option<&str>| {
        out.insert(PrototypeProblem {
            code,
            element: element.to_string(),
            screen: screen.unwrap_or_default().to_string(),
            severity: code.severity(),
        });
    };

    // Screens: names.
    let mut names: HashMap<String, Vec<&str>> = HashMap::new();
    for s in &p.screens {
        names
            .entry(s.name.trim().to_lowercase())
            .or_default()
            .push(&s.id);
    }
    for ids in names.values().filter(|ids| ids.len() > 1) {
        for id in ids {
            add(DuplicateScreenName, id, Some(id));
        }
    }

    // The form around a component, if any (the nearest).
    let form_of = |c: &Component| -> Option<&Component> {
        let mut at = c.parent.as_deref();
        let mut steps = 0;
        while let Some(id) = at {
            let k = comps.get(id)?;
            if k.kind == ComponentKind::Form {
                return Some(k);
            }
            at = k.parent.as_deref();
            steps += 1;
            if steps > comps.len() {
                return None;
            }
        }
        None
    };
    let entity_kinds = [
        ElementKind::Entity,
        ElementKind::ValueObject,
        ElementKind::ReadModel,
        ElementKind::Command,
        ElementKind::DomainEvent,
    ];

    for c in &p.components {
        let screen = Some(c.screen.as_str());
        let Some(s) = screens.get(c.screen.as_str()) else {
            add(DanglingReference, &c.id, None);
            continue;
        };
        // Parents exist, are on the screen, and end (no cycle from concurrent moves).
        let mut at = c.parent.as_deref();
        let mut steps = 0;
        let mut frame = (s.w, s.h);
        while let Some(id) = at {
            match comps.get(id) {
                Some(k) if k.screen == c.screen && steps <= comps.len() => {
                    if steps == 0 {
                        frame = (k.w, k.h);
                    }
                    at = k.parent.as_deref();
                }
                _ => {
                    add(DanglingReference, &c.id, screen);
                    break;
                }
            }
            steps += 1;
        }
        // Wholly outside its frame (a stack's children are laid out, not placed).
        let in_stack = c
            .parent
            .as_deref()
            .and_then(|id| comps.get(id))
            .is_some_and(|k| k.kind == ComponentKind::Stack || k.layout.is_some());
        if !in_stack && (c.x >= frame.0 || c.y >= frame.1 || c.x + c.w <= 0.0 || c.y + c.h <= 0.0) {
            add(ComponentOutside, &c.id, screen);
        }
        let Some(b) = &c.binding else {
            continue;
        };
        let fits = if c.kind.is_collection() {
            b.collection
        } else if c.kind.is_field() {
            b.attribute.is_some() && !b.collection
        } else if c.kind == ComponentKind::Form {
            b.attribute.is_none() && !b.collection
        } else {
            true
        };
        if !fits {
            add(BindingMismatch, &c.id, screen);
        }
        let Some(m) = domains.get(&b.document) else {
            add(BindingDocumentMissing, &c.id, screen);
            continue;
        };
        match m.element(&b.entity) {
            Some(e) if entity_kinds.contains(&e.kind) => {}
            _ => {
                add(BindingEntityMissing, &c.id, screen);
                continue;
            }
        }
        if let Some(a) = &b.attribute
            && !m
                .attributes
                .iter()
                .any(|x| x.id == *a && x.owner == b.entity)
        {
            add(BindingAttributeMissing, &c.id, screen);
        }
        if c.kind.is_field()
            && let Some(form) = form_of(c)
            && let Some(fb) = &form.binding
            && (fb.document != b.document || fb.entity != b.entity)
        {
            add(FieldOutsideFormEntity, &c.id, screen);
        }
    }

    // Actions: their trigger, targets and commands.
    let mut triggers: HashMap<&str, Vec<&Action>> = HashMap::new();
    for a in &p.actions {
        let Some(trigger) = comps.get(a.component.as_str()) else {
            add(DanglingReference, &a.id, None);
            continue;
        };
        let screen = Some(trigger.screen.as_str());
        triggers.entry(trigger.id.as_str()).or_default().push(a);
        if a.steps.is_empty() && a.success.is_none() {
            add(ActionWithoutSteps, &a.id, screen);
        }
        for step in &a.steps {
            match step {
                ActionStep::Navigate { screen: to } if !screens.contains_key(to.as_str()) => {
                    add(TargetScreenMissing, &a.id, screen)
                }
                ActionStep::Command { document, command } => {
                    let found = domains.get(document).and_then(|m| m.element(command));
                    if found.is_none_or(|e| e.kind != ElementKind::Command) {
                        add(CommandMissing, &a.id, screen);
                    }
                }
                _ => {}
            }
        }
        if let Some(to) = &a.success
            && !screens.contains_key(to.as_str())
        {
            add(TargetScreenMissing, &a.id, screen);
        }
    }

    // Forms: a submit, and a field for every required attribute. What is inside each form:
    // one walk up from every component (cost: components x depth).
    let mut inside_of: HashMap<&str, Vec<&Component>> = HashMap::new();
    for c in &p.components {
        let mut at = Some(c);
        let mut steps = 0;
        while let Some(k) = at {
            if k.kind == ComponentKind::Form {
                inside_of.entry(k.id.as_str()).or_default().push(c);
            }
            steps += 1;
            if steps > comps.len() {
                break;
            }
            at = k.parent.as_deref().and_then(|id| comps.get(id).copied());
        }
    }
    for form in p
        .components
        .iter()
        .filter(|c| c.kind == ComponentKind::Form)
    {
        let screen = Some(form.screen.as_str());
        let inside: Vec<&Component> = inside_of.remove(form.id.as_str()).unwrap_or_default();
        let submits = inside.iter().any(|c| {
            triggers.get(c.id.as_str()).is_some_and(|acts| {
                acts.iter().any(|a| {
                    a.steps.iter().any(|s| {
                        matches!(
                            s,
                            ActionStep::Command { .. } | ActionStep::Capability { .. }
                        )
                    })
                })
            })
        });
        if !submits {
            add(FormWithoutSubmit, &form.id, screen);
        }
        let fields: Vec<&Component> = inside
            .iter()
            .filter(|c| c.kind.is_field() && c.binding.is_some())
            .copied()
            .collect();
        if let Some(b) = &form.binding
            && !fields.is_empty()
            && let Some(m) = domains.get(&b.document)
        {
            let bound: BTreeSet<&str> = fields
                .iter()
                .filter_map(|f| f.binding.as_ref().and_then(|x| x.attribute.as_deref()))
                .collect();
            let missing = m
                .attributes_of(&b.entity)
                .any(|a| a.required && !a.identifier && !bound.contains(a.id.as_str()));
            if missing {
                add(FormMissingRequired, &form.id, screen);
            }
        }
    }

    // Screens reachable from the start: through the actions of their components.
    let mut leads: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for a in &p.actions {
        let Some(trigger) = comps.get(a.component.as_str()) else {
            continue;
        };
        let to = a
            .steps
            .iter()
            .filter_map(|s| match s {
                ActionStep::Navigate { screen } => Some(screen.as_str()),
                _ => None,
            })
            .chain(a.success.as_deref());
        leads.entry(trigger.screen.as_str()).or_default().extend(to);
    }
    let mut reached: BTreeSet<&str> = BTreeSet::new();
    let mut todo: Vec<&str> = p.start_screens().iter().map(|s| s.id.as_str()).collect();
    while let Some(s) = todo.pop() {
        if reached.insert(s)
            && let Some(next) = leads.get(s)
        {
            todo.extend(next.iter().copied());
        }
    }
    for s in &p.screens {
        if !reached.contains(s.id.as_str()) {
            add(UnreachableScreen, &s.id, Some(&s.id));
        }
    }
    out.into_iter().collect()
}

impl Prototype {
    /// The prototype with every domain model document it names (bindings, command steps)
    /// renamed by `rename` where it gives a new id; others are kept (and show as broken).
    pub fn rename_documents(mut self, rename: impl Fn(&str) -> Option<String>) -> Prototype {
        for c in &mut self.components {
            if let Some(b) = &mut c.binding
                && let Some(new) = rename(&b.document)
            {
                b.document = new;
            }
        }
        for a in &mut self.actions {
            for s in &mut a.steps {
                if let ActionStep::Command { document, .. } = s
                    && let Some(new) = rename(document)
                {
                    *document = new;
                }
            }
        }
        self
    }
}
