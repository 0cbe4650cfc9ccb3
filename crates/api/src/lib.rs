//! Triloop's use cases: the one API that the desktop shell, the `triloop` command line and
//! test harnesses call. It owns the samod repo over the SQLite store, the session state
//! (undo stacks, open handles) and the boundary types in [`types`].
//!
//! Every edit goes: boundary call -> model operation inside `DocHandle::with_document` ->
//! samod writes the change through [`store::Store`] -> we wait until the chunk holding the
//! change is committed -> only then does the call return (and the UI show "saved").

mod documents;
mod domains;
mod error;
pub mod exchange;
mod flows;
mod links;
pub mod logging;
mod meeting;
mod prototypes;
mod sync;
pub use sync::EXTRA_CA_ENV;
pub mod types;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use automerge::Automerge;
use futures::{FutureExt, StreamExt};
use model::kinds;
use model::{DocumentEntry, ModelError, flow, workspace};
use samod::{DocHandle, DocumentId, Repo};
use store::{Store, WorkspaceRow};

use error::{internal, invalid, not_found, read_only};
pub use prototypes::{SAMPLE_ROWS, build_bundle, player_html};
pub use types::*;

/// Environment variable that overrides where the database and logs live.
pub const DATA_DIR_ENV: &str = "TRILOOP_DATA_DIR";
const DB_FILE: &str = "triloop.db";
const SETTING_LOCALE: &str = "locale";
const SETTING_DEMO_SEEDED: &str = "demo_seeded";
/// How long an edit waits for its change to reach the database before reporting failure.
const DURABILITY_TIMEOUT: Duration = Duration::from_secs(15);
const MAX_NAME_LEN: usize = 200;

/// Where the core keeps its data.
#[derive(Clone, Debug)]
pub struct Config {
    pub data_dir: PathBuf,
    /// Create the demo workspace on the first start (the app does; the CLI does not).
    pub seed_demo: bool,
}

impl Config {
    /// The data folder: the command-line flag if given, else `TRILOOP_DATA_DIR`, else the
    /// platform's app-data folder (on Linux `~/.local/share/triloop`).
    pub fn resolve(flag: Option<PathBuf>) -> Result<Config, ApiError> {
        let data_dir = flag
            .or_else(|| {
                std::env::var_os(DATA_DIR_ENV)
                    .filter(|v| !v.is_empty())
                    .map(PathBuf::from)
            })
            .or_else(|| {
                directories::ProjectDirs::from("com", "Triloop", "Triloop")
                    .map(|d| d.data_dir().to_path_buf())
            })
            .ok_or_else(|| {
                internal("cannot determine the app-data folder; set TRILOOP_DATA_DIR")
            })?;
        Ok(Config {
            data_dir,
            seed_demo: true,
        })
    }

    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join(DB_FILE)
    }

    pub fn log_dir(&self) -> PathBuf {
        self.data_dir.join("logs")
    }
}

/// Time is passed in so tests can pin it.
pub trait Clock: Send + Sync {
    fn now_ms(&self) -> i64;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }
}

/// Undo and redo stacks of one document, for this session's own edits only.
#[derive(Default)]
struct UndoStacks {
    undo: Vec<DocOps>,
    redo: Vec<DocOps>,
}

#[derive(Default)]
struct Session {
    handles: HashMap<String, DocHandle>,
    undo: HashMap<String, UndoStacks>,
    /// The parsed BPMN source of imported flows. The source is written once, by the import,
    /// so it is parsed once per session rather than at every validation and export.
    bpmn_sources: HashMap<String, Arc<formats::bpmn::BpmnModel>>,
}

/// The running core: one per process.
pub struct Core {
    config: Config,
    store: Store,
    repo: Repo,
    clock: Arc<dyn Clock>,
    session: Mutex<Session>,
    sync: Arc<sync::SyncHub>,
    /// The heads each document had after this core's own last edit: a change event with
    /// those heads is ours, anything else came through sync.
    own_heads: Arc<Mutex<HashMap<String, Vec<automerge::ChangeHash>>>>,
    /// The meeting room this laptop hosts, if any.
    meeting: tokio::sync::Mutex<Option<meeting::Meeting>>,
}

impl Core {
    /// Opens the store and the repo, and creates the demo workspace on the first start.
    /// Must run inside a tokio runtime.
    pub async fn open(config: Config) -> Result<Core, ApiError> {
        Self::open_with_clock(config, Arc::new(SystemClock)).await
    }

