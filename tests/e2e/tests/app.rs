//! End to end: the real app under Xvfb, driven through tauri-driver and WebKitWebDriver.
//! Each test has its own data folder; they run one at a time (`--test-threads=1`).

use std::path::Path;

use anyhow::{Context, Result};
use e2e::{Driver, js, kill_app, wait_css, wait_js, wait_saved};
use fantoccini::{Client, Locator};
use serde_json::Value;

async fn node_ids_of_kind(c: &Client, kind: &str) -> Result<Vec<String>> {
    let v = js(c, &format!(
        "return window.__triloop.nodes().filter(n => n.kind === '{kind}').map(n => n.id).sort();"
    ))
    .await?;
    Ok(serde_json::from_value(v)?)
}

async fn node_count(c: &Client) -> Result<u64> {
    Ok(js(c, "return window.__triloop.nodeCount();")
        .await?
        .as_u64()
        .unwrap_or(0))
}

async fn edge_count(c: &Client) -> Result<u64> {
    Ok(js(c, "return window.__triloop.edgeCount();")
        .await?
        .as_u64()
        .unwrap_or(0))
}

/// The names the canvas draws (it is one <canvas>: names are read from its model).
async fn labels(c: &Client) -> Result<Vec<String>> {
    let v = js(
        c,
        "return window.__triloop.nodes().map(n => n.name.trim());",
    )
    .await?;
    Ok(serde_json::from_value(v)?)
}

async fn click(c: &Client, css: &str) -> Result<()> {
    wait_css(c, css)
        .await?
        .click()
        .await
        .with_context(|| format!("clicking {css}"))?;
    Ok(())
}

/// Waits for the first painted canvas: the demo workspace's first flow.
async fn wait_canvas(c: &Client) -> Result<()> {
    wait_css(c, "[data-testid=canvas] [data-testid=flow-canvas] canvas").await?;
    wait_js(
        c,
        "return window.__triloop && window.__triloop.nodeCount() > 0;",
        "a flow on the canvas",
    )
    .await?;
    Ok(())
}

/// Where a node's centre is on screen, rounded to whole pixels.
async fn node_point(c: &Client, id: &str) -> Result<(f64, f64)> {
    let p = wait_js(
        c,
        &format!(
            "return window.__triloop.clientPoint({});",
            Value::String(id.into())
        ),
        "a node on screen",
    )
    .await?;
    Ok((
        p["x"].as_f64().unwrap_or(0.0).round(),
        p["y"].as_f64().unwrap_or(0.0).round(),
    ))
}

async fn rename_node(c: &Client, id: &str, name: &str) -> Result<()> {
    // Double-click the node, as a person would.
    let (x, y) = node_point(c, id).await?;
    double_click_at(c, x, y).await?;
    wait_css(c, "[data-testid=node-rename-input]").await?;
    // The input mounts, then takes focus; type into whatever holds focus then.
    wait_js(c, "return document.activeElement && document.activeElement.dataset.testid === 'node-rename-input';", "focused rename input").await?;
    let input = c.active_element().await?;
    // The input opens with its text selected, so typing replaces it. WebKitWebDriver only
    // synthesizes keys it has on a keyboard, so names typed here are ASCII; Chinese names
    // are covered by the demo and the core's tests.
    assert!(name.is_ascii(), "WebKitWebDriver cannot type {name:?}");
    input
        .send_keys(&format!("{name}\u{E007}"))
        .await
        .context("typing the new name")?;
    let done = wait_js(
        c,
        &format!(
            "return window.__triloop.nodes().some(n => n.id === {} && n.name === {});",
            Value::String(id.into()),
            Value::String(name.into())
        ),
        "renamed node",
    )
    .await;
    if let Err(e) = done {
        let state = js(c, "const i = document.querySelector('[data-testid=node-rename-input]'); return [i ? i.value : null, window.__triloop.nodes().map(n => n.name)];").await?;
        return Err(e.context(format!("rename input and names: {state}")));
    }
    Ok(())
}

/// Moves the real pointer to the centre of the first element matching `css`.
async fn hover(c: &Client, css: &str) -> Result<()> {
    use fantoccini::actions::{InputSource, MouseActions, PointerAction};
    let (x, y) = centre(c, css).await?;
    c.perform_actions(
        MouseActions::new("mouse".to_string()).then(PointerAction::MoveTo {
            duration: None,
            x,
            y,
        }),
    )
    .await?;
    Ok(())
}

async fn centre(c: &Client, css: &str) -> Result<(f64, f64)> {
    let rect = wait_js(
        c,
        &format!(
            "const e = document.querySelector({}); if (!e) return null; const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2];",
            Value::String(css.into())
        ),
        css,
    )
    .await?;
    Ok((
        rect[0].as_f64().unwrap_or(0.0).round(),
        rect[1].as_f64().unwrap_or(0.0).round(),
    ))
}

/// Clicks a row's action button, which shows when the pointer is over the row.
async fn row_action(c: &Client, row_css: &str, action: &str) -> Result<()> {
    hover(c, row_css).await?;
    click(c, &format!("{row_css} [data-testid={action}]")).await
}

