//! `cookie-doctor check --format markdown`: a pull-request comment. A summary
//! line, the delivery matrix per cookie as a compact table, then the findings
//! with the fix in a code block and the framework snippets folded away.

use std::fmt::Write as _;

use cookie_doctor_cookie::Reasons;
use cookie_doctor_diagnose::check::{CheckReport, CookieReport, Outcome};
use cookie_doctor_diagnose::finding::{Finding, Safety, Severity};

use crate::rules_doc::{fenced, inline_code};

/// The contexts in column order, with their short headings.
const CONTEXT_COLUMNS: [(&str, &str); 6] = [
    ("same-site", "same-site"),
    ("top-level-get", "link"),
    ("top-level-post", "form POST"),
    ("iframe", "iframe"),
    ("subresource", "image"),
    ("fetch-include", "fetch"),
];

/// The check report as GitHub-flavoured Markdown for a pull-request comment.
pub fn render_markdown(report: &CheckReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### cookie-doctor: {}\n", summary(&report.findings));
    let _ = writeln!(
        out,
        "Set-Cookie from {} · embedded in: {} · called from: {}\n",
        inline_code(&report.url),
        origins(&report.deployment.embedded_in),
        origins(&report.deployment.called_from),
    );
    for cookie in &report.cookies {
        render_cookie(&mut out, cookie);
    }
    render_findings(&mut out, &report.findings);
    out
}

/// `1 error · 2 warnings · 0 info`, or `no findings ✓`.
fn summary(findings: &[Finding]) -> String {
    if findings.is_empty() {
        return "no findings ✓".to_string();
    }
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    format!(
        "{} · {} · {} info",
        plural(count(Severity::Error), "error"),
        plural(count(Severity::Warning), "warning"),
        count(Severity::Info)
    )
}

