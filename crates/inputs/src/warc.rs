//! WARC/1.0 and WARC/1.1 files (plain, or gzip with one member per record as
//! Common Crawl writes them): the `response` records with `application/http`
//! content, as [`AuditItem`]s.
//!
//! A hand-written record reader rather than the `warc` crate: only the record
//! header and the HTTP status line and header block are read (each with a size
//! limit); the payload is skipped by `Content-Length` without being buffered,
//! errors name the record's ordinal and byte offset, and reading goes on with
//! the next record when the framing allows it.

use std::io::{self, BufRead, BufReader, Read};

use crate::audit_lines::{AuditItem, AuditRecord, Position, ReadError, read_line_limited};

/// The longest line of a WARC record header or of an HTTP header block.
pub const MAX_WARC_LINE_BYTES: usize = 64 * 1024;
/// The most bytes of a WARC record header, or of an HTTP status line and header
/// block.
pub const MAX_WARC_HEADER_BYTES: usize = 256 * 1024;
/// The most header lines in a WARC record header or an HTTP header block.
pub const MAX_WARC_HEADER_LINES: usize = 1024;

/// Whether these first bytes are a gzip member's magic number.
pub fn is_gzip(start: &[u8]) -> bool {
    start.starts_with(&[0x1f, 0x8b])
}

/// `reader` itself, or its decompressed content when it starts with the gzip
/// magic (every member of a multi-member file, as Common Crawl writes WARC).
pub fn decompress_if_gzip<R: BufRead + 'static>(mut reader: R) -> io::Result<Box<dyn BufRead>> {
    let gzip = is_gzip(reader.fill_buf()?);
    Ok(if gzip {
        Box::new(BufReader::with_capacity(
            64 * 1024,
            flate2::bufread::MultiGzDecoder::new(reader),
        ))
    } else {
        Box::new(reader)
    })
}

/// Reads WARC records lazily; yields one item per response record with HTTP
/// content, one error per record that cannot be read, and nothing for other
/// records (`warcinfo`, `request`, `metadata`, …).
pub struct WarcRecords<R> {
    reader: R,
    input: String,
    /// Records seen so far (skipped ones too).
    ordinal: u64,
    /// Bytes consumed so far.
    offset: u64,
    line: Vec<u8>,
    done: bool,
    /// After a framing error: skip lines until the next `WARC/1.` line.
    resync: bool,
}

/// One record's WARC header fields that matter here.
#[derive(Default)]
struct WarcHeader {
    warc_type: Option<String>,
    content_type: Option<String>,
    content_length: Option<u64>,
    target_uri: Option<String>,
}

/// Why a record failed: its message, and whether the stream can go on.
enum Failure {
    /// Skip to the end of this record's block and go on.
    Record(String),
    /// The framing is lost: resynchronise on the next `WARC/1.` line.
    Framing(String),
    /// The input itself failed (I/O, gzip, truncated).
    Fatal(String),
}

impl<R: BufRead> WarcRecords<R> {
    /// Reads `reader` (already decompressed: see [`decompress_if_gzip`]),
    /// naming it `input` in errors.
    pub fn new(reader: R, input: impl Into<String>) -> WarcRecords<R> {
        WarcRecords {
            reader,
            input: input.into(),
            ordinal: 0,
            offset: 0,
            line: Vec::new(),
            done: false,
            resync: false,
        }
    }

    /// Reads one line into `self.line` (without `\r\n`), reading at most
    /// `budget` bytes, counting them. Returns the line's length and the bytes
    /// consumed, or `None` at the end of input.
    fn read_line(&mut self, budget: u64) -> Result<Option<(usize, u64)>, Failure> {
        let mut limited = (&mut self.reader).take(budget);
        let len = read_line_limited(&mut limited, &mut self.line, MAX_WARC_LINE_BYTES)
            .map_err(|e| Failure::Fatal(format!("read error: {e}")))?;
        let consumed = budget - limited.limit();
        self.offset += consumed;
        if self.line.last() == Some(&b'\r') {
            self.line.pop();
        }
        Ok(len.map(|n| (n, consumed)))
    }

