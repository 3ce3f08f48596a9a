//! Rules about framing: whether the declared embedders (`--embedded-in`) may
//! render the URL in an iframe given `X-Frame-Options` and CSP
//! `frame-ancestors` (HTML "check a navigation response's adherence to
//! `X-Frame-Options`", CSP3 `#frame-ancestors-navigation-response`), and
//! whether a page with session cookies can be framed by any site
//! (clickjacking).
//!
//! The checks reuse the typed CSP parser and matcher of `cookie-doctor-fetch`
//! ([`check_framing_with`], [`enforced_frame_ancestors`],
//! [`parse_source_expression`]) and quote the engine's verdicts for the first
//! embedder (the matrix's `iframe` context).

mod allow_from_ignored;
mod blocks_declared_embedder;
mod unrestricted;
mod xfo_overridden_by_csp;

use cookie_doctor_fetch::framing::{
    FrameAncestors, SourceExpression, enforced_frame_ancestors, parse_source_expression,
};
use cookie_doctor_site::Origin;

use super::clearing::is_deletion;
use super::{Rule, RuleContext};
pub use super::{is_csrf_token, is_session_like};
use crate::matrix::Context;
use crate::snippets::{self, FramingSpec};

/// The rules of this area, in report order.
pub fn rules() -> Vec<&'static dyn Rule> {
    vec![
        &blocks_declared_embedder::BlocksDeclaredEmbedder,
        &allow_from_ignored::AllowFromIgnored,
        &unrestricted::Unrestricted,
        &xfo_overridden_by_csp::XfoOverriddenByCsp,
    ]
}

/// `Content-Security-Policy`.
pub const CSP: &str = "Content-Security-Policy";
/// `X-Frame-Options`.
pub const XFO: &str = "X-Frame-Options";

/// The URL's origin.
pub fn url_origin(cx: &RuleContext<'_>) -> Option<Origin> {
    Origin::of_url(&cx.deployment.url).ok()
}

/// The `X-Frame-Options` values, lowercased (HTML "get, decode, and split").
pub fn xfo_values(cx: &RuleContext<'_>) -> Vec<String> {
    cx.headers
        .get_decode_split(XFO)
        .unwrap_or_default()
        .into_iter()
        .map(|v| v.to_ascii_lowercase())
        .collect()
}

/// Whether `X-Frame-Options` alone restricts framing (`DENY`, `SAMEORIGIN`, or
/// a conflicting set that counts as `DENY`).
pub fn xfo_restricts(cx: &RuleContext<'_>) -> bool {
    xfo_values(cx)
        .iter()
        .any(|v| v == "deny" || v == "sameorigin")
}

/// Every enforced `frame-ancestors` directive.
pub fn frame_ancestors(cx: &RuleContext<'_>) -> Vec<FrameAncestors> {
    enforced_frame_ancestors(cx.headers)
}

/// Whether a source expression lets any site frame the page (`*` or a scheme
/// such as `https:`).
pub fn is_any_site(source: &SourceExpression) -> bool {
    matches!(
        source,
        SourceExpression::Wildcard | SourceExpression::Scheme(_)
    )
}

/// The source list a fix wants: `'self'`, the sources already listed that name
/// particular sites (not `'none'`, `*`, schemes or invalid tokens), and every
/// declared embedder the list does not allow yet.
pub fn fixed_sources(cx: &RuleContext<'_>) -> Vec<String> {
    let mut out: Vec<String> = vec!["'self'".into()];
    for value in cx.headers.get_all(CSP) {
        for policy in value.split(',') {
            for directive in policy.split(';') {
                let mut tokens = directive.split_ascii_whitespace();
                let is_fa = tokens
                    .next()
                    .is_some_and(|n| n.eq_ignore_ascii_case("frame-ancestors"));
                if !is_fa {
                    continue;
                }
                for token in tokens {
                    let SourceExpression::Host(host) = parse_source_expression(token) else {
                        continue;
                    };
                    // A path-part never matches an ancestor in Chromium (CSP3
                    // matches it against the ancestor's path `/`): keep the
                    // source without it.
                    let token = if host.path.is_some() {
                        without_path(token)
                    } else {
                        token
                    };
                    if !out.iter().any(|s| s == token) {
                        out.push(token.to_string());
                    }
                }
            }
        }
    }
    let own = url_origin(cx);
    for embedder in &cx.deployment.embedded_in {
        let list = FrameAncestors {
            sources: out.iter().map(|s| parse_source_expression(s)).collect(),
        };
        let allowed = own.as_ref().is_some_and(|o| list.allows(embedder, o));
        if !allowed {
            out.push(embedder.to_string());
        }
    }
    out
}

