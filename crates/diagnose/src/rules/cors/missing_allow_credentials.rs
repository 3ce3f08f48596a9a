//! `cors-missing-allow-credentials`: no `Access-Control-Allow-Credentials: true`
//! for a credentialed caller.

use cookie_doctor_cookie::Reason;

use crate::finding::{Edit, Finding, Fix, Safety, Severity};
use crate::rules::cors::{ACAC, allow_origin, callers, declared, engine_verdict, fix_snippets};
use crate::rules::{Rule, RuleContext, RuleDoc};

/// The rule's documentation.
pub static DOC: RuleDoc = RuleDoc {
    code: "cors-missing-allow-credentials",
    area: "cors",
    severity: Severity::Error,
    title: "No Access-Control-Allow-Credentials: true for a caller that sends cookies",
    what: "A declared caller fetches with `credentials: \"include\"`, the response has an `Access-Control-Allow-Origin`, but `Access-Control-Allow-Credentials` is missing or not exactly `true`. (Without any `Access-Control-Allow-Origin`, `cors-missing-allow-origin` speaks first.)",
    why: "Fetch \"CORS check\" steps 6–8: with credentials mode `include` the response must carry `Access-Control-Allow-Credentials` whose value is the byte string `true` (case-sensitive; `True`, `1`, `yes` fail). Otherwise the fetch fails with a network error in every browser, although the request went out with its cookies.",
    fix: "Send `Access-Control-Allow-Credentials: true` (only together with an exact `Access-Control-Allow-Origin`, never with `*`).",
    bad: "Access-Control-Allow-Origin: https://app.example",
    good: "Access-Control-Allow-Origin: https://app.example\nAccess-Control-Allow-Credentials: true",
};

/// The rule.
pub struct MissingAllowCredentials;

impl Rule for MissingAllowCredentials {
    fn doc(&self) -> &'static RuleDoc {
        &DOC
    }

    fn check(&self, cx: &RuleContext<'_>) -> Vec<Finding> {
        let callers = callers(cx);
        if callers.is_empty() || allow_origin(cx.headers).is_none() {
            return Vec::new();
        }
        let value = cx.headers.get_combined(ACAC);
        if value.as_deref() == Some("true") {
            return Vec::new();
        }
        let names: Vec<String> = callers.iter().map(ToString::to_string).collect();
        let (browsers, engine) = engine_verdict(cx, Reason::CorsNoAllowCredentials);
        let mut evidence = declared(cx, "Access-Control-Allow-Origin");
        evidence.extend(declared(cx, ACAC));
        evidence.push(format!(
            "declared callers (credentials: \"include\"): {}",
            names.join(", ")
        ));
        evidence.extend(engine);
        let what = match &value {
            None => "there is no `Access-Control-Allow-Credentials`".to_string(),
            Some(v) => format!("`Access-Control-Allow-Credentials: {v}` is not exactly `true`"),
        };
        vec![Finding {
            code: DOC.code.into(),
            severity: Severity::Error,
            message: format!(
                "The caller sends cookies (credentials: \"include\") but {what}, so script on {} cannot read the response in any browser.",
                names.join(", ")
            ),
            cookie: None,
            browsers,
            evidence,
            fix: Some(Fix {
                header: format!("{ACAC}: true"),
                safety: Safety::Safe,
                reason: "lets only the origin in Access-Control-Allow-Origin read credentialed responses; keep that an exact, allow-listed origin".into(),
                snippets: fix_snippets(cx),
                edit: Edit::SetHeader(ACAC.into()),
            }),
        }]
    }
}