/// A real double click at viewport coordinates (WebKitWebDriver does not resolve element
/// origins here, and canvas elements have none).
async fn double_click_at(c: &Client, x: f64, y: f64) -> Result<()> {
    use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
    let actions = MouseActions::new("mouse".to_string())
        .then(PointerAction::MoveTo {
            duration: None,
            x,
            y,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    c.perform_actions(actions).await?;
    c.release_actions().await?;
    Ok(())
}

#[tokio::test]
async fn draw_a_flow_quit_and_find_it_after_relaunch() -> Result<()> {
    let data = tempfile::tempdir()?;
    let driver = Driver::start(&[])?;
    let c = driver.launch(data.path()).await?;
    wait_canvas(&c).await?;
    let demo_nodes = node_count(&c).await?;
    assert!(
        demo_nodes >= 5,
        "the demo flow shows on first start ({demo_nodes} nodes)"
    );

    // A new business flow in the demo workspace.
    let before = js(
        &c,
        "return document.querySelectorAll('[data-testid=document-item]').length;",
    )
    .await?
    .as_u64()
    .unwrap();
    click(&c, "[data-testid=new-flow]").await?;
    if let Ok(input) = c
        .find(Locator::Css("[data-testid=document-title-input]"))
        .await
    {
        input.send_keys("E2E 开户流程\u{E007}").await?;
    }
    wait_js(
        &c,
        &format!(
            "return document.querySelectorAll('[data-testid=document-item]').length > {before};"
        ),
        "a new document",
    )
    .await?;
    wait_js(
        &c,
        "return window.__triloop.nodeCount() === 0;",
        "the new empty flow open",
    )
    .await?;

    click(&c, "[data-testid=palette-startEvent]").await?;
    wait_saved(&c).await?;
    click(&c, "[data-testid=palette-task]").await?;
    wait_saved(&c).await?;
    click(&c, "[data-testid=palette-endEvent]").await?;
    wait_js(
        &c,
        "return window.__triloop.nodeCount() === 3;",
        "three nodes",
    )
    .await?;
    wait_saved(&c).await?;

    let start = node_ids_of_kind(&c, "startEvent").await?.remove(0);
    let task = node_ids_of_kind(&c, "task").await?.remove(0);
    let end = node_ids_of_kind(&c, "endEvent").await?.remove(0);
    js(
        &c,
        &format!("window.__triloop.selectNodes(['{start}', '{task}']);"),
    )
    .await?;
    click(&c, "[data-testid=connect-selected]").await?;
    wait_js(
        &c,
        "return window.__triloop.edgeCount() === 1;",
        "first sequence flow",
    )
    .await?;
    js(
        &c,
        &format!("window.__triloop.selectNodes(['{task}', '{end}']);"),
    )
    .await?;
    click(&c, "[data-testid=connect-selected]").await?;
    wait_js(
        &c,
        "return window.__triloop.edgeCount() === 2;",
        "second sequence flow",
    )
    .await?;
    wait_saved(&c).await?;
    rename_node(&c, &task, "Review KYC documents").await?;
    wait_saved(&c).await?;

    // Undo the rename and redo it, through the buttons.
    click(&c, "[data-testid=undo]").await?;
    wait_js(
        &c,
        "return !window.__triloop.nodes().some(n => n.name.includes('Review KYC documents'));",
        "undone rename",
    )
    .await?;
    click(&c, "[data-testid=redo]").await?;
    wait_js(
        &c,
        "return window.__triloop.nodes().some(n => n.name.includes('Review KYC documents'));",
        "redone rename",
    )
    .await?;
    wait_saved(&c).await?;

    c.close().await?;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;

    // Relaunch on the same store and open the flow again.
    let c = driver.launch(data.path()).await?;
    wait_canvas(&c).await?;
    let items = js(&c, "return Array.from(document.querySelectorAll('[data-testid=document-item]')).map(d => d.dataset.documentId);").await?;
    let ids: Vec<String> = serde_json::from_value(items)?;
    assert_eq!(ids.len() as u64, before + 1);
    click(
        &c,
        &format!(
            "[data-testid=document-item][data-document-id='{}']",
            ids.last().unwrap()
        ),
    )
    .await?;
    wait_js(
        &c,
        "return window.__triloop.nodeCount() === 3;",
        "the drawn flow after relaunch",
    )
    .await?;
    assert_eq!(edge_count(&c).await?, 2);
    assert!(
        labels(&c)
            .await?
            .iter()
            .any(|l| l == "Review KYC documents"),
        "{:?}",
        labels(&c).await?
    );
    c.close().await?;
    Ok(())
}

#[tokio::test]
async fn an_edit_acknowledged_before_sigkill_survives() -> Result<()> {
    let data = tempfile::tempdir()?;
    let driver = Driver::start(&[])?;
    let c = driver.launch(data.path()).await?;
    wait_canvas(&c).await?;
    let task = node_ids_of_kind(&c, "userTask").await?.remove(0);
    rename_node(&c, &task, "Edited before SIGKILL").await?;
    click(&c, "[data-testid=palette-task]").await?;
    wait_saved(&c).await?;
    let count = node_count(&c).await?;
    // The moment the UI says saved, the process dies without any chance to flush.
    kill_app(data.path())?;
    // End the dead app's WebDriver session so WebKitWebDriver takes a new one.
    let _ = c.close().await;

    let c = driver.launch(data.path()).await?;
    wait_canvas(&c).await?;
    wait_js(
        &c,
        &format!("return window.__triloop.nodeCount() === {count};"),
        "all nodes after SIGKILL",
    )
    .await?;
    assert!(
        labels(&c)
            .await?
            .iter()
            .any(|l| l == "Edited before SIGKILL")
    );
    c.close().await?;
    Ok(())
}

#[tokio::test]
async fn a_panic_in_a_command_is_an_error_not_a_dead_window() -> Result<()> {
    let data = tempfile::tempdir()?;
    let driver = Driver::start(&[("TRILOOP_TEST_HOOKS", "1")])?;
    let c = driver.launch(data.path()).await?;
    wait_canvas(&c).await?;
    js(&c, "window.__triloop.debugPanic();").await?;
    let banner = wait_css(&c, "[data-testid=error-banner]").await?;
    let text = banner.text().await?;
    assert!(text.contains("deliberate panic"), "{text}");
    // The window still works.
    let n = node_count(&c).await?;
    click(&c, "[data-testid=palette-task]").await?;
    wait_js(
        &c,
        &format!("return window.__triloop.nodeCount() === {};", n + 1),
        "a node after the panic",
    )
    .await?;
    wait_saved(&c).await?;
    c.close().await?;
    Ok(())
}

#[tokio::test]
async fn the_language_follows_the_system_until_the_person_picks_one() -> Result<()> {
    let data = tempfile::tempdir()?;
    // A Chinese system: the first start is in Chinese.
    let driver = Driver::start(&[("LANG", "zh_CN.UTF-8"), ("LC_ALL", ""), ("LC_MESSAGES", "")])?;
    let c = driver.launch(data.path()).await?;
    wait_canvas(&c).await?;
    wait_js(
        &c,
        "return document.documentElement.lang === 'zh-CN';",
        "Chinese from the system",
    )
    .await?;
    let zh = js(
        &c,
        "return document.querySelector('[data-testid=palette-task]').textContent;",
    )
    .await?;
    assert!(zh.as_str().unwrap_or("").contains("任务"), "{zh}");
    click(&c, "[data-testid=lang-en]").await?;
    wait_js(
        &c,
        "return document.documentElement.lang === 'en';",
        "English",
    )
    .await?;
    let en = js(
        &c,
        "return document.querySelector('[data-testid=palette-task]').textContent;",
    )
    .await?;
    assert_ne!(en, zh, "the palette is translated");
    c.close().await?;

    // The pick outlives a restart, over the system's language.
    let c = driver.launch(data.path()).await?;
    wait_canvas(&c).await?;
    wait_js(
        &c,
        "return document.documentElement.lang === 'en';",
        "English after relaunch",
    )
    .await?;
    click(&c, "[data-testid=lang-zh]").await?;
    wait_js(
        &c,
        "return document.documentElement.lang === 'zh-CN';",
        "Chinese again",
    )
    .await?;
    c.close().await?;
    Ok(())
}

#[tokio::test]
async fn a_corrupt_document_shows_an_error_and_the_rest_opens() -> Result<()> {
    let data = tempfile::tempdir()?;
    let (good, bad) = {
        let core = api::Core::open(api::Config {
            data_dir: data.path().to_path_buf(),
            seed_demo: false,
        })
        .await
        .unwrap();
        let ws = core.create_workspace("损坏测试").await.unwrap();
        let good = core
            .create_document(&ws.id, api::DocKind::BusinessFlow, "完好的流程")
            .await
            .unwrap();
        let bad = core
            .create_document(&ws.id, api::DocKind::BusinessFlow, "损坏的流程")
            .await
            .unwrap();
        for d in [&good, &bad] {
            core.edit_flow(
                &d.id,
                vec![api::FlowOp::AddNode {
                    node: api::FlowNode::new("n1", api::NodeKind::Task, "任务", 100.0, 100.0),
                }],
            )
            .await
            .unwrap();
        }
        core.close().await;
        core.store()
            .with_conn(|c| {
                c.execute(
                    "UPDATE chunk SET data = X'00FF00FF' WHERE doc_id = ?1",
                    [&bad.id],
                )
            })
            .unwrap();
        (good, bad)
    };
    let driver = Driver::start(&[])?;
    let c = driver.launch(data.path()).await?;
    wait_css(&c, "[data-testid=workspace-item]").await?;
    click(
        &c,
        &format!("[data-testid=document-item][data-document-id='{}']", bad.id),
    )
    .await?;
    let err = wait_css(&c, "[data-testid=doc-error]").await?;
    let text = err.text().await?;
    assert!(
        text.contains(&bad.id) || text.contains("quarantine") || text.contains("隔离"),
        "{text}"
    );
    click(
        &c,
        &format!(
            "[data-testid=document-item][data-document-id='{}']",
            good.id
        ),
    )
    .await?;
    wait_js(
        &c,
        "return window.__triloop.nodeCount() === 1;",
        "the good flow",
    )
    .await?;
    c.close().await?;
    assert!(Path::new(&data.path().join("triloop.db")).exists());
    Ok(())
}

/// Types `text` into the inline input `testid` once it has focus, then presses Enter.
async fn type_into(c: &Client, testid: &str, text: &str) -> Result<()> {
    wait_js(
        c,
        &format!(
            "return document.activeElement && document.activeElement.dataset.testid === '{testid}';"
        ),
        testid,
    )
    .await?;
    // The input opens with its text selected, so typing replaces it (ASCII only; see rename_node).
    c.active_element()
        .await?
        .send_keys(&format!("{text}\u{E007}"))
        .await?;
    Ok(())
}

async fn workspace_names(c: &Client) -> Result<Vec<String>> {
    let v = js(c, "return Array.from(document.querySelectorAll('[data-testid=workspace-item]')).map(w => w.textContent.trim());").await?;
    Ok(serde_json::from_value(v)?)
}

#[tokio::test]
async fn workspaces_and_documents_are_managed_from_the_sidebar() -> Result<()> {
    let data = tempfile::tempdir()?;
    let driver = Driver::start(&[])?;
    let c = driver.launch(data.path()).await?;
    wait_canvas(&c).await?;

    click(&c, "[data-testid=new-workspace]").await?;
    type_into(&c, "workspace-name-input", "Branch pilot").await?;
    wait_js(&c, "return Array.from(document.querySelectorAll('[data-testid=workspace-item]')).some(w => w.textContent.includes('Branch pilot'));", "new workspace").await?;
    // A new workspace opens, empty.
    wait_js(&c, "return document.querySelector('[data-testid=workspace-title]').textContent.includes('Branch pilot');", "new workspace open").await?;

    row_action(
        &c,
        ".workspace-row:has([data-testid=workspace-item][aria-current=true])",
        "workspace-rename",
    )
    .await?;
    type_into(&c, "workspace-name-input", "Branch pilot 2026").await?;
    wait_js(&c, "return Array.from(document.querySelectorAll('[data-testid=workspace-item]')).some(w => w.textContent.includes('Branch pilot 2026'));", "renamed workspace").await?;

    click(&c, "[data-testid=new-flow]").await?;
    wait_js(
        &c,
        "return document.querySelectorAll('[data-testid=document-item]').length === 1;",
        "a flow in the new workspace",
    )
    .await?;
    row_action(&c, ".document-row", "document-rename").await?;
    type_into(&c, "document-name-input", "Account opening").await?;
    wait_js(&c, "return document.querySelector('[data-testid=document-item]').textContent.includes('Account opening');", "renamed flow").await?;
    c.close().await?;

    // Everything is still there after a restart; then delete the flow and the workspace.
    let c = driver.launch(data.path()).await?;
    wait_css(&c, "[data-testid=workspace-item]").await?;
    let names = workspace_names(&c).await?;
    assert!(
        names.iter().any(|n| n.contains("Branch pilot 2026")),
        "{names:?}"
    );
    let item = js(&c, "return Array.from(document.querySelectorAll('[data-testid=workspace-item]')).find(w => w.textContent.includes('Branch pilot 2026')).dataset.workspaceId;").await?;
    let ws = item.as_str().unwrap_or_default().to_string();
    click(
        &c,
        &format!("[data-testid=workspace-item][data-workspace-id='{ws}']"),
    )
    .await?;
    wait_js(&c, "return document.querySelector('[data-testid=document-item]') && document.querySelector('[data-testid=document-item]').textContent.includes('Account opening');", "the renamed flow").await?;
    row_action(&c, ".document-row", "document-delete").await?;
    click(&c, "[data-testid=confirm-ok]").await?;
    wait_js(
        &c,
        "return document.querySelectorAll('[data-testid=document-item]').length === 0;",
        "flow deleted",
    )
    .await?;
    row_action(
        &c,
        &format!(".workspace-row:has([data-workspace-id='{ws}'])"),
        "workspace-delete",
    )
    .await?;
    click(&c, "[data-testid=confirm-ok]").await?;
    wait_js(&c, "return !Array.from(document.querySelectorAll('[data-testid=workspace-item]')).some(w => w.textContent.includes('Branch pilot'));", "workspace deleted").await?;
    let names = workspace_names(&c).await?;
    assert_eq!(names.len(), 1, "only the demo remains: {names:?}");
    c.close().await?;
    Ok(())
}

/// Presses at `from`, drags to `to` in steps, and releases (viewport coordinates).
async fn drag(c: &Client, from: (f64, f64), to: (f64, f64)) -> Result<()> {
    use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
    let mut actions = MouseActions::new("mouse".to_string())
        .then(PointerAction::MoveTo {
            duration: None,
            x: from.0,
            y: from.1,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        });
    for i in 1..=10 {
        let t = i as f64 / 10.0;
        actions = actions.then(PointerAction::MoveTo {
            duration: Some(std::time::Duration::from_millis(16)),
            x: (from.0 + (to.0 - from.0) * t).round(),
            y: (from.1 + (to.1 - from.1) * t).round(),
        });
    }
    actions = actions.then(PointerAction::Up {
        button: MOUSE_BUTTON_LEFT,
    });
    c.perform_actions(actions).await?;
    c.release_actions().await?;
    Ok(())
}

#[tokio::test]
async fn a_task_is_resized_by_its_corner_and_undo_restores_it() -> Result<()> {
    let data = tempfile::tempdir()?;
    let driver = Driver::start(&[])?;
    let c = driver.launch(data.path()).await?;
    wait_canvas(&c).await?;
    // The leftmost activity: the properties panel that opens on the right leaves it in view.
    let task: String = serde_json::from_value(
        js(
            &c,
            "return window.__triloop.nodes().filter(n => /task$/i.test(n.kind)) \
             .sort((a, b) => a.x - b.x)[0].id;",
        )
        .await?,
    )?;
    let size = |c: &Client, id: &str| {
        let script = format!(
            "const n = window.__triloop.nodes().find(n => n.id === '{id}'); return [n.w, n.h];"
        );
        let c = c.clone();
        async move {
            let v = js(&c, &script).await?;
            anyhow::Ok(serde_json::from_value::<(f64, f64)>(v)?)
        }
    };
    let before = size(&c, &task).await?;
    js(&c, &format!("window.__triloop.selectNodes(['{task}']);")).await?;
    // The panel that opens narrows the canvas: measure after it is there.
    wait_css(
        &c,
        &format!("[data-testid=element-panel][data-element-id='{task}']"),
    )
    .await?;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let rect = wait_js(
        &c,
        &format!("return window.__triloop.clientRect('{task}');"),
        "the task on screen",
    )
    .await?;
    let f = |k: &str| rect[k].as_f64().unwrap_or(0.0);
    let corner = (
        (f("left") + f("width")).round(),
        (f("top") + f("height")).round(),
    );
    // The handle sits on the bottom-right corner; drag it 80 px right and 50 px down.
    drag(&c, corner, (corner.0 + 80.0, corner.1 + 50.0)).await?;
    wait_js(
        &c,
        &format!(
            "const n = window.__triloop.nodes().find(n => n.id === '{task}'); \
             return n.w > {} && n.h > {};",
            before.0 + 20.0,
            before.1 + 10.0
        ),
        "the task resized",
    )
    .await?;
    wait_saved(&c).await?;
    e2e::save_screenshot(&c, "resize").await?;
    let after = size(&c, &task).await?;
    assert!(
        after.0 > before.0 && after.1 > before.1,
        "{before:?} -> {after:?}"
    );
    // One undo step restores the old size.
    click(&c, "[data-testid=undo]").await?;
    wait_js(
        &c,
        &format!(
            "const n = window.__triloop.nodes().find(n => n.id === '{task}'); \
             return n.w === {} && n.h === {};",
            before.0, before.1
        ),
        "the old size back after one undo",
    )
    .await?;
    c.close().await?;
    Ok(())
}

#[tokio::test]
async fn an_edge_gets_a_bend_point_from_its_middle_handle_and_undo_removes_it() -> Result<()> {
    let data = tempfile::tempdir()?;
    let driver = Driver::start(&[])?;
    let c = driver.launch(data.path()).await?;
    wait_canvas(&c).await?;
    // The demo's first sequence flow: from the start event to the task right of it, straight.
    let v = js(
        &c,
        "const api = window.__triloop; \
         const s = api.nodes().find(n => n.kind === 'startEvent'); \
         const e = api.edges().find(e => e.source === s.id); \
         return [e.id, e.waypoints.length, api.clientRect(s.id), api.clientRect(e.target)];",
    )
    .await?;
    let edge = v[0]
        .as_str()
        .context("an edge from the start event")?
        .to_string();
    let before = v[1].as_u64().unwrap_or(0);
    let f = |r: &Value, k: &str| r[k].as_f64().unwrap_or(0.0);
    let (s, t) = (&v[2], &v[3]);
    // The middle of the segment between the event's right side and the task's left side.
    let mid = (
        ((f(s, "left") + f(s, "width") + f(t, "left")) / 2.0).round(),
        (f(s, "top") + f(s, "height") / 2.0).round(),
    );
    // A click selects the edge; its middle handle is then under the pointer: drag it down.
    let tap = |p: (f64, f64)| drag(&c, p, p);
    tap(mid).await?;
    wait_js(
        &c,
        &format!("return window.__triloop.selection().join() === '{edge}';"),
        "the edge selected",
    )
    .await?;
    drag(&c, mid, (mid.0, mid.1 + 60.0)).await?;
    wait_js(
        &c,
        &format!(
            "const e = window.__triloop.edges().find(e => e.id === '{edge}'); \
             return e.waypoints.length >= 3;"
        ),
        "a route with a bend point",
    )
    .await?;
    wait_saved(&c).await?;
    e2e::save_screenshot(&c, "route").await?;
    click(&c, "[data-testid=undo]").await?;
    wait_js(
        &c,
        &format!(
            "return window.__triloop.edges().find(e => e.id === '{edge}').waypoints.length === {before};"
        ),
        "the route as it was after one undo",
    )
    .await?;
    c.close().await?;
    Ok(())
}

#[tokio::test]
async fn structural_problems_show_live_and_go_away_on_undo() -> Result<()> {
    let data = tempfile::tempdir()?;
    let driver = Driver::start(&[])?;
    let c = driver.launch(data.path()).await?;
    wait_canvas(&c).await?;
    wait_js(&c, "const t = document.querySelector('[data-testid=problems-toggle]'); return t && t.dataset.count === '0';", "a clean demo flow").await?;

    // A task connected to nothing is reported, as bpmnlint does, as disconnected.
    let before: Vec<String> = node_ids_of_kind(&c, "task").await?;
    click(&c, "[data-testid=palette-task]").await?;
    wait_saved(&c).await?;
    let after: Vec<String> = node_ids_of_kind(&c, "task").await?;
    let added = after
        .into_iter()
        .find(|id| !before.contains(id))
        .context("the added task")?;
    wait_js(
        &c,
        "const t = document.querySelector('[data-testid=problems-toggle]'); return t.dataset.count !== '0' && t.dataset.state !== 'pending';",
        "problems of the added task",
    )
    .await?;
    click(&c, "[data-testid=problems-toggle]").await?;
    wait_css(&c, "[data-testid=problems-panel]").await?;
    let items = js(&c, "return Array.from(document.querySelectorAll('[data-testid=problem-item]')).map(i => [i.dataset.code, i.dataset.element]);").await?;
    let items: Vec<(String, String)> = serde_json::from_value(items)?;
    assert!(
        items.contains(&("disconnected".into(), added.clone())),
        "{items:?}"
    );
    let on_task = items.iter().filter(|(_, e)| *e == added).count();
    // The canvas marks it.
    wait_js(
        &c,
        &format!("return window.__triloop.problemMarks().some(([id]) => id === '{added}');"),
        "the added task marked",
    )
    .await?;
    // Hovering the marked task says what is wrong with it.
    let (x, y) = node_point(&c, &added).await?;
    let no_drag = (x, y);
    {
        use fantoccini::actions::{InputSource, MouseActions, PointerAction};
        let to = MouseActions::new("mouse".to_string()).then(PointerAction::MoveTo {
            duration: None,
            x: no_drag.0,
            y: no_drag.1,
        });
        c.perform_actions(to).await?;
    }
    wait_js(
        &c,
        &format!(
            "const t = document.querySelector('[data-testid=problem-tooltip]'); \
             return !!t && t.dataset.element === '{added}' \
               && t.querySelectorAll('li').length === {on_task} && t.textContent.length > 10;"
        ),
        "a tooltip naming the task's problems",
    )
    .await?;
    e2e::save_screenshot(&c, "problems").await?;
    c.release_actions().await?;

    click(&c, "[data-testid=undo]").await?;
    wait_js(
        &c,
        "return document.querySelector('[data-testid=problems-toggle]').dataset.count === '0';",
        "no problems after undo",
    )
    .await?;
    c.close().await?;
    Ok(())
}

#[tokio::test]
async fn a_typed_link_from_a_task_shows_as_a_backlink_in_the_other_flow() -> Result<()> {
    let data = tempfile::tempdir()?;
    let driver = Driver::start(&[])?;
    let c = driver.launch(data.path()).await?;
    wait_canvas(&c).await?;
    let docs: Vec<String> = serde_json::from_value(
        js(&c, "return Array.from(document.querySelectorAll('[data-testid=document-item]')).map(d => d.dataset.documentId);").await?,
    )?;
    // Two flows, the SCRM domain model and its prototype.
    assert_eq!(docs.len(), 4);

    js(&c, "window.__triloop.selectNodes(['task_identify']);").await?;
    wait_css(&c, "[data-testid=element-panel]").await?;
    click(&c, "[data-testid=add-link]").await?;
    click(&c, "[data-testid=link-kind-select] option[value=realizes]").await?;
    click(
        &c,
        &format!(
            "[data-testid=link-target-option][data-document-id='{}'][data-element-id='task_reach']",
            docs[1]
        ),
    )
    .await?;
    click(&c, "[data-testid=link-submit]").await?;
    // Beside the demo's link to the domain command it invokes (登记客户).
    wait_js(
        &c,
        "const items = Array.from(document.querySelectorAll('[data-testid=link-item][data-incoming=false]')).map(i => i.textContent); \
         return items.length === 2 && items.some(t => t.includes('精准内容触达')) && items.some(t => t.includes('登记客户'));",
        "the new link beside the domain command's",
    )
    .await?;
    e2e::save_screenshot(&c, "links").await?;

    // The other flow shows it as a backlink.
    click(
        &c,
        &format!(
            "[data-testid=document-item][data-document-id='{}']",
            docs[1]
        ),
    )
    .await?;
    wait_js(&c, "return window.__triloop.nodeCount() === 9 && window.__triloop.nodes().some(n => n.id === 'task_reach');", "the second flow").await?;
    js(&c, "window.__triloop.selectNodes(['task_reach']);").await?;
    let back = wait_css(&c, "[data-testid=link-item][data-incoming=true]").await?;
    assert!(back.text().await?.contains("识别客户身份"));
    click(
        &c,
        "[data-testid=link-item][data-incoming=true] [data-testid=link-remove]",
    )
    .await?;
    // What is left is the demo's link from this task to the domain model's command.
    wait_js(
        &c,
        "const items = document.querySelectorAll('[data-testid=link-item]'); return items.length === 1 && items[0].dataset.incoming === 'false' && items[0].textContent.includes('触达客户');",
        "link removed, the domain command's link left",
    )
    .await?;
    c.close().await?;
    Ok(())
}

/// Waits until `dir` holds a file ending in `ext` and returns its bytes.
async fn wait_file(dir: &Path, ext: &str) -> Result<Vec<u8>> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        for e in std::fs::read_dir(dir)? {
            let p = e?.path();
            if p.extension().is_some_and(|x| x == ext) {
                return Ok(std::fs::read(&p)?);
            }
        }
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "no .{ext} file in {}",
            dir.display()
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn a_miwg_file_imported_through_the_window_shows_and_exports() -> Result<()> {
    let data = tempfile::tempdir()?;
    let out = tempfile::tempdir()?;
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/bpmn/miwg-reference/C.1.0.bpmn")
        .canonicalize()?;
    let original = formats::bpmn::import(&std::fs::read(&file)?)?;
    let expected = formats::bpmn::flowdoc::to_flow(&original);
    // The test hooks answer the file dialogs: open this file, save into `out`.
    let driver = Driver::start(&[
        ("TRILOOP_TEST_HOOKS", "1"),
        ("TRILOOP_TEST_OPEN_FILE", file.to_str().unwrap()),
        ("TRILOOP_TEST_SAVE_DIR", out.path().to_str().unwrap()),
    ])?;
    let c = driver.launch(data.path()).await?;
    wait_canvas(&c).await?;
    let docs_before = c
        .find_all(Locator::Css("[data-testid=document-item]"))
        .await?
        .len();
    click(&c, "[data-testid=import-bpmn]").await?;
    // The imported flow opens: every element the file draws is on the canvas.
    wait_js(
        &c,
        &format!(
            "return window.__triloop.nodeCount() === {} && window.__triloop.edgeCount() >= {};",
            expected.nodes.len(),
            expected
                .edges
                .iter()
                .filter(|e| e.kind == api::EdgeKind::SequenceFlow)
                .count()
        ),
        "the imported flow on the canvas",
    )
    .await?;
    let docs_after = c
        .find_all(Locator::Css("[data-testid=document-item]"))
        .await?
        .len();
    assert_eq!(
        docs_after,
        docs_before + 1,
        "a new document in the workspace"
    );
    let names = labels(&c).await?;
    for n in expected
        .nodes
        .iter()
        .filter(|n| n.kind.is_activity() && !n.name.is_empty())
    {
        assert!(
            names.iter().any(|l| l == n.name.trim()),
            "{} not shown in {names:?}",
            n.name
        );
    }
    e2e::save_screenshot(&c, "miwg-import").await?;

    // Export: BPMN (the same model back), SVG and PNG pictures.
    toolbar_command(&c, "export-bpmn").await?;
    let xml = wait_file(out.path(), "bpmn").await?;
    let back = formats::bpmn::import(&xml)?;
    assert_eq!(
        back.counts(),
        original.counts(),
        "the exported file holds the same elements"
    );
    assert_eq!(formats::bpmn::flowdoc::to_flow(&back), expected);
    toolbar_command(&c, "export-svg").await?;
    let svg = String::from_utf8(wait_file(out.path(), "svg").await?)?;
    assert!(svg.starts_with("<?xml") && svg.trim_end().ends_with("</svg>"));
    assert_eq!(
        svg.matches("data-element-kind=\"node\"").count(),
        expected.nodes.len()
    );
    toolbar_command(&c, "export-png").await?;
    let png = wait_file(out.path(), "png").await?;
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 1000,
        "a PNG of {} bytes",
        png.len()
    );
    c.close().await?;
    Ok(())
}

// --- the editor on a laptop: every pane fits the window, a file opens framed ---

/// Every toolbar command, by test id. Each one is in the toolbar or in its More menu.
const TOOLBAR_COMMANDS: &[&str] = &[
    "connect-selected",
    "rename-selected",
    "delete-selected",
    "fit-view",
    "export-bpmn",
    "export-svg",
    "export-png",
    "problems-toggle",
];

/// The page's layout facts, measured in the window: the window, each pane's rectangle, the
/// canvas element's, the toolbar's overflow, and which panes are folded.
const LAYOUT_JS: &str = r#"
const rect = (css) => { const e = document.querySelector(css); if (!e) return null; const r = e.getBoundingClientRect(); return { left: r.left, top: r.top, right: r.right, bottom: r.bottom }; };
const bar = document.querySelector('[data-testid=canvas-toolbar]');
return {
  window: { width: window.innerWidth, height: window.innerHeight, screenW: screen.width, screenH: screen.height, dpr: window.devicePixelRatio },
  topbar: rect('.topbar'), sidebar: rect('[data-testid=sidebar]'), palette: rect('[data-testid=palette]'),
  toolbar: rect('[data-testid=canvas-toolbar]'), pane: rect('[data-testid=canvas]'), canvas: rect('[data-testid=flow-canvas]'),
  toolbarOverflow: bar ? bar.scrollWidth - bar.clientWidth : null,
  sidebarFolded: document.querySelector('[data-testid=sidebar]')?.dataset.folded,
  paletteFolded: document.querySelector('[data-testid=palette]')?.dataset.folded,
};
"#;

fn r(v: &Value, k: &str) -> f64 {
    v[k].as_f64().unwrap_or(f64::NAN)
}

/// Asserts that a rectangle lies inside the window.
fn assert_inside_window(layout: &Value, name: &str, size: &str) {
    let (w, h) = (
        r(&layout["window"], "width"),
        r(&layout["window"], "height"),
    );
    let b = &layout[name];
    assert!(
        r(b, "left") >= -0.5
            && r(b, "top") >= -0.5
            && r(b, "right") <= w + 0.5
            && r(b, "bottom") <= h + 0.5,
        "{size}: {name} {b} runs past the window {w}x{h}"
    );
}

/// Every node and lane of the open flow as it lies on screen, checked against the canvas
/// pane: returns those that stick out.
async fn elements_outside_pane(c: &Client) -> Result<Vec<String>> {
    let v = js(
        c,
        r#"
const t = window.__triloop;
const p = document.querySelector('[data-testid=canvas]').getBoundingClientRect();
const ids = [...t.nodes().map((n) => n.id), ...t.lanes().map((l) => l.id)];
return ids.filter((id) => {
  const r = t.clientRect(id);
  return !r || r.left < p.left - 0.5 || r.top < p.top - 0.5 || r.left + r.width > p.right + 0.5 || r.top + r.height > p.bottom + 0.5;
});
"#,
    )
    .await?;
    Ok(serde_json::from_value(v)?)
}

/// Runs a toolbar command: its button in the toolbar, else its entry in the More menu.
async fn toolbar_command(c: &Client, id: &str) -> Result<()> {
    let direct = js(
        c,
        &format!(
            "return !!document.querySelector('[data-testid=canvas-toolbar] [data-testid={id}]');"
        ),
    )
    .await?;
    if direct != Value::Bool(true) {
        click(c, "[data-testid=toolbar-more]").await?;
    }
    click(c, &format!("[data-testid={id}]")).await
}

/// Waits until the canvas has painted a frame after `before` frames.
async fn wait_frame(c: &Client, before: u64) -> Result<()> {
    wait_js(
        c,
        &format!("return window.__triloop.framesDrawn() > {before};"),
        "a new frame",
    )
    .await?;
    Ok(())
}

async fn frames(c: &Client) -> Result<u64> {
    Ok(js(c, "return window.__triloop.framesDrawn();")
        .await?
        .as_u64()
        .unwrap_or(0))
}

/// Checks in the window that the window fits a `w`x`h` screen, every pane fits the window,
/// the canvas fills exactly the visible pane and every toolbar command is reachable (in the
/// toolbar, or in its More menu); returns the layout measured.
async fn check_panes(c: &Client, size: &str, w: u32, h: u32) -> Result<Value> {
    // The window fits the screen, and every pane fits the window.
    let layout = js(c, LAYOUT_JS).await?;
    let win = &layout["window"];
    assert!(
        r(win, "width") <= w as f64 && r(win, "height") <= h as f64,
        "{size}: the window {win} is larger than the screen"
    );
    for pane in ["topbar", "sidebar", "palette", "toolbar", "pane", "canvas"] {
        assert_inside_window(&layout, pane, size);
    }
    assert!(
        layout["toolbarOverflow"].as_f64() == Some(0.0),
        "{size}: the toolbar's content is wider than the toolbar: {layout}"
    );
    // The canvas fills exactly the visible pane: beside the palette, under the toolbar,
    // to the window's right and bottom edges.
    for side in ["left", "top", "right", "bottom"] {
        assert!(
            (r(&layout["canvas"], side) - r(&layout["pane"], side)).abs() <= 0.5,
            "{size}: the canvas {} is not the pane {}",
            layout["canvas"],
            layout["pane"]
        );
    }
    assert!(
        (r(&layout["pane"], "left") - r(&layout["palette"], "right")).abs() <= 1.0,
        "{size}: {layout}"
    );
    assert!(
        (r(&layout["pane"], "top") - r(&layout["toolbar"], "bottom")).abs() <= 1.0,
        "{size}: {layout}"
    );
    assert!(
        (r(&layout["pane"], "right") - r(win, "width")).abs() <= 0.5,
        "{size}: {layout}"
    );
    assert!(
        (r(&layout["pane"], "bottom") - r(win, "height")).abs() <= 0.5,
        "{size}: {layout}"
    );
    // Every toolbar command is reachable: in the toolbar, or in its More menu, and inside the window.
    for id in TOOLBAR_COMMANDS {
        let there = js(
            c,
            &format!(
                "const e = document.querySelector('[data-testid=canvas-toolbar] [data-testid={id}]'); if (!e) return null; const r = e.getBoundingClientRect(); return r.right <= window.innerWidth + 0.5 && r.bottom <= window.innerHeight && r.width > 0;"
            ),
        )
        .await?;
        if there == Value::Bool(true) {
            continue;
        }
        assert!(
            there.is_null(),
            "{size}: {id} is in the toolbar but cut off"
        );
        click(c, "[data-testid=toolbar-more]").await?;
        let in_menu = js(
            c,
            &format!(
                "const e = document.querySelector('[data-testid=toolbar-menu] [data-testid={id}]'); if (!e) return false; const r = e.getBoundingClientRect(); return r.left >= 0 && r.right <= window.innerWidth + 0.5 && r.bottom <= window.innerHeight + 0.5 && r.width > 0;"
            ),
        )
        .await?;
        assert_eq!(
            in_menu,
            Value::Bool(true),
            "{size}: {id} is neither in the toolbar nor in its menu"
        );
        // Closes the menu again (a second click on More).
        click(c, "[data-testid=toolbar-more]").await?;
    }

    Ok(layout)
}

#[tokio::test]
async fn every_pane_fits_and_flows_open_framed_on_laptop_and_desktop_screens() -> Result<()> {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/bpmn/miwg-reference/C.1.0.bpmn")
        .canonicalize()?;
    let expected = formats::bpmn::flowdoc::to_flow(&formats::bpmn::import(&std::fs::read(&file)?)?);
    for (w, h) in [(1024, 600), (1100, 700), (1920, 1080), (3840, 2160)] {
        let size = format!("{w}x{h}");
        let screen = e2e::Screen::start(w, h)?;
        let data = tempfile::tempdir()?;
        let out = tempfile::tempdir()?;
        let driver = Driver::start(&[
            ("DISPLAY", screen.display()),
            ("TRILOOP_TEST_HOOKS", "1"),
            ("TRILOOP_TEST_OPEN_FILE", file.to_str().unwrap()),
            ("TRILOOP_TEST_SAVE_DIR", out.path().to_str().unwrap()),
        ])?;
        eprintln!("{size}: launching on {}", screen.display());
        let c = driver.launch(data.path()).await?;
        wait_canvas(&c).await?;
        wait_frame(&c, 0).await?;
        eprintln!("{size}: the canvas is painted");
        if w >= 1920 {
            // On a large screen the person gives the window the whole screen.
            let id = window_id(&screen).await?;
            screen.xdotool(&["windowmove", &id, "0", "0"])?;
            screen.xdotool(&["windowsize", &id, &w.to_string(), &h.to_string()])?;
            wait_js(
                &c,
                &format!("return window.innerWidth === {w} && window.innerHeight === {h};"),
                "the window as large as the screen",
            )
            .await?;
            let before = frames(&c).await?;
            wait_frame(&c, before).await.ok();
        }

        let layout = check_panes(&c, &size, w, h).await?;
        let win = &layout["window"];
        // Side panes fold to icons where room is short (the window is the screen less room
        // for a window manager's frame).
        let folded = |k: &str| layout[k].as_str() == Some("true");
        let inner = r(win, "width");
        assert_eq!(
            folded("sidebarFolded"),
            inner < 1100.0,
            "{size}: sidebar folded in {inner}"
        );
        assert_eq!(
            folded("paletteFolded"),
            inner < 1200.0,
            "{size}: palette folded in {inner}"
        );

        if w < 1100 {
            // Unfolded by hand on the small window: the toolbar folds into its menu instead.
            click(&c, "[data-testid=sidebar-toggle]").await?;
            click(&c, "[data-testid=palette-toggle]").await?;
            let unfolded = check_panes(&c, &size, w, h).await?;
            assert_eq!(unfolded["sidebarFolded"], "false", "{size}: {unfolded}");
            assert_eq!(unfolded["paletteFolded"], "false", "{size}: {unfolded}");
            wait_css(&c, "[data-testid=toolbar-more]").await?;
            screen.screenshot(&format!("laptop-unfolded-{size}"))?;
            click(&c, "[data-testid=sidebar-toggle]").await?;
            click(&c, "[data-testid=palette-toggle]").await?;
        }
        eprintln!("{size}: every toolbar command is reachable");
        // The demo flow opened framed; after "Fit" too every element lies inside the pane.
        let outside = elements_outside_pane(&c).await?;
        assert!(
            outside.is_empty(),
            "{size}: the demo flow opened with {outside:?} off-screen"
        );
        let before = frames(&c).await?;
        toolbar_command(&c, "fit-view").await?;
        wait_frame(&c, before).await.ok();
        let outside = elements_outside_pane(&c).await?;
        assert!(
            outside.is_empty(),
            "{size}: after Fit {outside:?} are off-screen"
        );
        screen.screenshot(&format!("laptop-demo-{size}"))?;

        // The person pans; that view is kept for the demo flow while another document is open.
        let demo = js(&c, "return document.querySelector('[data-testid=document-item][aria-current=page]').dataset.documentId;").await?;
        let demo = demo.as_str().unwrap_or_default().to_string();
        let p = &layout["pane"];
        let empty = js(
            &c,
            &format!(
                "for (let y = {top} + 8; y < {bottom} - 40; y += 12) for (let x = {left} + 8; x < {right} - 40; x += 12) if (window.__triloop.elementAt(x, y) === null) return [x, y]; return null;",
                top = r(p, "top"), bottom = r(p, "bottom"), left = r(p, "left"), right = r(p, "right")
            ),
        )
        .await?;
        let (ex, ey) = (
            empty[0].as_f64().unwrap_or(0.0).round(),
            empty[1].as_f64().unwrap_or(0.0).round(),
        );
        drag(&c, (ex, ey), (ex + 30.0, ey + 20.0)).await?;
        let panned = js(&c, "return window.__triloop.viewport();").await?;

        // An imported MIWG model opens framed at first sight.
        click(&c, "[data-testid=import-bpmn]").await?;
        wait_js(
            &c,
            &format!(
                "return window.__triloop.nodeCount() === {};",
                expected.nodes.len()
            ),
            "the imported flow on the canvas",
        )
        .await?;
        let before = frames(&c).await?;
        wait_frame(&c, before).await.ok();
        let outside = elements_outside_pane(&c).await?;
        assert!(
            outside.is_empty(),
            "{size}: the imported model opened with {outside:?} off-screen"
        );
        screen.screenshot(&format!("laptop-miwg-{size}"))?;
        toolbar_command(&c, "fit-view").await?;
        let outside = elements_outside_pane(&c).await?;
        assert!(
            outside.is_empty(),
            "{size}: after Fit {outside:?} of the imported model are off-screen"
        );

        // Back on the demo flow: the view the person left.
        click(
            &c,
            &format!("[data-testid=document-item][data-document-id='{demo}']"),
        )
        .await?;
        wait_js(
            &c,
            &format!("const v = window.__triloop.viewport(); return v && v.x === {} && v.y === {} && v.zoom === {};", panned["x"], panned["y"], panned["zoom"]),
            "the demo flow's kept viewport",
        )
        .await?;
        c.close().await?;
        drop(driver);
    }
    Ok(())
}

/// The app's window as X sees it on `screen`: its id, and its size from the page.
async fn window_id(screen: &e2e::Screen) -> Result<String> {
    let ids = screen.xdotool(&["search", "--onlyvisible", "--name", "^Triloop$"])?;
    ids.lines()
        .last()
        .map(|s| s.trim().to_string())
        .ok_or_else(|| anyhow::anyhow!("no Triloop window on {}", screen.display()))
}

/// Launches the app on `data` on a `w`x`h` screen and returns its window's inner size.
async fn inner_size_on(data: &Path, w: u32, h: u32) -> Result<Value> {
    let screen = e2e::Screen::start(w, h)?;
    let driver = Driver::start(&[("DISPLAY", screen.display())])?;
    let c = driver.launch(data).await?;
    wait_canvas(&c).await?;
    let size = js(&c, "return [window.innerWidth, window.innerHeight];").await?;
    c.close().await?;
    Ok(size)
}

#[tokio::test]
async fn the_window_fits_the_screen_and_reopens_at_the_size_it_was_left() -> Result<()> {
    let data = tempfile::tempdir()?;
    let inner = "return [window.innerWidth, window.innerHeight];";
    {
        // A 1366x768 laptop screen: the 1280x800 default does not fit; the window does.
        let screen = e2e::Screen::start(1366, 768)?;
        let driver = Driver::start(&[("DISPLAY", screen.display())])?;
        let c = driver.launch(data.path()).await?;
        wait_canvas(&c).await?;
        let size = js(&c, inner).await?;
        let (w, h) = (
            size[0].as_f64().unwrap_or(0.0),
            size[1].as_f64().unwrap_or(0.0),
        );
        assert!(
            w <= 1366.0 && h <= 768.0 && h >= 540.0,
            "first window {w}x{h} on 1366x768"
        );
        // The person makes it 1100x650.
        let id = window_id(&screen).await?;
        screen.xdotool(&["windowsize", &id, "1100", "650"])?;
        wait_js(
            &c,
            "return window.innerWidth === 1100 && window.innerHeight === 650;",
            "the resized window",
        )
        .await?;
        // Written once the size settles (the app is then killed: no orderly exit needed).
        std::thread::sleep(std::time::Duration::from_millis(1500));
        screen.screenshot("laptop-window-1100x650")?;
        let _ = kill_app(data.path());
        let _ = c.close().await;
    }
    // Restarted on the same screen: the size it was left at.
    let size = inner_size_on(data.path(), 1366, 768).await?;
    assert_eq!(
        size,
        serde_json::json!([1100, 650]),
        "the window after a restart"
    );
    // On another screen (a large monitor) it has a size of its own: the default.
    let size = inner_size_on(data.path(), 1920, 1080).await?;
    assert_eq!(
        size,
        serde_json::json!([1280, 800]),
        "the window on a 1920x1080 screen"
    );
    Ok(())
}

/// Whether the window manager has `id` maximised (both ways), from its `_NET_WM_STATE`.
fn maximised(screen: &e2e::Screen, id: &str) -> Result<bool> {
    let out = std::process::Command::new("xprop")
        .args(["-id", id, "_NET_WM_STATE"])
        .env("DISPLAY", screen.display())
        .output()
        .context("running xprop (apt-get install x11-utils)")?;
    let state = String::from_utf8_lossy(&out.stdout);
    Ok(state.contains("_NET_WM_STATE_MAXIMIZED_VERT")
        && state.contains("_NET_WM_STATE_MAXIMIZED_HORZ"))
}

/// Waits until the window manager says `id` is (or is not) maximised.
async fn wait_maximised(screen: &e2e::Screen, id: &str, want: bool) -> Result<()> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while maximised(screen, id)? != want {
        if std::time::Instant::now() > deadline {
            anyhow::bail!(
                "the window did not become {}maximised",
                if want { "" } else { "un" }
            );
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Ok(())
}

#[tokio::test]
async fn a_maximised_window_reopens_maximised_and_a_restored_one_at_its_size() -> Result<()> {
    let data = tempfile::tempdir()?;
    let inner = "return [window.innerWidth, window.innerHeight];";
    let max = ["-b", "add,maximized_vert,maximized_horz"];
    let unmax = ["-b", "remove,maximized_vert,maximized_horz"];
    {
        // A 1366x768 laptop screen with a window manager: the 1280x800 default does not fit,
        // so the first window opens maximised, as a person on a small screen would want.
        let screen = e2e::Screen::start(1366, 768)?.with_window_manager()?;
        let driver = Driver::start(&[("DISPLAY", screen.display())])?;
        let c = driver.launch(data.path()).await?;
        wait_canvas(&c).await?;
        let id = window_id(&screen).await?;
        wait_maximised(&screen, &id, true).await?;
        let size = js(&c, inner).await?;
        assert!(
            size[0].as_f64().unwrap_or(0.0) >= 1300.0,
            "a maximised window fills the screen's width: {size}"
        );
        screen.screenshot("laptop-window-maximised-first-start")?;
        // The person restores it and gives it a size of their own.
        screen.wmctrl(&[&["-i", "-r", &id][..], &unmax[..]].concat())?;
        wait_maximised(&screen, &id, false).await?;
        screen.xdotool(&["windowsize", &id, "1100", "650"])?;
        wait_js(
            &c,
            "return window.innerWidth === 1100 && window.innerHeight === 650;",
            "the restored window at the person's size",
        )
        .await?;
        std::thread::sleep(std::time::Duration::from_millis(1500));
        let _ = kill_app(data.path());
        let _ = c.close().await;
    }
    {
        // Killed and restarted: the size it was left at, not maximised. Then maximised.
        let screen = e2e::Screen::start(1366, 768)?.with_window_manager()?;
        let driver = Driver::start(&[("DISPLAY", screen.display())])?;
        let c = driver.launch(data.path()).await?;
        wait_canvas(&c).await?;
        let id = window_id(&screen).await?;
        assert_eq!(js(&c, inner).await?, serde_json::json!([1100, 650]));
        assert!(!maximised(&screen, &id)?, "restored, not maximised");
        screen.wmctrl(&[&["-i", "-r", &id][..], &max[..]].concat())?;
        wait_maximised(&screen, &id, true).await?;
        wait_js(
            &c,
            "return window.innerWidth >= 1300;",
            "the maximised window",
        )
        .await?;
        std::thread::sleep(std::time::Duration::from_millis(1500));
        let _ = kill_app(data.path());
        let _ = c.close().await;
    }
    // Restarted again: maximised, as it was left; restoring it gives back 1100x650.
    let screen = e2e::Screen::start(1366, 768)?.with_window_manager()?;
    let driver = Driver::start(&[("DISPLAY", screen.display())])?;
    let c = driver.launch(data.path()).await?;
    wait_canvas(&c).await?;
    let id = window_id(&screen).await?;
    wait_maximised(&screen, &id, true).await?;
    wait_js(
        &c,
        "return window.innerWidth >= 1300;",
        "the window reopened maximised",
    )
    .await?;
    screen.screenshot("laptop-window-reopened-maximised")?;
    screen.wmctrl(&[&["-i", "-r", &id][..], &unmax[..]].concat())?;
    wait_js(
        &c,
        "return window.innerWidth === 1100 && window.innerHeight === 650;",
        "the size under the maximised window",
    )
    .await?;
    c.close().await?;
    Ok(())
}

/// The open domain model, as the window holds it (records grouped by type).
async fn domain_model(c: &Client) -> Result<Value> {
    js(c, "return window.__triloop.domain.model();").await
}

/// The id of the one element of `kind` whose name is `name` in the open domain model.
async fn domain_element(c: &Client, kind: &str, name: &str) -> Result<String> {
    let v = wait_js(
        c,
        &format!(
            "const e = window.__triloop.domain.model().elements.find(e => e.kind === '{kind}' && e.name === {}); return e ? e.id : null;",
            Value::String(name.into())
        ),
        &format!("{kind} {name}"),
    )
    .await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

/// Adds an element from the palette and names it in the inline field that opens over it.
async fn add_from_palette(c: &Client, kind: &str, name: &str) -> Result<()> {
    click(c, &format!("[data-testid=palette-{kind}]")).await?;
    type_into(c, "node-rename-input", name).await
}

/// Replaces the text of the first field matching `css` and commits it (Enter).
async fn retype(c: &Client, css: &str, text: &str) -> Result<()> {
    wait_css(c, css).await?;
    js(
        c,
        &format!(
            "const e = document.querySelector({}); e.focus(); e.select(); return true;",
            Value::String(css.into())
        ),
    )
    .await?;
    c.active_element()
        .await?
        .send_keys(&format!("{text}\u{E007}"))
        .await?;
    Ok(())
}

#[tokio::test]
async fn a_domain_model_is_drawn_in_the_window_exported_and_found_after_relaunch() -> Result<()> {
    let data = tempfile::tempdir()?;
    let out = tempfile::tempdir()?;
    let cml = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/cml/insurance-example__Insurance-Example-Stage-1.cml")
        .canonicalize()?;
    let expected = formats::cml::import(&std::fs::read(&cml)?)?;
    let expected_counts = formats::cml::counts(&expected.model);
    let driver = Driver::start(&[
        ("TRILOOP_TEST_HOOKS", "1"),
        ("TRILOOP_TEST_OPEN_FILE", cml.to_str().unwrap()),
        ("TRILOOP_TEST_SAVE_DIR", out.path().to_str().unwrap()),
    ])?;
    let c = driver.launch(data.path()).await?;
    wait_canvas(&c).await?;

    eprintln!("domain e2e: A new domain model opens on its (empty) context map.");
    // The demo's SCRM domain model: its context map, and one context's canvas.
    click(&c, "[data-testid=document-item][data-kind=domainModel]").await?;
    wait_css(&c, "[data-testid=domain-editor][data-level=map]").await?;
    let first = wait_js(
        &c,
        "const m = window.__triloop.domain.model(); const n = new Map(); for (const e of m.elements) n.set(e.context, (n.get(e.context) || 0) + 1); const best = [...n].sort((a, b) => b[1] - a[1])[0]; return best ? best[0] : null;",
        "the demo's largest context",
    )
    .await?;
    let first = first.as_str().unwrap_or_default().to_string();
    e2e::save_display_screenshot("domain-demo-map")?;
    let (x, y) = node_point(&c, &first).await?;
    double_click_at(&c, x, y).await?;
    wait_css(&c, "[data-testid=domain-editor][data-level=context]").await?;
    e2e::save_display_screenshot("domain-demo-context")?;

    // A new domain model opens on its (empty) context map.
    click(&c, "[data-testid=new-domain]").await?;
    wait_css(&c, "[data-testid=domain-editor][data-level=map]").await?;
    let doc = js(
        &c,
        "return document.querySelector('[data-testid=domain-editor]').dataset.documentId;",
    )
    .await?
    .as_str()
    .unwrap_or_default()
    .to_string();
    add_from_palette(&c, "context", "Customer").await?;
    let context = domain_element_context(&c, "Customer").await?;

    eprintln!("domain e2e: Drill down: a double click on the context opens its canvas.");
    // Drill down: a double click on the context opens its canvas.
    let (x, y) = node_point(&c, &context).await?;
    double_click_at(&c, x, y).await?;
    wait_css(&c, "[data-testid=domain-editor][data-level=context]").await?;

    eprintln!("domain e2e: An aggregate comes with its root entity (and the root with a");
    // An aggregate comes with its root entity (and the root with an identifier).
    add_from_palette(&c, "aggregate", "CustomerProfile").await?;
    let aggregate = domain_element(&c, "aggregate", "CustomerProfile").await?;
    let root = wait_js(
        &c,
        &format!("const a = window.__triloop.domain.model().elements.find(e => e.id === '{aggregate}'); return a && a.root;"),
        "the aggregate's root",
    )
    .await?
    .as_str()
    .unwrap_or_default()
    .to_string();
    add_from_palette(&c, "valueObject", "Address").await?;
    add_from_palette(&c, "command", "RegisterCustomer").await?;
    add_from_palette(&c, "domainEvent", "CustomerRegistered").await?;
    let command = domain_element(&c, "command", "RegisterCustomer").await?;
    let event = domain_element(&c, "domainEvent", "CustomerRegistered").await?;

    eprintln!("domain e2e: The root entity's second attribute, named and typed in the p");
    // The root entity's second attribute, named and typed in the panel.
    js(
        &c,
        &format!("window.__triloop.domain.select(['{root}']); return true;"),
    )
    .await?;
    wait_css(
        &c,
        &format!("[data-testid=element-panel][data-element-id='{root}']"),
    )
    .await?;
    click(&c, "[data-testid=attribute-add]").await?;
    wait_js(
        &c,
        &format!("return window.__triloop.domain.model().attributes.filter(a => a.owner === '{root}').length === 2;"),
        "a second attribute",
    )
    .await?;
    retype(
        &c,
        "[data-testid=domain-attribute]:nth-child(2) [data-testid=attribute-name]",
        "fullName",
    )
    .await?;
    c.find(Locator::Css(
        "[data-testid=domain-attribute]:nth-child(2) [data-testid=attribute-required]",
    ))
    .await?
    .click()
    .await?;
    wait_js(
        &c,
        &format!("return window.__triloop.domain.model().attributes.some(a => a.owner === '{root}' && a.name === 'fullName' && a.required);"),
        "the attribute named and required",
    )
    .await?;

    eprintln!("domain e2e: The command handled by the aggregate and emitting the event:");
    // The command handled by the aggregate and emitting the event: connected in pick order.
    js(
        &c,
        &format!("window.__triloop.domain.select(['{command}', '{aggregate}']); return true;"),
    )
    .await?;
    toolbar_command(&c, "connect-selected").await?;
    js(
        &c,
        &format!("window.__triloop.domain.select(['{command}', '{event}']); return true;"),
    )
    .await?;
    toolbar_command(&c, "connect-selected").await?;
    wait_js(
        &c,
        &format!("const e = window.__triloop.domain.model().elements.find(e => e.id === '{command}'); return e.handledBy === '{aggregate}' && e.emits.includes('{event}');"),
        "the command handled and emitting",
    )
    .await?;
    wait_js(
        &c,
        "return window.__triloop.domain.saveState() === 'saved';",
        "saved",
    )
    .await?;
    eprintln!("domain e2e: Neither 'no aggregate handles it' nor 'nothing emits it' is ");
    // Neither "no aggregate handles it" nor "nothing emits it" is left for them.
    wait_js(
        &c,
        &format!("const p = window.__triloop.domain.problems(); return !p.some(x => x.element === '{command}' || x.element === '{event}');"),
        "the command's and event's problems gone",
    )
    .await?;
    e2e::save_display_screenshot("domain-context")?;

    eprintln!("domain e2e: Back on the map, the DDL of the derived data model (SQLite),");
    // Back on the map, the DDL of the derived data model (SQLite), saved through the dialog.
    click(&c, "[data-testid=domain-back]").await?;
    wait_css(&c, "[data-testid=domain-editor][data-level=map]").await?;
    e2e::save_display_screenshot("domain-map")?;
    let dialect = js(&c, "return !!document.querySelector('[data-testid=canvas-toolbar] [data-testid=ddl-dialect]');").await?;
    if dialect != Value::Bool(true) {
        click(&c, "[data-testid=toolbar-more]").await?;
    }
    c.find(Locator::Css("[data-testid=ddl-dialect]"))
        .await?
        .select_by_value("sqlite")
        .await?;
    toolbar_command(&c, "export-ddl").await?;
    let ddl = String::from_utf8(wait_file(out.path(), "sql").await?)?;
    assert!(
        ddl.contains("CREATE TABLE") && ddl.contains("full_name"),
        "the DDL holds the root entity's table with its column:\n{ddl}"
    );
    toolbar_command(&c, "export-svg").await?;
    let svg = String::from_utf8(wait_file(out.path(), "svg").await?)?;
    assert!(
        svg.contains("Customer"),
        "the context map's picture names the context"
    );

    eprintln!("domain e2e: the data model view, a column renamed there, the DDL follows");
    // The data model's tables: the root entity's column renamed by an override, which the
    // next DDL export carries.
    toolbar_command(&c, "domain-data-model").await?;
    wait_css(&c, "[data-testid=data-model] [data-testid=data-table]").await?;
    let key = wait_js(
        &c,
        "const i = Array.from(document.querySelectorAll('[data-testid=column-name]')).find(i => i.value === 'full_name'); return i ? i.closest('[data-testid=data-column]').dataset.columnKey : null;",
        "the full_name column",
    )
    .await?;
    let key = key.as_str().unwrap_or_default().to_string();
    retype(
        &c,
        &format!("[data-testid=data-column][data-column-key='{key}'] [data-testid=column-name]"),
        "customer_full_name",
    )
    .await?;
    wait_js(
        &c,
        "return window.__triloop.domain.model().overrides.some(o => o.name === 'customer_full_name');",
        "the override record",
    )
    .await?;
    e2e::save_display_screenshot("domain-data-model")?;
    toolbar_command(&c, "domain-data-model").await?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    toolbar_command(&c, "export-ddl").await?;
    loop {
        let ddl = String::from_utf8(wait_file(out.path(), "sql").await?)?;
        if ddl.contains("customer_full_name") {
            break;
        }
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "the override is not in the DDL:\n{ddl}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }

    eprintln!("domain e2e: A Context Mapper file imported through the dialog opens as a");
    // A Context Mapper file imported through the dialog opens as a new domain model.
    click(&c, "[data-testid=import-cml]").await?;
    wait_js(
        &c,
        &format!("const e = document.querySelector('[data-testid=domain-editor]'); return !!e && e.dataset.documentId !== '{doc}' && window.__triloop.domain.model().contexts.length === {};", expected.model.contexts.len()),
        "the imported model on its context map",
    )
    .await?;
    let model = domain_model(&c).await?;
    assert_eq!(
        model["elements"].as_array().map(|a| a.len()).unwrap_or(0),
        expected.model.elements.len(),
        "every element of the file ({expected_counts:?})"
    );
    // It opens framed: every bounded context lies inside the visible canvas.
    let outside = wait_js(
        &c,
        r#"
const t = window.__triloop;
const p = document.querySelector('[data-testid=canvas]').getBoundingClientRect();
const out = t.domain.model().contexts.map((x) => x.id).filter((id) => {
  const r = t.clientRect(id);
  return !r || r.left < p.left - 0.5 || r.top < p.top - 0.5 || r.left + r.width > p.right + 0.5 || r.top + r.height > p.bottom + 0.5;
});
return out.length === 0 ? [] : null;
"#,
        "every context of the imported map inside the pane",
    )
    .await;
    e2e::save_display_screenshot("domain-imported-map")?;
    outside?;
    c.close().await?;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;

    eprintln!("domain e2e: Relaunched: the model drawn above is all there.");
    // Relaunched: the model drawn above is all there.
    let c = driver.launch(data.path()).await?;
    wait_canvas(&c).await?;
    click(
        &c,
        &format!("[data-testid=document-item][data-document-id='{doc}']"),
    )
    .await?;
    wait_css(&c, "[data-testid=domain-editor][data-level=map]").await?;
    let back = wait_js(
        &c,
        "const m = window.__triloop.domain.model(); return m.contexts.length === 1 ? m : null;",
        "the model after relaunch",
    )
    .await?;
    let names: Vec<&str> = back["elements"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["name"].as_str())
        .collect();
    for n in [
        "CustomerProfile",
        "Address",
        "RegisterCustomer",
        "CustomerRegistered",
    ] {
        assert!(names.contains(&n), "{n} in {names:?}");
    }
    assert!(
        back["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["name"] == "fullName" && a["required"] == true),
        "the attribute after relaunch"
    );
    c.close().await?;
    Ok(())
}

/// The id of the bounded context named `name` in the open domain model.
async fn domain_element_context(c: &Client, name: &str) -> Result<String> {
    let v = wait_js(
        c,
        &format!(
            "const e = window.__triloop.domain.model().contexts.find(e => e.name === {}); return e ? e.id : null;",
            Value::String(name.into())
        ),
        &format!("context {name}"),
    )
    .await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

#[tokio::test]
async fn a_second_app_on_the_same_data_folder_says_so_and_touches_nothing() -> Result<()> {
    let data = tempfile::tempdir()?;
    // The first Triloop on this folder: a core holding it (as a running app does).
    let first = api::Core::open(api::Config {
        data_dir: data.path().to_path_buf(),
        seed_demo: false,
    })
    .await
    .unwrap();
    first.create_workspace("一号").await.unwrap();
    let files = |dir: &Path| -> Result<Vec<(String, Vec<u8>)>> {
        let mut v = Vec::new();
        for e in std::fs::read_dir(dir)? {
            let p = e?.path();
            // The log folder is the second app's own diagnostics. SQLite's `-shm` file is the
            // WAL's index in shared memory, which the first core's own reads update; it holds
            // no data.
            if p.is_file() && !p.to_string_lossy().ends_with("-shm") {
                v.push((p.display().to_string(), std::fs::read(&p)?));
            }
        }
        v.sort();
        Ok(v)
    };
    // The first core may still be writing what creating the workspace started (samod persists
    // in the background): wait until its files stay the same for two seconds, so that a change
    // seen afterwards can only be the second app's.
    let mut before = files(data.path())?;
    let mut stable = 0;
    for _ in 0..30 {
        tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
        let now = files(data.path())?;
        stable = if now == before { stable + 1 } else { 0 };
        before = now;
        if stable == 2 {
            break;
        }
    }

    let driver = Driver::start(&[])?;
    let c = driver.launch(data.path()).await?;
    let banner = wait_css(&c, "[data-testid=error-banner][data-code=dataFolderInUse]").await?;
    let text = banner.text().await?;
    assert!(
        text.contains("Another Triloop window already has this data folder open")
            || text.contains("另一个 Triloop 窗口已打开此数据文件夹"),
        "{text}"
    );
    // From X: WebDriver's own screenshot has hung this session on a loaded machine.
    e2e::save_display_screenshot("second-app-on-one-data-folder")?;
    c.close().await?;
    drop(driver);
    assert_eq!(
        files(data.path())?,
        before,
        "the second app wrote into the data folder"
    );
    // The first one is unharmed.
    assert_eq!(first.list_workspaces().await.unwrap().len(), 1);
    first.close().await;
    Ok(())
}

// --- sandbox prototypes ---

async fn prototype_model(c: &Client) -> Result<Value> {
    js(c, "return window.__triloop.prototype.model();").await
}

/// Picks `value` in the <select> matching `css` as a person would (React sees the change).
async fn choose(c: &Client, css: &str, value: &str) -> Result<()> {
    wait_css(c, css).await?;
    js(
        c,
        &format!(
            "const s = document.querySelector({}); const set = Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value').set; set.call(s, {}); s.dispatchEvent(new Event('change', {{ bubbles: true }})); return s.value;",
            Value::String(css.into()),
            Value::String(value.into())
        ),
    )
    .await?;
    Ok(())
}

/// Selects one record of the open prototype and waits for its element panel.
async fn proto_select(c: &Client, id: &str) -> Result<()> {
    js(
        c,
        &format!("window.__triloop.prototype.select(['{id}']); return true;"),
    )
    .await?;
    wait_css(
        c,
        &format!("[data-testid=element-panel][data-element='{id}']"),
    )
    .await?;
    Ok(())
}

/// The id of the one component of `kind` on `screen` (optionally inside `parent`).
async fn proto_component(c: &Client, screen: &str, kind: &str) -> Result<String> {
    let v = wait_js(
        c,
        &format!("const x = window.__triloop.prototype.model().components.filter(c => c.screen === '{screen}' && c.kind === '{kind}'); return x.length === 1 ? x[0].id : null;"),
        &format!("one {kind} on the screen"),
    )
    .await;
    if v.is_err() {
        e2e::save_display_screenshot("prototype-failed")?;
    }
    let v = v?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

#[tokio::test]
async fn a_prototype_is_built_from_the_shelf_bound_played_and_found_after_relaunch() -> Result<()> {
    let data = tempfile::tempdir()?;
    let out = tempfile::tempdir()?;
    let driver = Driver::start(&[
        ("TRILOOP_TEST_HOOKS", "1"),
        ("TRILOOP_TEST_SAVE_DIR", out.path().to_str().unwrap()),
    ])?;
    let c = driver.launch(data.path()).await?;
    wait_canvas(&c).await?;

    eprintln!("prototype e2e: the demo's SCRM prototype opens on its storyboard");
    click(
        &c,
        "[data-testid=document-item][data-kind=sandboxPrototype]",
    )
    .await?;
    wait_css(&c, "[data-testid=prototype-editor]").await?;
    wait_js(
        &c,
        "return window.__triloop.prototype.model().screens.length >= 4;",
        "the demo prototype's screens",
    )
    .await?;
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    e2e::save_display_screenshot("prototype-demo-board")?;
    // The demo's domain model: the customer entity and the register command, by name.
    let domain_doc = js(
        &c,
        "return [...document.querySelectorAll('[data-testid=document-item][data-kind=domainModel]')].map(e => e.dataset.documentId)[0];",
    )
    .await?
    .as_str()
    .unwrap_or_default()
    .to_string();

    eprintln!("prototype e2e: a new prototype, two screens, parts placed from the shelf");
    click(&c, "[data-testid=new-prototype]").await?;
    wait_css(
        &c,
        "[data-testid=prototype-editor] [data-testid=proto-empty]",
    )
    .await?;
    let doc = js(
        &c,
        "return document.querySelector('[data-testid=prototype-editor]').dataset.documentId;",
    )
    .await?
    .as_str()
    .unwrap_or_default()
    .to_string();
    click(&c, "[data-testid=proto-add-screen]").await?;
    wait_js(
        &c,
        "return window.__triloop.prototype.model().screens.length === 1;",
        "one screen",
    )
    .await?;
    click(&c, "[data-testid=proto-add-screen]").await?;
    let screens = wait_js(
        &c,
        "const s = window.__triloop.prototype.model().screens; return s.length === 2 ? s.slice().sort((a, b) => a.x - b.x).map(x => x.id) : null;",
        "two screens",
    )
    .await?;
    let (form_screen, list_screen) = (
        screens[0].as_str().unwrap_or_default().to_string(),
        screens[1].as_str().unwrap_or_default().to_string(),
    );
    proto_select(&c, &form_screen).await?;
    retype(&c, "[data-testid=proto-name]", "New customer").await?;
    // The shelf is searched by name in either language.
    retype(&c, "[data-testid=shelf-search]", "form").await?;
    click(&c, "[data-testid=shelf-part][data-part='builtin:form']").await?;
    let form = proto_component(&c, &form_screen, "form").await?;
    proto_select(&c, &list_screen).await?;
    retype(&c, "[data-testid=proto-name]", "Customers").await?;
    retype(&c, "[data-testid=shelf-search]", "\u{E003}").await?;
    click(&c, "[data-testid=shelf-part][data-part='builtin:list']").await?;
    let list = proto_component(&c, &list_screen, "list").await?;
    let field = proto_component(&c, &form_screen, "input").await?;
    let submit = proto_component(&c, &form_screen, "button").await?;
    let row_text = proto_component(&c, &list_screen, "text").await?;

    eprintln!("prototype e2e: the form bound to the customer entity, its field to the name");
    proto_select(&c, &form).await?;
    choose(&c, "[data-testid=proto-bind-entity]", "ent_customer").await?;
    wait_js(&c, &format!("const f = window.__triloop.prototype.model().components.find(c => c.id === '{form}'); return !!(f.binding && f.binding.entity === 'ent_customer' && f.binding.document === '{domain_doc}');"), "the form's binding").await?;
    proto_select(&c, &field).await?;
    choose(&c, "[data-testid=proto-bind-attribute]", "a_cust_name").await?;
    proto_select(&c, &list).await?;
    choose(&c, "[data-testid=proto-bind-entity]", "ent_customer").await?;
    proto_select(&c, &row_text).await?;
    choose(&c, "[data-testid=proto-bind-attribute]", "a_cust_name").await?;
    wait_js(&c, &format!("const m = window.__triloop.prototype.model(); const g = id => m.components.find(c => c.id === id); return g('{list}').binding && g('{list}').binding.collection === true && g('{row_text}').binding && g('{row_text}').binding.attribute === 'a_cust_name' && g('{field}').binding && g('{field}').binding.attribute === 'a_cust_name';"), "the list and its row bound").await?;

    eprintln!("prototype e2e: the submit button calls the register command, then goes to the list");
    proto_select(&c, &submit).await?;
    choose(
        &c,
        "[data-testid=proto-add-step]",
        &format!("command\u{1f}{domain_doc}\u{1f}cmd_register"),
    )
    .await?;
    wait_css(&c, "[data-testid=proto-action] li[data-step=command]").await?;
    choose(&c, "[data-testid=proto-action-success]", &list_screen).await?;
    wait_js(&c, &format!("const a = window.__triloop.prototype.model().actions.find(a => a.component === '{submit}'); return !!a && a.success === '{list_screen}' && a.steps.length === 1 && a.steps[0].step === 'command';"), "the submit action").await?;
    wait_saved(&c).await.ok();
    // The navigation shows as an arrow between the two screens; the board is drawn.
    js(&c, "window.__triloop.prototype.select([]); return true;").await?;
    click(&c, "[data-testid=proto-fit]").await?;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    e2e::save_display_screenshot("prototype-built")?;

    eprintln!("prototype e2e: dragging the form: it snaps into line with the list, a guide shows");
    {
        use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
        let before = js(
            &c,
            &format!(
                "return window.__triloop.prototype.model().components.find(c => c.id === '{form}');"
            ),
        )
        .await?;
        // The form's empty lower part (its fields fill the top).
        let at = js(
            &c,
            &format!("return window.__triloop.clientRect('{form}');"),
        )
        .await?;
        let (x0, y0) = (
            (r(&at, "left") + r(&at, "width") / 2.0).round(),
            (r(&at, "top") + r(&at, "height") - 20.0).round(),
        );
        let mut press = MouseActions::new("mouse".to_string())
            .then(PointerAction::MoveTo {
                duration: None,
                x: x0,
                y: y0,
            })
            .then(PointerAction::Down {
                button: MOUSE_BUTTON_LEFT,
            });
        for i in 1..=10 {
            press = press.then(PointerAction::MoveTo {
                duration: Some(std::time::Duration::from_millis(16)),
                x: x0 + 4.0 * i as f64,
                y: y0 + if i > 5 { 2.0 } else { 0.0 },
            });
        }
        c.perform_actions(press).await?;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        e2e::save_display_screenshot("prototype-drag-guide")?;
        let release = MouseActions::new("mouse".to_string()).then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
        c.perform_actions(release).await?;
        c.release_actions().await?;
        let after = wait_js(
            &c,
            &format!("const f = window.__triloop.prototype.model().components.find(c => c.id === '{form}'); return f.x !== {} ? f : null;", before["x"]),
            "the form moved",
        )
        .await?;
        assert_eq!(
            after["y"], before["y"],
            "in line with the list's top, not 2 px off: {after}"
        );
        assert_eq!(after["screen"], before["screen"], "still on its screen");
    }

    eprintln!("prototype e2e: the bound form is added to the shelf and found by name");
    proto_select(&c, &form).await?;
    click(&c, "[data-testid=shelf-add]").await?;
    wait_css(&c, "[data-testid=shelf-name-zh]")
        .await?
        .send_keys("Customer form zh")
        .await?;
    retype(&c, "[data-testid=shelf-name-en]", "Customer form").await?;
    // Enter in a field submits the little form; the part shows once the shelf is read again.
    wait_js(
        &c,
        "return !document.querySelector('[data-testid=shelf-add-save]');",
        "the add-to-shelf form closed",
    )
    .await?;
    retype(&c, "[data-testid=shelf-search]", "customer form").await?;
    let own = wait_js(
        &c,
        "const p = [...document.querySelectorAll('[data-testid=shelf-part]')].find(b => b.textContent.includes('Customer form')); return p ? p.dataset.part : null;",
        "the new part on the shelf",
    )
    .await?;
    eprintln!("prototype e2e: new shelf part {own}");
    retype(&c, "[data-testid=shelf-search]", "\u{E003}").await?;

    eprintln!("prototype e2e: play: fill the form, submit, the new customer is in the list");
    click(&c, "[data-testid=proto-play]").await?;
    wait_css(&c, "[data-testid=player] .tp-screen").await?;
    let start_ms = wait_js(
        &c,
        "return window.__triloop.prototype.playStartMs();",
        "play mode started",
    )
    .await?;
    eprintln!("prototype e2e: play mode started in {start_ms} ms");
    let rows_before = wait_js(
        &c,
        "return window.__triloop.prototype.model() && document.querySelector('[data-testid=player] [data-screen]') ? 1 : null;",
        "the player's screen",
    )
    .await?;
    let _ = rows_before;
    let input = wait_css(
        &c,
        &format!("[data-testid=player] input[data-component='{field}']"),
    )
    .await?;
    input.send_keys("Alice Example").await?;
    e2e::save_display_screenshot("prototype-play-form")?;
    click(
        &c,
        &format!("[data-testid=player] button[data-component='{submit}']"),
    )
    .await?;
    wait_css(
        &c,
        &format!("[data-testid=player] [data-screen='{list_screen}']"),
    )
    .await?;
    let row = wait_js(
        &c,
        &format!("const rows = [...document.querySelectorAll(\"[data-testid=player] [data-component='{list}'] .tp-row\")]; return rows.length > 1 && rows[0].textContent.includes('Alice Example') ? rows.length : null;"),
        "the new customer first in the list",
    )
    .await?;
    eprintln!("prototype e2e: {row} rows in the list");
    e2e::save_display_screenshot("prototype-play-list")?;

    eprintln!("prototype e2e: the walk becomes Given/When/Then and is kept");
    click(&c, "[data-testid=play-save-walk]").await?;
    let gherkin = wait_css(&c, "[data-testid=walk-gherkin] pre")
        .await?
        .text()
        .await?;
    assert!(
        (gherkin.contains("Given") && gherkin.contains("When") && gherkin.contains("Then"))
            || (gherkin.contains("假如") || gherkin.contains("假定") || gherkin.contains("当")),
        "Given/When/Then lines:\n{gherkin}"
    );
    assert!(
        gherkin.contains("Alice Example"),
        "the typed value in the criteria:\n{gherkin}"
    );
    e2e::save_display_screenshot("prototype-walk-gherkin")?;
    // The sample data beside the player: the customers, the new one among them.
    click(&c, "[data-testid=play-sample-data]").await?;
    let customers = wait_js(
        &c,
        "const o = [...document.querySelectorAll('[data-testid=sample-table] option')].find((o) => o.textContent === '客户'); return o ? o.value : null;",
        "the customers' sample table",
    )
    .await?;
    choose(
        &c,
        "[data-testid=sample-table]",
        customers.as_str().unwrap_or_default(),
    )
    .await?;
    wait_js(
        &c,
        "const t = document.querySelector('[data-testid=sample-data]'); return t && [...t.querySelectorAll('input')].some((i) => i.value === 'Alice Example') ? 1 : null;",
        "the new customer among the sample rows",
    )
    .await?;
    e2e::save_display_screenshot("prototype-play-sample-data")?;
    click(&c, "[data-testid=play-close]").await?;

    eprintln!("prototype e2e: OpenAPI exported through the toolbar and validated");
    toolbar_command(&c, "proto-export-openapi").await?;
    let spec = wait_file(out.path(), "json").await?;
    let spec_v: Value = serde_json::from_slice(&spec)?;
    assert!(
        spec_v["openapi"]
            .as_str()
            .unwrap_or_default()
            .starts_with("3.1"),
        "OpenAPI 3.1: {spec_v}"
    );
    let validator =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv-tools/bin/openapi-spec-validator");
    anyhow::ensure!(
        validator.exists(),
        "{} is missing (scripts/setup installs it)",
        validator.display()
    );
    let spec_path = out.path().join("checked-openapi.json");
    std::fs::write(&spec_path, &spec)?;
    let checked = std::process::Command::new(&validator)
        .arg(&spec_path)
        .output()?;
    assert!(
        checked.status.success(),
        "openapi-spec-validator: {}{}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );
    c.close().await?;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;

    eprintln!("prototype e2e: relaunched: screens, bindings, action and walk are all there");
    let c = driver.launch(data.path()).await?;
    wait_canvas(&c).await?;
    click(
        &c,
        &format!("[data-testid=document-item][data-document-id='{doc}']"),
    )
    .await?;
    wait_css(&c, "[data-testid=prototype-editor]").await?;
    let m = wait_js(
        &c,
        "const m = window.__triloop.prototype.model(); return m.screens.length === 2 ? m : null;",
        "the prototype after relaunch",
    )
    .await?;
    let names: Vec<&str> = m["screens"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert!(
        names.contains(&"New customer") && names.contains(&"Customers"),
        "{names:?}"
    );
    assert_eq!(m["walks"].as_array().map(|w| w.len()), Some(1), "the walk");
    assert!(
        m["actions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["component"] == submit.as_str() && a["success"] == list_screen.as_str()),
        "the action"
    );
    assert!(
        m["components"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == form.as_str() && x["binding"]["entity"] == "ent_customer"),
        "the form's binding"
    );
    let _ = prototype_model(&c).await?;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    e2e::save_display_screenshot("prototype-after-relaunch")?;
    c.close().await?;
    Ok(())
}
