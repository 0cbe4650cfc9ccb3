//! Sandbox prototypes and the capability shelf: what only they have on top of the generic
//! document use cases (create, open, edit, undo and validate go through `documents.rs`).
//!
//! The shelf: built-in parts ship with the app (`model::shelf::builtin_parts`); the parts
//! people add live in the organisation's shelf document. On the laptop that is one document
//! shared by every workspace, created on first use, its id kept in the local settings
//! (`shelf_document`). A workspace linked to a server lists it in its index, so that it
//! syncs with the workspace (the server's access is per workspace index); see ARCHITECTURE.md.

use std::collections::BTreeMap;

use model::prototype::{self, Prototype, PrototypeRecord};
use model::record::RecordOp;
use model::shelf::{self, Part, PartCategory, ShelfRecord};

use super::*;

/// The local setting holding the organisation shelf's document id.
const SETTING_SHELF: &str = "shelf_document";

impl Core {
    // ---- the capability shelf ---------------------------------------------------------

    /// The organisation's shelf document on this laptop, created on first use.
    pub async fn shelf_document(&self) -> Result<String, ApiError> {
        if let Some(id) = self.store.setting(SETTING_SHELF)? {
            match self.handle(&id).await {
                Ok(h) => {
                    if h.with_document(|d| model::schema::kind_of(d))
                        == Some(DocKind::CapabilityShelf)
                    {
                        return Ok(id);
                    }
                    tracing::warn!(doc = %id, "the shelf setting names a document of another kind");
                }
                // A damaged shelf is quarantined by `handle`; a new one takes its place so
                // that the shelf keeps working (built-in parts are never lost).
                Err(e) if e.code == ErrorCode::NotFound || e.code == ErrorCode::DocumentCorrupt => {
                    tracing::warn!(doc = %id, error = %e, "the shelf document cannot be opened; starting a new one");
                }
                Err(e) => return Err(e),
            }
        }
        let mut doc = Automerge::new();
        kinds::init(DocKind::CapabilityShelf, &mut doc)?;
        let handle = self.repo.create(doc).await?;
        let id = handle.document_id().to_string();
        self.remember(handle);
        self.store.set_setting(SETTING_SHELF, &id)?;
        Ok(id)
    }

    /// Every part of the shelf whose name in either language (or a keyword) contains
    /// `query` (any case; empty: all): the built-in parts first, in their files' order, then
    /// the organisation's parts by name — this laptop's shelf and the shelves other people
    /// shared through the workspaces linked to a server (listed in their indexes).
    pub async fn list_shelf(&self, query: &str) -> Result<Vec<ShelfPart>, ApiError> {
        let mut out: Vec<ShelfPart> = shelf::builtin_parts()?
            .into_iter()
            .filter(|p| p.matches(query))
            .map(|part| ShelfPart {
                part,
                builtin: true,
                document: None,
            })
            .collect();
        let mut own: Vec<ShelfPart> = Vec::new();
        for id in self.shelf_documents().await? {
            // A shared shelf not (yet) synced or damaged offers nothing; the others still do.
            let parts = match self.shelf_parts(&id).await {
                Ok(p) => p,
                Err(e) => {
                    tracing::warn!(doc = %id, error = %e, "a shelf cannot be read");
                    continue;
                }
            };
            for part in parts {
                if part.matches(query) && !own.iter().any(|x| x.part.id == part.id) {
                    own.push(ShelfPart {
                        part,
                        builtin: false,
                        document: Some(id.clone()),
                    });
                }
            }
        }
        own.sort_by(|a, b| {
            a.part
                .name_zh
                .cmp(&b.part.name_zh)
                .then(a.part.id.cmp(&b.part.id))
        });
        out.extend(own);
        Ok(out)
    }

