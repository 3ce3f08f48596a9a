//! Set-Cookie lines from arguments or standard input.

use std::fmt;

/// The largest single line we accept (a cookie is at most 4096 bytes of name and
/// value plus attributes of at most 1024 bytes each; this leaves room for many).
pub const MAX_LINE_BYTES: usize = 64 * 1024;
/// The largest input (all lines together) we accept.
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// One Set-Cookie field value and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetCookieLine {
    /// The field value, as the browser's parser will see it (after the field name
    /// and the optional whitespace around the value are removed).
    pub value: String,
    /// Where it came from, e.g. `argument 2` or `stdin line 7`.
    pub origin: String,
}

/// Why input could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// The line is empty.
    #[error(
        "{origin}: the line is empty; give a Set-Cookie line such as `Set-Cookie: sid=abc; Secure`"
    )]
    Empty {
        /// Where.
        origin: String,
    },
    /// The bytes are not UTF-8.
    #[error(
        "{origin}: byte {offset} is not valid UTF-8 (0x{byte:02X}); cookie-doctor reads text input as UTF-8"
    )]
    NotUtf8 {
        /// Where.
        origin: String,
        /// Byte offset in the line.
        offset: usize,
        /// The byte.
        byte: u8,
    },
    /// A header other than Set-Cookie.
    #[error(
        "{origin}: this is a `{name}` header; only Set-Cookie lines are read here (pass other response headers with --header)"
    )]
    OtherHeader {
        /// Where.
        origin: String,
        /// The header name.
        name: String,
    },
    /// Too large.
    #[error("{origin}: {size} bytes is more than the {limit} accepted")]
    TooLarge {
        /// Where.
        origin: String,
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
}

/// Reads one Set-Cookie line given as text (`Set-Cookie: a=b` or just `a=b`).
pub fn set_cookie_line(text: &str, origin: impl fmt::Display) -> Result<SetCookieLine, InputError> {
    let origin = origin.to_string();
    if text.len() > MAX_LINE_BYTES {
        return Err(InputError::TooLarge {
            origin,
            size: text.len(),
            limit: MAX_LINE_BYTES,
        });
    }
    // A trailing CR from a CRLF paste is line framing, not part of the value.
    let text = text.strip_suffix('\r').unwrap_or(text);
    let value = match header_name(text) {
        Some((name, value)) if name.eq_ignore_ascii_case("set-cookie") => value,
        Some((name, _)) => {
            return Err(InputError::OtherHeader {
                origin,
                name: name.to_string(),
            });
        }
        None => text,
    };
    // HTTP field values have optional whitespace (SP / HTAB) around them (RFC 9110 §5.5).
    let value = value.trim_matches([' ', '\t']);
    if value.is_empty() {
        return Err(InputError::Empty { origin });
    }
    Ok(SetCookieLine {
        value: value.to_string(),
        origin,
    })
}

/// `Name: value` where Name is an HTTP token and has no `=` (so `a=b:c` stays a cookie).
fn header_name(text: &str) -> Option<(&str, &str)> {
    let colon = text.find(':')?;
    let name = text.get(..colon)?;
    let is_token = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
        && !name.contains('=');
    // A bare `name:` with a cookie-looking rest is still most likely a header.
    if is_token {
        Some((name, text.get(colon + 1..)?))
    } else {
        None
    }
}

/// Reads Set-Cookie lines from bytes (standard input), one per line. Blank lines
/// at the very end are ignored; a blank line between lines is an error, because
/// it usually means a paste went wrong.
pub fn read_set_cookie_lines(bytes: &[u8], source: &str) -> Result<Vec<SetCookieLine>, InputError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(InputError::TooLarge {
            origin: source.to_string(),
            size: bytes.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    let trimmed_len = bytes
        .iter()
        .rposition(|b| !matches!(b, b'\n' | b'\r' | b' ' | b'\t'))
        .map_or(0, |i| i + 1);
    let bytes = bytes.get(..trimmed_len).unwrap_or_default();
    let mut lines = Vec::new();
    if bytes.is_empty() {
        return Ok(lines);
    }
    for (index, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let origin = format!("{source} line {}", index + 1);
        let text = std::str::from_utf8(raw).map_err(|e| {
            let offset = e.valid_up_to();
            InputError::NotUtf8 {
                origin: origin.clone(),
                offset,
                byte: raw.get(offset).copied().unwrap_or(0),
            }
        })?;
        lines.push(set_cookie_line(text, origin)?);
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_the_header_name_and_whitespace() {
        assert_eq!(
            set_cookie_line("Set-Cookie:  a=b; Secure ", "arg")
                .unwrap()
                .value,
            "a=b; Secure"
        );
        assert_eq!(
            set_cookie_line("set-cookie: a=b\r", "arg").unwrap().value,
            "a=b"
        );
        assert_eq!(set_cookie_line("a=b:c", "arg").unwrap().value, "a=b:c");
        assert_eq!(
            set_cookie_line("justvalue", "arg").unwrap().value,
            "justvalue"
        );
    }

    #[test]
    fn refuses_bad_lines_with_their_origin() {
        assert_eq!(
            set_cookie_line("", "argument 1"),
            Err(InputError::Empty {
                origin: "argument 1".into()
            })
        );
        assert_eq!(
            set_cookie_line("Set-Cookie:", "argument 1"),
            Err(InputError::Empty {
                origin: "argument 1".into()
            })
        );
        let err = set_cookie_line("Content-Type: text/html", "argument 2").unwrap_err();
        assert!(err.to_string().contains("argument 2") && err.to_string().contains("Content-Type"));
        let err = read_set_cookie_lines(b"a=b\nc=\xffd\n", "stdin").unwrap_err();
        assert_eq!(
            err,
            InputError::NotUtf8 {
                origin: "stdin line 2".into(),
                offset: 2,
                byte: 0xff
            }
        );
        assert!(matches!(
            read_set_cookie_lines(b"a=b\n\nc=d", "stdin"),
            Err(InputError::Empty { .. })
        ));
    }

    #[test]
    fn reads_lines_in_order() {
        let lines =
            read_set_cookie_lines(b"Set-Cookie: a=1\r\nSet-Cookie: b=2\n\n", "stdin").unwrap();
        assert_eq!(
            lines.iter().map(|l| l.value.as_str()).collect::<Vec<_>>(),
            ["a=1", "b=2"]
        );
        assert_eq!(lines[1].origin, "stdin line 2");
    }
}
