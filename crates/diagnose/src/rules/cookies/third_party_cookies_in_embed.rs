//! `third-party-cookies-in-embed`: a cross-site cookie that the declared embed
//! or caller needs, blocked (Safari, Chrome with blocking) or kept in a separate
//! jar (Firefox Total Cookie Protection, CHIPS) — with the options and their
//! trade-offs.

use cookie_doctor_cookie::{Reason, Reasons};

use crate::finding::{Finding, Safety, Severity};
use crate::matrix::{Cell, Context};
use crate::rules::{Rule, RuleContext, RuleDoc, add_browser};

use super::samesite_blocks_declared_use::{self, declared_contexts};
use super::{
    SameSiteAttr, cell_evidence, codes, describe_cells, group, is_deletion, is_session_like,
    is_third_party_blocked, replace_fix, same_site, set_trace, works,
};

/// The rule's documentation.
pub static DOC: RuleDoc = RuleDoc {
    code: "third-party-cookies-in-embed",
    area: "cookies",
    severity: Severity::Warning,
    title: "Third-party cookie restrictions: the embed is blocked or sees its own jar",
    what: "A `SameSite=None; Secure` cookie that the declared embed (`--embedded-in`) or cross-site caller (`--called-from`) needs, but that browsers blocking third-party cookies refuse in that context (Safari by default, Chrome when the user or Incognito blocks them), or that a session started on the app's own site cannot reach there because the browser keeps one cookie jar per top-level site (Firefox Total Cookie Protection, and every CHIPS `Partitioned` cookie).",
    why: "Third-party cookie policy sits on top of RFC 6265bis (which leaves it to the user agent, §7.1): Safari's ITP and Chrome's third-party blocking (`CookieSettings`) refuse unpartitioned cookies in cross-site frames and requests; Firefox's Total Cookie Protection (cookieBehavior 5) keys the jar by top-level site; CHIPS (draft-cutler-httpbis-partitioned-cookies) lets a `Partitioned` cookie through, in a jar of its embedding site.",
    fix: "Choose by what the embed needs. `Partitioned` (CHIPS): works in every current browser, but the frame has its own cookie per embedding site, so the user signs in inside the frame. The Storage Access API: `document.requestStorageAccess()` from the frame (after a user gesture; Safari and Firefox may prompt) reaches the cookie set on your own site. A first-party domain: serve the app under the embedder's site (e.g. `app.partner.example`), so the cookie is not third-party at all; this needs DNS and TLS on the embedder's side.",
    bad: "Set-Cookie: sid=abc; SameSite=None; Secure; HttpOnly; Path=/",
    good: "Set-Cookie: sid=abc; SameSite=None; Secure; HttpOnly; Path=/; Partitioned",
};

/// The rule.
pub struct ThirdPartyCookiesInEmbed;

/// The options, in a sentence.
const OPTIONS: &str = "Options: `Partitioned` (CHIPS) works everywhere but gives the frame its own cookie per embedding site, so users sign in inside the frame; the Storage Access API (`document.requestStorageAccess()` from the frame after a click; Safari and Firefox may prompt) reaches the cookie of your own site; serving the app under the embedder's site makes the cookie first-party but needs their DNS and TLS.";

