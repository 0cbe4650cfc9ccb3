fn main() {
    // tauri.conf.json lives at the repository root, beside the shell's Cargo.toml.
    tauri_build::build()
}
