//! Framework snippets: the same fix as a line of code for each framework the
//! user may run. One file per framework; each gives the cookie, CORS and
//! framing variants.
//!
//! A snippet is what a developer pastes: a statement or a short block for a
//! handler (cookies), the app's CORS set-up, or the framing header, plus the
//! import line it needs. Every string in it is escaped for its language, and
//! where a framework has no option for an attribute (`Partitioned` above all)
//! the snippet writes the raw `Set-Cookie` header and says why in a comment.
//! `tests/snippets_dump.rs` and `scripts/check-snippets.sh` run each language's
//! own parser over them.
//!
//! The makers run for every check the server answers, so each writes its
//! snippet straight into one `String` sized up front (`push_str` and the
//! `push_*` helpers here), without `format!` or intermediate strings.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::fix::CookieSpec;

mod aspnet;
mod django;
mod express;
mod fastapi;
mod flask;
mod go;
mod nextjs;
mod nginx;
mod rails;
mod spring;

/// The CORS headers a fix wants, for snippets.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct CorsSpec {
    /// The exact origins to allow (an allow-list: the snippet echoes the request's
    /// `Origin` when it is in the list).
    pub allow_origins: Vec<String>,
    /// `Access-Control-Allow-Credentials: true`.
    pub allow_credentials: bool,
    /// `Access-Control-Allow-Methods` (empty: leave the framework's default).
    pub allow_methods: Vec<String>,
    /// `Access-Control-Allow-Headers` (empty: none).
    pub allow_headers: Vec<String>,
}

/// The framing policy a fix wants, for snippets.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct FramingSpec {
    /// CSP `frame-ancestors` sources, e.g. `'self'`, `https://partner.example`;
    /// `'none'` to forbid framing.
    pub frame_ancestors: Vec<String>,
}

/// One framework: its key and its three snippet makers.
struct Framework {
    name: &'static str,
    cookie: fn(&CookieSpec) -> String,
    cors: fn(&CorsSpec) -> String,
    framing: fn(&FramingSpec) -> String,
}

/// Every framework, in key order.
const FRAMEWORKS: [Framework; 10] = [
    Framework {
        name: "aspnet",
        cookie: aspnet::cookie,
        cors: aspnet::cors,
        framing: aspnet::framing,
    },
    Framework {
        name: "django",
        cookie: django::cookie,
        cors: django::cors,
        framing: django::framing,
    },
    Framework {
        name: "express",
        cookie: express::cookie,
        cors: express::cors,
        framing: express::framing,
    },
    Framework {
        name: "fastapi",
        cookie: fastapi::cookie,
        cors: fastapi::cors,
        framing: fastapi::framing,
    },
    Framework {
        name: "flask",
        cookie: flask::cookie,
        cors: flask::cors,
        framing: flask::framing,
    },
    Framework {
        name: "go",
        cookie: go::cookie,
        cors: go::cors,
        framing: go::framing,
    },
    Framework {
        name: "nextjs",
        cookie: nextjs::cookie,
        cors: nextjs::cors,
        framing: nextjs::framing,
    },
    Framework {
        name: "nginx",
        cookie: nginx::cookie,
        cors: nginx::cors,
        framing: nginx::framing,
    },
    Framework {
        name: "rails",
        cookie: rails::cookie,
        cors: rails::cors,
        framing: rails::framing,
    },
    Framework {
        name: "spring",
        cookie: spring::cookie,
        cors: spring::cors,
        framing: spring::framing,
    },
];

/// The keys of the frameworks every entry point answers for: `aspnet` (ASP.NET
/// Core), `django`, `express`, `fastapi` (FastAPI/Starlette), `flask`, `go`
/// (`net/http`), `nextjs` (App Router), `nginx`, `rails`, `spring` (Spring Boot).
pub fn frameworks() -> Vec<&'static str> {
    FRAMEWORKS.iter().map(|f| f.name).collect()
}

/// The CORS configuration, per framework.
pub fn cors(spec: &CorsSpec) -> BTreeMap<String, String> {
    FRAMEWORKS
        .iter()
        .map(|f| (f.name.to_string(), (f.cors)(spec)))
        .collect()
}