    pub async fn open_with_clock(config: Config, clock: Arc<dyn Clock>) -> Result<Core, ApiError> {
        let path = config.database_path();
        let store = {
            let path = path.clone();
            // One process per data folder: a second one gets `DataFolderInUse`.
            tokio::task::spawn_blocking(move || Store::open_exclusive(&path))
                .await
                .map_err(|e| internal(format!("opening the store panicked: {e}")))??
        };
        let policy = sync::ClientPolicy::new();
        let repo = Repo::build_tokio()
            .with_storage(store.clone())
            .with_share_policy(policy.clone())
            .load()
            .await;
        tracing::info!(db = %path.display(), "core opened");
        let events = tokio::sync::broadcast::channel(1024).0;
        let sync = sync::SyncHub::new(repo.clone(), store.clone(), clock.clone(), policy, events);
        let core = Core {
            config,
            store,
            repo,
            clock,
            session: Mutex::new(Session::default()),
            sync,
            own_heads: Arc::new(Mutex::new(HashMap::new())),
            meeting: tokio::sync::Mutex::new(None),
        };
        for remote in core.store.remotes()? {
            if remote.enabled
                && let Some(row) = core.store.workspace(&remote.workspace_id)?
                && let Ok(index) = DocumentId::from_str(&row.index_doc)
                && let Err(e) = core.sync.start(remote, index)
            {
                tracing::warn!(error = %e, "cannot link a workspace to its server");
            }
        }
        if core.config.seed_demo && core.store.setting(SETTING_DEMO_SEEDED)?.is_none() {
            if core.store.workspaces()?.is_empty() {
                let demo = exchange::demo_bundle()?;
                let ws = core.import_bundle(&demo).await?;
                tracing::info!(workspace = %ws.id, "created the demo workspace");
            }
            core.store.set_setting(SETTING_DEMO_SEEDED, "1")?;
        }
        Ok(core)
    }

    /// Closes a meeting room this laptop hosts, flushes samod's pending writes and stops it.
    pub async fn close(&self) {
        if let Some(m) = self.meeting.lock().await.take() {
            m.server.stop().await;
        }
        self.repo.stop().await;
        self.store.release_lock();
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn app_info(&self) -> Result<AppInfo, ApiError> {
        Ok(AppInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            data_dir: self.config.data_dir.display().to_string(),
            database_path: self.config.database_path().display().to_string(),
            log_dir: self.config.log_dir().display().to_string(),
            locale: self.store.setting(SETTING_LOCALE)?,
            system_locale: sys_locale::get_locale(),
        })
    }

    pub fn set_locale(&self, locale: &str) -> Result<(), ApiError> {
        if !matches!(locale, "zh-CN" | "en") {
            return Err(invalid(format!(
                "unsupported language {locale:?}; use zh-CN or en"
            )));
        }
        Ok(self.store.set_setting(SETTING_LOCALE, locale)?)
    }

    // ---- workspaces -------------------------------------------------------------------

    pub async fn list_workspaces(&self) -> Result<Vec<WorkspaceSummary>, ApiError> {
        let mut out = Vec::new();
        for row in self.store.workspaces()? {
            // The count needs the index; a damaged index still lists, with what we know.
            let count = match self.read_index(&row.index_doc).await {
                Ok(idx) => idx.documents.len() as u32,
                Err(e) => {
                    tracing::warn!(workspace = %row.id, error = %e, "cannot read workspace index");
                    0
                }
            };
            out.push(WorkspaceSummary {
                id: row.id,
                name: row.name,
                document_count: count,
            });
        }
        Ok(out)
    }

    pub async fn create_workspace(&self, name: &str) -> Result<WorkspaceSummary, ApiError> {
        let name = clean_name(name)?;
        let mut doc = Automerge::new();
        workspace::init(&mut doc, &name)?;
        let handle = self.repo.create(doc).await?;
        let id = handle.document_id().to_string();
        self.remember(handle);
        let now = self.clock.now_ms();
        self.store.insert_workspace(&WorkspaceRow {
            id: id.clone(),
            index_doc: id.clone(),
            name: name.clone(),
            created_at: now,
            opened_at: Some(now),
        })?;
        Ok(WorkspaceSummary {
            id,
            name,
            document_count: 0,
        })
    }

    pub async fn rename_workspace(&self, workspace_id: &str, name: &str) -> Result<(), ApiError> {
        let name = clean_name(name)?;
        let row = self.workspace_row(workspace_id)?;
        let n = name.clone();
        self.change(&row.index_doc, move |doc| workspace::rename(doc, &n))
            .await?;
        self.store.set_workspace_name(workspace_id, &name)?;
        Ok(())
    }

