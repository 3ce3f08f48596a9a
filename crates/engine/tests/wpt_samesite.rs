//! The web-platform-tests `cookies/samesite` vectors (`tests/conformance/wpt-samesite.jsonl`)
//! run through the whole engine, once per profile (`rfc6265bis` and `chrome`).
//!
//! Each vector becomes a scenario (DESIGN.md §5):
//!
//! * the cookies are set as WPT's `resetSameSiteCookies` does: a top-level window
//!   on the cookie's origin (`open …/cookies/resources/puppet.html`) makes a
//!   credentialed same-origin `fetch` of `set_url`, whose `[[response]]` carries
//!   the four `Set-Cookie` lines (`VALUE` replaced by a fixed string);
//! * the test page (`page_url`) is opened;
//! * the request is made from it, by `request_context`: `fetch()` →
//!   `fetch` with `credentials = "include"`; `<img>` → `load as = "image"`;
//!   `<iframe>` → `iframe`; a form with `target=_blank` → `submit` to the
//!   top-level (the engine has one top-level browsing context: the auxiliary
//!   window's navigation is the same request); `window.open()` → `click`;
//! * `redirectWithCORSHeaders.py?status=S&location=L` becomes a `[[response]]`
//!   with that status and location (the response table ignores the query, so two
//!   different redirects at one origin and path in the same vector would make it
//!   not applicable; none of the 93 has that);
//! * `navigate.html?location=L` (iframe vectors) is a document that sets
//!   `window.location = L`: a `submit` (GET) from the frame into itself. WPT
//!   checks the cookies that `L` (`postToParent.py`) receives, so that request is
//!   compared, although the vector's `final_request_url` names `navigate.html`.
//!
//! A vector passes when, for the request to the final URL, each of the four
//! cookies of `expected_in_cookie_header` is sent or not as expected, and (iframe
//! vectors) each of `expected_in_document_cookie_of_frame` is in the frame's
//! `document.cookie` or not as expected. Vectors the scenario format cannot
//! express (reloads) are not applicable, with the reason printed.
//!
//! `tests/wpt-samesite-expected-failures.txt` lists, as `<profile> <id> |
//! <reason>`, the vectors a profile deliberately does not follow. The run fails
//! on an unexpected failure, on a listed vector that passes or is not
//! applicable, and on a listed vector that does not exist. It prints
//! `conformance: P/T passed wpt-samesite (<profile>)`: T counts the applicable
//! vectors, P the passing ones. `CONFORMANCE_QUIET=1` hides the details of
//! expected failures; `WPT_SAMESITE_SHOW=<id>` prints that vector's scenario and
//! what each profile sent.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::process::ExitCode;

use cookie_doctor_cookie::Time;
use cookie_doctor_engine::{Run, StepTrace};
use cookie_doctor_inputs::parse_scenario;
use cookie_doctor_profiles::builtin_named;
use cookie_doctor_site::BuiltinPsl;
use serde_json::Value;
use url::Url;

/// The conformance data, found as the cookie crate's conformance runner finds it.
const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/conformance/");
const FILE: &str = "wpt-samesite.jsonl";
const EXPECTED_FAILURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/wpt-samesite-expected-failures.txt"
);
const PROFILES: &[&str] = &["rfc6265bis", "chrome"];
/// WPT's `VALUE` is a `Math.random()` string; any cookie-value will do.
const COOKIE_VALUE: &str = "0.5";
const START: Time = Time::from_unix(1_795_435_200);
/// The name of the frame the iframe vectors create.
const FRAME: &str = "wpt";

enum Verdict {
    Pass,
    Fail(String),
}

/// A vector as a scenario, and where to look in the run.
struct Translation {
    toml: String,
    /// The URL whose request carries the cookies WPT checks.
    checked_url: Url,
    /// The step making that request.
    request_step: usize,
    /// The `js-read` step of the frame (iframe vectors).
    dom_step: Option<usize>,
}

fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn str_field<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{}: field {key} is not a string", v["id"]))
}

