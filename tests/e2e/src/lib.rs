//! A harness that starts tauri-driver and the real Triloop app (built with the UI embedded)
//! on a data folder of the test's own, and talks WebDriver to it.
//!
//! Needs: `target/debug/triloop-app` built with `--features custom-protocol` (or
//! `TRILOOP_APP_BIN`), `tauri-driver` and `WebKitWebDriver` on PATH, and an X display
//! (run under `xvfb-run -a`).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

pub fn app_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("TRILOOP_APP_BIN") {
        return PathBuf::from(p);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/debug/triloop-app")
}

pub fn cli_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("TRILOOP_CLI_BIN") {
        return PathBuf::from(p);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/debug/triloop")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(4444)
}

/// A running tauri-driver. Stopped with SIGTERM on drop (SIGKILL would orphan
/// WebKitWebDriver).
pub struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    pub fn start(env: &[(&str, &str)]) -> Result<Driver> {
        let bin = app_binary();
        if !bin.is_file() {
            bail!(
                "the app binary {} is missing: build it with `cargo build -p triloop-app --features custom-protocol`",
                bin.display()
            );
        }
        let port = free_port();
        let native = free_port();
        let mut cmd = Command::new("tauri-driver");
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd
            .spawn()
            .context("starting tauri-driver (cargo install tauri-driver)")?;
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                bail!("tauri-driver did not listen on port {port}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(Driver { child, port })
    }

    /// Launches the app on `data_dir` and returns the WebDriver session.
    pub async fn launch(&self, data_dir: &Path) -> Result<Client> {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("wry"));
        caps.insert(
            "tauri:options".into(),
            json!({
                "application": app_binary().canonicalize()?.to_string_lossy(),
                "args": ["--data-dir", data_dir.to_string_lossy()],
            }),
        );
        // WebKitWebDriver takes one session at a time and may take a moment to notice that
        // the previous app is gone (after a kill); retry that case for a few seconds.
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            match ClientBuilder::native()
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{}", self.port))
                .await
            {
                Ok(client) => return Ok(client),
                Err(e)
                    if e.to_string().contains("Maximum number of active sessions")
                        && Instant::now() < deadline =>
                {
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
                Err(e) => return Err(e).context("starting a WebDriver session"),
            }
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        unsafe_kill(self.child.id(), "TERM");
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
    }
}

fn unsafe_kill(pid: u32, signal: &str) {
    let _ = Command::new("kill")
        .args([&format!("-{signal}"), &pid.to_string()])
        .status();
}

/// The pid of the app process running on `data_dir`.
pub fn app_pid(data_dir: &Path) -> Result<u32> {
    let out = Command::new("pgrep")
        .args([
            "-f",
            &format!("triloop-app --data-dir {}", data_dir.display()),
        ])
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .next()
        .and_then(|l| l.trim().parse().ok())
        .ok_or_else(|| anyhow!("no app process for {}", data_dir.display()))
}

/// SIGKILLs the app running on `data_dir` and waits until it is gone.
pub fn kill_app(data_dir: &Path) -> Result<()> {
    let pid = app_pid(data_dir)?;
    unsafe_kill(pid, "KILL");
    let deadline = Instant::now() + Duration::from_secs(10);
    while Path::new(&format!("/proc/{pid}")).exists() {
        if Instant::now() > deadline {
            bail!("app {pid} did not die");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(())
}

/// Runs `script` in the page (it may `return` a value).
pub async fn js(c: &Client, script: &str) -> Result<Value> {
    Ok(c.execute(script, vec![]).await?)
}

pub async fn wait_css(c: &Client, css: &str) -> Result<fantoccini::elements::Element> {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .with_context(|| format!("waiting for {css}"))
}

/// Polls `script` until it returns something truthy (then returns it).
pub async fn wait_js(c: &Client, script: &str, what: &str) -> Result<Value> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let v = js(c, script).await?;
        let truthy = match &v {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number(n) => n.as_f64() != Some(0.0),
            Value::String(s) => !s.is_empty(),
            _ => true,
        };
        if truthy {
            return Ok(v);
        }
        if Instant::now() > deadline {
            bail!("timed out waiting for {what} (last value {v})");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until the save indicator says the last edit is durable.
pub async fn wait_saved(c: &Client) -> Result<()> {
    wait_js(
        c,
        "const s = document.querySelector('[data-testid=save-status]'); return s && s.dataset.state === 'saved';",
        "save-status saved",
    )
    .await
    .map(|_| ())
}

/// Saves a PNG of the window to `target/e2e-shots/NAME.png`, for a person to look at.
pub async fn save_screenshot(c: &Client, name: &str) -> Result<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e-shots");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{name}.png"));
    std::fs::write(&path, c.screenshot().await?)?;
    Ok(path)
}

