//! `domain-over-broad`: `Domain=example.com` set from `app.example.com` shares
//! the cookie with every subdomain of the site.

use crate::finding::{Finding, Safety, Severity};
use crate::matrix::Context;
use crate::rules::{Rule, RuleContext, RuleDoc};

use super::{is_deletion, is_session_like, replace_fix};

/// The rule's documentation.
pub static DOC: RuleDoc = RuleDoc {
    code: "domain-over-broad",
    area: "cookies",
    severity: Severity::Info,
    title: "Domain wider than the host: every subdomain gets the cookie",
    what: "A `Domain` attribute naming a parent of the responding host (`Domain=example.com` from `app.example.com`), so the cookie goes to every subdomain of that domain, and any of them can overwrite it.",
    why: "RFC 6265bis §5.8.3 step 2 sends a cookie with a Domain attribute to every host that domain-matches it, and §8.6 (weak integrity) lets any such subdomain set a cookie of the same name that shadows it. A session cookie shared with `blog.example.com`, a marketing host or a user-content host is exposed to whatever runs there. Without Domain the cookie is host-only (§5.7 step 11).",
    fix: "Leave `Domain` out unless other subdomains really need the cookie; then prefer the `__Host-` prefix for the session cookie and a separate, less powerful cookie for what is shared.",
    bad: "Set-Cookie: sid=abc; Domain=example.com; Secure; HttpOnly; Path=/",
    good: "Set-Cookie: sid=abc; Secure; HttpOnly; Path=/",
};

/// The rule.
pub struct DomainOverBroad;

impl Rule for DomainOverBroad {
    fn doc(&self) -> &'static RuleDoc {
        &DOC
    }

    fn check(&self, cx: &RuleContext<'_>) -> Vec<Finding> {
        let mut findings = Vec::new();
        let Some(host) = cx.deployment.url.host_str().map(str::to_ascii_lowercase) else {
            return findings;
        };
        for (index, line) in cx.cookies.iter().enumerate() {
            let Some(domain) = line.get("Domain").flatten() else {
                continue;
            };
            let domain = domain.trim_start_matches('.').to_ascii_lowercase();
            let parent =
                !domain.is_empty() && host != domain && host.ends_with(&format!(".{domain}"));
            let stored = cx.cells_in(index, Context::SameSite).any(|c| c.stored);
            if !parent || !stored || is_deletion(cx, index) {
                continue;
            }
            let name = line.name();
            let session = is_session_like(name);
            let mut fixed = line.clone();
            fixed.remove("Domain");
            findings.push(Finding {
                code: DOC.code.into(),
                severity: if session {
                    Severity::Warning
                } else {
                    Severity::Info
                },
                message: format!(
                    "`{name}` is set from {host} with Domain={domain}, so every host under {domain} receives it and can overwrite it{}. If only {host} needs it, leave Domain out.",
                    if session {
                        "; for a session cookie that exposes the session to every subdomain (a blog, a marketing or user-content host)"
                    } else {
                        ""
                    }
                ),
                cookie: Some(name.to_string()),
                browsers: Vec::new(),
                evidence: vec![
                    format!("Set-Cookie: {}", line.value_line()),
                    format!("responding host {host}, Domain {domain}"),
                ],
                fix: Some(replace_fix(
                    index,
                    &fixed,
                    Safety::Unsafe,
                    "without Domain the cookie is host-only: other subdomains that read it today stop receiving it",
                )),
            });
        }
        findings
    }
}
