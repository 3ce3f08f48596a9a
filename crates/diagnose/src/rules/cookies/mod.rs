//! Rules about the Set-Cookie lines themselves and where they are delivered.
//!
//! Shared here: which names look like a session (the documented heuristic of
//! [`is_session_like`]), how a line's SameSite reads, the engine's Set-Cookie
//! decision for a line, and a re-run of the delivery matrix with a fixed line
//! (so a rule can say what its fix really changes, per browser).

mod cookie_too_large;
mod domain_over_broad;
mod domain_public_suffix;
mod expiry_too_long;
mod lax_cookie_lost_on_cross_site_post;
mod name_shadowed;
mod partitioned_misconfigured;
mod prefix_violation;
mod samesite_blocks_declared_use;
mod samesite_none_without_secure;
mod samesite_unspecified_inconsistent;
mod session_cookie_missing_flags;
mod strict_breaks_inbound_links;
mod third_party_cookies_in_embed;

use cookie_doctor_cookie::Reason;

use super::{Rule, RuleContext};
pub use super::{SESSION_FRAGMENTS, is_session_like, set_trace};
use crate::finding::{Edit, Fix, Safety};
use crate::fix::CookieLine;
use crate::matrix::{Cell, Context, delivery_matrix_in};
use crate::snippets;
pub use lax_cookie_lost_on_cross_site_post::is_callback_path;

/// The rules of this area, in report order.
pub fn rules() -> Vec<&'static dyn Rule> {
    vec![
        &samesite_none_without_secure::SameSiteNoneWithoutSecure,
        &samesite_blocks_declared_use::SameSiteBlocksDeclaredUse,
        &third_party_cookies_in_embed::ThirdPartyCookiesInEmbed,
        &partitioned_misconfigured::PartitionedMisconfigured,
        &prefix_violation::PrefixViolation,
        &domain_public_suffix::DomainPublicSuffix,
        &cookie_too_large::CookieTooLarge,
        &strict_breaks_inbound_links::StrictBreaksInboundLinks,
        &samesite_unspecified_inconsistent::SameSiteUnspecifiedInconsistent,
        &lax_cookie_lost_on_cross_site_post::LaxCookieLostOnCrossSitePost,
        &session_cookie_missing_flags::SessionCookieMissingFlags,
        &name_shadowed::NameShadowed,
        &domain_over_broad::DomainOverBroad,
        &expiry_too_long::ExpiryTooLong,
    ]
}

/// A line's SameSite as the browsers read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SameSiteAttr {
    /// No SameSite attribute, or a value no browser knows.
    Unspecified,
    /// `SameSite=Strict`.
    Strict,
    /// `SameSite=Lax`.
    Lax,
    /// `SameSite=None`.
    None,
}

impl SameSiteAttr {
    /// As written in a message.
    pub fn describe(self) -> &'static str {
        match self {
            SameSiteAttr::Unspecified => "no SameSite",
            SameSiteAttr::Strict => "SameSite=Strict",
            SameSiteAttr::Lax => "SameSite=Lax",
            SameSiteAttr::None => "SameSite=None",
        }
    }
}

/// The SameSite of a line.
pub fn same_site(line: &CookieLine) -> SameSiteAttr {
    match line
        .get("SameSite")
        .flatten()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("strict") => SameSiteAttr::Strict,
        Some("lax") => SameSiteAttr::Lax,
        Some("none") => SameSiteAttr::None,
        _ => SameSiteAttr::Unspecified,
    }
}

/// Whether line `index` deletes its cookie (Max-Age ≤ 0 or an Expires in the
/// past, as the engine decided it on the app's own pages).
pub fn is_deletion(cx: &RuleContext<'_>, index: usize) -> bool {
    cx.per_line(&cx.deletions, index, deletes)
}

fn deletes(cx: &RuleContext<'_>, index: usize) -> bool {
    let by_attribute = cx.cookies.get(index).is_some_and(CookieLine::is_deletion);
    by_attribute
        || cx
            .profiles
            .iter()
            .any(|p| set_trace(cx, index, Context::SameSite, &p.name).is_some_and(|s| s.deleted))
}

/// Whether a cell means "works": stored by the context's response and sent on
/// its next request.
pub fn works(cell: &Cell) -> bool {
    cell.stored && cell.sent
}

/// SameSite reasons: what `SameSite=None; Secure` changes.
pub fn is_same_site_reason(reason: Reason) -> bool {
    matches!(
        reason,
        Reason::SameSiteLax
            | Reason::SameSiteStrict
            | Reason::SameSiteUnspecifiedTreatedAsLax
            | Reason::SameSiteSetFromCrossSite
    )
}

/// Third-party blocking (store or send).
pub fn is_third_party_blocked(reason: Reason) -> bool {
    matches!(
        reason,
        Reason::ThirdPartyBlocked | Reason::ThirdPartyBlockedOnSend
    )
}

