//! The Triloop desktop shell: the window, and Tauri commands that forward to the `api`
//! crate. Nothing else lives here: every use case is in `api`, so the command line and
//! tests reach the same behaviour without a window.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Arc;

use api::{
    ApiError, AppInfo, Config, Core, CoreEvent, DataModelView, DocKind, DocOps, DocProblems,
    DocumentSummary, DocumentView, EditResult, ErrorCode, FileFormat, Link, LinkKind, LinkTarget,
    MeetingInvitation, MeetingRoom, PartCategory, PlayerBundle, PresencePeer, PresencePoint,
    ResolvedLink, ShelfPart, SqlDialect, SyncStatus, WorkspaceSummary, WorkspaceView,
};
use futures::FutureExt;
use tauri::{Manager, State};

mod window;

/// Test hooks (the `debug_panic` command) are on only when this variable is `1`.
pub const TEST_HOOKS_ENV: &str = "TRILOOP_TEST_HOOKS";

/// The core, or why it could not open (a newer database, a disk error): the window still
/// comes up and every command reports that error.
struct AppState {
    core: Result<Arc<Core>, ApiError>,
}

/// Runs a use case, turning a panic anywhere inside it into an `Internal` error the person
/// sees, instead of a dead window.
async fn call<T, F, Fut>(state: State<'_, AppState>, f: F) -> Result<T, ApiError>
where
    F: FnOnce(Arc<Core>) -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let core = state.core.clone()?;
    match AssertUnwindSafe(f(core)).catch_unwind().await {
        Ok(r) => r,
        Err(panic) => {
            let msg = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            tracing::error!(panic = %msg, "a command panicked");
            Err(ApiError::new(
                ErrorCode::Internal,
                format!("internal error: {msg}"),
            ))
        }
    }
}

#[tauri::command]
#[specta::specta]
async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, ApiError> {
    call(state, |c| async move { c.app_info() }).await
}

#[tauri::command]
#[specta::specta]
async fn set_locale(state: State<'_, AppState>, locale: String) -> Result<(), ApiError> {
    call(state, |c| async move { c.set_locale(&locale) }).await
}

#[tauri::command]
#[specta::specta]
async fn list_workspaces(state: State<'_, AppState>) -> Result<Vec<WorkspaceSummary>, ApiError> {
    call(state, |c| async move { c.list_workspaces().await }).await
}

#[tauri::command]
#[specta::specta]
async fn create_workspace(
    state: State<'_, AppState>,
    name: String,
) -> Result<WorkspaceSummary, ApiError> {
    call(state, |c| async move { c.create_workspace(&name).await }).await
}

#[tauri::command]
#[specta::specta]
async fn rename_workspace(
    state: State<'_, AppState>,
    workspace_id: String,
    name: String,
) -> Result<(), ApiError> {
    call(state, |c| async move {
        c.rename_workspace(&workspace_id, &name).await
    })
    .await
}

#[tauri::command]
#[specta::specta]
async fn delete_workspace(
    state: State<'_, AppState>,
    workspace_id: String,
) -> Result<(), ApiError> {
    call(
        state,
        |c| async move { c.delete_workspace(&workspace_id).await },
    )
    .await
}

#[tauri::command]
#[specta::specta]
async fn open_workspace(
    state: State<'_, AppState>,
    workspace_id: String,
) -> Result<WorkspaceView, ApiError> {
    call(
        state,
        |c| async move { c.open_workspace(&workspace_id).await },
    )
    .await
}

#[tauri::command]
#[specta::specta]
async fn create_document(
    state: State<'_, AppState>,
    workspace_id: String,
    kind: DocKind,
    title: String,
) -> Result<DocumentSummary, ApiError> {
    call(state, |c| async move {
        c.create_document(&workspace_id, kind, &title).await
    })
    .await
}

