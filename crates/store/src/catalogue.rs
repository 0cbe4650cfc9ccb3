//! The local workspace catalogue (which workspaces this laptop holds) and settings.
//! Local-only data: it is not synced; the workspace index document is the shared truth.

use rusqlite::{OptionalExtension, params};

use crate::{Store, StoreError};

#[derive(Clone, Debug, PartialEq)]
pub struct WorkspaceRow {
    pub id: String,
    /// The automerge-repo document id of the workspace index.
    pub index_doc: String,
    /// The name last read from the index, so the list shows without loading documents.
    pub name: String,
    pub created_at: i64,
    pub opened_at: Option<i64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct QuarantinedChunk {
    pub doc_id: String,
    pub key: String,
    pub data: Vec<u8>,
    pub reason: String,
}

impl Store {
    pub fn workspaces(&self) -> Result<Vec<WorkspaceRow>, StoreError> {
        Ok(self.with_conn(|c| {
            let mut stmt = c.prepare(
                "SELECT id, index_doc, name, created_at, opened_at FROM workspace
                 ORDER BY coalesce(opened_at, created_at) DESC, created_at DESC, id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(WorkspaceRow {
                    id: r.get(0)?,
                    index_doc: r.get(1)?,
                    name: r.get(2)?,
                    created_at: r.get(3)?,
                    opened_at: r.get(4)?,
                })
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })?)
    }

    pub fn workspace(&self, id: &str) -> Result<Option<WorkspaceRow>, StoreError> {
        Ok(self.workspaces()?.into_iter().find(|w| w.id == id))
    }

    pub fn insert_workspace(&self, row: &WorkspaceRow) -> Result<(), StoreError> {
        self.with_conn(|c| {
            c.execute(
                "INSERT INTO workspace (id, index_doc, name, created_at, opened_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![row.id, row.index_doc, row.name, row.created_at, row.opened_at],
            )
        })?;
        Ok(())
    }

    pub fn set_workspace_name(&self, id: &str, name: &str) -> Result<(), StoreError> {
        self.with_conn(|c| {
            c.execute(
                "UPDATE workspace SET name = ?2 WHERE id = ?1",
                params![id, name],
            )
        })?;
        Ok(())
    }

    pub fn touch_workspace(&self, id: &str, now_ms: i64) -> Result<(), StoreError> {
        self.with_conn(|c| {
            c.execute(
                "UPDATE workspace SET opened_at = ?2 WHERE id = ?1",
                params![id, now_ms],
            )
        })?;
        Ok(())
    }

    pub fn remove_workspace(&self, id: &str) -> Result<bool, StoreError> {
        Ok(self.with_conn(|c| c.execute("DELETE FROM workspace WHERE id = ?1", [id]))? > 0)
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.with_conn(|c| {
            c.query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()
        })?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.with_conn(|c| {
            c.execute(
                "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )
        })?;
        Ok(())
    }

    pub fn quarantined(&self, doc_id: &str) -> Result<Vec<QuarantinedChunk>, StoreError> {
        Ok(self.with_conn(|c| {
            let mut stmt = c.prepare(
                "SELECT doc_id, key, data, reason FROM quarantine WHERE doc_id = ?1 ORDER BY id",
            )?;
            let rows = stmt.query_map([doc_id], |r| {
                Ok(QuarantinedChunk {
                    doc_id: r.get(0)?,
                    key: r.get(1)?,
                    data: r.get(2)?,
                    reason: r.get(3)?,
                })
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })?)
    }
}
