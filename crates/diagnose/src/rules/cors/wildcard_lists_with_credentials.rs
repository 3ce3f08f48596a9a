//! `cors-wildcard-lists-with-credentials`: `*` in
//! `Access-Control-Allow-Methods` / `-Allow-Headers` / `-Expose-Headers` means
//! a literal `*` for a credentialed request.

use crate::finding::{Finding, Severity};
use crate::rules::cors::{callers, declared};
use crate::rules::{Rule, RuleContext, RuleDoc};

/// The rule's documentation.
pub static DOC: RuleDoc = RuleDoc {
    code: "cors-wildcard-lists-with-credentials",
    area: "cors",
    severity: Severity::Warning,
    title: "`*` in Access-Control-Allow-Methods/-Headers/Expose-Headers is not a wildcard with credentials",
    what: "A declared caller sends credentials and the response lists `*` in `Access-Control-Allow-Methods`, `Access-Control-Allow-Headers` or `Access-Control-Expose-Headers`. Limits: `check` is not told which methods and request headers the caller uses, so it cannot say which preflight fails; `simulate` (a `fetch` step with `method` and `headers`) and `scan` can.",
    why: "Fetch \"CORS-preflight fetch\" steps 7.5–7.7 and \"CORS-filtered response\": `*` is a wildcard only when the request's credentials mode is not `include`; with credentials it matches a method or header literally named `*`. So a credentialed `PUT`, `DELETE`, `PATCH` or a request with `Content-Type: application/json` or `Authorization` fails its preflight, and `Expose-Headers: *` exposes nothing. `Authorization` is never covered by `*` (a \"CORS non-wildcard request-header name\").",
    fix: "List the methods and request headers the caller really uses, e.g. `Access-Control-Allow-Methods: GET, POST, PUT, DELETE` and `Access-Control-Allow-Headers: Content-Type, Authorization`, and the response headers script must read in `Access-Control-Expose-Headers`.",
    bad: "Access-Control-Allow-Methods: *\nAccess-Control-Allow-Headers: *",
    good: "Access-Control-Allow-Methods: GET, POST, PUT, DELETE\nAccess-Control-Allow-Headers: Content-Type, Authorization",
};

/// The rule.
pub struct WildcardListsWithCredentials;

const LISTS: [&str; 3] = [
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Expose-Headers",
];

impl Rule for WildcardListsWithCredentials {
    fn doc(&self) -> &'static RuleDoc {
        &DOC
    }

    fn check(&self, cx: &RuleContext<'_>) -> Vec<Finding> {
        if callers(cx).is_empty() {
            return Vec::new();
        }
        let wild: Vec<&str> = LISTS
            .into_iter()
            .filter(|name| {
                cx.headers
                    .get_all(name)
                    .flat_map(|v| v.split(','))
                    .any(|item| item.trim() == "*")
            })
            .collect();
        if wild.is_empty() {
            return Vec::new();
        }
        vec![Finding {
            code: DOC.code.into(),
            severity: Severity::Warning,
            message: format!(
                "{} list `*`, which is a wildcard only without credentials: for the declared callers (credentials: \"include\") it matches nothing, so a method other than GET/HEAD/POST or a non-safelisted request header fails the preflight{}. List them by name.",
                wild.join(" and "),
                if wild.contains(&"Access-Control-Expose-Headers") {
                    ", and no extra response header is exposed"
                } else {
                    ""
                }
            ),
            cookie: None,
            browsers: Vec::new(),
            evidence: wild.iter().flat_map(|name| declared(cx, name)).collect(),
            fix: None,
        }]
    }
}
