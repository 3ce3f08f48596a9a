//! Go `net/http` (1.23+ for `Partitioned`): `http.SetCookie`, CORS headers
//! written in the handler, and the framing header.

use super::{CorsSpec, FramingSpec, Lang, SameSite, cookie_path, csp, quote, same_site};
use crate::fix::CookieSpec;

const GO: Lang = Lang::Go;

/// The bytes `net/http` drops from a cookie value (it logs and removes them).
fn dropped_by_net_http(value: &str) -> bool {
    value
        .bytes()
        .any(|b| !(0x20..0x7f).contains(&b) || b == b'"' || b == b';' || b == b'\\')
}

/// `http.SetCookie(w, &http.Cookie{...})` in a handler.
pub(super) fn cookie(spec: &CookieSpec) -> String {
    let deletion = spec.is_deletion();
    // Field, value, comment.
    let mut fields: Vec<(&str, String, &str)> = vec![
        ("Name", quote(&spec.name, GO), ""),
        (
            "Value",
            quote(if deletion { "" } else { &spec.value }, GO),
            "",
        ),
    ];
    if let Some(domain) = &spec.domain {
        fields.push(("Domain", quote(domain, GO), ""));
    }
    fields.push(("Path", quote(cookie_path(spec), GO), ""));
    let mut out = String::new();
    if deletion {
        fields.push(("MaxAge", "-1".into(), " // sends Max-Age=0: deletes it"));
    } else {
        if let Some(expires) = &spec.expires {
            out.push_str(&format!(
                "expires, _ := http.ParseTime({})\n",
                quote(expires, GO)
            ));
            fields.push(("Expires", "expires".into(), ""));
        }
        match spec.max_age {
            // MaxAge 0 means "no Max-Age" in net/http.
            Some(max_age) if max_age > 0 => fields.push(("MaxAge", max_age.to_string(), "")),
            _ => {}
        }
    }
    if spec.secure {
        fields.push(("Secure", "true".into(), ""));
    }
    if spec.http_only {
        fields.push(("HttpOnly", "true".into(), ""));
    }
    if let Some(same_site) = same_site(spec) {
        let mode = match same_site {
            SameSite::Strict => "http.SameSiteStrictMode",
            SameSite::Lax => "http.SameSiteLaxMode",
            SameSite::None => "http.SameSiteNoneMode",
        };
        fields.push(("SameSite", mode.into(), ""));
    }
    if spec.partitioned {
        fields.push(("Partitioned", "true".into(), " // Go 1.23+"));
    }
    if !deletion && dropped_by_net_http(&spec.value) {
        out.push_str("// net/http drops '\"', ';', '\\' and non-ASCII bytes from a cookie value\n");
    }
    // Aligned as gofmt aligns a keyed composite literal: `Key:` padded to the
    // longest key plus its colon.
    let width = fields.iter().map(|(f, _, _)| f.len()).max().unwrap_or(0) + 1;
    out.push_str("http.SetCookie(w, &http.Cookie{\n");
    for (field, value, comment) in &fields {
        out.push('\t');
        out.push_str(field);
        out.push(':');
        for _ in field.len() + 1..width {
            out.push(' ');
        }
        out.push(' ');
        out.push_str(value);
        out.push(',');
        out.push_str(comment);
        out.push('\n');
    }
    out.push_str("})");
    out
}

/// Echo the request's Origin when it is in the allow-list, with `Vary: Origin`,
/// and answer the preflight, at the top of a handler (or a middleware).
pub(super) fn cors(spec: &CorsSpec) -> String {
    let mut out = String::from("allowedOrigins := map[string]bool{\n");
    for origin in &spec.allow_origins {
        out.push_str(&format!("\t{}: true,\n", quote(origin, GO)));
    }
    out.push_str("}\n");
    out.push_str("if origin := r.Header.Get(\"Origin\"); allowedOrigins[origin] {\n");
    out.push_str("\tw.Header().Set(\"Access-Control-Allow-Origin\", origin)\n");
    if spec.allow_credentials {
        out.push_str("\tw.Header().Set(\"Access-Control-Allow-Credentials\", \"true\")\n");
    }
    out.push_str("}\n");
    out.push_str("// the answer depends on Origin: caches must key on it\n");
    out.push_str("w.Header().Add(\"Vary\", \"Origin\")\n");
    out.push_str("if r.Method == http.MethodOptions {\n");
    if !spec.allow_methods.is_empty() {
        out.push_str(&format!(
            "\tw.Header().Set(\"Access-Control-Allow-Methods\", {})\n",
            quote(&spec.allow_methods.join(", "), GO)
        ));
    }
    if !spec.allow_headers.is_empty() {
        out.push_str(&format!(
            "\tw.Header().Set(\"Access-Control-Allow-Headers\", {})\n",
            quote(&spec.allow_headers.join(", "), GO)
        ));
    }
    out.push_str("\tw.WriteHeader(http.StatusNoContent)\n\treturn\n}");
    out
}

/// The header, set in a handler before it writes the body.
pub(super) fn framing(spec: &FramingSpec) -> String {
    format!(
        "w.Header().Set(\"Content-Security-Policy\", {})",
        quote(&csp(spec), GO)
    )
}
