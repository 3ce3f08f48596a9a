//! Request contexts, as the HTML and Fetch specifications define them, reduced
//! to what cookies, CORS and framing need: the frame tree and each request's
//! site for cookies, the CORS protocol, and the framing checks. Pure: no I/O.
#![forbid(unsafe_code)]

pub mod context;
pub mod cors;
pub mod framing;
pub mod headers;

pub use context::{
    ContextKnobs, RequestContext, RequestShape, request_context, site_for_cookies, third_party,
};
pub use cors::{CorsRequest, CredentialsMode, Preflight};
pub use headers::Headers;
