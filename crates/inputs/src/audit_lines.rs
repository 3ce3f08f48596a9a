//! Audit lines v1 (DESIGN.md §7): JSON Lines, one response per line, read one
//! line at a time from any [`BufRead`] with a line length limit.
//!
//! The record types here ([`AuditRecord`], [`AuditItem`], [`Position`],
//! [`ReadError`]) are shared with the WARC reader ([`crate::warc`]): every bulk
//! reader yields `Result<AuditItem, ReadError>` lazily, in input order.

use std::fmt;
use std::io::{self, BufRead};

use serde::Deserialize;

/// The longest audit line read (bytes, without the newline). A longer line is
/// skipped to its newline without being loaded, and reported.
pub const MAX_AUDIT_LINE_BYTES: usize = 1024 * 1024;

/// One response to audit, as a bulk reader found it (an audit line, a WARC
/// response record). The fields are those of `AuditResponse` in
/// `cookie-doctor-diagnose`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct AuditRecord {
    /// The URL whose response this is.
    pub url: String,
    /// The HTTP status, when known.
    #[serde(default)]
    pub status: Option<u16>,
    /// Every response header, `Name: value`, in order.
    pub headers: Vec<String>,
    /// Top-level origins that frame this URL.
    #[serde(default)]
    pub embedded_in: Vec<String>,
    /// Origins whose scripts call this URL with credentials.
    #[serde(default)]
    pub called_from: Vec<String>,
}

/// Where an item was found in its input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    /// A 1-based line of a JSON Lines input.
    Line(u64),
    /// A WARC record: its 1-based ordinal among all records of the input, and
    /// the byte offset of its start (in the decompressed stream for gzip).
    Record {
        /// 1-based ordinal among every record of the input (skipped ones too).
        ordinal: u64,
        /// Byte offset of the record's `WARC/1.x` line.
        offset: u64,
    },
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::Line(n) => write!(f, "line {n}"),
            Position::Record { ordinal, offset } => {
                write!(f, "record {ordinal} (byte {offset})")
            }
        }
    }
}

/// One response a bulk reader yields, with where it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditItem {
    /// Where in the input.
    pub position: Position,
    /// The response.
    pub record: AuditRecord,
}

/// Why one line or record could not be read. Readers go on with the next one
/// unless `fatal` is set (the input itself failed: an I/O or gzip error, a
/// WARC stream that cannot be resynchronised).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{input} {position}: {message}")]
pub struct ReadError {
    /// The input's name (a file name, or `stdin`).
    pub input: String,
    /// Where in the input.
    pub position: Position,
    /// What is wrong.
    pub message: String,
    /// Whether reading this input stopped here.
    pub fatal: bool,
}

/// Reads one line (without its `\n`) into `buf`, at most `limit` bytes; an
/// over-long line is consumed to its newline without being kept. Returns the
/// line's full length, or `None` at the end of input.
pub(crate) fn read_line_limited<R: BufRead + ?Sized>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    limit: usize,
) -> io::Result<Option<usize>> {
    buf.clear();
    let mut total = 0usize;
    let mut any = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(any.then_some(total));
        }
        any = true;
        let (chunk, used, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (available.get(..i).unwrap_or_default(), i + 1, true),
            None => (available, available.len(), false),
        };
        if total + chunk.len() <= limit {
            buf.extend_from_slice(chunk);
        } else {
            buf.clear();
        }
        total += chunk.len();
        reader.consume(used);
        if done {
            return Ok(Some(total));
        }
    }
}

/// Reads audit lines lazily: one [`AuditItem`] or [`ReadError`] per line.
pub struct AuditLines<R> {
    reader: R,
    input: String,
    line: u64,
    buf: Vec<u8>,
    limit: usize,
    done: bool,
}

impl<R: BufRead> AuditLines<R> {
    /// Reads `reader`, naming it `input` in errors; the first line is line 1.
    pub fn new(reader: R, input: impl Into<String>) -> AuditLines<R> {
        AuditLines {
            reader,
            input: input.into(),
            line: 0,
            buf: Vec::new(),
            limit: MAX_AUDIT_LINE_BYTES,
            done: false,
        }
    }

    /// Numbers the first line `first` instead of 1 (for inputs split from a
    /// larger one).
    pub fn first_line(mut self, first: u64) -> AuditLines<R> {
        self.line = first.saturating_sub(1);
        self
    }

    /// Sets the line length limit (default [`MAX_AUDIT_LINE_BYTES`]).
    pub fn limit(mut self, limit: usize) -> AuditLines<R> {
        self.limit = limit;
        self
    }

    fn error(&self, message: String, fatal: bool) -> ReadError {
        ReadError {
            input: self.input.clone(),
            position: Position::Line(self.line),
            message,
            fatal,
        }
    }
}

/// Parses one audit line (without its newline; a trailing `\r` is allowed).
pub fn parse_audit_line(line: &[u8]) -> Result<AuditRecord, String> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.iter().all(u8::is_ascii_whitespace) {
        return Err(
            "empty line; expected a JSON object such as {\"url\": …, \"headers\": […]}".into(),
        );
    }
    serde_json::from_slice::<AuditRecord>(line).map_err(|e| e.to_string())
}

