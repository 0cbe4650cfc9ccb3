//! End to end: the real window linked to a real `triloop-server` process on loopback, with
//! a second laptop (a headless core in this test) co-editing the same flow: the sync state
//! in the window, live edits both ways, the other person's cursor and selection on the
//! canvas, and work done while the server is down arriving once it is back.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use e2e::{Driver, js, wait_css, wait_js, wait_saved};
use fantoccini::{Client, Locator};

fn server_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("TRILOOP_SERVER_BIN") {
        return PathBuf::from(p);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/debug/triloop-server")
}

/// A `triloop-server` child process; killed on drop.
struct ServerProcess {
    child: Child,
    addr: String,
}

impl ServerProcess {
    fn start(db: &Path, listen: &str) -> Result<ServerProcess> {
        let bin = server_binary();
        if !bin.is_file() {
            bail!(
                "{} is missing: build it with `cargo build -p server`",
                bin.display()
            );
        }
        let mut child = Command::new(&bin)
            .args(["--listen", listen, "--database"])
            .arg(db)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let mut line = String::new();
        BufReader::new(child.stdout.take().context("server stdout")?).read_line(&mut line)?;
        let addr = line
            .trim()
            .strip_prefix("listening on ")
            .with_context(|| format!("unexpected first line from the server: {line:?}"))?
            .to_string();
        Ok(ServerProcess { child, addr })
    }

