//! `csrf-cross-site-cookie-unprotected`: a session cookie rides on requests
//! other sites start, and nothing in the input shows a CSRF defence.

use crate::finding::{Edit, Finding, Fix, Safety, Severity};
use crate::matrix::Context;
use crate::rules::csrf::{origin_check_snippets, trusted_origins};
use crate::rules::framing::{is_csrf_token, is_session_like};
use crate::rules::{Rule, RuleContext, RuleDoc, clearing::is_deletion};

/// The rule's documentation.
pub static DOC: RuleDoc = RuleDoc {
    code: "csrf-cross-site-cookie-unprotected",
    area: "csrf",
    severity: Severity::Warning,
    title: "A session cookie is sent on cross-site requests and no CSRF defence is visible",
    what: "A session-like cookie (by name: `sess`, `sid`, `token`, `auth`, `jwt`, `login`, `remember`, `identity`) that the delivery matrix shows sent on a request another site starts — a cross-site form POST, an iframe, an image or a credentialed fetch — in some browser (typically `SameSite=None`, or no SameSite where a browser does not default to Lax), while the input sets no CSRF token cookie (a name containing `csrf` or `xsrf`). Limits: `check` sees headers, not code, so it cannot see a synchronizer token in the page or a server-side `Origin` / `Sec-Fetch-Site` check — the finding asks you to make sure one exists. `SameSite=Lax` cookies ride on cross-site top-level GETs, which only matter if a GET changes state; that is not visible in headers, so Lax cookies are not reported for it.",
    why: "A browser attaches the cookie to any request the cookie's policy allows, whoever starts it (RFC 6265bis §8.8.1: SameSite only reduces the set of such requests; `None` opts out). A page on another site can therefore post a form or run a credentialed fetch that acts as the user. Defences: a CSRF token the other site cannot read, or refusing state-changing requests whose `Sec-Fetch-Site` is `cross-site` (Fetch Metadata, w3c/webappsec-fetch-metadata; all current browsers send it) or whose `Origin` is not trusted (Fetch sets `Origin` on every non-GET request) — OWASP CSRF Prevention Cheat Sheet.",
    fix: "Refuse state-changing requests (not GET/HEAD/OPTIONS) whose `Sec-Fetch-Site` is not `same-origin`/`none` unless their `Origin` is one you trust (the app, its declared embedders and callers); keep the framework's CSRF token on as well. The snippets show the check per framework.",
    bad: "Set-Cookie: sid=abc; Path=/; Secure; HttpOnly; SameSite=None\n(no CSRF token, no Origin check)",
    good: "Set-Cookie: sid=abc; Path=/; Secure; HttpOnly; SameSite=None\nSet-Cookie: __Host-csrf=<random>; Path=/; Secure; SameSite=None; Partitioned\n(and the server refuses cross-site POSTs from untrusted origins)",
};

/// The rule.
pub struct CrossSiteCookieWithoutCheck;

/// The contexts a third site can start.
const CROSS_SITE: [Context; 4] = [
    Context::TopLevelPost,
    Context::Iframe,
    Context::Subresource,
    Context::FetchInclude,
];

impl Rule for CrossSiteCookieWithoutCheck {
    fn doc(&self) -> &'static RuleDoc {
        &DOC
    }

    fn check(&self, cx: &RuleContext<'_>) -> Vec<Finding> {
        let token = cx.cookies.iter().any(|c| is_csrf_token(c.name()));
        if token {
            return Vec::new();
        }
        let trusted = trusted_origins(cx);
        let mut seen: Vec<&str> = Vec::new();
        let mut findings = Vec::new();
        for (index, line) in cx.cookies.iter().enumerate() {
            let name = line.name();
            if !is_session_like(name) || seen.contains(&name) || is_deletion(cx, index) {
                continue;
            }
            // Per context, the browsers that send the cookie there.
            let mut delivery: Vec<String> = Vec::new();
            let mut browsers: Vec<String> = Vec::new();
            let mut cross_site_seen = false;
            for context in CROSS_SITE {
                // Only requests the engine saw as cross-site count (a declared
                // embedder or caller may be same-site).
                let cross: Vec<&str> = cx
                    .matrix
                    .runs
                    .iter()
                    .filter(|r| r.context == context)
                    .filter(|r| r.send_request().is_some_and(|q| !q.same_site))
                    .map(|r| &*r.browser)
                    .collect();
                cross_site_seen |= !cross.is_empty();
                let sent: Vec<String> = cx
                    .cells_in(index, context)
                    .filter(|c| c.sent && cross.contains(&&*c.browser))
                    .map(|c| c.browser.to_string())
                    .collect();
                if sent.is_empty() {
                    continue;
                }
                for b in &sent {
                    if !browsers.contains(b) {
                        browsers.push(b.clone());
                    }
                }
                let who = if sent.len() == cx.profiles.len() {
                    "every browser checked".to_string()
                } else {
                    sent.join(", ")
                };
                delivery.push(format!("{} ({who})", context.label()));
            }
            // The declared sites are all same-site: the matrix shows no
            // cross-site request, so fall back on the attribute.
            if !cross_site_seen && same_site_none(line) {
                delivery.push(
                    "SameSite=None: any cross-site request where third-party cookies are allowed (the declared sites are same-site, so the matrix shows none)"
                        .into(),
                );
            }
            if delivery.is_empty() {
                continue;
            }
            seen.push(name);
            let embed_or_api = cx.embed_declared() || cx.callers_declared();
            let token_line = if embed_or_api {
                "Set-Cookie: __Host-csrf=<random per session>; Path=/; Secure; SameSite=None; Partitioned"
            } else {
                "Set-Cookie: __Host-csrf=<random per session>; Path=/; Secure; SameSite=Strict"
            };
            findings.push(Finding {
                code: DOC.code.into(),
                severity: Severity::Warning,
                message: format!(
                    "`{name}` is sent on requests other sites can start — {} — so a page anywhere can make requests that act as the user. No CSRF token cookie is set, and `check` cannot see an `Origin` / `Sec-Fetch-Site` check: make sure state-changing requests are refused unless they come from {}.",
                    delivery.join("; "),
                    trusted.join(", ")
                ),
                cookie: Some(name.to_string()),
                browsers,
                evidence: vec![
                    format!("Set-Cookie: {}", line.value_line()),
                    format!("sent cross-site: {}", delivery.join("; ")),
                    "no cookie named like csrf/xsrf in the input".into(),
                ],
                fix: Some(Fix {
                    header: token_line.into(),
                    safety: Safety::Unsafe,
                    reason: format!(
                        "the defence is server-side: refuse state-changing requests whose Sec-Fetch-Site is cross-site unless their Origin is trusted ({}) — the snippets — and keep the framework's CSRF token (this header is the token cookie of the double-submit pattern, useless without the check); legitimate cross-site POSTs you do not list (SSO callbacks, payment returns) must be added to the trusted origins",
                        trusted.join(", ")
                    ),
                    snippets: origin_check_snippets(&trusted),
                    edit: Edit::None,
                }),
            });
        }
        findings
    }
}

fn same_site_none(line: &crate::fix::CookieLine) -> bool {
    line.get("SameSite")
        .flatten()
        .is_some_and(|v| v.eq_ignore_ascii_case("none"))
}