/// The framing header, per framework.
pub fn framing(spec: &FramingSpec) -> BTreeMap<String, String> {
    FRAMEWORKS
        .iter()
        .map(|f| (f.name.to_string(), (f.framing)(spec)))
        .collect()
}

/// Setting (or deleting) this cookie, per framework.
pub fn cookie(spec: &CookieSpec) -> BTreeMap<String, String> {
    FRAMEWORKS
        .iter()
        .map(|f| (f.name.to_string(), (f.cookie)(spec)))
        .collect()
}

/// The languages snippets are written in, for string escaping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lang {
    /// JavaScript (Express, Next.js).
    Js,
    /// Python (FastAPI, Django, Flask).
    Python,
    /// Ruby (Rails).
    Ruby,
    /// Go.
    Go,
    /// Java (Spring).
    Java,
    /// C# (ASP.NET Core).
    CSharp,
    /// nginx configuration.
    Nginx,
}

/// Appends `s` escaped for the inside of a double-quoted string literal in
/// `lang` (without the quotes).
///
/// Each character is escaped on its own, so escaping a string piece by piece
/// gives the same text as escaping it whole.
///
/// nginx has no escape for `$` (it would start a variable): it becomes
/// `${dollar}`, which needs `geo $dollar { default "$"; }` at the `http` level;
/// the nginx snippets say so when they use it.
fn push_escaped(out: &mut String, s: &str, lang: Lang) {
    // Printable ASCII without a character any language escapes: as is.
    let plain = |b: u8| (0x20..0x7f).contains(&b) && !matches!(b, b'\\' | b'"' | b'#' | b'$');
    if s.bytes().all(plain) {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '#' if lang == Lang::Ruby => out.push_str("\\#"),
            '$' if lang == Lang::Nginx => out.push_str("${dollar}"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => match lang {
                // Java turns `\uXXXX` into the character before it lexes, so a
                // control character is written in octal instead.
                Lang::Java => {
                    let _ = write!(out, "\\{:03o}", c as u32);
                }
                // nginx has no numeric escape; a header cannot carry one anyway.
                Lang::Nginx => out.push(' '),
                _ => {
                    let _ = write!(out, "\\u{:04x}", c as u32);
                }
            },
            // Keep Java sources ASCII whatever the compiler's default encoding.
            c if lang == Lang::Java && !c.is_ascii() => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            '\u{2028}' | '\u{2029}' if lang == Lang::Js => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
}

/// Appends a double-quoted string literal holding exactly `s` in `lang`.
fn push_quoted(out: &mut String, s: &str, lang: Lang) {
    out.push('"');
    push_escaped(out, s, lang);
    out.push('"');
}

/// A double-quoted string literal holding exactly `s` in `lang` (the snippets
/// themselves append with [`push_quoted`]).
#[cfg(test)]
fn quote(s: &str, lang: Lang) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_quoted(&mut out, s, lang);
    out
}

/// Appends each item quoted, separated by `, `.
fn push_quoted_list(out: &mut String, items: &[String], lang: Lang) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        push_quoted(out, item, lang);
    }
}

/// Appends one string literal holding the items joined with `, ` (a header
/// value that lists them).
fn push_quoted_joined(out: &mut String, items: &[String], lang: Lang) {
    out.push('"');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        push_escaped(out, item, lang);
    }
    out.push('"');
}

/// An empty snippet with room for `fixed` bytes of the snippet's own text
/// plus the spec's `strings` twice (quoted, escaped, or written twice), so
/// that it is allocated once.
fn buffer(fixed: usize, strings: usize) -> String {
    String::with_capacity(fixed + 2 * strings)
}

/// The buffer for a cookie snippet (the longest, Spring's and ASP.NET's for a
/// partitioned deletion, have about 450 bytes besides the spec's strings).
fn cookie_buffer(spec: &CookieSpec) -> String {
    let optional = |s: &Option<String>| s.as_ref().map_or(0, String::len);
    let strings = spec.name.len()
        + spec.value.len()
        + optional(&spec.domain)
        + optional(&spec.path)
        + optional(&spec.expires);
    buffer(512, strings)
}

