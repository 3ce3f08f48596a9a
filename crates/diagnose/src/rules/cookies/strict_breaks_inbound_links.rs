//! `strict-breaks-inbound-links`: a `SameSite=Strict` session cookie is
//! withheld when a user follows a link from another site, so they land logged out.

use cookie_doctor_cookie::Reason;

use crate::finding::{Finding, Safety, Severity};
use crate::matrix::{Cell, Context};
use crate::rules::{Rule, RuleContext, RuleDoc};

use super::samesite_blocks_declared_use;
use super::{SameSiteAttr, cell_evidence, is_deletion, is_session_like, replace_fix, same_site};

/// The rule's documentation.
pub static DOC: RuleDoc = RuleDoc {
    code: "strict-breaks-inbound-links",
    area: "cookies",
    severity: Severity::Warning,
    title: "SameSite=Strict session cookie: links from other sites land logged out",
    what: "A session-like cookie (see `is_session_like`: sid, session, token, auth, jwt, …) with `SameSite=Strict`, which the first request after following a link from another site (an email, a search result, a chat) does not carry.",
    why: "RFC 6265bis §5.8.3 step 2 withholds `Strict` cookies from every cross-site request, including top-level GET navigations (§8.8.2 discusses exactly this: the user appears logged out until the next same-site click). `Lax` allows them on top-level GET navigations and still withholds them from cross-site POSTs, iframes and fetches.",
    fix: "Use `SameSite=Lax` for the session cookie (and make sure GET requests never change state), or keep a `Strict` cookie for sensitive actions next to a `Lax` one that only says \"logged in\" (the two-cookie pattern).",
    bad: "Set-Cookie: sid=abc; SameSite=Strict; Secure; HttpOnly; Path=/",
    good: "Set-Cookie: sid=abc; SameSite=Lax; Secure; HttpOnly; Path=/",
};

/// The rule.
pub struct StrictBreaksInboundLinks;

impl Rule for StrictBreaksInboundLinks {
    fn doc(&self) -> &'static RuleDoc {
        &DOC
    }

    fn check(&self, cx: &RuleContext<'_>) -> Vec<Finding> {
        let mut findings = Vec::new();
        // A session-like cookie that does survive links: the two-cookie pattern.
        let companion = cx.cookies.iter().enumerate().find(|(i, l)| {
            is_session_like(l.name())
                && same_site(l) != SameSiteAttr::Strict
                && cx.cells_in(*i, Context::TopLevelGet).any(|c| c.sent)
        });
        for (index, line) in cx.cookies.iter().enumerate() {
            let name = line.name();
            if same_site(line) != SameSiteAttr::Strict
                || !is_session_like(name)
                || is_deletion(cx, index)
                || samesite_blocks_declared_use::applies(cx, index)
            {
                continue;
            }
            let withheld: Vec<Cell> = cx
                .cells_in(index, Context::TopLevelGet)
                .filter(|c| c.stored && !c.sent && c.reasons.contains(&Reason::SameSiteStrict))
                .cloned()
                .collect();
            if withheld.is_empty() {
                continue;
            }
            let mut fixed = line.clone();
            fixed.set("SameSite", Some("Lax"));
            let (severity, tail) = match companion {
                Some((_, other)) => (
                    Severity::Info,
                    format!(
                        " `{}` does go with such links, so this looks like the deliberate two-cookie pattern; if pages need `{name}` on arrival, use Lax.",
                        other.name()
                    ),
                ),
                None => (
                    Severity::Warning,
                    " Users who follow a link from another site (email, search, chat) land logged out until they click again.".to_string(),
                ),
            };
            let mut evidence = vec![format!("Set-Cookie: {}", line.value_line())];
            evidence.extend(cell_evidence(&withheld));
            findings.push(Finding {
                code: DOC.code.into(),
                severity,
                message: format!(
                    "`{name}` is SameSite=Strict, so following a link from another site to {} arrives without it in {}.{tail}",
                    cx.deployment.url,
                    withheld
                        .iter()
                        .map(|c| &*c.browser)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                cookie: Some(name.to_string()),
                browsers: withheld.iter().map(|c| c.browser.to_string()).collect(),
                evidence,
                fix: Some(replace_fix(
                    index,
                    &fixed,
                    Safety::Unsafe,
                    "Lax sends the cookie on top-level GET navigations from other sites: any GET endpoint that changes state becomes open to CSRF",
                )),
            });
        }
        findings
    }
}
