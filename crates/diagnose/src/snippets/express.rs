//! Express (4.19+ / 5): `res.cookie` / `res.clearCookie`, the `cors` package,
//! and a middleware for the framing header.

use super::{CorsSpec, FramingSpec, Lang, cookie_path, csp, quote, quote_list, same_site};
use crate::fix::CookieSpec;

const JS: Lang = Lang::Js;

/// `res.cookie(...)`, or `res.clearCookie(...)` for a deletion, in a handler.
pub(super) fn cookie(spec: &CookieSpec) -> String {
    let mut options = Vec::new();
    if let Some(domain) = &spec.domain {
        options.push(format!("domain: {}", quote(domain, JS)));
    }
    options.push(format!("path: {}", quote(cookie_path(spec), JS)));
    if spec.secure {
        options.push("secure: true".into());
    }
    if spec.http_only {
        options.push("httpOnly: true".into());
    }
    if let Some(same_site) = same_site(spec) {
        options.push(format!("sameSite: {}", quote(same_site.lower(), JS)));
    }
    if spec.partitioned {
        options.push("partitioned: true".into());
    }
    if spec.is_deletion() {
        // clearCookie sends an empty value that expired in 1970 and needs the
        // same Domain, Path, Secure, SameSite and Partitioned to match.
        return format!(
            "res.clearCookie({}, {{ {} }});",
            quote(&spec.name, JS),
            options.join(", ")
        );
    }
    if let Some(expires) = &spec.expires {
        options.push(format!("expires: new Date({})", quote(expires, JS)));
    }
    if let Some(max_age) = spec.max_age {
        options.push(format!("maxAge: {max_age} * 1000"));
    }
    let mut out = String::new();
    if spec.partitioned {
        out.push_str("// partitioned needs Express 4.19+ (cookie 0.6+)\n");
    }
    out.push_str(&format!(
        "res.cookie({}, {}, {{ {} }});",
        quote(&spec.name, JS),
        quote(&spec.value, JS),
        options.join(", ")
    ));
    out
}

/// `app.use(cors({...}))`: the `cors` package echoes an allowed origin and adds
/// `Vary: Origin`.
pub(super) fn cors(spec: &CorsSpec) -> String {
    let mut options = vec![format!(
        "  origin: [{}],",
        quote_list(&spec.allow_origins, JS)
    )];
    if spec.allow_credentials {
        options.push("  credentials: true,".into());
    }
    if !spec.allow_methods.is_empty() {
        options.push(format!(
            "  methods: [{}],",
            quote_list(&spec.allow_methods, JS)
        ));
    }
    if !spec.allow_headers.is_empty() {
        options.push(format!(
            "  allowedHeaders: [{}],",
            quote_list(&spec.allow_headers, JS)
        ));
    }
    format!(
        "const cors = require(\"cors\");\n\n\
         // echoes the request's Origin when it is in the list, and sends Vary: Origin\n\
         app.use(cors({{\n{}\n}}));",
        options.join("\n")
    )
}

/// A middleware that sets `Content-Security-Policy: frame-ancestors …`.
pub(super) fn framing(spec: &FramingSpec) -> String {
    format!(
        "app.use((req, res, next) => {{\n  res.set(\"Content-Security-Policy\", {});\n  next();\n}});",
        quote(&csp(spec), JS)
    )
}
