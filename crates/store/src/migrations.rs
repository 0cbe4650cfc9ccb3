//! Append-only schema migrations, checked at every open.
//!
//! Each step's SQL text is hashed into `schema_migration`; a database whose recorded hash
//! differs from this build's (someone edited an applied step) or that has steps this build
//! does not know (a newer Triloop wrote it) is refused rather than guessed at.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::StoreError;

/// The steps, in order. Never edit or reorder one that shipped: append a new one.
pub const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "chunks",
        "CREATE TABLE chunk (
            key TEXT PRIMARY KEY,
            doc_id TEXT NOT NULL,
            data BLOB NOT NULL
        );
        CREATE INDEX chunk_doc ON chunk(doc_id);",
    ),
    (
        2,
        "catalogue",
        "CREATE TABLE workspace (
            id TEXT PRIMARY KEY,
            index_doc TEXT NOT NULL,
            name TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            opened_at INTEGER
        );
        CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
    ),
    (
        3,
        "quarantine",
        "CREATE TABLE quarantine (
            id INTEGER PRIMARY KEY,
            doc_id TEXT NOT NULL,
            key TEXT NOT NULL,
            data BLOB NOT NULL,
            reason TEXT NOT NULL,
            at INTEGER NOT NULL,
            UNIQUE (key, data)
        );",
    ),
    (
        4,
        "remotes",
        "CREATE TABLE remote (
            workspace_id TEXT PRIMARY KEY,
            server_url TEXT NOT NULL,
            token TEXT NOT NULL,
            person TEXT NOT NULL,
            access TEXT NOT NULL,
            enabled INTEGER NOT NULL,
            last_synced_at INTEGER
        );",
    ),
];

fn digest(sql: &str) -> String {
    hex::encode(Sha256::digest(sql.as_bytes()))
}

pub fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migration (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            applied_at INTEGER NOT NULL
        );",
    )?;
    let known = MIGRATIONS.last().map(|m| m.0).unwrap_or(0);
    let newest: Option<i64> = conn
        .query_row("SELECT max(version) FROM schema_migration", [], |r| {
            r.get(0)
        })
        .optional()?
        .flatten();
    if let Some(found) = newest
        && found > known
    {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found,
            known,
        });
    }
    for (version, name, sql) in MIGRATIONS {
        let recorded: Option<String> = conn
            .query_row(
                "SELECT sha256 FROM schema_migration WHERE version = ?1",
                [version],
                |r| r.get(0),
            )
            .optional()?;
        match recorded {
            Some(hash) if hash == digest(sql) => {}
            Some(hash) => {
                return Err(StoreError::MigrationMismatch {
                    path: path.to_path_buf(),
                    version: *version,
                    detail: format!("recorded {hash}, expected {}", digest(sql)),
                });
            }
            None => {
                let tx = conn.transaction()?;
                tx.execute_batch(sql)?;
                tx.execute(
                    "INSERT INTO schema_migration (version, name, sha256, applied_at)
                     VALUES (?1, ?2, ?3, strftime('%s','now'))",
                    params![version, name, digest(sql)],
                )?;
                tx.commit()?;
                tracing::info!(version, name, "applied migration");
            }
        }
    }
    Ok(())
}
