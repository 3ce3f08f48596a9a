//! What every harness shares: verdicts, record accessors, the simulated browser
//! (one jar, a clock, a PSL, the policy) and the HTTP delivery model.

use cookie_doctor_cookie::{
    Api, CookieJar, CookieUrl, Env, GetContext, Policy, SetContext, SetOutcome, Time,
};
use cookie_doctor_site::PublicSuffixList;
use serde_json::Value;

/// The outcome of one vector.
#[derive(Debug)]
pub enum Verdict {
    /// The model produced the expected result.
    Pass,
    /// It did not; the text says what was run, what was expected and what came out.
    Fail(String),
    /// The vector does not apply to a single-jar RFC 6265bis model (not counted).
    NotApplicable(String),
}

/// One vector's id and verdict.
pub struct Case {
    pub id: String,
    pub verdict: Verdict,
}

impl Case {
    pub fn new(id: impl Into<String>, verdict: Verdict) -> Case {
        Case {
            id: id.into(),
            verdict,
        }
    }
}

/// Compares and builds a failure message.
pub fn check(input: &str, expected: &[u8], actual: &[u8]) -> Verdict {
    if expected == actual {
        Verdict::Pass
    } else {
        Verdict::Fail(format!(
            "input: {input}\n      expected: {}\n      actual:   {}",
            show(expected),
            show(actual)
        ))
    }
}

/// A readable, bounded rendering of bytes (escaped, cut at 160 characters).
pub fn show(bytes: &[u8]) -> String {
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => format!("{s:?}"),
        Err(_) => format!("b\"{}\"", bytes.escape_ascii()),
    };
    if text.chars().count() > 160 {
        let head: String = text.chars().take(150).collect();
        format!("{head}… ({} bytes)", bytes.len())
    } else {
        text
    }
}

/// Renders a list of Set-Cookie lines for a failure message.
pub fn show_lines(lines: &[Vec<u8>]) -> String {
    let shown: Vec<String> = lines.iter().map(|l| show(l)).collect();
    format!("[{}]", shown.join(", "))
}

// ---- record accessors (test code: a malformed record is a bug in the data) ----

pub fn str_field<'a>(r: &'a Value, key: &str) -> &'a str {
    r.get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("record {} has no string field {key}", id_of(r)))
}

pub fn opt_str<'a>(r: &'a Value, key: &str) -> Option<&'a str> {
    r.get(key).and_then(Value::as_str)
}

pub fn id_of(r: &Value) -> String {
    r.get("id")
        .and_then(Value::as_str)
        .unwrap_or("<no id>")
        .to_string()
}

pub fn str_list(r: &Value, key: &str) -> Vec<String> {
    r.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|v| v.as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

pub fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// The fixed clock of the WPT and http-state harnesses.
pub fn wpt_clock() -> Time {
    Time::from_utc(2026, 11, 23, 0, 0, 0).unwrap()
}

/// RFC 9110 §5.5: "a recipient of CR, LF, or NUL within a field value MUST either
/// reject the message or replace each of those characters with SP before further
/// processing". Our HTTP layer takes the second branch (so a vector's
/// `allow_fetch_failure` never needs to apply), then removes the optional
/// whitespace around the field value (RFC 9110 §5.5 "field values … exclude
/// leading and trailing whitespace"), as browsers do before the cookie algorithm.
pub fn deliver_http(line: &[u8]) -> Vec<u8> {
    let replaced: Vec<u8> = line
        .iter()
        .map(|&b| {
            if matches!(b, b'\r' | b'\n' | 0) {
                b' '
            } else {
                b
            }
        })
        .collect();
    let start = replaced
        .iter()
        .position(|&b| b != b' ' && b != b'\t')
        .unwrap_or(replaced.len());
    let end = replaced
        .iter()
        .rposition(|&b| b != b' ' && b != b'\t')
        .map_or(start, |i| i + 1);
    replaced[start..end.max(start)].to_vec()
}

/// A browser with one cookie jar: the clock, the PSL and the policy are values.
pub struct Browser<'p> {
    pub jar: CookieJar,
    pub now: Time,
    pub psl: &'p dyn PublicSuffixList,
    pub policy: Policy,
}

