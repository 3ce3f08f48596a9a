//! Property tests: the parsers and the jar never panic on arbitrary bytes, a
//! stored cookie survives serialise → parse → store unchanged, and cookie dates
//! round-trip through their IMF-fixdate form.

use cookie_doctor_cookie::{
    Api, Cookie, CookieJar, CookieUrl, Env, GetContext, Policy, SetContext, SetOutcome, Time,
    parse_cookie_date, parse_set_cookie,
};
use cookie_doctor_site::BuiltinPsl;
use proptest::prelude::*;

const NOW: Time = Time::from_unix(1_700_000_000);

/// URLs of every kind the jar treats differently: insecure, secure, an IP
/// address, IPv6 loopback, and a loopback name.
const URLS: &[&str] = &[
    "http://example.com/a/b",
    "https://www.example.co.uk/account/login",
    "http://192.168.0.1/x/y",
    "http://[::1]:8080/",
    "http://localhost/app/",
];

/// Pieces that Set-Cookie lines are made of, so that random lines reach the
/// attribute and date code, not only the control-character check.
fn cookie_ish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"; ".to_vec()),
        Just(b";".to_vec()),
        Just(b"=".to_vec()),
        Just(b" ".to_vec()),
        Just(b"\t".to_vec()),
        Just(b"sid=abc".to_vec()),
        Just(b"__Host-".to_vec()),
        Just(b"__Secure-".to_vec()),
        Just(b"__Http-".to_vec()),
        Just(b"__host-http-".to_vec()),
        Just(b"Expires=".to_vec()),
        Just(b"Max-Age=".to_vec()),
        Just(b"Domain=".to_vec()),
        Just(b"Path=".to_vec()),
        Just(b"Secure".to_vec()),
        Just(b"HttpOnly".to_vec()),
        Just(b"SameSite=".to_vec()),
        Just(b"None".to_vec()),
        Just(b"Lax".to_vec()),
        Just(b"Partitioned".to_vec()),
        Just(b"Wed, 09 Jun 2021 10:18:14 GMT".to_vec()),
        Just(b"-1".to_vec()),
        Just(b"0".to_vec()),
        Just(b"99999999999999999999".to_vec()),
        Just(b".".to_vec()),
        Just(b"/".to_vec()),
        Just(b"example.com".to_vec()),
        Just(b"co.uk".to_vec()),
        Just(b"localhost".to_vec()),
        Just(b"192.168.0.1".to_vec()),
        Just("élève".as_bytes().to_vec()),
        proptest::collection::vec(any::<u8>(), 0..8),
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

fn any_line() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![proptest::collection::vec(any::<u8>(), 0..600), cookie_ish()]
}

/// Date-like text: date tokens and delimiters in any order.
fn date_ish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        "[0-9]{1,5}".prop_map(String::into_bytes),
        "[0-9]{1,3}:[0-9]{1,3}:[0-9]{1,3}".prop_map(String::into_bytes),
        "(?i)(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}"
            .prop_map(String::into_bytes),
        "[ ,\\-/;\t]{1,3}".prop_map(String::into_bytes),
        "(Wed|Wednesday|GMT|UTC)".prop_map(String::into_bytes),
        proptest::collection::vec(any::<u8>(), 0..4),
    ];
    proptest::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
}

fn env(policy: &Policy) -> Env<'_> {
    Env {
        now: NOW,
        psl: &BuiltinPsl,
        policy,
    }
}

fn set_context(url: &CookieUrl, api: Api) -> SetContext<'_> {
    match api {
        Api::Http => SetContext::top_level(url),
        Api::Script => SetContext::script(url),
    }
}

fn get_context(url: &CookieUrl, api: Api) -> GetContext<'_> {
    match api {
        Api::Http => GetContext::top_level(url),
        Api::Script => GetContext::script(url),
    }
}

/// A well-formed cookie: RFC 6265bis `token` name, `cookie-octet` value and
/// attributes the storage model accepts over https.
#[derive(Clone, Debug)]
struct WellFormed {
    name: String,
    value: String,
    domain: Option<&'static str>,
    path: Option<String>,
    secure: bool,
    http_only: bool,
    same_site: Option<&'static str>,
    max_age: Option<i64>,
}

impl WellFormed {
    fn line(&self) -> String {
        let mut line = format!("{}={}", self.name, self.value);
        if let Some(d) = self.domain {
            line.push_str("; Domain=");
            line.push_str(d);
        }
        if let Some(p) = &self.path {
            line.push_str("; Path=");
            line.push_str(p);
        }
        if self.secure {
            line.push_str("; Secure");
        }
        if self.http_only {
            line.push_str("; HttpOnly");
        }
        if let Some(s) = self.same_site {
            line.push_str("; SameSite=");
            line.push_str(s);
        }
        if let Some(m) = self.max_age {
            line.push_str(&format!("; Max-Age={m}"));
        }
        line
    }
}