    /// Skips `n` bytes without keeping them.
    fn skip(&mut self, mut n: u64) -> Result<(), Failure> {
        while n > 0 {
            let available = match self.reader.fill_buf() {
                Ok(b) => b.len(),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Failure::Fatal(format!("read error: {e}"))),
            };
            if available == 0 {
                return Err(Failure::Fatal(format!(
                    "truncated: the input ends {n} bytes before the record's end"
                )));
            }
            let used = available.min(usize::try_from(n).unwrap_or(usize::MAX));
            self.reader.consume(used);
            self.offset += used as u64;
            n -= used as u64;
        }
        Ok(())
    }

    /// Reads header lines `Name: value` up to the empty line; `budget` bounds
    /// the bytes read (`None` when the budget ran out before an empty line:
    /// the block ended). Continuation lines are joined to the previous one.
    fn read_fields(&mut self, budget: &mut u64, what: &str) -> Result<Vec<String>, Failure> {
        let mut fields: Vec<String> = Vec::new();
        let mut bytes = 0usize;
        while *budget > 0 {
            let Some((len, used)) = self.read_line(*budget)? else {
                return Err(Failure::Fatal(format!(
                    "truncated: the input ends inside the {what}"
                )));
            };
            *budget -= used;
            bytes += len + 1;
            if len > MAX_WARC_LINE_BYTES {
                return Err(Failure::Record(format!(
                    "a {what} line of {len} bytes is longer than the {MAX_WARC_LINE_BYTES} accepted"
                )));
            }
            if bytes > MAX_WARC_HEADER_BYTES || fields.len() >= MAX_WARC_HEADER_LINES {
                return Err(Failure::Record(format!(
                    "the {what} is larger than {MAX_WARC_HEADER_BYTES} bytes or {MAX_WARC_HEADER_LINES} lines"
                )));
            }
            if self.line.is_empty() {
                break;
            }
            let text = String::from_utf8_lossy(&self.line);
            if text.starts_with([' ', '\t'])
                && let Some(last) = fields.last_mut()
            {
                last.push(' ');
                last.push_str(text.trim());
                continue;
            }
            fields.push(text.into_owned());
        }
        Ok(fields)
    }

    /// Reads one record at the current position (after its version line).
    fn record(&mut self) -> Result<Option<AuditRecord>, Failure> {
        let mut budget = u64::MAX;
        // Without a whole header there is no known length: resynchronise.
        let fields = self
            .read_fields(&mut budget, "WARC record header")
            .map_err(|f| match f {
                Failure::Record(message) => Failure::Framing(message),
                other => other,
            })?;
        let mut header = WarcHeader::default();
        for field in &fields {
            let Some((name, value)) = field.split_once(':') else {
                return Err(Failure::Framing(format!(
                    "WARC header line `{}` has no `:`",
                    shorten(field)
                )));
            };
            let value = value.trim();
            match name.trim().to_ascii_lowercase().as_str() {
                "warc-type" => header.warc_type = Some(value.to_string()),
                "content-type" => header.content_type = Some(value.to_ascii_lowercase()),
                "warc-target-uri" => {
                    // WARC/1.0 wrote it in angle brackets.
                    let uri = value.trim_start_matches('<').trim_end_matches('>');
                    header.target_uri = Some(uri.to_string());
                }
                "content-length" => {
                    header.content_length = Some(value.parse::<u64>().map_err(|_| {
                        Failure::Framing(format!(
                            "Content-Length `{}` is not a number",
                            shorten(value)
                        ))
                    })?);
                }
                _ => {}
            }
        }
        let Some(length) = header.content_length else {
            return Err(Failure::Framing(
                "the WARC record header has no Content-Length".into(),
            ));
        };
        let is_response = header
            .warc_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("response"));
        let is_http = header
            .content_type
            .as_deref()
            .is_some_and(|t| t.starts_with("application/http"));
        if !is_response || !is_http {
            self.skip(length)?;
            return Ok(None);
        }
        let mut budget = length;
        let result = self.http(&mut budget, header.target_uri);
        // Whatever happened inside the block, its end is known: skip to it.
        match result {
            Ok(record) => {
                self.skip(budget)?;
                Ok(Some(record))
            }
            Err(Failure::Record(message)) => {
                self.skip(budget)?;
                Err(Failure::Record(message))
            }
            Err(other) => Err(other),
        }
    }

    /// Reads the HTTP status line and header block of a response record's
    /// block (`budget` = the block bytes left).
    fn http(&mut self, budget: &mut u64, uri: Option<String>) -> Result<AuditRecord, Failure> {
        let Some(url) = uri.filter(|u| !u.is_empty()) else {
            return Err(Failure::Record(
                "the response record has no WARC-Target-URI".into(),
            ));
        };
        if *budget == 0 {
            return Err(Failure::Record(format!(
                "the response record for {} has no HTTP status line (empty block)",
                shorten(&url)
            )));
        }
        let mut fields = self.read_fields(budget, "HTTP header block")?;
        if fields.is_empty() {
            return Err(Failure::Record(format!(
                "the response record for {} has no HTTP status line",
                shorten(&url)
            )));
        }
        let status_line = fields.remove(0);
        let mut parts = status_line.split_ascii_whitespace();
        let version = parts.next().unwrap_or_default();
        if !version.starts_with("HTTP/") {
            return Err(Failure::Record(format!(
                "the response record for {} does not start with an HTTP status line: `{}`",
                shorten(&url),
                shorten(&status_line)
            )));
        }
        let status = parts
            .next()
            .and_then(|s| s.parse::<u16>().ok())
            .filter(|s| (100..=999).contains(s));
        let Some(status) = status else {
            return Err(Failure::Record(format!(
                "HTTP status line `{}` has no status code",
                shorten(&status_line)
            )));
        };
        Ok(AuditRecord {
            url,
            status: Some(status),
            headers: fields,
            embedded_in: Vec::new(),
            called_from: Vec::new(),
        })
    }
}