    /// The shelf documents this laptop knows: its own first, then those listed in the
    /// indexes of its workspaces (shared through a server).
    async fn shelf_documents(&self) -> Result<Vec<String>, ApiError> {
        let mut out = vec![self.shelf_document().await?];
        for row in self.store.workspaces()? {
            let Ok(idx) = self.read_index(&row.index_doc).await else {
                continue;
            };
            for e in idx.documents {
                if e.kind == DocKind::CapabilityShelf && !out.contains(&e.id) {
                    out.push(e.id);
                }
            }
        }
        Ok(out)
    }

    /// Lists this laptop's shelf in a workspace's index, so that it syncs with the
    /// workspace (a server shows a person the documents their workspace's index lists).
    /// Linking a workspace to a server does this; doing it twice changes nothing.
    pub async fn share_shelf(&self, workspace_id: &str) -> Result<(), ApiError> {
        let row = self.workspace_row(workspace_id)?;
        let id = self.shelf_document().await?;
        let idx = self.read_index(&row.index_doc).await?;
        if idx.documents.iter().any(|d| d.id == id) {
            return Ok(());
        }
        let entry = model::DocumentEntry {
            id,
            kind: DocKind::CapabilityShelf,
            title: "能力货架 / Capability shelf".into(),
            created_at: self.clock.now_ms() as f64,
        };
        self.change(&row.index_doc, move |doc| {
            workspace::add_document(doc, &entry)
        })
        .await
    }

    async fn shelf_parts(&self, shelf_doc: &str) -> Result<Vec<Part>, ApiError> {
        let handle = self.handle(shelf_doc).await?;
        Ok(
            run_blocking(move || handle.with_document(|d| shelf::read(d)))
                .await??
                .parts,
        )
    }

    /// A part of the shelf by id (built-in or the organisation's).
    pub async fn shelf_part(&self, part_id: &str) -> Result<Part, ApiError> {
        if part_id.starts_with(shelf::BUILTIN_PREFIX) {
            return shelf::builtin_parts()?
                .into_iter()
                .find(|p| p.id == part_id)
                .ok_or_else(|| not_found(format!("the shelf has no part {part_id}")));
        }
        self.list_shelf("")
            .await?
            .into_iter()
            .find(|p| p.part.id == part_id)
            .map(|p| p.part)
            .ok_or_else(|| not_found(format!("the shelf has no part {part_id}")))
    }

