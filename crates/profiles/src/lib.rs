//! Browser profiles as data.
//!
//! A [`Profile`] is one value of policy knobs: what a browser does on top of
//! RFC 6265bis (Lax-by-default, schemeful same-site, third-party cookies, CHIPS,
//! Storage Access, limits). The built-in profiles are the TOML files under
//! `data/profiles/`, compiled into the binary; every value in them carries the
//! source that establishes it (a golden recorded from the real browser, a browser
//! source file, release notes). Adding a browser is adding a file: the engine
//! reads knobs, never a browser's name.
#![forbid(unsafe_code)]

use std::collections::BTreeMap;
use std::fmt;

use cookie_doctor_cookie::{EvictionLimit, NonAsciiDomain, Policy};
use serde::Deserialize;

/// The built-in profiles' files, in the order reports show them.
pub const BUILTIN_FILES: &[(&str, &str)] = &[
    (
        "chrome.toml",
        include_str!("../../../data/profiles/chrome.toml"),
    ),
    (
        "chrome-3pc-blocked.toml",
        include_str!("../../../data/profiles/chrome-3pc-blocked.toml"),
    ),
    (
        "firefox.toml",
        include_str!("../../../data/profiles/firefox.toml"),
    ),
    (
        "firefox-strict.toml",
        include_str!("../../../data/profiles/firefox-strict.toml"),
    ),
    (
        "safari.toml",
        include_str!("../../../data/profiles/safari.toml"),
    ),
    (
        "rfc6265bis.toml",
        include_str!("../../../data/profiles/rfc6265bis.toml"),
    ),
];

/// What a browser does with cookies in a third-party context (a request or
/// document whose site differs from the top-level site, or that has a cross-site
/// ancestor).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ThirdPartyCookies {
    /// Third-party cookies are read and written like first-party ones.
    Allow,
    /// Unpartitioned third-party cookies are neither sent nor stored.
    Block,
    /// Every third-party cookie lives in a jar keyed by the top-level site (Firefox
    /// Total Cookie Protection).
    Partition,
}

/// Which cross-site redirect hops make a navigation cross-site for SameSite.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RedirectChain {
    /// Only the initiator and the current URL count (the chain is ignored).
    Ignored,
    /// A cross-site hop earlier in the chain withholds Strict cookies.
    TaintsStrict,
    /// A cross-site hop earlier in the chain makes the request cross-site for every
    /// SameSite value (Fetch "redirect-taint").
    TaintsAll,
}

/// How far a Storage Access grant reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StorageAccessScope {
    /// The browser has no Storage Access API.
    Unsupported,
    /// The document that asked, and the requests it makes.
    Document,
    /// Every frame of the embedded site under the same top-level site, including
    /// frames created after the grant.
    SitePair,
}

/// What the browser does with `Partitioned` (CHIPS).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Chips {
    /// `Partitioned` is understood: the cookie goes into the partition of the
    /// context's top-level site.
    pub supported: bool,
    /// A `Partitioned` cookie must be `Secure` (and come from a secure URL).
    pub requires_secure: bool,
    /// The partition key carries the cross-site-ancestor bit.
    pub ancestor_bit: bool,
    /// The most name+value bytes per (partition, site); `None` for no limit.
    pub max_bytes_per_partition_site: Option<usize>,
}

/// A set of the knobs whose reads the scenario runner records, so that two
/// profiles differing only in them can share one simulated browser until a
/// decision reads one of the knobs they differ in (see
/// [`Profile::watched_difference`]). A knob belongs here only when every
/// decision that depends on it records the read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WatchedKnobs(u8);