/// The probe line for `fixed`: the line without its `Expires` attribute (only
/// the delivery matters, and the matrix runs at a fixed time).
fn probe_line(fixed: &CookieLine) -> String {
    fixed.value_line_without("Expires")
}

/// Whether another input line names the same cookie as `fixed` at `index`: the
/// lines then interact in the jar and a probe runs all of them.
fn interacts(cx: &RuleContext<'_>, index: usize, fixed: &CookieLine) -> bool {
    let name = fixed.name();
    cx.cookies
        .iter()
        .enumerate()
        .any(|(i, c)| i != index && c.name() == name)
}

/// The declared contexts probes run in.
fn probe_contexts(cx: &RuleContext<'_>) -> Vec<Context> {
    samesite_blocks_declared_use::declared_context_kinds(cx).collect()
}

/// The cells of line `index` in the declared contexts (the iframe of
/// `--embedded-in`, the fetch of `--called-from`) once it is replaced by
/// `fixed` (an `Expires` attribute is left out of the probe: only the delivery
/// matters).
pub fn probe(cx: &RuleContext<'_>, index: usize, fixed: &CookieLine) -> Vec<Cell> {
    with_probe(cx, index, fixed, <[Cell]>::to_vec)
}

/// What `read` makes of the cells [`probe`] returns, without copying them
/// out of the cache.
pub fn with_probe<R>(
    cx: &RuleContext<'_>,
    index: usize,
    fixed: &CookieLine,
    read: impl FnOnce(&[Cell]) -> R,
) -> R {
    let key = (index, probe_line(fixed));
    if let Some(cells) = cx.probes.borrow().get(&key) {
        return read(cells);
    }
    // The fixed line alone, unless another line names the same cookie (then the
    // lines interact in the jar and all of them run).
    let (lines, at) = if interacts(cx, index, fixed) {
        let mut lines = cx.lines.to_vec();
        if let Some(line) = lines.get_mut(index) {
            line.clone_from(&key.1);
        }
        (lines, index)
    } else {
        (vec![key.1.clone()], 0)
    };
    let matrix = delivery_matrix_in(
        &lines,
        cx.deployment,
        cx.profiles,
        cx.psl,
        cx.now,
        &probe_contexts(cx),
    );
    let cells = matrix.cells.into_iter().nth(at).unwrap_or_default();
    let answer = read(&cells);
    cx.probes.borrow_mut().insert(key, cells);
    answer
}

/// The most lines one batched probe carries.
const PROBE_BATCH: usize = 32;

/// Runs many probes at once, filling the cache [`probe`] reads (the answers
/// are the same; only the work is shared). Probes whose line stands alone
/// (no other input line has its name) run together in one matrix when their
/// names differ pairwise and the batch stays under every profile's eviction
/// limits (RFC 6265bis §5.7: per-site and total cookie counts; CHIPS: bytes
/// per partition): in the jar, cookies with different names never meet —
/// storing, overwriting (§5.7 steps 22–23, same name, domain and path), the
/// Secure-overwrite check (§5.7 step 16, same name) and retrieval
/// (§5.8.3) are per cookie — so each line's cells are those of its probe
/// alone. The others run one by one as [`probe`] runs them.
pub fn probe_many(cx: &RuleContext<'_>, wanted: &[(usize, CookieLine)]) {
    let mut alone: Vec<(usize, String, String)> = Vec::new();
    for (index, fixed) in wanted {
        let key = (*index, probe_line(fixed));
        if cx.probes.borrow().contains_key(&key) {
            continue;
        }
        let name = fixed.name().to_string();
        // A nameless cookie's name depends on the browser (Firefox turns a lone
        // value into a name): probe it by itself.
        if name.is_empty()
            || interacts(cx, *index, fixed)
            || alone.iter().any(|(_, l, _)| *l == key.1)
        {
            with_probe(cx, *index, fixed, |_| ());
        } else {
            alone.push((*index, key.1, name));
        }
    }
    let max_count = cx
        .profiles
        .iter()
        .flat_map(|p| [p.policy.per_site_limit, p.policy.total_limit])
        .flatten()
        .map(|l| l.max)
        .min()
        .unwrap_or(usize::MAX)
        .min(PROBE_BATCH);
    let max_bytes = cx
        .profiles
        .iter()
        .filter_map(|p| p.chips.max_bytes_per_partition_site)
        .min()
        .unwrap_or(usize::MAX);
    let contexts = probe_contexts(cx);
    let mut pending = alone.into_iter().peekable();
    while pending.peek().is_some() {
        let mut batch: Vec<(usize, String, String)> = Vec::new();
        let mut bytes = 0usize;
        // A batch takes lines while they fit; a line over a limit by itself
        // runs alone, as its solo probe would.
        while let Some(item) = pending.next_if(|(_, line, name)| {
            batch.is_empty()
                || (batch.len() < max_count
                    && bytes.saturating_add(line.len()) <= max_bytes
                    && !batch.iter().any(|(_, _, n)| n == name))
        }) {
            bytes = bytes.saturating_add(item.1.len());
            batch.push(item);
        }
        let lines: Vec<String> = batch.iter().map(|(_, l, _)| l.clone()).collect();
        let matrix = delivery_matrix_in(
            &lines,
            cx.deployment,
            cx.profiles,
            cx.psl,
            cx.now,
            &contexts,
        );
        let mut cache = cx.probes.borrow_mut();
        for ((index, line, _), cells) in batch.into_iter().zip(matrix.cells) {
            cache.insert((index, line), cells);
        }
    }
}