    /// Deletes the workspace and all its documents from this laptop.
    pub async fn delete_workspace(&self, workspace_id: &str) -> Result<(), ApiError> {
        let row = self.workspace_row(workspace_id)?;
        self.sync.stop(workspace_id);
        let docs = match self.read_index(&row.index_doc).await {
            // A shelf listed in the index serves every workspace: it stays.
            Ok(idx) => idx
                .documents
                .into_iter()
                .filter(|d| d.kind != DocKind::CapabilityShelf)
                .map(|d| d.id)
                .collect(),
            Err(_) => Vec::new(),
        };
        self.store.remove_workspace(workspace_id)?;
        for id in docs.iter().chain(std::iter::once(&row.index_doc)) {
            self.forget(id);
            self.store.delete_document_chunks(id)?;
        }
        Ok(())
    }

    pub async fn open_workspace(&self, workspace_id: &str) -> Result<WorkspaceView, ApiError> {
        let row = self.workspace_row(workspace_id)?;
        let idx = self.read_index(&row.index_doc).await?;
        if idx.name != row.name {
            self.store.set_workspace_name(workspace_id, &idx.name)?;
        }
        self.store
            .touch_workspace(workspace_id, self.clock.now_ms())?;
        Ok(WorkspaceView {
            id: row.id,
            name: idx.name,
            documents: idx.documents.into_iter().map(summary).collect(),
        })
    }

    // ---- sync -------------------------------------------------------------------------

