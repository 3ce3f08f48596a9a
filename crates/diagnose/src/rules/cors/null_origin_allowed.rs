//! `cors-null-origin-allowed`: `Access-Control-Allow-Origin: null`.

use crate::finding::{Edit, Finding, Fix, Safety, Severity};
use crate::rules::cors::{ACAC, ACAO, allow_origin, callers, declared, fix_snippets};
use crate::rules::{Rule, RuleContext, RuleDoc};

/// The rule's documentation.
pub static DOC: RuleDoc = RuleDoc {
    code: "cors-null-origin-allowed",
    area: "cors",
    severity: Severity::Warning,
    title: "Access-Control-Allow-Origin: null lets any site read the response",
    what: "The response allows the origin `null`.",
    why: "Fetch serialises the request origin as `null` for opaque origins and redirect-tainted requests (\"byte-serializing a request origin\"), so `Access-Control-Allow-Origin: null` matches a request from any sandboxed iframe (`<iframe sandbox=\"allow-scripts\">`), a `data:` URL or a local file, and any request redirected across origins. Any site can create such a document, so `null` is as open as `*` — and, unlike `*`, it works with `Access-Control-Allow-Credentials: true`, exposing the user's authenticated responses (PortSwigger, \"CORS vulnerability with trusted null origin\").",
    fix: "Never allow `null`: answer with the exact origin of each trusted caller (an allow-list), or no `Access-Control-Allow-Origin` at all.",
    bad: "Access-Control-Allow-Origin: null\nAccess-Control-Allow-Credentials: true",
    good: "Access-Control-Allow-Origin: https://app.example\nAccess-Control-Allow-Credentials: true\nVary: Origin",
};

/// The rule.
pub struct NullOriginAllowed;

impl Rule for NullOriginAllowed {
    fn doc(&self) -> &'static RuleDoc {
        &DOC
    }

    fn check(&self, cx: &RuleContext<'_>) -> Vec<Finding> {
        let allows_null = allow_origin(cx.headers)
            .is_some_and(|v| v.split(',').any(|p| p.trim().eq_ignore_ascii_case("null")));
        if !allows_null {
            return Vec::new();
        }
        let credentials = cx.headers.get_combined(ACAC).as_deref() == Some("true");
        let callers = callers(cx);
        let mut evidence = declared(cx, ACAO);
        evidence.extend(declared(cx, ACAC));
        let fix = match callers.first() {
            Some(first) => Fix {
                header: format!("{ACAO}: {first}"),
                safety: Safety::Unsafe,
                reason: "sandboxed documents, local files and cross-origin redirects that rely on `null` lose access; with several callers, echo the request's Origin from an allow-list (the snippets do) and send Vary: Origin".into(),
                snippets: fix_snippets(cx),
                edit: Edit::SetHeader(ACAO.into()),
            },
            None => Fix {
                header: format!("{ACAO}: null"),
                safety: Safety::Unsafe,
                reason: "remove this header (no caller is declared, so no origin needs to read the response); sandboxed documents, local files and cross-origin redirects that rely on it lose access".into(),
                snippets: Default::default(),
                edit: Edit::RemoveHeader(ACAO.into()),
            },
        };
        vec![Finding {
            code: DOC.code.into(),
            severity: Severity::Warning,
            message: format!(
                "`Access-Control-Allow-Origin: null` matches requests from any sandboxed iframe, data: URL or local file, which any site can create{}.",
                if credentials {
                    ", and with `Access-Control-Allow-Credentials: true` such a page reads the user's authenticated responses"
                } else {
                    ""
                }
            ),
            cookie: None,
            browsers: Vec::new(),
            evidence,
            fix: Some(fix),
        }]
    }
}
