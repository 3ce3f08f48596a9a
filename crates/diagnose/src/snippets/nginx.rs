//! nginx (1.19.3+): `proxy_cookie_flags` on the upstream's cookie, or
//! `add_header Set-Cookie`; CORS and framing with `add_header … always`.
//! Every snippet goes in a `location` (or `server`) block.

use super::{
    CorsSpec, Framing, FramingSpec, Lang, SameSite, csp, framing_kind, quote, same_site,
    set_cookie_value,
};
use crate::fix::CookieSpec;

const NGINX: Lang = Lang::Nginx;

/// What a string needs at the `http` level when it holds a `$`.
fn dollar_note(s: &str) -> &'static str {
    if s.contains('$') {
        "# nginx cannot escape '$' in a string: ${dollar} needs, in http {}:\n\
         #   geo $dollar { default \"$\"; }\n"
    } else {
        ""
    }
}

/// `proxy_cookie_flags` when the upstream sets the cookie and only its flags
/// change; `add_header Set-Cookie` for a deletion or a partitioned cookie (no
/// flag of `proxy_cookie_flags` says Partitioned).
pub(super) fn cookie(spec: &CookieSpec) -> String {
    if spec.is_deletion() || spec.partitioned {
        let line = set_cookie_value(spec);
        let why = if spec.partitioned {
            "# proxy_cookie_flags has no Partitioned flag: nginx sends the whole cookie\n"
        } else {
            "# nginx sends the deletion itself, with the Domain, Path, Secure and\n\
             # Partitioned of the cookie it clears\n"
        };
        return format!(
            "{why}{}add_header Set-Cookie {} always;",
            dollar_note(&line),
            quote(&line, NGINX)
        );
    }
    let mut flags = vec![if spec.secure { "secure" } else { "nosecure" }];
    flags.push(if spec.http_only {
        "httponly"
    } else {
        "nohttponly"
    });
    flags.push(match same_site(spec) {
        Some(SameSite::Strict) => "samesite=strict",
        Some(SameSite::Lax) => "samesite=lax",
        Some(SameSite::None) => "samesite=none",
        None => "nosamesite",
    });
    // A cookie name is a token: it needs quoting only if it has odd characters.
    let name = if spec
        .name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        spec.name.clone()
    } else {
        quote(&spec.name, NGINX)
    };
    format!(
        "# the upstream's Set-Cookie for {name} gets these flags on the way out;\n\
         # its value, Domain, Path and lifetime stay as the upstream sends them\n\
         proxy_cookie_flags {name} {};",
        flags.join(" ")
    )
}

/// Echo the request's Origin when it is in the allow-list (an empty value
/// sends no header), with `Vary: Origin`, and answer the preflight.
pub(super) fn cors(spec: &CorsSpec) -> String {
    let mut out = String::from("set $cors_origin \"\";\n");
    for origin in &spec.allow_origins {
        out.push_str(dollar_note(origin));
        out.push_str(&format!(
            "if ($http_origin = {}) {{\n    set $cors_origin $http_origin;\n}}\n",
            quote(origin, NGINX)
        ));
    }
    out.push_str("add_header Access-Control-Allow-Origin $cors_origin always;\n");
    if spec.allow_credentials {
        out.push_str("add_header Access-Control-Allow-Credentials \"true\" always;\n");
    }
    out.push_str("# the answer depends on Origin: caches must key on it\n");
    out.push_str("add_header Vary \"Origin\" always;\n");
    if !spec.allow_methods.is_empty() {
        out.push_str(&format!(
            "add_header Access-Control-Allow-Methods {} always;\n",
            quote(&spec.allow_methods.join(", "), NGINX)
        ));
    }
    if !spec.allow_headers.is_empty() {
        out.push_str(&format!(
            "add_header Access-Control-Allow-Headers {} always;\n",
            quote(&spec.allow_headers.join(", "), NGINX)
        ));
    }
    out.push_str("if ($request_method = OPTIONS) {\n    return 204;\n}");
    out
}

/// `add_header Content-Security-Policy …`; when other sites may frame the page,
/// an upstream's X-Frame-Options (which cannot name them) is dropped.
pub(super) fn framing(spec: &FramingSpec) -> String {
    let value = csp(spec);
    let mut out = format!(
        "{}add_header Content-Security-Policy {} always;",
        dollar_note(&value),
        quote(&value, NGINX)
    );
    if framing_kind(spec) == Framing::Others {
        out.push_str(
            "\n# an upstream's X-Frame-Options cannot name the embedder\n\
             proxy_hide_header X-Frame-Options;",
        );
    }
    out
}
