//! `cookie-doctor site`: what the Public Suffix List says about a URL's host, and
//! whether two URLs are same-site (schemeful) and same-origin.

use cookie_doctor_site::{Origin, PslSection, PublicSuffixList, Site, explain_host};
use serde::Serialize;

/// One URL explained.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct UrlSite {
    /// The URL's origin.
    pub origin: String,
    /// The canonical host.
    pub host: String,
    /// The public suffix (`null` for an IP address).
    pub public_suffix: Option<String>,
    /// `icann`, `private` or `implicit` (no rule: the last label), `null` for an IP.
    pub rule_section: Option<PslSection>,
    /// The list rule that decided the suffix (`co.uk`, `*.ck`, `!www.ck`, or `*`).
    pub rule: Option<String>,
    /// The registrable domain (`null` for an IP or a host that is a public suffix).
    pub registrable_domain: Option<String>,
    /// The schemeful site.
    pub site: String,
}

/// Two URLs compared.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Comparison {
    /// Schemeful same-site (HTML; Chrome).
    pub same_site: bool,
    /// Same registrable domain, scheme ignored (Firefox release, Safari).
    pub same_site_ignoring_scheme: bool,
    /// Same origin (scheme, host, port).
    pub same_origin: bool,
}

/// The `site` report.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SiteReport {
    /// Each URL explained.
    pub urls: Vec<UrlSite>,
    /// The comparison when two URLs were given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison: Option<Comparison>,
}

/// Explains one origin.
pub fn explain(origin: &Origin, psl: &dyn PublicSuffixList) -> UrlSite {
    let e = explain_host(&origin.host, psl);
    UrlSite {
        origin: origin.to_string(),
        host: e.host.to_string(),
        public_suffix: e.public_suffix,
        rule_section: e.section,
        rule: e.rule,
        registrable_domain: e.registrable_domain.map(|d| d.to_string()),
        site: Site::of(origin, psl).to_string(),
    }
}

/// Explains one or two origins and compares them.
pub fn site_report(origins: &[Origin], psl: &dyn PublicSuffixList) -> SiteReport {
    let urls = origins.iter().map(|o| explain(o, psl)).collect();
    let comparison = match origins {
        [a, b] => {
            let (sa, sb) = (Site::of(a, psl), Site::of(b, psl));
            Some(Comparison {
                same_site: sa.same_site(&sb),
                same_site_ignoring_scheme: sa.same_site_ignoring_scheme(&sb),
                same_origin: a.same_origin(b),
            })
        }
        _ => None,
    };
    SiteReport { urls, comparison }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cookie_doctor_site::BuiltinPsl;

    #[test]
    fn github_pages_users_are_different_sites() {
        let a = Origin::parse("https://alice.github.io/app").unwrap();
        let b = Origin::parse("https://bob.github.io/").unwrap();
        let r = site_report(&[a, b], &BuiltinPsl);
        assert_eq!(r.urls[0].public_suffix.as_deref(), Some("github.io"));
        assert_eq!(r.urls[0].rule_section, Some(PslSection::Private));
        assert!(!r.comparison.unwrap().same_site);
    }

    #[test]
    fn subdomains_are_same_site_not_same_origin() {
        let a = Origin::parse("https://app.example.co.uk").unwrap();
        let b = Origin::parse("http://api.example.co.uk").unwrap();
        let c = site_report(&[a, b], &BuiltinPsl).comparison.unwrap();
        assert!(!c.same_site && c.same_site_ignoring_scheme && !c.same_origin);
    }
}
