//! Invitations: who may sync which workspace, stored in the server's SQLite database.
//!
//! The `invitation` table belongs to the server, not to `store`'s append-only migration
//! list (the desktop app's databases never hold it): [`ensure_schema`] creates it when it is
//! missing, every time the server or an admin command opens the database. Only the SHA-256
//! of a token is stored; the token itself is shown once, by `triloop-server invite`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The server's own tables. `IF NOT EXISTS` keeps this idempotent; a later change to the
/// table is a new statement appended here (guarded the same way), never an edit.
const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS invitation (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        name TEXT NOT NULL,
        access TEXT NOT NULL CHECK (access IN ('read_write', 'read_only')),
        token_sha256 TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
    );
    CREATE INDEX IF NOT EXISTS invitation_workspace ON invitation(workspace_id);
    CREATE TABLE IF NOT EXISTS document_owner (
        doc_id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        claimed_at INTEGER NOT NULL
    );
";

pub fn ensure_schema(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(SCHEMA)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    ReadWrite,
    ReadOnly,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::ReadWrite => "read_write",
            Access::ReadOnly => "read_only",
        }
    }

    fn parse(s: &str) -> Access {
        if s == "read_write" {
            Access::ReadWrite
        } else {
            Access::ReadOnly
        }
    }
}

/// One invitation as listed (never with its token).
#[derive(Clone, Debug, Serialize)]
pub struct Invitation {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    pub access: Access,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// What a valid token grants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    pub invitation_id: String,
    pub workspace_id: String,
    pub access: Access,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Creates an invitation; returns it and its token (32 random bytes, URL-safe base64).
pub fn create(
    conn: &Connection,
    workspace_id: &str,
    name: &str,
    access: Access,
) -> rusqlite::Result<(Invitation, String)> {
    let token = URL_SAFE_NO_PAD.encode(random_bytes::<32>());
    let id = hex::encode(random_bytes::<8>());
    let created_at = now_ms();
    conn.execute(
        "INSERT INTO invitation (id, workspace_id, name, access, token_sha256, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            id,
            workspace_id,
            name,
            access.as_str(),
            token_hash(&token),
            created_at
        ],
    )?;
    Ok((
        Invitation {
            id,
            workspace_id: workspace_id.to_string(),
            name: name.to_string(),
            access,
            created_at,
            revoked_at: None,
        },
        token,
    ))
}

/// Marks an invitation revoked. `Ok(false)` when there is no such invitation; revoking
/// twice keeps the first time.
pub fn revoke(conn: &Connection, id: &str) -> rusqlite::Result<bool> {
    let exists: Option<i64> = conn
        .query_row("SELECT 1 FROM invitation WHERE id = ?1", [id], |r| r.get(0))
        .optional()?;
    if exists.is_none() {
        return Ok(false);
    }
    conn.execute(
        "UPDATE invitation SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
        params![id, now_ms()],
    )?;
    Ok(true)
}

pub fn list(conn: &Connection) -> rusqlite::Result<Vec<Invitation>> {
    let mut stmt = conn.prepare(
        "SELECT id, workspace_id, name, access, created_at, revoked_at
         FROM invitation ORDER BY created_at, id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Invitation {
            id: r.get(0)?,
            workspace_id: r.get(1)?,
            name: r.get(2)?,
            access: Access::parse(&r.get::<_, String>(3)?),
            created_at: r.get(4)?,
            revoked_at: r.get(5)?,
        })
    })?;
    rows.collect()
}

/// The grant of a live (not revoked) invitation whose token this is.
pub fn authenticate(conn: &Connection, token: &str) -> rusqlite::Result<Option<Grant>> {
    Ok(describe(conn, token)?.map(|inv| Grant {
        invitation_id: inv.id,
        workspace_id: inv.workspace_id,
        access: inv.access,
    }))
}

/// The live invitation whose token this is (what `/invitation` tells its holder).
pub fn describe(conn: &Connection, token: &str) -> rusqlite::Result<Option<Invitation>> {
    conn.query_row(
        "SELECT id, workspace_id, name, access, created_at FROM invitation
         WHERE token_sha256 = ?1 AND revoked_at IS NULL",
        [token_hash(token)],
        |r| {
            Ok(Invitation {
                id: r.get(0)?,
                workspace_id: r.get(1)?,
                name: r.get(2)?,
                access: Access::parse(&r.get::<_, String>(3)?),
                created_at: r.get(4)?,
                revoked_at: None,
            })
        },
    )
    .optional()
}

/// Of these invitation ids, the ones that are revoked or gone.
pub fn revoked_among(conn: &Connection, ids: &[String]) -> rusqlite::Result<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT revoked_at IS NULL FROM invitation WHERE id = ?1")?;
    let mut out = Vec::new();
    for id in ids {
        let live: Option<bool> = stmt.query_row([id], |r| r.get(0)).optional()?;
        if live != Some(true) {
            out.push(id.clone());
        }
    }
    Ok(out)
}

/// The workspace a document belongs to: the first workspace whose index listed it while
/// the server checked access. Returns the owner (possibly another workspace).
pub fn claim_document(
    conn: &Connection,
    doc_id: &str,
    workspace_id: &str,
) -> rusqlite::Result<String> {
    conn.execute(
        "INSERT OR IGNORE INTO document_owner (doc_id, workspace_id, claimed_at) VALUES (?1, ?2, ?3)",
        params![doc_id, workspace_id, now_ms()],
    )?;
    conn.query_row(
        "SELECT workspace_id FROM document_owner WHERE doc_id = ?1",
        [doc_id],
        |r| r.get(0),
    )
}
