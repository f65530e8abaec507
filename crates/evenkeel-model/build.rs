//! Embed `models/default.ekm` when the checkout has one, so `evenkeel check` needs no download.
fn main() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/default.ekm");
    println!("cargo:rerun-if-changed={}", path.display());
    println!("cargo::rustc-check-cfg=cfg(evenkeel_default_model)");
    if path.exists() {
        println!("cargo:rustc-cfg=evenkeel_default_model");
    }
}
