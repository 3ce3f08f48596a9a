//! RFC 6265bis §5.7 "Storage Model" and §5.8 "Retrieval Model": the cookie jar.
//!
//! A jar belongs to one analysis on one thread: its cookies share their texts
//! with `Rc` (a re-set cookie and the traces that name it copy no bytes and
//! pay no atomic counts).

use std::borrow::Cow;
use std::rc::Rc;

use smallvec::SmallVec;

use cookie_doctor_site::{Host, PublicSuffixList, domain_match};

use crate::parse::{PathAttribute, SameSite, SetCookie, parse_set_cookie};
use crate::policy::Policy;
use crate::reason::{Prefix, PrefixRequirement, Reason, Reasons};
use crate::reasons;
use crate::request::{Api, GetContext, PartitionKey, SetContext};
use crate::time::Time;

/// What the jar works with besides the request: the clock, the Public Suffix
/// List and the policy. All are values; the jar has no globals.
#[derive(Clone, Copy)]
pub struct Env<'a> {
    /// The current time.
    pub now: Time,
    /// The Public Suffix List.
    pub psl: &'a dyn PublicSuffixList,
    /// The user-agent policy.
    pub policy: &'a Policy,
}

/// A stored cookie (RFC 6265bis §5.7: name, value, expiry-time, domain, path,
/// creation-time, last-access-time, persistent-flag, host-only-flag,
/// secure-only-flag, http-only-flag, same-site-flag; plus its partition).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cookie {
    /// The name (bytes: cookies are not necessarily UTF-8).
    pub name: Rc<[u8]>,
    /// The value.
    pub value: Rc<[u8]>,
    /// The domain: the canonical host for a host-only cookie, else the Domain
    /// attribute (lowercase, no leading dot).
    pub domain: Rc<str>,
    /// Sent only to exactly `domain`.
    pub host_only: bool,
    /// The path.
    pub path: Rc<[u8]>,
    /// When the cookie expires; `None` for a session cookie.
    pub expiry: Option<Time>,
    /// When it was first created (kept across overwrites, §5.7 step 23).
    pub creation: Time,
    /// When it was last sent.
    pub last_access: Time,
    /// When a Set-Cookie (or script write) last wrote it (the creation-time is kept
    /// across overwrites; this is not).
    pub last_set: Time,
    /// The Secure attribute.
    pub secure: bool,
    /// The HttpOnly attribute.
    pub http_only: bool,
    /// The SameSite enforcement.
    pub same_site: SameSite,
    /// The partition, `None` for the unpartitioned jar.
    pub partition: Option<PartitionKey>,
    /// The registrable domain of `domain` (or `domain` itself), for per-site limits.
    site_key: Rc<str>,
    /// `name` as text (invalid UTF-8 replaced), made once when stored: traces
    /// and reports name the cookie many times.
    name_text: Rc<str>,
    /// `path` as text.
    path_text: Rc<str>,
    /// Insertion order, to order cookies created in the same second.
    sequence: u64,
}

impl Cookie {
    /// The name as text (invalid UTF-8 replaced).
    pub fn name_str(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Borrowed(&self.name_text)
    }

    /// The name as shared text (invalid UTF-8 replaced): a copy is a
    /// reference count.
    pub fn name_text(&self) -> &Rc<str> {
        &self.name_text
    }

    /// The path as shared text.
    pub fn path_text(&self) -> &Rc<str> {
        &self.path_text
    }

    /// The value as text (invalid UTF-8 replaced).
    pub fn value_str(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.value)
    }

    /// The path as text.
    pub fn path_str(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Borrowed(&self.path_text)
    }

    /// Whether the cookie outlives the session (it had Expires or Max-Age).
    pub fn persistent(&self) -> bool {
        self.expiry.is_some()
    }

    /// Seconds from creation to expiry, `None` for a session cookie.
    pub fn lifetime(&self) -> Option<i64> {
        self.expiry.map(|e| e.since(self.creation))
    }

    /// Whether the cookie is expired at `now`.
    pub fn is_expired(&self, now: Time) -> bool {
        self.expiry.is_some_and(|e| e <= now)
    }

    /// The `name=value` form used in a Cookie header (§5.8.3 step 5: just the
    /// value for a nameless cookie).
    pub fn pair(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.name.len() + self.value.len() + 1);
        if !self.name.is_empty() {
            out.extend_from_slice(&self.name);
            out.push(b'=');
        }
        out.extend_from_slice(&self.value);
        out
    }

    /// A Set-Cookie line that recreates this cookie (Max-Age counted from `now`).
    pub fn to_set_cookie_line(&self, now: Time) -> String {
        let mut line = String::from_utf8_lossy(&self.pair()).into_owned();
        if self.name.is_empty() {
            line.insert(0, '=');
        }
        if !self.host_only {
            line.push_str("; Domain=");
            line.push_str(&self.domain);
        }
        line.push_str("; Path=");
        line.push_str(&self.path_str());
        if let Some(expiry) = self.expiry {
            line.push_str(&format!("; Max-Age={}", expiry.since(now).max(0)));
        }
        if self.secure {
            line.push_str("; Secure");
        }
        if self.http_only {
            line.push_str("; HttpOnly");
        }
        match self.same_site {
            SameSite::Default => {}
            s => {
                line.push_str("; SameSite=");
                line.push_str(match s {
                    SameSite::Strict => "Strict",
                    SameSite::Lax => "Lax",
                    _ => "None",
                });
            }
        }
        if self.partition.is_some() {
            line.push_str("; Partitioned");
        }
        line
    }

    /// Whether `other` is "the same cookie" for overwriting (§5.7 step 23: same
    /// name, domain, host-only-flag and path; and the same partition).
    fn same_identity(
        &self,
        name: &[u8],
        domain: &str,
        host_only: bool,
        path: &[u8],
        partition: Option<&PartitionKey>,
    ) -> bool {
        *self.name == *name
            && *self.domain == *domain
            && self.host_only == host_only
            && *self.path == *path
            && self.partition.as_ref() == partition
    }
}

