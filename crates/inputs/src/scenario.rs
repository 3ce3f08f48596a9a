//! The scenario format (DESIGN.md §5, contract v1): what servers answer and what
//! the user and the pages do. The one reader of the format: the engine and the
//! browser oracle both get scenarios from here (the oracle through
//! `cookie-doctor scenario FILE --format json`).
//!
//! The reader is strict: an unknown field, step kind or browser, a bad URL, a
//! `from` naming no frame, a redirect without `location`, a `wait` without
//! `seconds`, a `js-set` without `cookie` — each is an error naming the file, the
//! line, the step and the field. Nothing is silently defaulted except the
//! defaults the format defines (`from = "top"`, `method`, `credentials`, `target`).

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};
use toml::Spanned;

/// The largest scenario file we read.
pub const MAX_SCENARIO_BYTES: usize = 1024 * 1024;
/// The most steps a scenario may have.
pub const MAX_STEPS: usize = 10_000;
/// The longest `wait` (ten years), enough to cross every expiry cap.
pub const MAX_WAIT_SECONDS: f64 = 10.0 * 366.0 * 86_400.0;

/// The browser profiles a scenario may name.
pub const KNOWN_BROWSERS: &[&str] = &[
    "chrome",
    "chrome-3pc-blocked",
    "firefox",
    "firefox-strict",
    "safari",
    "rfc6265bis",
];

/// A scenario, validated and with the format's defaults filled in.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scenario {
    /// The scenario's name.
    pub name: String,
    /// The browsers to run (every known profile when the file names none).
    pub browsers: Vec<String>,
    /// What servers answer.
    pub responses: Vec<ResponseSpec>,
    /// What happens, in order.
    pub steps: Vec<Step>,
}

/// One `[[response]]` entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResponseSpec {
    /// The URL it answers (origin + path match; the query is ignored).
    pub url: String,
    /// The status code (200 unless given).
    pub status: u16,
    /// The absolute redirect target, for 301/302/303/307/308.
    pub location: Option<String>,
    /// Response header lines, `Name: value`.
    pub headers: Vec<String>,
}

/// The step kinds (`do`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepKind {
    /// The user types `url`: a top-level navigation with no initiator.
    Open,
    /// A link in frame `from` navigates the top-level document (GET).
    Click,
    /// A form in `from` submits to `target`.
    Submit,
    /// `from` embeds a new child frame `name`.
    Iframe,
    /// A subresource load (`as` = image, script, style).
    Load,
    /// A `fetch()` call.
    Fetch,
    /// `document.cookie = cookie` in `from`.
    JsSet,
    /// Reads `document.cookie` in `from`.
    JsRead,
    /// Time passes.
    Wait,
    /// `document.requestStorageAccess()` in `from`, granted.
    StorageAccess,
}

impl StepKind {
    const ALL: [(&'static str, StepKind); 10] = [
        ("open", StepKind::Open),
        ("click", StepKind::Click),
        ("submit", StepKind::Submit),
        ("iframe", StepKind::Iframe),
        ("load", StepKind::Load),
        ("fetch", StepKind::Fetch),
        ("js-set", StepKind::JsSet),
        ("js-read", StepKind::JsRead),
        ("wait", StepKind::Wait),
        ("storage-access", StepKind::StorageAccess),
    ];

    /// The name written in `do`.
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("?", |(n, _)| n)
    }

    /// The fields this kind takes besides `do` and `expect`: (name, required).
    fn fields(self) -> &'static [(&'static str, bool)] {
        match self {
            StepKind::Open => &[("url", true)],
            StepKind::Click => &[("url", true), ("from", false)],
            StepKind::Submit => &[
                ("url", true),
                ("from", false),
                ("method", false),
                ("target", false),
            ],
            StepKind::Iframe => &[("url", true), ("name", true), ("from", false)],
            StepKind::Load => &[("url", true), ("from", false), ("as", true)],
            StepKind::Fetch => &[
                ("url", true),
                ("from", false),
                ("method", false),
                ("credentials", false),
                ("headers", false),
            ],
            StepKind::JsSet => &[("from", false), ("cookie", true)],
            StepKind::JsRead | StepKind::StorageAccess => &[("from", false)],
            StepKind::Wait => &[("seconds", true)],
        }
    }
}

