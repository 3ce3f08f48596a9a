//! Fuzz target: the CSP `frame-ancestors` parser, the framing checks and CORS.
//!
//! Arbitrary bytes (read as lossy UTF-8) go through `parse_frame_ancestors` and
//! each parsed list is matched against a few fixed origins; the same text is used
//! as a `Content-Security-Policy` and `X-Frame-Options` value for
//! `check_framing` under both path modes; and, split into lines, as a response
//! header list for `cors_check`, `check_preflight` and as a request header list
//! for `preflight_for`. Nothing may panic, and a few invariants must hold.
#![no_main]

use std::sync::OnceLock;

use cookie_doctor_fetch::cors::{
    CorsOptions, allow_origin_is_dynamic_without_vary, check_preflight, check_preflight_with,
    cors_check, preflight_for,
};
use cookie_doctor_fetch::framing::{
    AncestorPaths, FramingOptions, check_framing, check_framing_with, parse_frame_ancestors,
};
use cookie_doctor_fetch::{CorsRequest, CredentialsMode, Headers};
use cookie_doctor_site::Origin;
use libfuzzer_sys::fuzz_target;

fn origins() -> &'static [Origin] {
    static ORIGINS: OnceLock<Vec<Origin>> = OnceLock::new();
    ORIGINS.get_or_init(|| {
        [
            "https://app.example",
            "https://partner.example",
            "http://app.example",
            "https://a.b.example.com:8443",
            "http://127.0.0.1:8000",
        ]
        .iter()
        .map(|s| match Origin::parse(s) {
            Ok(o) => o,
            Err(e) => unreachable!("fixed origin must parse: {e}"),
        })
        .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let origins = origins();
    let [app, partner, rest @ ..] = origins else {
        return;
    };

    // The parser, and matching each list against every origin.
    for policy in parse_frame_ancestors(&text) {
        for ancestor in origins {
            let spec = policy.allows_with(ancestor, app, AncestorPaths::Match);
            let lenient = policy.allows_with(ancestor, app, AncestorPaths::Ignore);
            // Ignoring paths can only allow more.
            assert!(!spec || lenient, "{text:?}: path-ignoring refused what spec allowed");
        }
    }

    // Framing: the text as a CSP header and as an XFO header.
    let csp = Headers::from_lines(&[format!("Content-Security-Policy: {text}")]);
    let xfo = Headers::from_lines(&[format!("X-Frame-Options: {text}")]);
    let lines: Vec<&str> = text.lines().collect();
    let raw = Headers::from_lines(&lines);
    let chains: [&[Origin]; 4] = [&[], std::slice::from_ref(app), &[app.clone(), partner.clone()], rest];
    let firefox = FramingOptions {
        ancestor_paths: AncestorPaths::Ignore,
    };
    for response in [&csp, &xfo, &raw] {
        for ancestors in chains {
            let result = check_framing(response, app, ancestors);
            let _ = check_framing_with(response, app, ancestors, firefox);
            if ancestors.is_empty() {
                assert_eq!(result, Ok(()), "a top-level document is never refused");
            }
            if let Err(reasons) = result {
                assert_eq!(reasons.len(), 1);
            }
        }
    }

    // CORS: the lines as response headers and as author request headers.
    let none = Headers::new();
    for credentials in [CredentialsMode::Omit, CredentialsMode::SameOrigin, CredentialsMode::Include] {
        for method in ["GET", "put", "PATCH", text.as_ref()] {
            for request_headers in [&none, &raw] {
                let req = CorsRequest {
                    origin: app,
                    method,
                    headers: request_headers,
                    credentials,
                };
                let check = cors_check(&req, &raw);
                if let Err(reasons) = &check {
                    assert!(!reasons.is_empty());
                }
                let _ = allow_origin_is_dynamic_without_vary(&req, &raw);
                if let Some(preflight) = preflight_for(&req) {
                    let mut sorted = preflight.headers.clone();
                    sorted.sort();
                    sorted.dedup();
                    assert_eq!(sorted, preflight.headers);
                    let strict = check_preflight(&req, &preflight, 204, &raw);
                    let lenient = check_preflight_with(
                        &req,
                        &preflight,
                        204,
                        &raw,
                        CorsOptions {
                            authorization_covered_by_wildcard: true,
                        },
                    );
                    assert!(strict.is_err() || lenient.is_ok());
                    // A passing preflight implies a passing CORS check.
                    if strict.is_ok() {
                        assert!(check.is_ok());
                    }
                    let _ = check_preflight(&req, &preflight, 500, &raw);
                }
            }
        }
    }
});