fn well_formed() -> impl Strategy<Value = WellFormed> {
    (
        // token: 1*tchar (no prefixes: those have their own requirements).
        "[A-Za-z0-9!#$%&'*+.^`|~][A-Za-z0-9!#$%&'*+.^_`|~-]{0,19}",
        // *cookie-octet: %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E
        "[\\x21\\x23-\\x2B\\x2D-\\x3A\\x3C-\\x5B\\x5D-\\x7E]{0,40}",
        prop_oneof![
            Just(None),
            Just(Some("example.com")),
            Just(Some("www.example.com"))
        ],
        proptest::option::of("(/[A-Za-z0-9._~%-]{0,8}){1,4}"),
        any::<bool>(),
        any::<bool>(),
        prop_oneof![
            Just(None),
            Just(Some("Strict")),
            Just(Some("Lax")),
            Just(Some("None"))
        ],
        proptest::option::of(1i64..10_000_000),
    )
        .prop_map(
            |(name, value, domain, path, secure, http_only, same_site, max_age)| WellFormed {
                name,
                value,
                domain,
                path,
                // SameSite=None needs Secure (§5.7 step 19).
                secure: secure || same_site == Some("None"),
                http_only,
                same_site,
                max_age,
            },
        )
}

fn stored(outcome: SetOutcome) -> Option<Cookie> {
    match outcome {
        SetOutcome::Stored { cookie, .. } => Some(cookie),
        _ => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parse_set_cookie_never_panics(line in any_line()) {
        if let Ok(c) = parse_set_cookie(&line) {
            prop_assert!(c.name.len() + c.value.len() <= 4096);
            prop_assert!(!(c.name.is_empty() && c.value.is_empty()));
        }
    }

    #[test]
    fn parse_cookie_date_never_panics(
        input in prop_oneof![proptest::collection::vec(any::<u8>(), 0..200), date_ish()]
    ) {
        if let Some(t) = parse_cookie_date(&input) {
            let (year, ..) = t.to_utc();
            prop_assert!((1601..=9999).contains(&year), "year {year} from {input:?}");
        }
    }

    #[test]
    fn jar_never_panics(
        lines in proptest::collection::vec((any_line(), any::<bool>()), 1..6),
        url_index in 0..URLS.len(),
    ) {
        let policy = Policy::rfc6265bis();
        let env = env(&policy);
        let url = CookieUrl::parse(URLS[url_index]).unwrap();
        let mut jar = CookieJar::new();
        for (line, script) in &lines {
            let api = if *script { Api::Script } else { Api::Http };
            let outcome = jar.set(line, &set_context(&url, api), &env);
            if let SetOutcome::Rejected { reasons, .. } = &outcome {
                prop_assert!(!reasons.is_empty(), "a rejection names a reason");
            }
        }
        for api in [Api::Http, Api::Script] {
            let retrieval = jar.retrieve(&get_context(&url, api), &env);
            let _ = retrieval.cookie_header();
            let _ = jar.document_cookie(&GetContext::script(&url), &env);
        }
    }

    #[test]
    fn stored_cookie_round_trips_through_its_set_cookie_line(
        cookie in well_formed(),
        url in prop_oneof![
            Just("https://www.example.com/app/page"),
            Just("https://www.example.com/"),
        ],
    ) {
        let policy = Policy::rfc6265bis();
        let env = env(&policy);
        let url = CookieUrl::parse(url).unwrap();
        let line = cookie.line();
        let mut jar = CookieJar::new();
        let outcome = jar.set(line.as_bytes(), &SetContext::top_level(&url), &env);
        let first = stored(outcome.clone());
        prop_assert!(first.is_some(), "{line:?} was not stored: {outcome:?}");
        let first = first.unwrap();

        let again = first.to_set_cookie_line(NOW);
        let mut fresh = CookieJar::new();
        let outcome = fresh.set(again.as_bytes(), &SetContext::top_level(&url), &env);
        let second = stored(outcome.clone());
        prop_assert!(second.is_some(), "{again:?} (from {line:?}) was not stored: {outcome:?}");
        let second = second.unwrap();

        prop_assert_eq!(&first.name, &second.name, "{} → {}", line, again);
        prop_assert_eq!(&first.value, &second.value, "{} → {}", line, again);
        prop_assert_eq!(&first.domain, &second.domain, "{} → {}", line, again);
        prop_assert_eq!(first.host_only, second.host_only, "{} → {}", line, again);
        prop_assert_eq!(&first.path, &second.path, "{} → {}", line, again);
        prop_assert_eq!(first.secure, second.secure, "{} → {}", line, again);
        prop_assert_eq!(first.http_only, second.http_only, "{} → {}", line, again);
        prop_assert_eq!(first.same_site, second.same_site, "{} → {}", line, again);
        prop_assert_eq!(first.expiry, second.expiry, "{} → {}", line, again);
    }

    #[test]
    fn http_date_round_trips(
        seconds in Time::from_utc(1601, 1, 1, 0, 0, 0).unwrap().unix()
            ..=Time::from_utc(9999, 12, 31, 23, 59, 59).unwrap().unix()
    ) {
        let t = Time::from_unix(seconds);
        let text = t.to_http_date();
        prop_assert_eq!(parse_cookie_date(text.as_bytes()), Some(t), "{}", text);
    }
}

#[test]
fn http_date_round_trips_at_the_edges() {
    for (y, mo, d, h, mi, s) in [
        (1601, 1, 1, 0, 0, 0),
        (1969, 12, 31, 23, 59, 59),
        (1970, 1, 1, 0, 0, 0),
        (2000, 2, 29, 12, 0, 0),
        (2069, 12, 31, 23, 59, 59),
        (9999, 12, 31, 23, 59, 59),
    ] {
        let t = Time::from_utc(y, mo, d, h, mi, s).unwrap();
        assert_eq!(parse_cookie_date(t.to_http_date().as_bytes()), Some(t));
    }
}