fn query_param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Origin + path: what a `[[response]]` entry answers.
fn response_key(url: &Url) -> String {
    format!("{}{}", url.origin().ascii_serialization(), url.path())
}

struct ResponseSpec {
    url: Url,
    status: Option<u16>,
    location: Option<String>,
    headers: Vec<String>,
}

enum Request {
    Fetch,
    Image,
    Iframe,
    Submit { method: String },
    Click,
}

fn translate(v: &Value) -> Result<Translation, String> {
    let context = str_field(v, "request_context");
    let method = str_field(v, "request_method").to_ascii_uppercase();
    if context.contains("reload") {
        return Err(format!(
            "\"{context}\": the scenario format has no reload step (a reload's same-site status \
             depends on how the reloaded document was first reached)"
        ));
    }
    let request = if context.starts_with("fetch()") {
        if !context.contains("credentials: include") {
            return Err(format!("\"{context}\": unexpected credentials mode"));
        }
        Request::Fetch
    } else if context.starts_with("<img>") {
        Request::Image
    } else if context.starts_with("<iframe> navigation") {
        Request::Iframe
    } else if context.starts_with("form submission, target=_blank") {
        Request::Submit {
            method: method.clone(),
        }
    } else if context.starts_with("window.open()") {
        Request::Click
    } else {
        return Err(format!("\"{context}\": unknown request context"));
    };
    if !matches!(request, Request::Submit { .. }) && method != "GET" {
        return Err(format!("\"{context}\" with method {method}"));
    }

    let page = Url::parse(str_field(v, "page_url")).map_err(|e| format!("page_url: {e}"))?;
    let set_url = Url::parse(&str_field(v, "set_url").replace("VALUE", COOKIE_VALUE))
        .map_err(|e| format!("set_url: {e}"))?;
    let request_url =
        Url::parse(str_field(v, "request_url")).map_err(|e| format!("request_url: {e}"))?;
    let final_url = Url::parse(str_field(v, "final_request_url"))
        .map_err(|e| format!("final_request_url: {e}"))?;

    let set_cookie: Vec<String> = v["set_cookie"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            format!(
                "Set-Cookie: {}",
                l.as_str().unwrap().replace("VALUE", COOKIE_VALUE)
            )
        })
        .collect();
    let mut responses = vec![ResponseSpec {
        url: set_url.clone(),
        status: None,
        location: None,
        headers: set_cookie,
    }];

    // The request URL's own behaviour: a redirect, a navigating document, or the
    // final resource.
    let path = request_url.path();
    let mut then_navigate: Option<Url> = None;
    let checked_url = if path.ends_with("/redirectWithCORSHeaders.py") {
        let status: u16 = query_param(&request_url, "status")
            .and_then(|s| s.parse().ok())
            .ok_or("redirectWithCORSHeaders.py without a status")?;
        let location = query_param(&request_url, "location")
            .ok_or("redirectWithCORSHeaders.py without a location")?;
        let target = Url::parse(&location).map_err(|e| format!("location: {e}"))?;
        if target != final_url {
            return Err(format!(
                "the redirect goes to {target}, final_request_url is {final_url}"
            ));
        }
        // WPT's cookies/resources/redirectWithCORSHeaders.py answers with
        // helpers.setNoCacheAndCORSHeaders: the request's Origin echoed in
        // Access-Control-Allow-Origin, and Access-Control-Allow-Credentials: true
        // (a CORS fetch redirected across origins checks the redirect response).
        responses.push(ResponseSpec {
            url: request_url.clone(),
            status: Some(status),
            location: Some(location),
            headers: vec![
                format!(
                    "Access-Control-Allow-Origin: {}",
                    page.origin().ascii_serialization()
                ),
                "Access-Control-Allow-Credentials: true".to_string(),
            ],
        });
        target
    } else if path.ends_with("/navigate.html") {
        if !matches!(request, Request::Iframe) {
            return Err("navigate.html outside an iframe".into());
        }
        let location =
            query_param(&request_url, "location").ok_or("navigate.html without a location")?;
        let target = Url::parse(&location).map_err(|e| format!("location: {e}"))?;
        then_navigate = Some(target.clone());
        target
    } else {
        if request_url != final_url {
            return Err(format!(
                "no redirect, but final_request_url is {final_url} and request_url {request_url}"
            ));
        }
        request_url.clone()
    };

    // One `[[response]]` per origin + path: two different ones cannot be told apart.
    let mut by_key: BTreeMap<String, &ResponseSpec> = BTreeMap::new();
    for r in &responses {
        if let Some(other) = by_key.insert(response_key(&r.url), r)
            && (other.status, &other.location, &other.headers)
                != (r.status, &r.location, &r.headers)
        {
            return Err(format!(
                "two different responses at {} (the scenario format ignores the query)",
                response_key(&r.url)
            ));
        }
    }

    let mut toml = format!("name = {}\n", toml_str(str_field(v, "id")));
    for r in &responses {
        let _ = writeln!(toml, "\n[[response]]\nurl = {}", toml_str(r.url.as_str()));
        if let Some(status) = r.status {
            let _ = writeln!(toml, "status = {status}");
        }
        if let Some(location) = &r.location {
            let _ = writeln!(toml, "location = {}", toml_str(location));
        }
        if !r.headers.is_empty() {
            let lines: Vec<String> = r.headers.iter().map(|h| toml_str(h)).collect();
            let _ = writeln!(toml, "headers = [{}]", lines.join(", "));
        }
    }

    let mut steps: Vec<String> = Vec::new();
    let mut puppet = set_url.clone();
    puppet.set_path("/cookies/resources/puppet.html");
    puppet.set_query(None);
    steps.push(format!(
        "do = \"open\"\nurl = {}",
        toml_str(puppet.as_str())
    ));
    steps.push(format!(
        "do = \"fetch\"\nurl = {}\ncredentials = \"include\"",
        toml_str(set_url.as_str())
    ));
    steps.push(format!("do = \"open\"\nurl = {}", toml_str(page.as_str())));
    let url = toml_str(request_url.as_str());
    steps.push(match &request {
        Request::Fetch => format!("do = \"fetch\"\nurl = {url}\ncredentials = \"include\""),
        Request::Image => format!("do = \"load\"\nurl = {url}\nas = \"image\""),
        Request::Iframe => format!("do = \"iframe\"\nname = \"{FRAME}\"\nurl = {url}"),
        Request::Submit { method } => {
            format!(
                "do = \"submit\"\nurl = {url}\nmethod = {}\ntarget = \"top\"",
                toml_str(method)
            )
        }
        Request::Click => format!("do = \"click\"\nurl = {url}"),
    });
    if let Some(target) = &then_navigate {
        // navigate.html: `window.location = L`, run by the framed document itself.
        steps.push(format!(
            "do = \"submit\"\nfrom = \"{FRAME}\"\ntarget = \"{FRAME}\"\nmethod = \"GET\"\nurl = {}",
            toml_str(target.as_str())
        ));
    }
    let request_step = steps.len() - 1;
    let dom_step = (matches!(request, Request::Iframe)
        && v.get("expected_in_document_cookie_of_frame").is_some())
    .then(|| {
        steps.push(format!("do = \"js-read\"\nfrom = \"{FRAME}\""));
        steps.len() - 1
    });
    for step in &steps {
        let _ = writeln!(toml, "\n[[step]]\n{step}");
    }
    Ok(Translation {
        toml,
        checked_url,
        request_step,
        dom_step,
    })
}

