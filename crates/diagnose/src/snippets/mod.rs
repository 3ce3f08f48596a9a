//! Framework snippets: the same fix as a line of code for each framework the
//! user may run. One file per framework; each gives the cookie, CORS and
//! framing variants.

use std::collections::BTreeMap;

use crate::fix::CookieSpec;

/// The CORS headers a fix wants, for snippets.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct CorsSpec {
    /// The exact origins to allow (an allow-list: the snippet echoes the request's
    /// `Origin` when it is in the list).
    pub allow_origins: Vec<String>,
    /// `Access-Control-Allow-Credentials: true`.
    pub allow_credentials: bool,
    /// `Access-Control-Allow-Methods` (empty: leave the framework's default).
    pub allow_methods: Vec<String>,
    /// `Access-Control-Allow-Headers` (empty: none).
    pub allow_headers: Vec<String>,
}

/// The framing policy a fix wants, for snippets.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct FramingSpec {
    /// CSP `frame-ancestors` sources, e.g. `'self'`, `https://partner.example`;
    /// `'none'` to forbid framing.
    pub frame_ancestors: Vec<String>,
}

/// The CORS configuration, per framework.
pub fn cors(spec: &CorsSpec) -> BTreeMap<String, String> {
    let _ = spec;
    BTreeMap::new()
}

/// The framing header, per framework.
pub fn framing(spec: &FramingSpec) -> BTreeMap<String, String> {
    let _ = spec;
    BTreeMap::new()
}

/// Setting (or deleting) this cookie, per framework.
pub fn cookie(spec: &CookieSpec) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    out.insert("express".to_string(), express_cookie(spec));
    out
}

fn express_cookie(spec: &CookieSpec) -> String {
    let mut options = Vec::new();
    if let Some(domain) = &spec.domain {
        options.push(format!("domain: {domain:?}"));
    }
    options.push(format!("path: {:?}", spec.path.as_deref().unwrap_or("/")));
    if spec.secure {
        options.push("secure: true".into());
    }
    if spec.http_only {
        options.push("httpOnly: true".into());
    }
    if let Some(same_site) = &spec.same_site {
        options.push(format!("sameSite: {:?}", same_site.to_ascii_lowercase()));
    }
    if spec.partitioned {
        options.push("partitioned: true".into());
    }
    if let Some(max_age) = spec.max_age {
        options.push(format!("maxAge: {}", max_age.saturating_mul(1000)));
    }
    format!(
        "res.cookie({:?}, {:?}, {{ {} }});",
        spec.name,
        spec.value,
        options.join(", ")
    )
}
