//! The cookie-relevant facts of a request in its browser context: the site for
//! cookies over the ancestor chain, same-site or cross-site (with the initiator
//! and the redirect chain), third-party or first-party, and the partition key.
//!
//! This is where "is this request same-site?" is decided (RFC 6265bis §5.2); the
//! jar (`cookie_doctor_cookie::CookieJar`) then applies SameSite per cookie.
//! Browser differences come in as [`ContextKnobs`] from the profile.

use cookie_doctor_cookie::PartitionKey;
use cookie_doctor_site::Site;

/// The profile knobs this module reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContextKnobs {
    /// Same-site compares schemes (schemeful same-site).
    pub schemeful_same_site: bool,
    /// Third-party checks compare schemes.
    pub third_party_schemeful: bool,
    /// The partition key carries the cross-site-ancestor bit.
    pub ancestor_bit: bool,
}

/// Whether two sites are the same site, schemefully or not.
pub fn same_site(a: &Site, b: &Site, schemeful: bool) -> bool {
    if schemeful {
        a.same_site(b)
    } else {
        a.same_site_ignoring_scheme(b)
    }
}

/// RFC 6265bis §5.2.1 "Document-based requests": the site for cookies of a
/// document (or of the requests it makes), given the sites of the document and of
/// each of its ancestors, ending with the top-level document.
///
/// "Let top-origin be the origin of the top-level document … for each item in
/// ancestors: if item's origin is not same site with top-origin, return an origin
/// with a value that is not same site with any origin" (the opaque site for
/// cookies, `None` here); otherwise the top-level site.
pub fn site_for_cookies(chain: &[&Site], schemeful: bool) -> Option<Site> {
    let top = chain.last()?;
    chain
        .iter()
        .all(|site| same_site(site, top, schemeful))
        .then(|| (*top).clone())
}

/// Whether the request is in a third-party context: its URL is not
/// first-party with the site for cookies, both computed with the third-party
/// scheme rule (`schemeful`: the profile's `third_party.schemeful`). A
/// top-level navigation is always first-party.
pub fn third_party(shape: &RequestShape<'_>, schemeful: bool) -> bool {
    if shape.top_level_navigation {
        return false;
    }
    let sfc = site_for_cookies(shape.chain, schemeful);
    !sfc.is_some_and(|sfc| same_site(shape.url_site, &sfc, schemeful))
}

/// What a request is, for the context computation.
#[derive(Clone, Debug)]
pub struct RequestShape<'a> {
    /// The site of the request's current URL.
    pub url_site: &'a Site,
    /// The sites of the documents whose site for cookies applies: for a
    /// subresource, the requesting document and its ancestors; for a frame
    /// navigation, the container document and its ancestors; empty for a
    /// top-level navigation. The last one is the top-level document.
    pub chain: &'a [&'a Site],
    /// The site of the document that started the request; `None` for a
    /// browser-initiated navigation (typed into the address bar).
    pub initiator: Option<&'a Site>,
    /// The sites of the URLs the request was redirected from, in order.
    pub redirect_chain: &'a [Site],
    /// The request navigates the top-level document.
    pub top_level_navigation: bool,
}

/// The facts about a request that cookies depend on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestContext {
    /// The site for cookies (`None`: opaque, some ancestor is cross-site).
    pub site_for_cookies: Option<Site>,
    /// The top-level site (the partition's key).
    pub top_level_site: Site,
    /// RFC 6265bis §5.2: the request is same-site (SameSite cookies may go).
    pub same_site: bool,
    /// An earlier hop of the redirect chain is cross-site with this URL.
    pub cross_site_redirect: bool,
    /// The request is in a third-party context (for blocking and partitioning).
    pub third_party: bool,
    /// The partition this context reads and writes partitioned cookies in.
    pub partition: PartitionKey,
}

