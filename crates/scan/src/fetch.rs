//! The requests: a blocking `reqwest` client that follows no redirect by
//! itself, resolves names through the guard, and reads bounded bodies.

use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use url::Url;

use crate::guard::{GuardedResolver, LookupError};
use crate::{Chain, Framing, Hop, PROBE_ORIGIN, ScanError, ScanOptions, ScanReport, SetBy};

/// Response headers worth recording (the CORS and framing ones).
const RECORDED: [&str; 4] = [
    "access-control-",
    "vary",
    "x-frame-options",
    "content-security-policy",
];

/// Fetches what `options` asks for (module docs of the crate), behind the guard.
pub fn scan(options: &ScanOptions) -> Result<ScanReport, ScanError> {
    let url = Url::parse(&options.url).map_err(|e| ScanError::BadUrl {
        url: options.url.clone(),
        reason: e.to_string(),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ScanError::BadUrl {
            url: options.url.clone(),
            reason: format!("the scheme `{}` is not http or https", url.scheme()),
        });
    }
    if url.host().is_none() {
        return Err(ScanError::BadUrl {
            url: options.url.clone(),
            reason: "no host".into(),
        });
    }
    let scanner = Scanner::new(options)?;

    let navigation = scanner.chain("navigation", &url, None, Method::Get, true)?;
    let final_url = navigation
        .last()
        .and_then(|h| Url::parse(&h.url).ok())
        .unwrap_or_else(|| url.clone());

    let mut preflights = Vec::new();
    let mut credentialed = Vec::new();
    for caller in &options.called_from {
        let origin = caller.to_string();
        preflights.push(scanner.chain(
            "preflight",
            &final_url,
            Some(&origin),
            Method::Preflight,
            false,
        )?);
        credentialed.push(scanner.chain(
            "credentialed",
            &final_url,
            Some(&origin),
            Method::Get,
            true,
        )?);
    }
    let probe = scanner.chain("probe", &final_url, Some(PROBE_ORIGIN), Method::Get, true)?;
    let mirrors_origin = probe.last().is_some_and(|h| {
        header_values(&h.headers, "access-control-allow-origin").any(|v| v.trim() == PROBE_ORIGIN)
    });

    let last = navigation.hops.len().saturating_sub(1);
    let set_cookies = navigation
        .hops
        .iter()
        .enumerate()
        .flat_map(|(i, h)| {
            h.set_cookie.iter().map(move |line| SetBy {
                hop: i,
                url: h.url.clone(),
                line: line.clone(),
                checked: i == last,
            })
        })
        .collect();
    let framing = navigation.last().map(framing_of).unwrap_or_default();
    let check_headers = check_headers(&navigation, &preflights, &credentialed, &probe);

    Ok(ScanReport {
        url: options.url.clone(),
        final_url: final_url.to_string(),
        embedded_in: options
            .embedded_in
            .iter()
            .map(ToString::to_string)
            .collect(),
        called_from: options
            .called_from
            .iter()
            .map(ToString::to_string)
            .collect(),
        navigation,
        preflights,
        credentialed,
        probe,
        mirrors_origin,
        set_cookies,
        framing,
        check_headers,
    })
}

/// The values of the `Name: value` lines named `name` (ASCII case-insensitive).
pub(crate) fn header_values<'a>(
    lines: &'a [String],
    name: &'a str,
) -> impl Iterator<Item = &'a str> + 'a {
    lines.iter().filter_map(move |l| {
        let (n, v) = l.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then_some(v.trim())
    })
}

fn framing_of(hop: &Hop) -> Framing {
    Framing {
        x_frame_options: header_values(&hop.headers, "x-frame-options")
            .map(str::to_string)
            .collect(),
        frame_ancestors: header_values(&hop.headers, "content-security-policy")
            .flat_map(|v| v.split(';'))
            .map(str::trim)
            .filter(|d| {
                d.split_whitespace()
                    .next()
                    .is_some_and(|n| n.eq_ignore_ascii_case("frame-ancestors"))
            })
            .map(str::to_string)
            .collect(),
    }
}

