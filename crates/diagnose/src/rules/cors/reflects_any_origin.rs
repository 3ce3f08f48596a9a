//! `cors-reflects-any-origin`: the response echoes an origin nobody declared.

use cookie_doctor_site::Origin;

use crate::finding::{Edit, Finding, Fix, Safety, Severity};
use crate::rules::cors::{ACAC, ACAO, allow_origin, callers, declared, fix_snippets, url_origin};
use crate::rules::{Rule, RuleContext, RuleDoc};

/// The rule's documentation.
pub static DOC: RuleDoc = RuleDoc {
    code: "cors-reflects-any-origin",
    area: "cors",
    severity: Severity::Warning,
    title: "Access-Control-Allow-Origin mirrors an origin that is not a declared caller",
    what: "The input holds the request's `Origin` header (pasted with `--header 'Origin: …'`, or sent by `scan` as a probe) naming an origin that is not a declared caller, and the response's `Access-Control-Allow-Origin` echoes it. A server that copies `Origin` into the header without an allow-list lets every site read its responses. Limits: one response cannot prove mirroring; without a request `Origin` in the input, an `Access-Control-Allow-Origin` equal to a declared caller is taken as fine.",
    why: "Fetch \"CORS check\" trusts whatever origin the server names. Echoing the request's `Origin` unconditionally is equivalent to `*`, except that it also passes with credentials, so any site can read responses made with the user's cookies (Fetch \"CORS protocol and credentials\"; PortSwigger, \"Server-generated ACAO header from client-specified Origin\").",
    fix: "Echo the request's `Origin` only when it is in an allow-list of trusted callers (compare the whole serialised origin, not a prefix or suffix), and send `Vary: Origin`.",
    bad: "Origin: https://evil.example\nAccess-Control-Allow-Origin: https://evil.example\nAccess-Control-Allow-Credentials: true",
    good: "Origin: https://evil.example\n(no Access-Control-Allow-Origin: not in the allow-list)",
};

/// The rule.
pub struct ReflectsAnyOrigin;

impl Rule for ReflectsAnyOrigin {
    fn doc(&self) -> &'static RuleDoc {
        &DOC
    }

    fn check(&self, cx: &RuleContext<'_>) -> Vec<Finding> {
        let Some(acao) = allow_origin(cx.headers) else {
            return Vec::new();
        };
        let Some(request_origin) = cx.headers.get_combined("Origin") else {
            return Vec::new();
        };
        let callers = callers(cx);
        let probe = Origin::parse(request_origin.trim()).ok();
        let declared_caller = probe
            .as_ref()
            .is_some_and(|p| callers.contains(&p) || url_origin(cx).as_ref() == Some(p));
        if declared_caller || acao.trim() != request_origin.trim() || acao.trim() == "null" {
            return Vec::new();
        }
        let credentials = cx.headers.get_combined(ACAC).as_deref() == Some("true");
        let mut evidence = declared(cx, "Origin");
        evidence.extend(declared(cx, ACAO));
        evidence.extend(declared(cx, ACAC));
        evidence.push(if callers.is_empty() {
            "no caller is declared (--called-from)".to_string()
        } else {
            format!(
                "declared callers: {}",
                callers
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        });
        vec![Finding {
            code: DOC.code.into(),
            severity: Severity::Warning,
            message: format!(
                "The response allows `{request_origin}`, the request's own Origin, which is not a declared caller: the server seems to mirror any Origin{}.",
                if credentials {
                    ", and with `Access-Control-Allow-Credentials: true` every site can read responses made with the user's cookies"
                } else {
                    ", so every site can read its responses"
                }
            ),
            cookie: None,
            browsers: Vec::new(),
            evidence,
            fix: callers.first().map(|first| Fix {
                header: format!("{ACAO}: {first}"),
                safety: Safety::Unsafe,
                reason: "origins that are not in the allow-list lose access (the point); echo the request's Origin only when it is in the allow-list (the snippets do) and send Vary: Origin".into(),
                snippets: fix_snippets(cx),
                edit: Edit::SetHeader(ACAO.into()),
            }),
        }]
    }
}
