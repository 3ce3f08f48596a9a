//! `deletion-does-not-match`: a deletion line names a different cookie than
//! the one it means to clear, so the old cookie survives.

use std::collections::BTreeSet;

use crate::finding::{Edit, Finding, Fix, Safety, Severity};
use crate::matrix::Context;
use crate::rules::clearing::{
    Identity, identity, in_browsers, is_deletion, matching_deletion, setters,
};
use crate::rules::{Rule, RuleContext, RuleDoc};
use crate::snippets;

/// The rule's documentation.
pub static DOC: RuleDoc = RuleDoc {
    code: "deletion-does-not-match",
    area: "clearing",
    severity: Severity::Error,
    title: "The deletion line does not match the cookie, so the cookie survives (logout does not log out)",
    what: "A line that deletes a cookie (`Max-Age=0` or an `Expires` in the past) whose Domain (or host-only-ness), Path or Partitioned differs from a cookie of the same name set by another line of the input. The browser treats it as a different cookie: it removes nothing (or an unrelated namesake) and the cookie you meant to clear stays in the jar and keeps being sent.",
    why: "RFC 6265bis §5.7 step 23 replaces (and so, with a past expiry, deletes) only the cookie with the same name, domain, host-only flag and path; a `Domain=example.com` cookie and a host-only `app.example.com` cookie are two cookies, as are `Path=/` and `Path=/account`. CHIPS (draft-cutler-httpbis-partitioned-cookies; Chrome 114+, Firefox 141+) also keys the jar by partition, so a deletion without `Partitioned` does not reach a partitioned cookie, and one with it does not reach an unpartitioned one. Browsers follow this exactly (Chromium `CanonicalCookie::IsEquivalent`, Firefox `CookieStorage::FindCookie`).",
    fix: "Send the deletion with exactly the attributes the cookie was set with: the same Domain (or none), the same Path, `Partitioned` if and only if the cookie was partitioned, and `Secure` (needed anyway for `SameSite=None`, `Partitioned` and the `__Secure-`/`__Host-` prefixes). If the cookie was ever set under several domains or paths, send one deletion per variant.",
    bad: "Set-Cookie: sid=u42; Domain=example.com; Path=/; Secure; HttpOnly; SameSite=Lax\nSet-Cookie: sid=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0",
    good: "Set-Cookie: sid=u42; Domain=example.com; Path=/; Secure; HttpOnly; SameSite=Lax\nSet-Cookie: sid=; Domain=example.com; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0",
};

/// The rule.
pub struct DeletionDoesNotMatch;

impl Rule for DeletionDoesNotMatch {
    fn doc(&self) -> &'static RuleDoc {
        &DOC
    }

    fn check(&self, cx: &RuleContext<'_>) -> Vec<Finding> {
        let mut findings = Vec::new();
        // Deletion lines already rewritten by an earlier finding of this rule.
        let mut replaced: BTreeSet<usize> = BTreeSet::new();
        for (set_index, set) in cx.cookies.iter().enumerate() {
            if is_deletion(cx, set_index) {
                continue;
            }
            let deletions: Vec<usize> = (0..cx.cookies.len())
                .filter(|&i| {
                    cx.cookies.get(i).is_some_and(|c| c.name() == set.name()) && is_deletion(cx, i)
                })
                .collect();
            if deletions.is_empty() {
                continue;
            }
            // Per browser: the cookie is stored, some deletion is accepted, and
            // none of the accepted ones names the same cookie.
            let mut survives: Vec<String> = Vec::new();
            let mut first_difference: Option<(usize, Identity, Identity)> = None;
            for profile in cx.profiles {
                let browser = profile.name.as_str();
                let Some(kept) = identity(cx, set_index, browser) else {
                    continue;
                };
                let accepted: Vec<(usize, Identity)> = deletions
                    .iter()
                    .filter_map(|&d| identity(cx, d, browser).map(|id| (d, id)))
                    .collect();
                if accepted.is_empty() || accepted.iter().any(|(_, id)| *id == kept) {
                    continue;
                }
                survives.push(browser.to_string());
                if first_difference.is_none()
                    && let Some((d, id)) = accepted.first()
                {
                    first_difference = Some((*d, kept.clone(), id.clone()));
                }
            }
            let Some((deletion_index, kept, deleted)) = first_difference else {
                continue;
            };
            let Some(deletion) = cx.cookies.get(deletion_index) else {
                continue;
            };
            // Rewrite the deletion line in place unless it clears another
            // cookie of the same name (then add a line for this one).
            let clears_another = setters(cx, set.name()).any(|(other, _)| {
                other != set_index
                    && cx.profiles.iter().any(|p| {
                        identity(cx, other, &p.name).is_some()
                            && identity(cx, other, &p.name) == identity(cx, deletion_index, &p.name)
                    })
            });
            let edit = if clears_another || replaced.contains(&deletion_index) {
                Edit::AppendLine
            } else {
                replaced.insert(deletion_index);
                Edit::ReplaceLine(deletion_index)
            };
            let fixed = matching_deletion(set);
            let mut evidence = vec![
                format!("sets:    Set-Cookie: {}", set.value_line()),
                format!("deletes: Set-Cookie: {}", deletion.value_line()),
            ];
            evidence.extend(
                kept.differences(&deleted)
                    .into_iter()
                    .map(|d| format!("differs in {d} (cookie vs deletion)")),
            );
            let still_sent: Vec<String> = cx
                .cells_in(set_index, Context::SameSite)
                .filter(|c| c.sent && survives.iter().any(|s| **s == *c.browser))
                .map(|c| c.browser.to_string())
                .collect();
            if !still_sent.is_empty() && deletion_index > set_index {
                evidence.push(format!(
                    "engine: after both lines the old `{}` is still sent on the next same-site request {}",
                    set.name(),
                    in_browsers(cx, &still_sent)
                ));
            }
            findings.push(Finding {
                code: DOC.code.into(),
                severity: Severity::Error,
                message: format!(
                    "The deletion `{}` does not clear the `{}` cookie set by `{}`: it names a different cookie ({}), so the old cookie survives (logout does not log out) {}.",
                    deletion.value_line(),
                    set.name(),
                    set.value_line(),
                    kept.differences(&deleted).join("; "),
                    in_browsers(cx, &survives)
                ),
                cookie: Some(set.name().to_string()),
                browsers: survives,
                evidence,
                fix: Some(Fix {
                    header: fixed.header(),
                    safety: Safety::Safe,
                    reason: "the deletion repeats the cookie's own Domain, Path, Secure and Partitioned, so it removes exactly that cookie and nothing else".into(),
                    snippets: snippets::cookie(&fixed.spec()),
                    edit,
                }),
            });
        }
        findings
    }
}