/// The cookie names in a `document.cookie` string.
fn dom_names(s: &str) -> Vec<String> {
    s.split("; ")
        .filter(|p| !p.is_empty())
        .map(|p| p.split('=').next().unwrap_or_default().to_string())
        .collect()
}

fn compare(
    label: &str,
    expected: &serde_json::Map<String, Value>,
    got: &[String],
    out: &mut Vec<String>,
) {
    for (name, want) in expected {
        let want = want.as_bool().unwrap();
        let have = got.iter().any(|n| n == name);
        if want != have {
            out.push(format!(
                "{label}: {name} expected {}, got {}",
                if want { "present" } else { "absent" },
                if have { "present" } else { "absent" }
            ));
        }
    }
}

fn judge(v: &Value, t: &Translation, run: &Run) -> Verdict {
    let Some(step) = run.steps.get(t.request_step) else {
        return Verdict::Fail("the run has no request step".into());
    };
    if let Some(error) = run.steps.iter().find_map(|s| s.error.as_ref()) {
        return Verdict::Fail(format!("step error: {error}"));
    }
    let Some(request) = step.requests.last() else {
        return Verdict::Fail("the request step made no request".into());
    };
    let url = Url::parse(&request.url).unwrap();
    if response_key(&url) != response_key(&t.checked_url) {
        return Verdict::Fail(format!(
            "the last request went to {url}, expected {}",
            t.checked_url
        ));
    }
    if let Some(blocked) = &request.blocked {
        return Verdict::Fail(format!("the request was blocked by {}", blocked.by));
    }
    let sent: Vec<String> = request.sent.iter().map(|c| c.name.to_string()).collect();
    let mut problems = Vec::new();
    compare(
        "Cookie header",
        v["expected_in_cookie_header"].as_object().unwrap(),
        &sent,
        &mut problems,
    );
    let mut dom = None;
    if let (Some(i), Some(expected)) = (
        t.dom_step,
        v.get("expected_in_document_cookie_of_frame")
            .and_then(Value::as_object),
    ) {
        let read = run
            .steps
            .get(i)
            .and_then(|s: &StepTrace| s.js_cookie.clone());
        let names = dom_names(read.as_deref().unwrap_or_default());
        compare("document.cookie", expected, &names, &mut problems);
        dom = Some(names);
    }
    if problems.is_empty() {
        Verdict::Pass
    } else {
        let mut detail = format!("{} (sent: [{}]", problems.join("; "), sent.join(", "));
        if let Some(names) = dom {
            let _ = write!(detail, ", document.cookie: [{}]", names.join(", "));
        }
        let _ = write!(
            detail,
            ", same_site={}, site_for_cookies={:?})",
            request.same_site, request.site_for_cookies
        );
        Verdict::Fail(detail)
    }
}

