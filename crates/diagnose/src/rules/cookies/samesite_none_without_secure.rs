//! `samesite-none-without-secure`: `SameSite=None` without `Secure` is dropped.

use cookie_doctor_cookie::Reason;

use crate::finding::{Edit, Finding, Fix, Safety, Severity};
use crate::matrix::Context;
use crate::rules::{Rule, RuleContext, RuleDoc, browsers_where};
use crate::snippets;

/// The rule's documentation.
pub static DOC: RuleDoc = RuleDoc {
    code: "samesite-none-without-secure",
    area: "cookies",
    severity: Severity::Error,
    title: "SameSite=None without Secure: the cookie is silently dropped",
    what: "A cookie with `SameSite=None` and no `Secure` attribute.",
    why: "RFC 6265bis §5.7 step 19 and Chrome (since 80) and Firefox (since 131) ignore such a cookie entirely, even on the app's own pages: the Set-Cookie is dropped without an error.",
    fix: "Add `Secure` and serve the app over https (http://localhost counts as secure in Chrome and Firefox).",
    bad: "Set-Cookie: sid=abc; SameSite=None; Path=/",
    good: "Set-Cookie: sid=abc; SameSite=None; Secure; Path=/",
};

/// The rule.
pub struct SameSiteNoneWithoutSecure;

impl Rule for SameSiteNoneWithoutSecure {
    fn doc(&self) -> &'static RuleDoc {
        &DOC
    }

    fn check(&self, cx: &RuleContext<'_>) -> Vec<Finding> {
        let mut findings = Vec::new();
        for (index, line) in cx.cookies.iter().enumerate() {
            let none = line
                .get("SameSite")
                .flatten()
                .is_some_and(|v| v.eq_ignore_ascii_case("none"));
            // A deletion line is `deletion-rejected`'s (it knows the cookie it
            // means to clear).
            if !none || line.has("Secure") || super::is_deletion(cx, index) {
                continue;
            }
            let dropped = browsers_where(cx, index, Context::SameSite, |c| {
                !c.stored && c.reasons.contains(&Reason::SameSiteNoneInsecure)
            });
            let mut fixed = line.clone();
            fixed.set_flag("Secure");
            let https = cx.deployment.url.scheme() == "https";
            let (safety, reason) = if https {
                (Safety::Safe, String::new())
            } else {
                (
                    Safety::Unsafe,
                    "a Secure cookie is never set nor sent over plain http: serve the app over https first".to_string(),
                )
            };
            findings.push(Finding {
                code: DOC.code.into(),
                severity: if dropped.is_empty() {
                    Severity::Warning
                } else {
                    Severity::Error
                },
                message: format!(
                    "`{}` has SameSite=None without Secure, so {} drop it even on your own pages.",
                    line.name(),
                    if dropped.is_empty() {
                        "browsers that require Secure".to_string()
                    } else {
                        dropped.join(", ")
                    }
                ),
                cookie: Some(line.name().to_string()),
                browsers: dropped,
                evidence: vec![
                    format!("Set-Cookie: {}", line.value_line()),
                    "reason samesite-none-insecure".into(),
                ],
                fix: Some(Fix {
                    header: fixed.header(),
                    safety,
                    reason,
                    snippets: snippets::cookie(&fixed.spec()),
                    edit: Edit::ReplaceLine(index),
                }),
            });
        }
        findings
    }
}