#[tauri::command]
#[specta::specta]
async fn rename_document(
    state: State<'_, AppState>,
    workspace_id: String,
    document_id: String,
    title: String,
) -> Result<(), ApiError> {
    call(state, |c| async move {
        c.rename_document(&workspace_id, &document_id, &title).await
    })
    .await
}

#[tauri::command]
#[specta::specta]
async fn delete_document(
    state: State<'_, AppState>,
    workspace_id: String,
    document_id: String,
) -> Result<(), ApiError> {
    call(state, |c| async move {
        c.delete_document(&workspace_id, &document_id).await
    })
    .await
}

#[tauri::command]
#[specta::specta]
async fn open_document(
    state: State<'_, AppState>,
    document_id: String,
) -> Result<DocumentView, ApiError> {
    call(
        state,
        |c| async move { c.open_document(&document_id).await },
    )
    .await
}

/// One edit of any document kind: its ops, tagged with the kind.
#[tauri::command]
#[specta::specta]
async fn edit_document(
    state: State<'_, AppState>,
    document_id: String,
    ops: DocOps,
) -> Result<EditResult, ApiError> {
    call(state, |c| async move {
        c.edit_document(&document_id, ops).await
    })
    .await
}

#[tauri::command]
#[specta::specta]
async fn undo_document(
    state: State<'_, AppState>,
    document_id: String,
) -> Result<EditResult, ApiError> {
    call(
        state,
        |c| async move { c.undo_document(&document_id).await },
    )
    .await
}

#[tauri::command]
#[specta::specta]
async fn redo_document(
    state: State<'_, AppState>,
    document_id: String,
) -> Result<EditResult, ApiError> {
    call(
        state,
        |c| async move { c.redo_document(&document_id).await },
    )
    .await
}

#[tauri::command]
#[specta::specta]
async fn validate_document(
    state: State<'_, AppState>,
    document_id: String,
) -> Result<DocProblems, ApiError> {
    call(
        state,
        |c| async move { c.validate_document(&document_id).await },
    )
    .await
}

#[tauri::command]
#[specta::specta]
async fn add_link(
    state: State<'_, AppState>,
    workspace_id: String,
    from_document: String,
    from_element: String,
    kind: LinkKind,
    to_document: String,
    to_element: String,
) -> Result<Link, ApiError> {
    call(state, |c| async move {
        c.add_link(
            &workspace_id,
            &from_document,
            &from_element,
            kind,
            &to_document,
            &to_element,
        )
        .await
    })
    .await
}

#[tauri::command]
#[specta::specta]
async fn remove_link(
    state: State<'_, AppState>,
    document_id: String,
    link_id: String,
) -> Result<(), ApiError> {
    call(state, |c| async move {
        c.remove_link(&document_id, &link_id).await
    })
    .await
}

#[tauri::command]
#[specta::specta]
async fn links_of(
    state: State<'_, AppState>,
    workspace_id: String,
    document_id: String,
    element_id: String,
) -> Result<Vec<ResolvedLink>, ApiError> {
    call(state, |c| async move {
        c.links_of(&workspace_id, &document_id, &element_id).await
    })
    .await
}

#[tauri::command]
#[specta::specta]
async fn link_targets(
    state: State<'_, AppState>,
    workspace_id: String,
) -> Result<Vec<LinkTarget>, ApiError> {
    call(
        state,
        |c| async move { c.link_targets(&workspace_id).await },
    )
    .await
}

/// With test hooks on, file dialogs answer from these variables instead of opening (a
/// WebDriver test cannot click a native dialog): the file to open, the folder to save in.
pub const TEST_OPEN_FILE_ENV: &str = "TRILOOP_TEST_OPEN_FILE";
pub const TEST_SAVE_DIR_ENV: &str = "TRILOOP_TEST_SAVE_DIR";

fn test_hooks() -> bool {
    std::env::var(TEST_HOOKS_ENV).as_deref() == Ok("1")
}

