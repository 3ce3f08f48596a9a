//! Header lists (Fetch "header list"): an ordered list of (name, value) pairs
//! whose names compare case-insensitively, with Fetch's "get" (combine) and
//! "get, decode, and split" operations.

/// A response or request header list, in order.
///
/// Names keep the case they were written in and compare ASCII
/// case-insensitively; values are stored as given. Several headers with the same
/// name stay separate entries (Fetch "append" never combines), so `Set-Cookie`
/// lines survive intact; [`Headers::get_combined`] joins them on demand.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Headers {
    entries: Vec<(String, String)>,
}

/// HTTP tab or space (Fetch): the bytes trimmed from header values.
fn is_tab_or_space(c: char) -> bool {
    c == ' ' || c == '\t'
}

impl Headers {
    /// An empty header list.
    pub fn new() -> Headers {
        Headers::default()
    }

    /// Reads header lines such as `Access-Control-Allow-Origin: *`.
    ///
    /// The name is everything before the first `:`, trimmed; the value is the
    /// rest with leading and trailing spaces and tabs removed. A line without a
    /// `:` (a status line, a blank line) or with an empty name is skipped.
    pub fn from_lines<S: AsRef<str>>(lines: &[S]) -> Headers {
        let mut headers = Headers::new();
        for line in lines {
            let line = line.as_ref();
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let name = name.trim();
            if name.is_empty() {
                continue;
            }
            headers.push(name, value.trim_matches(is_tab_or_space));
        }
        headers
    }

    /// Appends a header (Fetch "append"), keeping any earlier ones of the same name.
    /// The name and value are stored exactly as given.
    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.entries.push((name.into(), value.into()));
    }

    /// The values of every header named `name` (ASCII case-insensitive), in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.entries
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Fetch "get": the values of every header named `name` joined with `", "`,
    /// or `None` when there is no such header. Two `Access-Control-Allow-Origin`
    /// headers therefore read as one value `"a, b"`.
    pub fn get_combined(&self, name: &str) -> Option<String> {
        let mut values = self.get_all(name);
        let first = values.next()?;
        let mut combined = first.to_string();
        for value in values {
            combined.push_str(", ");
            combined.push_str(value);
        }
        Some(combined)
    }

    /// Fetch "get, decode, and split": the combined value split on commas that
    /// are not inside a double-quoted string, each piece trimmed of spaces and
    /// tabs (empty pieces kept). `None` when there is no such header.
    pub fn get_decode_split(&self, name: &str) -> Option<Vec<String>> {
        self.get_combined(name)
            .map(|value| decode_and_split(&value))
    }

    /// Whether a header named `name` is present (ASCII case-insensitive).
    pub fn contains(&self, name: &str) -> bool {
        self.entries
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    /// Every header as `(name, value)`, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// Whether the list holds no header.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How many headers the list holds (repeated names count each time).
    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

impl<N: Into<String>, V: Into<String>> FromIterator<(N, V)> for Headers {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Headers {
        Headers {
            entries: iter
                .into_iter()
                .map(|(n, v)| (n.into(), v.into()))
                .collect(),
        }
    }
}

/// Fetch "get, decode, and split" on a value (steps after "get").
fn decode_and_split(input: &str) -> Vec<String> {
    // Step 3–4: values = « », temporaryValue = "".
    let mut values = Vec::new();
    let mut temporary = String::new();
    let mut chars = input.chars().peekable();
    loop {
        // Step 5.1: collect code points that are not `"` or `,`.
        while let Some(&c) = chars.peek() {
            if c == '"' || c == ',' {
                break;
            }
            temporary.push(c);
            chars.next();
        }
        // Step 5.2: a `"` starts an HTTP quoted string (kept with its quotes).
        if chars.peek() == Some(&'"') {
            collect_quoted_string(&mut chars, &mut temporary);
            if chars.peek().is_some() {
                continue;
            }
        }
        // Steps 5.3–5.5: trim tab/space, append, reset.
        values.push(temporary.trim_matches(is_tab_or_space).to_string());
        temporary.clear();
        // Step 5.6: past the end → done. Steps 5.7–5.8: skip the `,`.
        if chars.next().is_none() {
            return values;
        }
    }
}

/// Fetch "collect an HTTP quoted string" with extract-value false: appends the
/// quoted string, quotes and backslashes included, to `out`.
fn collect_quoted_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, out: &mut String) {
    // Steps 3–4: the opening quote.
    if let Some(quote) = chars.next() {
        out.push(quote);
    }
    // Step 5.
    while let Some(c) = chars.next() {
        out.push(c);
        match c {
            '\\' => match chars.next() {
                Some(escaped) => out.push(escaped),
                None => break,
            },
            '"' => break,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lines_trims_and_skips_junk() {
        let h = Headers::from_lines(&[
            "HTTP/1.1 200 OK",
            "  Access-Control-Allow-Origin :\t https://a.example \t",
            "no colon here",
            ": empty name",
            "X-Empty:",
            "Vary: Origin",
            "vary: Accept",
        ]);
        assert_eq!(h.len(), 4);
        assert!(!h.is_empty());
        assert_eq!(
            h.get_combined("access-control-allow-origin").as_deref(),
            Some("https://a.example")
        );
        assert_eq!(h.get_combined("x-empty").as_deref(), Some(""));
        assert_eq!(h.get_combined("VARY").as_deref(), Some("Origin, Accept"));
        assert_eq!(h.get_all("Vary").collect::<Vec<_>>(), ["Origin", "Accept"]);
        assert!(h.contains("X-EMPTY"));
        assert!(!h.contains("missing"));
        assert_eq!(h.get_combined("missing"), None);
        assert_eq!(
            h.iter().next(),
            Some(("Access-Control-Allow-Origin", "https://a.example"))
        );
    }

    #[test]
    fn value_keeps_colons_after_the_first() {
        let h = Headers::from_lines(&["Location: https://a.example:8443/x"]);
        assert_eq!(
            h.get_combined("location").as_deref(),
            Some("https://a.example:8443/x")
        );
    }

    #[test]
    fn push_and_collect() {
        let mut h = Headers::new();
        assert!(h.is_empty());
        h.push("A", "1");
        h.push(String::from("a"), String::from("2"));
        assert_eq!(h.get_combined("A").as_deref(), Some("1, 2"));
        let c: Headers = [("x", "y")].into_iter().collect();
        assert_eq!(c.len(), 1);
    }

    #[test]
    fn get_decode_split_follows_fetch() {
        let h = Headers::from_lines(&[
            "X-Frame-Options: DENY , SAMEORIGIN",
            "X-Frame-Options: ",
            "Q: \"a,b\" , c\\,d, \"unterminated, x",
        ]);
        assert_eq!(
            h.get_decode_split("x-frame-options").unwrap(),
            ["DENY", "SAMEORIGIN", ""]
        );
        assert_eq!(
            h.get_decode_split("q").unwrap(),
            ["\"a,b\"", "c\\", "d", "\"unterminated, x"]
        );
        assert_eq!(h.get_decode_split("none"), None);
        assert_eq!(decode_and_split(""), [""]);
        assert_eq!(decode_and_split("\"a\\"), ["\"a\\"]);
        assert_eq!(decode_and_split("\"a\"b,c"), ["\"a\"b", "c"]);
    }
}
