//! Boundary types: what crosses IPC to the UI (and the CLI's JSON output).
//!
//! The model's flow element types cross as they are (they derive `specta::Type` behind the
//! model crate's `specta` feature); everything else the UI sees is defined here.

use serde::{Deserialize, Serialize};
use specta::Type;

pub use model::kinds::{DocContent, DocOps, DocPatch};
pub use model::links::{Link, LinkKind};
pub use model::shelf::{Part, PartCategory};
pub use model::validate::{Problem, ProblemCode, Severity};
pub use model::{DocKind, EdgeKind, FlowEdge, FlowNode, FlowOp, FlowPatch, Lane, NodeKind};

/// Error codes the UI can act on. The UI shows a translated message per code, plus `detail`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ErrorCode {
    /// The workspace, document or element does not exist.
    NotFound,
    /// The document's stored bytes cannot be loaded; they are kept in quarantine.
    DocumentCorrupt,
    /// The document or database was written by a newer Triloop.
    TooNew,
    /// The request itself is invalid (empty name, unknown element, bad coordinates).
    InvalidInput,
    /// The local database failed (disk full, permissions, locked).
    Storage,
    /// An import or export file is missing or malformed.
    BadFile,
    /// A bug: a panic or an impossible state. The log has details.
    Internal,
    /// The server does not accept the invitation (unknown or revoked).
    Unauthorized,
    /// The server cannot be reached, or does not answer like a Triloop server.
    Unreachable,
    /// The workspace is shared with this person read-only.
    ReadOnly,
    /// Another Triloop process has this data folder open; this one touched nothing.
    DataFolderInUse,
    /// The disk is full (or a file-size limit is reached): the change was not saved; what
    /// was saved before is intact, and the change is written with the next one that fits.
    DiskFull,
    /// The database file (or its folder) may not be written.
    DatabaseReadOnly,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("{code:?}: {detail}")]
pub struct ApiError {
    pub code: ErrorCode,
    /// A human-readable explanation (English; names the file, document or element).
    pub detail: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        ApiError {
            code,
            detail: detail.into(),
        }
    }
}

#[derive(Clone, Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    pub database_path: String,
    pub log_dir: String,
    /// The language the person chose in the app, if any ("zh-CN" or "en").
    pub locale: Option<String>,
    /// The operating system's language (a BCP 47 tag such as "zh-CN"), read by the core
    /// because a webview's own guess ignores locales the system has not generated.
    pub system_locale: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceSummary {
    pub id: String,
    pub name: String,
    pub document_count: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DocumentSummary {
    pub id: String,
    pub kind: DocKind,
    pub title: String,
    /// Milliseconds since the Unix epoch.
    #[specta(type = i32)]
    pub created_at: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceView {
    pub id: String,
    pub name: String,
    pub documents: Vec<DocumentSummary>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FlowView {
    pub document_id: String,
    pub nodes: Vec<FlowNode>,
    pub edges: Vec<FlowEdge>,
    pub lanes: Vec<Lane>,
    pub can_undo: bool,
    pub can_redo: bool,
}

/// A document of any kind as it opens: its whole content, once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DocumentView {
    pub document_id: String,
    pub kind: DocKind,
    pub content: DocContent,
    pub can_undo: bool,
    pub can_redo: bool,
}

/// A document's problems, per kind (each kind has its own codes and messages).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", content = "problems", rename_all = "camelCase")]
pub enum DocProblems {
    BusinessFlow(Vec<model::validate::Problem>),
    DomainModel(Vec<model::domain::DomainProblem>),
    /// Checked against the workspace's domain models (bindings, command steps).
    SandboxPrototype(Vec<model::prototype::PrototypeProblem>),
}

/// A part of the capability shelf as the shelf panel lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ShelfPart {
    pub part: model::shelf::Part,
    /// Ships with the app (`assets/shelf`); cannot be removed.
    pub builtin: bool,
    /// The shelf document holding it (absent for built-in parts).
    pub document: Option<String>,
}

/// Returned by every edit, undo and redo, once the change is durable in SQLite.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct EditResult {
    pub document_id: String,
    pub patch: DocPatch,
    pub can_undo: bool,
    pub can_redo: bool,
}

