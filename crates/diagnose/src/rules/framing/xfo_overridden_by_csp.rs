//! `x-frame-options-overridden`: an enforced CSP `frame-ancestors` makes
//! browsers ignore an `X-Frame-Options` that says something else.

use cookie_doctor_fetch::framing::SourceExpression;

use crate::finding::{Edit, Finding, Fix, Safety, Severity};
use crate::rules::framing::{CSP, XFO, frame_ancestors, xfo_values};
use crate::rules::{Rule, RuleContext, RuleDoc};

/// The rule's documentation.
pub static DOC: RuleDoc = RuleDoc {
    code: "x-frame-options-overridden",
    area: "framing",
    severity: Severity::Info,
    title: "X-Frame-Options is ignored because CSP frame-ancestors is present, and they disagree",
    what: "The response has both an enforced CSP `frame-ancestors` and an `X-Frame-Options: DENY` or `SAMEORIGIN` that says something else (`DENY` with sources other than `'none'`, `SAMEORIGIN` with sources other than `'self'`). Agreeing pairs (`DENY` + `'none'`, `SAMEORIGIN` + `'self'`) are the usual belt and braces for legacy browsers and are not reported.",
    why: "HTML \"check a navigation response's adherence to X-Frame-Options\" step 2: if an enforced policy has a `frame-ancestors` directive, `X-Frame-Options` is ignored (Chrome, Firefox, Safari). Only browsers without CSP Level 2 (Internet Explorer) still obey it, so the two headers describe two different policies and readers trust the wrong one.",
    fix: "Remove `X-Frame-Options` (or make it agree with `frame-ancestors`); keep `frame-ancestors` as the one policy.",
    bad: "X-Frame-Options: DENY\nContent-Security-Policy: frame-ancestors 'self' https://partner.example",
    good: "Content-Security-Policy: frame-ancestors 'self' https://partner.example",
};

/// The rule.
pub struct XfoOverriddenByCsp;

impl Rule for XfoOverriddenByCsp {
    fn doc(&self) -> &'static RuleDoc {
        &DOC
    }

    fn check(&self, cx: &RuleContext<'_>) -> Vec<Finding> {
        let policies = frame_ancestors(cx);
        if policies.is_empty() {
            return Vec::new();
        }
        let values = xfo_values(cx);
        let decisive: Vec<&String> = values
            .iter()
            .filter(|v| *v == "deny" || *v == "sameorigin")
            .collect();
        let Some(first) = decisive.first() else {
            return Vec::new();
        };
        let only = |wanted: &SourceExpression| {
            policies
                .iter()
                .all(|p| !p.sources.is_empty() && p.sources.iter().all(|s| s == wanted))
        };
        let agrees = values.len() == 1
            && match first.as_str() {
                "deny" => policies.iter().all(|p| {
                    p.sources.is_empty()
                        || p.sources
                            .iter()
                            .all(|s| *s == SourceExpression::NoneKeyword)
                }),
                _ => only(&SourceExpression::SelfKeyword),
            };
        if agrees {
            return Vec::new();
        }
        let xfo_line = format!("{XFO}: {}", values.join(", ").to_ascii_uppercase());
        vec![Finding {
            code: DOC.code.into(),
            severity: Severity::Info,
            message: format!(
                "`{xfo_line}` is ignored wherever CSP `frame-ancestors` is supported (every current browser), so the CSP decides; only legacy browsers such as Internet Explorer still obey it. Remove it so the headers state one policy."
            ),
            cookie: None,
            browsers: Vec::new(),
            evidence: cx
                .headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case(XFO) || n.eq_ignore_ascii_case(CSP))
                .map(|(n, v)| format!("{n}: {v}"))
                .collect(),
            fix: Some(Fix {
                header: xfo_line,
                safety: Safety::Safe,
                reason: "remove this header: current browsers already ignore it; Internet Explorer, which does not know frame-ancestors, would lose its X-Frame-Options protection".into(),
                snippets: Default::default(),
                edit: Edit::RemoveHeader(XFO.into()),
            }),
        }]
    }
}
