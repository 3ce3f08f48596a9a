//! `cookie-doctor har`: exit codes, redaction and the JSON document, on real
//! processes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cookie-doctor"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn har(path: &str) -> String {
    format!("{}/../../tests/har/{path}", env!("CARGO_MANIFEST_DIR"))
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn clean_replay_exits_0() {
    let o = run(&[
        "har",
        &har("recorded/redirect-response-sets-cookie-before-cross-site-hop.chrome.har"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("0 model mismatches"));
}

#[test]
fn a_rejected_cookie_exits_1_and_its_value_is_redacted() {
    let file = har("recorded/samesite-none-without-secure-rejected-at-login.firefox.har");
    let o = run(&["har", &file]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(text.contains("samesite-none-insecure"), "{text}");
    assert!(text.contains("sid=<redacted>"), "{text}");
    assert!(!text.contains("abc123"), "the value leaked: {text}");
    assert!(text.contains("replayed as firefox"), "{text}");

    let o = run(&["har", &file, "--show-values"]);
    assert!(stdout(&o).contains("sid=abc123"));
    let o = run(&["har", &file, "--fail-on", "mismatch"]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn a_mismatch_exits_1_and_says_please_report() {
    let file = har(
        "recorded/embedded-dashboard-samesite-none-needs-third-party-cookies.chrome-3pc-blocked.har",
    );
    let o = run(&["har", &file]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(text.contains("model mismatch — please report"), "{text}");
    assert!(text.contains("--browser chrome-3pc-blocked"), "{text}");
    let o = run(&["har", &file, "--browser", "chrome-3pc-blocked"]);
    assert!(stdout(&o).contains("0 model mismatches"), "{}", stdout(&o));
}

#[test]
fn bad_input_exits_2() {
    let o = run(&["har", &har("handwritten/broken-json.har")]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("broken-json.har:3:"), "{err}");
    let o = run(&["har", &har("does-not-exist.har")]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&[
        "har",
        &har("handwritten/firefox-style.firefox.har"),
        "--browser",
        "netscape",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_sanitized_export_exits_2_with_export_advice() {
    let o = run(&["har", &har("handwritten/sanitized-export.chrome.har")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).contains("Export HAR (with sensitive data)"));
}

#[test]
fn json_is_versioned_and_redacted() {
    let o = run(&[
        "har",
        &har("handwritten/malformed-entry.chrome.har"),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["har_replay"], 1);
    assert_eq!(v["summary"]["bad_entries"], 1);
    assert_eq!(v["findings"][0]["kind"], "bad-entry");
    assert!(!stdout(&o).contains("s3cr3t"));
}
