//! `cors-allow-origin-mismatch`: `Access-Control-Allow-Origin` is not the
//! declared caller's exact origin.

use cookie_doctor_cookie::Reason;

use crate::finding::{Edit, Finding, Fix, Safety, Severity};
use crate::rules::cors::{
    ACAO, allow_origin, callers, declared, engine_verdict, fix_snippets, near_miss, why_not,
};
use crate::rules::{Rule, RuleContext, RuleDoc};

/// The rule's documentation.
pub static DOC: RuleDoc = RuleDoc {
    code: "cors-allow-origin-mismatch",
    area: "cors",
    severity: Severity::Error,
    title: "Access-Control-Allow-Origin is not the caller's exact origin",
    what: "`Access-Control-Allow-Origin` holds something other than `*` that equals none of the declared callers: a trailing slash, another scheme or port, different letter case, several origins in one header (or several headers), `null`, or another origin. When the value equals one declared caller, `check` assumes it is computed per request and stays quiet for the others (one response cannot show what the others would get); likewise when it echoes a request `Origin` pasted with the response.",
    why: "Fetch \"CORS check\" step 4 compares the header with the byte-serialised request origin (`scheme://host[:port]`, no path, no trailing slash, default port omitted) for exact equality. Several headers combine into `a, b`, which equals no origin. The fetch then fails with a network error in every browser.",
    fix: "Send exactly one value: the calling page's origin as the browser serialises it (the request's `Origin` header). With several callers, echo the request's `Origin` when it is in an allow-list, and send `Vary: Origin`.",
    bad: "Access-Control-Allow-Origin: https://app.example/",
    good: "Access-Control-Allow-Origin: https://app.example",
};

/// The rule.
pub struct AllowOriginMismatch;

impl Rule for AllowOriginMismatch {
    fn doc(&self) -> &'static RuleDoc {
        &DOC
    }

    fn check(&self, cx: &RuleContext<'_>) -> Vec<Finding> {
        let callers = callers(cx);
        let Some(value) = allow_origin(cx.headers) else {
            return Vec::new();
        };
        if callers.is_empty() || value == "*" || callers.iter().any(|c| c.to_string() == value) {
            return Vec::new();
        }
        // A pasted exchange whose request `Origin` the value echoes answers
        // that request, not the caller's (`cors-reflects-any-origin` judges it).
        if cx
            .headers
            .get_combined("Origin")
            .is_some_and(|o| o.trim() == value.trim())
        {
            return Vec::new();
        }
        // The caller it was probably meant for: a near miss, else the first.
        let target = callers
            .iter()
            .find(|c| near_miss(&value, c))
            .or(callers.first());
        let Some(target) = target else {
            return Vec::new();
        };
        let near = near_miss(&value, target);
        let (browsers, engine) = engine_verdict(cx, Reason::CorsAllowOriginMismatch);
        let mut evidence = declared(cx, ACAO);
        evidence.push(format!("declared caller: {target}"));
        evidence.extend(engine);
        vec![Finding {
            code: DOC.code.into(),
            severity: Severity::Error,
            message: format!(
                "`Access-Control-Allow-Origin: {value}` does not match the caller {target}: {}. Script on {target} cannot read the response in any browser.",
                why_not(&value, target)
            ),
            cookie: None,
            browsers,
            evidence,
            fix: Some(Fix {
                header: format!("{ACAO}: {target}"),
                safety: if near { Safety::Safe } else { Safety::Unsafe },
                reason: if near && callers.len() == 1 {
                    String::new()
                } else if near {
                    "with several callers, echo the request's Origin when it is in your allow-list (the snippets do) and send Vary: Origin".into()
                } else {
                    format!(
                        "the origin allowed today ({value}) loses access; if it is a caller too, echo the request's Origin from an allow-list of both (the snippets do) and send Vary: Origin"
                    )
                },
                snippets: fix_snippets(cx),
                edit: Edit::SetHeader(ACAO.into()),
            }),
        }]
    }
}
