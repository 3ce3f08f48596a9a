//! The knobs the specification leaves to the user agent. The engine reads them
//! as values: a browser profile (a later layer) is one value of [`Policy`].

use crate::time::FOUR_HUNDRED_DAYS;

/// What to do with a Domain attribute holding non-ASCII characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NonAsciiDomain {
    /// RFC 6265bis §5.7 step 8: ignore the cookie.
    Reject,
    /// Convert it to A-labels and go on (Chromium: `kCookieDomainRejectNonASCII`
    /// is disabled, only a warning).
    Canonicalize,
}

/// A cookie-count limit and the count to purge down to when it is exceeded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EvictionLimit {
    /// More than this many cookies triggers eviction.
    pub max: usize,
    /// Eviction removes cookies until this many remain.
    pub purge_to: usize,
}

/// The user-agent-defined parts of RFC 6265bis, as values.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Policy {
    /// §5.7 step 9: reject Domain attributes that are public suffixes.
    pub reject_public_suffixes: bool,
    /// §5.5: the cookie age limit, in seconds (400 days recommended).
    pub max_age_limit: i64,
    /// §5.7 step 8: non-ASCII Domain attributes.
    pub non_ascii_domain: NonAsciiDomain,
    /// §5.6.7 / §5.8.3: treat cookies without SameSite as Lax. `false` treats
    /// them as None (Firefox and Safari release behaviour).
    pub lax_by_default: bool,
    /// §5.6.7.2 "Lax-allowing-unsafe": a cookie without SameSite younger than this
    /// many seconds is also sent on unsafe top-level cross-site navigations.
    pub lax_allow_unsafe_max_age: Option<i64>,
    /// §5.7 step 19: SameSite=None cookies need Secure.
    pub samesite_none_requires_secure: bool,
    /// Secure Contexts: treat loopback hosts (`localhost`, 127.0.0.0/8, `::1`) over
    /// http as "secure" for Secure cookies.
    pub loopback_is_secure: bool,
    /// draft-ietf-httpbis-layered-cookies: enforce `__Http-` and `__Host-Http-`.
    pub http_prefixes: bool,
    /// §5.7 step 21: `__Host-` needs an explicit Path attribute, one whose value
    /// starts with `/` (layered-cookies "has-path"; an empty or bare `Path` that
    /// falls back to the default-path does not count). Chromium: yes; Firefox ESR:
    /// only the resulting path `/` matters.
    pub host_prefix_requires_path_attribute: bool,
    /// A line without `=` (`Set-Cookie: token`): RFC 6265bis §5.6 step 3 makes a
    /// nameless cookie whose value is `token`; `true` instead makes `token` the
    /// name with an empty value (Firefox `CookieParser`; observed in Firefox ESR).
    pub nameless_value_becomes_name: bool,
    /// Refuse a cookie whose name or value holds a tab (after trimming): Chromium
    /// counts an internal HTAB as a disallowed control character, RFC 6265bis
    /// §5.6 step 1 allows it.
    pub reject_tab_in_name_or_value: bool,
    /// Refuse `Set-Cookie: =value` (empty name, with `=`): Firefox
    /// `network.cookie.block_nameless_with_equal_char`; RFC 6265bis stores a
    /// nameless cookie.
    pub reject_empty_name_with_equals: bool,
    /// §5.7 eviction: the per-site (registrable domain) limit.
    pub per_site_limit: Option<EvictionLimit>,
    /// §5.7 eviction: the limit over the whole store.
    pub total_limit: Option<EvictionLimit>,
}

impl Policy {
    /// The plain specification: RFC 6265bis-22 with the RECOMMENDED values, the
    /// layered-cookies prefixes, and Chromium's eviction numbers (the spec only sets
    /// minimums: 50 per domain, 3000 in all).
    pub fn rfc6265bis() -> Policy {
        Policy {
            reject_public_suffixes: true,
            max_age_limit: FOUR_HUNDRED_DAYS,
            non_ascii_domain: NonAsciiDomain::Reject,
            lax_by_default: true,
            lax_allow_unsafe_max_age: None,
            samesite_none_requires_secure: true,
            loopback_is_secure: true,
            http_prefixes: true,
            host_prefix_requires_path_attribute: true,
            nameless_value_becomes_name: false,
            reject_tab_in_name_or_value: false,
            reject_empty_name_with_equals: false,
            // Chromium cookie_monster.cc: kDomainMaxCookies 180, purge 30 (to 150);
            // kMaxCookies 3300, purge 300 (to 3000).
            per_site_limit: Some(EvictionLimit {
                max: 180,
                purge_to: 150,
            }),
            total_limit: Some(EvictionLimit {
                max: 3300,
                purge_to: 3000,
            }),
        }
    }
}

impl Default for Policy {
    fn default() -> Self {
        Policy::rfc6265bis()
    }
}