/// Saves a PNG of the X display the test runs on (`$DISPLAY`, as `xvfb-run` sets it) to
/// `target/e2e-shots/NAME.png`. WebDriver's screenshot sometimes never returns here (and then
/// blocks the session); X's own picture of the screen always does.
pub fn save_display_screenshot(name: &str) -> Result<PathBuf> {
    let display = std::env::var("DISPLAY").context("no DISPLAY (run under xvfb-run)")?;
    x_screenshot(&display, name)
}

/// `import -window root` of `display` into `target/e2e-shots/NAME.png`.
fn x_screenshot(display: &str, name: &str) -> Result<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e-shots");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{name}.png"));
    let status = Command::new("import")
        .args(["-window", "root"])
        .arg(&path)
        .env("DISPLAY", display)
        .status()
        .context("running import (apt-get install imagemagick)")?;
    if !status.success() {
        bail!("import -window root failed on {display}");
    }
    Ok(path)
}

/// An X server of a given screen size, for tests that need the window on a screen of that
/// size (a laptop's 1024x600, a desktop's 1920x1080) rather than the one `xvfb-run` gave the
/// test process. Pass `("DISPLAY", screen.display())` to `Driver::start`. Stopped on drop.
pub struct Screen {
    child: Child,
    /// A window manager on this screen, when a test needs one (maximising is the window
    /// manager's work: with none, a window cannot be maximised).
    wm: Option<Child>,
    display: String,
    pub width: u32,
    pub height: u32,
}

impl Screen {
    pub fn start(width: u32, height: u32) -> Result<Screen> {
        // A display number nobody uses: no socket and no lock file for it.
        let n = (90..200)
            .find(|n| {
                !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
                    && !Path::new(&format!("/tmp/.X{n}-lock")).exists()
            })
            .ok_or_else(|| anyhow!("no free X display number"))?;
        let display = format!(":{n}");
        let child = Command::new("Xvfb")
            .args([
                &display,
                "-screen",
                "0",
                &format!("{width}x{height}x24"),
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting Xvfb (apt-get install xvfb)")?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() {
            if Instant::now() > deadline {
                bail!("Xvfb {display} did not start");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(Screen {
            child,
            wm: None,
            display,
            width,
            height,
        })
    }

    /// Starts openbox on this screen (a window manager that maximises and restores windows
    /// as desktop ones do) and waits until it has taken the screen.
    pub fn with_window_manager(mut self) -> Result<Screen> {
        let spawn = |display: &str| {
            Command::new("openbox")
                .args(["--sm-disable"])
                .env("DISPLAY", display)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .context("starting openbox (apt-get install openbox)")
        };
        let deadline = Instant::now() + Duration::from_secs(15);
        let mut wm = spawn(&self.display)?;
        loop {
            // A server whose socket exists may not accept connections yet: openbox then
            // exits at once, and is started again.
            if wm.try_wait()?.is_some() {
                wm = spawn(&self.display)?;
            }
            let out = Command::new("wmctrl")
                .arg("-m")
                .env("DISPLAY", &self.display)
                .output()
                .context("running wmctrl (apt-get install wmctrl)")?;
            if out.status.success() {
                self.wm = Some(wm);
                return Ok(self);
            }
            if Instant::now() > deadline {
                unsafe_kill(wm.id(), "TERM");
                let _ = wm.wait();
                bail!("openbox did not take {}", self.display);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Runs wmctrl on this screen (`wmctrl ARGS…`): asks the window manager to maximise,
    /// restore or move a window.
    pub fn wmctrl(&self, args: &[&str]) -> Result<String> {
        let out = Command::new("wmctrl")
            .args(args)
            .env("DISPLAY", &self.display)
            .output()
            .context("running wmctrl")?;
        if !out.status.success() {
            bail!(
                "wmctrl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    pub fn display(&self) -> &str {
        &self.display
    }

    /// Saves a PNG of the whole screen to `target/e2e-shots/NAME.png` (ImageMagick's `import`):
    /// it shows whether the window fits the screen. WebDriver's screenshot did not return on
    /// a second X server here, so the screen is taken from X itself.
    pub fn screenshot(&self, name: &str) -> Result<PathBuf> {
        x_screenshot(&self.display, name)
    }

    /// Runs xdotool on this screen (`xdotool ARGS…`) and returns what it printed.
    pub fn xdotool(&self, args: &[&str]) -> Result<String> {
        let out = Command::new("xdotool")
            .args(args)
            .env("DISPLAY", &self.display)
            .output()
            .context("running xdotool")?;
        if !out.status.success() {
            bail!(
                "xdotool {args:?}: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        if let Some(wm) = &mut self.wm {
            unsafe_kill(wm.id(), "TERM");
            let _ = wm.wait();
        }
        unsafe_kill(self.child.id(), "TERM");
        let _ = self.child.wait();
    }
}
