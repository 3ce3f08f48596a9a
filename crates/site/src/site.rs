//! Registrable domains and schemeful sites (HTML "obtain a site", "same site").

use std::fmt;
use std::sync::Arc;

use crate::host::Host;
use crate::origin::{Origin, Scheme};
use crate::public_suffix::{PslSection, PublicSuffixList};

/// A registrable domain (eTLD+1): a domain with exactly one label before its
/// public suffix. Only [`Site::of`] and [`RegistrableDomain::of`] make one.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegistrableDomain(Arc<str>);

impl RegistrableDomain {
    /// The registrable domain of a host, or `None` for an IP address or a host
    /// that is itself a public suffix (`github.io`, `localhost`).
    pub fn of(host: &Host, psl: &dyn PublicSuffixList) -> Option<RegistrableDomain> {
        let Host::Domain(shared) = host else {
            return None;
        };
        // The registrable domain is a suffix of the host: as long as the host,
        // it is the host, and shares its text.
        psl.registrable_domain(shared).map(|d| {
            RegistrableDomain(if d.len() == shared.len() {
                shared.clone()
            } else {
                d.into()
            })
        })
    }

    /// The domain as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RegistrableDomain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A schemeful site: the scheme plus the registrable domain, or plus the whole
/// host when it has none (IP addresses, public suffixes, `localhost`).
///
/// HTML: "same site" for tuple origins compares exactly this pair.
///
/// Equality, hashing and order are those of the (scheme, host) pair; the
/// site also keeps its serialization, made once, because traces name the
/// site of every request.
#[derive(Clone, Debug)]
pub struct Site {
    scheme: Scheme,
    host: Host,
    /// `scheme://host`, a function of the two fields above.
    text: Arc<str>,
}

impl PartialEq for Site {
    fn eq(&self, other: &Site) -> bool {
        self.scheme == other.scheme && self.host == other.host
    }
}

impl Eq for Site {}

impl std::hash::Hash for Site {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.scheme.hash(state);
        self.host.hash(state);
    }
}

impl PartialOrd for Site {
    fn partial_cmp(&self, other: &Site) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Site {
    fn cmp(&self, other: &Site) -> std::cmp::Ordering {
        (&self.scheme, &self.host).cmp(&(&other.scheme, &other.host))
    }
}

impl Site {
    /// HTML "obtain a site" for a tuple origin.
    pub fn of(origin: &Origin, psl: &dyn PublicSuffixList) -> Site {
        let host = match RegistrableDomain::of(&origin.host, psl) {
            Some(domain) => Host::Domain(domain.0),
            None => origin.host.clone(),
        };
        let scheme = origin.scheme.site_scheme();
        let text = serialize(&scheme, &host).into();
        Site { scheme, host, text }
    }

    /// The scheme part.
    pub fn scheme(&self) -> &Scheme {
        &self.scheme
    }

    /// The registrable domain or host part.
    pub fn host(&self) -> &Host {
        &self.host
    }

    /// Schemeful same-site (HTML, RFC 6265bis §5.2): scheme and registrable domain equal.
    pub fn same_site(&self, other: &Site) -> bool {
        self == other
    }

    /// Scheme-less same-site, as browsers without schemeful same-site compare
    /// (Firefox release, Safari): only the registrable domain.
    pub fn same_site_ignoring_scheme(&self, other: &Site) -> bool {
        self.host == other.host
    }

    /// `scheme://host` as `Display` writes it, as a new `String`.
    pub fn serialized(&self) -> String {
        self.text.to_string()
    }

