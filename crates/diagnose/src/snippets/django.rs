//! Django: `HttpResponse.set_cookie` / `delete_cookie`, django-cors-headers
//! settings, and the framing header on a view's response.

use super::{
    CorsSpec, EPOCH, Framing, FramingSpec, Lang, SameSite, cookie_buffer, cookie_path, cors_buffer,
    framing_buffer, framing_kind, push_python_lifetime, push_python_scope, push_quoted,
    push_quoted_csp, push_quoted_list, push_quoted_set_cookie_value, same_site,
};
use crate::fix::CookieSpec;

const PY: Lang = Lang::Python;

/// `response.set_cookie(...)` / `response.delete_cookie(...)` in a view; the raw
/// header for a partitioned cookie.
pub(super) fn cookie(spec: &CookieSpec) -> String {
    let mut out = cookie_buffer(spec);
    if spec.partitioned {
        out.push_str(
            "# Django's set_cookie() has no partitioned option (Django 5.2), so the\n\
             # Set-Cookie header is written as it should read (one such header per response).\n\
             response.headers[\"Set-Cookie\"] = ",
        );
        push_quoted_set_cookie_value(&mut out, spec, PY);
        return out;
    }
    let same_site = same_site(spec);
    if spec.is_deletion() {
        // delete_cookie() sends Secure only for __Secure-/__Host- names or
        // SameSite=None; otherwise the deletion is spelled out.
        let implied_secure = spec.name.starts_with("__Secure-")
            || spec.name.starts_with("__Host-")
            || same_site == Some(SameSite::None);
        if implied_secure == spec.secure {
            out.push_str("response.delete_cookie(");
            push_quoted(&mut out, &spec.name, PY);
            out.push_str(", path=");
            push_quoted(&mut out, cookie_path(spec), PY);
            if let Some(domain) = &spec.domain {
                out.push_str(", domain=");
                push_quoted(&mut out, domain, PY);
            }
            if let Some(same_site) = same_site {
                out.push_str(", samesite=");
                push_quoted(&mut out, same_site.title(), PY);
            }
            out.push(')');
            return out;
        }
    }
    // One argument a line.
    out.push_str("response.set_cookie(\n    ");
    push_quoted(&mut out, &spec.name, PY);
    if spec.is_deletion() {
        out.push_str(",\n    \"\",\n    max_age=0,\n    expires=");
        push_quoted(&mut out, EPOCH, PY);
    } else {
        out.push_str(",\n    ");
        push_quoted(&mut out, &spec.value, PY);
        push_python_lifetime(&mut out, spec);
    }
    push_python_scope(&mut out, spec);
    if let Some(same_site) = same_site {
        out.push_str(",\n    samesite=");
        push_quoted(&mut out, same_site.title(), PY);
    }
    out.push_str(",\n)");
    out
}

/// django-cors-headers in settings.py: it echoes an allowed origin and adds
/// `Vary: Origin`.
pub(super) fn cors(spec: &CorsSpec) -> String {
    let mut out = cors_buffer(spec);
    out.push_str(
        "# settings.py, with django-cors-headers (pip install django-cors-headers);\n\
         # it echoes the request's Origin when it is in the list, and sends Vary: Origin\n\
         INSTALLED_APPS += [\"corsheaders\"]\n\
         MIDDLEWARE.insert(0, \"corsheaders.middleware.CorsMiddleware\")\n\
         CORS_ALLOWED_ORIGINS = [",
    );
    push_quoted_list(&mut out, &spec.allow_origins, PY);
    out.push(']');
    if spec.allow_credentials {
        out.push_str("\nCORS_ALLOW_CREDENTIALS = True");
    }
    if !spec.allow_methods.is_empty() {
        out.push_str("\nCORS_ALLOW_METHODS = [");
        push_quoted_list(&mut out, &spec.allow_methods, PY);
        out.push(']');
    }
    if !spec.allow_headers.is_empty() {
        out.push_str("\nCORS_ALLOW_HEADERS = [");
        push_quoted_list(&mut out, &spec.allow_headers, PY);
        out.push(']');
    }
    out
}

/// The header on the view's response; when other sites may frame it, the
/// view is exempted from `XFrameOptionsMiddleware` (whose DENY would contradict it).
pub(super) fn framing(spec: &FramingSpec) -> String {
    let mut out = framing_buffer(spec);
    out.push_str("response[\"Content-Security-Policy\"] = ");
    push_quoted_csp(&mut out, spec, PY);
    if framing_kind(spec) == Framing::Others {
        out.push_str(
            "\n# XFrameOptionsMiddleware would add X-Frame-Options: DENY, which cannot name\n\
             # the embedder: leave it off for this response (as @xframe_options_exempt does)\n\
             response.xframe_options_exempt = True",
        );
    }
    out
}
