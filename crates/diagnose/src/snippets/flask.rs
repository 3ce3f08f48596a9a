//! Flask (Werkzeug 3.1+): `Response.set_cookie` / `delete_cookie`, flask-cors,
//! and an `after_request` hook for the framing header.

use super::{
    CorsSpec, FramingSpec, Lang, cookie_buffer, cors_buffer, framing_buffer, push_python_lifetime,
    push_python_scope, push_quoted, push_quoted_csp, push_quoted_list, same_site,
};
use crate::fix::CookieSpec;

const PY: Lang = Lang::Python;

/// `response.set_cookie(...)` / `response.delete_cookie(...)` on the response
/// a view returns (`response = make_response(...)`).
pub(super) fn cookie(spec: &CookieSpec) -> String {
    let deletion = spec.is_deletion();
    let mut out = cookie_buffer(spec);
    // One argument a line.
    out.push_str(if deletion {
        "response.delete_cookie(\n    "
    } else {
        "response.set_cookie(\n    "
    });
    push_quoted(&mut out, &spec.name, PY);
    if !deletion {
        out.push_str(",\n    ");
        push_quoted(&mut out, &spec.value, PY);
        push_python_lifetime(&mut out, spec);
    }
    push_python_scope(&mut out, spec);
    if let Some(same_site) = same_site(spec) {
        out.push_str(",\n    samesite=");
        push_quoted(&mut out, same_site.title(), PY);
    }
    if spec.partitioned {
        out.push_str(",\n    # partitioned needs Werkzeug 3.1+\n    partitioned=True");
    }
    out.push_str(",\n)");
    out
}

/// flask-cors: it echoes an allowed origin and adds `Vary: Origin`.
pub(super) fn cors(spec: &CorsSpec) -> String {
    let mut out = cors_buffer(spec);
    out.push_str(
        "from flask_cors import CORS\n\n\
         # echoes the request's Origin when it is in the list, and sends Vary: Origin\n\
         CORS(\n    \
         app,\n    \
         origins=[",
    );
    push_quoted_list(&mut out, &spec.allow_origins, PY);
    out.push(']');
    if spec.allow_credentials {
        out.push_str(",\n    supports_credentials=True");
    }
    if !spec.allow_methods.is_empty() {
        out.push_str(",\n    methods=[");
        push_quoted_list(&mut out, &spec.allow_methods, PY);
        out.push(']');
    }
    if !spec.allow_headers.is_empty() {
        out.push_str(",\n    allow_headers=[");
        push_quoted_list(&mut out, &spec.allow_headers, PY);
        out.push(']');
    }
    out.push_str(",\n)");
    out
}

/// An `after_request` hook that sets `Content-Security-Policy: frame-ancestors …`.
pub(super) fn framing(spec: &FramingSpec) -> String {
    let mut out = framing_buffer(spec);
    out.push_str(
        "@app.after_request\n\
         def frame_ancestors(response):\n    \
         response.headers[\"Content-Security-Policy\"] = ",
    );
    push_quoted_csp(&mut out, spec, PY);
    out.push_str("\n    return response");
    out
}