impl WatchedKnobs {
    /// No knob.
    pub const NONE: WatchedKnobs = WatchedKnobs(0);
    /// `third_party.cookies`.
    pub const THIRD_PARTY_COOKIES: WatchedKnobs = WatchedKnobs(1);
    /// `third_party.schemeful`.
    pub const THIRD_PARTY_SCHEMEFUL: WatchedKnobs = WatchedKnobs(1 << 1);
    /// `third_party.storage_access`.
    pub const STORAGE_ACCESS: WatchedKnobs = WatchedKnobs(1 << 2);
    /// Every `partitioned.*` knob (CHIPS support, its Secure rule, the
    /// ancestor bit of the partition key, the byte limit per partition).
    pub const CHIPS: WatchedKnobs = WatchedKnobs(1 << 3);
    /// `fetch.cors_wildcard_covers_authorization`.
    pub const CORS_WILDCARD_AUTHORIZATION: WatchedKnobs = WatchedKnobs(1 << 4);
    /// `cookies.non_ascii_domain`.
    pub const NON_ASCII_DOMAIN: WatchedKnobs = WatchedKnobs(1 << 5);
    /// `cookies.reject_tab_in_name_or_value`.
    pub const TAB_IN_NAME_OR_VALUE: WatchedKnobs = WatchedKnobs(1 << 6);
    /// `same_site.lax_allow_unsafe_seconds`.
    pub const LAX_ALLOW_UNSAFE: WatchedKnobs = WatchedKnobs(1 << 7);

    /// This set and `other`.
    #[must_use]
    pub const fn with(self, other: WatchedKnobs) -> WatchedKnobs {
        WatchedKnobs(self.0 | other.0)
    }