/// Asks for a file of `format` to open; `None` when the person cancels.
#[tauri::command]
#[specta::specta]
async fn choose_open_file(
    app: tauri::AppHandle,
    format: FileFormat,
) -> Result<Option<String>, ApiError> {
    use tauri_plugin_dialog::DialogExt;
    if test_hooks()
        && let Ok(p) = std::env::var(TEST_OPEN_FILE_ENV)
    {
        return Ok(Some(p));
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .add_filter(
            match format {
                FileFormat::Bpmn => "BPMN 2.0",
                FileFormat::Cml => "Context Mapper CML",
            },
            match format {
                FileFormat::Bpmn => &["bpmn", "xml", "bpmn2"][..],
                FileFormat::Cml => &["cml"][..],
            },
        )
        .pick_file(move |f| {
            let _ = tx.send(f.and_then(|f| f.into_path().ok()));
        });
    let picked = rx.await.ok().flatten();
    Ok(picked.map(|p| p.to_string_lossy().into_owned()))
}

/// Asks where to save a file named `suggested_name` (its extension sets the filter);
/// `None` when the person cancels.
#[tauri::command]
#[specta::specta]
async fn choose_save_path(
    app: tauri::AppHandle,
    suggested_name: String,
) -> Result<Option<String>, ApiError> {
    use tauri_plugin_dialog::DialogExt;
    if test_hooks()
        && let Ok(dir) = std::env::var(TEST_SAVE_DIR_ENV)
    {
        return Ok(Some(
            PathBuf::from(dir)
                .join(&suggested_name)
                .to_string_lossy()
                .into_owned(),
        ));
    }
    let ext = suggested_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_string())
        .unwrap_or_default();
    let (tx, rx) = tokio::sync::oneshot::channel();
    let mut dialog = app.dialog().file().set_file_name(&suggested_name);
    if !ext.is_empty() {
        dialog = dialog.add_filter(ext.to_uppercase(), &[ext.as_str()]);
    }
    dialog.save_file(move |f| {
        let _ = tx.send(f.and_then(|f| f.into_path().ok()));
    });
    let picked = rx.await.ok().flatten();
    Ok(picked.map(|p| p.to_string_lossy().into_owned()))
}

/// Imports the BPMN file at `path` as a new flow of the workspace.
#[tauri::command]
#[specta::specta]
async fn import_bpmn_file(
    state: State<'_, AppState>,
    workspace_id: String,
    path: String,
) -> Result<DocumentSummary, ApiError> {
    call(state, |c| async move {
        let (bytes, stem) = read_import(&path)?;
        c.import_bpmn(&workspace_id, bytes, stem)
            .await
            .map_err(|e| ApiError::new(e.code, format!("{path}: {}", e.detail)))
    })
    .await
}

/// Writes the flow as BPMN 2.0 XML to `path`.
#[tauri::command]
#[specta::specta]
async fn export_bpmn_file(
    state: State<'_, AppState>,
    document_id: String,
    path: String,
) -> Result<(), ApiError> {
    call(state, |c| async move {
        let xml = c.export_bpmn(&document_id).await?;
        write_file(&path, xml.as_bytes())
    })
    .await
}

/// Imports a Context Mapper CML file as a new domain model of the workspace.
#[tauri::command]
#[specta::specta]
async fn import_cml_file(
    state: State<'_, AppState>,
    workspace_id: String,
    path: String,
) -> Result<DocumentSummary, ApiError> {
    call(state, |c| async move {
        let (bytes, stem) = read_import(&path)?;
        c.import_cml(&workspace_id, bytes, stem)
            .await
            .map_err(|e| ApiError::new(e.code, format!("{path}: {}", e.detail)))
    })
    .await
}

/// The bytes of a file to import and its name without the extension (the fallback title).
fn read_import(path: &str) -> Result<(Vec<u8>, Option<String>), ApiError> {
    let p = PathBuf::from(path);
    let bytes = std::fs::read(&p)
        .map_err(|e| ApiError::new(ErrorCode::BadFile, format!("cannot read {path}: {e}")))?;
    Ok((
        bytes,
        p.file_stem().map(|s| s.to_string_lossy().into_owned()),
    ))
}

