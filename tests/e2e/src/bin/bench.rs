//! Benchmarks in the real window (run under Xvfb; see scripts/bench):
//! cold start to the first painted canvas, opening 1,000- and 10,000-node flows, and the
//! app's memory with the demo open; a generated domain model of about 1,000 and 10,000
//! records opened, drilled into, panned and edited. Prints one line per figure; compare
//! within one run. `--only domain` runs the domain model part alone.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use e2e::{Driver, app_pid, cli_binary, js, wait_css, wait_js, wait_saved};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Proportional set size (kB) of the app and every process below it (the WebKit web and
/// network processes), so shared libraries are not counted twice.
fn memory_kb(pid: u32) -> Result<u64> {
    let mut total = 0;
    let mut stack = vec![pid];
    while let Some(p) = stack.pop() {
        let rollup = std::fs::read_to_string(format!("/proc/{p}/smaps_rollup")).unwrap_or_default();
        total += rollup
            .lines()
            .find(|l| l.starts_with("Pss:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0);
        let kids = Command::new("pgrep")
            .args(["-P", &p.to_string()])
            .output()?;
        stack.extend(
            String::from_utf8_lossy(&kids.stdout)
                .lines()
                .filter_map(|l| l.trim().parse::<u32>().ok()),
        );
    }
    Ok(total)
}

async fn time_to_canvas(driver: &Driver, data: &Path) -> Result<(f64, fantoccini::Client)> {
    let t0 = Instant::now();
    let c = driver.launch(data).await?;
    wait_js(
        &c,
        "return !!window.__triloop && window.__triloop.nodeCount() > 0 && window.__triloop.framesDrawn() > 0;",
        "a painted canvas",
    )
    .await?;
    // One more frame: the canvas is painted, not only in the DOM.
    js(&c, "return await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))));").await?;
    Ok((t0.elapsed().as_secs_f64() * 1000.0, c))
}

fn gen_domain(data: &Path, records: usize) -> Result<()> {
    let out = Command::new(cli_binary())
        .args([
            "--data-dir",
            &data.to_string_lossy(),
            "gen-domain",
            "--records",
            &records.to_string(),
        ])
        .output()
        .context("running triloop gen-domain (cargo build -p cli)")?;
    if !out.status.success() {
        bail!(
            "gen-domain failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

/// Waits for `frames` more painted frames of the open canvas.
async fn painted(c: &fantoccini::Client) -> Result<()> {
    js(c, "return await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))));").await?;
    Ok(())
}

/// The domain model part: open, drill down, pan, one attribute edit, at two sizes.
async fn bench_domain(driver: &Driver) -> Result<()> {
    for records in [1_000usize, 10_000] {
        let data = tempfile::tempdir()?;
        gen_domain(data.path(), records)?;
        let c = driver.launch(data.path()).await?;
        // The generated workspace is the most recent: it opens first, with no flow in it.
        let doc = wait_js(
            &c,
            "const d = document.querySelector('[data-testid=document-item][data-kind=domainModel]'); return d ? d.dataset.documentId : null;",
            "the generated domain model in the sidebar",
        )
        .await?;
        let doc = doc.as_str().unwrap_or_default().to_string();
        let t = Instant::now();
        wait_css(
            &c,
            &format!("[data-testid=document-item][data-document-id='{doc}']"),
        )
        .await?
        .click()
        .await?;
        wait_js(
            &c,
            "const e = document.querySelector('[data-testid=domain-editor]'); return !!e && window.__triloop.domain.model().contexts.length > 0 && window.__triloop.framesDrawn() > 0;",
            "the context map painted",
        )
        .await?;
        painted(&c).await?;
        let open_ms = t.elapsed().as_secs_f64() * 1000.0;
        let counts = js(&c, "const m = window.__triloop.domain.model(); return [m.contexts.length, m.elements.length, m.attributes.length];").await?;
        let (map_fps, _) = pan_fps(&c).await?;
        // Into the context with the most elements.
        let ctx = js(&c, "const m = window.__triloop.domain.model(); const n = new Map(); for (const e of m.elements) n.set(e.context, (n.get(e.context) || 0) + 1); return [...n].sort((a, b) => b[1] - a[1])[0][0];").await?;
        let ctx = ctx.as_str().unwrap_or_default().to_string();
        js(
            &c,
            &format!("window.__triloop.domain.select(['{ctx}']); return true;"),
        )
        .await?;
        let t = Instant::now();
        wait_css(&c, "[data-testid=domain-open-context]")
            .await?
            .click()
            .await?;
        wait_js(
            &c,
            "return !!document.querySelector('[data-testid=domain-editor][data-level=context]');",
            "the context's canvas",
        )
        .await?;
        painted(&c).await?;
        let drill_ms = t.elapsed().as_secs_f64() * 1000.0;
        let (ctx_fps, _) = pan_fps(&c).await?;
        // One attribute edit through the panel: an entity's second attribute made required.
        let entity = js(&c, &format!("const m = window.__triloop.domain.model(); return m.elements.find(e => e.context === '{ctx}' && e.kind === 'entity').id;")).await?;
        let entity = entity.as_str().unwrap_or_default().to_string();
        js(
            &c,
            &format!("window.__triloop.domain.select(['{entity}']); return true;"),
        )
        .await?;
        let boxes = "[data-testid=domain-attribute]:nth-child(2) [data-testid=attribute-required]";
        let checkbox = wait_css(&c, boxes).await?;
        wait_js(
            &c,
            "return window.__triloop.domain.saveState() !== 'saving';",
            "settled",
        )
        .await?;
        let t = Instant::now();
        checkbox.click().await?;
        wait_js(&c, &format!("return window.__triloop.domain.model().attributes.some(a => a.owner === '{entity}' && a.order > 0 && a.required) && window.__triloop.domain.saveState() === 'saved';"), "the attribute edit saved").await?;
        let edit_ms = t.elapsed().as_secs_f64() * 1000.0;
        let mem = memory_kb(app_pid(data.path())?)?;
        println!(
            "domain model of {records} records ({} contexts, {} elements, {} attributes): click to painted context map {open_ms:.0} ms; panning the map {map_fps:.1} frames/s; drill into the largest context {drill_ms:.0} ms; panning it {ctx_fps:.1} frames/s; one attribute edit, click to saved {edit_ms:.0} ms; memory {:.1} MiB",
            counts[0],
            counts[1],
            counts[2],
            mem as f64 / 1024.0
        );
        c.close().await?;
    }
    Ok(())
}

fn gen_flow(data: &Path, nodes: usize) -> Result<()> {
    let out = Command::new(cli_binary())
        .args([
            "--data-dir",
            &data.to_string_lossy(),
            "gen-flow",
            "--nodes",
            &nodes.to_string(),
        ])
        .output()
        .context("running triloop gen-flow (cargo build -p cli)")?;
    if !out.status.success() {
        bail!("gen-flow failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(())
}

/// The sandbox prototype part: a generated prototype of 200 screens x 50 components opened to
/// an interactive board, panned, and played (play mode's start: bundle asked of the core to the
/// first screen drawn).
async fn bench_prototype(driver: &Driver) -> Result<()> {
    let data = tempfile::tempdir()?;
    let out = Command::new(cli_binary())
        .args([
            "--data-dir",
            &data.path().to_string_lossy(),
            "gen-prototype",
            "--screens",
            "200",
            "--components",
            "50",
        ])
        .output()
        .context("running triloop gen-prototype (cargo build -p cli)")?;
    if !out.status.success() {
        bail!(
            "gen-prototype failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let c = driver.launch(data.path()).await?;
    let doc = wait_js(
        &c,
        "const d = document.querySelector('[data-testid=document-item][data-kind=sandboxPrototype]'); return d ? d.dataset.documentId : null;",
        "the generated prototype in the sidebar",
    )
    .await?;
    let doc = doc.as_str().unwrap_or_default().to_string();
    let t = Instant::now();
    wait_css(
        &c,
        &format!("[data-testid=document-item][data-document-id='{doc}']"),
    )
    .await?
    .click()
    .await?;
    wait_js(
        &c,
        "return !!document.querySelector('[data-testid=prototype-editor]') && window.__triloop.prototype.model().screens.length > 0 && window.__triloop.framesDrawn() > 0;",
        "the board painted",
    )
    .await?;
    painted(&c).await?;
    let open_ms = t.elapsed().as_secs_f64() * 1000.0;
    let counts = js(&c, "const m = window.__triloop.prototype.model(); return [m.screens.length, m.components.length];").await?;
    let idle = idle_fps(&c).await?;
    let (fps, _) = pan_fps(&c).await?;
    let bundle_ms = js(&c, "return await window.__triloop.prototype.bundleMs();").await?;
    let mut starts = Vec::new();
    let mut prefetched = Vec::new();
    for _ in 0..3 {
        wait_css(&c, "[data-testid=proto-play]")
            .await?
            .click()
            .await?;
        let ms = wait_js(
            &c,
            "const e = document.querySelector('[data-testid=play-pane]'); return e && e.dataset.startMs ? Number(e.dataset.startMs) : null;",
            "play mode started",
        )
        .await?;
        let warm = js(&c, "return document.querySelector('[data-testid=play-pane]').dataset.prefetched === 'true';").await?;
        starts.push(ms.as_f64().unwrap_or(f64::NAN));
        prefetched.push(warm.as_bool().unwrap_or(false));
        wait_css(&c, "[data-testid=play-close]")
            .await?
            .click()
            .await?;
        painted(&c).await?;
    }
    println!(
        "prototype of {} screens and {} components: click to painted board {open_ms:.0} ms; panning the board {fps:.1} frames/s (idle {idle:.1}); play mode start {:.0} ms (median of 3; {starts:?}, bundle prefetched: {prefetched:?}); the core's player bundle asked afresh {bundle_ms} ms",
        counts[0],
        counts[1],
        median(starts.clone())
    );
    c.close().await?;
    Ok(())
}

/// Frames per second with nothing happening: the ceiling of this display and webview.
async fn idle_fps(c: &fantoccini::Client) -> Result<f64> {
    let v = js(c, "return await new Promise(r => { let n = 0; const t0 = performance.now(); (function f() { n++; if (performance.now() - t0 < 2000) requestAnimationFrame(f); else r([n, performance.now() - t0]); })(); });").await?;
    Ok(v[0].as_f64().unwrap_or(0.0) * 1000.0 / v[1].as_f64().unwrap_or(1.0))
}

/// Frames painted per second while the real pointer drags the canvas for about 2 s.
/// Animation frames per second during a 120-step drag on empty canvas, and the drag's
/// duration in ms (the canvas's own frames over that time are its frame rate).
async fn pan_fps(c: &fantoccini::Client) -> Result<(f64, f64)> {
    use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
    // Press on empty canvas (a press on an element would drag it instead of panning): the
    // empty point nearest the centre.
    let rect = js(c, "const r = document.querySelector('[data-testid=flow-canvas]').getBoundingClientRect(); \
        const cx = r.x + r.width / 2, cy = r.y + r.height / 2; \
        for (let d = 0; d < Math.max(r.width, r.height) / 2; d += 7) { \
          for (const [x, y] of [[cx + d, cy], [cx - d, cy], [cx, cy + d], [cx, cy - d], [cx + d, cy + d], [cx - d, cy - d]]) { \
            if (x > r.x + 40 && x < r.right - 40 && y > r.y + 40 && y < r.bottom - 40 && window.__triloop.elementAt(x, y) === null) return [x, y]; \
          } \
        } \
        return [cx, cy];").await?;
    let (x0, y0) = (
        rect[0].as_f64().unwrap_or(600.0).round(),
        rect[1].as_f64().unwrap_or(400.0).round(),
    );
    js(c, "window.__frames = 0; window.__counting = true; (function f() { if (!window.__counting) return; window.__frames++; requestAnimationFrame(f); })(); window.__t0 = performance.now(); return true;").await?;
    let mut actions = MouseActions::new("mouse".to_string())
        .then(PointerAction::MoveTo {
            duration: None,
            x: x0,
            y: y0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        });
    // 120 steps of 16 ms, back and forth, as a steady drag.
    for i in 0..120 {
        let dx = if (i / 30) % 2 == 0 { -4.0 } else { 4.0 } * ((i % 30) as f64);
        actions = actions.then(PointerAction::MoveTo {
            duration: Some(Duration::from_millis(16)),
            x: x0 + dx,
            y: y0 + dx / 3.0,
        });
    }
    actions = actions.then(PointerAction::Up {
        button: MOUSE_BUTTON_LEFT,
    });
    c.perform_actions(actions).await?;
    c.release_actions().await?;
    let v = js(
        c,
        "window.__counting = false; return [window.__frames, performance.now() - window.__t0];",
    )
    .await?;
    let frames = v[0].as_f64().unwrap_or(0.0);
    let ms = v[1].as_f64().unwrap_or(1.0);
    Ok((frames * 1000.0 / ms, ms))
}

/// Panning the demo flow at 100 % and 200 % scaling (GDK_SCALE on a screen large enough for
/// the window at that scale; GTK on X11 scales by whole numbers only, so 125 % and 150 %
/// screens also get devicePixelRatio 2 with smaller text): the canvas's backing store grows
/// with the square of the scale, so this is where the frame rate could fall. Compare the
/// rows with each other, within one run.
async fn bench_hidpi() -> Result<()> {
    for (label, scale) in [("200 %", "2"), ("100 %", "1")] {
        let screen = e2e::Screen::start(2560, 1600)?;
        let driver = Driver::start(&[("DISPLAY", screen.display()), ("GDK_SCALE", scale)])?;
        let data = tempfile::tempdir()?;
        let (_, c) = time_to_canvas(&driver, data.path())
            .await
            .with_context(|| format!("launching at {label}"))?;
        tokio::time::sleep(Duration::from_secs(1)).await;
        let dpr = js(&c, "return window.devicePixelRatio;")
            .await
            .context("devicePixelRatio")?;
        let idle = idle_fps(&c).await.context("idle frame rate")?;
        let (fps, _) = pan_fps(&c).await.context("panning")?;
        println!(
            "{label} scaling (devicePixelRatio {dpr}): idle {idle:.1} frames/s, panning the demo flow {fps:.1} frames/s"
        );
        c.close().await?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    let only = std::env::args().skip_while(|a| a != "--only").nth(1);
    if only.as_deref() == Some("hidpi") {
        return bench_hidpi().await;
    }
    let driver = Driver::start(&[])?;
    if only.as_deref() == Some("domain") {
        return bench_domain(&driver).await;
    }
    if only.as_deref() == Some("prototype") {
        return bench_prototype(&driver).await;
    }
    let runs = 3;

    let mut first = Vec::new();
    let mut warm = Vec::new();
    let mut mem = 0;
    for i in 0..runs {
        let data = tempfile::tempdir()?;
        let (ms, c) = time_to_canvas(&driver, data.path()).await?;
        first.push(ms);
        c.close().await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let (ms, c) = time_to_canvas(&driver, data.path()).await?;
        warm.push(ms);
        if i == runs - 1 {
            tokio::time::sleep(Duration::from_secs(2)).await;
            mem = memory_kb(app_pid(data.path())?)?;
            println!(
                "idle frame rate (the display's ceiling): {:.1} frames/s",
                idle_fps(&c).await?
            );
            println!(
                "panning the demo flow: {:.1} frames/s",
                pan_fps(&c).await?.0
            );
            // What the page costs without the flow's canvas layer: how much of the ceiling
            // the canvas itself takes when nothing moves.
            js(&c, "document.querySelector('[data-testid=flow-canvas]').style.display = 'none'; return true;").await?;
            println!(
                "idle frame rate with the canvas hidden: {:.1} frames/s",
                idle_fps(&c).await?
            );
        }
        c.close().await?;
    }
    println!(
        "cold start to first painted canvas, first start (creates demo): median {:.0} ms of {runs}",
        median(first)
    );
    println!(
        "cold start to first painted canvas, later start: median {:.0} ms of {runs}",
        median(warm)
    );
    println!(
        "memory with the demo open (PSS, app + WebKit processes): {:.1} MiB",
        mem as f64 / 1024.0
    );

    for n in [1_000usize, 5_000, 10_000] {
        let data = tempfile::tempdir()?;
        let t = Instant::now();
        gen_flow(data.path(), n)?;
        let gen_ms = t.elapsed().as_secs_f64() * 1000.0;
        let (ms, c) = time_to_canvas(&driver, data.path()).await?;
        wait_js(
            &c,
            &format!("return window.__triloop.nodeCount() === {n};"),
            "all nodes loaded",
        )
        .await?;
        // Re-open the flow from the sidebar: the open itself, without process start.
        let doc = js(
            &c,
            "return document.querySelector('[data-testid=document-item]').dataset.documentId;",
        )
        .await?;
        let doc = doc.as_str().unwrap_or_default().to_string();
        let reopen = js(&c, &format!(
            "const t = performance.now(); const r = await window.__TAURI_INTERNALS__.invoke('open_document', {{ documentId: '{doc}' }}); return [performance.now() - t, r.content.content.nodes.length];"
        )).await?;
        // Interactive: an edit round trip (add a node, durable, shown) on the big flow.
        let t = Instant::now();
        wait_css(&c, "[data-testid=palette-task]")
            .await?
            .click()
            .await?;
        wait_js(
            &c,
            &format!("return window.__triloop.nodeCount() === {};", n + 1),
            "the added node",
        )
        .await?;
        wait_saved(&c).await?;
        let edit_ms = t.elapsed().as_secs_f64() * 1000.0;
        // Pan a settled canvas: nothing selected, the edit's validation answered.
        js(&c, "window.__triloop.selectNodes([]); return true;").await?;
        wait_js(
            &c,
            "return window.__triloop.problemsState() === 'ready';",
            "validation settled",
        )
        .await?;
        js(
            &c,
            "return await new Promise(r => setTimeout(() => r(true), 500));",
        )
        .await?;
        let painted = js(&c, "return window.__triloop.framesDrawn();")
            .await?
            .as_f64()
            .unwrap_or(0.0);
        let (fps, pan_ms) = pan_fps(&c).await?;
        let repaints = js(&c, "return window.__triloop.framesDrawn();")
            .await?
            .as_f64()
            .unwrap_or(0.0)
            - painted;
        let pid = app_pid(data.path())?;
        let mem = memory_kb(pid)?;
        println!(
            "{n} nodes: generate+store {gen_ms:.0} ms; launch to painted canvas {ms:.0} ms; open_document IPC {:.0} ms ({} nodes); add-node edit round trip {edit_ms:.0} ms; panning {fps:.1} animation frames/s, the canvas painted {repaints:.0} frames for the 120 pointer steps in {pan_ms:.0} ms = {:.1} frames/s; memory {:.1} MiB",
            reopen[0].as_f64().unwrap_or(-1.0),
            reopen[1],
            repaints * 1000.0 / pan_ms,
            mem as f64 / 1024.0
        );
        c.close().await?;
    }
    bench_domain(&driver).await?;
    Ok(())
}
