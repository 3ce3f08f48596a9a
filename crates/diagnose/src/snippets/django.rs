//! Django: `HttpResponse.set_cookie` / `delete_cookie`, django-cors-headers
//! settings, and the framing header on a view's response.

use super::{
    CorsSpec, EPOCH, Framing, FramingSpec, Lang, SameSite, cookie_path, csp, framing_kind, quote,
    quote_list, same_site, set_cookie_value,
};
use crate::fix::CookieSpec;

const PY: Lang = Lang::Python;

/// `response.set_cookie(...)` / `response.delete_cookie(...)` in a view; the raw
/// header for a partitioned cookie.
pub(super) fn cookie(spec: &CookieSpec) -> String {
    if spec.partitioned {
        return format!(
            "# Django's set_cookie() has no partitioned option (Django 5.2), so the\n\
             # Set-Cookie header is written as it should read (one such header per response).\n\
             response.headers[\"Set-Cookie\"] = {}",
            quote(&set_cookie_value(spec), PY)
        );
    }
    let same_site = same_site(spec);
    let name = quote(&spec.name, PY);
    let path = format!("path={}", quote(cookie_path(spec), PY));
    let domain = spec
        .domain
        .as_ref()
        .map(|d| format!("domain={}", quote(d, PY)));
    let samesite = same_site.map(|s| format!("samesite={}", quote(s.title(), PY)));
    if spec.is_deletion() {
        // delete_cookie() sends Secure only for __Secure-/__Host- names or
        // SameSite=None; otherwise the deletion is spelled out.
        let implied_secure = spec.name.starts_with("__Secure-")
            || spec.name.starts_with("__Host-")
            || same_site == Some(SameSite::None);
        if implied_secure == spec.secure {
            let args: Vec<String> = [Some(name), Some(path), domain, samesite]
                .into_iter()
                .flatten()
                .collect();
            return format!("response.delete_cookie({})", args.join(", "));
        }
    }
    let mut args = vec![name];
    if spec.is_deletion() {
        args.push("\"\"".into());
        args.push("max_age=0".into());
        args.push(format!("expires={}", quote(EPOCH, PY)));
    } else {
        args.push(quote(&spec.value, PY));
        if let Some(max_age) = spec.max_age {
            args.push(format!("max_age={max_age}"));
        }
        if let Some(expires) = &spec.expires {
            args.push(format!("expires={}", quote(expires, PY)));
        }
    }
    args.push(path);
    args.extend(domain);
    if spec.secure {
        args.push("secure=True".into());
    }
    if spec.http_only {
        args.push("httponly=True".into());
    }
    args.extend(samesite);
    format!("response.set_cookie(\n    {},\n)", args.join(",\n    "))
}

/// django-cors-headers in settings.py: it echoes an allowed origin and adds
/// `Vary: Origin`.
pub(super) fn cors(spec: &CorsSpec) -> String {
    let mut out = String::from(
        "# settings.py, with django-cors-headers (pip install django-cors-headers);\n\
         # it echoes the request's Origin when it is in the list, and sends Vary: Origin\n\
         INSTALLED_APPS += [\"corsheaders\"]\n\
         MIDDLEWARE.insert(0, \"corsheaders.middleware.CorsMiddleware\")\n",
    );
    out.push_str(&format!(
        "CORS_ALLOWED_ORIGINS = [{}]\n",
        quote_list(&spec.allow_origins, PY)
    ));
    if spec.allow_credentials {
        out.push_str("CORS_ALLOW_CREDENTIALS = True\n");
    }
    if !spec.allow_methods.is_empty() {
        out.push_str(&format!(
            "CORS_ALLOW_METHODS = [{}]\n",
            quote_list(&spec.allow_methods, PY)
        ));
    }
    if !spec.allow_headers.is_empty() {
        out.push_str(&format!(
            "CORS_ALLOW_HEADERS = [{}]\n",
            quote_list(&spec.allow_headers, PY)
        ));
    }
    out.trim_end().to_string()
}

/// The header on the view's response; when other sites may frame it, the
/// view is exempted from `XFrameOptionsMiddleware` (whose DENY would contradict it).
pub(super) fn framing(spec: &FramingSpec) -> String {
    let mut out = format!(
        "response[\"Content-Security-Policy\"] = {}",
        quote(&csp(spec), PY)
    );
    if framing_kind(spec) == Framing::Others {
        out.push_str(
            "\n# XFrameOptionsMiddleware would add X-Frame-Options: DENY, which cannot name\n\
             # the embedder: leave it off for this response (as @xframe_options_exempt does)\n\
             response.xframe_options_exempt = True",
        );
    }
    out
}
