//! `cookie-doctor scan URL`: fetch a live URL and diagnose what it answered.
//!
//! The only crate of the workspace that does network I/O (with the web server).
//! What it fetches (see `docs/scan.md`):
//!
//! 1. the URL as a top-level navigation (`GET`, browser-like `Accept` and
//!    `Sec-Fetch-*`), following redirects **by hand** so that every hop's status,
//!    `Location` and `Set-Cookie` lines are recorded;
//! 2. for each `--called-from` origin, a CORS preflight (`OPTIONS`, never
//!    followed, as browsers do not follow preflight redirects) and a
//!    credentialed `GET` with that `Origin`, both at the navigation's final URL;
//! 3. a `GET` with an unrelated `Origin` ([`PROBE_ORIGIN`]) to see whether
//!    `Access-Control-Allow-Origin` mirrors any origin.
//!
//! Every connection goes through the SSRF [`guard`]: names are resolved,
//! checked and connected to in one step ([`guard::GuardedResolver`]), literal
//! addresses are checked before each request, and every redirect hop is
//! checked the same way.
//!
//! Then [`diagnose`] builds `check`'s inputs (the final response's Set-Cookie
//! lines, its CORS and framing headers, the probe's `Origin`) and runs
//! [`cookie_doctor_diagnose::check::check`]. [`run`] does both.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod diagnose;
mod fetch;
pub mod guard;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use cookie_doctor_site::Origin;
use serde::Serialize;

pub use diagnose::{ScanOutcome, diagnose, render_scan_text, run};
pub use fetch::scan;
use guard::{Blocked, Resolver, SystemResolver};

/// The `Origin` of the mirroring probe: an origin nobody declares (`.invalid`
/// never resolves, RFC 6761).
pub const PROBE_ORIGIN: &str = "https://cookie-doctor-probe.invalid";

/// The user agent of every request.
pub const USER_AGENT: &str =
    "Mozilla/5.0 (compatible; cookie-doctor-scan/0.1; +https://example.invalid/cookie-doctor)";

/// What to scan and how far to go.
#[derive(Clone)]
pub struct ScanOptions {
    /// The URL to fetch (`http` or `https`).
    pub url: String,
    /// Top-level sites that frame the app (`--embedded-in`).
    pub embedded_in: Vec<Origin>,
    /// Origins whose scripts call the URL with credentials (`--called-from`):
    /// each gets a preflight and a credentialed `GET`.
    pub called_from: Vec<Origin>,
    /// Request header names for the preflight's
    /// `Access-Control-Request-Headers` (none: the header is not sent).
    pub request_headers: Vec<String>,
    /// Which addresses may be connected to.
    pub policy: guard::Policy,
    /// Name resolution (the system's by default; a table in tests).
    pub resolver: Arc<dyn Resolver>,
    /// Redirects followed per request chain before giving up.
    pub max_redirects: usize,
    /// Connecting (name resolution, TCP, the TLS handshake) may take this long.
    pub connect_timeout: Duration,
    /// One request, from sending to the last body byte read, may take this long.
    pub request_timeout: Duration,
    /// The whole scan may take this long.
    pub total_timeout: Duration,
    /// Body bytes read per response; the rest is not read (not needed).
    pub max_body_bytes: u64,
    /// Response headers per response.
    pub max_headers: usize,
    /// Bytes of one response header (name and value).
    pub max_header_bytes: usize,
    /// Bytes of all of a response's headers together.
    pub max_total_header_bytes: usize,
}

impl ScanOptions {
    /// The defaults for `url`: 10 redirects, 5 s to connect, 10 s per request,
    /// 60 s in all, 1 MiB of body, 100 headers of at most 16 KiB, 64 KiB in all,
    /// the system resolver, private addresses refused.
    pub fn new(url: &str) -> ScanOptions {
        ScanOptions {
            url: url.to_string(),
            embedded_in: Vec::new(),
            called_from: Vec::new(),
            request_headers: Vec::new(),
            policy: guard::Policy::default(),
            resolver: Arc::new(SystemResolver),
            max_redirects: 10,
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(60),
            max_body_bytes: 1024 * 1024,
            max_headers: 100,
            max_header_bytes: 16 * 1024,
            max_total_header_bytes: 64 * 1024,
        }
    }
}

impl std::fmt::Debug for ScanOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanOptions")
            .field("url", &self.url)
            .field("embedded_in", &self.embedded_in)
            .field("called_from", &self.called_from)
            .field("policy", &self.policy)
            .field("max_redirects", &self.max_redirects)
            .finish_non_exhaustive()
    }
}

