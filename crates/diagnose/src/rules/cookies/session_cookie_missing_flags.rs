//! `session-cookie-missing-flags`: a session-like cookie without `HttpOnly` or
//! `Secure`.

use crate::finding::{Finding, Safety, Severity};
use crate::matrix::Context;
use crate::rules::{Rule, RuleContext, RuleDoc};

use super::{SameSiteAttr, is_deletion, is_session_like, replace_fix, same_site};

/// The rule's documentation.
pub static DOC: RuleDoc = RuleDoc {
    code: "session-cookie-missing-flags",
    area: "cookies",
    severity: Severity::Warning,
    title: "Session cookie without HttpOnly or Secure",
    what: "A cookie whose name looks like a session or credential (fragments sess, token, auth, jwt, login, remember, identity, or a name part ending in sid; not csrf/xsrf tokens, which script often reads on purpose) without `HttpOnly`, or without `Secure` on an https site.",
    why: "Without `HttpOnly` (RFC 6265bis §4.1.2.6, §8.5) any injected script reads the session through `document.cookie` and sends it away (XSS becomes account takeover). Without `Secure` (§4.1.2.5) the cookie also goes over plain http — one http link or a downgrade on a hostile network exposes it — and an http page can overwrite it.",
    fix: "Add `HttpOnly` (unless your front-end really reads the cookie: then give it another, non-secret cookie) and `Secure`; consider the `__Host-` prefix.",
    bad: "Set-Cookie: sid=abc; Path=/; SameSite=Lax",
    good: "Set-Cookie: sid=abc; Path=/; SameSite=Lax; HttpOnly; Secure",
};

/// The rule.
pub struct SessionCookieMissingFlags;

impl Rule for SessionCookieMissingFlags {
    fn doc(&self) -> &'static RuleDoc {
        &DOC
    }

    fn check(&self, cx: &RuleContext<'_>) -> Vec<Finding> {
        let mut findings = Vec::new();
        let https = cx.deployment.url.scheme() == "https";
        for (index, line) in cx.cookies.iter().enumerate() {
            let name = line.name();
            if !is_session_like(name)
                || is_deletion(cx, index)
                || !cx.cells_in(index, Context::SameSite).any(|c| c.stored)
            {
                continue;
            }
            let no_http_only = !line.has("HttpOnly");
            // SameSite=None without Secure has its own rule (samesite-none-without-secure).
            let none_insecure = same_site(line) == SameSiteAttr::None;
            let no_secure = https && !line.has("Secure") && !none_insecure;
            if !no_http_only && !no_secure {
                continue;
            }
            let mut fixed = line.clone();
            let mut missing = Vec::new();
            if no_http_only {
                fixed.set_flag("HttpOnly");
                missing.push("HttpOnly (script can read it: XSS steals the session)");
            }
            if no_secure {
                fixed.set_flag("Secure");
                missing.push("Secure (it also travels over plain http)");
            }
            let (safety, reason) = if no_http_only {
                (
                    Safety::Unsafe,
                    "with HttpOnly, document.cookie no longer shows this cookie: if your front-end reads it, that code stops working",
                )
            } else {
                (Safety::Safe, "")
            };
            findings.push(Finding {
                code: DOC.code.into(),
                severity: Severity::Warning,
                message: format!(
                    "`{name}` looks like a session cookie but lacks {}.",
                    missing.join(" and ")
                ),
                cookie: Some(name.to_string()),
                browsers: Vec::new(),
                evidence: vec![format!("Set-Cookie: {}", line.value_line())],
                fix: Some(replace_fix(index, &fixed, safety, reason)),
            });
        }
        findings
    }
}
