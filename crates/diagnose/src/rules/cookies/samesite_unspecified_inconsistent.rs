//! `samesite-unspecified-inconsistent`: a cookie without SameSite, which some
//! browsers treat as `Lax` and others as `None`, so it travels cross-site in
//! some browsers and not in others.

use crate::finding::{Finding, Safety, Severity};
use crate::matrix::{Cell, Context};
use crate::rules::{Rule, RuleContext, RuleDoc, add_browser};

use super::samesite_blocks_declared_use;
use super::{
    SameSiteAttr, is_deletion, is_same_site_reason, is_third_party_blocked, replace_fix, same_site,
};

/// The rule's documentation.
pub static DOC: RuleDoc = RuleDoc {
    code: "samesite-unspecified-inconsistent",
    area: "cookies",
    severity: Severity::Warning,
    title: "No SameSite: browsers disagree on where the cookie goes",
    what: "A cookie without a `SameSite` attribute (or with a value browsers do not know) that the delivery matrix shows sent in a cross-site context by some browsers and withheld by others.",
    why: "RFC 6265bis §5.6.7 and Chrome (since 80, `CookieBase::GetEffectiveSameSite`) treat a missing SameSite as `Lax`, with a 2-minute exception for top-level POSTs (`kLaxAllowUnsafeMaxAge`); Firefox and Safari still treat it as `None`. The same site then works in one browser and fails in another, and the cookie is more exposed to CSRF where it is `None`.",
    fix: "Say what you mean: `SameSite=Lax` for a cookie that only your own pages and inbound links need, or `SameSite=None; Secure` for one that embeds or cross-site APIs need (declare them with `--embedded-in` / `--called-from`).",
    bad: "Set-Cookie: sid=abc; Secure; HttpOnly; Path=/",
    good: "Set-Cookie: sid=abc; Secure; HttpOnly; Path=/; SameSite=Lax",
};

/// The rule.
pub struct SameSiteUnspecifiedInconsistent;

impl Rule for SameSiteUnspecifiedInconsistent {
    fn doc(&self) -> &'static RuleDoc {
        &DOC
    }

    fn check(&self, cx: &RuleContext<'_>) -> Vec<Finding> {
        let mut findings = Vec::new();
        for (index, line) in cx.cookies.iter().enumerate() {
            if same_site(line) != SameSiteAttr::Unspecified
                || is_deletion(cx, index)
                || samesite_blocks_declared_use::applies(cx, index)
            {
                continue;
            }
            let mut parts: Vec<String> = Vec::new();
            let mut evidence = vec![format!("Set-Cookie: {}", line.value_line())];
            let mut browsers: Vec<String> = Vec::new();
            for context in Context::ALL {
                if context == Context::SameSite {
                    continue;
                }
                let cells: Vec<&Cell> = cx.cells_in(index, context).collect();
                let sent: Vec<&Cell> = cells.iter().copied().filter(|c| c.sent).collect();
                let withheld: Vec<&Cell> = cells
                    .iter()
                    .copied()
                    .filter(|c| {
                        !c.sent
                            && c.reasons.iter().any(|r| is_same_site_reason(*r))
                            && !c.reasons.iter().any(|r| is_third_party_blocked(*r))
                    })
                    .collect();
                if sent.is_empty() || withheld.is_empty() {
                    continue;
                }
                let names = |cs: &[&Cell]| {
                    cs.iter()
                        .map(|c| &*c.browser)
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                parts.push(format!(
                    "{} ({}): sent by {}, withheld by {}",
                    context.label(),
                    context.as_str(),
                    names(&sent),
                    names(&withheld)
                ));
                for c in withheld.iter().chain(sent.iter()) {
                    add_browser(&mut browsers, &c.browser);
                }
                evidence.push(format!(
                    "{}: sent in {}; withheld in {} (samesite-unspecified-treated-as-lax)",
                    context.as_str(),
                    names(&sent),
                    names(&withheld)
                ));
            }
            if parts.is_empty() {
                continue;
            }
            let name = line.name();
            let mut fixed = line.clone();
            fixed.set("SameSite", Some("Lax"));
            let post_window = parts
                .iter()
                .any(|p| p.starts_with(Context::TopLevelPost.label()));
            findings.push(Finding {
                code: DOC.code.into(),
                severity: Severity::Warning,
                message: format!(
                    "`{name}` has no SameSite, so browsers disagree on cross-site requests — {}.{} Write SameSite=Lax if only your own pages and inbound links need it, or SameSite=None; Secure if an embed or a cross-site API does (declare it with --embedded-in / --called-from).",
                    parts.join("; "),
                    if post_window {
                        " (Chrome sends a cookie without SameSite on a cross-site POST only in the first 2 minutes after setting it.)"
                    } else {
                        ""
                    }
                ),
                cookie: Some(name.to_string()),
                browsers,
                evidence,
                fix: Some(replace_fix(
                    index,
                    &fixed,
                    Safety::Safe,
                    "top-level navigations keep the cookie; Firefox and Safari stop sending it on cross-site iframes, fetches and POSTs, as Chrome already does",
                )),
            });
        }
        findings
    }
}
