//! Text views, read top to bottom by a person.

use std::fmt::Write as _;

use cookie_doctor_cookie::{ReasonInfo, Reasons};
use cookie_doctor_diagnose::check::{CheckReport, CookieReport, Outcome, StoredAs};
use cookie_doctor_diagnose::finding::{Safety, Severity};
use cookie_doctor_diagnose::site::SiteReport;
use cookie_doctor_inputs::Scenario;
use cookie_doctor_site::PslSection;

use crate::Style;

/// `cookie-doctor check` as text: per cookie the spec's verdict and the delivery
/// matrix (browser × context), then the findings with their fixes.
pub fn render_check(report: &CheckReport, style: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} {}", style.strong("Set-Cookie from"), report.url);
    let d = &report.deployment;
    let list = |v: &[String]| {
        if v.is_empty() {
            "(none declared)".to_string()
        } else {
            v.join(", ")
        }
    };
    let _ = writeln!(
        out,
        "{}",
        style.dim(&format!(
            "embedded in: {} · called from: {}",
            list(&d.embedded_in),
            list(&d.called_from)
        ))
    );
    for cookie in &report.cookies {
        out.push('\n');
        render_cookie(&mut out, cookie, style);
    }
    render_findings(&mut out, report, style);
    out
}

const CONTEXT_COLUMNS: [(&str, &str); 6] = [
    ("same-site", "same-site"),
    ("top-level-get", "link"),
    ("top-level-post", "form POST"),
    ("iframe", "iframe"),
    ("subresource", "image"),
    ("fetch-include", "fetch"),
];

fn render_cookie(out: &mut String, cookie: &CookieReport, style: Style) {
    let (mark, headline) = match cookie.outcome {
        Outcome::Stored => (style.ok("✓"), "stored by the specification (RFC 6265bis)"),
        Outcome::Deleted => (style.warn("−"), "a deletion (already expired)"),
        Outcome::Rejected => (
            style.bad("✗"),
            "not stored by the specification (RFC 6265bis)",
        ),
    };
    let _ = writeln!(out, "{mark} {}", style.strong(&cookie.line));
    let _ = writeln!(out, "    {headline}");
    if let Some(stored) = &cookie.stored_as {
        let _ = writeln!(out, "    {}", describe_stored(stored));
    }
    if cookie.outcome == Outcome::Deleted {
        let text = if cookie.removed_existing == Some(true) {
            "it removed the cookie with the same name, domain and path"
        } else {
            "no cookie with the same name, domain and path was there to remove"
        };
        let _ = writeln!(out, "    {text}");
    }
    for note in &cookie.notes {
        let _ = writeln!(out, "    {} {note}", style.dim("note:"));
    }
    render_matrix(out, cookie, style);
}

/// The grid: a row per browser, a column per context; ✓ stored and sent, ✗n
/// with n pointing into the legend of reasons below.
fn render_matrix(out: &mut String, cookie: &CookieReport, style: Style) {
    if cookie.verdicts.is_empty() {
        return;
    }
    let mut browsers: Vec<&str> = Vec::new();
    for v in &cookie.verdicts {
        if !browsers.contains(&&*v.browser) {
            browsers.push(&v.browser);
        }
    }
    let mut legend: Reasons = Reasons::new();
    let width = browsers.iter().map(|b| b.len()).max().unwrap_or(0).max(8);
    let _ = write!(out, "\n    {:width$}", "");
    for (_, label) in CONTEXT_COLUMNS {
        let _ = write!(out, "  {label:<10}");
    }
    out.push('\n');
    for browser in browsers {
        let _ = write!(out, "    {browser:width$}");
        for (context, _) in CONTEXT_COLUMNS {
            let cell = cookie
                .verdicts
                .iter()
                .find(|v| *v.browser == *browser && v.context == context);
            let text = match cell {
                None => ("·".to_string(), None),
                Some(v) if v.stored && v.sent => ("✓".to_string(), Some(true)),
                Some(v) => {
                    let numbers: Vec<String> = v
                        .reasons
                        .iter()
                        .map(|r| {
                            let n = legend.iter().position(|x| x == r).unwrap_or_else(|| {
                                legend.push(*r);
                                legend.len() - 1
                            });
                            (n + 1).to_string()
                        })
                        .collect();
                    let what = if v.stored { "sent ✗" } else { "✗" };
                    (format!("{what}{}", numbers.join(",")), Some(false))
                }
            };
            let padded = format!("{:<10}", text.0);
            let shown = match text.1 {
                Some(true) => style.ok(&padded),
                Some(false) => style.bad(&padded),
                None => style.dim(&padded),
            };
            let _ = write!(out, "  {shown}");
        }
        out.push('\n');
    }
    if !legend.is_empty() {
        let _ = writeln!(
            out,
            "    {}",
            style.dim(
                "✗n: not stored, for reason n; sent ✗n: stored but not sent back in that context"
            )
        );
        for (n, reason) in legend.iter().enumerate() {
            let _ = writeln!(
                out,
                "    {:>2} {}: {}",
                n + 1,
                style.bad(reason.code()),
                reason.describe()
            );
        }
    }
}

