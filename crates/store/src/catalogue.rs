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

/// The server a workspace syncs with: its URL, the invitation token it joins with, and
/// whether the person wants it connected. Local-only (the token never leaves this laptop
/// except to that server).
#[derive(Clone, Debug, PartialEq)]
pub struct RemoteRow {
    pub workspace_id: String,
    pub server_url: String,
    pub token: String,
    /// The name the invitation was made out to (shown to others in presence).
    pub person: String,
    /// "readWrite" or "readOnly", as the server said at joining.
    pub access: String,
    pub enabled: bool,
    pub last_synced_at: Option<i64>,
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
        Ok(self.with_conn(|c| {
            c.execute("DELETE FROM remote WHERE workspace_id = ?1", [id])?;
            c.execute("DELETE FROM workspace WHERE id = ?1", [id])
        })? > 0)
    }

    pub fn remotes(&self) -> Result<Vec<RemoteRow>, StoreError> {
        Ok(self.with_conn(|c| {
            let mut stmt = c.prepare(
                "SELECT workspace_id, server_url, token, person, access, enabled, last_synced_at
                 FROM remote ORDER BY workspace_id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(RemoteRow {
                    workspace_id: r.get(0)?,
                    server_url: r.get(1)?,
                    token: r.get(2)?,
                    person: r.get(3)?,
                    access: r.get(4)?,
                    enabled: r.get::<_, i64>(5)? != 0,
                    last_synced_at: r.get(6)?,
                })
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })?)
    }

    pub fn remote(&self, workspace_id: &str) -> Result<Option<RemoteRow>, StoreError> {
        Ok(self
            .remotes()?
            .into_iter()
            .find(|r| r.workspace_id == workspace_id))
    }

    /// Inserts or replaces the workspace's server.
    pub fn set_remote(&self, row: &RemoteRow) -> Result<(), StoreError> {
        self.with_conn(|c| {
            c.execute(
                "INSERT INTO remote (workspace_id, server_url, token, person, access, enabled, last_synced_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT(workspace_id) DO UPDATE SET server_url = excluded.server_url,
                   token = excluded.token, person = excluded.person, access = excluded.access,
                   enabled = excluded.enabled, last_synced_at = excluded.last_synced_at",
                params![
                    row.workspace_id,
                    row.server_url,
                    row.token,
                    row.person,
                    row.access,
                    row.enabled as i64,
                    row.last_synced_at
                ],
            )
        })?;
        Ok(())
    }

    pub fn set_remote_enabled(&self, workspace_id: &str, enabled: bool) -> Result<(), StoreError> {
        self.with_conn(|c| {
            c.execute(
                "UPDATE remote SET enabled = ?2 WHERE workspace_id = ?1",
                params![workspace_id, enabled as i64],
            )
        })?;
        Ok(())
    }

    pub fn set_remote_synced(&self, workspace_id: &str, at_ms: i64) -> Result<(), StoreError> {
        self.with_conn(|c| {
            c.execute(
                "UPDATE remote SET last_synced_at = ?2 WHERE workspace_id = ?1",
                params![workspace_id, at_ms],
            )
        })?;
        Ok(())
    }

    pub fn remove_remote(&self, workspace_id: &str) -> Result<(), StoreError> {
        self.with_conn(|c| {
            c.execute("DELETE FROM remote WHERE workspace_id = ?1", [workspace_id])
        })?;
        Ok(())
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
