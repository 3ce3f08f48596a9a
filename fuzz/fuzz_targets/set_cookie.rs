//! Fuzz target: the Set-Cookie parser and the jar behind it.
//!
//! Arbitrary bytes go through `parse_set_cookie`, then through `CookieJar::set`
//! as a Set-Cookie header on a fixed https URL, through retrieval, and through a
//! `document.cookie` write and read. Nothing may panic.
#![no_main]

use std::sync::OnceLock;

use cookie_doctor_cookie::{
    CookieJar, CookieUrl, Env, GetContext, Policy, SetContext, SetOutcome, Time, parse_set_cookie,
};
use cookie_doctor_site::BuiltinPsl;
use libfuzzer_sys::fuzz_target;

const NOW: Time = Time::from_unix(1_700_000_000);

fn url() -> &'static CookieUrl {
    static URL: OnceLock<CookieUrl> = OnceLock::new();
    URL.get_or_init(
        || match CookieUrl::parse("https://app.example.co.uk/account/login") {
            Ok(u) => u,
            Err(e) => unreachable!("fixed URL must parse: {e}"),
        },
    )
}

fn policy() -> &'static Policy {
    static POLICY: OnceLock<Policy> = OnceLock::new();
    POLICY.get_or_init(Policy::rfc6265bis)
}

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = parse_set_cookie(data) {
        // The parser borrows from its input and keeps the name+value limit.
        assert!(parsed.name.len() + parsed.value.len() <= 4096);
    }

    let url = url();
    let env = Env {
        now: NOW,
        psl: &BuiltinPsl,
        policy: policy(),
    };
    let mut jar = CookieJar::new();
    let outcome = jar.set(data, &SetContext::top_level(url), &env);
    if let SetOutcome::Rejected { reasons, .. } = &outcome {
        assert!(!reasons.is_empty(), "a rejection must name a reason");
    }
    let sent = jar.retrieve(&GetContext::top_level(url), &env);
    let _ = sent.cookie_header();

    // The same bytes as a document.cookie write, then a script read.
    let _ = jar.set(data, &SetContext::script(url), &env);
    let _ = jar.document_cookie(&GetContext::script(url), &env);

    // A stored cookie serialises to a line the parser accepts again.
    for cookie in jar.cookies() {
        let line = cookie.to_set_cookie_line(NOW);
        let _ = parse_set_cookie(line.as_bytes());
    }
});
