//! Text for `cookie-doctor har`: one line per finding, written as the replay
//! finds it (so a 1 GB HAR streams), then which browser model was used, the
//! totals and what to do next.

use cookie_doctor_diagnose::har::{HarFinding, HarReplaySummary};

use crate::Style;

/// Where Chrome and Firefox keep cookies in a HAR export.
pub const EXPORT_WITH_COOKIES: &str = "\
This HAR has responses but no Cookie or Set-Cookie headers: it was exported
without cookies (Chrome's default, sanitized export), so there is nothing to
explain. Export it again with cookies:
  * Chrome / Edge: DevTools > Network > the download arrow's menu >
    \"Export HAR (with sensitive data)...\" (or right-click a request >
    \"Copy all as HAR (with sensitive data)\"). If that entry is missing,
    turn on DevTools Settings > Preferences > Network >
    \"Allow to generate HAR with sensitive data\".
  * Firefox: DevTools > Network > right-click > \"Save All As HAR\" keeps
    cookies.
A HAR with cookies holds session secrets: cookie-doctor redacts cookie values
in its output unless --show-values is given, but share the file with care.
";

/// The line after the findings: which file, which browser model and why.
pub fn render_header(file: &str, summary: &HarReplaySummary, style: Style) -> String {
    let from = match summary.browser_from.as_str() {
        "option" => "from --browser".to_string(),
        "creator" | "browser" => format!(
            "from log.{}{}",
            summary.browser_from,
            summary
                .creator
                .as_ref()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default()
        ),
        "user-agent" => "from the User-Agent header".to_string(),
        _ => "nothing in the file names the browser; use --browser to choose".to_string(),
    };
    format!(
        "{} {file}: replayed as {} ({from})\n",
        style.strong("cookie-doctor har"),
        style.strong(&summary.browser)
    )
}

fn codes(reasons: &[cookie_doctor_cookie::Reason]) -> String {
    if reasons.is_empty() {
        return "no reason (the model would send it)".into();
    }
    reasons
        .iter()
        .map(|r| r.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// One finding, as one or two lines.
pub fn render_finding(finding: &HarFinding, style: Style) -> String {
    match finding {
        HarFinding::NotSent {
            request,
            url,
            cookie,
            reasons,
            set_at,
        } => {
            let partition = cookie
                .partition
                .as_ref()
                .map(|p| format!(", partition {p}"))
                .unwrap_or_default();
            let set = set_at
                .map(|i| format!(" (set by #{i})"))
                .unwrap_or_default();
            format!(
                "#{request} {} {} ({}{}{partition}) on {url}: {}{set}\n",
                style.warn("not sent"),
                style.strong(&cookie.name),
                cookie.domain,
                cookie.path,
                codes(reasons)
            )
        }
        HarFinding::Rejected {
            request,
            url,
            cookie,
            line,
            reasons,
        } => format!(
            "#{request} {} {} from {url}: {}\n    Set-Cookie: {line}\n",
            style.bad("rejected"),
            style.strong(cookie),
            codes(reasons)
        ),
        HarFinding::Mismatch {
            request,
            url,
            cookie,
            browser_sent,
            model_sent,
            model_reasons,
        } => {
            let what = match (browser_sent, model_sent) {
                (true, false) => format!(
                    "the browser sent it, the model withheld it ({})",
                    codes(model_reasons)
                ),
                (false, true) => "the browser withheld it, the model would send it".to_string(),
                _ => "the browser and the model sent it a different number of times".to_string(),
            };
            format!(
                "#{request} {} cookie {} on {url}: {what}\n",
                style.bad("model mismatch — please report:"),
                style.strong(cookie)
            )
        }
        HarFinding::BadEntry { request, error } => {
            format!("#{request} {} {error}\n", style.bad("unreadable entry:"))
        }
    }
}

/// The totals, the sanitized-export advice when it applies, and where to read
/// more.
pub fn render_summary(summary: &HarReplaySummary, style: Style) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "{} entries; {} requests compared ({} cookie names, {} agreed); {} Set-Cookie lines ({} stored, {} rejected)\n",
        summary.entries,
        summary.requests_compared,
        summary.cookies_compared,
        summary.cookies_agreed,
        summary.set_cookie_lines,
        summary.stored,
        summary.rejected,
    ));
    let mismatches = if summary.mismatches > 0 {
        style.bad(&format!("{} model mismatch(es)", summary.mismatches))
    } else {
        style.ok("0 model mismatches")
    };
    out.push_str(&format!(
        "{} not sent, {} rejected, {mismatches}, {} unreadable entries\n",
        summary.not_sent, summary.rejected, summary.bad_entries
    ));
    if summary.unknown_cookies > 0 {
        out.push_str(&format!(
            "{} cookie(s) the browser sent were never set in this HAR (set before the recording or by script): not compared\n",
            summary.unknown_cookies
        ));
    }
    if summary.mismatches > 0 {
        out.push_str(
            "A model mismatch is cookie-doctor disagreeing with your browser: please report it with the lines above (values are redacted).\n",
        );
        if summary.browser_from != "option" && summary.browser == "chrome" {
            out.push_str(
                "If third-party cookies were blocked in that browser (Incognito, or the setting), try --browser chrome-3pc-blocked.\n",
            );
        }
    }
    if summary.sanitized {
        out.push('\n');
        out.push_str(&style.warn(EXPORT_WITH_COOKIES));
    } else if summary.not_sent > 0 || summary.rejected > 0 {
        out.push_str("What a code means and how to fix it: cookie-doctor explain CODE\n");
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use cookie_doctor_cookie::{Reason, reasons};

    /// The whole text report for a recorded HAR (Chromium, a Lax session in a
    /// cross-site iframe).
    #[test]
    fn snapshot_of_a_recorded_har() {
        use cookie_doctor_diagnose::har::{HarReplay, replay_har};
        let name = "embedded-dashboard-loses-its-session-lax-cookie.chrome.har";
        let path = format!(
            "{}/../../tests/har/recorded/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let mut replay = HarReplay::new(
            None,
            &cookie_doctor_site::BuiltinPsl,
            cookie_doctor_cookie::Time::from_unix(1_700_000_000),
            false,
        );
        let mut text = String::new();
        replay_har(
            std::fs::File::open(&path).unwrap(),
            name,
            &mut replay,
            &mut |f| text.push_str(&render_finding(&f, Style::plain())),
        )
        .unwrap();
        let summary = replay.finish();
        text.push('\n');
        text.push_str(&render_header(name, &summary, Style::plain()));
        text.push_str(&render_summary(&summary, Style::plain()));
        insta::assert_snapshot!(text);
    }

    #[test]
    fn a_mismatch_says_please_report() {
        let f = HarFinding::Mismatch {
            request: 3,
            url: "https://a.example/".into(),
            cookie: "sid".into(),
            browser_sent: true,
            model_sent: false,
            model_reasons: reasons![Reason::SameSiteLax],
        };
        let text = render_finding(&f, Style::plain());
        assert!(text.contains("model mismatch — please report"), "{text}");
        assert!(text.contains("#3"), "{text}");
        assert!(text.contains("samesite-lax"), "{text}");
    }
}
