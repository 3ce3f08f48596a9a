//! Named reasons: why a cookie was not stored, or not sent.
//!
//! Every decision the engine makes against a cookie carries one of these, never a
//! bare `false`. Each renders as a stable kebab-case code (part of the JSON
//! contracts) and has an entry in [`REASONS`], the one table of meanings and fixes
//! that `cookie-doctor explain` and the docs print.

use std::fmt;

/// A cookie-name prefix (RFC 6265bis §4.1.3, draft-ietf-httpbis-layered-cookies).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Prefix {
    /// `__Secure-`
    Secure,
    /// `__Host-`
    Host,
    /// `__Http-`
    Http,
    /// `__Host-Http-`
    HostHttp,
}

impl Prefix {
    /// The prefix as conventionally written.
    pub fn as_str(self) -> &'static str {
        match self {
            Prefix::Secure => "__Secure-",
            Prefix::Host => "__Host-",
            Prefix::Http => "__Http-",
            Prefix::HostHttp => "__Host-Http-",
        }
    }
}

/// Which requirement of a prefix a cookie broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PrefixRequirement {
    /// The prefix needs the `Secure` attribute (all four prefixes).
    Secure,
    /// `__Host-` needs no `Domain` attribute (a host-only cookie).
    HostOnly,
    /// `__Host-` needs an explicit `Path=/`.
    PathSlash,
    /// `__Http-` / `__Host-Http-` need `HttpOnly` (and so can only be set over HTTP).
    HttpOnly,
    /// A nameless cookie's value may not start with a prefix (it would read back
    /// as a prefixed name in the Cookie header).
    NamelessValue,
}

/// The reasons of one decision, in the order they were found. A decision
/// rarely has more than three, so the list lives inline (in the room of a
/// `Vec`: eight two-byte reasons) and reaches the heap only past eight; the
/// engine makes several hundred of these per `check`, most empty or of one.
pub type Reasons = smallvec::SmallVec<[Reason; 8]>;