    /// Whether the two sets share a knob.
    pub const fn meets(self, other: WatchedKnobs) -> bool {
        self.0 & other.0 != 0
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// A browser profile: every knob the engine reads.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Profile {
    /// The profile's name (`chrome`, `firefox`, …), used by `--browser`.
    pub name: String,
    /// What it models, in a sentence.
    pub models: String,
    /// The knobs of the cookie store itself.
    pub policy: Policy,
    /// Same-site compares scheme as well as registrable domain.
    pub schemeful_same_site: bool,
    /// Whether cross-site hops of a redirect chain make the request cross-site.
    pub redirect_chain: RedirectChain,
    /// Third-party cookies: allowed, blocked or partitioned.
    pub third_party_cookies: ThirdPartyCookies,
    /// Third-party blocking and partitioning compare sites with their scheme.
    pub third_party_schemeful: bool,
    /// CHIPS.
    pub chips: Chips,
    /// The Storage Access API.
    pub storage_access: StorageAccessScope,
    /// `Access-Control-Allow-Headers: *` also allows `Authorization` (Fetch says
    /// it never does; the oracle's browsers allow it).
    pub cors_wildcard_covers_authorization: bool,
    /// CSP `frame-ancestors` source paths: `false` matches them (CSP3, Chromium:
    /// a source with a path matches no ancestor), `true` ignores them (Firefox).
    pub frame_ancestors_ignore_paths: bool,
    /// Where each value comes from: knob name → source.
    pub sources: BTreeMap<String, String>,
}

/// A value and the source that establishes it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sourced<T> {
    value: T,
    source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    name: String,
    models: String,
    cookies: CookieKnobs,
    same_site: SameSiteKnobs,
    third_party: ThirdPartyKnobs,
    partitioned: PartitionedKnobs,
    fetch: FetchKnobs,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FetchKnobs {
    cors_wildcard_covers_authorization: Sourced<bool>,
    frame_ancestors_ignore_paths: Sourced<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CookieKnobs {
    reject_public_suffixes: Sourced<bool>,
    max_age_limit_days: Sourced<i64>,
    non_ascii_domain: Sourced<NonAsciiDomain>,
    samesite_none_requires_secure: Sourced<bool>,
    loopback_is_secure: Sourced<bool>,
    http_prefixes: Sourced<bool>,
    host_prefix_requires_path_attribute: Sourced<bool>,
    nameless_value_becomes_name: Sourced<bool>,
    reject_tab_in_name_or_value: Sourced<bool>,
    reject_empty_name_with_equals: Sourced<bool>,
    per_site_limit: Sourced<Limit>,
    total_limit: Sourced<Limit>,
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Limit {
    max: usize,
    purge_to: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SameSiteKnobs {
    lax_by_default: Sourced<bool>,
    lax_allow_unsafe_seconds: Sourced<i64>,
    schemeful: Sourced<bool>,
    redirect_chain: Sourced<RedirectChain>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThirdPartyKnobs {
    cookies: Sourced<ThirdPartyCookies>,
    schemeful: Sourced<bool>,
    storage_access: Sourced<StorageAccessScope>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PartitionedKnobs {
    supported: Sourced<bool>,
    requires_secure: Sourced<bool>,
    ancestor_bit: Sourced<bool>,
    max_bytes_per_partition_site: Sourced<usize>,
}

/// Why a profile file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// The TOML did not parse or did not match the schema.
    #[error("{file}: {message}")]
    Invalid {
        /// The file.
        file: String,
        /// What was wrong.
        message: String,
    },
    /// A knob has no source.
    #[error("{file}: `{knob}` has no source: every value must say where it comes from")]
    MissingSource {
        /// The file.
        file: String,
        /// The knob.
        knob: String,
    },
}

impl Profile {
    /// Reads a profile file.
    pub fn from_toml(text: &str, file: &str) -> Result<Profile, ProfileError> {
        let raw: ProfileFile = toml::from_str(text).map_err(|e| ProfileError::Invalid {
            file: file.to_string(),
            message: e.to_string(),
        })?;
        let mut sources = BTreeMap::new();
        let mut take = |knob: &str, source: &str| -> Result<(), ProfileError> {
            if source.trim().is_empty() {
                return Err(ProfileError::MissingSource {
                    file: file.to_string(),
                    knob: knob.to_string(),
                });
            }
            sources.insert(knob.to_string(), source.to_string());
            Ok(())
        };
        let c = &raw.cookies;
        take(
            "cookies.reject_public_suffixes",
            &c.reject_public_suffixes.source,
        )?;
        take("cookies.max_age_limit_days", &c.max_age_limit_days.source)?;
        take("cookies.non_ascii_domain", &c.non_ascii_domain.source)?;
        take(
            "cookies.samesite_none_requires_secure",
            &c.samesite_none_requires_secure.source,
        )?;
        take("cookies.loopback_is_secure", &c.loopback_is_secure.source)?;
        take("cookies.http_prefixes", &c.http_prefixes.source)?;
        take(
            "cookies.host_prefix_requires_path_attribute",
            &c.host_prefix_requires_path_attribute.source,
        )?;
        take(
            "cookies.nameless_value_becomes_name",
            &c.nameless_value_becomes_name.source,
        )?;
        take(
            "cookies.reject_tab_in_name_or_value",
            &c.reject_tab_in_name_or_value.source,
        )?;
        take(
            "cookies.reject_empty_name_with_equals",
            &c.reject_empty_name_with_equals.source,
        )?;
        take("cookies.per_site_limit", &c.per_site_limit.source)?;
        take("cookies.total_limit", &c.total_limit.source)?;
        let s = &raw.same_site;
        take("same_site.lax_by_default", &s.lax_by_default.source)?;
        take(
            "same_site.lax_allow_unsafe_seconds",
            &s.lax_allow_unsafe_seconds.source,
        )?;
        take("same_site.schemeful", &s.schemeful.source)?;
        take("same_site.redirect_chain", &s.redirect_chain.source)?;
        let t = &raw.third_party;
        take("third_party.cookies", &t.cookies.source)?;
        take("third_party.schemeful", &t.schemeful.source)?;
        take("third_party.storage_access", &t.storage_access.source)?;
        let p = &raw.partitioned;
        take("partitioned.supported", &p.supported.source)?;
        take("partitioned.requires_secure", &p.requires_secure.source)?;
        take("partitioned.ancestor_bit", &p.ancestor_bit.source)?;
        take(
            "partitioned.max_bytes_per_partition_site",
            &p.max_bytes_per_partition_site.source,
        )?;

        let f = &raw.fetch;
        take(
            "fetch.cors_wildcard_covers_authorization",
            &f.cors_wildcard_covers_authorization.source,
        )?;
        take(
            "fetch.frame_ancestors_ignore_paths",
            &f.frame_ancestors_ignore_paths.source,
        )?;
        for (knob, l) in [
            ("cookies.per_site_limit", c.per_site_limit.value),
            ("cookies.total_limit", c.total_limit.value),
        ] {
            if l.purge_to > l.max || l.max == 0 {
                return Err(ProfileError::Invalid {
                    file: file.to_string(),
                    message: format!(
                        "`{knob}`: purge_to ({}) must be at most max ({}), and max above 0",
                        l.purge_to, l.max
                    ),
                });
            }
        }
        let limit = |l: Limit| EvictionLimit {
            max: l.max,
            purge_to: l.purge_to,
        };
        let days = c.max_age_limit_days.value;
        let policy = Policy {
            reject_public_suffixes: c.reject_public_suffixes.value,
            // 0 means "no limit" (Safari has no 400-day cap).
            max_age_limit: if days > 0 {
                days.saturating_mul(86_400)
            } else {
                i64::MAX / 4
            },
            non_ascii_domain: c.non_ascii_domain.value,
            lax_by_default: s.lax_by_default.value,
            lax_allow_unsafe_max_age: (s.lax_allow_unsafe_seconds.value > 0)
                .then_some(s.lax_allow_unsafe_seconds.value),
            samesite_none_requires_secure: c.samesite_none_requires_secure.value,
            loopback_is_secure: c.loopback_is_secure.value,
            http_prefixes: c.http_prefixes.value,
            host_prefix_requires_path_attribute: c.host_prefix_requires_path_attribute.value,
            nameless_value_becomes_name: c.nameless_value_becomes_name.value,
            reject_tab_in_name_or_value: c.reject_tab_in_name_or_value.value,
            reject_empty_name_with_equals: c.reject_empty_name_with_equals.value,
            per_site_limit: Some(limit(c.per_site_limit.value)),
            total_limit: Some(limit(c.total_limit.value)),
        };
        let max_bytes = p.max_bytes_per_partition_site.value;
        Ok(Profile {
            name: raw.name,
            models: raw.models,
            policy,
            schemeful_same_site: s.schemeful.value,
            redirect_chain: s.redirect_chain.value,
            third_party_cookies: t.cookies.value,
            third_party_schemeful: t.schemeful.value,
            chips: Chips {
                supported: p.supported.value,
                requires_secure: p.requires_secure.value,
                ancestor_bit: p.ancestor_bit.value,
                max_bytes_per_partition_site: (max_bytes > 0).then_some(max_bytes),
            },
            storage_access: t.storage_access.value,
            cors_wildcard_covers_authorization: f.cors_wildcard_covers_authorization.value,
            frame_ancestors_ignore_paths: f.frame_ancestors_ignore_paths.value,
            sources,
        })
    }

    /// Whether two profiles behave identically: every knob equal (name, description
    /// and sources aside). `firefox-strict` behaves as `firefox`, for instance.
    pub fn same_behaviour(&self, other: &Profile) -> bool {
        self.policy == other.policy
            && self.schemeful_same_site == other.schemeful_same_site
            && self.redirect_chain == other.redirect_chain
            && self.third_party_cookies == other.third_party_cookies
            && self.third_party_schemeful == other.third_party_schemeful
            && self.chips == other.chips
            && self.storage_access == other.storage_access
            && self.cors_wildcard_covers_authorization == other.cors_wildcard_covers_authorization
            && self.frame_ancestors_ignore_paths == other.frame_ancestors_ignore_paths
    }

    /// The watched knobs (see [`WatchedKnobs`]) in which `other` differs from
    /// this profile, when every other knob is equal; `None` when an unwatched
    /// knob differs. `chrome` and `chrome-3pc-blocked` differ in
    /// `third_party_cookies` only; `chrome` and `rfc6265bis` in watched knobs
    /// only; `chrome` and `firefox` in unwatched ones too. The scenario runner
    /// lets `other` take this profile's steps until a decision reads a knob
    /// they differ in.
    pub fn watched_difference(&self, other: &Profile) -> Option<WatchedKnobs> {
        // The policy of `other` with this profile's watched knobs: equal to
        // this one's exactly when no unwatched knob of the cookie store
        // differs (a knob added to `Policy` later is unwatched until it is
        // listed here and its reads are recorded).
        // Every field named, so that a knob added to `Profile` does not
        // compile until it is sorted into watched or unwatched.
        let Profile {
            name: _,
            models: _,
            policy: other_policy,
            schemeful_same_site,
            redirect_chain,
            third_party_cookies: _,
            third_party_schemeful: _,
            chips: _,
            storage_access: _,
            cors_wildcard_covers_authorization: _,
            frame_ancestors_ignore_paths,
            sources: _,
        } = other;
        let mut policy = other_policy.clone();
        policy.non_ascii_domain = self.policy.non_ascii_domain;
        policy.reject_tab_in_name_or_value = self.policy.reject_tab_in_name_or_value;
        policy.lax_allow_unsafe_max_age = self.policy.lax_allow_unsafe_max_age;
        let unwatched_equal = self.policy == policy
            && self.schemeful_same_site == *schemeful_same_site
            && self.redirect_chain == *redirect_chain
            && self.frame_ancestors_ignore_paths == *frame_ancestors_ignore_paths;
        if !unwatched_equal {
            return None;
        }
        let differing = [
            (
                self.third_party_cookies != other.third_party_cookies,
                WatchedKnobs::THIRD_PARTY_COOKIES,
            ),
            (
                self.third_party_schemeful != other.third_party_schemeful,
                WatchedKnobs::THIRD_PARTY_SCHEMEFUL,
            ),
            (
                self.storage_access != other.storage_access,
                WatchedKnobs::STORAGE_ACCESS,
            ),
            (self.chips != other.chips, WatchedKnobs::CHIPS),
            (
                self.cors_wildcard_covers_authorization != other.cors_wildcard_covers_authorization,
                WatchedKnobs::CORS_WILDCARD_AUTHORIZATION,
            ),
            (
                self.policy.non_ascii_domain != other.policy.non_ascii_domain,
                WatchedKnobs::NON_ASCII_DOMAIN,
            ),
            (
                self.policy.reject_tab_in_name_or_value != other.policy.reject_tab_in_name_or_value,
                WatchedKnobs::TAB_IN_NAME_OR_VALUE,
            ),
            (
                self.policy.lax_allow_unsafe_max_age != other.policy.lax_allow_unsafe_max_age,
                WatchedKnobs::LAX_ALLOW_UNSAFE,
            ),
        ];
        Some(
            differing
                .into_iter()
                .filter(|(differs, _)| *differs)
                .fold(WatchedKnobs::NONE, |all, (_, knob)| all.with(knob)),
        )
    }

    /// The source of a knob (e.g. `same_site.lax_by_default`).
    pub fn source_of(&self, knob: &str) -> Option<&str> {
        self.sources.get(knob).map(String::as_str)
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// The built-in profiles, in report order. A broken built-in file is a bug
/// caught by this crate's tests, so it is skipped here rather than panicking.
pub fn builtin() -> Vec<Profile> {
    BUILTIN_FILES
        .iter()
        .filter_map(|(file, text)| Profile::from_toml(text, file).ok())
        .collect()
}

/// The built-in profile called `name`.
pub fn builtin_named(name: &str) -> Option<Profile> {
    builtin().into_iter().find(|p| p.name == name)
}

/// The names of the built-in profiles, in report order.
pub fn builtin_names() -> Vec<String> {
    builtin().into_iter().map(|p| p.name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_file_reads_and_names_itself_after_its_file() {
        for (file, text) in BUILTIN_FILES {
            let profile = Profile::from_toml(text, file).unwrap();
            assert_eq!(format!("{}.toml", profile.name), *file);
            assert!(
                profile.sources.len() >= 20,
                "{file}: every knob has a source"
            );
        }
        assert_eq!(builtin().len(), BUILTIN_FILES.len());
    }

    #[test]
    fn profiles_differ_where_browsers_differ() {
        let chrome = builtin_named("chrome").unwrap();
        let firefox = builtin_named("firefox").unwrap();
        let blocked = builtin_named("chrome-3pc-blocked").unwrap();
        assert!(chrome.policy.lax_by_default && !firefox.policy.lax_by_default);
        assert_eq!(chrome.third_party_cookies, ThirdPartyCookies::Allow);
        assert_eq!(blocked.third_party_cookies, ThirdPartyCookies::Block);
        assert_eq!(firefox.third_party_cookies, ThirdPartyCookies::Partition);
        assert!(chrome.schemeful_same_site && !firefox.schemeful_same_site);
        let strict = builtin_named("firefox-strict").unwrap();
        assert!(strict.same_behaviour(&firefox) && !firefox.same_behaviour(&chrome));
    }

    /// Which profiles may share a simulated browser: those differing in
    /// watched knobs alone, with exactly the knobs they differ in.
    #[test]
    fn watched_difference_names_the_knobs_two_profiles_differ_in() {
        let chrome = builtin_named("chrome").unwrap();
        let blocked = builtin_named("chrome-3pc-blocked").unwrap();
        let spec = builtin_named("rfc6265bis").unwrap();
        let firefox = builtin_named("firefox").unwrap();
        let strict = builtin_named("firefox-strict").unwrap();
        assert_eq!(
            chrome.watched_difference(&blocked),
            Some(WatchedKnobs::THIRD_PARTY_COOKIES)
        );
        let differs = chrome.watched_difference(&spec).unwrap();
        for knob in [
            WatchedKnobs::CHIPS,
            WatchedKnobs::LAX_ALLOW_UNSAFE,
            WatchedKnobs::NON_ASCII_DOMAIN,
            WatchedKnobs::TAB_IN_NAME_OR_VALUE,
            WatchedKnobs::STORAGE_ACCESS,
        ] {
            assert!(differs.meets(knob), "{knob:?}");
        }
        assert!(!differs.meets(WatchedKnobs::THIRD_PARTY_COOKIES));
        assert_eq!(
            spec.watched_difference(&chrome),
            Some(differs),
            "the relation is symmetric"
        );
        // Lax-by-default and the __Host- Path rule are not watched.
        assert_eq!(chrome.watched_difference(&firefox), None);
        assert_eq!(
            firefox.watched_difference(&strict),
            Some(WatchedKnobs::NONE)
        );
        // An unwatched knob of the cookie store keeps two profiles apart.
        let mut capped = chrome.clone();
        capped.policy.max_age_limit /= 2;
        assert_eq!(chrome.watched_difference(&capped), None);
    }

    #[test]
    fn a_knob_without_source_is_refused() {
        let (file, text) = BUILTIN_FILES[0];
        let start = text.find("source = \"").unwrap() + "source = \"".len();
        let end = start + text[start..].find('"').unwrap();
        let broken = format!("{}  {}", &text[..start], &text[end..]);
        let err = Profile::from_toml(&broken, file).unwrap_err();
        assert!(matches!(err, ProfileError::MissingSource { .. }), "{err}");
    }

    #[test]
    fn the_rfc6265bis_file_is_the_cookie_crates_spec_policy() {
        // check's `stored_as` uses `Policy::rfc6265bis()`; the profile file must not drift.
        let spec = builtin_named("rfc6265bis").unwrap();
        assert_eq!(spec.policy, Policy::rfc6265bis());
    }

    #[test]
    fn an_eviction_limit_that_purges_upwards_is_refused() {
        let (file, text) = BUILTIN_FILES[0];
        let broken = text.replacen("max = 180, purge_to = 150", "max = 10, purge_to = 150", 1);
        assert_ne!(broken, text);
        let err = Profile::from_toml(&broken, file).unwrap_err();
        assert!(err.to_string().contains("purge_to"), "{err}");
    }

    #[test]
    fn an_unknown_knob_is_refused() {
        let (file, text) = BUILTIN_FILES[0];
        let broken = format!("{text}\n[extra]\nx = 1\n");
        assert!(Profile::from_toml(&broken, file).is_err());
    }
}
