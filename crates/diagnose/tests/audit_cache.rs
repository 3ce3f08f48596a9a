//! The shape cache of bulk audits must never change an answer: a synthetic
//! crawl is audited with and without the cache and every response's findings
//! must be equal; the cache must also have done its job (hits), and no shape
//! may have failed its check (that would mean a token the module docs call
//! opaque is not).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../benches/support/corpus.rs"]
mod corpus;

use std::sync::Arc;

use cookie_doctor_cookie::Time;
use cookie_doctor_diagnose::audit::{AuditResponse, Auditor};
use cookie_doctor_profiles::builtin;
use cookie_doctor_site::BuiltinPsl;
use serde::Deserialize;

#[derive(Deserialize)]
struct Line {
    url: String,
    #[serde(default)]
    headers: Vec<String>,
    #[serde(default)]
    embedded_in: Vec<String>,
    #[serde(default)]
    called_from: Vec<String>,
}

#[test]
fn cached_audit_equals_full_audit() {
    let lines = corpus::audit_lines(1500, 7);
    let responses: Vec<AuditResponse> = lines
        .iter()
        .filter_map(|l| serde_json::from_str::<Line>(l).ok())
        .map(|l| AuditResponse {
            url: l.url,
            status: Some(200),
            headers: l.headers,
            embedded_in: l.embedded_in,
            called_from: l.called_from,
        })
        .collect();
    assert!(responses.len() > 1400, "the corpus parses");
    let now = Time::from_unix(1_795_435_200);
    let cached = Auditor::new(builtin(), Arc::new(BuiltinPsl), now);
    let full = Auditor::new(builtin(), Arc::new(BuiltinPsl), now).without_cache();
    let mut with_findings = 0;
    for (i, r) in responses.iter().enumerate() {
        let a = cached.audit(r);
        let b = full.audit(r);
        assert_eq!(a, b, "response {i} ({}) differs with the cache", r.url);
        if a.as_ref().is_ok_and(|f| !f.is_empty()) {
            with_findings += 1;
        }
    }
    let stats = cached.stats();
    assert!(
        with_findings > 20,
        "the corpus has findings ({with_findings})"
    );
    assert_eq!(stats.untrusted_shapes, 0, "{stats:?}");
    // A small crawl repeats few shapes (a shape is reused from its third
    // response on); the cache must still have served some.
    assert!(
        stats.hits >= 50,
        "responses answered from their shape: {stats:?}"
    );
}
