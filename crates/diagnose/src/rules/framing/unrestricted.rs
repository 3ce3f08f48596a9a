//! `framing-unrestricted`: a page that sets session cookies can be framed by
//! any site (clickjacking).

use crate::finding::{Edit, Finding, Fix, Safety, Severity};
use crate::rules::framing::{
    CSP, XFO, csp_with_frame_ancestors, fixed_sources, frame_ancestors, framing_snippets,
    is_any_site, session_cookies, xfo_restricts, xfo_values,
};
use crate::rules::{Rule, RuleContext, RuleDoc};

/// The rule's documentation.
pub static DOC: RuleDoc = RuleDoc {
    code: "framing-unrestricted",
    area: "framing",
    severity: Severity::Warning,
    title: "Any site can frame this page, which sets session cookies (clickjacking)",
    what: "The response sets a session-like cookie (by name: `sess`, `sid`, `token`, `auth`, `jwt`, `login`, `remember`, `identity`) and has no framing restriction: no enforced CSP `frame-ancestors` (or one with `*` or a bare scheme such as `https:`) and no `X-Frame-Options: DENY`/`SAMEORIGIN`. When an embed is declared (`--embedded-in`) the fix allows exactly those embedders. When no response header at all was given (`--header`), `check` cannot know what the page sends, so the finding is `info` (a reminder). Not reported when only callers are declared (`--called-from` without `--embedded-in`: the URL is an API, not a page), nor when `ALLOW-FROM` is present (`x-frame-options-allow-from` covers it). Limits: `check` sees the response of one URL; other pages of the app need their own header.",
    why: "Without `frame-ancestors` or `X-Frame-Options`, browsers render the page in any site's iframe (HTML, CSP3). Where the session cookie travels in that iframe (SameSite=None; or in browsers and contexts that treat it as first-party) the attacker's page can overlay the logged-in UI and trick clicks (OWASP Clickjacking Defense Cheat Sheet). SameSite=Lax/Strict cookies are not sent in a cross-site iframe in current browsers, which limits but does not remove the risk (older browsers, same-site attackers).",
    fix: "Send `Content-Security-Policy: frame-ancestors 'self'` (plus the exact origins that may embed the page).",
    bad: "Set-Cookie: sid=abc; Path=/; Secure; HttpOnly; SameSite=Lax\n(no Content-Security-Policy frame-ancestors, no X-Frame-Options)",
    good: "Set-Cookie: sid=abc; Path=/; Secure; HttpOnly; SameSite=Lax\nContent-Security-Policy: frame-ancestors 'self'",
};

/// The rule.
pub struct Unrestricted;

impl Rule for Unrestricted {
    fn doc(&self) -> &'static RuleDoc {
        &DOC
    }

    fn check(&self, cx: &RuleContext<'_>) -> Vec<Finding> {
        let embed = cx.embed_declared();
        if !embed && cx.callers_declared() {
            return Vec::new();
        }
        if xfo_values(cx).iter().any(|v| v.starts_with("allow-from")) {
            return Vec::new();
        }
        let policies = frame_ancestors(cx);
        let open_policy =
            !policies.is_empty() && policies.iter().all(|p| p.sources.iter().any(is_any_site));
        let restricted = if policies.is_empty() {
            xfo_restricts(cx)
        } else {
            !open_policy
        };
        if restricted {
            return Vec::new();
        }
        let sessions = session_cookies(cx);
        let Some(first) = sessions.first() else {
            return Vec::new();
        };
        // Nothing about the response was given: the model assumes no header,
        // but the page may well send one, so this is a reminder.
        let headers_given = !cx.headers.is_empty();
        let sources = fixed_sources(cx);
        let mut evidence: Vec<String> = sessions
            .iter()
            .map(|n| format!("session-like cookie: {n}"))
            .collect();
        let framing: Vec<String> = cx
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(XFO) || n.eq_ignore_ascii_case(CSP))
            .map(|(n, v)| format!("{n}: {v}"))
            .collect();
        if framing.is_empty() {
            evidence.push(if headers_given {
                "no Content-Security-Policy frame-ancestors and no X-Frame-Options in the headers given".into()
            } else {
                "no response header was given (--header), so the model assumes none".into()
            });
        }
        evidence.extend(framing);
        let state = if open_policy {
            "its `frame-ancestors` allows any site"
        } else {
            "it has no `frame-ancestors` and no effective `X-Frame-Options`"
        };
        let severity = if headers_given {
            Severity::Warning
        } else {
            Severity::Info
        };
        let message = if !headers_given {
            format!(
                "This page sets `{}` and no response header was given: unless it sends `Content-Security-Policy: frame-ancestors` (or `X-Frame-Options`), any site can frame it and trick clicks on the logged-in UI (clickjacking). Pass the page's headers with --header to check them.",
                sessions.join("`, `")
            )
        } else if embed {
            format!(
                "This page sets `{}` and {state}, so not only {} but any site can frame it (clickjacking). Allow exactly the declared embedders.",
                sessions.join("`, `"),
                cx.deployment
                    .embedded_in
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            format!(
                "This page sets `{}` and {state}, so any site can frame it and trick clicks on the logged-in UI (clickjacking). No embedding is declared: allow only the app itself.",
                sessions.join("`, `")
            )
        };
        vec![Finding {
            code: DOC.code.into(),
            severity,
            message,
            cookie: Some(first.clone()),
            browsers: Vec::new(),
            evidence,
            fix: Some(Fix {
                header: csp_with_frame_ancestors(cx, &sources),
                safety: if embed { Safety::Safe } else { Safety::Unsafe },
                reason: if embed {
                    "allows exactly the declared embedders (and the app itself)".into()
                } else {
                    "a site that frames this page today stops working: declare it with --embedded-in to keep it allowed".into()
                },
                snippets: framing_snippets(&sources),
                edit: Edit::SetHeader(CSP.into()),
            }),
        }]
    }
}
