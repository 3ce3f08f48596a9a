//! The HAR replay against HAR files recorded in real browsers
//! (tests/har/recorded, by oracle/src/record-har.js) and hand-written edge
//! cases (tests/har/handwritten): the model's Cookie headers must agree with
//! the browser's except for the mismatches listed in
//! tests/har/expected-mismatches.txt — an unexpected mismatch fails, and so
//! does an expected one that vanished.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use cookie_doctor_cookie::{Reason, Time};
use cookie_doctor_diagnose::har::{
    HarFinding, HarReplay, HarReplaySummary, entry_to_audit_response, har_audit_responses,
    replay_har,
};
use cookie_doctor_site::BuiltinPsl;

fn har_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/har")
}

/// The profile a file's name ends in (`<scenario>.<mode>.har`), if built in.
fn mode_of(path: &Path) -> Option<String> {
    let stem = path.file_stem()?.to_str()?;
    let mode = stem.rsplit('.').next()?;
    cookie_doctor_profiles::builtin_named(mode).map(|p| p.name)
}

fn replay(
    path: &Path,
    browser: Option<&str>,
) -> (Result<(), String>, Vec<HarFinding>, HarReplaySummary) {
    let profile = browser.map(|b| cookie_doctor_profiles::builtin_named(b).unwrap());
    let file = std::fs::File::open(path).unwrap();
    let mut replay = HarReplay::new(profile, &BuiltinPsl, Time::from_unix(1_700_000_000), false);
    let mut findings = Vec::new();
    let r = replay_har(file, &path.display().to_string(), &mut replay, &mut |f| {
        findings.push(f)
    });
    (
        r.map(|_| ()).map_err(|e| e.to_string()),
        findings,
        replay.finish(),
    )
}

fn har_files(sub: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(har_dir().join(sub))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "har"))
        .collect();
    files.sort();
    files
}

