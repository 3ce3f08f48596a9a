//! The API's error body: `{"error": "…", "where": "…"}` with a 4xx/5xx status.

use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// An error answered as JSON: what is wrong and, when known, where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// What is wrong, in a sentence.
    pub error: String,
    /// Where: a field (`url`, `embedded_in[1]`), a line and column, or the body.
    pub location: Option<String>,
}

#[derive(Serialize)]
struct Body<'a> {
    error: &'a str,
    #[serde(rename = "where", skip_serializing_if = "Option::is_none")]
    location: Option<&'a str>,
}

impl ApiError {
    /// A 400 naming the field or place at fault.
    pub fn bad_request(error: impl Into<String>, location: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            error: error.into(),
            location: Some(location.into()),
        }
    }

    /// An error with any status and no place.
    pub fn new(status: StatusCode, error: impl Into<String>) -> ApiError {
        ApiError {
            status,
            error: error.into(),
            location: None,
        }
    }

    /// 413: the body is over `limit` bytes.
    pub fn too_large(limit: usize) -> ApiError {
        ApiError {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            error: format!("the request body is larger than the {limit} bytes accepted here"),
            location: Some("body".into()),
        }
    }

    /// The JSON body text.
    pub fn body(&self) -> String {
        serde_json::to_string(&Body {
            error: &self.error,
            location: self.location.as_deref(),
        })
        .unwrap_or_else(|_| String::from("{\"error\": \"internal error\"}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            [(CONTENT_TYPE, "application/json")],
            format!("{}\n", self.body()),
        )
            .into_response()
    }
}

/// Shortens untrusted text quoted in an error message.
pub(crate) fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(80).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}
