//! Agreement with the real browsers: every scenario under `tests/scenarios/` runs
//! through the engine for every browser that has a golden under
//! `tests/oracle/goldens/<scenario>/<browser>.json`, and is compared item by item:
//! each request (URL, method and the cookie names sent, in order), each
//! `document.cookie` read, and each cookie of the final jar.
//!
//! Disagreements we understand and accept are listed in
//! `tests/oracle/known-deviations.txt` with their explanation; the test fails on
//! an unlisted disagreement and on a listed one that now agrees. It prints
//! `oracle agreement: A/T` per browser.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use cookie_doctor_cookie::Time;
use cookie_doctor_engine::{JarCookie, Run};
use cookie_doctor_inputs::{Golden, GoldenCookie, parse_golden, parse_scenario};
use cookie_doctor_profiles::builtin_named;
use cookie_doctor_site::BuiltinPsl;

/// The goldens were recorded on 2026-11-23; dates in scenarios are relative to it.
const START: Time = Time::from_unix(1_795_435_200);

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct Item {
    browser: String,
    scenario: String,
    id: String,
    agrees: bool,
    detail: String,
}

fn main() {
    let root = repo();
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let mut scenarios: Vec<PathBuf> = std::fs::read_dir(root.join("tests/scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    scenarios.sort();

    let mut items: Vec<Item> = Vec::new();
    for path in &scenarios {
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        if filter.as_ref().is_some_and(|f| !stem.contains(f.as_str())) {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        let scenario = parse_scenario(&text, &path.to_string_lossy()).unwrap();
        let golden_dir = root.join("tests/oracle/goldens").join(&stem);
        let Ok(entries) = std::fs::read_dir(&golden_dir) else {
            continue;
        };
        let mut goldens: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
        goldens.sort();
        for golden_path in goldens {
            let browser = golden_path
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .to_string();
            let profile = builtin_named(&browser)
                .unwrap_or_else(|| panic!("{}: no profile named {browser}", golden_path.display()));
            let golden: Golden =
                parse_golden(&std::fs::read_to_string(&golden_path).unwrap()).unwrap();
            let run = cookie_doctor_engine::run(&scenario, &profile, &BuiltinPsl, START);
            for (id, agrees, detail) in compare(&golden, &run) {
                items.push(Item {
                    browser: browser.clone(),
                    scenario: stem.clone(),
                    id,
                    agrees,
                    detail,
                });
            }
        }
    }

    let deviations_path = root.join("tests/oracle/known-deviations.txt");
    let deviations = read_deviations(&deviations_path);
    let mut per_browser: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut unexpected = Vec::new();
    let mut fixed = Vec::new();
    let mut seen_deviations = BTreeSet::new();
    for item in &items {
        let entry = per_browser.entry(item.browser.as_str()).or_default();
        entry.1 += 1;
        let key = (item.browser.clone(), item.scenario.clone(), item.id.clone());
        let listed = deviations.contains(&key);
        if listed {
            seen_deviations.insert(key.clone());
        }
        if item.agrees {
            entry.0 += 1;
            if listed {
                fixed.push(format!("{} {} {}", item.browser, item.scenario, item.id));
            }
        } else if !listed {
            unexpected.push(format!(
                "{} {} {}: {}",
                item.browser, item.scenario, item.id, item.detail
            ));
        }
    }
    let (mut agreed, mut total) = (0, 0);
    for (browser, (a, t)) in &per_browser {
        agreed += a;
        total += t;
        let percent = 100.0 * *a as f64 / (*t).max(1) as f64;
        println!("oracle agreement: {a}/{t} ({percent:.1} %) {browser}");
    }
    println!("oracle agreement: {agreed}/{total} all browsers");
    let stale: Vec<_> = deviations
        .iter()
        .filter(|k| !seen_deviations.contains(*k) && filter.is_none())
        .map(|(b, s, i)| format!("{b} {s} {i}"))
        .collect();
    let mut failed = false;
    if !unexpected.is_empty() {
        failed = true;
        println!("\nunlisted disagreements ({}):", unexpected.len());
        for line in &unexpected {
            println!("  {line}");
        }
    }
    if !fixed.is_empty() {
        failed = true;
        println!("\nlisted in known-deviations.txt but now agreeing (remove them):");
        for line in &fixed {
            println!("  {line}");
        }
    }
    if !stale.is_empty() {
        failed = true;
        println!("\nlisted in known-deviations.txt but no longer compared:");
        for line in &stale {
            println!("  {line}");
        }
    }
    if failed {
        std::process::exit(1);
    }
}

/// `browser scenario item…` followed by ` | explanation`; `#` starts a comment.
fn read_deviations(path: &Path) -> BTreeSet<(String, String, String)> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return BTreeSet::new();
    };
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let key = l.split(" | ").next().unwrap().trim();
            let mut parts = key.splitn(3, ' ');
            let browser = parts.next().unwrap().to_string();
            let scenario = parts.next().expect("scenario").to_string();
            let id = parts.next().expect("item").to_string();
            (browser, scenario, id)
        })
        .collect()
}

