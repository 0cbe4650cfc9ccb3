//! Meeting-room mode: with no internet, one laptop runs the Triloop server inside the app
//! for the others on the local network. The host's own workspace links to it like any
//! client; when the room closes, the workspace goes back to the server it was linked to
//! before (the bank's), so everything done in the room syncs on from there.
//!
//! The room's documents live in their own database in the data folder
//! (`meeting-room.db`); the invitation tokens the host hands out are kept in memory only,
//! for as long as the room is open (the server stores only their hashes).

use std::net::{IpAddr, SocketAddr};

use server::invitations::{self, Access};
use server::{Server, ServerConfig};
use store::RemoteRow;

use crate::types::{ApiError, ErrorCode, MeetingInvitation, MeetingRoom};

/// The default port of a meeting room (the bank's server listens on 8787 by default).
pub const DEFAULT_PORT: u16 = 8788;
pub(crate) const DB_FILE: &str = "meeting-room.db";

pub(crate) struct Meeting {
    pub server: Server,
    pub workspace_id: String,
    pub database: std::path::PathBuf,
    /// The link the workspace had before the room opened, restored when it closes.
    pub previous: Option<RemoteRow>,
    pub invitations: Vec<MeetingInvitation>,
}

impl Meeting {
    pub fn view(&self) -> MeetingRoom {
        MeetingRoom {
            workspace_id: self.workspace_id.clone(),
            port: self.server.local_addr.port(),
            addresses: addresses(self.server.local_addr),
            invitations: self.invitations.clone(),
            previous_server: self.previous.as_ref().map(|r| r.server_url.clone()),
        }
    }

    pub fn invite(&mut self, name: &str, read_only: bool) -> Result<MeetingInvitation, ApiError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                "an invitation needs the person's name",
            ));
        }
        let store = server::open_database(&self.database)
            .map_err(|e| ApiError::new(ErrorCode::Storage, e.to_string()))?;
        let access = if read_only {
            Access::ReadOnly
        } else {
            Access::ReadWrite
        };
        let (_, token) = store
            .with_conn(|c| invitations::create(c, &self.workspace_id, name, access))
            .map_err(|e| ApiError::new(ErrorCode::Storage, e.to_string()))?;
        let inv = MeetingInvitation {
            name: name.to_string(),
            token,
            read_only,
        };
        self.invitations.push(inv.clone());
        Ok(inv)
    }
}

/// Starts the room's server on `listen` (every interface by default, so that the others
/// on the local network reach it).
pub(crate) async fn start_server(
    data_dir: &std::path::Path,
    listen: Option<&str>,
) -> Result<(Server, std::path::PathBuf), ApiError> {
    let listen: SocketAddr = match listen {
        Some(l) => l.parse().map_err(|_| {
            ApiError::new(
                ErrorCode::InvalidInput,
                format!("{l:?} is not an address to listen on (host:port)"),
            )
        })?,
        None => SocketAddr::from(([0, 0, 0, 0], DEFAULT_PORT)),
    };
    let database = data_dir.join(DB_FILE);
    let server = Server::start(ServerConfig {
        listen,
        database: database.clone(),
    })
    .await
    .map_err(|e| {
        ApiError::new(
            ErrorCode::Unreachable,
            format!("cannot open the meeting room: {e}"),
        )
    })?;
    Ok((server, database))
}

/// The addresses the others type: every non-loopback IPv4 address of this laptop when the
/// room listens on all interfaces, else the one it listens on.
fn addresses(local: SocketAddr) -> Vec<String> {
    let port = local.port();
    let ips: Vec<IpAddr> = if local.ip().is_unspecified() {
        let mut ips: Vec<IpAddr> = if_addrs::get_if_addrs()
            .unwrap_or_default()
            .into_iter()
            .filter(|i| !i.is_loopback())
            .map(|i| i.ip())
            .filter(IpAddr::is_ipv4)
            .collect();
        ips.sort();
        ips.dedup();
        if ips.is_empty() {
            vec![IpAddr::from([127, 0, 0, 1])]
        } else {
            ips
        }
    } else {
        vec![local.ip()]
    };
    ips.into_iter()
        .map(|ip| match ip {
            IpAddr::V6(v6) => format!("ws://[{v6}]:{port}"),
            IpAddr::V4(v4) => format!("ws://{v4}:{port}"),
        })
        .collect()
}
