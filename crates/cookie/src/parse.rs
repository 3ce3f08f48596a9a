//! RFC 6265bis §5.6 "The Set-Cookie Header Field": the user agent's parser.
//!
//! The parser borrows from its input and never allocates: a [`SetCookie`] holds
//! slices of the line. What the storage model needs from the request (the
//! default-path, the clock, the age limit) is applied later, in [`crate::jar`].

use std::rc::Rc;

use crate::date::parse_cookie_date;
use crate::time::Time;

/// RFC 6265bis §5.6 step 5 / §5.7 step 4: name plus value longer than this many
/// octets make the user agent ignore the whole line.
pub const MAX_NAME_VALUE_OCTETS: usize = 4096;
/// RFC 6265bis §5.6, attribute step 6: an attribute value longer than this many
/// octets is ignored (that attribute only).
pub const MAX_ATTRIBUTE_VALUE_OCTETS: usize = 1024;

/// The SameSite value a line asked for (RFC 6265bis §5.6.7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SameSite {
    /// `SameSite=Strict`
    Strict,
    /// `SameSite=Lax`
    Lax,
    /// `SameSite=None`
    None,
    /// No SameSite attribute, or a value the parser did not recognise: the
    /// enforcement is "Default" (RFC 6265bis), shown as `unspecified` as browsers do.
    #[serde(rename = "unspecified")]
    Default,
}

impl SameSite {
    /// The lowercase name used in JSON and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            SameSite::Strict => "strict",
            SameSite::Lax => "lax",
            SameSite::None => "none",
            SameSite::Default => "unspecified",
        }
    }
}

/// The Path attribute as parsed (RFC 6265bis §5.6.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathAttribute<'a> {
    /// The value was empty or did not start with `/`: the default-path of the
    /// request-uri applies.
    DefaultPath,
    /// An explicit path starting with `/`.
    Explicit(&'a [u8]),
}

/// Things the parser ignored, kept so that diagnosis can explain them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ParseNotes(u16);

impl ParseNotes {
    /// An attribute value was longer than 1024 octets and was ignored.
    pub const ATTRIBUTE_VALUE_TOO_LONG: ParseNotes = ParseNotes(1);
    /// An `Expires` value failed the cookie-date algorithm.
    pub const UNPARSEABLE_EXPIRES: ParseNotes = ParseNotes(1 << 1);
    /// A `Max-Age` value was not an integer.
    pub const INVALID_MAX_AGE: ParseNotes = ParseNotes(1 << 2);
    /// An attribute name was not one the spec knows.
    pub const UNKNOWN_ATTRIBUTE: ParseNotes = ParseNotes(1 << 3);
    /// `SameSite` had a value other than Strict, Lax or None.
    pub const UNKNOWN_SAMESITE: ParseNotes = ParseNotes(1 << 4);
    /// An attribute appeared more than once (the last one wins).
    pub const REPEATED_ATTRIBUTE: ParseNotes = ParseNotes(1 << 5);
    /// The name-value-pair had no `=`: a nameless cookie (§5.6 step 3).
    pub const NO_EQUALS_SIGN: ParseNotes = ParseNotes(1 << 6);
    /// The name or the value holds a horizontal tab, which §5.6 step 1 keeps
    /// and some browsers refuse (`Policy::reject_tab_in_name_or_value`).
    pub const TAB_IN_NAME_OR_VALUE: ParseNotes = ParseNotes(1 << 7);

    /// Whether every flag of `other` is set.
    pub fn contains(self, other: ParseNotes) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether no flag is set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    fn insert(&mut self, other: ParseNotes) {
        self.0 |= other.0;
    }
}

