//! Documents of every kind: create, rename, delete, open, edit, undo, redo, validate.
//! One set of use cases for all kinds, dispatched through `model::kinds`.

use super::*;

impl Core {
    // ---- documents --------------------------------------------------------------------

    pub async fn create_document(
        &self,
        workspace_id: &str,
        kind: DocKind,
        title: &str,
    ) -> Result<DocumentSummary, ApiError> {
        let title = clean_name(title)?;
        let row = self.workspace_row(workspace_id)?;
        if let Some(ws) = self.read_only_workspace(&row.index_doc).await? {
            return Err(read_only(&ws));
        }
        if !kinds::is_editable(kind) {
            return Err(invalid(format!(
                "documents of kind {} cannot be created yet",
                kind.as_str()
            )));
        }
        let mut doc = Automerge::new();
        kinds::init(kind, &mut doc)?;
        let handle = self.repo.create(doc).await?;
        let id = handle.document_id().to_string();
        self.remember(handle);
        let entry = DocumentEntry {
            id: id.clone(),
            kind,
            title,
            created_at: self.clock.now_ms() as f64,
        };
        let e = entry.clone();
        self.change(&row.index_doc, move |doc| workspace::add_document(doc, &e))
            .await?;
        Ok(summary(entry))
    }

    pub async fn rename_document(
        &self,
        workspace_id: &str,
        document_id: &str,
        title: &str,
    ) -> Result<(), ApiError> {
        let title = clean_name(title)?;
        let row = self.workspace_row(workspace_id)?;
        let id = document_id.to_string();
        self.change(&row.index_doc, move |doc| {
            workspace::rename_document(doc, &id, &title)
        })
        .await
    }

    pub async fn delete_document(
        &self,
        workspace_id: &str,
        document_id: &str,
    ) -> Result<(), ApiError> {
        let row = self.workspace_row(workspace_id)?;
        let id = document_id.to_string();
        let removed = self
            .change(&row.index_doc, move |doc| {
                let kind = workspace::read(doc)?
                    .documents
                    .into_iter()
                    .find(|d| d.id == id)
                    .map(|d| d.kind);
                workspace::remove_document(doc, &id)?;
                Ok(kind)
            })
            .await?;
        // A shelf listed in the workspace serves every workspace: it leaves the list only.
        if removed == Some(DocKind::CapabilityShelf) {
            return Ok(());
        }
        self.forget(document_id);
        self.store.delete_document_chunks(document_id)?;
        Ok(())
    }

    /// The document's whole content, whatever its kind, with this session's undo state.
    pub async fn open_document(&self, document_id: &str) -> Result<DocumentView, ApiError> {
        let handle = self.handle(document_id).await?;
        let (kind, content) = run_blocking(move || {
            handle.with_document(|doc| {
                let kind = model::schema::kind_of(doc).ok_or_else(|| {
                    ModelError::Malformed("the document names no kind Triloop knows".into())
                })?;
                Ok::<_, ModelError>((kind, kinds::read(kind, doc)?))
            })
        })
        .await??;
        let (can_undo, can_redo) = self.undo_state(document_id);
        Ok(DocumentView {
            document_id: document_id.to_string(),
            kind,
            content,
            can_undo,
            can_redo,
        })
    }

    /// Applies `ops` as one change and one undo step; returns once it is durable.
    pub async fn edit_document(
        &self,
        document_id: &str,
        ops: DocOps,
    ) -> Result<EditResult, ApiError> {
        if ops.is_empty() {
            return Err(invalid("an edit needs at least one operation"));
        }
        let handle = self.handle(document_id).await?;
        let kind = handle.with_document(|doc| model::schema::kind_of(doc));
        if kind != Some(ops.kind()) {
            return Err(invalid(format!(
                "document {document_id} is not a {} document",
                ops.kind().as_str()
            )));
        }
        let (inverse, patch) = self
            .change(document_id, move |doc| kinds::apply(doc, &ops))
            .await?;
        {
            let mut s = self.session();
            let stacks = s.undo.entry(document_id.to_string()).or_default();
            stacks.undo.push(inverse);
            stacks.redo.clear();
        }
        Ok(self.edit_result(document_id, patch))
    }

    pub async fn undo_document(&self, document_id: &str) -> Result<EditResult, ApiError> {
        self.step_history(document_id, true).await
    }

    pub async fn redo_document(&self, document_id: &str) -> Result<EditResult, ApiError> {
        self.step_history(document_id, false).await
    }

    /// The document's problems, whatever its kind. A document with problems still opens
    /// and saves.
    pub async fn validate_document(&self, document_id: &str) -> Result<DocProblems, ApiError> {
        let handle = self.handle(document_id).await?;
        let kind = handle.with_document(|doc| model::schema::kind_of(doc));
        match kind {
            Some(DocKind::BusinessFlow) => Ok(DocProblems::BusinessFlow(
                self.validate_flow(document_id).await?,
            )),
            Some(DocKind::DomainModel) => {
                let m = run_blocking(move || handle.with_document(|doc| model::domain::read(doc)))
                    .await??;
                Ok(DocProblems::DomainModel(model::domain::validate(&m)))
            }
            Some(DocKind::SandboxPrototype) => Ok(DocProblems::SandboxPrototype(
                self.validate_prototype(document_id).await?,
            )),
            _ => Err(invalid(format!("document {document_id} has no validation"))),
        }
    }

    async fn step_history(&self, document_id: &str, undo: bool) -> Result<EditResult, ApiError> {
        let ops = {
            let mut s = self.session();
            let stacks = s.undo.entry(document_id.to_string()).or_default();
            let from = if undo {
                &mut stacks.undo
            } else {
                &mut stacks.redo
            };
            from.pop().ok_or_else(|| {
                invalid(if undo {
                    "nothing to undo"
                } else {
                    "nothing to redo"
                })
            })?
        };
        match self
            .change(document_id, move |doc| kinds::apply(doc, &ops))
            .await
        {
            Ok((inverse, patch)) => {
                let mut s = self.session();
                let stacks = s.undo.entry(document_id.to_string()).or_default();
                let to = if undo {
                    &mut stacks.redo
                } else {
                    &mut stacks.undo
                };
                to.push(inverse);
                drop(s);
                Ok(self.edit_result(document_id, patch))
            }
            // The step no longer applies (someone else changed those elements); it is
            // dropped so the stack does not stay stuck on it.
            Err(e) => Err(ApiError::new(
                e.code,
                format!(
                    "cannot {}: {}",
                    if undo { "undo" } else { "redo" },
                    e.detail
                ),
            )),
        }
    }

    fn edit_result(&self, document_id: &str, patch: DocPatch) -> EditResult {
        let (can_undo, can_redo) = self.undo_state(document_id);
        EditResult {
            document_id: document_id.to_string(),
            patch,
            can_undo,
            can_redo,
        }
    }

    pub(crate) fn undo_state(&self, document_id: &str) -> (bool, bool) {
        let s = self.session();
        s.undo
            .get(document_id)
            .map(|u| (!u.undo.is_empty(), !u.redo.is_empty()))
            .unwrap_or((false, false))
    }
}
