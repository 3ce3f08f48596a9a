//! `deletion-rejected`: browsers refuse the deletion line itself, so nothing
//! is cleared.

use cookie_doctor_cookie::{Prefix, PrefixRequirement, Reason, Reasons};

use crate::finding::{Edit, Finding, Fix, Safety, Severity};
use crate::fix::CookieLine;
use crate::rules::clearing::{
    describe_reason, identity, in_browsers, is_deletion, matching_deletion, refused, setters,
};
use crate::rules::{Rule, RuleContext, RuleDoc};
use crate::snippets;

/// The rule's documentation.
pub static DOC: RuleDoc = RuleDoc {
    code: "deletion-rejected",
    area: "clearing",
    severity: Severity::Error,
    title: "Browsers refuse the deletion line, so the cookie is not cleared",
    what: "A line that deletes a cookie (`Max-Age=0` or an `Expires` in the past) that a browser ignores as a whole, for the same reasons it would ignore any Set-Cookie: `SameSite=None` or `Partitioned` without `Secure`, a `__Secure-`/`__Host-` name without `Secure` (or, for `__Host-`, with a Domain or a Path other than `/`), a Domain the URL's host is not under, a public-suffix Domain.",
    why: "A deletion is an ordinary Set-Cookie whose expiry is in the past (RFC 6265bis §5.7 step 23), so every storage check of §5.7 applies to it first: step 19 drops `SameSite=None` without `Secure` (Chrome 80+, Firefox 131+), steps 20–22 enforce the name prefixes, steps 9–10 the Domain; CHIPS browsers drop `Partitioned` without `Secure`. An ignored deletion removes nothing, silently.",
    fix: "Write the deletion with the same attributes as the cookie it clears (which were accepted when it was set): keep `Secure`, the Domain (none for `__Host-`), `Path=/` for `__Host-`, `SameSite` and `Partitioned`, with an empty value and `Max-Age=0`.",
    bad: "Set-Cookie: __Host-sid=; Path=/; SameSite=None; Max-Age=0",
    good: "Set-Cookie: __Host-sid=; Path=/; Secure; SameSite=None; Max-Age=0",
};

/// The rule.
pub struct DeletionRejected;

impl Rule for DeletionRejected {
    fn doc(&self) -> &'static RuleDoc {
        &DOC
    }

    fn check(&self, cx: &RuleContext<'_>) -> Vec<Finding> {
        let mut findings = Vec::new();
        for (index, deletion) in cx.cookies.iter().enumerate() {
            if !is_deletion(cx, index) {
                continue;
            }
            let mut browsers = Vec::new();
            let mut reasons: Reasons = Reasons::new();
            for profile in cx.profiles {
                let refused = refused(cx, index, &profile.name);
                if refused.is_empty() {
                    continue;
                }
                browsers.push(profile.name.clone());
                for r in refused {
                    if !reasons.contains(&r) {
                        reasons.push(r);
                    }
                }
            }
            if browsers.is_empty() {
                continue;
            }
            // The cookie it means to clear, when the input sets it and some
            // browser stored it: its exact deletion. Otherwise repair the line.
            let target = setters(cx, deletion.name()).find(|(i, _)| {
                cx.profiles
                    .iter()
                    .any(|p| identity(cx, *i, &p.name).is_some())
            });
            let (fixed, safety, reason) = match target {
                Some((_, set)) => (
                    Some(matching_deletion(set)),
                    Safety::Safe,
                    "the deletion repeats the attributes the cookie was accepted with".to_string(),
                ),
                None => repair(deletion, &reasons, cx.deployment.url.scheme() == "https"),
            };
            let codes: Vec<String> = reasons.iter().map(|r| describe_reason(*r)).collect();
            findings.push(Finding {
                code: DOC.code.into(),
                severity: Severity::Error,
                message: format!(
                    "The deletion `{}` is itself refused ({}) {}, so `{}` is not cleared there.",
                    deletion.value_line(),
                    codes.join("; "),
                    in_browsers(cx, &browsers),
                    deletion.name()
                ),
                cookie: Some(deletion.name().to_string()),
                browsers,
                evidence: std::iter::once(format!("Set-Cookie: {}", deletion.value_line()))
                    .chain(codes.iter().map(|c| format!("reason {c}")))
                    .collect(),
                fix: fixed.filter(|f| f != deletion).map(|f| Fix {
                    header: f.header(),
                    safety,
                    reason,
                    snippets: snippets::cookie(&f.spec()),
                    edit: Edit::ReplaceLine(index),
                }),
            });
        }
        findings
    }
}

/// The deletion with what each refusal reason needs, when the input does not
/// show the cookie it clears.
fn repair(
    deletion: &CookieLine,
    reasons: &[Reason],
    https: bool,
) -> (Option<CookieLine>, Safety, String) {
    let mut fixed = deletion.clone();
    let mut notes: Vec<&str> = Vec::new();
    for reason in reasons {
        match reason {
            Reason::SameSiteNoneInsecure
            | Reason::PartitionedInsecure
            | Reason::InvalidPrefix(_, PrefixRequirement::Secure) => fixed.set_flag("Secure"),
            Reason::InvalidPrefix(Prefix::Host | Prefix::HostHttp, PrefixRequirement::HostOnly) => {
                fixed.remove("Domain");
            }
            Reason::InvalidPrefix(_, PrefixRequirement::PathSlash) => fixed.set("Path", Some("/")),
            Reason::InvalidPrefix(_, PrefixRequirement::HttpOnly) => fixed.set_flag("HttpOnly"),
            Reason::DomainMismatch | Reason::DomainIsPublicSuffix | Reason::DomainNonAscii => {
                fixed.remove("Domain");
                notes.push("without a usable Domain the deletion clears the host-only cookie; a cookie set with a Domain must be deleted with that Domain from a host under it");
            }
            _ => {}
        }
    }
    if !https && fixed.has("Secure") {
        notes.push(
            "a Secure deletion is only accepted from an https URL: send it from the https site",
        );
    }
    let safety = if notes.is_empty() {
        Safety::Safe
    } else {
        Safety::Unsafe
    };
    (Some(fixed), safety, notes.join("; "))
}