/// Computes the context of one request (one hop of a redirect chain).
///
/// * Top-level navigations: the site for cookies is the URL's own site (§5.2.1:
///   "the top-level browsing context's active document … will be the target"),
///   and the request is same-site when there is no initiator or the initiator is
///   same-site with the URL (Chromium `ComputeSameSiteContext`: a cross-site
///   initiator gives a Lax context, which the jar grants to Lax cookies on safe
///   methods only).
/// * Everything else: same-site when the site for cookies is not opaque, the URL
///   is same-site with it, and the initiator (if any) is same-site with the URL.
pub fn request_context(shape: &RequestShape<'_>, knobs: ContextKnobs) -> RequestContext {
    let url = shape.url_site;
    let (site_for_cookies, top_level_site) = if shape.top_level_navigation {
        (Some(url.clone()), url.clone())
    } else {
        let top = shape
            .chain
            .last()
            .map_or_else(|| url.clone(), |s| (*s).clone());
        (
            site_for_cookies(shape.chain, knobs.schemeful_same_site),
            top,
        )
    };
    let schemeful = knobs.schemeful_same_site;
    let url_in_site_for_cookies = site_for_cookies
        .as_ref()
        .is_some_and(|sfc| same_site(url, sfc, schemeful));
    let initiator_same_site = shape
        .initiator
        .is_none_or(|initiator| same_site(initiator, url, schemeful));
    let same_site_request = url_in_site_for_cookies && initiator_same_site;
    let cross_site_redirect = shape
        .redirect_chain
        .iter()
        .any(|hop| !same_site(hop, url, schemeful));

    // Third-party: the URL is not first-party with the site for cookies (computed
    // with the third-party knob's scheme rule). A top-level navigation is always
    // first-party.
    let third_party = third_party(shape, knobs.third_party_schemeful);
    // Chromium CookiePartitionKey::FromNetworkIsolationKey: the ancestor bit is
    // cross-site when the site for cookies is opaque or not first-party with the
    // request's site.
    let partition = PartitionKey {
        top_level_site: top_level_site.clone(),
        cross_site_ancestor: knobs.ancestor_bit && third_party,
    };
    RequestContext {
        site_for_cookies,
        top_level_site,
        same_site: same_site_request,
        cross_site_redirect,
        third_party,
        partition,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cookie_doctor_site::{BuiltinPsl, Origin};

    fn site(url: &str) -> Site {
        Site::of(&Origin::parse(url).unwrap(), &BuiltinPsl)
    }

    const CHROME: ContextKnobs = ContextKnobs {
        schemeful_same_site: true,
        third_party_schemeful: false,
        ancestor_bit: true,
    };

    #[test]
    fn aba_nesting_makes_the_site_for_cookies_opaque() {
        let a = site("https://a.example");
        let b = site("https://b.example");
        assert_eq!(site_for_cookies(&[&a, &b, &a], true), None);
        assert_eq!(site_for_cookies(&[&a, &a], true), Some(a.clone()));
    }

    #[test]
    fn a_typed_navigation_is_same_site_and_a_cross_site_link_is_not() {
        let app = site("https://app.example");
        let partner = site("https://partner.example");
        let typed = request_context(
            &RequestShape {
                url_site: &app,
                chain: &[],
                initiator: None,
                redirect_chain: &[],
                top_level_navigation: true,
            },
            CHROME,
        );
        assert!(typed.same_site && !typed.third_party);
        let link = request_context(
            &RequestShape {
                url_site: &app,
                chain: &[],
                initiator: Some(&partner),
                redirect_chain: &[],
                top_level_navigation: true,
            },
            CHROME,
        );
        assert!(!link.same_site && !link.third_party);
        assert_eq!(link.top_level_site, app);
    }

    #[test]
    fn a_cross_site_iframe_is_third_party_with_the_ancestor_bit() {
        let app = site("https://app.example");
        let partner = site("https://partner.example");
        let ctx = request_context(
            &RequestShape {
                url_site: &app,
                chain: &[&partner],
                initiator: Some(&partner),
                redirect_chain: &[],
                top_level_navigation: false,
            },
            CHROME,
        );
        assert!(!ctx.same_site && ctx.third_party);
        assert_eq!(ctx.partition.top_level_site, partner);
        assert!(ctx.partition.cross_site_ancestor);
    }

    #[test]
    fn schemeful_same_site_splits_http_and_https_but_third_party_may_not() {
        let https = site("https://example.com");
        let http = site("http://example.com");
        let ctx = request_context(
            &RequestShape {
                url_site: &https,
                chain: &[&http],
                initiator: Some(&http),
                redirect_chain: &[],
                top_level_navigation: false,
            },
            CHROME,
        );
        assert!(!ctx.same_site, "schemeful: cross-site");
        assert!(!ctx.third_party, "third-party check ignores the scheme");
    }

    #[test]
    fn a_boomerang_redirect_is_flagged() {
        let a = site("https://a.example");
        let b = site("https://b.example");
        let ctx = request_context(
            &RequestShape {
                url_site: &a,
                chain: &[],
                initiator: Some(&a),
                redirect_chain: &[a.clone(), b],
                top_level_navigation: true,
            },
            CHROME,
        );
        assert!(ctx.same_site && ctx.cross_site_redirect);
    }
}