/// A host-source without its path-part (`https://a.example/x` → `https://a.example`).
fn without_path(token: &str) -> &str {
    let start = token.find("://").map_or(0, |i| i + 3);
    match token.get(start..).and_then(|rest| rest.find('/')) {
        Some(slash) => token.get(..start + slash).unwrap_or(token),
        None => token,
    }
}

/// The whole `Content-Security-Policy` line with `frame-ancestors` set to
/// `sources` in every policy that has the directive (or added to the first
/// policy, or alone), keeping every other directive as written. Several CSP
/// headers become one (a comma-separated list of policies means the same).
pub fn csp_with_frame_ancestors(cx: &RuleContext<'_>, sources: &[String]) -> String {
    let directive = format!("frame-ancestors {}", sources.join(" "));
    let mut policies: Vec<String> = cx
        .headers
        .get_all(CSP)
        .flat_map(|v| v.split(','))
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    let mut replaced = false;
    for policy in &mut policies {
        let mut directives: Vec<String> = Vec::new();
        for d in policy.split(';').map(str::trim).filter(|d| !d.is_empty()) {
            let name = d.split_ascii_whitespace().next().unwrap_or_default();
            if name.eq_ignore_ascii_case("frame-ancestors") {
                if !directives.contains(&directive) {
                    directives.push(directive.clone());
                }
                replaced = true;
            } else {
                directives.push(d.to_string());
            }
        }
        *policy = directives.join("; ");
    }
    if !replaced {
        match policies.first_mut() {
            Some(first) if !first.is_empty() => {
                first.push_str("; ");
                first.push_str(&directive);
            }
            Some(first) => *first = directive.clone(),
            None => policies.push(directive.clone()),
        }
    }
    format!("{CSP}: {}", policies.join(", "))
}

/// The framing snippets for a source list.
pub fn framing_snippets(sources: &[String]) -> std::collections::BTreeMap<String, String> {
    snippets::framing(&FramingSpec {
        frame_ancestors: sources.to_vec(),
    })
}

/// The browsers whose `iframe` run (on the first embedder) refused the
/// document, and one line of evidence.
pub fn engine_refusals(cx: &RuleContext<'_>) -> (Vec<String>, Option<String>) {
    let mut browsers = Vec::new();
    let mut why: Vec<String> = Vec::new();
    for run in cx
        .matrix
        .runs
        .iter()
        .filter(|r| r.context == Context::Iframe)
    {
        let Some(blocked) = run.store_request().and_then(|r| r.blocked.as_ref()) else {
            continue;
        };
        if blocked.by != "x-frame-options" && blocked.by != "csp" {
            continue;
        }
        browsers.push(run.browser.to_string());
        for r in &blocked.reasons {
            let code = r.to_string();
            if !why.contains(&code) {
                why.push(code);
            }
        }
    }
    if browsers.is_empty() {
        return (browsers, None);
    }
    let embedder = cx.deployment.origin_for(Context::Iframe);
    let line = format!(
        "engine: the iframe on {embedder} is refused ({}) in {}",
        why.join(", "),
        browsers.join(", ")
    );
    (browsers, Some(line))
}

/// The session-like cookies the lines set (not deletions, stored by some
/// browser on the app's own page).
pub fn session_cookies(cx: &RuleContext<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, line) in cx.cookies.iter().enumerate() {
        let name = line.name();
        if !is_session_like(name) || out.iter().any(|n| n == name) || is_deletion(cx, i) {
            continue;
        }
        let stored = cx.cells_in(i, Context::SameSite).any(|c| c.stored);
        if stored {
            out.push(name.to_string());
        }
    }
    out
}
