//! `cors-allow-origin-without-vary`: a per-request `Access-Control-Allow-Origin`
//! without `Vary: Origin`.

use cookie_doctor_fetch::Headers;
use cookie_doctor_fetch::cors::{
    CorsRequest, CredentialsMode, allow_origin_is_dynamic_without_vary,
};

use crate::finding::{Edit, Finding, Fix, Safety, Severity};
use crate::rules::cors::{ACAO, callers, declared, fix_snippets};
use crate::rules::{Rule, RuleContext, RuleDoc};

/// The rule's documentation.
pub static DOC: RuleDoc = RuleDoc {
    code: "cors-allow-origin-without-vary",
    area: "cors",
    severity: Severity::Warning,
    title: "Access-Control-Allow-Origin names the caller but the response has no Vary: Origin",
    what: "`Access-Control-Allow-Origin` equals a declared caller's origin and no `Vary` header lists `Origin`. Limits: one response cannot show whether the value is fixed (then `Vary` is not needed) or computed from the request's `Origin` (any allow-list of more than one origin is): the warning assumes the latter.",
    why: "Fetch \"CORS protocol and HTTP caches\": when `Access-Control-Allow-Origin` depends on the request's `Origin`, the response must say `Vary: Origin`, or an HTTP cache (the browser's, a CDN, a proxy) can serve the answer made for one origin to another, whose request then fails the CORS check — an intermittent, cache-dependent failure — or leaks a response to the wrong origin.",
    fix: "Add `Origin` to `Vary` on every response whose CORS headers depend on the request, including responses to origins that are not allowed.",
    bad: "Access-Control-Allow-Origin: https://app.example\nAccess-Control-Allow-Credentials: true",
    good: "Access-Control-Allow-Origin: https://app.example\nAccess-Control-Allow-Credentials: true\nVary: Origin",
};

/// The rule.
pub struct DynamicAllowOriginWithoutVary;

impl Rule for DynamicAllowOriginWithoutVary {
    fn doc(&self) -> &'static RuleDoc {
        &DOC
    }

    fn check(&self, cx: &RuleContext<'_>) -> Vec<Finding> {
        let none = Headers::new();
        let callers = callers(cx);
        let Some(caller) = callers.iter().find(|caller| {
            let req = CorsRequest {
                origin: caller,
                method: "GET",
                headers: &none,
                credentials: CredentialsMode::Include,
            };
            allow_origin_is_dynamic_without_vary(&req, cx.headers)
        }) else {
            return Vec::new();
        };
        // Keep what Vary already lists.
        let mut values: Vec<String> = cx
            .headers
            .get_all("Vary")
            .flat_map(|v| v.split(','))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        values.push("Origin".into());
        let mut evidence = declared(cx, ACAO);
        evidence.extend(declared(cx, "Vary"));
        vec![Finding {
            code: DOC.code.into(),
            severity: Severity::Warning,
            message: format!(
                "`Access-Control-Allow-Origin: {caller}` is the caller's own origin but the response has no `Vary: Origin`. If the value is computed from the request (as any allow-list of more than one origin is), a cache can serve it to another origin, whose request then fails CORS."
            ),
            cookie: None,
            browsers: Vec::new(),
            evidence,
            fix: Some(Fix {
                header: format!("Vary: {}", values.join(", ")),
                safety: Safety::Safe,
                reason: "caches keep one copy per Origin; nothing else changes".into(),
                snippets: fix_snippets(cx),
                edit: Edit::SetHeader("Vary".into()),
            }),
        }]
    }
}
