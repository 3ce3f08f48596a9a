//! The text view of a trace (`cookie-doctor simulate`): read top to bottom, per
//! browser and step, every request with the cookies sent (✓) and held back (✗,
//! with the reason in words), what each Set-Cookie did, the CORS and framing
//! verdicts and the expectations; then where the browsers differ.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use cookie_doctor_engine::{RequestTrace, Run, StepTrace, Trace};

use crate::Style;

/// Renders a whole trace.
pub fn render_trace(trace: &Trace, style: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        style.strong(&format!("scenario: {}", trace.scenario))
    );
    for run in &trace.runs {
        out.push('\n');
        render_run(&mut out, run, style);
    }
    render_differences(&mut out, trace, style);
    render_summary(&mut out, trace, style);
    out
}

fn render_run(out: &mut String, run: &Run, style: Style) {
    let _ = writeln!(out, "{}", style.strong(&format!("━━ {} ━━", run.browser)));
    for step in &run.steps {
        render_step(out, step, style);
    }
    if run.jar.is_empty() {
        let _ = writeln!(out, "  jar at the end: empty");
    } else {
        let _ = writeln!(out, "  jar at the end:");
        for c in &run.jar {
            let mut flags = Vec::new();
            if c.secure {
                flags.push("Secure".to_string());
            }
            if c.http_only {
                flags.push("HttpOnly".to_string());
            }
            flags.push(format!("SameSite={}", c.same_site));
            if let Some(p) = &c.partition {
                flags.push(format!("partition {p}"));
            }
            let _ = writeln!(
                out,
                "    {}  {}{} {}",
                style.strong(&c.name),
                if c.host_only { "" } else { "." },
                c.domain,
                style.dim(&format!("{} {}", c.path, flags.join(" "))),
            );
        }
    }
}

