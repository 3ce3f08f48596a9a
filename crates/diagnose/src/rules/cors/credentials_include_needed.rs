//! `cors-credentials-include`: the caller's script must ask for credentials.

use crate::finding::{Finding, Severity};
use crate::rules::cors::callers;
use crate::rules::{Rule, RuleContext, RuleDoc};

/// The rule's documentation.
pub static DOC: RuleDoc = RuleDoc {
    code: "cors-credentials-include",
    area: "cors",
    severity: Severity::Info,
    title: "The caller must fetch with credentials: \"include\" for cookies to travel",
    what: "Advice whenever a cross-origin caller is declared: the delivery matrix's `fetch` column assumes the caller's script uses `credentials: \"include\"`; `check` cannot see the client code, so it says what happens without it.",
    why: "Fetch §4.6 \"HTTP-network-or-cache fetch\": cookies are attached and Set-Cookie is stored only when includeCredentials is true, i.e. credentials mode `include`, or `same-origin` for a same-origin request. `fetch()` defaults to `same-origin`, so a cross-origin call sends no Cookie header and its Set-Cookie is ignored (reasons `credentials-not-included`, `credentials-not-included-on-store`); XMLHttpRequest and axios default to no credentials likewise.",
    fix: "`fetch(url, { credentials: \"include\" })`; XMLHttpRequest: `xhr.withCredentials = true`; axios: `withCredentials: true`; jQuery: `xhrFields: { withCredentials: true }`. The server must then answer with the exact origin and `Access-Control-Allow-Credentials: true`.",
    bad: "fetch(\"https://api.example.com/me\")",
    good: "fetch(\"https://api.example.com/me\", { credentials: \"include\" })",
};

/// The rule.
pub struct CredentialsIncludeNeeded;

impl Rule for CredentialsIncludeNeeded {
    fn doc(&self) -> &'static RuleDoc {
        &DOC
    }

    fn check(&self, cx: &RuleContext<'_>) -> Vec<Finding> {
        let callers = callers(cx);
        if callers.is_empty() {
            return Vec::new();
        }
        let names: Vec<String> = callers.iter().map(ToString::to_string).collect();
        let url = cx.deployment.url.as_str();
        vec![Finding {
            code: DOC.code.into(),
            severity: Severity::Info,
            message: format!(
                "The fetch column assumes script on {} calls `fetch(\"{url}\", {{ credentials: \"include\" }})` (axios `withCredentials: true`, XMLHttpRequest `xhr.withCredentials = true`). With fetch's default (`same-origin`) no cookie is sent to this origin and its Set-Cookie is ignored, whatever the cookie's attributes.",
                names.join(", ")
            ),
            cookie: None,
            browsers: Vec::new(),
            evidence: vec![format!("declared callers: {}", names.join(", "))],
            fix: None,
        }]
    }
}
