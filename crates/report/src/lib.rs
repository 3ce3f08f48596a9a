//! Reports: render what diagnosis produced. Text for people (colour only when
//! asked, i.e. on a terminal), JSON for tools. Nothing is computed here.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod browser_doc;
pub mod check_json;
pub mod har_text;
pub mod markdown;
pub mod profiles_doc;
pub mod rules_doc;
pub mod sarif;
mod style;
pub mod text;
pub mod timeline_svg;
pub mod trace_text;

pub use check_json::{check_json_compact, check_json_compact_bytes};
pub use style::Style;

/// Renders any report as pretty JSON with a trailing newline (what the CLI
/// prints: people read it too).
pub fn to_json<T: serde::Serialize>(value: &T) -> String {
    // Reports run to tens of kilobytes: start big rather than grow from zero.
    let mut out = Vec::with_capacity(64 * 1024);
    let written = serde_json::to_writer_pretty(&mut out, value);
    finish(written, out)
}

/// Renders any report as compact JSON (no whitespace between tokens) with a
/// trailing newline: the same JSON value as [`to_json`], a third smaller and
/// cheaper to write. The web API answers this way; programs parse it, and the
/// page indents what it shows.
///
/// Written by `sonic-rs` (its SIMD string escaping makes the API's largest
/// answer ~40 % cheaper to write); its text is byte for byte serde_json's
/// compact text (a unit test holds it to that), and should it ever refuse a
/// value, serde_json writes it.
pub fn to_json_compact<T: serde::Serialize>(value: &T) -> String {
    // Reports run to tens of kilobytes: start big rather than grow from zero.
    let mut out = Vec::with_capacity(64 * 1024);
    let written = sonic_rs::to_writer(&mut out, value).map(|()| String::from_utf8(out));
    match written {
        Ok(Ok(mut s)) => {
            s.push('\n');
            s
        }
        _ => {
            let mut out = Vec::new();
            let written = serde_json::to_writer(&mut out, value);
            finish(written, out)
        }
    }
}

fn finish(written: serde_json::Result<()>, out: Vec<u8>) -> String {
    let text = written
        .map_err(|e| e.to_string())
        .and_then(|()| String::from_utf8(out).map_err(|e| e.to_string()));
    match text {
        Ok(mut s) => {
            s.push('\n');
            s
        }
        // Our report types serialise infallibly (no maps with non-string keys).
        Err(e) => format!("{{\"error\": {}}}\n", serde_json::Value::String(e)),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn compact_json_is_serde_json_text_byte_for_byte() {
        // Every control character, the characters JSON escapes, non-ASCII
        // (kept as is), numbers at their limits, nulls and empty containers.
        let controls: String = (0u8..0x20).map(char::from).chain(['\u{7f}']).collect();
        let value = serde_json::json!({
            "controls": controls,
            "escapes": "quote \" backslash \\ slash / tab\t",
            "unicode": "caf\u{e9} \u{2028} \u{1f36a} \u{fffd}",
            "numbers": [0, -1, i64::MIN, i64::MAX, u64::MAX, 443u16],
            "empty": {"list": [], "map": {}, "text": "", "nothing": null},
            "flags": [true, false],
        });
        let report = sample_reports();
        // `assert!` rather than `assert_eq!`: the report runs to 50 KB.
        assert!(to_json_compact(&value) == serde_json::to_string(&value).unwrap() + "\n");
        assert!(to_json_compact(&report) == serde_json::to_string(&report).unwrap() + "\n");
        for one in &report {
            assert!(check_json_compact(one) == serde_json::to_string(one).unwrap() + "\n");
            assert!(check_json_compact_bytes(one) == check_json_compact(one).into_bytes());
        }
    }

    /// A check report of a bundled story, as typed values.
    fn sample_reports() -> Vec<cookie_doctor_diagnose::check::CheckReport> {
        use cookie_doctor_diagnose::check::check;
        use cookie_doctor_diagnose::matrix::Deployment;
        let lines: Vec<String> =
            include_str!("../../../examples/set-cookie/embedded-dashboard.txt")
                .lines()
                .filter_map(|l| l.strip_prefix("Set-Cookie: "))
                .map(str::to_string)
                .collect();
        let deployment = Deployment {
            url: url::Url::parse("https://app.example.com/dashboard").unwrap(),
            embedded_in: vec![
                cookie_doctor_site::Origin::parse("https://partner.example").unwrap(),
            ],
            called_from: Vec::new(),
            headers: vec!["X-Frame-Options: DENY".into()],
        };
        let profiles = cookie_doctor_profiles::builtin();
        vec![check(
            &lines,
            &deployment,
            &profiles,
            &cookie_doctor_site::BuiltinPsl,
            cookie_doctor_cookie::Time::from_unix(1_795_435_200),
        )]
    }

    #[test]
    fn compact_and_pretty_json_are_the_same_value() {
        let value = serde_json::json!({"a": [1, {"b": "c\n\"d\""}], "e": null, "f": true});
        let pretty = to_json(&value);
        let compact = to_json_compact(&value);
        assert!(compact.len() < pretty.len());
        assert!(compact.ends_with("}\n") && !compact.trim_end().contains('\n'));
        let a: serde_json::Value = serde_json::from_str(&pretty).unwrap();
        let b: serde_json::Value = serde_json::from_str(&compact).unwrap();
        assert_eq!(a, b);
        assert_eq!(a, value);
    }
}