/// The outcome of receiving one Set-Cookie line.
// Boxing the cookies would cost an allocation per stored line; the outcome
// is a short-lived return value, moved once.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SetOutcome {
    /// The cookie was stored (replacing an older one with the same identity if `replaced`).
    Stored {
        /// The cookie as stored.
        cookie: Cookie,
        /// Whether it replaced a cookie with the same name, domain and path.
        replaced: bool,
    },
    /// The cookie was already expired: it removed its namesake, if there was one.
    Deleted {
        /// The cookie as the line described it (for matching diagnostics).
        cookie: Cookie,
        /// The cookie that was removed, `None` if nothing matched.
        removed: Option<Cookie>,
    },
    /// The line was ignored, with every reason that applies.
    Rejected {
        /// Why (at least one reason).
        reasons: Reasons,
        /// The cookie as it would have been stored, when the line parsed and its
        /// domain could be resolved; useful to explain what was asked for.
        cookie: Option<Cookie>,
    },
}

impl SetOutcome {
    /// The reasons for a rejection (empty when the line was stored or deleted).
    pub fn reasons(&self) -> &[Reason] {
        match self {
            SetOutcome::Rejected { reasons, .. } => reasons,
            _ => &[],
        }
    }

    /// Whether the cookie is in the jar now.
    pub fn is_stored(&self) -> bool {
        matches!(self, SetOutcome::Stored { .. })
    }
}

/// A cookie not sent, with why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Excluded {
    /// The cookie.
    pub cookie: Cookie,
    /// Every reason it was not sent.
    pub reasons: Reasons,
}

/// The result of retrieval (§5.8.3): what is sent, in order, and what was held back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Retrieval {
    /// The cookies sent, in Cookie-header order.
    pub sent: Vec<Cookie>,
    /// Cookies of the same site that were not sent, with reasons. Cookies of
    /// unrelated sites are not listed.
    pub excluded: Vec<Excluded>,
}

impl Retrieval {
    /// §5.8.3 step 5: the Cookie header value (`; `-joined pairs), as bytes.
    pub fn cookie_header(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for (i, cookie) in self.sent.iter().enumerate() {
            if i > 0 {
                out.extend_from_slice(b"; ");
            }
            out.extend_from_slice(&cookie.pair());
        }
        out
    }

    /// The Cookie header (or `document.cookie` string) as text.
    pub fn cookie_string(&self) -> String {
        String::from_utf8_lossy(&self.cookie_header()).into_owned()
    }
}

/// What [`CookieJar::retrieve_each`] shows its visitor.
#[derive(Debug)]
pub enum Retrieved<'a> {
    /// A cookie of the request's site held back, with every reason.
    Excluded(&'a Cookie, Reasons),
    /// A cookie sent, in Cookie-header order.
    Sent(&'a Cookie),
}

/// A cookie store.
#[derive(Clone, Debug, Default)]
pub struct CookieJar {
    cookies: Vec<Cookie>,
    next_sequence: u64,
}

/// RFC 6265bis §5.1.4: the default-path of a request path.
pub fn default_path(uri_path: &[u8]) -> &[u8] {
    // Step 2: "If the uri-path is empty or if the first character of the uri-path
    // is not a %x2F ("/") character, output %x2F ("/") and skip the remaining steps."
    if uri_path.first() != Some(&b'/') {
        return b"/";
    }
    // Step 3: "If the uri-path contains no more than one %x2F ("/") character,
    // output %x2F ("/") and skip the remaining step."
    // Step 4: "Output the characters of the uri-path from the first character up
    // to, but not including, the right-most %x2F ("/")."
    match uri_path.iter().rposition(|&b| b == b'/') {
        Some(0) | None => b"/",
        Some(i) => uri_path.get(..i).unwrap_or(b"/"),
    }
}

/// RFC 6265bis §5.1.4: does `request_path` path-match `cookie_path`?
pub fn path_match(request_path: &[u8], cookie_path: &[u8]) -> bool {
    // "The cookie-path and the request-path are identical."
    if request_path == cookie_path {
        return true;
    }
    let Some(rest) = request_path.strip_prefix(cookie_path) else {
        return false;
    };
    // "The cookie-path is a prefix of the request-path, and the last character of
    // the cookie-path is %x2F ("/")." / "…and the first character of the
    // request-path that is not included in the cookie-path is a %x2F ("/")."
    cookie_path.last() == Some(&b'/') || rest.first() == Some(&b'/')
}

/// Which prefix a name carries (case-insensitive, §5.4 / layered-cookies).
fn name_prefix(name: &[u8], http_prefixes: bool) -> Option<Prefix> {
    fn starts_ci(s: &[u8], p: &[u8]) -> bool {
        s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p))
    }
    // Every prefix starts with `__` (no case to fold): most names stop here.
    if !name.starts_with(b"__") {
        None
    } else if http_prefixes && starts_ci(name, b"__host-http-") {
        Some(Prefix::HostHttp)
    } else if starts_ci(name, b"__host-") {
        Some(Prefix::Host)
    } else if starts_ci(name, b"__secure-") {
        Some(Prefix::Secure)
    } else if http_prefixes && starts_ci(name, b"__http-") {
        Some(Prefix::Http)
    } else {
        None
    }
}

