//! Domain models: what only they have (Context Mapper CML both ways, the derived data
//! model as a view and as SQL DDL) on top of the generic document use cases.

use std::collections::HashSet;

use formats::ddl::{Column, SqlType, Table};
use model::domain::{ColumnOverride, DomainModel};

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

    /// The data model derived from the domain model, with the person's column overrides
    /// applied: per bounded context its tables, their columns (what each override changed,
    /// and the derived values underneath) and constraints.
    pub async fn domain_data_model(&self, document_id: &str) -> Result<DataModelView, ApiError> {
        let m = self.domain_model(document_id).await?;
        run_blocking(move || data_model_view(&m)).await
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

/// The derived data model as the UI shows it: derived twice, with and without the overrides,
/// so that every overridden cell can say what it would be without.
fn data_model_view(m: &DomainModel) -> DataModelView {
    let model = formats::ddl::derive(m);
    let plain = formats::ddl::derive(&DomainModel {
        overrides: Vec::new(),
        ..m.clone()
    });
    let mut derived_tables: HashMap<&str, &str> = HashMap::new();
    let mut derived_columns: HashMap<(&str, &str), DerivedColumn> = HashMap::new();
    for t in plain.schemas.iter().flat_map(|s| &s.tables) {
        derived_tables.insert(&t.key, &t.name);
        let indexed = indexed_columns(t);
        for c in &t.columns {
            derived_columns.insert(
                (t.key.as_str(), c.key.as_str()),
                DerivedColumn {
                    name: c.name.clone(),
                    type_name: type_name(&c.sql_type),
                    length: c.length,
                    indexed: indexed.contains(c.name.as_str()),
                },
            );
        }
    }
    // The override that applies to a table or column: the last of its key, as in `derive`.
    let mut overrides: HashMap<(&str, Option<&str>), &ColumnOverride> = HashMap::new();
    for o in &m.overrides {
        overrides.insert((o.table.as_str(), o.column.as_deref()), o);
    }
    let table_keys: HashMap<(&str, &str), &str> = model
        .schemas
        .iter()
        .flat_map(|s| {
            s.tables
                .iter()
                .map(move |t| ((s.name.as_str(), t.name.as_str()), t.key.as_str()))
        })
        .collect();
    let schemas = model
        .schemas
        .iter()
        .map(|s| SchemaView {
            key: s.key.clone(),
            name: s.name.clone(),
            tables: s
                .tables
                .iter()
                .map(|t| {
                    let indexed = indexed_columns(t);
                    let mut targets: HashMap<&str, ColumnTarget> = HashMap::new();
                    for fk in &t.foreign_keys {
                        for (col, referenced) in fk.columns.iter().zip(&fk.references) {
                            targets.entry(col).or_insert_with(|| ColumnTarget {
                                schema: fk.schema.clone(),
                                table: fk.table.clone(),
                                table_key: table_keys
                                    .get(&(fk.schema.as_str(), fk.table.as_str()))
                                    .map(|k| k.to_string()),
                                column: referenced.clone(),
                            });
                        }
                    }
                    let columns = t
                        .columns
                        .iter()
                        .map(|c| {
                            let o = overrides.get(&(t.key.as_str(), Some(c.key.as_str())));
                            let is_indexed = indexed.contains(c.name.as_str());
                            ColumnView {
                                key: c.key.clone(),
                                name: c.name.clone(),
                                type_name: type_name(&c.sql_type),
                                sql_type: type_text(c),
                                length: c.length,
                                nullable: c.nullable,
                                primary_key: c.primary_key,
                                generated: c.generated,
                                foreign_key: targets.get(c.name.as_str()).cloned(),
                                indexed: is_indexed,
                                unique: t
                                    .uniques
                                    .iter()
                                    .any(|u| u.columns == std::slice::from_ref(&c.name)),
                                override_id: o.map(|o| o.id.clone()),
                                overridden: o
                                    .map(|o| OverriddenFields {
                                        name: o.name.is_some(),
                                        sql_type: o.sql_type.is_some(),
                                        length: o.length.is_some(),
                                        index: o.index.is_some(),
                                    })
                                    .unwrap_or_default(),
                                derived: derived_columns
                                    .get(&(t.key.as_str(), c.key.as_str()))
                                    .cloned()
                                    .unwrap_or_else(|| DerivedColumn {
                                        name: c.name.clone(),
                                        type_name: type_name(&c.sql_type),
                                        length: c.length,
                                        indexed: is_indexed,
                                    }),
                            }
                        })
                        .collect();
                    TableView {
                        key: t.key.clone(),
                        name: t.name.clone(),
                        element: t
                            .key
                            .strip_prefix("t:")
                            .unwrap_or(&t.key)
                            .split('/')
                            .next()
                            .unwrap_or_default()
                            .to_string(),
                        derived_name: derived_tables
                            .get(t.key.as_str())
                            .map_or_else(|| t.name.clone(), |n| n.to_string()),
                        override_id: overrides.get(&(t.key.as_str(), None)).map(|o| o.id.clone()),
                        columns,
                        constraints: constraints(t),
                    }
                })
                .collect(),
        })
        .collect();
    DataModelView { schemas }
}

/// The columns lookups by which use an index: an index's, the primary key's leading one, a
/// single-column unique constraint's.
fn indexed_columns(t: &Table) -> HashSet<&str> {
    t.indexes
        .iter()
        .flat_map(|i| i.columns.iter())
        .chain(t.primary_key.first())
        .chain(
            t.uniques
                .iter()
                .filter(|u| u.columns.len() == 1)
                .flat_map(|u| u.columns.first()),
        )
        .map(String::as_str)
        .collect()
}

fn constraints(t: &Table) -> Vec<ConstraintView> {
    let plain = |kind, name: String, columns: Vec<String>| ConstraintView {
        kind,
        name,
        columns,
        references: None,
        cascade: false,
        values: Vec::new(),
    };
    let mut out = Vec::new();
    if !t.primary_key.is_empty() {
        out.push(plain(
            ConstraintKind::PrimaryKey,
            format!("pk_{}", t.name),
            t.primary_key.clone(),
        ));
    }
    for u in &t.uniques {
        out.push(plain(
            ConstraintKind::Unique,
            u.name.clone(),
            u.columns.clone(),
        ));
    }
    for fk in &t.foreign_keys {
        out.push(ConstraintView {
            references: Some(format!(
                "{}.{}({})",
                fk.schema,
                fk.table,
                fk.references.join(", ")
            )),
            cascade: fk.cascade,
            ..plain(
                ConstraintKind::ForeignKey,
                fk.name.clone(),
                fk.columns.clone(),
            )
        });
    }
    for c in &t.checks {
        out.push(ConstraintView {
            values: c.values.clone(),
            ..plain(
                ConstraintKind::Check,
                c.name.clone(),
                vec![c.column.clone()],
            )
        });
    }
    for i in &t.indexes {
        out.push(plain(
            ConstraintKind::Index,
            i.name.clone(),
            i.columns.clone(),
        ));
    }
    out
}

/// A type without its length, dialect-neutral.
fn type_name(t: &SqlType) -> String {
    match t {
        SqlType::Varchar => "varchar".into(),
        SqlType::Text => "text".into(),
        SqlType::Integer => "integer".into(),
        SqlType::BigInt => "bigint".into(),
        SqlType::Decimal { precision, scale } => format!("decimal({precision},{scale})"),
        SqlType::Date => "date".into(),
        SqlType::Timestamp => "timestamp".into(),
        SqlType::Boolean => "boolean".into(),
        SqlType::Custom(s) => s.clone(),
    }
}

/// A column's whole type, dialect-neutral (lengths as the SQL writer applies them).
fn type_text(c: &Column) -> String {
    match &c.sql_type {
        SqlType::Varchar => format!("varchar({})", c.length.unwrap_or(255)),
        SqlType::Custom(s) => match c.length {
            Some(l) if !s.contains('(') => format!("{s}({l})"),
            _ => s.clone(),
        },
        t => type_name(t),
    }
}
