//! `cors-wildcard-with-credentials`: `Access-Control-Allow-Origin: *` does not
//! work for a credentialed request.

use cookie_doctor_cookie::Reason;

use crate::finding::{Edit, Finding, Fix, Safety, Severity};
use crate::rules::cors::{ACAO, allow_origin, callers, declared, engine_verdict, fix_snippets};
use crate::rules::{Rule, RuleContext, RuleDoc};

/// The rule's documentation.
pub static DOC: RuleDoc = RuleDoc {
    code: "cors-wildcard-with-credentials",
    area: "cors",
    severity: Severity::Error,
    title: "Access-Control-Allow-Origin: * with credentials: the caller cannot read the response",
    what: "The response allows any origin with `Access-Control-Allow-Origin: *` while a declared caller (`--called-from`) fetches it with `credentials: \"include\"` (the way cookies travel cross-origin).",
    why: "Fetch \"CORS check\" (fetch.spec.whatwg.org/#cors-check) accepts `*` only when the request's credentials mode is not `include`; with credentials the value must equal the request's serialised origin byte for byte, and `Access-Control-Allow-Credentials` must be `true`. Every browser enforces this (Chromium `network::cors::CheckAccess`, Firefox `nsCORSListenerProxy`): the promise rejects with a network error, although the request was sent with its cookies.",
    fix: "Answer with the caller's exact origin, `Access-Control-Allow-Credentials: true` and `Vary: Origin`. With several callers, keep an allow-list and echo the request's `Origin` only when it is in the list.",
    bad: "Access-Control-Allow-Origin: *",
    good: "Access-Control-Allow-Origin: https://app.example\nAccess-Control-Allow-Credentials: true\nVary: Origin",
};

/// The rule.
pub struct WildcardWithCredentials;

impl Rule for WildcardWithCredentials {
    fn doc(&self) -> &'static RuleDoc {
        &DOC
    }

    fn check(&self, cx: &RuleContext<'_>) -> Vec<Finding> {
        let callers = callers(cx);
        let Some(first) = callers.first() else {
            return Vec::new();
        };
        if allow_origin(cx.headers).as_deref() != Some("*") {
            return Vec::new();
        }
        let names: Vec<String> = callers.iter().map(ToString::to_string).collect();
        let (browsers, engine) = engine_verdict(cx, Reason::CorsWildcardWithCredentials);
        let mut evidence = declared(cx, ACAO);
        evidence.push(format!(
            "declared callers (credentials: \"include\"): {}",
            names.join(", ")
        ));
        evidence.extend(engine);
        vec![Finding {
            code: DOC.code.into(),
            severity: Severity::Error,
            message: format!(
                "`Access-Control-Allow-Origin: *` never matches a request with credentials, so script on {} cannot read this response in any browser (the request still carries cookies). Answer with the exact origin, `Access-Control-Allow-Credentials: true` and `Vary: Origin`.",
                names.join(", ")
            ),
            cookie: None,
            browsers,
            evidence,
            fix: Some(Fix {
                header: format!("{ACAO}: {first}"),
                safety: Safety::Unsafe,
                reason: if callers.len() > 1 {
                    "origins that read this response without credentials lose access; with several callers the value must be computed per request: echo the request's Origin when it is in your allow-list (the snippets do) and send Vary: Origin".into()
                } else {
                    "origins that read this response without credentials (allowed by `*` today) lose access; send Access-Control-Allow-Credentials: true and Vary: Origin with it".into()
                },
                snippets: fix_snippets(cx),
                edit: Edit::SetHeader(ACAO.into()),
            }),
        }]
    }
}