    /// Adds the selected components of a prototype (with everything inside them) to the
    /// organisation's shelf as a new part, named in both languages.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_shelf_part(
        &self,
        prototype_document: &str,
        components: Vec<String>,
        category: PartCategory,
        name_zh: &str,
        name_en: &str,
        description: Option<String>,
    ) -> Result<ShelfPart, ApiError> {
        if !matches!(
            category,
            PartCategory::UiComponent | PartCategory::BusinessComponent
        ) {
            return Err(invalid(
                "a selection becomes a UI or business component (capabilities and templates ship with the app)",
            ));
        }
        let name_zh = clean_name(name_zh)?;
        let name_en = clean_name(name_en)?;
        let p = self.prototype(prototype_document).await?;
        let part = shelf::part_from_selection(
            &p,
            &components,
            format!("part-{}", uuid::Uuid::new_v4()),
            category,
            name_zh,
            name_en,
            description.filter(|d| !d.trim().is_empty()),
        )?;
        let id = self.shelf_document().await?;
        let op = RecordOp::Add {
            record: ShelfRecord::Part(part.clone()),
        };
        self.change(&id, move |doc| shelf::apply(doc, &[op]))
            .await?;
        Ok(ShelfPart {
            part,
            builtin: false,
            document: Some(id),
        })
    }

    /// Removes a part the organisation added. Screens that placed it keep their copies.
    pub async fn remove_shelf_part(&self, part_id: &str) -> Result<(), ApiError> {
        if part_id.starts_with(shelf::BUILTIN_PREFIX) {
            return Err(invalid(format!(
                "{part_id} ships with Triloop and cannot be removed"
            )));
        }
        // Removed from the shelf that holds it (this laptop's, or one shared with it).
        let id = self
            .list_shelf("")
            .await?
            .into_iter()
            .find(|p| p.part.id == part_id)
            .and_then(|p| p.document)
            .ok_or_else(|| not_found(format!("the shelf has no part {part_id}")))?;
        let op = RecordOp::Remove {
            id: part_id.to_string(),
        };
        self.change(&id, move |doc| shelf::apply(doc, &[op]))
            .await
            .map(|_| ())
    }

    /// Places a copy of a shelf part on a screen of a prototype (inside `parent`, a
    /// container, if given) at (x, y): one edit of the prototype, undone as one.
    pub async fn place_shelf_part(
        &self,
        prototype_document: &str,
        part_id: &str,
        screen: &str,
        parent: Option<String>,
        x: f64,
        y: f64,
    ) -> Result<EditResult, ApiError> {
        let part = self.shelf_part(part_id).await?;
        if part.components.is_empty() {
            return Err(invalid(format!(
                "part {part_id} places no components (a template starts a workspace)"
            )));
        }
        let components = shelf::place(&part, screen, parent.as_deref(), x, y, || {
            uuid::Uuid::new_v4().to_string()
        });
        let ops = components
            .into_iter()
            .map(|c| RecordOp::Add {
                record: PrototypeRecord::Component(c),
            })
            .collect();
        self.edit_document(prototype_document, DocOps::SandboxPrototype(ops))
            .await
    }

    // ---- prototypes -------------------------------------------------------------------

    /// The whole prototype of a document (an error for other kinds).
    pub async fn prototype(&self, document_id: &str) -> Result<Prototype, ApiError> {
        match self.open_document(document_id).await?.content {
            DocContent::SandboxPrototype(p) => Ok(p),
            _ => Err(invalid(format!(
                "document {document_id} is not a sandbox prototype"
            ))),
        }
    }

    /// The domain models of the workspace holding `document_id`, by document id. A domain
    /// model that cannot be read is left out (bindings to it show as broken).
    pub(crate) async fn workspace_domains(
        &self,
        document_id: &str,
    ) -> Result<prototype::DomainModels, ApiError> {
        let mut out = BTreeMap::new();
        let Some(idx) = self.index_holding(document_id).await? else {
            return Ok(out);
        };
        for e in idx.documents {
            if e.kind != DocKind::DomainModel {
                continue;
            }
            match self.domain_model(&e.id).await {
                Ok(m) => {
                    out.insert(e.id, m);
                }
                Err(err) => {
                    tracing::warn!(doc = %e.id, error = %err, "a domain model cannot be read")
                }
            }
        }
        Ok(out)
    }

    /// The index of the workspace that lists `document_id`, if any.
    pub(crate) async fn index_holding(
        &self,
        document_id: &str,
    ) -> Result<Option<model::WorkspaceIndex>, ApiError> {
        for row in self.store.workspaces()? {
            let Ok(idx) = self.read_index(&row.index_doc).await else {
                continue;
            };
            if idx.documents.iter().any(|d| d.id == document_id) {
                return Ok(Some(idx));
            }
        }
        Ok(None)
    }

    /// The prototype's problems, its bindings and command steps checked against the
    /// domain models of its workspace.
    pub async fn validate_prototype(
        &self,
        document_id: &str,
    ) -> Result<Vec<model::prototype::PrototypeProblem>, ApiError> {
        let p = self.prototype(document_id).await?;
        let domains = self.workspace_domains(document_id).await?;
        run_blocking(move || prototype::validate(&p, &domains)).await
    }
}

/// How many sample rows the player gets per entity.
pub const SAMPLE_ROWS: usize = 8;

impl Core {
    /// Everything the player needs to run the prototype (see [`PlayerBundle`]), its sample
    /// rows generated from `seed`.
    pub async fn player_bundle(
        &self,
        document_id: &str,
        seed: u32,
    ) -> Result<PlayerBundle, ApiError> {
        let p = self.prototype(document_id).await?;
        let domains = self.workspace_domains(document_id).await?;
        let title = self
            .index_holding(document_id)
            .await?
            .and_then(|idx| idx.documents.into_iter().find(|d| d.id == document_id))
            .map(|d| d.title)
            .unwrap_or_default();
        let parts = self.list_shelf("").await?;
        let id = document_id.to_string();
        run_blocking(move || {
            let shelf: Vec<Part> = parts.into_iter().map(|s| s.part).collect();
            build_bundle(&id, &title, p, &domains, &shelf, seed)
        })
        .await
    }
}