impl Rule for ThirdPartyCookiesInEmbed {
    fn doc(&self) -> &'static RuleDoc {
        &DOC
    }

    fn check(&self, cx: &RuleContext<'_>) -> Vec<Finding> {
        let mut findings = Vec::new();
        let contexts = declared_contexts(cx);
        if contexts.is_empty() {
            return findings;
        }
        for (index, line) in cx.cookies.iter().enumerate() {
            if same_site(line) != SameSiteAttr::None
                || !line.has("Secure")
                || is_deletion(cx, index)
                || samesite_blocks_declared_use::applies(cx, index)
            {
                continue;
            }
            let name = line.name();
            let partitioned = line.has("Partitioned");
            let mut blocked: Vec<Cell> = Vec::new();
            let mut parts: Vec<String> = Vec::new();
            let mut invisible_all: Vec<String> = Vec::new();
            let mut evidence = vec![format!("Set-Cookie: {}", line.value_line())];
            for (ctx, label) in &contexts {
                let here: Vec<Cell> = cx
                    .cells_in(index, *ctx)
                    .filter(|c| !works(c) && c.reasons.iter().any(|r| is_third_party_blocked(*r)))
                    .cloned()
                    .collect();
                if !here.is_empty() {
                    parts.push(format!(
                        "`{name}` is refused in {label} by {}: they block third-party cookies (Safari by default, Chrome when the user or Incognito blocks them).",
                        describe_cells(&here)
                    ));
                    evidence.extend(cell_evidence(&here));
                }
                // Browsers that refuse the cookie in the context are said above.
                // A top-level login only matters for a session-like cookie.
                let invisible: Vec<(String, Reasons)> = if is_session_like(name) {
                    top_level_invisible(cx, index, *ctx)
                } else {
                    Vec::new()
                }
                .into_iter()
                .filter(|(b, _)| !here.iter().any(|c| *c.browser == **b))
                .collect();
                if !invisible.is_empty() {
                    let list = group(
                        invisible
                            .iter()
                            .map(|(b, reasons)| (b.as_str(), codes(reasons))),
                    );
                    parts.push(format!(
                        "A `{name}` set on your own site (a top-level login) is not visible in {label} in {}{}.",
                        list,
                        if partitioned {
                            ": it is Partitioned, so the frame has its own cookie per embedding site"
                        } else {
                            ": these browsers keep a separate cookie jar for each top-level site (Firefox Total Cookie Protection), so the frame only sees cookies set inside it"
                        }
                    ));
                    evidence.push(format!(
                        "{}: first request of the context did not carry the cookie set on {} in {}",
                        ctx.as_str(),
                        cx.deployment.url,
                        invisible
                            .iter()
                            .map(|(b, _)| b.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                    for (b, _) in invisible {
                        if !invisible_all.contains(&b) {
                            invisible_all.push(b);
                        }
                    }
                }
                blocked.extend(here);
            }
            if parts.is_empty() {
                continue;
            }
            let mut browsers: Vec<String> = Vec::new();
            for b in blocked
                .iter()
                .map(|c| &*c.browser)
                .chain(invisible_all.iter().map(String::as_str))
            {
                add_browser(&mut browsers, b);
            }
            let chips = cx.profiles.iter().any(|p| p.chips.supported);
            let fix = (!blocked.is_empty() && !partitioned && chips).then(|| {
                let mut fixed = line.clone();
                fixed.set_flag("Partitioned");
                replace_fix(
                    index,
                    &fixed,
                    Safety::Unsafe,
                    "Partitioned keeps a separate cookie per embedding site: state set on your own site (or under another embedder) is not visible in the frame, in every browser",
                )
            });
            let severity = if partitioned && blocked.is_empty() {
                // Per-embedder state is what Partitioned asks for.
                Severity::Info
            } else {
                Severity::Warning
            };
            let mut message = parts.join(" ");
            message.push(' ');
            if partitioned && blocked.is_empty() {
                message.push_str("That is CHIPS by design; if the frame must share your site's session, call document.requestStorageAccess() from the frame.");
            } else {
                message.push_str(OPTIONS);
            }
            findings.push(Finding {
                code: DOC.code.into(),
                severity,
                message,
                cookie: Some(name.to_string()),
                browsers,
                evidence,
                fix,
            });
        }
        findings
    }
}

/// The browsers where the cookie set by a top-level visit of the URL is not
/// carried by the first request of `context` (with the engine's reasons).
fn top_level_invisible(
    cx: &RuleContext<'_>,
    index: usize,
    context: Context,
) -> Vec<(String, Reasons)> {
    let mut out = Vec::new();
    for profile in cx.profiles {
        let Some(id) = set_trace(cx, index, Context::SameSite, &profile.name)
            .filter(|s| s.stored)
            .and_then(|s| s.cookie.as_ref())
        else {
            continue;
        };
        let Some(request) = cx
            .matrix
            .runs
            .iter()
            .find(|r| r.context == context && *r.browser == *profile.name)
            .and_then(|r| r.store_request())
        else {
            continue;
        };
        let same = |n: &str, d: &str, p: &str| n == &*id.name && d == &*id.domain && p == &*id.path;
        if request
            .sent
            .iter()
            .any(|c| same(&c.name, &c.domain, &c.path))
        {
            continue;
        }
        let mut reasons: Reasons = Reasons::new();
        for e in request
            .excluded
            .iter()
            .filter(|e| same(&e.name, &e.domain, &e.path))
        {
            for r in &e.reasons {
                if !reasons.contains(r) {
                    reasons.push(*r);
                }
            }
        }
        // Only third-party and partition reasons are this rule's business.
        if reasons.iter().all(|r| {
            matches!(
                r,
                Reason::ThirdPartyBlockedOnSend
                    | Reason::ThirdPartyBlocked
                    | Reason::ThirdPartyPartitioned
                    | Reason::PartitionMismatch
            )
        }) {
            out.push((profile.name.clone(), reasons));
        }
    }
    out
}
