//! `samesite-blocks-declared-use`: a cookie whose SameSite keeps it out of the
//! embed (`--embedded-in`) or the cross-site API calls (`--called-from`) the
//! user declared — "the embedded dashboard loses its session", "the API on
//! another site never gets the cookie".

use std::fmt::Write as _;

use crate::finding::{Finding, Safety, Severity};
use crate::fix::CookieLine;
use crate::matrix::{Cell, Context};
use crate::rules::{Rule, RuleContext, RuleDoc, add_browser};

use super::{
    SameSiteAttr, cell_evidence, describe_cells, is_deletion, is_same_site_reason, is_session_like,
    is_third_party_blocked, probe_many, replace_fix, same_site, with_probe, works,
};

/// The rule's documentation.
pub static DOC: RuleDoc = RuleDoc {
    code: "samesite-blocks-declared-use",
    area: "cookies",
    severity: Severity::Error,
    title: "The cookie's SameSite keeps it out of the declared embed or cross-site API",
    what: "A cookie (an error for a session-like name, see `is_session_like`; a warning for others, which the embed may not need) that is not stored or not sent in the iframe on the site given with `--embedded-in`, or in the `fetch(…, {credentials: \"include\"})` calls from the origin given with `--called-from`, because of its SameSite attribute (`Lax`, `Strict`, or none, which Chrome and the specification treat as `Lax`).",
    why: "RFC 6265bis §5.8.3 step 2 withholds `Lax` and `Strict` cookies from cross-site subresource requests (iframes, fetch, images), and §5.7 step 18 refuses to store them from such responses; §5.6.7 and Chrome (since 80, `CookieBase::GetEffectiveSameSite`) treat a cookie without SameSite as `Lax`. Browsers that block third-party cookies (Safari ITP, Chrome with blocking) refuse unpartitioned cookies in the frame as well; CHIPS `Partitioned` cookies are kept per top-level site and allowed there.",
    fix: "Send `SameSite=None; Secure` for cookies the embed or the cross-site API needs, and add `Partitioned` where only third-party blocking still stops them (state then lives per embedding site). Protect state-changing requests against CSRF (a token, or checking `Origin` / `Sec-Fetch-Site`). Alternatives: the Storage Access API (`document.requestStorageAccess()` from the frame), or serving the app under the embedder's site (a first-party subdomain).",
    bad: "Set-Cookie: sid=abc; SameSite=Lax; Secure; HttpOnly; Path=/",
    good: "Set-Cookie: sid=abc; SameSite=None; Secure; HttpOnly; Path=/; Partitioned",
};

/// The rule.
pub struct SameSiteBlocksDeclaredUse;

/// The declared cross-site contexts: the iframe of `--embedded-in`, the
/// credentialed fetch of `--called-from`.
pub fn declared_context_kinds(cx: &RuleContext<'_>) -> impl Iterator<Item = Context> + Clone {
    [
        cx.embed_declared().then_some(Context::Iframe),
        cx.callers_declared().then_some(Context::FetchInclude),
    ]
    .into_iter()
    .flatten()
}

/// The declared cross-site contexts: (context, how to name it).
pub fn declared_contexts(cx: &RuleContext<'_>) -> Vec<(Context, String)> {
    let mut out = Vec::new();
    if let Some(embedder) = cx.deployment.embedded_in.first() {
        out.push((
            Context::Iframe,
            format!("the iframe embedded in {embedder}"),
        ));
    }
    if let Some(caller) = cx.deployment.called_from.first() {
        out.push((
            Context::FetchInclude,
            format!("credentialed fetch from {caller}"),
        ));
    }
    out
}

/// What the rule found for one line: failing cells per declared context, the
/// fixed line and the cells that still fail after it.
pub struct Analysis {
    /// The cells that fail now, in the declared contexts.
    pub failing: Vec<Cell>,
    /// The fixed line.
    pub fixed: CookieLine,
    /// The cells (declared contexts) that still fail with the fix.
    pub remaining: Vec<Cell>,
}

/// Whether the rule finds something for line `index` (what [`analyse_all`]
/// returns `Some` for): the line is in scope and SameSite is among what keeps
/// it out of a declared context. The analysis's first test, without its
/// copies and probes.
pub fn applies(cx: &RuleContext<'_>, index: usize) -> bool {
    let Some(line) = cx.cookies.get(index) else {
        return false;
    };
    if is_deletion(cx, index) || (same_site(line) == SameSiteAttr::None && !line.has("Secure")) {
        // Deletions are not meant to travel; None without Secure has its own rule.
        return false;
    }
    declared_context_kinds(cx).any(|ctx| {
        cx.cells_in(index, ctx)
            .any(|c| !works(c) && c.reasons.iter().any(|r| is_same_site_reason(*r)))
    })
}

