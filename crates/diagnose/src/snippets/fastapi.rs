//! FastAPI / Starlette: `Response.set_cookie` / `delete_cookie`,
//! `CORSMiddleware`, and an HTTP middleware for the framing header.

use super::{
    CorsSpec, FramingSpec, Lang, cookie_buffer, cors_buffer, framing_buffer, push_python_lifetime,
    push_python_scope, push_quoted, push_quoted_csp, push_quoted_list,
    push_quoted_set_cookie_value, same_site,
};
use crate::fix::CookieSpec;

const PY: Lang = Lang::Python;

/// `response.set_cookie(...)` / `response.delete_cookie(...)` on the handler's
/// `response: Response`; the raw header for a partitioned cookie.
pub(super) fn cookie(spec: &CookieSpec) -> String {
    let mut out = cookie_buffer(spec);
    if spec.partitioned {
        out.push_str(
            "# Starlette's set_cookie(partitioned=True) raises ValueError before Python 3.14,\n\
             # so the Set-Cookie header is written as it should read.\n\
             response.headers.append(\"Set-Cookie\", ",
        );
        push_quoted_set_cookie_value(&mut out, spec, PY);
        out.push(')');
        return out;
    }
    let deletion = spec.is_deletion();
    // One keyword argument a line.
    out.push_str(if deletion {
        "response.delete_cookie(\n    key="
    } else {
        "response.set_cookie(\n    key="
    });
    push_quoted(&mut out, &spec.name, PY);
    if !deletion {
        out.push_str(",\n    value=");
        push_quoted(&mut out, &spec.value, PY);
        push_python_lifetime(&mut out, spec);
    }
    push_python_scope(&mut out, spec);
    // Starlette's default is "lax": no SameSite needs an explicit None.
    match same_site(spec) {
        Some(same_site) => {
            out.push_str(",\n    samesite=");
            push_quoted(&mut out, same_site.lower(), PY);
        }
        None => out.push_str(",\n    samesite=None"),
    }
    out.push_str(",\n)");
    out
}

/// `app.add_middleware(CORSMiddleware, ...)`: with an explicit list it echoes
/// an allowed origin and adds `Vary: Origin`.
pub(super) fn cors(spec: &CorsSpec) -> String {
    let mut out = cors_buffer(spec);
    out.push_str(
        "from fastapi.middleware.cors import CORSMiddleware\n\n\
         # echoes the request's Origin when it is in the list, and sends Vary: Origin\n\
         app.add_middleware(\n    \
         CORSMiddleware,\n    \
         allow_origins=[",
    );
    push_quoted_list(&mut out, &spec.allow_origins, PY);
    out.push(']');
    if spec.allow_credentials {
        out.push_str(",\n    allow_credentials=True");
    }
    if !spec.allow_methods.is_empty() {
        out.push_str(",\n    allow_methods=[");
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

/// An HTTP middleware that sets `Content-Security-Policy: frame-ancestors …`.
pub(super) fn framing(spec: &FramingSpec) -> String {
    let mut out = framing_buffer(spec);
    out.push_str(
        "@app.middleware(\"http\")\n\
         async def frame_ancestors(request, call_next):\n    \
         response = await call_next(request)\n    \
         response.headers[\"Content-Security-Policy\"] = ",
    );
    push_quoted_csp(&mut out, spec, PY);
    out.push_str("\n    return response");
    out
}
