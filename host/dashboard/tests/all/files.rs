//! The embedded table matches the `assets/` folder, and every file has a
//! known content type.

use std::{collections::BTreeSet, path::Path};

use cityhub_dashboard::assets;

fn on_disk(dir: &Path, base: &Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            on_disk(&path, base, out);
        } else {
            let rel = path
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel);
        }
    }
}

#[test]
fn every_file_under_assets_is_embedded_and_nothing_else() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    let mut disk = BTreeSet::new();
    on_disk(&base, &base, &mut disk);
    let table: BTreeSet<String> = assets().iter().map(|a| a.path.to_owned()).collect();
    let missing: Vec<_> = disk.difference(&table).collect();
    assert!(
        missing.is_empty(),
        "files under assets/ missing from ASSETS in src/assets.rs: {missing:?}"
    );
    assert_eq!(disk, table);
}

#[test]
fn every_file_has_a_known_content_type_and_an_etag() {
    let mut tags = BTreeSet::new();
    for asset in assets() {
        assert_ne!(
            asset.content_type(),
            "application/octet-stream",
            "`{}`",
            asset.path
        );
        assert!(
            asset.etag().starts_with('"') && asset.etag().len() == 34,
            "`{}`",
            asset.etag()
        );
        tags.insert(asset.etag());
    }
    assert_eq!(tags.len(), assets().len(), "each file its own tag");
}
