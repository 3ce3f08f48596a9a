//! The CORS and framing checks against what real browsers did: every scenario in
//! `tests/scenarios/` is replayed far enough to know each iframe's ancestors and
//! each fetch's origin, and the prediction is compared with every golden trace
//! recorded by the browser oracle (`tests/oracle/goldens/<scenario>/<browser>.json`):
//!
//! * an `iframe` step is refused (its golden `error` is `"error-page"`) exactly
//!   when [`check_framing`] says so;
//! * a cross-origin `fetch` step sends an `OPTIONS` request exactly when
//!   [`preflight_for`] asks for one, sends the actual request exactly when the
//!   preflight passes [`check_preflight_with`] (with the browsers' departure
//!   from Fetch: `Access-Control-Allow-Headers: *` covers `Authorization`), and
//!   resolves `ok` exactly when the [`cors_check`] passes on a 2xx response.
//!
//! Steps whose inputs this crate does not model (redirects, frames navigated by
//! forms, frames inside refused frames) are skipped, and the test checks that it
//! compared a fair number of steps.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use cookie_doctor_fetch::cors::{CorsOptions, check_preflight_with, cors_check, preflight_for};
use cookie_doctor_fetch::framing::check_framing;
use cookie_doctor_fetch::{CorsRequest, CredentialsMode, Headers};
use cookie_doctor_site::Origin;

/// What Chromium 156 and Firefox ESR 153 were seen to do (see [`CorsOptions`]).
const BROWSERS: CorsOptions = CorsOptions {
    authorization_covered_by_wildcard: true,
};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct Response {
    status: u16,
    headers: Headers,
}

/// The scenario's `[[response]]` entry for a URL: same origin and path.
fn lookup<'a>(responses: &'a [(url::Url, Response)], url: &url::Url) -> Option<&'a Response> {
    responses
        .iter()
        .find(|(u, _)| u.origin() == url.origin() && u.path() == url.path())
        .map(|(_, r)| r)
}

#[derive(Clone)]
struct Frame {
    origin: Origin,
    /// Container documents' origins, parent first.
    ancestors: Vec<Origin>,
}

enum Check {
    Framing {
        step: usize,
        blocked: bool,
    },
    Fetch {
        step: usize,
        url: String,
        preflight: bool,
        sent: bool,
        ok: bool,
    },
}

fn str_field<'a>(t: &'a toml::Table, key: &str) -> Option<&'a str> {
    t.get(key).and_then(|v| v.as_str())
}