/// A picture of the domain model's context map (SVG).
#[tauri::command]
#[specta::specta]
async fn context_map_svg(
    state: State<'_, AppState>,
    document_id: String,
) -> Result<String, ApiError> {
    call(
        state,
        |c| async move { c.context_map_svg(&document_id).await },
    )
    .await
}

/// The data model derived from the domain model, with the person's column overrides applied.
#[tauri::command]
#[specta::specta]
async fn domain_data_model(
    state: State<'_, AppState>,
    document_id: String,
) -> Result<DataModelView, ApiError> {
    call(
        state,
        |c| async move { c.domain_data_model(&document_id).await },
    )
    .await
}

/// The parts of the capability shelf (built-in and the organisation's) whose name in either
/// language contains `query` (empty: all).
#[tauri::command]
#[specta::specta]
async fn list_shelf(state: State<'_, AppState>, query: String) -> Result<Vec<ShelfPart>, ApiError> {
    call(state, |c| async move { c.list_shelf(&query).await }).await
}

/// Adds the selected components of a prototype (and what is inside them) to the shelf as a
/// new part.
#[tauri::command]
#[specta::specta]
async fn add_shelf_part(
    state: State<'_, AppState>,
    document_id: String,
    components: Vec<String>,
    category: PartCategory,
    name_zh: String,
    name_en: String,
    description: Option<String>,
) -> Result<ShelfPart, ApiError> {
    call(state, |c| async move {
        c.add_shelf_part(
            &document_id,
            components,
            category,
            &name_zh,
            &name_en,
            description,
        )
        .await
    })
    .await
}

/// Removes a part the organisation added (screens that use it keep their copies).
#[tauri::command]
#[specta::specta]
async fn remove_shelf_part(state: State<'_, AppState>, part_id: String) -> Result<(), ApiError> {
    call(
        state,
        |c| async move { c.remove_shelf_part(&part_id).await },
    )
    .await
}

/// Places a copy of a shelf part on a screen of a prototype: one edit, undone as one.
#[tauri::command]
#[specta::specta]
async fn place_shelf_part(
    state: State<'_, AppState>,
    document_id: String,
    part_id: String,
    screen: String,
    parent: Option<String>,
    x: f64,
    y: f64,
) -> Result<EditResult, ApiError> {
    call(state, |c| async move {
        c.place_shelf_part(&document_id, &part_id, &screen, parent, x, y)
            .await
    })
    .await
}

/// A new workspace started from a product template of the shelf (its flows, domain model
/// and prototype).
#[tauri::command]
#[specta::specta]
async fn create_workspace_from_template(
    state: State<'_, AppState>,
    part_id: String,
    name: String,
) -> Result<WorkspaceSummary, ApiError> {
    call(state, |c| async move {
        c.create_workspace_from_template(&part_id, &name).await
    })
    .await
}

/// Everything the player needs to play the prototype, its sample data from `seed`.
#[tauri::command]
#[specta::specta]
async fn prototype_player_bundle(
    state: State<'_, AppState>,
    document_id: String,
    seed: u32,
) -> Result<PlayerBundle, ApiError> {
    call(state, |c| async move {
        c.player_bundle(&document_id, seed).await
    })
    .await
}

/// A walk of the prototype as Given/When/Then lines (Chinese when `zh`).
#[tauri::command]
#[specta::specta]
async fn walk_gherkin(
    state: State<'_, AppState>,
    document_id: String,
    walk_id: String,
    zh: bool,
) -> Result<Vec<String>, ApiError> {
    call(state, |c| async move {
        c.walk_gherkin(&document_id, &walk_id, zh).await
    })
    .await
}

