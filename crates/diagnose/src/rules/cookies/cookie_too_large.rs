//! `cookie-too-large`: name and value over 4096 bytes (refused), or close to it.

use crate::finding::{Finding, Safety, Severity};
use crate::matrix::Context;
use crate::rules::{Rule, RuleContext, RuleDoc};

use super::replace_fix;

/// The rule's documentation.
pub static DOC: RuleDoc = RuleDoc {
    code: "cookie-too-large",
    area: "cookies",
    severity: Severity::Error,
    title: "Cookie over 4096 bytes (refused) or close to the limit",
    what: "A cookie whose name and value together exceed 4096 bytes (an error: it is refused), or exceed 3584 bytes (advice: one more claim in a JWT and it is gone).",
    why: "RFC 6265bis §5.6 step 5 and §5.7 step 4 ignore a cookie whose name plus value is over 4096 octets; Chromium (`ParsedCookie::kMaxCookieNamePlusValueSize`), Firefox and Safari refuse it without an error. Large cookies also travel on every request and can push the request headers over server limits (8 KB in many proxies).",
    fix: "Store a short session id in the cookie and keep the data server-side, or split the data; a JWT in a cookie should carry only the claims the server needs.",
    bad: "Set-Cookie: session=<4 KB of JSON>; Secure; HttpOnly",
    good: "Set-Cookie: session=3f2a9c…; Secure; HttpOnly",
};

/// Name + value bytes above which a cookie is refused.
pub const LIMIT: usize = 4096;
/// Name + value bytes above which the rule advises (7/8 of the limit).
pub const NEAR: usize = 3584;

/// The value of the fixed line: a short reference to server-side data.
pub const PLACEHOLDER: &str = "server-side-id";

/// The rule.
pub struct CookieTooLarge;

impl Rule for CookieTooLarge {
    fn doc(&self) -> &'static RuleDoc {
        &DOC
    }

    fn check(&self, cx: &RuleContext<'_>) -> Vec<Finding> {
        let mut findings = Vec::new();
        for (index, line) in cx.cookies.iter().enumerate() {
            let size = line.name().len() + line.value().len();
            if size <= NEAR {
                continue;
            }
            let name = line.name();
            let refused: Vec<String> = cx
                .cells_in(index, Context::SameSite)
                .filter(|c| !c.stored)
                .map(|c| c.browser.to_string())
                .collect();
            let (severity, message) = if size > LIMIT {
                (
                    Severity::Error,
                    format!(
                        "`{name}` is {size} bytes (name + value), over the 4096-byte limit, so {} refuse it, even on your own pages. Keep a short id in the cookie and the data on the server.",
                        if refused.is_empty() {
                            "browsers".to_string()
                        } else {
                            refused.join(", ")
                        }
                    ),
                )
            } else {
                (
                    Severity::Info,
                    format!(
                        "`{name}` is {size} bytes (name + value), close to the 4096-byte limit above which browsers refuse it; it also travels on every request. Keep a short id in the cookie and the data on the server."
                    ),
                )
            };
            let too_large = size > LIMIT;
            let browsers = if too_large { refused } else { Vec::new() };
            // The only line-level change: the value becomes a reference to
            // server-side data (a template the user fills in).
            let mut fixed = line.clone();
            fixed.set_value(PLACEHOLDER);
            findings.push(Finding {
                code: DOC.code.into(),
                severity,
                message,
                cookie: Some(name.to_string()),
                browsers,
                evidence: vec![
                    format!("name {} bytes + value {} bytes = {size}", name.len(), line.value().len()),
                    "reason name-value-too-long above 4096".into(),
                ],
                fix: too_large.then(|| replace_fix(
                    index,
                    &fixed,
                    Safety::Unsafe,
                    "a template: the value becomes an id (replace server-side-id with a random session id) and the data it carried must be stored on the server under that id",
                )),
            });
        }
        findings
    }
}