/// The buffer for a CORS snippet (the longest, Spring's bean and Next.js's
/// middleware, have about 850 bytes besides the lists).
fn cors_buffer(spec: &CorsSpec) -> String {
    let strings = [
        &spec.allow_origins,
        &spec.allow_methods,
        &spec.allow_headers,
    ]
    .into_iter()
    .flatten()
    .map(|s| s.len() + 4)
    .sum();
    buffer(1024, strings)
}

/// The buffer for a framing snippet (the longest, Rails' and nginx's for other
/// embedders, have about 260 bytes besides the sources).
fn framing_buffer(spec: &FramingSpec) -> String {
    let strings = spec.frame_ancestors.iter().map(|s| s.len() + 1).sum();
    buffer(384, strings)
}

/// Appends the `max_age` and `expires` keyword arguments the spec has, one a
/// line (the spelling Django, Starlette and Werkzeug share).
fn push_python_lifetime(out: &mut String, spec: &CookieSpec) {
    if let Some(max_age) = spec.max_age {
        let _ = write!(out, ",\n    max_age={max_age}");
    }
    if let Some(expires) = &spec.expires {
        out.push_str(",\n    expires=");
        push_quoted(out, expires, Lang::Python);
    }
}

/// Appends the `path`, `domain`, `secure` and `httponly` keyword arguments,
/// one a line (the spelling Django, Starlette and Werkzeug share).
fn push_python_scope(out: &mut String, spec: &CookieSpec) {
    out.push_str(",\n    path=");
    push_quoted(out, cookie_path(spec), Lang::Python);
    if let Some(domain) = &spec.domain {
        out.push_str(",\n    domain=");
        push_quoted(out, domain, Lang::Python);
    }
    if spec.secure {
        out.push_str(",\n    secure=True");
    }
    if spec.http_only {
        out.push_str(",\n    httponly=True");
    }
}

/// SameSite as snippets spell it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SameSite {
    Strict,
    Lax,
    None,
}

impl SameSite {
    /// `Strict`, `Lax` or `None`.
    fn title(self) -> &'static str {
        match self {
            SameSite::Strict => "Strict",
            SameSite::Lax => "Lax",
            SameSite::None => "None",
        }
    }

    /// `strict`, `lax` or `none`.
    fn lower(self) -> &'static str {
        match self {
            SameSite::Strict => "strict",
            SameSite::Lax => "lax",
            SameSite::None => "none",
        }
    }
}

/// The spec's SameSite, if it is one of the three values (anything else is
/// left out, as a browser would ignore it).
fn same_site(spec: &CookieSpec) -> Option<SameSite> {
    let value = spec.same_site.as_deref()?;
    if value.eq_ignore_ascii_case("strict") {
        Some(SameSite::Strict)
    } else if value.eq_ignore_ascii_case("lax") {
        Some(SameSite::Lax)
    } else if value.eq_ignore_ascii_case("none") {
        Some(SameSite::None)
    } else {
        None
    }
}

/// The cookie's Path; snippets always write it, `/` when the spec has none
/// (every framework's default but Go's and Spring's).
fn cookie_path(spec: &CookieSpec) -> &str {
    spec.path.as_deref().unwrap_or("/")
}

/// The Expires of a deletion.
const EPOCH: &str = "Thu, 01 Jan 1970 00:00:00 GMT";

/// Appends the Set-Cookie value (without the header name) the spec describes,
/// for the snippets that write the header themselves.
///
/// With `Some(lang)` the spec's own strings are escaped for the inside of a
/// string literal in `lang` (the caller writes the quotes; the fixed parts
/// need no escape in any language); with `None` they are appended as they are.
fn push_set_cookie_value(out: &mut String, spec: &CookieSpec, lang: Option<Lang>) {
    let text = |out: &mut String, s: &str| match lang {
        Some(lang) => push_escaped(out, s, lang),
        None => out.push_str(s),
    };
    text(out, &spec.name);
    out.push('=');
    text(out, &spec.value);
    if let Some(domain) = &spec.domain {
        out.push_str("; Domain=");
        text(out, domain);
    }
    out.push_str("; Path=");
    text(out, cookie_path(spec));
    if let Some(expires) = &spec.expires {
        out.push_str("; Expires=");
        text(out, expires);
    } else if spec.is_deletion() {
        out.push_str("; Expires=");
        out.push_str(EPOCH);
    }
    if let Some(max_age) = spec.max_age {
        let _ = write!(out, "; Max-Age={}", max_age.max(0));
    }
    if spec.secure {
        out.push_str("; Secure");
    }
    if spec.http_only {
        out.push_str("; HttpOnly");
    }
    if let Some(same_site) = same_site(spec) {
        out.push_str("; SameSite=");
        out.push_str(same_site.title());
    }
    if spec.partitioned {
        out.push_str("; Partitioned");
    }
}