/// Writes the OpenAPI 3.1 document (JSON) of the services the prototype implies to `path`.
#[tauri::command]
#[specta::specta]
async fn export_openapi_file(
    state: State<'_, AppState>,
    document_id: String,
    path: String,
) -> Result<(), ApiError> {
    call(state, |c| async move {
        let spec = c.prototype_openapi(&document_id).await?;
        write_file(&path, spec.as_bytes())
    })
    .await
}

/// Writes the prototype as one self-contained clickable HTML file to `path`.
#[tauri::command]
#[specta::specta]
async fn export_prototype_html_file(
    state: State<'_, AppState>,
    document_id: String,
    seed: u32,
    path: String,
) -> Result<(), ApiError> {
    call(state, |c| async move {
        let html = c.prototype_html(&document_id, seed).await?;
        write_file(&path, html.as_bytes())
    })
    .await
}

/// Writes the domain model as Context Mapper CML to `path`.
#[tauri::command]
#[specta::specta]
async fn export_cml_file(
    state: State<'_, AppState>,
    document_id: String,
    path: String,
) -> Result<(), ApiError> {
    call(state, |c| async move {
        let cml = c.export_cml(&document_id).await?;
        write_file(&path, cml.as_bytes())
    })
    .await
}

/// Writes the SQL DDL of the domain model's data model to `path`.
#[tauri::command]
#[specta::specta]
async fn export_ddl_file(
    state: State<'_, AppState>,
    document_id: String,
    dialect: SqlDialect,
    path: String,
) -> Result<(), ApiError> {
    call(state, |c| async move {
        let sql = c.domain_ddl(&document_id, dialect).await?;
        write_file(&path, sql.as_bytes())
    })
    .await
}

/// Writes a picture of the canvas (SVG text or PNG bytes, made by the UI) to `path`.
#[tauri::command]
#[specta::specta]
async fn save_picture(path: String, data: Vec<u8>) -> Result<(), ApiError> {
    let lower = path.to_lowercase();
    if !(lower.ends_with(".svg") || lower.ends_with(".png")) {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!("{path}: not an .svg or .png file"),
        ));
    }
    write_file(&path, &data)
}

/// Writes through a temporary file and a rename, so a crash never leaves half a file.
fn write_file(path: &str, bytes: &[u8]) -> Result<(), ApiError> {
    let p = PathBuf::from(path);
    let tmp = p.with_extension(format!(
        "{}.part",
        p.extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_default()
    ));
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, &p))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            ApiError::new(ErrorCode::BadFile, format!("cannot write {path}: {e}"))
        })
}

/// A test hook: panics inside a command so tests can see the person gets an error.
#[tauri::command]
#[specta::specta]
async fn debug_panic(state: State<'_, AppState>) -> Result<(), ApiError> {
    call(state, |_| async move {
        if !test_hooks() {
            return Err(ApiError::new(ErrorCode::InvalidInput, "test hooks are off"));
        }
        panic!("test hook: deliberate panic inside a command");
    })
    .await
}

// ---- sync ----------------------------------------------------------------------------

#[tauri::command]
#[specta::specta]
async fn sync_status(
    state: State<'_, AppState>,
    workspace_id: String,
) -> Result<SyncStatus, ApiError> {
    call(state, |c| async move { c.sync_status(&workspace_id) }).await
}

#[tauri::command]
#[specta::specta]
async fn connect_workspace(
    state: State<'_, AppState>,
    workspace_id: String,
    server_url: String,
    token: String,
) -> Result<SyncStatus, ApiError> {
    call(state, |c| async move {
        c.connect_workspace(&workspace_id, &server_url, &token)
            .await
    })
    .await
}

#[tauri::command]
#[specta::specta]
async fn join_workspace(
    state: State<'_, AppState>,
    server_url: String,
    token: String,
) -> Result<WorkspaceSummary, ApiError> {
    call(state, |c| async move {
        c.join_workspace(&server_url, &token).await
    })
    .await
}

