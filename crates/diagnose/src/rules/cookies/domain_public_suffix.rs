//! `domain-public-suffix`: a `Domain` attribute that is a public suffix
//! (`com`, `co.uk`, `github.io`): the cookie is refused.

use cookie_doctor_cookie::Reason;

use crate::finding::{Finding, Safety, Severity};
use crate::matrix::{Cell, Context};
use crate::rules::{Rule, RuleContext, RuleDoc};

use super::{cell_evidence, describe_cells, replace_fix};

/// The rule's documentation.
pub static DOC: RuleDoc = RuleDoc {
    code: "domain-public-suffix",
    area: "cookies",
    severity: Severity::Error,
    title: "Domain is a public suffix: the cookie is refused",
    what: "A `Domain` attribute naming a public suffix from the Public Suffix List, such as `com`, `co.uk` or a shared hosting domain like `github.io` or `vercel.app`.",
    why: "RFC 6265bis §5.7 step 9 makes the browser ignore a cookie whose Domain is a public suffix (unless it equals the host), so one customer of a hosting platform cannot set cookies for all the others; Chromium `cookie_util::GetCookieDomainWithString`, Firefox and Safari all apply it with the private section of the list too.",
    fix: "Leave `Domain` out (a host-only cookie, the safest), or name your own registrable domain.",
    bad: "Set-Cookie: sid=abc; Domain=github.io; Secure; Path=/",
    good: "Set-Cookie: sid=abc; Secure; Path=/",
};

/// The rule.
pub struct DomainPublicSuffix;

impl Rule for DomainPublicSuffix {
    fn doc(&self) -> &'static RuleDoc {
        &DOC
    }

    fn check(&self, cx: &RuleContext<'_>) -> Vec<Finding> {
        let mut findings = Vec::new();
        for (index, line) in cx.cookies.iter().enumerate() {
            let dropped: Vec<Cell> = cx
                .cells_in(index, Context::SameSite)
                .filter(|c| !c.stored && c.reasons.contains(&Reason::DomainIsPublicSuffix))
                .cloned()
                .collect();
            if dropped.is_empty() {
                continue;
            }
            let total = cx.cells_in(index, Context::SameSite).count();
            let name = line.name();
            let domain = line.get("Domain").flatten().unwrap_or_default();
            let mut fixed = line.clone();
            fixed.remove("Domain");
            let mut evidence = vec![format!("Set-Cookie: {}", line.value_line())];
            evidence.extend(cell_evidence(&dropped));
            findings.push(Finding {
                code: DOC.code.into(),
                severity: if dropped.len() == total {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                message: format!(
                    "`{name}` has Domain={domain}, a public suffix, so {} refuse it, even on your own pages. Leave Domain out to set it for {} only.",
                    describe_cells(&dropped),
                    cx.deployment.url.host_str().unwrap_or("the host")
                ),
                cookie: Some(name.to_string()),
                browsers: dropped.iter().map(|c| c.browser.to_string()).collect(),
                evidence,
                fix: Some(replace_fix(index, &fixed, Safety::Safe, "")),
            });
        }
        findings
    }
}
