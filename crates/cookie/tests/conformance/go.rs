//! Go's `net/http/cookiejar` tests: the jar tables (`other-go-cookiejar.jsonl`)
//! and the function tables (`other-go-cookiejar-functions.jsonl`).
//!
//! Go's harness (`jarTest.run`): the clock starts at tNow = 2013-01-01T12:00:00Z
//! for every test; the Set-Cookie lines are stored at `set_url` at tNow; the jar
//! content is checked at tNow+1.001s and query k (0-based) runs at
//! tNow+(k+2)*1.001s. Our clock has whole seconds, so those instants are
//! truncated (1 s, 2 s, 3 s, …), which keeps every "expired at" comparison of
//! the tables on the same side. A jar is fresh per test unless the table shares
//! one ("one jar shared by the tests, in order"). The test PSL is `co.uk` plus
//! the implicit `*` rule; Go's Cookies() is an HTTP API, so HttpOnly cookies are
//! returned, as our HTTP retrieval does.

use cookie_doctor_cookie::default_path;
use cookie_doctor_cookie::{Api, CookieJar, CookieUrl, Env, SetContext, SetOutcome, Time};
use cookie_doctor_site::{FilePsl, Host, PublicSuffixList};
use serde_json::Value;

use crate::common::{Browser, Case, Verdict, id_of, show_lines, str_field, str_list};

/// Go's test PSL: `co.uk` and the default rule. The buggy entries
/// (`www.buggy.psl` → `xy`) return suffixes that are not suffixes of the name,
/// which no list file can express; no jar test uses them.
fn test_psl() -> FilePsl {
    FilePsl::parse(
        "// ===BEGIN ICANN DOMAINS===\nco.uk\n// ===END ICANN DOMAINS===\n",
        "Go test PSL",
    )
    .unwrap()
}

/// Go's `jarKey` with a nil PSL keeps the last two labels: a list with only the
/// implicit `*` rule. The list reader refuses an empty list, so it holds the one
/// rule `invalid` (a reserved TLD), which says what the implicit rule says.
fn empty_psl() -> FilePsl {
    FilePsl::parse(
        "// ===BEGIN ICANN DOMAINS===\ninvalid\n// ===END ICANN DOMAINS===\n",
        "empty PSL",
    )
    .unwrap()
}

fn t_now() -> Time {
    Time::from_utc(2013, 1, 1, 12, 0, 0).unwrap()
}

/// tNow + n × 1.001 s, truncated to whole seconds.
fn tick(n: i64) -> Time {
    t_now().plus(n * 1001 / 1000)
}

pub fn run_jar(records: &[Value]) -> Vec<Case> {
    let psl = test_psl();
    let mut shared: Option<(String, CookieJar)> = None;
    let mut out = Vec::new();
    for r in records {
        let id = id_of(r);
        let table = id.split('#').next().unwrap_or_default().to_string();
        let mode = str_field(r, "jar_mode");
        let mut browser = Browser::new(&psl, t_now());
        let sharing = mode.starts_with("one jar shared");
        if sharing
            && let Some((t, jar)) = shared.take()
            && t == table
        {
            browser.jar = jar;
        }
        let verdict = run_one(r, &mut browser).unwrap_or_else(Verdict::Fail);
        if sharing {
            shared = Some((table, std::mem::take(&mut browser.jar)));
        }
        out.push(Case::new(id, verdict));
    }
    out
}

fn run_one(r: &Value, browser: &mut Browser<'_>) -> Result<Verdict, String> {
    let set_url = str_field(r, "set_url");
    let lines: Vec<Vec<u8>> = str_list(r, "set_cookie")
        .into_iter()
        .map(String::into_bytes)
        .collect();
    browser.now = t_now();
    for line in &lines {
        browser.http_set(set_url, line, true, true)?;
    }
    let input = format!("Set-Cookie {} at {set_url}", show_lines(&lines));

    // The jar content: sorted name=value of the cookies not expired at +1.001 s.
    browser.now = tick(1);
    let mut content: Vec<String> = browser
        .jar
        .cookies()
        .iter()
        .filter(|c| !c.is_expired(browser.now))
        .map(|c| String::from_utf8_lossy(&c.pair()).into_owned())
        .collect();
    content.sort();
    let content = content.join(" ");
    let expected_content = str_field(r, "expected_jar_content");
    let mut problems = Vec::new();
    if content != expected_content {
        problems.push(format!(
            "jar content: expected {expected_content:?}, actual {content:?}"
        ));
    }
    let queries = r.get("queries").and_then(Value::as_array).cloned();
    for (k, q) in queries.unwrap_or_default().iter().enumerate() {
        browser.now = tick(k as i64 + 2);
        let to = str_field(q, "request_url");
        let expected = str_field(q, "expected_cookies");
        // A URL the URL parser refuses (`http://www.fancy.192.168.0.10`: a numeric
        // last label that is no IPv4 address) is a request a browser never makes,
        // so it carries no cookies, which is what the table expects of Go.
        let header = match crate::common::url(to) {
            Ok(_) => browser.http_get(to, true, true)?,
            Err(_) => Vec::new(),
        };
        let got: Vec<String> = crate::common::pairs(&header)
            .into_iter()
            .map(|(n, v)| {
                let mut p = n;
                p.push(b'=');
                p.extend(v);
                String::from_utf8_lossy(&p).into_owned()
            })
            .collect();
        let got = got.join(" ");
        if got != expected {
            problems.push(format!(
                "query {k} {to}: expected {expected:?}, actual {got:?}"
            ));
        }
    }
    Ok(if problems.is_empty() {
        Verdict::Pass
    } else {
        Verdict::Fail(format!("{input}\n      {}", problems.join("\n      ")))
    })
}

