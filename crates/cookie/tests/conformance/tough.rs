//! `other-tough-cookie.jsonl`: tough-cookie's parse, domainMatch, pathMatch,
//! defaultPath and canonicalDomain tables, mapped onto our functions.
//!
//! * `Cookie.parse` → [`parse_set_cookie`], seen through tough-cookie's field
//!   names and matched like `expect.objectContaining` (only listed fields).
//!   `domain` is the Domain attribute as the storage model reads it (lowercase,
//!   one leading dot removed, empty = none); `path` is an explicit Path (a Path
//!   that falls back to the default-path is null, as tough-cookie leaves it);
//!   `expires` "Infinity" means no usable Expires; `sameSite` "__undefined__"
//!   means no recognised value. Our parser keeps no list of unknown attributes,
//!   only the fact that there were some: `extensions` is compared as
//!   "some" (a non-empty list) or "none" (null).
//! * `domainMatch(domain, cookieDomain)` → [`domain_match`] after canonicalising
//!   the request host with [`Host::parse`] and the cookie domain as §5.6.3 does
//!   (one leading dot removed) plus the same host canonicalisation;
//!   `canonicalize=false` compares the strings as given.
//! * `pathMatch` → [`path_match`], `defaultPath` → [`default_path`],
//!   `canonicalDomain` → [`Host::parse`] of the name without its leading dot.
//!
//! JavaScript `null` / `undefined` inputs have no counterpart in a Rust API
//! taking bytes: those rows are not applicable. tough-cookie writes IPv6 hosts
//! without brackets; we add them before parsing and remove them for comparison.

use cookie_doctor_cookie::{
    ParseNotes, PathAttribute, SameSite, Time, default_path, parse_set_cookie, path_match,
};
use cookie_doctor_site::{Host, domain_match};
use serde_json::{Map, Value, json};

use crate::common::{Case, Verdict, id_of, show, str_field};

pub fn run(records: &[Value]) -> Vec<Case> {
    records
        .iter()
        .map(|r| Case::new(id_of(r), run_one(r)))
        .collect()
}

const NULL_INPUT: &str =
    "JavaScript null/undefined input: a Rust API taking bytes has no such value";

fn run_one(r: &Value) -> Verdict {
    let function = str_field(r, "function");
    let expected = r.get("expected").cloned().unwrap_or(Value::Null);
    let args: Vec<Value> = r
        .get("args")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if function == "Cookie.parse" {
        let input = match r.get("input") {
            Some(Value::String(s)) => expand_repeat(s),
            Some(Value::Object(o)) => match o.get("__StringObject").and_then(Value::as_str) {
                // `new String("")`: the same characters as the primitive string.
                Some(s) => s.to_string(),
                None => return Verdict::Fail("unknown input object".into()),
            },
            _ => return Verdict::NotApplicable(NULL_INPUT.into()),
        };
        return parse_case(&input, &expected);
    }
    if args.iter().any(Value::is_null) {
        return Verdict::NotApplicable(NULL_INPUT.into());
    }
    let arg = |i: usize| args.get(i).and_then(Value::as_str).unwrap_or_default();
    let actual = if function.starts_with("domainMatch") {
        let canonicalize = !function.contains("canonicalize=false");
        match tough_domain_match(arg(0), arg(1), canonicalize) {
            Ok(m) => Value::from(m),
            Err(why) => return Verdict::NotApplicable(why.into()),
        }
    } else if function.starts_with("pathMatch") {
        Value::from(path_match(arg(0).as_bytes(), arg(1).as_bytes()))
    } else if function.starts_with("defaultPath") {
        Value::from(String::from_utf8_lossy(default_path(arg(0).as_bytes())).into_owned())
    } else if function.starts_with("canonicalDomain") {
        canonical_domain(arg(0)).map_or(Value::from("error"), Value::from)
    } else {
        return Verdict::Fail(format!("unknown function {function}"));
    };
    if actual == expected {
        Verdict::Pass
    } else {
        Verdict::Fail(format!(
            "{function} {}\n      expected: {expected}\n      actual:   {actual}",
            Value::from(args.clone())
        ))
    }
}

