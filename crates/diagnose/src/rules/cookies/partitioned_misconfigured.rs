//! `partitioned-misconfigured`: `Partitioned` without `Secure` (refused), or
//! without `SameSite=None` (withheld from the very cross-site frames CHIPS is for).

use cookie_doctor_cookie::Reason;

use crate::finding::{Finding, Safety, Severity};
use crate::matrix::{Cell, Context};
use crate::rules::{Rule, RuleContext, RuleDoc, browsers_where};

use super::samesite_blocks_declared_use;
use super::{
    SameSiteAttr, cell_evidence, describe_cells, is_deletion, is_same_site_reason, replace_fix,
    same_site,
};

/// The rule's documentation.
pub static DOC: RuleDoc = RuleDoc {
    code: "partitioned-misconfigured",
    area: "cookies",
    severity: Severity::Error,
    title: "Partitioned without Secure (refused) or without SameSite=None (withheld in frames)",
    what: "A `Partitioned` (CHIPS) cookie without `Secure`, which browsers refuse, or without `SameSite=None`, so that the cross-site frames and requests that partitioning exists for do not get it in Chrome and the specification.",
    why: "CHIPS (draft-cutler-httpbis-partitioned-cookies §2) requires `Secure`; Chromium `CanonicalCookie::IsCookiePartitionedValid` refuses the cookie otherwise, and Firefox and Safari follow. Partitioning does not change SameSite: RFC 6265bis §5.8.3 still withholds a `Lax`, `Strict` or unspecified (treated as `Lax`, §5.6.7) cookie from a cross-site iframe or fetch.",
    fix: "Write `Partitioned` cookies as `SameSite=None; Secure; Partitioned` (and serve over https).",
    bad: "Set-Cookie: widget=1; Partitioned; Path=/",
    good: "Set-Cookie: widget=1; Partitioned; Path=/; Secure; SameSite=None",
};

/// The rule.
pub struct PartitionedMisconfigured;

impl Rule for PartitionedMisconfigured {
    fn doc(&self) -> &'static RuleDoc {
        &DOC
    }

    fn check(&self, cx: &RuleContext<'_>) -> Vec<Finding> {
        let mut findings = Vec::new();
        let https = cx.deployment.url.scheme() == "https";
        for (index, line) in cx.cookies.iter().enumerate() {
            if !line.has("Partitioned") || is_deletion(cx, index) {
                continue;
            }
            let name = line.name();
            let evidence_line = format!("Set-Cookie: {}", line.value_line());
            if !line.has("Secure") {
                let dropped = browsers_where(cx, index, Context::SameSite, |c| {
                    !c.stored && c.reasons.contains(&Reason::PartitionedInsecure)
                });
                let mut fixed = line.clone();
                fixed.set_flag("Secure");
                if same_site(line) == SameSiteAttr::None {
                    // samesite-none-without-secure says the same; one finding is enough.
                    continue;
                }
                let (safety, reason) = if https {
                    (Safety::Safe, "")
                } else {
                    (
                        Safety::Unsafe,
                        "a Secure cookie is never set nor sent over plain http: serve the app over https first",
                    )
                };
                findings.push(Finding {
                    code: DOC.code.into(),
                    severity: if dropped.is_empty() {
                        Severity::Warning
                    } else {
                        Severity::Error
                    },
                    message: format!(
                        "`{name}` is Partitioned without Secure, so {} refuse it even on your own pages (CHIPS cookies must be Secure).",
                        if dropped.is_empty() {
                            "browsers that support CHIPS".to_string()
                        } else {
                            dropped.join(", ")
                        }
                    ),
                    cookie: Some(name.to_string()),
                    browsers: dropped,
                    evidence: vec![evidence_line, "reason partitioned-insecure".into()],
                    fix: Some(replace_fix(index, &fixed, safety, reason)),
                });
                continue;
            }
            if same_site(line) == SameSiteAttr::None
                || samesite_blocks_declared_use::applies(cx, index)
            {
                // Right, or samesite-blocks-declared-use already says it for the declared embed.
                continue;
            }
            let withheld: Vec<Cell> = cx
                .cells_in(index, Context::Iframe)
                .filter(|c| !c.sent && c.reasons.iter().any(|r| is_same_site_reason(*r)))
                .cloned()
                .collect();
            if withheld.is_empty() {
                continue;
            }
            let mut fixed = line.clone();
            fixed.set("SameSite", Some("None"));
            let mut evidence = vec![evidence_line];
            evidence.extend(cell_evidence(&withheld));
            findings.push(Finding {
                code: DOC.code.into(),
                severity: Severity::Warning,
                message: format!(
                    "`{name}` is Partitioned but has {}, so a cross-site frame (where partitioning applies) does not get it in {}. Partitioned cookies are meant for cross-site embeds: use SameSite=None with it, or drop Partitioned if the cookie is first-party only.",
                    same_site(line).describe(),
                    describe_cells(&withheld)
                ),
                cookie: Some(name.to_string()),
                browsers: withheld.iter().map(|c| c.browser.to_string()).collect(),
                evidence,
                fix: Some(replace_fix(
                    index,
                    &fixed,
                    Safety::Unsafe,
                    "SameSite=None sends the cookie on cross-site requests in the embedding site's partition: protect state-changing requests against CSRF (a token, or checking Origin / Sec-Fetch-Site)",
                )),
            });
        }
        findings
    }
}
