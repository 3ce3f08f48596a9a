//! `cookie-doctor serve`: a local web page over the same library calls as the
//! command line. [`app`] builds the whole [`Router`] (tested with `oneshot`);
//! [`serve`] runs it on a listener the caller bound (127.0.0.1 by default).
//!
//! * `GET /` and `/assets/*`: the page (embedded in the binary: no CDN, works
//!   offline), with a strict Content-Security-Policy.
//! * `POST /api/check`: check JSON v1, exactly what `check --format json` prints.
//! * `POST /api/simulate`: trace JSON v1, exactly what `simulate --format json`
//!   prints (`?svg=1`: `{"trace": …, "svg": …}`); `POST /api/timeline`: the SVG.
//! * `POST /api/har`, `POST /api/scan`: size-limited endpoints waiting for the
//!   HAR replay and the live scan (501 until they are wired; scan is 403 unless
//!   the server was started with `--allow-scan`).
//! * `GET /api/explain/{code}` (JSON, as `explain --format json`) and
//!   `GET /explain/{code}` (a small HTML page).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod api;
mod assets;
mod error;
mod explain;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use cookie_doctor_cookie::Time;
use cookie_doctor_profiles::Profile;
use cookie_doctor_site::PublicSuffixList;
use tokio::sync::Semaphore;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

pub use api::{ScanRequest, har_replay, scan_url};
pub use error::ApiError;

/// The Content-Security-Policy of every response.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
/// The largest body of `/api/check`, `/api/simulate` and `/api/timeline`.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// The largest HAR file `/api/har` accepts.
pub const MAX_HAR_BYTES: usize = 64 * 1024 * 1024;
/// How long one request may take before the server answers 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What every request shares: loaded once at start.
#[derive(Clone)]
pub struct AppState {
    /// The browser profiles (`check` runs all of them unless the request
    /// names some; `simulate` runs the scenario's).
    pub profiles: Arc<Vec<Profile>>,
    /// The Public Suffix List.
    pub psl: Arc<dyn PublicSuffixList>,
    /// Evaluate at this time instead of the clock (`--now`, for reproducible
    /// output and tests).
    pub now: Option<Time>,
    /// `--allow-scan`: the Scan tab and `POST /api/scan` are enabled (the only
    /// way the server makes outbound requests).
    pub allow_scan: bool,
    /// Bounds the analyses running at once (each runs on a blocking thread),
    /// so a burst of requests queues instead of starting hundreds of threads.
    pub cpu: Arc<Semaphore>,
}

impl AppState {
    /// Every built-in profile, this list, the clock, no scan; as many analyses
    /// at once as twice the number of cores.
    pub fn new(psl: Arc<dyn PublicSuffixList>) -> AppState {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        AppState {
            profiles: Arc::new(cookie_doctor_profiles::builtin()),
            psl,
            now: None,
            allow_scan: false,
            cpu: Arc::new(Semaphore::new(cores.saturating_mul(2).max(1))),
        }
    }

    /// The time to evaluate at: the override, else the clock.
    pub fn now(&self) -> Time {
        self.now.unwrap_or_else(|| {
            let secs = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
            Time::from_unix(secs)
        })
    }
}

/// The whole application: page, assets, JSON API, security headers, timeouts.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/", get(assets::index))
        .route("/assets/app.css", get(assets::css))
        .route("/assets/app.js", get(assets::js))
        .route("/favicon.svg", get(assets::favicon))
        .route("/explain/{code}", get(explain::explain_html))
        .route("/api/config", get(api::config))
        .route("/api/examples", get(api::examples))
        .route("/api/explain/{code}", get(explain::explain_json))
        .route("/api/check", post(api::check))
        .route("/api/simulate", post(api::simulate))
        .route("/api/timeline", post(api::timeline))
        .route("/api/har", post(api::har))
        .route("/api/scan", post(api::scan))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        .layer(middleware::from_fn(guard_local))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

/// Runs the app on `listener` until Ctrl-C (or SIGTERM).
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// Refuses requests that are not for this local server: a `Host` other than
/// localhost / 127.0.0.1 / [::1] (DNS rebinding), or a cross-origin browser
/// request (another site's page posting to the API).
async fn guard_local(request: Request, next: Next) -> Response {
    let headers = request.headers();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    if host.is_some_and(|h| !is_local_host(h)) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "this server answers only requests for localhost, 127.0.0.1 or [::1]",
        )
        .into_response();
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|h| h.to_str().ok()) {
        let same = host.is_some_and(|h| origin == format!("http://{h}"));
        if !same {
            return ApiError::new(
                StatusCode::FORBIDDEN,
                "cross-origin requests are refused: use the page served here",
            )
            .into_response();
        }
    }
    if headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() == b"cross-site")
    {
        return ApiError::new(StatusCode::FORBIDDEN, "cross-site requests are refused")
            .into_response();
    }
    next.run(request).await
}

/// `localhost`, `127.0.0.1` or `[::1]`, with or without a port.
fn is_local_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(name, _)| name)
    };
    matches!(name, "localhost" | "127.0.0.1" | "::1")
}

async fn not_found(uri: axum::http::Uri) -> Response {
    ApiError {
        status: StatusCode::NOT_FOUND,
        error: format!("no such page or endpoint: {}", error::shorten(uri.path())),
        location: Some("path".into()),
    }
    .into_response()
}

async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> Response {
    ApiError {
        status: StatusCode::METHOD_NOT_ALLOWED,
        error: format!("{method} is not allowed on {}", error::shorten(uri.path())),
        location: Some("method".into()),
    }
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_hosts() {
        assert!(is_local_host("127.0.0.1:8080"));
        assert!(is_local_host("localhost"));
        assert!(is_local_host("[::1]:3000"));
        assert!(!is_local_host("evil.example:8080"));
        assert!(!is_local_host("127.0.0.1.evil.example"));
    }
}