    fn url(&self) -> String {
        format!("ws://{}", self.addr)
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

fn invite(db: &Path, workspace: &str, name: &str) -> Result<String> {
    let out = Command::new(server_binary())
        .args([
            "invite",
            "--workspace",
            workspace,
            "--name",
            name,
            "--json",
            "--database",
        ])
        .arg(db)
        .output()?;
    if !out.status.success() {
        bail!("invite failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    Ok(v["token"].as_str().context("no token")?.to_string())
}

async fn click(c: &Client, css: &str) -> Result<()> {
    wait_css(c, css)
        .await?
        .click()
        .await
        .with_context(|| format!("clicking {css}"))?;
    Ok(())
}

async fn type_into(c: &Client, css: &str, text: &str) -> Result<()> {
    let el = wait_css(c, css).await?;
    el.clear().await?;
    el.send_keys(text).await?;
    Ok(())
}

async fn wait_state(c: &Client, state: &str, secs: u64) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let v = js(
            c,
            "const b = document.querySelector('[data-testid=sync-status]'); return b ? b.dataset.state : null;",
        )
        .await?;
        if v.as_str() == Some(state) {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("the window's sync state stayed {v} instead of {state}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn eventually<F, Fut>(what: &str, secs: u64, mut check: F) -> Result<()>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        if check().await {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("timed out after {secs} s waiting for: {what}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_co_edits_with_another_laptop_through_a_server() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let db = tmp.path().join("server.db");
    let mut server = ServerProcess::start(&db, "127.0.0.1:0")?;
    let url = server.url();

    let driver = Driver::start(&[])?;
    let c = driver.launch(&tmp.path().join("alice")).await?;
    wait_js(
        &c,
        "return window.__triloop && window.__triloop.nodeCount() > 0;",
        "the demo flow on the canvas",
    )
    .await?;
    // A local workspace says so.
    wait_state(&c, "offline", 10).await?;

    // The sync dialog shows the workspace id the admin invites to.
    click(&c, "[data-testid=sync-status]").await?;
    let ws = wait_css(&c, "[data-testid=sync-workspace-id]")
        .await?
        .text()
        .await?;
    let alice_token = invite(&db, &ws, "Alice 客户经理")?;
    let bob_token = invite(&db, &ws, "Bob 产品经理")?;
    type_into(&c, "[data-testid=sync-server]", &url).await?;
    type_into(&c, "[data-testid=sync-token]", &alice_token).await?;
    click(&c, "[data-testid=sync-submit]").await?;
    wait_state(&c, "upToDate", 30).await?;
    click(&c, "[data-testid=sync-close]").await?;

    let doc = js(
        &c,
        "return document.querySelector('[data-testid=document-item][aria-current=page]').dataset.documentId;",
    )
    .await?
    .as_str()
    .context("open document id")?
    .to_string();

    // Bob joins from another laptop and sees the flow the window shows.
    let bob_dir = tmp.path().join("bob");
    let bob = Arc::new(
        api::Core::open(api::Config {
            data_dir: bob_dir,
            seed_demo: false,
        })
        .await?,
    );
    let joined = bob.join_workspace(&url, &bob_token).await?;
    assert_eq!(joined.id, ws);
    let window_nodes = js(&c, "return window.__triloop.nodeCount();")
        .await?
        .as_u64()
        .unwrap_or(0);
    eventually("Bob has the window's flow", 30, || async {
        bob.open_flow(&doc)
            .await
            .map(|f| f.nodes.len() as u64 == window_nodes)
            .unwrap_or(false)
    })
    .await?;
    let flow = bob.open_flow(&doc).await?;
    let target = flow
        .nodes
        .iter()
        .find(|n| n.kind.is_activity())
        .context("an activity in the demo flow")?
        .clone();

    // Bob renames a task: the window shows it without being asked.
    bob.edit_flow(
        &doc,
        vec![api::FlowOp::RenameNode {
            id: target.id.clone(),
            name: "Bob 改的名字".into(),
        }],
    )
    .await?;
    wait_js(
        &c,
        &format!(
            "return window.__triloop.nodes().some(n => n.id === '{}' && n.name === 'Bob 改的名字');",
            target.id
        ),
        "Bob's rename in the window",
    )
    .await?;

    // Bob's cursor and selection show on the canvas, with his name.
    let mut presence = tokio::spawn({
        let bob = bob.clone();
        let (ws, doc, id) = (ws.clone(), doc.clone(), target.id.clone());
        let (x, y) = (target.x + target.w + 30.0, target.y + target.h / 2.0);
        async move {
            loop {
                bob.set_presence(
                    &ws,
                    Some(doc.clone()),
                    Some(api::PresencePoint { x, y }),
                    vec![id.clone()],
                );
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    });
    wait_css(
        &c,
        "[data-testid=remote-person][data-name='Bob 产品经理'] [data-testid=remote-cursor]",
    )
    .await?;
    wait_css(
        &c,
        &format!(
            "[data-testid=remote-selection][data-element='{}']",
            target.id
        ),
    )
    .await?;
    let people = c.find_all(Locator::Css("[data-testid=person]")).await?;
    assert_eq!(people.len(), 1, "one other person in the workspace");
    assert_eq!(
        people[0].attr("data-name").await?.as_deref(),
        Some("Bob 产品经理")
    );
    e2e::save_screenshot(&c, "sync-presence").await?;

    // The window's edit reaches Bob.
    click(&c, "[data-testid=palette-task]").await?;
    wait_saved(&c).await?;
    eventually("the window's new task at Bob's", 20, || async {
        bob.open_flow(&doc)
            .await
            .map(|f| f.nodes.len() as u64 == window_nodes + 1)
            .unwrap_or(false)
    })
    .await?;

    // The server dies: the window says offline, keeps working, and everything arrives once a
    // server is back on the same database and address.
    let addr = server.addr.clone();
    server.kill();
    wait_state(&c, "offline", 20).await?;
    click(&c, "[data-testid=palette-userTask]").await?;
    wait_saved(&c).await?;
    let mut server = ServerProcess::start(&db, &addr)?;
    wait_state(&c, "upToDate", 40).await?;
    eventually("the offline edit at Bob's", 40, || async {
        bob.open_flow(&doc)
            .await
            .map(|f| f.nodes.len() as u64 == window_nodes + 2)
            .unwrap_or(false)
    })
    .await?;

    presence.abort();
    let _ = (&mut presence).await;
    bob.close().await;
    server.kill();
    c.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_meeting_room_hosted_in_the_window() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    // The room listens on loopback here (every interface in real use).
    let driver = Driver::start(&[
        ("TRILOOP_TEST_HOOKS", "1"),
        ("TRILOOP_MEETING_LISTEN", "127.0.0.1:0"),
    ])?;
    let c = driver.launch(&tmp.path().join("host")).await?;
    wait_js(
        &c,
        "return window.__triloop && window.__triloop.nodeCount() > 0;",
        "the demo flow on the canvas",
    )
    .await?;
    let doc = js(
        &c,
        "return document.querySelector('[data-testid=document-item][aria-current=page]').dataset.documentId;",
    )
    .await?
    .as_str()
    .context("open document id")?
    .to_string();
    let window_nodes = js(&c, "return window.__triloop.nodeCount();")
        .await?
        .as_u64()
        .unwrap_or(0);

    click(&c, "[data-testid=sync-status]").await?;
    click(&c, "[data-testid=meeting-start]").await?;
    let address = wait_css(&c, "[data-testid=meeting-address]")
        .await?
        .text()
        .await?;
    assert!(address.starts_with("ws://127.0.0.1:"), "{address}");
    wait_state(&c, "upToDate", 30).await?;
    type_into(&c, "[data-testid=meeting-name]", "王芳").await?;
    click(&c, "[data-testid=meeting-invite]").await?;
    let token = wait_css(
        &c,
        "[data-testid=meeting-invitation][data-name='王芳'] [data-testid=meeting-token]",
    )
    .await?
    .text()
    .await?;
    e2e::save_screenshot(&c, "meeting-room").await?;
    click(&c, "[data-testid=sync-close]").await?;

    // A colleague on the local network joins with the address and the invitation.
    let guest = api::Core::open(api::Config {
        data_dir: tmp.path().join("guest"),
        seed_demo: false,
    })
    .await?;
    guest.join_workspace(&address, &token).await?;
    eventually("the guest has the host's flow", 30, || async {
        guest
            .open_flow(&doc)
            .await
            .map(|f| f.nodes.len() as u64 == window_nodes)
            .unwrap_or(false)
    })
    .await?;
    guest
        .edit_flow(
            &doc,
            vec![api::FlowOp::AddNode {
                node: api::FlowNode::new(
                    "guest-task",
                    api::NodeKind::UserTask,
                    "王芳补充的步骤",
                    200.0,
                    600.0,
                ),
            }],
        )
        .await?;
    wait_js(
        &c,
        "return window.__triloop.nodes().some(n => n.id === 'guest-task' && n.name === '王芳补充的步骤');",
        "the guest's task in the host's window",
    )
    .await?;

    // Closing the room leaves the workspace on the host's laptop with the guest's work.
    click(&c, "[data-testid=sync-status]").await?;
    click(&c, "[data-testid=meeting-stop]").await?;
    wait_css(&c, "[data-testid=meeting-start]").await?;
    wait_state(&c, "offline", 20).await?;
    let badge = wait_css(&c, "[data-testid=sync-status]")
        .await?
        .text()
        .await?;
    assert!(
        badge == "On this laptop only" || badge == "仅在本机",
        "{badge}"
    );
    assert_eq!(
        js(&c, "return window.__triloop.nodeCount();")
            .await?
            .as_u64(),
        Some(window_nodes + 1)
    );
    guest.close().await;
    c.close().await?;
    Ok(())
}
