//! Canonical hosts (RFC 6265bis §5.1.2) and domain-match (§5.1.3).

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

/// The longest host name we accept (DNS allows 253 octets; a little slack for a
/// trailing dot). Longer input is refused rather than processed.
pub const MAX_HOST_LEN: usize = 255;

/// A canonical host: what cookies are keyed on.
///
/// A domain is lowercase ASCII (IDNA A-labels) and keeps a trailing dot if it had
/// one, because browsers treat `example.com.` and `example.com` as different hosts.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Host {
    /// A domain name, canonical (lowercase ASCII, A-labels).
    Domain(Arc<str>),
    /// An IPv4 literal.
    Ipv4(Ipv4Addr),
    /// An IPv6 literal (written `[::1]` in URLs).
    Ipv6(Ipv6Addr),
}

/// Why a host could not be canonicalised.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HostError {
    /// The host is empty.
    #[error("the host is empty")]
    Empty,
    /// The host is longer than [`MAX_HOST_LEN`] octets.
    #[error("the host is {0} octets long, more than the {MAX_HOST_LEN} allowed")]
    TooLong(usize),
    /// IDNA processing or the URL host parser refused the host.
    #[error("`{0}` is not a valid host name (IDNA or forbidden code point)")]
    Invalid(String),
}

impl Host {
    /// RFC 6265bis §5.1.2: canonicalise a host as the URL parser does (lowercase,
    /// IDNA UTS #46 to A-labels, IPv4 number forms, `[…]` IPv6).
    pub fn parse(input: &str) -> Result<Host, HostError> {
        if input.is_empty() {
            return Err(HostError::Empty);
        }
        if input.len() > MAX_HOST_LEN * 4 {
            return Err(HostError::TooLong(input.len()));
        }
        // Fast path: already canonical ASCII (lowercase LDH, dots), which is most input.
        let host = if is_canonical_ascii_domain(input) && !looks_like_ipv4(input) {
            Host::Domain(input.into())
        } else {
            match url::Host::parse(input) {
                Ok(url::Host::Domain(d)) => Host::Domain(d.into()),
                Ok(url::Host::Ipv4(a)) => Host::Ipv4(a),
                Ok(url::Host::Ipv6(a)) => Host::Ipv6(a),
                Err(_) => return Err(HostError::Invalid(truncate_for_message(input))),
            }
        };
        if let Host::Domain(d) = &host {
            if d.is_empty() {
                return Err(HostError::Empty);
            }
            if d.len() > MAX_HOST_LEN {
                return Err(HostError::TooLong(d.len()));
            }
        }
        Ok(host)
    }

    /// Converts a host the `url` crate already parsed.
    pub fn from_url_host(host: url::Host<&str>) -> Host {
        match host {
            // The URL parser already lowercases the hosts of special schemes.
            url::Host::Domain(d) if !d.bytes().any(|b| b.is_ascii_uppercase()) => {
                Host::Domain(d.into())
            }
            url::Host::Domain(d) => Host::Domain(d.to_ascii_lowercase().into()),
            url::Host::Ipv4(a) => Host::Ipv4(a),
            url::Host::Ipv6(a) => Host::Ipv6(a),
        }
    }

    /// The domain name, or `None` for an IP literal.
    pub fn domain(&self) -> Option<&str> {
        match self {
            Host::Domain(d) => Some(d),
            _ => None,
        }
    }

    /// Whether the host is an IP address literal.
    pub fn is_ip(&self) -> bool {
        !matches!(self, Host::Domain(_))
    }

    /// Whether this is a loopback host: `localhost` (and `*.localhost`), 127.0.0.0/8
    /// or `::1`. Secure Contexts §3.1 treats these as potentially trustworthy.
    pub fn is_loopback(&self) -> bool {
        match self {
            Host::Domain(d) => {
                let d = d.strip_suffix('.').unwrap_or(d);
                d == "localhost" || d.ends_with(".localhost")
            }
            Host::Ipv4(a) => a.is_loopback(),
            Host::Ipv6(a) => a.is_loopback(),
        }
    }

    /// The host as it appears in a cookie's domain field: the name, or the IP
    /// address (IPv6 in brackets, as Chromium and the URL serialiser write it).
    pub fn as_cookie_domain(&self) -> String {
        self.to_string()
    }

