//! `cors-missing-allow-origin`: a declared caller, and no
//! `Access-Control-Allow-Origin` in the response.

use cookie_doctor_cookie::Reason;

use crate::finding::{Edit, Finding, Fix, Safety, Severity};
use crate::rules::cors::{ACAO, allow_origin, callers, engine_verdict, fix_snippets};
use crate::rules::{Rule, RuleContext, RuleDoc};

/// The rule's documentation.
pub static DOC: RuleDoc = RuleDoc {
    code: "cors-missing-allow-origin",
    area: "cors",
    severity: Severity::Error,
    title: "No Access-Control-Allow-Origin: the declared caller cannot read the response",
    what: "A caller is declared (`--called-from`, a cross-origin page whose script fetches the URL with credentials) but the response headers given (`--header`) have no `Access-Control-Allow-Origin`. When no response header at all was given, `check` cannot know what the server sends, so the finding is `info` (a reminder), not `error`.",
    why: "Fetch \"CORS check\" step 2: a response without `Access-Control-Allow-Origin` fails, so the caller's `fetch()` rejects with a network error in every browser. The cookies still travel (and Set-Cookie is still stored, Fetch §4.6 \"HTTP-network fetch\"): the server acts on the request, but the page never sees the answer.",
    fix: "Answer the caller's requests with its exact origin in `Access-Control-Allow-Origin`, plus `Access-Control-Allow-Credentials: true` and `Vary: Origin`.",
    bad: "(no Access-Control-Allow-Origin)",
    good: "Access-Control-Allow-Origin: https://app.example\nAccess-Control-Allow-Credentials: true\nVary: Origin",
};

/// The rule.
pub struct MissingAllowOrigin;

impl Rule for MissingAllowOrigin {
    fn doc(&self) -> &'static RuleDoc {
        &DOC
    }

    fn check(&self, cx: &RuleContext<'_>) -> Vec<Finding> {
        let callers = callers(cx);
        let Some(first) = callers.first() else {
            return Vec::new();
        };
        if allow_origin(cx.headers).is_some() {
            return Vec::new();
        }
        let names: Vec<String> = callers.iter().map(ToString::to_string).collect();
        let headers_given = !cx.headers.is_empty();
        let (browsers, engine) = engine_verdict(cx, Reason::CorsNoAllowOrigin);
        let mut evidence = vec![format!(
            "declared callers (credentials: \"include\"): {}",
            names.join(", ")
        )];
        evidence.push(if headers_given {
            format!(
                "response headers given: {}; none is Access-Control-Allow-Origin",
                cx.headers
                    .iter()
                    .map(|(n, _)| n)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            "no response header was given (--header), so the model assumes none".into()
        });
        evidence.extend(engine);
        let (severity, message) = if headers_given {
            (
                Severity::Error,
                format!(
                    "The response has no `Access-Control-Allow-Origin`, so script on {} cannot read it in any browser (the request is still sent with its cookies).",
                    names.join(", ")
                ),
            )
        } else {
            (
                Severity::Info,
                format!(
                    "No response headers were given: for script on {} to read this response with cookies, the server must answer with `Access-Control-Allow-Origin: {first}`, `Access-Control-Allow-Credentials: true` and `Vary: Origin` (pass them with --header to check them).",
                    names.join(", ")
                ),
            )
        };
        vec![Finding {
            code: DOC.code.into(),
            severity,
            message,
            cookie: None,
            browsers,
            evidence,
            fix: Some(Fix {
                header: format!("{ACAO}: {first}"),
                safety: Safety::Safe,
                reason: if callers.len() > 1 {
                    "with several callers, echo the request's Origin when it is in your allow-list (the snippets do) and send Vary: Origin; Access-Control-Allow-Credentials: true is needed too".into()
                } else {
                    "Access-Control-Allow-Credentials: true and Vary: Origin are needed too".into()
                },
                snippets: fix_snippets(cx),
                edit: Edit::SetHeader(ACAO.into()),
            }),
        }]
    }
}
