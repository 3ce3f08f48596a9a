//! Go `net/http` (1.23+ for `Partitioned`): `http.SetCookie`, CORS headers
//! written in the handler, and the framing header.

use std::fmt::Write as _;

use super::{
    CorsSpec, FramingSpec, Lang, SameSite, cookie_buffer, cookie_path, cors_buffer, framing_buffer,
    push_quoted, push_quoted_csp, push_quoted_joined, same_site,
};
use crate::fix::CookieSpec;

const GO: Lang = Lang::Go;

/// The bytes `net/http` drops from a cookie value (it logs and removes them).
fn dropped_by_net_http(value: &str) -> bool {
    value
        .bytes()
        .any(|b| !(0x20..0x7f).contains(&b) || b == b'"' || b == b';' || b == b'\\')
}

/// Starts a field of the composite literal: `\tKey: ` with `Key:` padded to
/// `width`, as gofmt aligns a keyed composite literal (to the longest key plus
/// its colon). The caller appends the value, then [`end_field`].
fn start_field(out: &mut String, key: &str, width: usize) {
    out.push('\t');
    out.push_str(key);
    out.push(':');
    for _ in key.len() + 1..width {
        out.push(' ');
    }
    out.push(' ');
}

/// Ends a field: its comma, its comment (empty, or ` // …`) and the newline.
fn end_field(out: &mut String, comment: &str) {
    out.push(',');
    out.push_str(comment);
    out.push('\n');
}

/// `http.SetCookie(w, &http.Cookie{...})` in a handler.
pub(super) fn cookie(spec: &CookieSpec) -> String {
    let deletion = spec.is_deletion();
    let same_site = same_site(spec);
    // MaxAge 0 means "no Max-Age" in net/http.
    let max_age = spec.max_age.filter(|&max_age| !deletion && max_age > 0);
    let expires = spec.expires.as_ref().filter(|_| !deletion);
    // The keys the literal has, for their alignment: `Key:` padded to the
    // longest key plus its colon.
    let width = [
        ("Name", true),
        ("Value", true),
        ("Domain", spec.domain.is_some()),
        ("Path", true),
        ("Expires", expires.is_some()),
        ("MaxAge", deletion || max_age.is_some()),
        ("Secure", spec.secure),
        ("HttpOnly", spec.http_only),
        ("SameSite", same_site.is_some()),
        ("Partitioned", spec.partitioned),
    ]
    .into_iter()
    .filter(|(_, present)| *present)
    .map(|(key, _)| key.len())
    .max()
    .unwrap_or(0)
        + 1;
    let mut out = cookie_buffer(spec);
    if let Some(expires) = expires {
        out.push_str("expires, _ := http.ParseTime(");
        push_quoted(&mut out, expires, GO);
        out.push_str(")\n");
    }
    if !deletion && dropped_by_net_http(&spec.value) {
        out.push_str("// net/http drops '\"', ';', '\\' and non-ASCII bytes from a cookie value\n");
    }
    out.push_str("http.SetCookie(w, &http.Cookie{\n");
    start_field(&mut out, "Name", width);
    push_quoted(&mut out, &spec.name, GO);
    end_field(&mut out, "");
    start_field(&mut out, "Value", width);
    push_quoted(&mut out, if deletion { "" } else { &spec.value }, GO);
    end_field(&mut out, "");
    if let Some(domain) = &spec.domain {
        start_field(&mut out, "Domain", width);
        push_quoted(&mut out, domain, GO);
        end_field(&mut out, "");
    }
    start_field(&mut out, "Path", width);
    push_quoted(&mut out, cookie_path(spec), GO);
    end_field(&mut out, "");
    if deletion {
        start_field(&mut out, "MaxAge", width);
        out.push_str("-1");
        end_field(&mut out, " // sends Max-Age=0: deletes it");
    } else {
        if expires.is_some() {
            start_field(&mut out, "Expires", width);
            out.push_str("expires");
            end_field(&mut out, "");
        }
        if let Some(max_age) = max_age {
            start_field(&mut out, "MaxAge", width);
            let _ = write!(out, "{max_age}");
            end_field(&mut out, "");
        }
    }
    if spec.secure {
        start_field(&mut out, "Secure", width);
        out.push_str("true");
        end_field(&mut out, "");
    }
    if spec.http_only {
        start_field(&mut out, "HttpOnly", width);
        out.push_str("true");
        end_field(&mut out, "");
    }
    if let Some(same_site) = same_site {
        start_field(&mut out, "SameSite", width);
        out.push_str(match same_site {
            SameSite::Strict => "http.SameSiteStrictMode",
            SameSite::Lax => "http.SameSiteLaxMode",
            SameSite::None => "http.SameSiteNoneMode",
        });
        end_field(&mut out, "");
    }
    if spec.partitioned {
        start_field(&mut out, "Partitioned", width);
        out.push_str("true");
        end_field(&mut out, " // Go 1.23+");
    }
    out.push_str("})");
    out
}

/// Echo the request's Origin when it is in the allow-list, with `Vary: Origin`,
/// and answer the preflight, at the top of a handler (or a middleware).
pub(super) fn cors(spec: &CorsSpec) -> String {
    let mut out = cors_buffer(spec);
    out.push_str("allowedOrigins := map[string]bool{\n");
    for origin in &spec.allow_origins {
        out.push('\t');
        push_quoted(&mut out, origin, GO);
        out.push_str(": true,\n");
    }
    out.push_str(
        "}\n\
         if origin := r.Header.Get(\"Origin\"); allowedOrigins[origin] {\n\
         \tw.Header().Set(\"Access-Control-Allow-Origin\", origin)\n",
    );
    if spec.allow_credentials {
        out.push_str("\tw.Header().Set(\"Access-Control-Allow-Credentials\", \"true\")\n");
    }
    out.push_str(
        "}\n\
         // the answer depends on Origin: caches must key on it\n\
         w.Header().Add(\"Vary\", \"Origin\")\n\
         if r.Method == http.MethodOptions {\n",
    );
    if !spec.allow_methods.is_empty() {
        out.push_str("\tw.Header().Set(\"Access-Control-Allow-Methods\", ");
        push_quoted_joined(&mut out, &spec.allow_methods, GO);
        out.push_str(")\n");
    }
    if !spec.allow_headers.is_empty() {
        out.push_str("\tw.Header().Set(\"Access-Control-Allow-Headers\", ");
        push_quoted_joined(&mut out, &spec.allow_headers, GO);
        out.push_str(")\n");
    }
    out.push_str("\tw.WriteHeader(http.StatusNoContent)\n\treturn\n}");
    out
}

/// The header, set in a handler before it writes the body.
pub(super) fn framing(spec: &FramingSpec) -> String {
    let mut out = framing_buffer(spec);
    out.push_str("w.Header().Set(\"Content-Security-Policy\", ");
    push_quoted_csp(&mut out, spec, GO);
    out.push(')');
    out
}