/// A parsed Set-Cookie line: the name-value pair and the attributes that count
/// (for each attribute, the last valid one, as the storage model reads the
/// cookie-attribute-list).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetCookie<'a> {
    /// The cookie name (may be empty: a "nameless" cookie).
    pub name: &'a [u8],
    /// The cookie value.
    pub value: &'a [u8],
    /// The last `Expires` that parsed as a cookie-date (before any age limit).
    pub expires: Option<Time>,
    /// The last valid `Max-Age`, in seconds (negative and zero mean "expired").
    pub max_age: Option<i64>,
    /// The last `Domain`, without one leading `.`, as written (not lowercased).
    pub domain: Option<&'a [u8]>,
    /// The last `Path`.
    pub path: Option<PathAttribute<'a>>,
    /// A `Secure` attribute was present.
    pub secure: bool,
    /// An `HttpOnly` attribute was present.
    pub http_only: bool,
    /// The last `SameSite` attribute, `None` if there was none.
    pub same_site: Option<SameSite>,
    /// A `Partitioned` attribute was present (CHIPS).
    pub partitioned: bool,
    /// What the parser ignored.
    pub notes: ParseNotes,
    /// The name, value and explicit path as the jar keeps them, made once by
    /// [`SetCookie::shared`] for a line stored many times (a simulated
    /// response received again and again); `None` from the parser.
    pub shared: Option<SharedFields>,
}

/// A line's fields in the jar's shared form (see [`SetCookie::shared`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedFields {
    /// The name bytes.
    pub name: Rc<[u8]>,
    /// The name as text (lossy UTF-8).
    pub name_text: Rc<str>,
    /// The value bytes.
    pub value: Rc<[u8]>,
    /// An explicit `Path` attribute's bytes and text.
    pub path: Option<(Rc<[u8]>, Rc<str>)>,
    /// The `Domain` attribute as the jar reads it (RFC 6265bis §5.6.3: lower
    /// case), when it is ASCII and not empty.
    pub domain: Option<Rc<str>>,
    /// Facts about this line's domain that depend only on it and on the
    /// Public Suffix List, worked out by the first jar that stores the line
    /// and read by the next (a line is stored with one list; see
    /// `CookieJar::store`).
    pub domain_facts: DomainFacts,
}

/// What the jar learnt about a shared line's domain (see
/// [`SharedFields::domain_facts`]): each is worked out at most once. Derived
/// from the line, so two lines compare equal whatever their facts hold.
#[derive(Clone, Debug, Default)]
pub struct DomainFacts {
    /// Whether the `Domain` attribute is a public suffix.
    pub attribute_is_public_suffix: std::cell::OnceCell<bool>,
    /// The cookie's domain and its site key (registrable domain), when
    /// first stored.
    pub site_key: std::cell::OnceCell<(Rc<str>, Rc<str>)>,
}

impl PartialEq for DomainFacts {
    fn eq(&self, _: &DomainFacts) -> bool {
        true
    }
}

impl Eq for DomainFacts {}

impl SetCookie<'_> {
    /// The same line with its name, value and explicit path made once in the
    /// form the jar keeps, so that storing it again allocates none of them.
    pub fn shared(mut self) -> Self {
        let text = |bytes: &[u8]| -> Rc<str> { String::from_utf8_lossy(bytes).into() };
        self.shared = Some(SharedFields {
            name: self.name.into(),
            name_text: text(self.name),
            value: self.value.into(),
            path: match self.path {
                Some(PathAttribute::Explicit(p)) => Some((p.into(), text(p))),
                _ => None,
            },
            domain: self
                .domain
                .filter(|raw| raw.is_ascii() && !raw.is_empty())
                .map(|raw| String::from_utf8_lossy(raw).to_ascii_lowercase().into()),
            domain_facts: DomainFacts::default(),
        });
        self
    }

    /// The SameSite enforcement (`Default` when there was no valid attribute).
    pub fn same_site_or_default(&self) -> SameSite {
        self.same_site.unwrap_or(SameSite::Default)
    }
}