fn header_lines(t: &toml::Table) -> Vec<String> {
    t.get("headers")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// What this crate predicts for each step it can model.
fn predict(scenario: &toml::Table) -> Vec<Check> {
    let responses: Vec<(url::Url, Response)> = scenario
        .get("response")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
        .filter_map(|r| {
            let r = r.as_table()?;
            let url = url::Url::parse(str_field(r, "url")?).ok()?;
            let status = r
                .get("status")
                .and_then(|s| s.as_integer())
                .and_then(|s| u16::try_from(s).ok())
                .unwrap_or(200);
            let headers = Headers::from_lines(&header_lines(r));
            Some((url, Response { status, headers }))
        })
        .collect();
    let is_redirect =
        |url: &url::Url| lookup(&responses, url).is_some_and(|r| (300..400).contains(&r.status));

    let mut frames: HashMap<String, Frame> = HashMap::new();
    let mut checks = Vec::new();
    let steps = scenario.get("step").and_then(|v| v.as_array());
    for (index, step) in steps.into_iter().flatten().enumerate() {
        let Some(step) = step.as_table() else {
            continue;
        };
        let Some(url) = str_field(step, "url").and_then(|u| url::Url::parse(u).ok()) else {
            continue;
        };
        let from = str_field(step, "from").unwrap_or("top");
        match str_field(step, "do") {
            Some("open") | Some("click") => {
                frames.clear();
                if !is_redirect(&url)
                    && let Ok(origin) = Origin::of_url(&url)
                {
                    frames.insert(
                        "top".into(),
                        Frame {
                            origin,
                            ancestors: vec![],
                        },
                    );
                }
            }
            Some("submit") => {
                // A form may navigate the top or a frame; not modelled here.
                let target = str_field(step, "target").unwrap_or("top");
                if target == "top" {
                    frames.clear();
                } else {
                    frames.remove(target);
                }
            }
            Some("iframe") => {
                let name = str_field(step, "name").unwrap_or_default().to_string();
                let parent = frames.get(from).cloned();
                frames.remove(&name);
                let (Some(parent), false) = (parent, is_redirect(&url)) else {
                    continue;
                };
                let Ok(origin) = Origin::of_url(&url) else {
                    continue;
                };
                let mut ancestors = vec![parent.origin.clone()];
                ancestors.extend(parent.ancestors.iter().cloned());
                let empty = Headers::new();
                let headers = lookup(&responses, &url).map_or(&empty, |r| &r.headers);
                let blocked = check_framing(headers, &origin, &ancestors).is_err();
                checks.push(Check::Framing {
                    step: index,
                    blocked,
                });
                if !blocked {
                    frames.insert(name, Frame { origin, ancestors });
                }
            }
            Some("fetch") => {
                let Some(frame) = frames.get(from) else {
                    continue;
                };
                let Ok(target) = Origin::of_url(&url) else {
                    continue;
                };
                if target == frame.origin || is_redirect(&url) {
                    continue;
                }
                let method = str_field(step, "method").unwrap_or("GET");
                let credentials = str_field(step, "credentials")
                    .and_then(CredentialsMode::parse)
                    .unwrap_or(CredentialsMode::SameOrigin);
                let request_headers = Headers::from_lines(&header_lines(step));
                let req = CorsRequest {
                    origin: &frame.origin,
                    method,
                    headers: &request_headers,
                    credentials,
                };
                let default = Response {
                    status: 200,
                    headers: Headers::new(),
                };
                let response = lookup(&responses, &url).unwrap_or(&default);
                let preflight = preflight_for(&req);
                let sent = match &preflight {
                    Some(p) => {
                        check_preflight_with(&req, p, response.status, &response.headers, BROWSERS)
                            .is_ok()
                    }
                    None => true,
                };
                let ok = sent
                    && cors_check(&req, &response.headers).is_ok()
                    && (200..300).contains(&response.status);
                checks.push(Check::Fetch {
                    step: index,
                    url: url.to_string(),
                    preflight: preflight.is_some(),
                    sent,
                    ok,
                });
            }
            _ => {}
        }
    }
    checks
}

fn golden_step(golden: &serde_json::Value, index: usize) -> Option<&serde_json::Value> {
    golden
        .get("runs")?
        .get(0)?
        .get("steps")?
        .as_array()?
        .iter()
        .find(|s| s.get("index").and_then(|i| i.as_u64()) == Some(index as u64))
}

#[test]
fn cors_and_framing_agree_with_the_browser_goldens() {
    let scenarios = repo_root().join("tests/scenarios");
    let goldens = repo_root().join("tests/oracle/goldens");
    let Ok(entries) = std::fs::read_dir(&scenarios) else {
        panic!("no scenarios at {}", scenarios.display());
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();

    let (mut framing, mut fetches) = (0, 0);
    let mut failures = Vec::new();
    for path in paths {
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let scenario: toml::Table = toml::from_str(&text).unwrap();
        let checks = predict(&scenario);
        if checks.is_empty() {
            continue;
        }
        let Ok(golden_files) = std::fs::read_dir(goldens.join(&stem)) else {
            continue;
        };
        for golden_path in golden_files.filter_map(|e| e.ok().map(|e| e.path())) {
            let browser = golden_path
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .to_string();
            let golden: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&golden_path).unwrap()).unwrap();
            for check in &checks {
                match check {
                    Check::Framing { step, blocked } => {
                        let Some(g) = golden_step(&golden, *step) else {
                            continue;
                        };
                        framing += 1;
                        let actual = g.get("error").and_then(|e| e.as_str()) == Some("error-page");
                        if actual != *blocked {
                            failures.push(format!(
                                "{stem} [{browser}] step {step}: framing predicted blocked={blocked}, browser blocked={actual}"
                            ));
                        }
                    }
                    Check::Fetch {
                        step,
                        url,
                        preflight,
                        sent,
                        ok,
                    } => {
                        let Some(g) = golden_step(&golden, *step) else {
                            continue;
                        };
                        fetches += 1;
                        let requests = g
                            .get("requests")
                            .and_then(|r| r.as_array())
                            .cloned()
                            .unwrap_or_default();
                        let to_url = |r: &serde_json::Value| {
                            r.get("url").and_then(|u| u.as_str()) == Some(url.as_str())
                        };
                        let method = |r: &serde_json::Value| {
                            r.get("method")
                                .and_then(|m| m.as_str())
                                .unwrap_or("")
                                .to_string()
                        };
                        let saw_preflight =
                            requests.iter().any(|r| to_url(r) && method(r) == "OPTIONS");
                        let saw_request =
                            requests.iter().any(|r| to_url(r) && method(r) != "OPTIONS");
                        let saw_ok = g
                            .get("fetch")
                            .and_then(|f| f.get("ok"))
                            .and_then(|o| o.as_bool())
                            .unwrap_or(false);
                        let got = (saw_preflight, saw_request, saw_ok);
                        let want = (*preflight, *sent, *ok);
                        if got != want {
                            failures.push(format!(
                                "{stem} [{browser}] step {step}: predicted (preflight, sent, ok) = {want:?}, browser {got:?}"
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} disagreement(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The replay must have compared a fair share of the corpus.
    assert!(framing >= 50, "only {framing} framing comparisons");
    assert!(fetches >= 50, "only {fetches} fetch comparisons");
    eprintln!("compared {framing} framing and {fetches} fetch outcomes with the goldens");
}
