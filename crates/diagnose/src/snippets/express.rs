//! Express (4.19+ / 5): `res.cookie` / `res.clearCookie`, the `cors` package,
//! and a middleware for the framing header.

use std::fmt::Write as _;

use super::{
    CorsSpec, FramingSpec, Lang, cookie_buffer, cookie_path, cors_buffer, framing_buffer,
    push_quoted, push_quoted_csp, push_quoted_list, same_site,
};
use crate::fix::CookieSpec;

const JS: Lang = Lang::Js;

/// `res.cookie(...)`, or `res.clearCookie(...)` for a deletion, in a handler.
pub(super) fn cookie(spec: &CookieSpec) -> String {
    let deletion = spec.is_deletion();
    let mut out = cookie_buffer(spec);
    if deletion {
        // clearCookie sends an empty value that expired in 1970 and needs the
        // same Domain, Path, Secure, SameSite and Partitioned to match.
        out.push_str("res.clearCookie(");
        push_quoted(&mut out, &spec.name, JS);
    } else {
        if spec.partitioned {
            out.push_str("// partitioned needs Express 4.19+ (cookie 0.6+)\n");
        }
        out.push_str("res.cookie(");
        push_quoted(&mut out, &spec.name, JS);
        out.push_str(", ");
        push_quoted(&mut out, &spec.value, JS);
    }
    // The options object, on one line.
    out.push_str(", { ");
    if let Some(domain) = &spec.domain {
        out.push_str("domain: ");
        push_quoted(&mut out, domain, JS);
        out.push_str(", ");
    }
    out.push_str("path: ");
    push_quoted(&mut out, cookie_path(spec), JS);
    if spec.secure {
        out.push_str(", secure: true");
    }
    if spec.http_only {
        out.push_str(", httpOnly: true");
    }
    if let Some(same_site) = same_site(spec) {
        out.push_str(", sameSite: ");
        push_quoted(&mut out, same_site.lower(), JS);
    }
    if spec.partitioned {
        out.push_str(", partitioned: true");
    }
    if !deletion {
        if let Some(expires) = &spec.expires {
            out.push_str(", expires: new Date(");
            push_quoted(&mut out, expires, JS);
            out.push(')');
        }
        if let Some(max_age) = spec.max_age {
            let _ = write!(out, ", maxAge: {max_age} * 1000");
        }
    }
    out.push_str(" });");
    out
}

/// `app.use(cors({...}))`: the `cors` package echoes an allowed origin and adds
/// `Vary: Origin`.
pub(super) fn cors(spec: &CorsSpec) -> String {
    let mut out = cors_buffer(spec);
    out.push_str(
        "const cors = require(\"cors\");\n\n\
         // echoes the request's Origin when it is in the list, and sends Vary: Origin\n\
         app.use(cors({\n  \
         origin: [",
    );
    push_quoted_list(&mut out, &spec.allow_origins, JS);
    out.push_str("],");
    if spec.allow_credentials {
        out.push_str("\n  credentials: true,");
    }
    if !spec.allow_methods.is_empty() {
        out.push_str("\n  methods: [");
        push_quoted_list(&mut out, &spec.allow_methods, JS);
        out.push_str("],");
    }
    if !spec.allow_headers.is_empty() {
        out.push_str("\n  allowedHeaders: [");
        push_quoted_list(&mut out, &spec.allow_headers, JS);
        out.push_str("],");
    }
    out.push_str("\n}));");
    out
}

/// A middleware that sets `Content-Security-Policy: frame-ancestors …`.
pub(super) fn framing(spec: &FramingSpec) -> String {
    let mut out = framing_buffer(spec);
    out.push_str("app.use((req, res, next) => {\n  res.set(\"Content-Security-Policy\", ");
    push_quoted_csp(&mut out, spec, JS);
    out.push_str(");\n  next();\n});");
    out
}