impl<R: BufRead> Iterator for AuditLines<R> {
    type Item = Result<AuditItem, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let read = read_line_limited(&mut self.reader, &mut self.buf, self.limit);
        self.line += 1;
        match read {
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(self.error(format!("read error: {e}"), true)))
            }
            Ok(Some(len)) if len > self.limit => Some(Err(self.error(
                format!(
                    "line of {len} bytes is longer than the {} accepted; skipped",
                    self.limit
                ),
                false,
            ))),
            Ok(Some(_)) => Some(match parse_audit_line(&self.buf) {
                Ok(record) => Ok(AuditItem {
                    position: Position::Line(self.line),
                    record,
                }),
                Err(message) => Err(self.error(message, false)),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    fn read(input: &[u8]) -> Vec<Result<AuditItem, ReadError>> {
        AuditLines::new(input, "t.jsonl").collect()
    }

    #[test]
    fn well_formed_lines_in_order_with_defaults() {
        let input = br#"{"url":"https://a.example/","status":200,"headers":["Set-Cookie: a=b"],"embedded_in":["https://p.example"],"called_from":[]}
{"url":"https://b.example/x","headers":[],"extra":{"ignored":true}}
"#;
        let items = read(input);
        assert_eq!(items.len(), 2);
        let first = items[0].as_ref().unwrap();
        assert_eq!(first.position, Position::Line(1));
        assert_eq!(first.record.status, Some(200));
        assert_eq!(first.record.headers, vec!["Set-Cookie: a=b"]);
        assert_eq!(first.record.embedded_in, vec!["https://p.example"]);
        let second = items[1].as_ref().unwrap();
        assert_eq!(second.position, Position::Line(2));
        assert_eq!(second.record.url, "https://b.example/x");
        assert_eq!(second.record.status, None);
        assert!(second.record.called_from.is_empty());
    }

    #[test]
    fn crlf_and_missing_final_newline() {
        let input = b"{\"url\":\"https://a.example/\",\"headers\":[]}\r\n{\"url\":\"https://b.example/\",\"headers\":[]}";
        let items = read(input);
        assert_eq!(items.len(), 2);
        assert!(items.iter().all(Result::is_ok));
    }

    #[test]
    fn strict_types_and_required_fields_then_keep_going() {
        let input = br#"{"url":"https://a.example/","status":"200","headers":[]}
{"headers":[]}
not json at all
{"url":"https://a.example/","headers":"Set-Cookie: a=b"}

{"url":"https://ok.example/","headers":[]}
"#;
        let items = read(input);
        assert_eq!(items.len(), 6);
        for (i, item) in items.iter().take(5).enumerate() {
            let e = item.as_ref().unwrap_err();
            assert_eq!(e.position, Position::Line(i as u64 + 1));
            assert_eq!(e.input, "t.jsonl");
            assert!(!e.fatal);
        }
        assert!(
            items[0]
                .as_ref()
                .unwrap_err()
                .message
                .contains("invalid type")
        );
        assert!(
            items[1]
                .as_ref()
                .unwrap_err()
                .message
                .contains("missing field `url`")
        );
        assert!(
            items[4]
                .as_ref()
                .unwrap_err()
                .message
                .contains("empty line")
        );
        assert_eq!(
            items[0].as_ref().unwrap_err().to_string().split(':').next(),
            Some("t.jsonl line 1")
        );
        assert!(items[5].is_ok());
    }

    #[test]
    fn over_long_line_is_skipped_and_reported() {
        let long = format!(
            "{{\"url\":\"https://a.example/\",\"headers\":[\"X: {}\"]}}\n",
            "y".repeat(300)
        );
        let input = format!("{long}{{\"url\":\"https://b.example/\",\"headers\":[]}}\n");
        // A tiny buffer so the long line spans many fill_buf calls.
        let reader = io::BufReader::with_capacity(16, input.as_bytes());
        let items: Vec<_> = AuditLines::new(reader, "t").limit(100).collect();
        assert_eq!(items.len(), 2);
        let e = items[0].as_ref().unwrap_err();
        assert!(e.message.contains("longer than the 100"), "{e}");
        assert_eq!(items[1].as_ref().unwrap().record.url, "https://b.example/");
        assert_eq!(items[1].as_ref().unwrap().position, Position::Line(2));
    }

    #[test]
    fn garbage_bytes_and_first_line() {
        let input = b"\xff\xfe\x00garbage\n{\"url\":\"\xc3\x28\",\"headers\":[]}\n";
        let items: Vec<_> = AuditLines::new(&input[..], "stdin")
            .first_line(41)
            .collect();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].as_ref().unwrap_err().position, Position::Line(41));
        assert_eq!(items[1].as_ref().unwrap_err().position, Position::Line(42));
    }

    #[test]
    fn truncated_line_is_an_error_not_a_stop() {
        let input = b"{\"url\":\"https://a.example/\",\"headers\":[]}\n{\"url\":\"https://a.ex";
        let items = read(input);
        assert_eq!(items.len(), 2);
        assert!(items[0].is_ok());
        assert!(items[1].as_ref().unwrap_err().message.contains("EOF"));
    }
}
