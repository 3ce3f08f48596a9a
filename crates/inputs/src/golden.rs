//! The oracle's golden traces: what a real browser sent, stored and showed to
//! script for a scenario (trace JSON v1 of DESIGN.md §6, restricted to what a
//! browser shows). Written by `oracle/` (Node), read here for the docs and for the
//! engine's agreement test. Unknown fields are accepted: the format may grow.

use serde::Deserialize;

/// One golden file: one scenario in one browser mode.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Golden {
    /// The scenario's name.
    pub scenario: String,
    /// The runs (one per file).
    pub runs: Vec<GoldenRun>,
}

/// A recorded run.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct GoldenRun {
    /// The mode: `chrome`, `chrome-3pc-blocked`, `firefox`, …
    pub browser: String,
    /// Each step, in order.
    pub steps: Vec<GoldenStep>,
    /// The jar at the end, as the browser reports it.
    pub jar: Vec<GoldenCookie>,
}

/// A recorded step.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct GoldenStep {
    /// Position in the scenario.
    pub index: usize,
    /// The step kind.
    #[serde(rename = "do")]
    pub kind: String,
    /// Requests the server logged during the step, in arrival order.
    #[serde(default)]
    pub requests: Vec<GoldenRequest>,
    /// `document.cookie` for js-read steps.
    #[serde(default)]
    pub js_cookie: Option<String>,
    /// For fetch steps: whether script could read the response.
    #[serde(default)]
    pub fetch: Option<GoldenFetch>,
    /// A step the harness could not complete (e.g. `timeout`).
    #[serde(default)]
    pub error: Option<String>,
}

/// What a fetch() saw.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct GoldenFetch {
    /// The response was readable by script (no network or CORS error).
    pub ok: bool,
}

/// A request as the test server logged it.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct GoldenRequest {
    /// The URL.
    pub url: String,
    /// The method.
    pub method: String,
    /// `Sec-Fetch-Dest`.
    #[serde(default)]
    pub destination: Option<String>,
    /// `Sec-Fetch-Site`.
    #[serde(default)]
    pub sec_fetch_site: Option<String>,
    /// `Sec-Fetch-Mode`.
    #[serde(default)]
    pub sec_fetch_mode: Option<String>,
    /// `Origin`.
    #[serde(default)]
    pub origin: Option<String>,
    /// The cookies of the Cookie header, in order.
    #[serde(default)]
    pub sent: Vec<SentCookie>,
}

/// A cookie in a Cookie header.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct SentCookie {
    /// Its name (empty for a nameless cookie).
    pub name: String,
    /// Its value.
    #[serde(default)]
    pub value: Option<String>,
}

/// A cookie in the browser's jar.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct GoldenCookie {
    /// Name.
    pub name: String,
    /// Value.
    pub value: String,
    /// Domain (no leading dot).
    pub domain: String,
    /// Host-only.
    pub host_only: bool,
    /// Path.
    pub path: String,
    /// Secure.
    pub secure: bool,
    /// HttpOnly.
    pub http_only: bool,
    /// `strict`, `lax`, `none` or `unspecified`.
    pub same_site: String,
    /// The partition's top-level site, `None` when unpartitioned.
    #[serde(default)]
    pub partition: Option<String>,
    /// Seconds from creation to expiry, `None` for a session cookie.
    #[serde(default)]
    pub expires: Option<i64>,
}

/// Reads a golden file's JSON.
pub fn parse_golden(json: &str) -> Result<Golden, serde_json::Error> {
    serde_json::from_str(json)
}
