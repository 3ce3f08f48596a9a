//! The page and its assets, embedded in the binary (no CDN; works offline).

use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};

const INDEX: &str = include_str!("../assets/index.html");
const CSS: &str = include_str!("../assets/app.css");
const JS: &str = include_str!("../assets/app.js");
const FAVICON: &str = include_str!("../assets/favicon.svg");

/// `GET /`.
pub(crate) async fn index() -> Response {
    ([(CONTENT_TYPE, "text/html; charset=utf-8")], INDEX).into_response()
}

/// `GET /assets/app.css`.
pub(crate) async fn css() -> Response {
    ([(CONTENT_TYPE, "text/css; charset=utf-8")], CSS).into_response()
}

/// `GET /assets/app.js`.
pub(crate) async fn js() -> Response {
    ([(CONTENT_TYPE, "text/javascript; charset=utf-8")], JS).into_response()
}

/// `GET /favicon.svg`.
pub(crate) async fn favicon() -> Response {
    ([(CONTENT_TYPE, "image/svg+xml")], FAVICON).into_response()
}
