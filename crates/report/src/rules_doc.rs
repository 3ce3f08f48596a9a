//! Rule documentation: `docs/rules/<code>.md`, `docs/rules/README.md` and
//! `cookie-doctor explain CODE` are all rendered here from the rules'
//! [`RuleDoc`]s, so they never disagree.

use std::fmt::Write as _;

use cookie_doctor_cookie::ReasonInfo;
use cookie_doctor_diagnose::rules::RuleDoc;
use serde::Serialize;

use crate::Style;

/// Where the rule pages live in the repository (relative to its root).
pub const RULES_DOC_DIR: &str = "docs/rules";

/// A rule's page, Markdown: what it detects, why, how to fix it, and a bad
/// and a good header. `cookie-doctor explain CODE` prints exactly this.
pub fn render_rule_doc(doc: &RuleDoc) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# `{}`: {}\n", doc.code, doc.title);
    let _ = writeln!(
        out,
        "Area: **{}** · severity: **{}**\n",
        doc.area,
        doc.severity.as_str()
    );
    out.push_str(&rule_doc_body(doc));
    let _ = writeln!(
        out,
        "\n`cookie-doctor explain {}` prints this page; it is generated from the rule's \
         definition in `crates/diagnose/src/rules/{}/`.",
        doc.code, doc.area
    );
    out
}

/// The sections of a rule's page without its title (SARIF `help.markdown`).
pub fn rule_doc_body(doc: &RuleDoc) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## What it detects\n\n{}\n", doc.what.trim());
    let _ = writeln!(out, "## Why it matters\n\n{}\n", doc.why.trim());
    let _ = writeln!(out, "## How to fix it\n\n{}\n", doc.fix.trim());
    let _ = writeln!(out, "## Example\n\nTriggers the rule:\n");
    out.push_str(&fenced("http", doc.bad));
    let _ = writeln!(out, "\nFixed:\n");
    out.push_str(&fenced("http", doc.good));
    out
}

/// A rule's documentation as plain text, without Markdown markup (SARIF
/// `help.text`).
pub fn rule_doc_text(doc: &RuleDoc) -> String {
    format!(
        "{}\n\nWhat it detects: {}\n\nWhy it matters: {}\n\nHow to fix it: {}\n\nTriggers the rule:\n  {}\n\nFixed:\n  {}\n",
        doc.title,
        doc.what.trim(),
        doc.why.trim(),
        doc.fix.trim(),
        doc.bad.trim().replace('\n', "\n  "),
        doc.good.trim().replace('\n', "\n  "),
    )
}

/// `docs/rules/README.md`: one row per rule, linking its page.
pub fn render_rules_index(docs: &[&RuleDoc]) -> String {
    let mut out = String::from(
        "# Rules\n\n\
         Every finding of `cookie-doctor check` comes from one of these rules. \
         `cookie-doctor explain CODE` prints a rule's page; the pages are generated \
         from the rules' definitions (`crates/diagnose/src/rules/`) and a test keeps \
         them current (`UPDATE_DOCS=1 cargo test -p cookie-doctor-report --test \
         rules_docs_current` rewrites them).\n\n\
         Severities: `error` = something you declared (an embed, an API caller) breaks \
         in a named browser; `warning` = unsafe or fragile; `info` = advice.\n\n\
         | code | area | severity | title |\n|---|---|---|---|\n",
    );
    for doc in docs {
        let _ = writeln!(
            out,
            "| [`{code}`]({code}.md) | {} | {} | {} |",
            doc.area,
            doc.severity.as_str(),
            doc.title.replace('|', "\\|"),
            code = doc.code,
        );
    }
    out
}

/// The file name of a rule's page under [`RULES_DOC_DIR`].
pub fn rule_doc_file(doc: &RuleDoc) -> String {
    format!("{}.md", doc.code)
}

