//! `wss://`: a workspace syncs through a TLS reverse proxy in front of the Triloop server
//! (a proxy made here on loopback, with a certificate made by openssl for 127.0.0.1). An
//! untrusted certificate is refused with a clear error; trusted through TRILOOP_EXTRA_CA
//! (what a bank's own CA needs on laptops without it), the link works end to end.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use api::{Config, Core, DocKind, ErrorCode, FlowNode, FlowOp, NodeKind, SyncState};
use server::invitations::{self, Access};
use server::{Server, ServerConfig};

/// A TLS-terminating proxy to `backend`; returns its address and the CA (the certificate).
async fn tls_proxy(backend: SocketAddr, dir: &Path) -> (SocketAddr, std::path::PathBuf) {
    let key = dir.join("key.pem");
    let cert = dir.join("cert.pem");
    let status = std::process::Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        ])
        .args([
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(std::process::Stdio::null())
        .status()
        .expect("openssl (Debian package openssl) makes the test certificate");
    assert!(status.success(), "openssl failed");
    let identity = native_tls::Identity::from_pkcs8(
        &std::fs::read(&cert).unwrap(),
        &std::fs::read(&key).unwrap(),
    )
    .unwrap();
    let acceptor =
        tokio_native_tls::TlsAcceptor::from(native_tls::TlsAcceptor::new(identity).unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let Ok(mut upstream) = tokio::net::TcpStream::connect(backend).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut upstream).await;
            });
        }
    });
    (addr, cert)
}

async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while tokio::time::Instant::now() < deadline {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for: {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_workspace_syncs_over_wss_through_a_tls_proxy() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("server.db");
    let server = Server::start(ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        database: db.clone(),
    })
    .await
    .unwrap();
    let (proxy, ca) = tls_proxy(server.local_addr, tmp.path()).await;
    let url = format!("wss://{proxy}");

    let open = |dir: &str| {
        let dir = tmp.path().join(dir);
        async move {
            Core::open(Config {
                data_dir: dir,
                seed_demo: false,
            })
            .await
            .unwrap()
        }
    };
    let alice = open("alice").await;
    let ws = alice.create_workspace("跨境汇款").await.unwrap();
    let flow = alice
        .create_document(&ws.id, DocKind::BusinessFlow, "汇款")
        .await
        .unwrap();
    let store = server::open_database(&db).unwrap();
    let (_, alice_token) = store
        .with_conn(|c| invitations::create(c, &ws.id, "Alice", Access::ReadWrite))
        .unwrap();
    let (_, bob_token) = store
        .with_conn(|c| invitations::create(c, &ws.id, "Bob", Access::ReadWrite))
        .unwrap();

    // A certificate nobody vouches for is refused, and the reason says so.
    let e = alice
        .connect_workspace(&ws.id, &url, &alice_token)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Unreachable, "{e:?}");
    assert!(
        e.detail.to_lowercase().contains("certificate"),
        "{}",
        e.detail
    );

    // Trusted as an extra CA, the same server works, over wss:// for sync too.
    // SAFETY: this test binary runs this one test; nothing else reads the environment now.
    unsafe { std::env::set_var(api::EXTRA_CA_ENV, &ca) };
    let status = alice
        .connect_workspace(&ws.id, &url, &alice_token)
        .await
        .unwrap();
    assert_eq!(
        status.server_url.as_deref(),
        Some(format!("{url}/sync").as_str())
    );
    eventually("Alice up to date over wss", || async {
        alice.sync_status(&ws.id).unwrap().state == SyncState::UpToDate
    })
    .await;
    let bob = open("bob").await;
    bob.join_workspace(&url, &bob_token).await.unwrap();
    bob.edit_flow(
        &flow.id,
        vec![FlowOp::AddNode {
            node: FlowNode::new("t1", NodeKind::Task, "核对报文", 0.0, 0.0),
        }],
    )
    .await
    .unwrap();
    eventually("Bob's edit at Alice's over wss", || async {
        alice
            .open_flow(&flow.id)
            .await
            .map(|f| f.nodes.iter().any(|n| n.name == "核对报文"))
            .unwrap_or(false)
    })
    .await;
    server.stop().await;
}