impl CookieJar {
    /// An empty jar.
    pub fn new() -> CookieJar {
        CookieJar::default()
    }

    /// The cookies in the jar (in insertion order; expired ones may linger until
    /// the next operation).
    pub fn cookies(&self) -> &[Cookie] {
        &self.cookies
    }

    /// The number of cookies held.
    pub fn len(&self) -> usize {
        self.cookies.len()
    }

    /// Whether the jar is empty.
    pub fn is_empty(&self) -> bool {
        self.cookies.is_empty()
    }

    /// Removes every expired cookie (§5.7: "The user agent MUST evict all expired
    /// cookies from the cookie store if, at any time, an expired cookie exists").
    pub fn evict_expired(&mut self, now: Time) {
        self.cookies.retain(|c| !c.is_expired(now));
    }

    /// Receives one Set-Cookie field value (or `document.cookie` string): parse
    /// (§5.6), then store (§5.7).
    pub fn set(&mut self, line: &[u8], ctx: &SetContext<'_>, env: &Env<'_>) -> SetOutcome {
        match parse_set_cookie(line) {
            Ok(parsed) => self.store(&parsed, ctx, env),
            Err(e) => SetOutcome::Rejected {
                reasons: reasons![Reason::from(e)],
                cookie: None,
            },
        }
    }

    /// Whether the jar holds a partitioned cookie (CHIPS, or a third-party
    /// cookie a browser partitions).
    pub fn has_partitioned(&self) -> bool {
        self.cookies.iter().any(|c| c.partition.is_some())
    }