/// A rule's documentation for `explain --format json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleDocJson {
    /// The stable code.
    pub code: &'static str,
    /// `cookies`, `clearing`, `cors`, `framing` or `csrf`.
    pub area: &'static str,
    /// `error`, `warning` or `info`.
    pub severity: &'static str,
    /// One line.
    pub title: &'static str,
    /// What the rule detects.
    pub what: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// How to fix it.
    pub fix: &'static str,
    /// A header that triggers the rule.
    pub bad: &'static str,
    /// The same header, fixed.
    pub good: &'static str,
    /// The page in the repository (`docs/rules/<code>.md`).
    pub doc: String,
}

impl RuleDocJson {
    /// The JSON view of `doc`.
    pub fn new(doc: &RuleDoc) -> RuleDocJson {
        RuleDocJson {
            code: doc.code,
            area: doc.area,
            severity: doc.severity.as_str(),
            title: doc.title,
            what: doc.what,
            why: doc.why,
            fix: doc.fix,
            bad: doc.bad,
            good: doc.good,
            doc: format!("{RULES_DOC_DIR}/{}", rule_doc_file(doc)),
        }
    }
}

/// One entry of `cookie-doctor explain --format json`: a reason code (as in
/// the reason table) or a rule, told apart by `kind`.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Explained<'a> {
    /// A reason code: why a cookie was not stored or not sent.
    Reason(&'a ReasonInfo),
    /// A rule code: a finding of `check`.
    Rule(RuleDocJson),
}

/// `cookie-doctor explain all` as text: every reason code with its meaning and
/// fix, then one line per rule (`explain CODE` prints a rule's page).
pub fn render_explain_all(reasons: &[&ReasonInfo], docs: &[&RuleDoc], style: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}
",
        style.strong("Reason codes")
    );
    out.push_str(&crate::text::render_explain(reasons, style));
    let _ = writeln!(
        out,
        "\n{}  {}\n",
        style.strong("Rules"),
        style.dim("(cookie-doctor explain CODE prints a rule's page)")
    );
    let width = docs.iter().map(|d| d.code.len()).max().unwrap_or(0);
    for doc in docs {
        let _ = writeln!(
            out,
            "{}  {:<8} {:<8} {}",
            style.strong(&format!("{:<width$}", doc.code)),
            doc.area,
            doc.severity.as_str(),
            doc.title
        );
    }
    out
}

/// `text` in a fenced code block whose fence is longer than any backtick run
/// inside it (so a backtick in a header cannot close it early).
pub(crate) fn fenced(lang: &str, text: &str) -> String {
    let fence = "`".repeat(longest_backtick_run(text).max(2) + 1);
    let body = text.trim_end_matches('\n');
    format!("{fence}{lang}\n{body}\n{fence}\n")
}

/// `text` as inline code, with enough backticks (and padding) to hold any
/// backtick inside it.
pub(crate) fn inline_code(text: &str) -> String {
    let ticks = "`".repeat(longest_backtick_run(text) + 1);
    if text.starts_with('`') || text.ends_with('`') {
        format!("{ticks} {text} {ticks}")
    } else {
        format!("{ticks}{text}{ticks}")
    }
}

fn longest_backtick_run(text: &str) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    longest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_outgrow_backticks() {
        assert_eq!(fenced("http", "a=b"), "```http\na=b\n```\n");
        assert_eq!(fenced("", "a```b"), "````\na```b\n````\n");
        assert_eq!(inline_code("a`b"), "``a`b``");
        assert_eq!(inline_code("`a"), "`` `a ``");
    }

    #[test]
    fn every_rule_page_has_its_sections() {
        for rule in cookie_doctor_diagnose::rules::all() {
            let doc = rule.doc();
            let page = render_rule_doc(doc);
            assert!(page.starts_with(&format!("# `{}`", doc.code)));
            for heading in [
                "## What it detects",
                "## Why it matters",
                "## How to fix it",
            ] {
                assert!(page.contains(heading), "{}: {heading}", doc.code);
            }
            assert!(page.contains(doc.bad) && page.contains(doc.good));
        }
    }
}
