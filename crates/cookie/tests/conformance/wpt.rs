//! The `wpt-*.jsonl` files (except SameSite): the WPT cookie helpers, mapped onto
//! one jar.
//!
//! * `httpCookieTest` / `mechanism: http`: each line arrives as a Set-Cookie
//!   header of a same-site subresource response from `set_url` (HTTP delivery:
//!   see [`crate::common::deliver_http`]); the read is `document.cookie` of the
//!   document at `read_url` (HttpOnly cookies invisible) or the Cookie header of
//!   a same-site request to it, as `read_via` says.
//! * `httpRedirectCookieTest` / `http-redirect`: the same; the read is the
//!   document at the Location (`read_url`).
//! * `domCookieTest` / `document.cookie`: each line is a `document.cookie`
//!   assignment in the document at `set_url` (a non-HTTP API).
//! * `steps`: the operations in order, on one jar.
//!
//! Records with `cross_site: true` (the `__Secure-` tests run against
//! `not-web-platform.test`) set and read through cross-site fetches.
//! Placeholders: `VALUE` (a `Math.random()` string) becomes a fixed number,
//! `NEXT_YEAR` the year after the fixed clock's.

use std::collections::BTreeMap;

use cookie_doctor_site::BuiltinPsl;
use serde_json::Value;

use crate::common::{
    Browser, Case, Verdict, check, has_pair, hex, id_of, opt_str, pairs, show, show_lines,
    str_field, str_list, wpt_clock,
};

/// What `Math.random()` gave, in our runs.
const VALUE: &str = "0.8675309";

pub fn run(records: &[Value]) -> Vec<Case> {
    records
        .iter()
        .map(|r| Case::new(id_of(r), run_one(r).unwrap_or_else(Verdict::Fail)))
        .collect()
}

/// Replaces the record's placeholders in a string.
fn substitute(r: &Value, s: &str) -> String {
    let mut out = s.to_string();
    if r.get("value_placeholder").is_some() {
        out = out.replace("VALUE", VALUE);
    }
    if r.get("placeholders")
        .and_then(|p| p.get("NEXT_YEAR"))
        .is_some()
    {
        let (year, ..) = wpt_clock().to_utc();
        out = out.replace("NEXT_YEAR", &(year + 1).to_string());
    }
    out
}

/// The bytes of the lines that set the cookies (raw bytes when the record has them).
fn set_lines(r: &Value) -> Vec<Vec<u8>> {
    if let Some(hexes) = r.get("set_cookie_hex").and_then(Value::as_array) {
        return hexes
            .iter()
            .map(|h| hex(h.as_str().unwrap_or_default()))
            .collect();
    }
    str_list(r, "set_cookie")
        .iter()
        .map(|s| substitute(r, s).into_bytes())
        .collect()
}