struct ExpectedFailure {
    reason: String,
    used: bool,
}

fn load_expected_failures() -> BTreeMap<(String, String), ExpectedFailure> {
    let path = EXPECTED_FAILURES;
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut out = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, reason)) = line.split_once(" | ") else {
            panic!("{path}:{}: expected `<profile> <id> | <reason>`", n + 1);
        };
        let mut words = key.split_whitespace();
        let (Some(profile), Some(id), None) = (words.next(), words.next(), words.next()) else {
            panic!("{path}:{}: expected `<profile> <id> | <reason>`", n + 1);
        };
        if !PROFILES.contains(&profile) {
            panic!("{path}:{}: profile {profile} is not run", n + 1);
        }
        let entry = ExpectedFailure {
            reason: reason.trim().to_string(),
            used: false,
        };
        if out
            .insert((profile.to_string(), id.to_string()), entry)
            .is_some()
        {
            panic!("{path}:{}: {profile} {id} is listed twice", n + 1);
        }
    }
    out
}

fn main() -> ExitCode {
    let quiet = std::env::var_os("CONFORMANCE_QUIET").is_some();
    let show = std::env::var("WPT_SAMESITE_SHOW").ok();
    let path = format!("{DIR}{FILE}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let vectors: Vec<Value> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| serde_json::from_str(l).unwrap_or_else(|e| panic!("{path}:{}: {e}", n + 1)))
        .collect();
    let profiles: Vec<_> = PROFILES
        .iter()
        .map(|name| builtin_named(name).unwrap_or_else(|| panic!("no profile named {name}")))
        .collect();

    let mut expected = load_expected_failures();
    let mut problems: Vec<String> = Vec::new();
    let mut not_applicable: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut tally: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    let mut seen = std::collections::BTreeSet::new();

    for v in &vectors {
        let id = str_field(v, "id").to_string();
        if !seen.insert(id.clone()) {
            problems.push(format!("duplicate id {id}"));
        }
        let translation = translate(v);
        if show.as_deref() == Some(id.as_str()) {
            match &translation {
                Ok(t) => println!("--- {id}\n{}", t.toml),
                Err(why) => println!("--- {id}: not applicable: {why}"),
            }
        }
        let translation = match translation {
            Ok(t) => t,
            Err(why) => {
                for profile in PROFILES {
                    if expected.contains_key(&(profile.to_string(), id.clone())) {
                        problems.push(format!(
                            "{profile} {id}: listed as an expected failure but not applicable"
                        ));
                    }
                }
                not_applicable.entry(why).or_default().push(id);
                continue;
            }
        };
        let scenario = parse_scenario(&translation.toml, &id)
            .unwrap_or_else(|e| panic!("{id}: the translated scenario does not parse: {e}"));
        for (name, profile) in PROFILES.iter().zip(&profiles) {
            let run = cookie_doctor_engine::run(&scenario, profile, &BuiltinPsl, START);
            if show.as_deref() == Some(id.as_str()) {
                for step in &run.steps {
                    for r in &step.requests {
                        let sent: Vec<&str> = r.sent.iter().map(|c| &*c.name).collect();
                        println!(
                            "{name} step {} {} {} {} same_site={} sent=[{}]",
                            step.index,
                            step.kind,
                            r.method,
                            r.url,
                            r.same_site,
                            sent.join(", ")
                        );
                    }
                    if let Some(js) = &step.js_cookie {
                        println!("{name} step {} document.cookie = {js:?}", step.index);
                    }
                    if let Some(error) = &step.error {
                        println!("{name} step {} error: {error}", step.index);
                    }
                }
            }
            let verdict = judge(v, &translation, &run);
            let counts = tally.entry(name).or_default();
            counts.1 += 1;
            let listed = expected.get_mut(&(name.to_string(), id.clone()));
            match (verdict, listed) {
                (Verdict::Pass, None) => counts.0 += 1,
                (Verdict::Pass, Some(entry)) => {
                    entry.used = true;
                    problems.push(format!(
                        "UNEXPECTED PASS {name} {id}: listed as an expected failure ({}); remove \
                         it from wpt-samesite-expected-failures.txt",
                        entry.reason
                    ));
                }
                (Verdict::Fail(detail), None) => {
                    problems.push(format!("UNEXPECTED FAILURE {name} {id}\n      {detail}"));
                }
                (Verdict::Fail(detail), Some(entry)) => {
                    entry.used = true;
                    counts.2 += 1;
                    if !quiet {
                        println!(
                            "expected failure {name} {id}: {}\n      {detail}",
                            entry.reason
                        );
                    }
                }
            }
        }
    }

    for ((profile, id), entry) in &expected {
        if !entry.used && seen.contains(id) {
            // Already reported as listed but not applicable.
        } else if !entry.used {
            problems.push(format!(
                "{profile} {id}: listed in wpt-samesite-expected-failures.txt but no such vector"
            ));
        }
    }

    println!();
    let na_total: usize = not_applicable.values().map(Vec::len).sum();
    for (why, ids) in &not_applicable {
        println!(
            "conformance: not applicable ({} vectors) {why}: {}",
            ids.len(),
            ids.join(", ")
        );
    }
    println!(
        "conformance: {na_total} of {} vectors not applicable wpt-samesite",
        vectors.len()
    );
    for name in PROFILES {
        let (pass, applicable, expected_failures) = tally.get(name).copied().unwrap_or_default();
        println!("conformance: expected failures ({name}): {expected_failures}");
        println!("conformance: {pass}/{applicable} passed wpt-samesite ({name})");
    }

    if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        println!();
        for p in &problems {
            println!("{p}");
        }
        println!("conformance: {} problem(s)", problems.len());
        ExitCode::FAILURE
    }
}