fn origins(list: &[String]) -> String {
    if list.is_empty() {
        "(none declared)".to_string()
    } else {
        list.iter()
            .map(|o| inline_code(o))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn render_cookie(out: &mut String, cookie: &CookieReport) {
    let name = if cookie.name.is_empty() {
        "(nameless)".to_string()
    } else {
        inline_code(&cookie.name)
    };
    let outcome = match cookie.outcome {
        Outcome::Stored => "stored by the specification (RFC 6265bis)",
        Outcome::Deleted => "a deletion (already expired)",
        Outcome::Rejected => "**not stored** by the specification (RFC 6265bis)",
    };
    let _ = writeln!(out, "#### {name}: {outcome}\n");
    let _ = writeln!(
        out,
        "{}\n",
        inline_code(&format!("Set-Cookie: {}", cookie.line))
    );
    for note in &cookie.notes {
        let _ = writeln!(out, "- note: {note}");
    }
    if !cookie.notes.is_empty() {
        out.push('\n');
    }
    let mut browsers: Vec<&str> = Vec::new();
    for v in &cookie.verdicts {
        if !browsers.contains(&&*v.browser) {
            browsers.push(&v.browser);
        }
    }
    if browsers.is_empty() {
        return;
    }
    out.push_str("| browser |");
    for (_, label) in CONTEXT_COLUMNS {
        let _ = write!(out, " {label} |");
    }
    out.push_str("\n|---|");
    for _ in CONTEXT_COLUMNS {
        out.push_str(":-:|");
    }
    out.push('\n');
    let mut legend: Reasons = Reasons::new();
    for browser in browsers {
        let _ = write!(out, "| {} |", escape_cell(browser));
        for (context, _) in CONTEXT_COLUMNS {
            let cell = cookie
                .verdicts
                .iter()
                .find(|v| *v.browser == *browser && v.context == context);
            let text = match cell {
                None => "·".to_string(),
                Some(v) if v.stored && v.sent => "✓".to_string(),
                Some(v) => {
                    let numbers: Vec<String> = v
                        .reasons
                        .iter()
                        .map(|r| {
                            let n = match legend.iter().position(|x| x == r) {
                                Some(n) => n,
                                None => {
                                    legend.push(*r);
                                    legend.len() - 1
                                }
                            };
                            (n + 1).to_string()
                        })
                        .collect();
                    let mark = if v.stored { "⊘" } else { "✗" };
                    format!("{mark} {}", numbers.join(","))
                        .trim_end()
                        .to_string()
                }
            };
            let _ = write!(out, " {text} |");
        }
        out.push('\n');
    }
    if legend.is_empty() {
        out.push_str("\n✓ stored and sent in every browser and context.\n\n");
        return;
    }
    out.push_str(
        "\n✓ stored and sent · ✗ n not stored · ⊘ n stored but not sent, for reason n:\n\n",
    );
    for (n, reason) in legend.iter().enumerate() {
        let _ = writeln!(out, "{}. `{}`: {}", n + 1, reason.code(), reason.describe());
    }
    out.push('\n');
}

fn render_findings(out: &mut String, findings: &[Finding]) {
    if findings.is_empty() {
        out.push_str("**No findings.**\n");
        return;
    }
    let _ = writeln!(out, "#### Findings\n");
    for f in findings {
        let icon = match f.severity {
            Severity::Error => "🛑",
            Severity::Warning => "⚠️",
            Severity::Info => "ℹ️",
        };
        let cookie = f
            .cookie
            .as_deref()
            .map(|c| format!(" ({})", inline_code(c)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "- {icon} **{}** `{}`{cookie}: {}",
            f.severity.as_str(),
            f.code,
            f.message
        );
        if !f.browsers.is_empty() {
            let _ = writeln!(out, "\n  Browsers: {}", f.browsers.join(", "));
        }
        if !f.evidence.is_empty() {
            out.push_str("\n  Evidence:\n");
            for e in &f.evidence {
                let _ = writeln!(out, "  - {}", inline_code(e));
            }
        }
        if let Some(fix) = &f.fix {
            let safety = match fix.safety {
                Safety::Safe => "safe",
                Safety::Unsafe => "**unsafe**",
            };
            let reason = if fix.reason.is_empty() {
                String::new()
            } else {
                format!(": {}", fix.reason)
            };
            let _ = writeln!(out, "\n  Fix ({safety}{reason}):\n");
            out.push_str(&indent(&fenced("http", &fix.header), "  "));
            if !fix.snippets.is_empty() {
                let names: Vec<&str> = fix.snippets.keys().map(String::as_str).collect();
                let _ = writeln!(
                    out,
                    "\n  <details><summary>The same fix in {}</summary>\n",
                    names.join(", ")
                );
                for (framework, code) in &fix.snippets {
                    let _ = writeln!(out, "  **{framework}**\n");
                    out.push_str(&indent(&fenced(language(framework), code), "  "));
                    out.push('\n');
                }
                out.push_str("  </details>\n");
            }
        }
        let _ = writeln!(out, "\n  More: `cookie-doctor explain {}`\n", f.code);
    }
}

/// The code-block language of a framework's snippet.
fn language(framework: &str) -> &'static str {
    let f = framework.to_ascii_lowercase();
    if f.contains("express") || f.contains("next") || f.contains("node") {
        "js"
    } else if f.contains("fastapi")
        || f.contains("starlette")
        || f.contains("django")
        || f.contains("flask")
    {
        "python"
    } else if f.contains("rails") {
        "ruby"
    } else if f.contains("spring") {
        "java"
    } else if f.contains("asp") || f.contains("dotnet") {
        "csharp"
    } else if f.contains("nginx") {
        "nginx"
    } else if f == "go" || f.starts_with("go-") || f.contains("net-http") || f.contains("net/http")
    {
        "go"
    } else {
        ""
    }
}

fn escape_cell(text: &str) -> String {
    text.replace('|', "\\|")
}

fn indent(text: &str, prefix: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                "\n".to_string()
            } else {
                format!("{prefix}{l}\n")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use std::collections::BTreeMap;

    use cookie_doctor_cookie::Reason;
    use cookie_doctor_diagnose::check::{DeploymentReport, StoredAs, Verdict};
    use cookie_doctor_diagnose::finding::{Edit, Fix};

    use super::*;

    fn verdict(
        browser: &str,
        context: &str,
        stored: bool,
        sent: bool,
        reasons: &[Reason],
    ) -> Verdict {
        Verdict {
            browser: browser.into(),
            context: context.to_string().into(),
            stored,
            sent,
            reasons: reasons.into(),
        }
    }

    /// A report independent of the rules (which change): two cookies, one
    /// rejected, one stored but withheld cross-site; an error with a fix and
    /// snippets, a warning with an unsafe fix, an info without a fix.
    fn sample() -> CheckReport {
        let contexts = CONTEXT_COLUMNS.map(|(c, _)| c);
        let mut sid = Vec::new();
        let mut theme = Vec::new();
        for browser in ["chrome", "safari"] {
            for context in contexts {
                sid.push(verdict(
                    browser,
                    context,
                    false,
                    false,
                    &[Reason::SameSiteNoneInsecure],
                ));
                let cross = !matches!(context, "same-site" | "top-level-get");
                theme.push(if cross && browser == "chrome" {
                    verdict(
                        browser,
                        context,
                        true,
                        false,
                        &[Reason::SameSiteUnspecifiedTreatedAsLax],
                    )
                } else if cross {
                    verdict(
                        browser,
                        context,
                        false,
                        false,
                        &[Reason::ThirdPartyBlocked, Reason::SameSiteSetFromCrossSite],
                    )
                } else {
                    verdict(browser, context, true, true, &[])
                });
            }
        }
        let mut snippets = BTreeMap::new();
        snippets.insert(
            "express".to_string(),
            "res.cookie(\"sid\", \"abc\", { path: \"/\", secure: true, sameSite: \"none\" });"
                .to_string(),
        );
        snippets.insert(
            "django".to_string(),
            "response.set_cookie(\"sid\", \"abc\", secure=True, samesite=\"None\")\n# settings.py\nSESSION_COOKIE_SECURE = True".to_string(),
        );
        CheckReport {
            url: "https://app.example.com/login".into(),
            cookies: vec![
                CookieReport {
                    line: "sid=abc; SameSite=None".into(),
                    name: "sid".into(),
                    stored_as: None,
                    outcome: Outcome::Rejected,
                    removed_existing: None,
                    notes: vec![],
                    verdicts: sid,
                },
                CookieReport {
                    line: "theme=da`rk; Path=/; Foo".into(),
                    name: "theme".into(),
                    stored_as: Some(StoredAs {
                        name: "theme".into(),
                        value: "da`rk".into(),
                        domain: "app.example.com".into(),
                        host_only: true,
                        path: "/".into(),
                        secure: false,
                        http_only: false,
                        same_site: cookie_doctor_cookie::SameSite::Default,
                        partitioned: false,
                        expires: None,
                    }),
                    outcome: Outcome::Stored,
                    removed_existing: None,
                    notes: vec!["an unknown attribute was ignored".into()],
                    verdicts: theme,
                },
            ],
            findings: vec![
                Finding {
                    code: "samesite-none-without-secure".into(),
                    severity: Severity::Error,
                    message: "`sid` has SameSite=None without Secure, so chrome drops it.".into(),
                    cookie: Some("sid".into()),
                    browsers: vec!["chrome".into()],
                    evidence: vec!["Set-Cookie: sid=abc; SameSite=None".into()],
                    fix: Some(Fix {
                        header: "Set-Cookie: sid=abc; SameSite=None; Secure".into(),
                        safety: Safety::Safe,
                        reason: String::new(),
                        snippets,
                        edit: Edit::ReplaceLine(0),
                    }),
                },
                Finding {
                    code: "session-cookie-not-http-only".into(),
                    severity: Severity::Warning,
                    message: "`sid` is readable by scripts.".into(),
                    cookie: Some("sid".into()),
                    browsers: vec![],
                    evidence: vec![],
                    fix: Some(Fix {
                        header: "Set-Cookie: sid=abc; SameSite=None; Secure; HttpOnly".into(),
                        safety: Safety::Unsafe,
                        reason: "scripts that read `sid` stop working".into(),
                        snippets: BTreeMap::new(),
                        edit: Edit::ReplaceLine(0),
                    }),
                },
                Finding {
                    code: "framing-advice".into(),
                    severity: Severity::Info,
                    message: "Consider `frame-ancestors`.".into(),
                    cookie: None,
                    browsers: vec![],
                    evidence: vec!["no X-Frame-Options".into()],
                    fix: None,
                },
            ],
            deployment: DeploymentReport {
                embedded_in: vec!["https://partner.example".into()],
                called_from: vec![],
                headers: vec![],
                browsers: vec!["chrome".into(), "safari".into()],
            },
        }
    }

    #[test]
    fn pull_request_comment() {
        insta::assert_snapshot!(render_markdown(&sample()));
    }

    #[test]
    fn clean_report() {
        let mut report = sample();
        report.findings.clear();
        report.cookies.truncate(0);
        let md = render_markdown(&report);
        assert!(md.starts_with("### cookie-doctor: no findings ✓\n"));
        assert!(md.contains("**No findings.**"));
    }

    #[test]
    fn summary_counts() {
        let report = sample();
        assert_eq!(summary(&report.findings), "1 error · 1 warning · 1 info");
        assert_eq!(
            summary(&report.findings[..1]),
            "1 error · 0 warnings · 0 info"
        );
    }

    #[test]
    fn languages() {
        assert_eq!(language("express"), "js");
        assert_eq!(language("fastapi"), "python");
        assert_eq!(language("go"), "go");
        assert_eq!(language("spring-boot"), "java");
        assert_eq!(language("unknown"), "");
    }
}
