//! `other-abarth-dates.jsonl`: the cookie-date algorithm (RFC 6265bis §5.1.1).
//! `expected_utc` is the parsed date in IMF-fixdate form, or null for a failure.

use cookie_doctor_cookie::parse_cookie_date;
use serde_json::Value;

use crate::common::{Case, Verdict, id_of, show, str_field};

pub fn run(records: &[Value]) -> Vec<Case> {
    records
        .iter()
        .map(|r| {
            let input = str_field(r, "cookie_date");
            let expected = r.get("expected_utc").and_then(Value::as_str);
            let actual = parse_cookie_date(input.as_bytes()).map(|t| t.to_http_date());
            let verdict = if actual.as_deref() == expected {
                Verdict::Pass
            } else {
                Verdict::Fail(format!(
                    "input: {}\n      expected: {expected:?}\n      actual:   {actual:?}",
                    show(input.as_bytes())
                ))
            };
            Case::new(id_of(r), verdict)
        })
        .collect()
}
