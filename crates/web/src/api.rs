//! The JSON API: the same library calls and the same JSON as the command line.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use cookie_doctor_cookie::CookieUrl;
use cookie_doctor_cookie::Time;
use cookie_doctor_diagnose::check;
use cookie_doctor_diagnose::har::{HAR_REPLAY_VERSION, HarFinding, HarReplay, replay_har};
use cookie_doctor_diagnose::matrix::Deployment;
use cookie_doctor_inputs::HarError;
use cookie_doctor_inputs::{Scenario, parse_scenario, set_cookie_line};
use cookie_doctor_profiles::Profile;
use cookie_doctor_report::{check_json_compact_bytes, to_json_compact};
use cookie_doctor_scan::{ScanError, ScanOptions};
use cookie_doctor_site::Origin;
use cookie_doctor_site::PublicSuffixList;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde::Deserialize;

use crate::error::{ApiError, shorten};
use crate::{AppState, MAX_BODY_BYTES, MAX_HAR_BYTES};

/// The bundled scenarios (`examples/scenarios/*.toml`), for the Scenario tab.
pub(crate) const SCENARIOS: &[(&str, &str)] = &[
    (
        "embedded-dashboard.toml",
        include_str!("../../../examples/scenarios/embedded-dashboard.toml"),
    ),
    (
        "api-on-another-site.toml",
        include_str!("../../../examples/scenarios/api-on-another-site.toml"),
    ),
    (
        "chips-widget-two-embedders.toml",
        include_str!("../../../examples/scenarios/chips-widget-two-embedders.toml"),
    ),
    (
        "logout-does-not-clear.toml",
        include_str!("../../../examples/scenarios/logout-does-not-clear.toml"),
    ),
    (
        "sso-form-post-callback.toml",
        include_str!("../../../examples/scenarios/sso-form-post-callback.toml"),
    ),
];

/// A bundled Set-Cookie story and the deployment the README checks it with.
pub(crate) struct Story {
    /// The file under `examples/set-cookie/`.
    pub file: &'static str,
    /// Its text.
    pub text: &'static str,
    /// `--url`.
    pub url: &'static str,
    /// `--embedded-in`.
    pub embedded_in: &'static [&'static str],
    /// `--called-from`.
    pub called_from: &'static [&'static str],
    /// `--header`.
    pub headers: &'static [&'static str],
}

/// The bundled Set-Cookie stories (`examples/set-cookie/*.txt`), for the Check
/// tab, with the deployments of the README's examples.
pub(crate) const SET_COOKIE: &[Story] = &[
    Story {
        file: "embedded-dashboard.txt",
        text: include_str!("../../../examples/set-cookie/embedded-dashboard.txt"),
        url: "https://app.example.com/dashboard",
        embedded_in: &["https://partner.example"],
        called_from: &[],
        headers: &[],
    },
    Story {
        file: "api-on-another-site.txt",
        text: include_str!("../../../examples/set-cookie/api-on-another-site.txt"),
        url: "https://api.shopbackend.example/login",
        embedded_in: &[],
        called_from: &["https://shop.example"],
        headers: &[
            "Access-Control-Allow-Origin: https://shop.example",
            "Access-Control-Allow-Credentials: true",
            "Vary: Origin",
        ],
    },
    Story {
        file: "sso-form-post-callback.txt",
        text: include_str!("../../../examples/set-cookie/sso-form-post-callback.txt"),
        url: "https://app.example/login",
        embedded_in: &[],
        called_from: &[],
        headers: &[],
    },
    Story {
        file: "logout-does-not-clear.txt",
        text: include_str!("../../../examples/set-cookie/logout-does-not-clear.txt"),
        url: "https://app.example.com/logout",
        embedded_in: &[],
        called_from: &[],
        headers: &[],
    },
    Story {
        file: "chips-widget.txt",
        text: include_str!("../../../examples/set-cookie/chips-widget.txt"),
        url: "https://widget.example/embed",
        embedded_in: &["https://site-a.example", "https://site-b.example"],
        called_from: &[],
        headers: &[],
    },
];

/// A JSON answer: the text as `to_json_compact` writes it.
fn json_text(text: String) -> Response {
    ([(CONTENT_TYPE, "application/json")], text).into_response()
}

/// A JSON answer already written as UTF-8 bytes.
fn json_bytes(text: Vec<u8>) -> Response {
    ([(CONTENT_TYPE, "application/json")], text).into_response()
}

