//! Fuzz target: host canonicalisation and what is built on it.
//!
//! Arbitrary UTF-8 goes through `Host::parse`; a host that parses is looked up in
//! the Public Suffix List, explained, made into an https site, and re-parsed from
//! its display form (which must give the same host). The text is also tried as the
//! host of `https://<input>/` through `CookieUrl::parse`.
#![no_main]

use cookie_doctor_cookie::CookieUrl;
use cookie_doctor_site::{BuiltinPsl, Host, Origin, PublicSuffixList, Scheme, Site, explain_host};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let psl = BuiltinPsl;
    if let Ok(host) = Host::parse(input) {
        if let Some(domain) = host.domain() {
            if let Some(registrable) = psl.registrable_domain(domain) {
                assert!(domain.ends_with(registrable));
            }
            let _ = psl.is_public_suffix(domain);
        }
        let explanation = explain_host(&host, &psl);
        assert_eq!(explanation.host, host);
        let origin = Origin {
            scheme: Scheme::parse("https"),
            host: host.clone(),
            port: None,
        };
        let site = Site::of(&origin, &psl);
        let _ = site.to_string();
        let shown = host.to_string();
        assert_eq!(
            Host::parse(&shown).as_ref(),
            Ok(&host),
            "{input:?} canonicalised to {shown:?}, which does not re-parse to itself"
        );
    }
    if let Ok(url) = CookieUrl::parse(&format!("https://{input}/")) {
        let _ = url.site(&psl);
        let _ = url.to_string();
    }
});