/// Why a whole Set-Cookie line was ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// RFC 6265bis §5.6 step 1: a control character other than HTAB.
    #[error("the line contains the control character 0x{byte:02X} at byte {position}")]
    ControlCharacter {
        /// The offending byte.
        byte: u8,
        /// Its offset in the line.
        position: usize,
    },
    /// RFC 6265bis §5.6 step 5: name and value together exceed 4096 octets.
    #[error(
        "name and value are {length} octets long, more than the {MAX_NAME_VALUE_OCTETS} allowed"
    )]
    NameValueTooLong {
        /// The combined length.
        length: usize,
    },
    /// RFC 6265bis §5.7 step 2: both the name and the value are empty.
    #[error("the cookie has neither a name nor a value")]
    NoCookieContent,
}

/// RFC 5234 WSP: SP or HTAB.
fn is_wsp(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Removes leading and trailing WSP.
fn trim_wsp(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if !is_wsp(*first) {
            break;
        }
        s = rest;
    }
    while let [rest @ .., last] = s {
        if !is_wsp(*last) {
            break;
        }
        s = rest;
    }
    s
}

/// The offset of the first `needle` in `s` (SIMD via `memchr`: long values such
/// as consent strings and JWTs dominate parsing time).
fn find(s: &[u8], needle: u8) -> Option<usize> {
    memchr::memchr(needle, s)
}

/// RFC 6265bis §5.6 step 1: "%x00-08 / %x0A-1F / %x7F" (CTLs except HTAB).
/// Non-short-circuit operators, so that [`first_forbidden_ctl`] vectorises.
#[inline(always)]
fn is_forbidden_ctl(b: u8) -> bool {
    ((b < 0x20) & (b != b'\t')) | (b == 0x7F)
}

/// The offset of the first forbidden control character. Lines almost never have
/// one, so a branch-free pass over the whole line (SIMD) answers "none" first.
fn first_forbidden_ctl(line: &[u8]) -> Option<usize> {
    let any = line
        .iter()
        .fold(0u8, |acc, &b| acc | u8::from(is_forbidden_ctl(b)));
    if any == 0 {
        return None;
    }
    line.iter().position(|&b| is_forbidden_ctl(b))
}