#[tauri::command]
#[specta::specta]
async fn disconnect_workspace(
    state: State<'_, AppState>,
    workspace_id: String,
) -> Result<SyncStatus, ApiError> {
    call(
        state,
        |c| async move { c.disconnect_workspace(&workspace_id) },
    )
    .await
}

#[tauri::command]
#[specta::specta]
async fn sync_now(
    state: State<'_, AppState>,
    workspace_id: String,
) -> Result<SyncStatus, ApiError> {
    call(state, |c| async move { c.sync_now(&workspace_id) }).await
}

#[tauri::command]
#[specta::specta]
async fn set_presence(
    state: State<'_, AppState>,
    workspace_id: String,
    document_id: Option<String>,
    cursor: Option<PresencePoint>,
    selection: Vec<String>,
) -> Result<(), ApiError> {
    call(state, |c| async move {
        c.set_presence(&workspace_id, document_id, cursor, selection);
        Ok(())
    })
    .await
}

#[tauri::command]
#[specta::specta]
async fn presence(
    state: State<'_, AppState>,
    workspace_id: String,
) -> Result<Vec<PresencePeer>, ApiError> {
    call(state, |c| async move { Ok(c.presence(&workspace_id)) }).await
}

#[tauri::command]
#[specta::specta]
async fn start_meeting_room(
    state: State<'_, AppState>,
    workspace_id: String,
) -> Result<MeetingRoom, ApiError> {
    // Test hook: a loopback address instead of every interface.
    let listen = std::env::var("TRILOOP_MEETING_LISTEN")
        .ok()
        .filter(|_| test_hooks());
    call(state, |c| async move {
        c.start_meeting_room(&workspace_id, listen.as_deref()).await
    })
    .await
}

#[tauri::command]
#[specta::specta]
async fn meeting_room(state: State<'_, AppState>) -> Result<Option<MeetingRoom>, ApiError> {
    call(state, |c| async move { Ok(c.meeting_room().await) }).await
}

#[tauri::command]
#[specta::specta]
async fn invite_to_meeting_room(
    state: State<'_, AppState>,
    name: String,
    read_only: bool,
) -> Result<MeetingInvitation, ApiError> {
    call(state, |c| async move {
        c.invite_to_meeting_room(&name, read_only).await
    })
    .await
}

#[tauri::command]
#[specta::specta]
async fn stop_meeting_room(state: State<'_, AppState>) -> Result<SyncStatus, ApiError> {
    call(state, |c| async move { c.stop_meeting_room().await }).await
}

/// What the core says unasked (sync states, documents changed through sync, presence),
/// forwarded to the window as one typed event.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, specta::Type, tauri_specta::Event)]
pub struct CoreNotice(pub CoreEvent);

/// Forwards the core's events to the window until the core's stream ends.
fn forward_events(app: tauri::AppHandle, core: Arc<Core>) {
    use tauri_specta::Event;
    let mut rx = core.subscribe();
    tauri::async_runtime::spawn(async move {
        loop {
            match rx.recv().await {
                Ok(ev) => {
                    if let Err(e) = CoreNotice(ev).emit(&app) {
                        tracing::warn!(error = %e, "cannot send an event to the window");
                    }
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                    tracing::warn!(missed = n, "the window missed core events");
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            }
        }
    });
}

/// The typed command set; `ui/src/bindings.ts` is generated from it.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(tauri_specta::collect_commands![
            app_info,
            set_locale,
            list_workspaces,
            create_workspace,
            rename_workspace,
            delete_workspace,
            open_workspace,
            create_document,
            rename_document,
            delete_document,
            open_document,
            choose_open_file,
            context_map_svg,
            domain_data_model,
            list_shelf,
            add_shelf_part,
            remove_shelf_part,
            place_shelf_part,
            create_workspace_from_template,
            prototype_player_bundle,
            walk_gherkin,
            export_openapi_file,
            export_prototype_html_file,
            choose_save_path,
            import_bpmn_file,
            export_bpmn_file,
            import_cml_file,
            export_cml_file,
            export_ddl_file,
            save_picture,
            edit_document,
            undo_document,
            redo_document,
            validate_document,
            add_link,
            remove_link,
            links_of,
            link_targets,
            sync_status,
            connect_workspace,
            join_workspace,
            disconnect_workspace,
            sync_now,
            set_presence,
            presence,
            start_meeting_room,
            meeting_room,
            invite_to_meeting_room,
            stop_meeting_room,
            debug_panic,
        ])
        .events(tauri_specta::collect_events![CoreNotice])
}

