//! Editing a Set-Cookie line into its corrected form, keeping everything the
//! fix does not touch (order, spelling, unknown attributes), and the same cookie
//! as a structured [`CookieSpec`] for framework snippets.

use std::rc::Rc;

/// One attribute as written: its name and, if it had `=`, its value.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Attribute {
    name: Rc<str>,
    value: Option<Rc<str>>,
}

/// A Set-Cookie line that a fix can edit. Its pieces are shared text: the
/// rules copy a line for each fix they try (several per line and check), and
/// a copy then costs one list, not a string per attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CookieLine {
    pair: Rc<str>,
    attributes: Vec<Attribute>,
}

impl CookieLine {
    /// Splits a Set-Cookie value (with or without the `Set-Cookie:` name) into
    /// its name-value pair and attributes (RFC 6265bis §5.6 steps 2 and 6).
    pub fn parse(line: &str) -> CookieLine {
        let line = strip_header_name(line);
        let mut parts = line.split(';');
        let pair = Rc::from(parts.next().unwrap_or_default().trim());
        let attributes = parts
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(|a| match a.split_once('=') {
                Some((n, v)) => Attribute {
                    name: Rc::from(n.trim()),
                    value: Some(Rc::from(v.trim())),
                },
                None => Attribute {
                    name: Rc::from(a),
                    value: None,
                },
            })
            .collect();
        CookieLine { pair, attributes }
    }

    /// The name-value pair split at its first `=` (a byte loop: the rules ask
    /// for names often, and pairs are short).
    fn split_pair(&self) -> Option<(&str, &str)> {
        let at = self.pair.bytes().position(|b| b == b'=')?;
        // `=` is ASCII: both sides are whole UTF-8.
        Some((self.pair.get(..at)?, self.pair.get(at + 1..)?))
    }

    /// The cookie name (empty for a nameless cookie).
    pub fn name(&self) -> &str {
        self.split_pair().map_or("", |(n, _)| n.trim())
    }

    /// The cookie value.
    pub fn value(&self) -> &str {
        self.split_pair().map_or(&*self.pair, |(_, v)| v.trim())
    }

    /// Replaces the value.
    pub fn set_value(&mut self, value: &str) {
        self.pair = format!("{}={value}", self.name()).into();
    }

    /// The last value of an attribute (case-insensitive name): `Some(None)` for a
    /// flag such as `Secure`, `None` when absent.
    pub fn get(&self, name: &str) -> Option<Option<&str>> {
        self.attributes
            .iter()
            .rev()
            .find(|a| a.name.eq_ignore_ascii_case(name))
            .map(|a| a.value.as_deref())
    }

    /// Whether the attribute is present.
    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Sets an attribute: replaces every occurrence with one (at the first
    /// one's place, in the canonical spelling given), or appends it.
    pub fn set(&mut self, name: &str, value: Option<&str>) {
        let new = Attribute {
            name: Rc::from(name),
            value: value.map(Rc::from),
        };
        match self
            .attributes
            .iter()
            .position(|a| a.name.eq_ignore_ascii_case(name))
        {
            Some(first) => {
                self.attributes
                    .retain(|a| !a.name.eq_ignore_ascii_case(name));
                let at = first.min(self.attributes.len());
                self.attributes.insert(at, new);
            }
            None => self.attributes.push(new),
        }
    }

    /// Sets a flag attribute (`Secure`, `HttpOnly`, `Partitioned`).
    pub fn set_flag(&mut self, name: &str) {
        self.set(name, None);
    }

    /// Removes every occurrence of an attribute.
    pub fn remove(&mut self, name: &str) {
        self.attributes
            .retain(|a| !a.name.eq_ignore_ascii_case(name));
    }

    /// The Set-Cookie value (without the header name).
    pub fn value_line(&self) -> String {
        self.value_line_without("")
    }

    /// The Set-Cookie value without the attributes named `skip` (ASCII
    /// case-insensitively; `""` skips none): what removing them and then
    /// asking [`CookieLine::value_line`] gives, without a copy of the line.
    pub fn value_line_without(&self, skip: &str) -> String {
        let kept = || {
            self.attributes
                .iter()
                .filter(|a| skip.is_empty() || !a.name.eq_ignore_ascii_case(skip))
        };
        let len = kept().fold(self.pair.len(), |n, a| {
            n + 2 + a.name.len() + a.value.as_ref().map_or(0, |v| 1 + v.len())
        });
        let mut out = String::with_capacity(len);
        out.push_str(&self.pair);
        for a in kept() {
            out.push_str("; ");
            out.push_str(&a.name);
            if let Some(v) = &a.value {
                out.push('=');
                out.push_str(v);
            }
        }
        out
    }

    /// The whole header line, `Set-Cookie: …`.
    pub fn header(&self) -> String {
        format!("Set-Cookie: {}", self.value_line())
    }

    /// Whether the line deletes its cookie by attribute: what
    /// `self.spec().is_deletion()` says, without building the spec.
    pub fn is_deletion(&self) -> bool {
        self.get("Max-Age")
            .flatten()
            .and_then(|m| m.parse::<i64>().ok())
            .is_some_and(|m| m <= 0)
    }

    /// The structured form, for framework snippets.
    pub fn spec(&self) -> CookieSpec {
        let text = |name: &str| self.get(name).flatten().map(str::to_string);
        CookieSpec {
            name: self.name().to_string(),
            value: self.value().to_string(),
            domain: text("Domain").map(|d| d.trim_start_matches('.').to_string()),
            path: text("Path"),
            secure: self.has("Secure"),
            http_only: self.has("HttpOnly"),
            same_site: text("SameSite").map(|s| canonical_same_site(&s)),
            partitioned: self.has("Partitioned"),
            max_age: text("Max-Age").and_then(|m| m.parse().ok()),
            expires: text("Expires"),
        }
    }
}

fn strip_header_name(line: &str) -> &str {
    let trimmed = line.trim_start();
    match trimmed.split_once(':') {
        Some((name, rest)) if name.trim().eq_ignore_ascii_case("set-cookie") => rest.trim_start(),
        _ => trimmed,
    }
}

fn canonical_same_site(value: &str) -> String {
    match value.to_ascii_lowercase().as_str() {
        "strict" => "Strict".into(),
        "lax" => "Lax".into(),
        "none" => "None".into(),
        _ => value.to_string(),
    }
}

/// A cookie as frameworks describe it: what a snippet needs.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct CookieSpec {
    /// Name.
    pub name: String,
    /// Value (snippets use it as a placeholder expression where they can).
    pub value: String,
    /// Domain, without a leading dot.
    pub domain: Option<String>,
    /// Path.
    pub path: Option<String>,
    /// Secure.
    pub secure: bool,
    /// HttpOnly.
    pub http_only: bool,
    /// `Strict`, `Lax` or `None`.
    pub same_site: Option<String>,
    /// Partitioned (CHIPS).
    pub partitioned: bool,
    /// Max-Age in seconds.
    pub max_age: Option<i64>,
    /// Expires, as written.
    pub expires: Option<String>,
}

