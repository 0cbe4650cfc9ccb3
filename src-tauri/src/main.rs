#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // WebKitGTK's accelerated compositing mode re-composites the flow canvas's whole layer
    // on every frame; without a GPU (software GL, as under Xvfb and on many office laptops
    // over remote desktops) that capped a pan of 5,000 elements at ~48 frames/s, while the
    // non-composited path painted every one of the pan's input steps (scripts/bench:
    // 96 -> 120 canvas frames of 120 steps). The canvas needs no compositing (no WebGL, no
    // 3D); a person can still opt back in by setting the variable to 0.
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        // SAFETY: first thing in main, before any other thread exists.
        unsafe { std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1") };
    }
    triloop_app::run();
}