/// Subresource kinds for `load`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LoadAs {
    /// `<img>`
    Image,
    /// `<script>`
    Script,
    /// `<link rel=stylesheet>`
    Style,
}

/// fetch() credentials modes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Credentials {
    /// `omit`
    Omit,
    /// `same-origin` (the default)
    SameOrigin,
    /// `include`
    Include,
}

/// One step, with every field present (`null` where the kind does not use it),
/// so that a reader in any language can take it as is.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Step {
    /// Its position, from 0.
    pub index: usize,
    /// The kind.
    #[serde(rename = "do")]
    pub kind: StepKind,
    /// The line of the step in the file (1-based).
    pub line: usize,
    /// The URL (open, click, submit, iframe, load, fetch).
    pub url: Option<String>,
    /// The frame the step runs in (`top` by default) — for kinds that run in a frame.
    pub from: Option<String>,
    /// The new frame's name (iframe).
    pub name: Option<String>,
    /// The HTTP method (submit: POST by default; fetch: GET by default).
    pub method: Option<String>,
    /// fetch's credentials mode (`same-origin` by default).
    pub credentials: Option<Credentials>,
    /// Where a form submits (`top` by default, or a frame name).
    pub target: Option<String>,
    /// The subresource kind (load).
    #[serde(rename = "as")]
    pub load_as: Option<LoadAs>,
    /// Request header lines (fetch).
    pub headers: Option<Vec<String>>,
    /// The `document.cookie` assignment (js-set).
    pub cookie: Option<String>,
    /// How long to wait (wait).
    pub seconds: Option<f64>,
    /// Assertions on this step.
    pub expect: Vec<Expect>,
}

/// An assertion on a step's last request (or the read, for js-read).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Default)]
pub struct Expect {
    /// Cookie names the request must carry.
    pub sent: Vec<String>,
    /// Cookie names the request must not carry.
    pub not_sent: Vec<String>,
    /// Cookie names that must be in the jar after the step.
    pub stored: Vec<String>,
    /// Cookie names that must not be in the jar after the step.
    pub not_stored: Vec<String>,
    /// The exact `document.cookie` string (js-read).
    pub js_cookie: Option<String>,
    /// Only for these browsers (all when `None`).
    pub browsers: Option<Vec<String>>,
}

/// A scenario that cannot be read: where and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    /// The file (as the user named it).
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// The step index, when the error is inside a step.
    pub step: Option<usize>,
    /// The field, when one is at fault.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        f.write_str(": ")?;
        if let Some(step) = self.step {
            write!(f, "step {step}")?;
            if self.field.is_some() {
                f.write_str(", ")?;
            } else {
                f.write_str(": ")?;
            }
        }
        if let Some(field) = &self.field {
            write!(f, "field `{field}`: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ScenarioError {}

// ---- the raw, spanned shape read by serde ----------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    name: Spanned<String>,
    browsers: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    response: Vec<Spanned<RawResponse>>,
    #[serde(default)]
    step: Vec<Spanned<RawStep>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawResponse {
    url: Spanned<String>,
    status: Option<Spanned<i64>>,
    location: Option<Spanned<String>>,
    #[serde(default)]
    headers: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    #[serde(rename = "do")]
    kind: Spanned<String>,
    url: Option<Spanned<String>>,
    from: Option<Spanned<String>>,
    name: Option<Spanned<String>>,
    method: Option<Spanned<String>>,
    credentials: Option<Spanned<String>>,
    target: Option<Spanned<String>>,
    #[serde(rename = "as")]
    load_as: Option<Spanned<String>>,
    headers: Option<Spanned<Vec<Spanned<String>>>>,
    cookie: Option<Spanned<String>>,
    seconds: Option<Spanned<toml::Value>>,
    expect: Option<Spanned<toml::Value>>,
}

impl RawStep {
    /// The fields present, with their spans, by name.
    fn present(&self) -> Vec<(&'static str, Range<usize>)> {
        let mut out = Vec::new();
        let mut add = |name: &'static str, span: Option<Range<usize>>| {
            if let Some(span) = span {
                out.push((name, span));
            }
        };
        add("url", self.url.as_ref().map(Spanned::span));
        add("from", self.from.as_ref().map(Spanned::span));
        add("name", self.name.as_ref().map(Spanned::span));
        add("method", self.method.as_ref().map(Spanned::span));
        add("credentials", self.credentials.as_ref().map(Spanned::span));
        add("target", self.target.as_ref().map(Spanned::span));
        add("as", self.load_as.as_ref().map(Spanned::span));
        add("headers", self.headers.as_ref().map(Spanned::span));
        add("cookie", self.cookie.as_ref().map(Spanned::span));
        add("seconds", self.seconds.as_ref().map(Spanned::span));
        out
    }
}

/// Where things are in the source text.
struct Source<'a> {
    file: &'a str,
    text: &'a str,
}

