//! include_dir! does not tell cargo about the files it embeds; without this, adding or editing a
//! template would not rebuild the binary.
fn main() {
    for entry in walkdir::WalkDir::new("templates").into_iter().flatten() {
        println!("cargo:rerun-if-changed={}", entry.path().display());
    }
}