/// The declared contexts, the cells failing there, and the line with
/// `SameSite=None; Secure`.
type FirstFix = (Vec<Context>, Vec<Cell>, CookieLine);

/// The first step of [`analyse_all`]: the declared contexts, the cells failing
/// there and the line with `SameSite=None; Secure` — `None` when the line is
/// out of scope or SameSite is not what stops it.
fn first_fix(cx: &RuleContext<'_>, index: usize) -> Option<FirstFix> {
    if !applies(cx, index) {
        return None;
    }
    let line = cx.cookies.get(index)?;
    let contexts: Vec<Context> = declared_context_kinds(cx).collect();
    let failing: Vec<Cell> = contexts
        .iter()
        .flat_map(|ctx| cx.cells_in(index, *ctx))
        .filter(|c| !works(c))
        .cloned()
        .collect();
    let mut fixed = line.clone();
    fixed.set("SameSite", Some("None"));
    fixed.set_flag("Secure");
    Some((contexts, failing, fixed))
}

/// The probed cells of `fixed` that still fail in `contexts`.
fn still_failing(
    cx: &RuleContext<'_>,
    index: usize,
    fixed: &CookieLine,
    contexts: &[Context],
) -> Vec<Cell> {
    with_probe(cx, index, fixed, |cells| {
        cells
            .iter()
            .filter(|c| contexts.contains(&c.context) && !works(c))
            .cloned()
            .collect()
    })
}

/// The second step: when only third-party blocking still stops the fixed
/// line and a profile supports CHIPS, the line with `Partitioned` to try.
fn partitioned_candidate(
    cx: &RuleContext<'_>,
    fixed: &CookieLine,
    remaining: &[Cell],
) -> Option<CookieLine> {
    let only_third_party = !remaining.is_empty()
        && remaining
            .iter()
            .all(|c| c.reasons.iter().any(|r| is_third_party_blocked(*r)));
    let chips = cx.profiles.iter().any(|p| p.chips.supported);
    (only_third_party && chips && !fixed.has("Partitioned")).then(|| {
        let mut partitioned = fixed.clone();
        partitioned.set_flag("Partitioned");
        partitioned
    })
}

/// Analyses every line (`None` where the declared contexts work or where
/// its SameSite is not what stops it). Each step's probes run together (see
/// [`probe_many`]) the first time a check asks; with `probes_batched`
/// already set they run one by one, as [`with_probe`] runs them.
fn analyse_all(cx: &RuleContext<'_>) -> Vec<Option<Analysis>> {
    let batch = !cx.probes_batched.replace(true);
    let firsts: Vec<Option<FirstFix>> = (0..cx.cookies.len()).map(|i| first_fix(cx, i)).collect();
    if batch {
        let wanted: Vec<(usize, CookieLine)> = firsts
            .iter()
            .enumerate()
            .filter_map(|(i, f)| f.as_ref().map(|(_, _, fixed)| (i, fixed.clone())))
            .collect();
        probe_many(cx, &wanted);
    }
    // The first fix's failing cells, then the `Partitioned` line to try.
    let seconds: Vec<Option<(Vec<Cell>, Option<CookieLine>)>> = firsts
        .iter()
        .enumerate()
        .map(|(i, first)| {
            let (contexts, _, fixed) = first.as_ref()?;
            let remaining = still_failing(cx, i, fixed, contexts);
            let candidate = partitioned_candidate(cx, fixed, &remaining);
            Some((remaining, candidate))
        })
        .collect();
    if batch {
        let wanted: Vec<(usize, CookieLine)> = seconds
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.as_ref()?.1.clone().map(|p| (i, p)))
            .collect();
        probe_many(cx, &wanted);
    }
    firsts
        .into_iter()
        .zip(seconds)
        .enumerate()
        .map(|(i, (first, second))| {
            let (contexts, failing, mut fixed) = first?;
            let (mut remaining, candidate) = second?;
            if let Some(partitioned) = candidate {
                let after = still_failing(cx, i, &partitioned, &contexts);
                if after.len() < remaining.len() {
                    fixed = partitioned;
                    remaining = after;
                }
            }
            Some(Analysis {
                failing,
                fixed,
                remaining,
            })
        })
        .collect()
}

