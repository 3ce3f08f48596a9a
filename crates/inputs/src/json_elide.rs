//! A reader that blanks the string values of one JSON key on the way through:
//! `{"text": "…a megabyte of body…"}` reaches the JSON parser as
//! `{"text": ""}`.
//!
//! Why: a HAR export is mostly bodies (`response.content.text`,
//! `request.postData.text`), which cookie diagnosis never reads. serde_json's
//! streaming reader handles one byte at a time and is several times slower than
//! parsing from memory; here the bodies are skipped with `memchr` (looking only
//! for the closing quote and backslashes), so the parser sees a few percent of
//! the file and memory stays bounded.
//!
//! The scanner follows RFC 8259 §7 just enough to know where strings end (a
//! `"` not escaped by `\`); it keeps everything else byte for byte, so line
//! numbers in the parser's errors are those of the file (a JSON string holds no
//! raw newline). A malformed escape inside a blanked body goes unnoticed — the
//! body was never going to be read.

use std::io::{self, BufRead, Read};

/// The longest key compared (longer strings are never the key).
const KEY_CAPACITY: usize = 16;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Between tokens.
    Outside,
    /// Inside a kept string.
    InString,
    /// Inside a kept string, right after a backslash.
    InStringEscape,
    /// After a string that equals the key: waiting for `:`.
    AfterKey,
    /// After the key's `:`: waiting for its value.
    BeforeValue,
    /// Inside a blanked string value.
    Eliding,
    /// Inside a blanked string value, right after a backslash.
    ElidingEscape,
}

/// Blanks the string values of `key` (see the module docs).
pub struct ElideKey<R> {
    inner: R,
    key: &'static [u8],
    state: State,
    /// The current kept string's first bytes (for the key comparison).
    current: [u8; KEY_CAPACITY],
    current_len: usize,
    /// The current string is longer than the key or holds an escape.
    current_other: bool,
}

impl<R: BufRead> ElideKey<R> {
    /// Blanks the string values of `key` (at most 16 bytes, no escapes) read
    /// from `inner`.
    pub fn new(inner: R, key: &'static [u8]) -> ElideKey<R> {
        ElideKey {
            inner,
            key,
            state: State::Outside,
            current: [0; KEY_CAPACITY],
            current_len: 0,
            current_other: false,
        }
    }
}

impl<R: BufRead> Read for ElideKey<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let ElideKey {
            inner,
            key,
            state,
            current,
            current_len,
            current_other,
        } = self;
        let mut written = 0;
        while written < out.len() {
            let input = inner.fill_buf()?;
            if input.is_empty() {
                break;
            }
            let mut used = 0;
            while used < input.len() && written < out.len() {
                match *state {
                    State::Eliding => {
                        // Skip to the next quote or backslash; nothing is copied.
                        let rest = input.get(used..).unwrap_or(&[]);
                        match memchr::memchr2(b'"', b'\\', rest) {
                            None => used = input.len(),
                            Some(i) => {
                                used += i + 1;
                                if rest.get(i) == Some(&b'\\') {
                                    *state = State::ElidingEscape;
                                } else if let Some(slot) = out.get_mut(written) {
                                    *slot = b'"';
                                    written += 1;
                                    *state = State::Outside;
                                }
                            }
                        }
                        continue;
                    }
                    State::ElidingEscape => {
                        used += 1;
                        *state = State::Eliding;
                        continue;
                    }
                    _ => {}
                }
                let Some(&b) = input.get(used) else { break };
                used += 1;
                let mut emit = true;
                *state = match *state {
                    State::Outside | State::AfterKey | State::BeforeValue if b == b'"' => {
                        if *state == State::BeforeValue {
                            State::Eliding
                        } else {
                            *current_len = 0;
                            *current_other = false;
                            State::InString
                        }
                    }
                    State::AfterKey if b == b':' => State::BeforeValue,
                    State::AfterKey | State::BeforeValue
                        if matches!(b, b' ' | b'\t' | b'\n' | b'\r') =>
                    {
                        *state
                    }
                    State::Outside | State::AfterKey | State::BeforeValue => State::Outside,
                    State::InString => match b {
                        b'"' => {
                            if !*current_other && current.get(..*current_len) == Some(*key) {
                                State::AfterKey
                            } else {
                                State::Outside
                            }
                        }
                        b'\\' => {
                            *current_other = true;
                            State::InStringEscape
                        }
                        _ => {
                            match current.get_mut(*current_len) {
                                Some(slot) => {
                                    *slot = b;
                                    *current_len += 1;
                                }
                                None => *current_other = true,
                            }
                            State::InString
                        }
                    },
                    State::InStringEscape => State::InString,
                    State::Eliding | State::ElidingEscape => {
                        emit = false;
                        *state
                    }
                };
                if emit && let Some(slot) = out.get_mut(written) {
                    *slot = b;
                    written += 1;
                }
            }
            inner.consume(used);
            if written > 0 && *state != State::Eliding {
                // Hand over what we have rather than wait for a full buffer.
                break;
            }
        }
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    /// Feeds `input` through the elider in chunks of `chunk` bytes.
    fn elide(input: &str, chunk: usize) -> String {
        struct Chunked<'a>(&'a [u8], usize);
        impl Read for Chunked<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(self.1).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let reader = io::BufReader::with_capacity(chunk, Chunked(input.as_bytes(), chunk));
        let mut out = String::new();
        let mut e = ElideKey::new(reader, b"text");
        let mut buf = vec![0; chunk.max(1)];
        loop {
            let n = e.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.push_str(std::str::from_utf8(&buf[..n]).unwrap());
        }
        out
    }

    #[test]
    fn blanks_text_values_only() {
        let input = r#"{"text": "a \"quoted\" \\ body", "texts": "kept", "t": "text", "x": {"text":"q"}, "text": 5}"#;
        let want = r#"{"text": "", "texts": "kept", "t": "text", "x": {"text":""}, "text": 5}"#;
        for chunk in [1, 2, 3, 7, 64, 4096] {
            assert_eq!(elide(input, chunk), want, "chunk {chunk}");
        }
    }

    #[test]
    fn a_key_named_text_inside_a_value_is_not_a_key() {
        let input = r#"["text", "text" , {"a":"text"}]"#;
        assert_eq!(elide(input, 3), input);
    }

    #[test]
    fn escaped_keys_are_not_compared() {
        let input = r#"{"te\u0078t": "kept"}"#;
        assert_eq!(elide(input, 5), input);
    }

    #[test]
    fn parsing_the_blanked_stream_keeps_everything_else() {
        let input = r#"{"log":{"entries":[{"request":{"url":"https://e.com/"},"response":{"content":{"size":5,"text":"PGh0bWw+\n"},"headers":[{"name":"Set-Cookie","value":"a=b"}]}}]}}"#;
        let original: serde_json::Value = serde_json::from_str(input).unwrap();
        let blanked: serde_json::Value = serde_json::from_str(&elide(input, 11)).unwrap();
        let mut expected = original.clone();
        expected["log"]["entries"][0]["response"]["content"]["text"] = "".into();
        assert_eq!(blanked, expected);
    }
}