/// `<REPEAT x>` stands for x repeated 65535 times.
fn expand_repeat(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("<REPEAT ") {
        out.push_str(&rest[..start]);
        let after = &rest[start + "<REPEAT ".len()..];
        let end = after.find('>').unwrap();
        out.push_str(&after[..end].repeat(65535));
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

fn iso(t: Time) -> String {
    let (y, mo, d, h, mi, s) = t.to_utc();
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.000Z")
}

/// Our parse of `input`, under tough-cookie's field names.
fn parse_view(input: &str) -> Value {
    let Ok(c) = parse_set_cookie(input.as_bytes()) else {
        return Value::Null;
    };
    let domain = c
        .domain
        .map(|d| String::from_utf8_lossy(d).to_ascii_lowercase());
    let mut m = Map::new();
    m.insert("key".into(), Value::from(String::from_utf8_lossy(c.name)));
    m.insert(
        "value".into(),
        Value::from(String::from_utf8_lossy(c.value)),
    );
    m.insert(
        "expires".into(),
        Value::from(c.expires.map_or("Infinity".to_string(), iso)),
    );
    m.insert("maxAge".into(), c.max_age.map_or(Value::Null, Value::from));
    m.insert(
        "domain".into(),
        domain
            .filter(|d| !d.is_empty())
            .map_or(Value::Null, Value::from),
    );
    m.insert(
        "path".into(),
        match c.path {
            Some(PathAttribute::Explicit(p)) => Value::from(String::from_utf8_lossy(p)),
            _ => Value::Null,
        },
    );
    m.insert("secure".into(), Value::from(c.secure));
    m.insert("httpOnly".into(), Value::from(c.http_only));
    m.insert(
        "sameSite".into(),
        Value::from(match c.same_site {
            Some(SameSite::Strict) => "strict",
            Some(SameSite::Lax) => "lax",
            Some(SameSite::None) => "none",
            Some(SameSite::Default) | None => "__undefined__",
        }),
    );
    m.insert(
        "extensions".into(),
        if c.notes.contains(ParseNotes::UNKNOWN_ATTRIBUTE) {
            Value::from("some")
        } else {
            Value::Null
        },
    );
    Value::Object(m)
}

fn parse_case(input: &str, expected: &Value) -> Verdict {
    let view = parse_view(input);
    let ok = match (expected, &view) {
        (Value::Null, Value::Null) => true,
        (Value::Object(want), Value::Object(got)) => want.iter().all(|(k, v)| {
            let v = if k == "extensions" && v.as_array().is_some_and(|a| !a.is_empty()) {
                json!("some")
            } else {
                v.clone()
            };
            got.get(k) == Some(&v)
        }),
        _ => false,
    };
    if ok {
        Verdict::Pass
    } else {
        Verdict::Fail(format!(
            "Cookie.parse {}\n      expected (objectContaining): {expected}\n      actual:   {view}",
            show(input.as_bytes())
        ))
    }
}

fn bracket_ipv6(host: &str) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_string()
    }
}

fn unbracket(host: String) -> String {
    match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(h) => h.to_string(),
        None => host,
    }
}

/// `canonicalDomain`: the name without a leading dot, canonicalised as a host.
fn canonical_domain(s: &str) -> Option<String> {
    let s = s.strip_prefix('.').unwrap_or(s);
    Host::parse(&bracket_ipv6(s))
        .ok()
        .map(|h| unbracket(h.to_string()))
}

/// domainMatch. With canonicalisation, the request host must be a host (the URL
/// host parser accepts it) and the cookie domain non-empty once §5.6.3 has removed
/// its leading dot: other strings never reach domain-match in our model (no
/// request carries a non-host; an empty domain-attribute makes a host-only
/// cookie, which is compared for identity instead).
fn tough_domain_match(
    domain: &str,
    cookie_domain: &str,
    canonicalize: bool,
) -> Result<bool, &'static str> {
    if !canonicalize {
        let is_ip = domain.parse::<std::net::IpAddr>().is_ok();
        return Ok(domain_match(domain, is_ip, cookie_domain));
    }
    const NOT_A_HOST: &str = "tough-cookie matches any string; ours takes canonical hosts, and the \
                              URL host parser (so every browser) refuses this request host";
    const EMPTY_DOMAIN: &str = "the cookie domain is empty once §5.6.3 removes its leading dot: \
                                the storage model makes such a cookie host-only and never \
                                domain-matches it";
    let Ok(host) = Host::parse(&bracket_ipv6(domain)) else {
        return Err(NOT_A_HOST);
    };
    let cookie_domain = cookie_domain.strip_prefix('.').unwrap_or(cookie_domain);
    if cookie_domain.is_empty() {
        return Err(EMPTY_DOMAIN);
    }
    let Ok(cd) = Host::parse(&bracket_ipv6(cookie_domain)) else {
        // Not a host either: it can match nothing.
        return Ok(false);
    };
    Ok(domain_match(
        &host.to_string(),
        host.is_ip(),
        &cd.to_string(),
    ))
}