/// A reason a cookie was not stored or not sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reason {
    // ---- storing (RFC 6265bis §5.6, §5.7) ----
    /// §5.6 step 1: the line holds a control character other than HTAB.
    ControlCharacter,
    /// §5.6 step 5: name plus value exceed 4096 octets.
    NameValueTooLong,
    /// §5.7 step 2: both name and value are empty.
    NoCookieContent,
    /// The URL's scheme does not carry cookies (only http, https, ws, wss do).
    NoncookieableScheme,
    /// The request host could not be canonicalised (§5.1.2).
    InvalidHost,
    /// §5.7 step 8: the Domain attribute holds non-ASCII characters.
    DomainNonAscii,
    /// §5.7 step 9: the Domain attribute is a public suffix other than the host.
    DomainIsPublicSuffix,
    /// §5.7 step 10: the host does not domain-match the Domain attribute.
    DomainMismatch,
    /// §5.7 step 13: a `Secure` cookie from a non-secure URL.
    SecureFromInsecureOrigin,
    /// §5.7 step 15: an `HttpOnly` cookie set through `document.cookie`.
    HttpOnlyFromScript,
    /// §5.7 step 16: a non-secure URL may not shadow a `Secure` cookie ("leave
    /// secure cookies alone").
    OverwriteSecure,
    /// §5.7 step 18: a Strict/Lax/unspecified cookie from a cross-site request
    /// that does not navigate the top level.
    SameSiteSetFromCrossSite,
    /// §5.7 step 19: `SameSite=None` without `Secure`.
    SameSiteNoneInsecure,
    /// §5.7 steps 20–22 (and layered-cookies for `__Http-`): a prefix's rules broken.
    InvalidPrefix(Prefix, PrefixRequirement),
    /// §5.7 step 23: script may not overwrite an `HttpOnly` cookie.
    OverwriteHttpOnly,
    /// `=value` (an empty name written with `=`), refused by some browsers.
    NamelessWithEquals,

    // ---- sending (RFC 6265bis §5.8.3) ----
    /// A host-only cookie is sent only to the exact host that set it.
    HostOnlyMismatch,
    /// The request host does not domain-match the cookie's domain.
    DomainMismatchOnSend,
    /// The cookie's domain has become a public suffix.
    DomainNowPublicSuffix,
    /// The request path does not path-match the cookie's path.
    NotOnPath,
    /// A `Secure` cookie is not sent to a non-secure URL.
    SecureOnly,
    /// An `HttpOnly` cookie is invisible to `document.cookie`.
    HttpOnly,
    /// `SameSite=Strict` and the request is cross-site.
    SameSiteStrict,
    /// `SameSite=Lax` and the request is cross-site and not a safe top-level navigation.
    SameSiteLax,
    /// No SameSite attribute (treated as Lax) and the request is cross-site and not
    /// a safe top-level navigation.
    SameSiteUnspecifiedTreatedAsLax,
    /// The cookie lives in another partition (another top-level site).
    PartitionMismatch,

    // ---- the browser's policy on top of the spec (profiles) ----
    /// `Partitioned` without `Secure` (or from a non-secure URL): CHIPS refuses it.
    PartitionedInsecure,
    /// Third-party cookies are blocked in this context (store).
    ThirdPartyBlocked,
    /// Third-party cookies are blocked in this context (send).
    ThirdPartyBlockedOnSend,
    /// The context is third-party and the browser keeps a separate jar per
    /// top-level site (Total Cookie Protection): the unpartitioned cookie is not
    /// visible here.
    ThirdPartyPartitioned,
    /// The request was made without credentials (`credentials: "omit"`, or the
    /// default `same-origin` to another origin), so no Cookie header (send).
    CredentialsNotIncluded,
    /// The response came to a request without credentials, so its Set-Cookie is
    /// ignored (store).
    CredentialsNotIncludedOnStore,
    /// A CORS preflight never carries cookies (send).
    PreflightNoCookies,

    // ---- CORS (Fetch "CORS check", "CORS-preflight fetch") ----
    /// The response has no `Access-Control-Allow-Origin`.
    CorsNoAllowOrigin,
    /// `Access-Control-Allow-Origin` names another origin (or several).
    CorsAllowOriginMismatch,
    /// `Access-Control-Allow-Origin: *` on a request with credentials.
    CorsWildcardWithCredentials,
    /// A credentialed request and no `Access-Control-Allow-Credentials: true`.
    CorsNoAllowCredentials,
    /// The preflight answered with a status outside 200–299.
    CorsPreflightStatus,
    /// The preflight does not allow the request's method.
    CorsMethodNotAllowed,
    /// The preflight does not allow one of the request's headers.
    CorsHeaderNotAllowed,
    /// The preflight failed, so the request was never sent.
    CorsPreflightFailed,

    // ---- framing (HTML X-Frame-Options, CSP frame-ancestors) ----
    /// `X-Frame-Options: DENY`.
    XfoDeny,
    /// `X-Frame-Options: SAMEORIGIN` and an ancestor of another origin.
    XfoSameOrigin,
    /// Several different `X-Frame-Options` values: treated as DENY.
    XfoConflicting,
    /// CSP `frame-ancestors` does not list an ancestor.
    CspFrameAncestors,
    /// Mixed content: an `http:` frame, script, stylesheet or fetch from an
    /// `https:` document is blocked.
    MixedContent,
}

/// What a reason code means and how to fix it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ReasonInfo {
    /// The stable code.
    pub code: &'static str,
    /// `store` or `send`: which decision it explains.
    pub phase: &'static str,
    /// One sentence: what happened.
    pub meaning: &'static str,
    /// One sentence: what to change.
    pub fix: &'static str,
    /// Where the rule comes from.
    pub source: &'static str,
}