/// Parses a URL or says why not (a failure of the vector, not a panic).
pub fn url(s: &str) -> Result<CookieUrl, String> {
    CookieUrl::parse(s).map_err(|e| format!("cannot parse URL {s:?}: {e}"))
}

impl<'p> Browser<'p> {
    pub fn new(psl: &'p dyn PublicSuffixList, now: Time) -> Browser<'p> {
        Browser {
            jar: CookieJar::new(),
            now,
            psl,
            policy: Policy::rfc6265bis(),
        }
    }

    /// A Set-Cookie field received in a response from `at` (after HTTP delivery).
    pub fn http_set(
        &mut self,
        at: &str,
        line: &[u8],
        same_site: bool,
        top_level_navigation: bool,
    ) -> Result<SetOutcome, String> {
        let url = url(at)?;
        let ctx = SetContext {
            url: &url,
            api: Api::Http,
            same_site,
            top_level_navigation,
            partition: None,
        };
        let env = Env {
            now: self.now,
            psl: self.psl,
            policy: &self.policy,
        };
        Ok(self.jar.set(&deliver_http(line), &ctx, &env))
    }

    /// `document.cookie = line` in a document at `at`.
    pub fn script_set(
        &mut self,
        at: &str,
        line: &[u8],
        same_site: bool,
    ) -> Result<SetOutcome, String> {
        let url = url(at)?;
        let ctx = SetContext {
            same_site,
            ..SetContext::script(&url)
        };
        let env = Env {
            now: self.now,
            psl: self.psl,
            policy: &self.policy,
        };
        Ok(self.jar.set(line, &ctx, &env))
    }

    /// The Cookie header of a (safe-method) request to `to`.
    pub fn http_get(
        &mut self,
        to: &str,
        same_site: bool,
        top_level_navigation: bool,
    ) -> Result<Vec<u8>, String> {
        let url = url(to)?;
        let ctx = GetContext {
            url: &url,
            api: Api::Http,
            same_site,
            safe_method: true,
            top_level_navigation,
            partition: None,
        };
        let env = Env {
            now: self.now,
            psl: self.psl,
            policy: &self.policy,
        };
        Ok(self.jar.retrieve(&ctx, &env).cookie_header())
    }

    /// `document.cookie` of a (same-site, top-level) document at `at`.
    pub fn script_get(&mut self, at: &str) -> Result<Vec<u8>, String> {
        let url = url(at)?;
        let env = Env {
            now: self.now,
            psl: self.psl,
            policy: &self.policy,
        };
        Ok(self
            .jar
            .retrieve(&GetContext::script(&url), &env)
            .cookie_header())
    }
}

/// The `name=value` pairs of a Cookie header (or `document.cookie`) string, in
/// order. A pair without `=` is a nameless cookie.
pub fn pairs(header: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    if header.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut rest = header;
    loop {
        let (pair, tail) = match rest.windows(2).position(|w| w == b"; ") {
            Some(i) => (&rest[..i], Some(&rest[i + 2..])),
            None => (rest, None),
        };
        match pair.iter().position(|&b| b == b'=') {
            Some(i) => out.push((pair[..i].to_vec(), pair[i + 1..].to_vec())),
            None => out.push((Vec::new(), pair.to_vec())),
        }
        match tail {
            Some(t) => rest = t,
            None => break,
        }
    }
    out
}

/// Whether the header holds the pair `name=value`.
pub fn has_pair(header: &[u8], name: &[u8], value: &[u8]) -> bool {
    pairs(header).iter().any(|(n, v)| n == name && v == value)
}