    /// RFC 6265bis §5.7 "Storage Model": the steps after parsing.
    pub fn store(
        &mut self,
        parsed: &SetCookie<'_>,
        ctx: &SetContext<'_>,
        env: &Env<'_>,
    ) -> SetOutcome {
        let policy = env.policy;
        let url = ctx.url;
        let mut reasons: Reasons = Reasons::new();

        if !url.scheme().is_cookieable() {
            return SetOutcome::Rejected {
                reasons: reasons![Reason::NoncookieableScheme],
                cookie: None,
            };
        }
        self.evict_expired(env.now);

        // Browser refinements of §5.6 that need the policy (the parser has none).
        if policy.reject_tab_in_name_or_value
            && parsed
                .notes
                .contains(crate::parse::ParseNotes::TAB_IN_NAME_OR_VALUE)
        {
            return SetOutcome::Rejected {
                reasons: reasons![Reason::ControlCharacter],
                cookie: None,
            };
        }
        if policy.reject_empty_name_with_equals
            && parsed.name.is_empty()
            && !parsed
                .notes
                .contains(crate::parse::ParseNotes::NO_EQUALS_SIGN)
        {
            return SetOutcome::Rejected {
                reasons: reasons![Reason::NamelessWithEquals],
                cookie: None,
            };
        }
        // A nameless cookie from a line without `=`: some browsers make the text the
        // name (see `Policy::nameless_value_becomes_name`).
        let swapped;
        let parsed = if policy.nameless_value_becomes_name
            && parsed
                .notes
                .contains(crate::parse::ParseNotes::NO_EQUALS_SIGN)
        {
            swapped = SetCookie {
                name: parsed.value,
                value: b"",
                shared: None,
                ..parsed.clone()
            };
            &swapped
        } else {
            parsed
        };

        // Step 6: expiry. "If the cookie-attribute-list contains an attribute with
        // an attribute-name of "Max-Age"": the last one wins over any Expires.
        // §5.5 / §5.6.1–2: cap at the cookie age limit.
        let limit = policy.max_age_limit;
        let expiry = match (parsed.max_age, parsed.expires) {
            (Some(delta), _) if delta <= 0 => Some(Time::EARLIEST),
            (Some(delta), _) => Some(env.now.plus(delta.min(limit))),
            (None, Some(at)) => Some(at.min(env.now.plus(limit))),
            (None, None) => None,
        };

        // Step 7: "Let the domain-attribute be the attribute-value of the last
        // attribute in the cookie-attribute-list with an attribute-name of "Domain"".
        // §5.6.3: "Convert the cookie-domain to lower case."
        let request_host = url.host_text();
        // A shared line has its lower-cased domain text made once.
        let shared = parsed.shared.as_ref();
        let shared_domain = shared.and_then(|s| s.domain.as_deref());
        let mut domain_attribute: Option<Cow<'_, str>> = parsed.domain.and_then(|raw| {
            if let Some(text) = shared_domain {
                Some(Cow::Borrowed(text))
            } else if raw.is_ascii() {
                // ASCII is UTF-8; already lower case (the usual), it is borrowed.
                Some(match std::str::from_utf8(raw) {
                    Ok(text) if !raw.iter().any(u8::is_ascii_uppercase) => Cow::Borrowed(text),
                    _ => Cow::Owned(String::from_utf8_lossy(raw).to_ascii_lowercase()),
                })
            } else {
                // Step 8: "If the domain-attribute contains a character that is not in
                // CHAR, ignore the cookie" (or canonicalise, by policy).
                match policy.non_ascii_domain {
                    crate::policy::NonAsciiDomain::Reject => {
                        reasons.push(Reason::DomainNonAscii);
                        None
                    }
                    crate::policy::NonAsciiDomain::Canonicalize => {
                        match std::str::from_utf8(raw)
                            .ok()
                            .and_then(|s| Host::parse(s).ok())
                        {
                            Some(h) => Some(Cow::Owned(h.to_string())),
                            None => {
                                reasons.push(Reason::DomainNonAscii);
                                None
                            }
                        }
                    }
                }
            }
        });
        if domain_attribute.as_deref() == Some("") {
            domain_attribute = None;
        }

        let domain_resolved = !reasons.contains(&Reason::DomainNonAscii);
        let host_is_ip = url.host().is_ip();
        let (domain, host_only): (Cow<'_, str>, bool) = match domain_attribute {
            Some(attr) if host_is_ip => {
                // An IP host domain-matches only itself (§5.1.3: "string is a host
                // name (i.e., not an IP address)"). 6265bis step 10 would then make a
                // domain cookie; layered-cookies ("If cookie's host is an IP address
                // and is host-equal to host, set host-only") and Chromium
                // (`GetCookieDomainWithString`) make it host-only, which is what the
                // browser reports. Retrieval is the same either way.
                let bracketed = request_host
                    .strip_prefix('[')
                    .and_then(|h| h.strip_suffix(']'));
                if attr == request_host || bracketed == Some(&*attr) {
                    (Cow::Borrowed(request_host), true)
                } else {
                    reasons.push(Reason::DomainMismatch);
                    (attr, false)
                }
            }
            Some(attr) if has_empty_label(&attr) && attr != request_host => {
                // An empty label (`Domain=.`, `Domain=..a.com`) names no host, so no
                // host domain-matches it (§5.1.3); checked before the public-suffix
                // step so that the reason says what is wrong.
                reasons.push(Reason::DomainMismatch);
                (attr, false)
            }
            Some(attr) => {
                // Step 9: "If the user agent is configured to reject "public suffixes"
                // and the domain-attribute is a public suffix: If the domain-attribute
                // is identical to the canonicalized request-host: Let the
                // domain-attribute be the empty string. Otherwise: Ignore the cookie".
                let is_public_suffix = || match shared {
                    // The shared text is the attribute itself (ASCII).
                    Some(s) if shared_domain.is_some() => *s
                        .domain_facts
                        .attribute_is_public_suffix
                        .get_or_init(|| env.psl.is_public_suffix(&attr)),
                    _ => env.psl.is_public_suffix(&attr),
                };
                if policy.reject_public_suffixes && is_public_suffix() {
                    if attr == request_host {
                        (Cow::Borrowed(request_host), true)
                    } else {
                        reasons.push(Reason::DomainIsPublicSuffix);
                        (attr, false)
                    }
                } else if domain_match(request_host, false, &attr) {
                    // Step 10: host domain-matches: host-only-flag false, domain = attribute.
                    (attr, false)
                } else {
                    // Step 10: "If the canonicalized request-host does not domain-match
                    // the domain-attribute: Ignore the cookie entirely".
                    reasons.push(Reason::DomainMismatch);
                    (attr, false)
                }
            }
            // Step 10: "Otherwise: Set the cookie's host-only-flag to true. Set the
            // cookie's domain to the canonicalized request-host."
            None => (Cow::Borrowed(request_host), true),
        };

        // Step 11: path = the last Path attribute, else the default-path.
        let path: &[u8] = match parsed.path {
            Some(PathAttribute::Explicit(p)) => p,
            Some(PathAttribute::DefaultPath) | None => default_path(url.path().as_bytes()),
        };

        let secure_url = url.is_secure(policy);
        // Step 13: "If the scheme component of the request-uri does not denote a
        // "secure" protocol … and the cookie's secure-only-flag is true, then abort".
        if parsed.secure && !secure_url {
            reasons.push(Reason::SecureFromInsecureOrigin);
        }
        // Step 15: "If the cookie was received from a "non-HTTP" API and the cookie's
        // http-only-flag is true, abort these steps and ignore the cookie entirely."
        if parsed.http_only && ctx.api == Api::Script {
            reasons.push(Reason::HttpOnlyFromScript);
        }

        // Step 17: same-site-flag.
        let same_site = parsed.same_site_or_default();
        // Step 18: a Strict/Lax/Default cookie must come from a same-site request or a
        // top-level navigation (18.1 covers script in a cross-site document).
        // A browser without Lax-by-default enforces an unspecified SameSite as None
        // (§5.6.7: "Default" is the UA's choice), so it is not refused here.
        let restricted = match same_site {
            SameSite::None => false,
            SameSite::Default => policy.lax_by_default,
            SameSite::Lax | SameSite::Strict => true,
        };
        if restricted && !ctx.same_site && !ctx.top_level_navigation {
            reasons.push(Reason::SameSiteSetFromCrossSite);
        }
        // Step 19: "If the cookie's "same-site-flag" is "None", abort these steps and
        // ignore the cookie entirely unless the cookie's secure-only-flag is true."
        if same_site == SameSite::None && policy.samesite_none_requires_secure && !parsed.secure {
            reasons.push(Reason::SameSiteNoneInsecure);
        }

        // Steps 20–22 and layered-cookies: prefixes, case-insensitively.
        self.check_prefixes(parsed, host_only, path, ctx, policy, &mut reasons);

        // Step 23 looks for the cookie with the same name, domain, host-only-flag
        // and path. Found (a server re-sending its cookie, the common case), the
        // new cookie shares its byte fields instead of copying them again; else
        // a cookie of the same domain lends its domain and site key (the site
        // key depends only on the domain: a jar is used with one list).
        let existing = self.cookies.iter().position(|old| {
            old.same_identity(
                parsed.name,
                &domain,
                host_only,
                path,
                ctx.partition.as_ref(),
            )
        });
        let namesake = existing.and_then(|i| self.cookies.get(i));
        let same_domain = namesake.or_else(|| self.cookies.iter().find(|c| *c.domain == *domain));
        // The site key depends only on the domain (and the list, one per jar
        // and per shared line): taken from a cookie of the same domain, else
        // from what an earlier store of this line worked out, else computed.
        let remembered = shared
            .and_then(|s| s.domain_facts.site_key.get())
            .filter(|(d, _)| **d == *domain);
        let (domain, site_key): (Rc<str>, Rc<str>) = match (same_domain, remembered) {
            (Some(c), _) => (c.domain.clone(), c.site_key.clone()),
            (None, Some((d, key))) => (d.clone(), key.clone()),
            (None, None) => {
                let site_key = site_key_of(&domain, env.psl);
                let domain: Rc<str> = domain.into();
                if let Some(s) = shared {
                    // Only the first domain is remembered (a line's usual one).
                    let _ = s
                        .domain_facts
                        .site_key
                        .set((domain.clone(), site_key.clone()));
                }
                (domain, site_key)
            }
        };
        let partition = ctx.partition.clone();
        let sequence = self.next_sequence;
        let text = |bytes: &[u8]| -> Rc<str> { String::from_utf8_lossy(bytes).into() };
        // Without a namesake, the fields the caller made once for this line
        // (`SetCookie::shared`), else new copies.
        let shared_path = shared
            .and_then(|s| s.path.as_ref())
            .filter(|(bytes, _)| **bytes == *path);
        let cookie = Cookie {
            name: namesake.map_or_else(
                || shared.map_or_else(|| parsed.name.into(), |s| s.name.clone()),
                |c| c.name.clone(),
            ),
            name_text: namesake.map_or_else(
                || shared.map_or_else(|| text(parsed.name), |s| s.name_text.clone()),
                |c| c.name_text.clone(),
            ),
            value: namesake.filter(|c| *c.value == *parsed.value).map_or_else(
                || shared.map_or_else(|| parsed.value.into(), |s| s.value.clone()),
                |c| c.value.clone(),
            ),
            domain,
            host_only,
            path: namesake.map_or_else(
                || shared_path.map_or_else(|| path.into(), |(bytes, _)| bytes.clone()),
                |c| c.path.clone(),
            ),
            path_text: namesake.map_or_else(
                || shared_path.map_or_else(|| text(path), |(_, t)| t.clone()),
                |c| c.path_text.clone(),
            ),
            expiry,
            creation: env.now,
            last_access: env.now,
            last_set: env.now,
            secure: parsed.secure,
            http_only: parsed.http_only,
            same_site,
            partition,
            site_key,
            sequence,
        };

        // Step 16: "leave secure cookies alone". Only when the new cookie is not
        // secure and the request is not secure: ignore it if a Secure cookie with the
        // same name exists whose domain domain-matches the new domain (or vice versa)
        // and whose path the new cookie's path path-matches.
        if domain_resolved && !cookie.secure && !secure_url {
            let shadows_secure = self.cookies.iter().any(|old| {
                old.secure
                    && *old.name == *cookie.name
                    && old.partition == cookie.partition
                    && (domain_match(&old.domain, false, &cookie.domain)
                        || domain_match(&cookie.domain, false, &old.domain))
                    && path_match(&cookie.path, &old.path)
            });
            if shadows_secure {
                reasons.push(Reason::OverwriteSecure);
            }
        }

        // Step 23: the cookie with the same name, domain, host-only-flag and path
        // (`existing`, found above).
        if let Some(old) = existing.and_then(|i| self.cookies.get(i)) {
            // Step 23.2: "If the newly-created cookie was received from a "non-HTTP"
            // API and the old-cookie's http-only-flag is true, abort".
            if ctx.api == Api::Script && old.http_only {
                reasons.push(Reason::OverwriteHttpOnly);
            }
        }

        if !reasons.is_empty() {
            reasons.dedup();
            return SetOutcome::Rejected {
                reasons,
                cookie: domain_resolved.then_some(cookie),
            };
        }

        let mut cookie = cookie;
        let removed = existing.map(|i| self.cookies.remove(i));
        if cookie.is_expired(env.now) {
            // An expired cookie is inserted and evicted at once: it only removes its
            // namesake (§5.7 eviction).
            return SetOutcome::Deleted { cookie, removed };
        }
        if let Some(old) = &removed {
            // Step 23.3: "Update the creation-time of the newly-created cookie to match
            // the creation-time of the old-cookie."
            cookie.creation = old.creation;
            cookie.sequence = old.sequence;
        } else {
            self.next_sequence += 1;
        }
        // Step 24: insert.
        self.cookies.push(cookie.clone());
        self.enforce_limits(&cookie, env);
        SetOutcome::Stored {
            cookie,
            replaced: removed.is_some(),
        }
    }

    fn check_prefixes(
        &self,
        parsed: &SetCookie<'_>,
        host_only: bool,
        path: &[u8],
        ctx: &SetContext<'_>,
        policy: &Policy,
        reasons: &mut Reasons,
    ) {
        let secure_url = ctx.url.is_secure(policy);
        if parsed.name.is_empty() {
            // Step 22: "If the cookie-name is empty and either of the following
            // conditions are true, abort …: the cookie-value begins with a
            // case-insensitive match for "__Secure-" / "__Host-"" (and, in
            // layered-cookies, "__Http-" / "__Host-Http-").
            if let Some(prefix) = name_prefix(parsed.value, policy.http_prefixes) {
                reasons.push(Reason::InvalidPrefix(
                    prefix,
                    PrefixRequirement::NamelessValue,
                ));
            }
            return;
        }
        let Some(prefix) = name_prefix(parsed.name, policy.http_prefixes) else {
            return;
        };
        // Step 20: "__Secure-" needs the secure-only-flag (and so a secure URL).
        // All four prefixes include this requirement.
        if !parsed.secure || !secure_url {
            reasons.push(Reason::InvalidPrefix(prefix, PrefixRequirement::Secure));
        }
        if matches!(prefix, Prefix::Host | Prefix::HostHttp) {
            // Step 21: "__Host-" also needs host-only-flag true, and "the
            // cookie-attribute-list contains an attribute with an attribute-name of
            // "Path", and the cookie's path is "/"".
            if !host_only {
                reasons.push(Reason::InvalidPrefix(prefix, PrefixRequirement::HostOnly));
            }
            // draft-ietf-httpbis-layered-cookies, "Host-prefix compatible": "cookie's
            // has-path attribute is true", which only a Path attribute whose value is
            // non-empty and starts with "/" sets ("Parse a Cookie", Path). A `Path=`
            // or bare `Path` that fell back to the default-path does not count, even
            // when the default-path is "/" (Chromium `HasValidHostPrefixAttributes`
            // checks the Path value itself). With 6265bis's last-attribute-wins the
            // deciding Path attribute must be that explicit one.
            let path_attribute_ok = matches!(parsed.path, Some(PathAttribute::Explicit(_)))
                || !policy.host_prefix_requires_path_attribute;
            if !path_attribute_ok || path != b"/" {
                reasons.push(Reason::InvalidPrefix(prefix, PrefixRequirement::PathSlash));
            }
        }
        if matches!(prefix, Prefix::Http | Prefix::HostHttp)
            && (!parsed.http_only || ctx.api == Api::Script)
        {
            // layered-cookies "Store a Cookie": the Http prefixes need HttpOnly, which
            // only HTTP can set.
            reasons.push(Reason::InvalidPrefix(prefix, PrefixRequirement::HttpOnly));
        }
    }

    /// §5.7 eviction: over the per-site or total limit, remove cookies (expired
    /// first, then non-secure, then least recently used) down to the purge target.
    fn enforce_limits(&mut self, just_set: &Cookie, env: &Env<'_>) {
        if let Some(limit) = env.policy.per_site_limit {
            let count = self
                .cookies
                .iter()
                .filter(|c| c.site_key == just_set.site_key)
                .count();
            if count > limit.max {
                self.purge(count.saturating_sub(limit.purge_to), env.now, |c| {
                    c.site_key == just_set.site_key
                });
            }
        }
        if let Some(limit) = env.policy.total_limit {
            let count = self.cookies.len();
            if count > limit.max {
                self.purge(count.saturating_sub(limit.purge_to), env.now, |_| true);
            }
        }
    }

    /// CHIPS: a partition may hold at most `max_bytes` of name+value per site
    /// (Chromium `kPerPartitionDomainMaxCookieBytes`, Firefox
    /// `network.cookie.chips.partitionLimitByteCapacity`, both 10 KiB). Removes
    /// the least recently used partitioned cookies of `just_set`'s partition and
    /// site until the rest fit, and returns them.
    pub fn enforce_partition_byte_limit(
        &mut self,
        just_set: &Cookie,
        max_bytes: usize,
    ) -> Vec<Cookie> {
        let Some(partition) = just_set.partition.clone() else {
            return Vec::new();
        };
        let in_scope = |c: &Cookie| {
            c.partition.as_ref() == Some(&partition) && c.site_key == just_set.site_key
        };
        let bytes = |c: &Cookie| c.name.len() + c.value.len();
        let mut total: usize = self.cookies.iter().filter(|c| in_scope(c)).map(bytes).sum();
        let mut evicted = Vec::new();
        while total > max_bytes {
            // Oldest access first; the cookie just set goes last.
            let victim = self
                .cookies
                .iter()
                .enumerate()
                .filter(|(_, c)| in_scope(c) && c.sequence != just_set.sequence)
                .min_by_key(|(_, c)| (c.last_access, c.sequence))
                .map(|(i, _)| i);
            let Some(index) = victim.or_else(|| {
                self.cookies
                    .iter()
                    .position(|c| in_scope(c) && c.sequence == just_set.sequence)
            }) else {
                break;
            };
            let removed = self.cookies.remove(index);
            total = total.saturating_sub(bytes(&removed));
            evicted.push(removed);
        }
        evicted
    }

    fn purge(&mut self, mut to_remove: usize, now: Time, in_scope: impl Fn(&Cookie) -> bool) {
        // Candidates in eviction order: expired, then non-secure, then oldest access.
        let mut order: Vec<(bool, bool, Time, u64)> = self
            .cookies
            .iter()
            .filter(|c| in_scope(c))
            .map(|c| (!c.is_expired(now), c.secure, c.last_access, c.sequence))
            .collect();
        order.sort();
        let doomed: std::collections::HashSet<u64> =
            order.iter().take(to_remove).map(|k| k.3).collect();
        self.cookies.retain(|c| {
            if to_remove > 0 && in_scope(c) && doomed.contains(&c.sequence) {
                to_remove -= 1;
                false
            } else {
                true
            }
        });
    }

    /// RFC 6265bis §5.8.3 "Retrieval Algorithm": which cookies a request (or a
    /// `document.cookie` read) gets, in order, and why the others of the same site
    /// are held back. Updates last-access times of the cookies sent.
    pub fn retrieve(&mut self, ctx: &GetContext<'_>, env: &Env<'_>) -> Retrieval {
        let mut out = Retrieval::default();
        self.retrieve_each(ctx, env, |seen| match seen {
            Retrieved::Excluded(cookie, reasons) => out.excluded.push(Excluded {
                cookie: cookie.clone(),
                reasons,
            }),
            Retrieved::Sent(cookie) => out.sent.push(cookie.clone()),
        });
        out
    }

    /// [`CookieJar::retrieve`] without copying the cookies: `visit` sees each
    /// held-back cookie of the request's site (in jar order, with its
    /// reasons), then each cookie sent (in Cookie-header order).
    pub fn retrieve_each(
        &mut self,
        ctx: &GetContext<'_>,
        env: &Env<'_>,
        mut visit: impl FnMut(Retrieved<'_>),
    ) {
        let policy = env.policy;
        let url = ctx.url;
        if !url.scheme().is_cookieable() {
            return;
        }
        self.evict_expired(env.now);

        // Step 1: "Let the canonicalized-host be the canonicalized request-host."
        let host = url.host_text();
        let host_is_ip = url.host().is_ip();
        let request_path = url.path().as_bytes();
        let secure_url = url.is_secure(policy);
        let mut request_site: Option<Rc<str>> = None;

        // (index, path length, creation, sequence) of each cookie to send.
        let mut sent: SmallVec<[(usize, usize, Time, u64); 8]> = SmallVec::new();
        for (index, cookie) in self.cookies.iter().enumerate() {
            let mut reasons = Reasons::new();
            // Step 2, first bullet: host-only cookies need an identical host; domain
            // cookies need the host to domain-match the cookie's domain.
            let domain_ok = if cookie.host_only {
                *cookie.domain == *host
            } else {
                domain_match(host, host_is_ip, &cookie.domain)
            };
            if !domain_ok {
                // Only a cookie of the same site is worth explaining.
                let site = request_site.get_or_insert_with(|| site_key_of(host, env.psl));
                if cookie.site_key == *site {
                    reasons.push(if cookie.host_only {
                        Reason::HostOnlyMismatch
                    } else {
                        Reason::DomainMismatchOnSend
                    });
                } else {
                    continue;
                }
            } else if !cookie.host_only
                && policy.reject_public_suffixes
                && env.psl.is_public_suffix(&cookie.domain)
                && *cookie.domain != *host
            {
                // "…if the user agent is configured to reject "public suffixes", the
                // cookie's domain is not a public suffix."
                reasons.push(Reason::DomainNowPublicSuffix);
            }
            if cookie.partition.is_some() && cookie.partition != ctx.partition {
                reasons.push(Reason::PartitionMismatch);
            }
            // "The retrieval's URI's path path-matches the cookie's path."
            if !path_match(request_path, &cookie.path) {
                reasons.push(Reason::NotOnPath);
            }
            // "If the cookie's secure-only-flag is true, then the retrieval's URI must
            // denote a "secure" connection".
            if cookie.secure && !secure_url {
                reasons.push(Reason::SecureOnly);
            }
            // "If the cookie's http-only-flag is true, then exclude the cookie if the
            // retrieval's type is "non-HTTP"."
            if cookie.http_only && ctx.api == Api::Script {
                reasons.push(Reason::HttpOnly);
            }
            if let Some(reason) = samesite_exclusion(cookie, ctx, env) {
                reasons.push(reason);
            }
            if reasons.is_empty() {
                sent.push((index, cookie.path.len(), cookie.creation, cookie.sequence));
            } else {
                visit(Retrieved::Excluded(cookie, reasons));
            }
        }

        // Step 3: "The user agent SHOULD sort the cookie-list": longer paths first,
        // then earlier creation-times first.
        sent.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)).then(a.3.cmp(&b.3)));
        // Step 4: "Update the last-access-time of each cookie in the cookie-list to
        // the current date and time." (Only HTTP retrievals count as access in
        // browsers; script reads also count here, which only affects eviction order.)
        for &(index, ..) in &sent {
            if let Some(cookie) = self.cookies.get_mut(index) {
                cookie.last_access = env.now;
            }
        }
        for (index, ..) in sent {
            if let Some(cookie) = self.cookies.get(index) {
                visit(Retrieved::Sent(cookie));
            }
        }
    }

    /// `document.cookie` for a same-site top-level document at `url`.
    pub fn document_cookie(&mut self, ctx: &GetContext<'_>, env: &Env<'_>) -> String {
        self.retrieve(ctx, env).cookie_string()
    }
}

