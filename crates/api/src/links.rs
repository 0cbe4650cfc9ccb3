//! Typed links across the documents of a workspace, with backlinks and names resolved
//! through `model::kinds` for every kind.

use super::*;

impl Core {
    // ---- links (traceability) ---------------------------------------------------------

    /// Links `from_element` of `from_document` to `to_element` of `to_document`; both
    /// documents must belong to the workspace and both elements must exist.
    pub async fn add_link(
        &self,
        workspace_id: &str,
        from_document: &str,
        from_element: &str,
        kind: LinkKind,
        to_document: &str,
        to_element: &str,
    ) -> Result<Link, ApiError> {
        let row = self.workspace_row(workspace_id)?;
        let idx = self.read_index(&row.index_doc).await?;
        for (doc, element) in [(from_document, from_element), (to_document, to_element)] {
            let entry = idx.documents.iter().find(|d| d.id == doc).ok_or_else(|| {
                not_found(format!("document {doc} is not in workspace {workspace_id}"))
            })?;
            if self
                .element_name(&entry.id, entry.kind, element)
                .await?
                .is_none()
            {
                return Err(not_found(format!(
                    "document {:?} has no element {element}",
                    entry.title
                )));
            }
        }
        let link = Link {
            id: uuid::Uuid::new_v4().to_string(),
            kind,
            from: from_element.to_string(),
            to_document: to_document.to_string(),
            to_element: to_element.to_string(),
        };
        let l = link.clone();
        self.change(from_document, move |doc| model::links::add(doc, &l))
            .await?;
        Ok(link)
    }

    pub async fn remove_link(&self, document_id: &str, link_id: &str) -> Result<(), ApiError> {
        let id = link_id.to_string();
        self.change(document_id, move |doc| model::links::remove(doc, &id))
            .await
            .map(|_| ())
    }

    /// Every link that starts or ends at `element` of `document_id`, with names resolved.
    pub async fn links_of(
        &self,
        workspace_id: &str,
        document_id: &str,
        element: &str,
    ) -> Result<Vec<ResolvedLink>, ApiError> {
        let row = self.workspace_row(workspace_id)?;
        let idx = self.read_index(&row.index_doc).await?;
        let mut out = Vec::new();
        for holder in &idx.documents {
            // A damaged document cannot be read; its links are skipped, not fatal.
            let Ok(handle) = self.handle(&holder.id).await else {
                continue;
            };
            let kind = holder.kind;
            let links = run_blocking(move || {
                handle.with_document(|doc| {
                    let mut links = model::links::read(doc)?;
                    // A prototype's `shows` and `invokes` links are derived from its bindings
                    // and command steps, never stored.
                    // (A prototype this build cannot read offers its stored links only.)
                    if kind == DocKind::SandboxPrototype
                        && let Ok(p) = model::prototype::read(doc)
                    {
                        links.extend(model::prototype::derived_links(&p));
                    }
                    Ok::<_, ModelError>(links)
                })
            })
            .await??;
            for link in links {
                let outgoing = holder.id == document_id && link.from == element;
                let incoming = link.to_document == document_id && link.to_element == element;
                if !outgoing && !incoming {
                    continue;
                }
                let to_entry = idx.documents.iter().find(|d| d.id == link.to_document);
                let to_name = match to_entry {
                    Some(e) => self
                        .element_name(&e.id, e.kind, &link.to_element)
                        .await
                        .unwrap_or(None),
                    None => None,
                };
                let from_name = self
                    .element_name(&holder.id, holder.kind, &link.from)
                    .await
                    .unwrap_or(None);
                let other_title = if incoming {
                    Some(holder.title.clone())
                } else {
                    to_entry.map(|e| e.title.clone())
                };
                out.push(ResolvedLink {
                    broken: to_name.is_none(),
                    from_document: holder.id.clone(),
                    incoming,
                    from_name,
                    to_name,
                    other_title,
                    link,
                });
            }
        }
        Ok(out)
    }

    /// Every element of the workspace that a link can point to, document by document.
    pub async fn link_targets(&self, workspace_id: &str) -> Result<Vec<LinkTarget>, ApiError> {
        let row = self.workspace_row(workspace_id)?;
        let idx = self.read_index(&row.index_doc).await?;
        let mut out = Vec::new();
        for entry in idx.documents {
            if !kinds::is_editable(entry.kind) {
                continue;
            }
            // A damaged document offers no targets; the others still do.
            let Ok(handle) = self.handle(&entry.id).await else {
                continue;
            };
            let kind = entry.kind;
            let targets =
                run_blocking(move || handle.with_document(|doc| kinds::link_targets(kind, doc)))
                    .await??;
            out.extend(targets.into_iter().map(|t| LinkTarget {
                document_id: entry.id.clone(),
                document_title: entry.title.clone(),
                document_kind: entry.kind,
                element_id: t.id,
                name: t.name,
                element_kind: t.kind,
            }));
        }
        Ok(out)
    }

    /// The name of an element of a document, or `None` when the document has no such element.
    pub(crate) async fn element_name(
        &self,
        document_id: &str,
        kind: DocKind,
        element: &str,
    ) -> Result<Option<String>, ApiError> {
        if !kinds::is_editable(kind) {
            return Ok(None);
        }
        let handle = self.handle(document_id).await?;
        let element = element.to_string();
        Ok(run_blocking(move || {
            handle.with_document(|doc| kinds::element_name(kind, doc, &element))
        })
        .await??)
    }
}