fn render_step(out: &mut String, step: &StepTrace, style: Style) {
    let from = step
        .from
        .as_ref()
        .filter(|f| *f != "top")
        .map(|f| format!(" in frame {f}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "  {} {}{from}",
        style.dim(&format!("step {}", step.index)),
        step.kind
    );
    for request in &step.requests {
        render_request(out, request, style);
    }
    if let Some(js) = &step.js_cookie {
        let _ = writeln!(out, "    document.cookie → {:?}", js);
    }
    if let Some(set) = &step.js_set {
        if set.stored {
            let _ = writeln!(
                out,
                "    document.cookie = {:?}  {}",
                set.line,
                style.ok("✓ stored")
            );
        } else {
            let reasons = in_words(&set.reasons);
            let _ = writeln!(
                out,
                "    document.cookie = {:?}  {} {}",
                set.line,
                style.bad("✗ refused"),
                reasons
            );
        }
    }
    if let Some(note) = &step.storage_access {
        let _ = writeln!(out, "    storage access: {note}");
    }
    if let Some(error) = &step.error {
        let _ = writeln!(out, "    {} {error}", style.warn("!"));
    }
    for e in &step.expect {
        if e.passed {
            let _ = writeln!(
                out,
                "    expect {} {}: {}",
                e.check,
                e.value,
                style.ok("✓ holds")
            );
        } else {
            let _ = writeln!(
                out,
                "    expect {} {}: {} (observed: {})",
                e.check,
                e.value,
                style.bad("✗ FAILS"),
                e.actual.as_deref().unwrap_or("")
            );
        }
    }
}

fn render_request(out: &mut String, r: &RequestTrace, style: Style) {
    let mut context = vec![r.destination.to_string()];
    context.push(if r.same_site {
        "same-site".into()
    } else {
        "cross-site".into()
    });
    if r.third_party {
        context.push("third-party".into());
    }
    context.push(format!("top {}", r.top_level_site));
    let _ = writeln!(
        out,
        "    → {} {}  {}",
        r.method,
        r.url,
        style.dim(&context.join(" · "))
    );
    for c in &r.sent {
        let partition = c
            .partition
            .as_ref()
            .map(|p| format!(" (partition {p})"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "        {} {}{}",
            style.ok("✓"),
            c.name,
            style.dim(&partition)
        );
    }
    for c in &r.excluded {
        let why = in_words(&c.reasons);
        let _ = writeln!(out, "        {} {}  {}", style.bad("✗"), c.name, why);
    }
    for s in &r.set_cookie {
        let what = if s.stored && s.deleted {
            style.ok("✓ deleted the stored cookie")
        } else if s.stored {
            style.ok("✓ stored")
        } else {
            style.bad("✗ not stored")
        };
        let _ = writeln!(out, "      Set-Cookie: {}  {what}", s.line);
        for reason in &s.reasons {
            let _ = writeln!(out, "          {reason}: {}", reason.describe());
        }
        if let Some(p) = s.cookie.as_ref().and_then(|c| c.partition.as_ref())
            && s.stored
        {
            let _ = writeln!(
                out,
                "          {}",
                style.dim(&format!("in the partition of {p}"))
            );
        }
    }
    if let Some(cors) = &r.cors {
        let preflight = if cors.preflight {
            "after a preflight; "
        } else {
            ""
        };
        if cors.readable {
            let _ = writeln!(
                out,
                "      CORS: {preflight}{}",
                style.ok("script may read the response")
            );
        } else {
            let why = in_words(&cors.reasons);
            let _ = writeln!(
                out,
                "      CORS: {preflight}{} {}",
                style.bad("script may not read the response —"),
                why
            );
        }
    }
    if let Some(blocked) = &r.blocked {
        let why = in_words(&blocked.reasons);
        let _ = writeln!(
            out,
            "      {} {}",
            style.bad(&format!("blocked by {}:", blocked.by)),
            why
        );
    }
}

/// Requests whose cookies differ between browsers: the point of running several.
fn render_differences(out: &mut String, trace: &Trace, style: Style) {
    if trace.runs.len() < 2 {
        return;
    }
    // (step, request index, url) → browser → sent names
    let mut table: BTreeMap<(usize, usize, String), Vec<(String, String)>> = BTreeMap::new();
    for run in &trace.runs {
        for step in &run.steps {
            for (i, r) in step.requests.iter().enumerate() {
                let names: Vec<&str> = r.sent.iter().map(|c| &*c.name).collect();
                table
                    .entry((step.index, i, format!("{} {}", r.method, r.url)))
                    .or_default()
                    .push((run.browser.clone(), names.join(", ")));
            }
        }
    }
    let differing: Vec<_> = table
        .iter()
        .filter(|(_, per)| {
            per.len() != trace.runs.len()
                || per.windows(2).any(|w| matches!(w, [a, b] if a.1 != b.1))
        })
        .collect();
    out.push('\n');
    if differing.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            style.strong("Every browser sent the same cookies.")
        );
        return;
    }
    let _ = writeln!(out, "{}", style.strong("Where the browsers differ:"));
    for ((step, _, request), per) in differing {
        let _ = writeln!(out, "  step {step}: {request}");
        for (browser, names) in per {
            let shown = if names.is_empty() {
                "(no cookies)"
            } else {
                names
            };
            let _ = writeln!(out, "    {browser:<20} {shown}");
        }
    }
}

fn render_summary(out: &mut String, trace: &Trace, style: Style) {
    let failed: Vec<String> = trace
        .runs
        .iter()
        .flat_map(|run| {
            run.steps.iter().flat_map(move |s| {
                s.expect.iter().filter(|e| !e.passed).map(move |e| {
                    format!(
                        "{} step {}: expect {} {}",
                        run.browser, s.index, e.check, e.value
                    )
                })
            })
        })
        .collect();
    let total: usize = trace
        .runs
        .iter()
        .map(|r| r.steps.iter().map(|s| s.expect.len()).sum::<usize>())
        .sum();
    out.push('\n');
    if total == 0 {
        return;
    }
    if failed.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            style.ok(&format!("All {total} expectations hold."))
        );
    } else {
        let _ = writeln!(
            out,
            "{}",
            style.bad(&format!("{} of {total} expectations fail:", failed.len()))
        );
        for f in failed {
            let _ = writeln!(out, "  {f}");
        }
    }
}

/// Reason codes with their meaning: `code: meaning; code: meaning`.
fn in_words(reasons: &[cookie_doctor_cookie::Reason]) -> String {
    reasons
        .iter()
        .map(|r| format!("{r}: {}", r.describe()))
        .collect::<Vec<_>>()
        .join("; ")
}