impl CookieSpec {
    /// Whether this line deletes the cookie (Max-Age ≤ 0).
    pub fn is_deletion(&self) -> bool {
        self.max_age.is_some_and(|m| m <= 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_without_an_attribute_is_the_line_with_it_removed() {
        for line in [
            "a=1",
            "a=1; Expires=Wed, 01 Jan 2031 00:00:00 GMT; Path=/",
            "a=1; expires=x; Secure; EXPIRES=y; HttpOnly",
            "=v; Domain=example.com; Max-Age=5",
            "a=1;;Path=/;  Secure ; Expires",
        ] {
            let parsed = CookieLine::parse(line);
            assert_eq!(parsed.value_line_without(""), parsed.value_line());
            let mut removed = parsed.clone();
            removed.remove("Expires");
            assert_eq!(
                parsed.value_line_without("Expires"),
                removed.value_line(),
                "{line}"
            );
            assert!(
                !parsed.value_line_without("expires").contains("xpires"),
                "{line}"
            );
        }
    }

    #[test]
    fn line_deletion_is_the_specs() {
        for line in [
            "a=1",
            "a=1; Max-Age=0",
            "a=1; max-age=-5",
            "a=1; Max-Age=10",
            "a=1; Max-Age=",
            "a=1; Max-Age=x",
            "a=1; Max-Age=0; Max-Age=10",
            "a=1; Max-Age=10; Max-Age=0",
            "a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
            "a=1; Max-Age",
        ] {
            let parsed = CookieLine::parse(line);
            assert_eq!(parsed.is_deletion(), parsed.spec().is_deletion(), "{line}");
        }
        assert!(CookieLine::parse("a=1; Max-Age=0").is_deletion());
    }

    #[test]
    fn edits_keep_what_they_do_not_touch() {
        let mut line = CookieLine::parse("Set-Cookie: sid=abc; samesite=none; Path=/; Foo=bar");
        assert_eq!(line.name(), "sid");
        assert_eq!(line.get("SameSite"), Some(Some("none")));
        line.set("SameSite", Some("None"));
        line.set_flag("Secure");
        assert_eq!(
            line.header(),
            "Set-Cookie: sid=abc; SameSite=None; Path=/; Foo=bar; Secure"
        );
        line.remove("foo");
        assert_eq!(line.value_line(), "sid=abc; SameSite=None; Path=/; Secure");
    }

    #[test]
    fn a_doubled_header_name_stays_in_the_cookie_name_and_round_trips() {
        // Found by the `check` fuzz target: only one `Set-Cookie:` is the header
        // name; the second belongs to the name-value pair (§5.6 step 2).
        let line = CookieLine::parse("Set-Cookie: Set-Cookie: csrftoken=x;\u{16}Path=/");
        assert_eq!(line.name(), "Set-Cookie: csrftoken");
        assert_eq!(CookieLine::parse(&line.header()), line);
        assert_ne!(CookieLine::parse(&line.value_line()), line);
    }

    #[test]
    fn repeated_attributes_collapse_into_one() {
        let mut line = CookieLine::parse("a=1; Path=/x; Secure; Path=/y");
        assert_eq!(line.get("path"), Some(Some("/y")));
        line.set("Path", Some("/"));
        assert_eq!(line.value_line(), "a=1; Path=/; Secure");
    }

    #[test]
    fn spec_reads_the_attributes() {
        let spec =
            CookieLine::parse("sid=; Domain=.example.com; Max-Age=0; HttpOnly; SameSite=lax")
                .spec();
        assert_eq!(spec.domain.as_deref(), Some("example.com"));
        assert_eq!(spec.same_site.as_deref(), Some("Lax"));
        assert!(spec.is_deletion() && spec.http_only && !spec.secure);
    }
}