/// The header lines `check` gets: the framing headers of the navigation's
/// final response; the CORS headers of the first caller's credentialed
/// response (with the preflight's `Access-Control-Allow-Methods` / `-Headers`)
/// or, with no caller, the probe's response with the probe's request
/// `Origin` line (so that `cors-reflects-any-origin` sees the echo).
fn check_headers(
    navigation: &Chain,
    preflights: &[Chain],
    credentialed: &[Chain],
    probe: &Chain,
) -> Vec<String> {
    let mut out: Vec<String> = navigation
        .last()
        .map(|h| {
            h.headers
                .iter()
                .filter(|l| {
                    let name = header_name(l);
                    name == "x-frame-options" || name == "content-security-policy"
                })
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let is_cors = |l: &&String| {
        let name = header_name(l);
        name.starts_with("access-control-") || name == "vary"
    };
    match credentialed.first().and_then(Chain::last) {
        Some(hop) => {
            out.extend(hop.headers.iter().filter(is_cors).cloned());
            if let Some(pre) = preflights.first().and_then(Chain::last) {
                out.extend(
                    pre.headers
                        .iter()
                        .filter(|l| {
                            let name = header_name(l);
                            name == "access-control-allow-methods"
                                || name == "access-control-allow-headers"
                        })
                        .filter(|l| !out.contains(l))
                        .cloned()
                        .collect::<Vec<_>>(),
                );
            }
        }
        None => {
            if let Some(hop) = probe.last() {
                let cors: Vec<String> = hop.headers.iter().filter(is_cors).cloned().collect();
                if !cors.is_empty() {
                    out.push(format!("Origin: {PROBE_ORIGIN}"));
                    out.extend(cors);
                }
            }
        }
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    Get,
    Preflight,
}

struct Scanner<'a> {
    options: &'a ScanOptions,
    client: reqwest::blocking::Client,
    resolver: Arc<GuardedResolver>,
    started: Instant,
}

impl<'a> Scanner<'a> {
    fn new(options: &'a ScanOptions) -> Result<Scanner<'a>, ScanError> {
        let resolver = Arc::new(GuardedResolver::new(
            Arc::clone(&options.resolver),
            options.policy.clone(),
            options.connect_timeout,
        ));
        let client = reqwest::blocking::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::clone(&resolver))
            .no_proxy()
            .referer(false)
            .http1_only()
            .pool_max_idle_per_host(0)
            .connect_timeout(options.connect_timeout)
            .timeout(options.request_timeout)
            .user_agent(crate::USER_AGENT)
            .build()
            .map_err(|e| ScanError::Network {
                request: "client".into(),
                hop: 0,
                url: options.url.clone(),
                message: error_chain(&e),
            })?;
        Ok(Scanner {
            options,
            client,
            resolver,
            started: Instant::now(),
        })
    }

    /// One request followed through its redirects (when `follow`).
    fn chain(
        &self,
        request: &str,
        start: &Url,
        origin: Option<&str>,
        method: Method,
        follow: bool,
    ) -> Result<Chain, ScanError> {
        let mut hops: Vec<Hop> = Vec::new();
        let mut url = start.clone();
        loop {
            let index = hops.len();
            let hop = self.hop(request, index, &url, origin, method)?;
            let location = hop.location.clone();
            let redirect = matches!(hop.status, 301 | 302 | 303 | 307 | 308);
            hops.push(hop);
            let (true, true, Some(location)) = (follow, redirect, location) else {
                break;
            };
            if index >= self.options.max_redirects {
                return Err(ScanError::TooManyRedirects {
                    request: request.into(),
                    url: start.to_string(),
                    limit: self.options.max_redirects,
                    location,
                });
            }
            let next = url.join(&location).map_err(|e| ScanError::BadRedirect {
                request: request.into(),
                hop: index,
                url: url.to_string(),
                location: location.clone(),
                reason: e.to_string(),
            })?;
            if !matches!(next.scheme(), "http" | "https") {
                return Err(ScanError::BadRedirect {
                    request: request.into(),
                    hop: index,
                    url: url.to_string(),
                    location,
                    reason: format!("the scheme `{}` is not http or https", next.scheme()),
                });
            }
            url = next;
        }
        Ok(Chain {
            request: request.into(),
            origin: origin.map(str::to_string),
            hops,
        })
    }

    /// The guard's verdict on a URL's host before its request: literal
    /// addresses never reach the resolver, names are refused by name here too
    /// (the resolver enforces the rest).
    fn precheck(&self, request: &str, index: usize, url: &Url) -> Result<(), ScanError> {
        let forbidden = |host: String, addr, range| ScanError::Forbidden {
            request: request.into(),
            hop: index,
            url: url.to_string(),
            host,
            addr,
            range,
        };
        match url.host() {
            Some(url::Host::Ipv4(v4)) => match self.options.policy.check(v4.into()) {
                Some(b) => Err(forbidden(v4.to_string(), Some(v4.into()), b)),
                None => Ok(()),
            },
            Some(url::Host::Ipv6(v6)) => match self.options.policy.check(v6.into()) {
                Some(b) => Err(forbidden(v6.to_string(), Some(v6.into()), b)),
                None => Ok(()),
            },
            Some(url::Host::Domain(name)) => match self.options.policy.check_name(name) {
                Some(b) => Err(forbidden(name.to_string(), None, b)),
                None => Ok(()),
            },
            None => Err(ScanError::BadUrl {
                url: url.to_string(),
                reason: "no host".into(),
            }),
        }
    }

    fn remaining(&self) -> Duration {
        self.options
            .total_timeout
            .saturating_sub(self.started.elapsed())
    }

    fn hop(
        &self,
        request: &str,
        index: usize,
        url: &Url,
        origin: Option<&str>,
        method: Method,
    ) -> Result<Hop, ScanError> {
        self.precheck(request, index, url)?;
        let timeout = self.options.request_timeout.min(self.remaining());
        let timeout_error = |after| ScanError::Timeout {
            request: request.into(),
            hop: index,
            url: url.to_string(),
            after,
        };
        if timeout.is_zero() {
            return Err(timeout_error(self.options.total_timeout));
        }
        let headers = self.request_headers(url, origin, method);
        let builder = match method {
            Method::Get => self.client.get(url.clone()),
            Method::Preflight => self.client.request(reqwest::Method::OPTIONS, url.clone()),
        };
        let _ = self.resolver.take_last_refusal();
        let sent = Instant::now();
        let response = builder
            .headers(headers)
            .timeout(timeout)
            .send()
            .map_err(|e| {
                if let Some(refusal) = self.resolver.take_last_refusal() {
                    return match refusal {
                        LookupError::Refused {
                            host,
                            addr,
                            blocked,
                        } => ScanError::Forbidden {
                            request: request.into(),
                            hop: index,
                            url: url.to_string(),
                            host,
                            addr,
                            range: blocked,
                        },
                        LookupError::Failed { message, .. } => ScanError::Resolve {
                            request: request.into(),
                            hop: index,
                            url: url.to_string(),
                            message,
                        },
                    };
                }
                if e.is_timeout() && e.is_connect() {
                    timeout_error(self.options.connect_timeout.min(timeout))
                } else if e.is_timeout() {
                    timeout_error(timeout)
                } else {
                    ScanError::Network {
                        request: request.into(),
                        hop: index,
                        url: url.to_string(),
                        message: error_chain(&e),
                    }
                }
            })?;
        let too_large = |reason: String| ScanError::HeadersTooLarge {
            request: request.into(),
            hop: index,
            url: url.to_string(),
            reason,
        };
        let map = response.headers();
        if map.len() > self.options.max_headers {
            return Err(too_large(format!(
                "{} headers (at most {})",
                map.len(),
                self.options.max_headers
            )));
        }
        let mut total = 0usize;
        let mut set_cookie = Vec::new();
        let mut recorded = Vec::new();
        let mut location = None;
        for (name, value) in map {
            let size = name.as_str().len() + value.len();
            total += size;
            if size > self.options.max_header_bytes {
                return Err(too_large(format!(
                    "`{name}` is {size} bytes (at most {})",
                    self.options.max_header_bytes
                )));
            }
            let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
            let lower = name.as_str();
            if lower == "set-cookie" {
                set_cookie.push(text);
            } else if lower == "location" {
                location = Some(text);
            } else if RECORDED.iter().any(|p| lower.starts_with(p)) {
                recorded.push(format!("{}: {text}", canonical(lower)));
            }
        }
        if total > self.options.max_total_header_bytes {
            return Err(too_large(format!(
                "{total} bytes in all (at most {})",
                self.options.max_total_header_bytes
            )));
        }
        let status = response.status().as_u16();
        let addr = response.remote_addr().map(|a| a.to_string());
        let (body_bytes, body_truncated) =
            read_bounded(response, self.options.max_body_bytes, sent, timeout)
                .map_err(|_| timeout_error(timeout))?;
        Ok(Hop {
            url: url.to_string(),
            method: match method {
                Method::Get => "GET".into(),
                Method::Preflight => "OPTIONS".into(),
            },
            addr,
            status,
            location,
            set_cookie,
            headers: recorded,
            body_bytes,
            body_truncated,
        })
    }

    fn request_headers(&self, url: &Url, origin: Option<&str>, method: Method) -> HeaderMap {
        let mut h = HeaderMap::new();
        let mut put = |name: &'static str, value: &str| {
            if let Ok(v) = HeaderValue::from_str(value) {
                h.insert(HeaderName::from_static(name), v);
            }
        };
        let fetch_site = |origin: &str| {
            let own = url.origin().ascii_serialization();
            if own == origin {
                "same-origin"
            } else {
                "cross-site"
            }
        };
        match (method, origin) {
            (Method::Get, None) => {
                put(
                    "accept",
                    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                );
                put("accept-language", "en");
                put("sec-fetch-dest", "document");
                put("sec-fetch-mode", "navigate");
                put("sec-fetch-site", "none");
                put("sec-fetch-user", "?1");
                put("upgrade-insecure-requests", "1");
            }
            (Method::Get, Some(origin)) => {
                put("accept", "*/*");
                put("origin", origin);
                put("sec-fetch-dest", "empty");
                put("sec-fetch-mode", "cors");
                put("sec-fetch-site", fetch_site(origin));
            }
            (Method::Preflight, origin) => {
                let origin = origin.unwrap_or(PROBE_ORIGIN);
                put("accept", "*/*");
                put("origin", origin);
                put("access-control-request-method", "GET");
                if !self.options.request_headers.is_empty() {
                    let mut names: Vec<String> = self
                        .options
                        .request_headers
                        .iter()
                        .map(|n| n.trim().to_ascii_lowercase())
                        .collect();
                    names.sort();
                    names.dedup();
                    put("access-control-request-headers", &names.join(","));
                }
                put("sec-fetch-dest", "empty");
                put("sec-fetch-mode", "cors");
                put("sec-fetch-site", fetch_site(origin));
            }
        }
        h
    }
}

/// Reads at most `limit` body bytes (then stops: the rest is not needed);
/// `Err` when the request's time runs out while reading.
fn read_bounded(
    mut response: reqwest::blocking::Response,
    limit: u64,
    sent: Instant,
    timeout: Duration,
) -> std::io::Result<(u64, bool)> {
    let mut buf = [0u8; 8192];
    let mut read: u64 = 0;
    loop {
        if sent.elapsed() > timeout {
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "body too slow",
            ));
        }
        let want = usize::try_from((limit + 1).saturating_sub(read))
            .unwrap_or(buf.len())
            .min(buf.len());
        if want == 0 {
            return Ok((limit, true));
        }
        let slice = buf.get_mut(..want).unwrap_or(&mut []);
        let n = response.read(slice)?;
        if n == 0 {
            return Ok((read, false));
        }
        read += n as u64;
        if read > limit {
            return Ok((limit, true));
        }
    }
}