    /// What the core tells the UI unasked: sync states, documents changed through sync,
    /// presence.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<CoreEvent> {
        self.sync.events.subscribe()
    }

    pub fn sync_status(&self, workspace_id: &str) -> Result<SyncStatus, ApiError> {
        self.workspace_row(workspace_id)?;
        Ok(self.sync.status(workspace_id))
    }

    /// Links a workspace of this laptop to a server, with an invitation to that workspace.
    /// What the laptop has goes up; what the server has comes down; both merge.
    pub async fn connect_workspace(
        &self,
        workspace_id: &str,
        server_url: &str,
        token: &str,
    ) -> Result<SyncStatus, ApiError> {
        let row = self.workspace_row(workspace_id)?;
        let (url, info) = self.ask_invitation(server_url, token).await?;
        if info.workspace_id != row.id {
            return Err(invalid(format!(
                "this invitation opens another workspace ({}), not {:?}",
                info.workspace_id, row.name
            )));
        }
        self.link(&row, url, token, info)?;
        // The organisation's shelf travels with the workspace (listed in its index).
        if let Err(e) = self.share_shelf(workspace_id).await {
            tracing::warn!(error = %e, "the shelf cannot be listed in the linked workspace");
        }
        Ok(self.sync.status(workspace_id))
    }

    /// Joins a workspace that lives on a server: fetches its index and documents and adds
    /// it to this laptop, linked to that server. Joining a workspace the laptop already
    /// has just links it.
    pub async fn join_workspace(
        &self,
        server_url: &str,
        token: &str,
    ) -> Result<WorkspaceSummary, ApiError> {
        let (url, info) = self.ask_invitation(server_url, token).await?;
        let ws = info.workspace_id.clone();
        if let Some(row) = self.store.workspace(&ws)? {
            self.link(&row, url, token, info)?;
            let count = self.read_index(&row.index_doc).await?.documents.len() as u32;
            return Ok(WorkspaceSummary {
                id: row.id,
                name: row.name,
                document_count: count,
            });
        }
        let index = DocumentId::from_str(&ws).map_err(|_| {
            invalid(format!(
                "the server named a workspace {ws:?} that is not a document id"
            ))
        })?;
        let remote = store::RemoteRow {
            workspace_id: ws.clone(),
            server_url: url.to_string(),
            token: token.trim().to_string(),
            person: info.name.clone(),
            access: info.access.clone(),
            enabled: true,
            last_synced_at: None,
        };
        self.store.set_remote(&remote)?;
        self.sync.start(remote, index.clone())?;
        let fetched = self.fetch_index(&ws, index).await;
        let handle = match fetched {
            Ok(h) => h,
            Err(e) => {
                self.sync.stop(&ws);
                let _ = self.store.remove_remote(&ws);
                return Err(e);
            }
        };
        let idx = run_blocking({
            let h = handle.clone();
            move || h.with_document(|doc| workspace::read(doc))
        })
        .await??;
        // Fetch the listed documents too, so that they open at once (bounded: what does not
        // arrive in time keeps syncing in the background).
        let fetches = idx.documents.iter().map(|d| {
            let (repo, id) = (self.repo.clone(), d.id.clone());
            async move {
                let Ok(doc) = DocumentId::from_str(&id) else {
                    return (id, false);
                };
                // A server may answer "unavailable" while it is still taking the document
                // in (its access follows the index it just received): ask again.
                let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
                loop {
                    let got = tokio::time::timeout_at(deadline, repo.find(doc.clone())).await;
                    match got {
                        Ok(Ok(Some(_))) => return (id, true),
                        Ok(Ok(None)) if tokio::time::Instant::now() < deadline => {
                            tokio::time::sleep(Duration::from_millis(250)).await;
                        }
                        _ => return (id, false),
                    }
                }
            }
        });
        for (id, fetched) in futures::future::join_all(fetches).await {
            if !fetched {
                tracing::warn!(document = %id, "not fetched while joining; it keeps syncing");
            }
        }
        let now = self.clock.now_ms();
        self.store.insert_workspace(&WorkspaceRow {
            id: ws.clone(),
            index_doc: ws.clone(),
            name: idx.name.clone(),
            created_at: now,
            opened_at: Some(now),
        })?;
        self.remember(handle);
        Ok(WorkspaceSummary {
            id: ws,
            name: idx.name,
            document_count: idx.documents.len() as u32,
        })
    }

    /// Waits for the link to connect, then for the server to hand over the index.
    async fn fetch_index(&self, ws: &str, index: DocumentId) -> Result<DocHandle, ApiError> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let status = self.sync.status(ws);
            match status.state {
                SyncState::Error => {
                    return Err(ApiError::new(
                        ErrorCode::Unauthorized,
                        status.detail.unwrap_or_default(),
                    ));
                }
                SyncState::Syncing | SyncState::UpToDate => {
                    if let Some(h) = self.repo.find(index.clone()).await? {
                        return Ok(h);
                    }
                    // "Unavailable" may be momentary (a server still taking the workspace
                    // in); only a lasting one means nobody has connected it yet.
                    if tokio::time::Instant::now() > deadline - Duration::from_secs(25) {
                        return Err(not_found(
                            "the server has nothing of this workspace yet: someone must connect it first",
                        ));
                    }
                }
                _ => {}
            }
            if tokio::time::Instant::now() > deadline {
                return Err(ApiError::new(
                    ErrorCode::Unreachable,
                    format!(
                        "could not connect within 30 s{}",
                        status.detail.map(|d| format!(": {d}")).unwrap_or_default()
                    ),
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn ask_invitation(
        &self,
        server_url: &str,
        token: &str,
    ) -> Result<(url::Url, sync::InvitationInfo), ApiError> {
        let (url, info_url) = sync::endpoints(server_url)?;
        if token.trim().is_empty() {
            return Err(invalid("the invitation is empty"));
        }
        let info = sync::ask_invitation(&info_url, token).await?;
        Ok((url, info))
    }

    fn link(
        &self,
        row: &WorkspaceRow,
        url: url::Url,
        token: &str,
        info: sync::InvitationInfo,
    ) -> Result<(), ApiError> {
        let remote = store::RemoteRow {
            workspace_id: row.id.clone(),
            server_url: url.to_string(),
            token: token.trim().to_string(),
            person: info.name,
            access: info.access,
            enabled: true,
            last_synced_at: None,
        };
        self.store.set_remote(&remote)?;
        let index = DocumentId::from_str(&row.index_doc).map_err(|_| {
            internal(format!(
                "workspace index {:?} is not a document id",
                row.index_doc
            ))
        })?;
        self.sync.start(remote, index)
    }

    /// Stops syncing the workspace (work goes on offline; "sync now" reconnects).
    pub fn disconnect_workspace(&self, workspace_id: &str) -> Result<SyncStatus, ApiError> {
        self.workspace_row(workspace_id)?;
        self.store.set_remote_enabled(workspace_id, false)?;
        self.sync.stop(workspace_id);
        Ok(self.sync.status(workspace_id))
    }

    /// Reconnects at once if offline; otherwise checks again that everything is exchanged.
    pub fn sync_now(&self, workspace_id: &str) -> Result<SyncStatus, ApiError> {
        let row = self.workspace_row(workspace_id)?;
        let index = DocumentId::from_str(&row.index_doc).map_err(|_| {
            internal(format!(
                "workspace index {:?} is not a document id",
                row.index_doc
            ))
        })?;
        if !self.sync.is_linked(workspace_id) {
            let remote = self
                .store
                .remote(workspace_id)?
                .ok_or_else(|| invalid("this workspace is not connected to a server"))?;
            self.store.set_remote_enabled(workspace_id, true)?;
            self.sync.start(
                store::RemoteRow {
                    enabled: true,
                    ..remote
                },
                index,
            )?;
        } else {
            self.sync.sync_now(workspace_id, index)?;
        }
        Ok(self.sync.status(workspace_id))
    }

    /// Tells the others in the workspace where this person is (never stored).
    pub fn set_presence(
        &self,
        workspace_id: &str,
        document_id: Option<String>,
        cursor: Option<PresencePoint>,
        selection: Vec<String>,
    ) {
        self.sync
            .set_presence(workspace_id, document_id, cursor, selection);
    }

    /// Who else is in the workspace now.
    pub fn presence(&self, workspace_id: &str) -> Vec<PresencePeer> {
        self.sync.presence(workspace_id)
    }

    // ---- meeting room -----------------------------------------------------------------

    /// Opens a meeting room for a workspace: the Triloop server inside this app, listening
    /// on `listen` (default: every interface, port 8788) for the others on the local network.
    /// The workspace links to it; the link it had before comes back when the room closes.
    pub async fn start_meeting_room(
        &self,
        workspace_id: &str,
        listen: Option<&str>,
    ) -> Result<MeetingRoom, ApiError> {
        let row = self.workspace_row(workspace_id)?;
        let mut slot = self.meeting.lock().await;
        if let Some(m) = slot.as_ref() {
            return Err(invalid(format!(
                "a meeting room is already open on this laptop (workspace {}); close it first",
                m.workspace_id
            )));
        }
        let previous = self.store.remote(workspace_id)?;
        let host = previous
            .as_ref()
            .map(|r| r.person.clone())
            .or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty()))
            .unwrap_or_else(|| "host".into());
        let (server, database) = meeting::start_server(&self.config.data_dir, listen).await?;
        let mut room = meeting::Meeting {
            server,
            workspace_id: row.id.clone(),
            database,
            previous: previous.clone(),
            invitations: Vec::new(),
        };
        let own = match room.invite(&host, false) {
            Ok(inv) => inv,
            Err(e) => {
                room.server.stop().await;
                return Err(e);
            }
        };
        // The host's own invitation is not one to hand out.
        room.invitations.clear();
        let url = format!("ws://127.0.0.1:{}", room.server.local_addr.port());
        if let Err(e) = self.connect_workspace(workspace_id, &url, &own.token).await {
            room.server.stop().await;
            if let Some(prev) = previous {
                self.store.set_remote(&prev)?;
            }
            return Err(e);
        }
        let view = room.view();
        *slot = Some(room);
        Ok(view)
    }

    /// The meeting room this laptop hosts, if any.
    pub async fn meeting_room(&self) -> Option<MeetingRoom> {
        self.meeting.lock().await.as_ref().map(|m| m.view())
    }

    /// Creates an invitation to the open meeting room (its token is shown to the host).
    pub async fn invite_to_meeting_room(
        &self,
        name: &str,
        read_only: bool,
    ) -> Result<MeetingInvitation, ApiError> {
        let mut slot = self.meeting.lock().await;
        let room = slot
            .as_mut()
            .ok_or_else(|| invalid("no meeting room is open on this laptop"))?;
        room.invite(name, read_only)
    }

    /// Closes the meeting room: the others are disconnected (their work is already here),
    /// and the workspace links back to the server it had before, if any, so that
    /// everything done in the room syncs on.
    pub async fn stop_meeting_room(&self) -> Result<SyncStatus, ApiError> {
        let room = self
            .meeting
            .lock()
            .await
            .take()
            .ok_or_else(|| invalid("no meeting room is open on this laptop"))?;
        let ws = room.workspace_id.clone();
        // Everything the room's server has is also here: the host was linked to it.
        let _ = self.sync_now(&ws);
        self.sync.stop(&ws);
        room.server.stop().await;
        match &room.previous {
            Some(prev) => {
                self.store.set_remote(prev)?;
                if prev.enabled {
                    self.sync_now(&ws)?;
                } else {
                    self.sync.reset_status(&ws);
                }
            }
            None => {
                self.store.remove_remote(&ws)?;
                self.sync.reset_status(&ws);
            }
        }
        Ok(self.sync.status(&ws))
    }

    // ---- plumbing ---------------------------------------------------------------------

    fn session(&self) -> std::sync::MutexGuard<'_, Session> {
        self.session.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn forget(&self, document_id: &str) {
        let mut s = self.session();
        s.handles.remove(document_id);
        s.undo.remove(document_id);
        s.bpmn_sources.remove(document_id);
    }

    /// The workspace this laptop may only read that holds `document_id`, if any. A
    /// read-only invitation binds the workspace whether its link is live, disconnected or
    /// not yet restored after a restart: edits made meanwhile would never reach anyone.
    async fn read_only_workspace(&self, document_id: &str) -> Result<Option<String>, ApiError> {
        if let Some(ws) = self.sync.read_only(document_id) {
            return Ok(Some(ws));
        }
        for remote in self.store.remotes()? {
            if remote.access != "read_only" {
                continue;
            }
            let Some(row) = self.store.workspace(&remote.workspace_id)? else {
                continue;
            };
            if row.index_doc == document_id {
                return Ok(Some(remote.workspace_id));
            }
            let index = self.handle(&row.index_doc).await?;
            let listed = index.with_document(|d| {
                workspace::read(d)
                    .map(|w| w.documents.iter().any(|e| e.id == document_id))
                    .unwrap_or(false)
            });
            if listed {
                return Ok(Some(remote.workspace_id));
            }
        }
        Ok(None)
    }

    fn workspace_row(&self, workspace_id: &str) -> Result<WorkspaceRow, ApiError> {
        self.store
            .workspace(workspace_id)?
            .ok_or_else(|| not_found(format!("no workspace {workspace_id}")))
    }

    async fn read_index(&self, index_doc: &str) -> Result<model::WorkspaceIndex, ApiError> {
        let handle = self.handle(index_doc).await?;
        Ok(run_blocking(move || handle.with_document(|doc| workspace::read(doc))).await??)
    }

    /// The handle of a stored document. A document whose stored bytes do not load is
    /// refused with `DocumentCorrupt` and never handed to samod (see `Store::check_document`).
    pub(crate) async fn handle(&self, document_id: &str) -> Result<DocHandle, ApiError> {
        if let Some(h) = self.session().handles.get(document_id) {
            return Ok(h.clone());
        }
        let id = DocumentId::from_str(document_id)
            .map_err(|_| not_found(format!("{document_id:?} is not a document id")))?;
        let store = self.store.clone();
        let doc = document_id.to_string();
        let now = self.clock.now_ms();
        let exists = run_blocking(move || -> Result<bool, ApiError> {
            if !store.has_document(&doc)? {
                return Ok(false);
            }
            store.check_document(&doc, now)?;
            Ok(true)
        })
        .await??;
        if !exists {
            return Err(not_found(format!(
                "document {document_id} is not in the local store"
            )));
        }
        let handle = self.repo.find(id).await?.ok_or_else(|| {
            not_found(format!("document {document_id} is not in the local store"))
        })?;
        self.remember(handle.clone());
        Ok(handle)
    }

    /// Keeps a handle for the session and reports changes that came through sync.
    fn remember(&self, handle: DocHandle) {
        let id = handle.document_id().to_string();
        let fresh = self
            .session()
            .handles
            .insert(id.clone(), handle.clone())
            .is_none();
        if !fresh {
            return;
        }
        let own = self.own_heads.clone();
        let events = self.sync.events.clone();
        let mut changes = handle.changes();
        tokio::spawn(async move {
            while let Some(c) = changes.next().await {
                let ours = own
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .get(&id)
                    .is_some_and(|h| *h == c.new_heads);
                if ours {
                    continue;
                }
                // A burst of remote changes becomes one event.
                tokio::time::sleep(Duration::from_millis(30)).await;
                while let Some(Some(_)) = changes.next().now_or_never() {}
                let _ = events.send(CoreEvent::DocumentChanged {
                    document_id: id.clone(),
                });
            }
        });
    }

    /// Runs `f` on the document as one local change and waits until samod has committed
    /// the chunk holding that change to SQLite. `f` must leave the document unchanged when
    /// it fails (model operations roll back their transaction).
    async fn change<R: Send + 'static>(
        &self,
        document_id: &str,
        f: impl FnOnce(&mut Automerge) -> Result<R, ModelError> + Send + 'static,
    ) -> Result<R, ApiError> {
        if let Some(ws) = self.read_only_workspace(document_id).await? {
            return Err(read_only(&ws));
        }
        let handle = self.handle(document_id).await?;
        let own = self.own_heads.clone();
        let id = document_id.to_string();
        let (result, keys) = run_blocking(move || {
            handle.with_document(|doc| {
                let before = doc.get_heads();
                let r = f(doc)?;
                let after = doc.get_heads();
                own.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(id, after.clone());
                Ok::<_, ModelError>((r, durable_keys(&handle, &before, &after)))
            })
        })
        .await??;
        if !keys.is_empty() {
            self.store.wait_persisted(&keys, DURABILITY_TIMEOUT).await?;
        }
        Ok(result)
    }

    /// Imports an exported workspace folder as a new workspace.
    pub async fn import_folder(&self, dir: &Path) -> Result<WorkspaceSummary, ApiError> {
        let bundle = exchange::read_folder(dir)?;
        self.import_bundle(&bundle).await
    }

    /// Exports a workspace to `dir` as JSON files (see [`exchange`]).
    pub async fn export_folder(
        &self,
        workspace_id: &str,
        dir: &Path,
    ) -> Result<Vec<PathBuf>, ApiError> {
        let bundle = self.export_bundle(workspace_id).await?;
        exchange::write_folder(&bundle, dir)
    }

    pub async fn export_bundle(&self, workspace_id: &str) -> Result<exchange::Bundle, ApiError> {
        let row = self.workspace_row(workspace_id)?;
        let idx = self.read_index(&row.index_doc).await?;
        let mut documents = Vec::new();
        for entry in idx.documents {
            let content = match entry.kind {
                DocKind::BusinessFlow => {
                    let handle = self.handle(&entry.id).await?;
                    let (flow, bpmn_source) = run_blocking(move || {
                        handle.with_document(|doc| {
                            Ok::<_, model::ModelError>((flow::read(doc)?, flow::bpmn_source(doc)?))
                        })
                    })
                    .await??;
                    exchange::Content::BusinessFlow { flow, bpmn_source }
                }
                DocKind::DomainModel => {
                    let handle = self.handle(&entry.id).await?;
                    let model =
                        run_blocking(move || handle.with_document(|doc| model::domain::read(doc)))
                            .await??;
                    exchange::Content::DomainModel { model }
                }
                DocKind::SandboxPrototype => {
                    let handle = self.handle(&entry.id).await?;
                    let prototype = run_blocking(move || {
                        handle.with_document(|doc| model::prototype::read(doc))
                    })
                    .await??;
                    exchange::Content::SandboxPrototype { prototype }
                }
                _ => continue,
            };
            let handle = self.handle(&entry.id).await?;
            let links =
                run_blocking(move || handle.with_document(|doc| model::links::read(doc))).await??;
            documents.push(exchange::BundleDocument {
                id: entry.id,
                title: entry.title,
                content,
                links,
            });
        }
        Ok(exchange::Bundle {
            name: idx.name,
            documents,
        })
    }

    /// Creates a new workspace from `bundle`: all of it or, on any error, nothing.
    pub async fn import_bundle(
        &self,
        bundle: &exchange::Bundle,
    ) -> Result<WorkspaceSummary, ApiError> {
        bundle.validate()?;
        let ws = self.create_workspace(&bundle.name).await?;
        match self.fill_workspace(&ws.id, bundle).await {
            Ok(()) => Ok(WorkspaceSummary {
                document_count: bundle.documents.len() as u32,
                ..ws
            }),
            Err(e) => {
                if let Err(cleanup) = self.delete_workspace(&ws.id).await {
                    tracing::error!(error = %cleanup, "removing a half-imported workspace failed");
                }
                Err(e)
            }
        }
    }

    async fn fill_workspace(
        &self,
        workspace_id: &str,
        bundle: &exchange::Bundle,
    ) -> Result<(), ApiError> {
        // The new documents in the bundle's order, and the bundle's ids mapped to them, for
        // the links.
        let mut created: Vec<String> = Vec::new();
        let mut new_ids: HashMap<String, String> = HashMap::new();
        // Prototypes name other documents of the bundle: filled once every id is known.
        let mut prototypes: Vec<(String, &str, &model::prototype::Prototype)> = Vec::new();
        for d in &bundle.documents {
            let summary = match &d.content {
                exchange::Content::BusinessFlow { flow, bpmn_source } => {
                    let s = self
                        .create_document(workspace_id, DocKind::BusinessFlow, &d.title)
                        .await?;
                    if let Some(xml) = bpmn_source.clone() {
                        self.change(&s.id, move |doc| flow::set_bpmn_source(doc, &xml))
                            .await?;
                    }
                    let ops = exchange::flow_ops(flow);
                    if !ops.is_empty() {
                        self.change(&s.id, move |doc| flow::apply(doc, &ops))
                            .await
                            .map_err(|e| {
                                ApiError::new(
                                    ErrorCode::BadFile,
                                    format!("document {:?}: {}", d.title, e.detail),
                                )
                            })?;
                    }
                    s
                }
                exchange::Content::DomainModel { model } => {
                    let s = self
                        .create_document(workspace_id, DocKind::DomainModel, &d.title)
                        .await?;
                    let ops = exchange::domain_ops(model);
                    if !ops.is_empty() {
                        self.change(&s.id, move |doc| model::domain::apply(doc, &ops))
                            .await
                            .map_err(|e| {
                                ApiError::new(
                                    ErrorCode::BadFile,
                                    format!("document {:?}: {}", d.title, e.detail),
                                )
                            })?;
                    }
                    s
                }
                exchange::Content::SandboxPrototype { prototype } => {
                    let s = self
                        .create_document(workspace_id, DocKind::SandboxPrototype, &d.title)
                        .await?;
                    prototypes.push((s.id.clone(), &d.title, prototype));
                    s
                }
            };
            tracing::debug!(doc = %summary.id, "imported");
            if !d.id.is_empty() {
                new_ids.insert(d.id.clone(), summary.id.clone());
            }
            created.push(summary.id);
        }
        for (id, title, prototype) in prototypes {
            let renamed = prototype
                .clone()
                .rename_documents(|d| new_ids.get(d).cloned());
            let ops = exchange::prototype_ops(&renamed);
            if !ops.is_empty() {
                self.change(&id, move |doc| model::prototype::apply(doc, &ops))
                    .await
                    .map_err(|e| {
                        ApiError::new(
                            ErrorCode::BadFile,
                            format!("document {title:?}: {}", e.detail),
                        )
                    })?;
            }
        }
        for (d, from) in bundle.documents.iter().zip(created) {
            if d.links.is_empty() {
                continue;
            }
            let links: Vec<model::links::Link> = d
                .links
                .iter()
                .map(|l| model::links::Link {
                    // A link into a document outside the bundle is kept as it was (broken).
                    to_document: new_ids
                        .get(&l.to_document)
                        .cloned()
                        .unwrap_or_else(|| l.to_document.clone()),
                    ..l.clone()
                })
                .collect();
            self.change(&from, move |doc| {
                for l in &links {
                    model::links::add(doc, l)?;
                }
                Ok(())
            })
            .await?;
        }
        Ok(())
    }
}