fn render_findings(out: &mut String, report: &CheckReport, style: Style) {
    out.push('\n');
    if report.findings.is_empty() {
        let _ = writeln!(out, "{}", style.ok("No findings."));
        return;
    }
    let _ = writeln!(
        out,
        "{}",
        style.strong(&format!("Findings ({})", report.findings.len()))
    );
    for f in &report.findings {
        let severity = match f.severity {
            Severity::Error => style.bad("error"),
            Severity::Warning => style.warn("warning"),
            Severity::Info => style.dim("info"),
        };
        let _ = writeln!(
            out,
            "\n  {severity} {}  {}",
            style.strong(&f.code),
            f.message
        );
        if !f.browsers.is_empty() {
            let _ = writeln!(out, "    browsers: {}", f.browsers.join(", "));
        }
        for e in &f.evidence {
            let _ = writeln!(out, "    {} {e}", style.dim("evidence:"));
        }
        if let Some(fix) = &f.fix {
            let safety = match fix.safety {
                Safety::Safe => style.ok("safe"),
                Safety::Unsafe => style.warn("unsafe"),
            };
            let _ = writeln!(
                out,
                "    {} {}  ({safety})",
                style.strong("fix:"),
                fix.header
            );
            if !fix.reason.is_empty() {
                let _ = writeln!(out, "      {}", fix.reason);
            }
            for (framework, code) in &fix.snippets {
                // Multi-line snippets stay under their label.
                let code: Vec<String> = code
                    .lines()
                    .map(|l| {
                        if l.is_empty() {
                            String::new()
                        } else {
                            format!("        {l}")
                        }
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "      {}\n{}",
                    style.dim(&format!("{framework}:")),
                    code.join("\n")
                );
            }
        }
        let _ = writeln!(
            out,
            "    {}",
            style.dim(&format!("more: cookie-doctor explain {}", f.code))
        );
    }
}

fn describe_stored(s: &StoredAs) -> String {
    let name = if s.name.is_empty() {
        "(nameless)".to_string()
    } else {
        s.name.clone()
    };
    let scope = if s.host_only {
        format!("host {} only", s.domain)
    } else {
        format!("domain {} and its subdomains", s.domain)
    };
    let lifetime = match s.expires {
        None => "session".to_string(),
        Some(0) => "expired".to_string(),
        Some(secs) => format!("expires in {}", human_duration(secs)),
    };
    let mut flags = Vec::new();
    if s.secure {
        flags.push("Secure");
    }
    if s.http_only {
        flags.push("HttpOnly");
    }
    if s.partitioned {
        flags.push("Partitioned");
    }
    let flags = if flags.is_empty() {
        String::new()
    } else {
        format!(", {}", flags.join(", "))
    };
    format!(
        "{name} = {:?}: {scope}, path {}, {lifetime}, SameSite {}{flags}",
        s.value,
        s.path,
        s.same_site.as_str()
    )
}

/// Seconds in words (`400 days`, `1 hour`).
pub fn human_duration(secs: i64) -> String {
    let units = [
        (86_400, "day"),
        (3_600, "hour"),
        (60, "minute"),
        (1, "second"),
    ];
    for (size, unit) in units {
        if secs >= size && secs % size == 0 || (size == 86_400 && secs >= size * 2) {
            let n = secs / size;
            return format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
        }
    }
    format!("{secs} seconds")
}

/// `cookie-doctor site` as text.
pub fn render_site(report: &SiteReport, style: Style) -> String {
    let mut out = String::new();
    for url in &report.urls {
        let _ = writeln!(out, "{}", style.strong(&url.origin));
        let _ = writeln!(out, "  host                {}", url.host);
        match (&url.public_suffix, url.rule_section) {
            (Some(suffix), Some(section)) => {
                let section = match section {
                    PslSection::Icann => "ICANN section rule",
                    PslSection::Private => "PRIVATE section rule",
                    PslSection::Implicit => "no listed rule: the implicit rule",
                };
                let rule = url
                    .rule
                    .as_deref()
                    .map(|r| format!(" `{r}`"))
                    .unwrap_or_default();
                let _ = writeln!(out, "  public suffix       {suffix}  ({section}{rule})");
            }
            _ => {
                let _ = writeln!(out, "  public suffix       none (an IP address)");
            }
        }
        let registrable = url
            .registrable_domain
            .clone()
            .unwrap_or_else(|| "none: the host itself is the site".to_string());
        let _ = writeln!(out, "  registrable domain  {registrable}");
        let _ = writeln!(out, "  site                {}", url.site);
    }
    if let Some(c) = &report.comparison {
        let yes_no = |b: bool| if b { style.ok("yes") } else { style.bad("no") };
        out.push('\n');
        let _ = writeln!(
            out,
            "same-site (schemeful, as Chrome and HTML)  {}",
            yes_no(c.same_site)
        );
        let _ = writeln!(
            out,
            "same-site ignoring the scheme (Firefox)     {}",
            yes_no(c.same_site_ignoring_scheme)
        );
        let _ = writeln!(
            out,
            "same-origin                                 {}",
            yes_no(c.same_origin)
        );
    }
    out
}

/// `cookie-doctor scenario FILE` as text: the steps, one line each.
pub fn render_scenario(s: &Scenario, style: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", style.strong(&s.name));
    let _ = writeln!(out, "browsers: {}", s.browsers.join(", "));
    for r in &s.responses {
        let location = r
            .location
            .as_deref()
            .map(|l| format!(" → {l}"))
            .unwrap_or_default();
        let _ = writeln!(out, "  {} answers {}{location}", r.url, r.status);
        for h in &r.headers {
            let _ = writeln!(out, "      {}", style.dim(h));
        }
    }
    for step in &s.steps {
        let mut parts = vec![format!("{:>3}  {:<14}", step.index, step.kind.as_str())];
        if let Some(from) = step.from.as_deref().filter(|f| *f != "top") {
            parts.push(format!("in {from}:"));
        }
        for (label, value) in [
            ("", &step.method),
            ("", &step.url),
            ("name=", &step.name),
            ("target=", &step.target),
            ("cookie=", &step.cookie),
        ] {
            if let Some(v) = value {
                parts.push(format!("{label}{v}"));
            }
        }
        if let Some(secs) = step.seconds {
            parts.push(format!("{secs} s"));
        }
        if !step.expect.is_empty() {
            parts.push(style.dim(&format!("({} expectation(s))", step.expect.len())));
        }
        let _ = writeln!(out, "{}", parts.join(" "));
    }
    out
}

/// `cookie-doctor explain CODE` as text.
pub fn render_explain(entries: &[&ReasonInfo], style: Style) -> String {
    let mut out = String::new();
    for info in entries {
        let _ = writeln!(
            out,
            "{}  ({} decision)",
            style.strong(info.code),
            info.phase
        );
        let _ = writeln!(out, "  {}", info.meaning);
        let _ = writeln!(out, "  {} {}", style.strong("fix:"), info.fix);
        let _ = writeln!(out, "  {}", style.dim(info.source));
    }
    out
}

/// The reason-code table as Markdown (docs/reasons.md is this, checked by a test).
pub fn reasons_markdown(entries: &[ReasonInfo]) -> String {
    let mut out = String::from(
        "# Reason codes\n\n\
         Every decision cookie-doctor reports against a cookie carries one of these stable codes.\n\
         `cookie-doctor explain CODE` prints an entry; this file is generated from the same table\n\
         (`crates/cookie/src/reason.rs`) and a test keeps it current.\n\n\
         | code | decision | meaning | fix | source |\n|---|---|---|---|---|\n",
    );
    for e in entries {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            e.code, e.phase, e.meaning, e.fix, e.source
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(human_duration(34_560_000), "400 days");
        assert_eq!(human_duration(3600), "1 hour");
        assert_eq!(human_duration(90), "90 seconds");
    }
}
