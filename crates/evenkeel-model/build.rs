//! Embed `models/default.ekm` when the checkout has one, so `evenkeel check` needs no download.
fn main() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/default.ekm");
    // Relative (to this package), not absolute: a target directory shared by two checkouts
    // must not keep watching the other checkout's file, or a build may keep a stale "no model".
    println!("cargo:rerun-if-changed=../../models/default.ekm");
    println!("cargo::rustc-check-cfg=cfg(evenkeel_default_model)");
    if path.exists() {
        println!("cargo:rustc-cfg=evenkeel_default_model");
    }
}
