//! `cookie-doctor scan URL`: wiring only; the fetching, the guard and the
//! diagnosis live in `cookie-doctor-scan`.

use std::time::Duration;

use cookie_doctor_cookie::Time;
use cookie_doctor_diagnose::finding::Severity;
use cookie_doctor_report::{Style, text, to_json};
use cookie_doctor_scan::{ScanOptions, render_scan_text};
use cookie_doctor_site::{Origin, PublicSuffixList};

use crate::{FailOn, Format, Output, UsageError, pick_builtin};

/// The arguments of `scan`.
#[derive(clap::Args, Debug)]
pub(crate) struct ScanArgs {
    /// The URL to fetch (http or https).
    url: String,
    /// A top-level site that frames this app (repeatable).
    #[arg(long = "embedded-in", value_name = "ORIGIN")]
    embedded_in: Vec<String>,
    /// An origin whose scripts call the URL with credentials: "include"
    /// (repeatable): each gets a CORS preflight and a credentialed GET.
    #[arg(long = "called-from", value_name = "ORIGIN")]
    called_from: Vec<String>,
    /// A request header the callers send, named in the preflight's
    /// Access-Control-Request-Headers (repeatable).
    #[arg(long = "request-header", value_name = "NAME")]
    request_headers: Vec<String>,
    /// Only these browser profiles (repeatable; default: all).
    #[arg(long = "browser", value_name = "NAME")]
    browsers: Vec<String>,
    /// Exit 1 when a finding at or above this severity is found.
    #[arg(long = "fail-on", value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// Allow loopback, private, link-local and other non-public addresses
    /// (scan a local development server on purpose).
    #[arg(long = "allow-private")]
    allow_private: bool,
    /// Seconds one request may take (connecting: at most 5 of them); the whole
    /// scan may take six times as long.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    timeout: f64,
    /// Redirects followed before giving up.
    #[arg(long = "max-redirects", value_name = "N", default_value_t = 10)]
    max_redirects: usize,
}

/// Runs `scan`: fetch, diagnose, render like `check`.
pub(crate) fn run(
    args: &ScanArgs,
    format: Format,
    style: Style,
    psl: &dyn PublicSuffixList,
    now: Time,
) -> Result<Output, UsageError> {
    let origins = |flag: &str, values: &[String]| -> Result<Vec<Origin>, UsageError> {
        values
            .iter()
            .map(|v| Origin::parse(v).map_err(|e| UsageError(format!("{flag} `{v}`: {e}"))))
            .collect()
    };
    if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout <= 600.0) {
        return Err(UsageError(format!(
            "--timeout {}: expected seconds between 0 and 600",
            args.timeout
        )));
    }
    for name in &args.request_headers {
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b))
        {
            return Err(UsageError(format!(
                "--request-header `{name}`: expected a header name"
            )));
        }
    }
    let request_timeout = Duration::from_secs_f64(args.timeout);
    let mut options = ScanOptions::new(&args.url);
    options.embedded_in = origins("--embedded-in", &args.embedded_in)?;
    options.called_from = origins("--called-from", &args.called_from)?;
    options.request_headers = args.request_headers.clone();
    options.policy.allow_private = args.allow_private;
    options.max_redirects = args.max_redirects;
    options.request_timeout = request_timeout;
    options.connect_timeout = request_timeout.min(Duration::from_secs(5));
    options.total_timeout = request_timeout.saturating_mul(6);
    let profiles = pick_builtin(&args.browsers)?;
    let outcome = cookie_doctor_scan::run(&options, &profiles, psl, now)
        .map_err(|e| UsageError(format!("scan {e}")))?;
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let findings =
        threshold.is_some_and(|t| outcome.check.findings.iter().any(|f| f.severity >= t));
    Ok(Output {
        text: match format {
            Format::Json => to_json(&outcome),
            Format::Text => {
                render_scan_text(&outcome.scan) + &text::render_check(&outcome.check, style)
            }
            Format::Sarif => cookie_doctor_report::sarif::render_sarif(&outcome.check),
            Format::Markdown => cookie_doctor_report::markdown::render_markdown(&outcome.check),
        },
        findings,
    })
}