fn player_attribute(
    m: &model::domain::DomainModel,
    a: &model::domain::Attribute,
) -> PlayerAttribute {
    let target = a.target.as_deref().and_then(|t| m.element(t));
    PlayerAttribute {
        id: a.id.clone(),
        name: a.name.clone(),
        data_type: a.data_type,
        required: a.required,
        identifier: a.identifier,
        list: a.list,
        target: a.target.clone(),
        target_name: target.map(|t| t.name.clone()),
        values: target
            .filter(|t| t.kind == model::domain::ElementKind::Enumeration)
            .map(|t| t.values.clone())
            .unwrap_or_default(),
    }
}

/// The player's bundle from the prototype, the workspace's domain models and the shelf.
pub fn build_bundle(
    document_id: &str,
    title: &str,
    p: Prototype,
    domains: &prototype::DomainModels,
    shelf: &[Part],
    seed: u32,
) -> PlayerBundle {
    use model::prototype::{ActionStep, PrototypeProblemCode as Code};
    use std::collections::BTreeSet;
    let problems = prototype::validate(&p, domains);
    // Entities to describe: what bindings name, what commands act on, and what their
    // attributes refer to (value objects, referenced entities), transitively.
    let mut wanted: BTreeSet<(String, String)> = BTreeSet::new();
    let mut bindings = Vec::new();
    for c in &p.components {
        let Some(b) = &c.binding else { continue };
        let m = domains.get(&b.document);
        let entity = m.and_then(|m| m.element(&b.entity));
        let attribute = m.and_then(|m| {
            b.attribute.as_deref().and_then(|a| {
                m.attributes
                    .iter()
                    .find(|x| x.id == a && x.owner == b.entity)
                    .map(|x| player_attribute(m, x))
            })
        });
        let broken = if m.is_none() {
            Some(Code::BindingDocumentMissing)
        } else if entity.is_none() {
            Some(Code::BindingEntityMissing)
        } else if b.attribute.is_some() && attribute.is_none() {
            Some(Code::BindingAttributeMissing)
        } else {
            None
        };
        if entity.is_some() {
            wanted.insert((b.document.clone(), b.entity.clone()));
        }
        bindings.push(PlayerBinding {
            component: c.id.clone(),
            document: b.document.clone(),
            entity: b.entity.clone(),
            entity_name: entity.map(|e| e.name.clone()),
            attribute,
            collection: b.collection,
            broken,
        });
    }
    let mut commands = Vec::new();
    let mut capabilities: Vec<PlayerCapability> = Vec::new();
    let mut seen_commands = BTreeSet::new();
    for a in &p.actions {
        for s in &a.steps {
            match s {
                ActionStep::Command { document, command } => {
                    if !seen_commands.insert((document.clone(), command.clone())) {
                        continue;
                    }
                    let m = domains.get(document);
                    let cmd = m
                        .and_then(|m| m.element(command))
                        .filter(|e| e.kind == model::domain::ElementKind::Command);
                    let aggregate = cmd.and_then(|c| {
                        c.handled_by
                            .as_deref()
                            .or(c.aggregate.as_deref())
                            .and_then(|g| m.and_then(|m| m.element(g)))
                    });
                    let root = aggregate.and_then(|g| g.root.clone());
                    if let Some(r) = &root {
                        wanted.insert((document.clone(), r.clone()));
                    }
                    commands.push(PlayerCommand {
                        document: document.clone(),
                        id: command.clone(),
                        name: cmd.map(|c| c.name.clone()).unwrap_or_default(),
                        aggregate: aggregate.map(|g| g.id.clone()),
                        aggregate_name: aggregate.map(|g| g.name.clone()),
                        root,
                        attributes: match (m, cmd) {
                            (Some(m), Some(c)) => m
                                .attributes_of(&c.id)
                                .map(|x| player_attribute(m, x))
                                .collect(),
                            _ => Vec::new(),
                        },
                        broken: cmd.is_none(),
                    });
                }
                ActionStep::Capability { part, contract } => {
                    if capabilities.iter().any(|c| c.part == *part) {
                        continue;
                    }
                    let on_shelf = shelf.iter().find(|x| x.id == *part);
                    capabilities.push(PlayerCapability {
                        part: part.clone(),
                        name_zh: on_shelf.map(|x| x.name_zh.clone()),
                        name_en: on_shelf.map(|x| x.name_en.clone()),
                        // The step's own copy: what the prototype was wired to.
                        contract: contract.clone(),
                        on_shelf: on_shelf.is_some(),
                    });
                }
                _ => {}
            }
        }
    }
    // Close over the attributes' targets (value objects, referenced entities).
    let mut todo: Vec<(String, String)> = wanted.iter().cloned().collect();
    while let Some((doc, id)) = todo.pop() {
        let Some(m) = domains.get(&doc) else { continue };
        for a in m.attributes_of(&id) {
            if let Some(t) = &a.target
                && m.element(t).is_some_and(|e| {
                    matches!(
                        e.kind,
                        model::domain::ElementKind::Entity
                            | model::domain::ElementKind::ValueObject
                    )
                })
                && wanted.insert((doc.clone(), t.clone()))
            {
                todo.push((doc.clone(), t.clone()));
            }
        }
    }
    let entities = wanted
        .iter()
        .filter_map(|(doc, id)| {
            let m = domains.get(doc)?;
            let e = m.element(id)?;
            Some(PlayerEntity {
                document: doc.clone(),
                id: e.id.clone(),
                name: e.name.clone(),
                kind: e.kind,
                attributes: m
                    .attributes_of(id)
                    .map(|a| player_attribute(m, a))
                    .collect(),
            })
        })
        .collect();
    // Sample rows for every entity of the domain models the prototype uses.
    let used: BTreeSet<&String> = wanted.iter().map(|(d, _)| d).collect();
    let samples = used
        .into_iter()
        .filter_map(|d| domains.get(d).map(|m| (d, m)))
        .flat_map(|(d, m)| model::sample::generate(d, m, SAMPLE_ROWS, u64::from(seed)))
        .collect();
    let start = p.start_screens().iter().map(|s| s.id.clone()).collect();
    PlayerBundle {
        document_id: document_id.to_string(),
        title: title.to_string(),
        seed,
        start,
        screens: p.screens,
        components: p.components,
        actions: p.actions,
        entities,
        commands,
        bindings,
        samples,
        capabilities,
        problems,
    }
}