/// A link seen from one element: where it goes (or comes from), with names resolved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ResolvedLink {
    pub link: Link,
    /// The document holding the link (its `from` end).
    pub from_document: String,
    /// True when the asked-for element is the link's `to` end (a backlink).
    pub incoming: bool,
    pub from_name: Option<String>,
    pub to_name: Option<String>,
    /// The title of the document at the other end.
    pub other_title: Option<String>,
    /// The `to` element no longer exists (deleted after the link was made).
    pub broken: bool,
}

/// An element of the workspace that a link can point to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LinkTarget {
    pub document_id: String,
    pub document_title: String,
    pub document_kind: DocKind,
    pub element_id: String,
    pub name: String,
    /// The element's type within its document (a BPMN node kind such as "userTask").
    pub element_kind: String,
}

/// Where a workspace stands with its server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum SyncState {
    /// Not connected (never linked, disconnected by the person, or the server unreachable:
    /// `detail` says which; edits stay on this laptop and merge on reconnect).
    Offline,
    Connecting,
    /// Connected; changes are being exchanged.
    Syncing,
    /// Connected, and the server has everything this laptop has and vice versa.
    UpToDate,
    /// The link stopped for a reason retrying cannot fix (`detail`), e.g. a revoked invitation.
    Error,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatus {
    pub workspace_id: String,
    /// The server's sync address, when the workspace has one.
    pub server_url: Option<String>,
    /// The name the invitation was made out to.
    pub person: Option<String>,
    pub read_only: bool,
    pub state: SyncState,
    /// Why (for offline and error), in English.
    pub detail: Option<String>,
    /// When everything was last exchanged with the server (ms since the epoch).
    pub last_synced_at: Option<f64>,
}

/// A point on a flow canvas (model coordinates).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, Type)]
pub struct PresencePoint {
    // Sent as whole canvas units; typed so for TypeScript (a bare f64 may be null in JSON).
    #[specta(type = i32)]
    pub x: f64,
    #[specta(type = i32)]
    pub y: f64,
}

/// Another person in the workspace, as their last presence message said.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PresencePeer {
    pub peer_id: String,
    pub name: String,
    /// A CSS color, stable per person.
    pub color: String,
    /// The document they have open.
    pub document_id: Option<String>,
    pub cursor: Option<PresencePoint>,
    pub selection: Vec<String>,
}

/// What the core tells the UI without being asked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum CoreEvent {
    /// A workspace's sync state changed.
    SyncStatus(SyncStatus),
    /// A document changed through sync (not by this window's own edits): reload its view.
    #[serde(rename_all = "camelCase")]
    DocumentChanged { document_id: String },
    /// Who else is in a workspace, and where.
    #[serde(rename_all = "camelCase")]
    Presence {
        workspace_id: String,
        peers: Vec<PresencePeer>,
    },
}

/// An invitation to a meeting room, with its token (kept only while the room is open).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MeetingInvitation {
    pub name: String,
    pub token: String,
    pub read_only: bool,
}

/// A meeting room this laptop hosts: the server inside the app, for the local network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MeetingRoom {
    pub workspace_id: String,
    pub port: u16,
    /// What the others type as the server address (one per network interface).
    pub addresses: Vec<String>,
    pub invitations: Vec<MeetingInvitation>,
    /// The server the workspace goes back to when the room closes.
    pub previous_server: Option<String>,
}

/// The SQL dialects the data model's DDL is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum SqlDialect {
    Postgres,
    Mysql,
    Sqlite,
    Oracle,
}