/// A fix that replaces line `index` with `fixed`.
pub fn replace_fix(index: usize, fixed: &CookieLine, safety: Safety, reason: &str) -> Fix {
    Fix {
        header: fixed.header(),
        safety,
        reason: reason.to_string(),
        snippets: snippets::cookie(&fixed.spec()),
        edit: Edit::ReplaceLine(index),
    }
}

/// `browser, browser (reason, reason)` grouped by identical reasons, groups
/// joined with `; `.
pub fn describe_cells<'a>(cells: impl IntoIterator<Item = &'a Cell>) -> String {
    group(cells.into_iter().map(|c| (&*c.browser, codes(&c.reasons))))
}

/// The distinct codes of some reasons, in order.
pub fn codes(reasons: &[Reason]) -> Vec<&'static str> {
    distinct_codes(reasons).collect()
}

/// [`codes`] without collecting them: each code at its first occurrence.
fn distinct_codes(reasons: &[Reason]) -> impl Iterator<Item = &'static str> + '_ {
    reasons
        .iter()
        .enumerate()
        .filter(|(i, r)| !reasons.iter().take(*i).any(|p| p.code() == r.code()))
        .map(|(_, r)| r.code())
}

/// Groups `(browser, reason codes)` by identical codes: `a, b (x, y); c`.
pub fn group<'a>(items: impl IntoIterator<Item = (&'a str, Vec<&'static str>)>) -> String {
    let mut groups: Vec<(Vec<&'static str>, Vec<&'a str>)> = Vec::new();
    for (browser, reasons) in items {
        match groups.iter_mut().find(|(r, _)| *r == reasons) {
            Some((_, browsers)) => {
                if !browsers.contains(&browser) {
                    browsers.push(browser);
                }
            }
            None => groups.push((reasons, vec![browser])),
        }
    }
    groups
        .iter()
        .map(|(reasons, browsers)| {
            if reasons.is_empty() {
                browsers.join(", ")
            } else {
                format!("{} ({})", browsers.join(", "), reasons.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Evidence lines for cells: `context browser: stored ✓/✗ sent ✓/✗ [reasons]`.
pub fn cell_evidence<'a>(cells: impl IntoIterator<Item = &'a Cell>) -> Vec<String> {
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    cells
        .into_iter()
        .map(|c| {
            // `{context} in {browser}: stored {yes|no}, sent {yes|no}` and the
            // distinct reason codes in parentheses, written into one string.
            let mut line = String::with_capacity(64);
            for part in [
                c.context.as_str(),
                " in ",
                &c.browser,
                ": stored ",
                yes_no(c.stored),
                ", sent ",
                yes_no(c.sent),
            ] {
                line.push_str(part);
            }
            let mut written = 0usize;
            for code in distinct_codes(&c.reasons) {
                line.push_str(if written == 0 { " (" } else { ", " });
                line.push_str(code);
                written += 1;
            }
            if written > 0 {
                line.push(')');
            }
            line
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_names() {
        for name in [
            "sid",
            "connect.sid",
            "PHPSESSID",
            "JSESSIONID",
            "laravel_session",
            "__Host-sid",
            "auth_token",
            "jwt",
            "remember_user_token",
            "ASP.NET_SessionId",
        ] {
            assert!(is_session_like(name), "{name}");
        }
        for name in [
            "theme",
            "lang",
            "_ga",
            "consent",
            "inside",
            "csrftoken",
            "XSRF-TOKEN",
        ] {
            assert!(!is_session_like(name), "{name}");
        }
    }

    #[test]
    fn same_site_reads_the_last_known_value() {
        assert_eq!(
            same_site(&CookieLine::parse("a=1; samesite=lax")),
            SameSiteAttr::Lax
        );
        assert_eq!(
            same_site(&CookieLine::parse("a=1; SameSite=bogus")),
            SameSiteAttr::Unspecified
        );
        assert_eq!(
            same_site(&CookieLine::parse("a=1")),
            SameSiteAttr::Unspecified
        );
    }
}
