//! The cookie decisions of one request, as a browser profile makes them: which
//! partition a context reads, which cookies go out (RFC 6265bis §5.8.3 in the
//! jar, then the profile's policy on top) and what a Set-Cookie line does
//! (§5.6–5.7 after the profile decided its partition or refused it).
//!
//! The scenario runner (`simulate`) and the HAR replay (`cookie-doctor har`)
//! both call these functions, so a request is judged the same way whether it
//! came from a scenario step or from a browser's network log.

use std::rc::Rc;

use cookie_doctor_cookie::{
    Api, Cookie, CookieJar, CookieUrl, Env, GetContext, ParseError, PartitionKey, Reason, Reasons,
    Retrieved, SameSite, SetContext, SetCookie, SetOutcome, reasons,
};
use cookie_doctor_fetch::{ContextKnobs, RequestContext};
use cookie_doctor_profiles::{Profile, RedirectChain, ThirdPartyCookies};

use crate::trace::{CookieRef, ExcludedCookie, SetCookieTrace};

/// The profile knobs that the request-context computation
/// (`cookie_doctor_fetch::request_context`) reads.
pub fn knobs(profile: &Profile) -> ContextKnobs {
    ContextKnobs {
        schemeful_same_site: profile.schemeful_same_site,
        third_party_schemeful: profile.third_party_schemeful,
        ancestor_bit: profile.chips.ancestor_bit,
    }
}

/// Fetch "redirect-taint": in a profile where a cross-site hop taints the whole
/// chain, the request becomes cross-site and the jar applies its cross-site
/// rules (Lax still rides a top-level GET).
pub fn apply_redirect_taint(profile: &Profile, context: &mut RequestContext) {
    if context.cross_site_redirect && profile.redirect_chain == RedirectChain::TaintsAll {
        context.same_site = false;
    }
}

/// Whether [`partition_of`] reads `profile.third_party_cookies`: only for a
/// profile without CHIPS. (With [`reads_third_party_cookies_on_access`], this
/// tells the scenario runner where two profiles that differ only in that knob
/// can part: keep both beside the reads they describe.)
pub fn partition_reads_third_party_cookies(profile: &Profile) -> bool {
    !profile.chips.supported
}

/// Whether [`policy_exclusion`], [`cookies_for_request`],
/// [`receive_set_cookie`] or [`write_cookie`] may read
/// `profile.third_party_cookies`: only in a context without unpartitioned
/// access (a third-party context with no Storage Access grant).
pub fn reads_third_party_cookies_on_access(unpartitioned_access: bool) -> bool {
    !unpartitioned_access
}

/// The partition this context reads and writes partitioned cookies in; `None`
/// when the browser has no partitions.
pub fn partition_of(profile: &Profile, context: &RequestContext) -> Option<PartitionKey> {
    let partitions =
        profile.chips.supported || profile.third_party_cookies == ThirdPartyCookies::Partition;
    partitions.then(|| context.partition.clone())
}

/// The browser's reasons to hold back a cookie the spec would send:
/// credentials not included, third-party blocking or partitioning, and the
/// Strict-only redirect taint.
pub fn policy_exclusion(
    profile: &Profile,
    cookie: &Cookie,
    context: &RequestContext,
    include_credentials: bool,
    unpartitioned_access: bool,
) -> Option<Reason> {
    if !include_credentials {
        return Some(Reason::CredentialsNotIncluded);
    }
    if cookie.partition.is_none() && !unpartitioned_access {
        match profile.third_party_cookies {
            ThirdPartyCookies::Allow => {}
            ThirdPartyCookies::Block => return Some(Reason::ThirdPartyBlockedOnSend),
            ThirdPartyCookies::Partition => return Some(Reason::ThirdPartyPartitioned),
        }
    }
    // A redirect taint that only withholds Strict (TaintsAll already made the
    // whole request cross-site).
    if context.cross_site_redirect
        && profile.redirect_chain == RedirectChain::TaintsStrict
        && cookie.same_site == SameSite::Strict
    {
        return Some(Reason::SameSiteStrict);
    }
    None
}

/// How a request carries cookies, beyond its URL and context.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestCookieFacts {
    /// The method is safe (GET, HEAD, OPTIONS, TRACE).
    pub safe_method: bool,
    /// The request navigates the top-level document.
    pub top_level_navigation: bool,
    /// Fetch's includeCredentials for this hop.
    pub include_credentials: bool,
    /// A third-party context may still use unpartitioned cookies (a Storage
    /// Access grant), or the context is first-party.
    pub unpartitioned_access: bool,
}

/// RFC 6265bis §5.8.3 through the jar, then the browser's policy on top: the
/// cookies in the Cookie header (in order) and the ones held back, with every
/// reason that applies.
pub fn cookies_for_request(
    profile: &Profile,
    jar: &mut CookieJar,
    env: &Env<'_>,
    url: &CookieUrl,
    context: &RequestContext,
    facts: RequestCookieFacts,
) -> (Vec<CookieRef>, Vec<ExcludedCookie>) {
    let get = GetContext {
        url,
        api: Api::Http,
        same_site: context.same_site,
        safe_method: facts.safe_method,
        top_level_navigation: facts.top_level_navigation,
        partition: partition_of(profile, context),
    };
    let mut sent = Vec::new();
    let mut excluded: Vec<ExcludedCookie> = Vec::new();
    jar.retrieve_each(&get, env, |seen| match seen {
        // Every reason counts: a Lax cookie in a blocked third-party frame
        // would stay home for both, and fixing one alone would not bring it.
        Retrieved::Excluded(cookie, mut reasons) => {
            if let Some(extra) =
                policy_exclusion(profile, cookie, context, true, facts.unpartitioned_access)
                && !reasons.contains(&extra)
            {
                reasons.push(extra);
            }
            excluded.push(excluded_ref(cookie, reasons));
        }
        Retrieved::Sent(cookie) => match policy_exclusion(
            profile,
            cookie,
            context,
            facts.include_credentials,
            facts.unpartitioned_access,
        ) {
            Some(reason) => excluded.push(excluded_ref(cookie, reasons![reason])),
            None => sent.push(cookie_ref(cookie)),
        },
    });
    (sent, excluded)
}

