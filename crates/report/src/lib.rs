//! Reports: render what diagnosis produced. Text for people (colour only when
//! asked, i.e. on a terminal), JSON for tools. Nothing is computed here.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod browser_doc;
pub mod har_text;
pub mod markdown;
pub mod profiles_doc;
pub mod rules_doc;
pub mod sarif;
mod style;
pub mod text;
pub mod timeline_svg;
pub mod trace_text;

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
pub fn to_json_compact<T: serde::Serialize>(value: &T) -> String {
    let mut out = Vec::with_capacity(48 * 1024);
    let written = serde_json::to_writer(&mut out, value);
    finish(written, out)
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
