//! The trace: every decision the engine made, with its reasons. Serialises as
//! trace JSON v1 (DESIGN.md §6): the field names and meanings below are a
//! contract read by other tools. Fields may be added; none may change meaning.
//!
//! A trace shares its texts instead of copying them: a cookie's name, domain
//! and path are the jar's `Rc<str>` (an analysis runs on one thread, so no
//! atomic counts: measured 7 % faster per check than `Arc` on 2026-12-04),
//! a site's text is the site crate's `Arc<str>` (sites are parsed from input
//! that may cross threads). A trace stays on the thread that made it; render
//! it there.

use std::borrow::Cow;
use std::rc::Rc;
use std::sync::Arc;

use cookie_doctor_cookie::Reasons;
use serde::Serialize;

/// `cookie-doctor simulate --format json`: one scenario, one run per browser.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Trace {
    /// The scenario's name.
    pub scenario: String,
    /// One run per browser profile.
    pub runs: Vec<Run>,
}

/// A scenario run through one browser profile.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Run {
    /// The profile's name.
    pub browser: String,
    /// Each step, in order.
    pub steps: Vec<StepTrace>,
    /// The jar after the last step, sorted by (domain, path, name, partition).
    pub jar: Vec<JarCookie>,
}

impl Run {
    /// Whether every `expect` of the run held.
    pub fn expectations_hold(&self) -> bool {
        self.steps.iter().all(|s| s.expect.iter().all(|e| e.passed))
    }
}

/// One step of the scenario.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct StepTrace {
    /// The step's position (0-based).
    pub index: usize,
    /// The step kind (`open`, `iframe`, `fetch`, …).
    #[serde(rename = "do")]
    pub kind: Cow<'static, str>,
    /// The frame the step ran in (added in v1.1; absent for `open` and `wait`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<Cow<'static, str>>,
    /// Every request the step made, in order: redirect hops, a CORS preflight,
    /// then the main request.
    pub requests: Vec<RequestTrace>,
    /// For `js-read`: what `document.cookie` returned (`null` if the frame has
    /// no readable document).
    pub js_cookie: Option<String>,
    /// For `js-set`: what happened to the write.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub js_set: Option<SetCookieTrace>,
    /// For `storage-access`: whether the grant changed anything, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_access: Option<String>,
    /// The step could not run as written (e.g. `from` names a frame whose
    /// document was refused); the browser shows an error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The step's expectations and whether each held.
    pub expect: Vec<ExpectResult>,
}

/// A request method as a trace keeps it: the usual ones without a copy.
pub fn method_text(method: &str) -> Cow<'static, str> {
    const USUAL: [&str; 7] = ["GET", "POST", "OPTIONS", "HEAD", "PUT", "DELETE", "PATCH"];
    USUAL
        .iter()
        .find(|m| **m == method)
        .map_or_else(|| Cow::Owned(method.to_string()), |m| Cow::Borrowed(*m))
}

/// A request and every cookie decision on it.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RequestTrace {
    /// The URL (shared with the run's other requests to it).
    pub url: Rc<str>,
    /// The method (`OPTIONS` for a preflight); the usual ones are not copied.
    pub method: Cow<'static, str>,
    /// The Fetch destination: `document`, `iframe`, `image`, `script`, `style`,
    /// `empty`.
    pub destination: Cow<'static, str>,
    /// The site for cookies, `null` when opaque (a cross-site ancestor).
    pub site_for_cookies: Option<Arc<str>>,
    /// RFC 6265bis §5.2: same-site.
    pub same_site: bool,
    /// The top-level site.
    pub top_level_site: Arc<str>,
    /// The request is in a third-party context (added in v1.1).
    pub third_party: bool,
    /// Cookies in the Cookie header, in order.
    pub sent: Vec<CookieRef>,
    /// Cookies of the request's site that were held back, and why.
    pub excluded: Vec<ExcludedCookie>,
    /// The response's Set-Cookie lines and what became of each.
    pub set_cookie: Vec<SetCookieTrace>,
    /// `null` unless the request is cross-origin from script.
    pub cors: Option<CorsTrace>,
    /// `null` unless the document was refused or the request never left.
    pub blocked: Option<Blocked>,
    /// The response status (added in v1.1).
    pub status: u16,
}

/// A cookie named in a trace.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct CookieRef {
    /// Name.
    pub name: Rc<str>,
    /// Domain.
    pub domain: Rc<str>,
    /// Path.
    pub path: Rc<str>,
    /// The top-level site keying its partition, `null` when unpartitioned.
    pub partition: Option<Arc<str>>,
}

/// A cookie held back from a request.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ExcludedCookie {
    /// Name.
    pub name: Rc<str>,
    /// Domain.
    pub domain: Rc<str>,
    /// Path.
    pub path: Rc<str>,
    /// Its partition (added in v1.1).
    pub partition: Option<Arc<str>>,
    /// Why, as reason codes.
    pub reasons: Reasons,
}

/// A Set-Cookie line (or `document.cookie` write) and its outcome.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SetCookieTrace {
    /// The line as received.
    pub line: Rc<str>,
    /// Stored (or deleted an existing cookie, which is also "accepted").
    pub stored: bool,
    /// Why it was not stored.
    pub reasons: Reasons,
    /// The cookie it made (or would have made), when the line parsed.
    pub cookie: Option<CookieRef>,
    /// It deleted an existing cookie (expiry in the past) (added in v1.1).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
}

/// The CORS verdict of a cross-origin request from script.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct CorsTrace {
    /// A preflight was sent.
    pub preflight: bool,
    /// Script may read the response.
    pub readable: bool,
    /// Why not (empty when readable).
    pub reasons: Reasons,
}

/// A document refused, or a request that never left.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Blocked {
    /// What refused it: `x-frame-options`, `csp`, `cors-preflight`,
    /// `mixed-content`, `redirect-limit`, `cors-redirect` (a redirect answered to a
    /// CORS request failed the CORS check).
    pub by: String,
    /// Reason codes.
    pub reasons: Reasons,
}

/// An `expect` check and its outcome.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ExpectResult {
    /// `sent`, `not_sent`, `stored`, `not_stored` or `js_cookie`.
    pub check: String,
    /// The cookie name (or the expected `document.cookie` string).
    pub value: String,
    /// Whether it held.
    pub passed: bool,
    /// What was observed, when it did not hold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
}

/// A cookie in the jar at the end of a run. Its texts share the jar's
/// (`Rc<str>`, static names) instead of copying them.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct JarCookie {
    /// Name.
    pub name: Rc<str>,
    /// Value.
    pub value: String,
    /// Domain (no leading dot).
    pub domain: Rc<str>,
    /// Host-only.
    pub host_only: bool,
    /// Path.
    pub path: Rc<str>,
    /// Secure.
    pub secure: bool,
    /// HttpOnly.
    pub http_only: bool,
    /// `strict`, `lax`, `none` or `unspecified`.
    pub same_site: Cow<'static, str>,
    /// The partition's top-level site, `null` when unpartitioned.
    pub partition: Option<Arc<str>>,
    /// Seconds from the last write to expiry, `null` for a session cookie.
    pub expires: Option<i64>,
}