fn compare(golden: &Golden, run: &Run) -> Vec<(String, bool, String)> {
    let mut items = Vec::new();
    let Some(grun) = golden.runs.first() else {
        return items;
    };
    for gstep in &grun.steps {
        let estep = run.steps.iter().find(|s| s.index == gstep.index);
        let erequests: Vec<_> = estep
            .map(|s| {
                s.requests
                    .iter()
                    .filter(|r| r.blocked.as_ref().is_none_or(|b| b.by != "mixed-content"))
                    .collect()
            })
            .unwrap_or_default();
        let count = gstep.requests.len().max(erequests.len());
        for i in 0..count {
            let id = format!("step {} request {i}", gstep.index);
            let g = gstep.requests.get(i);
            let e = erequests.get(i);
            let describe_g = g.map(|g| {
                let names: Vec<&str> = g.sent.iter().map(|c| c.name.as_str()).collect();
                format!("{} {} [{}]", g.method, g.url, names.join(", "))
            });
            let describe_e = e.map(|e| {
                let names: Vec<&str> = e.sent.iter().map(|c| &*c.name).collect();
                format!("{} {} [{}]", e.method, e.url, names.join(", "))
            });
            let agrees = describe_g == describe_e;
            items.push((
                id,
                agrees,
                format!(
                    "browser {} / engine {}",
                    describe_g.unwrap_or_else(|| "no request".into()),
                    describe_e.unwrap_or_else(|| "no request".into())
                ),
            ));
        }
        if gstep.kind == "js-read" {
            let e = estep.and_then(|s| s.js_cookie.clone());
            // A read that failed in the browser (an error page) has no value.
            let g = gstep.js_cookie.clone();
            let agrees = g == e || (g.is_none() && gstep.error.is_some() && e.is_none());
            items.push((
                format!("step {} js_cookie", gstep.index),
                agrees,
                format!("browser {g:?} / engine {e:?}"),
            ));
        }
    }
    let key = |name: &str, domain: &str, path: &str, partition: Option<&str>| {
        format!(
            "jar {name}@{domain}{path}{}",
            partition
                .map(|p| format!(" partition {p}"))
                .unwrap_or_default()
        )
    };
    let golden_jar: BTreeMap<String, &GoldenCookie> = grun
        .jar
        .iter()
        .map(|c| (key(&c.name, &c.domain, &c.path, c.partition.as_deref()), c))
        .collect();
    let engine_jar: BTreeMap<String, &JarCookie> = run
        .jar
        .iter()
        .map(|c| (key(&c.name, &c.domain, &c.path, c.partition.as_deref()), c))
        .collect();
    let keys: BTreeSet<&String> = golden_jar.keys().chain(engine_jar.keys()).collect();
    for k in keys {
        let g = golden_jar.get(k).map(|c| {
            format!(
                "value={} host_only={} secure={} http_only={} same_site={} expires={:?}",
                c.value, c.host_only, c.secure, c.http_only, c.same_site, c.expires
            )
        });
        let e = engine_jar.get(k).map(|c| {
            format!(
                "value={} host_only={} secure={} http_only={} same_site={} expires={:?}",
                c.value, c.host_only, c.secure, c.http_only, c.same_site, c.expires
            )
        });
        let agrees = g == e;
        items.push((
            k.clone(),
            agrees,
            format!(
                "browser {} / engine {}",
                g.unwrap_or_else(|| "absent".into()),
                e.unwrap_or_else(|| "absent".into())
            ),
        ));
    }
    items
}
