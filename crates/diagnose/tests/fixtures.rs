//! The `check` fixtures under `tests/check-fixtures/`: the codes each must (and
//! must not) produce, a snapshot of its findings, and the fix property —
//! applying every fix and checking again leaves no `error` finding.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use cookie_doctor_cookie::Time;
use cookie_doctor_diagnose::check::{CheckReport, check};
use cookie_doctor_diagnose::finding::{Edit, Severity};
use cookie_doctor_diagnose::matrix::Deployment;
use cookie_doctor_site::{BuiltinPsl, Origin};
use serde::Deserialize;

const NOW: Time = Time::from_unix(1_795_435_200);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    url: String,
    #[serde(default)]
    embedded_in: Vec<String>,
    #[serde(default)]
    called_from: Vec<String>,
    #[serde(default)]
    headers: Vec<String>,
    lines: Vec<String>,
    #[serde(default)]
    expect: Vec<String>,
    #[serde(default)]
    absent: Vec<String>,
    /// No finding may be more severe than this (`info`, `warning`, `error`).
    #[serde(default)]
    max_severity: Option<String>,
}

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/check-fixtures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

fn run(lines: &[String], deployment: &Deployment) -> CheckReport {
    check(
        lines,
        deployment,
        &cookie_doctor_profiles::builtin(),
        &BuiltinPsl,
        NOW,
    )
}

fn deployment(f: &Fixture) -> Deployment {
    Deployment {
        url: url::Url::parse(&f.url).unwrap(),
        embedded_in: f
            .embedded_in
            .iter()
            .map(|o| Origin::parse(o).unwrap())
            .collect(),
        called_from: f
            .called_from
            .iter()
            .map(|o| Origin::parse(o).unwrap())
            .collect(),
        headers: f.headers.clone(),
    }
}

fn header_name(line: &str) -> String {
    line.split(':')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Applies every fix of a report to the input.
fn apply_fixes(report: &CheckReport, lines: &mut Vec<String>, deployment: &mut Deployment) {
    for finding in &report.findings {
        let Some(fix) = &finding.fix else { continue };
        let set_cookie_value = |h: &str| {
            h.strip_prefix("Set-Cookie:")
                .map_or_else(|| h.to_string(), |v| v.trim().to_string())
        };
        match &fix.edit {
            Edit::ReplaceLine(i) => {
                if let Some(line) = lines.get_mut(*i) {
                    *line = set_cookie_value(&fix.header);
                }
            }
            Edit::AppendLine => lines.push(set_cookie_value(&fix.header)),
            Edit::SetHeader(name) => {
                deployment
                    .headers
                    .retain(|h| header_name(h) != name.to_ascii_lowercase());
                deployment.headers.push(fix.header.clone());
            }
            Edit::RemoveHeader(name) => {
                deployment
                    .headers
                    .retain(|h| header_name(h) != name.to_ascii_lowercase());
            }
            Edit::None => {}
        }
    }
}

#[test]
fn every_fixture_finds_what_it_should_and_its_fixes_work() {
    let files = fixtures();
    assert!(!files.is_empty());
    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let fixture: Fixture = toml::from_str(&std::fs::read_to_string(path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut deployment = deployment(&fixture);
        let mut lines = fixture.lines.clone();
        let report = run(&lines, &deployment);
        let codes: Vec<&str> = report.findings.iter().map(|f| f.code.as_str()).collect();
        for code in &fixture.expect {
            if !codes.contains(&code.as_str()) {
                failures.push(format!("{name}: expected {code}, found {codes:?}"));
            }
        }
        for code in &fixture.absent {
            if codes.contains(&code.as_str()) {
                failures.push(format!("{name}: {code} must not be found"));
            }
        }
        if let Some(max) = &fixture.max_severity {
            let max = Severity::parse(max).unwrap_or_else(|| panic!("{name}: max_severity {max}"));
            for f in report.findings.iter().filter(|f| f.severity > max) {
                failures.push(format!(
                    "{name}: {} is {}, above max_severity {}: {}",
                    f.code,
                    f.severity.as_str(),
                    max.as_str(),
                    f.message
                ));
            }
        }
        insta::with_settings!({snapshot_suffix => name.clone(), prepend_module_to_snapshot => false}, {
            insta::assert_json_snapshot!("findings", report.findings);
        });
        // The fix property: apply fixes until nothing changes (a fix may reveal
        // the next problem; several fixes of one line compose in turn).
        for _ in 0..6 {
            let report = run(&lines, &deployment);
            let before = (lines.clone(), deployment.headers.clone());
            apply_fixes(&report, &mut lines, &mut deployment);
            if (lines.clone(), deployment.headers.clone()) == before {
                break;
            }
        }
        let after = run(&lines, &deployment);
        for f in after
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
        {
            failures.push(format!(
                "{name}: after applying every fix, still error {}: {} (lines {lines:?}, headers {:?})",
                f.code, f.message, deployment.headers
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The findings over a computed matrix, with the SameSite probes batched (as
/// `check` runs them) or one by one (`probes_batched` already set: every
/// probe runs alone, the way they ran before batching).
fn findings_with(lines: &[String], deployment: &Deployment, batched: bool) -> String {
    use cookie_doctor_diagnose::fix::CookieLine;
    use cookie_doctor_diagnose::matrix::delivery_matrix;
    use cookie_doctor_diagnose::rules::{RuleContext, run_all};
    let profiles = cookie_doctor_profiles::builtin();
    let matrix = delivery_matrix(lines, deployment, &profiles, &BuiltinPsl, NOW);
    let cookies: Vec<CookieLine> = lines.iter().map(|l| CookieLine::parse(l)).collect();
    let headers = cookie_doctor_fetch::Headers::from_lines(&deployment.headers);
    let cx = RuleContext {
        lines,
        cookies: &cookies,
        deployment,
        headers: &headers,
        matrix: &matrix,
        profiles: &profiles,
        psl: &BuiltinPsl,
        now: NOW,
        probes: Default::default(),
        probes_batched: std::cell::Cell::new(!batched),
        deletions: Default::default(),
        removals: Default::default(),
    };
    serde_json::to_string_pretty(&run_all(&cx)).unwrap()
}

#[test]
fn batched_probes_find_what_single_probes_find() {
    let mut compared = 0;
    let mut all_lines: Vec<String> = Vec::new();
    let mut embedded: Option<Deployment> = None;
    for path in fixtures() {
        let text = std::fs::read_to_string(&path).unwrap();
        let fixture: Fixture = toml::from_str(&text).unwrap();
        let deployment = deployment(&fixture);
        assert_eq!(
            findings_with(&fixture.lines, &deployment, true),
            findings_with(&fixture.lines, &deployment, false),
            "{}",
            path.display()
        );
        compared += 1;
        if !deployment.embedded_in.is_empty() && deployment.url.scheme() == "https" {
            all_lines.extend(fixture.lines.iter().cloned());
            embedded.get_or_insert(deployment);
        }
    }
    // Many lines at once (names repeat across fixtures, so some probes run
    // alone and the rest in batches).
    let deployment = embedded.expect("an embedding fixture");
    assert_eq!(
        findings_with(&all_lines, &deployment, true),
        findings_with(&all_lines, &deployment, false),
        "all embedding fixtures' lines together"
    );
    assert!(compared > 20);
}
