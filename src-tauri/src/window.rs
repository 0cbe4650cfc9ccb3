//! The main window: created at a size that fits the screen's usable area, and restored to
//! the size, place and maximised state a person left it in on the same screen.
//!
//! Saving and restoring is tauri-plugin-window-state's work; this module only decides where
//! its file lives (one per screen, in the data folder) and what a first start looks like.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tauri::{
    App, LogicalPosition, LogicalSize, Manager, Monitor, WebviewWindow, WebviewWindowBuilder,
    WindowEvent,
};
use tauri_plugin_window_state::{AppHandleExt, StateFlags, WindowExt};

/// The window's label in tauri.conf.json (created here, not by Tauri: `"create": false`).
const MAIN: &str = "main";

/// What is remembered: size, place, maximised. Not visibility (the window always shows) and
/// not decorations or full screen (the app never changes them).
fn flags() -> StateFlags {
    StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED
}

/// Room (logical pixels) left for a window manager's title bar and borders when a first
/// window is sized to the usable area: the size set is the inner (web view) size.
const FRAME_ALLOWANCE: (f64, f64) = (16.0, 48.0);

/// A name for a screen: its size in device pixels and its scale. A laptop that is docked to a
/// large monitor and later used alone gets each screen's own remembered window.
fn screen_key(m: &Monitor) -> String {
    let s = m.size();
    format!(
        "{}x{}@{}",
        s.width,
        s.height,
        (m.scale_factor() * 100.0).round() as u32
    )
}

/// The state file for a screen, in the data folder (so that a throwaway `--data-dir` starts
/// with a fresh window, as the tests rely on).
pub fn state_file(data_dir: &Path, screen: &str) -> PathBuf {
    data_dir.join(format!("window-state-{screen}.json"))
}

/// The inner size, in logical pixels, that a first window gets on a usable area of
/// `work` (logical): the configured size, shrunk to fit the area less the frame, never
/// below the configured minimum. The second value says whether it had to shrink (the
/// window is then maximised, as a person on a small screen would).
pub fn first_size(default: (f64, f64), min: (f64, f64), work: (f64, f64)) -> ((f64, f64), bool) {
    let avail = (work.0 - FRAME_ALLOWANCE.0, work.1 - FRAME_ALLOWANCE.1);
    let w = default.0.min(avail.0).max(min.0);
    let h = default.1.min(avail.1).max(min.1);
    ((w, h), w < default.0 || h < default.1)
}

/// Registers the window-state plugin for the current screen and opens the main window.
/// Without `keep_state` (another Triloop has the data folder) the window writes nothing
/// there: it opens at its first size and only says why it cannot work.
pub fn open_main(app: &mut App, data_dir: &Path, keep_state: bool) -> tauri::Result<WebviewWindow> {
    let monitor = app.primary_monitor()?.or_else(|| {
        app.available_monitors()
            .ok()
            .and_then(|m| m.into_iter().next())
    });
    let key = monitor
        .as_ref()
        .map(screen_key)
        .unwrap_or_else(|| "unknown".into());
    let file = state_file(data_dir, &key);
    let saved = keep_state && file.is_file();
    if keep_state {
        // The plugin joins this name to its config folder; an absolute path replaces that
        // folder.
        app.handle().plugin(
            tauri_plugin_window_state::Builder::new()
                .with_filename(file.to_string_lossy())
                .with_state_flags(flags())
                .skip_initial_state(MAIN)
                .build(),
        )?;
    }

    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == MAIN)
        .cloned()
        .ok_or_else(|| tauri::Error::WindowNotFound)?;
    let window = WebviewWindowBuilder::from_config(app.handle(), &config)?
        .visible(false)
        .build()?;

    if saved {
        window.restore_state(flags())?;
    } else if let Some(m) = &monitor {
        let scale = m.scale_factor();
        let area = m.work_area();
        let work = (
            area.size.width as f64 / scale,
            area.size.height as f64 / scale,
        );
        let min = (
            config.min_width.unwrap_or(0.0),
            config.min_height.unwrap_or(0.0),
        );
        let ((w, h), shrunk) = first_size((config.width, config.height), min, work);
        window.set_size(LogicalSize::new(w, h))?;
        // Centred on the usable area (not the whole screen: a task bar may take a side).
        let x = area.position.x as f64 / scale + (work.0 - w - FRAME_ALLOWANCE.0).max(0.0) / 2.0;
        let y = area.position.y as f64 / scale + (work.1 - h - FRAME_ALLOWANCE.1).max(0.0) / 2.0;
        window.set_position(LogicalPosition::new(x, y))?;
        if shrunk {
            window.maximize()?;
        }
    }
    window.show()?;
    let _ = window.set_focus();
    if keep_state {
        save_when_settled(&window);
    }
    Ok(window)
}

/// How long the window must stay put after a move or resize before its state is written.
const SETTLE: Duration = Duration::from_millis(500);

/// The plugin writes its file when the app exits normally; a killed or crashed app would
/// forget what the person did. So the state is also written once a move or resize settles.
fn save_when_settled(window: &WebviewWindow) {
    let generation = Arc::new(AtomicU64::new(0));
    let app = window.app_handle().clone();
    window.on_window_event(move |e| {
        if !matches!(e, WindowEvent::Moved(_) | WindowEvent::Resized(_)) {
            return;
        }
        let mine = generation.fetch_add(1, Ordering::SeqCst) + 1;
        let generation = generation.clone();
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(SETTLE).await;
            if generation.load(Ordering::SeqCst) == mine
                && let Err(e) = app.save_window_state(flags())
            {
                tracing::warn!(error = %e, "cannot save the window's size and place");
            }
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_window_fits_a_small_screen_and_keeps_its_size_on_a_large_one() {
        // 1366x768 at 125 %: about 1093x614 logical, less a 40 px task bar.
        assert_eq!(
            first_size((1280.0, 800.0), (960.0, 540.0), (1093.0, 574.0)),
            ((1077.0, 540.0), true)
        );
        assert_eq!(
            first_size((1280.0, 800.0), (960.0, 540.0), (1920.0, 1040.0)),
            ((1280.0, 800.0), false)
        );
        assert_eq!(
            first_size((1280.0, 800.0), (960.0, 540.0), (1024.0, 600.0)),
            ((1008.0, 552.0), true)
        );
    }

    #[test]
    fn each_screen_has_its_own_state_file() {
        let a = state_file(Path::new("/d"), "1366x768@125");
        let b = state_file(Path::new("/d"), "3840x2160@200");
        assert_ne!(a, b);
        assert!(a.starts_with("/d"));
    }
}