/// The media type of the request (`application/json`), lower-case, without
/// parameters.
fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(CONTENT_TYPE)?.to_str().ok()?;
    let essence = value.split(';').next().unwrap_or("").trim();
    Some(essence.to_ascii_lowercase())
}

fn unsupported(accepted: &str) -> ApiError {
    ApiError {
        status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
        error: format!("expected Content-Type {accepted}"),
        location: Some("content-type".into()),
    }
}

/// Reads the whole body, at most `limit` bytes (413 beyond, before reading
/// when Content-Length already says so).
pub(crate) async fn read_body(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<Bytes, ApiError> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|s| s.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(ApiError::too_large(limit));
    }
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => Err(ApiError::too_large(limit)),
        Err(e) => Err(ApiError::bad_request(
            format!("the request body could not be read: {e}"),
            "body",
        )),
    }
}

/// Parses a JSON body, naming the line and column of a syntax error.
fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::bad_request(
            format!("invalid JSON: {e}"),
            format!("body line {} column {}", e.line(), e.column()),
        )
    })
}

/// Runs CPU-bound work on a blocking thread, at most `state.cpu` at once.
async fn blocking<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    let permit = state.cpu.clone().acquire_owned().await.map_err(|_| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "the server is shutting down",
        )
    })?;
    tokio::task::spawn_blocking(move || {
        let result = work();
        drop(permit);
        result
    })
    .await
    .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "the analysis failed"))
}

/// Runs short CPU-bound work on the current async worker, within the same
/// bound (`state.cpu`) as [`blocking`] work. A panic (a bug: the analyses are
/// fuzzed not to) is a 500 answer, as it is from the blocking pool.
async fn inline<T>(state: &AppState, work: impl FnOnce() -> T) -> Result<T, ApiError> {
    let permit = state.cpu.clone().acquire_owned().await.map_err(|_| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "the server is shutting down",
        )
    })?;
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
    drop(permit);
    result.map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "the analysis failed"))
}

/// `GET /api/config`: what the page should show.
pub(crate) async fn config(State(state): State<AppState>) -> Response {
    let browsers: Vec<&str> = state.profiles.iter().map(|p| p.name.as_str()).collect();
    json_text(to_json_compact(&serde_json::json!({
        "version": env!("CARGO_PKG_VERSION"),
        "allow_scan": state.allow_scan,
        "browsers": browsers,
        "limits": {"body": MAX_BODY_BYTES, "har": MAX_HAR_BYTES},
    })))
}

/// `GET /api/examples`: the bundled stories.
pub(crate) async fn examples() -> Response {
    let scenarios: Vec<serde_json::Value> = SCENARIOS
        .iter()
        .map(|(file, text)| serde_json::json!({"file": file, "text": text}))
        .collect();
    let set_cookie: Vec<serde_json::Value> = SET_COOKIE
        .iter()
        .map(|s| {
            serde_json::json!({
                "file": s.file,
                "text": s.text,
                "url": s.url,
                "embedded_in": s.embedded_in,
                "called_from": s.called_from,
                "headers": s.headers,
            })
        })
        .collect();
    json_text(to_json_compact(
        &serde_json::json!({"scenarios": scenarios, "set_cookie": set_cookie}),
    ))
}

/// The body of `POST /api/check`: the flags of `cookie-doctor check`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckRequest {
    #[serde(default)]
    lines: Vec<String>,
    url: Option<String>,
    #[serde(default)]
    embedded_in: Vec<String>,
    #[serde(default)]
    called_from: Vec<String>,
    #[serde(default)]
    headers: Vec<String>,
    #[serde(default)]
    browsers: Option<Vec<String>>,
}

/// The most Set-Cookie lines, origins or headers one request may carry.
const MAX_ITEMS: usize = 512;

/// Validates a check request as the CLI validates its flags.
/// What `POST /api/check` runs: the Set-Cookie values, the deployment and
/// the browsers.
type CheckInput = (Vec<String>, Deployment, Arc<Vec<Profile>>);