/// Shortens untrusted text for an error message.
fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(80).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

impl<R: BufRead> Iterator for WarcRecords<R> {
    type Item = Result<AuditItem, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            // Find the next version line (skipping the blank lines that end a
            // record, or anything at all while resynchronising).
            let start = self.offset;
            let len = match self.read_line(u64::MAX) {
                Ok(Some((len, _))) => len,
                Ok(None) => {
                    self.done = true;
                    return None;
                }
                Err(
                    Failure::Fatal(message) | Failure::Record(message) | Failure::Framing(message),
                ) => {
                    self.done = true;
                    return Some(Err(self.error(start, message, true)));
                }
            };
            if len == 0 || self.line.is_empty() {
                continue;
            }
            let is_version = self.line.starts_with(b"WARC/1.") && len <= 16;
            if !is_version {
                if self.resync {
                    continue;
                }
                self.ordinal += 1;
                self.resync = true;
                let text =
                    String::from_utf8_lossy(self.line.get(..40).unwrap_or(&self.line)).into_owned();
                return Some(Err(self.error(
                    start,
                    format!(
                        "expected a `WARC/1.0` or `WARC/1.1` line, found `{}`; skipping to the next record",
                        shorten(&text)
                    ),
                    false,
                )));
            }
            self.resync = false;
            self.ordinal += 1;
            let position = Position::Record {
                ordinal: self.ordinal,
                offset: start,
            };
            match self.record() {
                Ok(None) => continue,
                Ok(Some(record)) => return Some(Ok(AuditItem { position, record })),
                Err(Failure::Record(message)) => {
                    return Some(Err(self.error(start, message, false)));
                }
                Err(Failure::Framing(message)) => {
                    self.resync = true;
                    return Some(Err(self.error(
                        start,
                        format!("{message}; skipping to the next record"),
                        false,
                    )));
                }
                Err(Failure::Fatal(message)) => {
                    self.done = true;
                    return Some(Err(self.error(start, message, true)));
                }
            }
        }
        None
    }
}

