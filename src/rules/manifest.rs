//! A signed package's `MANIFEST.txt` (`manifest`): the PGP clear-signed list of every file with
//! its SHA-256 that `npx @grafana/sign-plugin` writes. Grafana refuses a plugin whose files differ
//! from that list, e.g. an archive holding one platform's executable cut from a dist/ signed with
//! all of them.
//!
//! As in the validator, the list is read, not the signature verified. The validator's
//! `unsigned-plugin` warning for a package without MANIFEST.txt is left out: a Rust backend ships
//! privately signed or unsigned, and the catalog note already says so.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Findings, Package, Rule};

const SIGNATURE: &str = "MANIFEST.txt";

const EMPTY: Rule = Rule::error("manifest", "empty-manifest");
const WRONG: Rule = Rule::error("manifest", "wrong-manifest");
const UNDECLARED: Rule = Rule::error("manifest", "undeclared-files");
const CHECKSUM: Rule = Rule::error("manifest", "invalid-sha-sum");
const ROOT_URLS: Rule = Rule::error("manifest", "invalid-signature");

/// The signed document's fields the validator reads.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Signed {
    #[serde(default)]
    signature_type: String,
    #[serde(default)]
    root_urls: Vec<String>,
    #[serde(default)]
    files: BTreeMap<String, String>,
}

pub fn manifest(package: &Package, out: &mut Findings) {
    let Some(text) = package.text(SIGNATURE) else {
        return;
    };
    if text.is_empty() {
        return out.add(&EMPTY, "MANIFEST.txt is empty; sign the plugin again");
    }
    let Some(signed) = cleartext(&text).and_then(|json| serde_json::from_str::<Signed>(&json).ok())
    else {
        return out.add(
            &WRONG,
            "MANIFEST.txt is not a signed manifest (a PGP clear-signed JSON document); sign the \
             plugin again with npx @grafana/sign-plugin",
        );
    };
    if signed.files.is_empty() {
        return out.add(&UNDECLARED, "MANIFEST.txt declares no files");
    }
    let private = matches!(signed.signature_type.as_str(), "private" | "private-glob");
    if !private && !signed.root_urls.is_empty() {
        return out.add(
            &ROOT_URLS,
            format!(
                "MANIFEST.txt is a {} signature with rootUrls; only a private signature names \
                 root URLs: sign again without --rootUrls, or with --signatureType private",
                signed.signature_type
            ),
        );
    }
    for (path, file) in package.files.iter().filter(|(p, _)| *p != SIGNATURE) {
        match signed.files.get(path) {
            None => out.add(
                &UNDECLARED,
                format!("{path} is not in MANIFEST.txt: it was added after signing"),
            ),
            Some(listed) if listed.to_lowercase() != file.sha256 => out.add(
                &CHECKSUM,
                format!(
                    "{path} differs from its checksum in MANIFEST.txt: it changed after signing"
                ),
            ),
            Some(_) => {}
        }
    }
    for path in signed.files.keys().filter(|p| !package.exists(p)) {
        out.add(
            &UNDECLARED,
            format!(
                "{path} is listed in MANIFEST.txt but missing: package the whole signed dist/ \
                 (an archive for one platform lacks the other platforms' executables)"
            ),
        );
    }
}

/// The signed text of a PGP clear-signed message (RFC 4880 §7): after the armor headers, up to
/// the signature, with dash-escaping undone.
fn cleartext(text: &str) -> Option<String> {
    let mut lines = text.lines();
    lines.find(|line| line.trim_end() == "-----BEGIN PGP SIGNED MESSAGE-----")?;
    lines.find(|line| line.trim().is_empty())?;
    let mut body = Vec::new();
    for line in lines {
        if line.trim_end() == "-----BEGIN PGP SIGNATURE-----" {
            return Some(body.join("\n"));
        }
        body.push(line.strip_prefix("- ").unwrap_or(line));
    }
    None
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    use super::super::testing::*;

    /// A MANIFEST.txt as sign-plugin writes it, listing `files` with their digests.
    fn signed(files: &[(&'static str, Vec<u8>, u32)], kind: &str, root_urls: &str) -> Vec<u8> {
        let listed: Vec<String> = files
            .iter()
            .map(|(path, bytes, _)| {
                let digest: String = Sha256::digest(bytes)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                format!("\"{path}\": \"{digest}\"")
            })
            .collect();
        format!(
            "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n{{\n  \"manifestVersion\": \
             \"2.0.0\",\n  \"signatureType\": \"{kind}\",\n  \"rootUrls\": [{root_urls}],\n  \
             \"files\": {{{}}}\n}}\n-----BEGIN PGP SIGNATURE-----\nVersion: OpenPGP.js v4\n\n\
             wqEEARMKAAYFAmN\n-----END PGP SIGNATURE-----\n",
            listed.join(", ")
        )
        .into_bytes()
    }

    /// The clean package, signed as it is, then changed by `change`.
    fn signed_then(change: impl FnOnce(&mut Vec<(&'static str, Vec<u8>, u32)>)) -> Vec<String> {
        let mut files = clean();
        let manifest = signed(&files, "private", "\"https://grafana.example.com/\"");
        files.push(("MANIFEST.txt", manifest, 0o644));
        found(&with(files, change))
    }

    #[test]
    fn a_package_as_signed_passes() {
        assert!(signed_then(|_| {}).is_empty());
    }

    #[test]
    fn a_platform_archive_cut_from_a_signed_dist_is_refused() {
        let found = signed_then(|files| {
            files.retain(|(path, _, _)| {
                !path.starts_with("gpx_weather_") || *path == "gpx_weather_linux_amd64"
            });
        });
        let manifest: Vec<&String> = found
            .iter()
            .filter(|f| f.starts_with("manifest/"))
            .collect();
        assert_eq!(manifest, ["manifest/undeclared-files"; 5], "{found:?}");
    }

    #[test]
    fn files_changed_or_added_after_signing_are_refused() {
        assert_eq!(
            signed_then(|files| set(files, "README.md", b"# Changed\n")),
            ["manifest/invalid-sha-sum"]
        );
        assert_eq!(
            signed_then(|files| files.push(("extra.js", b"x".to_vec(), 0o644))),
            ["manifest/undeclared-files"]
        );
    }

    #[test]
    fn malformed_manifests_are_named() {
        let with_manifest = |bytes: &[u8]| {
            let mut files = clean();
            files.push(("MANIFEST.txt", bytes.to_vec(), 0o644));
            found(&with(files, |_| {}))
        };
        assert_eq!(with_manifest(b""), ["manifest/empty-manifest"]);
        assert_eq!(with_manifest(b"{}"), ["manifest/wrong-manifest"]);
        let community = signed(&clean(), "community", "\"https://g.example/\"");
        assert_eq!(with_manifest(&community), ["manifest/invalid-signature"]);
        let nothing = signed(&[], "private", "");
        assert_eq!(with_manifest(&nothing), ["manifest/undeclared-files"]);
    }
}