impl Source<'_> {
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let before = self.text.get(..offset.min(self.text.len())).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, column)
    }

    fn error(
        &self,
        span: Option<Range<usize>>,
        step: Option<usize>,
        field: Option<&str>,
        message: impl Into<String>,
    ) -> ScenarioError {
        let (line, column) = match span {
            Some(span) => {
                let (l, c) = self.line_col(span.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        ScenarioError {
            file: self.file.to_string(),
            line,
            column,
            step,
            field: field.map(str::to_string),
            message: message.into(),
        }
    }

    /// Which `[[step]]` table an offset falls in (for serde's errors, which only
    /// know the offset).
    fn step_at(&self, offset: usize) -> Option<usize> {
        let before = self.text.get(..offset.min(self.text.len()))?;
        let count = before
            .lines()
            .filter(|l| l.trim_start().starts_with("[[step]]"))
            .count();
        count.checked_sub(1)
    }
}

/// Reads a scenario from TOML text. `file` names it in errors.
pub fn parse_scenario(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
    let src = Source { file, text };
    if text.len() > MAX_SCENARIO_BYTES {
        return Err(src.error(
            None,
            None,
            None,
            format!(
                "the file is {} bytes, more than the {MAX_SCENARIO_BYTES} accepted",
                text.len()
            ),
        ));
    }
    let raw: RawScenario = toml::from_str(text).map_err(|e| {
        let span = e.span();
        let step = span.as_ref().and_then(|s| src.step_at(s.start));
        let message = e.message().to_string();
        // serde names the unknown field in its message; keep that wording.
        src.error(span, step, None, message)
    })?;
    if raw.step.len() > MAX_STEPS {
        return Err(src.error(
            None,
            None,
            Some("step"),
            format!(
                "{} steps, more than the {MAX_STEPS} accepted",
                raw.step.len()
            ),
        ));
    }

    let name = raw.name.get_ref().trim().to_string();
    if name.is_empty() {
        return Err(src.error(
            Some(raw.name.span()),
            None,
            Some("name"),
            "the scenario needs a name",
        ));
    }

    let browsers = match &raw.browsers {
        None => KNOWN_BROWSERS.iter().map(|b| b.to_string()).collect(),
        Some(list) => {
            if list.get_ref().is_empty() {
                return Err(src.error(
                    Some(list.span()),
                    None,
                    Some("browsers"),
                    "the list is empty; leave it out to run every browser",
                ));
            }
            list.get_ref()
                .iter()
                .map(|b| known_browser(&src, b, None, "browsers"))
                .collect::<Result<Vec<_>, _>>()?
        }
    };

    let mut responses = Vec::with_capacity(raw.response.len());
    let mut seen_urls: BTreeMap<String, Range<usize>> = BTreeMap::new();
    for entry in &raw.response {
        let r = entry.get_ref();
        let url = absolute_url(&src, &r.url, None, "url")?;
        let key = format!("{}{}", url.origin().ascii_serialization(), url.path());
        if let Some(first) = seen_urls.insert(key.clone(), r.url.span()) {
            let (line, _) = src.line_col(first.start);
            return Err(src.error(
                Some(r.url.span()),
                None,
                Some("url"),
                format!("a second [[response]] for {key} (the first is at line {line})"),
            ));
        }
        let status = match &r.status {
            None => 200,
            Some(s) => match u16::try_from(*s.get_ref()) {
                Ok(code) if (200..=599).contains(&code) => code,
                _ => {
                    return Err(src.error(
                        Some(s.span()),
                        None,
                        Some("status"),
                        format!("{} is not a final HTTP status (200-599)", s.get_ref()),
                    ));
                }
            },
        };
        let is_redirect = matches!(status, 301 | 302 | 303 | 307 | 308);
        let location = match (&r.location, is_redirect) {
            (Some(loc), true) => {
                let target = url.join(loc.get_ref()).map_err(|e| {
                    src.error(
                        Some(loc.span()),
                        None,
                        Some("location"),
                        format!("`{}` is not a valid URL: {e}", loc.get_ref()),
                    )
                })?;
                Some(target.to_string())
            }
            (None, true) => {
                return Err(src.error(
                    Some(entry.span()),
                    None,
                    Some("location"),
                    format!("status {status} is a redirect and needs `location`"),
                ));
            }
            (Some(loc), false) => {
                return Err(src.error(Some(loc.span()), None, Some("location"), format!("`location` is only used with a redirect status (301, 302, 303, 307, 308), not {status}")));
            }
            (None, false) => None,
        };
        let headers = r
            .headers
            .iter()
            .map(|h| header_line(&src, h, None, "headers"))
            .collect::<Result<Vec<_>, _>>()?;
        responses.push(ResponseSpec {
            url: url.to_string(),
            status,
            location,
            headers,
        });
    }

    let mut frames = Frames::new();
    let mut steps = Vec::with_capacity(raw.step.len());
    for (index, entry) in raw.step.iter().enumerate() {
        steps.push(read_step(&src, index, entry, &mut frames)?);
    }
    if steps.is_empty() {
        return Err(src.error(None, None, Some("step"), "the scenario has no [[step]]"));
    }
    Ok(Scenario {
        name,
        browsers,
        responses,
        steps,
    })
}

fn known_browser(
    src: &Source<'_>,
    b: &Spanned<String>,
    step: Option<usize>,
    field: &str,
) -> Result<String, ScenarioError> {
    if KNOWN_BROWSERS.contains(&b.get_ref().as_str()) {
        Ok(b.get_ref().clone())
    } else {
        Err(src.error(
            Some(b.span()),
            step,
            Some(field),
            format!(
                "unknown browser `{}`; known: {}",
                b.get_ref(),
                KNOWN_BROWSERS.join(", ")
            ),
        ))
    }
}

fn absolute_url(
    src: &Source<'_>,
    u: &Spanned<String>,
    step: Option<usize>,
    field: &str,
) -> Result<url::Url, ScenarioError> {
    let url = url::Url::parse(u.get_ref()).map_err(|e| {
        src.error(
            Some(u.span()),
            step,
            Some(field),
            format!("`{}` is not a valid absolute URL: {e}", u.get_ref()),
        )
    })?;
    match url.scheme() {
        "http" | "https" => {}
        other => {
            return Err(src.error(
                Some(u.span()),
                step,
                Some(field),
                format!(
                    "`{}`: only http and https URLs can be served (not `{other}:`)",
                    u.get_ref()
                ),
            ));
        }
    }
    if url.host_str().is_none() {
        return Err(src.error(
            Some(u.span()),
            step,
            Some(field),
            format!("`{}` has no host", u.get_ref()),
        ));
    }
    Ok(url)
}

/// An HTTP token (RFC 9110 §5.6.2).
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn header_line(
    src: &Source<'_>,
    h: &Spanned<String>,
    step: Option<usize>,
    field: &str,
) -> Result<String, ScenarioError> {
    let text = h.get_ref();
    let ok = text.split_once(':').is_some_and(|(name, _)| is_token(name))
        && !text.contains(['\r', '\n', '\0']);
    if ok {
        Ok(text.clone())
    } else {
        Err(src.error(
            Some(h.span()),
            step,
            Some(field),
            format!("`{text}` is not a header line `Name: value`"),
        ))
    }
}

/// The frames that exist at a point of the scenario: name → parent.
struct Frames {
    parent: BTreeMap<String, String>,
}

impl Frames {
    fn new() -> Frames {
        Frames {
            parent: BTreeMap::new(),
        }
    }

    fn exists(&self, name: &str) -> bool {
        name == "top" || self.parent.contains_key(name)
    }

    /// A frame navigates: its descendants go (the top: every frame goes).
    fn navigate(&mut self, name: &str) {
        if name == "top" {
            self.parent.clear();
            return;
        }
        let mut doomed = vec![name.to_string()];
        while let Some(gone) = doomed.pop() {
            let children: Vec<String> = self
                .parent
                .iter()
                .filter(|(_, p)| **p == gone)
                .map(|(c, _)| c.clone())
                .collect();
            for child in children {
                self.parent.remove(&child);
                doomed.push(child);
            }
        }
    }

    fn names(&self) -> String {
        std::iter::once("top")
            .chain(self.parent.keys().map(String::as_str))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn read_step(
    src: &Source<'_>,
    index: usize,
    entry: &Spanned<RawStep>,
    frames: &mut Frames,
) -> Result<Step, ScenarioError> {
    let raw = entry.get_ref();
    let at = Some(index);
    let kind_text = raw.kind.get_ref().as_str();
    let Some(kind) = StepKind::ALL
        .iter()
        .find(|(n, _)| *n == kind_text)
        .map(|(_, k)| *k)
    else {
        let known: Vec<&str> = StepKind::ALL.iter().map(|(n, _)| *n).collect();
        return Err(src.error(
            Some(raw.kind.span()),
            at,
            Some("do"),
            format!(
                "unknown step kind `{kind_text}`; known: {}",
                known.join(", ")
            ),
        ));
    };
    let allowed = kind.fields();
    for (field, span) in raw.present() {
        if !allowed.iter().any(|(name, _)| *name == field) {
            return Err(src.error(
                Some(span),
                at,
                Some(field),
                format!("a `{}` step does not take `{field}`", kind.as_str()),
            ));
        }
    }
    let present = raw.present();
    for (field, required) in allowed {
        if *required && !present.iter().any(|(name, _)| name == field) {
            return Err(src.error(
                Some(entry.span()),
                at,
                Some(field),
                format!("a `{}` step needs `{field}`", kind.as_str()),
            ));
        }
    }

    let url = match &raw.url {
        Some(u) => Some(absolute_url(src, u, at, "url")?.to_string()),
        None => None,
    };
    let runs_in_frame = allowed.iter().any(|(f, _)| *f == "from");
    let from = if runs_in_frame {
        let name = raw.from.as_ref().map_or("top", |f| f.get_ref().as_str());
        if !frames.exists(name) {
            let span = raw.from.as_ref().map(Spanned::span);
            return Err(src.error(
                span,
                at,
                Some("from"),
                format!(
                    "no frame named `{name}` exists here (frames: {})",
                    frames.names()
                ),
            ));
        }
        Some(name.to_string())
    } else {
        None
    };

    let method = match (&raw.method, kind) {
        (Some(m), StepKind::Submit) => {
            let upper = m.get_ref().to_ascii_uppercase();
            if upper != "GET" && upper != "POST" {
                return Err(src.error(
                    Some(m.span()),
                    at,
                    Some("method"),
                    format!("a form submits with GET or POST, not `{}`", m.get_ref()),
                ));
            }
            Some(upper)
        }
        (Some(m), _) => {
            if !is_token(m.get_ref()) {
                return Err(src.error(
                    Some(m.span()),
                    at,
                    Some("method"),
                    format!("`{}` is not an HTTP method", m.get_ref()),
                ));
            }
            Some(m.get_ref().clone())
        }
        (None, StepKind::Submit) => Some("POST".to_string()),
        (None, StepKind::Fetch) => Some("GET".to_string()),
        (None, _) => None,
    };

    let credentials = match (&raw.credentials, kind) {
        (Some(c), _) => Some(match c.get_ref().as_str() {
            "omit" => Credentials::Omit,
            "same-origin" => Credentials::SameOrigin,
            "include" => Credentials::Include,
            other => {
                return Err(src.error(
                    Some(c.span()),
                    at,
                    Some("credentials"),
                    format!("`{other}` is not a credentials mode (omit, same-origin, include)"),
                ));
            }
        }),
        (None, StepKind::Fetch) => Some(Credentials::SameOrigin),
        (None, _) => None,
    };

    let load_as = match &raw.load_as {
        Some(a) => Some(match a.get_ref().as_str() {
            "image" => LoadAs::Image,
            "script" => LoadAs::Script,
            "style" => LoadAs::Style,
            other => {
                return Err(src.error(
                    Some(a.span()),
                    at,
                    Some("as"),
                    format!("`{other}` is not a subresource kind (image, script, style)"),
                ));
            }
        }),
        None => None,
    };

    let headers = match &raw.headers {
        Some(list) => Some(
            list.get_ref()
                .iter()
                .map(|h| header_line(src, h, at, "headers"))
                .collect::<Result<Vec<_>, _>>()?,
        ),
        None => None,
    };

    let seconds = match &raw.seconds {
        Some(s) => {
            let value = match s.get_ref() {
                toml::Value::Integer(i) => *i as f64,
                toml::Value::Float(f) => *f,
                other => {
                    return Err(src.error(
                        Some(s.span()),
                        at,
                        Some("seconds"),
                        format!("expected a number of seconds, found {}", other.type_str()),
                    ));
                }
            };
            if !value.is_finite() || value <= 0.0 || value > MAX_WAIT_SECONDS {
                return Err(src.error(
                    Some(s.span()),
                    at,
                    Some("seconds"),
                    format!("{value} is not a wait between 0 and {MAX_WAIT_SECONDS} seconds"),
                ));
            }
            Some(value)
        }
        None => None,
    };

    // Frames: new ones, and the ones a navigation removes.
    let mut target = None;
    match kind {
        StepKind::Iframe => {
            let name = raw.name.as_ref().map(|n| (n.get_ref().clone(), n.span()));
            if let Some((name, span)) = name {
                if name.is_empty()
                    || name == "top"
                    || !name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                {
                    return Err(src.error(
                        Some(span),
                        at,
                        Some("name"),
                        format!(
                            "`{name}` cannot name a frame (letters, digits, - and _; not `top`)"
                        ),
                    ));
                }
                if frames.exists(&name) {
                    return Err(src.error(
                        Some(span),
                        at,
                        Some("name"),
                        format!("a frame named `{name}` already exists"),
                    ));
                }
                frames
                    .parent
                    .insert(name, from.clone().unwrap_or_else(|| "top".to_string()));
            }
        }
        StepKind::Open | StepKind::Click => frames.navigate("top"),
        StepKind::Submit => {
            let name = raw
                .target
                .as_ref()
                .map_or("top", |t| t.get_ref().as_str())
                .to_string();
            if !frames.exists(&name) {
                let span = raw.target.as_ref().map(Spanned::span);
                return Err(src.error(
                    span,
                    at,
                    Some("target"),
                    format!(
                        "no frame named `{name}` exists here (frames: {})",
                        frames.names()
                    ),
                ));
            }
            frames.navigate(&name);
            target = Some(name);
        }
        _ => {}
    }

    let expect = match &raw.expect {
        Some(value) => read_expect(src, at, value)?,
        None => Vec::new(),
    };

    let (line, _) = src.line_col(raw.kind.span().start);
    Ok(Step {
        index,
        kind,
        line,
        url,
        from,
        name: raw.name.as_ref().map(|n| n.get_ref().clone()),
        method,
        credentials,
        target,
        load_as,
        headers,
        cookie: raw.cookie.as_ref().map(|c| c.get_ref().clone()),
        seconds,
        expect,
    })
}

fn read_expect(
    src: &Source<'_>,
    step: Option<usize>,
    value: &Spanned<toml::Value>,
) -> Result<Vec<Expect>, ScenarioError> {
    let span = Some(value.span());
    let tables: Vec<&toml::Table> = match value.get_ref() {
        toml::Value::Table(t) => vec![t],
        toml::Value::Array(items) => items
            .iter()
            .map(|v| {
                v.as_table().ok_or_else(|| {
                    src.error(
                        span.clone(),
                        step,
                        Some("expect"),
                        "each entry of `expect` must be a table",
                    )
                })
            })
            .collect::<Result<_, _>>()?,
        other => {
            return Err(src.error(
                span,
                step,
                Some("expect"),
                format!(
                    "expected a table or an array of tables, found {}",
                    other.type_str()
                ),
            ));
        }
    };
    let mut out = Vec::with_capacity(tables.len());
    for table in tables {
        let mut expect = Expect::default();
        for (key, v) in table {
            let field = format!("expect.{key}");
            let names = |v: &toml::Value| -> Result<Vec<String>, ScenarioError> {
                let items = v.as_array().ok_or_else(|| {
                    src.error(
                        span.clone(),
                        step,
                        Some(&field),
                        "expected an array of cookie names",
                    )
                })?;
                items
                    .iter()
                    .map(|i| {
                        i.as_str().map(str::to_string).ok_or_else(|| {
                            src.error(
                                span.clone(),
                                step,
                                Some(&field),
                                "expected an array of strings",
                            )
                        })
                    })
                    .collect()
            };
            match key.as_str() {
                "sent" => expect.sent = names(v)?,
                "not_sent" => expect.not_sent = names(v)?,
                "stored" => expect.stored = names(v)?,
                "not_stored" => expect.not_stored = names(v)?,
                "js_cookie" => {
                    expect.js_cookie = Some(v.as_str().map(str::to_string).ok_or_else(|| {
                        src.error(span.clone(), step, Some(&field), "expected a string")
                    })?);
                }
                "browsers" => {
                    let list = names(v)?;
                    for b in &list {
                        if !KNOWN_BROWSERS.contains(&b.as_str()) {
                            return Err(src.error(
                                span.clone(),
                                step,
                                Some(&field),
                                format!(
                                    "unknown browser `{b}`; known: {}",
                                    KNOWN_BROWSERS.join(", ")
                                ),
                            ));
                        }
                    }
                    expect.browsers = Some(list);
                }
                other => {
                    return Err(src.error(span.clone(), step, Some(&field), format!("unknown field `{other}`; expected sent, not_sent, stored, not_stored, js_cookie or browsers")));
                }
            }
        }
        out.push(expect);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
name = "embedded dashboard loses its session"
browsers = ["chrome", "firefox"]

[[response]]
url = "https://app.example/login"
headers = ["Set-Cookie: sid=abc; Secure; HttpOnly; SameSite=Lax; Path=/"]

[[response]]
url = "https://app.example/old"
status = 302
location = "/login"

[[step]]
do = "open"
url = "https://app.example/login"

[[step]]
do = "open"
url = "https://partner.example/"

[[step]]
do = "iframe"
name = "dash"
url = "https://app.example/dashboard"

[[step]]
do = "fetch"
from = "dash"
url = "https://app.example/api/me"
credentials = "include"
headers = ["Content-Type: application/json"]
expect = { sent = ["sid"], browsers = ["firefox"] }

[[step]]
do = "wait"
seconds = 121
"#;

    fn err(text: &str) -> ScenarioError {
        parse_scenario(text, "t.toml").unwrap_err()
    }

    #[test]
    fn reads_the_design_example_with_defaults() {
        let s = parse_scenario(GOOD, "t.toml").unwrap();
        assert_eq!(s.browsers, ["chrome", "firefox"]);
        assert_eq!(
            s.responses[1].location.as_deref(),
            Some("https://app.example/login")
        );
        assert_eq!(s.responses[0].status, 200);
        let fetch = &s.steps[3];
        assert_eq!(fetch.kind, StepKind::Fetch);
        assert_eq!(fetch.from.as_deref(), Some("dash"));
        assert_eq!(fetch.method.as_deref(), Some("GET"));
        assert_eq!(fetch.credentials, Some(Credentials::Include));
        assert_eq!(fetch.expect[0].sent, ["sid"]);
        assert_eq!(s.steps[0].from, None);
        assert_eq!(s.steps[4].seconds, Some(121.0));
        assert_eq!(s.steps[2].line, 23);
    }

    #[test]
    fn every_browser_by_default() {
        let s = parse_scenario(
            "name = \"x\"\n[[step]]\ndo = \"open\"\nurl = \"https://a.example/\"\n",
            "t",
        )
        .unwrap();
        assert_eq!(s.browsers.len(), KNOWN_BROWSERS.len());
    }

    #[test]
    fn errors_name_file_line_step_and_field() {
        let base = "name = \"x\"\n[[step]]\ndo = \"open\"\nurl = \"https://a.example/\"\n";
        let e = err(&format!(
            "{base}[[step]]\ndo = \"iframe\"\nname = \"f\"\nurl = \"https://b.example/\"\nbogus = 1\n"
        ));
        assert_eq!((e.line, e.step), (Some(9), Some(1)));
        assert!(e.message.contains("bogus"), "{e}");
        let e = err(&format!("{base}[[step]]\ndo = \"teleport\"\n"));
        assert_eq!((e.step, e.field.as_deref()), (Some(1), Some("do")));
        assert!(
            e.to_string()
                .starts_with("t.toml:6:6: step 1, field `do`: unknown step kind `teleport`"),
            "{e}"
        );
        let e = err(&format!(
            "{base}[[step]]\ndo = \"js-read\"\nfrom = \"nowhere\"\n"
        ));
        assert_eq!(
            (e.step, e.field.as_deref(), e.line),
            (Some(1), Some("from"), Some(7))
        );
        let e = err(&format!("{base}[[step]]\ndo = \"wait\"\n"));
        assert_eq!((e.step, e.field.as_deref()), (Some(1), Some("seconds")));
        let e = err(&format!("{base}[[step]]\ndo = \"js-set\"\n"));
        assert_eq!((e.step, e.field.as_deref()), (Some(1), Some("cookie")));
        let e = err(&format!(
            "{base}[[step]]\ndo = \"open\"\nurl = \"not a url\"\n"
        ));
        assert_eq!((e.step, e.field.as_deref()), (Some(1), Some("url")));
        let e = err(&format!(
            "{base}[[step]]\ndo = \"open\"\nurl = \"https://a.example/\"\nseconds = 3\n"
        ));
        assert_eq!((e.step, e.field.as_deref()), (Some(1), Some("seconds")));
        let e = err(
            "name = \"x\"\nbrowsers = [\"netscape\"]\n[[step]]\ndo = \"open\"\nurl = \"https://a.example/\"\n",
        );
        assert_eq!((e.field.as_deref(), e.line), (Some("browsers"), Some(2)));
        let e = err(
            "name = \"x\"\n[[response]]\nurl = \"https://a.example/\"\nstatus = 302\n[[step]]\ndo = \"open\"\nurl = \"https://a.example/\"\n",
        );
        assert_eq!(e.field.as_deref(), Some("location"));
        let e = err(
            "name = \"x\"\nauthor = \"me\"\n[[step]]\ndo = \"open\"\nurl = \"https://a.example/\"\n",
        );
        assert!(e.message.contains("author") && e.step.is_none(), "{e}");
        let e = err(&format!(
            "{base}[[step]]\ndo = \"fetch\"\nurl = \"https://a.example/\"\nexpect = {{ sent = [\"a\"], sendt = [\"b\"] }}\n"
        ));
        assert_eq!(e.field.as_deref(), Some("expect.sendt"));
    }

    #[test]
    fn frames_come_and_go_with_navigations() {
        let text = "name = \"x\"\n[[step]]\ndo = \"open\"\nurl = \"https://a.example/\"\n\
                    [[step]]\ndo = \"iframe\"\nname = \"outer\"\nurl = \"https://b.example/\"\n\
                    [[step]]\ndo = \"iframe\"\nfrom = \"outer\"\nname = \"inner\"\nurl = \"https://a.example/\"\n\
                    [[step]]\ndo = \"submit\"\nfrom = \"inner\"\ntarget = \"outer\"\nurl = \"https://b.example/x\"\n\
                    [[step]]\ndo = \"js-read\"\nfrom = \"inner\"\n";
        let e = err(text);
        assert_eq!((e.step, e.field.as_deref()), (Some(4), Some("from")), "{e}");
        assert!(e.message.contains("frames: top, outer"), "{e}");
    }
}