/// Parses a Set-Cookie field value (the text after `Set-Cookie:`), RFC 6265bis §5.6.
///
/// Also used for `document.cookie = …` assignments, which run the same algorithm.
pub fn parse_set_cookie(line: &[u8]) -> Result<SetCookie<'_>, ParseError> {
    // Step 1: "If the set-cookie-string contains a %x00-08 / %x0A-1F / %x7F
    // character (CTL characters excluding HTAB): Abort these steps and ignore the
    // set-cookie-string entirely."
    if let Some(position) = first_forbidden_ctl(line) {
        let byte = line.get(position).copied().unwrap_or(0);
        return Err(ParseError::ControlCharacter { byte, position });
    }

    // Step 2: split at the first ";" into name-value-pair and unparsed-attributes.
    let (pair, mut unparsed) = match find(line, b';') {
        Some(i) => line.split_at(i),
        None => (line, &[][..]),
    };

    // Step 3: no "=" → the name is empty and the value is the whole pair
    // (a "nameless" cookie); otherwise split at the first "=".
    // Step 4: remove leading and trailing WSP from both.
    let (name, value) = match find(pair, b'=') {
        Some(i) => {
            let (n, v) = pair.split_at(i);
            (trim_wsp(n), trim_wsp(v.get(1..).unwrap_or_default()))
        }
        None => (&[][..], trim_wsp(pair)),
    };

    // Step 5: "If the sum of the lengths of the name string and the value string is
    // more than 4096 octets, abort these steps and ignore the set-cookie-string entirely."
    let length = name.len() + value.len();
    if length > MAX_NAME_VALUE_OCTETS {
        return Err(ParseError::NameValueTooLong { length });
    }
    // §5.7 step 2: "If the name string is empty and the value string is empty,
    // ignore the set-cookie-string entirely."
    if length == 0 {
        return Err(ParseError::NoCookieContent);
    }

    let mut cookie = SetCookie {
        name,
        value,
        expires: None,
        max_age: None,
        domain: None,
        path: None,
        secure: false,
        http_only: false,
        same_site: None,
        partitioned: false,
        notes: ParseNotes::default(),
        shared: None,
    };
    if find(pair, b'=').is_none() {
        cookie.notes.insert(ParseNotes::NO_EQUALS_SIGN);
    }
    if find(name, b'\t').is_some() || find(value, b'\t').is_some() {
        cookie.notes.insert(ParseNotes::TAB_IN_NAME_OR_VALUE);
    }
    let mut seen: u8 = 0;

    // Attribute steps 1–8: loop while unparsed-attributes is not empty.
    while let Some(rest) = unparsed.strip_prefix(b";") {
        // Step 2–3: drop the ";" and take the text up to the next ";".
        let (av, tail) = match find(rest, b';') {
            Some(i) => rest.split_at(i),
            None => (rest, &[][..]),
        };
        unparsed = tail;
        // Step 4–5: split at the first "=" and trim WSP from both parts.
        let (attr_name, attr_value) = match find(av, b'=') {
            Some(i) => {
                let (n, v) = av.split_at(i);
                (trim_wsp(n), trim_wsp(v.get(1..).unwrap_or_default()))
            }
            None => (trim_wsp(av), &[][..]),
        };
        // Step 6: "If the attribute-value contains more than 1024 octets, ignore the
        // cookie-av string and return to Step 1 of this algorithm."
        if attr_value.len() > MAX_ATTRIBUTE_VALUE_OCTETS {
            cookie.notes.insert(ParseNotes::ATTRIBUTE_VALUE_TOO_LONG);
            continue;
        }
        // Step 7: process the attribute by its case-insensitive name.
        let bit = apply_attribute(&mut cookie, attr_name, attr_value);
        if bit != 0 {
            if seen & bit != 0 {
                cookie.notes.insert(ParseNotes::REPEATED_ATTRIBUTE);
            }
            seen |= bit;
        }
    }
    Ok(cookie)
}

