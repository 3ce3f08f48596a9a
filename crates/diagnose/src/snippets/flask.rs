//! Flask (Werkzeug 3.1+): `Response.set_cookie` / `delete_cookie`, flask-cors,
//! and an `after_request` hook for the framing header.

use super::{CorsSpec, FramingSpec, Lang, cookie_path, csp, quote, quote_list, same_site};
use crate::fix::CookieSpec;

const PY: Lang = Lang::Python;

/// `response.set_cookie(...)` / `response.delete_cookie(...)` on the response
/// a view returns (`response = make_response(...)`).
pub(super) fn cookie(spec: &CookieSpec) -> String {
    let deletion = spec.is_deletion();
    let mut args = vec![quote(&spec.name, PY)];
    if !deletion {
        args.push(quote(&spec.value, PY));
        if let Some(max_age) = spec.max_age {
            args.push(format!("max_age={max_age}"));
        }
        if let Some(expires) = &spec.expires {
            args.push(format!("expires={}", quote(expires, PY)));
        }
    }
    args.push(format!("path={}", quote(cookie_path(spec), PY)));
    if let Some(domain) = &spec.domain {
        args.push(format!("domain={}", quote(domain, PY)));
    }
    if spec.secure {
        args.push("secure=True".into());
    }
    if spec.http_only {
        args.push("httponly=True".into());
    }
    if let Some(same_site) = same_site(spec) {
        args.push(format!("samesite={}", quote(same_site.title(), PY)));
    }
    if spec.partitioned {
        args.push("# partitioned needs Werkzeug 3.1+\n    partitioned=True".into());
    }
    let method = if deletion {
        "delete_cookie"
    } else {
        "set_cookie"
    };
    format!("response.{method}(\n    {},\n)", args.join(",\n    "))
}

/// flask-cors: it echoes an allowed origin and adds `Vary: Origin`.
pub(super) fn cors(spec: &CorsSpec) -> String {
    let mut args = vec![
        "app".to_string(),
        format!("origins=[{}]", quote_list(&spec.allow_origins, PY)),
    ];
    if spec.allow_credentials {
        args.push("supports_credentials=True".into());
    }
    if !spec.allow_methods.is_empty() {
        args.push(format!("methods=[{}]", quote_list(&spec.allow_methods, PY)));
    }
    if !spec.allow_headers.is_empty() {
        args.push(format!(
            "allow_headers=[{}]",
            quote_list(&spec.allow_headers, PY)
        ));
    }
    format!(
        "from flask_cors import CORS\n\n\
         # echoes the request's Origin when it is in the list, and sends Vary: Origin\n\
         CORS(\n    {},\n)",
        args.join(",\n    ")
    )
}

/// An `after_request` hook that sets `Content-Security-Policy: frame-ancestors …`.
pub(super) fn framing(spec: &FramingSpec) -> String {
    format!(
        "@app.after_request\n\
         def frame_ancestors(response):\n    \
         response.headers[\"Content-Security-Policy\"] = {}\n    \
         return response",
        quote(&csp(spec), PY)
    )
}