fn check_input(req: CheckRequest, all: &Arc<Vec<Profile>>) -> Result<CheckInput, ApiError> {
    let Some(url) = req.url.filter(|u| !u.trim().is_empty()) else {
        return Err(ApiError::bad_request(
            "missing url: the URL of the response that sets the cookies",
            "url",
        ));
    };
    let parsed = url::Url::parse(url.trim())
        .map_err(|e| ApiError::bad_request(format!("url `{}`: {e}", shorten(&url)), "url"))?;
    CookieUrl::from_url(&parsed)
        .map_err(|e| ApiError::bad_request(format!("url `{}`: {e}", shorten(&url)), "url"))?;
    for (field, n) in [
        ("lines", req.lines.len()),
        ("embedded_in", req.embedded_in.len()),
        ("called_from", req.called_from.len()),
        ("headers", req.headers.len()),
    ] {
        if n > MAX_ITEMS {
            return Err(ApiError::bad_request(
                format!("{field}: more than {MAX_ITEMS} entries"),
                field,
            ));
        }
    }
    let origins = |field: &str, values: &[String]| -> Result<Vec<Origin>, ApiError> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                Origin::parse(v.trim()).map_err(|e| {
                    ApiError::bad_request(
                        format!("{field} `{}`: {e}", shorten(v)),
                        format!("{field}[{i}]"),
                    )
                })
            })
            .collect()
    };
    let embedded_in = origins("embedded_in", &req.embedded_in)?;
    let called_from = origins("called_from", &req.called_from)?;
    for (i, h) in req.headers.iter().enumerate() {
        if !h.contains(':') || h.len() > 8192 || h.chars().any(|c| c.is_control() && c != '\t') {
            return Err(ApiError::bad_request(
                format!(
                    "header `{}`: expected `Name: value` on one line (at most 8192 bytes)",
                    shorten(h)
                ),
                format!("headers[{i}]"),
            ));
        }
    }
    let lines = req
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            set_cookie_line(l, format!("lines[{i}]"))
                .map(|l| l.value)
                .map_err(|e| ApiError::bad_request(e.to_string(), format!("lines[{i}]")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if lines.is_empty() {
        return Err(ApiError::bad_request(
            "no Set-Cookie lines: give at least one, e.g. `Set-Cookie: sid=abc; Secure`",
            "lines",
        ));
    }
    // Every browser (the usual case) shares the server's profiles.
    let profiles = match &req.browsers {
        None => Arc::clone(all),
        Some(names) if names.is_empty() => Arc::clone(all),
        Some(names) => Arc::new(pick(names, all, "browsers")?),
    };
    Ok((
        lines,
        Deployment {
            url: parsed,
            embedded_in,
            called_from,
            headers: req.headers,
        },
        profiles,
    ))
}

/// Profiles by name, in the order named.
fn pick(names: &[String], all: &[Profile], field: &str) -> Result<Vec<Profile>, ApiError> {
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            all.iter()
                .find(|p| p.name == *name)
                .cloned()
                .ok_or_else(|| {
                    let known: Vec<&str> = all.iter().map(|p| p.name.as_str()).collect();
                    ApiError::bad_request(
                        format!(
                            "no such browser profile `{}`; known: {}",
                            shorten(name),
                            known.join(", ")
                        ),
                        format!("{field}[{i}]"),
                    )
                })
        })
        .collect()
}

/// `POST /api/check`: check JSON v1.
pub(crate) async fn check(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match check_inner(&state, &headers, body).await {
        Ok(text) => json_bytes(text),
        Err(e) => e.into_response(),
    }
}

async fn check_inner(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
) -> Result<Vec<u8>, ApiError> {
    if media_type(headers).as_deref() != Some("application/json") {
        return Err(unsupported("application/json"));
    }
    let bytes = read_body(headers, body, MAX_BODY_BYTES).await?;
    let req: CheckRequest = parse_json(&bytes)?;
    let (lines, deployment, profiles) = check_input(req, &state.profiles)?;
    let psl = state.psl.clone();
    let now = state.now();
    let small = lines.len() <= INLINE_MAX_ITEMS && deployment.headers.len() <= INLINE_MAX_ITEMS;
    let work = move || {
        check_json_compact_bytes(&check::check(
            &lines,
            &deployment,
            &profiles,
            psl.as_ref(),
            now,
        ))
    };
    if small {
        inline(state, work).await
    } else {
        blocking(state, work).await
    }
}

/// A check of at most this many Set-Cookie lines (and header lines) runs on
/// the async worker that received it (1–10 ms of work): handing it to the
/// blocking pool costs a thread wake-up each way and, under load, more
/// runnable threads than cores. Measured 2026-12-04 with the seed story on 2
/// cores, pool then inline: 1 500 checks/s offered over 500 connections, p99
/// 20–22 ms → 6–9 ms; 2 000/s offered, 1 480–1 884/s served with a growing
/// queue → 1 998/s. Bigger checks (up to [`MAX_ITEMS`] lines: ~170 ms for
/// 512) go to the pool, so that they cannot hold a worker, and with it the
/// server's I/O, that long.
const INLINE_MAX_ITEMS: usize = 32;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SimulateRequest {
    toml: String,
    #[serde(default)]
    browsers: Vec<String>,
}