impl Rule for SameSiteBlocksDeclaredUse {
    fn doc(&self) -> &'static RuleDoc {
        &DOC
    }

    fn check(&self, cx: &RuleContext<'_>) -> Vec<Finding> {
        let mut findings = Vec::new();
        let contexts = declared_contexts(cx);
        for ((index, line), analysis) in cx.cookies.iter().enumerate().zip(analyse_all(cx)) {
            let Some(a) = analysis else {
                continue;
            };
            let attr = same_site(line);
            let name = line.name();
            let repaired: Vec<&Cell> = a
                .failing
                .iter()
                .filter(|c| {
                    !a.remaining
                        .iter()
                        .any(|r| r.browser == c.browser && r.context == c.context)
                })
                .collect();
            let mut browsers: Vec<String> = Vec::new();
            for c in &repaired {
                add_browser(&mut browsers, &c.browser);
            }
            let mut message = String::new();
            for (ctx, label) in &contexts {
                let here: Vec<&Cell> = a.failing.iter().filter(|c| c.context == *ctx).collect();
                if here.is_empty() {
                    continue;
                }
                if !message.is_empty() {
                    message.push(' ');
                }
                let _ = write!(
                    message,
                    "`{name}` ({}) does not reach {label} in {}.",
                    attr.describe(),
                    describe_cells(here)
                );
            }
            let partitioned_added = a.fixed.has("Partitioned") && !line.has("Partitioned");
            let fix_text = if a.fixed.has("Partitioned") {
                "`SameSite=None; Secure; Partitioned`"
            } else {
                "`SameSite=None; Secure`"
            };
            // Over plain http no Secure cookie can be set: the header fix only
            // works once the app is served over https.
            let insecure = browsers.is_empty() && cx.deployment.url.scheme() != "https";
            if insecure {
                for c in &a.failing {
                    add_browser(&mut browsers, &c.browser);
                }
                let _ = write!(
                    message,
                    " SameSite=None needs Secure, and a Secure cookie cannot be set over plain http: serve the app over https, then send it with {fix_text}."
                );
            } else if !browsers.is_empty() {
                let _ = write!(
                    message,
                    " With {fix_text} it works there in {}.",
                    if repaired.len() == a.failing.len() {
                        "every one of them".to_string()
                    } else {
                        browsers.join(", ")
                    }
                );
                if partitioned_added {
                    message.push_str(
                        " Partitioned is what gets it through where third-party cookies are blocked (Safari, Chrome with blocking); the cookie is then kept per embedding or calling site, so a login on your own site is not seen there — sign in within the embed, or call document.requestStorageAccess() from the frame. Serving the app under the embedder's site avoids third-party rules altogether.",
                    );
                }
            }
            if !a.remaining.is_empty() && !insecure {
                let _ = write!(
                    message,
                    " No header can fix {}: use the Storage Access API or serve the app under the embedder's site.",
                    describe_cells(&a.remaining)
                );
            }
            let severity = if browsers.is_empty() {
                // Nothing in the header helps: say so, but it is not this rule's error.
                Severity::Warning
            } else if !is_session_like(name) {
                // Not a session: the embed may not need it at all.
                message.push_str(if attr == SameSiteAttr::Strict {
                    " If this cookie is meant only for your own pages, keep Strict."
                } else {
                    " This matters if the embed or the API uses this cookie."
                });
                Severity::Warning
            } else {
                Severity::Error
            };
            let reason = if insecure {
                "needs https first (a Secure cookie is never set over plain http); SameSite=None then sends the cookie on every cross-site request: protect state-changing requests against CSRF"
            } else if partitioned_added {
                "SameSite=None sends the cookie on every cross-site request (CSRF exposure: check a token or Origin / Sec-Fetch-Site on state-changing requests); Partitioned keeps a separate cookie per embedding site, so state set on your own site is not visible in the frame"
            } else {
                "SameSite=None sends the cookie on every cross-site request: protect state-changing requests against CSRF (a token, or checking Origin / Sec-Fetch-Site)"
            };
            let has_fix = !browsers.is_empty();
            let mut evidence = vec![format!("Set-Cookie: {}", line.value_line())];
            evidence.extend(cell_evidence(&a.failing));
            findings.push(Finding {
                code: DOC.code.into(),
                severity,
                message,
                cookie: Some(name.to_string()),
                browsers,
                evidence,
                fix: has_fix.then(|| replace_fix(index, &a.fixed, Safety::Unsafe, reason)),
            });
        }
        findings
    }
}
