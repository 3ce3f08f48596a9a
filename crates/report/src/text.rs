//! Text views, read top to bottom by a person.

use std::fmt::Write as _;

use cookie_doctor_cookie::{Reason, ReasonInfo};
use cookie_doctor_diagnose::check::{CheckReport, CookieReport, Outcome, StoredAs};
use cookie_doctor_diagnose::site::SiteReport;
use cookie_doctor_inputs::Scenario;
use cookie_doctor_site::PslSection;

use crate::Style;

/// `cookie-doctor check` as text.
pub fn render_check(report: &CheckReport, style: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} {}", style.strong("Set-Cookie from"), report.url);
    let _ = writeln!(out, "{}", style.dim("profile rfc6265bis (the plain specification), checked for a same-site request to that URL"));
    for cookie in &report.cookies {
        out.push('\n');
        render_cookie(&mut out, cookie, style);
    }
    let stored = report
        .cookies
        .iter()
        .filter(|c| c.outcome == Outcome::Stored)
        .count();
    let _ = writeln!(
        out,
        "\n{} of {} lines stored.",
        stored,
        report.cookies.len()
    );
    out
}

fn render_cookie(out: &mut String, cookie: &CookieReport, style: Style) {
    let Some(verdict) = cookie.verdicts.first() else {
        return;
    };
    let (mark, headline) = match cookie.outcome {
        Outcome::Stored if verdict.sent => (style.ok("✓"), style.ok("stored, and sent back")),
        Outcome::Stored => (
            style.warn("!"),
            style.warn("stored, but not sent back to this URL"),
        ),
        Outcome::Deleted => (style.warn("−"), style.warn("a deletion (already expired)")),
        Outcome::Rejected => (style.bad("✗"), style.bad("not stored")),
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
    for reason in &verdict.reasons {
        render_reason(out, *reason, style);
    }
    for note in &cookie.notes {
        let _ = writeln!(out, "    {} {note}", style.dim("note:"));
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

fn render_reason(out: &mut String, reason: Reason, style: Style) {
    let _ = writeln!(
        out,
        "    {}: {}",
        style.bad(reason.code()),
        reason.describe()
    );
    if let Some(info) = reason.info() {
        let _ = writeln!(out, "      {} {}", style.strong("fix:"), info.fix);
        let _ = writeln!(out, "      {}", style.dim(info.source));
    }
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
