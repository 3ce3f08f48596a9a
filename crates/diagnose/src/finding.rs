//! Findings and fixes (check JSON v1 `findings[]`, DESIGN.md §7).

use std::collections::BTreeMap;

use serde::Serialize;

/// How bad a finding is. Honest by contract: `error` = something the user
/// declared will break in a named browser; `warning` = unsafe or fragile;
/// `info` = advice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Advice.
    Info,
    /// Unsafe or fragile.
    Warning,
    /// Breaks what the user declared, in a named browser.
    Error,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses `error`, `warning` or `info`.
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// Whether applying a fix can change behaviour the user relies on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Safety {
    /// Only makes the intended behaviour happen.
    Safe,
    /// Changes behaviour the user may rely on (read `reason`).
    Unsafe,
}

/// A fix: the whole corrected header line, and the same change in each
/// framework.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// The whole corrected header line (`Set-Cookie: …`, a deletion line, or a
    /// CORS / framing header).
    pub header: String,
    /// `safe` or `unsafe`.
    pub safety: Safety,
    /// Why it is unsafe (or what to keep in mind), in a sentence.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// Framework name → code (`express`, `django`, …).
    pub snippets: BTreeMap<String, String>,
    /// How to apply `header` to the input (for re-checking after the fix).
    #[serde(skip)]
    pub edit: Edit,
}

/// How a fix changes the input of `check`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Edit {
    /// Replace Set-Cookie line `index` (0-based, input order) with `header`.
    ReplaceLine(usize),
    /// Add `header` as a new Set-Cookie line (e.g. the matching deletion).
    AppendLine,
    /// Replace every response header of this name with `header` (or add it).
    SetHeader(String),
    /// Remove every response header of this name (`header` says which).
    RemoveHeader(String),
    /// Advice only: nothing in the input changes (e.g. a client-side fix).
    #[default]
    None,
}

/// One finding of one rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule code (`cookie-doctor explain CODE`).
    pub code: String,
    /// `error`, `warning` or `info`.
    pub severity: Severity,
    /// One or two sentences: what is wrong, where, in which browsers.
    pub message: String,
    /// The cookie concerned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cookie: Option<String>,
    /// The browsers where it matters (empty: all, or not browser-specific).
    pub browsers: Vec<String>,
    /// What shows it: matrix cells, headers, reason codes.
    pub evidence: Vec<String>,
    /// The fix, when there is one line to change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
}
