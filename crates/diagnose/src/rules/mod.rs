//! The rules: one per file, like a linter's, each with its code, severity,
//! documentation (what, why, how to fix, a bad and a good example) and its
//! check over the delivery matrix, the parsed lines and the response headers.
//!
//! Areas: `cookies/`, `clearing/`, `cors/`, `framing/`, `csrf/`.

pub mod clearing;
pub mod cookies;
pub mod cors;
pub mod csrf;
pub mod framing;

use cookie_doctor_cookie::Time;
use cookie_doctor_engine::SetCookieTrace;
use cookie_doctor_fetch::Headers;
use cookie_doctor_profiles::Profile;
use cookie_doctor_site::PublicSuffixList;

use crate::finding::{Finding, Severity};
use crate::fix::CookieLine;
use crate::matrix::{Cell, Context, Deployment, Matrix};

/// A rule's documentation: `docs/rules/<code>.md` and `cookie-doctor explain
/// CODE` are rendered from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleDoc {
    /// The stable kebab-case code.
    pub code: &'static str,
    /// The area: `cookies`, `clearing`, `cors`, `framing` or `csrf`.
    pub area: &'static str,
    /// The severity of its findings (a rule may lower it for a finding, with
    /// the reason in the message).
    pub severity: Severity,
    /// One line.
    pub title: &'static str,
    /// What the rule detects.
    pub what: &'static str,
    /// Why it matters (with the spec or browser source).
    pub why: &'static str,
    /// How to fix it.
    pub fix: &'static str,
    /// A header that triggers the rule.
    pub bad: &'static str,
    /// The same header, fixed.
    pub good: &'static str,
}

/// Everything a rule may look at.
pub struct RuleContext<'a> {
    /// The Set-Cookie values, in order.
    pub lines: &'a [String],
    /// The same lines, editable for fixes.
    pub cookies: &'a [CookieLine],
    /// Where the app lives, who embeds and calls it.
    pub deployment: &'a Deployment,
    /// The other response headers (`--header`).
    pub headers: &'a Headers,
    /// The delivery matrix.
    pub matrix: &'a Matrix,
    /// The profiles the matrix ran.
    pub profiles: &'a [Profile],
    /// The Public Suffix List.
    pub psl: &'a dyn PublicSuffixList,
    /// The time of the check (the matrix ran at it).
    pub now: Time,
    /// Matrices re-run by rules on a fixed line, by (line index, fixed line):
    /// several rules ask the same "what if" and it is the costly part of a check.
    pub probes: std::cell::RefCell<std::collections::HashMap<(usize, String), Vec<Cell>>>,
    /// Whether the probes of every line's SameSite analysis already ran (in
    /// batches, see `cookies::probe_many`).
    pub probes_batched: std::cell::Cell<bool>,
    /// Per line, whether it deletes its cookie (`cookies::is_deletion`),
    /// worked out once: most rules ask.
    pub deletions: std::cell::OnceCell<Vec<bool>>,
    /// Per line, whether it removes its cookie as the clearing rules read it
    /// (`clearing::is_deletion`), worked out once.
    pub removals: std::cell::OnceCell<Vec<bool>>,
}

impl RuleContext<'_> {
    /// `answer(self, index)`, worked out for every line the first time a line
    /// is asked about and kept in `memo`.
    pub fn per_line(
        &self,
        memo: &std::cell::OnceCell<Vec<bool>>,
        index: usize,
        answer: impl Fn(&Self, usize) -> bool,
    ) -> bool {
        memo.get_or_init(|| (0..self.lines.len()).map(|i| answer(self, i)).collect())
            .get(index)
            .copied()
            .unwrap_or(false)
    }

    /// The cells of line `index`.
    pub fn cells(&self, index: usize) -> &[Cell] {
        self.matrix.cells.get(index).map_or(&[], Vec::as_slice)
    }

    /// The cells of line `index` in `context`.
    pub fn cells_in(&self, index: usize, context: Context) -> impl Iterator<Item = &Cell> {
        self.cells(index)
            .iter()
            .filter(move |c| c.context == context)
    }

    /// Whether the user declared an embedding (`--embedded-in`).
    pub fn embed_declared(&self) -> bool {
        !self.deployment.embedded_in.is_empty()
    }

    /// Whether the user declared cross-origin callers (`--called-from`).
    pub fn callers_declared(&self) -> bool {
        !self.deployment.called_from.is_empty()
    }
}

