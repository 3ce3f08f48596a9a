//! `x-frame-options-allow-from`: `ALLOW-FROM` is ignored by every current
//! browser.

use crate::finding::{Edit, Finding, Fix, Safety, Severity};
use crate::rules::framing::{
    CSP, XFO, csp_with_frame_ancestors, fixed_sources, frame_ancestors, framing_snippets,
    xfo_values,
};
use crate::rules::{Rule, RuleContext, RuleDoc};

/// The rule's documentation.
pub static DOC: RuleDoc = RuleDoc {
    code: "x-frame-options-allow-from",
    area: "framing",
    severity: Severity::Warning,
    title: "X-Frame-Options: ALLOW-FROM is ignored: any site can frame the page",
    what: "An `X-Frame-Options: ALLOW-FROM <origin>` header.",
    why: "HTML's X-Frame-Options algorithm knows only `DENY` and `SAMEORIGIN` (and `ALLOWALL`); anything else, `ALLOW-FROM` included, is ignored (step 10: allowed). Chrome never supported it and Firefox dropped it in 70. Without a CSP `frame-ancestors`, the page is therefore frameable by every site (clickjacking), not only the one named.",
    fix: "Use `Content-Security-Policy: frame-ancestors 'self' <origin>` and remove the `X-Frame-Options` header.",
    bad: "X-Frame-Options: ALLOW-FROM https://partner.example",
    good: "Content-Security-Policy: frame-ancestors 'self' https://partner.example",
};

/// The rule.
pub struct AllowFromIgnored;

impl Rule for AllowFromIgnored {
    fn doc(&self) -> &'static RuleDoc {
        &DOC
    }

    fn check(&self, cx: &RuleContext<'_>) -> Vec<Finding> {
        if !xfo_values(cx).iter().any(|v| v.starts_with("allow-from")) {
            return Vec::new();
        }
        let allow_from = cx.headers.get_combined(XFO).unwrap_or_default();
        // The origin it names, as written (case kept from the header).
        let named: Option<String> = cx
            .headers
            .get_all(XFO)
            .flat_map(|v| v.split(','))
            .find_map(|v| {
                let v = v.trim();
                let lower = v.to_ascii_lowercase();
                lower.starts_with("allow-from").then(|| {
                    v.get("allow-from".len()..)
                        .unwrap_or_default()
                        .trim()
                        .to_string()
                })
            })
            .filter(|o| !o.is_empty());
        let has_csp = !frame_ancestors(cx).is_empty();
        let mut sources = fixed_sources(cx);
        if let Some(origin) = named
            .as_deref()
            .and_then(|o| cookie_doctor_site::Origin::parse(o).ok())
            .map(|o| o.to_string())
            && !sources.contains(&origin)
        {
            sources.push(origin);
        }
        let evidence = cx
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(XFO) || n.eq_ignore_ascii_case(CSP))
            .map(|(n, v)| format!("{n}: {v}"))
            .collect();
        let (message, fix) = if has_csp {
            (
                format!(
                    "`X-Frame-Options: {allow_from}` is ignored by every current browser; the CSP `frame-ancestors` decides, so the header only misleads readers. Remove it."
                ),
                Fix {
                    header: format!("{XFO}: {allow_from}"),
                    safety: Safety::Safe,
                    reason: "remove this header: browsers already ignore it".into(),
                    snippets: Default::default(),
                    edit: Edit::RemoveHeader(XFO.into()),
                },
            )
        } else {
            (
                format!(
                    "`X-Frame-Options: {allow_from}` is ignored by every current browser, so any site can frame this page (clickjacking), not only the one it names. Use CSP `frame-ancestors` instead."
                ),
                Fix {
                    header: csp_with_frame_ancestors(cx, &sources),
                    safety: Safety::Safe,
                    reason: format!(
                        "allows exactly {} to frame the page, which is what ALLOW-FROM meant; then remove X-Frame-Options",
                        sources.join(" ")
                    ),
                    snippets: framing_snippets(&sources),
                    edit: Edit::SetHeader(CSP.into()),
                },
            )
        };
        vec![Finding {
            code: DOC.code.into(),
            severity: Severity::Warning,
            message,
            cookie: None,
            browsers: Vec::new(),
            evidence,
            fix: Some(fix),
        }]
    }
}
