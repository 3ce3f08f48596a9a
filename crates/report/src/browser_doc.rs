//! docs/browser-behaviour.md: what each real browser sent and stored at each
//! scenario's key step, rendered from the oracle's goldens.

use std::fmt::Write as _;

use cookie_doctor_inputs::{GoldenCookie, GoldenRun, GoldenStep};

/// One scenario's goldens, ready to render.
#[derive(Clone, Debug)]
pub struct ScenarioGoldens {
    /// The scenario file's stem (also the goldens' folder name).
    pub stem: String,
    /// The scenario's name.
    pub name: String,
    /// The first sentence of the scenario's `# Probes:` comment, if any.
    pub probes: Option<String>,
    /// One run per browser mode.
    pub runs: Vec<GoldenRun>,
}

/// The order browsers are shown in.
const MODE_ORDER: &[&str] = &[
    "chrome",
    "chrome-3pc-blocked",
    "firefox",
    "firefox-strict",
    "webkit",
    "safari",
];

fn mode_rank(mode: &str) -> usize {
    MODE_ORDER
        .iter()
        .position(|m| *m == mode)
        .unwrap_or(MODE_ORDER.len())
}

/// The step that shows the scenario's point: the last one that made a request or
/// read `document.cookie`.
fn key_step(run: &GoldenRun) -> Option<usize> {
    run.steps
        .iter()
        .rev()
        .find(|s| !s.requests.is_empty() || s.js_cookie.is_some())
        .map(|s| s.index)
}

fn names(list: impl Iterator<Item = String>) -> String {
    let v: Vec<String> = list.collect();
    if v.is_empty() {
        "—".to_string()
    } else {
        v.join(", ")
    }
}

fn cookie_label(c: &GoldenCookie) -> String {
    let name = if c.name.is_empty() {
        format!("(nameless){}", c.value)
    } else {
        c.name.clone()
    };
    match &c.partition {
        Some(p) => format!("{name} ⟨{p}⟩"),
        None => name,
    }
}

fn step_of(run: &GoldenRun, index: usize) -> Option<&GoldenStep> {
    run.steps.iter().find(|s| s.index == index)
}

fn escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Renders the whole document.
pub fn render_browser_behaviour(mut scenarios: Vec<ScenarioGoldens>) -> String {
    scenarios.sort_by(|a, b| a.stem.cmp(&b.stem));
    let mut sections = Vec::new();
    let mut differing = Vec::new();
    for s in &mut scenarios {
        s.runs
            .sort_by_key(|r| (mode_rank(&r.browser), r.browser.clone()));
        let (text, differs) = render_scenario(s);
        if differs {
            differing.push((s.stem.clone(), s.name.clone()));
        }
        sections.push(text);
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# What browsers actually do with cookies in cross-site settings\n"
    );
    let _ = writeln!(
        out,
        "Generated from the real-browser goldens in `tests/oracle/goldens/` (recorded by `oracle/` in headless \
         Chromium and Firefox on this project's CI machine) by \
         `UPDATE_DOCS=1 cargo test -p cookie-doctor-report --test browser_behaviour_current`; a test keeps it current. \
         For each scenario of `tests/scenarios/`, the key step (the last that made a request or read `document.cookie`): \
         which cookies each request carried, what script saw, and the jar at the end (`⟨site⟩` marks a cookie kept in \
         the partition of that top-level site). `—` is none.\n"
    );
    let _ = writeln!(
        out,
        "{} scenarios; the browsers disagree on {}:\n",
        scenarios.len(),
        differing.len()
    );
    for (stem, name) in &differing {
        let _ = writeln!(out, "- [{}](#{stem})", escape(name));
    }
    out.push('\n');
    for section in sections {
        out.push_str(&section);
    }
    out
}

fn render_scenario(s: &ScenarioGoldens) -> (String, bool) {
    let mut out = String::new();
    let Some(first) = s.runs.first() else {
        return (out, false);
    };
    let key = key_step(first);
    let modes: Vec<&str> = s.runs.iter().map(|r| r.browser.as_str()).collect();
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();

    if let Some(key) = key {
        let steps: Vec<Option<&GoldenStep>> = s.runs.iter().map(|r| step_of(r, key)).collect();
        let most = steps
            .iter()
            .map(|st| st.map_or(0, |st| st.requests.len()))
            .max()
            .unwrap_or(0);
        for i in 0..most {
            let label = steps
                .iter()
                .flatten()
                .find_map(|st| st.requests.get(i))
                .map(|r| format!("{} {}", r.method, r.url))
                .unwrap_or_default();
            let cells = steps
                .iter()
                .map(|st| match st.and_then(|st| st.requests.get(i)) {
                    Some(r) => names(r.sent.iter().map(|c| {
                        if c.name.is_empty() {
                            "(nameless)".to_string()
                        } else {
                            c.name.clone()
                        }
                    })),
                    None => "(no request)".to_string(),
                })
                .collect();
            rows.push((format!("`{}`", escape(&label)), cells));
        }
        if steps.iter().flatten().any(|st| st.js_cookie.is_some()) {
            let cells = steps
                .iter()
                .map(|st| match st.and_then(|st| st.js_cookie.as_deref()) {
                    Some("") => "\"\"".to_string(),
                    Some(js) => format!("`{}`", escape(js)),
                    None => "—".to_string(),
                })
                .collect();
            rows.push(("document.cookie".to_string(), cells));
        }
        if steps
            .iter()
            .flatten()
            .any(|st| st.fetch.is_some() || st.error.is_some())
        {
            let cells = steps
                .iter()
                .map(|st| match st {
                    Some(st) if st.error.is_some() => {
                        format!("error: {}", st.error.as_deref().unwrap_or(""))
                    }
                    Some(GoldenStep { fetch: Some(f), .. }) => {
                        if f.ok { "readable" } else { "failed" }.to_string()
                    }
                    _ => "—".to_string(),
                })
                .collect();
            rows.push(("script result".to_string(), cells));
        }
    }
    rows.push((
        "jar at the end".to_string(),
        s.runs
            .iter()
            .map(|r| names(r.jar.iter().map(cookie_label)))
            .collect(),
    ));

    let differs = rows
        .iter()
        .any(|(_, cells)| cells.iter().any(|c| Some(c) != cells.first()));
    let _ = writeln!(
        out,
        "<a id=\"{}\"></a>\n### {}{}\n",
        s.stem,
        escape(&s.name),
        if differs { " — browsers differ" } else { "" }
    );
    let _ = write!(out, "`tests/scenarios/{}.toml`", s.stem);
    if let Some(probes) = &s.probes {
        let _ = write!(out, ": {}", escape(probes));
    }
    out.push_str("\n\n");
    if let Some(key) = key {
        let kind = step_of(first, key).map_or("", |st| st.kind.as_str());
        let _ = writeln!(out, "Key step {key} (`{kind}`):\n");
    }
    let _ = writeln!(out, "| | {} |", modes.join(" | "));
    let _ = writeln!(out, "|---|{}", "---|".repeat(modes.len()));
    for (label, cells) in rows {
        let _ = writeln!(
            out,
            "| {label} | {} |",
            cells
                .iter()
                .map(|c| escape(c))
                .collect::<Vec<_>>()
                .join(" | ")
        );
    }
    out.push('\n');
    (out, differs)
}