/// A rule.
pub trait Rule: Sync {
    /// Its documentation (code, severity, …).
    fn doc(&self) -> &'static RuleDoc;
    /// Its findings on this input.
    fn check(&self, cx: &RuleContext<'_>) -> Vec<Finding>;
}

/// Name fragments that make a cookie "session-like" (case-insensitive, after
/// the `__Host-` / `__Secure-` / `__Http-` prefixes): `sess` (session,
/// PHPSESSID, JSESSIONID), `token`, `auth`, `jwt`, `login`, `remember`,
/// `identity`; and a name part (split on `.`, `_`, `-`) equal to or ending in
/// `sid` (`sid`, `connect.sid`, `_sid`). Names with `csrf` or `xsrf` are not
/// session-like: a CSRF token cookie is often read by script on purpose.
pub const SESSION_FRAGMENTS: [&str; 7] = [
    "sess", "token", "auth", "jwt", "login", "remember", "identity",
];

/// Whether a cookie name looks like a session or credential cookie (see
/// [`SESSION_FRAGMENTS`]).
pub fn is_session_like(name: &str) -> bool {
    let lower = unprefixed(name).to_ascii_lowercase();
    if holds(&lower, "csrf") || holds(&lower, "xsrf") {
        return false;
    }
    SESSION_FRAGMENTS.iter().any(|f| holds(&lower, f))
        || lower
            .split(['.', '_', '-'])
            .any(|part| part.ends_with("sid"))
}

/// Whether `text` holds `fragment`: `str::contains` for the short names and
/// fragments the rules match, without its searcher's set-up for each pair.
pub fn holds(text: &str, fragment: &str) -> bool {
    fragment.is_empty()
        || text
            .as_bytes()
            .windows(fragment.len())
            .any(|w| w == fragment.as_bytes())
}

/// The name without a `__Host-Http-`, `__Host-`, `__Secure-` or `__Http-` prefix.
fn unprefixed(name: &str) -> &str {
    for prefix in ["__host-http-", "__host-", "__secure-", "__http-"] {
        if name.len() >= prefix.len()
            && name
                .get(..prefix.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
        {
            return name.get(prefix.len()..).unwrap_or(name);
        }
    }
    name
}

/// Whether a cookie name looks like a CSRF token (`csrf`, `xsrf`).
pub fn is_csrf_token(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("csrf") || lower.contains("xsrf")
}

/// The engine's decision on line `index` for the response of `context` in
/// `browser` (the one that decides "stored").
pub fn set_trace<'a>(
    cx: &'a RuleContext<'_>,
    index: usize,
    context: Context,
    browser: &str,
) -> Option<&'a SetCookieTrace> {
    let line = cx.lines.get(index)?;
    cx.matrix
        .runs
        .iter()
        .find(|r| r.context == context && *r.browser == *browser)
        .and_then(|r| r.store_request())
        .and_then(|r| r.set_cookie.iter().find(|s| *s.line == **line))
}

/// Every rule, in report order.
pub fn all() -> Vec<&'static dyn Rule> {
    let mut rules: Vec<&'static dyn Rule> = Vec::new();
    rules.extend(cookies::rules());
    rules.extend(clearing::rules());
    rules.extend(cors::rules());
    rules.extend(framing::rules());
    rules.extend(csrf::rules());
    rules
}

/// The documentation of the rule with this code.
pub fn doc_for(code: &str) -> Option<&'static RuleDoc> {
    all().into_iter().map(|r| r.doc()).find(|d| d.code == code)
}

/// Runs every rule; findings sorted by severity (errors first), then rule order.
pub fn run_all(cx: &RuleContext<'_>) -> Vec<Finding> {
    let mut findings: Vec<Finding> = all().iter().flat_map(|r| r.check(cx)).collect();
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    findings
}

/// Adds browser `name` to a finding's list unless it is there already.
pub fn add_browser(browsers: &mut Vec<String>, name: &str) {
    if !browsers.iter().any(|b| b == name) {
        browsers.push(name.to_string());
    }
}

/// The browsers (in profile order) where `pred` holds for a cell of line
/// `index` in `context`.
pub fn browsers_where(
    cx: &RuleContext<'_>,
    index: usize,
    context: Context,
    pred: impl Fn(&Cell) -> bool,
) -> Vec<String> {
    cx.cells_in(index, context)
        .filter(|c| pred(c))
        .map(|c| c.browser.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `holds` answers as `str::contains` does, at every position, for
    /// fragments longer and shorter than the text.
    #[test]
    fn holds_is_contains() {
        let texts = [
            "",
            "s",
            "sid",
            "connect.sid",
            "my_session_id",
            "é-auth",
            "xsrf-token",
        ];
        let fragments = [
            "",
            "s",
            "sid",
            "sess",
            "auth",
            "token",
            "xsrf",
            "connect.sid!",
            "é",
        ];
        for text in texts {
            for fragment in fragments {
                assert_eq!(
                    holds(text, fragment),
                    text.contains(fragment),
                    "{text:?} {fragment:?}"
                );
            }
        }
    }

    #[test]
    fn codes_are_unique_kebab_case_and_documented() {
        let mut seen = std::collections::BTreeSet::new();
        for rule in all() {
            let d = rule.doc();
            assert!(seen.insert(d.code), "duplicate code {}", d.code);
            assert!(
                d.code.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{} is not kebab-case",
                d.code
            );
            assert!(
                ["cookies", "clearing", "cors", "framing", "csrf"].contains(&d.area),
                "{}: area {}",
                d.code,
                d.area
            );
            for (field, text) in [
                ("title", d.title),
                ("what", d.what),
                ("why", d.why),
                ("fix", d.fix),
                ("bad", d.bad),
                ("good", d.good),
            ] {
                assert!(!text.trim().is_empty(), "{}: empty {field}", d.code);
            }
        }
    }
}