impl<R> WarcRecords<R> {
    fn error(&self, offset: u64, message: String, fatal: bool) -> ReadError {
        ReadError {
            input: self.input.clone(),
            position: Position::Record {
                ordinal: self.ordinal.max(1),
                offset,
            },
            message,
            fatal,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use std::io::Write;

    use super::*;

    fn record(kind: &str, content_type: &str, uri: &str, block: &[u8]) -> Vec<u8> {
        let mut out = format!(
            "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Record-ID: <urn:uuid:x>\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        out.extend_from_slice(block);
        out.extend_from_slice(b"\r\n\r\n");
        out
    }

    fn response(uri: &str, headers: &str, body: &str) -> Vec<u8> {
        let block = format!("HTTP/1.1 200 OK\r\n{headers}\r\n{body}");
        record(
            "response",
            "application/http; msgtype=response",
            uri,
            block.as_bytes(),
        )
    }

    fn read(bytes: &[u8]) -> Vec<Result<AuditItem, ReadError>> {
        WarcRecords::new(bytes, "t.warc").collect()
    }

    fn sample() -> Vec<u8> {
        let mut w = record(
            "warcinfo",
            "application/warc-fields",
            "",
            b"software: test\r\n",
        );
        w.extend(record(
            "request",
            "application/http; msgtype=request",
            "https://a.example/",
            b"GET / HTTP/1.1\r\nHost: a.example\r\n\r\n",
        ));
        w.extend(response(
            "https://a.example/",
            "Set-Cookie: a=1; Secure\r\nContent-Type: text/html\r\nX-Long: one\r\n two\r\n",
            "<html>Set-Cookie: not=a-header\r\n\r\n</html>",
        ));
        w.extend(record(
            "metadata",
            "application/warc-fields",
            "https://a.example/",
            b"fetchTimeMs: 1\r\n",
        ));
        w.extend(response("https://b.example/x", "Server: y\r\n", ""));
        w
    }

    #[test]
    fn responses_only_with_headers_and_positions() {
        let items = read(&sample());
        assert_eq!(items.len(), 2, "{items:?}");
        let a = items[0].as_ref().unwrap();
        assert_eq!(a.record.url, "https://a.example/");
        assert_eq!(a.record.status, Some(200));
        assert_eq!(
            a.record.headers,
            vec![
                "Set-Cookie: a=1; Secure",
                "Content-Type: text/html",
                "X-Long: one two"
            ]
        );
        let Position::Record { ordinal, offset } = a.position else {
            panic!("not a record position")
        };
        assert_eq!(ordinal, 3);
        let w = sample();
        assert!(w[offset as usize..].starts_with(b"WARC/1.1\r\nWARC-Type: response"));
        let b = items[1].as_ref().unwrap();
        assert_eq!(b.record.url, "https://b.example/x");
        assert_eq!(b.record.headers, vec!["Server: y"]);
        assert!(matches!(b.position, Position::Record { ordinal: 5, .. }));
    }

    #[test]
    fn warc_1_0_angle_bracket_uri() {
        let mut w = response("<https://c.example/>", "Set-Cookie: c=1\r\n", "x");
        w.splice(0..8, b"WARC/1.0".iter().copied());
        let items = read(&w);
        assert_eq!(items[0].as_ref().unwrap().record.url, "https://c.example/");
    }

    #[test]
    fn gzip_multi_member() {
        let mut gz = Vec::new();
        for member in [
            response("https://a.example/", "Set-Cookie: a=1\r\n", "body"),
            response("https://b.example/", "Set-Cookie: b=1\r\n", "body"),
            response("https://c.example/", "Set-Cookie: c=1\r\n", "body"),
        ] {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            enc.write_all(&member).unwrap();
            gz.extend(enc.finish().unwrap());
        }
        let reader = decompress_if_gzip(io::Cursor::new(gz)).unwrap();
        let urls: Vec<String> = WarcRecords::new(reader, "t.warc.gz")
            .map(|r| r.unwrap().record.url)
            .collect();
        assert_eq!(
            urls,
            [
                "https://a.example/",
                "https://b.example/",
                "https://c.example/"
            ]
        );
    }

    #[test]
    fn corrupt_gzip_is_a_fatal_error() {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(&response("https://a.example/", "", "x"))
            .unwrap();
        let mut gz = enc.finish().unwrap();
        let n = gz.len();
        gz[n / 2] ^= 0xff;
        gz.truncate(n - 3);
        let reader = decompress_if_gzip(io::Cursor::new(gz)).unwrap();
        let items: Vec<_> = WarcRecords::new(reader, "t.warc.gz").collect();
        let last = items.last().unwrap().as_ref().unwrap_err();
        assert!(last.fatal, "{last}");
    }

    #[test]
    fn truncated_record_is_fatal_after_good_ones() {
        let mut w = sample();
        let cut = response("https://d.example/", "Set-Cookie: d=1\r\n", "a long body");
        w.extend_from_slice(&cut[..cut.len() - 10]);
        let items = read(&w);
        assert_eq!(items.len(), 3);
        let e = items[2].as_ref().unwrap_err();
        assert!(e.fatal && e.message.contains("truncated"), "{e}");
        assert!(matches!(e.position, Position::Record { ordinal: 6, .. }));
    }

    #[test]
    fn garbage_then_resync_on_the_next_record() {
        let mut w = b"this is not a warc file\r\nat all\r\n".to_vec();
        w.extend(response("https://a.example/", "Set-Cookie: a=1\r\n", ""));
        let items = read(&w);
        assert_eq!(items.len(), 2, "{items:?}");
        let e = items[0].as_ref().unwrap_err();
        assert!(
            !e.fatal && e.message.contains("expected a `WARC/1.0`"),
            "{e}"
        );
        assert_eq!(items[1].as_ref().unwrap().record.url, "https://a.example/");
    }

    #[test]
    fn bad_content_length_resyncs() {
        let mut w = b"WARC/1.1\r\nWARC-Type: response\r\nContent-Length: lots\r\n\r\nHTTP/1.1 200 OK\r\n\r\n"
            .to_vec();
        w.extend(response("https://a.example/", "", ""));
        let items = read(&w);
        assert_eq!(items.len(), 2, "{items:?}");
        assert!(
            items[0]
                .as_ref()
                .unwrap_err()
                .message
                .contains("Content-Length")
        );
        assert!(items[1].is_ok());
    }

    #[test]
    fn record_with_no_http_headers() {
        let mut w = record(
            "response",
            "application/http; msgtype=response",
            "https://e.example/",
            b"",
        );
        w.extend(record(
            "response",
            "application/http; msgtype=response",
            "https://f.example/",
            b"\r\n\r\nbody",
        ));
        w.extend(record(
            "response",
            "application/http; msgtype=response",
            "https://g.example/",
            b"<html>not http</html>",
        ));
        // Status line only, no blank line: the block ends the header block.
        w.extend(record(
            "response",
            "application/http; msgtype=response",
            "https://h.example/",
            b"HTTP/1.0 302 Found",
        ));
        let items = read(&w);
        assert_eq!(items.len(), 4, "{items:?}");
        assert!(
            items[0]
                .as_ref()
                .unwrap_err()
                .message
                .contains("no HTTP status line")
        );
        assert!(
            items[1]
                .as_ref()
                .unwrap_err()
                .message
                .contains("no HTTP status line")
        );
        assert!(
            items[2]
                .as_ref()
                .unwrap_err()
                .message
                .contains("does not start")
        );
        let h = items[3].as_ref().unwrap();
        assert_eq!(h.record.status, Some(302));
        assert!(h.record.headers.is_empty());
    }

    #[test]
    fn over_long_warc_header_resyncs() {
        let mut w = b"WARC/1.1\r\nWARC-Type: response\r\n".to_vec();
        for i in 0..(MAX_WARC_HEADER_LINES + 5) {
            w.extend(format!("X-{i}: y\r\n").as_bytes());
        }
        w.extend(b"\r\n");
        w.extend(response("https://a.example/", "", ""));
        let items = read(&w);
        assert_eq!(items.len(), 2, "{items:?}");
        assert!(
            items[0]
                .as_ref()
                .unwrap_err()
                .message
                .contains("larger than")
        );
        assert_eq!(items[1].as_ref().unwrap().record.url, "https://a.example/");
    }

    #[test]
    fn missing_target_uri_is_a_record_error() {
        let mut w = b"WARC/1.1\r\nWARC-Type: response\r\nContent-Type: application/http\r\nContent-Length: 19\r\n\r\nHTTP/1.1 200 OK\r\n\r\n\r\n\r\n".to_vec();
        w.extend(response("https://a.example/", "", ""));
        let items = read(&w);
        assert_eq!(items.len(), 2, "{items:?}");
        assert!(
            items[0]
                .as_ref()
                .unwrap_err()
                .message
                .contains("WARC-Target-URI")
        );
        assert!(items[1].is_ok());
    }

    #[test]
    fn plain_input_is_not_decompressed() {
        let mut reader = decompress_if_gzip(io::Cursor::new(sample())).unwrap();
        assert_eq!(
            io::copy(&mut reader, &mut io::sink()).unwrap(),
            sample().len() as u64
        );
    }
}