/// Reads the scenario of `/api/simulate` and `/api/timeline` (TOML text, or
/// `{"toml": …, "browsers": […]}`), runs it and renders the trace with
/// `render` on the same blocking thread (a trace shares its strings with
/// `Rc` and stays on the thread of its analysis).
async fn run_scenario<T: Send + 'static>(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
    render: impl FnOnce(&Scenario, &cookie_doctor_engine::Trace) -> T + Send + 'static,
) -> Result<T, ApiError> {
    let media = media_type(headers);
    let is_json = match media.as_deref() {
        Some("application/json") => true,
        Some("text/plain" | "application/toml" | "text/x-toml") => false,
        _ => {
            return Err(unsupported(
                "text/plain (the scenario TOML) or application/json ({\"toml\": \"…\"})",
            ));
        }
    };
    let bytes = read_body(headers, body, MAX_BODY_BYTES).await?;
    let (text, browsers) = if is_json {
        let req: SimulateRequest = parse_json(&bytes)?;
        (req.toml, req.browsers)
    } else {
        let text = String::from_utf8(bytes.to_vec()).map_err(|e| {
            ApiError::bad_request(
                format!(
                    "byte {} is not valid UTF-8; scenarios are UTF-8 TOML",
                    e.utf8_error().valid_up_to()
                ),
                "body",
            )
        })?;
        (text, Vec::new())
    };
    let scenario = parse_scenario(&text, "scenario").map_err(|e| {
        let mut place = String::from("scenario");
        if let Some(line) = e.line {
            place.push_str(&format!(" line {line}"));
            if let Some(column) = e.column {
                place.push_str(&format!(" column {column}"));
            }
        }
        if let Some(step) = e.step {
            place.push_str(&format!(", step {step}"));
        }
        if let Some(field) = &e.field {
            place.push_str(&format!(", field `{field}`"));
        }
        ApiError::bad_request(e.message.clone(), place)
    })?;
    let wanted = if !browsers.is_empty() {
        browsers
    } else if !scenario.browsers.is_empty() {
        scenario.browsers.clone()
    } else {
        state.profiles.iter().map(|p| p.name.clone()).collect()
    };
    let profiles = pick(&wanted, &state.profiles, "browsers")?;
    let psl = state.psl.clone();
    let start = state.now();
    blocking(state, move || {
        let trace = cookie_doctor_engine::simulate(&scenario, &profiles, psl.as_ref(), start);
        render(&scenario, &trace)
    })
    .await
}

/// `POST /api/simulate`: trace JSON v1 (`?svg=1`: `{"trace": …, "svg": …}`).
pub(crate) async fn simulate(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let with_svg = query
        .as_deref()
        .unwrap_or("")
        .split('&')
        .any(|pair| pair == "svg=1" || pair == "svg=true");
    let render = move |scenario: &Scenario, trace: &cookie_doctor_engine::Trace| {
        if with_svg {
            let svg = cookie_doctor_report::timeline_svg::render_timeline_svg(scenario, trace);
            to_json_compact(&serde_json::json!({"trace": trace, "svg": svg}))
        } else {
            to_json_compact(trace)
        }
    };
    match run_scenario(&state, &headers, body, render).await {
        Ok(text) => json_text(text),
        Err(e) => e.into_response(),
    }
}

/// `POST /api/timeline`: the scenario's timeline picture (SVG).
pub(crate) async fn timeline(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let render = cookie_doctor_report::timeline_svg::render_timeline_svg;
    match run_scenario(&state, &headers, body, render).await {
        Ok(svg) => ([(CONTENT_TYPE, "image/svg+xml; charset=utf-8")], svg).into_response(),
        Err(e) => e.into_response(),
    }
}