/// The player, inlined into the HTML export.
const PLAYER_JS: &str = include_str!("../../../assets/player/player.js");

impl Core {
    /// OpenAPI 3.1 (JSON) for the services the prototype's actions imply (see
    /// `formats::openapi`).
    pub async fn prototype_openapi(&self, document_id: &str) -> Result<String, ApiError> {
        let p = self.prototype(document_id).await?;
        let domains = self.workspace_domains(document_id).await?;
        let title = self
            .index_holding(document_id)
            .await?
            .and_then(|idx| idx.documents.into_iter().find(|d| d.id == document_id))
            .map(|d| d.title)
            .unwrap_or_default();
        run_blocking(move || {
            let spec = formats::openapi::to_openapi(&title, &p, &domains);
            serde_json::to_string_pretty(&spec).map_err(|e| internal(e.to_string()))
        })
        .await?
    }

    /// The whole prototype as one self-contained clickable HTML file (the player and the
    /// bundle inlined; no external references), its sample data from `seed`.
    pub async fn prototype_html(&self, document_id: &str, seed: u32) -> Result<String, ApiError> {
        let bundle = self.player_bundle(document_id, seed).await?;
        player_html(&bundle)
    }
}

/// One HTML file that plays `bundle` with the player inlined.
pub fn player_html(bundle: &PlayerBundle) -> Result<String, ApiError> {
    let json = serde_json::to_string(bundle).map_err(|e| internal(e.to_string()))?;
    // Inside <script>, "</" and "<!--" would end or confuse the element: escaped in the
    // JSON text (JSON reads "\/" as "/", and "\u003c" as "<").
    let json = json.replace("</", "<\\/").replace("<!--", "\\u003c!--");
    if PLAYER_JS.to_ascii_lowercase().contains("</script") {
        return Err(internal(
            "the player contains </script> and cannot be inlined",
        ));
    }
    let title = html_escape(if bundle.title.is_empty() {
        "Triloop prototype"
    } else {
        &bundle.title
    });
    Ok(format!(
        r#"<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Triloop">
<title>{title}</title>
<style>html, body {{ margin: 0; height: 100%; font-family: system-ui, "PingFang SC", "Noto Sans CJK SC", sans-serif; }} #triloop-player {{ height: 100%; }}</style>
</head>
<body>
<div id="triloop-player"></div>
<script type="application/json" id="triloop-bundle">{json}</script>
<script>
{PLAYER_JS}
</script>
<script>
(function () {{
  var bundle = JSON.parse(document.getElementById("triloop-bundle").textContent);
  var lang = (navigator.language || "").toLowerCase().indexOf("zh") === 0 ? "zh-CN" : "en";
  var root = document.getElementById("triloop-player");
  if (globalThis.TriloopPlayer && typeof globalThis.TriloopPlayer.mount === "function") {{
    globalThis.TriloopPlayer.mount(root, bundle, {{ lang: lang, standalone: true }});
  }} else {{
    root.textContent = lang === "zh-CN" ? "此文件中的播放器无法启动。" : "The player in this file cannot start.";
  }}
}})();
</script>
</body>
</html>
"#
    ))
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl Core {
    /// A walk of the prototype as Given/When/Then lines, in Chinese when `zh`.
    pub async fn walk_gherkin(
        &self,
        document_id: &str,
        walk_id: &str,
        zh: bool,
    ) -> Result<Vec<String>, ApiError> {
        let p = self.prototype(document_id).await?;
        let walk = p
            .walks
            .iter()
            .find(|w| w.id == walk_id)
            .ok_or_else(|| not_found(format!("the prototype has no walk {walk_id}")))?;
        Ok(prototype::gherkin(&p, walk, zh))
    }
}

impl Core {
    /// A new workspace named `name` started from a product template of the shelf: its
    /// business flows, its domain model and its prototype (bound to that model). All of it
    /// or, on any error, nothing.
    pub async fn create_workspace_from_template(
        &self,
        part_id: &str,
        name: &str,
    ) -> Result<WorkspaceSummary, ApiError> {
        let name = clean_name(name)?;
        let part = self.shelf_part(part_id).await?;
        const DOMAIN: &str = "template-domain";
        let (flows, domain, prototype) = shelf::instantiate(&part, DOMAIN)?;
        let mut documents: Vec<exchange::BundleDocument> = flows
            .into_iter()
            .enumerate()
            .map(|(i, (title, flow))| exchange::BundleDocument {
                id: format!("template-flow-{i}"),
                title,
                content: exchange::Content::BusinessFlow {
                    flow,
                    bpmn_source: None,
                },
                links: Vec::new(),
            })
            .collect();
        documents.push(exchange::BundleDocument {
            id: DOMAIN.into(),
            title: format!("{} 领域模型", part.name_zh),
            content: exchange::Content::DomainModel { model: domain },
            links: Vec::new(),
        });
        documents.push(exchange::BundleDocument {
            id: "template-prototype".into(),
            title: format!("{} 原型", part.name_zh),
            content: exchange::Content::SandboxPrototype { prototype },
            links: Vec::new(),
        });
        self.import_bundle(&exchange::Bundle { name, documents })
            .await
    }
}