fn mismatch_lines(rel: &str, findings: &[HarFinding]) -> BTreeSet<String> {
    findings
        .iter()
        .filter_map(|f| match f {
            HarFinding::Mismatch {
                request,
                cookie,
                browser_sent,
                ..
            } => Some(format!(
                "{rel} {request} {cookie} {}",
                if *browser_sent {
                    "browser-sent"
                } else {
                    "model-sent"
                }
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn recorded_and_handwritten_hars_agree_with_the_model_except_listed_mismatches() {
    let expected: BTreeSet<String> =
        std::fs::read_to_string(har_dir().join("expected-mismatches.txt"))
            .unwrap()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
    let mut actual = BTreeSet::new();
    let mut totals = (0usize, 0usize, 0usize, 0usize);
    let recorded = har_files("recorded");
    assert!(recorded.len() >= 18, "6 scenarios x 3 modes recorded");
    for path in recorded.iter().chain(har_files("handwritten").iter()) {
        if path.ends_with("broken-json.har") {
            continue;
        }
        let rel = path.strip_prefix(har_dir()).unwrap().display().to_string();
        let (result, findings, summary) = replay(path, mode_of(path).as_deref());
        result.unwrap_or_else(|e| panic!("{rel}: {e}"));
        if rel.starts_with("recorded/") {
            assert!(!summary.sanitized, "{rel}: recorded with cookies");
            assert_eq!(summary.bad_entries, 0, "{rel}");
            assert_eq!(summary.requests_compared, summary.entries, "{rel}");
            totals.0 += summary.requests_compared;
            totals.1 += summary.cookies_compared;
            totals.2 += summary.cookies_agreed;
            totals.3 += summary.set_cookie_lines;
        }
        actual.extend(mismatch_lines(&rel, &findings));
    }
    println!(
        "recorded HARs: {} requests compared, {} cookie names compared, {} agreed, {} Set-Cookie lines",
        totals.0, totals.1, totals.2, totals.3
    );
    let unexpected: Vec<&String> = actual.difference(&expected).collect();
    let vanished: Vec<&String> = expected.difference(&actual).collect();
    assert!(
        unexpected.is_empty() && vanished.is_empty(),
        "model mismatches differ from tests/har/expected-mismatches.txt\n  unexpected: {unexpected:#?}\n  expected but gone: {vanished:#?}"
    );
}

/// The comparison can fail: a Chromium that blocked third-party cookies,
/// replayed as default Chrome, disagrees on the embedded requests.
#[test]
fn a_wrong_profile_shows_up_as_model_mismatches() {
    let path = har_dir().join(
        "recorded/embedded-dashboard-samesite-none-needs-third-party-cookies.chrome-3pc-blocked.har",
    );
    let (result, findings, summary) = replay(&path, None);
    result.unwrap();
    assert_eq!(summary.browser, "chrome");
    assert_eq!(summary.browser_from, "creator");
    let lines = mismatch_lines("f", &findings);
    assert_eq!(
        lines,
        ["f 2 sid model-sent", "f 3 sid model-sent"]
            .into_iter()
            .map(String::from)
            .collect()
    );
}

#[test]
fn what_the_browsers_did_is_explained_with_reason_codes() {
    let rec = |name: &str| har_dir().join("recorded").join(name);
    // SameSite=None without Secure: rejected at the login response.
    let (_, findings, _) = replay(
        &rec("samesite-none-without-secure-rejected-at-login.chrome.har"),
        Some("chrome"),
    );
    assert!(findings.iter().any(|f| matches!(f,
        HarFinding::Rejected { cookie, reasons, line, .. }
            if cookie == "sid" && reasons.contains(&Reason::SameSiteNoneInsecure)
               && line.starts_with("sid=<redacted>;"))));
    // Lax session in a cross-site iframe: not sent, samesite-lax.
    let (_, findings, _) = replay(
        &rec("embedded-dashboard-loses-its-session-lax-cookie.firefox.har"),
        Some("firefox"),
    );
    let not_sent: Vec<(usize, &[Reason])> = findings
        .iter()
        .filter_map(|f| match f {
            HarFinding::NotSent {
                request, reasons, ..
            } => Some((*request, &reasons[..])),
            _ => None,
        })
        .collect();
    assert_eq!(not_sent.len(), 2, "{findings:?}");
    assert!(
        not_sent
            .iter()
            .all(|(_, r)| r.contains(&Reason::SameSiteLax))
    );
    // Lax on a cross-site top-level POST.
    let (_, findings, _) = replay(
        &rec("payment-provider-return-post-loses-lax-cart-session.chrome.har"),
        Some("chrome"),
    );
    assert!(findings.iter().any(|f| matches!(f,
        HarFinding::NotSent { request: 2, cookie, reasons, set_at: Some(0), .. }
            if &*cookie.name == "cart_sid" && reasons.contains(&Reason::SameSiteLax))));
}

#[test]
fn a_sanitized_export_is_detected() {
    let (result, findings, summary) = replay(
        &har_dir().join("handwritten/sanitized-export.chrome.har"),
        None,
    );
    result.unwrap();
    assert!(findings.is_empty());
    assert!(summary.sanitized);
}

#[test]
fn a_malformed_entry_is_reported_and_the_rest_replayed() {
    let (result, findings, summary) = replay(
        &har_dir().join("handwritten/malformed-entry.chrome.har"),
        None,
    );
    result.unwrap();
    assert_eq!(summary.entries, 3);
    assert_eq!(summary.bad_entries, 1);
    assert!(
        matches!(&findings[0], HarFinding::BadEntry { request: 1, error } if error.contains("log.entries[1]"))
    );
    // The entry after the bad one was still compared: sid agreed.
    assert_eq!(summary.cookies_agreed, 1);
}

#[test]
fn broken_json_ends_with_one_positioned_error() {
    let (result, _, _) = replay(&har_dir().join("handwritten/broken-json.har"), None);
    let e = result.unwrap_err();
    assert!(e.contains("broken-json.har:3:"), "{e}");
    assert!(e.contains("log.entries[1]"), "{e}");
}

#[test]
fn firefox_style_har_picks_firefox_and_counts_cookies_set_before_the_recording() {
    let (result, findings, summary) = replay(
        &har_dir().join("handwritten/firefox-style.firefox.har"),
        None,
    );
    result.unwrap();
    assert_eq!(
        (summary.browser.as_str(), summary.browser_from.as_str()),
        ("firefox", "browser")
    );
    assert_eq!(summary.unknown_cookies, 1, "legacy=l0 was never set");
    assert_eq!(summary.mismatches, 0, "{findings:?}");
    // The redirect hop (#0, 302) set `visit`, the document behind it carried it.
    assert!(summary.cookies_agreed >= 2);
}

#[test]
fn entries_become_audit_responses() {
    let path = har_dir().join("handwritten/firefox-style.firefox.har");
    let mut out = Vec::new();
    har_audit_responses(
        std::fs::File::open(&path).unwrap(),
        "firefox-style",
        &mut |r| out.push(r.unwrap()),
    )
    .unwrap();
    assert_eq!(out.len(), 5);
    assert_eq!(out[0].status, Some(302));
    assert!(
        out[1]
            .headers
            .iter()
            .any(|h| h == "set-cookie: prefs=p1; Path=/; Secure; SameSite=None")
    );
    // The single-entry conversion is the same function.
    let _ = entry_to_audit_response;
}
