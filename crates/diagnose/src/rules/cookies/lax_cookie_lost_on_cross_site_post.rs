//! `lax-cookie-lost-on-cross-site-post`: an SSO / payment callback that the
//! identity provider POSTs back (`response_mode=form_post`, SAML POST binding)
//! arrives without the `Lax` state, nonce or session cookie.

use crate::finding::{Finding, Safety, Severity};
use crate::matrix::{Cell, Context};
use crate::rules::{Rule, RuleContext, RuleDoc, holds};

use super::samesite_blocks_declared_use;
use super::{
    SameSiteAttr, cell_evidence, is_deletion, is_same_site_reason, is_session_like, replace_fix,
    same_site,
};

/// The rule's documentation.
pub static DOC: RuleDoc = RuleDoc {
    code: "lax-cookie-lost-on-cross-site-post",
    area: "cookies",
    severity: Severity::Warning,
    title: "SSO form_post callback loses a Lax (or SameSite-less) cookie",
    what: "A cookie that looks like sign-in state (name with state, nonce, oauth, oidc, saml, sso, pkce, verifier, relay or openid; or a session-like name when the URL path looks like a callback: callback, acs, sso, saml, oauth, oidc, signin, return) that is `Lax` or has no SameSite, and that the matrix shows withheld from a cross-site top-level POST to the URL.",
    why: "RFC 6265bis §5.8.3 step 2 sends `Lax` cookies only on top-level navigations with a safe method; an identity provider returning with `response_mode=form_post` (OpenID Connect Form Post Response Mode) or the SAML HTTP-POST binding makes a cross-site POST, so the state/nonce cookie is missing and sign-in fails with \"state mismatch\". Chrome sends a cookie without SameSite on such a POST only within 2 minutes of setting it (`kLaxAllowUnsafeMaxAge`), so the failure appears only for slow logins.",
    fix: "Either set the short-lived state cookie with `SameSite=None; Secure` (it must then be single-use and bound to the request), or have the provider return with `response_mode=query` (a top-level GET, which carries `Lax` cookies).",
    bad: "Set-Cookie: oidc_state=xyz; SameSite=Lax; Secure; HttpOnly; Path=/callback",
    good: "Set-Cookie: oidc_state=xyz; SameSite=None; Secure; HttpOnly; Path=/callback",
};

/// Name fragments of sign-in state cookies.
pub const STATE_FRAGMENTS: [&str; 10] = [
    "state", "nonce", "oauth", "oidc", "saml", "sso", "pkce", "verifier", "relay", "openid",
];

/// URL path fragments of sign-in callbacks.
pub const CALLBACK_FRAGMENTS: [&str; 8] = [
    "callback", "acs", "sso", "saml", "oauth", "oidc", "signin", "return",
];

/// Whether a URL path looks like a sign-in callback (it holds one of
/// [`CALLBACK_FRAGMENTS`], case-insensitively).
pub fn is_callback_path(path: &str) -> bool {
    let path = path.to_ascii_lowercase();
    CALLBACK_FRAGMENTS.iter().any(|f| holds(&path, f))
}

/// The rule.
pub struct LaxCookieLostOnCrossSitePost;

impl Rule for LaxCookieLostOnCrossSitePost {
    fn doc(&self) -> &'static RuleDoc {
        &DOC
    }

    fn check(&self, cx: &RuleContext<'_>) -> Vec<Finding> {
        let mut findings = Vec::new();
        let callback = is_callback_path(cx.deployment.url.path());
        for (index, line) in cx.cookies.iter().enumerate() {
            let name = line.name();
            let lower = name.to_ascii_lowercase();
            let state_like = STATE_FRAGMENTS.iter().any(|f| holds(&lower, f));
            let attr = same_site(line);
            if !matches!(attr, SameSiteAttr::Lax | SameSiteAttr::Unspecified)
                || !(state_like || (callback && is_session_like(name)))
                || is_deletion(cx, index)
                || samesite_blocks_declared_use::applies(cx, index)
            {
                continue;
            }
            let withheld: Vec<Cell> = cx
                .cells_in(index, Context::TopLevelPost)
                .filter(|c| {
                    c.stored && !c.sent && c.reasons.iter().any(|r| is_same_site_reason(*r))
                })
                .cloned()
                .collect();
            if withheld.is_empty() {
                continue;
            }
            let window: Vec<&str> = cx
                .cells_in(index, Context::TopLevelPost)
                .filter(|c| c.sent && attr == SameSiteAttr::Unspecified)
                .filter(|c| {
                    cx.profiles.iter().any(|p| {
                        *p.name == *c.browser
                            && p.policy.lax_by_default
                            && p.policy.lax_allow_unsafe_max_age.is_some()
                    })
                })
                .map(|c| &*c.browser)
                .collect();
            let mut fixed = line.clone();
            fixed.set("SameSite", Some("None"));
            fixed.set_flag("Secure");
            let mut evidence = vec![format!("Set-Cookie: {}", line.value_line())];
            evidence.extend(cell_evidence(&withheld));
            findings.push(Finding {
                code: DOC.code.into(),
                severity: Severity::Warning,
                message: format!(
                    "`{name}` ({}) is not sent when another site POSTs back to {} (an SSO callback with response_mode=form_post or the SAML POST binding) in {}{}. Set this short-lived state cookie with SameSite=None; Secure, or have the provider return with response_mode=query.",
                    attr.describe(),
                    cx.deployment.url,
                    withheld
                        .iter()
                        .map(|c| &*c.browser)
                        .collect::<Vec<_>>()
                        .join(", "),
                    if window.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "; {} still send it, but only within 2 minutes of setting it, so slow logins fail there too",
                            window.join(", ")
                        )
                    }
                ),
                cookie: Some(name.to_string()),
                browsers: withheld.iter().map(|c| c.browser.to_string()).collect(),
                evidence,
                fix: Some(replace_fix(
                    index,
                    &fixed,
                    Safety::Unsafe,
                    "SameSite=None sends the cookie on every cross-site request: keep it short-lived and single-use, or use response_mode=query instead",
                )),
            });
        }
        findings
    }
}