impl Reason {
    /// The stable kebab-case code.
    pub fn code(self) -> &'static str {
        match self {
            Reason::ControlCharacter => "control-character",
            Reason::NameValueTooLong => "name-value-too-long",
            Reason::NoCookieContent => "no-cookie-content",
            Reason::NoncookieableScheme => "noncookieable-scheme",
            Reason::InvalidHost => "invalid-host",
            Reason::DomainNonAscii => "domain-non-ascii",
            Reason::DomainIsPublicSuffix => "domain-is-public-suffix",
            Reason::DomainMismatch => "domain-mismatch",
            Reason::SecureFromInsecureOrigin => "secure-from-insecure-origin",
            Reason::HttpOnlyFromScript => "http-only-from-script",
            Reason::OverwriteSecure => "overwrite-secure",
            Reason::SameSiteSetFromCrossSite => "samesite-set-from-cross-site",
            Reason::SameSiteNoneInsecure => "samesite-none-insecure",
            Reason::InvalidPrefix(..) => "invalid-prefix",
            Reason::OverwriteHttpOnly => "overwrite-http-only",
            Reason::NamelessWithEquals => "nameless-with-equals",
            Reason::HostOnlyMismatch => "host-only-mismatch",
            Reason::DomainMismatchOnSend => "domain-mismatch",
            Reason::DomainNowPublicSuffix => "domain-now-public-suffix",
            Reason::NotOnPath => "not-on-path",
            Reason::SecureOnly => "secure-only",
            Reason::HttpOnly => "http-only",
            Reason::SameSiteStrict => "samesite-strict",
            Reason::SameSiteLax => "samesite-lax",
            Reason::SameSiteUnspecifiedTreatedAsLax => "samesite-unspecified-treated-as-lax",
            Reason::PartitionMismatch => "partition-mismatch",
            Reason::PartitionedInsecure => "partitioned-insecure",
            Reason::ThirdPartyBlocked | Reason::ThirdPartyBlockedOnSend => "third-party-blocked",
            Reason::ThirdPartyPartitioned => "third-party-partitioned",
            Reason::CredentialsNotIncluded | Reason::CredentialsNotIncludedOnStore => {
                "credentials-not-included"
            }
            Reason::PreflightNoCookies => "preflight-no-cookies",
            Reason::CorsNoAllowOrigin => "cors-no-allow-origin",
            Reason::CorsAllowOriginMismatch => "cors-allow-origin-mismatch",
            Reason::CorsWildcardWithCredentials => "cors-wildcard-with-credentials",
            Reason::CorsNoAllowCredentials => "cors-no-allow-credentials",
            Reason::CorsPreflightStatus => "cors-preflight-status",
            Reason::CorsMethodNotAllowed => "cors-method-not-allowed",
            Reason::CorsHeaderNotAllowed => "cors-header-not-allowed",
            Reason::CorsPreflightFailed => "cors-preflight-failed",
            Reason::XfoDeny => "x-frame-options-deny",
            Reason::XfoSameOrigin => "x-frame-options-sameorigin",
            Reason::XfoConflicting => "x-frame-options-conflicting",
            Reason::CspFrameAncestors => "csp-frame-ancestors",
            Reason::MixedContent => "mixed-content",
        }
    }

    /// A sentence about this particular instance (with prefix details).
    pub fn describe(self) -> String {
        match self {
            Reason::InvalidPrefix(prefix, requirement) => {
                let need = match requirement {
                    PrefixRequirement::Secure => "needs the Secure attribute and a secure URL",
                    PrefixRequirement::HostOnly => "must not have a Domain attribute",
                    PrefixRequirement::PathSlash => "needs an explicit Path=/",
                    PrefixRequirement::HttpOnly => {
                        "needs HttpOnly (so it can only be set over HTTP)"
                    }
                    PrefixRequirement::NamelessValue => {
                        "may not start the value of a nameless cookie"
                    }
                };
                format!("a cookie named {}… {need}", prefix.as_str())
            }
            other => other
                .info()
                .map_or_else(|| other.code().to_string(), |i| i.meaning.to_string()),
        }
    }

    /// The table entry for this reason.
    pub fn info(self) -> Option<&'static ReasonInfo> {
        let code = self.code();
        let phase = self.phase();
        REASONS.iter().find(|r| r.code == code && r.phase == phase)
    }

    /// Which decision the reason explains: `store`, `send`, `cors` or `frame`.
    pub fn phase(self) -> &'static str {
        match self {
            Reason::CorsNoAllowOrigin
            | Reason::CorsAllowOriginMismatch
            | Reason::CorsWildcardWithCredentials
            | Reason::CorsNoAllowCredentials
            | Reason::CorsPreflightStatus
            | Reason::CorsMethodNotAllowed
            | Reason::CorsHeaderNotAllowed
            | Reason::CorsPreflightFailed => "cors",
            Reason::XfoDeny
            | Reason::XfoSameOrigin
            | Reason::XfoConflicting
            | Reason::CspFrameAncestors
            | Reason::MixedContent => "frame",
            _ if self.is_store_reason() => "store",
            _ => "send",
        }
    }

    /// Whether the reason explains a refusal to store (as opposed to send).
    pub fn is_store_reason(self) -> bool {
        !matches!(
            self,
            Reason::HostOnlyMismatch
                | Reason::DomainMismatchOnSend
                | Reason::DomainNowPublicSuffix
                | Reason::NotOnPath
                | Reason::SecureOnly
                | Reason::HttpOnly
                | Reason::SameSiteStrict
                | Reason::SameSiteLax
                | Reason::SameSiteUnspecifiedTreatedAsLax
                | Reason::PartitionMismatch
                | Reason::ThirdPartyBlockedOnSend
                | Reason::ThirdPartyPartitioned
                | Reason::CredentialsNotIncluded
                | Reason::PreflightNoCookies
        ) && !matches!(
            self,
            Reason::CorsNoAllowOrigin
                | Reason::CorsAllowOriginMismatch
                | Reason::CorsWildcardWithCredentials
                | Reason::CorsNoAllowCredentials
                | Reason::CorsPreflightStatus
                | Reason::CorsMethodNotAllowed
                | Reason::CorsHeaderNotAllowed
                | Reason::CorsPreflightFailed
                | Reason::XfoDeny
                | Reason::XfoSameOrigin
                | Reason::XfoConflicting
                | Reason::CspFrameAncestors
                | Reason::MixedContent
        )
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl serde::Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// Looks a code up in the table (a code may have a store and a send entry).
pub fn lookup(code: &str) -> Vec<&'static ReasonInfo> {
    REASONS.iter().filter(|r| r.code == code).collect()
}

