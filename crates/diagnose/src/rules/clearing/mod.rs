//! Rules about clearing cookies: a deletion line (`Max-Age=0`, or an `Expires`
//! in the past) only removes the cookie whose name, domain, host-only flag,
//! path (and, with CHIPS, partition) are the same (RFC 6265bis §5.7 step 23;
//! CHIPS keys the jar by partition too). Anything else leaves the old cookie in
//! place — the classic "logout does not log out".
//!
//! Shared here: which lines are deletions, the identity of the cookie a line
//! makes in each browser (from the engine's same-site run), and the deletion
//! line that matches a given cookie exactly.

mod deletion_does_not_match;
mod deletion_rejected;

use cookie_doctor_cookie::{Prefix, PrefixRequirement, Reason, Reasons, Time, parse_set_cookie};
use cookie_doctor_engine::SetCookieTrace;

use super::{Rule, RuleContext};
use crate::fix::CookieLine;
use crate::matrix::Context;

/// The rules of this area, in report order.
pub fn rules() -> Vec<&'static dyn Rule> {
    vec![
        &deletion_does_not_match::DeletionDoesNotMatch,
        &deletion_rejected::DeletionRejected,
    ]
}

/// An `Expires` before this (2000-01-01) is a deletion whatever the clock says:
/// the fallback when no browser accepted the line, so the engine's jar cannot
/// tell (deletions are conventionally dated 1970).
const SURELY_PAST: Time = Time::from_unix(946_684_800);

/// The identity of a stored cookie: what a later line must repeat to replace
/// or delete it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    /// The domain (the host for a host-only cookie).
    pub domain: String,
    /// Host-only (no `Domain` attribute).
    pub host_only: bool,
    /// The path.
    pub path: String,
    /// The partition's top-level site (CHIPS), `None` when unpartitioned.
    pub partition: Option<String>,
}

impl Identity {
    /// The attributes in which `other` differs, in words.
    pub fn differences(&self, other: &Identity) -> Vec<String> {
        let mut out = Vec::new();
        if self.domain != other.domain || self.host_only != other.host_only {
            out.push(format!(
                "domain: {} vs {}",
                self.describe_domain(),
                other.describe_domain()
            ));
        }
        if self.path != other.path {
            out.push(format!("path: {} vs {}", self.path, other.path));
        }
        if self.partition != other.partition {
            let p = |i: &Identity| {
                i.partition.as_ref().map_or_else(
                    || "unpartitioned".to_string(),
                    |s| format!("partitioned ({s})"),
                )
            };
            out.push(format!("partition: {} vs {}", p(self), p(other)));
        }
        out
    }

    fn describe_domain(&self) -> String {
        if self.host_only {
            format!("host-only {}", self.domain)
        } else {
            format!("Domain={}", self.domain)
        }
    }
}

/// The engine's decision on line `index` in the same-site context (the app's
/// own page sets every line, in order) in `browser`.
pub fn same_site_trace<'a>(
    cx: &'a RuleContext<'_>,
    index: usize,
    browser: &str,
) -> Option<&'a SetCookieTrace> {
    super::set_trace(cx, index, Context::SameSite, browser)
}

/// Whether line `index` was refused in `browser` (its reasons, empty when it
/// was accepted).
pub fn refused(cx: &RuleContext<'_>, index: usize, browser: &str) -> Reasons {
    same_site_trace(cx, index, browser).map_or_else(Reasons::new, |t| {
        if t.stored {
            Reasons::new()
        } else {
            t.reasons.clone()
        }
    })
}

/// The identity of the cookie line `index` makes (or deletes) in `browser`,
/// when that browser accepted the line.
pub fn identity(cx: &RuleContext<'_>, index: usize, browser: &str) -> Option<Identity> {
    let trace = same_site_trace(cx, index, browser)?;
    if !trace.stored {
        return None;
    }
    let cookie = trace.cookie.as_ref()?;
    let line = cx.cookies.get(index)?;
    // RFC 6265bis §5.7 steps 9–11: a Domain attribute (the last one, non-empty)
    // makes a domain cookie; an accepted line with one is never host-only.
    let host_only = line
        .get("Domain")
        .flatten()
        .is_none_or(|d| d.trim().trim_start_matches('.').is_empty());
    Some(Identity {
        domain: cookie.domain.to_string(),
        host_only,
        path: cookie.path.to_string(),
        partition: cookie.partition.as_deref().map(str::to_string),
    })
}