/// Applies one cookie-av; returns a bit naming the attribute (0 if unknown).
fn apply_attribute<'a>(cookie: &mut SetCookie<'a>, name: &'a [u8], value: &'a [u8]) -> u8 {
    // Dispatch on length first: attribute names are short and distinct in length
    // except Secure/Domain, which the comparison then tells apart.
    match name.len() {
        7 if name.eq_ignore_ascii_case(b"expires") => {
            // §5.6.1: "Let the expiry-time be the result of parsing the attribute-value
            // as cookie-date. If the attribute-value failed to parse as a cookie date,
            // ignore the cookie-av." The age limit is applied at storage time.
            match parse_cookie_date(value) {
                Some(t) => cookie.expires = Some(t),
                None => cookie.notes.insert(ParseNotes::UNPARSEABLE_EXPIRES),
            }
            1
        }
        7 if name.eq_ignore_ascii_case(b"max-age") => {
            match parse_max_age(value) {
                Some(delta) => cookie.max_age = Some(delta),
                None => cookie.notes.insert(ParseNotes::INVALID_MAX_AGE),
            }
            1 << 1
        }
        6 if name.eq_ignore_ascii_case(b"domain") => {
            // §5.6.3: "Let cookie-domain be the attribute-value without the leading
            // %x2E (".") character, if any." Lowercasing happens in the storage model.
            // A lone "." is not stripped to the empty string: layered-cookies
            // host-parses the domain attribute (the empty host fails) and every
            // browser rejects `Domain=.` (Chromium `GetCookieDomainWithString`),
            // where 6265bis read literally would make a host-only cookie. Kept as
            // ".", it domain-matches no host and the storage model rejects it.
            cookie.domain = Some(match value.strip_prefix(b".") {
                Some(rest) if !rest.is_empty() => rest,
                _ => value,
            });
            1 << 2
        }
        4 if name.eq_ignore_ascii_case(b"path") => {
            // §5.6.4: "If the attribute-value is empty or if the first character of
            // the attribute-value is not %x2F ("/"): Let cookie-path be the default-path."
            cookie.path = Some(if value.first() == Some(&b'/') {
                PathAttribute::Explicit(value)
            } else {
                PathAttribute::DefaultPath
            });
            1 << 3
        }
        6 if name.eq_ignore_ascii_case(b"secure") => {
            // §5.6.5: the value is ignored.
            cookie.secure = true;
            1 << 4
        }
        8 if name.eq_ignore_ascii_case(b"httponly") => {
            // §5.6.6: the value is ignored.
            cookie.http_only = true;
            1 << 5
        }
        8 if name.eq_ignore_ascii_case(b"samesite") => {
            // §5.6.7: "Let enforcement be "Default". If cookie-av's attribute-value is
            // a case-insensitive match for "None"/"Strict"/"Lax", set enforcement to it."
            let enforcement = if value.eq_ignore_ascii_case(b"strict") {
                SameSite::Strict
            } else if value.eq_ignore_ascii_case(b"lax") {
                SameSite::Lax
            } else if value.eq_ignore_ascii_case(b"none") {
                SameSite::None
            } else {
                cookie.notes.insert(ParseNotes::UNKNOWN_SAMESITE);
                SameSite::Default
            };
            cookie.same_site = Some(enforcement);
            1 << 6
        }
        11 if name.eq_ignore_ascii_case(b"partitioned") => {
            // CHIPS (draft-cutler-httpbis-partitioned-cookies): the value is ignored.
            cookie.partitioned = true;
            1 << 7
        }
        0 if value.is_empty() => {
            // An empty cookie-av (a trailing ";", or ";;") names no attribute: step 7
            // ignores it like any other, but it is not an unknown attribute to report.
            0
        }
        _ => {
            // Step 7: "…ignore the cookie-av" for an unrecognised attribute name.
            cookie.notes.insert(ParseNotes::UNKNOWN_ATTRIBUTE);
            0
        }
    }
}

