//! Business flows: what only the flow has (BPMN import and export, the BPMN model
//! behind validation) on top of the generic document use cases.

use super::*;

impl Core {
    // ---- business flows ---------------------------------------------------------------

    pub async fn open_flow(&self, document_id: &str) -> Result<FlowView, ApiError> {
        let handle = self.handle(document_id).await?;
        let flow = run_blocking(move || handle.with_document(|doc| flow::read(doc))).await??;
        let (can_undo, can_redo) = self.undo_state(document_id);
        Ok(FlowView {
            document_id: document_id.to_string(),
            nodes: flow.nodes,
            edges: flow.edges,
            lanes: flow.lanes,
            can_undo,
            can_redo,
        })
    }

    /// The flow's structural problems (unreachable elements, dead ends, missing start or
    /// end, gateways without conditions, …). A flow with problems still opens and saves.
    pub async fn validate_flow(
        &self,
        document_id: &str,
    ) -> Result<Vec<model::validate::Problem>, ApiError> {
        let model = self.bpmn_model(document_id).await?;
        Ok(model::validate::validate(&formats::bpmn::validation_graph(
            &model,
        )))
    }

    /// The flow as a BPMN model: the file it was imported from (if any) with the canvas's
    /// state written over it.
    pub async fn bpmn_model(
        &self,
        document_id: &str,
    ) -> Result<formats::bpmn::BpmnModel, ApiError> {
        let handle = self.handle(document_id).await?;
        let cached = self.session().bpmn_sources.get(document_id).cloned();
        let id = document_id.to_string();
        let (model, parsed) = run_blocking(move || {
            let (flow, source) = handle.with_document(|doc| {
                let source = match cached {
                    Some(_) => None,
                    None => flow::bpmn_source(doc)?,
                };
                Ok::<_, model::ModelError>((flow::read(doc)?, source))
            })?;
            let parsed = match source {
                Some(xml) => Some(Arc::new(formats::bpmn::import(xml.as_bytes()).map_err(
                    |e| {
                        ApiError::new(
                            ErrorCode::DocumentCorrupt,
                            format!("the BPMN kept in document {id} does not load: {e}"),
                        )
                    },
                )?)),
                None => None,
            };
            let source = cached.as_ref().or(parsed.as_ref()).map(|m| m.as_ref());
            let model = formats::bpmn::flowdoc::from_flow(&flow, source);
            Ok::<_, ApiError>((model, parsed))
        })
        .await??;
        if let Some(parsed) = parsed {
            self.session()
                .bpmn_sources
                .insert(document_id.to_string(), parsed);
        }
        Ok(model)
    }

    /// The flow as BPMN 2.0 XML with diagram interchange.
    pub async fn export_bpmn(&self, document_id: &str) -> Result<String, ApiError> {
        Ok(formats::bpmn::export(&self.bpmn_model(document_id).await?))
    }

    /// Imports a BPMN 2.0 file as a new business flow of the workspace, titled after the
    /// file's collaboration or process, else `fallback_title` (the file's name). A file
    /// without diagram information is laid out first. Nothing is created when the file
    /// does not import.
    pub async fn import_bpmn(
        &self,
        workspace_id: &str,
        bytes: Vec<u8>,
        fallback_title: Option<String>,
    ) -> Result<DocumentSummary, ApiError> {
        let (flow, source, name) = run_blocking(move || {
            let mut model = formats::bpmn::import(&bytes)
                .map_err(|e| ApiError::new(ErrorCode::BadFile, e.to_string()))?;
            if !formats::bpmn::flowdoc::has_diagram(&model) {
                formats::bpmn::layout::ensure_layout(&mut model);
            }
            let flow = formats::bpmn::flowdoc::to_flow(&model);
            let name = model
                .collaborations()
                .find_map(|c| c.name.clone())
                .or_else(|| model.processes().find_map(|p| p.name.clone()))
                .or_else(|| model.name.clone());
            Ok::<_, ApiError>((flow, formats::bpmn::export(&model), name))
        })
        .await??;
        let title = name
            .filter(|t| !t.trim().is_empty())
            .or(fallback_title)
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| "BPMN".to_string());
        let s = self
            .create_document(workspace_id, DocKind::BusinessFlow, &title)
            .await?;
        let ops = exchange::flow_ops(&flow);
        let filled = async {
            self.change(&s.id, move |doc| flow::set_bpmn_source(doc, &source))
                .await?;
            self.change(&s.id, move |doc| flow::apply(doc, &ops))
                .await?;
            Ok::<_, ApiError>(())
        }
        .await;
        if let Err(e) = filled {
            // All or nothing: the half-made document goes.
            if let Err(cleanup) = self.delete_document(workspace_id, &s.id).await {
                tracing::error!(error = %cleanup, "removing a half-imported flow failed");
            }
            return Err(e);
        }
        Ok(s)
    }

    /// Applies `ops` as one change and one undo step; returns once it is durable.

    /// Applies flow `ops` as one change and one undo step (see [`Core::edit_document`]).
    pub async fn edit_flow(
        &self,
        document_id: &str,
        ops: Vec<FlowOp>,
    ) -> Result<EditResult, ApiError> {
        self.edit_document(document_id, DocOps::BusinessFlow(ops))
            .await
    }
}
