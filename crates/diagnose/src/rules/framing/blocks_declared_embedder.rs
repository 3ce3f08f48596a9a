//! `framing-blocks-declared-embedder`: `X-Frame-Options` or CSP
//! `frame-ancestors` refuses a site the app is declared to be embedded in.

use cookie_doctor_fetch::framing::{AncestorPaths, FramingOptions, check_framing_with};

use crate::finding::{Edit, Finding, Fix, Safety, Severity};
use crate::rules::framing::{
    CSP, XFO, csp_with_frame_ancestors, engine_refusals, fixed_sources, frame_ancestors,
    framing_snippets, url_origin,
};
use crate::rules::{Rule, RuleContext, RuleDoc};

/// The rule's documentation.
pub static DOC: RuleDoc = RuleDoc {
    code: "framing-blocks-declared-embedder",
    area: "framing",
    severity: Severity::Error,
    title: "X-Frame-Options or CSP frame-ancestors refuses the declared embedder",
    what: "A site declared with `--embedded-in` is not allowed to frame the URL: `X-Frame-Options: DENY`, `SAMEORIGIN` (or conflicting values) with no CSP `frame-ancestors`, or an enforced `frame-ancestors` whose sources do not match the embedder's origin (a missing origin, `'self'` or `'none'` only, a trailing path, a wrong scheme or port).",
    why: "HTML \"check a navigation response's adherence to X-Frame-Options\" blocks `DENY` always and `SAMEORIGIN` when any ancestor is of another origin (Chrome 61+, Firefox 59+ check every ancestor). CSP3 `#frame-ancestors-navigation-response` blocks when any ancestor's origin matches no source; an enforced `frame-ancestors` makes browsers ignore `X-Frame-Options` entirely (HTML XFO step 2). Chromium matches a host-source's path against the ancestor's URL, so `https://partner.example/app` matches no ancestor there; Firefox ignores the path. The iframe shows an error page instead of the app.",
    fix: "Send `Content-Security-Policy: frame-ancestors 'self' <each embedder's origin>` (exact origins, no paths) and drop `X-Frame-Options` (every current browser ignores it once `frame-ancestors` is present; `ALLOW-FROM` never worked).",
    bad: "X-Frame-Options: SAMEORIGIN",
    good: "Content-Security-Policy: frame-ancestors 'self' https://partner.example",
};

/// The rule.
pub struct BlocksDeclaredEmbedder;

impl Rule for BlocksDeclaredEmbedder {
    fn doc(&self) -> &'static RuleDoc {
        &DOC
    }

    fn check(&self, cx: &RuleContext<'_>) -> Vec<Finding> {
        let Some(own) = url_origin(cx) else {
            return Vec::new();
        };
        let spec = FramingOptions {
            ancestor_paths: AncestorPaths::default(),
        };
        let firefox = FramingOptions {
            ancestor_paths: AncestorPaths::Ignore,
        };
        let mut refused: Vec<String> = Vec::new();
        let mut reasons: Vec<String> = Vec::new();
        let mut firefox_allows = true;
        for embedder in &cx.deployment.embedded_in {
            let ancestors = [embedder.clone()];
            if let Err(why) = check_framing_with(cx.headers, &own, &ancestors, spec) {
                refused.push(embedder.to_string());
                for r in why {
                    let code = r.to_string();
                    if !reasons.contains(&code) {
                        reasons.push(code);
                    }
                }
                firefox_allows &= check_framing_with(cx.headers, &own, &ancestors, firefox).is_ok();
            }
        }
        if refused.is_empty() {
            return Vec::new();
        }
        let by_csp = !frame_ancestors(cx).is_empty();
        let sources = fixed_sources(cx);
        let header = csp_with_frame_ancestors(cx, &sources);
        let (browsers, engine) = engine_refusals(cx);
        let mut evidence: Vec<String> = cx
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(CSP) || n.eq_ignore_ascii_case(XFO))
            .map(|(n, v)| format!("{n}: {v}"))
            .collect();
        evidence.push(format!("declared embedders: {}", refused.join(", ")));
        evidence.push(format!("reasons: {}", reasons.join(", ")));
        evidence.extend(engine);
        let what = if by_csp {
            "CSP `frame-ancestors` does not list"
        } else {
            "`X-Frame-Options` forbids framing by"
        };
        let path_note = if by_csp && firefox_allows {
            " (a host-source with a path: Chromium refuses, Firefox ignores the path and allows)"
        } else {
            ""
        };
        vec![Finding {
            code: DOC.code.into(),
            severity: Severity::Error,
            message: format!(
                "{what} {}, where the app is declared to be embedded{path_note}: the iframe shows an error page instead of the app.",
                refused.join(", ")
            ),
            cookie: None,
            browsers,
            evidence,
            fix: Some(Fix {
                header,
                safety: Safety::Safe,
                reason: format!(
                    "allows exactly {} to frame the page; every current browser then ignores X-Frame-Options, which is best removed (see x-frame-options-overridden)",
                    sources.join(" ")
                ),
                snippets: framing_snippets(&sources),
                edit: Edit::SetHeader(CSP.into()),
            }),
        }]
    }
}