impl From<SqlDialect> for formats::ddl::Dialect {
    fn from(d: SqlDialect) -> Self {
        match d {
            SqlDialect::Postgres => formats::ddl::Dialect::Postgres,
            SqlDialect::Mysql => formats::ddl::Dialect::Mysql,
            SqlDialect::Sqlite => formats::ddl::Dialect::Sqlite,
            SqlDialect::Oracle => formats::ddl::Dialect::Oracle,
        }
    }
}

/// What kind of file an "open" dialog asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum FileFormat {
    /// BPMN 2.0 XML.
    Bpmn,
    /// Context Mapper's CML.
    Cml,
}

/// The data model (数据模型) derived from a domain model, with the person's column overrides
/// applied: what the data-model table view shows and edits.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DataModelView {
    /// One per bounded context, in the model's order.
    pub schemas: Vec<SchemaView>,
}

/// A bounded context's schema.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SchemaView {
    /// The bounded context's id.
    pub key: String,
    pub name: String,
    pub tables: Vec<TableView>,
}

/// A derived table (表).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TableView {
    /// The stable key overrides name it by (`t:<entity id>`, `t:<entity id>/c:<list attribute id>`
    /// for a list's child table).
    pub key: String,
    pub name: String,
    /// The entity the table comes from (for a list's child table: the entity holding the list).
    pub element: String,
    /// The name derived from the model alone, before overrides.
    pub derived_name: String,
    /// The override record of the table itself (its name), if any.
    pub override_id: Option<String>,
    pub columns: Vec<ColumnView>,
    /// Primary key, unique, foreign key, check and index constraints, by column names.
    pub constraints: Vec<ConstraintView>,
}

/// A derived column (列), with what the person's override changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ColumnView {
    /// The stable key overrides name it by (made of attribute ids).
    pub key: String,
    pub name: String,
    /// The type without its length, dialect-neutral: `varchar`, `bigint`, `decimal(19,4)`,
    /// or what an override wrote.
    pub type_name: String,
    /// The whole type as text: `varchar(120)`, `decimal(19,4)`, `boolean`.
    pub sql_type: String,
    pub length: Option<u32>,
    pub nullable: bool,
    pub primary_key: bool,
    /// Generated by the database (identity, auto-increment).
    pub generated: bool,
    /// The table and column a foreign key (外键) on this column refers to.
    pub foreign_key: Option<ColumnTarget>,
    /// Lookups by this column use an index (索引): its own, a foreign key's, the primary key's
    /// leading column, or a unique constraint's.
    pub indexed: bool,
    /// A unique constraint on this column alone.
    pub unique: bool,
    /// The override record applied to this column, if any (update or remove it by this id).
    pub override_id: Option<String>,
    /// Which fields that override sets.
    pub overridden: OverriddenFields,
    /// The values derived from the domain model alone, before overrides.
    pub derived: DerivedColumn,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct OverriddenFields {
    pub name: bool,
    pub sql_type: bool,
    pub length: bool,
    pub index: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DerivedColumn {
    pub name: String,
    pub type_name: String,
    pub length: Option<u32>,
    pub indexed: bool,
}

/// What a foreign key column refers to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ColumnTarget {
    pub schema: String,
    pub table: String,
    /// The referenced table's key.
    pub table_key: Option<String>,
    pub column: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ConstraintKind {
    PrimaryKey,
    Unique,
    ForeignKey,
    Check,
    Index,
}

/// A constraint or index over columns of a table, by column names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ConstraintView {
    pub kind: ConstraintKind,
    pub name: String,
    pub columns: Vec<String>,
    /// Foreign keys: the referenced `schema.table(columns)`.
    pub references: Option<String>,
    /// Foreign keys: rows go with the referenced row (a list's child table).
    pub cascade: bool,
    /// Checks: the values the column may hold.
    pub values: Vec<String>,
}

// ---- the prototype player ------------------------------------------------------------------

