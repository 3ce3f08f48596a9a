//! `name-shadowed`: two cookies of the same name under different Domain or
//! Path: both are sent, in an order the server cannot rely on.

use crate::finding::{Finding, Severity};
use crate::matrix::Context;
use crate::rules::{Rule, RuleContext, RuleDoc};

use super::{is_deletion, set_trace};

/// The rule's documentation.
pub static DOC: RuleDoc = RuleDoc {
    code: "name-shadowed",
    area: "cookies",
    severity: Severity::Warning,
    title: "Same cookie name under several Domain/Path scopes",
    what: "Two Set-Cookie lines with the same name whose Domain or Path differ, so the browser keeps two cookies and sends both where their scopes overlap.",
    why: "RFC 6265bis §5.7 keys a cookie by name, domain and path, so these are two cookies; §5.8.3 step 3 orders the Cookie header by longer path first, then by creation time, and says servers SHOULD NOT rely on the order (§4.2.2). Most frameworks read the first `name=` they see, so which value the server uses depends on the path and on which cookie is older — the classic \"logged out on some pages\" or \"stale session after login\" bug.",
    fix: "Set the cookie under one scope only, and delete the other with a deletion line that matches its Domain and Path exactly (`Max-Age=0`).",
    bad: "Set-Cookie: sid=a; Path=/\nSet-Cookie: sid=b; Path=/app",
    good: "Set-Cookie: sid=a; Path=/",
};

/// The rule.
pub struct NameShadowed;

impl Rule for NameShadowed {
    fn doc(&self) -> &'static RuleDoc {
        &DOC
    }

    fn check(&self, cx: &RuleContext<'_>) -> Vec<Finding> {
        let mut findings = Vec::new();
        let scope = |index: usize| -> Option<(String, String)> {
            cx.profiles.iter().find_map(|p| {
                set_trace(cx, index, Context::SameSite, &p.name)
                    .filter(|s| s.stored)
                    .and_then(|s| s.cookie.as_ref())
                    .map(|c| (c.domain.to_string(), c.path.to_string()))
            })
        };
        for (j, later) in cx.cookies.iter().enumerate() {
            if is_deletion(cx, j) {
                continue;
            }
            let Some(later_scope) = scope(j) else {
                continue;
            };
            let earlier = cx.cookies.iter().enumerate().take(j).find_map(|(i, l)| {
                if l.name() != later.name() || is_deletion(cx, i) {
                    return None;
                }
                scope(i).filter(|s| *s != later_scope).map(|s| (l, s))
            });
            let Some((first, first_scope)) = earlier else {
                continue;
            };
            let name = later.name();
            let deletion = |scope: &(String, String), host_only: bool| {
                let domain = if host_only {
                    String::new()
                } else {
                    format!("; Domain={}", scope.0)
                };
                format!("Set-Cookie: {name}=; Max-Age=0; Path={}{domain}", scope.1)
            };
            findings.push(Finding {
                code: DOC.code.into(),
                severity: Severity::Warning,
                message: format!(
                    "`{name}` is set twice, for domain {} path {} and for domain {} path {}: the browser keeps both and sends both where the scopes overlap, in an order the server cannot rely on. Keep one scope and delete the other, e.g. `{}`.",
                    first_scope.0,
                    first_scope.1,
                    later_scope.0,
                    later_scope.1,
                    deletion(&later_scope, !later.has("Domain"))
                ),
                cookie: Some(name.to_string()),
                browsers: Vec::new(),
                evidence: vec![
                    format!("Set-Cookie: {}", first.value_line()),
                    format!("Set-Cookie: {}", later.value_line()),
                ],
                fix: None,
            });
        }
        findings
    }
}
