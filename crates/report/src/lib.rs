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
    // Reports run to tens of kilobytes: start big rather than grow from zero.
    let mut out = Vec::with_capacity(32 * 1024);
    let written = serde_json::to_writer_pretty(&mut out, value)
        .map_err(|e| e.to_string())
        .and_then(|()| String::from_utf8(out).map_err(|e| e.to_string()));
    match written {
        Ok(mut s) => {
            s.push('\n');
            s
        }
        // Our report types serialise infallibly (no maps with non-string keys).
        Err(e) => format!("{{\"error\": \"{e}\"}}\n"),
    }
}