/// Everything the prototype player (`assets/player/player.js`) needs to run a prototype,
/// with no other call: what `prototype_player_bundle` returns and what the self-contained
/// HTML export inlines (as JSON, the field names camelCase).
///
/// - `screens`, `components`, `actions`: the prototype's records as they are stored
///   (components' `x`/`y` relative to their parent; a stack lays its children out by
///   `order` with its `layout`). `start`: the screen ids the player starts at (the first).
/// - `entities`: every entity, value object or read model a binding or a command names,
///   with its attributes resolved (names, types, required flags, enumeration values).
/// - `commands`: every domain command an action step calls, resolved: its name, the
///   aggregate that handles it and that aggregate's root entity (what a call creates or
///   changes in the sample store), and the command's own attributes.
/// - `bindings`: one per bound component, resolved to names and types; `broken` says what
///   no longer resolves (the component still shows, marked).
/// - `samples`: rows per entity of the bound domain models, generated from `seed` (the
///   player copies them into its in-memory sample store and edits them there).
/// - `capabilities`: the shelf capabilities the actions use, with their contracts (from the
///   step's own copy, so a part removed from the shelf still plays).
/// - `problems`: the prototype's validation problems (broken bindings among them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PlayerBundle {
    pub document_id: String,
    pub title: String,
    pub seed: u32,
    pub start: Vec<String>,
    pub screens: Vec<model::prototype::Screen>,
    pub components: Vec<model::prototype::Component>,
    pub actions: Vec<model::prototype::Action>,
    pub entities: Vec<PlayerEntity>,
    pub commands: Vec<PlayerCommand>,
    pub bindings: Vec<PlayerBinding>,
    pub samples: Vec<model::sample::SampleTable>,
    pub capabilities: Vec<PlayerCapability>,
    pub problems: Vec<model::prototype::PrototypeProblem>,
}

/// An attribute as the player uses it: to render a field (the input that fits its type),
/// check a value (type, required) and show a value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PlayerAttribute {
    pub id: String,
    pub name: String,
    pub data_type: model::domain::DataType,
    pub required: bool,
    pub identifier: bool,
    pub list: bool,
    /// Enumerations and references: the element the type names, and its name.
    pub target: Option<String>,
    pub target_name: Option<String>,
    /// Enumerations: their values, in order.
    pub values: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PlayerEntity {
    pub document: String,
    pub id: String,
    pub name: String,
    /// `entity`, `valueObject`, `readModel`, …
    pub kind: model::domain::ElementKind,
    pub attributes: Vec<PlayerAttribute>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PlayerCommand {
    pub document: String,
    pub id: String,
    pub name: String,
    /// The aggregate that handles it, and its name.
    pub aggregate: Option<String>,
    pub aggregate_name: Option<String>,
    /// The aggregate's root entity: a call adds a row of it to the sample store (or changes
    /// the row the screen shows, when it was opened from one). The row's values come from
    /// the fields of the form around the trigger: by attribute id where the form binds the
    /// root entity, else by attribute name (a command's 手机号 fills the root's 手机号);
    /// its identifier gets a new value when the form has none.
    pub root: Option<String>,
    pub attributes: Vec<PlayerAttribute>,
    /// The command no longer exists (the step fails with a message saying so).
    pub broken: bool,
}

/// A bound component's binding, resolved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PlayerBinding {
    pub component: String,
    pub document: String,
    pub entity: String,
    pub entity_name: Option<String>,
    pub attribute: Option<PlayerAttribute>,
    pub collection: bool,
    /// What no longer resolves, if anything (`bindingDocumentMissing`,
    /// `bindingEntityMissing`, `bindingAttributeMissing`).
    pub broken: Option<model::prototype::PrototypeProblemCode>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PlayerCapability {
    pub part: String,
    pub name_zh: Option<String>,
    pub name_en: Option<String>,
    pub contract: model::prototype::ServiceContract,
    /// The part is still on the shelf (when not, the step's copy of the contract plays).
    pub on_shelf: bool,
}