/// Appends the Set-Cookie value the spec describes as a string literal in `lang`.
fn push_quoted_set_cookie_value(out: &mut String, spec: &CookieSpec, lang: Lang) {
    out.push('"');
    push_set_cookie_value(out, spec, Some(lang));
    out.push('"');
}

/// Appends the `Content-Security-Policy` value as a string literal in `lang`:
/// `frame-ancestors` and its sources (`'none'` when there are none).
fn push_quoted_csp(out: &mut String, spec: &FramingSpec, lang: Lang) {
    out.push_str("\"frame-ancestors ");
    if spec.frame_ancestors.is_empty() {
        out.push_str("'none'");
    } else {
        for (i, source) in spec.frame_ancestors.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            push_escaped(out, source, lang);
        }
    }
    out.push('"');
}

/// What the policy allows, for the frameworks that also send X-Frame-Options
/// by default and must keep it consistent with `frame-ancestors`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Framing {
    /// No framing at all (`'none'`): `X-Frame-Options: DENY` agrees.
    Deny,
    /// Only `'self'`: `X-Frame-Options: SAMEORIGIN` agrees.
    SameOrigin,
    /// Other origins too: X-Frame-Options cannot say that and must go.
    Others,
}

/// What the spec's `frame-ancestors` sources allow.
fn framing_kind(spec: &FramingSpec) -> Framing {
    let mut sources = spec
        .frame_ancestors
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.eq_ignore_ascii_case("'none'"))
        .peekable();
    if sources.peek().is_none() {
        Framing::Deny
    } else if sources.all(|s| s.eq_ignore_ascii_case("'self'")) {
        Framing::SameOrigin
    } else {
        Framing::Others
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_escapes_what_each_language_needs() {
        let s = "a\"b\\c $x #{y}\n";
        assert_eq!(quote(s, Lang::Js), r#""a\"b\\c $x #{y}\n""#);
        assert_eq!(quote(s, Lang::Ruby), r#""a\"b\\c $x \#{y}\n""#);
        assert_eq!(quote(s, Lang::Nginx), r#""a\"b\\c ${dollar}x #{y}\n""#);
        assert_eq!(quote("\u{1}é", Lang::Java), r#""\001\u00e9""#);
        assert_eq!(quote("\u{1}é", Lang::Go), "\"\\u0001é\"");
    }

    #[test]
    fn the_raw_line_carries_every_attribute() {
        let spec = CookieSpec {
            name: "sid".into(),
            value: "abc".into(),
            domain: Some("example.com".into()),
            path: Some("/app".into()),
            secure: true,
            http_only: true,
            same_site: Some("None".into()),
            partitioned: true,
            max_age: Some(0),
            expires: None,
        };
        let mut line = String::new();
        push_set_cookie_value(&mut line, &spec, None);
        assert_eq!(
            line,
            "sid=abc; Domain=example.com; Path=/app; Expires=Thu, 01 Jan 1970 00:00:00 GMT; \
             Max-Age=0; Secure; HttpOnly; SameSite=None; Partitioned"
        );
    }

    #[test]
    fn framing_kinds() {
        let spec = |s: &[&str]| FramingSpec {
            frame_ancestors: s.iter().map(|s| s.to_string()).collect(),
        };
        assert_eq!(framing_kind(&spec(&["'none'"])), Framing::Deny);
        assert_eq!(framing_kind(&spec(&[])), Framing::Deny);
        assert_eq!(framing_kind(&spec(&["'self'"])), Framing::SameOrigin);
        assert_eq!(
            framing_kind(&spec(&["'self'", "https://p.example"])),
            Framing::Others
        );
        let mut csp = String::new();
        push_quoted_csp(&mut csp, &spec(&[]), Lang::Js);
        assert_eq!(csp, "\"frame-ancestors 'none'\"");
    }
}