/// A Set-Cookie line received on a response, parsed (RFC 6265bis §5.6; a
/// response that reaches several requests is parsed once): without
/// credentials nothing is stored (Fetch §4.6 HTTP-network fetch: Set-Cookie is
/// stored only "if includeCredentials is true"); else [`write_cookie`].
#[allow(clippy::too_many_arguments)]
pub fn receive_set_cookie(
    profile: &Profile,
    jar: &mut CookieJar,
    env: &Env<'_>,
    line: &Rc<str>,
    parsed: &Result<SetCookie<'_>, ParseError>,
    url: &CookieUrl,
    context: &RequestContext,
    facts: RequestCookieFacts,
) -> SetCookieTrace {
    if !facts.include_credentials {
        return rejected(line, reasons![Reason::CredentialsNotIncludedOnStore], None);
    }
    write_cookie(
        profile,
        jar,
        env,
        line,
        parsed,
        url,
        Api::Http,
        context,
        facts.top_level_navigation,
        facts.unpartitioned_access,
    )
}

/// A cookie write (a parsed Set-Cookie line or `document.cookie` assignment):
/// the profile decides the partition (CHIPS, third-party blocking or
/// partitioning) or refuses, then RFC 6265bis §5.7 in the jar.
#[allow(clippy::too_many_arguments)]
pub fn write_cookie(
    profile: &Profile,
    jar: &mut CookieJar,
    env: &Env<'_>,
    line: &Rc<str>,
    parsed: &Result<SetCookie<'_>, ParseError>,
    url: &CookieUrl,
    api: Api,
    context: &RequestContext,
    top_level_navigation: bool,
    unpartitioned_access: bool,
) -> SetCookieTrace {
    let parsed = match parsed {
        Ok(parsed) => parsed,
        Err(e) => return rejected(line, reasons![Reason::from(*e)], None),
    };
    // The partition a partitioned write lands in: the context's (whether or
    // not the profile reads partitions on this request); built only when used.
    let key = || context.partition.clone();
    let chips = profile.chips.supported && parsed.partitioned;
    let secure_url = url.is_secure(&profile.policy);
    if chips && profile.chips.requires_secure && !(parsed.secure && secure_url) {
        return rejected(line, reasons![Reason::PartitionedInsecure], None);
    }
    let partition = if context.third_party && !unpartitioned_access {
        match profile.third_party_cookies {
            ThirdPartyCookies::Allow => chips.then(key),
            ThirdPartyCookies::Block if chips => Some(key()),
            ThirdPartyCookies::Block => {
                return rejected(line, reasons![Reason::ThirdPartyBlocked], None);
            }
            ThirdPartyCookies::Partition => Some(key()),
        }
    } else {
        chips.then(key)
    };
    let set = SetContext {
        url,
        api,
        same_site: context.same_site,
        top_level_navigation,
        partition,
    };
    let outcome = jar.store(parsed, &set, env);
    if let (SetOutcome::Stored { cookie, .. }, Some(limit)) =
        (&outcome, profile.chips.max_bytes_per_partition_site)
    {
        jar.enforce_partition_byte_limit(cookie, limit);
    }
    match outcome {
        SetOutcome::Stored { cookie, .. } => SetCookieTrace {
            line: line.clone(),
            stored: true,
            reasons: Reasons::new(),
            cookie: Some(cookie_ref(&cookie)),
            deleted: false,
        },
        SetOutcome::Deleted { cookie, removed } => SetCookieTrace {
            line: line.clone(),
            stored: true,
            reasons: Reasons::new(),
            cookie: Some(cookie_ref(&cookie)),
            deleted: removed.is_some(),
        },
        SetOutcome::Rejected { reasons, cookie } => {
            rejected(line, reasons, cookie.as_ref().map(cookie_ref))
        }
    }
}

/// A cookie as the trace names it.
pub fn cookie_ref(cookie: &Cookie) -> CookieRef {
    CookieRef {
        name: cookie.name_text().clone(),
        domain: cookie.domain.clone(),
        path: cookie.path_text().clone(),
        partition: cookie
            .partition
            .as_ref()
            .map(|p| p.top_level_site.text().clone()),
    }
}

/// A cookie held back, with its reasons.
pub fn excluded_ref(cookie: &Cookie, reasons: Reasons) -> ExcludedCookie {
    ExcludedCookie {
        name: cookie.name_text().clone(),
        domain: cookie.domain.clone(),
        path: cookie.path_text().clone(),
        partition: cookie
            .partition
            .as_ref()
            .map(|p| p.top_level_site.text().clone()),
        reasons,
    }
}

/// A refused cookie write.
pub fn rejected(line: &Rc<str>, reasons: Reasons, cookie: Option<CookieRef>) -> SetCookieTrace {
    SetCookieTrace {
        line: line.clone(),
        stored: false,
        reasons,
        cookie,
        deleted: false,
    }
}