/// The storage keys under which samod will write the change that took `before` to
/// `after`: its incremental chunk, or the snapshot it compacts into. samod writes exactly
/// one of them within the same `with_document` call (see samod-core's OnDiskState), so
/// waiting for either is waiting for this change and nothing older.
fn durable_keys(
    handle: &DocHandle,
    before: &[automerge::ChangeHash],
    after: &[automerge::ChangeHash],
) -> Vec<String> {
    if before == after {
        return Vec::new();
    }
    let id = handle.document_id();
    let mut keys: Vec<String> = after
        .iter()
        .filter(|h| !before.contains(h))
        .map(|h| samod_core::StorageKey::incremental_path(id, *h).to_string())
        .collect();
    keys.push(
        samod_core::StorageKey::snapshot_path(id, &samod_core::CompactionHash::new(after))
            .to_string(),
    );
    keys
}

async fn run_blocking<R: Send + 'static>(
    f: impl FnOnce() -> R + Send + 'static,
) -> Result<R, ApiError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => Ok(r),
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => Err(internal(format!("a background task failed: {e}"))),
    }
}

fn clean_name(name: &str) -> Result<String, ApiError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(invalid("a name cannot be empty"));
    }
    if name.chars().count() > MAX_NAME_LEN {
        return Err(invalid(format!(
            "a name can have at most {MAX_NAME_LEN} characters"
        )));
    }
    Ok(name.to_string())
}

fn summary(e: DocumentEntry) -> DocumentSummary {
    DocumentSummary {
        id: e.id,
        kind: e.kind,
        title: e.title,
        created_at: e.created_at,
    }
}