/// Whether line `index` deletes a cookie: `Max-Age` ≤ 0 (it wins over
/// `Expires`), or an `Expires` the engine found already past (an accepted line
/// whose cookie is not in the jar afterwards), or, when no browser accepted the
/// line, an `Expires` before 2000.
pub fn is_deletion(cx: &RuleContext<'_>, index: usize) -> bool {
    cx.per_line(&cx.removals, index, removes)
}

fn removes(cx: &RuleContext<'_>, index: usize) -> bool {
    let Some(line) = cx.lines.get(index) else {
        return false;
    };
    let Ok(parsed) = parse_set_cookie(line.as_bytes()) else {
        return false;
    };
    if let Some(max_age) = parsed.max_age {
        return max_age <= 0;
    }
    let Some(expires) = parsed.expires else {
        return false;
    };
    let mut judged = false;
    for run in cx
        .matrix
        .runs
        .iter()
        .filter(|r| r.context == Context::SameSite)
    {
        let Some(trace) = run
            .store_request()
            .and_then(|r| r.set_cookie.iter().find(|s| *s.line == **line))
        else {
            continue;
        };
        let Some(cookie) = trace.cookie.as_ref().filter(|_| trace.stored) else {
            continue;
        };
        judged = true;
        if trace.deleted {
            return true;
        }
        let in_jar = run.jar.iter().flatten().any(|j| {
            *j.name == *cookie.name
                && *j.domain == *cookie.domain
                && *j.path == *cookie.path
                && j.partition.as_deref() == cookie.partition.as_deref()
        });
        if !in_jar {
            return true;
        }
    }
    !judged && expires < SURELY_PAST
}

/// The lines that set (not delete) a cookie named `name`, other than `except`.
pub fn setters<'a>(
    cx: &'a RuleContext<'_>,
    name: &'a str,
) -> impl Iterator<Item = (usize, &'a CookieLine)> + 'a {
    cx.cookies
        .iter()
        .enumerate()
        .filter(move |(i, c)| c.name() == name && !is_deletion(cx, *i))
}

/// The deletion line that removes exactly the cookie `set` makes: the same
/// attributes (Domain, Path, Secure, HttpOnly, SameSite, Partitioned and any
/// other), an empty value, `Max-Age=0` and no `Expires`.
pub fn matching_deletion(set: &CookieLine) -> CookieLine {
    let mut deletion = set.clone();
    deletion.set_value("");
    deletion.remove("Expires");
    deletion.set("Max-Age", Some("0"));
    deletion
}

/// "in every browser checked (a, b)" or "in a, b": how a finding names its
/// browsers (shared by the clearing, CORS, framing and CSRF rules).
pub fn in_browsers(cx: &RuleContext<'_>, browsers: &[String]) -> String {
    if !browsers.is_empty() && browsers.len() == cx.profiles.len() {
        format!("in every browser checked ({})", browsers.join(", "))
    } else if browsers.is_empty() {
        "in no browser checked".to_string()
    } else {
        format!("in {}", browsers.join(", "))
    }
}

/// A reason code in words where the code alone is vague (the prefix reasons
/// say which requirement broke).
pub fn describe_reason(reason: Reason) -> String {
    match reason {
        Reason::InvalidPrefix(prefix, requirement) => {
            let needs = match requirement {
                PrefixRequirement::Secure => "needs Secure",
                PrefixRequirement::HostOnly => "must not have a Domain",
                PrefixRequirement::PathSlash => "needs Path=/",
                PrefixRequirement::HttpOnly => "needs HttpOnly",
                PrefixRequirement::NamelessValue => "may not start a nameless cookie's value",
            };
            let prefix = match prefix {
                Prefix::Secure => "__Secure-",
                Prefix::Host => "__Host-",
                Prefix::Http => "__Http-",
                Prefix::HostHttp => "__Host-Http-",
            };
            format!("{reason}: {prefix} {needs}")
        }
        other => other.to_string(),
    }
}