/// RFC 6265bis §5.6.2 "The Max-Age Attribute": the delta-seconds, or `None` when
/// the cookie-av is to be ignored.
fn parse_max_age(value: &[u8]) -> Option<i64> {
    // "If the attribute-value is empty, ignore the cookie-av."
    // "If the first character of the attribute-value is neither a DIGIT, nor a "-"
    // character followed by a DIGIT, ignore the cookie-av."
    // "If the remainder of attribute-value contains a non-DIGIT character, ignore
    // the cookie-av."
    let (negative, digits) = match value.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some(_) => (false, value),
        None => return None,
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    // Saturate: any value past the age limit is capped later anyway.
    let magnitude = digits.iter().fold(0i64, |acc, &b| {
        acc.saturating_mul(10).saturating_add(i64::from(b - b'0'))
    });
    Some(if negative { -magnitude } else { magnitude })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> SetCookie<'_> {
        parse_set_cookie(s.as_bytes()).unwrap()
    }

    #[test]
    fn name_value_and_whitespace() {
        let c = p("  sid = abc def ;Path=/");
        assert_eq!((c.name, c.value), (&b"sid"[..], &b"abc def"[..]));
        let c = p("justvalue");
        assert_eq!((c.name, c.value), (&b""[..], &b"justvalue"[..]));
        let c = p("=v");
        assert_eq!((c.name, c.value), (&b""[..], &b"v"[..]));
        let c = p("n=");
        assert_eq!((c.name, c.value), (&b"n"[..], &b""[..]));
        let c = p("a=b=c");
        assert_eq!(c.value, b"b=c");
        assert_eq!(parse_set_cookie(b"="), Err(ParseError::NoCookieContent));
        assert_eq!(
            parse_set_cookie(b" ; Secure"),
            Err(ParseError::NoCookieContent)
        );
    }

    #[test]
    fn control_characters() {
        assert_eq!(
            parse_set_cookie(b"a=b\x01c"),
            Err(ParseError::ControlCharacter {
                byte: 1,
                position: 3
            })
        );
        assert!(parse_set_cookie(b"a=b; Path=/\x7f").is_err());
        // HTAB is allowed.
        assert_eq!(p("a=b\tc").value, b"b\tc");
    }

    #[test]
    fn size_limits() {
        let ok = format!("{}={}", "n".repeat(2000), "v".repeat(2096));
        assert!(parse_set_cookie(ok.as_bytes()).is_ok());
        let too_long = format!("{}={}", "n".repeat(2000), "v".repeat(2097));
        assert_eq!(
            parse_set_cookie(too_long.as_bytes()),
            Err(ParseError::NameValueTooLong { length: 4097 })
        );
        let attr = format!("a=b; Path=/x; Path=/{}", "p".repeat(1024));
        let c = p(&attr);
        assert_eq!(c.path, Some(PathAttribute::Explicit(b"/x")));
        assert!(c.notes.contains(ParseNotes::ATTRIBUTE_VALUE_TOO_LONG));
    }

    #[test]
    fn attributes_last_wins_and_unknown_ignored() {
        let c = p(
            "a=b; SameSite=Strict; samesite=lax; Domain=.Example.com; Foo=bar; secure; HTTPONLY=yes; Partitioned",
        );
        assert_eq!(c.same_site, Some(SameSite::Lax));
        assert_eq!(c.domain, Some(&b"Example.com"[..]));
        assert!(c.secure && c.http_only && c.partitioned);
        assert!(c.notes.contains(ParseNotes::UNKNOWN_ATTRIBUTE));
        assert!(c.notes.contains(ParseNotes::REPEATED_ATTRIBUTE));
        // Empty cookie-avs are no attributes at all.
        assert!(p("a=b;").notes.is_empty());
        assert!(p("a=b; ;; Path=/;").notes.is_empty());
        assert!(p("a=b; =x").notes.contains(ParseNotes::UNKNOWN_ATTRIBUTE));
        assert_eq!(
            p("a=b; SameSite=extended").same_site,
            Some(SameSite::Default)
        );
        assert_eq!(p("a=b; SameSite").same_site, Some(SameSite::Default));
        assert_eq!(
            p("a=b; Path=relative").path,
            Some(PathAttribute::DefaultPath)
        );
        assert_eq!(p("a=b; Path=").path, Some(PathAttribute::DefaultPath));
    }

    #[test]
    fn forbidden_control_characters_found_at_any_offset() {
        for len in [1, 31, 32, 33, 64, 100] {
            for at in 0..len {
                for bad in [0x00u8, 0x08, 0x0A, 0x1F, 0x7F] {
                    let mut s = vec![b'a'; len];
                    if let Some(b) = s.get_mut(at) {
                        *b = bad;
                    }
                    assert_eq!(first_forbidden_ctl(&s), Some(at));
                }
            }
        }
        assert_eq!(first_forbidden_ctl(b"a\tb \x80\xff~"), None);
    }

    #[test]
    fn max_age_grammar() {
        assert_eq!(parse_max_age(b"60"), Some(60));
        assert_eq!(parse_max_age(b"-1"), Some(-1));
        assert_eq!(parse_max_age(b"0"), Some(0));
        assert_eq!(parse_max_age(b""), None);
        assert_eq!(parse_max_age(b"-"), None);
        assert_eq!(parse_max_age(b"+1"), None);
        assert_eq!(parse_max_age(b"1a"), None);
        assert_eq!(parse_max_age(b"99999999999999999999999"), Some(i64::MAX));
        // An invalid Max-Age does not erase an earlier valid one.
        assert_eq!(p("a=b; Max-Age=5; Max-Age=x").max_age, Some(5));
    }
}