/// The HAR replay (`cookie-doctor har --format json`, values redacted): the
/// HAR file's bytes in, the `har_replay` v1 JSON out. A file that is not a HAR
/// (broken JSON, no `log`) is a 400 naming the line and column.
pub fn har_replay(
    bytes: &[u8],
    psl: &dyn PublicSuffixList,
    start: Time,
) -> Result<serde_json::Value, ApiError> {
    let mut replay = HarReplay::new(None, psl, start, false);
    let mut findings: Vec<serde_json::Value> = Vec::new();
    let result = replay_har(bytes, "upload.har", &mut replay, &mut |f: HarFinding| {
        if findings.len() < MAX_HAR_FINDINGS {
            findings.push(serde_json::to_value(&f).unwrap_or_default());
        }
    });
    let summary = replay.finish();
    match result {
        Ok(_) | Err(HarError::Entry { .. }) => {}
        Err(e) => return Err(ApiError::bad_request(e.to_string(), "body")),
    }
    Ok(serde_json::json!({
        "har_replay": HAR_REPLAY_VERSION,
        "file": "upload.har",
        "findings": findings,
        "summary": summary,
    }))
}

/// The most findings one HAR upload answers with (the summary counts all).
pub const MAX_HAR_FINDINGS: usize = 10_000;

/// `POST /api/har`: a HAR file (at most 64 MiB, read as it streams in).
pub(crate) async fn har(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let result = async {
        let bytes = read_body(&headers, body, MAX_HAR_BYTES).await?;
        if bytes.is_empty() {
            return Err(ApiError::bad_request("the HAR file is empty", "body"));
        }
        let psl = state.psl.clone();
        let start = state.now();
        blocking(&state, move || har_replay(&bytes, psl.as_ref(), start)).await?
    }
    .await;
    match result {
        Ok(value) => json_text(to_json_compact(&value)),
        Err(e) => e.into_response(),
    }
}

/// The body of `POST /api/scan`: the flags of `cookie-doctor scan`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanRequest {
    /// The URL to fetch.
    pub url: String,
    /// Top-level origins that frame it.
    #[serde(default)]
    pub embedded_in: Vec<String>,
    /// Origins whose scripts call it with credentials.
    #[serde(default)]
    pub called_from: Vec<String>,
}

/// The live scan (`cookie-doctor scan --format json`, with its SSRF guard:
/// private and local addresses are refused). Only ever called when the server
/// runs with `--allow-scan`.
pub fn scan_url(
    request: &ScanRequest,
    profiles: &[Profile],
    psl: &dyn PublicSuffixList,
    now: Time,
) -> Result<serde_json::Value, ApiError> {
    let origins = |field: &str, values: &[String]| -> Result<Vec<Origin>, ApiError> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                Origin::parse(v).map_err(|e| {
                    ApiError::bad_request(
                        format!("{field}[{i}] `{}`: {e}", shorten(v)),
                        format!("{field}[{i}]"),
                    )
                })
            })
            .collect()
    };
    let mut options = ScanOptions::new(request.url.trim());
    options.embedded_in = origins("embedded_in", &request.embedded_in)?;
    options.called_from = origins("called_from", &request.called_from)?;
    match cookie_doctor_scan::run(&options, profiles, psl, now) {
        Ok(outcome) => serde_json::to_value(&outcome)
            .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())),
        Err(e @ (ScanError::BadUrl { .. } | ScanError::Forbidden { .. })) => {
            Err(ApiError::bad_request(e.to_string(), "url"))
        }
        Err(e @ ScanError::Timeout { .. }) => {
            Err(ApiError::new(StatusCode::GATEWAY_TIMEOUT, e.to_string()))
        }
        Err(e) => Err(ApiError::new(StatusCode::BAD_GATEWAY, e.to_string())),
    }
}

/// `POST /api/scan`: 403 unless started with `--allow-scan`.
pub(crate) async fn scan(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let result = async {
        if !state.allow_scan {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "live scan is off: start the server with `cookie-doctor serve --allow-scan`",
            ));
        }
        if media_type(&headers).as_deref() != Some("application/json") {
            return Err(unsupported("application/json"));
        }
        let bytes = read_body(&headers, body, MAX_BODY_BYTES).await?;
        let req: ScanRequest = parse_json(&bytes)?;
        let parsed = url::Url::parse(req.url.trim()).map_err(|e| {
            ApiError::bad_request(format!("url `{}`: {e}", shorten(&req.url)), "url")
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(ApiError::bad_request(
                "url: expected an http or https URL",
                "url",
            ));
        }
        let (profiles, psl, now) = (state.profiles.clone(), state.psl.clone(), state.now());
        blocking(&state, move || scan_url(&req, &profiles, psl.as_ref(), now)).await?
    }
    .await;
    match result {
        Ok(value) => json_text(to_json_compact(&value)),
        Err(e) => e.into_response(),
    }
}