// ---- the function tables ----

pub fn run_functions(records: &[Value]) -> Vec<Case> {
    let test_psl = test_psl();
    let empty = empty_psl();
    records
        .iter()
        .map(|r| {
            let id = id_of(r);
            let function = str_field(r, "function");
            let args = str_list(r, "args");
            let arg = args.first().cloned().unwrap_or_default();
            let expected = r.get("expected").cloned().unwrap_or(Value::Null);
            let verdict = if function.starts_with("canonicalHost") {
                compare(&arg, &expected, canonical_host(&arg))
            } else if function.starts_with("hasPort") {
                Verdict::NotApplicable(
                    "hasPort splits Go's host[:port] strings; our hosts come from the URL \
                     parser, which separates the port"
                        .into(),
                )
            } else if function.starts_with("jarKey(host, testPSL)") {
                if arg.contains("buggy.psl") || arg.ends_with('.') {
                    Verdict::NotApplicable(
                        "the test PSL's answer is not one a list file can express: its buggy \
                         entries return a suffix that is not a suffix of the name, and for a \
                         name ending in a dot it returns the empty string"
                            .into(),
                    )
                } else {
                    compare(&arg, &expected, Value::from(jar_key(&arg, &test_psl)))
                }
            } else if function.starts_with("jarKey(host, nil PSL)") {
                compare(&arg, &expected, Value::from(jar_key(&arg, &empty)))
            } else if function.starts_with("isIP") {
                compare(&arg, &expected, Value::from(is_ip(&arg)))
            } else if function.starts_with("defaultPath") {
                let got = String::from_utf8_lossy(default_path(arg.as_bytes())).into_owned();
                compare(&arg, &expected, Value::from(got))
            } else if function.starts_with("jar.domainAndType") {
                let attr = args.get(1).cloned().unwrap_or_default();
                compare(
                    &format!("host {arg:?}, Domain {attr:?}"),
                    &normalise_expected(&expected),
                    domain_and_type(&arg, &attr, &test_psl),
                )
            } else {
                Verdict::Fail(format!("unknown function {function}"))
            };
            Case::new(id, verdict)
        })
        .collect()
}

fn compare(input: &str, expected: &Value, actual: Value) -> Verdict {
    if *expected == actual {
        Verdict::Pass
    } else {
        Verdict::Fail(format!(
            "input: {input:?}\n      expected: {expected}\n      actual:   {actual}"
        ))
    }
}

/// Go writes IPv6 hosts without brackets; URLs and our hosts have them.
fn bracket_ipv6(host: &str) -> String {
    if host.contains(':') && !host.starts_with('[') && host.parse::<std::net::Ipv6Addr>().is_ok() {
        format!("[{host}]")
    } else {
        host.to_string()
    }
}

fn unbracket(host: &str) -> String {
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
        .to_string()
}

/// canonicalHost(host[:port]): our request-host canonicalisation is the host of
/// the request URL (RFC 6265bis §5.1.2 via the URL host parser).
fn canonical_host(host: &str) -> Value {
    match CookieUrl::parse(&format!("http://{}/", bracket_ipv6(host))) {
        Ok(u) => Value::from(unbracket(u.host_text())),
        Err(_) => Value::from("error"),
    }
}

/// jarKey: the registrable domain (eTLD+1) the jar is keyed on, or the host.
fn jar_key(host: &str, psl: &dyn PublicSuffixList) -> String {
    if Host::parse(&bracket_ipv6(host)).is_ok_and(|h| h.is_ip()) {
        return host.to_string();
    }
    psl.registrable_domain(host).unwrap_or(host).to_string()
}

fn is_ip(host: &str) -> bool {
    Host::parse(&bracket_ipv6(host)).is_ok_and(|h| h.is_ip())
}

/// domainAndType(host, domainAttr): what the storage model makes of a Domain
/// attribute (§5.7 steps 7–10) for a cookie from `http://host/`: the cookie's
/// domain and host-only-flag, or an error when it is ignored.
fn domain_and_type(host: &str, attr: &str, psl: &dyn PublicSuffixList) -> Value {
    let error = || serde_json::json!({"domain": "", "host_only": false, "error": "error"});
    let Ok(url) = CookieUrl::parse(&format!("http://{}/", bracket_ipv6(host))) else {
        return error();
    };
    let line = if attr.is_empty() {
        "a=1".to_string()
    } else {
        format!("a=1; Domain={attr}")
    };
    let policy = cookie_doctor_cookie::Policy::rfc6265bis();
    let env = Env {
        now: t_now(),
        psl,
        policy: &policy,
    };
    let ctx = SetContext {
        api: Api::Http,
        ..SetContext::top_level(&url)
    };
    match CookieJar::new().set(line.as_bytes(), &ctx, &env) {
        SetOutcome::Stored { cookie, .. } => serde_json::json!({
            "domain": unbracket(&cookie.domain),
            "host_only": cookie.host_only,
            "error": null,
        }),
        _ => error(),
    }
}

/// Matches an expected Go error (any error kind) against ours.
fn normalise_expected(v: &Value) -> Value {
    match v {
        Value::Object(m) if m.get("error").is_some_and(|e| !e.is_null()) => {
            serde_json::json!({"domain": "", "host_only": false, "error": "error"})
        }
        other => other.clone(),
    }
}
