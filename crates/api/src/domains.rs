//! Domain models: what only they have (Context Mapper CML both ways, the derived data
//! model's SQL DDL) on top of the generic document use cases.

use super::*;

impl Core {
    /// Imports a CML file as a new domain model of the workspace, titled after its context
    /// map, else `fallback_title` (the file's name). Nothing is created when the file does
    /// not import; names the file uses but does not define import as problems to fix.
    pub async fn import_cml(
        &self,
        workspace_id: &str,
        bytes: Vec<u8>,
        fallback_title: Option<String>,
    ) -> Result<DocumentSummary, ApiError> {
        let (model, warnings) = run_blocking(move || {
            formats::cml::import(&bytes)
                .map(|i| (i.model, i.warnings))
                .map_err(|e| ApiError::new(ErrorCode::BadFile, e.to_string()))
        })
        .await??;
        for w in &warnings {
            tracing::info!(warning = ?w, "CML import");
        }
        let title = fallback_title
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| "CML".to_string());
        let s = self
            .create_document(workspace_id, DocKind::DomainModel, &title)
            .await?;
        let ops = exchange::domain_ops(&model);
        let filled = self
            .change(&s.id, move |doc| model::domain::apply(doc, &ops))
            .await;
        if let Err(e) = filled {
            // All or nothing: the half-made document goes.
            if let Err(cleanup) = self.delete_document(workspace_id, &s.id).await {
                tracing::error!(error = %cleanup, "removing a half-imported domain model failed");
            }
            return Err(e);
        }
        Ok(s)
    }

    /// The domain model as Context Mapper CML (what the model does not hold, kept from an
    /// imported file, is written back).
    pub async fn export_cml(&self, document_id: &str) -> Result<String, ApiError> {
        let m = self.domain_model(document_id).await?;
        Ok(formats::cml::export(&m))
    }

    /// The SQL DDL of the data model derived from the domain model, with the person's
    /// column overrides applied.
    pub async fn domain_ddl(
        &self,
        document_id: &str,
        dialect: SqlDialect,
    ) -> Result<String, ApiError> {
        let m = self.domain_model(document_id).await?;
        Ok(
            run_blocking(move || formats::ddl::to_sql(&formats::ddl::derive(&m), dialect.into()))
                .await?,
        )
    }

    /// A picture of the domain model's context map (SVG).
    pub async fn context_map_svg(&self, document_id: &str) -> Result<String, ApiError> {
        let m = self.domain_model(document_id).await?;
        Ok(formats::cml::to_svg(&m))
    }

    /// The whole domain model of a document (an error for other kinds).
    pub async fn domain_model(
        &self,
        document_id: &str,
    ) -> Result<model::domain::DomainModel, ApiError> {
        match self.open_document(document_id).await?.content {
            DocContent::DomainModel(m) => Ok(m),
            _ => Err(invalid(format!(
                "document {document_id} is not a domain model"
            ))),
        }
    }
}
