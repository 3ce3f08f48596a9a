//! Fuzz target: `check`'s whole path on arbitrary input — the Set-Cookie lines
//! and extra response headers a user pastes, through the fix editor
//! (`CookieLine`), the delivery matrix (the engine in every profile and
//! context), every rule and every fix.
//!
//! The input is split into lines: lines starting with `H ` become `--header`
//! values, the rest Set-Cookie lines (at most 8 of each, as a user pastes). The
//! URL and the embedder/caller are fixed so that every context runs. Nothing may
//! panic; every fix's header must name its header; the report keeps one entry
//! per line with 36 verdicts.
#![no_main]

use cookie_doctor_cookie::Time;
use cookie_doctor_diagnose::check::check;
use cookie_doctor_diagnose::fix::CookieLine;
use cookie_doctor_diagnose::matrix::Deployment;
use cookie_doctor_site::{BuiltinPsl, Origin};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut lines = Vec::new();
    let mut headers = Vec::new();
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("H ") {
            if headers.len() < 8 {
                headers.push(h.to_string());
            }
        } else if lines.len() < 8 {
            lines.push(line.to_string());
        }
    }
    // The editor round-trips what it parsed through the whole header it writes
    // (a bare value is ambiguous: `Set-Cookie: Set-Cookie: a=b` names its cookie
    // `Set-Cookie: a`, whose value line reads again as a header).
    for line in &lines {
        let parsed = CookieLine::parse(line);
        let again = CookieLine::parse(&parsed.header());
        assert_eq!(again.value_line(), parsed.value_line());
    }
    let (Ok(url), Ok(embedder), Ok(caller)) = (
        url::Url::parse("https://app.example.com/account"),
        Origin::parse("https://partner.example"),
        Origin::parse("https://spa.example"),
    ) else {
        return;
    };
    let deployment = Deployment {
        url,
        embedded_in: vec![embedder],
        called_from: vec![caller],
        headers,
    };
    let profiles = cookie_doctor_profiles::builtin();
    let report = check(&lines, &deployment, &profiles, &BuiltinPsl, Time::from_unix(1_795_435_200));
    assert_eq!(report.cookies.len(), lines.len());
    for cookie in &report.cookies {
        assert_eq!(cookie.verdicts.len(), profiles.len() * 6);
    }
    for finding in &report.findings {
        if let Some(fix) = &finding.fix {
            assert!(fix.header.contains(':'), "{}: fix header without a name", finding.code);
        }
    }
});