/// `access-control-allow-origin` → `Access-Control-Allow-Origin`.
fn canonical(lower: &str) -> String {
    match lower {
        "x-frame-options" => "X-Frame-Options".into(),
        _ => lower
            .split('-')
            .map(|part| {
                let mut chars = part.chars();
                chars.next().map_or_else(String::new, |c| {
                    c.to_ascii_uppercase().to_string() + chars.as_str()
                })
            })
            .collect::<Vec<_>>()
            .join("-"),
    }
}

/// An error with its causes, `a: b: c`.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// The lower-cased name of a `Name: value` header line.
fn header_name(line: &str) -> String {
    line.split(':')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn canonical_names() {
        assert_eq!(
            canonical("access-control-allow-origin"),
            "Access-Control-Allow-Origin"
        );
        assert_eq!(canonical("vary"), "Vary");
        assert_eq!(canonical("x-frame-options"), "X-Frame-Options");
    }

    #[test]
    fn frame_ancestors_is_picked_out_of_csp() {
        let hop = Hop {
            url: "https://a.example/".into(),
            method: "GET".into(),
            addr: None,
            status: 200,
            location: None,
            set_cookie: vec![],
            headers: vec![
                "X-Frame-Options: DENY".into(),
                "Content-Security-Policy: default-src 'self'; frame-ancestors 'self' https://p.example".into(),
            ],
            body_bytes: 0,
            body_truncated: false,
        };
        let f = framing_of(&hop);
        assert_eq!(f.x_frame_options, ["DENY"]);
        assert_eq!(
            f.frame_ancestors,
            ["frame-ancestors 'self' https://p.example"]
        );
    }

    #[test]
    fn numeric_host_spellings_are_literal_addresses() {
        for (url, range) in [
            ("http://2130706433/", crate::guard::Range::Loopback),
            ("http://0x7f.1/", crate::guard::Range::Loopback),
            ("http://0177.0.0.1/", crate::guard::Range::Loopback),
            ("http://[::1]:8080/", crate::guard::Range::Loopback),
            ("http://0.0.0.0/", crate::guard::Range::Unspecified),
            (
                "https://[fd00:ec2::254]/",
                crate::guard::Range::CloudMetadata,
            ),
            (
                "http://[64:ff9b::a9fe:a9fe]/",
                crate::guard::Range::CloudMetadata,
            ),
        ] {
            match scan(&ScanOptions::new(url)) {
                Err(ScanError::Forbidden { range: r, .. }) => assert_eq!(r.range, range, "{url}"),
                other => panic!("{url}: {other:?}"),
            }
        }
    }

    #[test]
    fn literal_guard_runs_before_any_request() {
        let options = ScanOptions::new("http://10.1.2.3/");
        let err = scan(&options).unwrap_err();
        match err {
            ScanError::Forbidden {
                hop, range, addr, ..
            } => {
                assert_eq!(hop, 0);
                assert_eq!(range.range, crate::guard::Range::Private);
                assert_eq!(addr, Some("10.1.2.3".parse().unwrap()));
            }
            other => panic!("{other:?}"),
        }
    }
}