fn run_one(r: &Value) -> Result<Verdict, String> {
    let psl = BuiltinPsl;
    let mut browser = Browser::new(&psl, wpt_clock());
    let mechanism = str_field(r, "mechanism");
    if mechanism == "steps" {
        return run_steps(r, &mut browser);
    }
    let same_site = !r
        .get("cross_site")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let set_url = str_field(r, "set_url");
    let lines = set_lines(r);
    for line in &lines {
        match mechanism {
            "http" | "http-redirect" => browser.http_set(set_url, line, same_site, false)?,
            "document.cookie" => browser.script_set(set_url, line, same_site)?,
            other => return Err(format!("unknown mechanism {other}")),
        };
    }

    let read_url = str_field(r, "read_url");
    let read_via = str_field(r, "read_via");
    let how = if mechanism == "document.cookie" {
        "document.cookie ="
    } else {
        "Set-Cookie"
    };
    let input = format!(
        "{how} {} at {set_url}; read {read_via} at {read_url}",
        show_lines(&lines)
    );

    if let Some(expected) = opt_str(r, "expected") {
        // The exact document.cookie string at read_url.
        let got = if read_via == "document.cookie" {
            browser.script_get(read_url)?
        } else {
            browser.http_get(read_url, same_site, false)?
        };
        return Ok(check(&input, expected.as_bytes(), &got));
    }
    if let Some(expected) = opt_str(r, "expected_cookie_header") {
        let got = browser.http_get(read_url, same_site, false)?;
        return Ok(check(&input, expected.as_bytes(), &got));
    }
    let prefix = match (
        opt_str(r, "expected_cookie_header_prefix"),
        opt_str(r, "expected_cookie_header_prefix_hex"),
    ) {
        (Some(p), _) => Some(p.as_bytes().to_vec()),
        (None, Some(h)) => Some(hex(h)),
        (None, None) => None,
    };
    if let Some(prefix) = prefix {
        let got = browser.http_get(read_url, same_site, false)?;
        return Ok(if got.starts_with(&prefix) {
            Verdict::Pass
        } else {
            Verdict::Fail(format!(
                "{input}\n      expected a Cookie header starting with {}\n      actual:   {}",
                show(&prefix),
                show(&got)
            ))
        });
    }
    if let Some(map) = r.get("expected_cookie_map").and_then(Value::as_object) {
        // list.py echoes the request's cookies as a JSON object (a later pair
        // with the same name overwrites an earlier one).
        let got = browser.http_get(read_url, same_site, false)?;
        let actual: BTreeMap<String, String> = pairs(&got)
            .into_iter()
            .map(|(n, v)| {
                (
                    String::from_utf8_lossy(&n).into_owned(),
                    String::from_utf8_lossy(&v).into_owned(),
                )
            })
            .collect();
        let expected: BTreeMap<String, String> = map
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
            .collect();
        return Ok(if actual == expected {
            Verdict::Pass
        } else {
            Verdict::Fail(format!(
                "{input}\n      expected: {expected:?}\n      actual:   {actual:?}"
            ))
        });
    }
    if let Some(presence) = r.get("expected_presence") {
        let name = substitute(r, str_field(presence, "name"));
        let value = substitute(r, str_field(presence, "value"));
        let mut problems = Vec::new();
        if let Some(want) = presence.get("in_document_cookie").and_then(Value::as_bool) {
            // The document that reads is read_url when that is the document, else
            // the test page itself.
            let doc = if read_via.starts_with("document.cookie") {
                read_url
            } else {
                str_field(r, "page_url")
            };
            let got = browser.script_get(doc)?;
            if has_pair(&got, name.as_bytes(), value.as_bytes()) != want {
                problems.push(format!(
                    "document.cookie at {doc} should {}contain {name}={value}: {}",
                    if want { "" } else { "not " },
                    show(&got)
                ));
            }
        }
        if let Some(want) = presence.get("in_cookie_header").and_then(Value::as_bool) {
            let got = browser.http_get(read_url, same_site, false)?;
            if has_pair(&got, name.as_bytes(), value.as_bytes()) != want {
                problems.push(format!(
                    "the Cookie header to {read_url} should {}contain {name}={value}: {}",
                    if want { "" } else { "not " },
                    show(&got)
                ));
            }
        }
        return Ok(if problems.is_empty() {
            Verdict::Pass
        } else {
            Verdict::Fail(format!("{input}\n      {}", problems.join("\n      ")))
        });
    }
    Err(format!("no expectation field in {}", id_of(r)))
}

/// `mechanism: steps`: set-cookie-http, expect-cookie-header,
/// expect-document-cookie and expect-http-only, in order, on one jar.
fn run_steps(r: &Value, browser: &mut Browser<'_>) -> Result<Verdict, String> {
    let page = str_field(r, "page_url");
    let steps = r
        .get("steps")
        .and_then(Value::as_array)
        .ok_or("steps record without steps")?;
    let mut log = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let op = str_field(step, "op");
        match op {
            "set-cookie-http" => {
                let at = str_field(step, "url");
                let lines: Vec<Vec<u8>> = str_list(step, "set_cookie")
                    .into_iter()
                    .map(String::into_bytes)
                    .collect();
                for line in &lines {
                    browser.http_set(at, line, true, false)?;
                }
                log.push(format!("Set-Cookie {} at {at}", show_lines(&lines)));
            }
            "expect-cookie-header" | "expect-document-cookie" => {
                let at = str_field(step, "url");
                let expected = str_field(step, "expected");
                let got = if op == "expect-cookie-header" {
                    browser.http_get(at, true, false)?
                } else {
                    browser.script_get(at)?
                };
                if got != expected.as_bytes() {
                    return Ok(Verdict::Fail(format!(
                        "steps: {}\n      step {i} {op} at {at}: expected {}, actual {}",
                        log.join("; "),
                        show(expected.as_bytes()),
                        show(&got)
                    )));
                }
                log.push(format!("{op} ok"));
            }
            "expect-http-only" => {
                // The WPT probe: `document.cookie = "NAME=overwritten; Path=/"` is
                // refused iff the stored cookie is HttpOnly; then look for the
                // overwritten value in the Cookie header.
                let name = str_field(step, "name");
                let want = step
                    .get("expected")
                    .and_then(Value::as_bool)
                    .ok_or("expect-http-only without a boolean")?;
                let probe = format!("{name}=overwritten; Path=/");
                browser.script_set(page, probe.as_bytes(), true)?;
                let header = browser.http_get(page, true, false)?;
                let http_only = !has_pair(&header, name.as_bytes(), b"overwritten");
                if http_only != want {
                    return Ok(Verdict::Fail(format!(
                        "steps: {}\n      step {i} expect-http-only {name}: expected {want}, actual {http_only} (Cookie: {})",
                        log.join("; "),
                        show(&header)
                    )));
                }
                log.push(format!("{op} {name} ok"));
            }
            other => return Err(format!("unknown step {other}")),
        }
    }
    Ok(Verdict::Pass)
}
