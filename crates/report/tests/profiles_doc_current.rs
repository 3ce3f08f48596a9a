//! docs/profiles.md is generated from the built-in browser profiles
//! (data/profiles/*.toml, as loaded by cookie-doctor-profiles); this test fails when it is stale.
//! Regenerate with `UPDATE_DOCS=1 cargo test -p cookie-doctor-report --test profiles_doc_current`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failure here is a test failure

use std::path::Path;

use cookie_doctor_report::profiles_doc::render_profiles;

fn repo(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

#[test]
fn profiles_doc_is_current() {
    let profiles = cookie_doctor_profiles::builtin();
    assert_eq!(
        profiles.len(),
        cookie_doctor_profiles::BUILTIN_FILES.len(),
        "a built-in profile file failed to load"
    );
    let expected = render_profiles(&profiles);
    let path = repo("docs/profiles.md");
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/profiles.md is out of date: run UPDATE_DOCS=1 cargo test -p cookie-doctor-report --test profiles_doc_current"
    );
}