/// §5.8.3 step 2, last bullet: the SameSite exclusion, if any.
fn samesite_exclusion(cookie: &Cookie, ctx: &GetContext<'_>, env: &Env<'_>) -> Option<Reason> {
    // "If the cookie's same-site-flag is not "None", and the HTTP request is
    // cross-site … then exclude the cookie unless all of the following are true:
    // the same-site-flag is "Lax" or "Default"; the HTTP request's method is
    // "safe"; the HTTP request's target browsing context is a top-level traversable."
    if ctx.same_site {
        return None;
    }
    let lax_navigation = ctx.api == Api::Http && ctx.top_level_navigation;
    match cookie.same_site {
        SameSite::None => None,
        SameSite::Strict => Some(Reason::SameSiteStrict),
        SameSite::Lax => (!(lax_navigation && ctx.safe_method)).then_some(Reason::SameSiteLax),
        SameSite::Default if !env.policy.lax_by_default => None,
        SameSite::Default => {
            // §5.6.7.2 Lax-allowing-unsafe: a young cookie without SameSite is also
            // sent on unsafe top-level navigations.
            let young = env
                .policy
                .lax_allow_unsafe_max_age
                .is_some_and(|window| env.now.since(cookie.creation) <= window);
            let allowed = lax_navigation && (ctx.safe_method || young);
            (!allowed).then_some(Reason::SameSiteUnspecifiedTreatedAsLax)
        }
    }
}

/// Whether a domain has an empty label (a trailing dot, as in `example.com.`, is
/// the root label and does not count).
fn has_empty_label(domain: &str) -> bool {
    let labels = domain.strip_suffix('.').unwrap_or(domain);
    labels.is_empty() || labels.split('.').any(str::is_empty)
}

/// The registrable domain of a cookie domain or host, or the text itself.
fn site_key_of(domain: &str, psl: &dyn PublicSuffixList) -> Rc<str> {
    psl.registrable_domain(domain).unwrap_or(domain).into()
}

impl From<crate::parse::ParseError> for Reason {
    fn from(e: crate::parse::ParseError) -> Reason {
        match e {
            crate::parse::ParseError::ControlCharacter { .. } => Reason::ControlCharacter,
            crate::parse::ParseError::NameValueTooLong { .. } => Reason::NameValueTooLong,
            crate::parse::ParseError::NoCookieContent => Reason::NoCookieContent,
        }
    }
}
