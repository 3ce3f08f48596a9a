//! `expiry-too-long`: a `Max-Age` or `Expires` more than 400 days ahead,
//! which browsers cap.

use cookie_doctor_cookie::FOUR_HUNDRED_DAYS;

use crate::finding::{Finding, Safety, Severity};
use crate::matrix::Context;
use crate::rules::{Rule, RuleContext, RuleDoc};

use super::{is_deletion, replace_fix, set_trace};

/// The rule's documentation.
pub static DOC: RuleDoc = RuleDoc {
    code: "expiry-too-long",
    area: "cookies",
    severity: Severity::Info,
    title: "Expiry beyond 400 days: browsers cap it",
    what: "A cookie whose `Max-Age` or `Expires` lies more than 400 days after it is set.",
    why: "RFC 6265bis §5.5 and §5.6.1–5.6.2 cap a cookie's lifetime at 400 days; Chrome (104+, `CanonicalCookie::ValidateAndAdjustExpiryDate`) and Firefox (`network.cookie.maxageCap`) do, so the cookie expires earlier than written. Safari does not cap at 400 days (but ITP may delete script-set and tracker cookies far sooner).",
    fix: "Write the lifetime you actually get, `Max-Age=34560000` (400 days), and refresh the cookie on visits if it must live longer.",
    bad: "Set-Cookie: remember=1; Max-Age=157680000; Secure",
    good: "Set-Cookie: remember=1; Max-Age=34560000; Secure",
};

/// The rule.
pub struct ExpiryTooLong;

impl Rule for ExpiryTooLong {
    fn doc(&self) -> &'static RuleDoc {
        &DOC
    }

    fn check(&self, cx: &RuleContext<'_>) -> Vec<Finding> {
        let mut findings = Vec::new();
        for (index, line) in cx.cookies.iter().enumerate() {
            if is_deletion(cx, index) {
                continue;
            }
            let max_age: Option<i64> = line
                .get("Max-Age")
                .flatten()
                .and_then(|v| v.trim().parse().ok());
            let mut longest: Option<i64> = None;
            let mut capped: Vec<String> = Vec::new();
            for profile in cx.profiles {
                let Some(lifetime) = lifetime(cx, index, &profile.name) else {
                    continue;
                };
                longest = Some(longest.map_or(lifetime, |l| l.max(lifetime)));
                if profile.policy.max_age_limit <= FOUR_HUNDRED_DAYS
                    && lifetime >= FOUR_HUNDRED_DAYS
                {
                    capped.push(profile.name.clone());
                }
            }
            let over = max_age.is_some_and(|m| m > FOUR_HUNDRED_DAYS)
                || longest.is_some_and(|l| l > FOUR_HUNDRED_DAYS)
                || (max_age.is_none() && line.has("Expires") && !capped.is_empty());
            if !over {
                continue;
            }
            let name = line.name();
            let written = match max_age {
                Some(m) => format!("Max-Age={m} ({} days)", m / 86_400),
                None => format!(
                    "Expires={}",
                    line.get("Expires").flatten().unwrap_or_default()
                ),
            };
            let mut fixed = line.clone();
            fixed.remove("Expires");
            fixed.set("Max-Age", Some(&FOUR_HUNDRED_DAYS.to_string()));
            findings.push(Finding {
                code: DOC.code.into(),
                severity: Severity::Info,
                message: format!(
                    "`{name}` asks for {written}, more than 400 days; {} keep it only 400 days. Write Max-Age={FOUR_HUNDRED_DAYS} and refresh the cookie on visits if it must last longer.",
                    if capped.is_empty() {
                        "browsers that follow RFC 6265bis".to_string()
                    } else {
                        capped.join(", ")
                    }
                ),
                cookie: Some(name.to_string()),
                browsers: capped,
                evidence: vec![
                    format!("Set-Cookie: {}", line.value_line()),
                    format!(
                        "longest lifetime stored: {} days",
                        longest.map_or(0, |l| l / 86_400)
                    ),
                ],
                fix: Some(replace_fix(
                    index,
                    &fixed,
                    Safety::Safe,
                    "only Safari, which does not cap at 400 days, keeps the cookie for a shorter time than today",
                )),
            });
        }
        findings
    }
}

/// The lifetime (seconds) of the cookie line `index` makes on the app's own
/// pages in `browser`, `None` for a session cookie or when it is not stored.
fn lifetime(cx: &RuleContext<'_>, index: usize, browser: &str) -> Option<i64> {
    let id = set_trace(cx, index, Context::SameSite, browser)
        .filter(|s| s.stored)
        .and_then(|s| s.cookie.as_ref())?;
    cx.matrix
        .runs
        .iter()
        .find(|r| r.context == Context::SameSite && *r.browser == *browser)?
        .jar
        .iter()
        .flatten()
        .find(|c| *c.name == *id.name && *c.domain == *id.domain && *c.path == *id.path)
        .and_then(|c| c.expires)
}
