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

/// Renders any report as pretty JSON with a trailing newline.
pub fn to_json<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_string_pretty(value) {
        Ok(mut s) => {
            s.push('\n');
            s
        }
        // Our report types serialise infallibly (no maps with non-string keys).
        Err(e) => format!("{{\"error\": \"{e}\"}}\n"),
    }
}
