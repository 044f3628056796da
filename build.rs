//! include_dir! does not tell cargo about the files it embeds; without this, adding or editing a
//! template would not rebuild the binary.
fn main() {
    println!("cargo:rerun-if-changed=templates");
    for entry in walk("templates") {
        println!("cargo:rerun-if-changed={entry}");
    }
}

fn walk(dir: &str) -> Vec<String> {
    let mut out = vec![dir.to_owned()];
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path().to_string_lossy().into_owned();
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => out.extend(walk(&path)),
                _ => out.push(path),
            }
        }
    }
    out
}
