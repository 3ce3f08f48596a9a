//! Bulk audit (DESIGN.md §7, audit lines v1): one response in, its findings
//! out. [`Auditor`] is shared by every worker thread of `cookie-doctor audit`
//! (and by `har` and `serve`), so it is `Sync` and holds everything that does
//! not change from one response to the next: the profiles, the Public Suffix
//! List and the clock.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use cookie_doctor_cookie::Time;
use cookie_doctor_profiles::Profile;
use cookie_doctor_site::{Origin, PublicSuffixList};

use crate::check::findings;
use crate::finding::Finding;
use crate::matrix::{Deployment, delivery_matrix};
use crate::memo::{Lookup, ShapeCache, shape_of, swap_in};
use crate::rules::cookies::is_callback_path;

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

/// How many response shapes the cache keeps (see [`crate::memo`]). A shape's
/// findings carry every framework's snippet (≈ 8 KB per response on a crawl),
/// so this bounds the cache near 64 MB however long the run.
pub const CACHE_SHAPES: usize = 8_192;

/// Audits responses: the rules of `check` over each response's headers.
pub struct Auditor {
    profiles: Vec<Profile>,
    psl: Arc<dyn PublicSuffixList>,
    now: Time,
    cache: Option<ShapeCache>,
    stats: Counters,
}

/// How the shape cache fared (see [`crate::memo`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct CacheStats {
    /// Responses answered from a known shape.
    pub hits: u64,
    /// Responses diagnosed in full (first of their shape, or no cache).
    pub computed: u64,
    /// Shapes whose check failed (their responses are always computed).
    pub untrusted_shapes: u64,
}

#[derive(Default)]
struct Counters {
    hits: AtomicU64,
    computed: AtomicU64,
    untrusted: AtomicU64,
}

impl Auditor {
    /// An auditor for these profiles, list and time, with the shape cache.
    pub fn new(profiles: Vec<Profile>, psl: Arc<dyn PublicSuffixList>, now: Time) -> Auditor {
        Auditor {
            profiles,
            psl,
            now,
            cache: Some(ShapeCache::new(CACHE_SHAPES)),
            stats: Counters::default(),
        }
    }

    /// The same auditor computing every response in full (`audit --no-cache`).
    pub fn without_cache(mut self) -> Auditor {
        self.cache = None;
        self
    }

    /// How many responses were answered from the cache and how many computed.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.stats.hits.load(Ordering::Relaxed),
            computed: self.stats.computed.load(Ordering::Relaxed),
            untrusted_shapes: self.stats.untrusted.load(Ordering::Relaxed),
        }
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
        let Some(cache) = &self.cache else {
            return Ok(self.diagnose(&lines, &deployment));
        };
        let shape = shape_of(
            &deployment.url,
            &lines,
            &deployment_key(&deployment),
            is_callback_path,
        );
        if shape.swaps.is_empty() {
            // Nothing varies: the shape is the response itself.
            return Ok(match cache.get(&shape.key) {
                Lookup::Hit(found) => {
                    self.stats.hits.fetch_add(1, Ordering::Relaxed);
                    found
                }
                Lookup::Uncacheable | Lookup::Miss | Lookup::SeenOnce => {
                    let found = self.diagnose(&lines, &deployment);
                    cache.put(shape.key, Some(found.clone()));
                    found
                }
            });
        }
        match cache.get(&shape.key) {
            Lookup::Hit(mut found) => {
                self.stats.hits.fetch_add(1, Ordering::Relaxed);
                swap_in(&mut found, &shape.swaps);
                Ok(found)
            }
            Lookup::Uncacheable => Ok(self.diagnose(&lines, &deployment)),
            Lookup::Miss => {
                let real = self.diagnose(&lines, &deployment);
                cache.seen(shape.key);
                Ok(real)
            }
            Lookup::SeenOnce => {
                // Second of its shape: diagnose the real response and the shape,
                // and trust the shape only if swapping the tokens back gives
                // exactly the real findings.
                let real = self.diagnose(&lines, &deployment);
                let mut shaped_deployment = deployment.clone();
                shaped_deployment.url = url::Url::parse(&shape.url).unwrap_or(deployment.url);
                let template = self.diagnose(&shape.lines, &shaped_deployment);
                let mut swapped = template.clone();
                swap_in(&mut swapped, &shape.swaps);
                let trusted = swapped == real;
                if !trusted {
                    self.stats.untrusted.fetch_add(1, Ordering::Relaxed);
                }
                cache.put(shape.key, trusted.then_some(template));
                Ok(real)
            }
        }
    }

    /// The full diagnosis: the delivery matrix, then the rules.
    fn diagnose(&self, lines: &[String], deployment: &Deployment) -> Vec<Finding> {
        self.stats.computed.fetch_add(1, Ordering::Relaxed);
        let matrix = delivery_matrix(
            lines,
            deployment,
            &self.profiles,
            self.psl.as_ref(),
            self.now,
        );
        findings(
            lines,
            deployment,
            &self.profiles,
            self.psl.as_ref(),
            &matrix,
            self.now,
        )
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

/// Everything but the URL and the Set-Cookie lines that the diagnosis reads.
fn deployment_key(deployment: &Deployment) -> String {
    let mut key = String::new();
    for h in &deployment.headers {
        key.push_str(h);
        key.push('\n');
    }
    key.push('\u{1}');
    for o in &deployment.embedded_in {
        key.push_str(&o.to_string());
        key.push(' ');
    }
    key.push('\u{1}');
    for o in &deployment.called_from {
        key.push_str(&o.to_string());
        key.push(' ');
    }
    key
}