    /// Appends the host as `Display` writes it; a domain without the
    /// formatting machinery (the engine writes hosts into every trace).
    pub fn push_to(&self, out: &mut String) {
        match self {
            Host::Domain(d) => out.push_str(d),
            other => {
                use fmt::Write as _;
                // Writing into a String cannot fail.
                let _ = write!(out, "{other}");
            }
        }
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Domain(d) => f.write_str(d),
            Host::Ipv4(a) => write!(f, "{a}"),
            // WHATWG URL "host serializer" / "IPv6 serializer": lowercase hex, the
            // longest run of zero pieces compressed, and no dotted-quad tail, so
            // `[::ffff:127.0.0.1]` is `[::ffff:7f00:1]`, as browsers write the host
            // (and so the cookie domain, RFC 6265bis §5.1.2). Rust's `Ipv6Addr`
            // display keeps the dotted tail for IPv4-mapped addresses.
            Host::Ipv6(a) => write!(f, "{}", url::Host::<&str>::Ipv6(*a)),
        }
    }
}

fn is_canonical_ascii_domain(s: &str) -> bool {
    // Labels starting with "xn--" still need IDNA validation ("fake A-labels").
    !s.starts_with('.')
        && !s.contains("..")
        && !s.contains("xn--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
}

/// The URL parser turns a host whose last label is numeric into an IPv4 address;
/// leave such hosts to it.
fn looks_like_ipv4(s: &str) -> bool {
    let s = s.strip_suffix('.').unwrap_or(s);
    s.rsplit('.')
        .next()
        .is_some_and(|last| last.bytes().all(|b| b.is_ascii_digit()) || last.starts_with("0x"))
}

pub(crate) fn truncate_for_message(s: &str) -> String {
    const LIMIT: usize = 80;
    if s.len() <= LIMIT {
        return s.to_string();
    }
    let mut end = LIMIT;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// RFC 6265bis §5.1.3 "Domain Matching": does `host` domain-match `domain`?
///
/// True when the two are identical, or when `domain` is a suffix of `host`, the
/// character before it in `host` is `.`, and `host` is a host name (not an IP).
/// Both strings must already be canonical (lowercase).
pub fn domain_match(host: &str, host_is_ip: bool, domain: &str) -> bool {
    if host == domain {
        return true;
    }
    if host_is_ip || domain.is_empty() {
        return false;
    }
    host.len() > domain.len()
        && host.ends_with(domain)
        && host.as_bytes().get(host.len() - domain.len() - 1) == Some(&b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonicalises_case_idna_and_ip_forms() {
        assert_eq!(
            Host::parse("Example.COM").unwrap(),
            Host::Domain("example.com".into())
        );
        assert_eq!(
            Host::parse("example.com.").unwrap(),
            Host::Domain("example.com.".into())
        );
        assert_eq!(
            Host::parse("élève.web-platform.test").unwrap(),
            Host::Domain("xn--lve-6lad.web-platform.test".into())
        );
        assert_eq!(
            Host::parse("0x7f.1").unwrap(),
            Host::Ipv4(Ipv4Addr::new(127, 0, 0, 1))
        );
        assert_eq!(
            Host::parse("1.2.3.4").unwrap(),
            Host::Ipv4(Ipv4Addr::new(1, 2, 3, 4))
        );
        assert_eq!(
            Host::parse("[::1]").unwrap(),
            Host::Ipv6(Ipv6Addr::LOCALHOST)
        );
        assert!(matches!(Host::parse("a b"), Err(HostError::Invalid(_))));
        assert!(matches!(
            Host::parse("xn--élève.com"),
            Err(HostError::Invalid(_))
        ));
        assert_eq!(Host::parse(""), Err(HostError::Empty));
    }

    #[test]
    fn ipv6_serialises_as_the_url_parser_does() {
        let mapped = Host::parse("[::ffff:127.0.0.1]").unwrap();
        assert_eq!(mapped.to_string(), "[::ffff:7f00:1]");
        assert_eq!(
            Host::parse("[2001:DB8:0:0:0:0:0:1]").unwrap().to_string(),
            "[2001:db8::1]"
        );
        assert_eq!(Host::parse("[::1]").unwrap().to_string(), "[::1]");
    }

    #[test]
    fn loopback_hosts() {
        assert!(Host::parse("localhost").unwrap().is_loopback());
        assert!(Host::parse("app.localhost").unwrap().is_loopback());
        assert!(Host::parse("127.0.0.2").unwrap().is_loopback());
        assert!(Host::parse("[::1]").unwrap().is_loopback());
        assert!(!Host::parse("localhost.example").unwrap().is_loopback());
    }

    #[test]
    fn domain_match_follows_5_1_3() {
        assert!(domain_match("www.example.com", false, "example.com"));
        assert!(domain_match("example.com", false, "example.com"));
        assert!(!domain_match("badexample.com", false, "example.com"));
        assert!(!domain_match("example.com", false, "www.example.com"));
        assert!(!domain_match("1.2.3.4", true, "2.3.4"));
        assert!(domain_match("1.2.3.4", true, "1.2.3.4"));
    }
}