/// The header of the generated bindings file.
pub const BINDINGS_HEADER: &str = "// Generated from Rust by tauri-specta (src-tauri/src/lib.rs). Do not edit.\n// Regenerate: UPDATE_BINDINGS=1 cargo test -p triloop-app bindings\n";

/// Writes the TypeScript bindings to `path`.
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    specta_builder()
        .export(
            specta_typescript::Typescript::default().header(BINDINGS_HEADER),
            path,
        )
        .map_err(|e| e.to_string())
}

/// `--data-dir PATH` (or `--data-dir=PATH`) from the command line.
fn data_dir_flag() -> Option<PathBuf> {
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--data-dir" {
            return args.next().map(PathBuf::from);
        }
        if let Some(v) = a.strip_prefix("--data-dir=") {
            return Some(PathBuf::from(v));
        }
    }
    None
}

pub fn run() {
    let config = match Config::resolve(data_dir_flag()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("triloop: {}", e.detail);
            std::process::exit(2);
        }
    };
    let _log = match api::logging::init(&config.log_dir(), cfg!(debug_assertions)) {
        Ok(g) => Some(g),
        Err(e) => {
            eprintln!("triloop: logging is off: {e}");
            None
        }
    };
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!(%info, "panic");
        default_hook(info);
    }));

    let builder = specta_builder();
    let core = tauri::async_runtime::block_on(Core::open(config.clone())).map(Arc::new);
    if let Err(e) = &core {
        tracing::error!(error = %e.detail, "the core could not open");
    }
    let closing = core.as_ref().ok().cloned();
    let data_dir = config.data_dir.clone();
    // A second app on the same data folder writes nothing there, its window's state included.
    let keep_state = !matches!(&core, Err(e) if e.code == api::ErrorCode::DataFolderInUse);
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            if let Ok(core) = &core {
                forward_events(app.handle().clone(), core.clone());
            }
            app.manage(AppState { core });
            // The window is made here, after the window-state plugin knows the screen.
            window::open_main(app, &data_dir, keep_state)?;
            Ok(())
        })
        .build(tauri::generate_context!("tauri.conf.json"))
        .unwrap_or_else(|e| {
            eprintln!("triloop: cannot start the window: {e}");
            std::process::exit(1);
        });
    app.run(move |_handle, event| {
        if let tauri::RunEvent::Exit = event
            && let Some(core) = &closing
        {
            tauri::async_runtime::block_on(core.close());
            tracing::info!("core closed");
        }
    });
}

#[cfg(test)]
mod tests {
    /// Fails when ui/src/bindings.ts is not what the Rust commands generate.
    #[test]
    fn bindings_are_fresh() {
        let committed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/bindings.ts");
        if std::env::var("UPDATE_BINDINGS").as_deref() == Ok("1") {
            super::export_bindings(&committed).unwrap();
            return;
        }
        let tmp = std::env::temp_dir().join(format!("triloop-bindings-{}.ts", std::process::id()));
        super::export_bindings(&tmp).unwrap();
        let fresh = std::fs::read_to_string(&tmp).unwrap();
        let _ = std::fs::remove_file(&tmp);
        let old = std::fs::read_to_string(&committed).unwrap_or_default();
        assert!(
            fresh == old,
            "ui/src/bindings.ts is stale; run: UPDATE_BINDINGS=1 cargo test -p triloop-app bindings"
        );
    }
}
