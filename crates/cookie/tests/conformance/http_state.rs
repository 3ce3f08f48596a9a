//! `http-state.jsonl`: the IETF http-state parser suite as carried by WPT.
//!
//! The original harness: the user agent fetches `set_url` (a top-level
//! navigation), the response carries the Set-Cookie lines, the user agent follows
//! the redirect to `request_url` and the server compares that request's Cookie
//! header with the expected one. We run exactly that: every line over HTTP at
//! `set_url`, then the Cookie header of a same-site top-level GET of
//! `request_url`.

use cookie_doctor_site::BuiltinPsl;
use serde_json::Value;

use crate::common::{Browser, Case, Verdict, check, id_of, show_lines, str_field, str_list};

pub fn run(records: &[Value]) -> Vec<Case> {
    records
        .iter()
        .map(|r| Case::new(id_of(r), run_one(r)))
        .collect()
}

fn run_one(r: &Value) -> Verdict {
    // The suite's own `disabled-` files are cases its authors took out of the run.
    if r.get("flag").and_then(Value::as_str) == Some("disabled") {
        return Verdict::NotApplicable(
            "disabled by the suite itself (`disabled-` test file)".into(),
        );
    }
    let psl = BuiltinPsl;
    let mut browser = Browser::new(&psl, crate::common::wpt_clock());
    let set_url = str_field(r, "set_url");
    let request_url = str_field(r, "request_url");
    let lines: Vec<Vec<u8>> = str_list(r, "set_cookie")
        .into_iter()
        .map(String::into_bytes)
        .collect();
    // One record (attribute0023) carries an expectation WPT rewrote for its own
    // harness (reading at the setter's path); the record keeps the expectation of
    // the original redirect harness, which is the one we run.
    let expected = if r.get("expectation_harness").and_then(Value::as_str) == Some("wpt") {
        str_field(r, "original_harness_expected_cookie_header")
    } else {
        str_field(r, "expected_cookie_header")
    };
    for line in &lines {
        if let Err(e) = browser.http_set(set_url, line, true, true) {
            return Verdict::Fail(e);
        }
    }
    match browser.http_get(request_url, true, true) {
        Ok(header) => check(
            &format!(
                "Set-Cookie {} at {set_url}, Cookie at {request_url}",
                show_lines(&lines)
            ),
            expected.as_bytes(),
            &header,
        ),
        Err(e) => Verdict::Fail(e),
    }
}
