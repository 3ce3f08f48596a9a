//! `prefix-violation`: a `__Secure-`, `__Host-`, `__Http-` or `__Host-Http-`
//! cookie that breaks its prefix's rules, so it is dropped.

use cookie_doctor_cookie::{Prefix, PrefixRequirement, Reason};

use crate::finding::{Finding, Safety, Severity};
use crate::matrix::{Cell, Context};
use crate::rules::{Rule, RuleContext, RuleDoc};

use super::{cell_evidence, describe_cells, replace_fix};

/// The rule's documentation.
pub static DOC: RuleDoc = RuleDoc {
    code: "prefix-violation",
    area: "cookies",
    severity: Severity::Error,
    title: "Cookie name prefix rules broken: the cookie is dropped",
    what: "A cookie whose name starts with `__Secure-`, `__Host-`, `__Http-` or `__Host-Http-` but lacks what the prefix promises: `Secure` (all of them), no `Domain` and `Path=/` (`__Host-`), `HttpOnly` (`__Http-`).",
    why: "RFC 6265bis §5.7 steps 20–22 (and draft-ietf-httpbis-layered-cookies for `__Http-`) make the browser ignore such a Set-Cookie entirely; Chromium `CanonicalCookie::HasValidHostPrefixAttributes`, Firefox `CookieCommons::CheckNameAndValue` and Safari enforce it. The cookie is silently missing, even on your own pages.",
    fix: "Give the cookie what its prefix requires: `Secure` over https; for `__Host-` also `Path=/` and no `Domain`; for `__Http-` also `HttpOnly` — or rename it without the prefix.",
    bad: "Set-Cookie: __Host-sid=abc; Domain=example.com; Path=/; Secure",
    good: "Set-Cookie: __Host-sid=abc; Path=/; Secure",
};

/// The rule.
pub struct PrefixViolation;

impl Rule for PrefixViolation {
    fn doc(&self) -> &'static RuleDoc {
        &DOC
    }

    fn check(&self, cx: &RuleContext<'_>) -> Vec<Finding> {
        let mut findings = Vec::new();
        let https = cx.deployment.url.scheme() == "https";
        for (index, line) in cx.cookies.iter().enumerate() {
            // A deletion line is `deletion-rejected`'s.
            if super::is_deletion(cx, index) {
                continue;
            }
            let dropped: Vec<Cell> = cx
                .cells_in(index, Context::SameSite)
                .filter(|c| {
                    !c.stored
                        && c.reasons
                            .iter()
                            .any(|r| matches!(r, Reason::InvalidPrefix(..)))
                })
                .cloned()
                .collect();
            let Some(first) = dropped.first() else {
                continue;
            };
            let mut needs: Vec<(Prefix, PrefixRequirement)> = Vec::new();
            for c in &dropped {
                for r in &c.reasons {
                    if let Reason::InvalidPrefix(p, q) = r
                        && !needs.contains(&(*p, *q))
                    {
                        needs.push((*p, *q));
                    }
                }
            }
            let name = line.name();
            let described: Vec<String> = first
                .reasons
                .iter()
                .filter(|r| matches!(r, Reason::InvalidPrefix(..)))
                .map(|r| r.describe())
                .collect();
            let mut fixed = line.clone();
            let mut fixable = true;
            // Everything the prefix asks for, not only the first requirement the
            // browser checked: the fixed line must pass them all.
            for (prefix, requirement) in &needs {
                if *requirement == PrefixRequirement::NamelessValue {
                    fixable = false;
                    continue;
                }
                fixed.set_flag("Secure");
                if matches!(prefix, Prefix::Host | Prefix::HostHttp) {
                    fixed.remove("Domain");
                    fixed.set("Path", Some("/"));
                }
                if matches!(prefix, Prefix::Http | Prefix::HostHttp) {
                    fixed.set_flag("HttpOnly");
                }
            }
            let (safety, reason) = if https {
                (Safety::Safe, "")
            } else {
                (
                    Safety::Unsafe,
                    "prefixed cookies must be Secure, and a Secure cookie cannot be set over plain http: serve the app over https first",
                )
            };
            let mut evidence = vec![format!("Set-Cookie: {}", line.value_line())];
            evidence.extend(cell_evidence(&dropped));
            findings.push(Finding {
                code: DOC.code.into(),
                severity: Severity::Error,
                message: format!(
                    "`{name}` breaks its name prefix ({}), so {} drop it, even on your own pages.",
                    described.join("; "),
                    describe_cells(&dropped)
                ),
                cookie: Some(name.to_string()),
                browsers: dropped.iter().map(|c| c.browser.to_string()).collect(),
                evidence,
                fix: fixable.then(|| replace_fix(index, &fixed, safety, reason)),
            });
        }
        findings
    }
}