/// Every reason code, its meaning, its fix and its source: the one table.
pub static REASONS: &[ReasonInfo] = &[
    ReasonInfo {
        code: "control-character",
        phase: "store",
        meaning: "The Set-Cookie line contains a control character (other than tab), so the whole line is ignored.",
        fix: "Remove control characters (CR, LF, NUL, 0x01-0x1F, DEL) from the cookie; percent-encode binary values.",
        source: "RFC 6265bis §5.6 step 1",
    },
    ReasonInfo {
        code: "name-value-too-long",
        phase: "store",
        meaning: "Name and value together are longer than 4096 bytes, so the cookie is ignored.",
        fix: "Keep name+value under 4096 bytes: store a session id and keep the data server-side.",
        source: "RFC 6265bis §5.6 step 5, §5.7 step 4",
    },
    ReasonInfo {
        code: "no-cookie-content",
        phase: "store",
        meaning: "The line has neither a name nor a value.",
        fix: "Send `name=value`.",
        source: "RFC 6265bis §5.7 step 2",
    },
    ReasonInfo {
        code: "noncookieable-scheme",
        phase: "store",
        meaning: "The URL's scheme does not use cookies (only http, https, ws and wss do).",
        fix: "Set the cookie from an http(s) response.",
        source: "Chromium CookieMonster cookieable schemes",
    },
    ReasonInfo {
        code: "invalid-host",
        phase: "store",
        meaning: "The request host is not a valid host name, so no cookie can be keyed to it.",
        fix: "Use a valid host name.",
        source: "RFC 6265bis §5.1.2",
    },
    ReasonInfo {
        code: "domain-non-ascii",
        phase: "store",
        meaning: "The Domain attribute contains non-ASCII characters.",
        fix: "Write the Domain in punycode (xn--…), or leave it out for a host-only cookie.",
        source: "RFC 6265bis §5.7 step 8",
    },
    ReasonInfo {
        code: "domain-is-public-suffix",
        phase: "store",
        meaning: "The Domain attribute is a public suffix (like com, co.uk or github.io), which no site may set cookies for.",
        fix: "Drop the Domain attribute (host-only cookie) or use your own registrable domain.",
        source: "RFC 6265bis §5.7 step 9",
    },
    ReasonInfo {
        code: "domain-mismatch",
        phase: "store",
        meaning: "The Domain attribute does not cover the host that set the cookie (a site can only set cookies for itself or a parent domain).",
        fix: "Set Domain to the responding host or one of its parent domains, or drop it.",
        source: "RFC 6265bis §5.7 step 10",
    },
    ReasonInfo {
        code: "secure-from-insecure-origin",
        phase: "store",
        meaning: "A Secure cookie was set by a non-secure (http) URL.",
        fix: "Set the cookie over https.",
        source: "RFC 6265bis §5.7 step 13",
    },
    ReasonInfo {
        code: "http-only-from-script",
        phase: "store",
        meaning: "document.cookie cannot create an HttpOnly cookie.",
        fix: "Set HttpOnly cookies with a Set-Cookie response header.",
        source: "RFC 6265bis §5.7 step 15",
    },
    ReasonInfo {
        code: "overwrite-secure",
        phase: "store",
        meaning: "A non-secure URL tried to set a cookie that would shadow or overwrite an existing Secure cookie of the same name.",
        fix: "Set the cookie over https (with Secure), or give it another name.",
        source: "RFC 6265bis §5.7 step 16 (leave secure cookies alone)",
    },
    ReasonInfo {
        code: "samesite-set-from-cross-site",
        phase: "store",
        meaning: "A SameSite=Strict, Lax or unspecified cookie was set by a cross-site request that is not a top-level navigation (an iframe, image or fetch).",
        fix: "Use SameSite=None; Secure (plus Partitioned for an embed), or set the cookie in a top-level visit.",
        source: "RFC 6265bis §5.7 step 18",
    },
    ReasonInfo {
        code: "samesite-none-insecure",
        phase: "store",
        meaning: "SameSite=None requires the Secure attribute; without it the cookie is ignored.",
        fix: "Add Secure (and serve over https).",
        source: "RFC 6265bis §5.7 step 19",
    },
    ReasonInfo {
        code: "invalid-prefix",
        phase: "store",
        meaning: "The name starts with __Secure-, __Host-, __Http- or __Host-Http- but the cookie breaks that prefix's rules.",
        fix: "__Secure-: add Secure over https. __Host-: Secure, Path=/, no Domain. __Http-: Secure and HttpOnly, set over HTTP.",
        source: "RFC 6265bis §5.7 steps 20-22; draft-ietf-httpbis-layered-cookies",
    },
    ReasonInfo {
        code: "overwrite-http-only",
        phase: "store",
        meaning: "document.cookie cannot overwrite an HttpOnly cookie.",
        fix: "Change HttpOnly cookies from the server with Set-Cookie.",
        source: "RFC 6265bis §5.7 step 23",
    },
    ReasonInfo {
        code: "host-only-mismatch",
        phase: "send",
        meaning: "The cookie is host-only (no Domain attribute) and the request goes to a different host, even a subdomain or sibling.",
        fix: "Add Domain=<your registrable domain> to share the cookie across subdomains.",
        source: "RFC 6265bis §5.8.3 step 2",
    },
    ReasonInfo {
        code: "domain-mismatch",
        phase: "send",
        meaning: "The request host is not within the cookie's Domain.",
        fix: "Widen Domain to a parent domain of both hosts, if they share one.",
        source: "RFC 6265bis §5.8.3 step 2",
    },
    ReasonInfo {
        code: "domain-now-public-suffix",
        phase: "send",
        meaning: "The cookie's domain has since become a public suffix, so it is no longer sent.",
        fix: "Set the cookie again on your registrable domain or host-only.",
        source: "RFC 6265bis §5.8.3 step 2",
    },
    ReasonInfo {
        code: "not-on-path",
        phase: "send",
        meaning: "The request path is outside the cookie's Path.",
        fix: "Set Path=/ (or a common parent path).",
        source: "RFC 6265bis §5.1.4, §5.8.3 step 2",
    },
    ReasonInfo {
        code: "secure-only",
        phase: "send",
        meaning: "A Secure cookie is only sent over https (or to localhost).",
        fix: "Serve the page or API over https.",
        source: "RFC 6265bis §5.8.3 step 2",
    },
    ReasonInfo {
        code: "http-only",
        phase: "send",
        meaning: "HttpOnly cookies are invisible to document.cookie.",
        fix: "This is intended for session cookies; read the value server-side.",
        source: "RFC 6265bis §5.8.3 step 2",
    },
    ReasonInfo {
        code: "samesite-strict",
        phase: "send",
        meaning: "SameSite=Strict cookies are withheld from every cross-site request, including links from other sites.",
        fix: "Use SameSite=Lax for session cookies that must survive inbound links; SameSite=None; Secure for embeds and cross-site APIs.",
        source: "RFC 6265bis §5.8.3 step 2",
    },
    ReasonInfo {
        code: "samesite-lax",
        phase: "send",
        meaning: "SameSite=Lax cookies are withheld from cross-site requests other than top-level GET navigations (iframes, fetch, images, POST).",
        fix: "Use SameSite=None; Secure for cookies needed in iframes or cross-site APIs (and add CSRF protection).",
        source: "RFC 6265bis §5.8.3 step 2",
    },
    ReasonInfo {
        code: "samesite-unspecified-treated-as-lax",
        phase: "send",
        meaning: "The cookie has no SameSite attribute, so the browser treats it as Lax and withholds it from this cross-site request.",
        fix: "Say what you mean: SameSite=None; Secure for cross-site use, or SameSite=Lax.",
        source: "RFC 6265bis §5.6.7, §5.8.3 step 2",
    },
    ReasonInfo {
        code: "partition-mismatch",
        phase: "send",
        meaning: "The cookie was stored in another partition (under another top-level site) and is not visible here.",
        fix: "Partitioned cookies are per top-level site by design; use the Storage Access API for cross-partition state.",
        source: "CHIPS (draft-cutler-httpbis-partitioned-cookies)",
    },
    ReasonInfo {
        code: "nameless-with-equals",
        phase: "store",
        meaning: "The line starts with `=` (an empty cookie name); Firefox refuses such a cookie, Chromium stores it as a nameless cookie.",
        fix: "Give the cookie a name: `name=value`.",
        source: "Firefox network.cookie.block_nameless_with_equal_char",
    },
    ReasonInfo {
        code: "partitioned-insecure",
        phase: "store",
        meaning: "A `Partitioned` cookie without `Secure` (or set from a non-secure URL) is refused.",
        fix: "Add `Secure` (and serve over https); CHIPS cookies must be Secure.",
        source: "CHIPS; Chromium IsCookiePartitionedValid",
    },
    ReasonInfo {
        code: "third-party-blocked",
        phase: "store",
        meaning: "This response is third-party (cross-site with the top-level page) and the browser blocks third-party cookies, so the cookie is not stored.",
        fix: "Add `Partitioned` (CHIPS) for per-embedder state, call document.requestStorageAccess() from the frame, or serve the app under the embedder's site.",
        source: "Chromium CookieSettings (third-party blocking); Safari ITP",
    },
    ReasonInfo {
        code: "third-party-blocked",
        phase: "send",
        meaning: "The request is third-party (cross-site with the top-level page) and the browser blocks third-party cookies, so the cookie is not sent.",
        fix: "Add `Partitioned` (CHIPS) for per-embedder state, call document.requestStorageAccess() from the frame, or serve the app under the embedder's site.",
        source: "Chromium CookieSettings (third-party blocking); Safari ITP",
    },
    ReasonInfo {
        code: "third-party-partitioned",
        phase: "send",
        meaning: "The request is third-party and the browser keeps a separate cookie jar per top-level site (Firefox Total Cookie Protection): the cookie set outside this embed is not visible here.",
        fix: "Expect per-embedder state in third-party frames; to reach the unpartitioned cookie call document.requestStorageAccess() from the frame.",
        source: "Firefox cookieBehavior 5 (Total Cookie Protection)",
    },
    ReasonInfo {
        code: "credentials-not-included",
        phase: "send",
        meaning: "The request was made without credentials (fetch `credentials: \"omit\"`, or the default `\"same-origin\"` to another origin), so no cookie is attached.",
        fix: "Call fetch(url, { credentials: \"include\" }) (axios: withCredentials: true) and answer with Access-Control-Allow-Credentials: true and the exact origin.",
        source: "WHATWG Fetch §4.5 HTTP-network-or-cache fetch (includeCredentials)",
    },
    ReasonInfo {
        code: "credentials-not-included",
        phase: "store",
        meaning: "The response came to a request made without credentials, so its Set-Cookie is ignored.",
        fix: "Make the request with credentials: \"include\" (or from the same origin).",
        source: "WHATWG Fetch §4.6 HTTP-network fetch (store Set-Cookie only if includeCredentials)",
    },
    ReasonInfo {
        code: "preflight-no-cookies",
        phase: "send",
        meaning: "A CORS preflight (OPTIONS) never carries cookies; the server must answer it without authentication.",
        fix: "Answer OPTIONS without requiring the session cookie.",
        source: "WHATWG Fetch §4.8 CORS-preflight fetch",
    },
    ReasonInfo {
        code: "cors-no-allow-origin",
        phase: "cors",
        meaning: "The response has no Access-Control-Allow-Origin, so script on another origin cannot read it.",
        fix: "Answer with Access-Control-Allow-Origin: <the calling origin> (and Vary: Origin).",
        source: "WHATWG Fetch §4.10 CORS check step 2",
    },
    ReasonInfo {
        code: "cors-allow-origin-mismatch",
        phase: "cors",
        meaning: "Access-Control-Allow-Origin does not equal the calling origin exactly (scheme, host, port; no trailing slash; a single value).",
        fix: "Echo exactly one allowed origin, e.g. `https://app.example`, taken from an allow-list, with Vary: Origin.",
        source: "WHATWG Fetch §4.10 CORS check step 5",
    },
    ReasonInfo {
        code: "cors-wildcard-with-credentials",
        phase: "cors",
        meaning: "Access-Control-Allow-Origin: * does not work for requests with credentials.",
        fix: "Answer with the exact calling origin instead of `*`, plus Access-Control-Allow-Credentials: true and Vary: Origin.",
        source: "WHATWG Fetch §4.10 CORS check step 3",
    },
    ReasonInfo {
        code: "cors-no-allow-credentials",
        phase: "cors",
        meaning: "The request carries credentials and the response lacks Access-Control-Allow-Credentials: true.",
        fix: "Add `Access-Control-Allow-Credentials: true` (exactly, lower-case true).",
        source: "WHATWG Fetch §4.10 CORS check step 7",
    },
    ReasonInfo {
        code: "cors-preflight-status",
        phase: "cors",
        meaning: "The preflight (OPTIONS) answered with a status outside 200-299.",
        fix: "Answer OPTIONS with 204 (or 200) and the CORS headers, before any authentication check.",
        source: "WHATWG Fetch §4.8 CORS-preflight fetch step 7",
    },
    ReasonInfo {
        code: "cors-method-not-allowed",
        phase: "cors",
        meaning: "The preflight's Access-Control-Allow-Methods does not list the request's method (`*` does not count with credentials).",
        fix: "List the method explicitly in Access-Control-Allow-Methods.",
        source: "WHATWG Fetch §4.8 CORS-preflight fetch step 7.5",
    },
    ReasonInfo {
        code: "cors-header-not-allowed",
        phase: "cors",
        meaning: "The preflight's Access-Control-Allow-Headers does not list a request header (`*` does not count with credentials, nor for Authorization).",
        fix: "List each request header explicitly in Access-Control-Allow-Headers.",
        source: "WHATWG Fetch §4.8 CORS-preflight fetch step 7.6",
    },
    ReasonInfo {
        code: "cors-preflight-failed",
        phase: "cors",
        meaning: "The preflight failed, so the browser never sent the request.",
        fix: "Fix the preflight answer (see its reasons).",
        source: "WHATWG Fetch §4.8 CORS-preflight fetch",
    },
    ReasonInfo {
        code: "x-frame-options-deny",
        phase: "frame",
        meaning: "X-Frame-Options: DENY refuses every embedding.",
        fix: "Remove X-Frame-Options and send `Content-Security-Policy: frame-ancestors 'self' https://embedder.example`.",
        source: "HTML §7.4.6 X-Frame-Options step 8",
    },
    ReasonInfo {
        code: "x-frame-options-sameorigin",
        phase: "frame",
        meaning: "X-Frame-Options: SAMEORIGIN refuses the frame because an ancestor is another origin.",
        fix: "Send `Content-Security-Policy: frame-ancestors 'self' https://embedder.example` (it overrides X-Frame-Options).",
        source: "HTML §7.4.6 X-Frame-Options step 9",
    },
    ReasonInfo {
        code: "x-frame-options-conflicting",
        phase: "frame",
        meaning: "Several different X-Frame-Options values are treated as DENY.",
        fix: "Send one X-Frame-Options value, or better a CSP frame-ancestors directive.",
        source: "HTML §7.4.6 X-Frame-Options step 6",
    },
    ReasonInfo {
        code: "csp-frame-ancestors",
        phase: "frame",
        meaning: "The CSP frame-ancestors directive does not allow one of the frame's ancestors.",
        fix: "Add the embedding origin to frame-ancestors, e.g. `frame-ancestors 'self' https://embedder.example`.",
        source: "CSP3 §6.4.2 frame-ancestors",
    },
    ReasonInfo {
        code: "mixed-content",
        phase: "frame",
        meaning: "An https page may not load an http frame, script, stylesheet or fetch (mixed content); the request is not made.",
        fix: "Serve the resource over https.",
        source: "W3C Mixed Content §4.4",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    /// `Reasons` keeps its promise: a list of up to eight reasons takes no
    /// more room than a `Vec` and no heap; a ninth spills to the heap intact.
    #[test]
    fn reasons_are_inline_in_the_room_of_a_vec() {
        assert_eq!(
            std::mem::size_of::<Reasons>(),
            std::mem::size_of::<Vec<Reason>>()
        );
        let mut list: Reasons = ALL.iter().copied().take(8).collect();
        assert!(!list.spilled());
        list.push(Reason::HttpOnly);
        assert!(list.spilled());
        assert_eq!(list[..8], ALL[..8]);
        assert_eq!(list[8], Reason::HttpOnly);
    }

    const ALL: &[Reason] = &[
        Reason::ControlCharacter,
        Reason::NameValueTooLong,
        Reason::NoCookieContent,
        Reason::NoncookieableScheme,
        Reason::InvalidHost,
        Reason::DomainNonAscii,
        Reason::DomainIsPublicSuffix,
        Reason::DomainMismatch,
        Reason::SecureFromInsecureOrigin,
        Reason::HttpOnlyFromScript,
        Reason::OverwriteSecure,
        Reason::SameSiteSetFromCrossSite,
        Reason::SameSiteNoneInsecure,
        Reason::InvalidPrefix(Prefix::Host, PrefixRequirement::PathSlash),
        Reason::OverwriteHttpOnly,
        Reason::HostOnlyMismatch,
        Reason::DomainMismatchOnSend,
        Reason::DomainNowPublicSuffix,
        Reason::NotOnPath,
        Reason::SecureOnly,
        Reason::HttpOnly,
        Reason::SameSiteStrict,
        Reason::SameSiteLax,
        Reason::SameSiteUnspecifiedTreatedAsLax,
        Reason::PartitionMismatch,
        Reason::NamelessWithEquals,
        Reason::PartitionedInsecure,
        Reason::ThirdPartyBlocked,
        Reason::ThirdPartyBlockedOnSend,
        Reason::ThirdPartyPartitioned,
        Reason::CredentialsNotIncluded,
        Reason::CredentialsNotIncludedOnStore,
        Reason::PreflightNoCookies,
        Reason::CorsNoAllowOrigin,
        Reason::CorsAllowOriginMismatch,
        Reason::CorsWildcardWithCredentials,
        Reason::CorsNoAllowCredentials,
        Reason::CorsPreflightStatus,
        Reason::CorsMethodNotAllowed,
        Reason::CorsHeaderNotAllowed,
        Reason::CorsPreflightFailed,
        Reason::XfoDeny,
        Reason::XfoSameOrigin,
        Reason::XfoConflicting,
        Reason::CspFrameAncestors,
        Reason::MixedContent,
    ];

    #[test]
    fn every_reason_has_a_table_entry_and_every_entry_a_reason() {
        for r in ALL {
            assert!(
                r.info().is_some(),
                "{r:?} ({}) has no table entry",
                r.code()
            );
            let code = r.code();
            assert!(
                code.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{code} is not kebab-case"
            );
        }
        for entry in REASONS {
            assert!(
                ALL.iter()
                    .any(|r| r.code() == entry.code && r.info() == Some(entry)),
                "table entry {} matches no reason",
                entry.code
            );
        }
    }
}
