//! Snapshot tests: each `tests/ui/*.toml` is a bad manifest, and the `.err`
//! beside it is the exact error text a vendor sees. Run with `BLESS=1` to
//! write the `.err` files after a deliberate change to a message, then read
//! the diff.

use std::path::{Path, PathBuf};

use cityhub_manifest::Manifest;

#[test]
fn bad_manifests_give_their_expected_errors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 10,
        "expected the ui cases in {}",
        dir.display()
    );
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    for case in &cases {
        let text = std::fs::read_to_string(case).unwrap();
        let name = Path::new("tests/ui").join(case.file_name().unwrap());
        let got = match Manifest::parse(&name, &text) {
            Ok(_) => format!("{} parsed without error", name.display()),
            Err(d) => d.to_string(),
        };
        let err_file = case.with_extension("err");
        if bless {
            std::fs::write(&err_file, format!("{got}\n")).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&err_file).unwrap_or_default();
        if want.trim_end() != got.trim_end() {
            failures.push(format!(
                "--- {}\nwant:\n{want}\ngot:\n{got}\n",
                err_file.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} ui case(s) differ (BLESS=1 to update):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
