//! FastAPI / Starlette: `Response.set_cookie` / `delete_cookie`,
//! `CORSMiddleware`, and an HTTP middleware for the framing header.

use super::{
    CorsSpec, FramingSpec, Lang, cookie_path, csp, quote, quote_list, same_site, set_cookie_value,
};
use crate::fix::CookieSpec;

const PY: Lang = Lang::Python;

/// `response.set_cookie(...)` / `response.delete_cookie(...)` on the handler's
/// `response: Response`; the raw header for a partitioned cookie.
pub(super) fn cookie(spec: &CookieSpec) -> String {
    if spec.partitioned {
        return format!(
            "# Starlette's set_cookie(partitioned=True) raises ValueError before Python 3.14,\n\
             # so the Set-Cookie header is written as it should read.\n\
             response.headers.append(\"Set-Cookie\", {})",
            quote(&set_cookie_value(spec), PY)
        );
    }
    let deletion = spec.is_deletion();
    let mut args = vec![format!("key={}", quote(&spec.name, PY))];
    if !deletion {
        args.push(format!("value={}", quote(&spec.value, PY)));
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
    // Starlette's default is "lax": no SameSite needs an explicit None.
    match same_site(spec) {
        Some(same_site) => args.push(format!("samesite={}", quote(same_site.lower(), PY))),
        None => args.push("samesite=None".into()),
    }
    let method = if deletion {
        "delete_cookie"
    } else {
        "set_cookie"
    };
    format!("response.{method}(\n    {},\n)", args.join(",\n    "))
}

/// `app.add_middleware(CORSMiddleware, ...)`: with an explicit list it echoes
/// an allowed origin and adds `Vary: Origin`.
pub(super) fn cors(spec: &CorsSpec) -> String {
    let mut args = vec![
        "CORSMiddleware".to_string(),
        format!("allow_origins=[{}]", quote_list(&spec.allow_origins, PY)),
    ];
    if spec.allow_credentials {
        args.push("allow_credentials=True".into());
    }
    if !spec.allow_methods.is_empty() {
        args.push(format!(
            "allow_methods=[{}]",
            quote_list(&spec.allow_methods, PY)
        ));
    }
    if !spec.allow_headers.is_empty() {
        args.push(format!(
            "allow_headers=[{}]",
            quote_list(&spec.allow_headers, PY)
        ));
    }
    format!(
        "from fastapi.middleware.cors import CORSMiddleware\n\n\
         # echoes the request's Origin when it is in the list, and sends Vary: Origin\n\
         app.add_middleware(\n    {},\n)",
        args.join(",\n    ")
    )
}

/// An HTTP middleware that sets `Content-Security-Policy: frame-ancestors …`.
pub(super) fn framing(spec: &FramingSpec) -> String {
    format!(
        "@app.middleware(\"http\")\n\
         async def frame_ancestors(request, call_next):\n    \
         response = await call_next(request)\n    \
         response.headers[\"Content-Security-Policy\"] = {}\n    \
         return response",
        quote(&csp(spec), PY)
    )
}
