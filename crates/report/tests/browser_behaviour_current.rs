//! docs/browser-behaviour.md is generated from the oracle's goldens
//! (tests/oracle/goldens/<scenario>/<mode>.json); this test fails when it is stale.
//! Regenerate with `UPDATE_DOCS=1 cargo test -p cookie-doctor-report --test browser_behaviour_current`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failure here is a test failure

use std::path::Path;

use cookie_doctor_inputs::parse_golden;
use cookie_doctor_report::browser_doc::{ScenarioGoldens, render_browser_behaviour};

fn repo(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

/// The first sentence of a scenario file's `# Probes:` comment block.
fn probes(scenario: &Path) -> Option<String> {
    let text = std::fs::read_to_string(scenario).ok()?;
    let mut lines = text.lines().skip_while(|l| !l.starts_with("# Probes:"));
    let mut out = lines
        .next()?
        .trim_start_matches("# Probes:")
        .trim()
        .to_string();
    for line in lines {
        let Some(rest) = line.strip_prefix('#') else {
            break;
        };
        let rest = rest.trim();
        if rest.is_empty()
            || rest.split_once(':').is_some_and(|(k, _)| {
                !k.contains(' ') && k.chars().next().is_some_and(char::is_uppercase)
            })
        {
            break;
        }
        out.push(' ');
        out.push_str(rest);
    }
    Some(out)
}

fn load() -> Vec<ScenarioGoldens> {
    let dir = repo("tests/oracle/goldens");
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return out;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if !path.is_dir() {
            continue;
        }
        let stem = path.file_name().unwrap().to_string_lossy().into_owned();
        let mut runs = Vec::new();
        let mut name = stem.clone();
        for file in std::fs::read_dir(&path).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_some_and(|e| e == "json") {
                let golden = parse_golden(&std::fs::read_to_string(&file).unwrap())
                    .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
                name = golden.scenario.clone();
                runs.extend(golden.runs);
            }
        }
        let scenario_file = repo(&format!("tests/scenarios/{stem}.toml"));
        out.push(ScenarioGoldens {
            probes: probes(&scenario_file),
            stem,
            name,
            runs,
        });
    }
    out
}

#[test]
fn browser_behaviour_doc_is_current() {
    let expected = render_browser_behaviour(load());
    let path = repo("docs/browser-behaviour.md");
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/browser-behaviour.md is out of date: run UPDATE_DOCS=1 cargo test -p cookie-doctor-report --test browser_behaviour_current"
    );
}