    /// `scheme://host`, shared: cloning it copies no text.
    pub fn text(&self) -> &Arc<str> {
        &self.text
    }
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// `scheme://host` in one allocation of the right size.
fn serialize(scheme: &Scheme, host: &Host) -> String {
    let scheme = scheme.as_str();
    // An IP host is at most 41 bytes: `[` + 39 for IPv6 + `]`.
    let host_len = host.domain().map_or(41, str::len);
    let mut out = String::with_capacity(scheme.len() + 3 + host_len);
    out.push_str(scheme);
    out.push_str("://");
    host.push_to(&mut out);
    out
}

/// What the Public Suffix List says about a host, for `cookie-doctor site`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteExplanation {
    /// The canonical host.
    pub host: Host,
    /// The public suffix, `None` for IP addresses.
    pub public_suffix: Option<String>,
    /// The section of the rule that decided the suffix.
    pub section: Option<PslSection>,
    /// The rule that decided it, as written in the list (`co.uk`, `*.ck`,
    /// `!www.ck`), or `*` for the implicit rule; `None` for IP addresses.
    pub rule: Option<String>,
    /// The registrable domain, `None` when the host is an IP or a public suffix.
    pub registrable_domain: Option<RegistrableDomain>,
}

/// Explains a host's place in the Public Suffix List.
pub fn explain_host(host: &Host, psl: &dyn PublicSuffixList) -> SiteExplanation {
    let found = host
        .domain()
        .and_then(|d| psl.public_suffix(d).map(|s| (d, s)));
    let (public_suffix, section, rule) = match found {
        Some((domain, suffix)) => {
            let text = domain
                .get(domain.len().saturating_sub(suffix.len)..)
                .unwrap_or(domain);
            (
                Some(text.to_string()),
                Some(suffix.section),
                Some(deciding_rule(domain, text, suffix.section, psl)),
            )
        }
        None => (None, None, None),
    };
    SiteExplanation {
        host: host.clone(),
        public_suffix,
        section,
        rule,
        registrable_domain: RegistrableDomain::of(host, psl),
    }
}

/// A label no list will ever name, to probe which rule shape applies.
const PROBE: &str = "cookie-doctor-probe-7f3a";

/// Reconstructs the list rule that made `suffix` the public suffix of `domain`,
/// by probing the list (the lists answer suffixes, not rules). PSL algorithm:
/// an exception rule `!x.y` makes `y` the suffix of `x.y` while a wildcard `*.y`
/// covers its siblings; a wildcard `*.y` makes any `z.y` a suffix; otherwise the
/// suffix is itself a rule.
fn deciding_rule(
    domain: &str,
    suffix: &str,
    section: PslSection,
    psl: &dyn PublicSuffixList,
) -> String {
    if section == PslSection::Implicit {
        return "*".to_string();
    }
    let suffix_of = |name: &str| psl.public_suffix(name).map(|s| s.len);
    // Exception: a sibling of the registrable domain would be a suffix itself.
    if let Some(registrable) = psl.registrable_domain(domain) {
        let sibling = format!("{PROBE}.{suffix}");
        if suffix_of(&sibling) == Some(sibling.len()) {
            return format!("!{registrable}");
        }
    }
    // Wildcard: a made-up label under the suffix's parent is a suffix too.
    if let Some((_, parent)) = suffix.split_once('.') {
        let probe = format!("{PROBE}.{parent}");
        if suffix_of(&probe) == Some(probe.len()) {
            return format!("*.{parent}");
        }
    }
    suffix.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BuiltinPsl;

    fn site(url: &str) -> Site {
        Site::of(&Origin::parse(url).unwrap(), &BuiltinPsl)
    }

    #[test]
    fn serialized_is_the_display_text() {
        for url in [
            "https://a.b.example.co.uk:8443/",
            "http://127.0.0.1:8080/",
            "https://[::ffff:127.0.0.1]/",
            "wss://chat.example/",
            "https://localhost/",
        ] {
            let s = site(url);
            // The kept text is the pair's serialization, as `Display` writes it.
            let pair = format!("{}://{}", s.scheme(), s.host());
            assert_eq!(s.serialized(), pair, "{url}");
            assert_eq!(s.to_string(), pair, "{url}");
            assert_eq!(&**s.text(), pair, "{url}");
        }
    }

    #[test]
    fn sites_use_registrable_domain_and_scheme() {
        assert_eq!(
            site("https://a.b.example.co.uk:8443/").to_string(),
            "https://example.co.uk"
        );
        assert!(site("https://app.example.com").same_site(&site("https://api.example.com")));
        assert!(!site("http://example.com").same_site(&site("https://example.com")));
        assert!(site("http://example.com").same_site_ignoring_scheme(&site("https://example.com")));
        // PRIVATE section: github.io users are different sites.
        assert!(!site("https://a.github.io").same_site(&site("https://b.github.io")));
        assert_eq!(site("https://github.io").to_string(), "https://github.io");
        assert_eq!(
            site("http://127.0.0.1:8000").to_string(),
            "http://127.0.0.1"
        );
        assert_eq!(
            site("wss://x.example.com").to_string(),
            "https://example.com"
        );
    }

    #[test]
    fn explains_hosts() {
        let e = explain_host(&Host::parse("x.vercel.app").unwrap(), &BuiltinPsl);
        assert_eq!(e.public_suffix.as_deref(), Some("vercel.app"));
        assert_eq!(e.section, Some(PslSection::Private));
        assert_eq!(e.registrable_domain.unwrap().as_str(), "x.vercel.app");
        assert_eq!(e.rule.as_deref(), Some("vercel.app"));
        let rule = |h: &str| {
            explain_host(&Host::parse(h).unwrap(), &BuiltinPsl)
                .rule
                .unwrap()
        };
        assert_eq!(rule("a.b.ck"), "*.ck");
        assert_eq!(rule("www.ck"), "!www.ck");
        assert_eq!(rule("shop.example.co.uk"), "co.uk");
        assert_eq!(rule("x.y.unknown-tld"), "*");
        let e = explain_host(&Host::parse("10.0.0.1").unwrap(), &BuiltinPsl);
        assert_eq!(e.public_suffix, None);
    }
}
