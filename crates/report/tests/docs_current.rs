//! docs/reasons.md is generated from the reason table; this test fails when it is
//! stale. Regenerate with `UPDATE_DOCS=1 cargo test -p cookie-doctor-report --test docs_current`.

#[test]
fn reasons_doc_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/reasons.md");
    let expected = cookie_doctor_report::text::reasons_markdown(cookie_doctor_cookie::REASONS);
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/reasons.md is out of date: run UPDATE_DOCS=1 cargo test -p cookie-doctor-report --test docs_current"
    );
}