/// Why a scan stopped. Every message names the URL (and hop) concerned.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    /// The URL cannot be fetched as given.
    #[error("`{url}`: {reason}")]
    BadUrl {
        /// The URL as given.
        url: String,
        /// Why.
        reason: String,
    },
    /// The host (by name, or the address it resolves to) is in a refused range.
    #[error("{request} hop {hop} `{url}`: refused: {host}{} is {range} (use --allow-private to scan a local server on purpose)", addr.map(|a| if a.to_string() == *host { String::new() } else { format!(" resolves to {a}, which") }).unwrap_or_default())]
    Forbidden {
        /// Which request chain (`navigation`, `preflight`, …).
        request: String,
        /// The hop (0: the first request; n: after n redirects).
        hop: usize,
        /// The URL of the hop.
        url: String,
        /// The host of the URL.
        host: String,
        /// The refused address (`None`: refused by name).
        addr: Option<IpAddr>,
        /// The range.
        range: Blocked,
    },
    /// The host's name could not be resolved.
    #[error("{request} hop {hop} `{url}`: {message}")]
    Resolve {
        /// Which request chain.
        request: String,
        /// The hop.
        hop: usize,
        /// The URL of the hop.
        url: String,
        /// The resolver's message.
        message: String,
    },
    /// More redirects than allowed.
    #[error(
        "{request} `{url}`: more than {limit} redirects (the last hop redirects to `{location}`)"
    )]
    TooManyRedirects {
        /// Which request chain.
        request: String,
        /// The URL the chain started at.
        url: String,
        /// The limit.
        limit: usize,
        /// Where the last hop pointed.
        location: String,
    },
    /// A redirect that cannot be followed.
    #[error("{request} hop {hop} `{url}`: cannot follow `Location: {location}`: {reason}")]
    BadRedirect {
        /// Which request chain.
        request: String,
        /// The hop whose response redirected.
        hop: usize,
        /// The URL of the hop.
        url: String,
        /// The Location header.
        location: String,
        /// Why.
        reason: String,
    },
    /// A request, or the scan, took too long.
    #[error("{request} hop {hop} `{url}`: no complete answer within {after:?}")]
    Timeout {
        /// Which request chain.
        request: String,
        /// The hop.
        hop: usize,
        /// The URL of the hop.
        url: String,
        /// The limit that ran out.
        after: Duration,
    },
    /// The response's headers exceed the limits.
    #[error("{request} hop {hop} `{url}`: response headers too large: {reason}")]
    HeadersTooLarge {
        /// Which request chain.
        request: String,
        /// The hop.
        hop: usize,
        /// The URL of the hop.
        url: String,
        /// Which limit.
        reason: String,
    },
    /// Connecting, TLS or HTTP failed.
    #[error("{request} hop {hop} `{url}`: {message}")]
    Network {
        /// Which request chain.
        request: String,
        /// The hop.
        hop: usize,
        /// The URL of the hop.
        url: String,
        /// The client's message (with its causes).
        message: String,
    },
}

/// One request and its response.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Hop {
    /// The URL requested.
    pub url: String,
    /// The method.
    pub method: String,
    /// The address connected to, when the client reports it.
    pub addr: Option<String>,
    /// The response status.
    pub status: u16,
    /// The `Location` header, for a redirect.
    pub location: Option<String>,
    /// The `Set-Cookie` values, in order.
    pub set_cookie: Vec<String>,
    /// The CORS and framing response headers (`Name: value` lines):
    /// `Access-Control-*`, `Vary`, `X-Frame-Options`, `Content-Security-Policy`.
    pub headers: Vec<String>,
    /// Body bytes read (at most the limit).
    pub body_bytes: u64,
    /// The body was longer than the limit, and the rest was not read.
    pub body_truncated: bool,
}

/// A request followed through its redirects.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Chain {
    /// `navigation`, `preflight`, `credentialed` or `probe`.
    pub request: String,
    /// The request's `Origin` header, if any.
    pub origin: Option<String>,
    /// Every hop, the final response last.
    pub hops: Vec<Hop>,
}

impl Chain {
    /// The final response.
    pub fn last(&self) -> Option<&Hop> {
        self.hops.last()
    }
}

/// A Set-Cookie line and the navigation hop that set it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SetBy {
    /// The hop index in the navigation.
    pub hop: usize,
    /// The hop's URL.
    pub url: String,
    /// The Set-Cookie value.
    pub line: String,
    /// Whether `check` diagnosed it (the final response's lines are diagnosed).
    pub checked: bool,
}

/// The framing headers of the navigation's final response.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Framing {
    /// `X-Frame-Options` values.
    pub x_frame_options: Vec<String>,
    /// The `frame-ancestors` directives of `Content-Security-Policy` headers.
    pub frame_ancestors: Vec<String>,
}

/// Everything a scan fetched (the `scan` object of `scan --format json`).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ScanReport {
    /// The URL as given.
    pub url: String,
    /// The navigation's final URL (the cookies' URL for `check`).
    pub final_url: String,
    /// `--embedded-in` origins.
    pub embedded_in: Vec<String>,
    /// `--called-from` origins.
    pub called_from: Vec<String>,
    /// The top-level navigation.
    pub navigation: Chain,
    /// One preflight per caller (a single hop: never followed).
    pub preflights: Vec<Chain>,
    /// One credentialed GET per caller.
    pub credentialed: Vec<Chain>,
    /// The GET with [`PROBE_ORIGIN`].
    pub probe: Chain,
    /// Whether the probe's `Access-Control-Allow-Origin` echoed the probe origin.
    pub mirrors_origin: bool,
    /// Every Set-Cookie line of the navigation and the hop that set it.
    pub set_cookies: Vec<SetBy>,
    /// The framing headers of the final response.
    pub framing: Framing,
    /// The header lines handed to `check` (CORS, framing, the probe's Origin).
    pub check_headers: Vec<String>,
}
