//! Bulk audit (DESIGN.md §7, audit lines v1): one response in, its findings
//! out. [`Auditor`] is shared by every worker thread of `cookie-doctor audit`
//! (and by `har` and `serve`), so it is `Sync` and holds everything that does
//! not change from one response to the next: the profiles, the Public Suffix
//! List and the clock.

use std::sync::Arc;

use cookie_doctor_cookie::Time;
use cookie_doctor_profiles::Profile;
use cookie_doctor_site::{Origin, PublicSuffixList};

use crate::check::findings;
use crate::finding::Finding;
use crate::matrix::{Deployment, delivery_matrix};

/// The most header lines one response may carry.
pub const MAX_HEADERS: usize = 512;
/// The most bytes one header line may carry.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// One response to audit (an audit line v1, a HAR entry, a WARC record).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditResponse {
    /// The URL whose response this is.
    pub url: String,
    /// The HTTP status, when known.
    pub status: Option<u16>,
    /// Every response header, `Name: value`, in order (Set-Cookie among them).
    pub headers: Vec<String>,
    /// Top-level origins that frame this URL.
    pub embedded_in: Vec<String>,
    /// Origins whose scripts call this URL with credentials.
    pub called_from: Vec<String>,
}

/// Why a response could not be audited (the `error` of an audit output line).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AuditError {
    /// The URL is not an absolute http(s) URL.
    #[error("url `{url}`: {message}")]
    Url {
        /// The URL as given (shortened).
        url: String,
        /// What is wrong with it.
        message: String,
    },
    /// An `embedded_in` / `called_from` entry is not an origin.
    #[error("{field} `{value}`: {message}")]
    Origin {
        /// `embedded_in` or `called_from`.
        field: &'static str,
        /// The value as given (shortened).
        value: String,
        /// What is wrong with it.
        message: String,
    },
    /// A header line is malformed or over a limit.
    #[error("header {index}: {message}")]
    Header {
        /// 1-based position in `headers`.
        index: usize,
        /// What is wrong with it.
        message: String,
    },
}

/// Shortens untrusted text for an error message.
fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(80).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// Audits responses: the rules of `check` over each response's headers.
pub struct Auditor {
    profiles: Vec<Profile>,
    psl: Arc<dyn PublicSuffixList>,
    now: Time,
}

impl Auditor {
    /// An auditor for these profiles, list and time.
    pub fn new(profiles: Vec<Profile>, psl: Arc<dyn PublicSuffixList>, now: Time) -> Auditor {
        Auditor { profiles, psl, now }
    }

    /// The profiles every response runs through.
    pub fn profiles(&self) -> &[Profile] {
        &self.profiles
    }

    /// The findings for one response, as `check` would report them for its
    /// Set-Cookie lines and other headers.
    pub fn audit(&self, response: &AuditResponse) -> Result<Vec<Finding>, AuditError> {
        let deployment = deployment_of(response)?;
        let lines: Vec<String> = response
            .headers
            .iter()
            .filter_map(|h| set_cookie_value(h))
            .map(str::to_string)
            .collect();
        let matrix = delivery_matrix(
            &lines,
            &deployment,
            &self.profiles,
            self.psl.as_ref(),
            self.now,
        );
        Ok(findings(
            &lines,
            &deployment,
            &self.profiles,
            self.psl.as_ref(),
            &matrix,
            self.now,
        ))
    }
}

/// The value of a `Set-Cookie:` header line (name case-insensitive), or `None`.
pub fn set_cookie_value(header: &str) -> Option<&str> {
    let (name, value) = header.split_once(':')?;
    name.trim()
        .eq_ignore_ascii_case("set-cookie")
        .then(|| value.trim_start_matches([' ', '\t']))
}

/// The deployment a response describes; the non-Set-Cookie headers become the
/// deployment's headers.
pub fn deployment_of(response: &AuditResponse) -> Result<Deployment, AuditError> {
    let url_error = |message: String| AuditError::Url {
        url: shorten(&response.url),
        message,
    };
    let url = url::Url::parse(&response.url).map_err(|e| url_error(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(url_error("expected an absolute http or https URL".into()));
    }
    if response.headers.len() > MAX_HEADERS {
        return Err(AuditError::Header {
            index: MAX_HEADERS + 1,
            message: format!("more than {MAX_HEADERS} header lines"),
        });
    }
    let mut headers = Vec::new();
    for (i, h) in response.headers.iter().enumerate() {
        if h.len() > MAX_HEADER_BYTES || !h.contains(':') || h.contains(['\r', '\n']) {
            return Err(AuditError::Header {
                index: i + 1,
                message: format!(
                    "expected `Name: value` on one line of at most {MAX_HEADER_BYTES} bytes, got `{}`",
                    shorten(h)
                ),
            });
        }
        if set_cookie_value(h).is_none() {
            headers.push(h.clone());
        }
    }
    let origins = |field: &'static str, values: &[String]| -> Result<Vec<Origin>, AuditError> {
        values
            .iter()
            .map(|v| {
                Origin::parse(v).map_err(|e| AuditError::Origin {
                    field,
                    value: shorten(v),
                    message: e.to_string(),
                })
            })
            .collect()
    };
    Ok(Deployment {
        embedded_in: origins("embedded_in", &response.embedded_in)?,
        called_from: origins("called_from", &response.called_from)?,
        url,
        headers,
    })
}
